package lambda

import (
	"math"
	"sync"
)

// Sketch is a streaming quantile sketch with bounded memory: values are
// counted in logarithmic buckets of relative width 2% (the DDSketch idea,
// Masson et al., VLDB 2019), so any quantile is returned within about 1%
// relative error however many values were added. Values are in milliseconds;
// the range 0.01 ms to 10^7 ms needs about 1,050 buckets.
type Sketch struct {
	counts []uint64
	tables *sketchTables // sketchTabs(), fetched once
	n      uint64
	zero   uint64 // values below the smallest bucket
	min    float64
	max    float64
	sum    float64
}

const (
	sketchGamma = 1.02
	sketchMin   = 0.01 // ms
	sketchKeys  = 1100
)

var sketchLogGamma = math.Log(sketchGamma)

// Add records one value.
func (s *Sketch) Add(v float64) {
	if s.n == 0 || v < s.min {
		s.min = v
	}
	if s.n == 0 || v > s.max {
		s.max = v
	}
	s.n++
	s.sum += v
	if v < sketchMin {
		s.zero++
		return
	}
	if s.counts == nil {
		s.counts = make([]uint64, sketchKeys)
		s.tables = sketchTabs()
	}
	// key, written out with its inlined parts: no call per value.
	var k int
	if j := sketchSlice(v); j < sketchTabN {
		k = s.tables.keyAt(v, j)
	} else {
		k = sketchKeyIn(s.tables.bounds, v)
	}
	s.counts[k]++
}

// sketchKeyExact is the bucket of v >= sketchMin: ceil(log_gamma(v/min)),
// clamped to the table.
func sketchKeyExact(v float64) int {
	k := int(math.Ceil(math.Log(v/sketchMin) / sketchLogGamma))
	return min(max(k, 0), sketchKeys-1)
}

// sketchBounds[k] (k >= 1) is the smallest float64 whose sketchKeyExact is
// at least k, found once by bisection on the float's bits (positive floats
// order as their bit patterns). With it sketchKey gives sketchKeyExact's
// answer without a logarithm per value.
var sketchBounds = sync.OnceValue(func() []float64 {
	b := make([]float64, sketchKeys)
	lo0 := math.Float64bits(sketchMin)
	hi0 := math.Float64bits(1e300) // key 1099; far beyond any duration (v/min overflows near 1.8e306)
	for k := 1; k < sketchKeys; k++ {
		lo, hi := lo0, hi0 // key(lo) < k <= key(hi)
		// The bound is near min*gamma^(k-1): bisect a few thousand floats
		// around it when they bracket it (the answer is the same, found
		// in a third of the steps), else the whole range.
		est := sketchMin * math.Exp(float64(k-1)*sketchLogGamma)
		if l, h := math.Float64bits(est*(1-1e-12)), math.Float64bits(est*(1+1e-12)); l > lo && h < hi &&
			sketchKeyExact(math.Float64frombits(l)) < k && sketchKeyExact(math.Float64frombits(h)) >= k {
			lo, hi = l, h
		}
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			if sketchKeyExact(math.Float64frombits(mid)) >= k {
				hi = mid
			} else {
				lo = mid
			}
		}
		b[k] = math.Float64frombits(hi)
		lo0 = lo
	}
	return b
})

// sketchKey is sketchKeyExact(v) for v >= sketchMin.
func sketchKey(v float64) int { return sketchTabs().key(v) }

// sketchTables are the bounds and, for the values of the usual range, the
// bucket of every 1/256 of an octave: v's exponent and top 8 mantissa bits
// select a slice of values narrower than a bucket (0.4% against 2%), so v's
// bucket is that slice's first value's bucket or the one after, one
// comparison with the bounds away.
type sketchTables struct {
	bounds []float64
	next   []float64          // next[k] = bounds[k+1], +Inf for the last bucket
	first  [sketchTabN]uint16 // bucket of the smallest value of each slice
}

const (
	sketchTabLo = 1016 - 1023 // the binary exponent of sketchMin (0.01 = 1.28 x 2^-7)
	sketchTabN  = 32 << 8     // 32 octaves, to 2^25 ms (9 hours): slices of 1/256
)

var sketchTabs = sync.OnceValue(func() *sketchTables {
	t := &sketchTables{bounds: sketchBounds()}
	t.next = append(t.bounds[1:len(t.bounds):len(t.bounds)], math.Inf(1))
	for j := range t.first {
		lo := math.Float64frombits(uint64(j+(sketchTabLo+1023)<<8) << 44)
		t.first[j] = uint16(sketchKeyIn(t.bounds, max(lo, sketchMin)))
	}
	return t
})

// key is sketchKeyExact(v) for v >= sketchMin.
func (t *sketchTables) key(v float64) int {
	if j := sketchSlice(v); j < sketchTabN {
		return t.keyAt(v, j)
	}
	return sketchKeyIn(t.bounds, v)
}

// sketchSlice is v's slice of the tables (sketchTabN or more: beyond them).
func sketchSlice(v float64) uint64 { return math.Float64bits(v)>>44 - (sketchTabLo+1023)<<8 }

// keyAt is key for v in slice j of the tables.
func (t *sketchTables) keyAt(v float64, j uint64) int {
	k := int(t.first[j])
	if v >= t.next[k] {
		k++
	}
	return k
}

// sketchKeyIn is sketchKeyExact(v) for v >= sketchMin outside the tables'
// range: a guess from the binary exponent and mantissa (log2(1+f) ~ f,
// within 0.09 of an octave of about 35 buckets), corrected against the
// bounds.

// (b = sketchBounds().)
func sketchKeyIn(b []float64, v float64) int {
	x := v / sketchMin
	bits := math.Float64bits(x)
	e := float64(int((bits>>52)&0x7ff) - 1023)
	f := float64(bits&(1<<52-1)) / (1 << 52)
	// log2(1+f) ~ f + 0.346 f (1-f), within 0.01 (f alone is up to 0.086
	// low, three keys): the loops below then move at most a key or so. They
	// make the answer exact whatever the estimate.
	k := int((e + f + 0.346*f*(1-f)) * (math.Ln2 / sketchLogGamma))
	k = min(max(k, 0), sketchKeys-1)
	for k+1 < sketchKeys && v >= b[k+1] {
		k++
	}
	for k > 0 && v < b[k] {
		k--
	}
	return k
}

// Count returns how many values were added.
func (s *Sketch) Count() uint64 { return s.n }

// Mean returns the exact mean.
func (s *Sketch) Mean() float64 {
	if s.n == 0 {
		return 0
	}
	return s.sum / float64(s.n)
}

// Max returns the exact maximum.
func (s *Sketch) Max() float64 { return s.max }

// Quantile returns the q-quantile (0..1), within about 1% relative error.
func (s *Sketch) Quantile(q float64) float64 {
	if s.n == 0 {
		return 0
	}
	q = min(max(q, 0), 1)
	rank := uint64(q * float64(s.n-1))
	if rank < s.zero {
		return s.min
	}
	seen := s.zero
	for k, c := range s.counts {
		seen += c
		if seen > rank {
			// Bucket k holds (min*g^(k-1), min*g^k]; its midpoint in relative terms.
			v := sketchMin * 2 * math.Pow(sketchGamma, float64(k)) / (sketchGamma + 1)
			return min(max(v, s.min), s.max)
		}
	}
	return s.max
}
