package shell

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// Runaway limits for one traffic command: a shared server must not be hung
// by one learner ("a billion per second for a year"). Both are refused with
// a message; the kernel's event budget (cloud.DefaultEventBudget) is the
// last line of defence.
const (
	MaxArrivals = 20_000_000          // expected arrivals per traffic command
	MaxSpan     = 31 * 24 * time.Hour // longest --for
)

// TrafficFunc schedules a traffic pattern against one target (a Lambda
// function, an ECS service). It must schedule arrivals lazily (Pattern.Start)
// and return at once; `clock advance` runs them.
type TrafficFunc func(ctx *Ctx, a Args, p *Pattern) (Result, error)

// Pattern is an arrival process of a `traffic` command.
type Pattern struct {
	Kind    string          // burst, rate, poisson, ramp, trace
	N       int64           // burst size
	Rate    float64         // rate/poisson: arrivals per second; ramp: start rate
	Rate2   float64         // ramp: end rate
	For     time.Duration   // rate, poisson, ramp: how long
	Offsets []time.Duration // trace: arrival offsets from now, sorted
}

// Expected returns the expected number of arrivals.
func (p *Pattern) Expected() float64 {
	sec := p.For.Seconds()
	switch p.Kind {
	case "burst":
		return float64(p.N)
	case "rate":
		return math.Floor(p.Rate * sec)
	case "poisson":
		return p.Rate * sec
	case "ramp":
		return math.Floor((p.Rate + p.Rate2) / 2 * sec)
	case "trace":
		return float64(len(p.Offsets))
	}
	return 0
}

// Describe renders the pattern for messages.
func (p *Pattern) Describe() string {
	switch p.Kind {
	case "burst":
		return fmt.Sprintf("burst of %d", p.N)
	case "rate":
		return fmt.Sprintf("%g/s for %v", p.Rate, p.For)
	case "poisson":
		return fmt.Sprintf("Poisson %g/s for %v", p.Rate, p.For)
	case "ramp":
		return fmt.Sprintf("ramp %g/s to %g/s over %v", p.Rate, p.Rate2, p.For)
	case "trace":
		return fmt.Sprintf("trace of %d arrivals", len(p.Offsets))
	}
	return p.Kind
}

// Start schedules the arrivals on k, starting now, calling fn at each one.
// Only one event per pattern is pending at any time, so memory does not grow
// with the number of arrivals; an arrival that is the next event anyway
// skips the queue (sim.Kernel.Continue). A burst calls fn N times in one
// event.
func (p *Pattern) Start(k *sim.Kernel, fn func()) {
	start := k.Now()
	end := start + p.For
	switch p.Kind {
	case "burst":
		n := p.N
		k.At(start, func() {
			for range n {
				fn()
			}
		})
	case "rate", "ramp":
		// Deterministic arrivals: the i-th arrival (i = 0, 1, ...) is at the
		// time t where the cumulative rate integral L(t) equals i.
		total := int64(p.Expected())
		r1, r2, d := p.Rate, p.Rate2, p.For.Seconds()
		if p.Kind == "rate" {
			r2 = r1
		}
		at := func(i int64) time.Duration {
			x := float64(i)
			var t float64
			a := (r2 - r1) / (2 * d) // L(t) = r1 t + a t^2
			if math.Abs(a) < 1e-12 {
				t = x / r1
			} else {
				t = (-r1 + math.Sqrt(r1*r1+4*a*x)) / (2 * a)
			}
			return start + time.Duration(t*float64(time.Second))
		}
		var i int64
		var step func()
		step = func() {
			for {
				fn()
				if i++; i >= total {
					return
				}
				if !k.Continue(at(i), step) { // not the next event: queued
					return
				}
			}
		}
		if total > 0 {
			k.PostFunc(at(0), step)
		}
	case "poisson":
		// The closure captures only a, so it saves one pointer across the
		// call to fn, not every variable it reads after it.
		a := &poissonArrivals{k: k, rng: k.Rand(), rate: p.Rate, end: end, fn: fn}
		a.step = func() {
			for {
				a.fn()
				t := poissonGap(a.rng, a.rate) + a.k.Now() // the clock read after the draw, not saved across it
				if t >= a.end {
					return
				}
				if !a.k.Continue(t, a.step) { // not the next event: queued
					return
				}
			}
		}
		if t := start + poissonGap(a.rng, a.rate); t < end {
			k.PostFunc(t, a.step)
		}
	case "trace":
		offs := p.Offsets
		var i int
		var step func()
		step = func() {
			for {
				// Every arrival due now (equal offsets) in one event.
				due := offs[i]
				for i < len(offs) && offs[i] == due {
					fn()
					i++
				}
				if i >= len(offs) {
					return
				}
				if !k.Continue(start+offs[i], step) { // not the next event: queued
					return
				}
			}
		}
		if len(offs) > 0 {
			k.PostFunc(start+offs[0], step)
		}
	}
}

// poissonArrivals is a running Poisson pattern: its step, the one pending
// event, calls fn and continues with the next arrival.
type poissonArrivals struct {
	k    *sim.Kernel
	rng  *rand.Rand
	rate float64       // arrivals per second
	end  time.Duration // no arrival at or after this
	fn   func()
	step func()
}

// poissonGap draws the time to the next arrival of a Poisson process of
// rate arrivals per second. (Small enough to inline.)
func poissonGap(r *rand.Rand, rate float64) time.Duration {
	return time.Duration(r.ExpFloat64() / rate * float64(time.Second))
}

