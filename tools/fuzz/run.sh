#!/usr/bin/env bash
# Run every fuzz target of the module, one after another, for a while each.
#
#   tools/fuzz/run.sh [TIME]      TIME per target, default 10m (Go's -fuzztime)
#
# New crashers land in the package's testdata/fuzz/ (commit them once
# fixed: they become regression tests). -fuzzminimizetime is kept short:
# the seeds include whole question banks, and minimizing each new input
# found from them otherwise stalls a worker for up to a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."
time=${1:-10m}
fail=0
while read -r file target; do
  pkg=./$(dirname "$file")
  echo "== $target ($pkg, $time)"
  if ! go test -run XXX -fuzz "^${target}\$" -fuzztime "$time" -fuzzminimizetime 1s "$pkg"; then
    fail=1
  fi
done < <(grep -rn --include='*_test.go' -E '^func (Fuzz[A-Za-z0-9_]+)\(' . |
  sed -E 's#^\./([^:]+):[0-9]+:func (Fuzz[A-Za-z0-9_]+)\(.*#\1 \2#' | sort)
exit $fail
