package lambda

import (
	"fmt"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// Invocation types (X-Amz-Invocation-Type).
const (
	TypeRequestResponse = "RequestResponse"
	TypeEvent           = "Event"
	TypeDryRun          = "DryRun"
)

// Request is one call of the Invoke API.
type Request struct {
	Function  string // name or ARN
	Qualifier string // "", $LATEST, version or alias
	Type      string // RequestResponse (default), Event, DryRun
	Payload   string
	// OnDone, if set, is called when a RequestResponse invocation ends.
	OnDone func(*Invocation)
}

// Invocation is one attempt to run the handler (or, for Event and DryRun,
// the accepted request).
type Invocation struct {
	Seq        uint64
	Function   string
	Qualifier  string
	Version    string
	Type       string
	Payload    string
	StatusCode int // 200, 202 (Event), 204 (DryRun)

	Arrived       time.Duration
	Start         time.Duration // when the handler started (after Init on a cold start)
	End           time.Duration
	Route         Route
	Cold          bool
	InitDuration  time.Duration // Init phase, cold starts only
	InitTimedOut  bool          // Init exceeded the limit and was retried in the invoke phase
	Duration      time.Duration // invoke phase: the handler (plus a retried Init)
	Billed        time.Duration
	MemoryMB      int
	MaxMemoryMB   int
	Timeout       time.Duration
	TimedOut      bool
	FunctionError string // "Unhandled" on a function error or timeout
	Provisioned   bool
	EnvID         int64
	Done          bool
	Attempt       int // asynchronous: 1 for the first attempt

	// Output is the response (or error document) a real handler returned;
	// Status and ErrorType end its REPORT line ("timeout", or "error" with
	// Runtime.OutOfMemory, Runtime.ExitError ...), as Lambda logs them.
	Output    []byte
	Status    string
	ErrorType string

	svc    *Service // the request ID's seed and the wall-clock epoch (nil: seed 0, sim.Epoch)
	env    *Env
	onDone func(*Invocation)

	// detached: started by InvokeDetached (traffic). Nobody outside the
	// Service holds it, so it returns to the Service's free list once its
	// completion is recorded. An invocation returned by Invoke is never
	// detached and never reused.
	detached bool
}

// completeEvent is the kernel callback that ends an invocation (Post: no
// closure per invocation).
func completeEvent(x any) {
	inv := x.(*Invocation)
	inv.env.fn.complete(inv)
}

// RequestID is the invocation's request id (a UUID derived from the seed).
func (inv *Invocation) RequestID() string {
	var seed uint64
	if inv.svc != nil {
		seed = inv.svc.k.Seed()
	}
	return requestID(seed, inv.Seq)
}

func requestID(seed, seq uint64) string {
	a := splitmix(seed ^ (seq * 0x9e3779b97f4a7c15))
	b := splitmix(a ^ seq)
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a)&0xfff,
		(uint16(b>>48)&0x3fff)|0x8000, b&0xffffffffffff)
}

// Response is the simulated handler's response (the outfile of invoke): it
// echoes the payload, or is AWS's error object.
func (inv *Invocation) Response() string {
	switch {
	case inv.TimedOut:
		return fmt.Sprintf(`{"errorMessage":"%s %s Task timed out after %s seconds"}`,
			inv.wall(inv.End).Format("2006-01-02T15:04:05.000Z"), inv.RequestID(), secs(inv.Timeout))
	case inv.Output != nil:
		return string(inv.Output)
	case inv.FunctionError != "":
		return `{"errorMessage":"simulated function error","errorType":"SimulatedError"}`
	case strings.TrimSpace(inv.Payload) == "":
		return "null"
	}
	return inv.Payload
}

