package ecs

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

func TestDeploymentBounds(t *testing.T) {
	cases := []struct {
		desired, max, min int
		upper, lower      int
	}{
		{4, 200, 100, 8, 4},
		{4, 100, 50, 4, 2},
		{3, 150, 50, 4, 2},
		{5, 200, 50, 10, 3},
		{1, 200, 100, 2, 1},
		{1, 100, 0, 1, 0},
		{10, 125, 75, 12, 8},
		{0, 200, 100, 0, 0},
		{7, 100, 100, 7, 7},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("desired%d_max%d_min%d", tc.desired, tc.max, tc.min), func(t *testing.T) {
			u, l := Bounds(tc.desired, tc.max, tc.min)
			if u != tc.upper || l != tc.lower {
				t.Errorf("Bounds = %d, %d; want %d, %d", u, l, tc.upper, tc.lower)
			}
		})
	}
}

func TestCircuitBreakerThreshold(t *testing.T) {
	cases := map[int]int{0: 3, 1: 3, 2: 3, 5: 3, 6: 3, 7: 4, 10: 5, 25: 13, 399: 200, 400: 200, 1000: 200}
	for desired, want := range cases {
		if got := CircuitBreakerThreshold(desired); got != want {
			t.Errorf("CircuitBreakerThreshold(%d) = %d, want %d", desired, got, want)
		}
	}
}

func views(spec string) []TaskView {
	// spec: space-separated tokens like "r" (running kept), "p" (pending
	// kept), "R" (running outdated), "P" (pending outdated), "d" (running on
	// a draining instance).
	var out []TaskView
	for i, f := range strings.Fields(spec) {
		tv := TaskView{ID: fmt.Sprintf("%s%d", f, i), Instance: fmt.Sprintf("i%d", i%3), AZ: fmt.Sprintf("z%d", i%3), CreatedSeq: i}
		switch f {
		case "r":
			tv.Running = true
		case "R":
			tv.Running, tv.Outdated = true, true
		case "P":
			tv.Outdated = true
		case "d":
			tv.Running, tv.Draining = true, true
		}
		out = append(out, tv)
	}
	return out
}

func TestPlanReconcile(t *testing.T) {
	cases := []struct {
		name       string
		view       ServiceView
		start      int
		stopCount  int
		stopPrefix string // every stopped id starts with one of these letters
	}{
		{"create from nothing", ServiceView{Desired: 3, MaximumPercent: 200, MinimumHealthy: 100}, 3, 0, ""},
		{"steady", ServiceView{Desired: 3, MaximumPercent: 200, MinimumHealthy: 100, Tasks: views("r r r")}, 0, 0, ""},
		{"replace a lost task", ServiceView{Desired: 3, MaximumPercent: 200, MinimumHealthy: 100, Tasks: views("r r")}, 1, 0, ""},
		{"scale in", ServiceView{Desired: 1, MaximumPercent: 200, MinimumHealthy: 100, Tasks: views("r r r")}, 0, 2, "r"},
		{"rolling 100/200 starts new first", ServiceView{Desired: 4, MaximumPercent: 200, MinimumHealthy: 100, Tasks: views("R R R R")}, 4, 0, ""},
		{"rolling 100/200 stops old once new run", ServiceView{Desired: 4, MaximumPercent: 200, MinimumHealthy: 100, Tasks: views("R R R R r r r r")}, 0, 4, "R"},
		{"rolling 50/100 stops half first", ServiceView{Desired: 4, MaximumPercent: 100, MinimumHealthy: 50, Tasks: views("R R R R")}, 2, 2, "R"},
		{"rolling 100/100 cannot move", ServiceView{Desired: 4, MaximumPercent: 100, MinimumHealthy: 100, Tasks: views("R R R R")}, 0, 0, ""},
		{"rolling 100/150 partial", ServiceView{Desired: 4, MaximumPercent: 150, MinimumHealthy: 100, Tasks: views("R R R R")}, 2, 0, ""},
		{"pending outdated stopped at once", ServiceView{Desired: 2, MaximumPercent: 200, MinimumHealthy: 100, Tasks: views("R P")}, 2, 1, "P"},
		{"draining replaced within bounds", ServiceView{Desired: 3, MaximumPercent: 200, MinimumHealthy: 100, Tasks: views("d d r")}, 2, 0, ""},
		{"draining stopped when replacements run", ServiceView{Desired: 3, MaximumPercent: 200, MinimumHealthy: 100, Tasks: views("d d r r r")}, 0, 2, "d"},
		{"blocked launches", ServiceView{Desired: 3, MaximumPercent: 200, MinimumHealthy: 100, LaunchBlocked: true, Tasks: views("r")}, 0, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := PlanReconcile(tc.view)
			if p.Start != tc.start || len(p.Stop) != tc.stopCount {
				t.Fatalf("plan start %d stop %v; want start %d, %d stops", p.Start, p.Stop, tc.start, tc.stopCount)
			}
			for _, id := range p.Stop {
				if !strings.ContainsAny(id[:1], tc.stopPrefix) {
					t.Errorf("stopped %s, want only %q tasks", id, tc.stopPrefix)
				}
			}
		})
	}
}

