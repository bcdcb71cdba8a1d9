package shell

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

// The lifecycle commands as a learner types them; the rules themselves are
// tested in internal/ec2.
func TestEC2LifecycleCommands(t *testing.T) {
	acct := cloud.New(1)
	sh := New(acct)
	out := lambdaOutput(t, mustRun(t, sh, `aws ec2 run-instances --instance-type t3.micro --instance-market-options MarketType=spot --user-data $'#!/bin/bash\necho hi there'`))
	id := out["Instances"].([]any)[0].(map[string]any)["InstanceId"].(string)
	if err := acct.Kernel.RunFor(time.Minute); err != nil {
		t.Fatal(err)
	}
	desc := mustRun(t, sh, "aws ec2 describe-instances --query Reservations[0].Instances[0] --output json")
	for _, want := range []string{`"InstanceLifecycle": "spot"`, `"PublicIpAddress": "198.51.100.`, `"RootDeviceName": "/dev/xvda"`} {
		if !strings.Contains(desc.String(), want) {
			t.Errorf("describe-instances lacks %s:\n%s", want, desc)
		}
	}
	if c := mustRun(t, sh, "aws ec2 get-console-output --instance-id "+id+" --query Output --output text"); !strings.Contains(c.String(), "hi there") {
		t.Errorf("console output:\n%s", c)
	}
	for _, tc := range []struct{ line, want string }{
		{"aws ec2 modify-instance-attribute --instance-id " + id + " --instance-type Value=t3.large", "IncorrectInstanceState"},
		{"aws ec2 modify-instance-attribute --instance-id " + id + " --instance-type t3.large", "--instance-type"},
		{"aws ec2 modify-instance-attribute --instance-id " + id, "give --instance-type"},
		{"aws ec2 associate-address --allocation-id eipalloc-0nope --instance-id " + id, "InvalidAllocationID.NotFound"},
		{"aws ec2 run-instances --instance-market-options MarketType=capacity-block", "MarketType"},
		{"aws ec2 run-instances --block-device-mappings DeviceName=/dev/sdb,Ebs={VolumeSize=50}", "root volume only"},
		{"fault spot-interruption --instance-id i-0nope", "InvalidInstanceID.NotFound"},
	} {
		if _, err := sh.Run(tc.line); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.line, err, tc.want)
		}
	}
	alloc := lambdaOutput(t, mustRun(t, sh, "aws ec2 allocate-address --domain vpc"))["AllocationId"].(string)
	mustRun(t, sh, "aws ec2 associate-address --allocation-id "+alloc+" --instance-id "+id)
	if d := mustRun(t, sh, "aws ec2 describe-addresses"); !strings.Contains(d.String(), id) {
		t.Errorf("describe-addresses:\n%s", d)
	}
	if r := mustRun(t, sh, "fault spot-interruption --instance-id "+id); !strings.Contains(r.Text, "terminated at 00:03:00") {
		t.Errorf("fault text %q", r.Text)
	}
	mustRun(t, sh, "aws ec2 reboot-instances --instance-ids "+id)
}

func TestAutoScalingCommands(t *testing.T) {
	acct := cloud.New(1)
	sh := New(acct)
	mustRun(t, sh, `aws ec2 create-launch-template --launch-template-name web --launch-template-data InstanceType=t3.micro`)
	for _, tc := range []struct{ line, want string }{
		{"aws autoscaling create-auto-scaling-group --auto-scaling-group-name g --launch-template LaunchTemplateName=web --min-size 1 --max-size 2 --vpc-zone-identifier subnet-1", "--availability-zones"},
		{"aws autoscaling create-auto-scaling-group --auto-scaling-group-name g --launch-template LaunchTemplateName=nope --min-size 1 --max-size 2 --availability-zones us-east-1a", "launch template"},
		{"aws autoscaling set-desired-capacity --auto-scaling-group-name nope --desired-capacity 1", "not found"},
	} {
		if _, err := sh.Run(tc.line); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.line, err, tc.want)
		}
	}
	mustRun(t, sh, "aws autoscaling create-auto-scaling-group --auto-scaling-group-name g --launch-template LaunchTemplateName=web --min-size 1 --max-size 3 --desired-capacity 3 --availability-zones us-east-1a us-east-1b")
	if err := acct.Kernel.RunFor(time.Minute); err != nil {
		t.Fatal(err)
	}
	d := mustRun(t, sh, "aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names g --query AutoScalingGroups[0].Instances[].LifecycleState --output text")
	if strings.Count(d.String(), "InService") != 3 {
		t.Errorf("describe: %s", d)
	}
	if err := acct.Kernel.RunFor(time.Second); err != nil {
		t.Fatal(err)
	}
	if a := mustRun(t, sh, "aws autoscaling describe-scaling-activities --auto-scaling-group-name g"); !strings.Contains(a.Text, "launching") {
		t.Errorf("activities: %q", a.Text)
	}
	mustRun(t, sh, "aws autoscaling delete-auto-scaling-group --auto-scaling-group-name g --force-delete")
}
