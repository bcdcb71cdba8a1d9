package lambda

import (
	"fmt"
	"time"
)

// Bucket is one period of a function's CloudWatch-style metrics.
type Bucket struct {
	Requests      uint32
	Invocations   uint32 // CloudWatch Invocations: excludes throttled requests
	Throttles     uint32
	Errors        uint32 // function errors and timeouts
	ColdStarts    uint32
	PCInvocations uint32 // ProvisionedConcurrencyInvocations
	Spillover     uint32 // ProvisionedConcurrencySpilloverInvocations
	ConcMax       uint32 // ConcurrentExecutions (maximum in the period)
	DurCount      uint32
	DurSum        float64 // ms
	DurMax        float64 // ms
}

// Series is a bounded ring of Buckets of a fixed period (per second or per
// minute). Memory is fixed: only the most recent len(buf) periods are kept.
type Series struct {
	step time.Duration
	buf  []Bucket
	last int64 // index (time/step) of the newest bucket; -1 before any
	pos  int   // last % len(buf): where the newest bucket is

	// The newest bucket and its period [curFrom, curTo): most calls of at
	// fall in it and need no division.
	cur            *Bucket
	curFrom, curTo time.Duration
}

func newSeries(step time.Duration, n int) Series {
	return Series{step: step, buf: make([]Bucket, n), last: -1}
}

// at makes st.secs.cur and st.mins.cur now's per-second and per-minute
// buckets (Series.at of both). Buckets it opens start at st.level, the
// level in effect since the latest change, so call it before recording a
// change at now. Every lookup goes through here, so both series have
// opened the buckets of the same instants, and a second never straddles a
// minute: while now falls in the newest second it falls in the newest
// minute too, and one test serves both. Small enough to inline.
func (st *stats) at(now time.Duration) {
	if now >= st.secs.curTo || now < st.secs.curFrom {
		st.open(now)
	}
}

// open is at for a time outside the newest second.
func (st *stats) open(now time.Duration) {
	conc := int(st.level)
	st.secs.open(now, conc)
	st.mins.at(now, conc)
}

// at returns the bucket for time now, opening new buckets as time moves on;
// a new bucket's ConcurrentExecutions starts at conc, the level carried
// over: the level in effect until now.
func (s *Series) at(now time.Duration, conc int) *Bucket {
	// Before the first bucket curTo is 0 and simulated time is never
	// negative, so cur is set whenever this holds. Small enough to inline.
	if now < s.curTo && now >= s.curFrom {
		return s.cur
	}
	return s.open(now, conc)
}

// open is at for a time outside the newest bucket. The common case is a
// time after it, within the ring: the periods in between (none, often)
// and now's are opened at the level conc, moving on from the newest one
// without a division when now is in the next period.
func (s *Series) open(now time.Duration, conc int) *Bucket {
	if s.last < 0 || now < s.curTo {
		return s.openAny(now, conc)
	}
	k := int64(1) // periods to open
	if now-s.curTo >= s.step {
		k = s.index(now) - s.last
		if k > int64(len(s.buf)) {
			return s.openAny(now, conc)
		}
	}
	s.last += k
	s.curFrom = s.curTo + time.Duration(k-1)*s.step
	s.curTo = s.curFrom + s.step
	p := s.pos
	for ; k > 0; k-- {
		if p++; p == len(s.buf) {
			p = 0
		}
		s.buf[p] = Bucket{ConcMax: uint32(conc)}
	}
	s.pos = p
	b := &s.buf[p]
	s.cur = b
	return b
}

// openAny is open for any time: the first bucket, a time after a whole
// ring of periods, or (which cannot happen: simulated time never goes
// back) one before the newest bucket.
func (s *Series) openAny(now time.Duration, conc int) *Bucket {
	n := int64(len(s.buf))
	idx := s.index(now)
	if idx > s.last {
		// Open buckets s.last+1 .. idx (at most the whole ring); each
		// starts at the level conc.
		from := max(s.last+1, idx-n+1)
		p := int(from % n)
		for i := from; i <= idx; i++ {
			s.buf[p] = Bucket{ConcMax: uint32(conc)}
			if p++; p == len(s.buf) {
				p = 0
			}
		}
		s.last = idx
		if p == 0 {
			p = len(s.buf)
		}
		s.pos = p - 1
	}
	if idx == s.last {
		b := &s.buf[s.pos]
		s.cur, s.curFrom = b, time.Duration(idx)*s.step
		s.curTo = s.curFrom + s.step
		return b
	}
	if idx < s.last-n+1 {
		idx = s.last // cannot happen: time never goes back
	}
	return &s.buf[idx%n]
}

