package lab

import (
	"encoding/json"
	"sort"
	"time"

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
	e := &Env{window: func(name string, d time.Duration) Window { return windowOf(r.Acct, name, d) }}
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

// addLambdaDetail fills what the report does not carry: configuration and
// the current execution environments by state.
func addLambdaDetail(acct *cloud.Account, e *Env) {
	if acct.Lambda == nil {
		return
	}
	snap := acct.Lambda.Snapshot()
	for _, fs := range snap.Functions {
		f := e.fn(fs.Name)
		if !f.Exists {
			continue
		}
		f.Environments = len(fs.Environments)
		for _, en := range fs.Environments {
			switch en.State {
			case "INITIALIZING":
				f.Initializing++
			case "IDLE":
				f.Idle++
			case "BUSY":
				f.Busy++
			}
			if en.Provisioned && en.State != "INITIALIZING" {
				f.Provisioned++
			}
		}
		if lf, err := acct.Lambda.Function(fs.Name); err == nil && lf.Latest() != nil {
			f.MemorySize = lf.Latest().Cfg.MemoryMB
			f.Timeout = lf.Latest().Cfg.Timeout.Seconds()
		}
	}
}

// placementLines explains the most recent ECS placement decision.
func placementLines(acct *cloud.Account) []string { return nil }

// windowOf sums a function's per-second (or, beyond an hour, per-minute)
// CloudWatch series over the last d of simulated time.
func windowOf(acct *cloud.Account, name string, d time.Duration) Window {
	w := Window{Seconds: d.Seconds()}
	if acct.Lambda == nil || d <= 0 {
		return w
	}
	f, err := acct.Lambda.Function(name)
	if err != nil {
		return w
	}
	period := time.Second
	n := int((d + time.Second - 1) / time.Second)
	if n > 3600 {
		period = time.Minute
		n = min(1440, int((d+time.Minute-1)/time.Minute))
	}
	sum := func(metric string) int {
		pts, err := f.Series(metric, period, n)
		if err != nil {
			return 0
		}
		t := 0.0
		for _, p := range pts {
			t += p.Value
		}
		return int(t + 0.5)
	}
	w.Requests = sum("Requests")
	w.Invocations = sum("Invocations")
	w.Throttles = sum("Throttles")
	w.Errors = sum("Errors")
	w.ColdStarts = sum("ColdStarts")
	w.ProvisionedConcurrencySpilloverInvocations = sum("ProvisionedConcurrencySpilloverInvocations")
	if pts, err := f.Series("ConcurrentExecutions", period, n); err == nil {
		for _, p := range pts {
			w.ConcurrentExecutionsMax = max(w.ConcurrentExecutionsMax, int(p.Value))
		}
	}
	return w
}
