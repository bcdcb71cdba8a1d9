// Package ecs simulates the Amazon ECS task scheduler on the sim kernel:
// clusters, container instances (EC2 instances whose agent registered),
// task definitions, tasks and their lifecycle, placement (filter ->
// constraints -> strategies -> select, with explanations), services and
// their reconcile loop, deployments, the circuit breaker, daemon services,
// draining, Fargate, Service Auto Scaling and a simple load model.
//
// Rules and numbers follow the AWS documentation pages cited next to them.
// Placement (placement.go) and
// reconcile (reconcile.go) policy are plain functions of state.
//
// For a UI (the lab screen):
//   - Snapshot() is a read-only picture: per cluster the container instances
//     (registered and used CPU/memory, their tasks), services (counts,
//     deployments, the last 10 events, CPU utilization, offered load),
//     Fargate and standalone tasks, tasks by status, the last placement
//     Explanation and the cost so far. Snapshot.LastSeq marks the event log.
//   - Events(since) returns the events after a sequence number (kinds:
//     cluster, instance, task-definition, task, placement, service,
//     deployment, scaling, load); Subscribe(fn) pushes them as they happen.
//   - Explanation.Text() renders a placement decision (rejected instances
//     with reasons, candidate scores per strategy, the choice); Ranked()
//     orders the candidates.
//   - Report() is the `report --json` part (field names as docs/lab-checks.md lists them).
package ecs

import (
	"sort"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/ec2"
	"github.com/cloudlab/cloudlab/internal/sim"
)

// Account and Region used in ARNs.
const (
	AccountID = "123456789012"
	Region    = ec2.Region
)

func arn(kind, rest string) string {
	return "arn:aws:ecs:" + Region + ":" + AccountID + ":" + kind + "/" + rest
}

// Settings are the simulation parameters (teaching figures, made
// parameters where AWS documents nothing).
type Settings struct {
	AgentRegisterDelay time.Duration // instance running -> agent registered (10 s)
	// RegisteredMemoryFraction: instances register a little less memory
	// than nominal. EDG's memory-management page: an m4.large with 8 GiB
	// (8192 MiB) registers 7985 MiB; we scale that ratio (0.9747) to every
	// type. ReservedMemory (ECS_RESERVED_MEMORY) is subtracted on top.
	RegisteredMemoryFraction float64
	ReservedMemory           int

	ProvisionAwsvpc  time.Duration // ENI attachment for awsvpc tasks on EC2 (5 s)
	FargateProvision sim.Dist      // Fargate capacity + ENI (20 s)
	ImagePull        sim.Dist      // image pull when not cached on the instance (8 s)
	ImagePullCached  time.Duration // image already on the instance (0.5 s)
	// Images in the simulated ECR registry (SetRegistry) pull in
	// PullLatency + compressed size / PullBandwidth: TEACHING FIGURES
	// (2 s and 50 MB/s), not measurements; AWS documents none. An EC2
	// container instance keeps what it pulled (by digest) and reuses it;
	// a Fargate task pulls every time
	// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pull-behavior.html,
	// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-pull-behavior.html).
	PullLatency    time.Duration
	PullBandwidth  float64       // bytes per second
	ContainerStart sim.Dist      // docker start (1.5 s)
	Activate       time.Duration // ACTIVATING (0.5 s)
	Deactivate     time.Duration // DEACTIVATING (0.5 s)
	StopGrace      time.Duration // containers exit after SIGTERM (2 s)
	Deprovision    time.Duration // ENI detach for awsvpc / Fargate (3 s)

	// Service throttle: tasks that keep failing to start (never RUNNING)
	// are retried after a growing delay, up to about 27 minutes; AWS notes
	// the figure may change
	// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html).
	RestartDelayBase time.Duration // first delay after a task fails to start (10 s)
	RestartDelayMax  time.Duration // the longest delay (27 min)

	FargateZones []string // subnets' zones for Fargate tasks (a, b, c)

	// Fargate prices (https://aws.amazon.com/fargate/pricing/, us-east-1):
	// per vCPU-hour and GB-hour.
	FargateVCPUHour, FargateGBHour       float64
	FargateVCPUHourARM, FargateGBHourARM float64
	FargateMinBilled                     time.Duration

	// Load model: each RUNNING task serves TaskCapacityRPS requests per
	// second at 100% CPU; idle tasks use IdleCPUPercent. Memory
	// utilization is MemoryBasePercent + MemoryLoadPercent x load share.
	TaskCapacityRPS   float64
	IdleCPUPercent    float64
	MemoryBasePercent float64
	MemoryLoadPercent float64
	MetricPeriod      time.Duration // CloudWatch period (60 s)

	// Target tracking alarms: scale out after ScaleOutDatapoints periods
	// above target, scale in after ScaleInDatapoints periods below it (the
	// alarm periods commonly seen on the alarms Application Auto Scaling
	// creates, 3 of 3 and 15 of 15 minutes; AWS documents no figure, so
	// they are settings).
	ScaleOutDatapoints int
	ScaleInDatapoints  int
	// ScaleInThreshold: scale in only below this fraction of the target
	// (0.9: "usually more than 10%" below it).
	ScaleInThreshold float64

	MaxEvents int // events kept in the log (older ones dropped)
}

