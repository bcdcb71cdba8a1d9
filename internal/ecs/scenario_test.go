package ecs

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/ec2"
)

func TestServiceReachesSteadyStateSpreadAcrossAZs(t *testing.T) {
	w := newWorld(t, 1)
	w.cluster("mycluster")
	w.instances("mycluster", "m5.large", "us-east-1a", "us-east-1b", "us-east-1c")
	w.taskdef(webTD("web", 256, 512, ""))
	sv := w.service(ServiceInput{Cluster: "mycluster", ServiceName: "web", TaskDefinition: "web", DesiredCount: intp(6)})
	w.advance(time.Minute)
	run, pend := sv.Counts()
	if run != 6 || pend != 0 {
		t.Fatalf("running %d pending %d, want 6 0", run, pend)
	}
	for az, n := range azCounts(sv) {
		if n != 2 {
			t.Errorf("AZ %s has %d tasks, want 2", az, n)
		}
	}
	if !sv.Steady() {
		t.Error("service not steady")
	}
	found := false
	for _, e := range sv.Events {
		if e.Message == "(service web) has reached a steady state." {
			found = true
		}
	}
	if !found {
		t.Errorf("no steady-state event in %v", sv.Events)
	}
}

func TestTaskLifecycleStates(t *testing.T) {
	w := newWorld(t, 2)
	w.cluster("c")
	w.instances("c", "t3.medium", "us-east-1a")
	w.taskdef(webTD("web", 256, 256, `, "portMappings": [{"containerPort": 80}]`))
	w.taskdef(`{"family": "aws", "networkMode": "awsvpc", "containerDefinitions": [{"name": "a", "image": "x", "memory": 128}]}`)
	cases := []struct {
		name string
		td   string
		want []string
	}{
		{"bridge", "web", []string{"PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "STOPPED"}},
		{"awsvpc", "aws", []string{"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := w.ecs.RunTask(RunInput{Cluster: "c", TaskDefinition: tc.td})
			if err != nil || len(res.Tasks) != 1 {
				t.Fatalf("run-task: %v %+v", err, res)
			}
			task := res.Tasks[0]
			w.advance(time.Minute)
			if task.LastStatus != StRunning {
				t.Fatalf("lastStatus %s", task.LastStatus)
			}
			if _, err := w.ecs.StopTask("c", task.Arn, ""); err != nil {
				t.Fatal(err)
			}
			if task.DesiredStatus != StStopped {
				t.Errorf("desiredStatus %s right after stop-task", task.DesiredStatus)
			}
			w.advance(time.Minute)
			var got []string
			for _, h := range task.History() {
				got = append(got, h.Status)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("states %v, want %v", got, tc.want)
			}
			if task.StopCode != StopUserInitiated {
				t.Errorf("stopCode %q", task.StopCode)
			}
		})
	}
}

func TestSleepContainerExits(t *testing.T) {
	w := newWorld(t, 3)
	w.cluster("c")
	w.instances("c", "t3.micro", "us-east-1a")
	data := readTestdata(t, "sleep360.json")
	w.taskdef(string(data))
	res, err := w.ecs.RunTask(RunInput{Cluster: "c", TaskDefinition: "sleep360"})
	if err != nil || len(res.Tasks) != 1 {
		t.Fatal(err, res)
	}
	task := res.Tasks[0]
	w.advance(5 * time.Minute)
	if task.LastStatus != StRunning {
		t.Fatalf("after 5 min: %s", task.LastStatus)
	}
	w.advance(2 * time.Minute)
	if task.LastStatus != StStopped || task.StopCode != StopEssentialContainerExited || task.StoppedReason != "Essential container in task exited" {
		t.Fatalf("after 7 min: %s %s %q", task.LastStatus, task.StopCode, task.StoppedReason)
	}
	if c := task.Containers[0].ExitCode; c == nil || *c != 0 {
		t.Errorf("exit code %v", c)
	}
}

func TestRegisteredResources(t *testing.T) {
	cases := []struct {
		typ, userData string
		cpu, mem      int
	}{
		{"t3.micro", "ECS_CLUSTER=c", 2048, 998},
		{"m5.large", "ECS_CLUSTER=c", 2048, 7985},
		{"c5.xlarge", "ECS_CLUSTER=c", 4096, 7985},
		{"m5.large", "echo ECS_CLUSTER=c >> /etc/ecs/ecs.config\necho ECS_RESERVED_MEMORY=256 >> /etc/ecs/ecs.config", 2048, 7729},
	}
	for _, tc := range cases {
		t.Run(tc.typ, func(t *testing.T) {
			w := newWorld(t, 1)
			c := w.cluster("c")
			if _, err := w.ec2.RunInstances(ec2.RunInput{InstanceType: tc.typ, UserData: tc.userData}); err != nil {
				t.Fatal(err)
			}
			w.advance(49 * time.Second)
			if len(c.instances) != 0 {
				t.Fatal("registered before boot (40 s) + agent (10 s)")
			}
			w.advance(2 * time.Second)
			if len(c.instances) != 1 {
				t.Fatal("not registered after 51 s")
			}
			ci := c.instances[0]
			if ci.RegisteredCPU != tc.cpu || ci.RegisteredMemory != tc.mem {
				t.Errorf("registered %d CPU %d MiB, want %d %d", ci.RegisteredCPU, ci.RegisteredMemory, tc.cpu, tc.mem)
			}
			attrs := map[string]string{}
			for _, a := range ci.Attributes() {
				attrs[a.Name] = a.Value
			}
			if attrs["ecs.instance-type"] != tc.typ || attrs["ecs.os-type"] != "linux" || attrs["ecs.cpu-architecture"] != "x86_64" || attrs["ecs.availability-zone"] == "" || attrs["ecs.ami-id"] == "" {
				t.Errorf("attributes %v", attrs)
			}
		})
	}
}

func TestAgentWaitsForItsCluster(t *testing.T) {
	w := newWorld(t, 1)
	w.ec2.RunInstances(ec2.RunInput{InstanceType: "t3.micro", UserData: "ECS_CLUSTER=later"})
	w.advance(2 * time.Minute)
	c := w.cluster("later")
	if len(c.instances) != 1 {
		t.Errorf("instance did not register when its cluster was created")
	}
}

func TestSnapshotAndReport(t *testing.T) {
	w := newWorld(t, 14)
	w.cluster("c")
	w.instances("c", "m5.large", "us-east-1a", "us-east-1b")
	w.taskdef(webTD("web", 512, 1024, ""))
	w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web", DesiredCount: intp(4)})
	w.ecs.RunTask(RunInput{Cluster: "c", TaskDefinition: "web"})
	w.advance(time.Minute)
	snap := w.ecs.Snapshot()
	if len(snap.Clusters) != 1 {
		t.Fatalf("%d clusters", len(snap.Clusters))
	}
	cs := snap.Clusters[0]
	used := 0
	for _, in := range cs.Instances {
		used += in.UsedCPU
		if in.RegisteredCPU != 2048 || len(in.Tasks) == 0 {
			t.Errorf("instance %+v", in)
		}
	}
	if used != 5*512 || len(cs.Standalone) != 1 || cs.TasksByStatus["RUNNING"] != 5 || cs.LastPlacement == nil {
		t.Errorf("used CPU %d, standalone %d, by status %v", used, len(cs.Standalone), cs.TasksByStatus)
	}
	sv := cs.Services[0]
	if sv.Running != 4 || !sv.Steady || sv.Events[0] != "(service web) has reached a steady state." || len(sv.Deployments) != 1 {
		t.Errorf("service %+v", sv)
	}
	if evs := w.ecs.Events(snap.LastSeq); len(evs) != 0 {
		t.Errorf("events after the snapshot: %v", evs)
	}
	rep := w.ecs.Report()
	cr := rep.Clusters[0]
	if cr.ClusterName != "c" || len(cr.Instances) != 2 || cr.Services[0].RunningCount != 4 || cr.CostUSD <= 0 {
		t.Errorf("report %+v", cr)
	}
}

func TestRunningTasksCountMatchesTasks(t *testing.T) {
	w := newWorld(t, 15)
	c := w.cluster("c")
	w.instances("c", "m5.large", "us-east-1a")
	w.taskdef(webTD("web", 512, 1024, `, "portMappings": [{"containerPort": 80, "hostPort": 0}]`))
	res, err := w.ecs.RunTask(RunInput{Cluster: "c", TaskDefinition: "web", Count: 6})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tasks) != 4 || len(res.Failures) != 2 || res.Failures[0].Reason != ReasonCPU {
		t.Fatalf("%d tasks, failures %+v", len(res.Tasks), res.Failures)
	}
	ci := c.instances[0]
	if ci.RunningTasksCount() != 0 || ci.PendingTasksCount() != 4 {
		t.Errorf("right after run-task: running %d pending %d", ci.RunningTasksCount(), ci.PendingTasksCount())
	}
	w.advance(time.Minute)
	if ci.RunningTasksCount() != 4 || ci.PendingTasksCount() != 0 {
		t.Errorf("after a minute: running %d pending %d", ci.RunningTasksCount(), ci.PendingTasksCount())
	}
	w.ecs.StopTask("c", res.Tasks[0].ID, "")
	w.advance(time.Minute)
	if ci.RunningTasksCount() != 3 || w.ecs.Report().Clusters[0].Instances[0].RunningTasksCount != 3 {
		t.Errorf("after a stop: running %d", ci.RunningTasksCount())
	}
}

func TestStoppedInstanceDisconnectsAndReconnects(t *testing.T) {
	w := newWorld(t, 16)
	c := w.cluster("c")
	insts := w.instances("c", "m5.large", "us-east-1a", "us-east-1b")
	w.taskdef(webTD("web", 256, 512, ""))
	sv := w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web", DesiredCount: intp(4)})
	w.advance(time.Minute)
	if _, err := w.ec2.StopInstances([]string{insts[0].ID}); err != nil {
		t.Fatal(err)
	}
	w.advance(time.Minute)
	ci := w.ecs.byEC2[insts[0].ID]
	if ci.Status != "ACTIVE" || ci.AgentConnected || len(ci.tasks) != 0 {
		t.Errorf("stopped instance: %s connected %v tasks %d", ci.Status, ci.AgentConnected, len(ci.tasks))
	}
	if r, _ := sv.Counts(); r != 4 || azCounts(sv)["us-east-1b"] != 4 {
		t.Errorf("running %d, zones %v", r, azCounts(sv))
	}
	if _, err := w.ec2.StartInstances([]string{insts[0].ID}); err != nil {
		t.Fatal(err)
	}
	w.advance(time.Minute)
	if !ci.AgentConnected || len(c.candidates()) != 2 {
		t.Errorf("restarted instance not reconnected")
	}
	// Billing: running 00:40-02:00 (80 s), then from 03:40 (20 s so far,
	// billed as the 60 s minimum).
	if got := w.ec2.BilledSeconds(insts[0]); got != 140 {
		t.Errorf("billed %v s", got)
	}
}

// The default quotas (tasks per service, services per cluster) refuse with
// LimitExceededException; a huge desired count can no longer overflow the
// rolling-update arithmetic or run away with the simulation.
// https://docs.aws.amazon.com/general/latest/gr/ecs-service.html
func TestServiceQuotasRefuseRunawayCounts(t *testing.T) {
	for _, n := range []int{MaxTasksPerService + 1, 100000, math.MaxInt} {
		if err := checkDesired(n); err == nil {
			t.Errorf("desired count %d accepted", n)
		} else if le, ok := err.(*LimitExceeded); !ok || le.AWSCode() != "LimitExceededException" {
			t.Errorf("desired count %d: %T %v", n, err, err)
		}
	}
	if err := checkDesired(MaxTasksPerService); err != nil {
		t.Errorf("the quota itself is refused: %v", err)
	}
}
