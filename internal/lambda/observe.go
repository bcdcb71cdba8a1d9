package lambda

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// EventKind is the kind of an observable engine event.
type EventKind uint8

const (
	EvEnvCreated   EventKind = iota + 1 // an environment started Init
	EvEnvReady                          // a provisioned environment finished Init
	EvEnvIdle                           // an environment finished an invocation and waits
	EvEnvExpired                        // an idle environment reached the keep-alive
	EvEnvReset                          // a timeout reset the environment (next use is cold)
	EvEnvDestroyed                      // retired by a change, deallocated or deleted
	EvInvokeStart                       // an invocation started (Cold: on a new or reset environment)
	EvInvokeEnd                         // an invocation ended (Error: function error or timeout)
	EvThrottle                          // a request was throttled (Reason)
	EvAsyncRetry                        // an asynchronous event is retried after a function error
	EvDeadLetter                        // an event went to the DLQ / on-failure destination (Reason: condition)
	EvAsyncDropped                      // an event failed for good with no destination (Reason: condition)
)

func (k EventKind) String() string {
	names := [...]string{"", "env-created", "env-ready", "env-idle", "env-expired", "env-reset", "env-destroyed",
		"invoke-start", "invoke-end", "throttle", "async-retry", "dead-letter", "async-dropped"}
	if int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("event-%d", k)
}

// Event is one observable engine event, delivered as it happens to the
// observer (SetObserver). Nothing keeps events: with no observer, emitting
// one costs a test.
type Event struct {
	Seq         uint64 // the observer's events are numbered from 1
	At          time.Duration
	Kind        EventKind
	Function    string
	Env         int64
	Request     uint64
	Reason      string
	Cold        bool
	Error       bool
	Provisioned bool
}

// emit delivers an event of any kind (the rare ones: throttles, async).
func (s *Service) emit(e Event) {
	if s.stepObserver != nil {
		e.At = s.k.Now()
		s.deliver(e)
	}
}

// emitFn delivers an event of environment e: its own (inv nil), or the
// start or end of invocation inv there (the hot path). Small enough to
// inline: with no observer it is one test.
func (s *Service) emitFn(kind EventKind, e *Env, inv *Invocation) {
	if s.stepObserver != nil {
		s.emitFnSlow(kind, e, inv)
	}
}

func (s *Service) emitFnSlow(kind EventKind, e *Env, inv *Invocation) {
	ev := Event{At: s.k.Now(), Kind: kind, Function: e.fn.Name, Env: e.ID, Provisioned: e.pc != nil}
	if inv != nil {
		ev.Request = inv.Seq
		ev.Cold = kind == EvInvokeStart && inv.Cold
		ev.Error = kind == EvInvokeEnd && inv.FunctionError != ""
	}
	s.deliver(ev)
}

// deliver numbers e and hands it to the observer.
func (s *Service) deliver(e Event) {
	s.eventSeq++
	e.Seq = s.eventSeq
	s.stepObserver(e)
}

// SetObserver registers fn to be called with every event as it happens
// (nil to stop). It runs inside the simulation step: it must not call back
// into the service.
func (s *Service) SetObserver(fn func(Event)) { s.stepObserver = fn }

// stats are a function's totals over the whole run.
type stats struct {
	Requests, Invocations, Throttles, Errors, Timeouts, ColdStarts int64
	PCInvocations, Spillover                                       int64
	AsyncReceived, AsyncRetries, AsyncThrottleRetries              int64
	AsyncDropped, DeadLetters, OnSuccessDeliveries                 int64
	ConcMax                                                        int
	byReason, byCause, dlqBy, droppedBy                            map[string]int64
	envNs, busyNs                                                  integral // see countChange
	pcCost                                                         float64  // integral of pcGBRate
	last                                                           time.Duration
	BilledMs                                                       int64
	GBSeconds, DurationCost                                        float64
	dur, initDur                                                   Sketch
	secs, mins                                                     Series // per second, per minute: look up with at
	level                                                          uint32 // concurrency after the latest change
}

