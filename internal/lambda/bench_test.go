package lambda

import (
	"runtime"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// poissonLoad schedules n Poisson arrivals at rate per second (one pending
// arrival at a time) and runs the simulation to the end. Arrivals go
// through InvokeDetached, the traffic path.
func poissonLoad(tb testing.TB, n int, rate float64, sample func()) (*Service, *sim.Kernel) {
	return poissonLoadWith(tb, n, rate, sample, false)
}

// poissonLoadWith is poissonLoad; held sends the arrivals through Invoke
// (the caller gets the *Invocation, which is never reused).
func poissonLoadWith(tb testing.TB, n int, rate float64, sample func(), held bool) (*Service, *sim.Kernel) {
	k := sim.New(1)
	s := New(k)
	mkFn(tb, s, "f", func(c *Config) { c.Duration = sim.Dist{Kind: "exponential", Mean: 100 * time.Millisecond} })
	left := n
	var next func()
	next = func() {
		if held {
			s.Invoke(Request{Function: "f"})
		} else {
			s.InvokeDetached(Request{Function: "f"})
		}
		left--
		if sample != nil && left%50000 == 0 {
			sample()
		}
		if left > 0 {
			k.After(time.Duration(k.Rand().ExpFloat64()/rate*float64(time.Second)), next)
		}
	}
	k.At(0, next)
	if err := k.RunUntil(time.Duration(float64(n)/rate*float64(time.Second)) + time.Hour); err != nil {
		tb.Fatal(err)
	}
	return s, k
}

// BenchmarkPoissonInvocations reports the cost of one simulated invocation
// (arrival, admission, environment, completion, metrics) and kernel events/s.
func BenchmarkPoissonInvocations(b *testing.B) {
	b.ReportAllocs()
	_, k := poissonLoad(b, b.N, 2000, nil)
	b.ReportMetric(float64(k.Processed())/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "invocations/s")
}

// BenchmarkPoissonInvocationsHeld is BenchmarkPoissonInvocations through
// Invoke: every invocation is handed to the caller, so none is reused.
func BenchmarkPoissonInvocationsHeld(b *testing.B) {
	b.ReportAllocs()
	_, k := poissonLoadWith(b, b.N, 2000, nil, true)
	b.ReportMetric(float64(k.Processed())/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "invocations/s")
}

// TestMemoryFlat checks that memory does not grow with the number of
// invocations: the peak live heap for 200,000 invocations stays within a
// small margin of that for 20,000 (streaming metrics, bounded rings).
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("memory test skipped in -short mode")
	}
	peak := func(n int) uint64 {
		var top uint64
		var ms runtime.MemStats
		sample := func() {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			top = max(top, ms.HeapAlloc)
		}
		s, _ := poissonLoad(t, n, 2000, sample)
		sample()
		runtime.KeepAlive(s)
		return top
	}
	small := peak(20_000)
	large := peak(200_000)
	t.Logf("peak heap: %d KB for 20k invocations, %d KB for 200k", small/1024, large/1024)
	if large > small+small/2+512*1024 {
		t.Fatalf("heap grew from %d KB to %d KB when invocations grew tenfold", small/1024, large/1024)
	}
}