// DefaultSettings returns the defaults.
func DefaultSettings() Settings {
	return Settings{
		AgentRegisterDelay:       10 * time.Second,
		RegisteredMemoryFraction: 7985.0 / 8192.0,
		ProvisionAwsvpc:          5 * time.Second,
		FargateProvision:         sim.Fixed(20 * time.Second),
		ImagePull:                sim.Fixed(8 * time.Second),
		ImagePullCached:          500 * time.Millisecond,
		PullLatency:              2 * time.Second,
		PullBandwidth:            50_000_000,
		ContainerStart:           sim.Fixed(1500 * time.Millisecond),
		Activate:                 500 * time.Millisecond,
		Deactivate:               500 * time.Millisecond,
		StopGrace:                2 * time.Second,
		Deprovision:              3 * time.Second,
		RestartDelayBase:         10 * time.Second,
		RestartDelayMax:          27 * time.Minute,
		FargateZones:             []string{"us-east-1a", "us-east-1b", "us-east-1c"},
		FargateVCPUHour:          0.04048,
		FargateGBHour:            0.004445,
		FargateVCPUHourARM:       0.03238,
		FargateGBHourARM:         0.00356,
		FargateMinBilled:         time.Minute,
		TaskCapacityRPS:          100,
		IdleCPUPercent:           2,
		MemoryBasePercent:        30,
		MemoryLoadPercent:        20,
		MetricPeriod:             time.Minute,
		ScaleOutDatapoints:       3,
		ScaleInDatapoints:        15,
		ScaleInThreshold:         0.9,
		MaxEvents:                5000,
	}
}

// Event is one observable happening, for the lab screen and tests.
type Event struct {
	Seq      int           `json:"seq"`
	At       time.Duration `json:"at"`
	Kind     string        `json:"kind"` // instance, task, placement, service, deployment, scaling
	Cluster  string        `json:"cluster,omitempty"`
	Service  string        `json:"service,omitempty"`
	Task     string        `json:"task,omitempty"`
	Instance string        `json:"instance,omitempty"` // EC2 instance id
	Message  string        `json:"message"`
}

// Sim is one account's simulated ECS (plus Application Auto Scaling for
// ECS): clusters, task definitions, tasks and services.
type Sim struct {
	k        *sim.Kernel
	ec2      *ec2.Service
	Settings Settings

	clusters     map[string]*Cluster
	clusterOrder []*Cluster
	// lastPlacementCluster is the cluster of the latest placement event.
	lastPlacementCluster string
	families             map[string][]*TaskDefinition // family -> revisions (index = revision-1)
	familyOrder          []string
	byEC2                map[string]*ContainerInstance

	events   []Event
	eventSeq int
	subs     []func(Event)
	placer   Placer

	account   map[string]string     // account settings changed from their defaults (eni.go)
	runTokens map[string]*RunResult // RunTask client tokens
	registry  func(ref string) (RegistryImage, bool, bool)

	targets    []*ScalableTarget
	policies   []*ScalingPolicy
	activities []*ScalingActivity
	ticking    bool
	seq        int

	tags map[string][]Tag // resource tags other than clusters' (tags.go)
}

// New returns an ECS service on kernel k, registering instances launched
// through ec2s (nil: no EC2 capacity, Fargate only).
func New(k *sim.Kernel, ec2s *ec2.Service) *Sim {
	s := &Sim{k: k, ec2: ec2s, Settings: DefaultSettings(), clusters: map[string]*Cluster{},
		families: map[string][]*TaskDefinition{}, byEC2: map[string]*ContainerInstance{}}
	if ec2s != nil {
		ec2s.Subscribe(s.onEC2)
	}
	return s
}

// Kernel returns the simulation kernel.
func (s *Sim) Kernel() *sim.Kernel { return s.k }

// Subscribe registers fn for every event.
func (s *Sim) Subscribe(fn func(Event)) { s.subs = append(s.subs, fn) }

// Events returns the kept events with Seq > since (0 = all kept).
func (s *Sim) Events(since int) []Event {
	i := sort.Search(len(s.events), func(i int) bool { return s.events[i].Seq > since })
	return append([]Event(nil), s.events[i:]...)
}

// LastPlacementCluster is the cluster of the latest placement event ("" if
// none yet): where the last placement decision was taken.
func (s *Sim) LastPlacementCluster() string { return s.lastPlacementCluster }