func (st *stats) init() {
	st.byReason, st.byCause = map[string]int64{}, map[string]int64{}
	st.dlqBy, st.droppedBy = map[string]int64{}, map[string]int64{}
	st.secs = newSeries(time.Second, 3600) // the last hour, per second
	st.mins = newSeries(time.Minute, 1440) // the last day, per minute
}

// accrue advances the provisioned-concurrency cost (a float sum: it is
// added up at the same instants however the rest is kept) to now. Call
// before changing the rate. (Small enough to inline.)
func (f *Function) accrue(now time.Duration) {
	if f.pcGBRate != 0 {
		f.accruePC(now)
	}
	f.st.last = now
}

func (f *Function) accruePC(now time.Duration) {
	if dt := now - f.st.last; dt > 0 {
		f.st.pcCost += f.pcGBRate * dt.Seconds()
	}
}

// integral is an exact time integral of a count, in count-nanoseconds: a
// 128-bit integer, neither rounding nor overflowing however long a run.
// The count's changes are recorded, not its every interval: a count that
// goes up by one at t subtracts t and one that goes down at t adds t, so
// the integral to now is the sum plus count x now (see total). Integers
// add up exactly in any order, so this is the sum over the intervals.
type integral struct{ hi, lo uint64 }

// up records the count going up by one at t.
func (g *integral) up(t time.Duration) {
	var b uint64
	g.lo, b = bits.Sub64(g.lo, uint64(t), 0)
	g.hi -= b
}

// down records the count going down by one at t.
func (g *integral) down(t time.Duration) {
	var c uint64
	g.lo, c = bits.Add64(g.lo, uint64(t), 0)
	g.hi += c
}

// total is the integral to now of a count that is count now.
func (g integral) total(count int, now time.Duration) integral {
	hi, lo := bits.Mul64(uint64(count), uint64(now))
	var c uint64
	g.lo, c = bits.Add64(g.lo, lo, 0)
	g.hi += hi + c
	return g
}

// seconds returns the integral in count-seconds.
func (g integral) seconds() float64 {
	return (float64(g.hi)*(1<<64) + float64(g.lo)) / float64(time.Second)
}

// Series returns the last n points of a CloudWatch metric at a period of
// time.Second (up to 3,600 points) or time.Minute (up to 1,440).
func (f *Function) Series(metric string, period time.Duration, n int) ([]Point, error) {
	now := f.svc.k.Now()
	switch period {
	case time.Second:
		return f.st.secs.Points(metric, now, n, f.st.level)
	case time.Minute:
		return f.st.mins.Points(metric, now, n, f.st.level)
	}
	return nil, fmt.Errorf("period must be 1s or 1m, got %v", period)
}

// RecentLogs returns the log lines of the last n completed invocations.
func (f *Function) RecentLogs(n int) []string {
	k := len(f.recent)
	n = min(n, k)
	var out []string
	for i := f.recentN - n; i < f.recentN; i++ {
		out = append(out, f.recent[i%k].LogLines()...)
	}
	return out
}

// EnvSnapshot describes one environment for a UI.
type EnvSnapshot struct {
	ID                 int64
	Version            string
	State              string // INITIALIZING, IDLE, BUSY
	Provisioned        bool
	InitializationType string
	Age                time.Duration
	IdleFor            time.Duration // IDLE only
	ExpiresIn          time.Duration // on-demand IDLE only: time left of the keep-alive
	Invocations        int64
	ColdNext           bool // the next invocation runs Init (reset after a timeout)
}

// FunctionSnapshot is one function's live state.
type FunctionSnapshot struct {
	Name         string
	Concurrency  int // invocations in flight (ConcurrentExecutions)
	Reserved     int // -1 = none
	Environments []EnvSnapshot
	Provisioned  []ProvisionedConfig
	RecentLogs   []string
}

// Snapshot is the Lambda state at the current simulated time.
type Snapshot struct {
	Now       time.Duration
	Clock     string
	Functions []FunctionSnapshot
}

