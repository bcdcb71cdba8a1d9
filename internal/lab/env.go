package lab

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// Env is the environment a check expression sees: the simulated cloud's
// state after a command, plus some history. docs/lab-checks.md documents it;
// keep the two in step.
type Env struct {
	// Now is the simulated time since the lab started, in seconds.
	Now float64 `expr:"now"`
	// Clock is the simulated time as "00:01:12".
	Clock string `expr:"clock"`
	// Commands is how many learner commands have run (setup excluded).
	Commands int `expr:"commands"`
	// Last is the last command and what it returned.
	Last Command `expr:"last"`
	// History lists every learner command so far, oldest first.
	History []Command `expr:"history"`
	// Functions are the Lambda functions, by name.
	Functions []*Function `expr:"functions"`
	// Clusters are the ECS clusters, by name.
	Clusters []*Cluster `expr:"clusters"`
	// Instances are the EC2 instances of the account.
	Instances []*Instance `expr:"instances"`
	// Addresses are the account's Elastic IP addresses.
	Addresses []*Address `expr:"addresses"`
	// Amis are the AMIs the learner created (create-image), oldest first.
	Amis []*Ami `expr:"amis"`
	// Groups are the EC2 Auto Scaling groups.
	Groups []*Group `expr:"groups"`
	// LaunchTemplates are the EC2 launch templates.
	LaunchTemplates []*LaunchTemplate `expr:"launchTemplates"`
	// Images are the simulated Docker engine's images, one per name as
	// `docker images` lists them (dockerenv.go); Builds its builds, oldest
	// first.
	Images []*Image       `expr:"images"`
	Builds []*DockerBuild `expr:"builds"`
	// Repositories are the simulated ECR registry's repositories, in
	// creation order (dockerenv.go).
	Repositories []*Repository `expr:"repositories"`
	// Logins are the registries `docker login` succeeded for.
	Logins []string `expr:"logins"`
	// Containers are the simulated Docker engine's containers, running
	// and stopped, newest first as `docker ps -a` lists them (dockerenv.go).
	Containers []*Container `expr:"containers"`
	// Invocations are the account's recent completed Lambda invocations
	// (the ones whose logs are in Logs), oldest first.
	Invocations []*Invocation `expr:"invocations"`
	// Logs are the account's Lambda log lines (the log groups `aws logs
	// tail` reads: START/END/REPORT ... of recent invocations), oldest
	// first.
	Logs []string `expr:"logs"`
	// Report is the raw `report --json` object, for anything not modelled above.
	Report map[string]any `expr:"report"`
	// Step is what happened since the current step began: its start,
	// the time spent in it and the commands run in it. Per-function
	// counters since the step began are fn("x").Step.
	Step StepInfo `expr:"step"`
	// ScalableTargets and ScalingPolicies are Application Auto Scaling's
	// state; ScalingActivities its activities, oldest first.
	ScalableTargets   []*ScalableTarget  `expr:"scalableTargets"`
	ScalingPolicies   []*ScalingPolicy   `expr:"scalingPolicies"`
	ScalingActivities []*ScalingActivity `expr:"scalingActivities"`

	// Functions a check may call (bound by bind; see docs/lab-checks.md).
	FnF         func(name string) *Function             `expr:"fn"`
	ClusterF    func(name string) *Cluster              `expr:"cluster"`
	GroupF      func(name string) *Group                `expr:"group"`
	ServiceF    func(cluster, name string) *Service     `expr:"service"`
	RanF        func(prefix string) int                 `expr:"ran"`
	LoggedF     func(sub string) int                    `expr:"logged"`
	LastLogF    func(sub string) string                 `expr:"lastLog"`
	InstanceInF func(cluster, az string) string         `expr:"instanceIn"`
	ThrottlesF  func(name, window string) int           `expr:"throttles"`
	SecondsF    func(d string) float64                  `expr:"seconds"`
	TargetF     func(resourceID string) *ScalableTarget `expr:"scalableTarget"`
	StepRanF    func(prefix string) int                 `expr:"stepRan"`

	window    func(fn string, d time.Duration) Window
	perSecond func(fn string, from float64) []Second
}

