package ecs

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/ec2"
)

const awsvpcWeb = `{"family": "api", "networkMode": "awsvpc", "containerDefinitions": [{"name": "api", "image": "example/api", "cpu": 128, "memory": 256, "portMappings": [{"containerPort": 8080}]}]}`

// TestAwsvpcTasksOnEC2NeedOneENIEach: every awsvpc task on an EC2
// container instance gets its own elastic network interface and takes no
// host port; the primary interface counts against the type's limit, so a
// t3.medium (3 interfaces) runs 2 awsvpc tasks and the third is refused
// with RESOURCE:ENI, and the placement explanation says so.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html
func TestAwsvpcTasksOnEC2NeedOneENIEach(t *testing.T) {
	w := newWorld(t, 1)
	w.cluster("c")
	w.instances("c", "t3.medium", "us-east-1a")
	w.taskdef(awsvpcWeb)
	res, err := w.ecs.RunTask(RunInput{Cluster: "c", TaskDefinition: "api", Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tasks) != 2 || len(res.Failures) != 1 || res.Failures[0].Reason != ReasonENI {
		t.Fatalf("tasks %d failures %+v, want 2 tasks and one RESOURCE:ENI failure", len(res.Tasks), res.Failures)
	}
	// The two tasks share container port 8080 on one instance: awsvpc binds
	// no host port.
	for _, tk := range res.Tasks {
		if len(tk.req.Ports) != 0 || len(tk.Containers[0].NetworkBindings) != 0 {
			t.Errorf("awsvpc task took host ports: %+v %+v", tk.req.Ports, tk.Containers[0].NetworkBindings)
		}
	}
	if a, b := res.Tasks[0], res.Tasks[1]; a.ENI == "" || a.ENI == b.ENI || a.PrivateIP == b.PrivateIP {
		t.Errorf("each awsvpc task needs its own network interface and address: %s %s, %s %s", a.ENI, a.PrivateIP, b.ENI, b.PrivateIP)
	}
	text := res.Explanations[2].Text()
	for _, want := range []string{"rejected", "RESOURCE:ENI", "2 of 2 in use", "a t3.medium has 3, the primary one included"} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
	// A stopped task gives its interface back.
	w.advance(time.Minute)
	if _, err := w.ecs.StopTask("c", res.Tasks[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	w.advance(time.Minute)
	res, err = w.ecs.RunTask(RunInput{Cluster: "c", TaskDefinition: "api"})
	if err != nil || len(res.Tasks) != 1 {
		t.Fatalf("after a stop: %v %+v", err, res)
	}
}

// TestAwsvpcTaskLimitFollowsInstanceType: the limit is the type's network
// interfaces minus the primary one (EC2 "Maximum network interfaces";
// ECS eni-trunking-supported-instance-types.html "Task limit without ENI
// trunking": m5.large 2, m5.xlarge 3, m5.4xlarge 7, m5.16xlarge 14).
func TestAwsvpcTaskLimitFollowsInstanceType(t *testing.T) {
	for name, want := range map[string]int{"t3.micro": 1, "t3.medium": 2, "m5.large": 2, "m5.xlarge": 3, "m5.4xlarge": 7, "c5.18xlarge": 14} {
		typ, ok := ec2.LookupType(name)
		if !ok {
			t.Fatal(name)
		}
		if got, trunked := AwsvpcTaskLimit(typ, false); got != want || trunked {
			t.Errorf("%s: %d awsvpc tasks (trunked %v), want %d", name, got, trunked, want)
		}
	}
}

// TestENITrunkingRaisesTheAwsvpcLimitOnSupportedTypes: with the
// awsvpcTrunking account setting, an m5.large registered afterwards runs 10
// awsvpc tasks instead of 2; instances registered before keep their limit,
// and types not on the supported list (t3) are unchanged.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/eni-trunking-supported-instance-types.html
func TestENITrunkingRaisesTheAwsvpcLimitOnSupportedTypes(t *testing.T) {
	w := newWorld(t, 3)
	c := w.cluster("c")
	w.instances("c", "m5.large", "us-east-1a")
	if _, err := w.ecs.PutAccountSetting(AccountSettingTrunking, "enabled"); err != nil {
		t.Fatal(err)
	}
	w.instances("c", "m5.large", "us-east-1b")
	w.instances("c", "t3.medium", "us-east-1c")
	limits := map[string]int{}
	for _, ci := range c.Instances() {
		limits[ci.EC2.AZ] = ci.Cand.ENILimit
	}
	if limits["us-east-1a"] != 2 || limits["us-east-1b"] != 10 || limits["us-east-1c"] != 2 {
		t.Fatalf("awsvpc task limits %v, want 1a (before the setting) 2, 1b (trunked m5.large) 10, 1c (t3.medium, unsupported) 2", limits)
	}
	for _, ci := range c.Instances() {
		_, has := ci.Cand.Attrs["ecs.awsvpc-trunk-id"]
		if has != (ci.EC2.AZ == "us-east-1b") {
			t.Errorf("%s (%s): ecs.awsvpc-trunk-id present %v", ci.EC2.ID, ci.EC2.AZ, has)
		}
	}
	w.taskdef(awsvpcWeb)
	placed := 0
	for i := 0; i < 2; i++ {
		res, err := w.ecs.RunTask(RunInput{Cluster: "c", TaskDefinition: "api", Count: 10})
		if err != nil {
			t.Fatal(err)
		}
		placed += len(res.Tasks)
	}
	if placed != 14 {
		t.Errorf("placed %d awsvpc tasks, want 2 + 10 + 2 = 14", placed)
	}
	if _, err := w.ecs.PutAccountSetting(AccountSettingTrunking, "maybe"); err == nil {
		t.Error("awsvpcTrunking=maybe accepted")
	}
}

// TestServiceUnableToPlaceForENI: a service whose awsvpc tasks run out of
// network interfaces logs the "unable to place a task" event naming
// RESOURCE:ENI and counts no pending task for it.
func TestServiceUnableToPlaceForENI(t *testing.T) {
	w := newWorld(t, 4)
	w.cluster("c")
	w.instances("c", "t3.medium", "us-east-1a")
	w.taskdef(awsvpcWeb)
	sv := w.service(ServiceInput{Cluster: "c", ServiceName: "api", TaskDefinition: "api", DesiredCount: intp(3)})
	w.advance(2 * time.Minute)
	run, pend := sv.Counts()
	if run != 2 || pend != 0 {
		t.Fatalf("running %d pending %d, want 2 0", run, pend)
	}
	found := false
	for _, e := range sv.Events {
		if strings.Contains(e.Message, "unable to place a task") && strings.Contains(e.Message, "RESOURCE:ENI") {
			found = true
		}
	}
	if !found {
		t.Errorf("no RESOURCE:ENI event in %+v", sv.Events)
	}
}