func TestPlanDaemon(t *testing.T) {
	v := ServiceView{Daemon: true, DaemonInstances: []string{"i0", "i1", "i3"},
		Tasks: []TaskView{{ID: "a", Instance: "i0", Running: true}, {ID: "b", Instance: "i2", Running: true}, {ID: "c", Instance: "i1", Outdated: true, Running: true}}}
	p := PlanReconcile(v)
	if !reflect.DeepEqual(p.Stop, []string{"b", "c"}) || !reflect.DeepEqual(p.StartOn, []string{"i3"}) {
		t.Errorf("plan %+v", p)
	}
}

func TestRollingDeploymentEndToEnd(t *testing.T) {
	cases := []struct {
		name          string
		max, min      int
		maxConcurrent int // max tasks RUNNING+PENDING seen
		minHealthy    int // min RUNNING seen after the update
	}{
		{"default 100/200", 200, 100, 8, 4},
		{"50/100", 100, 50, 4, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, 5)
			w.cluster("c")
			w.instances("c", "m5.xlarge", "us-east-1a", "us-east-1b")
			w.taskdef(webTD("web", 256, 512, ""))
			w.taskdef(webTD("web", 256, 512, `, "environment": [{"name": "V", "value": "2"}]`))
			sv := w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web:1", DesiredCount: intp(4),
				MaximumPercent: intp(tc.max), MinimumHealthy: intp(tc.min)})
			w.advance(time.Minute)
			if _, err := w.ecs.UpdateService(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web:2"}); err != nil {
				t.Fatal(err)
			}
			maxSeen, minRunning := 0, 99
			for i := 0; i < 240; i++ {
				w.advance(250 * time.Millisecond)
				r, p := sv.Counts()
				maxSeen = max(maxSeen, r+p)
				minRunning = min(minRunning, r)
			}
			if maxSeen > tc.maxConcurrent || minRunning < tc.minHealthy {
				t.Errorf("max running+pending %d (limit %d), min running %d (floor %d)", maxSeen, tc.maxConcurrent, minRunning, tc.minHealthy)
			}
			for _, task := range sv.Tasks() {
				if task.DesiredStatus == StRunning && task.TaskDef.Revision != 2 {
					t.Errorf("task %s still on revision %d", task.ID, task.TaskDef.Revision)
				}
			}
			if len(sv.Deployments) != 1 || sv.Primary().RolloutState != "COMPLETED" || !sv.Steady() {
				t.Errorf("deployments %d, rollout %s, steady %v", len(sv.Deployments), sv.Primary().RolloutState, sv.Steady())
			}
		})
	}
}