// index is now's bucket index, now/step: a constant divisor (a
// multiplication) for the two periods in use.
func (s *Series) index(now time.Duration) int64 {
	switch s.step {
	case time.Second:
		return int64(now / time.Second)
	case time.Minute:
		return int64(now / time.Minute)
	}
	return int64(now / s.step)
}

// setLevel records a change of the concurrency level at now: the buckets
// of now (and any opened before it) hold the level before it, the
// maximum of their period.
func (st *stats) setLevel(now time.Duration, conc int) {
	st.at(now)
	st.level = uint32(conc)
}

// Point is one value of a metric time series.
type Point struct {
	At    time.Duration // start of the period
	Value float64
}

// Metric names accepted by Points (CloudWatch names).
var MetricNames = []string{"Invocations", "Throttles", "Errors", "ConcurrentExecutions", "Duration",
	"DurationMax", "ProvisionedConcurrencyInvocations", "ProvisionedConcurrencySpilloverInvocations", "ColdStarts", "Requests"}

// Points returns the last n periods of a metric ending at now (oldest first).
// Duration is the average in ms; ConcurrentExecutions the maximum; level is
// the concurrency level after the latest change.
func (s *Series) Points(metric string, now time.Duration, n int, level uint32) ([]Point, error) {
	get, err := metricGetter(metric)
	if err != nil {
		return nil, err
	}
	idx := int64(now / s.step)
	n = min(n, len(s.buf))
	out := make([]Point, 0, n)
	for i := idx - int64(n) + 1; i <= idx; i++ {
		if i < 0 {
			continue
		}
		var b Bucket
		if i <= s.last && i > s.last-int64(len(s.buf)) {
			b = s.buf[i%int64(len(s.buf))]
		} else if i > s.last && s.last >= 0 {
			// No activity since the last bucket: the level after the
			// last change persists (not that bucket's maximum).
			b = Bucket{ConcMax: level}
		}
		out = append(out, Point{At: time.Duration(i) * s.step, Value: get(&b)})
	}
	return out, nil
}

// sum adds up the buckets of the last n periods ending at now.
func (s *Series) sum(now time.Duration, n int) Bucket {
	var t Bucket
	idx := int64(now / s.step)
	for i := idx - int64(n) + 1; i <= idx; i++ {
		if i < 0 || i > s.last || i <= s.last-int64(len(s.buf)) {
			continue
		}
		b := &s.buf[i%int64(len(s.buf))]
		t.Requests += b.Requests
		t.Invocations += b.Invocations
		t.Throttles += b.Throttles
		t.Errors += b.Errors
		t.ColdStarts += b.ColdStarts
		t.PCInvocations += b.PCInvocations
		t.Spillover += b.Spillover
		t.ConcMax = max(t.ConcMax, b.ConcMax)
		t.DurCount += b.DurCount
		t.DurSum += b.DurSum
		t.DurMax = max(t.DurMax, b.DurMax)
	}
	return t
}

func metricGetter(metric string) (func(*Bucket) float64, error) {
	switch metric {
	case "Invocations":
		return func(b *Bucket) float64 { return float64(b.Invocations) }, nil
	case "Requests":
		return func(b *Bucket) float64 { return float64(b.Requests) }, nil
	case "Throttles":
		return func(b *Bucket) float64 { return float64(b.Throttles) }, nil
	case "Errors":
		return func(b *Bucket) float64 { return float64(b.Errors) }, nil
	case "ColdStarts":
		return func(b *Bucket) float64 { return float64(b.ColdStarts) }, nil
	case "ConcurrentExecutions":
		return func(b *Bucket) float64 { return float64(b.ConcMax) }, nil
	case "ProvisionedConcurrencyInvocations":
		return func(b *Bucket) float64 { return float64(b.PCInvocations) }, nil
	case "ProvisionedConcurrencySpilloverInvocations":
		return func(b *Bucket) float64 { return float64(b.Spillover) }, nil
	case "Duration":
		return func(b *Bucket) float64 {
			if b.DurCount == 0 {
				return 0
			}
			return b.DurSum / float64(b.DurCount)
		}, nil
	case "DurationMax":
		return func(b *Bucket) float64 { return b.DurMax }, nil
	}
	return nil, fmt.Errorf("unknown metric %q (known: %v)", metric, MetricNames)
}
