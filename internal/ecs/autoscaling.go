package ecs

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Load model and Service Auto Scaling (Application Auto Scaling for ECS).
//
// Load: `traffic --cluster C --service S --rate R --for D` offers R requests
// per second to the service for D. Each RUNNING task serves up to
// Settings.TaskCapacityRPS at 100% CPU, so the service's average
// CPUUtilization = max(idle, 100 x min(1, offered / (running x capacity))).
// Requests beyond the capacity are dropped (counted, not queued).
//
// Target tracking (https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html):
// AWS does not publish the formula; we model
// desired = ceil(running x metric / target), clamped to min..max, after the
// metric is above the target for ScaleOutDatapoints periods (scale out) or
// below ScaleInThreshold x target for ScaleInDatapoints periods (scale in),
// honouring cooldowns. Application Auto Scaling User Guide, "How target
// tracking scaling works": capacity is removed only when utilization falls
// below a threshold "usually more than 10%" under the target, so scale-in
// is slower than scale-out.

type loadSegment struct {
	from, to time.Duration
	rate     float64
}

// MetricSample is one CloudWatch-style period of a service.
type MetricSample struct {
	At             time.Duration `json:"at"`
	CPUUtilization float64       `json:"CPUUtilization"`
	MemoryUtil     float64       `json:"MemoryUtilization"`
	RunningCount   int           `json:"RunningTaskCount"`
	DesiredCount   int           `json:"DesiredTaskCount"`
	OfferedRPS     float64       `json:"OfferedRequestsPerSecond"`
	ServedRPS      float64       `json:"ServedRequestsPerSecond"`
}

// OfferLoad offers rate requests/second to a service for d from now.
func (s *Sim) OfferLoad(cluster, service string, rate float64, d time.Duration) error {
	sv, err := s.Service(cluster, service)
	if err != nil {
		return err
	}
	if rate < 0 || math.IsNaN(rate) || math.IsInf(rate, 0) {
		return invalidf("rate must be a non-negative number of requests per second")
	}
	if d <= 0 {
		return invalidf("duration must be positive")
	}
	now := s.k.Now()
	sv.load = append(sv.load, loadSegment{now, now + d, rate})
	s.emit(Event{Kind: "load", Cluster: sv.Cluster.Name, Service: sv.Name, Message: fmt.Sprintf("offering %g requests/s to service %s for %v", rate, sv.Name, d)})
	s.ensureTicking()
	return nil
}

// OfferedRPS is the load offered to the service now.
func (s *Sim) OfferedRPS(sv *Service) float64 {
	now := s.k.Now()
	total := 0.0
	for _, l := range sv.load {
		if now >= l.from && now < l.to {
			total += l.rate
		}
	}
	return total
}

// Utilization returns the service's average CPU and memory utilization (%)
// and the requests per second served now.
func (s *Sim) Utilization(sv *Service) (cpu, mem, served float64) {
	running, _ := sv.Counts()
	offered := s.OfferedRPS(sv)
	if running == 0 {
		return 0, 0, 0
	}
	capacity := float64(running) * s.Settings.TaskCapacityRPS
	share := 1.0
	if capacity > 0 {
		share = math.Min(1, offered/capacity)
	}
	cpu = math.Max(s.Settings.IdleCPUPercent, 100*share)
	mem = s.Settings.MemoryBasePercent + s.Settings.MemoryLoadPercent*share
	served = math.Min(offered, capacity)
	return cpu, mem, served
}

// Metrics returns the service's samples.
func (sv *Service) Metrics() []MetricSample { return append([]MetricSample(nil), sv.metrics...) }

// ScalableTarget is a registered scalable target (ecs:service:DesiredCount).
type ScalableTarget struct {
	ServiceNamespace  string
	ResourceID        string // service/<cluster>/<service>
	ScalableDimension string
	MinCapacity       int
	MaxCapacity       int
	CreatedAt         time.Duration
	lastScaleOut      time.Duration
	scaleOutTo        int // the desired count the last scale-out set
	lastScaleIn       time.Duration
	scaledOut         bool
	scaledIn          bool
}