func TestCircuitBreaker(t *testing.T) {
	cases := []struct {
		name     string
		rollback bool
	}{{"no rollback", false}, {"rollback", true}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, 6)
			w.cluster("c")
			w.instances("c", "m5.xlarge", "us-east-1a", "us-east-1b")
			w.taskdef(webTD("web", 256, 512, ""))
			w.taskdef(webTD("web", 256, 512, `, "command": ["exit", "1"]`))
			sv := w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web:1", DesiredCount: intp(4),
				CircuitBreaker: boolp(true), Rollback: boolp(tc.rollback)})
			w.advance(time.Minute)
			bad, err := w.ecs.UpdateService(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web:2"})
			if err != nil {
				t.Fatal(err)
			}
			failed := bad.Primary()
			w.advance(30 * time.Minute)
			if failed.RolloutState != "FAILED" || failed.FailedTasks < CircuitBreakerThreshold(4) {
				t.Fatalf("rollout %s after %d failed tasks", failed.RolloutState, failed.FailedTasks)
			}
			r, _ := sv.Counts()
			if r != 4 {
				t.Errorf("running %d, want the 4 old tasks kept", r)
			}
			var msgs []string
			for _, e := range sv.Events {
				msgs = append(msgs, e.Message)
			}
			all := strings.Join(msgs, "\n")
			if !strings.Contains(all, "deployment failed: tasks failed to start.") {
				t.Errorf("no failure event:\n%s", all)
			}
			if tc.rollback {
				if sv.TaskDef.Revision != 1 || sv.Primary().RolloutState != "COMPLETED" || !strings.Contains(all, "rolling back to deployment") {
					t.Errorf("after rollback: revision %d, rollout %s\n%s", sv.TaskDef.Revision, sv.Primary().RolloutState, all)
				}
			} else if sv.TaskDef.Revision != 2 {
				t.Errorf("without rollback the service keeps revision 2, got %d", sv.TaskDef.Revision)
			}
		})
	}
}

func TestDrainingMovesServiceTasks(t *testing.T) {
	w := newWorld(t, 7)
	c := w.cluster("c")
	w.instances("c", "m5.large", "us-east-1a", "us-east-1b", "us-east-1c")
	w.taskdef(webTD("web", 256, 512, ""))
	w.taskdef(webTD("job", 128, 128, ""))
	sv := w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web", DesiredCount: intp(3)})
	w.advance(time.Minute)
	drain := c.instances[0]
	res, err := w.ecs.StartTask(RunInput{Cluster: "c", TaskDefinition: "job", ContainerInstances: []string{drain.Arn}})
	if err != nil || len(res.Tasks) != 1 {
		t.Fatal(err, res)
	}
	job := res.Tasks[0]
	w.advance(time.Minute)
	if _, _, err := w.ecs.UpdateContainerInstancesState("c", []string{drain.Arn}, "DRAINING"); err != nil {
		t.Fatal(err)
	}
	w.advance(2 * time.Minute)
	for _, task := range sv.Tasks() {
		if task.Instance == drain && task.DesiredStatus == StRunning {
			t.Errorf("service task %s still on the draining instance", task.ID)
		}
	}
	if r, p := sv.Counts(); r != 3 || p != 0 {
		t.Errorf("running %d pending %d", r, p)
	}
	if job.LastStatus != StRunning {
		t.Errorf("standalone task on the draining instance is %s; draining leaves it alone", job.LastStatus)
	}
	if res, err := w.ecs.RunTask(RunInput{Cluster: "c", TaskDefinition: "job", Count: 10}); err != nil {
		t.Fatal(err)
	} else {
		for _, task := range res.Tasks {
			if task.Instance == drain {
				t.Error("run-task placed a task on a DRAINING instance")
			}
		}
	}
}