// Command is one command the learner ran and its outcome.
type Command struct {
	Line string `expr:"line"`
	// OK is true when the command succeeded.
	OK bool `expr:"ok"`
	// Error is the error message ("" on success); Code the AWS error code
	// such as TooManyRequestsException; Reason the throttle reason.
	Error  string `expr:"error"`
	Code   string `expr:"code"`
	Reason string `expr:"reason"`
	// Output is the command's JSON output decoded into maps and lists
	// (nil when the command printed none).
	Output any `expr:"output"`
	// Text is what the command printed.
	Text string `expr:"text"`
	// At is the simulated time (seconds) when the command finished.
	At float64 `expr:"at"`

	// totals are the functions' totals right after the command (for
	// Function.After).
	totals map[string]Function
}

// Invocation is one completed Lambda invocation, read from its log lines.
type Invocation struct {
	FunctionName, RequestId, Version string
	// End is the simulated time (seconds) it ended; Cold is true when its
	// REPORT line has an Init Duration; SincePrevious is the time between
	// the end of the function's previous invocation and this one's end
	// (-1 for the first one seen).
	End           float64
	Cold          bool
	SincePrevious float64
	// DurationMs and InitDurationMs are the REPORT line's Duration and
	// Init Duration (0 on a warm start), in milliseconds: measured in a
	// lab with real handlers, sampled in the simulator.
	DurationMs, InitDurationMs float64
}

// Second is one second of a function's CloudWatch-style per-second series.
type Second struct {
	At                                                   float64
	Requests, Invocations, Throttles, Errors, ColdStarts int
	ProvisionedConcurrencyInvocations                    int
	ProvisionedConcurrencySpilloverInvocations           int
	ConcurrentExecutions                                 int
}

// StepInfo describes the current step so far.
type StepInfo struct {
	// Number is the 1-based step number.
	Number int `expr:"number"`
	// Start is the simulated time (seconds) when the step began: when the
	// previous step passed, or when the lab started.
	Start float64 `expr:"start"`
	// Elapsed is the simulated time spent in the step (seconds).
	Elapsed float64 `expr:"elapsed"`
	// History lists the learner's commands run during the step.
	History []Command `expr:"history"`
	// Commands is len(History).
	Commands int `expr:"commands"`
}

// StepCounters are a function's counters since the current step began
// (exact: the difference between the totals now and at the step's start).
// AvgBusyEnvironments is the busy environments (the per-second
// ConcurrentExecutions) averaged over the step's last 60 seconds that had
// requests: idle time before or after the traffic does not dilute it, and
// a wrong start is forgotten once a minute of the right traffic follows.
type StepCounters struct {
	Requests, Invocations, Throttles, Errors, Timeouts, ColdStarts int
	ThrottlesByReason                                              map[string]int
	ProvisionedConcurrencyInvocations                              int
	ProvisionedConcurrencySpilloverInvocations                     int
	AsyncRetries, DeadLetters, AsyncEventsReceived                 int
	DeadLettersByCondition                                         map[string]int
	// ConcurrentExecutionsMax is the most environments busy at once in
	// any second of the step (from the per-second series).
	ConcurrentExecutionsMax int
	// BusyEnvironmentSeconds is the integral of busy environments over
	// the step; TrafficSeconds counts the step's seconds with requests.
	BusyEnvironmentSeconds float64
	TrafficSeconds         int
	AvgBusyEnvironments    float64
	CostUSD                float64
}

// ScalableTarget is an Application Auto Scaling scalable target.
type ScalableTarget struct {
	ResourceId               string
	Exists                   bool
	MinCapacity, MaxCapacity int
}

// ScalingPolicy is a scaling policy (target tracking).
type ScalingPolicy struct {
	PolicyName, ResourceId, PolicyType, PredefinedMetricType string
	TargetValue                                              float64
}

// ScalingActivity is one change of a scalable target's desired count.
type ScalingActivity struct {
	ResourceId, Description, Cause string
	// At is the simulated time (seconds); DesiredCount the count it set;
	// Policy the policy that caused it ("" when registering the target
	// with a new min or max forced it).
	At           float64
	DesiredCount int
	Policy       string
}