// parsePattern reads the arrival options of a traffic command.
func parsePattern(ctx *Ctx, a Args) (*Pattern, error) {
	var kinds []string
	for _, k := range []string{"burst", "rate", "poisson", "ramp", "trace"} {
		if a.Has(k) {
			kinds = append(kinds, "--"+k)
		}
	}
	if len(kinds) != 1 {
		return nil, usagef("traffic: give exactly one of --burst, --rate, --poisson, --ramp, --trace (got %d)", len(kinds))
	}
	p := &Pattern{Kind: strings.TrimPrefix(kinds[0], "--")}
	needFor := p.Kind == "rate" || p.Kind == "poisson" || p.Kind == "ramp"
	if needFor {
		if !a.Has("for") {
			return nil, usagef("traffic --%s needs --for DURATION (for example --for 1m)", p.Kind)
		}
		p.For = a.Duration("for")
		if p.For <= 0 {
			return nil, usagef("traffic: --for must be positive")
		}
		if p.For > MaxSpan {
			return nil, usagef("traffic: --for %v is longer than the limit of 31 days", p.For)
		}
	} else if a.Has("for") {
		return nil, usagef("traffic --%s does not take --for", p.Kind)
	}
	switch p.Kind {
	case "burst":
		p.N = a.Int("burst")
		if p.N < 1 {
			return nil, usagef("traffic: --burst must be at least 1")
		}
	case "rate", "poisson":
		p.Rate = a.Float(p.Kind)
		if !(p.Rate > 0) || math.IsInf(p.Rate, 0) {
			return nil, usagef("traffic: --%s must be a positive number of arrivals per second", p.Kind)
		}
	case "ramp":
		lo, hi, ok := strings.Cut(a.Str("ramp"), "..")
		r1, e1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		r2, e2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if !ok || e1 != nil || e2 != nil || r1 < 0 || r2 < 0 || math.IsNaN(r1) || math.IsNaN(r2) || math.IsInf(r1, 0) || math.IsInf(r2, 0) || r1+r2 == 0 {
			return nil, usagef("traffic: --ramp wants R1..R2 in arrivals per second, e.g. --ramp 10..100")
		}
		p.Rate, p.Rate2 = r1, r2
	case "trace":
		b, err := ctx.ReadFile(strings.TrimPrefix(a.Str("trace"), "file://"))
		if err != nil {
			return nil, &UsageError{Msg: "traffic --trace: " + err.Error()}
		}
		for i, ln := range strings.Split(string(b), "\n") {
			ln = strings.TrimSpace(ln)
			if ln == "" || strings.HasPrefix(ln, "#") {
				continue
			}
			d, err := sim.ParseDuration(ln)
			if err != nil {
				return nil, usagef("%s:%d: %v", a.Str("trace"), i+1, err)
			}
			if d > MaxSpan {
				return nil, usagef("%s:%d: offset %v is beyond the 31-day limit", a.Str("trace"), i+1, d)
			}
			p.Offsets = append(p.Offsets, d)
			if float64(len(p.Offsets)) > ctx.Shell.maxArr {
				return nil, usagef("traffic --trace: more than %.0f arrivals", ctx.Shell.maxArr)
			}
		}
		sort.Slice(p.Offsets, func(i, j int) bool { return p.Offsets[i] < p.Offsets[j] })
	}
	if n := p.Expected(); n > ctx.Shell.maxArr {
		return nil, usagef("traffic: %s is about %.0f arrivals, more than the limit of %.0f per command; lower the rate or the duration", p.Describe(), n, ctx.Shell.maxArr)
	}
	return p, nil
}

func trafficCommand() Command {
	return Command{
		Lab: true, Service: "traffic",
		Summary: "Schedule arrivals (invocations, or requests to an ECS service); `clock advance` runs them",
		Options: []OptSpec{
			{Name: "function-name", Complete: "function", Help: "Lambda function to invoke."},
			{Name: "qualifier", Help: "Version or alias to invoke."},
			{Name: "invocation-type", Enum: []string{"RequestResponse", "Event"}, Default: "RequestResponse", Help: "Synchronous or asynchronous invocations."},
			{Name: "payload", Type: JSON, Help: "Event JSON for every invocation."},
			{Name: "cluster", Complete: "cluster", Help: "ECS cluster (with --service)."},
			{Name: "service", Complete: "service", Help: "ECS service receiving the requests."},
			{Name: "burst", Type: Int, Help: "N arrivals at the current instant."},
			{Name: "rate", Type: Float, Help: "Constant arrivals per second, evenly spaced (with --for)."},
			{Name: "poisson", Type: Float, Help: "Poisson arrivals at this mean rate per second (with --for)."},
			{Name: "ramp", Help: "Linear ramp R1..R2 per second (with --for), e.g. 10..100."},
			{Name: "for", Type: Duration, Help: "How long the rate, Poisson or ramp traffic lasts (max 31 days)."},
			{Name: "trace", Help: "File with one arrival offset per line (e.g. 0.5s)."},
		},
		Run: func(ctx *Ctx, a Args) (Result, error) {
			target := "lambda"
			switch {
			case a.Has("cluster") || a.Has("service"):
				target = "ecs"
				if a.Has("function-name") {
					return Result{}, usagef("traffic: give --function-name or --cluster/--service, not both")
				}
			case !a.Has("function-name"):
				return Result{}, usagef("traffic: give --function-name F (Lambda) or --cluster C --service S (ECS)")
			}
			fn := ctx.Shell.traffic[target]
			if fn == nil {
				return Result{}, usagef("traffic: %s targets are not available in this simulator", target)
			}
			p, err := parsePattern(ctx, a)
			if err != nil {
				return Result{}, err
			}
			return fn(ctx, a, p)
		},
	}
}
