package sim

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func ExampleKernel() {
	k := New(1)
	k.After(2*time.Second, func() { fmt.Println(FormatClock(k.Now()), "second") })
	k.After(time.Second, func() {
		fmt.Println(FormatClock(k.Now()), "first")
		k.After(500*time.Millisecond, func() { fmt.Println(FormatClock(k.Now()), "scheduled by first") })
	})
	id := k.After(1500*time.Millisecond, func() { fmt.Println("cancelled, never printed") })
	k.Cancel(id)
	_ = k.RunUntil(10 * time.Second)
	fmt.Println(FormatClock(k.Now()), "processed", k.Processed())
	// Output:
	// 00:00:01.000 first
	// 00:00:01.500 scheduled by first
	// 00:00:02.000 second
	// 00:00:10.000 processed 3
}

func TestSameTimeRunsInScheduleOrder(t *testing.T) {
	k := New(1)
	var got []int
	for i := range 100 {
		k.At(time.Second, func() { got = append(got, i) })
	}
	_ = k.RunUntil(time.Second)
	for i, v := range got {
		if v != i {
			t.Fatalf("event %d ran at position %d", v, i)
		}
	}
}

func TestCancelAndHeapOrder(t *testing.T) {
	k := New(7)
	var ids []EventID
	var last time.Duration
	for range 2000 {
		at := time.Duration(k.Rand().IntN(1_000_000)) * time.Microsecond
		ids = append(ids, k.At(at, func() {
			if k.Now() < last {
				t.Fatalf("time went backwards: %v after %v", k.Now(), last)
			}
			last = k.Now()
		}))
	}
	cancelled := 0
	for i, id := range ids {
		if i%3 == 0 && k.Cancel(id) {
			cancelled++
		}
	}
	if k.Cancel(ids[0]) {
		t.Fatal("cancelling twice succeeded")
	}
	_ = k.RunUntil(time.Hour)
	if got, want := k.Processed(), uint64(2000-cancelled); got != want {
		t.Fatalf("processed %d, want %d", got, want)
	}
}

func TestDeterministic(t *testing.T) {
	run := func() []int {
		k := New(42)
		var out []int
		for range 50 {
			out = append(out, k.Rand().IntN(1000))
		}
		return out
	}
	a, b := run(), run()
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("same seed gave different sequences")
	}
}

func TestBudget(t *testing.T) {
	k := New(1)
	var tick func()
	tick = func() { k.After(time.Millisecond, tick) }
	k.After(0, tick)
	k.SetBudget(1000)
	if err := k.RunUntil(24 * time.Hour); err != ErrBudget {
		t.Fatalf("err = %v, want ErrBudget", err)
	}
	if k.Processed() != 1000 {
		t.Fatalf("processed %d", k.Processed())
	}
}

func TestParseDist(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: "250ms", want: "250ms"},
		{in: "300", want: "300ms"},
		{in: "1.5s", want: "1500ms"},
		{in: "exp(200ms)", want: "exp(200ms)"},
		{in: "normal(200ms, 30ms)", want: "normal(200ms,30ms)"},
		{in: "lognormal(180ms,0.5)", want: "lognormal(180ms,0.5)"},
		{in: "uniform(100ms,300ms)", want: "uniform(100ms,300ms)"},
		{in: "uniform(300ms,100ms)", wantErr: true},
		{in: "gamma(1s)", wantErr: true},
		{in: "exp(1s", wantErr: true},
		{in: "-5ms", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDist(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err == nil && d.String() != tt.want {
				t.Fatalf("got %s, want %s", d, tt.want)
			}
		})
	}
}

func TestDistMeans(t *testing.T) {
	k := New(3)
	for _, s := range []string{"exp(100ms)", "normal(100ms,10ms)", "uniform(50ms,150ms)", "lognormal(100ms,0.3)"} {
		d, _ := ParseDist(s)
		var sum time.Duration
		const n = 200000
		for range n {
			sum += d.Sample(k.Rand())
		}
		got := float64(sum/n) / float64(d.MeanValue())
		if got < 0.98 || got > 1.02 {
			t.Errorf("%s: sample mean / mean = %.3f", s, got)
		}
	}
}

