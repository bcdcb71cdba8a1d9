#!/usr/bin/env bash
# Instruction counts (valgrind --tool=callgrind, "I refs") of the commands
# compare.sh times: unlike wall-clock time they do not depend on how busy
# the machine is, so two builds can be compared on a shared machine.
#
#   tools/bench/instructions.sh [REV]
#
# With REV (a commit), the same counts for that commit are printed beside
# this work tree's. Needs valgrind. Binaries are built with CGO_ENABLED=0
# (callgrind aborts on the signal handling of a cgo binary's threads) and
# run with GODEBUG=asyncpreemptoff=1 (no preemption signals); the counts
# include process start-up. The SimFaaS scenario takes about a minute.
# Piped, glow renders plain text, so the piped counts compare plain with
# plain; the terminal counts (under script(1)) compare colour with colour.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"; git worktree remove --force "$work/rev" 2>/dev/null || true' EXIT
CGO_ENABLED=0 go build -o "$work/cloudlab" ./cmd/cloudlab
(cd tools && CGO_ENABLED=0 go build -o "$work/glow" github.com/charmbracelet/glow/v2)
bins=("$work/cloudlab")
if [ $# -gt 0 ]; then
  git worktree add --detach "$work/rev" "$1" >/dev/null 2>&1
  (cd "$work/rev" && CGO_ENABLED=0 go build -o "$work/cloudlab-rev" ./cmd/cloudlab)
  bins=("$work/cloudlab-rev" "$work/cloudlab")
fi
awk 'NR==1 && /^---$/ {fm=1; next} fm && /^---$/ {fm=0; next} !fm' lessons/06-ecs-concepts.md > "$work/lesson.md"
export XDG_CACHE_HOME="$work/cache" CLOUDLAB_DATA="$work/data"
ir() {
  # GOGC=off: under valgrind a collection that starts mid-run drags on and
  # its write-barrier work swamps the count (seen: 3.8G-6.7G for one binary).
  GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" 2>&1 >/dev/null |
    awk '/I *refs:/ {print $NF}'
}
# Piped, glow renders plain text, so cloudlab read runs without --style
# (plain when piped) to render the same kind of output.
printf '%16s  %s\n' "$(ir "$work/glow" -s dark -w 80 "$work/lesson.md")" "glow -s dark -w 80 (the lesson, piped: plain)"
printf '%16s  %s\n' "$(ir "$work/glow" --version)" "glow --version"
for b in "${bins[@]}"; do
  name=$(basename "$b")
  "$b" read ecs-concepts --width 80 > /dev/null # warm the cache
  printf '%16s  %s\n' "$(ir "$b" read ecs-concepts --width 80)" "$name read (warm cache, piped: plain)"
  printf '%16s  %s\n' "$(ir "$b" --no-cache read ecs-concepts --width 80)" "$name read (no cache, piped: plain)"
  printf '%16s  %s\n' "$(ir "$b" --version)" "$name --version"
  printf '%16s  %s\n' "$(ir "$b" sim run tools/bench/simfaas.sim)" "$name sim run tools/bench/simfaas.sim"
done
# In a terminal both render the dark style in colour: run under script(1)
# (TERM=screen-256color: no terminal queries, which nothing would answer).
command -v script >/dev/null || { echo "script(1) is not installed: skipping the terminal counts"; exit 0; }
irtty() {
  TERM=screen-256color COLORTERM=truecolor script -qec "GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=$work/cg.out --log-file=$work/vg.log $*" /dev/null >/dev/null
  awk '/I *refs:/ {print $NF}' "$work/vg.log"
}
printf '%16s  %s\n' "$(irtty "$work/glow" -s dark -w 80 "$work/lesson.md")" "glow -s dark -w 80 (the lesson, terminal: colour)"
for b in "${bins[@]}"; do
  name=$(basename "$b")
  "$b" read ecs-concepts --style dark --width 80 > /dev/null # warm the cache
  printf '%16s  %s\n' "$(irtty "$b" read ecs-concepts --style dark --width 80)" "$name read --style dark (warm cache, terminal: colour)"
  printf '%16s  %s\n' "$(irtty "$b" --no-cache read ecs-concepts --style dark --width 80)" "$name read --style dark (no cache, terminal: colour)"
done
