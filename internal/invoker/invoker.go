// Package invoker runs Lambda functions as real processes: each execution
// environment is a process started from the function's unpacked package, in
// its own directory and process group, talking to its own Runtime API
// listener (API 2018-06-01). Every decision (admission, routing, scaling,
// concurrency, throttles, keep-alive expiry, async retries) is taken by
// internal/lambda's policy, the same code that drives the simulator's
// environments; this package is the data plane under it and the driver that
// advances the policy's kernel with the wall clock.
//
// Runtime API: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
// Environment lifecycle: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
package invoker

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/cloudlab/cloudlab/internal/lambda"
	"github.com/cloudlab/cloudlab/internal/sim"
)

// Options configure an Invoker.
type Options struct {
	// Dir is the working folder: packages, environments and the runtime
	// interface clients go under it. It is created if needed and its
	// contents are removed by Close.
	Dir string
	// Clock is the wall clock (default time.Now). Tests inject one to jump
	// over keep-alive periods and async retry delays.
	Clock func() time.Time
	// KeepAlive is how long an idle environment is kept (default 10m).
	KeepAlive time.Duration
	// MaxEnvironments caps the live environments (processes) of the account
	// (default 400). MaxFunctions caps the functions (default 100).
	MaxEnvironments int
	MaxFunctions    int
	// Settings, if non-nil, replaces lambda.DefaultSettings (KeepAlive and
	// MaxEnvironments above still apply when set).
	Settings *lambda.Settings
	// OnEvent, if set, is called (under the invoker's lock, so it must not
	// block or call back) for every policy event.
	OnEvent func(lambda.Event)
}

// Invoker is one account's Lambda with real execution environments.
type Invoker struct {
	mu    sync.Mutex // guards k, svc, envs, jobs and everything the policy owns
	k     *sim.Kernel
	svc   *lambda.Service
	clock func() time.Time
	epoch time.Time
	dir   string
	opt   Options

	envs   map[int64]*procEnv
	jobs   map[*lambda.Invocation]*job
	logs   *LogStore
	spawn  *spawner
	ric    string // folder holding the runtime interface clients
	interp map[string]string
	// pendingCC is the client context of the Invoke call being admitted.
	pendingCC string

	// changed is broadcast (under mu) when an invocation finishes or the
	// invoker closes: Locked's wait sleeps on it.
	changed *sync.Cond

	wake    chan struct{}
	stop    chan struct{}
	closed  bool
	running sync.WaitGroup // environment goroutines
	loopWG  sync.WaitGroup
}

// New starts an invoker.
func New(opt Options) (*Invoker, error) {
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.MaxEnvironments <= 0 {
		opt.MaxEnvironments = 400
	}
	if opt.MaxFunctions <= 0 {
		opt.MaxFunctions = 100
	}
	if opt.Dir == "" {
		return nil, errors.New("invoker: no working folder")
	}
	st := lambda.DefaultSettings()
	if opt.Settings != nil {
		st = *opt.Settings
	}
	if opt.KeepAlive > 0 {
		st.KeepAlive = opt.KeepAlive
	}
	st.MaxEnvironments = opt.MaxEnvironments
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("invoker: %v", err)
	}
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		return nil, err
	}
	var seed [8]byte
	_, _ = crand.Read(seed[:]) // request ids differ between runs
	iv := &Invoker{
		k: sim.New(binary.LittleEndian.Uint64(seed[:])), clock: opt.Clock, dir: opt.Dir, opt: opt,
		envs: map[int64]*procEnv{}, jobs: map[*lambda.Invocation]*job{}, logs: NewLogStore(),
		interp: map[string]string{}, wake: make(chan struct{}, 1), stop: make(chan struct{}),
	}
	iv.changed = sync.NewCond(&iv.mu)
	iv.epoch = iv.clock()
	iv.svc = lambda.New(iv.k)
	if err := iv.svc.SetSettings(st); err != nil {
		return nil, err
	}
	iv.svc.SetEpoch(iv.epoch)
	iv.svc.SetExecutor(iv)
	if opt.OnEvent != nil {
		iv.svc.SetObserver(opt.OnEvent)
	}
	ric, err := writeRICs(filepath.Join(opt.Dir, "ric"))
	if err != nil {
		return nil, err
	}
	iv.ric = ric
	iv.spawn = newSpawner()
	iv.loopWG.Add(1)
	go iv.loop()
	return iv, nil
}

