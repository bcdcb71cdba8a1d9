package lambda

import (
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// steadyTraffic returns a service with function f under a fixed load (an
// arrival every 10 ms, 100 ms handlers: 10 busy environments) that has run
// long enough to reach its steady state, and a step that runs one more
// arrival and everything due before the next.
func steadyTraffic(t *testing.T) (*Service, func()) {
	k := sim.New(1)
	s := New(k)
	mkFn(t, s, "f", nil)
	req := Request{Function: "f"}
	step := func() {
		if err := s.InvokeDetached(req); err != nil {
			t.Fatal(err)
		}
		if err := k.RunFor(10 * time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	for range 20_000 { // past the per-second and per-minute rings' first lap
		step()
	}
	return s, step
}

// TestTrafficInvocationsZeroAlloc: in steady state a traffic invocation
// (arrival, admission, start, completion, billing, metrics, logs ring)
// allocates nothing.
func TestTrafficInvocationsZeroAlloc(t *testing.T) {
	_, step := steadyTraffic(t)
	if a := testing.AllocsPerRun(5000, step); a != 0 {
		t.Fatalf("%v allocations per traffic invocation in steady state; want 0", a)
	}
}

// TestPoissonTrafficAllocs: with random arrivals and durations, cold starts
// (a new environment) still allocate, but they are rare: the allocations
// that 100,000 more invocations add (beyond the fixed cost of building the
// service) are well under 0.01 per invocation.
func TestPoissonTrafficAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	poissonLoad(t, 20_000, 2000, nil) // warm the runtime
	const n = 100_000
	small := testing.AllocsPerRun(1, func() { poissonLoad(t, n, 2000, nil) })
	large := testing.AllocsPerRun(1, func() { poissonLoad(t, 2*n, 2000, nil) })
	t.Logf("%.0f allocations for %d invocations, %.0f for %d", small, n, large, 2*n)
	if per := (large - small) / n; per > 0.01 {
		t.Fatalf("%.0f more allocations for %d more Poisson invocations (%.4f each); want under 0.01 each", large-small, n, per)
	}
}

// TestHeldInvocationNotRecycled: an invocation returned by Invoke belongs
// to its caller; traffic afterwards must neither reuse nor change it.
func TestHeldInvocationNotRecycled(t *testing.T) {
	s, step := steadyTraffic(t)
	inv, err := s.Invoke(Request{Function: "f", Payload: `{"held":true}`})
	if err != nil {
		t.Fatal(err)
	}
	for !inv.Done {
		if ok, err := s.k.Step(); !ok || err != nil {
			t.Fatalf("step: %v %v", ok, err)
		}
	}
	want := *inv
	for range 1000 {
		step()
	}
	if slices.Contains(s.invFree, inv) {
		t.Fatal("a held invocation is on the free list")
	}
	got := *inv
	if got.Seq != want.Seq || got.Payload != want.Payload || got.End != want.End || got.Billed != want.Billed || got.EnvID != want.EnvID || !got.Done {
		t.Fatalf("held invocation changed after more traffic:\n got %+v\nwant %+v", got, want)
	}
	if got.Response() != `{"held":true}` {
		t.Fatalf("response %q", got.Response())
	}
}

// TestDetachedInvocationsRecycled: traffic invocations are reused after
// completion; OnDone sees each one completed. A completed detached
// invocation moves into the recent-invocations ring (64 values) without a
// copy and the value it displaces is reused, so 100 sequential invocations
// use the ring's 64 values and one more, and the ring's logs are those of
// the last invocations, not of recycled values.
func TestDetachedInvocationsRecycled(t *testing.T) {
	k := sim.New(1)
	s := New(k)
	f := mkFn(t, s, "f", nil)
	seen := map[*Invocation]int{}
	var seqs []uint64
	req := Request{Function: "f", OnDone: func(inv *Invocation) {
		if !inv.Done || inv.Billed == 0 {
			t.Errorf("OnDone got an unfinished invocation %+v", inv)
		}
		seen[inv]++
		seqs = append(seqs, inv.Seq)
	}}
	for range 100 {
		if err := s.InvokeDetached(req); err != nil {
			t.Fatal(err)
		}
		_ = k.RunFor(time.Second)
	}
	if len(seen) != 65 || len(seqs) != 100 {
		t.Fatalf("%d distinct invocation values for %d sequential invocations; want 65 (the log ring's 64 and one reused)", len(seen), len(seqs))
	}
	for i, q := range seqs {
		if q != uint64(i+1) {
			t.Fatalf("invocation %d had Seq %d", i, q)
		}
	}
	// START, END, REPORT for each of the last 3, with distinct request ids.
	logs := f.RecentLogs(3)
	if len(logs) != 9 || logs[0] == logs[3] || logs[3] == logs[6] {
		t.Fatalf("recent logs: %q", logs)
	}
	for i := range 3 {
		if r := f.recent[(f.recentN-1-i)%len(f.recent)]; r.Seq != uint64(100-i) || r.env != nil || r.detached {
			t.Fatalf("recent ring entry %d: Seq %d (want %d), env %v, detached %v", i, r.Seq, 100-i, r.env, r.detached)
		}
	}
}

// TestDetachedThrottleRecycled: a throttled traffic invocation returns the
// throttle error and goes back to the free list at once.
func TestDetachedThrottleRecycled(t *testing.T) {
	k := sim.New(1)
	s := New(k)
	f := mkFn(t, s, "f", nil)
	if err := f.PutReservedConcurrency(0); err != nil {
		t.Fatal(err)
	}
	err := s.InvokeDetached(Request{Function: "f"})
	if e, ok := err.(*Error); !ok || e.Reason == "" {
		t.Fatalf("want a throttle, got %v", err)
	}
	if len(s.invFree) != 1 {
		t.Fatalf("free list has %d invocations after a throttle; want 1", len(s.invFree))
	}
}

// TestSketchKeyMatchesExact: the logarithm-free bucket lookup agrees with
// ceil(log_gamma(v/min)) on random values over the whole range and on
// every bucket boundary and its float neighbours.
func TestSketchKeyMatchesExact(t *testing.T) {
	check := func(v float64) {
		if v < sketchMin {
			return
		}
		if got, want := sketchKey(v), sketchKeyExact(v); got != want {
			t.Fatalf("sketchKey(%v) = %d, want %d", v, got, want)
		}
	}
	r := sim.New(3).Rand()
	for range 200_000 {
		check(sketchMin * math.Exp(r.Float64()*math.Log(1e10)))
		check(r.ExpFloat64() * 1991)
	}
	for _, v := range []float64{sketchMin, 0.5, 1, 100, 253, 1000, 1991, 3000, 1e7, 1e9, 1e300} {
		check(v)
	}
	for _, bnd := range sketchBounds()[1:] {
		check(bnd)
		check(math.Nextafter(bnd, 0))
		check(math.Nextafter(bnd, math.Inf(1)))
	}
}

// TestReusedInvocationMatchesFresh: traffic invocations reused from the
// pool (reuseInvocation leaves the fields start always sets) complete with
// exactly the fields of fresh ones (Invoke), through cold starts, Init
// timeouts, handler timeouts and function errors.
func TestReusedInvocationMatchesFresh(t *testing.T) {
	run := func(detached bool) []Invocation {
		k := sim.New(42)
		s := New(k)
		mkFn(t, s, "f", func(c *Config) {
			var err error
			if c.Init, err = sim.ParseDist("exp(4s)"); err != nil { // some over the 10 s Init limit
				t.Fatal(err)
			}
			if c.Duration, err = sim.ParseDist("exp(1s)"); err != nil {
				t.Fatal(err)
			}
			c.Timeout = 3 * time.Second
			c.ErrorRate = 0.2
		})
		var done []Invocation
		req := Request{Function: "f", Payload: `{"x":1}`, OnDone: func(inv *Invocation) {
			c := *inv
			c.svc, c.env, c.onDone, c.detached = nil, nil, nil, false
			done = append(done, c)
		}}
		for range 3000 {
			if detached {
				if err := s.InvokeDetached(req); err != nil {
					t.Fatal(err)
				}
			} else if _, err := s.Invoke(req); err != nil {
				t.Fatal(err)
			}
			if err := k.RunFor(300 * time.Millisecond); err != nil {
				t.Fatal(err)
			}
		}
		if err := k.RunFor(time.Hour); err != nil {
			t.Fatal(err)
		}
		return done
	}
	fresh, reused := run(false), run(true)
	if len(fresh) != 3000 || len(reused) != 3000 {
		t.Fatalf("%d fresh and %d reused invocations completed; want 3000", len(fresh), len(reused))
	}
	var cold, initTO, timedOut, errs int
	for i := range fresh {
		if !reflect.DeepEqual(fresh[i], reused[i]) {
			t.Fatalf("invocation %d:\nfresh  %+v\nreused %+v", i, fresh[i], reused[i])
		}
		inv := &fresh[i]
		cold += boolCount(inv.Cold)
		initTO += boolCount(inv.InitTimedOut)
		timedOut += boolCount(inv.TimedOut)
		errs += boolCount(inv.FunctionError != "" && !inv.TimedOut)
	}
	if cold == 0 || initTO == 0 || timedOut == 0 || errs == 0 {
		t.Fatalf("cold %d, Init timeouts %d, timeouts %d, errors %d: want some of each", cold, initTO, timedOut, errs)
	}
}

func boolCount(b bool) int {
	if b {
		return 1
	}
	return 0
}