// Function is one Lambda function: its configuration, its current
// execution environments, and its metrics totalled over the whole run
// (CloudWatch names and semantics: Invocations excludes throttled requests).
type Function struct {
	FunctionName string
	Exists       bool
	MemorySize   int
	Timeout      float64
	// ReservedConcurrency is -1 when none is set.
	ReservedConcurrency int
	// Current execution environments by state.
	Environments, Initializing, Idle, Busy, Provisioned int
	// NextExpirySeconds is the keep-alive time left of the idle on-demand
	// environment that expires first (0: none); OldestEnvironmentSeconds
	// the age of the oldest environment.
	NextExpirySeconds, OldestEnvironmentSeconds float64

	Requests, Invocations, Throttles, Errors, Timeouts, ColdStarts int
	ThrottlesByReason                                              map[string]int
	ConcurrentExecutionsMax                                        int
	AvgEnvironments, AvgBusyEnvironments                           float64
	ProvisionedConcurrencyInvocations                              int
	ProvisionedConcurrencySpilloverInvocations                     int
	AsyncRetries, DeadLetters                                      int
	DurationP50Ms, DurationP99Ms                                   float64
	BilledDurationMs                                               float64
	GBSeconds, CostUSD                                             float64
	DeadLettersByCondition                                         map[string]int
	AsyncEventsReceived                                            int
	// Aliases maps alias name -> version; ProvisionedConfigs maps the
	// qualifier of each provisioned concurrency configuration -> the
	// environments requested.
	Aliases            map[string]string
	ProvisionedConfigs map[string]int
	// LastInvocationEnd is when the function's last completed invocation
	// ended (seconds; -1 if none).
	LastInvocationEnd float64
	// Step holds the counters since the current step began.
	Step StepCounters

	env *Env
}

// Window holds a function's counters over a recent window of simulated time.
type Window struct {
	Seconds                                              float64
	Requests, Invocations, Throttles, Errors, ColdStarts int
	ProvisionedConcurrencySpilloverInvocations           int
	ConcurrentExecutionsMax                              int
}

// Recent returns the function's counters over the last window of simulated
// time, e.g. fn("hello").Recent("1m").Throttles == 0. The window is a
// duration such as "30s", "1m", "5m". A bad window gives an empty Window.
func (f *Function) Recent(window string) Window {
	d, err := sim.ParseDuration(window)
	if err != nil || f == nil || f.env == nil || f.env.window == nil {
		return Window{}
	}
	return f.env.window(f.FunctionName, d)
}

// StepSeconds returns the function's per-second counters from the second
// the current step began to now, oldest first, e.g.
// any(fn("shop").StepSeconds(), .ProvisionedConcurrencyInvocations >= 10).
func (f *Function) StepSeconds() []Second {
	if f == nil || f.env == nil || f.env.perSecond == nil {
		return nil
	}
	return f.env.perSecond(f.FunctionName, f.env.Step.Start)
}

// Since returns the function's counters from the simulated second holding
// t (seconds, e.g. a command's at) to now.
func (f *Function) Since(t float64) Window {
	if f == nil || f.env == nil || f.env.perSecond == nil {
		return Window{}
	}
	w := Window{Seconds: f.env.Now - t}
	for _, s := range f.env.perSecond(f.FunctionName, t) {
		w.Requests += s.Requests
		w.Invocations += s.Invocations
		w.Throttles += s.Throttles
		w.Errors += s.Errors
		w.ColdStarts += s.ColdStarts
		w.ProvisionedConcurrencySpilloverInvocations += s.ProvisionedConcurrencySpilloverInvocations
		w.ConcurrentExecutionsMax = max(w.ConcurrentExecutionsMax, s.ConcurrentExecutions)
	}
	return w
}

