package ecs

import (
	"strings"
	"testing"
	"time"
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
