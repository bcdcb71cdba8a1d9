package lab

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
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
			ClusterName    string  `json:"clusterName"`
			CostUSD        float64 `json:"CostUSD"`
			EC2CostUSD     float64 `json:"EC2CostUSD"`
			FargateCostUSD float64 `json:"FargateCostUSD"`
		} `json:"clusters"`
	} `json:"ecs"`
}

// reportOf returns the account's report decoded and, when asMap, also as
// plain JSON values (the checks' `report`; decoding it is a third of a
// refresh, so only labs whose checks name it pay for it).
func reportOf(acct *cloud.Account, asMap bool) (map[string]any, *reportShape) {
	b, err := json.Marshal(acct.Report())
	if err != nil {
		return map[string]any{}, &reportShape{}
	}
	var m map[string]any
	var rs reportShape
	if asMap {
		_ = json.Unmarshal(b, &m)
	}
	_ = json.Unmarshal(b, &rs)
	if m == nil {
		m = map[string]any{}
	}
	return m, &rs
}

// refresh rebuilds the check environment from the account.
func (r *Runner) refresh() {
	e := &Env{window: func(name string, d time.Duration) Window { return windowOf(r.Acct, name, d) },
		perSecond: func(name string, from float64) []Second { return secondsOf(r.Acct, name, from) }}
	now := r.Acct.Kernel.Now()
	e.Now = now.Seconds()
	e.Clock = sim.FormatClock(now)
	e.Commands = len(r.history)
	e.History = r.history
	if n := len(r.history); n > 0 {
		e.Last = r.history[n-1]
	}
	e.Logs = r.RecentLogs(maxLogInvocations)
	e.Invocations = invocationsOf(r.Acct)
	m, rs := reportOf(r.Acct, r.Lab.usesReport())
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
			cl.CostUSD, cl.EC2CostUSD, cl.FargateCostUSD = c.CostUSD, c.EC2CostUSD, c.FargateCostUSD
		}
	}
	e.Instances = ec2Instances(r.Acct.EC2)
	e.Addresses = ec2Addresses(r.Acct.EC2)
	e.Amis = ec2Amis(r.Acct.EC2)
	e.Groups = ec2Groups(r.Acct.EC2)
	e.LaunchTemplates = ec2Templates(r.Acct.EC2)
	e.Images = dockerImages(r.Acct.Docker)
	e.Builds = dockerBuilds(r.Acct.Docker, r.stepBuilds)
	e.Repositories = ecrRepositories(r.Acct.ECR)
	e.Logins = r.Acct.Docker.Logins()
	e.Containers = dockerContainers(r.Acct.Docker)
	e.ScalableTargets, e.ScalingPolicies, e.ScalingActivities = autoScaling(r.Acct.ECS)
	r.stepInfo(e)
	sort.Slice(e.Functions, func(i, j int) bool { return e.Functions[i].FunctionName < e.Functions[j].FunctionName })
	sort.Slice(e.Clusters, func(i, j int) bool { return e.Clusters[i].ClusterName < e.Clusters[j].ClusterName })
	r.env = e
}

// stepInfo fills what happened since the current step began: the step
// object and each function's Step counters (totals now minus totals at the
// step's start).
func (r *Runner) stepInfo(e *Env) {
	now := r.Acct.Kernel.Now()
	e.Step = StepInfo{Number: r.current + 1, Start: r.stepAt.Seconds(), Elapsed: (now - r.stepAt).Seconds()}
	if r.stepCmd <= len(r.history) {
		e.Step.History = r.history[r.stepCmd:]
	}
	e.Step.Commands = len(e.Step.History)
	for _, f := range e.Functions {
		b := r.stepBase[f.FunctionName]
		d := func(now, then int) int { return max(0, now-then) }
		c := StepCounters{
			Requests: d(f.Requests, b.Requests), Invocations: d(f.Invocations, b.Invocations),
			Throttles: d(f.Throttles, b.Throttles), Errors: d(f.Errors, b.Errors), Timeouts: d(f.Timeouts, b.Timeouts),
			ColdStarts:                                 d(f.ColdStarts, b.ColdStarts),
			ProvisionedConcurrencyInvocations:          d(f.ProvisionedConcurrencyInvocations, b.ProvisionedConcurrencyInvocations),
			ProvisionedConcurrencySpilloverInvocations: d(f.ProvisionedConcurrencySpilloverInvocations, b.ProvisionedConcurrencySpilloverInvocations),
			AsyncRetries:                               d(f.AsyncRetries, b.AsyncRetries), DeadLetters: d(f.DeadLetters, b.DeadLetters),
			AsyncEventsReceived: d(f.AsyncEventsReceived, b.AsyncEventsReceived),
			ThrottlesByReason:   map[string]int{}, DeadLettersByCondition: map[string]int{},
			CostUSD: max(0, f.CostUSD-b.CostUSD),
		}
		for k, v := range f.ThrottlesByReason {
			if n := d(v, b.ThrottlesByReason[k]); n > 0 {
				c.ThrottlesByReason[k] = n
			}
		}
		for k, v := range f.DeadLettersByCondition {
			if n := d(v, b.DeadLettersByCondition[k]); n > 0 {
				c.DeadLettersByCondition[k] = n
			}
		}
		// Busy environment-seconds: the report's time average times the
		// elapsed time, now and at the step's start.
		c.BusyEnvironmentSeconds = max(0, f.AvgBusyEnvironments*now.Seconds()-b.AvgBusyEnvironments*r.stepAt.Seconds())
		c.ConcurrentExecutionsMax, c.TrafficSeconds, c.AvgBusyEnvironments = stepSeries(r.Acct, f.FunctionName, r.stepAt, now)
		f.Step = c
	}
}