// Snapshot returns the state for a UI: functions in creation order, each
// with its environments (by id) and the log lines of recent invocations.
func (s *Service) Snapshot() Snapshot {
	now := s.k.Now()
	snap := Snapshot{Now: now, Clock: sim.FormatClock(now)}
	for _, f := range s.order {
		fs := FunctionSnapshot{Name: f.Name, Concurrency: f.busy, Reserved: f.Reserved, Provisioned: f.ProvisionedConfigs(), RecentLogs: f.RecentLogs(5)}
		for _, id := range sortedEnvIDs(f.envs) {
			e := f.envs[id]
			es := EnvSnapshot{ID: e.ID, Version: e.ver.Name, State: e.State.String(), Provisioned: e.pc != nil,
				InitializationType: e.InitializationType(), Age: now - e.Created, Invocations: e.Invocations, ColdNext: e.needsInit}
			if e.State == EnvBusy && now < e.busyInitEnd {
				es.State = EnvInitializing.String()
			}
			if e.State == EnvIdle {
				es.IdleFor = now - e.LastUsed
				if e.pc == nil {
					es.ExpiresIn = max(0, e.LastUsed+s.settings.KeepAlive-now)
				}
			}
			fs.Environments = append(fs.Environments, es)
		}
		snap.Functions = append(snap.Functions, fs)
	}
	return snap
}

// Report is the lambda part of `report --json`.
type Report struct {
	Functions []FunctionReport `json:"functions"`
}

// Window is a function's activity in a recent window (from the per-second
// series), for checks such as "no throttles in the last minute".
type Window struct {
	Requests                int64
	Invocations             int64
	Throttles               int64
	Errors                  int64
	ColdStarts              int64
	ConcurrentExecutionsMax int64
}

