package ec2

import (
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// Instance states, as EC2 names them.
const (
	StatePending      = "pending"
	StateRunning      = "running"
	StateShuttingDown = "shutting-down"
	StateTerminated   = "terminated"
	StateStopping     = "stopping"
	StateStopped      = "stopped"
)

// DefaultImageID is the simulated ECS-optimized Amazon Linux AMI.
const DefaultImageID = "ami-0ecs5imu1a7ed0001"

// Settings are the simulation parameters. Boot time is a teaching figure
// (AWS publishes no boot time; a VM typically boots and registers with ECS
// in tens of seconds to minutes, so it is a setting).
type Settings struct {
	BootTime     sim.Dist      // pending -> running (default 40 s)
	ShutdownTime time.Duration // shutting-down -> terminated, stopping -> stopped (default 5 s)
	MinBilled    time.Duration // per-second billing minimum (60 s for Linux)
	SpotDiscount float64       // Spot price = On-Demand x (1 - SpotDiscount); default 0.7 (spot.go)
	// HealthCheckInterval is how soon an Auto Scaling group notices a
	// member that stopped running (asg.go; default 30 s, a teaching figure).
	HealthCheckInterval time.Duration
	// ImageTime is how long a new AMI stays pending (images.go; default
	// 2 min, a teaching figure).
	ImageTime time.Duration
	// StatusCheckTime is how long status checks initialize after an
	// instance starts running (images.go; default 2 min, a teaching figure).
	StatusCheckTime time.Duration
}

// DefaultSettings returns the defaults.
func DefaultSettings() Settings {
	return Settings{BootTime: sim.Fixed(40 * time.Second), ShutdownTime: 5 * time.Second, MinBilled: time.Minute, SpotDiscount: 0.7, HealthCheckInterval: 30 * time.Second,
		ImageTime: 2 * time.Minute, StatusCheckTime: 2 * time.Minute}
}

// Instance is one simulated EC2 instance.
type Instance struct {
	ID            string
	ReservationID string
	Type          InstanceType
	AZ            string
	ImageID       string
	State         string
	StateReason   string // why it stopped (terminate, simulated failure)
	UserData      string // decoded user data
	ECSCluster    string // from ECS_CLUSTER= in the user data ("" if none)
	PrivateIP     string
	PublicIP      string   // "" when it has none (pending, stopped)
	EIP           *Address // the associated Elastic IP, if any
	Console       []ConsoleLine
	BootIPs       []string // the public address of each boot, in order
	Root          RootVolume
	Spot          bool          // launched with --instance-market-options MarketType=spot
	SpotDrain     bool          // its user data sets ECS_ENABLE_SPOT_INSTANCE_DRAINING=true
	SpotNoticeAt  time.Duration // when the interruption notice came; -1 for none
	Group         string        // the Auto Scaling group it belongs to ("" if none)
	// Disks are the block devices the guest sees: the root EBS volume
	// first, then the instance store volume of a "d" type (disks.go).
	Disks []*Disk
	// StoreLosses counts the stops and terminations that wiped an
	// instance store holding files.
	StoreLosses  int
	Guest        []GuestCommand // the command lines run on it (ssh), oldest first
	bootKinds    []string       // "launch", "start" or "reboot", one per boot
	boots        int
	Tags         []Tag  // TagSpecifications for the instance, then CreateTags
	KeyName      string // the key pair named at launch ("" if none)
	LaunchedAt   time.Duration
	RunningAt    time.Duration // start of the current running period; -1 when not running
	StoppedAt    time.Duration // end of the last running period; -1 while running or never run
	billedBefore float64       // billed seconds of earlier running periods (stop/start)
	Failed       bool          // terminated by a simulated fault
	bootEvent    sim.EventID
	launchOrder  int
	terminateEvt sim.EventID
}

// LaunchTime is the AWS-shaped launch timestamp.
func (i *Instance) LaunchTime() time.Time { return sim.Epoch.Add(i.LaunchedAt) }

// Event is something that happened to an instance. Kinds: "pending",
// "running", "stopping", "stopped", "shutting-down", "terminated".
type Event struct {
	Kind     string
	At       time.Duration
	Instance *Instance
	Reason   string
}

// Service is one account's EC2 in one Region.
type Service struct {
	k          *sim.Kernel
	Settings   Settings
	instances  map[string]*Instance
	order      []*Instance
	subs       []func(Event)
	ipSeq      int
	groups     map[string]*Group
	groupOrder []*Group
	templates  map[string]*LaunchTemplate
	publicSeq  int
	eipSeq     int
	addresses  []*Address
	images     []*Image
	// deregistered are the AMI ids deregistered (they launch nothing).
	deregistered []string
}

// New returns an EC2 service driven by kernel k.
func New(k *sim.Kernel) *Service {
	s := &Service{k: k, Settings: DefaultSettings(), instances: map[string]*Instance{}}
	s.groupsInit()
	s.Subscribe(s.onGroupEvent)
	return s
}

// Kernel returns the simulation kernel.
func (s *Service) Kernel() *sim.Kernel { return s.k }

// Subscribe registers fn to be called on every instance event (the ECS agent
// uses it to register running instances).
func (s *Service) Subscribe(fn func(Event)) { s.subs = append(s.subs, fn) }

func (s *Service) emit(e Event) {
	for _, fn := range s.subs {
		fn(e)
	}
}

// Error is an EC2 API error (Code as the AWS CLI prints it).
type Error struct{ Code, Message string }

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// ErrorCode is the AWS error code (the shell's AWSCoder interface).
func (e *Error) ErrorCode() string { return e.Code }

// ErrorMessage is the AWS error message.
func (e *Error) ErrorMessage() string { return e.Message }

// ErrorReason is empty for EC2 errors.
func (e *Error) ErrorReason() string { return "" }

// HTTPStatus is 400.
func (e *Error) HTTPStatus() int { return 400 }

// RunInput is the subset of RunInstances the simulator models.
type RunInput struct {
	ImageID      string
	InstanceType string
	Count        int    // instances to launch (MinCount = MaxCount = Count)
	AZ           string // Placement.AvailabilityZone; "" = spread over zones
	UserData     string // plain text or base64
	// RootEbs are the Ebs fields of the root device's block device mapping
	// (VolumeSize, VolumeType, DeleteOnTermination); nil for the defaults.
	RootEbs map[string]string
	Spot    bool  // InstanceMarketOptions MarketType=spot
	Tags    []Tag // tags for each instance (TagSpecifications, ResourceType instance)
	KeyName string
}

// Tag is an EC2 tag.
type Tag struct{ Key, Value string }

var clusterRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`ECS_CLUSTER\s*=\s*["']?([A-Za-z0-9_-]{1,255})`) })

