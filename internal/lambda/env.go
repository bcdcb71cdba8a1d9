package lambda

import (
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// EnvState is an execution environment's state.
type EnvState uint8

const (
	EnvInitializing EnvState = iota // running Init (a cold start or a provisioned allocation)
	EnvIdle                         // warm, waiting for an invocation
	EnvBusy                         // running one invocation
	EnvDead                         // expired or destroyed
)

func (s EnvState) String() string {
	return [...]string{"INITIALIZING", "IDLE", "BUSY", "DEAD"}[s]
}

// Env is one execution environment. It serves one invocation at a time.
type Env struct {
	ID          int64
	fn          *Function
	ver         *Version
	pool        *pool     // on-demand environments
	pc          *pcConfig // provisioned environments
	State       EnvState
	Created     time.Duration
	ReadyAt     time.Duration // when Init finished (or will)
	LastUsed    time.Duration // when it last became idle
	busyInitEnd time.Duration // during a cold invocation: when Init ends
	Invocations int64
	needsInit   bool // the next invocation runs Init (new, reset, or Init timed out)
	pendingInit time.Duration
	pcReady     bool // counted in its provisioned configuration's ready environments
	reset       bool // a real environment's process is gone: the next invocation runs Init
}

// Provisioned reports whether this is a provisioned-concurrency environment.
func (e *Env) Provisioned() bool { return e.pc != nil }

// InitializationType is AWS_LAMBDA_INITIALIZATION_TYPE in the environment.
func (e *Env) InitializationType() string {
	if e.pc != nil {
		return "provisioned-concurrency"
	}
	return "on-demand"
}

// pool holds the idle on-demand environments of one version (one code and
// configuration generation) as a stack: the most recently used is on top
// (the end), so routing picks it and older ones age out at the bottom.
type pool struct {
	v       *Version
	idle    []*Env
	head    int // idle[head:] are live; older slots are spent
	sweep   sim.EventID
	swept   bool // sweep is pending (scheduled, not yet run or cancelled)
	retired bool
}

func newPool(v *Version) *pool { return &pool{v: v} }

func (p *pool) idleCount() int { return len(p.idle) - p.head }

// popMRU takes the most recently used idle environment.
func (p *pool) popMRU() *Env {
	n := len(p.idle) - 1
	e := p.idle[n]
	p.idle[n] = nil
	p.idle = p.idle[:n]
	if p.head >= len(p.idle) {
		p.idle = p.idle[:0]
		p.head = 0
	}
	return e
}

// push makes e the most recently used idle environment and makes sure an
// expiry sweep is scheduled.
func (p *pool) push(e *Env) {
	if p.head > 64 && p.head*2 > len(p.idle) {
		n := copy(p.idle, p.idle[p.head:])
		clear(p.idle[n:])
		p.idle = p.idle[:n]
		p.head = 0
	}
	p.idle = append(p.idle, e)
	if !p.swept {
		p.scheduleSweep()
	}
}

func (p *pool) scheduleSweep() {
	if p.idleCount() == 0 {
		return
	}
	k := p.v.fn.svc.k
	at := p.idle[p.head].LastUsed + p.v.fn.svc.settings.KeepAlive
	p.sweep, p.swept = k.At(at, p.doSweep), true
}

// doSweep expires every idle environment idle for the keep-alive or longer.
// Idle environments are ordered by LastUsed, so they expire from the bottom.
func (p *pool) doSweep() {
	p.swept = false
	f := p.v.fn
	now := f.svc.k.Now()
	ka := f.svc.settings.KeepAlive
	for p.head < len(p.idle) && p.idle[p.head].LastUsed+ka <= now {
		e := p.idle[p.head]
		p.idle[p.head] = nil
		p.head++
		f.destroy(e, EvEnvExpired)
	}
	if p.head == len(p.idle) {
		p.idle = p.idle[:0]
		p.head = 0
	}
	p.scheduleSweep()
}

// retire destroys the idle environments; busy ones are destroyed when their
// invocation ends.
func (p *pool) retire() {
	p.retired = true
	f := p.v.fn
	f.svc.k.Cancel(p.sweep)
	p.swept = false
	for i := p.head; i < len(p.idle); i++ {
		if e := p.idle[i]; e != nil && e.State != EnvDead {
			f.destroy(e, EvEnvDestroyed)
		}
	}
	p.idle = nil
	p.head = 0
}

// newEnv creates an environment and counts it.
func (f *Function) newEnv(v *Version, pc *pcConfig) *Env {
	s := f.svc
	s.nextEnvID++
	now := s.k.Now()
	e := &Env{ID: s.nextEnvID, fn: f, ver: v, pc: pc, State: EnvInitializing, Created: now, needsInit: true}
	if pc == nil {
		e.pool = v.pool
	}
	f.accrue(now)
	f.nEnvs++
	f.st.envNs.up(now)
	s.liveEnvs++
	f.envs[e.ID] = e
	s.emitFn(EvEnvCreated, e, nil)
	return e
}

// destroy removes an environment (expired after the keep-alive, retired by a
// configuration change, or deallocated).
func (f *Function) destroy(e *Env, kind EventKind) {
	if e.State == EnvDead {
		return
	}
	now := f.svc.k.Now()
	f.accrue(now)
	if e.State == EnvBusy {
		// Only whole-function deletion destroys a busy environment.
		f.busy--
		f.st.busyNs.down(now)
		f.st.setLevel(now, f.busy)
	}
	e.State = EnvDead
	f.nEnvs--
	f.st.envNs.down(now)
	f.svc.liveEnvs--
	delete(f.envs, e.ID)
	if e.pc != nil {
		e.pc.remove(e)
	}
	if x := f.svc.exec; x != nil {
		x.DestroyEnv(e)
	}
	f.svc.emitFn(kind, e, nil)
}