// After returns the function's counters since command c finished
// (exact: totals now minus totals right after c; ConcurrentExecutionsMax
// from the per-second series from c's second), e.g.
// fn("api").After(filter(step.history, .line contains "delete-function-concurrency")[-1]).Throttles == 0.
func (f *Function) After(c Command) Window {
	if f == nil || f.env == nil {
		return Window{}
	}
	b := c.totals[f.FunctionName]
	d := func(now, then int) int { return max(0, now-then) }
	w := Window{Seconds: f.env.Now - c.At,
		Requests: d(f.Requests, b.Requests), Invocations: d(f.Invocations, b.Invocations), Throttles: d(f.Throttles, b.Throttles),
		Errors: d(f.Errors, b.Errors), ColdStarts: d(f.ColdStarts, b.ColdStarts),
		ProvisionedConcurrencySpilloverInvocations: d(f.ProvisionedConcurrencySpilloverInvocations, b.ProvisionedConcurrencySpilloverInvocations)}
	if f.env.perSecond != nil {
		for _, s := range f.env.perSecond(f.FunctionName, c.At) {
			w.ConcurrentExecutionsMax = max(w.ConcurrentExecutionsMax, s.ConcurrentExecutions)
		}
	}
	return w
}

// Cluster is one ECS cluster.
type Cluster struct {
	ClusterName   string
	Exists        bool
	Instances     []*ContainerInstance
	Services      []*Service
	Tasks         []*Task
	TasksByStatus map[string]int
	// Running and Pending count the cluster's tasks in those states.
	Running, Pending int
	// CostUSD is EC2CostUSD (instance time) plus FargateCostUSD (task time).
	CostUSD, EC2CostUSD, FargateCostUSD float64
}

// ContainerInstance is an EC2 instance registered to a cluster.
type ContainerInstance struct {
	Ec2InstanceId     string
	InstanceType      string
	AvailabilityZone  string
	Status            string
	RunningTasksCount int
	// RegisteredCpu and RegisteredMemory are what the instance registered
	// with ECS (CPU units, MiB): less memory than the instance type has,
	// because the OS and the ECS agent keep some.
	RegisteredCpu    int
	RegisteredMemory int
	RemainingCpu     int
	RemainingMemory  int
}

// Service is one ECS service.
type Service struct {
	ServiceName                              string
	Exists                                   bool
	Status                                   string
	TaskDefinition                           string
	DesiredCount, RunningCount, PendingCount int
	// Deployments counts the service's deployments (more than one during a
	// rolling update); RolloutState is the primary deployment's state.
	Deployments  int
	RolloutState string
	// MaximumPercent and MinimumHealthyPercent are the deployment
	// configuration.
	MaximumPercent, MinimumHealthyPercent int
	// Events are the service event messages, oldest first.
	Events []string
	// AZs counts the service's running tasks per Availability Zone.
	AZs map[string]int
}

// Task is one ECS task.
type Task struct {
	TaskArn, TaskDefinition, Group, LastStatus, DesiredStatus string
	AvailabilityZone, Ec2InstanceId, LaunchType               string
	StopCode, StoppedReason                                   string
	// Image is the first container's image; PullSeconds how long the
	// image pull took (-1 until it ended).
	Image       string
	PullSeconds float64
}

// Instance is one EC2 instance.
type Instance struct {
	InstanceId, InstanceType, AvailabilityZone, State string
	Cluster                                           string
	PublicIpAddress, PrivateIpAddress                 string
	ElasticIp                                         string   // the associated Elastic IP ("" if none)
	BootIps                                           []string // the public address of each boot, in order
	PublicIpChanges                                   int      // boots that came up with another public address than the boot before
	Boots                                             int      // starts and reboots
	ConsoleOutput                                     string
	BilledSeconds, CostUSD                            float64
	StorageCostUSD                                    float64 // the root EBS volume, stopped time included
	RootVolumeGiB                                     int
	Spot, SpotNotice                                  bool // a Spot Instance; its interruption notice came
	SpotDraining                                      bool // its user data turns on the ECS agent's Spot draining
	ImageId, KeyName                                  string
	Tags                                              map[string]string
	// The disks inside (internal/ec2 disks.go): the instance store's size
	// in GB (0 for EBS-only types), whether it is formatted and where it
	// is mounted; the files guest commands wrote on the root EBS volume
	// (absolute paths) and on the instance store (paths inside its
	// filesystem); how many stops or terminations wiped an instance store
	// that held files.
	InstanceStoreGB       int
	StoreFormatted        bool
	StoreMount            string
	RootFiles, StoreFiles []string
	StoreLosses           int
	Guest                 []GuestCommand // command lines run on it with ssh, oldest first
}

