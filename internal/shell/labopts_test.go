package shell

import (
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/ec2"
)

// TestInvokePayloadBinaryFormat: the AWS CLI v2 reads --payload as base64
// unless --cli-binary-format raw-in-base64-out is given; the shell accepts
// both forms without the option, and follows the option when it is given.
// https://docs.aws.amazon.com/cli/latest/userguide/cliv2-migration-changes.html#cliv2-migration-binaryparam
func TestInvokePayloadBinaryFormat(t *testing.T) {
	sh := New(cloud.New(1))
	mustRun(t, sh, createF)
	tests := []struct {
		name, args, errHas string
	}{
		{"raw JSON with raw-in-base64-out", `--cli-binary-format raw-in-base64-out --payload '{"order": 1}'`, ""},
		{"the option after the payload, = form", `--payload '{"order": 1}' --cli-binary-format=raw-in-base64-out`, ""},
		{"base64, the v2 default", `--payload eyJvcmRlciI6IDF9`, ""},
		{"explicit base64", `--cli-binary-format base64 --payload eyJvcmRlciI6IDF9`, ""},
		{"raw JSON without the option (v1, or v2 configured)", `--payload '{"order": 1}'`, ""},
		{"raw JSON with explicit base64", `--cli-binary-format base64 --payload '{"order": 1}'`, "Invalid base64"},
		{"base64 with raw-in-base64-out is not JSON", `--cli-binary-format raw-in-base64-out --payload eyJvcmRlciI6IDF9`, "InvalidRequestContentException"},
		{"base64 of something that is not JSON", `--payload bm90IGpzb24=`, "InvalidRequestContentException"},
		{"an unknown format", `--cli-binary-format hex --payload '{}'`, "Invalid choice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sh.Run("aws lambda invoke --function-name f " + tc.args + " out.json")
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errHas) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRunInstancesRealForms: --image-id resolve:ssm: parameters resolve
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-systems-manager-parameter-to-find-AMI.html),
// an instance profile is accepted, and a user-data script writing
// ECS_CLUSTER to /etc/ecs/ecs.config joins that cluster, whether passed
// with bash's $'...' quoting, in double quotes, or from a file.
func TestRunInstancesRealForms(t *testing.T) {
	sh := New(cloud.New(1), WithFiles(map[string][]byte{"ud.sh": []byte("#!/bin/bash\necho ECS_CLUSTER=lab >> /etc/ecs/ecs.config\n")}))
	mustRun(t, sh, "aws ecs create-cluster --cluster-name lab")
	const ssm = "--image-id resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
	for _, ud := range []string{
		`$'#!/bin/bash\necho ECS_CLUSTER=lab >> /etc/ecs/ecs.config'`,
		`"#!/bin/bash
echo ECS_CLUSTER=lab >> /etc/ecs/ecs.config"`,
		`file://ud.sh`,
	} {
		res := mustRun(t, sh, "aws ec2 run-instances --instance-type t3.medium "+ssm+" --iam-instance-profile Name=ecsInstanceRole --user-data "+ud)
		out := res.Output.(map[string]any)["Instances"].([]any)[0].(map[string]any)
		if out["ImageId"] != ec2.DefaultImageID {
			t.Errorf("%s: ImageId %v, want the ECS-optimized AMI %s", ud, out["ImageId"], ec2.DefaultImageID)
		}
	}
	mustRun(t, sh, "clock advance 2m")
	var joined int
	for _, in := range sh.Account().EC2.Instances() {
		if in.ECSCluster == "lab" {
			joined++
		}
	}
	if joined != 3 {
		t.Errorf("%d instances joined lab, want 3", joined)
	}
	if _, err := sh.Run("aws ec2 run-instances --image-id resolve:ssm:/my/own/parameter"); err == nil || !strings.Contains(err.Error(), "InvalidParameterValue") {
		t.Errorf("an unknown SSM parameter: error = %v", err)
	}
	if _, err := sh.Run("aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"); err != nil {
		t.Errorf("the Amazon Linux parameter: %v", err)
	}
}

// TestSplitANSICQuoting: $'...' turns \n, \t, \\ and \' into characters,
// as bash does; other quoting is unchanged.
func TestSplitANSICQuoting(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`a $'x\ny' b`, []string{"a", "x\ny", "b"}},
		{`$'it\'s\t\\'`, []string{"it's\t\\"}},
		{`pre$'\n'post`, []string{"pre\npost"}},
		{`'$x' "$y"`, []string{"$x", "$y"}},
	}
	for _, tc := range tests {
		got, err := Split(tc.in)
		if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Split(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := Split(`a $'open`); err == nil {
		t.Error("an unterminated $' quote is not an error")
	}
}

// TestUpdateEventInvokeConfig: put replaces the whole configuration,
// update changes only the options given and needs an existing one.
func TestUpdateEventInvokeConfig(t *testing.T) {
	sh := New(cloud.New(1))
	mustRun(t, sh, createF)
	if _, err := sh.Run("aws lambda update-function-event-invoke-config --function-name f --maximum-event-age-in-seconds 60"); err == nil {
		t.Fatal("update without a configuration succeeded")
	}
	mustRun(t, sh, "aws lambda put-function-event-invoke-config --function-name f --maximum-retry-attempts 0 --destination-config OnFailure={Destination=arn:aws:sqs:us-east-1:123456789012:q}")
	out := mustRun(t, sh, "aws lambda update-function-event-invoke-config --function-name f --maximum-event-age-in-seconds 60").String()
	for _, want := range []string{`"MaximumEventAgeInSeconds": 60`, `"MaximumRetryAttempts": 0`, "arn:aws:sqs:us-east-1:123456789012:q"} {
		if !strings.Contains(out, want) {
			t.Errorf("update output lacks %s:\n%s", want, out)
		}
	}
	out = mustRun(t, sh, "aws lambda put-function-event-invoke-config --function-name f --maximum-event-age-in-seconds 120").String()
	if strings.Contains(out, "arn:aws:sqs") || !strings.Contains(out, `"MaximumRetryAttempts": 2`) {
		t.Errorf("put did not replace the whole configuration:\n%s", out)
	}
}