func BenchmarkKernelEvents(b *testing.B) {
	k := New(1)
	// A steady population of 1,000 pending events, like a busy simulation.
	var tick func()
	tick = func() { k.After(time.Duration(k.Rand().IntN(1000))*time.Millisecond, tick) }
	for range 1000 {
		k.After(time.Duration(k.Rand().IntN(1000))*time.Millisecond, tick)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := k.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// modelEvent is a pending event of the model the kernel is checked against.
type modelEvent struct {
	id  EventID // 0: posted (no ID)
	at  time.Duration
	seq int // schedule order
}

// before is the order events must run in: by time, then schedule order.
func (a modelEvent) before(b modelEvent) bool {
	return a.at < b.at || a.at == b.at && a.seq < b.seq
}

// earliest is the pending event due first by the model (false: none).
func earliest(pending map[int]modelEvent) (first modelEvent, found bool) {
	for _, e := range pending {
		if !found || e.before(first) {
			first, found = e, true
		}
	}
	return first, found
}

// checkNextAt checks NextAt against the model's earliest pending event.
func checkNextAt(t *testing.T, k *Kernel, pending map[int]modelEvent) {
	t.Helper()
	first, found := earliest(pending)
	if at, ok := k.NextAt(); ok != found || found && at != first.at {
		t.Fatalf("NextAt() = %v, %v; want %v, %v", at, ok, first.at, found)
	}
}

// TestCancelManyAgainstModel schedules and cancels events at random
// (enough cancellations to compact the heap several times) and checks the
// kernel against a plain model: the events run are exactly those not
// cancelled, in (time, schedule order), and Pending, Scheduled and NextAt
// agree throughout.
func TestCancelManyAgainstModel(t *testing.T) {
	k := New(3)
	r := rand.New(rand.NewPCG(5, 6))
	pending := map[int]modelEvent{}
	var ran []int
	seq := 0
	schedule := func() {
		seq++
		n := seq
		at := k.Now() + time.Duration(r.IntN(1000))*time.Millisecond
		run := func() {
			ran = append(ran, n)
			delete(pending, n)
		}
		var id EventID
		if r.IntN(10) == 0 {
			k.PostFunc(at, run) // posted: no ID, never cancelled
		} else {
			id = k.At(at, run)
		}
		pending[n] = modelEvent{id, at, n}
	}
	check := func() {
		t.Helper()
		if k.Pending() != len(pending) {
			t.Fatalf("Pending() = %d, want %d", k.Pending(), len(pending))
		}
		for _, e := range pending {
			if at, ok := k.Scheduled(e.id); e.id != 0 && (!ok || at != max(e.at, 0)) {
				t.Fatalf("Scheduled(%d) = %v, %v; want %v", e.seq, at, ok, e.at)
			}
		}
		checkNextAt(t, k, pending)
	}
	for round := range 2000 {
		for range 3 {
			schedule()
		}
		// Cancel about two of every three pending events, in map order.
		for n, e := range pending {
			if e.id != 0 && r.IntN(3) > 0 {
				if !k.Cancel(e.id) {
					t.Fatalf("Cancel(%d) = false for a pending event", n)
				}
				if k.Cancel(e.id) {
					t.Fatalf("second Cancel(%d) = true", n)
				}
				delete(pending, n)
			}
		}
		check()
		if round%7 == 0 {
			want := map[int]bool{}
			for n := range pending {
				want[n] = true
			}
			before := len(ran)
			if _, err := k.Step(); err != nil {
				t.Fatal(err)
			}
			if len(pending) > 0 && (len(ran) != before+1 || !want[ran[before]]) {
				t.Fatalf("step ran %v, want one of the pending events", ran[before:])
			}
		}
	}
	// Everything left runs in (time, sequence) order.
	var order []modelEvent
	for _, e := range pending {
		order = append(order, e)
	}
	slices.SortFunc(order, func(a, b modelEvent) int {
		if a.before(b) {
			return -1
		}
		return 1 // sequence numbers are unique
	})
	before := len(ran)
	if err := k.RunUntil(k.Now() + time.Hour); err != nil {
		t.Fatal(err)
	}
	if len(ran)-before != len(order) {
		t.Fatalf("ran %d events, want %d", len(ran)-before, len(order))
	}
	for i, e := range order {
		if ran[before+i] != e.seq {
			t.Fatalf("event %d ran as number %d, want %d", ran[before+i], i, e.seq)
		}
	}
	if k.Pending() != 0 {
		t.Fatalf("Pending() = %d after running everything", k.Pending())
	}
}

// TestScheduleFromCallbackAgainstModel has callbacks schedule, cancel and
// peek (the cases where Step's hole at the top of the heap is filled by
// the next event, removed by NextAt or Cancel, or left for the next Step)
// and checks that events run in (time, schedule order) against a model.
func TestScheduleFromCallbackAgainstModel(t *testing.T) {
	k := New(7)
	r := rand.New(rand.NewPCG(8, 9))
	pending := map[int]modelEvent{}
	seq := 0
	var schedule func()
	var ran []int
	body := func(n int) {
		ran = append(ran, n)
		delete(pending, n)
		// The next due event, by the model, must be what NextAt says.
		if r.IntN(4) == 0 {
			checkNextAt(t, k, pending)
		}
		if r.IntN(5) == 0 {
			for m, e := range pending {
				if !k.Cancel(e.id) {
					t.Fatalf("Cancel(%d) = false for a pending event", m)
				}
				delete(pending, m)
				break
			}
		}
		if seq < 20000 {
			for range r.IntN(3) {
				schedule()
			}
			if len(pending) == 0 {
				schedule()
			}
		}
	}
	schedule = func() {
		seq++
		n := seq
		at := k.Now() + time.Duration(r.IntN(50))*time.Millisecond
		id := k.At(at, func() { body(n) })
		pending[n] = modelEvent{id, at, n}
	}
	for range 10 {
		schedule()
	}
	for {
		first, found := earliest(pending)
		before := len(ran)
		ok, err := k.Step()
		if err != nil {
			t.Fatal(err)
		}
		if ok != found {
			t.Fatalf("Step() = %v with %d events pending", ok, len(pending))
		}
		if !ok {
			break
		}
		if ran[before] != first.seq || k.Now() != first.at {
			t.Fatalf("ran event %d at %v, want %d at %v", ran[before], k.Now(), first.seq, first.at)
		}
		if k.Pending() != len(pending) {
			t.Fatalf("Pending() = %d, want %d", k.Pending(), len(pending))
		}
	}
	if len(pending) != 0 || seq < 20000 {
		t.Fatalf("%d events left pending, %d scheduled", len(pending), seq)
	}
}

// BenchmarkKernelArrivals is the event pattern of a queueing simulation such
// as the SimFaaS scenario: a recurring arrival, each scheduling one
// completion (AtArg) after an exponential time; a few events are pending.
func BenchmarkKernelArrivals(b *testing.B) {
	k := New(1)
	done := 0
	complete := func(x any) { *x.(*int)++ }
	var arrive func()
	arrive = func() {
		k.AtArg(k.Now()+time.Duration(k.Rand().ExpFloat64()*2e9), complete, &done)
		k.After(time.Duration(k.Rand().ExpFloat64()*1.1e9), arrive)
	}
	k.After(0, arrive)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := k.Step(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestQueueAgainstModel drives the pending count up past sortedMax (the
// queue becomes a heap) and down below sortedMin (a sorted array again),
// again and again, with equal times, events scheduled by running events,
// and cancellations, and checks that every event runs in (time, schedule
// order) as a plain model orders them.
func TestQueueAgainstModel(t *testing.T) {
	k := New(7)
	r := rand.New(rand.NewPCG(8, 9))
	pending := map[int]modelEvent{}
	var ran []int
	seq := 0
	var schedule func()
	schedule = func() {
		seq++
		n := seq
		at := k.Now() + time.Duration(r.IntN(50))*time.Millisecond // many equal times
		run := func() {
			ran = append(ran, n)
			delete(pending, n)
			if r.IntN(4) == 0 {
				schedule() // an event that schedules another (the hole of a heap)
			}
		}
		// Cancellable events and posted ones (no ID: never cancelled),
		// mixed in one queue.
		var id EventID
		switch r.IntN(3) {
		case 0:
			id = k.At(at, run)
		case 1:
			k.PostFunc(at, run)
		default:
			k.Post(at, func(x any) { x.(func())() }, run)
		}
		pending[n] = modelEvent{id, at, n}
	}
	next := func() modelEvent { e, _ := earliest(pending); return e }
	heapSeen, sortedAgain := false, false
	for round := range 60 {
		target := 1 + r.IntN(3*sortedMax)
		if round%2 == 1 {
			target = r.IntN(sortedMin)
		}
		for k.Pending() < target {
			schedule()
		}
		if k.isHeap {
			heapSeen = true
		} else if heapSeen {
			sortedAgain = true
		}
		// Cancel some, then run down to the target, one event at a time.
		for n, e := range pending {
			if e.id != 0 && r.IntN(3) == 0 {
				if !k.Cancel(e.id) {
					t.Fatalf("Cancel(%d) = false for a pending event", n)
				}
				delete(pending, n)
			}
		}
		for k.Pending() > target {
			want := next()
			before := len(ran)
			if _, err := k.Step(); err != nil {
				t.Fatal(err)
			}
			if len(ran) != before+1 || ran[before] != want.seq {
				t.Fatalf("round %d: step ran %v, want %d", round, ran[before:], want.seq)
			}
			if k.Pending() != len(pending) {
				t.Fatalf("Pending() = %d, want %d", k.Pending(), len(pending))
			}
		}
	}
	if !heapSeen || !sortedAgain {
		t.Fatalf("the queue was a heap: %v, a sorted array again: %v", heapSeen, sortedAgain)
	}
	for len(pending) > 0 {
		want := next()
		before := len(ran)
		if _, err := k.Step(); err != nil {
			t.Fatal(err)
		}
		if ran[before] != want.seq {
			t.Fatalf("step ran %d, want %d", ran[before], want.seq)
		}
	}
}

// TestInsertAnywhere checks the sorted array's insert of a new event due
// before every pending one, among them (equal times too) and after them,
// and the change to a heap from each, against a model.
func TestInsertAnywhere(t *testing.T) {
	for _, where := range []string{"first", "among", "last"} {
		k := New(1)
		type ev struct {
			at  time.Duration
			seq int
		}
		var model []ev
		var ran []int
		seq := 0
		add := func(at time.Duration) {
			seq++
			n := seq
			k.At(at, func() { ran = append(ran, n) })
			model = append(model, ev{at, n})
		}
		for i := range sortedMax {
			add(time.Duration(100+i%5) * time.Second) // equal times too
		}
		// Run the first two.
		for range 2 {
			if _, err := k.Step(); err != nil {
				t.Fatal(err)
			}
		}
		if k.isHeap || k.tail != sortedMax-2 {
			t.Fatalf("isHeap %v, tail %d; want a sorted array of %d", k.isHeap, k.tail, sortedMax-2)
		}
		// Three more: the last makes 25 pending, a heap.
		for i := range 3 {
			var at time.Duration
			switch where {
			case "first":
				at = 100 * time.Second // now: before the pending ones due later
			case "among":
				at = time.Duration(102+i) * time.Second
			default:
				at = time.Duration(300+i) * time.Second
			}
			add(at)
		}
		if !k.isHeap {
			t.Fatalf("%s: %d pending, not a heap", where, k.Pending())
		}
		for k.Pending() > 0 {
			if _, err := k.Step(); err != nil {
				t.Fatal(err)
			}
		}
		slices.SortStableFunc(model, func(a, b ev) int { return cmp.Compare(a.at, b.at) })
		for i, e := range model {
			if ran[i] != e.seq {
				t.Fatalf("%s: run %d was event %d, want %d (ran %v)", where, i, ran[i], e.seq, ran)
			}
		}
	}
}

// TestContinueMatchesPosting runs one random workload twice: a recurring
// arrival that posts its successor, and the same arrival calling Continue,
// which skips the queue when it may. Each arrival schedules completions
// (cancellable or posted, some at the same instant, sometimes enough to
// make the queue a heap) and cancels some; the runs mix RunUntil, Step and
// an event budget. Every callback's time and order, the errors and the
// counts must be the same.
func TestContinueMatchesPosting(t *testing.T) {
	var skipped, budgetHit, maxPending int // coverage of the Continue run
	run := func(advance bool) []string {
		k := New(3)
		r := rand.New(rand.NewPCG(4, 5))
		var trace []string
		var ids []EventID
		log := func(s string, a ...any) { trace = append(trace, fmt.Sprintf("%v "+s, append([]any{k.Now()}, a...)...)) }
		n := 0
		var arrive func()
		arrive = func() {
			for {
				n++
				log("arrival %d", n)
				c := r.IntN(4)
				if r.IntN(40) == 0 {
					c += 40 // enough for a heap
				}
				for range c {
					d := time.Duration(r.IntN(3)) * time.Duration(r.IntN(400)) * time.Millisecond
					m := n
					if r.IntN(2) == 0 {
						ids = append(ids, k.After(d, func() { log("cancellable of %d", m) }))
					} else {
						k.Post(k.Now()+d, func(any) { log("posted of %d", m) }, nil)
					}
				}
				if len(ids) > 0 && r.IntN(3) == 0 {
					i := r.IntN(len(ids))
					k.Cancel(ids[i])
					ids = append(ids[:i], ids[i+1:]...)
				}
				if n >= 3000 {
					return
				}
				at := k.Now() + time.Duration(r.IntN(3))*time.Duration(r.IntN(300))*time.Millisecond // 0 now and then
				if !advance {
					k.PostFunc(at, arrive)
					return
				}
				if !k.Continue(at, arrive) {
					return
				}
				skipped++
			}
		}
		k.PostFunc(0, arrive)
		drive := rand.New(rand.NewPCG(6, 7))
		for step := 0; k.Pending() > 0 && step < 100000; step++ {
			if step%60 == 30 {
				k.SetBudget(k.Processed() + uint64(drive.IntN(50)))
			}
			maxPending = max(maxPending, k.Pending())
			var err error
			if drive.IntN(4) == 0 {
				_, err = k.Step()
			} else {
				err = k.RunUntil(k.Now() + time.Duration(drive.IntN(2000))*time.Millisecond)
			}
			trace = append(trace, fmt.Sprintf("%v after step %d: processed %d, pending %d, error %v", k.Now(), step, k.Processed(), k.Pending(), err))
			if err != nil {
				budgetHit++
				k.SetBudget(0)
			}
		}
		return trace
	}
	posted := run(false)
	skipped, budgetHit, maxPending = 0, 0, 0
	advanced := run(true)
	if skipped < 500 || budgetHit < 3 || maxPending <= sortedMax {
		t.Fatalf("the workload does not cover Continue: %d arrivals skipped the queue, the budget ran out %d times, at most %d pending", skipped, budgetHit, maxPending)
	}
	for i := range min(len(posted), len(advanced)) {
		if posted[i] != advanced[i] {
			t.Fatalf("line %d: posting gives %q, Continue %q", i, posted[i], advanced[i])
		}
	}
	if len(posted) != len(advanced) {
		t.Fatalf("posting gives %d lines of trace, Continue %d", len(posted), len(advanced))
	}
}
