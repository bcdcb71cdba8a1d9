#!/usr/bin/env bash
# Side-by-side timings (no assertions): cloudlab read against glow v2.1.1
# on the same lesson, with the render cache warm and cold (--no-cache),
# cloudlab --version against glow --version, peak memory, and the SimFaaS
# README scenario with SimFaaS's published figures beside ours.
#
#   tools/bench/compare.sh [RUNS]
#
# Each pair writes the same kind of output, in two settings:
#   - to a pipe: glow then renders plain text (no colour: its colour
#     profile follows stdout), so cloudlab renders plain text too (read
#     without --style, as when piped);
#   - to a terminal: both under script(1), a pseudo-terminal, rendering
#     the dark style in colour. TERM=screen-256color makes both skip the
#     terminal queries that nothing would answer there (termenv waits up
#     to 5 s for them); script's own cost is timed alone and subtracted.
# Ratios are of mean wall times (hyperfine -N, paired in one run).
#
# Needs hyperfine (apt-get install -y hyperfine) and script (util-linux);
# uses /usr/bin/time for peak memory.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/cloudlab" ./cmd/cloudlab
(cd tools && go build -o "$work/glow" github.com/charmbracelet/glow/v2)
lesson=lessons/06-ecs-concepts.md
awk 'NR==1 && /^---$/ {fm=1; next} fm && /^---$/ {fm=0; next} !fm' "$lesson" > "$work/lesson.md"
export XDG_CACHE_HOME="$work/cache" CLOUDLAB_DATA="$work/data"
cl="$work/cloudlab"
glow="$work/glow -s dark -w 80 $work/lesson.md"
"$cl" read ecs-concepts --width 80 > /dev/null                # warm the cache (plain)
"$cl" read ecs-concepts --style dark --width 80 > /dev/null   # and dark

# ratio CSV A B: mean of command A over mean of command B (1-based rows),
# after subtracting the mean of row SUB when given.
ratio() {
  awk -F, -v a="$2" -v b="$3" -v sub_="${4:-0}" '
    NR > 1 { mean[NR-1] = $2 }
    END {
      s = (sub_ > 0) ? mean[sub_] : 0
      printf "%.2fx (%.1f ms / %.1f ms)", (mean[a]-s)/(mean[b]-s), (mean[a]-s)*1000, (mean[b]-s)*1000
    }' "$1"
}

# bench CSV CMD...: one paired hyperfine run of the commands, its means in CSV.
bench() {
  local csv=$1
  shift
  hyperfine -N -w 3 -r "$runs" --export-csv "$csv" "$@" | grep -E '^Benchmark|Time'
}

if command -v hyperfine >/dev/null; then
  echo "== to a pipe (plain text from both)"
  bench "$work/pipe.csv" \
    "$glow" \
    "$cl read ecs-concepts --width 80" \
    "$cl --no-cache read ecs-concepts --width 80" \
    "$work/glow --version" \
    "$cl --version"
  echo "read, warm cache: $(ratio "$work/pipe.csv" 2 1) of glow"
  echo "read, cold cache: $(ratio "$work/pipe.csv" 3 1) of glow"
  echo "--version:        $(ratio "$work/pipe.csv" 5 4) of glow --version"
  if command -v script >/dev/null; then
    echo
    echo "== to a terminal (script(1); dark style in colour from both)"
    TERM=screen-256color COLORTERM=truecolor bench "$work/tty.csv" \
      "script -qec '$glow' /dev/null" \
      "script -qec '$cl read ecs-concepts --style dark --width 80' /dev/null" \
      "script -qec '$cl --no-cache read ecs-concepts --style dark --width 80' /dev/null" \
      "script -qec true /dev/null"
    echo "read, warm cache: $(ratio "$work/tty.csv" 2 1 4) of glow (script's own time subtracted)"
    echo "read, cold cache: $(ratio "$work/tty.csv" 3 1 4) of glow"
  else
    echo "script(1) is not installed: skipping the terminal timings"
  fi
else
  echo "hyperfine is not installed: skipping the paired timings"
fi
echo
echo "== peak memory (to a pipe)"
for cmd in "$glow" "$cl read ecs-concepts --width 80" "$cl --no-cache read ecs-concepts --width 80" \
  "$work/glow --version" "$cl --version"; do
  /usr/bin/time -f "peak %M KiB  $cmd" $cmd > /dev/null
done
echo
echo "== SimFaaS scenario (tools/bench/simfaas.sim); SimFaaS itself: 15.5 s, 311 MiB,"
echo "P(cold) 0.0014, 7.73 servers on average, 1.80 running (its README)."
/usr/bin/time -f "cloudlab: %e s, peak %M KiB" "$cl" sim run tools/bench/simfaas.sim > "$work/sf.json"
grep -E '"(Invocations|ColdStarts|AvgEnvironments|AvgBusyEnvironments)"' "$work/sf.json" | head -4
if command -v hyperfine >/dev/null; then
  bench "$work/sf.csv" "$cl sim run tools/bench/simfaas.sim"
  awk -F, 'NR == 2 { printf "%.0fx faster than SimFaaS (15.5 s)\n", 15.5 / $2 }' "$work/sf.csv"
fi
