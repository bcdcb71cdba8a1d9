package sim

import (
	"fmt"
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
