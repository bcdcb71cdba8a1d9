package ecs

import (
	"fmt"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// DeploymentConfiguration is a service's rolling-update configuration.
type DeploymentConfiguration struct {
	MaximumPercent        int  `json:"maximumPercent"`
	MinimumHealthyPercent int  `json:"minimumHealthyPercent"`
	CircuitBreakerEnable  bool `json:"-"`
	CircuitBreakerRoll    bool `json:"-"`
}

// Deployment is one deployment of a service.
type Deployment struct {
	ID                 string
	Status             string // PRIMARY | ACTIVE | INACTIVE
	TaskDef            *TaskDefinition
	DesiredCount       int
	FailedTasks        int
	RolloutState       string // IN_PROGRESS | COMPLETED | FAILED
	RolloutStateReason string
	CreatedAt          time.Duration
	UpdatedAt          time.Duration
	LaunchType         string
	svc                *Service
}

// Counts returns the deployment's running and pending task counts.
func (d *Deployment) Counts() (running, pending int) {
	for t := range d.svc.tasks {
		if t.Deployment != d || t.DesiredStatus != StRunning {
			continue
		}
		if t.LastStatus == StRunning {
			running++
		} else {
			pending++
		}
	}
	return
}

// ServiceEvent is an entry of a service's events (newest first in describe).
type ServiceEvent struct {
	ID        string
	CreatedAt time.Duration
	Message   string
}

// Service is an ECS service.
type Service struct {
	Name, Arn          string
	Cluster            *Cluster
	TaskDef            *TaskDefinition
	DesiredCount       int
	LaunchType         string // EC2 | FARGATE
	SchedulingStrategy string // REPLICA | DAEMON
	Strategies         []Strategy
	Constraints        []Constraint
	Config             DeploymentConfiguration
	Status             string // ACTIVE | DRAINING | INACTIVE
	CreatedAt          time.Duration
	Deployments        []*Deployment // PRIMARY first
	Events             []ServiceEvent
	// Unplaced counts tasks the scheduler wanted but could not place. They
	// were never created: they are in no count (not pendingCount either);
	// the service logs "unable to place a task" and retries when capacity
	// changes.
	Unplaced      int
	LastPlacement *Explanation

	clientToken    string
	tasks          map[*Task]bool // tasks not yet STOPPED
	reconcileEvt   sim.EventID
	reconcileAt    time.Duration
	steady         bool
	failStreak     int
	nextLaunch     time.Duration
	lastUnplaceMsg string
	lastUnplaceAt  time.Duration

	load    []loadSegment
	metrics []MetricSample
}

// Counts: running and pending tasks of the service. Pending are the
// launched tasks on their way to RUNNING (PROVISIONING, PENDING,
// ACTIVATING); tasks that could not be placed do not exist and are not
// counted (API_Service.html: pendingCount is "the number of tasks in the
// cluster that are in the PENDING state").
func (sv *Service) Counts() (running, pending int) {
	for t := range sv.tasks {
		if t.DesiredStatus != StRunning {
			continue
		}
		if t.LastStatus == StRunning {
			running++
		} else {
			pending++
		}
	}
	return running, pending
}

// Tasks returns the service's tasks not yet STOPPED, oldest first.
func (sv *Service) Tasks() []*Task {
	out := make([]*Task, 0, len(sv.tasks))
	for t := range sv.tasks {
		out = append(out, t)
	}
	sortTasks(out)
	return out
}

// Primary is the PRIMARY deployment.
func (sv *Service) Primary() *Deployment { return sv.Deployments[0] }

// ServiceInput is CreateService/UpdateService input. Pointer fields are
// "not given" when nil (UpdateService).
type ServiceInput struct {
	Cluster            string
	ServiceName        string
	TaskDefinition     string
	DesiredCount       *int
	LaunchType         string
	SchedulingStrategy string
	Strategies         []Strategy
	StrategiesSet      bool
	Constraints        []Constraint
	ConstraintsSet     bool
	MaximumPercent     *int
	MinimumHealthy     *int
	CircuitBreaker     *bool
	Rollback           *bool
	ForceNewDeployment bool
	// ClientToken makes CreateService idempotent (API_CreateService.html:
	// up to 36 ASCII characters): the same token for an existing service of
	// the same name returns it.
	ClientToken string
}

var serviceNameOK = familyRE

// CreateService creates a service and starts reconciling it.
func (s *Sim) CreateService(in ServiceInput) (*Service, error) {
	c, err := s.Cluster(in.Cluster)
	if err != nil {
		return nil, err
	}
	if in.ServiceName == "" {
		return nil, invalidf("Service name cannot be empty.")
	}
	if !serviceNameOK().MatchString(in.ServiceName) {
		return nil, invalidf("Service name can have up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.")
	}
	if len(in.ClientToken) > 36 {
		return nil, invalidf("The client token can be at most 36 characters.")
	}
	active := 0
	for _, x := range c.services {
		if x.Status != "INACTIVE" {
			active++
		}
	}
	if active >= MaxServicesPerCluster {
		return nil, &LimitExceeded{fmt.Sprintf("Cluster %s already has %d services, the quota per cluster.", c.Name, MaxServicesPerCluster)}
	}
	if old, ok := c.services[in.ServiceName]; ok && old.Status != "INACTIVE" {
		if in.ClientToken != "" && old.clientToken == in.ClientToken {
			return old, nil
		}
		return nil, invalidf("Creation of service was not idempotent.")
	}
	td, err := s.resolveForLaunch(in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	lt, err := checkLaunchType(in.LaunchType, td)
	if err != nil {
		return nil, err
	}
	sched := in.SchedulingStrategy
	if sched == "" {
		sched = "REPLICA"
	}
	if sched != "REPLICA" && sched != "DAEMON" {
		return nil, invalidf("Invalid scheduling strategy %q: must be REPLICA or DAEMON.", sched)
	}
	sv := &Service{Name: in.ServiceName, Arn: arn("service", c.Name+"/"+in.ServiceName), Cluster: c, TaskDef: td,
		LaunchType: lt, SchedulingStrategy: sched, Status: "ACTIVE", CreatedAt: s.k.Now(), tasks: map[*Task]bool{}, clientToken: in.ClientToken,
		Config: DeploymentConfiguration{MaximumPercent: 200, MinimumHealthyPercent: 100}}
	if sched == "DAEMON" {
		if lt == "FARGATE" {
			return nil, invalidf("The daemon scheduling strategy does not support the FARGATE launch type.")
		}
		if len(in.Strategies) > 0 {
			return nil, invalidf("Placement strategies are not supported with the DAEMON scheduling strategy.")
		}
		if in.DesiredCount != nil {
			return nil, invalidf("The daemon scheduling strategy does not support a desired count for services.")
		}
		sv.Config = DeploymentConfiguration{MaximumPercent: 100, MinimumHealthyPercent: 0}
	} else {
		if in.DesiredCount == nil {
			// API reference: desiredCount "is required if schedulingStrategy
			// is REPLICA or isn't specified".
			return nil, invalidf("desiredCount is required for a service that uses the REPLICA scheduling strategy.")
		}
		if err := checkDesired(*in.DesiredCount); err != nil {
			return nil, err
		}
		sv.DesiredCount = *in.DesiredCount
	}
	if lt == "EC2" {
		// Fargate ignores strategies and constraints (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement.html).
		sv.Strategies = in.Strategies
		sv.Constraints = in.Constraints
	}
	if err := applyDeploymentConfig(&sv.Config, in); err != nil {
		return nil, err
	}
	d := s.newDeployment(sv, td)
	d.RolloutState = "IN_PROGRESS"
	sv.Deployments = []*Deployment{d}
	c.services[sv.Name] = sv
	c.svcOrder = append(c.svcOrder, sv)
	s.emit(Event{Kind: "service", Cluster: c.Name, Service: sv.Name, Message: fmt.Sprintf("service %s created (%s, desired %d)", sv.Name, td.FamilyRevision(), sv.DesiredCount)})
	s.requestReconcile(sv)
	return sv, nil
}

func applyDeploymentConfig(cfg *DeploymentConfiguration, in ServiceInput) error {
	if in.MaximumPercent != nil {
		cfg.MaximumPercent = *in.MaximumPercent
	}
	if in.MinimumHealthy != nil {
		cfg.MinimumHealthyPercent = *in.MinimumHealthy
	}
	if in.CircuitBreaker != nil {
		cfg.CircuitBreakerEnable = *in.CircuitBreaker
	}
	if in.Rollback != nil {
		cfg.CircuitBreakerRoll = *in.Rollback
	}
	if cfg.MinimumHealthyPercent < 0 || cfg.MinimumHealthyPercent > 100 {
		return invalidf("minimumHealthyPercent must be between 0 and 100.")
	}
	if cfg.MaximumPercent < 100 && cfg.MaximumPercent <= cfg.MinimumHealthyPercent {
		return invalidf("maximumPercent must be greater than minimumHealthyPercent.")
	}
	if cfg.MaximumPercent > 200 && cfg.MaximumPercent > 1000 {
		return invalidf("maximumPercent must be at most 1000.")
	}
	return nil
}

func (s *Sim) newDeployment(sv *Service, td *TaskDefinition) *Deployment {
	// Deployment ids look like ecs-svc/ followed by 19 digits.
	const digits = "0123456789"
	b := []byte("ecs-svc/")
	for i := 0; i < 19; i++ {
		b = append(b, digits[s.k.Rand().IntN(10)])
	}
	return &Deployment{ID: string(b), Status: "PRIMARY", TaskDef: td, DesiredCount: sv.DesiredCount,
		CreatedAt: s.k.Now(), UpdatedAt: s.k.Now(), LaunchType: sv.LaunchType, svc: sv}
}

// ServiceByName resolves a service name or ARN in the cluster.
func (s *Sim) ServiceByName(c *Cluster, ref string) (*Service, error) {
	name := ref
	if strings.HasPrefix(ref, "arn:") {
		name = ref[strings.LastIndex(ref, "/")+1:]
	}
	sv, ok := c.services[name]
	if !ok || sv.Status == "INACTIVE" {
		return nil, serviceNotFound()
	}
	return sv, nil
}

// Service resolves a service in a cluster by names.
func (s *Sim) Service(cluster, name string) (*Service, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	return s.ServiceByName(c, name)
}

// Quotas of one account and Region, as AWS sets them by default
// (https://docs.aws.amazon.com/general/latest/gr/ecs-service.html and
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/operating-at-scale-service-quotas.html).
// They also keep a simulation within bounds: no command can ask for a
// million tasks.
const (
	MaxTasksPerService     = 5000
	MaxServicesPerCluster  = 5000
	MaxInstancesPerCluster = 5000
)

// checkDesired refuses a desired count below zero or above the quota, so
// the rolling-update arithmetic (desired x maximumPercent) never overflows.
func checkDesired(n int) error {
	switch {
	case n < 0:
		return invalidf("Desired count must be greater than or equal to 0.")
	case n > MaxTasksPerService:
		return &LimitExceeded{fmt.Sprintf("The desired count %d is above the quota of %d tasks per service (a default quota; AWS raises it on request).", n, MaxTasksPerService)}
	}
	return nil
}

// UpdateService changes desired count, task definition (a new deployment),
// deployment configuration or placement.
func (s *Sim) UpdateService(in ServiceInput) (*Service, error) {
	c, err := s.Cluster(in.Cluster)
	if err != nil {
		return nil, err
	}
	sv, err := s.ServiceByName(c, in.ServiceName)
	if err != nil {
		return nil, err
	}
	if sv.Status != "ACTIVE" {
		return nil, &NotFound{"ServiceNotActiveException", "Service was not ACTIVE."}
	}
	cfg := sv.Config
	if err := applyDeploymentConfig(&cfg, in); err != nil {
		return nil, err
	}
	var td *TaskDefinition
	if in.TaskDefinition != "" {
		if td, err = s.resolveForLaunch(in.TaskDefinition); err != nil {
			return nil, err
		}
		if _, err := checkLaunchType(sv.LaunchType, td); err != nil {
			return nil, err
		}
	}
	if in.DesiredCount != nil {
		if sv.SchedulingStrategy == "DAEMON" {
			return nil, invalidf("The daemon scheduling strategy does not support a desired count for services.")
		}
		if err := checkDesired(*in.DesiredCount); err != nil {
			return nil, err
		}
	}
	sv.Config = cfg
	if in.StrategiesSet && sv.LaunchType == "EC2" {
		sv.Strategies = in.Strategies
	}
	if in.ConstraintsSet && sv.LaunchType == "EC2" {
		sv.Constraints = in.Constraints
	}
	if in.DesiredCount != nil && *in.DesiredCount != sv.DesiredCount {
		sv.DesiredCount = *in.DesiredCount
		sv.Primary().DesiredCount = sv.DesiredCount
		s.emit(Event{Kind: "service", Cluster: c.Name, Service: sv.Name, Message: fmt.Sprintf("service %s desired count set to %d", sv.Name, sv.DesiredCount)})
	}
	if (td != nil && td != sv.TaskDef) || in.ForceNewDeployment {
		if td == nil {
			td = sv.TaskDef
		}
		s.deploy(sv, td)
	}
	sv.failStreak = 0
	sv.nextLaunch = 0
	s.requestReconcile(sv)
	return sv, nil
}

// deploy starts a new PRIMARY deployment of td.
func (s *Sim) deploy(sv *Service, td *TaskDefinition) *Deployment {
	for _, d := range sv.Deployments {
		d.Status = "ACTIVE"
		d.UpdatedAt = s.k.Now()
	}
	d := s.newDeployment(sv, td)
	d.RolloutState = "IN_PROGRESS"
	sv.TaskDef = td
	sv.Deployments = append([]*Deployment{d}, sv.Deployments...)
	s.emit(Event{Kind: "deployment", Cluster: sv.Cluster.Name, Service: sv.Name, Message: fmt.Sprintf("service %s: new deployment %s of %s", sv.Name, d.ID, td.FamilyRevision())})
	sv.steady = false
	return d
}

// DeleteService deletes a service; with force a service with running tasks
// is scaled to zero first (AWS refuses without --force unless desired is 0).
func (s *Sim) DeleteService(cluster, name string, force bool) (*Service, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	sv, err := s.ServiceByName(c, name)
	if err != nil {
		return nil, err
	}
	if sv.DesiredCount > 0 && !force && sv.SchedulingStrategy == "REPLICA" {
		return nil, invalidf("The service cannot be stopped while it is scaled above 0.")
	}
	sv.DesiredCount = 0
	sv.Status = "DRAINING"
	for _, t := range sv.Tasks() {
		s.stopTask(t, StopServiceSchedulerInitiated, "Service deletion initiated")
	}
	sv.Unplaced = 0
	s.emit(Event{Kind: "service", Cluster: c.Name, Service: sv.Name, Message: "service " + sv.Name + " deleted"})
	s.maybeInactive(sv)
	return sv, nil
}

func (s *Sim) maybeInactive(sv *Service) {
	if sv.Status == "DRAINING" && len(sv.tasks) == 0 {
		sv.Status = "INACTIVE"
		for _, d := range sv.Deployments {
			d.Status = "INACTIVE"
		}
	}
}

// ListServices lists the cluster's ACTIVE (and DRAINING) services.
func (s *Sim) ListServices(cluster, launchType, scheduling string) ([]*Service, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	var out []*Service
	for _, sv := range c.Services() {
		if launchType != "" && sv.LaunchType != launchType {
			continue
		}
		if scheduling != "" && sv.SchedulingStrategy != scheduling {
			continue
		}
		out = append(out, sv)
	}
	return out, nil
}

// DescribeServices returns services (INACTIVE ones too) and MISSING failures.
func (s *Sim) DescribeServices(cluster string, names []string) ([]*Service, []Failure, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, nil, err
	}
	if len(names) == 0 {
		return nil, nil, invalidf("Services cannot be empty.")
	}
	var out []*Service
	var fails []Failure
	for _, n := range names {
		name := n
		if strings.HasPrefix(n, "arn:") {
			name = n[strings.LastIndex(n, "/")+1:]
		}
		if sv, ok := c.services[name]; ok {
			out = append(out, sv)
		} else {
			fails = append(fails, Failure{Arn: arn("service", c.Name+"/"+name), Reason: "MISSING"})
		}
	}
	return out, fails, nil
}

