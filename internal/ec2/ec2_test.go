package ec2

import (
	"encoding/base64"
	"math"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

func TestCatalog(t *testing.T) {
	cases := []struct {
		name  string
		vcpu  int
		mem   float64
		price float64
	}{
		{"t3.micro", 2, 1, 0.0104},
		{"t3.medium", 2, 4, 0.0416},
		{"m5.large", 2, 8, 0.096},
		{"c5.xlarge", 4, 8, 0.17},
		{"r5.large", 2, 16, 0.126},
	}
	for _, tc := range cases {
		it, ok := LookupType(tc.name)
		if !ok || it.VCPU != tc.vcpu || it.MemoryGiB != tc.mem || it.PriceHour != tc.price {
			t.Errorf("%s: %+v", tc.name, it)
		}
	}
	for _, fam := range []string{"t3", "m5", "c5", "r5"} {
		n := 0
		for _, it := range Types() {
			if it.Family == fam {
				n++
			}
		}
		if n < 2 {
			t.Errorf("family %s has %d types", fam, n)
		}
	}
	if _, ok := LookupType("x9.huge"); ok {
		t.Error("unknown type found")
	}
}

func TestClusterFromUserData(t *testing.T) {
	script := "#!/bin/bash\necho ECS_CLUSTER=mycluster >> /etc/ecs/ecs.config"
	cases := []struct {
		name, in, want string
	}{
		{"bare", "ECS_CLUSTER=web-prod", "web-prod"},
		{"script", script, "mycluster"},
		{"base64 script", base64.StdEncoding.EncodeToString([]byte(script)), "mycluster"},
		{"quoted", `echo "ECS_CLUSTER=blue_1" >> /etc/ecs/ecs.config`, "blue_1"},
		{"none", "#!/bin/bash\nyum update -y", ""},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ClusterFromUserData(DecodeUserData(tc.in)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestInstanceLifecycleAndCost(t *testing.T) {
	k := sim.New(1)
	s := New(k)
	var events []string
	s.Subscribe(func(e Event) { events = append(events, e.Kind) })
	is, err := s.RunInstances(RunInput{InstanceType: "m5.large", Count: 2, AZ: "us-east-1b", UserData: "ECS_CLUSTER=c"})
	if err != nil {
		t.Fatal(err)
	}
	if len(is) != 2 || is[0].State != StatePending || is[0].ECSCluster != "c" || is[0].AZ != "us-east-1b" {
		t.Fatalf("%+v", is[0])
	}
	k.RunFor(39 * time.Second)
	if is[0].State != StatePending {
		t.Errorf("running before the boot time: %s", is[0].State)
	}
	k.RunFor(2 * time.Second)
	if is[0].State != StateRunning {
		t.Errorf("not running after the boot time: %s", is[0].State)
	}
	// Billed from running, per second, 60 s minimum.
	if got := s.BilledSeconds(is[0]); got != 60 {
		t.Errorf("billed %v s after 1 s of running, want the 60 s minimum", got)
	}
	k.RunUntil(40*time.Second + time.Hour)
	if _, err := s.TerminateInstances([]string{is[0].ID}); err != nil {
		t.Fatal(err)
	}
	if is[0].State != StateShuttingDown {
		t.Errorf("state %s", is[0].State)
	}
	k.RunFor(time.Minute)
	if is[0].State != StateTerminated {
		t.Errorf("state %s", is[0].State)
	}
	if c := s.CostUSD(is[0]); math.Abs(c-0.096) > 1e-9 {
		t.Errorf("cost of one hour of m5.large %.6f, want 0.096", c)
	}
	if err := s.Fail(is[1].ID); err != nil || is[1].State != StateTerminated || !is[1].Failed {
		t.Errorf("fail: %v %s", err, is[1].State)
	}
	want := []string{"pending", "pending", "running", "running", "shutting-down", "terminated", "terminated"}
	if len(events) != len(want) {
		t.Fatalf("events %v", events)
	}
	for i := range want {
		if events[i] != want[i] {
			t.Errorf("events %v, want %v", events, want)
			break
		}
	}
}

func TestRunInstancesErrors(t *testing.T) {
	s := New(sim.New(1))
	cases := []struct {
		name string
		in   RunInput
		code string
	}{
		{"bad type", RunInput{InstanceType: "m9.giant"}, "InvalidParameterValue"},
		{"bad az", RunInput{InstanceType: "t3.micro", AZ: "us-west-2a"}, "InvalidParameterValue"},
		{"bad ami", RunInput{InstanceType: "t3.micro", ImageID: "img-1"}, "InvalidAMIID.Malformed"},
		{"too many", RunInput{InstanceType: "t3.micro", Count: 5000}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.RunInstances(tc.in)
			e, ok := err.(*Error)
			if !ok || e.Code != tc.code {
				t.Errorf("err %v, want %s", err, tc.code)
			}
		})
	}
	if _, err := s.TerminateInstances([]string{"i-0nothere"}); err == nil {
		t.Error("terminating an unknown instance succeeded")
	}
}

func TestZonesWithoutPlacementAreSpread(t *testing.T) {
	s := New(sim.New(1))
	is, _ := s.RunInstances(RunInput{InstanceType: "t3.micro", Count: 6})
	count := map[string]int{}
	for _, i := range is {
		count[i.AZ]++
	}
	if count["us-east-1a"] != 2 || count["us-east-1b"] != 2 || count["us-east-1c"] != 2 {
		t.Errorf("zones %v", count)
	}
}
