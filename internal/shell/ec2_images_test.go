package shell

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

// ssh, create-image, describe-images, describe-instance-status and tags as
// a learner types them; the rules are tested in internal/ec2 (disks_test.go).
func TestEC2StorageCommands(t *testing.T) {
	acct := cloud.New(1)
	sh := New(acct)
	types := mustRun(t, sh, "aws ec2 describe-instance-types --instance-types m5d.large m5.large")
	for _, want := range []string{`"InstanceStorageSupported": true`, `"TotalSizeInGB": 75`, `"InstanceStorageSupported": false`} {
		if !strings.Contains(types.String(), want) {
			t.Errorf("describe-instance-types lacks %s:\n%s", want, types)
		}
	}
	out := lambdaOutput(t, mustRun(t, sh, `aws ec2 run-instances --instance-type m5d.large --key-name lab-key --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=store}]'`))
	inst := out["Instances"].([]any)[0].(map[string]any)
	id := inst["InstanceId"].(string)
	if tags, _ := inst["Tags"].([]any); len(tags) != 1 || inst["KeyName"] != "lab-key" {
		t.Errorf("run-instances: tags %v, key %v", inst["Tags"], inst["KeyName"])
	}
	if _, err := sh.Run("ssh ec2-user@198.51.100.1 lsblk"); err == nil || !strings.Contains(err.Error(), "Connection timed out") {
		t.Errorf("ssh to a pending instance: %v", err)
	}
	if st := mustRun(t, sh, "aws ec2 describe-instance-status"); strings.Contains(st.String(), id) {
		t.Errorf("describe-instance-status lists a pending instance without --include-all-instances:\n%s", st)
	}
	if st := mustRun(t, sh, "aws ec2 describe-instance-status --include-all-instances"); !strings.Contains(st.String(), `"Status": "not-applicable"`) {
		t.Errorf("describe-instance-status --include-all-instances:\n%s", st)
	}
	if err := acct.Kernel.RunFor(time.Minute); err != nil {
		t.Fatal(err)
	}
	if st := mustRun(t, sh, "aws ec2 describe-instance-status --instance-ids "+id+" --filters Name=instance-status.status,Values=initializing"); !strings.Contains(st.String(), id) {
		t.Errorf("describe-instance-status while initializing:\n%s", st)
	}
	ip := acct.EC2.Instances()[0].PublicIP
	mustRun(t, sh, "ssh -i lab-key.pem -o StrictHostKeyChecking=no ec2-user@"+ip+" 'sudo mkfs -t xfs /dev/nvme1n1 && sudo mkdir /data && sudo mount /dev/nvme1n1 /data && sudo chown ec2-user /data'")
	mustRun(t, sh, "ssh ec2-user@"+ip+" 'echo \"scratch \x1b[31mred\" > /data/cache.txt; echo kept > notes.txt'")
	if r := mustRun(t, sh, "ssh ec2-user@"+ip+" 'cat /data/cache.txt notes.txt'"); strings.ContainsRune(r.Text, 0x1b) || !strings.Contains(r.Text, "kept") {
		t.Errorf("cat output not sanitised or missing: %q", r.Text)
	}
	for _, tc := range []struct{ line, want string }{
		{"ssh ec2-user@" + ip, "one command per login"},
		{"ssh root@" + ip + " lsblk", "Permission denied (publickey"},
		{"ssh ec2-user@" + ip + " 'cat /nope'", "No such file or directory"},
		{"ssh ec2-user@" + ip + " 'ls | wc -l'", "no pipes"},
		{"ssh", "usage: ssh"},
		{"aws ec2 create-image --instance-id " + id + " --name x", "InvalidAMIName.Malformed"},
		{"aws ec2 describe-images --filters Name=owner-alias,Values=amazon", "InvalidParameterValue"},
		{"aws ec2 create-tags --resources " + id + " --tags Value=x", "Key"},
	} {
		if _, err := sh.Run(tc.line); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.line, err, tc.want)
		}
	}
	ami := lambdaOutput(t, mustRun(t, sh, "aws ec2 create-image --instance-id "+id+" --name lab-notes --description 'my notes'"))["ImageId"].(string)
	if d := mustRun(t, sh, "aws ec2 describe-images --owners self --filters Name=state,Values=pending"); !strings.Contains(d.String(), ami) || !strings.Contains(d.String(), `"VolumeSize": 30`) {
		t.Errorf("describe-images while pending:\n%s", d)
	}
	if _, err := sh.Run("aws ec2 run-instances --image-id " + ami); err == nil || !strings.Contains(err.Error(), "InvalidAMIID.Unavailable") {
		t.Errorf("run-instances from a pending AMI: %v", err)
	}
	if err := acct.Kernel.RunFor(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	mustRun(t, sh, "aws ec2 run-instances --instance-type t3.micro --image-id "+ami)
	mustRun(t, sh, "aws ec2 create-tags --resources "+id+" --tags Key=env,Value=lab")
	if d := mustRun(t, sh, "aws ec2 describe-tags --filters Name=key,Values=env"); !strings.Contains(d.String(), `"Value": "lab"`) {
		t.Errorf("describe-tags:\n%s", d)
	}
	if d := mustRun(t, sh, "aws ec2 describe-instances --filters Name=tag:Name,Values=store --query Reservations[].Instances[].InstanceId --output text"); strings.TrimSpace(d.String()) != id {
		t.Errorf("tag filter: %q", d)
	}
	mustRun(t, sh, "aws ec2 deregister-image --image-id "+ami)
	if d := mustRun(t, sh, "aws ec2 describe-images --owners self"); strings.Contains(d.String(), ami) {
		t.Errorf("a deregistered AMI is still listed:\n%s", d)
	}
}
