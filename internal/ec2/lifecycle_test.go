package ec2

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

func launchOne(t *testing.T, userData string) (*sim.Kernel, *Service, *Instance) {
	t.Helper()
	k := sim.New(1)
	s := New(k)
	insts, err := s.RunInstances(RunInput{InstanceType: "t3.micro", UserData: userData})
	if err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	if insts[0].State != StateRunning {
		t.Fatalf("state %s after a minute", insts[0].State)
	}
	return k, s, insts[0]
}

func stopStart(t *testing.T, k *sim.Kernel, s *Service, id string) {
	t.Helper()
	if _, err := s.StopInstances([]string{id}); err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	if _, err := s.StartInstances([]string{id}); err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
}

// The public IPv4 address is released on stop and a new one assigned on
// start; the private address stays
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html#concepts-public-addresses).
func TestPublicIPChangesOnStopStart(t *testing.T) {
	k, s, inst := launchOne(t, "")
	first, private := inst.PublicIP, inst.PrivateIP
	if first == "" {
		t.Fatal("a running instance has no public IP")
	}
	if _, err := s.StopInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	if inst.PublicIP != "" {
		t.Errorf("stopped instance keeps public IP %s", inst.PublicIP)
	}
	if _, err := s.StartInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	if inst.PublicIP == "" || inst.PublicIP == first {
		t.Errorf("public IP after start = %q, want a new one (was %s)", inst.PublicIP, first)
	}
	if inst.PrivateIP != private {
		t.Errorf("private IP changed: %s -> %s", private, inst.PrivateIP)
	}
}

// An Elastic IP replaces the automatic address and survives stop/start; it
// is disassociated when the instance terminates, and cannot be released
// while associated (same page as above).
func TestElasticIPSurvivesStopStart(t *testing.T) {
	k, s, inst := launchOne(t, "")
	eip := s.AllocateAddress()
	if _, err := s.AssociateAddress(eip.AllocationID, inst.ID); err != nil {
		t.Fatal(err)
	}
	if inst.PublicIP != eip.PublicIP {
		t.Fatalf("public IP %s, want the Elastic IP %s", inst.PublicIP, eip.PublicIP)
	}
	if err := s.ReleaseAddress(eip.AllocationID); err == nil || !strings.Contains(err.Error(), "InvalidIPAddress.InUse") {
		t.Errorf("release while associated: %v", err)
	}
	stopStart(t, k, s, inst.ID)
	if inst.PublicIP != eip.PublicIP {
		t.Errorf("after stop/start public IP %s, want the Elastic IP %s", inst.PublicIP, eip.PublicIP)
	}
	if _, err := s.TerminateInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	if eip.InstanceID != "" || inst.PublicIP != "" {
		t.Errorf("after terminate: address on %q, instance IP %q", eip.InstanceID, inst.PublicIP)
	}
	if err := s.ReleaseAddress(eip.AllocationID); err != nil {
		t.Errorf("release after terminate: %v", err)
	}
	if _, err := s.AssociateAddress("eipalloc-0nope", inst.ID); err == nil || !strings.Contains(err.Error(), "InvalidAllocationID.NotFound") {
		t.Errorf("unknown allocation: %v", err)
	}
}

// User data runs only on the first boot
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html);
// its echo output is in the console output.
func TestUserDataRunsOnFirstBootOnly(t *testing.T) {
	k, s, inst := launchOne(t, "#!/bin/bash\necho \"hello from user data\"\necho ECS_CLUSTER=x >> /etc/ecs/ecs.config\n")
	out, err := s.ConsoleOutput(inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, "hello from user data") != 1 || strings.Contains(out, "ECS_CLUSTER") {
		t.Fatalf("first boot console:\n%s", out)
	}
	stopStart(t, k, s, inst.ID)
	if err := s.RebootInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	out, _ = s.ConsoleOutput(inst.ID)
	if n := strings.Count(out, "hello from user data"); n != 1 {
		t.Errorf("user data output appears %d times after stop/start and reboot, want 1:\n%s", n, out)
	}
	if n := strings.Count(out, "not run again"); n != 2 {
		t.Errorf("later boots note the skipped user data %d times, want 2", n)
	}
	if _, err := s.ConsoleOutput("i-0nope"); err == nil {
		t.Error("console output of an unknown instance")
	}
}