// GuestCommand is one command line run on an instance (ssh).
type GuestCommand struct {
	Line     string
	At       float64 // simulated seconds
	Boot     int     // the boot it ran in (1 = the first)
	BootKind string  // "launch", "start" or "reboot": how that boot began
	ExitCode int
	Ok       bool
	// ReadRoot / ReadStore: cat printed a file an ssh command wrote on the root EBS volume (not the image's) /
	// of the instance store.
	ReadRoot, ReadStore bool
}

// Ami is an AMI created with create-image.
type Ami struct {
	ImageId, Name, State, SourceInstanceId string
}

// LaunchTemplate is one EC2 launch template.
type LaunchTemplate struct {
	LaunchTemplateName, LaunchTemplateId, ImageId, InstanceType string
}

// Group is one EC2 Auto Scaling group.
type Group struct {
	AutoScalingGroupName      string
	MinSize, MaxSize, Desired int
	InService                 int            // running members
	Launched, Replaced        int            // instances launched in all; unhealthy members replaced
	Zones                     map[string]int // running members per Availability Zone
	AvailabilityZones         []string       // the zones the group spreads over
	Instances                 []string       // member instance ids
	CostUSD                   float64        // compute of every instance the group launched
}

// Address is one Elastic IP address.
type Address struct {
	AllocationId, PublicIp, InstanceId string
}

func (e *Env) fn(name string) *Function {
	for _, f := range e.Functions {
		if f.FunctionName == name {
			return f
		}
	}
	return &Function{FunctionName: name, ReservedConcurrency: -1, ThrottlesByReason: map[string]int{}, DeadLettersByCondition: map[string]int{},
		Step: StepCounters{ThrottlesByReason: map[string]int{}, DeadLettersByCondition: map[string]int{}}, env: e}
}

func (e *Env) cluster(name string) *Cluster {
	for _, c := range e.Clusters {
		if c.ClusterName == name {
			return c
		}
	}
	return &Cluster{ClusterName: name, TasksByStatus: map[string]int{}}
}

func (e *Env) service(cluster, name string) *Service {
	for _, s := range e.cluster(cluster).Services {
		if s.ServiceName == name {
			return s
		}
	}
	return &Service{ServiceName: name, AZs: map[string]int{}}
}

// ran counts the learner's commands that start with prefix (after
// collapsing spaces), e.g. ran("aws lambda invoke").
func (e *Env) ran(prefix string) int {
	p := strings.Join(strings.Fields(prefix), " ")
	n := 0
	for _, c := range e.History {
		if strings.HasPrefix(strings.Join(strings.Fields(c.Line), " "), p) {
			n++
		}
	}
	return n
}

// logged counts log lines containing sub.
func (e *Env) logged(sub string) int {
	n := 0
	for _, l := range e.Logs {
		if strings.Contains(l, sub) {
			n++
		}
	}
	return n
}

// lastLog returns the last log line containing sub ("" if none).
func (e *Env) lastLog(sub string) string {
	for i := len(e.Logs) - 1; i >= 0; i-- {
		if strings.Contains(e.Logs[i], sub) {
			return e.Logs[i]
		}
	}
	return ""
}

// instanceIn returns the EC2 instance id of the first ACTIVE container
// instance of cluster in Availability Zone az ("" if none).
func (e *Env) instanceIn(cluster, az string) string {
	for _, in := range e.cluster(cluster).Instances {
		if in.AvailabilityZone == az && in.Status == "ACTIVE" {
			return in.Ec2InstanceId
		}
	}
	return ""
}

