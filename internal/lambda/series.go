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
	step  time.Duration
	buf   []Bucket
	last  int64  // index (time/step) of the newest bucket; -1 before any
	pos   int    // last % len(buf): where the newest bucket is
	level uint32 // concurrency level after the latest change

	// The newest bucket and its period [curFrom, curTo): most calls of at
	// fall in it and need no division.
	cur            *Bucket
	curFrom, curTo time.Duration
}

func newSeries(step time.Duration, n int) *Series {
	return &Series{step: step, buf: make([]Bucket, n), last: -1}
}

// at returns the bucket for time now, opening new buckets as time moves on;
// a new bucket's ConcurrentExecutions starts at conc (the level carried over).
func (s *Series) at(now time.Duration, conc int) *Bucket {
	// Before the first bucket curTo is 0 and simulated time is never
	// negative, so cur is set whenever this holds. Small enough to inline.
	if now < s.curTo && now >= s.curFrom {
		s.level = uint32(conc)
		return s.cur
	}
	return s.open(now, conc)
}

// open is at for a time outside the newest bucket.
// Divisions are avoided in the common cases: the next bucket's index and
// ring position follow from the newest one's.
func (s *Series) open(now time.Duration, conc int) *Bucket {
	n := int64(len(s.buf))
	var idx int64
	if s.last >= 0 && now >= s.curTo && now-s.curTo < s.step {
		idx = s.last + 1 // curTo is the end of bucket s.last
	} else {
		idx = s.index(now)
	}
	if idx > s.last {
		// Open buckets s.last+1 .. idx (at most the whole ring); each
		// starts at the level conc.
		from, p := s.last+1, s.pos+1
		if s.last < 0 || idx-from >= n {
			from = max(from, idx-n+1)
			p = int(from % n)
		}
		if p == len(s.buf) {
			p = 0
		}
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
	s.level = uint32(conc)
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

// setLevel records a change of the concurrency level at now.
func (s *Series) setLevel(now time.Duration, conc int) { s.at(now, conc) }

// Point is one value of a metric time series.
type Point struct {
	At    time.Duration // start of the period
	Value float64
}

// Metric names accepted by Points (CloudWatch names).
var MetricNames = []string{"Invocations", "Throttles", "Errors", "ConcurrentExecutions", "Duration",
	"DurationMax", "ProvisionedConcurrencyInvocations", "ProvisionedConcurrencySpilloverInvocations", "ColdStarts", "Requests"}

// Points returns the last n periods of a metric ending at now (oldest first).
// Duration is the average in ms; ConcurrentExecutions the maximum.
func (s *Series) Points(metric string, now time.Duration, n int) ([]Point, error) {
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
			b = Bucket{ConcMax: s.level}
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