func TestInstanceFailureReplacesTasks(t *testing.T) {
	w := newWorld(t, 8)
	w.cluster("c")
	insts := w.instances("c", "m5.large", "us-east-1a", "us-east-1b", "us-east-1c")
	w.taskdef(webTD("web", 256, 512, ""))
	sv := w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web", DesiredCount: intp(6)})
	w.advance(time.Minute)
	var lost []*Task
	for _, task := range sv.Tasks() {
		if task.Instance.EC2 == insts[0] {
			lost = append(lost, task)
		}
	}
	if len(lost) != 2 {
		t.Fatalf("%d tasks on the instance, want 2", len(lost))
	}
	if err := w.ec2.Fail(insts[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, task := range lost {
		if task.LastStatus != StStopped || !strings.Contains(task.StoppedReason, insts[0].ID) {
			t.Errorf("lost task: %s %q", task.LastStatus, task.StoppedReason)
		}
	}
	w.advance(time.Minute)
	if r, p := sv.Counts(); r != 6 || p != 0 {
		t.Errorf("after replacement running %d pending %d", r, p)
	}
	az := azCounts(sv)
	if az["us-east-1a"] != 0 || az["us-east-1b"] != 3 || az["us-east-1c"] != 3 {
		t.Errorf("AZ spread after failure %v", az)
	}
}

// TestPendingCountExcludesUnplaceableTasks: a task the service scheduler
// cannot place is never created: it is not PENDING and stays out of
// runningCount and pendingCount; the service logs "unable to place a task"
// and keeps trying.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html (pendingCount)
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages-list.html
func TestPendingCountExcludesUnplaceableTasks(t *testing.T) {
	w := newWorld(t, 9)
	w.cluster("c")
	w.instances("c", "t3.micro", "us-east-1a")
	w.taskdef(webTD("web", 256, 400, ""))
	sv := w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web", DesiredCount: intp(3)})
	w.advance(time.Minute)
	r, p := sv.Counts()
	if r != 2 || p != 0 || sv.Unplaced != 1 {
		t.Fatalf("running %d pending %d unplaced %d, want 2, 0 and 1 (t3.micro registers %d MiB)", r, p, sv.Unplaced, sv.Cluster.instances[0].RegisteredMemory)
	}
	if _, _, pending, _ := sv.Cluster.Counts(); pending != 0 {
		t.Errorf("cluster pendingTasksCount %d, want 0", pending)
	}
	for _, tk := range sv.Cluster.Tasks() {
		if tk.LastStatus != StRunning {
			t.Errorf("task %s is %s: an unplaceable task must not exist", tk.ID, tk.LastStatus)
		}
	}
	found := false
	for _, e := range sv.Events {
		if strings.Contains(e.Message, "was unable to place a task because no container instance met all of its requirements. The closest matching container-instance") &&
			strings.Contains(e.Message, "has insufficient memory available") {
			found = true
		}
	}
	if !found {
		t.Errorf("no unable-to-place event: %+v", sv.Events)
	}
	// New capacity: the pending task is placed.
	w.instances("c", "t3.micro", "us-east-1b")
	w.advance(time.Minute)
	if r, p := sv.Counts(); r != 3 || p != 0 {
		t.Errorf("after adding capacity running %d pending %d", r, p)
	}
}

func TestRunTaskFailures(t *testing.T) {
	w := newWorld(t, 10)
	w.cluster("c")
	w.instances("c", "t3.small", "us-east-1a", "us-east-1b")
	w.taskdef(`{"family": "web", "networkMode": "host", "containerDefinitions": [{"name": "w", "image": "nginx", "memory": 128, "portMappings": [{"containerPort": 80}]}]}`)
	res, err := w.ecs.RunTask(RunInput{Cluster: "c", TaskDefinition: "web", Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tasks) != 2 || len(res.Failures) != 1 || res.Failures[0].Reason != ReasonPorts {
		t.Fatalf("tasks %d failures %+v", len(res.Tasks), res.Failures)
	}
	if res.Tasks[0].Instance == res.Tasks[1].Instance {
		t.Error("two host-mode tasks on one instance")
	}
	if _, err := w.ecs.RunTask(RunInput{Cluster: "c", TaskDefinition: "web", Count: 11}); err == nil {
		t.Error("count 11 accepted")
	}
	if _, err := w.ecs.RunTask(RunInput{Cluster: "nope", TaskDefinition: "web"}); err == nil || err.(*NotFound).Code != "ClusterNotFoundException" {
		t.Errorf("unknown cluster: %v", err)
	}
}

func TestDaemonService(t *testing.T) {
	w := newWorld(t, 11)
	c := w.cluster("c")
	w.instances("c", "m5.large", "us-east-1a", "us-east-1b")
	w.taskdef(webTD("agent", 128, 128, ""))
	sv := w.service(ServiceInput{Cluster: "c", ServiceName: "agent", TaskDefinition: "agent", SchedulingStrategy: "DAEMON"})
	w.advance(time.Minute)
	if r, _ := sv.Counts(); r != 2 || sv.DesiredCount != 2 {
		t.Fatalf("running %d desired %d, want 2", r, sv.DesiredCount)
	}
	w.instances("c", "m5.large", "us-east-1c")
	w.advance(time.Minute)
	if r, _ := sv.Counts(); r != 3 {
		t.Errorf("after a new instance running %d, want 3", r)
	}
	w.ecs.UpdateContainerInstancesState("c", []string{c.instances[0].Arn}, "DRAINING")
	w.advance(time.Minute)
	if r, _ := sv.Counts(); r != 2 || sv.DesiredCount != 2 {
		t.Errorf("after draining one: running %d desired %d", r, sv.DesiredCount)
	}
	if _, err := w.ecs.CreateService(ServiceInput{Cluster: "c", ServiceName: "x", TaskDefinition: "agent", SchedulingStrategy: "DAEMON", LaunchType: "FARGATE"}); err == nil {
		t.Error("DAEMON on Fargate accepted")
	}
}

func TestFargateServiceAndCost(t *testing.T) {
	w := newWorld(t, 12)
	c := w.cluster("c")
	w.taskdef(string(readTestdata(t, "webserver-fargate.json")))
	sv := w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "fargate-task-definition", DesiredCount: intp(3), LaunchType: "FARGATE"})
	w.advance(10 * time.Second)
	for _, task := range sv.Tasks() {
		if task.LastStatus != StProvisioning {
			t.Errorf("task %s at 10 s, want PROVISIONING", task.LastStatus)
		}
	}
	w.advance(50 * time.Second)
	if r, _ := sv.Counts(); r != 3 {
		t.Fatalf("running %d", r)
	}
	if az := azCounts(sv); len(az) != 3 {
		t.Errorf("Fargate AZ spread %v", az)
	}
	// Stop one task 30 s after its pull started: billed for the 1-minute minimum.
	if _, err := w.ecs.UpdateService(ServiceInput{Cluster: "c", ServiceName: "web", DesiredCount: intp(0)}); err != nil {
		t.Fatal(err)
	}
	w.advance(time.Minute)
	// Each task: 0.25 vCPU x $0.04048 + 0.5 GB x $0.004445 per hour, 60 s minimum.
	perTask := 60.0 / 3600 * (0.25*0.04048 + 0.5*0.004445)
	got := w.ecs.FargateCostUSD(c)
	if got < 3*perTask-1e-9 || got > 3*perTask*1.2 {
		t.Errorf("Fargate cost %.8f, want about %.8f", got, 3*perTask)
	}
}

func TestAutoScalingTargetTracking(t *testing.T) {
	w := newWorld(t, 13)
	w.cluster("c")
	w.instances("c", "m5.2xlarge", "us-east-1a", "us-east-1b")
	w.taskdef(webTD("web", 256, 512, ""))
	sv := w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web", DesiredCount: intp(2)})
	w.advance(time.Minute)
	if _, err := w.ecs.RegisterScalableTarget("ecs", "service/c/web", "ecs:service:DesiredCount", intp(1), intp(10)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ecs.PutScalingPolicy(PolicyInput{PolicyName: "cpu50", ResourceID: "service/c/web", PolicyType: "TargetTrackingScaling",
		TargetValue: 50, MetricType: "ECSServiceAverageCPUUtilization"}); err != nil {
		t.Fatal(err)
	}
	// 2 tasks x 100 rps capacity; 400 rps offered -> 100% CPU.
	if err := w.ecs.OfferLoad("c", "web", 400, time.Hour); err != nil {
		t.Fatal(err)
	}
	w.advance(2*time.Minute + 30*time.Second)
	if sv.DesiredCount != 2 {
		t.Fatalf("scaled before 3 datapoints: %d", sv.DesiredCount)
	}
	w.advance(time.Minute)
	// ceil(2 x 100 / 50) = 4
	if sv.DesiredCount != 4 {
		t.Fatalf("desired %d after 3 high datapoints, want 4", sv.DesiredCount)
	}
	w.advance(20 * time.Minute)
	// 400 rps over 8 tasks of 100 rps = 50%: at target, stable.
	if sv.DesiredCount != 8 {
		t.Errorf("desired %d at 400 rps, want 8 (utilization %.1f)", sv.DesiredCount, sv.metrics[len(sv.metrics)-1].CPUUtilization)
	}
	acts := w.ecs.ScalingActivities("service/c/web")
	if len(acts) != 2 || acts[0].Description != "Setting desired count to 8." {
		for _, a := range acts {
			t.Logf("%s %s", sim.FormatClock(a.StartTime), a.Description)
		}
		t.Errorf("%d activities", len(acts))
	}
	// The load ends at 01:01; scale-in waits for 15 low datapoints.
	w.k.RunUntil(71 * time.Minute)
	if sv.DesiredCount != 8 {
		t.Errorf("scaled in after only 10 low datapoints: %d", sv.DesiredCount)
	}
	w.k.RunUntil(80 * time.Minute)
	// ceil(8 x 2% / 50%) = 1, the minimum.
	if sv.DesiredCount != 1 {
		t.Errorf("desired %d after 15 low datapoints, want the minimum 1", sv.DesiredCount)
	}
}

func TestTargetTrackingDesired(t *testing.T) {
	cases := []struct {
		running        int
		metric, target float64
		minCap, maxCap int
		want           int
	}{
		{2, 100, 50, 1, 10, 4},
		{4, 75, 50, 1, 10, 6},
		{4, 20, 50, 1, 10, 2},
		{4, 20, 50, 3, 10, 3},
		{8, 100, 10, 1, 20, 20},
		{3, 50, 50, 1, 10, 3},
	}
	for _, tc := range cases {
		if got := TargetTrackingDesired(tc.running, tc.metric, tc.target, tc.minCap, tc.maxCap); got != tc.want {
			t.Errorf("%+v: got %d", tc, got)
		}
	}
}

// Property: after reconcile settles, running + pending + unplaced == desired, and the
// tasks are balanced across AZs within one.
func TestPropertyReconcileSettles(t *testing.T) {
	for seed := uint64(1); seed <= 25; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			w := newWorld(t, seed)
			w.cluster("c")
			r := w.k.Rand()
			zones := []string{"us-east-1a", "us-east-1b", "us-east-1c"}[:1+r.IntN(3)]
			var all []string
			for i := 0; i < 2+r.IntN(5); i++ {
				all = append(all, zones...)
			}
			w.instances("c", "m5.xlarge", all...)
			w.taskdef(webTD("web", 128*(1+r.IntN(4)), 256*(1+r.IntN(4)), ""))
			sv := w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web", DesiredCount: intp(r.IntN(20))})
			for step := 0; step < 4; step++ {
				w.advance(time.Duration(r.IntN(60)) * time.Second)
				switch r.IntN(3) {
				case 0:
					w.ecs.UpdateService(ServiceInput{Cluster: "c", ServiceName: "web", DesiredCount: intp(r.IntN(25))})
				case 1:
					if ts := sv.Tasks(); len(ts) > 0 {
						w.ecs.CrashTask("c", ts[r.IntN(len(ts))].ID, 1)
					}
				case 2:
					w.ecs.StopTask("c", "", "")
				}
			}
			w.checkInvariants()
			w.advance(10 * time.Minute)
			w.checkInvariants()
			run, pend := sv.Counts()
			if run+pend+sv.Unplaced != sv.DesiredCount {
				t.Fatalf("running %d + pending %d + unplaced %d != desired %d", run, pend, sv.Unplaced, sv.DesiredCount)
			}
			az := azCounts(sv)
			lo, hi := 1<<30, 0
			for _, z := range zones {
				lo, hi = min(lo, az[z]), max(hi, az[z])
			}
			if sv.Unplaced == 0 && hi-lo > 1 {
				t.Errorf("AZ imbalance %v", az)
			}
		})
	}
}