// ScalingPolicy is a target-tracking policy.
type ScalingPolicy struct {
	PolicyName       string
	PolicyARN        string
	ResourceID       string
	TargetValue      float64
	MetricType       string // ECSServiceAverageCPUUtilization | ECSServiceAverageMemoryUtilization
	ScaleOutCooldown time.Duration
	ScaleInCooldown  time.Duration
	DisableScaleIn   bool
	Alarms           []string
	// PolicyType is TargetTrackingScaling or StepScaling. A step policy is
	// recorded with its configuration (Step, the API's
	// StepScalingPolicyConfiguration) and acts only when a CloudWatch alarm
	// invokes it; the simulator has no alarms API, so it never acts.
	PolicyType string
	Step       map[string]any
	highStreak int
	lowStreak  int
}

// ScalingActivity is a describe-scaling-activities entry.
type ScalingActivity struct {
	ActivityID  string
	ResourceID  string
	Description string
	Cause       string
	StartTime   time.Duration
	EndTime     time.Duration
	StatusCode  string
}

func (s *Sim) svcFromResourceID(id string) (*Service, error) {
	parts := strings.Split(id, "/")
	if len(parts) != 3 || parts[0] != "service" {
		return nil, &NotFound{"ValidationException", fmt.Sprintf("Unsupported resource ID %q: for ECS use service/<cluster-name>/<service-name>.", id)}
	}
	sv, err := s.Service(parts[1], parts[2])
	if err != nil {
		return nil, &NotFound{"ValidationException", fmt.Sprintf("ECS service doesn't exist: %s", id)}
	}
	return sv, nil
}

// RegisterScalableTarget registers (or updates) a service's scalable target.
// If the desired count is outside min..max it is moved inside.
func (s *Sim) RegisterScalableTarget(namespace, resourceID, dimension string, minCap, maxCap *int) (*ScalableTarget, error) {
	if namespace != "ecs" {
		return nil, &NotFound{"ValidationException", fmt.Sprintf("Unsupported service namespace %q: the simulator supports ecs.", namespace)}
	}
	if dimension != "ecs:service:DesiredCount" {
		return nil, &NotFound{"ValidationException", fmt.Sprintf("Unsupported scalable dimension %q: for ECS use ecs:service:DesiredCount.", dimension)}
	}
	sv, err := s.svcFromResourceID(resourceID)
	if err != nil {
		return nil, err
	}
	var t *ScalableTarget
	for _, x := range s.targets {
		if x.ResourceID == resourceID {
			t = x
		}
	}
	if t == nil {
		if minCap == nil || maxCap == nil {
			return nil, &NotFound{"ValidationException", "MinCapacity and MaxCapacity are required to register a new scalable target."}
		}
		t = &ScalableTarget{ServiceNamespace: namespace, ResourceID: resourceID, ScalableDimension: dimension, CreatedAt: s.k.Now()}
		s.targets = append(s.targets, t)
	}
	if minCap != nil {
		t.MinCapacity = *minCap
	}
	if maxCap != nil {
		t.MaxCapacity = *maxCap
	}
	if t.MinCapacity < 0 || t.MaxCapacity < t.MinCapacity {
		return nil, &NotFound{"ValidationException", "Minimum capacity cannot be greater than maximum capacity."}
	}
	want := min(max(sv.DesiredCount, t.MinCapacity), t.MaxCapacity)
	if want != sv.DesiredCount {
		s.setDesired(sv, t, want, fmt.Sprintf("Setting desired count to %d.", want),
			fmt.Sprintf("at %s a scalable target was registered with min %d and max %d", fmtTime(s.k.Now()), t.MinCapacity, t.MaxCapacity))
	}
	s.ensureTicking()
	return t, nil
}

// ScalableTargets lists targets (namespace ecs).
func (s *Sim) ScalableTargets() []*ScalableTarget {
	return append([]*ScalableTarget(nil), s.targets...)
}

// PolicyInput is PutScalingPolicy's target-tracking input.
type PolicyInput struct {
	PolicyName       string
	ResourceID       string
	PolicyType       string
	TargetValue      float64
	MetricType       string
	ScaleOutCooldown *int
	ScaleInCooldown  *int
	DisableScaleIn   bool
	Step             map[string]any // StepScaling's configuration
}

