package ecs

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// Task lifecycle states (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html).
const (
	StProvisioning   = "PROVISIONING"
	StPending        = "PENDING"
	StActivating     = "ACTIVATING"
	StRunning        = "RUNNING"
	StDeactivating   = "DEACTIVATING"
	StStopping       = "STOPPING"
	StDeprovisioning = "DEPROVISIONING"
	StStopped        = "STOPPED"
)

// Stop codes (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html, stopCode).
const (
	StopTaskFailedToStart         = "TaskFailedToStart"
	StopEssentialContainerExited  = "EssentialContainerExited"
	StopUserInitiated             = "UserInitiated"
	StopServiceSchedulerInitiated = "ServiceSchedulerInitiated"
)

// Container is a container's runtime state within a task.
type Container struct {
	Name            string
	Image           string
	LastStatus      string // PENDING | RUNNING | STOPPED
	ExitCode        *int
	Reason          string
	NetworkBindings []Binding
	Essential       bool
	def             ContainerDef
}

// Binding is a network binding (host port to container port).
type Binding struct {
	BindIP        string `json:"bindIP"`
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

// Task is one task.
type Task struct {
	Arn, ID       string
	Cluster       *Cluster
	TaskDef       *TaskDefinition
	Group         string
	StartedBy     string
	LaunchType    string // EC2 | FARGATE
	Instance      *ContainerInstance
	AZ            string
	LastStatus    string
	DesiredStatus string
	CPU, Memory   int
	StopCode      string
	StoppedReason string
	Containers    []*Container
	Service       *Service
	Deployment    *Deployment
	// ENI is the task's own elastic network interface (awsvpc tasks, on
	// EC2 and Fargate) and PrivateIP its address; empty otherwise.
	ENI, PrivateIP string

	CreatedAt, PullStartedAt, PullStoppedAt, StartedAt, StoppingAt, StoppedAt, ExecutionStoppedAt time.Duration
	wasRunning                                                                                    bool
	leftGroup                                                                                     bool
	req                                                                                           Request
	dynPorts                                                                                      []int
	timer                                                                                         sim.EventID
	exitTimer                                                                                     sim.EventID
	seq                                                                                           int
	history                                                                                       []StateChange
}

// StateChange records when the task entered a state.
type StateChange struct {
	Status string        `json:"status"`
	At     time.Duration `json:"at"`
}

// History returns the task's state changes.
func (t *Task) History() []StateChange { return append([]StateChange(nil), t.history...) }

// Active reports whether the task is not yet STOPPED.
func (t *Task) Active() bool { return t.LastStatus != StStopped }

// RunInput is RunTask/StartTask input.
type RunInput struct {
	Cluster            string
	TaskDefinition     string
	Count              int
	LaunchType         string // EC2 (default) | FARGATE
	Group              string
	StartedBy          string
	Strategies         []Strategy // nil = default random
	Constraints        []Constraint
	ContainerInstances []string // StartTask only
	// ClientToken makes RunTask idempotent: a second call with the same
	// token returns the first call's answer (API_RunTask.html: up to 64
	// characters).
	ClientToken string
}

// RunResult is RunTask's answer: tasks started and failures.
type RunResult struct {
	Tasks    []*Task
	Failures []Failure
	// Explanations holds one placement explanation per requested task.
	Explanations []*Explanation
}

// RunTask places and starts up to 10 tasks. Without a strategy the
// simulator picks at random (a model: AWS documents no default for
// RunTask). Unplaceable tasks become failures.
func (s *Sim) RunTask(in RunInput) (*RunResult, error) {
	if len(in.ClientToken) > 64 {
		return nil, invalidf("The client token can be at most 64 characters.")
	}
	if res, ok := s.runTokens[in.ClientToken]; ok && in.ClientToken != "" {
		return res, nil
	}
	res, err := s.runTask(in)
	if err == nil && in.ClientToken != "" {
		if s.runTokens == nil {
			s.runTokens = map[string]*RunResult{}
		}
		s.runTokens[in.ClientToken] = res
	}
	return res, err
}

func (s *Sim) runTask(in RunInput) (*RunResult, error) {
	c, err := s.Cluster(in.Cluster)
	if err != nil {
		return nil, err
	}
	td, err := s.resolveForLaunch(in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	if in.Count == 0 {
		in.Count = 1
	}
	if in.Count < 1 || in.Count > 10 {
		return nil, invalidf("Count must be between 1 and 10.")
	}
	lt, err := checkLaunchType(in.LaunchType, td)
	if err != nil {
		return nil, err
	}
	group := in.Group
	if group == "" {
		group = "family:" + td.Family
	}
	res := &RunResult{}
	if lt == "FARGATE" {
		// Fargate ignores placement strategies and constraints and spreads
		// tasks across Availability Zones (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement.html).
		for n := 0; n < in.Count; n++ {
			res.Tasks = append(res.Tasks, s.launchFargate(c, td, group, in.StartedBy, nil, nil))
		}
		return res, nil
	}
	if len(c.candidates()) == 0 {
		return nil, invalidf("No Container Instances were found in your cluster.")
	}
	strategies := in.Strategies
	if strategies == nil {
		strategies = DefaultRunTaskStrategies
	}
	req := s.request(td, group, append(append([]Constraint(nil), td.PlacementConstraints...), in.Constraints...), strategies)
	for n := 0; n < in.Count; n++ {
		e := s.placer.Place(&req, c.candidates(), s.k.Rand())
		exp := e.Clone()
		if in.Strategies == nil {
			// AWS documents no default strategy for RunTask; random is the
			// simulator's model, and the explanation says so.
			exp.Strategies = []string{"none given: AWS documents no default for RunTask; the simulator picks at random"}
		}
		res.Explanations = append(res.Explanations, exp)
		c.LastPlacement = exp
		if !e.Placed() {
			res.Failures = append(res.Failures, Failure{Arn: e.failureArn(c), Reason: e.FailureReason})
			s.emit(Event{Kind: "placement", Cluster: c.Name, Message: fmt.Sprintf("could not place a task of %s: %s", td.FamilyRevision(), e.FailureReason)})
			continue
		}
		ci := c.candidates()[e.ChosenIndex()].ci
		res.Tasks = append(res.Tasks, s.launchEC2(c, td, ci, &req, in.StartedBy, nil, nil))
	}
	return res, nil
}

// failureArn is the failure's arn: AWS reports the closest
// container instance when there is one.
func (e *Explanation) failureArn(c *Cluster) string {
	for _, r := range e.Rejected {
		if r.Reason == e.FailureReason {
			return r.Instance
		}
	}
	return c.Arn
}

// StartTask starts one task on each named container instance (no
// scheduler: resources and ports are still checked).
func (s *Sim) StartTask(in RunInput) (*RunResult, error) {
	c, err := s.Cluster(in.Cluster)
	if err != nil {
		return nil, err
	}
	td, err := s.resolveForLaunch(in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	if len(in.ContainerInstances) == 0 {
		return nil, invalidf("Container instances cannot be empty.")
	}
	if len(in.ContainerInstances) > 10 {
		return nil, invalidf("Container instances cannot exceed 10.")
	}
	if !td.compatible("EC2") {
		return nil, invalidf("Task definition does not support launch_type EC2.")
	}
	group := in.Group
	if group == "" {
		group = "family:" + td.Family
	}
	res := &RunResult{}
	for _, ref := range in.ContainerInstances {
		ci, ok := c.ContainerInstance(ref)
		if !ok || ci.Status == "INACTIVE" {
			res.Failures = append(res.Failures, Failure{Arn: ref, Reason: "MISSING"})
			continue
		}
		req := s.request(td, group, nil, nil)
		e := s.placer.Place(&req, []*Candidate{ci.Cand}, nil)
		exp := e.Clone()
		res.Explanations = append(res.Explanations, exp)
		c.LastPlacement = exp
		if !e.Placed() {
			res.Failures = append(res.Failures, Failure{Arn: ci.Arn, Reason: e.FailureReason})
			continue
		}
		res.Tasks = append(res.Tasks, s.launchEC2(c, td, ci, &req, in.StartedBy, nil, nil))
	}
	return res, nil
}

func (s *Sim) resolveForLaunch(ref string) (*TaskDefinition, error) {
	if ref == "" {
		return nil, invalidf("TaskDefinition cannot be empty.")
	}
	td, err := s.TaskDefinition(ref)
	if err != nil {
		return nil, invalidf("TaskDefinition not found.")
	}
	if td.Status != "ACTIVE" {
		return nil, clientf("TaskDefinition is inactive")
	}
	return td, nil
}

// checkLaunchType: a launch type is accepted when the definition's
// `compatibilities` (what ECS validated it against, shown by
// describe-task-definition) lists it. Without --launch-type (and no
// capacity provider) ECS uses EC2.
func checkLaunchType(lt string, td *TaskDefinition) (string, error) {
	switch lt {
	case "", "EC2":
		if !td.compatible("EC2") {
			return "", invalidf("Task definition does not support launch_type EC2.")
		}
		return "EC2", nil
	case "FARGATE":
		if !td.compatible("FARGATE") {
			return "", invalidf("Task definition does not support launch_type FARGATE.")
		}
		return "FARGATE", nil
	}
	return "", invalidf("Invalid launch type %q: must be EC2 or FARGATE.", lt)
}

func (s *Sim) request(td *TaskDefinition, group string, cons []Constraint, strat []Strategy) Request {
	fixed, dyn := td.HostPorts()
	r := Request{CPU: td.ReservedCPU(), Memory: td.ReservedMemory(), Ports: fixed, DynamicPorts: dyn,
		Group: group, Constraints: cons, Strategies: strat}
	if td.NetworkMode == "awsvpc" {
		r.ENIs = 1 // its own elastic network interface (eni.go)
	}
	return r
}

func (s *Sim) newTask(c *Cluster, td *TaskDefinition, group, startedBy, lt string) *Task {
	id := s.hexID(32)
	t := &Task{Arn: arn("task", c.Name+"/"+id), ID: id, Cluster: c, TaskDef: td, Group: group, StartedBy: startedBy,
		LaunchType: lt, DesiredStatus: StRunning, CPU: td.ReservedCPU(), Memory: td.ReservedMemory(),
		CreatedAt: s.k.Now(), PullStartedAt: -1, PullStoppedAt: -1, StartedAt: -1, StoppingAt: -1, StoppedAt: -1,
		ExecutionStoppedAt: -1, seq: s.nextSeq()}
	for _, cd := range td.Containers {
		t.Containers = append(t.Containers, &Container{Name: cd.Name, Image: cd.Image, LastStatus: "PENDING", Essential: cd.Essential, def: cd})
	}
	if td.NetworkMode == "awsvpc" {
		t.ENI = "eni-" + s.hexID(17)
		t.PrivateIP = fmt.Sprintf("10.0.%d.%d", 128+(t.seq/250)%128, 4+t.seq%250)
	}
	c.tasks = append(c.tasks, t)
	c.active[t] = true
	return t
}

func (s *Sim) launchEC2(c *Cluster, td *TaskDefinition, ci *ContainerInstance, req *Request, startedBy string, sv *Service, d *Deployment) *Task {
	t := s.newTask(c, td, req.Group, startedBy, "EC2")
	t.Service, t.Deployment = sv, d
	t.Instance = ci
	t.AZ = ci.EC2.AZ
	t.req = *req
	t.dynPorts = ci.Cand.Take(req)
	ci.tasks[t] = true
	s.bindPorts(t)
	s.emit(Event{Kind: "placement", Cluster: c.Name, Service: svcName(sv), Task: t.ID, Instance: ci.EC2.ID,
		Message: fmt.Sprintf("task %s (%s) placed on %s in %s", short(t.ID), td.FamilyRevision(), ci.EC2.ID, t.AZ)})
	if td.NetworkMode == "awsvpc" {
		s.setStatus(t, StProvisioning)
		t.timer = s.k.After(s.Settings.ProvisionAwsvpc, func() { s.pending(t) })
	} else {
		s.pending(t)
	}
	return t
}

func (s *Sim) launchFargate(c *Cluster, td *TaskDefinition, group, startedBy string, sv *Service, d *Deployment) *Task {
	t := s.newTask(c, td, group, startedBy, "FARGATE")
	t.Service, t.Deployment = sv, d
	counts := map[string]int{}
	for x := range c.active {
		if x.LaunchType == "FARGATE" && x.Group == group && x != t {
			counts[x.AZ]++
		}
	}
	t.AZ = PickFargateAZ(counts, s.Settings.FargateZones)
	s.bindPorts(t)
	s.emit(Event{Kind: "placement", Cluster: c.Name, Service: svcName(sv), Task: t.ID,
		Message: fmt.Sprintf("Fargate task %s (%s) provisioning in %s", short(t.ID), td.FamilyRevision(), t.AZ)})
	s.setStatus(t, StProvisioning)
	t.timer = s.k.After(s.dur(s.Settings.FargateProvision), func() { s.pending(t) })
	return t
}

func (s *Sim) bindPorts(t *Task) {
	dyn := 0
	for _, ct := range t.Containers {
		for _, pm := range ct.def.PortMappings {
			hp := pm.HostPort
			switch t.TaskDef.NetworkMode {
			case "host":
				hp = pm.ContainerPort
			case "none", "awsvpc":
				// awsvpc: the container port is on the task's own network
				// interface; no host port is bound.
				continue
			default:
				if hp == 0 && dyn < len(t.dynPorts) {
					hp = t.dynPorts[dyn]
					dyn++
				}
			}
			ct.NetworkBindings = append(ct.NetworkBindings, Binding{"0.0.0.0", pm.ContainerPort, hp, pm.Protocol})
		}
	}
}

func (s *Sim) setStatus(t *Task, st string) {
	// runningTasksCount counts tasks whose lastStatus is RUNNING.
	if t.Instance != nil && t.LastStatus != st {
		if st == StRunning {
			t.Instance.Cand.Running++
		} else if t.LastStatus == StRunning {
			t.Instance.Cand.Running--
		}
	}
	t.LastStatus = st
	t.history = append(t.history, StateChange{st, s.k.Now()})
	s.emit(Event{Kind: "task", Cluster: t.Cluster.Name, Service: svcName(t.Service), Task: t.ID, Instance: instID(t),
		Message: fmt.Sprintf("task %s %s", short(t.ID), st)})
}

// pending: image pull, container start, activation, running.
func (s *Sim) pending(t *Task) {
	if t.DesiredStatus != StRunning {
		return
	}
	s.setStatus(t, StPending)
	t.PullStartedAt = s.k.Now()
	pull := time.Duration(0)
	keys := make([]string, len(t.Containers)) // what an instance remembers: the image, or its digest
	var missing *Container
	for i, ct := range t.Containers {
		keys[i] = ct.Image
		d := s.dur(s.Settings.ImagePull)
		if img, inRegistry, found := s.lookupImage(ct.Image); inRegistry {
			if !found {
				if missing == nil {
					missing = ct
				}
				d = s.Settings.PullLatency
			} else {
				keys[i] = img.Digest
				d = s.Settings.PullLatency + time.Duration(float64(img.Size)/s.Settings.PullBandwidth*float64(time.Second))
			}
		}
		if t.Instance != nil && t.Instance.images[keys[i]] {
			d = s.Settings.ImagePullCached
		}
		if d > pull {
			pull = d // images pull in parallel
		}
	}
	t.timer = s.k.After(pull, func() {
		t.PullStoppedAt = s.k.Now()
		if missing != nil {
			// Stop code TaskFailedToStart, reason CannotPullContainerError
			// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html);
			// the text after it is the Docker daemon's for a missing tag.
			reason := "CannotPullContainerError: Error response from daemon: manifest for " + missing.Image + " not found: manifest unknown: Requested image not found"
			missing.Reason = reason
			s.stopTask(t, StopTaskFailedToStart, reason)
			return
		}
		if t.Instance != nil {
			for _, k := range keys {
				t.Instance.images[k] = true
			}
		}
		t.timer = s.k.After(s.dur(s.Settings.ContainerStart), func() { s.containersStarted(t) })
	})
}

// RegistryImage is what a registry reports about an image: the digest of
// its manifest and its compressed size in bytes.
type RegistryImage struct {
	Digest string
	Size   int64
}

// SetRegistry makes tasks pull images from a registry (the simulated
// ECR). lookup says whether a reference names that registry (inRegistry)
// and whether the image is there (found). Images of other registries
// ("nginx") keep the fixed ImagePull time.
func (s *Sim) SetRegistry(lookup func(ref string) (img RegistryImage, inRegistry, found bool)) {
	s.registry = lookup
}

func (s *Sim) lookupImage(ref string) (RegistryImage, bool, bool) {
	if s.registry == nil {
		return RegistryImage{}, false, false
	}
	return s.registry(ref)
}

func (s *Sim) containersStarted(t *Task) {
	if t.DesiredStatus != StRunning {
		return
	}
	for _, ct := range t.Containers {
		ct.LastStatus = "RUNNING"
	}
	// Containers whose command exits at once never let the task run.
	for _, ct := range t.Containers {
		if ct.def.ExitAfter == 0 {
			s.containerExited(t, ct, ct.def.ExitCode)
			if t.DesiredStatus != StRunning {
				return
			}
		}
	}
	s.setStatus(t, StActivating)
	t.timer = s.k.After(s.Settings.Activate, func() {
		if t.DesiredStatus != StRunning {
			return
		}
		t.StartedAt = s.k.Now()
		t.wasRunning = true
		s.setStatus(t, StRunning)
		for _, ct := range t.Containers {
			if ct.LastStatus == "RUNNING" && ct.def.ExitAfter > 0 {
				ct := ct
				code := ct.def.ExitCode
				s.k.After(ct.def.ExitAfter, func() {
					if t.DesiredStatus == StRunning && ct.LastStatus == "RUNNING" {
						s.containerExited(t, ct, code)
					}
				})
			}
		}
		s.taskRunning(t)
	})
}

// containerExited: an essential container's exit stops the task.
func (s *Sim) containerExited(t *Task, ct *Container, code int) {
	ct.LastStatus = "STOPPED"
	c := code
	ct.ExitCode = &c
	if !ct.Essential {
		s.emit(Event{Kind: "task", Cluster: t.Cluster.Name, Service: svcName(t.Service), Task: t.ID,
			Message: fmt.Sprintf("non-essential container %s of task %s exited with code %d; the task keeps running", ct.Name, short(t.ID), code)})
		return
	}
	s.stopTask(t, StopEssentialContainerExited, "Essential container in task exited")
}

// stopTask moves a task towards STOPPED through the documented states.
func (s *Sim) stopTask(t *Task, code, reason string) {
	if t.DesiredStatus == StStopped {
		return
	}
	t.DesiredStatus = StStopped
	t.StopCode = code
	t.StoppedReason = reason
	t.StoppingAt = s.k.Now()
	s.k.Cancel(t.timer)
	s.leaveGroup(t)
	s.taskStopping(t)
	next := func() {
		s.setStatus(t, StStopping)
		t.timer = s.k.After(s.Settings.StopGrace, func() {
			t.ExecutionStoppedAt = s.k.Now()
			for _, ct := range t.Containers {
				// Started containers get SIGTERM from the agent (exit 143 for
				// a process that does not handle it); never-started ones have
				// no exit code.
				if ct.LastStatus == "RUNNING" && ct.ExitCode == nil {
					c := 143
					ct.ExitCode = &c
				}
				ct.LastStatus = "STOPPED"
			}
			if t.TaskDef.NetworkMode == "awsvpc" {
				s.setStatus(t, StDeprovisioning)
				t.timer = s.k.After(s.Settings.Deprovision, func() { s.stopped(t) })
				return
			}
			s.stopped(t)
		})
	}
	if t.LastStatus == StRunning || t.LastStatus == StActivating {
		s.setStatus(t, StDeactivating)
		t.timer = s.k.After(s.Settings.Deactivate, next)
		return
	}
	next()
}

// leaveGroup: a task stops counting in its group's placement counts (spread,
// distinctInstance, task:group) as soon as it is told to stop; its CPU,
// memory and ports stay reserved until it is STOPPED.
func (s *Sim) leaveGroup(t *Task) {
	if t.leftGroup || t.Instance == nil {
		return
	}
	t.leftGroup = true
	cd := t.Instance.Cand
	if cd.Groups[t.Group]--; cd.Groups[t.Group] <= 0 {
		delete(cd.Groups, t.Group)
	}
}

// lose stops a task at once (its host is gone).
func (s *Sim) lose(t *Task, reason string) {
	if !t.Active() {
		return
	}
	if t.DesiredStatus != StStopped {
		t.DesiredStatus = StStopped
		t.StoppedReason = reason
		t.StoppingAt = s.k.Now()
		s.taskStopping(t)
	} else {
		t.StoppedReason = reason
	}
	s.k.Cancel(t.timer)
	t.ExecutionStoppedAt = s.k.Now()
	for _, ct := range t.Containers {
		ct.LastStatus = "STOPPED"
	}
	s.stopped(t)
}

func (s *Sim) stopped(t *Task) {
	if t.LastStatus == StStopped {
		return
	}
	t.StoppedAt = s.k.Now()
	s.setStatus(t, StStopped)
	delete(t.Cluster.active, t)
	if t.Instance != nil {
		ci := t.Instance
		delete(ci.tasks, t)
		cd := ci.Cand
		cd.RemainingCPU += t.req.CPU
		cd.RemainingMemory += t.req.Memory
		cd.RemainingENI += t.req.ENIs
		for _, p := range t.req.Ports {
			delete(cd.UsedPorts, p)
		}
		for _, p := range t.dynPorts {
			delete(cd.UsedPorts, PortKey{p, "tcp"})
		}
		cd.DynamicUsed -= len(t.dynPorts)
	}
	s.leaveGroup(t)
	if t.LaunchType == "FARGATE" {
		t.Cluster.fargateCost += s.fargateTaskCost(t)
	}
	s.taskStopped(t)
	s.capacityChanged(t.Cluster)
}

// StopTask stops a task (UserInitiated).
func (s *Sim) StopTask(cluster, ref, reason string) (*Task, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	t, ok := c.Task(ref)
	if !ok {
		return nil, invalidf("The referenced task was not found.")
	}
	if reason == "" {
		reason = "Task stopped by user"
	}
	if t.Active() {
		s.stopTask(t, StopUserInitiated, reason)
	}
	return t, nil
}

// CrashTask simulates the essential container crashing (exit code 1 or
// the given one): the task stops with EssentialContainerExited.
func (s *Sim) CrashTask(cluster, ref string, exitCode int) (*Task, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	t, ok := c.Task(ref)
	if !ok {
		return nil, invalidf("The referenced task was not found.")
	}
	if t.DesiredStatus != StRunning {
		return nil, invalidf("Task %s is not running (lastStatus %s, desiredStatus %s).", t.ID, t.LastStatus, t.DesiredStatus)
	}
	for _, ct := range t.Containers {
		if ct.Essential && ct.LastStatus != "STOPPED" {
			s.containerExited(t, ct, exitCode)
			break
		}
	}
	return t, nil
}

// Task resolves a task ARN or id in the cluster.
func (c *Cluster) Task(ref string) (*Task, bool) {
	for i := len(c.tasks) - 1; i >= 0; i-- {
		t := c.tasks[i]
		if t.Arn == ref || t.ID == ref {
			return t, true
		}
	}
	return nil, false
}

// ListTasksInput filters ListTasks.
type ListTasksInput struct {
	Cluster, ContainerInstance, Family, ServiceName, StartedBy, DesiredStatus, LaunchType string
}

// ListTasks lists task ARNs (desiredStatus RUNNING by default; STOPPED
// tasks are listed for an hour in AWS, here for the whole run).
func (s *Sim) ListTasks(in ListTasksInput) ([]*Task, error) {
	c, err := s.Cluster(in.Cluster)
	if err != nil {
		return nil, err
	}
	ds := in.DesiredStatus
	if ds == "" {
		ds = StRunning
	}
	if ds != StRunning && ds != StStopped && ds != StPending {
		return nil, invalidf("Invalid desired status %q: must be RUNNING, PENDING or STOPPED.", ds)
	}
	var ci *ContainerInstance
	if in.ContainerInstance != "" {
		var ok bool
		if ci, ok = c.ContainerInstance(in.ContainerInstance); !ok {
			return nil, invalidf("Container instance %s not found.", in.ContainerInstance)
		}
	}
	if in.ServiceName != "" {
		if _, err := s.ServiceByName(c, in.ServiceName); err != nil {
			return nil, err
		}
	}
	var out []*Task
	for _, t := range c.tasks {
		want := t.DesiredStatus
		if ds == StPending {
			if t.DesiredStatus != StRunning || t.LastStatus == StRunning {
				continue
			}
		} else if want != ds {
			continue
		}
		if ci != nil && t.Instance != ci {
			continue
		}
		if in.Family != "" && t.TaskDef.Family != in.Family {
			continue
		}
		if in.ServiceName != "" && (t.Service == nil || t.Service.Name != in.ServiceName && t.Service.Arn != in.ServiceName) {
			continue
		}
		if in.StartedBy != "" && t.StartedBy != in.StartedBy {
			continue
		}
		if in.LaunchType != "" && t.LaunchType != in.LaunchType {
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

// DescribeTasks returns tasks and MISSING failures.
func (s *Sim) DescribeTasks(cluster string, refs []string) ([]*Task, []Failure, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, nil, err
	}
	if len(refs) == 0 {
		return nil, nil, invalidf("Tasks cannot be empty.")
	}
	var out []*Task
	var fails []Failure
	for _, r := range refs {
		if t, ok := c.Task(r); ok {
			out = append(out, t)
		} else {
			fails = append(fails, Failure{Arn: r, Reason: "MISSING"})
		}
	}
	return out, fails, nil
}

// fargateTaskCost: billed from the start of the image pull until the task
// stops, per second, 1-minute minimum (https://aws.amazon.com/fargate/pricing/).
func (s *Sim) fargateTaskCost(t *Task) float64 {
	if t.PullStartedAt < 0 {
		return 0
	}
	end := s.k.Now()
	if t.StoppedAt >= 0 {
		end = t.StoppedAt
	}
	d := end - t.PullStartedAt
	if d < s.Settings.FargateMinBilled {
		d = s.Settings.FargateMinBilled
	}
	sec := math.Ceil(d.Seconds())
	vcpu, gb := s.Settings.FargateVCPUHour, s.Settings.FargateGBHour
	if t.TaskDef.Arch == "ARM64" {
		vcpu, gb = s.Settings.FargateVCPUHourARM, s.Settings.FargateGBHourARM
	}
	return sec / 3600 * (float64(t.CPU)/1024*vcpu + float64(t.Memory)/1024*gb)
}

// FargateCostUSD is the cluster's Fargate cost so far.
func (s *Sim) FargateCostUSD(c *Cluster) float64 {
	total := c.fargateCost
	for t := range c.active {
		if t.LaunchType == "FARGATE" {
			total += s.fargateTaskCost(t)
		}
	}
	return total
}

// EC2CostUSD is the on-demand cost of the instances whose agent joins the
// cluster (registered or still booting).
func (s *Sim) EC2CostUSD(c *Cluster) float64 {
	if s.ec2 == nil {
		return 0
	}
	total := 0.0
	for _, inst := range s.ec2.Instances() {
		if agentCluster(inst) == c.Name {
			total += s.ec2.CostUSD(inst)
		}
	}
	return total
}

// TasksByStatus counts the cluster's tasks by lastStatus.
func (c *Cluster) TasksByStatus() map[string]int {
	out := map[string]int{}
	for _, t := range c.tasks {
		out[t.LastStatus]++
	}
	return out
}

func svcName(sv *Service) string {
	if sv == nil {
		return ""
	}
	return sv.Name
}

func instID(t *Task) string {
	if t.Instance == nil {
		return ""
	}
	return t.Instance.EC2.ID
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func fmtTime(d time.Duration) string { return sim.Timestamp(d) }

func sortTasks(ts []*Task) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].seq < ts[j].seq })
}
