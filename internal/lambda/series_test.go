package lambda

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestConcurrencyHeldThroughQuietSeconds: ConcurrentExecutions is the
// maximum in each period, so a second in which an invocation runs counts
// it even when nothing starts or ends in that second, and the second in
// which it ends counts it too.
func TestConcurrencyHeldThroughQuietSeconds(t *testing.T) {
	k, s := newSvc(t)
	f := mkFn(t, s, "f", func(c *Config) { c.Duration, c.Init, c.Timeout = fixed(5*time.Second), fixed(0), 30*time.Second })
	if err := k.RunUntil(500 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if _, err := call(t, k, s, Request{Function: "f"}); err != nil { // runs 0.5 s to 5.5 s
		t.Fatal(err)
	}
	if err := k.RunUntil(8*time.Second + time.Millisecond); err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 1, 1, 1, 1, 1, 0, 0, 0} // seconds 0 to 8
	for _, period := range []time.Duration{time.Second, time.Minute} {
		pts, err := f.Series("ConcurrentExecutions", period, len(want))
		if err != nil {
			t.Fatal(err)
		}
		if period == time.Minute {
			if len(pts) != 1 || pts[0].Value != 1 {
				t.Errorf("per minute: %v, want one point of 1", pts)
			}
			continue
		}
		if len(pts) != len(want) {
			t.Fatalf("%d points, want %d", len(pts), len(want))
		}
		for i, p := range pts {
			if p.Value != want[i] {
				t.Errorf("second %v: ConcurrentExecutions %v, want %v", p.At, p.Value, want[i])
			}
		}
	}
}

// TestSeriesAgainstModel drives a small ring with random increasing times
// (the next period, a few periods on, more than a whole ring on) and
// checks every retained bucket against a plain model: each period opened
// starts at the level given, and a request counts in its own period.
func TestSeriesAgainstModel(t *testing.T) {
	const n = 7
	r := rand.New(rand.NewPCG(1, 2))
	s := newSeries(time.Second, n)
	model := map[int64]Bucket{}
	last := int64(-1)
	now := time.Duration(r.Int64N(int64(20 * time.Second)))
	for step := 0; step < 5000; step++ {
		switch r.IntN(4) {
		case 0: // the same period, or the next
			now += time.Duration(r.Int64N(int64(time.Second)))
		case 1: // a few periods on
			now += time.Duration(r.Int64N(int64(4 * time.Second)))
		case 2: // past the whole ring
			now += time.Duration(r.Int64N(int64(3 * n * time.Second)))
		}
		conc := r.IntN(5)
		idx := int64(now / time.Second)
		for i := max(last+1, idx-n+1); i <= idx; i++ {
			model[i] = Bucket{ConcMax: uint32(conc)}
		}
		last = max(last, idx)
		b := s.at(now, conc)
		b.Requests++
		m := model[idx]
		m.Requests++
		model[idx] = m
		for i := last - n + 1; i <= last; i++ {
			if i < 0 {
				continue
			}
			for _, metric := range []string{"Requests", "ConcurrentExecutions"} {
				pts, err := s.Points(metric, time.Duration(last)*time.Second, n, 0)
				if err != nil {
					t.Fatal(err)
				}
				var got float64
				for _, p := range pts {
					if p.At == time.Duration(i)*time.Second {
						got = p.Value
					}
				}
				want := float64(model[i].Requests)
				if metric == "ConcurrentExecutions" {
					want = float64(model[i].ConcMax)
				}
				if got != want {
					t.Fatalf("step %d, now %v: period %d %s = %v, want %v", step, now, i, metric, got, want)
				}
			}
		}
	}
}
