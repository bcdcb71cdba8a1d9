// Package lambda simulates the AWS Lambda function invoker on the sim kernel:
// functions, versions and aliases, execution environments, concurrency,
// scaling, throttling, the asynchronous event queue, billing, logs and
// CloudWatch-style metrics. Rules and numbers follow the AWS documentation
// (docs/sources.md); the
// policy (routing, scaling, throttling) is in policy.go, separate from the
// simulated environments.
//
// The handler is simulated: a function has an init duration and a handler
// duration (each fixed or a distribution), an error rate, and a CPU-bound
// fraction with which duration scales when memory (hence CPU) changes. The
// simulated handler echoes its event payload as its response.
package lambda

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// Service is one account's Lambda in one Region.
type Service struct {
	k        *sim.Kernel
	settings Settings
	funcs    map[string]*Function
	order    []*Function // creation order (report order)

	reservedTotal   int // sum of reservations
	unreservedInUse int // on-demand busy + allocated PC of unreserved functions

	accountRate  TokenBucket // invocation-rate limit of unreserved functions
	legacyScale  TokenBucket // legacy model: the Regional burst bucket
	nextEnvID    int64
	nextRequest  uint64
	stepObserver func(Event) // see SetObserver
	eventSeq     uint64      // the observer's last event
	asyncQueued  int         // events accepted and not yet finished (see MaxAsyncQueue)

	liveEnvs int // environments of all functions

	invFree []*Invocation // recycled detached (traffic) invocations

	exec  Executor  // real data plane; nil = simulated handlers (exec.go)
	epoch time.Time // wall-clock instant of kernel time zero (zero: sim.Epoch)
}

// New returns a Lambda service driven by kernel k, with DefaultSettings.
func New(k *sim.Kernel) *Service {
	s := &Service{k: k, settings: DefaultSettings(), funcs: map[string]*Function{}}
	s.resetBuckets()
	return s
}

// Kernel returns the simulation kernel.
func (s *Service) Kernel() *sim.Kernel { return s.k }

// Settings returns the current settings.
func (s *Service) Settings() Settings { return s.settings }

// SetSettings replaces the settings (validated). Reservations must still
// fit the new account quota.
func (s *Service) SetSettings(st Settings) error {
	if err := st.Validate(); err != nil {
		return invalid("%v", err)
	}
	if s.reservedTotal > st.AccountConcurrency-st.UnreservedMinimum {
		return invalid("reserved concurrency of all functions (%d) would leave less than %d unreserved", s.reservedTotal, st.UnreservedMinimum)
	}
	s.settings = st
	s.resetBuckets()
	for _, f := range s.order {
		f.resetBuckets()
	}
	return nil
}

func (s *Service) resetBuckets() {
	now := s.k.Now()
	st := s.settings
	s.accountRate = NewTokenBucket(st.RequestsPerEnvironment*float64(s.unreservedCapacity()), st.RequestsPerEnvironment*float64(s.unreservedCapacity()), now)
	s.legacyScale = NewTokenBucket(float64(st.LegacyBurst), float64(st.LegacyPerMinute)/60, now)
}

func (s *Service) unreservedCapacity() int { return s.settings.AccountConcurrency - s.reservedTotal }