// event logs a service event (the describe-services "events" list).
func (s *Sim) event(sv *Service, msg string) {
	full := "(service " + sv.Name + ") " + msg
	sv.Events = append(sv.Events, ServiceEvent{ID: s.uuid(), CreatedAt: s.k.Now(), Message: full})
	if len(sv.Events) > 100 {
		sv.Events = append(sv.Events[:0:0], sv.Events[len(sv.Events)-100:]...)
	}
	s.emit(Event{Kind: "service", Cluster: sv.Cluster.Name, Service: sv.Name, Message: full})
}

func (s *Sim) uuid() string {
	h := s.hexID(32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// requestReconcile schedules one reconcile pass for the service now (passes
// requested at the same instant coalesce).
func (s *Sim) requestReconcile(sv *Service) { s.reconcileAfter(sv, 0) }

func (s *Sim) reconcileAfter(sv *Service, d time.Duration) {
	at := s.k.Now() + d
	if when, ok := s.k.Scheduled(sv.reconcileEvt); ok {
		if when <= at {
			return
		}
		s.k.Cancel(sv.reconcileEvt)
	}
	sv.reconcileAt = at
	sv.reconcileEvt = s.k.At(at, func() { s.reconcile(sv) })
}

// Hooks from the task lifecycle.

func (s *Sim) taskRunning(t *Task) {
	if sv := t.Service; sv != nil {
		sv.failStreak = 0
		s.requestReconcile(sv)
	}
}

func (s *Sim) taskStopping(t *Task) {
	sv := t.Service
	if sv == nil {
		return
	}
	// A task that stops on its own (not by the scheduler or the user) is
	// replaced; one that never reached RUNNING counts for the circuit breaker.
	if t.StopCode == StopServiceSchedulerInitiated {
		return
	}
	if t.StopCode == StopUserInitiated {
		s.event(sv, fmt.Sprintf("has stopped 1 running tasks: (task %s).", t.ID))
		s.requestReconcile(sv)
		return
	}
	if !t.wasRunning && t.Instance != nil || !t.wasRunning && t.LaunchType == "FARGATE" {
		sv.failStreak++
		if sv.failStreak > 1 {
			delay := s.Settings.RestartDelayBase << min(sv.failStreak-2, 20)
			if delay > s.Settings.RestartDelayMax {
				delay = s.Settings.RestartDelayMax
			}
			sv.nextLaunch = s.k.Now() + delay
			defer s.event(sv, "is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.")
		}
	}
	if d := t.Deployment; d != nil && d == sv.Primary() && d.RolloutState == "IN_PROGRESS" &&
		(!t.wasRunning || t.StopCode == StopEssentialContainerExited) {
		d.FailedTasks++
		s.checkCircuitBreaker(sv, d)
	}
	s.event(sv, fmt.Sprintf("has stopped 1 running tasks: (task %s).", t.ID))
	s.requestReconcile(sv)
}

func (s *Sim) taskStopped(t *Task) {
	if sv := t.Service; sv != nil {
		delete(sv.tasks, t)
		s.maybeInactive(sv)
		if sv.Status == "ACTIVE" {
			s.requestReconcile(sv)
		}
	}
}

// capacityChanged: services waiting for capacity (and daemon services) get
// another reconcile pass.
func (s *Sim) capacityChanged(c *Cluster) {
	for _, sv := range c.svcOrder {
		if sv.Status == "ACTIVE" && (sv.Unplaced > 0 || sv.SchedulingStrategy == "DAEMON") {
			s.requestReconcile(sv)
		}
	}
}

func (s *Sim) checkCircuitBreaker(sv *Service, d *Deployment) {
	if !sv.Config.CircuitBreakerEnable || d.FailedTasks < CircuitBreakerThreshold(sv.DesiredCount) {
		return
	}
	d.RolloutState = "FAILED"
	d.RolloutStateReason = "ECS deployment circuit breaker: tasks failed to start."
	d.UpdatedAt = s.k.Now()
	s.event(sv, fmt.Sprintf("(deployment %s) deployment failed: tasks failed to start.", d.ID))
	if !sv.Config.CircuitBreakerRoll {
		return
	}
	var prev *Deployment
	for _, x := range sv.Deployments[1:] {
		if x.RolloutState == "COMPLETED" {
			prev = x
			break
		}
	}
	if prev == nil {
		return
	}
	// Roll back: the last completed deployment becomes PRIMARY again and
	// the failed deployment's tasks are replaced by it.
	var rest []*Deployment
	for _, x := range sv.Deployments {
		if x != prev {
			x.Status = "ACTIVE"
			rest = append(rest, x)
		}
	}
	prev.Status = "PRIMARY"
	prev.RolloutState = "IN_PROGRESS"
	prev.RolloutStateReason = "ECS deployment circuit breaker: rolling back to deploymentId " + prev.ID + "."
	prev.DesiredCount = sv.DesiredCount
	prev.UpdatedAt = s.k.Now()
	sv.Deployments = append([]*Deployment{prev}, rest...)
	sv.TaskDef = prev.TaskDef
	sv.steady = false
	s.event(sv, fmt.Sprintf("rolling back to deployment %s.", prev.ID))
	sv.failStreak = 0
	sv.nextLaunch = 0
}

// reconcile: build the view, plan, apply.
func (s *Sim) reconcile(sv *Service) {
	if sv.Status != "ACTIVE" {
		return
	}
	c := sv.Cluster
	primary := sv.Primary()
	view := ServiceView{Desired: sv.DesiredCount, MaximumPercent: sv.Config.MaximumPercent,
		MinimumHealthy: sv.Config.MinimumHealthyPercent, Daemon: sv.SchedulingStrategy == "DAEMON",
		Strategies: sv.Strategies}
	if primary.RolloutState == "FAILED" {
		view.LaunchBlocked = true
	}
	delayed := sv.nextLaunch > s.k.Now()
	if delayed {
		view.LaunchBlocked = true
	}
	for _, t := range sv.Tasks() {
		if t.DesiredStatus != StRunning {
			continue
		}
		tv := TaskView{ID: t.ID, AZ: t.AZ, Running: t.LastStatus == StRunning, Outdated: t.Deployment != primary, CreatedSeq: t.seq}
		if t.Instance != nil {
			tv.Instance = t.Instance.Arn
			tv.Draining = t.Instance.Status != "ACTIVE"
			tv.RemainCPU, tv.RemainMem = t.Instance.Cand.RemainingCPU, t.Instance.Cand.RemainingMemory
		}
		view.Tasks = append(view.Tasks, tv)
	}
	var req Request
	if sv.LaunchType == "EC2" {
		strat := sv.Strategies
		if len(strat) == 0 && !view.Daemon {
			strat = DefaultServiceStrategies
		}
		cons := append(append([]Constraint(nil), sv.TaskDef.PlacementConstraints...), sv.Constraints...)
		req = s.request(sv.TaskDef, "service:"+sv.Name, cons, strat)
	}
	if view.Daemon {
		for _, cd := range c.candidates() {
			if daemonEligible(&req, cd) {
				view.DaemonInstances = append(view.DaemonInstances, cd.Arn)
			}
		}
		sv.DesiredCount = len(view.DaemonInstances)
		primary.DesiredCount = sv.DesiredCount
		view.Desired = sv.DesiredCount
	}
	plan := PlanReconcile(view)

	// Apply: stops first (they free capacity), then starts.
	if len(plan.Stop) > 0 {
		byID := map[string]*Task{}
		for t := range sv.tasks {
			byID[t.ID] = t
		}
		var ids []string
		for _, id := range plan.Stop {
			if t := byID[id]; t != nil && t.DesiredStatus == StRunning {
				reason := "Scaling activity initiated by (deployment " + primary.ID + ")"
				if t.Instance != nil && t.Instance.Status == "DRAINING" {
					reason = "Container instance " + t.Instance.ID + " is draining"
				} else if t.Deployment != primary {
					reason = "Deployment " + primary.ID + " replaced this task"
				}
				s.stopTask(t, StopServiceSchedulerInitiated, reason)
				ids = append(ids, "(task "+t.ID+")")
			}
		}
		if len(ids) > 0 {
			s.event(sv, fmt.Sprintf("has stopped %d running tasks: %s.", len(ids), strings.Join(ids, " ")))
		}
	}
	var started []string
	sv.Unplaced = 0
	var unplacedExp *Explanation
	if sv.LaunchType == "FARGATE" {
		for n := 0; n < plan.Start; n++ {
			t := s.launchFargate(c, sv.TaskDef, "service:"+sv.Name, primary.ID, sv, primary)
			sv.tasks[t] = true
			started = append(started, "(task "+t.ID+")")
		}
	} else {
		for n := 0; n < plan.Start; n++ {
			e := s.placer.Place(&req, c.candidates(), s.k.Rand())
			if !e.Placed() {
				sv.Unplaced = plan.Start - n
				unplacedExp = e.Clone()
				break
			}
			ci := c.candidates()[e.ChosenIndex()].ci
			if n == plan.Start-1 {
				sv.LastPlacement = e.Clone()
				c.LastPlacement = sv.LastPlacement
			}
			t := s.launchEC2(c, sv.TaskDef, ci, &req, primary.ID, sv, primary)
			sv.tasks[t] = true
			started = append(started, "(task "+t.ID+")")
		}
		for _, id := range plan.StartOn {
			ci, ok := c.ContainerInstance(id)
			if !ok {
				continue
			}
			e := s.placer.Place(&req, []*Candidate{ci.Cand}, nil)
			if !e.Placed() {
				sv.Unplaced++
				unplacedExp = e.Clone()
				continue
			}
			sv.LastPlacement = e.Clone()
			c.LastPlacement = sv.LastPlacement
			t := s.launchEC2(c, sv.TaskDef, ci, &req, primary.ID, sv, primary)
			sv.tasks[t] = true
			started = append(started, "(task "+t.ID+")")
		}
	}
	if len(started) > 0 {
		s.event(sv, fmt.Sprintf("has started %d tasks: %s.", len(started), strings.Join(started, " ")))
	}
	if unplacedExp != nil {
		sv.LastPlacement = unplacedExp
		c.LastPlacement = unplacedExp
		msg := unplacedMessage(unplacedExp, len(c.candidates()))
		// AWS repeats this event while the condition lasts; we log it when
		// it changes or every 5 minutes.
		if msg != sv.lastUnplaceMsg || s.k.Now()-sv.lastUnplaceAt >= 5*time.Minute {
			s.event(sv, msg)
			sv.lastUnplaceMsg, sv.lastUnplaceAt = msg, s.k.Now()
		}
	} else {
		sv.lastUnplaceMsg = ""
	}
	if delayed && (plan.Start > 0 || len(plan.StartOn) > 0 || s.wouldStart(view)) {
		s.reconcileAfter(sv, sv.nextLaunch-s.k.Now())
	}
	s.checkProgress(sv)
}

// daemonEligible: a daemon task goes on every ACTIVE instance that meets
// the memberOf constraints.
func daemonEligible(req *Request, c *Candidate) bool {
	for _, k := range req.Constraints {
		if k.Type == "memberOf" && k.Query != nil && !k.Query.Match(c) {
			return false
		}
	}
	return true
}

// wouldStart reports whether the plan would start tasks if launches were
// not delayed.
func (s *Sim) wouldStart(v ServiceView) bool {
	v.LaunchBlocked = false
	p := PlanReconcile(v)
	return p.Start > 0 || len(p.StartOn) > 0
}

func unplacedMessage(e *Explanation, instances int) string {
	const base = "was unable to place a task because no container instance met all of its requirements."
	if instances == 0 {
		return base + " Reason: No Container Instances were found in your cluster. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
	}
	for _, r := range e.Rejected {
		if r.Reason != e.FailureReason {
			continue
		}
		id := r.Instance[strings.LastIndex(r.Instance, "/")+1:]
		switch r.Reason {
		case ReasonCPU:
			return fmt.Sprintf("%s The closest matching container-instance %s has insufficient CPU units available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", base, id)
		case ReasonMemory:
			return fmt.Sprintf("%s The closest matching container-instance %s has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", base, id)
		case ReasonPorts:
			return fmt.Sprintf("%s The closest matching container-instance %s is already using a port required by your task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", base, id)
		case ReasonENI:
			return fmt.Sprintf("%s The closest matching container-instance %s encountered error \"RESOURCE:ENI\": no elastic network interface attachment point is free for an awsvpc task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", base, id)
		case ReasonDistinctInstance:
			return fmt.Sprintf("%s The closest matching container-instance %s encountered error \"DistinctInstance placement constraint unsatisfied.\". For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", base, id)
		case ReasonMemberOf:
			return fmt.Sprintf("%s The closest matching container-instance %s encountered error \"MemberOf placement constraint unsatisfied.\". For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", base, id)
		}
	}
	return base + " For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
}

// checkProgress completes deployments and logs the steady state.
func (s *Sim) checkProgress(sv *Service) {
	primary := sv.Primary()
	running, pending := sv.Counts()
	outdated := 0
	for t := range sv.tasks {
		if t.Deployment != primary && t.Active() {
			outdated++
		}
	}
	pr, pp := primary.Counts()
	if primary.RolloutState == "IN_PROGRESS" && outdated == 0 && pr == sv.DesiredCount && pp == 0 && sv.Unplaced == 0 {
		primary.RolloutState = "COMPLETED"
		primary.RolloutStateReason = "ECS deployment " + primary.ID + " completed."
		primary.UpdatedAt = s.k.Now()
		if len(sv.Deployments) > 1 {
			sv.Deployments = sv.Deployments[:1]
			s.event(sv, fmt.Sprintf("(deployment %s) deployment completed.", primary.ID))
		}
	}
	if outdated == 0 && len(sv.Deployments) > 1 {
		// Failed deployments with nothing left to run are dropped.
		var keep []*Deployment
		for i, d := range sv.Deployments {
			if i == 0 || d.RolloutState == "IN_PROGRESS" {
				keep = append(keep, d)
			}
		}
		sv.Deployments = keep
	}
	// Steady: the desired tasks run and nothing is starting or stopping.
	steady := running == sv.DesiredCount && pending == 0 && len(sv.Deployments) == 1 && outdated == 0 &&
		len(sv.tasks) == running
	if steady && !sv.steady {
		s.event(sv, "has reached a steady state.")
	}
	sv.steady = steady
}

// Steady reports whether the service has reached a steady state.
func (sv *Service) Steady() bool { return sv.steady }