// DecodeUserData returns user data as text: base64 input is decoded (the
// API takes base64; the CLI encodes files for you), anything else is kept.
func DecodeUserData(s string) string {
	t := strings.TrimSpace(s)
	if t == "" {
		return ""
	}
	if !strings.Contains(t, "ECS_CLUSTER") {
		if b, err := base64.StdEncoding.DecodeString(t); err == nil && utf8.Valid(b) {
			return string(b)
		}
	}
	return s
}

var reservedRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`ECS_RESERVED_MEMORY\s*=\s*["']?(\d{1,6})`) })

// ReservedMemoryFromUserData finds ECS_RESERVED_MEMORY=MiB (the agent keeps
// that much memory back from tasks); 0 when absent.
func ReservedMemoryFromUserData(text string) int {
	if m := reservedRE().FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// ClusterFromUserData finds ECS_CLUSTER=name, bare or inside the usual
// `echo ECS_CLUSTER=name >> /etc/ecs/ecs.config` script.
func ClusterFromUserData(text string) string {
	if m := clusterRE().FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}

// RunInstances launches Count instances. They are pending for the boot
// time, then running.
func (s *Service) RunInstances(in RunInput) ([]*Instance, error) {
	if in.Count == 0 {
		in.Count = 1
	}
	if in.Count < 0 || in.Count > 1000 {
		return nil, &Error{"InvalidParameterValue", fmt.Sprintf("Invalid count %d: MinCount and MaxCount must be between 1 and 1000.", in.Count)}
	}
	if in.InstanceType == "" {
		in.InstanceType = "m5.large"
	}
	it, ok := LookupType(in.InstanceType)
	if !ok {
		return nil, &Error{"InvalidParameterValue", fmt.Sprintf("Invalid value '%s' for InstanceType. Known types: t3.*, m5.*, c5.*, r5.* and, with an instance store, m5d, c5d, r5d large to 2xlarge (for example t3.micro, m5.large, m5d.large).", in.InstanceType)}
	}
	if in.AZ != "" && !ValidAZ(in.AZ) {
		return nil, &Error{"InvalidParameterValue", fmt.Sprintf("Invalid availability zone: [%s]", in.AZ)}
	}
	if in.ImageID == "" {
		in.ImageID = DefaultImageID
	}
	if !strings.HasPrefix(in.ImageID, "ami-") {
		return nil, &Error{"InvalidAMIID.Malformed", fmt.Sprintf("Invalid id: \"%s\" (expecting \"ami-...\")", in.ImageID)}
	}
	img, err := s.launchImage(in.ImageID)
	if err != nil {
		return nil, err
	}
	root, err := ParseRootVolume(in.ImageID, in.RootEbs)
	if img != nil {
		root, err = parseRootVolume(img.RootGiB, in.RootEbs)
	}
	if err != nil {
		return nil, err
	}
	ud := DecodeUserData(in.UserData)
	cluster := ClusterFromUserData(ud)
	resID := "r-0" + s.hex(16)
	var out []*Instance
	for n := 0; n < in.Count; n++ {
		az := in.AZ
		if az == "" {
			// Without a subnet or placement, spread over the zones the way
			// an Auto Scaling group would: the zone with fewest live instances.
			az = s.leastLoadedAZ()
		}
		s.ipSeq++
		inst := &Instance{
			ID:            s.newID(),
			ReservationID: resID,
			Type:          it,
			AZ:            az,
			ImageID:       in.ImageID,
			State:         StatePending,
			UserData:      ud,
			ECSCluster:    cluster,
			Tags:          append([]Tag(nil), in.Tags...),
			KeyName:       in.KeyName,
			PrivateIP:     fmt.Sprintf("10.0.%d.%d", (s.ipSeq/250)%250, s.ipSeq%250+4),
			LaunchedAt:    s.k.Now(),
			RunningAt:     -1,
			StoppedAt:     -1,
			launchOrder:   len(s.order),
			Root:          root,
			Spot:          in.Spot,
			SpotDrain:     in.Spot && SpotDrainingFromUserData(ud),
			SpotNoticeAt:  -1,
		}
		inst.Root.createdAt = s.k.Now()
		inst.Root.VolumeID = "vol-" + strings.TrimPrefix(inst.ID, "i-") // no draw from the kernel's randomness
		var snap *Disk
		if img != nil {
			snap = img.root
		}
		inst.Disks = []*Disk{newRootDisk(root.SizeGiB, snap)}
		if it.StoreGB > 0 {
			inst.Disks = append(inst.Disks, newStoreDisk(it.StoreGB))
		}
		s.instances[inst.ID] = inst
		s.order = append(s.order, inst)
		boot := s.Settings.BootTime.Sample(s.k.Rand())
		inst.bootEvent = s.k.After(boot, func() { s.boot(inst) })
		out = append(out, inst)
		s.emit(Event{Kind: StatePending, At: s.k.Now(), Instance: inst})
	}
	return out, nil
}

func (s *Service) leastLoadedAZ() string {
	counts := map[string]int{}
	for _, i := range s.order {
		if i.State == StatePending || i.State == StateRunning {
			counts[i.AZ]++
		}
	}
	best := AvailabilityZones[0]
	for _, z := range AvailabilityZones[:3] { // default VPC subnets used: a, b, c
		if counts[z] < counts[best] {
			best = z
		}
	}
	return best
}

func (s *Service) hex(n int) string {
	const hex = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hex[s.k.Rand().IntN(16)]
	}
	return string(b)
}