// Names lists resource names of a kind for tab completion: "function".
func (s *Service) Names(kind string) []string {
	if kind != "function" {
		return nil
	}
	var out []string
	for n := range s.funcs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Config is a function version's configuration, including the simulation
// parameters.
type Config struct {
	Runtime     string
	Handler     string
	Role        string
	Description string
	MemoryMB    int           // 128..10240 (LDG)
	Timeout     time.Duration // 1..900 s, default 3 s (LDG)
	Arch        string        // x86_64 or arm64
	EphemeralMB int           // /tmp, 512..10240
	PackageType string        // Zip or Image
	Environment map[string]string

	// Simulation parameters.
	Init        sim.Dist // Init phase duration (default 300 ms)
	Duration    sim.Dist // handler duration at RefMemoryMB (default 100 ms)
	RefMemoryMB int      // memory at which Duration was given
	ErrorRate   float64  // probability that an invocation returns a function error
	CPUBound    float64  // fraction of the handler duration that scales with CPU
	Threads     int      // vCPUs the handler can use (1 = single-threaded)

	CodeSize   int64
	CodeSHA256 string
	// CodeLocation is where a real data plane keeps the unpacked package
	// (opaque here; empty for simulated functions).
	CodeLocation string
}

// DefaultConfig is what create-function uses for omitted options.
func DefaultConfig() Config {
	return Config{
		MemoryMB: 128, Timeout: 3 * time.Second, Arch: "x86_64", EphemeralMB: 512, PackageType: "Zip",
		Init: sim.Fixed(300 * time.Millisecond), Duration: sim.Fixed(100 * time.Millisecond), RefMemoryMB: 128, Threads: 1,
		CodeSize: 1024,
	}
}

// Validate checks a configuration against Lambda's limits.
func (c *Config) Validate() error {
	switch {
	case c.MemoryMB < 128:
		return validation(c.MemoryMB, "memorySize", "Member must have value greater than or equal to 128")
	case c.MemoryMB > 10240:
		return validation(c.MemoryMB, "memorySize", "Member must have value less than or equal to 10240")
	case c.Timeout < time.Second:
		return validation(int64(c.Timeout/time.Second), "timeout", "Member must have value greater than or equal to 1")
	case c.Timeout > 900*time.Second:
		return validation(int64(c.Timeout/time.Second), "timeout", "Member must have value less than or equal to 900")
	case c.Arch != "x86_64" && c.Arch != "arm64":
		return validation("["+c.Arch+"]", "architectures", "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]")
	case c.EphemeralMB < 512 || c.EphemeralMB > 10240:
		return invalid("EphemeralStorage size must be between 512 and 10240 MB.")
	case c.ErrorRate < 0 || c.ErrorRate > 1 || c.ErrorRate != c.ErrorRate:
		return invalid("--error-rate must be between 0 and 1 (simulation parameter)")
	case c.CPUBound < 0 || c.CPUBound > 1 || c.CPUBound != c.CPUBound:
		return invalid("--cpu-bound must be between 0 and 1 (simulation parameter)")
	case c.Threads < 1 || c.Threads > 6:
		return invalid("--cpu-threads must be between 1 and 6 (simulation parameter)")
	}
	size := 0
	for k, v := range c.Environment {
		size += len(k) + len(v)
	}
	if size > 4096 {
		return invalid("Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: %d", size)
	}
	return nil
}

// Version is $LATEST or a published, immutable version.
type Version struct {
	fn           *Function
	Name         string // "$LATEST", "1", "2", ...
	Cfg          Config
	LastModified time.Duration
	pool         *pool
}

// Alias points to a version.
type Alias struct {
	Name, Version, Description string
	RevisionID                 string
}

// EventInvokeConfig is put-function-event-invoke-config's settings.
type EventInvokeConfig struct {
	MaximumRetryAttempts     int // 0..2, default 2
	MaximumEventAgeInSeconds int // 60..21600, default 21600
	OnSuccess, OnFailure     string
	LastModified             time.Duration
}

// Function is one Lambda function.
type Function struct {
	svc      *Service
	Name     string
	Created  time.Duration
	latest   *Version
	versions []*Version // published: versions[i].Name == i+1
	aliases  map[string]*Alias
	dirty    bool // $LATEST changed since the last publish
	revision int

	Reserved int // -1 = none
	pcs      map[string]*pcConfig
	pcOrder  []string
	pcEnvs   int     // provisioned environments allocated (all qualifiers)
	pcGBRate float64 // USD per second for the allocated provisioned concurrency
	eic      map[string]*EventInvokeConfig
	DLQ      string

	onDemandBusy int // in-flight invocations on on-demand environments
	busy         int // all in-flight invocations (ConcurrentExecutions)
	nEnvs        int // live environments
	envs         map[int64]*Env
	scale        TokenBucket // current scaling model
	rate         TokenBucket // invocation-rate limit when reserved

	deleted bool
	st      stats
	// recent is a ring of the last completed invocations (for logs). The
	// ring owns its values: copies of invocations others hold, or detached
	// ones handed over whole (see remember).
	recent  []*Invocation
	recentN int
}

// ARN returns the function's ARN, with an optional qualifier.
func (f *Function) ARN(qualifier string) string {
	a := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", f.svc.settings.Region, f.svc.settings.AccountID, f.Name)
	if qualifier != "" {
		a += ":" + qualifier
	}
	return a
}

func (s *Service) functionARN(name string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", s.settings.Region, s.settings.AccountID, name)
}

func (f *Function) resetBuckets() {
	now := f.svc.k.Now()
	st := f.svc.settings
	f.scale = NewTokenBucket(float64(st.ScalingBurst), float64(st.ScalingBurst)/st.ScalingWindow.Seconds(), now)
	r := st.RequestsPerEnvironment * float64(max(f.Reserved, 0))
	f.rate = NewTokenBucket(r, r, now)
}

// Function returns a function by name (or ARN).
func (s *Service) Function(name string) (*Function, error) {
	f := s.funcs[baseName(name)]
	if f == nil {
		return nil, notFound("Function not found: %s", s.functionARN(baseName(name)))
	}
	return f, nil
}

// baseName accepts a name, name:qualifier, a partial ARN or a full ARN
// (qualified or not): SplitFunctionName in qualifier.go.
func baseName(name string) string {
	n, _ := SplitFunctionName(name)
	return n
}

// CreateFunction creates a function with configuration c.
func (s *Service) CreateFunction(name string, c Config) (*Function, error) {
	if !validName(name) {
		return nil, validation(name, "functionName", "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?")
	}
	if s.funcs[name] != nil {
		return nil, conflict("Function already exist: %s", name)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	now := s.k.Now()
	f := &Function{svc: s, Name: name, Created: now, aliases: map[string]*Alias{}, Reserved: -1,
		pcs: map[string]*pcConfig{}, eic: map[string]*EventInvokeConfig{}, envs: map[int64]*Env{}, dirty: true, revision: 1}
	if c.CodeSHA256 == "" { // no package file: a deterministic stand-in
		c.CodeSHA256 = codeSHA(name, 1)
	}
	f.latest = &Version{fn: f, Name: "$LATEST", Cfg: c, LastModified: now}
	f.latest.pool = newPool(f.latest)
	f.st.init()
	f.resetBuckets()
	s.funcs[name] = f
	s.order = append(s.order, f)
	return f, nil
}

func validName(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// codeSHA is a deterministic stand-in for the base64 SHA-256 of the package.
func codeSHA(name string, rev int) string {
	h := fnv64(name + "#" + strconv.Itoa(rev))
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	out := make([]byte, 43)
	x := h
	for i := range out {
		if i%10 == 0 {
			x = splitmix(x + uint64(i))
		}
		out[i] = b64[x&63]
		x >>= 6
	}
	return string(out) + "="
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// UpdateConfiguration changes $LATEST's configuration. Existing $LATEST
// environments are retired: idle ones now, busy ones when they finish, so
// the next invocation is a cold start on the new configuration.
func (f *Function) UpdateConfiguration(c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.CodeSHA256 = f.latest.Cfg.CodeSHA256
	c.CodeSize = f.latest.Cfg.CodeSize
	c.CodeLocation = f.latest.Cfg.CodeLocation
	f.latest.Cfg = c
	f.touchLatest()
	return nil
}

// UpdateCode records a new deployment package (contents are not simulated).
func (f *Function) UpdateCode() {
	f.revision++
	f.latest.Cfg.CodeSHA256 = codeSHA(f.Name, f.revision)
	f.touchLatest()
}

// SetCode records a new deployment package that a real data plane runs:
// its SHA-256 (base64), size and location (opaque to this package). Like
// UpdateCode, it retires $LATEST's environments.
func (f *Function) SetCode(sha256 string, size int64, location string) {
	f.revision++
	f.latest.Cfg.CodeSHA256 = sha256
	f.latest.Cfg.CodeSize = size
	f.latest.Cfg.CodeLocation = location
	f.touchLatest()
}

func (f *Function) touchLatest() {
	f.latest.LastModified = f.svc.k.Now()
	f.dirty = true
	f.latest.pool.retire()
	f.latest.pool = newPool(f.latest)
}

// Latest returns $LATEST.
func (f *Function) Latest() *Version { return f.latest }

// Versions returns $LATEST and the published versions.
func (f *Function) Versions() []*Version { return append([]*Version{f.latest}, f.versions...) }

// PublishVersion publishes $LATEST as a new numbered version; if nothing
// changed since the last publish, it returns the last version (as AWS does).
func (f *Function) PublishVersion(description string) *Version {
	if !f.dirty && len(f.versions) > 0 {
		return f.versions[len(f.versions)-1]
	}
	cfg := f.latest.Cfg
	if description != "" {
		cfg.Description = description
	}
	v := &Version{fn: f, Name: strconv.Itoa(len(f.versions) + 1), Cfg: cfg, LastModified: f.svc.k.Now()}
	v.pool = newPool(v)
	f.versions = append(f.versions, v)
	f.dirty = false
	return v
}

// CreateAlias creates an alias to a version.
func (f *Function) CreateAlias(name, version, description string) (*Alias, error) {
	if name == "$LATEST" || !validName(name) || isNumber(name) {
		return nil, validation(name, "name", "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)")
	}
	if f.aliases[name] != nil {
		return nil, conflict("Alias already exists: %s", f.ARN(name))
	}
	if _, err := f.version(version); err != nil {
		return nil, err
	}
	a := &Alias{Name: name, Version: version, Description: description, RevisionID: fmt.Sprintf("%08x-alias", fnv64(f.Name+name)&0xffffffff)}
	f.aliases[name] = a
	return a, nil
}

// Aliases returns the aliases sorted by name.
func (f *Function) Aliases() []*Alias {
	var out []*Alias
	for _, a := range f.aliases {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *Alias) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (f *Function) version(name string) (*Version, error) {
	if name == "" || name == "$LATEST" {
		return f.latest, nil
	}
	if n, err := strconv.Atoi(name); err == nil && n >= 1 && n <= len(f.versions) {
		return f.versions[n-1], nil
	}
	return nil, notFound("Function not found: %s", f.ARN(name))
}

// Resolve maps a qualifier ("", $LATEST, a version number or an alias) to
// the version it runs.
func (f *Function) Resolve(qualifier string) (*Version, error) {
	if qualifier == "" { // no alias has an empty name (validName)
		return f.latest, nil
	}
	return f.resolve(qualifier)
}

func (f *Function) resolve(qualifier string) (*Version, error) {
	if len(f.aliases) > 0 {
		if a := f.aliases[qualifier]; a != nil {
			return f.version(a.Version)
		}
	}
	return f.version(qualifier)
}

// DeleteFunction deletes a function and all its environments.
func (s *Service) DeleteFunction(name string) error {
	f, err := s.Function(name)
	if err != nil {
		return err
	}
	for _, id := range sortedEnvIDs(f.envs) {
		f.destroy(f.envs[id], EvEnvDestroyed) // provisioned ones release their concurrency
	}
	if f.Reserved >= 0 {
		s.setReservedTotal(s.reservedTotal - f.Reserved)
	} else {
		s.unreservedInUse -= f.onDemandBusy
	}
	f.onDemandBusy = 0
	for _, v := range f.Versions() {
		v.pool.retire()
	}
	f.deleted = true
	delete(s.funcs, f.Name)
	s.order = slices.DeleteFunc(s.order, func(x *Function) bool { return x == f })
	return nil
}

func sortedEnvIDs(m map[int64]*Env) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Functions returns the functions sorted by name.
func (s *Service) Functions() []*Function {
	out := slices.Clone(s.order)
	slices.SortFunc(out, func(a, b *Function) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

func (s *Service) setReservedTotal(n int) {
	s.reservedTotal = n
	// The account invocation-rate bucket follows the unreserved capacity.
	c := s.settings.RequestsPerEnvironment * float64(s.unreservedCapacity())
	s.accountRate.Available(s.k.Now())
	s.accountRate.Capacity, s.accountRate.PerSec = c, c
	s.accountRate.Tokens = min(s.accountRate.Tokens, c)
}

// PutReservedConcurrency sets a function's reserved concurrency. It must
// leave at least UnreservedMinimum (100) to the unreserved pool, with AWS's
// error text, and may not drop below the function's provisioned concurrency.
func (f *Function) PutReservedConcurrency(n int) error {
	s := f.svc
	if n < 0 {
		return validation(n, "reservedConcurrentExecutions", "Member must have value greater than or equal to 0")
	}
	others := s.reservedTotal - max(f.Reserved, 0)
	if others+n > s.settings.AccountConcurrency-s.settings.UnreservedMinimum {
		return invalid("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d].", s.settings.UnreservedMinimum)
	}
	if n < f.pcEnvsRequested() {
		return invalid("Specified ReservedConcurrentExecutions for function is less than the function's provisioned concurrency of %d.", f.pcEnvsRequested())
	}
	if f.Reserved < 0 {
		s.unreservedInUse -= f.onDemandBusy + f.pcEnvs
	}
	f.Reserved = n
	s.setReservedTotal(others + n)
	r := s.settings.RequestsPerEnvironment * float64(n)
	f.rate = NewTokenBucket(r, r, s.k.Now())
	return nil
}

// DeleteReservedConcurrency removes the reservation.
func (f *Function) DeleteReservedConcurrency() {
	if f.Reserved < 0 {
		return
	}
	s := f.svc
	s.setReservedTotal(s.reservedTotal - f.Reserved)
	f.Reserved = -1
	s.unreservedInUse += f.onDemandBusy + f.pcEnvs
}

// AccountSettings is get-account-settings' data.
type AccountSettings struct {
	ConcurrentExecutions           int
	UnreservedConcurrentExecutions int
	FunctionCount                  int
	TotalCodeSize                  int64
}

// Account returns the account limits and usage.
func (s *Service) Account() AccountSettings {
	a := AccountSettings{ConcurrentExecutions: s.settings.AccountConcurrency, UnreservedConcurrentExecutions: s.unreservedCapacity(), FunctionCount: len(s.funcs)}
	for _, f := range s.order {
		for _, v := range f.Versions() {
			a.TotalCodeSize += v.Cfg.CodeSize
		}
	}
	return a
}

// PutEventInvokeConfig sets the asynchronous invocation settings of a
// qualifier ("" = unqualified/$LATEST). Ranges: retries 0-2, event age
// 60-21,600 s (LDG invocation-async).
func (f *Function) PutEventInvokeConfig(qualifier string, c EventInvokeConfig) error {
	if qualifier != "" && qualifier != "$LATEST" {
		if _, err := f.Resolve(qualifier); err != nil {
			return err
		}
	}
	if c.MaximumRetryAttempts < 0 || c.MaximumRetryAttempts > 2 {
		return validation(c.MaximumRetryAttempts, "maximumRetryAttempts", "Member must have value less than or equal to 2")
	}
	if c.MaximumEventAgeInSeconds < 60 || c.MaximumEventAgeInSeconds > 21600 {
		return validation(c.MaximumEventAgeInSeconds, "maximumEventAgeInSeconds", "Member must have value between 60 and 21600")
	}
	c.LastModified = f.svc.k.Now()
	if qualifier == "" {
		qualifier = "$LATEST"
	}
	f.eic[qualifier] = &c
	return nil
}

// EventInvokeConfigFor returns the settings that apply to a qualifier.
func (f *Function) EventInvokeConfigFor(qualifier string) EventInvokeConfig {
	if qualifier == "" {
		qualifier = "$LATEST"
	}
	if c := f.eic[qualifier]; c != nil {
		return *c
	}
	return EventInvokeConfig{MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600}
}

// UpdateAlias points an alias at another version. Provisioned concurrency
// on the alias is re-allocated on the new version (its environments
// initialize again), as AWS does when an alias with provisioned concurrency
// moves.
func (f *Function) UpdateAlias(name, version, description string) (*Alias, error) {
	a := f.aliases[name]
	if a == nil {
		return nil, notFound("Alias not found: %s", f.ARN(name))
	}
	if version != "" {
		if _, err := f.version(version); err != nil {
			return nil, err
		}
		if version != a.Version {
			a.Version = version
			if pc := f.pcs[name]; pc != nil {
				n := pc.Requested
				f.deletePC(pc)
				if _, err := f.PutProvisionedConcurrency(name, n); err != nil {
					return nil, err
				}
			}
		}
	}
	if description != "" {
		a.Description = description
	}
	return a, nil
}

// Alias returns an alias by name.
func (f *Function) Alias(name string) (*Alias, error) {
	if a := f.aliases[name]; a != nil {
		return a, nil
	}
	return nil, notFound("Alias not found: %s", f.ARN(name))
}