func (s *Sim) emit(e Event) {
	s.eventSeq++
	e.Seq = s.eventSeq
	e.At = s.k.Now()
	if e.Kind == "placement" {
		s.lastPlacementCluster = e.Cluster
	}
	s.events = append(s.events, e)
	if max := s.Settings.MaxEvents; max > 0 && len(s.events) > max {
		s.events = append(s.events[:0:0], s.events[len(s.events)-max/2:]...)
	}
	for _, fn := range s.subs {
		fn(e)
	}
}

func (s *Sim) hexID(n int) string {
	const hex = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hex[s.k.Rand().IntN(16)]
	}
	return string(b)
}

func (s *Sim) nextSeq() int { s.seq++; return s.seq }

// Cluster is an ECS cluster.
type Cluster struct {
	Name      string
	Arn       string
	Status    string // ACTIVE | INACTIVE
	CreatedAt time.Duration
	Tags      []Tag
	Settings  []ClusterSetting // containerInsights (always listed)
	// CapacityProviders and DefaultCapacityProviderStrategy are recorded
	// (PutClusterCapacityProviders); placement does not use them.
	CapacityProviders               []string
	DefaultCapacityProviderStrategy []CapacityProviderItem

	instances []*ContainerInstance // registration order
	tasks     []*Task              // every task ever started (stopped ones too)
	active    map[*Task]bool       // tasks not yet STOPPED
	services  map[string]*Service
	svcOrder  []*Service
	candCache []*Candidate
	candValid bool
	// LastPlacement is the most recent placement decision in the cluster.
	LastPlacement *Explanation
	fargateCost   float64 // cost of stopped Fargate tasks
}

// Tasks returns all tasks of the cluster (stopped ones too), oldest first.
func (c *Cluster) Tasks() []*Task { return append([]*Task(nil), c.tasks...) }

// Instances returns the container instances in registration order.
func (c *Cluster) Instances() []*ContainerInstance {
	return append([]*ContainerInstance(nil), c.instances...)
}

