#!/usr/bin/env bash
# Side-by-side timings (no assertions): cloudlab read against glow v2.1.1
# on the same lesson (warm and cold render cache), cloudlab --version, and
# the SimFaaS README scenario with SimFaaS's published figures beside ours.
#
#   tools/bench/compare.sh [RUNS]
#
# Needs hyperfine for the paired runs (apt-get install -y hyperfine); uses
# /usr/bin/time for peak memory.
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
"$work/cloudlab" read ecs-concepts --style dark --width 80 > /dev/null   # warm the cache
if command -v hyperfine >/dev/null; then
  hyperfine -N -w 3 -r "$runs" \
    "$work/glow -s dark -w 80 $work/lesson.md" \
    "$work/cloudlab read ecs-concepts --style dark --width 80" \
    "$work/cloudlab --no-cache read ecs-concepts --style dark --width 80" \
    "$work/cloudlab --version"
else
  echo "hyperfine is not installed: skipping the paired timings"
fi
echo
for cmd in "$work/glow -s dark -w 80 $work/lesson.md" "$work/cloudlab read ecs-concepts --style dark --width 80" "$work/cloudlab --version"; do
  /usr/bin/time -f "peak %M KiB  $cmd" $cmd > /dev/null
done
echo
echo "SimFaaS scenario (tools/bench/simfaas.sim); SimFaaS itself: 15.5 s, 311 MiB,"
echo "P(cold) 0.0014, 7.73 servers on average, 1.80 running (its README)."
/usr/bin/time -f "cloudlab: %e s, peak %M KiB" "$work/cloudlab" sim run tools/bench/simfaas.sim > "$work/sf.json"
grep -E '"(Invocations|ColdStarts|AvgEnvironments|AvgBusyEnvironments)"' "$work/sf.json" | head -4
