package lab

import (
	"encoding/json"
	"sort"

	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/sim"
)

// The check environment is built from the account's `report --json` object
// (the contract between the simulated services and everything that grades
// them), decoded into the typed structs below. Fields a service does not
// report yet stay zero.

type reportShape struct {
	Clock  string `json:"clock"`
	Lambda struct {
		Functions []json.RawMessage `json:"functions"`
	} `json:"lambda"`
	ECS struct {
		Clusters []clusterShape `json:"clusters"`
	} `json:"ecs"`
	EC2 struct {
		Instances []*Instance `json:"instances"`
	} `json:"ec2"`
}

type clusterShape struct {
	ClusterName string `json:"clusterName"`
	Instances   []struct {
		Ec2InstanceId     string `json:"ec2InstanceId"`
		InstanceType      string `json:"instanceType"`
		AvailabilityZone  string `json:"availabilityZone"`
		Status            string `json:"status"`
		RunningTasksCount int    `json:"runningTasksCount"`
		RemainingCpu      int    `json:"remainingCpu"`
		RemainingMemory   int    `json:"remainingMemory"`
	} `json:"instances"`
	Services []struct {
		ServiceName    string         `json:"serviceName"`
		Status         string         `json:"status"`
		TaskDefinition string         `json:"taskDefinition"`
		DesiredCount   int            `json:"desiredCount"`
		RunningCount   int            `json:"runningCount"`
		PendingCount   int            `json:"pendingCount"`
		Deployments    int            `json:"deployments"`
		RolloutState   string         `json:"rolloutState"`
		Events         []any          `json:"events"`
		AZs            map[string]int `json:"runningByAvailabilityZone"`
	} `json:"services"`
	Tasks []struct {
		TaskArn          string `json:"taskArn"`
		TaskDefinition   string `json:"taskDefinitionArn"`
		Group            string `json:"group"`
		LastStatus       string `json:"lastStatus"`
		DesiredStatus    string `json:"desiredStatus"`
		AvailabilityZone string `json:"availabilityZone"`
		Ec2InstanceId    string `json:"ec2InstanceId"`
		LaunchType       string `json:"launchType"`
		StopCode         string `json:"stopCode"`
		StoppedReason    string `json:"stoppedReason"`
	} `json:"tasks"`
	TasksByStatus map[string]int `json:"tasksByStatus"`
	CostUSD       float64        `json:"CostUSD"`
}

// reportOf returns the account's report as plain JSON values and decoded.
func reportOf(acct *cloud.Account) (map[string]any, *reportShape) {
	b, err := json.Marshal(acct.Report())
	if err != nil {
		return map[string]any{}, &reportShape{}
	}
	var m map[string]any
	var rs reportShape
	_ = json.Unmarshal(b, &m)
	_ = json.Unmarshal(b, &rs)
	if m == nil {
		m = map[string]any{}
	}
	return m, &rs
}

// refresh rebuilds the check environment from the account.
func (r *Runner) refresh() {
	e := &Env{series: r.series}
	now := r.Acct.Kernel.Now()
	e.Now = now.Seconds()
	e.Clock = sim.FormatClock(now)
	e.Commands = len(r.history)
	e.History = r.history
	if n := len(r.history); n > 0 {
		e.Last = r.history[n-1]
	}
	e.Logs = r.logs
	m, rs := reportOf(r.Acct)
	e.Report = m
	for _, raw := range rs.Lambda.Functions {
		f := &Function{ReservedConcurrency: -1}
		if json.Unmarshal(raw, f) != nil {
			continue
		}
		f.Exists = true
		if f.ThrottlesByReason == nil {
			f.ThrottlesByReason = map[string]int{}
		}
		f.env = e
		e.Functions = append(e.Functions, f)
	}
	addLambdaDetail(r.Acct, e)
	for _, cs := range rs.ECS.Clusters {
		c := &Cluster{ClusterName: cs.ClusterName, Exists: true, TasksByStatus: cs.TasksByStatus, CostUSD: cs.CostUSD}
		if c.TasksByStatus == nil {
			c.TasksByStatus = map[string]int{}
		}
		for _, in := range cs.Instances {
			ci := ContainerInstance(in)
			c.Instances = append(c.Instances, &ci)
		}
		for _, s := range cs.Services {
			sv := &Service{ServiceName: s.ServiceName, Exists: true, Status: s.Status, TaskDefinition: s.TaskDefinition,
				DesiredCount: s.DesiredCount, RunningCount: s.RunningCount, PendingCount: s.PendingCount,
				Deployments: s.Deployments, RolloutState: s.RolloutState, AZs: s.AZs}
			if sv.AZs == nil {
				sv.AZs = map[string]int{}
			}
			for _, ev := range s.Events {
				switch ev := ev.(type) {
				case string:
					sv.Events = append(sv.Events, ev)
				case map[string]any:
					if msg, ok := ev["message"].(string); ok {
						sv.Events = append(sv.Events, msg)
					}
				}
			}
			c.Services = append(c.Services, sv)
		}
		for _, t := range cs.Tasks {
			tk := Task(t)
			c.Tasks = append(c.Tasks, &tk)
		}
		c.Running = c.TasksByStatus["RUNNING"]
		c.Pending = c.TasksByStatus["PENDING"] + c.TasksByStatus["PROVISIONING"]
		e.Clusters = append(e.Clusters, c)
	}
	e.Instances = rs.EC2.Instances
	sort.Slice(e.Functions, func(i, j int) bool { return e.Functions[i].FunctionName < e.Functions[j].FunctionName })
	sort.Slice(e.Clusters, func(i, j int) bool { return e.Clusters[i].ClusterName < e.Clusters[j].ClusterName })
	r.env = e
}

type namedCounters struct {
	name string
	Counters
}

// sampleCounters reads every function's cumulative counters.
func sampleCounters(acct *cloud.Account) []namedCounters {
	_, rs := reportOf(acct)
	var out []namedCounters
	for _, raw := range rs.Lambda.Functions {
		var f Function
		if json.Unmarshal(raw, &f) != nil {
			continue
		}
		out = append(out, namedCounters{name: f.FunctionName, Counters: Counters{
			Requests: f.Requests, Invocations: f.Invocations, Throttles: f.Throttles, Errors: f.Errors,
			ColdStarts: f.ColdStarts, Spillover: f.ProvisionedConcurrencySpilloverInvocations,
			DeadLetters: f.DeadLetters, AsyncRetries: f.AsyncRetries, Concurrency: f.Busy,
		}})
	}
	return out
}

// addLambdaDetail fills what the report does not carry (current
// environments by state, configuration).
func addLambdaDetail(acct *cloud.Account, e *Env) {}