// PutScalingPolicy creates or replaces a target-tracking policy.
func (s *Sim) PutScalingPolicy(in PolicyInput) (*ScalingPolicy, error) {
	if in.PolicyName == "" {
		return nil, &NotFound{"ValidationException", "PolicyName is required."}
	}
	if in.PolicyType == "StepScaling" {
		return s.putStepPolicy(in)
	}
	if in.PolicyType != "" && in.PolicyType != "TargetTrackingScaling" {
		return nil, &NotFound{"ValidationException", fmt.Sprintf("Unsupported policy type %q: the simulator supports TargetTrackingScaling and StepScaling.", in.PolicyType)}
	}
	var t *ScalableTarget
	for _, x := range s.targets {
		if x.ResourceID == in.ResourceID {
			t = x
		}
	}
	if t == nil {
		return nil, &NotFound{"ObjectNotFoundException", fmt.Sprintf("No scalable target registered for service namespace: ecs, resource ID: %s, scalable dimension: ecs:service:DesiredCount", in.ResourceID)}
	}
	if in.MetricType != "ECSServiceAverageCPUUtilization" && in.MetricType != "ECSServiceAverageMemoryUtilization" {
		return nil, &NotFound{"ValidationException", fmt.Sprintf("Unsupported predefined metric %q: use ECSServiceAverageCPUUtilization or ECSServiceAverageMemoryUtilization.", in.MetricType)}
	}
	if in.TargetValue <= 0 || in.TargetValue > 100 || math.IsNaN(in.TargetValue) {
		return nil, &NotFound{"ValidationException", "TargetValue must be greater than 0 and at most 100 for a utilization metric."}
	}
	p := &ScalingPolicy{PolicyName: in.PolicyName, PolicyType: "TargetTrackingScaling", ResourceID: in.ResourceID, TargetValue: in.TargetValue, MetricType: in.MetricType,
		ScaleOutCooldown: 300 * time.Second, ScaleInCooldown: 300 * time.Second, DisableScaleIn: in.DisableScaleIn}
	if in.ScaleOutCooldown != nil {
		p.ScaleOutCooldown = time.Duration(*in.ScaleOutCooldown) * time.Second
	}
	if in.ScaleInCooldown != nil {
		p.ScaleInCooldown = time.Duration(*in.ScaleInCooldown) * time.Second
	}
	id := s.uuid()
	p.PolicyARN = "arn:aws:autoscaling:" + Region + ":" + AccountID + ":scalingPolicy:" + id + ":resource/ecs/" + in.ResourceID + ":policyName/" + in.PolicyName
	name := "TargetTracking-" + in.ResourceID
	p.Alarms = []string{name + "-AlarmHigh-" + s.uuid(), name + "-AlarmLow-" + s.uuid()}
	for i, x := range s.policies {
		if x.ResourceID == in.ResourceID && x.PolicyName == in.PolicyName {
			s.policies = append(s.policies[:i], s.policies[i+1:]...)
			break
		}
	}
	s.policies = append(s.policies, p)
	s.ensureTicking()
	return p, nil
}

// Policies lists scaling policies.
func (s *Sim) Policies() []*ScalingPolicy { return append([]*ScalingPolicy(nil), s.policies...) }

// ScalingActivities lists activities newest first, optionally for one resource.
func (s *Sim) ScalingActivities(resourceID string) []*ScalingActivity {
	var out []*ScalingActivity
	for i := len(s.activities) - 1; i >= 0; i-- {
		if resourceID == "" || s.activities[i].ResourceID == resourceID {
			out = append(out, s.activities[i])
		}
	}
	return out
}

func (s *Sim) setDesired(sv *Service, t *ScalableTarget, n int, desc, cause string) {
	a := &ScalingActivity{ActivityID: s.uuid(), ResourceID: t.ResourceID, Description: desc, Cause: cause,
		StartTime: s.k.Now(), EndTime: s.k.Now(), StatusCode: "Successful"}
	s.activities = append(s.activities, a)
	old := sv.DesiredCount
	sv.DesiredCount = n
	sv.Primary().DesiredCount = n
	s.emit(Event{Kind: "scaling", Cluster: sv.Cluster.Name, Service: sv.Name, Message: fmt.Sprintf("auto scaling set desired count of %s from %d to %d", sv.Name, old, n)})
	s.requestReconcile(sv)
}

// ensureTicking starts the once-per-period metric and scaling evaluation.
func (s *Sim) ensureTicking() {
	if s.ticking {
		return
	}
	s.ticking = true
	s.k.After(s.Settings.MetricPeriod, s.tick)
}