// busyWindow is how many of the latest seconds with traffic
// StepCounters.AvgBusyEnvironments averages over.
const busyWindow = 60

// stepSeries reads the per-second series from the second the step began
// to now: the most environments busy at once, how many seconds had
// requests, and the busy environments (ConcurrentExecutions, the maximum
// of each second) averaged over the last busyWindow of those seconds.
func stepSeries(acct *cloud.Account, name string, from, now time.Duration) (concMax, trafficSeconds int, avgBusy float64) {
	if acct.Lambda == nil {
		return 0, 0, 0
	}
	f, err := acct.Lambda.Function(name)
	if err != nil {
		return 0, 0, 0
	}
	n := min(3600, int(now/time.Second-from/time.Second)+1)
	conc, err1 := f.Series("ConcurrentExecutions", time.Second, n)
	reqs, err2 := f.Series("Requests", time.Second, n)
	if err1 != nil || err2 != nil || len(conc) != len(reqs) {
		return 0, 0, 0
	}
	var busy []float64
	for i := range conc {
		concMax = max(concMax, int(conc[i].Value))
		if reqs[i].Value > 0 {
			trafficSeconds++
			busy = append(busy, conc[i].Value)
		}
	}
	if len(busy) > busyWindow {
		busy = busy[len(busy)-busyWindow:]
	}
	for _, b := range busy {
		avgBusy += b
	}
	if len(busy) > 0 {
		avgBusy /= float64(len(busy))
	}
	return concMax, trafficSeconds, avgBusy
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
			f.Aliases, f.ProvisionedConfigs = map[string]string{}, map[string]int{}
			for _, a := range lf.Aliases() {
				f.Aliases[a.Name] = a.Version
			}
			for _, pc := range lf.ProvisionedConfigs() {
				f.ProvisionedConfigs[pc.Qualifier] = pc.Requested
			}
		}
		f.LastInvocationEnd = -1
		for _, inv := range e.Invocations {
			if inv.FunctionName == f.FunctionName {
				f.LastInvocationEnd = inv.End
			}
		}
	}
}

// invocationsOf reads the recent completed invocations from their log
// lines: START gives the request id and version, REPORT whether Init ran.
func invocationsOf(acct *cloud.Account) []*Invocation {
	if acct.Lambda == nil {
		return nil
	}
	var out []*Invocation
	byID := map[string]*Invocation{}
	lastEnd := map[string]float64{}
	for _, ev := range acct.Lambda.RecentLogEvents(maxLogInvocations) {
		f := strings.Fields(ev.Line)
		if len(f) < 3 || f[1] != "RequestId:" {
			continue
		}
		id := f[2]
		inv := byID[id]
		if inv == nil {
			inv = &Invocation{FunctionName: ev.Function, RequestId: id, End: time.Duration(ev.End).Seconds(), SincePrevious: -1}
			if t, ok := lastEnd[ev.Function]; ok {
				inv.SincePrevious = inv.End - t
			}
			lastEnd[ev.Function] = inv.End
			byID[id] = inv
			out = append(out, inv)
		}
		switch f[0] {
		case "START":
			if len(f) >= 5 && f[3] == "Version:" {
				inv.Version = f[4]
			}
		case "REPORT":
			inv.Cold = strings.Contains(ev.Line, "Init Duration")
			inv.DurationMs = reportMs(ev.Line, "\tDuration: ")
			inv.InitDurationMs = reportMs(ev.Line, "\tInit Duration: ")
		}
	}
	return out
}

// secondsOf returns a function's per-second counters from the second
// holding from (seconds) to now.
func secondsOf(acct *cloud.Account, name string, from float64) []Second {
	if acct.Lambda == nil {
		return nil
	}
	f, err := acct.Lambda.Function(name)
	if err != nil {
		return nil
	}
	now := acct.Kernel.Now()
	start := time.Duration(max(0, from) * float64(time.Second))
	n := min(3600, int(now/time.Second-start/time.Second)+1)
	if n <= 0 {
		return nil
	}
	metrics := []string{"Requests", "Invocations", "Throttles", "Errors", "ColdStarts", "ProvisionedConcurrencyInvocations",
		"ProvisionedConcurrencySpilloverInvocations", "ConcurrentExecutions"}
	var out []Second
	for mi, m := range metrics {
		pts, err := f.Series(m, time.Second, n)
		if err != nil {
			return nil
		}
		if mi == 0 {
			out = make([]Second, len(pts))
		}
		for i, p := range pts {
			if i >= len(out) {
				break
			}
			s := &out[i]
			s.At = p.At.Seconds()
			v := int(p.Value + 0.5)
			switch m {
			case "Requests":
				s.Requests = v
			case "Invocations":
				s.Invocations = v
			case "Throttles":
				s.Throttles = v
			case "Errors":
				s.Errors = v
			case "ColdStarts":
				s.ColdStarts = v
			case "ProvisionedConcurrencyInvocations":
				s.ProvisionedConcurrencyInvocations = v
			case "ProvisionedConcurrencySpilloverInvocations":
				s.ProvisionedConcurrencySpilloverInvocations = v
			case "ConcurrentExecutions":
				s.ConcurrentExecutions = v
			}
		}
	}
	return out
}

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

// reportMs reads a "NAME: 12.34 ms" field of a REPORT line (0 when absent).
func reportMs(line, field string) float64 {
	_, rest, ok := strings.Cut(line, field)
	if !ok {
		return 0
	}
	num, _, _ := strings.Cut(rest, " ")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0
	}
	return v
}
