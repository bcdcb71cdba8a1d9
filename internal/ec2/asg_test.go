package ec2

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

func newGroup(t *testing.T, desired int) (*sim.Kernel, *Service, *Group) {
	t.Helper()
	k := sim.New(1)
	s := New(k)
	if _, err := s.CreateLaunchTemplate("web", LaunchTemplate{ImageID: "ami-0a1b2c3d4e5f60al2", InstanceType: "t3.micro"}); err != nil {
		t.Fatal(err)
	}
	g, err := s.CreateAutoScalingGroup(GroupInput{Name: "web", Template: "web", Min: 1, Max: 4, Desired: desired, AZs: []string{"us-east-1a", "us-east-1b"}})
	if err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	return k, s, g
}

func zones(g *Group) map[string]int {
	m := map[string]int{}
	for _, i := range g.Instances {
		m[i.AZ]++
	}
	return m
}

// A group launches its desired capacity balanced across its zones
// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html).
func TestGroupLaunchesDesiredBalanced(t *testing.T) {
	_, _, g := newGroup(t, 2)
	if g.InService() != 2 || zones(g)["us-east-1a"] != 1 || zones(g)["us-east-1b"] != 1 {
		t.Fatalf("in service %d, zones %v", g.InService(), zones(g))
	}
}

// An instance that stops running is unhealthy and replaced
// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html).
func TestGroupReplacesAFailedInstance(t *testing.T) {
	k, s, g := newGroup(t, 2)
	lost := g.Instances[0]
	if err := s.Fail(lost.ID); err != nil {
		t.Fatal(err)
	}
	k.RunFor(2 * time.Minute)
	if g.InService() != 2 || g.Replaced != 1 || g.Launched != 3 {
		t.Fatalf("in service %d, replaced %d, launched %d", g.InService(), g.Replaced, g.Launched)
	}
	if zones(g)[lost.AZ] != 1 {
		t.Errorf("the replacement did not rebalance the zones: %v", zones(g))
	}
	// A stopped member is unhealthy too: terminated and replaced.
	stopped := g.Instances[0]
	if _, err := s.StopInstances([]string{stopped.ID}); err != nil {
		t.Fatal(err)
	}
	k.RunFor(2 * time.Minute)
	if stopped.State != StateTerminated || g.InService() != 2 {
		t.Errorf("stopped member is %s; in service %d", stopped.State, g.InService())
	}
}

// Scaling out launches in the zone with fewest instances; scaling in
// terminates from the zone with most (the default termination policy,
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html).
func TestGroupScalesOutAndIn(t *testing.T) {
	k, s, g := newGroup(t, 2)
	if err := s.SetDesiredCapacity("web", 4); err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	if g.InService() != 4 || zones(g)["us-east-1a"] != 2 {
		t.Fatalf("scale out: %d in service, zones %v", g.InService(), zones(g))
	}
	if err := s.SetDesiredCapacity("web", 1); err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	if g.InService() != 1 || len(g.Instances) != 1 {
		t.Fatalf("scale in: %d in service, %d members", g.InService(), len(g.Instances))
	}
	if err := s.SetDesiredCapacity("web", 5); err == nil || !strings.Contains(err.Error(), "ValidationError") {
		t.Errorf("desired above max: %v", err)
	}
	if err := s.DeleteAutoScalingGroup("web", false); err == nil || !strings.Contains(err.Error(), "ResourceInUse") {
		t.Errorf("delete without force: %v", err)
	}
	if err := s.DeleteAutoScalingGroup("web", true); err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	for _, i := range s.Instances() {
		if i.State != StateTerminated {
			t.Errorf("%s is %s after the group was deleted", i.ID, i.State)
		}
	}
}

func TestGroupErrors(t *testing.T) {
	s := New(sim.New(1))
	if _, err := s.CreateAutoScalingGroup(GroupInput{Name: "g", Template: "nope", Min: 1, Max: 2, Desired: 1, AZs: []string{"us-east-1a"}}); err == nil || !strings.Contains(err.Error(), "launch template") {
		t.Errorf("unknown template: %v", err)
	}
	if _, err := s.CreateLaunchTemplate("t", LaunchTemplate{InstanceType: "t3.huge"}); err == nil {
		t.Error("unknown instance type accepted")
	}
	if _, err := s.CreateLaunchTemplate("t", LaunchTemplate{InstanceType: "t3.micro"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLaunchTemplate("t", LaunchTemplate{}); err == nil || !strings.Contains(err.Error(), "AlreadyExists") {
		t.Errorf("duplicate template: %v", err)
	}
	for _, in := range []GroupInput{
		{Name: "g", Template: "t", Min: 3, Max: 2, Desired: 2, AZs: []string{"us-east-1a"}},
		{Name: "g", Template: "t", Min: 1, Max: 2, Desired: 3, AZs: []string{"us-east-1a"}},
		{Name: "g", Template: "t", Min: 1, Max: 2, Desired: 1},
		{Name: "g", Template: "t", Min: 1, Max: 2, Desired: 1, AZs: []string{"mars-1a"}},
	} {
		if _, err := s.CreateAutoScalingGroup(in); err == nil || !strings.Contains(err.Error(), "ValidationError") {
			t.Errorf("%+v: %v", in, err)
		}
	}
	if err := s.SetDesiredCapacity("missing", 1); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing group: %v", err)
	}
}