// Services returns the cluster's services (ACTIVE and DRAINING), in creation order.
func (c *Cluster) Services() []*Service {
	var out []*Service
	for _, sv := range c.svcOrder {
		if sv.Status != "INACTIVE" {
			out = append(out, sv)
		}
	}
	return out
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ClusterSetting is a cluster setting (containerInsights).
type ClusterSetting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ClusterInput is CreateCluster's input.
type ClusterInput struct {
	Name     string
	Tags     []Tag
	Settings []ClusterSetting
}

// CreateCluster creates (or returns the existing) cluster.
func (s *Sim) CreateCluster(name string) (*Cluster, error) {
	return s.CreateClusterWith(ClusterInput{Name: name})
}

// checkTags validates tags as ECS does (API_Tag.html: up to 50, keys 1-128
// characters, values up to 256, the aws: prefix reserved).
func checkTags(tags []Tag) error {
	if len(tags) > 50 {
		return invalidf("Too many tags: at most 50 tags per resource.")
	}
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case t.Key == "" || len(t.Key) > 128:
			return invalidf("Tag keys must be 1 to 128 characters.")
		case len(t.Value) > 256:
			return invalidf("Tag values can be at most 256 characters.")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return invalidf("Tag keys with the aws: prefix are reserved for AWS use.")
		case seen[t.Key]:
			return invalidf("Duplicate tag key %q.", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// CreateClusterWith creates a cluster with tags and settings; an ACTIVE
// cluster of that name is returned as it is (CreateCluster is idempotent).
// containerInsights takes enabled, disabled or enhanced
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ClusterSetting.html).
func (s *Sim) CreateClusterWith(in ClusterInput) (*Cluster, error) {
	name := in.Name
	if name == "" {
		name = "default"
	}
	if !familyRE().MatchString(name) {
		return nil, invalidf("Cluster name can have up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	insights := s.accountSetting("containerInsights").Value
	for _, st := range in.Settings {
		if st.Name != "containerInsights" {
			return nil, invalidf("Invalid cluster setting name %q: the only setting is containerInsights.", st.Name)
		}
		if st.Value != "enabled" && st.Value != "disabled" && st.Value != "enhanced" {
			return nil, invalidf("Invalid value %q for containerInsights: must be enabled, disabled or enhanced.", st.Value)
		}
		insights = st.Value
	}
	if c, ok := s.clusters[name]; ok && c.Status == "ACTIVE" {
		return c, nil
	}
	c := &Cluster{Name: name, Arn: arn("cluster", name), Status: "ACTIVE", CreatedAt: s.k.Now(),
		Tags: append([]Tag(nil), in.Tags...), Settings: []ClusterSetting{{"containerInsights", insights}},
		active: map[*Task]bool{}, services: map[string]*Service{}}
	if old, ok := s.clusters[name]; ok {
		// Re-creating a deleted cluster: the old one is gone from listings.
		for i, x := range s.clusterOrder {
			if x == old {
				s.clusterOrder = append(s.clusterOrder[:i], s.clusterOrder[i+1:]...)
				break
			}
		}
	}
	s.clusters[name] = c
	s.clusterOrder = append(s.clusterOrder, c)
	s.emit(Event{Kind: "cluster", Cluster: name, Message: "cluster " + name + " created"})
	// Instances whose agent was waiting for this cluster register now.
	if s.ec2 != nil {
		for _, inst := range s.ec2.Instances() {
			if inst.State == ec2.StateRunning && s.byEC2[inst.ID] == nil && agentCluster(inst) == name &&
				inst.RunningAt+s.Settings.AgentRegisterDelay <= s.k.Now() {
				s.register(inst)
			}
		}
	}
	return c, nil
}

// Cluster resolves a cluster name or ARN ("" = default).
func (s *Sim) Cluster(ref string) (*Cluster, error) {
	if ref == "" {
		ref = "default"
	}
	name := ref
	if strings.HasPrefix(ref, "arn:") {
		i := strings.LastIndex(ref, "cluster/")
		if i < 0 {
			return nil, clusterNotFound()
		}
		name = ref[i+len("cluster/"):]
	}
	c, ok := s.clusters[name]
	if !ok || c.Status != "ACTIVE" {
		return nil, clusterNotFound()
	}
	return c, nil
}

// ClusterAny resolves a cluster including INACTIVE ones (describe-clusters).
func (s *Sim) ClusterAny(ref string) (*Cluster, bool) {
	name := ref
	if i := strings.LastIndex(ref, "cluster/"); strings.HasPrefix(ref, "arn:") && i >= 0 {
		name = ref[i+len("cluster/"):]
	}
	c, ok := s.clusters[name]
	return c, ok
}

// Clusters lists ACTIVE clusters in creation order.
func (s *Sim) Clusters() []*Cluster {
	var out []*Cluster
	for _, c := range s.clusterOrder {
		if c.Status == "ACTIVE" {
			out = append(out, c)
		}
	}
	return out
}

// DeleteCluster deletes an empty cluster (AWS refuses one with container
// instances, active services or tasks).
func (s *Sim) DeleteCluster(ref string) (*Cluster, error) {
	c, err := s.Cluster(ref)
	if err != nil {
		return nil, err
	}
	for _, ci := range c.instances {
		if ci.Status != "INACTIVE" {
			return nil, &NotFound{"ClusterContainsContainerInstancesException", "The Cluster cannot be deleted while Container Instances are active or draining."}
		}
	}
	for _, sv := range c.svcOrder {
		if sv.Status == "ACTIVE" || sv.Status == "DRAINING" {
			return nil, &NotFound{"ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active."}
		}
	}
	if len(c.active) > 0 {
		return nil, &NotFound{"ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active."}
	}
	c.Status = "INACTIVE"
	s.emit(Event{Kind: "cluster", Cluster: c.Name, Message: "cluster " + c.Name + " deleted"})
	return c, nil
}

// Counts for describe-clusters.
func (c *Cluster) Counts() (registered, running, pending, services int) {
	for _, ci := range c.instances {
		if ci.Status != "INACTIVE" {
			registered++
		}
	}
	for t := range c.active {
		switch t.LastStatus {
		case StRunning:
			running++
		case StProvisioning, StPending, StActivating:
			pending++ // stopping tasks are neither
		}
	}
	for _, sv := range c.svcOrder {
		if sv.Status == "ACTIVE" {
			services++
		}
	}
	return
}

// Names lists resource names for completion: "cluster", "service",
// "task-definition", "task", "container-instance".
func (s *Sim) Names(kind string) []string {
	var out []string
	switch kind {
	case "cluster":
		for _, c := range s.Clusters() {
			out = append(out, c.Name)
		}
	case "service":
		for _, c := range s.Clusters() {
			for _, sv := range c.Services() {
				out = append(out, sv.Name)
			}
		}
	case "task-definition", "family":
		for _, f := range s.familyOrder {
			revs := s.families[f]
			out = append(out, f)
			if kind == "task-definition" {
				for _, td := range revs {
					if td.Status == "ACTIVE" {
						out = append(out, td.FamilyRevision())
					}
				}
			}
		}
	case "task":
		for _, c := range s.Clusters() {
			for t := range c.active {
				out = append(out, t.Arn)
			}
		}
		sort.Strings(out)
	case "container-instance":
		for _, c := range s.Clusters() {
			for _, ci := range c.instances {
				if ci.Status != "INACTIVE" {
					out = append(out, ci.Arn)
				}
			}
		}
	}
	return out
}

func (s *Sim) dur(d sim.Dist) time.Duration { return d.Sample(s.k.Rand()) }