// A reboot keeps the public address and the billing period
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-reboot.html).
func TestRebootKeepsAddressAndBilling(t *testing.T) {
	k, s, inst := launchOne(t, "")
	ip := inst.PublicIP
	k.RunFor(10 * time.Second)
	if err := s.RebootInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	if inst.State != StateRunning || inst.PublicIP != ip {
		t.Errorf("after reboot: %s %s (want running %s)", inst.State, inst.PublicIP, ip)
	}
	// Booted at 40 s, now 70 s: one period of 30 s billed as the 60 s
	// minimum; a reboot that opened a new period would bill 120 s.
	if got := s.BilledSeconds(inst); got != 60 {
		t.Errorf("billed %v s, want 60", got)
	}
	if _, err := s.StopInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	if err := s.RebootInstances([]string{inst.ID}); err == nil || !strings.Contains(err.Error(), "IncorrectInstanceState") {
		t.Errorf("reboot of a stopping instance: %v", err)
	}
}

// The instance type changes only while stopped
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/change-instance-type-of-ebs-backed-instance.html).
func TestModifyInstanceTypeOnlyWhenStopped(t *testing.T) {
	k, s, inst := launchOne(t, "")
	err := s.ModifyInstanceType(inst.ID, "t3.large")
	if err == nil || !strings.Contains(err.Error(), "IncorrectInstanceState") || !strings.Contains(err.Error(), "'stopped' state") {
		t.Fatalf("modify while running: %v", err)
	}
	if _, err := s.StopInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	if err := s.ModifyInstanceType(inst.ID, "t3.large"); err == nil {
		t.Error("modify while stopping was accepted")
	}
	k.RunFor(time.Minute)
	if err := s.ModifyInstanceType(inst.ID, "t3.huge"); err == nil || !strings.Contains(err.Error(), "InvalidInstanceAttributeValue") {
		t.Errorf("unknown type: %v", err)
	}
	if err := s.ModifyInstanceType(inst.ID, "t3.large"); err != nil {
		t.Fatal(err)
	}
	if inst.Type.Name != "t3.large" {
		t.Errorf("type %s", inst.Type.Name)
	}
}

// A Spot Instance costs less (a fixed simulated discount) and can be
// interrupted with a two-minute notice; an On-Demand one cannot
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html).
func TestSpotPriceAndInterruption(t *testing.T) {
	k := sim.New(1)
	s := New(k)
	od, _ := s.RunInstances(RunInput{InstanceType: "m5.large"})
	sp, _ := s.RunInstances(RunInput{InstanceType: "m5.large", Spot: true})
	k.RunFor(time.Hour)
	if got, want := s.CostUSD(sp[0]), s.CostUSD(od[0])*0.3; got < want-1e-9 || got > want+1e-9 {
		t.Errorf("Spot cost %v, want 30%% of On-Demand's %v", got, s.CostUSD(od[0]))
	}
	if err := s.InterruptSpot(od[0].ID); err == nil || !strings.Contains(err.Error(), "On-Demand") {
		t.Errorf("interrupting On-Demand: %v", err)
	}
	if err := s.InterruptSpot(sp[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.InterruptSpot(sp[0].ID); err == nil {
		t.Error("a second notice was accepted")
	}
	k.RunFor(SpotNoticeLead - time.Second)
	if sp[0].State != StateRunning {
		t.Fatalf("state %s before the notice's two minutes", sp[0].State)
	}
	k.RunFor(time.Minute)
	if sp[0].State != StateTerminated {
		t.Errorf("state %s after the two minutes", sp[0].State)
	}
	if out, _ := s.ConsoleOutput(sp[0].ID); !strings.Contains(out, "Spot interruption notice") {
		t.Error("the console does not show the notice")
	}
}
