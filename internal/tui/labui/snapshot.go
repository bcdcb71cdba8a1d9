package labui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/lab"
)

// snapshot is what the live panes draw: built in Update after the
// simulation moves (never in View), so View only formats.
type snapshot struct {
	clock string
	now   time.Duration

	fns  []fnView
	logs []string

	clusters  []clusterView
	placement []string

	hosts      []hostView // EC2 instances outside any ECS cluster
	terminated int        // of those, how many are terminated
	groups     []string   // one line per Auto Scaling group
}

type hostView struct {
	id, typ, state, az, publicIP, group string
	spot                                bool
}

type fnView struct {
	name                                  string
	initializing, idle, busy, provisioned int
	invocations, throttles, cold, errors  int
	conc, thr                             []int // per simulated second, oldest first
	concMax                               int
	// nextExpiry is the keep-alive time left of the idle on-demand
	// environment that expires first (0: none); oldest the oldest's age.
	nextExpiry, oldest time.Duration
}

type clusterView struct {
	name     string
	azs      []azView
	services []serviceView
	events   []string
	running  int
	pending  int
	legend   []string // task letter = service or family
}

type azView struct {
	name      string
	instances []instanceView
}

type instanceView struct {
	id, typ, status   string
	cpuUsed, cpuTotal int
	memUsed, memTotal int
	tasks             []taskView
}

type taskView struct {
	group, letter, status string
}

type serviceView struct {
	name                      string
	desired, running, pending int
	deployments               int
}

// chartSeconds is how many simulated seconds the graphs show: one bar per
// second, from the function's per-second CloudWatch series.
const chartSeconds = 120

// buildSnapshot reads the runner's current state.
func buildSnapshot(r *lab.Runner) snapshot {
	env := r.Env()
	s := snapshot{clock: env.Clock, now: time.Duration(env.Now * float64(time.Second))}
	for _, f := range env.Functions {
		v := fnView{name: f.FunctionName, initializing: f.Initializing, idle: f.Idle, busy: f.Busy,
			provisioned: f.Provisioned, invocations: f.Invocations, throttles: f.Throttles, cold: f.ColdStarts,
			errors: f.Errors, concMax: f.ConcurrentExecutionsMax,
			nextExpiry: secs(f.NextExpirySeconds), oldest: secs(f.OldestEnvironmentSeconds),
			conc: ints(r.Series(f.FunctionName, "ConcurrentExecutions", chartSeconds)),
			thr:  ints(r.Series(f.FunctionName, "Throttles", chartSeconds))}
		s.fns = append(s.fns, v)
	}
	for _, l := range r.RecentLogs(8) {
		s.logs = append(s.logs, shortLog(l))
	}
	for _, c := range env.Clusters {
		s.clusters = append(s.clusters, clusterOf(c))
	}
	s.placement = placementOf(r)
	for _, in := range env.Instances {
		if in.Cluster != "" {
			continue
		}
		if in.State == "terminated" {
			s.terminated++
			continue
		}
		h := hostView{id: in.InstanceId, typ: in.InstanceType, state: in.State, az: in.AvailabilityZone, publicIP: in.PublicIpAddress, spot: in.Spot}
		for _, g := range env.Groups {
			if slices.Contains(g.Instances, in.InstanceId) {
				h.group = g.AutoScalingGroupName
			}
		}
		s.hosts = append(s.hosts, h)
	}
	for _, g := range env.Groups {
		var zs []string
		for _, z := range g.AvailabilityZones {
			zs = append(zs, fmt.Sprintf("%s:%d", strings.TrimPrefix(z, "us-east-"), g.Zones[z]))
		}
		s.groups = append(s.groups, fmt.Sprintf("asg %s  desired %d  in service %d  (%s)", g.AutoScalingGroupName, g.Desired, g.InService, strings.Join(zs, " ")))
	}
	return s
}

func clusterOf(c *lab.Cluster) clusterView {
	cv := clusterView{name: c.ClusterName, running: c.Running, pending: c.Pending}
	byAZ := map[string]*azView{}
	var order []string
	tasksOn := map[string][]taskView{}
	letters := map[string]string{}
	used := map[rune]bool{}
	letterFor := func(g string) string {
		if l, ok := letters[g]; ok {
			return l
		}
		// The group's first unused letter, else the first unused of a-z.
		cands := strings.ToLower(g) + "abcdefghijklmnopqrstuvwxyz"
		l := "?"
		for _, r := range cands {
			if r >= 'a' && r <= 'z' && !used[r] {
				used[r] = true
				l = string(r)
				break
			}
		}
		letters[g] = l
		cv.legend = append(cv.legend, l+"="+g)
		return l
	}
	for _, sv := range c.Services {
		letterFor(sv.ServiceName)
	}
	for _, t := range c.Tasks {
		if t.LastStatus == "STOPPED" {
			continue
		}
		g := strings.TrimPrefix(t.Group, "service:")
		g = strings.TrimPrefix(g, "family:")
		tasksOn[t.Ec2InstanceId] = append(tasksOn[t.Ec2InstanceId], taskView{group: g, letter: letterFor(g), status: t.LastStatus})
	}
	for _, in := range c.Instances {
		az := byAZ[in.AvailabilityZone]
		if az == nil {
			az = &azView{name: in.AvailabilityZone}
			byAZ[in.AvailabilityZone] = az
			order = append(order, in.AvailabilityZone)
		}
		iv := instanceView{id: in.Ec2InstanceId, typ: in.InstanceType, status: in.Status, tasks: tasksOn[in.Ec2InstanceId]}
		iv.cpuTotal, iv.memTotal = in.RegisteredCpu, in.RegisteredMemory
		iv.cpuUsed = max(0, in.RegisteredCpu-in.RemainingCpu)
		iv.memUsed = max(0, in.RegisteredMemory-in.RemainingMemory)
		az.instances = append(az.instances, iv)
	}
	sort.Strings(order)
	for _, name := range order {
		cv.azs = append(cv.azs, *byAZ[name])
	}
	if fargate := tasksOn[""]; len(fargate) > 0 {
		cv.azs = append(cv.azs, azView{name: "Fargate", instances: []instanceView{{id: "fargate", typ: "", status: "ACTIVE", tasks: fargate}}})
	}
	for _, sv := range c.Services {
		cv.services = append(cv.services, serviceView{name: sv.ServiceName, desired: sv.DesiredCount,
			running: sv.RunningCount, pending: sv.PendingCount, deployments: sv.Deployments})
		for _, e := range sv.Events {
			cv.events = append(cv.events, e)
		}
	}
	if len(cv.events) > 50 {
		cv.events = cv.events[len(cv.events)-50:]
	}
	return cv
}

// placementOf returns the explanation of the last ECS placement decision.
func placementOf(r *lab.Runner) []string { return r.Placement() }

// shortLog shortens a log line for the pane: request ids to 8 characters,
// tabs to two spaces.
func shortLog(l string) string {
	if i := strings.Index(l, "RequestId: "); i >= 0 {
		j := i + len("RequestId: ")
		k := j
		for k < len(l) && l[k] != ' ' && l[k] != '\t' {
			k++
		}
		if k-j > 8 {
			l = l[:j+8] + l[k:]
		}
	}
	l = strings.ReplaceAll(l, "\t", "  ")
	return strings.ReplaceAll(l, "Billed Duration", "Billed")
}

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func ints(xs []float64) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = int(x + 0.5)
	}
	return out
}
