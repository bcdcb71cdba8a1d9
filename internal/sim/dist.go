package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Dist is a distribution of durations, sampled with the kernel's random
// source. The zero Dist is a fixed zero duration.
type Dist struct {
	Kind   string        // "fixed", "exponential", "normal", "lognormal", "uniform"
	Mean   time.Duration // fixed value, or mean (exponential, normal); for lognormal the median
	StdDev time.Duration // normal: standard deviation
	Sigma  float64       // lognormal: sigma of the underlying normal (unitless)
	Min    time.Duration // uniform lower bound
	Max    time.Duration // uniform upper bound
}

// Fixed returns a distribution that always yields d.
func Fixed(d time.Duration) Dist { return Dist{Kind: "fixed", Mean: d} }

// Sample draws one duration. Negative draws are clamped to zero. (A
// pointer receiver: the distribution is not copied for every draw.)
func (d *Dist) Sample(r *rand.Rand) time.Duration {
	var v float64
	switch d.Kind {
	case "", "fixed":
		return max(d.Mean, 0)
	case "exponential":
		v = r.ExpFloat64() * float64(d.Mean)
	case "normal":
		v = float64(d.Mean) + r.NormFloat64()*float64(d.StdDev)
	case "lognormal":
		v = float64(d.Mean) * math.Exp(d.Sigma*r.NormFloat64())
	case "uniform":
		v = float64(d.Min) + r.Float64()*float64(d.Max-d.Min)
	default:
		return max(d.Mean, 0)
	}
	if v < 0 {
		return 0
	}
	return time.Duration(v)
}

// MeanValue returns the distribution's expected value.
func (d Dist) MeanValue() time.Duration {
	switch d.Kind {
	case "lognormal":
		return time.Duration(float64(d.Mean) * math.Exp(d.Sigma*d.Sigma/2))
	case "uniform":
		return (d.Min + d.Max) / 2
	default:
		return d.Mean
	}
}

// String renders the distribution in the syntax ParseDist accepts.
func (d Dist) String() string {
	ms := func(x time.Duration) string {
		return strconv.FormatFloat(float64(x)/float64(time.Millisecond), 'f', -1, 64) + "ms"
	}
	switch d.Kind {
	case "", "fixed":
		return ms(d.Mean)
	case "exponential":
		return "exp(" + ms(d.Mean) + ")"
	case "normal":
		return "normal(" + ms(d.Mean) + "," + ms(d.StdDev) + ")"
	case "lognormal":
		return "lognormal(" + ms(d.Mean) + "," + strconv.FormatFloat(d.Sigma, 'f', -1, 64) + ")"
	case "uniform":
		return "uniform(" + ms(d.Min) + "," + ms(d.Max) + ")"
	}
	return d.Kind
}

// ParseDist parses a distribution:
//
//	250ms | 1.5s | 300            fixed (a bare number is milliseconds)
//	exp(200ms)                    exponential with that mean
//	normal(200ms,30ms)            normal with mean and standard deviation
//	lognormal(180ms,0.5)          lognormal with median and sigma
//	uniform(100ms,300ms)          uniform between the bounds
func ParseDist(s string) (Dist, error) {
	s = strings.TrimSpace(s)
	open := strings.IndexByte(s, '(')
	if open < 0 {
		d, err := ParseDuration(s)
		if err != nil {
			return Dist{}, err
		}
		return Fixed(d), nil
	}
	if !strings.HasSuffix(s, ")") {
		return Dist{}, fmt.Errorf("distribution %q: missing closing parenthesis", s)
	}
	name := strings.ToLower(strings.TrimSpace(s[:open]))
	args := strings.Split(s[open+1:len(s)-1], ",")
	for i := range args {
		args[i] = strings.TrimSpace(args[i])
	}
	want := map[string]int{"exp": 1, "exponential": 1, "normal": 2, "lognormal": 2, "uniform": 2}
	n, ok := want[name]
	if !ok {
		return Dist{}, fmt.Errorf("distribution %q: unknown kind %q (want exp, normal, lognormal or uniform)", s, name)
	}
	if len(args) != n {
		return Dist{}, fmt.Errorf("distribution %q: %s takes %d argument(s)", s, name, n)
	}
	a, err := ParseDuration(args[0])
	if err != nil {
		return Dist{}, err
	}
	switch name {
	case "exp", "exponential":
		return Dist{Kind: "exponential", Mean: a}, nil
	case "lognormal":
		sigma, err := strconv.ParseFloat(args[1], 64)
		if err != nil || sigma < 0 || sigma > 5 {
			return Dist{}, fmt.Errorf("distribution %q: sigma must be a number from 0 to 5", s)
		}
		return Dist{Kind: "lognormal", Mean: a, Sigma: sigma}, nil
	}
	b, err := ParseDuration(args[1])
	if err != nil {
		return Dist{}, err
	}
	if name == "normal" {
		return Dist{Kind: "normal", Mean: a, StdDev: b}, nil
	}
	if b < a {
		return Dist{}, fmt.Errorf("distribution %q: upper bound below lower bound", s)
	}
	return Dist{Kind: "uniform", Min: a, Max: b}, nil
}

// ParseDuration parses a duration such as 250ms, 1.5s, 5m, 2h or 1d; a bare
// number is milliseconds. Negative durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || math.IsNaN(f) || f > float64(math.MaxInt64/int64(time.Millisecond)) {
			return 0, fmt.Errorf("duration %q out of range", s)
		}
		return time.Duration(f * float64(time.Millisecond)), nil
	}
	if strings.HasSuffix(s, "d") {
		f, err := strconv.ParseFloat(strings.TrimSuffix(s, "d"), 64)
		if err != nil || f < 0 || f > 365*100 {
			return 0, fmt.Errorf("invalid duration %q", clip(s))
		}
		return time.Duration(f * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (examples: 250ms, 1.5s, 5m, 2h)", clip(s))
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return d, nil
}

// FormatClock formats simulated time as HH:MM:SS.mmm (days prefixed as Nd).
func FormatClock(d time.Duration) string {
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	d -= m * time.Minute
	s := d / time.Second
	d -= s * time.Second
	ms := d / time.Millisecond
	out := fmt.Sprintf("%02d:%02d:%02d.%03d", h, m, s, ms)
	if days > 0 {
		out = fmt.Sprintf("%dd ", days) + out
	}
	return out
}

// clip shortens input echoed in an error to 40 runes.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:39]) + "…"
	}
	return s
}
