package ecs

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Snapshot is a read-only picture of ECS for the lab screen.
type Snapshot struct {
	At       time.Duration     `json:"at"`
	Clusters []ClusterSnapshot `json:"clusters"`
	LastSeq  int               `json:"lastEventSeq"` // pass to Events(since) for what follows
}

// ClusterSnapshot is one cluster.
type ClusterSnapshot struct {
	Name          string             `json:"name"`
	Instances     []InstanceSnapshot `json:"instances"`
	Services      []ServiceSnapshot  `json:"services"`
	FargateTasks  []TaskSnapshot     `json:"fargateTasks"`
	Standalone    []TaskSnapshot     `json:"standaloneTasks"` // RunTask/StartTask tasks not yet stopped
	TasksByStatus map[string]int     `json:"tasksByStatus"`
	LastPlacement *Explanation       `json:"lastPlacement,omitempty"`
	CostUSD       float64            `json:"costUSD"`
}

// InstanceSnapshot is one container instance.
type InstanceSnapshot struct {
	Arn              string `json:"containerInstanceArn"`
	EC2InstanceID    string `json:"ec2InstanceId"`
	InstanceType     string `json:"instanceType"`
	AZ               string `json:"availabilityZone"`
	Status           string `json:"status"`
	RegisteredCPU    int    `json:"registeredCpu"`
	RegisteredMemory int    `json:"registeredMemory"`
	UsedCPU          int    `json:"usedCpu"`
	UsedMemory       int    `json:"usedMemory"`
	// ENIUsed of ENILimit: awsvpc tasks holding a network interface.
	ENIUsed  int            `json:"eniUsed"`
	ENILimit int            `json:"eniLimit"`
	Tasks    []TaskSnapshot `json:"tasks"`
}

// TaskSnapshot is one task.
type TaskSnapshot struct {
	ID            string `json:"id"`
	Group         string `json:"group"`
	Service       string `json:"service,omitempty"`
	Revision      string `json:"taskDefinition"`
	LastStatus    string `json:"lastStatus"`
	DesiredStatus string `json:"desiredStatus"`
	AZ            string `json:"availabilityZone"`
	CPU           int    `json:"cpu"`
	Memory        int    `json:"memory"`
}

// ServiceSnapshot is one service.
type ServiceSnapshot struct {
	Name           string         `json:"name"`
	TaskDefinition string         `json:"taskDefinition"`
	LaunchType     string         `json:"launchType"`
	Scheduling     string         `json:"schedulingStrategy"`
	Desired        int            `json:"desiredCount"`
	Running        int            `json:"runningCount"`
	Pending        int            `json:"pendingCount"`
	Steady         bool           `json:"steady"`
	TasksByStatus  map[string]int `json:"tasksByStatus"`
	Deployments    []DeploySnap   `json:"deployments"`
	Events         []string       `json:"events"` // newest first, at most 10
	CPUUtilization float64        `json:"cpuUtilization"`
	OfferedRPS     float64        `json:"offeredRps"`
	LastPlacement  *Explanation   `json:"lastPlacement,omitempty"`
}

// DeploySnap is one deployment.
type DeploySnap struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	Revision     string `json:"taskDefinition"`
	Running      int    `json:"runningCount"`
	Pending      int    `json:"pendingCount"`
	Failed       int    `json:"failedTasks"`
	RolloutState string `json:"rolloutState"`
}

func snapTask(t *Task) TaskSnapshot {
	return TaskSnapshot{ID: t.ID, Group: t.Group, Service: svcName(t.Service), Revision: t.TaskDef.FamilyRevision(),
		LastStatus: t.LastStatus, DesiredStatus: t.DesiredStatus, AZ: t.AZ, CPU: t.CPU, Memory: t.Memory}
}

// Snapshot captures the current state.
func (s *Sim) Snapshot() Snapshot {
	snap := Snapshot{At: s.k.Now(), LastSeq: s.eventSeq}
	for _, c := range s.Clusters() {
		cs := ClusterSnapshot{Name: c.Name, TasksByStatus: c.TasksByStatus(), LastPlacement: c.LastPlacement,
			CostUSD: s.ClusterCostUSD(c)}
		for _, ci := range c.instances {
			if ci.Status == "INACTIVE" {
				continue
			}
			is := InstanceSnapshot{Arn: ci.Arn, EC2InstanceID: ci.EC2.ID, InstanceType: ci.EC2.Type.Name, AZ: ci.EC2.AZ,
				Status: ci.Status, RegisteredCPU: ci.RegisteredCPU, RegisteredMemory: ci.RegisteredMemory,
				UsedCPU: ci.RegisteredCPU - ci.Cand.RemainingCPU, UsedMemory: ci.RegisteredMemory - ci.Cand.RemainingMemory,
				ENIUsed: ci.Cand.ENILimit - ci.Cand.RemainingENI, ENILimit: ci.Cand.ENILimit}
			for _, t := range ci.Tasks() {
				is.Tasks = append(is.Tasks, snapTask(t))
			}
			cs.Instances = append(cs.Instances, is)
		}
		var act []*Task
		for t := range c.active {
			act = append(act, t)
		}
		sortTasks(act)
		for _, t := range act {
			if t.LaunchType == "FARGATE" {
				cs.FargateTasks = append(cs.FargateTasks, snapTask(t))
			}
			if t.Service == nil {
				cs.Standalone = append(cs.Standalone, snapTask(t))
			}
		}
		for _, sv := range c.Services() {
			r, p := sv.Counts()
			ss := ServiceSnapshot{Name: sv.Name, TaskDefinition: sv.TaskDef.FamilyRevision(), LaunchType: sv.LaunchType,
				Scheduling: sv.SchedulingStrategy, Desired: sv.DesiredCount, Running: r, Pending: p, Steady: sv.steady,
				TasksByStatus: map[string]int{}, LastPlacement: sv.LastPlacement, OfferedRPS: s.OfferedRPS(sv)}
			ss.CPUUtilization, _, _ = s.Utilization(sv)
			ss.CPUUtilization = round2(ss.CPUUtilization)
			for t := range sv.tasks {
				ss.TasksByStatus[t.LastStatus]++
			}
			for _, d := range sv.Deployments {
				dr, dp := d.Counts()
				ss.Deployments = append(ss.Deployments, DeploySnap{d.ID, d.Status, d.TaskDef.FamilyRevision(), dr, dp, d.FailedTasks, d.RolloutState})
			}
			for i := len(sv.Events) - 1; i >= 0 && len(ss.Events) < 10; i-- {
				ss.Events = append(ss.Events, sv.Events[i].Message)
			}
			cs.Services = append(cs.Services, ss)
		}
		snap.Clusters = append(snap.Clusters, cs)
	}
	return snap
}