// wall maps kernel time to the service's wall-clock epoch.
func (inv *Invocation) wall(d time.Duration) time.Time {
	if inv.svc == nil {
		return sim.Epoch.Add(d)
	}
	return inv.svc.Epoch().Add(d)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

// Invoke runs the Invoke API. RequestResponse admits or throttles the
// request at once (a throttle is a *Error with Reason) and schedules its
// end: step the kernel until inv.Done. Event queues the request and returns
// 202; DryRun only checks the function and returns 204.
func (s *Service) Invoke(r Request) (*Invocation, error) {
	if r.Payload == "" {
		r.Payload = "{}" // Lambda passes {} when the caller sends no payload
	}
	f, err := s.Function(r.Function)
	if err != nil {
		return nil, err
	}
	qual := r.Qualifier
	if q := qualifierOf(r.Function); q != "" {
		qual = q
	}
	v, err := f.Resolve(qual)
	if err != nil {
		return nil, err
	}
	typ := r.Type
	if typ == "" {
		typ = TypeRequestResponse
	}
	switch typ {
	case TypeDryRun:
		return &Invocation{Function: f.Name, Qualifier: qual, Version: v.Name, Type: typ, StatusCode: 204, Done: true}, nil
	case TypeEvent:
		if len(r.Payload) > 1<<20 {
			return nil, &Error{Code: "RequestEntityTooLargeException", Status: 413, Message: fmt.Sprintf("Request must be smaller than 1048576 bytes for the InvokeAsync operation")}
		}
		f.enqueue(qual, r.Payload)
		return &Invocation{Function: f.Name, Qualifier: qual, Version: v.Name, Type: typ, StatusCode: 202, Done: true}, nil
	case TypeRequestResponse:
	default:
		return nil, invalid("Invalid invocation type %s; want RequestResponse, Event or DryRun", typ)
	}
	if len(r.Payload) > 6<<20 {
		return nil, &Error{Code: "RequestTooLargeException", Status: 413, Message: "Request must be smaller than 6291456 bytes for the Invoke operation"}
	}
	inv := s.newInvocation(f, v, qual, typ, r.Payload)
	inv.onDone = r.OnDone
	if e := f.attempt(inv, v); e != nil {
		return nil, e
	}
	return inv, nil
}

// InvokeDetached starts a RequestResponse (or Event, or DryRun) request
// whose result nobody reads: the path of generated traffic. It behaves as
// Invoke and discards the result, but the Service owns the invocation: on
// the simulated data plane it comes from a free list and is reused once its
// completion has been recorded (metrics, the copied recent-invocations ring,
// r.OnDone), so steady-state traffic allocates nothing per invocation.
// r.OnDone, if set, must not keep the *Invocation after it returns. A
// throttle is returned as Invoke returns it. Traffic that sends the same
// request again and again prepares it once with NewDetached.
func (s *Service) InvokeDetached(r Request) error {
	d := newDetached(s, r)
	return d.Invoke()
}

// Detached is a request that generated traffic sends again and again
// (InvokeDetached's request, prepared once): the function its name resolves
// to is remembered while that function exists, so an arrival does not look
// the name up or compare strings.
type Detached struct {
	s        *Service
	r        Request
	f        *Function // nil: not resolved yet, or deleted since
	nameQual string    // the qualifier r.Function carries (name:qualifier, an ARN)
	sync     bool      // r.Type is RequestResponse (or empty)
}

// NewDetached prepares r for Invoke.
func (s *Service) NewDetached(r Request) *Detached {
	d := newDetached(s, r)
	return &d
}

func newDetached(s *Service, r Request) Detached {
	return Detached{s: s, r: r, sync: r.Type == "" || r.Type == TypeRequestResponse}
}

// Invoke is InvokeDetached(r).
func (d *Detached) Invoke() error {
	s, r := d.s, &d.r
	if !d.sync {
		_, err := s.Invoke(*r)
		return err
	}
	f := d.f
	if f == nil || f.deleted {
		var err error
		if f, err = s.Function(r.Function); err != nil {
			return err
		}
		d.f, d.nameQual = f, qualifierOf(r.Function)
	}
	qual := r.Qualifier
	if d.nameQual != "" {
		qual = d.nameQual
	}
	v, err := f.Resolve(qual)
	if err != nil {
		return err
	}
	if len(r.Payload) > 6<<20 {
		return &Error{Code: "RequestTooLargeException", Status: 413, Message: "Request must be smaller than 6291456 bytes for the Invoke operation"}
	}
	var inv *Invocation
	if s.exec == nil {
		inv = s.takeInvocation()
		s.reuseInvocation(inv, f, v, qual, TypeRequestResponse, r.Payload)
		inv.detached = true
	} else {
		// A real data plane holds the invocation until it finishes: not pooled.
		inv = s.newInvocation(f, v, qual, TypeRequestResponse, r.Payload)
	}
	inv.onDone = r.OnDone
	if e := f.attempt(inv, v); e != nil {
		s.recycle(inv)
		return e
	}
	return nil
}

// takeInvocation returns a free pooled invocation (or a new one).
func (s *Service) takeInvocation() *Invocation {
	if n := len(s.invFree); n > 0 {
		inv := s.invFree[n-1]
		s.invFree[n-1] = nil
		s.invFree = s.invFree[:n-1]
		return inv
	}
	return new(Invocation)
}

// recycle returns a detached invocation to the free list; others are left
// to their holders (and the garbage collector).
func (s *Service) recycle(inv *Invocation) {
	if !inv.detached {
		return
	}
	inv.detached = false // a second recycle of the same value is a no-op
	inv.env, inv.onDone, inv.Output = nil, nil, nil
	s.invFree = append(s.invFree, inv)
}

func qualifierOf(nameOrARN string) string {
	if i := strings.Index(nameOrARN, ":function:"); i >= 0 {
		rest := nameOrARN[i+len(":function:"):]
		if j := strings.IndexByte(rest, ':'); j >= 0 {
			return rest[j+1:]
		}
		return ""
	}
	// name:qualifier (partial form)
	if j := strings.IndexByte(nameOrARN, ':'); j >= 0 && !strings.HasPrefix(nameOrARN, "arn:") {
		return nameOrARN[j+1:]
	}
	return ""
}

func (s *Service) newInvocation(f *Function, v *Version, qual, typ, payload string) *Invocation {
	inv := new(Invocation)
	s.reuseInvocation(inv, f, v, qual, typ, payload)
	return inv
}

// reuseInvocation sets up inv, a new (zero) invocation or a pooled one, for
// a new request. A pooled one is not cleared whole: the fields start sets
// on every run (Route, Start, End, Duration, MemoryMB, MaxMemoryMB,
// Timeout, EnvID, Provisioned, env) are left to it, and a throttled
// invocation, which does not start, goes back to the pool unread; the
// caller sets onDone and detached; Output is nil (the pool takes none with
// it). The others are set here. (TestReusedInvocationMatchesFresh compares
// pooled invocations with new ones.)
func (s *Service) reuseInvocation(inv *Invocation, f *Function, v *Version, qual, typ, payload string) {
	s.nextRequest++
	inv.Seq, inv.svc = s.nextRequest, s
	inv.Function, inv.Qualifier, inv.Version = f.Name, qual, v.Name
	inv.Type, inv.Payload, inv.StatusCode, inv.Arrived = typ, payload, 200, s.k.Now()
	inv.Cold, inv.InitDuration, inv.InitTimedOut, inv.TimedOut = false, 0, false, false
	inv.FunctionError, inv.Billed, inv.Done, inv.Attempt = "", 0, false, 0
	inv.Status, inv.ErrorType = "", "" // a copy of a real invocation in the ring may have them
}

// policyState gathers into ps, a zero PolicyState, the admission inputs
// for a request to v via qual (filled in place: not copied per request).
func (f *Function) policyState(ps *PolicyState, v *Version, pc *pcConfig) {
	s := f.svc
	now := s.k.Now()
	// ps is zero (attempt's): set field by field, no literal built aside.
	ps.Reserved = f.Reserved
	ps.FunctionInUse = f.onDemandBusy + f.pcEnvs
	ps.UnreservedCapacity = s.unreservedCapacity()
	ps.UnreservedInUse = s.unreservedInUse
	ps.WarmIdle = v.pool.idleCount()
	ps.RateLimited = s.settings.RequestsPerEnvironment > 0
	ps.Environments = s.liveEnvs
	ps.EnvironmentCap = s.settings.MaxEnvironments
	if pc != nil {
		ps.ProvisionedIdle = len(pc.idle)
	}
	if s.settings.ScalingModel == "legacy" {
		ps.ScaleTokens = s.legacyScale.Available(now)
	} else {
		ps.ScaleTokens = f.scale.Available(now)
	}
	if ps.RateLimited {
		if f.Reserved >= 0 {
			ps.RateTokens = f.rate.Available(now)
		} else {
			ps.RateTokens = s.accountRate.Available(now)
		}
	}
}

// attempt admits or throttles one invocation attempt and starts it; v is
// the version inv.Qualifier resolves to now (the caller has just resolved it).
// (Not inlined: with profile-guided optimisation, Detached.Invoke would
// take it in whole, and the inliner then leaves policyState, Admit and the
// metrics lookup as calls inside that big body; as a function of its own
// they are inlined into it. 37M fewer instructions in the SimFaaS scenario.)
//
//go:noinline
func (f *Function) attempt(inv *Invocation, v *Version) *Error {
	s := f.svc
	now := s.k.Now()
	var pc *pcConfig
	if len(f.pcs) > 0 {
		pc = f.pcs[inv.Qualifier]
		if pc != nil && pc.ver != v {
			pc = nil
		}
	}
	var ps PolicyState
	f.policyState(&ps, v, pc)
	d := Admit(&ps)
	f.st.Requests++
	f.st.at(now)
	sb, mb := f.st.secs.cur, f.st.mins.cur
	sb.Requests++
	mb.Requests++
	if d.Route == RouteThrottle {
		f.st.Throttles++
		f.st.byReason[d.Reason]++
		f.st.byCause[d.Cause]++
		sb.Throttles++
		mb.Throttles++
		s.emit(Event{Kind: EvThrottle, Function: f.Name, Request: inv.Seq, Reason: d.Reason})
		return throttled(d.Reason)
	}
	if s.settings.RequestsPerEnvironment > 0 {
		if f.Reserved >= 0 {
			f.rate.Take()
		} else {
			s.accountRate.Take()
		}
	}
	var e *Env
	switch d.Route {
	case RouteProvisioned:
		e = pc.idle[len(pc.idle)-1]
		pc.idle = pc.idle[:len(pc.idle)-1]
	case RouteWarm:
		e = v.pool.popMRU()
	case RouteCold:
		if s.settings.ScalingModel == "legacy" {
			s.legacyScale.Take()
		} else {
			f.scale.Take()
		}
		e = f.newEnv(v, nil)
	}
	if pc != nil && e.pc == nil {
		f.st.Spillover++
		sb.Spillover++
		mb.Spillover++
	}
	f.start(e, inv, sb, mb)
	return nil
}

// start runs inv on environment e; sb and mb are the function's metric
// buckets of now (attempt has just looked them up).
func (f *Function) start(e *Env, inv *Invocation, sb, mb *Bucket) {
	s := f.svc
	now := s.k.Now()
	r := s.k.Rand()
	cfg := &e.ver.Cfg
	inv.env = e
	inv.EnvID = e.ID
	inv.Provisioned = e.pc != nil
	inv.MemoryMB = cfg.MemoryMB
	inv.Timeout = cfg.Timeout
	inv.MaxMemoryMB = maxMemoryUsed(cfg)
	if e.pc == nil {
		inv.Route = RouteWarm
	} else {
		inv.Route = RouteProvisioned
	}
	if s.exec != nil {
		f.startReal(e, inv, sb, mb)
		return
	}

	var initPhase, retriedInit time.Duration
	if e.needsInit {
		inv.Cold = true
		if e.pc == nil {
			inv.Route = RouteCold
		}
		init := e.pendingInit
		if init == 0 {
			init = cfg.Init.Sample(r)
			if lim := s.settings.InitLimit; init > lim {
				// Init is limited to 10 s; when it does not finish it is
				// retried during the first invocation, under the function
				// timeout (LDG lambda-runtime-environment).
				inv.InitTimedOut = true
				initPhase = lim
				retriedInit = init
			} else {
				initPhase = init
			}
			inv.InitDuration = initPhase
		} else {
			// A provisioned environment whose Init timed out at allocation.
			inv.InitTimedOut = true
			retriedInit = init
			e.pendingInit = 0
		}
		e.needsInit = false
	}
	run := ScaleDuration(cfg.Duration.Sample(r), cfg.RefMemoryMB, cfg.MemoryMB, cfg.CPUBound, cfg.Threads) + retriedInit
	isErr := cfg.ErrorRate > 0 && r.Float64() < cfg.ErrorRate
	if run > cfg.Timeout {
		run = cfg.Timeout
		inv.TimedOut = true
		inv.FunctionError = "Unhandled"
	} else if isErr {
		inv.FunctionError = "Unhandled"
	}
	inv.Start = now + initPhase
	inv.Duration = run
	inv.End = inv.Start + run

	f.accrue(now)
	if e.State == EnvInitializing {
		e.ReadyAt = inv.Start
	}
	e.State = EnvBusy
	e.busyInitEnd = inv.Start
	f.countStart(e, inv, sb, mb)
	s.emitFn(EvInvokeStart, e, inv)
	s.k.Post(inv.End, completeEvent, inv)
}

// startReal hands inv to the real data plane: whether it is cold is the
// policy's call (a new or reset environment); the durations are measured.
func (f *Function) startReal(e *Env, inv *Invocation, sb, mb *Bucket) {
	now := f.svc.k.Now()
	if e.needsInit {
		inv.Cold = true
		if e.pc == nil {
			inv.Route = RouteCold
		}
		e.needsInit = false
	}
	inv.Start = now
	inv.End = now
	f.accrue(now)
	e.State = EnvBusy
	e.busyInitEnd = now // the Init phase of a real cold start is only known at Finish
	f.countStart(e, inv, sb, mb)
	f.svc.emitFn(EvInvokeStart, e, inv)
	f.svc.exec.StartInvocation(inv)
}

// countStart counts a started invocation (both data planes); sb and mb
// are the metric buckets of now. The caller then records EvInvokeStart
// (there, not here: an emitFn inside an inlined countStart stays a call).
func (f *Function) countStart(e *Env, inv *Invocation, sb, mb *Bucket) {
	s := f.svc
	f.busy++
	f.st.busyNs.up(s.k.Now())
	if e.pc == nil {
		f.onDemandBusy++
		if f.Reserved < 0 {
			s.unreservedInUse++
		}
	}
	f.st.Invocations++
	f.st.ConcMax = max(f.st.ConcMax, f.busy)
	// The level changed within now's buckets (attempt has looked them up
	// at this instant).
	f.st.level = uint32(f.busy)
	sb.Invocations++
	mb.Invocations++
	sb.ConcMax = max(sb.ConcMax, uint32(f.busy))
	mb.ConcMax = max(mb.ConcMax, uint32(f.busy))
	if inv.Cold {
		f.st.ColdStarts++
		sb.ColdStarts++
		mb.ColdStarts++
		if s.exec == nil {
			f.st.initDur.Add(ms(inv.InitDuration))
		}
	}
	if e.pc != nil {
		f.st.PCInvocations++
		sb.PCInvocations++
		mb.PCInvocations++
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// maxMemoryUsed is an illustrative "Max Memory Used": a typical baseline of
// the runtime, capped at the configured memory (not a measurement).
func maxMemoryUsed(c *Config) int {
	base := 50
	switch rt := c.Runtime; {
	case strings.HasPrefix(rt, "python"):
		base = 40
	case strings.HasPrefix(rt, "nodejs"):
		base = 65
	case strings.HasPrefix(rt, "java"):
		base = 110
	case strings.HasPrefix(rt, "dotnet"):
		base = 80
	case strings.HasPrefix(rt, "provided"), strings.HasPrefix(rt, "go"):
		base = 25
	}
	return min(base, c.MemoryMB)
}

// complete ends an invocation: bill it, log it, free the environment.
func (f *Function) complete(inv *Invocation) {
	inv.Done = true
	e := inv.env
	done := inv.onDone
	if f.deleted {
		if done != nil {
			done(inv)
		}
		f.svc.recycle(inv)
		return
	}
	s := f.svc
	now := s.k.Now()
	cfg := &e.ver.Cfg
	f.accrue(now)
	f.busy--
	f.st.busyNs.down(now)
	f.st.at(now)
	sb, mb := f.st.secs.cur, f.st.mins.cur
	f.st.level = uint32(f.busy) // the level changed: the buckets hold the higher one before it
	if e.pc == nil {
		f.onDemandBusy--
		if f.Reserved < 0 {
			s.unreservedInUse--
		}
	}
	e.Invocations++

	// Billing: duration rounded up; since Aug 2025 an on-demand cold start
	// also bills its Init phase (setting "free" for the older rule).
	billable := inv.Duration
	if inv.Cold && e.pc == nil && initBilled(s.settings.InitBilling, cfg) {
		billable += inv.InitDuration
	}
	inv.Billed = BilledDuration(billable, s.settings.BillingGranularity)
	gbs := GBSeconds(inv.Billed, cfg.MemoryMB)
	f.st.BilledMs += int64(inv.Billed / time.Millisecond)
	f.st.GBSeconds += gbs
	f.st.DurationCost += gbs * durationPrice(cfg.Arch, e.pc != nil)
	d := ms(inv.Duration)
	f.st.dur.Add(d)
	// d >= 0 is never NaN: a comparison is max without its NaN and -0 cases.
	sb.DurCount++
	sb.DurSum += d
	if d > sb.DurMax {
		sb.DurMax = d
	}
	mb.DurCount++
	mb.DurSum += d
	if d > mb.DurMax {
		mb.DurMax = d
	}
	if inv.FunctionError != "" {
		f.st.Errors++
		sb.Errors++
		mb.Errors++
	}
	if inv.TimedOut {
		f.st.Timeouts++
	}
	kept, spare := f.remember(inv)
	s.emitFn(EvInvokeEnd, e, inv)

	// Free the environment. A timeout resets it: the next invocation there
	// runs Init again (LDG lambda-runtime-environment).
	if inv.TimedOut || e.reset {
		e.needsInit = true
		e.reset = false
		s.emitFn(EvEnvReset, e, nil)
	}
	e.LastUsed = now
	switch {
	case e.pc != nil:
		pc := e.pc
		if f.pcs[pc.Qualifier] != pc || len(pc.envs) > pc.Requested {
			e.State = EnvIdle
			f.destroy(e, EvEnvDestroyed)
		} else {
			e.State = EnvIdle
			pc.idle = append(pc.idle, e)
			s.emitFn(EvEnvIdle, e, nil)
		}
	case e.pool.retired:
		e.State = EnvIdle
		f.destroy(e, EvEnvDestroyed)
	default:
		e.State = EnvIdle
		e.pool.push(e)
		s.emitFn(EvEnvIdle, e, nil)
	}
	if done != nil {
		done(inv)
	}
	if kept {
		// inv is in the ring now: it keeps no payload, environment or callback.
		inv.Payload, inv.env, inv.onDone = "", nil, nil
	} else {
		s.recycle(inv)
	}
	if spare != nil {
		spare.Output = nil
		s.invFree = append(s.invFree, spare)
	}
}

// remember keeps the last completed invocations for logs: a bounded ring
// without payloads or environment pointers. A detached invocation (nobody
// else holds it) goes into the ring whole, without a copy (kept: the caller
// clears its payload, environment and callback once it is done with it),
// and the value it displaces from a full ring is returned as spare, for
// the caller to recycle. An invocation a caller holds is copied.
func (f *Function) remember(inv *Invocation) (kept bool, spare *Invocation) {
	const keep = 64
	if f.recent == nil {
		f.recent = make([]*Invocation, 0, keep)
	}
	if inv.detached && len(inv.Output) <= 1024 {
		inv.detached = false // the ring's now: recycle(inv) is a no-op
		if len(f.recent) < keep {
			f.recent = append(f.recent, inv)
		} else {
			i := int(uint(f.recentN) % keep) // recentN >= 0: no signed remainder
			spare = f.recent[i]
			f.recent[i] = inv
		}
		f.recentN++
		return true, spare
	}
	var cp *Invocation
	if len(f.recent) < keep {
		cp = new(Invocation)
		f.recent = append(f.recent, cp)
	} else {
		cp = f.recent[uint(f.recentN)%keep]
	}
	*cp = *inv
	cp.Payload, cp.env, cp.onDone, cp.detached = "", nil, nil, false
	if len(cp.Output) > 1024 {
		cp.Output = append([]byte(nil), cp.Output[:1024]...) // a real handler's output is not kept whole
	}
	f.recentN++
	return false, nil
}

// LogLines renders the invocation's CloudWatch log lines (the format of https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html:
// tab-separated REPORT, Init Duration only on a cold start).
func (inv *Invocation) LogLines() []string {
	return append(inv.StartLines(), inv.EndLines()...)
}

// StartLines are the lines logged when the invocation starts: INIT_REPORT
// when Init timed out, then START.
func (inv *Invocation) StartLines() []string {
	var out []string
	if inv.InitTimedOut && inv.InitDuration > 0 {
		out = append(out, fmt.Sprintf("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: timeout", ms(inv.InitDuration)))
	}
	return append(out, fmt.Sprintf("START RequestId: %s Version: %s", inv.RequestID(), inv.Version))
}

// EndLines are the lines logged when the invocation ends: the timeout or
// error line, END and REPORT. A real handler's error document is logged as
// the runtime sent it.
func (inv *Invocation) EndLines() []string {
	id := inv.RequestID()
	var out []string
	ts := inv.wall(inv.End).Format("2006-01-02T15:04:05.000Z")
	switch {
	case inv.TimedOut:
		out = append(out, fmt.Sprintf("%s %s Task timed out after %s seconds", ts, id, secs(inv.Timeout)))
	case inv.FunctionError != "" && inv.Output != nil:
		out = append(out, fmt.Sprintf("%s\t%s\tERROR\tInvoke Error \t%s", ts, id, inv.Output))
	case inv.FunctionError != "":
		out = append(out, fmt.Sprintf("%s\t%s\tERROR\tInvoke Error \t{\"errorType\":\"SimulatedError\",\"errorMessage\":\"simulated function error\"}", ts, id))
	}
	out = append(out, "END RequestId: "+id)
	rep := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB",
		id, ms(inv.Duration), inv.Billed/time.Millisecond, inv.MemoryMB, inv.MaxMemoryMB)
	if inv.Cold && inv.InitDuration > 0 {
		rep += fmt.Sprintf("\tInit Duration: %.2f ms", ms(inv.InitDuration))
	}
	if inv.Status != "" {
		rep += "\tStatus: " + inv.Status
		if inv.ErrorType != "" {
			rep += "\tError Type: " + inv.ErrorType
		}
	} else if inv.TimedOut {
		rep += "\tStatus: timeout" // as AWS prints a timed-out invocation's REPORT
	}
	out = append(out, rep)
	return out
}