// bind sets the function fields a check may call.
func (e *Env) bind() {
	e.FnF = e.fn
	e.ClusterF = e.cluster
	e.GroupF = func(name string) *Group {
		for _, g := range e.Groups {
			if g.AutoScalingGroupName == name {
				return g
			}
		}
		return &Group{AutoScalingGroupName: name, Zones: map[string]int{}}
	}
	e.ServiceF = e.service
	e.RanF = e.ran
	e.LoggedF = e.logged
	e.LastLogF = e.lastLog
	e.InstanceInF = e.instanceIn
	e.ThrottlesF = func(name, window string) int { return e.fn(name).Recent(window).Throttles }
	e.TargetF = func(id string) *ScalableTarget {
		for _, t := range e.ScalableTargets {
			if t.ResourceId == id {
				return t
			}
		}
		return &ScalableTarget{ResourceId: id}
	}
	e.StepRanF = func(prefix string) int {
		p := strings.Join(strings.Fields(prefix), " ")
		n := 0
		for _, c := range e.Step.History {
			if c.OK && strings.HasPrefix(strings.Join(strings.Fields(c.Line), " "), p) {
				n++
			}
		}
		return n
	}
	e.SecondsF = func(d string) float64 {
		v, err := sim.ParseDuration(d)
		if err != nil {
			return 0
		}
		return v.Seconds()
	}
}

type compileErr struct {
	line int // 1-based line within the check source
	msg  string
}

// compileCheck compiles a check against the typed environment.
func compileCheck(src string) (*vm.Program, *compileErr) {
	prog, err := expr.Compile(src, expr.Env(&Env{}), expr.AsBool(), expr.MaxNodes(2000))
	if err != nil {
		ce := &compileErr{line: 1, msg: err.Error()}
		var fe *file.Error
		if errors.As(err, &fe) {
			if fe.Line > 0 {
				ce.line = fe.Line
			}
			ce.msg = fe.Message
		}
		return nil, ce
	}
	return prog, nil
}

// Compiled reports whether the step's check compiled.
func (s *Step) Compiled() bool { return s.program != nil }

// Eval evaluates a step's check against env. A check that fails to run
// (for example a nil map access) counts as not passing and returns the error.
func (s *Step) Eval(env *Env) (ok bool, err error) {
	if s.program == nil {
		return false, fmt.Errorf("step %q has no compiled check", s.Title)
	}
	defer func() {
		if r := recover(); r != nil {
			ok, err = false, fmt.Errorf("check failed to run: %v", r)
		}
	}()
	env.bind()
	v, err := expr.Run(s.program, env)
	if err != nil {
		return false, err
	}
	b, _ := v.(bool)
	return b, nil
}

// runBool runs a compiled boolean program; a panic or a non-boolean
// result is false with an error.
func runBool(prog *vm.Program, env *Env) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			ok, err = false, fmt.Errorf("check failed to run: %v", r)
		}
	}()
	v, err := expr.Run(prog, env)
	if err != nil {
		return false, err
	}
	b, _ := v.(bool)
	return b, nil
}

// Expand replaces each ${expr} in line with the value of expr evaluated
// against env (for solutions that need a generated id, e.g.
// ${instanceIn("lab", "us-east-1a")}). A line without ${ is returned as is.
func Expand(line string, env *Env) (out string, err error) {
	if !strings.Contains(line, "${") {
		return line, nil
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = "", fmt.Errorf("cannot expand %q: %v", line, r)
		}
	}()
	var b strings.Builder
	rest := line
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.Index(rest[i:], "}")
		if j < 0 {
			return "", fmt.Errorf("unclosed ${ in %q", line)
		}
		src := rest[i+2 : i+j]
		// A closing brace inside the expression (a map literal) is not
		// supported; expressions here are short lookups.
		prog, err := expr.Compile(src, expr.Env(&Env{}))
		if err != nil {
			return "", fmt.Errorf("cannot expand ${%s}: %v", src, err)
		}
		env.bind()
		v, err := expr.Run(prog, env)
		if err != nil {
			return "", fmt.Errorf("cannot expand ${%s}: %v", src, err)
		}
		b.WriteString(rest[:i])
		b.WriteString(fmt.Sprint(v))
		rest = rest[i+j+1:]
	}
}