func (s *Service) newID() string {
	for {
		id := "i-0" + s.hex(16)
		if _, dup := s.instances[id]; !dup {
			return id
		}
	}
}

func (s *Service) boot(inst *Instance) {
	if inst.State != StatePending {
		return
	}
	inst.State = StateRunning
	inst.RunningAt = s.k.Now()
	inst.StoppedAt = -1
	s.assignPublicIP(inst)
	kind := "start"
	if inst.boots == 0 {
		kind = "launch"
	}
	s.bootLog(inst, kind)
	s.emit(Event{Kind: StateRunning, At: s.k.Now(), Instance: inst})
}

// Instance returns an instance by id.
func (s *Service) Instance(id string) (*Instance, bool) {
	i, ok := s.instances[id]
	return i, ok
}

// Instances returns all instances in launch order (terminated ones too).
func (s *Service) Instances() []*Instance { return append([]*Instance(nil), s.order...) }

// DescribeInstances returns the named instances (all when ids is empty).
func (s *Service) DescribeInstances(ids []string) ([]*Instance, error) {
	if len(ids) == 0 {
		return s.Instances(), nil
	}
	var out []*Instance
	for _, id := range ids {
		i, ok := s.instances[id]
		if !ok {
			return nil, &Error{"InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", id)}
		}
		out = append(out, i)
	}
	return out, nil
}