func (s *Sim) tick() {
	now := s.k.Now()
	busy := len(s.policies) > 0
	for _, c := range s.Clusters() {
		for _, sv := range c.Services() {
			if len(sv.load) == 0 && !s.hasPolicy(sv) {
				continue
			}
			// Drop finished load segments.
			keep := sv.load[:0]
			for _, l := range sv.load {
				if l.to > now {
					keep = append(keep, l)
				}
			}
			sv.load = keep
			if len(sv.load) > 0 {
				busy = true
			}
			cpu, mem, served := s.Utilization(sv)
			running, _ := sv.Counts()
			sv.metrics = append(sv.metrics, MetricSample{At: now, CPUUtilization: round2(cpu), MemoryUtil: round2(mem),
				RunningCount: running, DesiredCount: sv.DesiredCount, OfferedRPS: s.OfferedRPS(sv), ServedRPS: served})
			if len(sv.metrics) > 1440 {
				sv.metrics = sv.metrics[len(sv.metrics)-1440:]
			}
		}
	}
	for _, p := range s.policies {
		s.evaluate(p)
	}
	if busy {
		s.k.After(s.Settings.MetricPeriod, s.tick)
	} else {
		s.ticking = false
	}
}

func (s *Sim) hasPolicy(sv *Service) bool {
	id := "service/" + sv.Cluster.Name + "/" + sv.Name
	for _, p := range s.policies {
		if p.ResourceID == id {
			return true
		}
	}
	return false
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// TargetTrackingDesired is the modelled target-tracking answer (a model:
// AWS does not publish the formula):
// ceil(running x metric / target) clamped to min..max.
func TargetTrackingDesired(running int, metric, target float64, minCap, maxCap int) int {
	n := int(math.Ceil(float64(running) * metric / target))
	return min(max(n, minCap), maxCap)
}

func (s *Sim) evaluate(p *ScalingPolicy) {
	if p.PolicyType == "StepScaling" {
		return // acts only when an alarm invokes it
	}
	sv, err := s.svcFromResourceID(p.ResourceID)
	if err != nil {
		return
	}
	var t *ScalableTarget
	for _, x := range s.targets {
		if x.ResourceID == p.ResourceID {
			t = x
		}
	}
	if t == nil {
		return
	}
	running, _ := sv.Counts()
	if running == 0 {
		p.highStreak, p.lowStreak = 0, 0
		return
	}
	cpu, mem, _ := s.Utilization(sv)
	metric := cpu
	if p.MetricType == "ECSServiceAverageMemoryUtilization" {
		metric = mem
	}
	switch {
	case metric > p.TargetValue:
		p.highStreak++
		p.lowStreak = 0
	case metric < p.TargetValue*s.Settings.ScaleInThreshold:
		p.lowStreak++
		p.highStreak = 0
	default:
		p.highStreak, p.lowStreak = 0, 0
	}
	now := s.k.Now()
	want := TargetTrackingDesired(running, metric, p.TargetValue, t.MinCapacity, t.MaxCapacity)
	cause := func(alarm string) string {
		return fmt.Sprintf("monitor alarm %s in state ALARM triggered policy %s", alarm, p.PolicyName)
	}
	if p.highStreak >= s.Settings.ScaleOutDatapoints && want > sv.DesiredCount {
		// During the scale-out cooldown the capacity that scale-out added
		// counts as part of the desired capacity: only a larger scale-out
		// goes ahead (Application Auto Scaling API reference,
		// TargetTrackingScalingPolicyConfiguration.ScaleOutCooldown: "won't
		// increase the desired capacity again unless either a larger scale
		// out is triggered or the cooldown period ends").
		if t.scaledOut && now-t.lastScaleOut < p.ScaleOutCooldown && want <= t.scaleOutTo {
			return
		}
		t.scaledOut, t.lastScaleOut, t.scaleOutTo = true, now, want
		s.setDesired(sv, t, want, fmt.Sprintf("Setting desired count to %d.", want), cause(p.Alarms[0]))
		p.highStreak = 0
		return
	}
	if p.lowStreak >= s.Settings.ScaleInDatapoints && want < sv.DesiredCount && !p.DisableScaleIn {
		if t.scaledIn && now-t.lastScaleIn < p.ScaleInCooldown {
			return
		}
		if t.scaledOut && now-t.lastScaleOut < p.ScaleOutCooldown {
			return // no scale-in while a scale-out is taking effect
		}
		t.scaledIn, t.lastScaleIn = true, now
		s.setDesired(sv, t, want, fmt.Sprintf("Setting desired count to %d.", want), cause(p.Alarms[1]))
		p.lowStreak = 0
	}
}
