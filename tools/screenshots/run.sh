#!/usr/bin/env bash
# Screenshots that stay true: builds cloudlab, drives it in tmux at 100x30
# (home, a lesson, a quiz with feedback, a lab mid-scale-out, an exam
# result), captures each screen with its colours and renders SVG and PNG
# with freeze (tools module). With --check it only drives the screens and
# checks that each still shows its expected text (what the test runs).
#
#   tools/screenshots/run.sh           # writes docs/img/*.svg and *.png
#   tools/screenshots/run.sh --check   # no images; exit 1 if a screen changed
#
# Needs tmux (apt-get install -y tmux); freeze is built from tools/go.mod.
set -euo pipefail
cd "$(dirname "$0")/../.."
check=0
[[ ${1:-} == --check ]] && check=1
command -v tmux >/dev/null || { echo "screenshots: tmux is not installed (apt-get install -y tmux)" >&2; exit 2; }
work=$(mktemp -d)
# A tmux server of this run's own (two runs at once do not meet), kept up
# by an idle session: killing a shot's session must not end the server
# while the next shot connects to it ("server exited unexpectedly").
sock=cloudlab-shots-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null || true; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"; rm -rf "$work"' EXIT
tm new-session -d -s keep "sleep 86400"
go build -o "$work/cloudlab" ./cmd/cloudlab
if ((!check)); then
  (cd tools && go build -o "$work/freeze" github.com/charmbracelet/freeze)
fi
export CLOUDLAB_DATA="$work/data" XDG_CACHE_HOME="$work/cache" COLORTERM=truecolor
fail=0

# shot NAME EXPECTED KEYS... -- ARGS...: run cloudlab ARGS at 100x30, send
# KEYS (tmux names; "t:TEXT" types TEXT; "w:SECS" waits), then capture.
shot() {
  local name=$1 want=$2; shift 2
  local keys=()
  while [[ $1 != -- ]]; do keys+=("$1"); shift; done
  shift
  tm new-session -d -s s -x 100 -y 30 -e TERM=xterm-256color "$work/cloudlab --style dark $*; sleep 30"
  # Keys go in once the app is up.
  for _ in $(seq 120); do
    tm capture-pane -p -t s | grep -q '[a-z]' && break
    sleep 0.5
  done
  sleep 0.5
  for k in "${keys[@]}"; do
    case $k in
      t:*) tm send-keys -t s -l -- "${k#t:}" ;;
      w:*) sleep "${k#w:}" ;;
      *) tm send-keys -t s "$k" ;;
    esac
    sleep 0.2
  done
  # Wait for the screen to show what it should (a loaded machine draws
  # late), up to 60 s, then capture it.
  for _ in $(seq 120); do
    tm capture-pane -p -t s | grep -qF -- "$want" && break
    sleep 0.5
  done
  sleep 0.3
  tm capture-pane -e -p -t s > "$work/$name.ans"
  tm kill-session -t s 2>/dev/null || true
  if ! sed 's/\x1b\[[0-9;]*m//g' "$work/$name.ans" | grep -qF -- "$want"; then
    echo "screenshots: $name no longer shows \"$want\"" >&2
    sed 's/\x1b\[[0-9;]*m//g' "$work/$name.ans" >&2
    fail=1
  fi
  if ((!check)); then
    "$work/freeze" -l ansi --window --padding 20 --margin 0 -o "docs/img/$name.svg" < "$work/$name.ans"
    "$work/freeze" -l ansi --window --padding 20 --margin 0 -o "docs/img/$name.png" < "$work/$name.ans"
  fi
}

shot home "Learn cloud compute" --
shot reader "Concurrency" pgdown -- learn lambda-concurrency
shot quiz "Right." d Enter -- quiz lambda-anatomy --seed 2
shot lab "busy" "t:traffic --function-name api --rate 30 --for 1m" Enter w:3 M-2 w:1 -- lab lab-concurrency
shot exam "Exam results" a Enter a Enter a Enter s y w:1 -- quiz containers-vs-vms --mode exam --count 3 --seed 4
exit $fail