// FunctionReport is one function's metrics over the whole run so far.
// Requests counts every attempt; Invocations excludes throttled ones (as
// CloudWatch does); Avg* are time averages over the elapsed simulated time.
type FunctionReport struct {
	FunctionName                               string
	Requests                                   int64
	Invocations                                int64
	Throttles                                  int64
	ThrottlesByReason                          map[string]int64
	ThrottlesByCause                           map[string]int64 // concurrency, scaling-rate, request-rate, reserved-zero
	Errors                                     int64
	Timeouts                                   int64
	ColdStarts                                 int64
	ConcurrentExecutionsMax                    int64
	ConcurrentExecutions                       int64 // now
	Environments                               int64 // now
	AvgEnvironments                            float64
	AvgBusyEnvironments                        float64
	ProvisionedConcurrencyInvocations          int64
	ProvisionedConcurrencySpilloverInvocations int64
	AsyncEventsReceived                        int64
	AsyncRetries                               int64 // re-attempts after a function error
	AsyncThrottleRetries                       int64 // re-attempts after a throttle
	AsyncEventsDropped                         int64 // events that failed for good
	DeadLetters                                int64 // of those, sent to a DLQ / on-failure destination
	DeadLettersByCondition                     map[string]int64
	DurationP50Ms                              float64
	DurationP99Ms                              float64
	DurationAvgMs                              float64
	DurationMaxMs                              float64
	InitDurationAvgMs                          float64
	BilledDurationMs                           int64
	GBSeconds                                  float64
	CostUSD                                    float64 // requests + duration + provisioned concurrency (no free tier)
	ReservedConcurrency                        int64   // -1 = none
	ProvisionedConcurrency                     int64   // requested, all qualifiers
	LastMinute                                 Window
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// Report summarizes every function (in creation order).
func (s *Service) Report() Report {
	now := s.k.Now()
	rep := Report{Functions: []FunctionReport{}}
	for _, f := range s.order {
		rep.Functions = append(rep.Functions, f.report(now))
	}
	return rep
}

func (f *Function) report(now time.Duration) FunctionReport {
	st := &f.st
	dt := now - st.last
	envS, busyS := st.envNs.total(f.nEnvs, now).seconds(), st.busyNs.total(f.busy, now).seconds()
	pcCost := st.pcCost + f.pcGBRate*dt.Seconds()
	var avgEnv, avgBusy float64
	if now > 0 {
		avgEnv = envS / now.Seconds()
		avgBusy = busyS / now.Seconds()
	}
	w := st.secs.sum(now, 60)
	cost := float64(st.Invocations)*PriceRequest + st.DurationCost + pcCost
	return FunctionReport{
		FunctionName:                      f.Name,
		Requests:                          st.Requests,
		Invocations:                       st.Invocations,
		Throttles:                         st.Throttles,
		ThrottlesByReason:                 copyMap(st.byReason),
		ThrottlesByCause:                  copyMap(st.byCause),
		Errors:                            st.Errors,
		Timeouts:                          st.Timeouts,
		ColdStarts:                        st.ColdStarts,
		ConcurrentExecutionsMax:           int64(st.ConcMax),
		ConcurrentExecutions:              int64(f.busy),
		Environments:                      int64(f.nEnvs),
		AvgEnvironments:                   round(avgEnv, 4),
		AvgBusyEnvironments:               round(avgBusy, 4),
		ProvisionedConcurrencyInvocations: st.PCInvocations,
		ProvisionedConcurrencySpilloverInvocations: st.Spillover,
		AsyncEventsReceived:                        st.AsyncReceived,
		AsyncRetries:                               st.AsyncRetries,
		AsyncThrottleRetries:                       st.AsyncThrottleRetries,
		AsyncEventsDropped:                         st.AsyncDropped,
		DeadLetters:                                st.DeadLetters,
		DeadLettersByCondition:                     copyMap(st.dlqBy),
		DurationP50Ms:                              round(st.dur.Quantile(0.5), 2),
		DurationP99Ms:                              round(st.dur.Quantile(0.99), 2),
		DurationAvgMs:                              round(st.dur.Mean(), 2),
		DurationMaxMs:                              round(st.dur.Max(), 2),
		InitDurationAvgMs:                          round(st.initDur.Mean(), 2),
		BilledDurationMs:                           st.BilledMs,
		GBSeconds:                                  round(st.GBSeconds, 6),
		CostUSD:                                    round(cost, 10),
		ReservedConcurrency:                        int64(f.Reserved),
		ProvisionedConcurrency:                     int64(f.pcEnvsRequested()),
		LastMinute: Window{Requests: int64(w.Requests), Invocations: int64(w.Invocations), Throttles: int64(w.Throttles),
			Errors: int64(w.Errors), ColdStarts: int64(w.ColdStarts), ConcurrentExecutionsMax: int64(w.ConcMax)},
	}
}

func copyMap(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

// ReportText is the plain-text report: one block per function.
func (s *Service) ReportText() string {
	rep := s.Report()
	if len(rep.Functions) == 0 {
		return "lambda: no functions"
	}
	var b strings.Builder
	for _, r := range rep.Functions {
		fmt.Fprintf(&b, "lambda function %s\n", r.FunctionName)
		fmt.Fprintf(&b, "  requests %d  invocations %d  throttles %d  errors %d  timeouts %d  cold starts %d\n",
			r.Requests, r.Invocations, r.Throttles, r.Errors, r.Timeouts, r.ColdStarts)
		if len(r.ThrottlesByReason) > 0 {
			var keys []string
			for k := range r.ThrottlesByReason {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(&b, "    %s: %d\n", k, r.ThrottlesByReason[k])
			}
		}
		fmt.Fprintf(&b, "  concurrency max %d  avg busy environments %.2f  avg environments %.2f\n",
			r.ConcurrentExecutionsMax, r.AvgBusyEnvironments, r.AvgEnvironments)
		if r.ProvisionedConcurrency > 0 || r.ProvisionedConcurrencyInvocations > 0 {
			fmt.Fprintf(&b, "  provisioned %d  provisioned invocations %d  spillover %d\n",
				r.ProvisionedConcurrency, r.ProvisionedConcurrencyInvocations, r.ProvisionedConcurrencySpilloverInvocations)
		}
		if r.AsyncEventsReceived > 0 {
			fmt.Fprintf(&b, "  async events %d  retries %d  throttle retries %d  dropped %d  dead letters %d\n",
				r.AsyncEventsReceived, r.AsyncRetries, r.AsyncThrottleRetries, r.AsyncEventsDropped, r.DeadLetters)
		}
		fmt.Fprintf(&b, "  duration p50 %.2f ms  p99 %.2f ms  billed %d ms  %.6f GB-s  cost $%.8f\n",
			r.DurationP50Ms, r.DurationP99Ms, r.BilledDurationMs, r.GBSeconds, r.CostUSD)
	}
	return strings.TrimRight(b.String(), "\n")
}