// ClusterCostUSD is EC2 instance time plus Fargate task time so far.
func (s *Sim) ClusterCostUSD(c *Cluster) float64 {
	return s.EC2CostUSD(c) + s.FargateCostUSD(c)
}

// Report is the ecs part of `report --json` (field names as docs/lab-checks.md lists them).
type Report struct {
	Clusters []ClusterReport `json:"clusters"`
}

// ClusterReport is one cluster in the report.
type ClusterReport struct {
	ClusterName   string           `json:"clusterName"`
	Instances     []InstanceReport `json:"instances"`
	Services      []ServiceReport  `json:"services"`
	TasksByStatus map[string]int   `json:"tasksByStatus"`
	CostUSD       float64          `json:"CostUSD"`
	// EC2CostUSD and FargateCostUSD split CostUSD: instance time and
	// Fargate task time.
	EC2CostUSD     float64 `json:"EC2CostUSD"`
	FargateCostUSD float64 `json:"FargateCostUSD"`
}

// InstanceReport is one container instance in the report.
type InstanceReport struct {
	EC2InstanceID     string `json:"ec2InstanceId"`
	InstanceType      string `json:"instanceType"`
	AvailabilityZone  string `json:"availabilityZone"`
	Status            string `json:"status"`
	RunningTasksCount int    `json:"runningTasksCount"`
	RemainingCPU      int    `json:"remainingCpu"`
	RemainingMemory   int    `json:"remainingMemory"`
}

// ServiceReport is one service in the report.
type ServiceReport struct {
	ServiceName    string  `json:"serviceName"`
	DesiredCount   int     `json:"desiredCount"`
	RunningCount   int     `json:"runningCount"`
	PendingCount   int     `json:"pendingCount"`
	CPUUtilization float64 `json:"CPUUtilization"`
	Deployments    int     `json:"deployments"`
	RolloutState   string  `json:"rolloutState"`
	Events         int     `json:"events"`
}

// Report summarizes every cluster.
func (s *Sim) Report() Report {
	r := Report{Clusters: []ClusterReport{}}
	for _, c := range s.Clusters() {
		cr := ClusterReport{ClusterName: c.Name, Instances: []InstanceReport{}, Services: []ServiceReport{},
			TasksByStatus: c.TasksByStatus(), CostUSD: math.Round(s.ClusterCostUSD(c)*1e6) / 1e6,
			EC2CostUSD: math.Round(s.EC2CostUSD(c)*1e6) / 1e6, FargateCostUSD: math.Round(s.FargateCostUSD(c)*1e6) / 1e6}
		for _, ci := range c.instances {
			cr.Instances = append(cr.Instances, InstanceReport{ci.EC2.ID, ci.EC2.Type.Name, ci.EC2.AZ, ci.Status,
				ci.Cand.Running, ci.Cand.RemainingCPU, ci.Cand.RemainingMemory})
		}
		for _, sv := range c.Services() {
			run, pend := sv.Counts()
			cpu, _, _ := s.Utilization(sv)
			cr.Services = append(cr.Services, ServiceReport{sv.Name, sv.DesiredCount, run, pend, round2(cpu),
				len(sv.Deployments), sv.Primary().RolloutState, len(sv.Events)})
		}
		r.Clusters = append(r.Clusters, cr)
	}
	return r
}

// ReportText is the plain-text ECS report (empty when there are no
// clusters; it starts with a newline so it can follow other text).
func (s *Sim) ReportText() string {
	var b strings.Builder
	if len(s.Clusters()) > 0 {
		b.WriteString("\n")
	}
	for _, c := range s.Clusters() {
		reg, run, pend, _ := c.Counts()
		fmt.Fprintf(&b, "ecs cluster %s: %d container instances, %d tasks running, %d pending, cost $%.4f (EC2 instances $%.4f, Fargate tasks $%.4f)\n",
			c.Name, reg, run, pend, s.ClusterCostUSD(c), s.EC2CostUSD(c), s.FargateCostUSD(c))
		for _, sv := range c.Services() {
			r, p := sv.Counts()
			cpu, _, _ := s.Utilization(sv)
			fmt.Fprintf(&b, "  service %s (%s): desired %d, running %d, pending %d, CPU %.1f%%, rollout %s\n",
				sv.Name, sv.TaskDef.FamilyRevision(), sv.DesiredCount, r, p, cpu, sv.Primary().RolloutState)
		}
	}
	return b.String()
}
