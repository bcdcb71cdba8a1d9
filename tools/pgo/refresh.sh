#!/usr/bin/env bash
# Rewrites cmd/cloudlab/default.pgo, the CPU profile `go build` uses for
# profile-guided optimisation of the cloudlab binary (Go 1.21+ picks up a
# default.pgo beside the main package by itself; tests are not affected).
# The profile is the hot paths people wait on, merged: the simulation (the
# SimFaaS scenario), rendering a lesson, the lab screen's tick and View,
# and ECS placement. Rerun it after large changes to those paths.
#
#   tools/pgo/refresh.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prof() { # NAME PKG BENCH BENCHTIME
  go test -run '^$' -bench "$3" -benchtime "$4" -cpuprofile "$work/$1.pprof" -o "$work/$1.test" "$2" >/dev/null
}
prof sim ./internal/simrun/ 'BenchmarkSimFaaS$' 60x
prof render ./internal/render/ 'BenchmarkRenderLesson$|BenchmarkRenderLongLesson$' 3s
prof lab ./internal/tui/labui/ 'BenchmarkTick$|BenchmarkView$' 2s
prof place ./internal/ecs/ 'BenchmarkPlace10kTasksOn1kInstances$' 10x
go tool pprof -proto "$work"/sim.pprof "$work"/render.pprof "$work"/lab.pprof "$work"/place.pprof > cmd/cloudlab/default.pgo 2>/dev/null
echo "wrote cmd/cloudlab/default.pgo ($(wc -c < cmd/cloudlab/default.pgo) bytes)"
