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