// StateChange is one entry of TerminateInstances' answer.
type StateChange struct {
	InstanceID    string
	PreviousState string
	CurrentState  string
}

// TerminateInstances shuts the instances down; they are terminated after
// the shutdown time. Billing stops when shutting down begins.
func (s *Service) TerminateInstances(ids []string) ([]StateChange, error) {
	if err := s.checkIDs(ids); err != nil {
		return nil, err
	}
	var out []StateChange
	for _, id := range ids {
		inst := s.instances[id]
		prev := inst.State
		s.stop(inst, "Client.UserInitiatedShutdown: User initiated shutdown", false)
		out = append(out, StateChange{id, prev, inst.State})
	}
	return out, nil
}

// Fail simulates a hardware failure: the instance goes away at once (its
// ECS tasks are lost). It reports an error for an unknown or gone instance.
func (s *Service) Fail(id string) error {
	inst, ok := s.instances[id]
	if !ok {
		return &Error{"InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", id)}
	}
	if inst.State == StateTerminated || inst.State == StateShuttingDown {
		return &Error{"IncorrectInstanceState", fmt.Sprintf("The instance '%s' is not in a state from which it can fail (%s).", id, inst.State)}
	}
	s.stop(inst, "Server.InternalError: simulated hardware failure", true)
	return nil
}

func (s *Service) stop(inst *Instance, reason string, failed bool) {
	switch inst.State {
	case StateTerminated, StateShuttingDown:
		return
	case StatePending:
		s.k.Cancel(inst.bootEvent)
	case StateStopping:
		s.k.Cancel(inst.terminateEvt)
	}
	inst.StateReason = reason
	inst.Failed = failed
	s.closeBilling(inst)
	s.releasePublicIP(inst, true)
	inst.loseInstanceStore()
	if inst.Root.DeleteOnTermination {
		inst.Root.deletedAt = s.k.Now()
	}
	if failed {
		inst.State = StateTerminated
		s.emit(Event{Kind: StateTerminated, At: s.k.Now(), Instance: inst, Reason: reason})
		return
	}
	inst.State = StateShuttingDown
	s.emit(Event{Kind: StateShuttingDown, At: s.k.Now(), Instance: inst, Reason: reason})
	inst.terminateEvt = s.k.After(s.Settings.ShutdownTime, func() {
		inst.State = StateTerminated
		s.emit(Event{Kind: StateTerminated, At: s.k.Now(), Instance: inst, Reason: reason})
	})
}

// periodSeconds bills one running period: per second, with the minimum.
func (s *Service) periodSeconds(d time.Duration) float64 {
	if d < s.Settings.MinBilled {
		d = s.Settings.MinBilled
	}
	return math.Ceil(d.Seconds())
}

func (s *Service) closeBilling(inst *Instance) {
	if inst.RunningAt >= 0 {
		inst.billedBefore += s.periodSeconds(s.k.Now() - inst.RunningAt)
		inst.RunningAt = -1
	}
	inst.StoppedAt = s.k.Now()
}

