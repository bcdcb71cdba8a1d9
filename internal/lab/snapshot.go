package lab

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/sim"
)

// The check environment is built from the account's `report --json` object
// (Lambda metrics: the contract between the simulated services and
// everything that grades them), from Lambda's snapshot (environments by
// state), and from the ECS and EC2 services' state (ecsdetail.go).

type reportShape struct {
	Clock  string `json:"clock"`
	Lambda struct {
		Functions []json.RawMessage `json:"functions"`
	} `json:"lambda"`
	ECS struct {
		Clusters []struct {
			ClusterName string  `json:"clusterName"`
			CostUSD     float64 `json:"CostUSD"`
		} `json:"clusters"`
	} `json:"ecs"`
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
	e.Logs = r.RecentLogs(maxLogInvocations)
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
	e.Clusters = ecsClusters(r.Acct.ECS)
	for _, c := range rs.ECS.Clusters {
		if cl := e.cluster(c.ClusterName); cl.Exists {
			cl.CostUSD = c.CostUSD
		}
	}
	e.Instances = ec2Instances(r.Acct.EC2)
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
			f.OldestEnvironmentSeconds = max(f.OldestEnvironmentSeconds, en.Age.Seconds())
			if en.State == "IDLE" && en.ExpiresIn > 0 && (f.NextExpirySeconds == 0 || en.ExpiresIn.Seconds() < f.NextExpirySeconds) {
				f.NextExpirySeconds = en.ExpiresIn.Seconds()
			}
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
func placementLines(acct *cloud.Account) []string { return lastPlacement(acct.ECS) }

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
