package ec2

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// A stopped instance is not billed for compute but its EBS root volume is;
// gp3 is $0.08 per GB-month, prorated
// (https://aws.amazon.com/ebs/pricing/,
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html).
func TestStoppedInstanceStillPaysForEBS(t *testing.T) {
	k := sim.New(1)
	s := New(k)
	insts, err := s.RunInstances(RunInput{InstanceType: "t3.micro", ImageID: "ami-0a1b2c3d4e5f60al2",
		RootEbs: map[string]string{"VolumeSize": "20", "VolumeType": "gp3"}})
	if err != nil {
		t.Fatal(err)
	}
	inst := insts[0]
	k.RunFor(time.Minute)
	if _, err := s.StopInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	compute := s.CostUSD(inst)
	k.RunFor(730 * time.Hour)
	if got := s.CostUSD(inst); got != compute {
		t.Errorf("compute cost grew while stopped: %v -> %v", compute, got)
	}
	// 20 GiB x $0.08 for one 730-hour month plus the two minutes before.
	want := 20 * 0.08 * (730*3600 + 120) / 3600 / 730
	if got := s.StorageCostUSD(inst); math.Abs(got-want) > 1e-9 {
		t.Errorf("storage cost %v, want %v", got, want)
	}
	if _, err := s.TerminateInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	after := s.StorageCostUSD(inst)
	k.RunFor(time.Hour)
	if s.StorageCostUSD(inst) != after {
		t.Error("a volume deleted on termination is still billed")
	}
}

// DeleteOnTermination=false keeps the volume (and its bill) after the
// instance is gone.
func TestKeptVolumeOutlivesTheInstance(t *testing.T) {
	k := sim.New(1)
	s := New(k)
	insts, err := s.RunInstances(RunInput{RootEbs: map[string]string{"DeleteOnTermination": "false"}})
	if err != nil {
		t.Fatal(err)
	}
	if insts[0].Root.SizeGiB != 30 {
		t.Errorf("ECS-optimized root volume %d GiB, want 30", insts[0].Root.SizeGiB)
	}
	if _, err := s.TerminateInstances([]string{insts[0].ID}); err != nil {
		t.Fatal(err)
	}
	before := s.StorageCostUSD(insts[0])
	k.RunFor(time.Hour)
	if s.StorageCostUSD(insts[0]) <= before {
		t.Error("a kept volume stopped costing after termination")
	}
}

func TestRootVolumeErrors(t *testing.T) {
	for _, tc := range []struct {
		ebs  map[string]string
		want string
	}{
		{map[string]string{"VolumeSize": "4"}, "smaller than snapshot"},
		{map[string]string{"VolumeSize": "big"}, "VolumeSize"},
		{map[string]string{"VolumeType": "io9"}, "VolumeType"},
		{map[string]string{"DeleteOnTermination": "maybe"}, "DeleteOnTermination"},
	} {
		_, err := New(sim.New(1)).RunInstances(RunInput{ImageID: "ami-0a1b2c3d4e5f60al2", RootEbs: tc.ebs})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.ebs, err, tc.want)
		}
	}
}

func TestReportText(t *testing.T) {
	k := sim.New(1)
	s := New(k)
	if s.ReportText() != "" {
		t.Error("report without instances")
	}
	if _, err := s.RunInstances(RunInput{Count: 2}); err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	if got := s.ReportText(); !strings.Contains(got, "2 running") || !strings.Contains(got, "EBS storage $") {
		t.Errorf("report %q", got)
	}
}