// BilledSeconds is the instance's billed time so far: time in the running
// state, per second with a 60 s minimum for each period (EC2 bills Linux
// instances per second, 60 s minimum, only while running; a stopped
// instance is not billed for compute).
func (s *Service) BilledSeconds(inst *Instance) float64 {
	total := inst.billedBefore
	if inst.RunningAt >= 0 {
		total += s.periodSeconds(s.k.Now() - inst.RunningAt)
	}
	return total
}

// StopInstances stops running (or pending) instances: stopping, then
// stopped after the shutdown time. Billing stops at once. ECS sees its agent
// disconnect; the tasks on the instance stop.
func (s *Service) StopInstances(ids []string) ([]StateChange, error) {
	if err := s.checkIDs(ids); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if st := s.instances[id].State; st == StateTerminated || st == StateShuttingDown {
			return nil, &Error{"IncorrectInstanceState", fmt.Sprintf("This instance '%s' is not in a state from which it can be stopped.", id)}
		}
	}
	var out []StateChange
	for _, id := range ids {
		inst := s.instances[id]
		prev := inst.State
		if inst.State == StateRunning || inst.State == StatePending {
			if inst.State == StatePending {
				s.k.Cancel(inst.bootEvent)
			}
			s.closeBilling(inst)
			s.releasePublicIP(inst, false)
			inst.loseInstanceStore() // instance store data does not survive a stop
			inst.State = StateStopping
			inst.StateReason = "Client.UserInitiatedShutdown: User initiated shutdown"
			s.emit(Event{Kind: StateStopping, At: s.k.Now(), Instance: inst, Reason: inst.StateReason})
			inst.terminateEvt = s.k.After(s.Settings.ShutdownTime, func() {
				inst.State = StateStopped
				s.emit(Event{Kind: StateStopped, At: s.k.Now(), Instance: inst, Reason: inst.StateReason})
			})
		}
		out = append(out, StateChange{id, prev, inst.State})
	}
	return out, nil
}

// StartInstances starts stopped instances: pending for the boot time, then
// running (a new billing period with its own minimum).
func (s *Service) StartInstances(ids []string) ([]StateChange, error) {
	if err := s.checkIDs(ids); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if st := s.instances[id].State; st != StateStopped && st != StateRunning && st != StatePending {
			return nil, &Error{"IncorrectInstanceState", fmt.Sprintf("The instance '%s' is not in a state from which it can be started.", id)}
		}
	}
	var out []StateChange
	for _, id := range ids {
		inst := s.instances[id]
		prev := inst.State
		if inst.State == StateStopped {
			inst.State = StatePending
			inst.StateReason = ""
			boot := s.Settings.BootTime.Sample(s.k.Rand())
			inst.bootEvent = s.k.After(boot, func() { s.boot(inst) })
			s.emit(Event{Kind: StatePending, At: s.k.Now(), Instance: inst})
		}
		out = append(out, StateChange{id, prev, inst.State})
	}
	return out, nil
}

func (s *Service) checkIDs(ids []string) error {
	if len(ids) == 0 {
		return &Error{"MissingParameter", "The request must contain the parameter InstanceId"}
	}
	for _, id := range ids {
		if _, ok := s.instances[id]; !ok {
			return &Error{"InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", id)}
		}
	}
	return nil
}

// CostUSD is one instance's on-demand cost so far.
func (s *Service) CostUSD(inst *Instance) float64 {
	return s.BilledSeconds(inst) / 3600 * s.PriceHour(inst)
}

// TotalCostUSD sums every instance's cost so far.
func (s *Service) TotalCostUSD() float64 {
	var c float64
	for _, i := range s.order {
		c += s.CostUSD(i)
	}
	return c
}

// Names lists instance ids (kind "instance") or group names (kind "asg")
// for completion.
func (s *Service) Names(kind string) []string {
	if kind == "asg" {
		var out []string
		for _, g := range s.Groups() {
			out = append(out, g.Name)
		}
		return out
	}
	if kind != "instance" {
		return nil
	}
	var out []string
	for _, i := range s.order {
		if i.State != StateTerminated {
			out = append(out, i.ID)
		}
	}
	return out
}