// Dir is the working folder.
func (iv *Invoker) Dir() string { return iv.dir }

// Now returns the wall clock.
func (iv *Invoker) Now() time.Time { return iv.clock() }

// Logs returns the CloudWatch Logs store of the functions' output.
func (iv *Invoker) Logs() *LogStore { return iv.logs }

// MaxFunctions is the function cap.
func (iv *Invoker) MaxFunctions() int { return iv.opt.MaxFunctions }

// advance moves the kernel to the wall clock, running the policy's due
// events (keep-alive sweeps, async retries). The caller holds mu.
func (iv *Invoker) advance() {
	now := iv.clock().Sub(iv.epoch)
	if now < iv.k.Now() {
		return // the clock never runs backwards for the policy
	}
	_ = iv.k.RunUntil(now) // no event budget is set
}

// Do runs fn with the Lambda service, under the invoker's lock, after
// advancing the policy's clock to now. fn must not block.
func (iv *Invoker) Do(fn func(s *lambda.Service) error) error {
	iv.mu.Lock()
	if iv.closed {
		iv.mu.Unlock()
		return errClosed
	}
	iv.advance()
	err := fn(iv.svc)
	iv.mu.Unlock()
	iv.Poke()
	return err
}

// Locked runs fn like Do, and also hands it the policy's kernel and a wait
// function, for a caller that drives the Lambda service itself (the lab
// shell of a lab with real handlers, which runs AWS CLI commands against
// the service). Inside fn, wait(cond) releases the lock until cond holds
// (checked under the lock each time an invocation finishes), so the
// environments can report back while a synchronous invoke waits; outside,
// run(f) releases it for slow work that does not touch the service (a go
// build). wait also returns when the invoker closes.
func (iv *Invoker) Locked(fn func(k *sim.Kernel, s *lambda.Service, wait func(cond func() bool), outside func(f func())) error) error {
	iv.mu.Lock()
	if iv.closed {
		iv.mu.Unlock()
		return errClosed
	}
	iv.advance()
	wait := func(cond func() bool) {
		for !cond() && !iv.closed {
			iv.Poke()
			iv.changed.Wait()
			iv.advance()
		}
	}
	outside := func(f func()) {
		iv.mu.Unlock()
		defer func() {
			iv.mu.Lock()
			iv.advance()
		}()
		f()
	}
	defer func() {
		iv.mu.Unlock()
		iv.Poke()
	}()
	return fn(iv.k, iv.svc, wait, outside)
}

var errClosed = &lambda.Error{Code: "ServiceException", Status: 500, Message: "The endpoint is shutting down."}

// Poke wakes the driver so it re-reads the clock and the next due event.
func (iv *Invoker) Poke() {
	select {
	case iv.wake <- struct{}{}:
	default:
	}
}

// loop is the driver: it advances the kernel when its next event is due.
func (iv *Invoker) loop() {
	defer iv.loopWG.Done()
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		iv.mu.Lock()
		iv.advance()
		iv.changed.Broadcast() // a due event may have ended an invocation
		wait := time.Hour
		if at, ok := iv.k.NextAt(); ok {
			wait = max(at-iv.k.Now(), time.Millisecond)
		}
		iv.mu.Unlock()
		t.Reset(wait)
		select {
		case <-iv.stop:
			return
		case <-iv.wake:
		case <-t.C:
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
	}
}

