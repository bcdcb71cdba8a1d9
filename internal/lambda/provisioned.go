package lambda

import (
	"slices"
	"time"
)

// pcConfig is a provisioned-concurrency configuration on a version or alias.
// Its environments are initialized ahead of time (taking their Init time to
// become ready) and never expire; they serve requests to that qualifier
// first, and extra requests spill over to on-demand environments.
type pcConfig struct {
	fn           *Function
	Qualifier    string
	ver          *Version
	Requested    int
	envs         []*Env // allocated (initializing, idle or busy)
	idle         []*Env // ready and idle, most recently used last
	ready        int    // environments that finished Init
	LastModified time.Duration
}

// ProvisionedConfig is get-provisioned-concurrency-config's data.
type ProvisionedConfig struct {
	Qualifier    string
	Requested    int
	Allocated    int // ready environments
	Available    int // ready environments not busy
	Status       string
	LastModified time.Duration
}

func (pc *pcConfig) info() ProvisionedConfig {
	st := "IN_PROGRESS"
	if pc.ready >= pc.Requested {
		st = "READY"
	}
	return ProvisionedConfig{Qualifier: pc.Qualifier, Requested: pc.Requested, Allocated: min(pc.ready, pc.Requested),
		Available: len(pc.idle), Status: st, LastModified: pc.LastModified}
}

func (f *Function) pcEnvsRequested() int {
	n := 0
	for _, q := range f.pcOrder {
		n += f.pcs[q].Requested
	}
	return n
}

