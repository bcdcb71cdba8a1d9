package lab

import (
	"sort"
	"time"
)

// Counters are a function's cumulative counters at one instant, plus its
// concurrency at that instant.
type Counters struct {
	Requests, Invocations, Throttles, Errors, ColdStarts int
	Spillover, DeadLetters, AsyncRetries                 int
	Concurrency                                          int
}

type sample struct {
	at time.Duration
	c  Counters
}

// Series keeps samples of each function's counters over simulated time, so
// checks can ask about a recent window ("no throttles in the last minute").
// Samples are taken by the runner after every command and on every sampling
// tick of the simulation; old samples beyond Keep are dropped.
type Series struct {
	Keep time.Duration
	fns  map[string][]sample
}

// NewSeries returns a series keeping keep of history (at least an hour).
func NewSeries(keep time.Duration) *Series {
	if keep < time.Hour {
		keep = time.Hour
	}
	return &Series{Keep: keep, fns: map[string][]sample{}}
}

// Add records fn's counters at time at. Samples must come in time order; a
// sample at the same instant as the last one replaces it.
func (s *Series) Add(at time.Duration, fn string, c Counters) {
	ss := s.fns[fn]
	if n := len(ss); n > 0 && ss[n-1].at >= at {
		ss[n-1] = sample{at: ss[n-1].at, c: c}
		s.fns[fn] = ss
		return
	}
	ss = append(ss, sample{at: at, c: c})
	// Drop samples older than Keep, but keep one before the horizon as the
	// baseline for the longest window.
	cut := 0
	for cut+1 < len(ss) && ss[cut+1].at < at-s.Keep {
		cut++
	}
	if cut > 0 {
		ss = append(ss[:0:0], ss[cut:]...)
	}
	s.fns[fn] = ss
}

// window returns fn's counter deltas over (now-d, now].
func (s *Series) window(fn string, now, d time.Duration) Window {
	w := Window{Seconds: d.Seconds()}
	ss := s.fns[fn]
	if len(ss) == 0 || d <= 0 {
		return w
	}
	// last sample at or before now
	i := sort.Search(len(ss), func(i int) bool { return ss[i].at > now }) - 1
	if i < 0 {
		return w
	}
	end := ss[i].c
	// baseline: last sample at or before now-d (zero counters if none: the
	// function did not exist yet, or the run started inside the window)
	var base Counters
	j := sort.Search(len(ss), func(k int) bool { return ss[k].at > now-d }) - 1
	if j >= 0 {
		base = ss[j].c
	}
	w.Requests = end.Requests - base.Requests
	w.Invocations = end.Invocations - base.Invocations
	w.Throttles = end.Throttles - base.Throttles
	w.Errors = end.Errors - base.Errors
	w.ColdStarts = end.ColdStarts - base.ColdStarts
	w.ProvisionedConcurrencySpilloverInvocations = end.Spillover - base.Spillover
	w.DeadLetters = end.DeadLetters - base.DeadLetters
	w.AsyncRetries = end.AsyncRetries - base.AsyncRetries
	for k := j + 1; k <= i; k++ {
		if k >= 0 && ss[k].c.Concurrency > w.ConcurrentExecutionsMax {
			w.ConcurrentExecutionsMax = ss[k].c.Concurrency
		}
	}
	return w
}

// Points returns fn's samples in (now-d, now] as (seconds, concurrency,
// throttles in the interval since the previous sample), for charts.
func (s *Series) Points(fn string, now, d time.Duration) (at []float64, conc []int, thr []int) {
	ss := s.fns[fn]
	prev := -1
	for k, x := range ss {
		if x.at <= now-d || x.at > now {
			prev = k
			continue
		}
		at = append(at, x.at.Seconds())
		conc = append(conc, x.c.Concurrency)
		t := x.c.Throttles
		if prev >= 0 {
			t -= ss[prev].c.Throttles
		}
		thr = append(thr, t)
		prev = k
	}
	return at, conc, thr
}
