package simrun

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// BenchmarkSimFaaS runs tools/bench/simfaas.sim (about 900,000 invocations)
// once per iteration, in process: the scenario of issue 22 without the
// process start-up. Profile it with -cpuprofile.
func BenchmarkSimFaaS(b *testing.B) {
	script, err := os.ReadFile("../../tools/bench/simfaas.sim")
	if err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Run(bytes.NewReader(script), io.Discard, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