// PutProvisionedConcurrency allocates n provisioned environments to a
// published version or alias (not $LATEST). The total may not exceed the
// function's reserved concurrency, and for an unreserved function it must
// leave the unreserved pool its minimum (100).
func (f *Function) PutProvisionedConcurrency(qualifier string, n int) (ProvisionedConfig, error) {
	s := f.svc
	if qualifier == "" || qualifier == "$LATEST" {
		return ProvisionedConfig{}, invalid("Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
	}
	v, err := f.Resolve(qualifier)
	if err != nil {
		return ProvisionedConfig{}, err
	}
	if err := f.pcConflict(qualifier); err != nil {
		return ProvisionedConfig{}, err
	}
	if n < 1 {
		return ProvisionedConfig{}, validation(n, "provisionedConcurrentExecutions", "Member must have value greater than or equal to 1")
	}
	other := f.pcEnvsRequested()
	if old := f.pcs[qualifier]; old != nil {
		other -= old.Requested
	}
	if f.Reserved >= 0 {
		if other+n > f.Reserved {
			return ProvisionedConfig{}, invalid("Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function")
		}
	} else {
		unreservedPC := 0
		for _, g := range s.order {
			if g.Reserved < 0 && g != f {
				unreservedPC += g.pcEnvsRequested()
			}
		}
		if unreservedPC+other+n > s.unreservedCapacity()-s.settings.UnreservedMinimum {
			return ProvisionedConfig{}, invalid("Requested Provisioned Concurrency exceeds the account's UnreservedConcurrentExecution minus its minimum value of [%d].", s.settings.UnreservedMinimum)
		}
	}
	pc := f.pcs[qualifier]
	if pc == nil || pc.ver != v {
		if pc != nil {
			f.deletePC(pc)
		}
		pc = &pcConfig{fn: f, Qualifier: qualifier, ver: v}
		f.pcs[qualifier] = pc
		f.pcOrder = append(f.pcOrder, qualifier)
	}
	pc.Requested = n
	pc.LastModified = s.k.Now()
	pc.resize()
	return pc.info(), nil
}

// resize allocates or frees environments to match Requested. Freed idle
// environments go at once; busy ones when their invocation ends.
func (pc *pcConfig) resize() {
	f := pc.fn
	for len(pc.envs) < pc.Requested {
		e := f.newEnv(pc.ver, pc)
		pc.envs = append(pc.envs, e)
		f.addPC(1, pc.ver.Cfg)
		if x := f.svc.exec; x != nil {
			x.ProvisionEnv(e) // a real Init; it calls ProvisionedReady
			continue
		}
		init := pc.ver.Cfg.Init.Sample(f.svc.k.Rand())
		if lim := f.svc.settings.InitLimit; init > lim {
			// Init did not finish within the limit: the environment is
			// handed out and Init is retried on its first invocation.
			e.pendingInit = init
			init = lim
		}
		e.ReadyAt = f.svc.k.Now() + init
		f.svc.k.At(e.ReadyAt, func() { pc.ready1(e) })
	}
	for len(pc.envs) > pc.Requested && len(pc.idle) > 0 {
		e := pc.idle[0]
		pc.idle = pc.idle[1:]
		f.destroy(e, EvEnvDestroyed)
	}
	for i := len(pc.envs) - 1; len(pc.envs) > pc.Requested && i >= 0; i-- {
		if e := pc.envs[i]; e.State == EnvInitializing {
			f.destroy(e, EvEnvDestroyed)
		}
	}
}

func (pc *pcConfig) ready1(e *Env) {
	if e.State != EnvInitializing {
		return
	}
	f := pc.fn
	e.State = EnvIdle
	e.needsInit = e.pendingInit > 0
	e.LastUsed = f.svc.k.Now()
	pc.ready++
	e.pcReady = true
	pc.idle = append(pc.idle, e)
	f.svc.emit(Event{Kind: EvEnvReady, Function: f.Name, Env: e.ID, Provisioned: true})
}

func (f *Function) addPC(n int, cfg Config) {
	now := f.svc.k.Now()
	f.accrue(now)
	f.pcEnvs += n
	f.pcGBRate += float64(n) * float64(cfg.MemoryMB) / 1024 * pcAllocPrice(cfg.Arch)
	if f.Reserved < 0 {
		f.svc.unreservedInUse += n
	}
}

// remove forgets an environment of this configuration (it was destroyed).
func (pc *pcConfig) remove(e *Env) {
	if i := slices.Index(pc.envs, e); i >= 0 {
		pc.envs = slices.Delete(pc.envs, i, i+1)
		pc.fn.addPC(-1, pc.ver.Cfg)
		if e.pcReady {
			pc.ready--
		}
	}
	if i := slices.Index(pc.idle, e); i >= 0 {
		pc.idle = slices.Delete(pc.idle, i, i+1)
	}
}

func (f *Function) deletePC(pc *pcConfig) {
	pc.Requested = 0
	pc.resize()
	delete(f.pcs, pc.Qualifier)
	f.pcOrder = slices.DeleteFunc(f.pcOrder, func(q string) bool { return q == pc.Qualifier })
	pc.fn = f
}

// ProvisionedConcurrency returns the configuration of a qualifier.
func (f *Function) ProvisionedConcurrency(qualifier string) (ProvisionedConfig, error) {
	pc := f.pcs[qualifier]
	if pc == nil {
		return ProvisionedConfig{}, &Error{Code: "ProvisionedConcurrencyConfigNotFoundException", Status: 404,
			Message: "No Provisioned Concurrency Config found for this function"}
	}
	return pc.info(), nil
}

// DeleteProvisionedConcurrency removes a qualifier's configuration.
func (f *Function) DeleteProvisionedConcurrency(qualifier string) error {
	pc := f.pcs[qualifier]
	if pc == nil {
		return &Error{Code: "ProvisionedConcurrencyConfigNotFoundException", Status: 404,
			Message: "No Provisioned Concurrency Config found for this function"}
	}
	f.deletePC(pc)
	return nil
}

// ProvisionedConfigs lists the configurations in creation order.
func (f *Function) ProvisionedConfigs() []ProvisionedConfig {
	var out []ProvisionedConfig
	for _, q := range f.pcOrder {
		out = append(out, f.pcs[q].info())
	}
	return out
}