// Close stops the invoker: running invocations get grace to finish, then
// every environment is killed and the working folder removed.
func (iv *Invoker) Close(grace time.Duration) error {
	iv.mu.Lock()
	if iv.closed {
		iv.mu.Unlock()
		return nil
	}
	iv.closed = true
	iv.changed.Broadcast()
	iv.mu.Unlock()
	done := make(chan struct{})
	go func() { iv.waitIdle(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
	}
	iv.mu.Lock()
	all := make([]*procEnv, 0, len(iv.envs))
	for _, e := range iv.envs {
		all = append(all, e)
	}
	iv.mu.Unlock()
	for _, e := range all {
		e.kill()
	}
	iv.running.Wait()
	close(iv.stop)
	iv.loopWG.Wait()
	iv.spawn.close()
	return os.RemoveAll(iv.dir)
}

// waitIdle waits until no invocation is running.
func (iv *Invoker) waitIdle() {
	for {
		iv.mu.Lock()
		n := len(iv.jobs)
		iv.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// InvokeInput is one Invoke API call.
type InvokeInput struct {
	Function  string // name, partial or full ARN, optionally name:qualifier
	Qualifier string
	Type      string // RequestResponse (default), Event, DryRun
	Payload   []byte
	// ClientContext is the base64 X-Amz-Client-Context header, passed to the
	// handler decoded (Lambda-Runtime-Client-Context).
	ClientContext string
}

// InvokeResult is the Invoke API's answer.
type InvokeResult struct {
	StatusCode      int
	Payload         []byte
	FunctionError   string // "Unhandled" on a function error
	ExecutedVersion string
	RequestID       string
	LogTail         []byte // the last 4 KB of the invocation's log
	Cold            bool
}

// Invoke runs the Invoke API. A synchronous invocation waits for the
// handler (or ctx); a throttle is a *lambda.Error with its Reason.
func (iv *Invoker) Invoke(ctx context.Context, in InvokeInput) (*InvokeResult, error) {
	done := make(chan *InvokeResult, 1)
	var res *InvokeResult
	err := iv.Do(func(s *lambda.Service) error {
		iv.pendingCC = in.ClientContext // read by StartInvocation, inside s.Invoke
		defer func() { iv.pendingCC = "" }()
		inv, err := s.Invoke(lambda.Request{Function: in.Function, Qualifier: in.Qualifier, Type: in.Type, Payload: string(in.Payload),
			OnDone: func(inv *lambda.Invocation) {
				r := &InvokeResult{StatusCode: 200, Payload: []byte(inv.Response()), FunctionError: inv.FunctionError,
					ExecutedVersion: inv.Version, RequestID: inv.RequestID(), Cold: inv.Cold}
				if j := iv.jobs[inv]; j != nil {
					iv.endLog(j)
					r.LogTail = j.tail.Bytes()
				}
				done <- r
			}})
		if err != nil {
			return err
		}
		if inv.Type != lambda.TypeRequestResponse {
			res = &InvokeResult{StatusCode: inv.StatusCode, ExecutedVersion: inv.Version}
			return nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if res != nil {
		return res, nil
	}
	select {
	case r := <-done:
		return r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// EnvInfo describes one live environment for a UI.
type EnvInfo struct {
	ID       int64
	Function string
	Version  string
	PID      int
	State    string
	Started  time.Time
	Invokes  int64
}

// Environments lists the live environment processes.
func (iv *Invoker) Environments() []EnvInfo {
	iv.mu.Lock()
	defer iv.mu.Unlock()
	var out []EnvInfo
	for _, e := range iv.envs {
		out = append(out, e.info())
	}
	sortEnvInfo(out)
	return out
}

// PIDs returns the process ids of the live environments.
func (iv *Invoker) PIDs() []int {
	var out []int
	for _, e := range iv.Environments() {
		if e.PID > 0 {
			out = append(out, e.PID)
		}
	}
	return out
}
