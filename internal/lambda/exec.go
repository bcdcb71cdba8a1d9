package lambda

import (
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// A Service has two data planes under one policy. Without an Executor the
// handler is simulated: Init and handler durations are sampled and the
// invocation ends on a kernel event. With an Executor (SetExecutor) every
// decision is still taken here (admission, routing to the most recently used
// idle environment, scaling rate, reserved and provisioned concurrency,
// keep-alive expiry, async retries and destinations), but the environments
// are real: the Executor runs each invocation in a real process and reports
// what it measured with Finish. The Executor's caller drives the kernel with
// the wall clock and holds one lock around every call into the Service, so
// the Executor's methods below run under that lock and must not block.

// Executor is a data plane that runs handlers for real.
type Executor interface {
	// StartInvocation runs inv on inv.Env(). inv.Cold reports whether the
	// environment must run Init first (a new or reset environment). The
	// executor later calls Service.Finish exactly once for inv.
	StartInvocation(inv *Invocation)
	// ProvisionEnv initializes a provisioned-concurrency environment ahead of
	// any invocation; the executor calls Service.ProvisionedReady when Init
	// ends (successfully or not).
	ProvisionEnv(e *Env)
	// DestroyEnv ends an environment: expired after the keep-alive, retired
	// by a code or configuration change, deallocated, or its function was
	// deleted. A busy environment's invocation still ends with Finish.
	DestroyEnv(e *Env)
}

// SetExecutor installs a real data plane (nil: the simulated one). Call it
// before creating functions.
func (s *Service) SetExecutor(x Executor) { s.exec = x }

// SetEpoch sets the wall-clock instant that kernel time zero stands for
// (default sim.Epoch); log timestamps and LastModified use it. Set it
// before the first invocation: an invocation's timestamps follow it.
func (s *Service) SetEpoch(t time.Time) { s.epoch = t }

// Epoch returns the wall-clock instant of kernel time zero.
func (s *Service) Epoch() time.Time {
	if s.epoch.IsZero() {
		return sim.Epoch
	}
	return s.epoch
}

// Outcome is what a real data plane measured for one invocation.
type Outcome struct {
	InitDuration  time.Duration // cold starts: process start to its first request for an event
	InitTimedOut  bool          // Init exceeded the Init limit
	Duration      time.Duration // the invoke phase
	MaxMemoryMB   int           // peak memory of the environment
	TimedOut      bool          // the function timeout was reached (the process was killed)
	FunctionError string        // "Unhandled" on a handler error, a crash, a timeout or out of memory
	// Reset reports that the environment's process is gone (a crash, a
	// timeout, out of memory, an Init error): its next invocation is cold.
	Reset  bool
	Output []byte // the response or the error document
	// Status and ErrorType go at the end of the REPORT line: "timeout", or
	// "error" with a type such as Runtime.OutOfMemory or Runtime.ExitError.
	Status    string
	ErrorType string
}

// Finish ends an invocation that an Executor ran, with what it measured.
// The caller holds the driver's lock and has advanced the kernel to now.
func (s *Service) Finish(inv *Invocation, o Outcome) {
	if inv.Done {
		return
	}
	now := s.k.Now()
	inv.InitDuration = o.InitDuration
	inv.InitTimedOut = o.InitTimedOut
	inv.Duration = o.Duration
	inv.MaxMemoryMB = max(o.MaxMemoryMB, 1)
	inv.TimedOut = o.TimedOut
	inv.FunctionError = o.FunctionError
	inv.Output = o.Output
	inv.Status, inv.ErrorType = o.Status, o.ErrorType
	inv.End = now
	inv.Start = max(inv.Arrived, now-o.Duration)
	e := inv.env
	if e != nil {
		if o.Reset {
			e.reset = true
		}
		if e.State == EnvBusy && inv.Cold {
			e.ReadyAt = inv.Start
			e.busyInitEnd = inv.Start
		}
	}
	if inv.Cold && !inv.fn().deleted {
		inv.fn().st.initDur.Add(ms(inv.InitDuration))
	}
	inv.fn().complete(inv)
}

// ProvisionedReady marks a provisioned environment initialized. ok false
// (Init failed or timed out) leaves it allocated and makes its first
// invocation run Init again, as Lambda retries a failed Init.
func (s *Service) ProvisionedReady(e *Env, ok bool) {
	if e.pc == nil || e.State != EnvInitializing {
		return
	}
	if !ok {
		e.pendingInit = 1 // any non-zero value: ready1 sets needsInit
	}
	e.ReadyAt = s.k.Now()
	e.pc.ready1(e)
	e.pendingInit = 0
}

// Env returns the environment that runs the invocation (nil before it
// started or when it was throttled).
func (inv *Invocation) Env() *Env { return inv.env }

// ARN is the invoked function ARN (with the qualifier used, as the
// Lambda-Runtime-Invoked-Function-Arn header carries it).
func (inv *Invocation) ARN() string {
	f := inv.fn()
	if f == nil {
		return ""
	}
	q := inv.Qualifier
	if q == "$LATEST" {
		q = ""
	}
	return f.ARN(q)
}

func (inv *Invocation) fn() *Function {
	if inv.env != nil {
		return inv.env.fn
	}
	return nil
}

// FunctionName is the environment's function.
func (e *Env) FunctionName() string { return e.fn.Name }

// Version is the version the environment runs (its configuration is Cfg).
func (e *Env) Version() *Version { return e.ver }

// ARN is the function's ARN.
func (e *Env) ARN() string { return e.fn.ARN("") }

// Settings returns the account settings of the environment's service.
func (e *Env) Settings() Settings { return e.fn.svc.settings }

// ResetEnv records that a real environment's process exited while it was
// idle: its next invocation runs Init (a cold start), as after a crash.
func (s *Service) ResetEnv(e *Env) {
	if e.State == EnvDead || e.needsInit {
		return
	}
	e.needsInit = true
	s.emit(Event{Kind: EvEnvReset, Function: e.fn.Name, Env: e.ID, Provisioned: e.pc != nil})
}

// DeleteAlias deletes an alias and the provisioned concurrency configured
// on it.
func (f *Function) DeleteAlias(name string) error {
	if f.aliases[name] == nil {
		return notFound("Alias not found: %s", f.ARN(name))
	}
	if pc := f.pcs[name]; pc != nil {
		f.deletePC(pc)
	}
	delete(f.aliases, name)
	return nil
}

// Revision counts the changes of $LATEST's code and configuration (a
// RevisionId for the API).
func (f *Function) Revision() int { return f.revision }
