package shell

import (
	"strings"
	"testing"
)

// TestExplainWithoutClusterUsesTheDefaultCluster: like every ECS command of
// the AWS CLI, the placement explanation without --cluster reads the
// cluster named default; when there is none it says ClusterNotFoundException.
// https://docs.aws.amazon.com/cli/latest/reference/ecs/run-task.html (--cluster: "If you do not specify a cluster, the default cluster is assumed.")
func TestExplainWithoutClusterUsesTheDefaultCluster(t *testing.T) {
	r := newECSShell(t, nil)
	if err := r.fail("explain"); awsCode(err) != "ClusterNotFoundException" {
		t.Errorf("no default cluster: %v", err)
	}
	r.ok("aws ecs create-cluster")
	r.ok("aws ec2 run-instances --instance-type t3.medium --count 1")
	r.ok("clock advance 2m")
	r.ok(`aws ecs register-task-definition --family api --network-mode awsvpc --container-definitions '[{"name":"a","image":"b","memory":64}]'`)
	r.ok("aws ecs run-task --task-definition api --count 3 --network-configuration awsvpcConfiguration={subnets=[s]}")
	res, err := r.sh.Run("explain")
	if err != nil {
		t.Fatal(err)
	}
	// The third awsvpc task found no network interface on the t3.medium.
	for _, want := range []string{"rejected", "RESOURCE:ENI", "no instance chosen: RESOURCE:ENI"} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("explain lacks %q:\n%s", want, res.Text)
		}
	}
}

// TestENITrunkingAccountSetting: `aws ecs put-account-setting --name
// awsvpcTrunking --value enabled` is shown by list-account-settings and
// gives instances launched afterwards the higher awsvpc task limit.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html
func TestENITrunkingAccountSetting(t *testing.T) {
	r := newECSShell(t, nil)
	m := r.ok("aws ecs put-account-setting --name awsvpcTrunking --value enabled")
	if st := m["setting"].(map[string]any); st["name"] != "awsvpcTrunking" || st["value"] != "enabled" {
		t.Errorf("setting %v", st)
	}
	m = r.ok("aws ecs list-account-settings --name awsvpcTrunking")
	if s := m["settings"].([]any); len(s) != 1 || s[0].(map[string]any)["value"] != "enabled" {
		t.Errorf("settings %v", s)
	}
	if err := r.fail("aws ecs put-account-setting --name awsvpcTrunking --value on"); awsCode(err) != "InvalidParameterException" {
		t.Errorf("bad value: %v", err)
	}
	r.ok("aws ecs create-cluster")
	r.ok("aws ec2 run-instances --instance-type c5.large --count 1")
	r.ok("clock advance 2m")
	r.ok(`aws ecs register-task-definition --family api --network-mode awsvpc --container-definitions '[{"name":"a","image":"b","cpu":64,"memory":64}]'`)
	m = r.ok("aws ecs run-task --task-definition api --count 10 --network-configuration awsvpcConfiguration={subnets=[s]}")
	if n := len(m["tasks"].([]any)); n != 10 {
		t.Errorf("%d tasks on a trunked c5.large, want 10", n)
	}
}

// TestCreateClusterKeepsTagsAndSettings: --tags takes several key/value
// structures and keeps them all; --settings name=containerInsights,value=enhanced
// is kept; describe-clusters shows them with --include TAGS SETTINGS, as the
// API does.
// https://docs.aws.amazon.com/cli/latest/reference/ecs/create-cluster.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html (include)
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ClusterSetting.html
func TestCreateClusterKeepsTagsAndSettings(t *testing.T) {
	r := newECSShell(t, nil)
	m := r.ok("aws ecs create-cluster --cluster-name prod --tags key=team,value=web key=env,value=prod --settings name=containerInsights,value=enhanced")
	c := m["cluster"].(map[string]any)
	tags := c["tags"].([]any)
	if len(tags) != 2 || tags[0].(map[string]any)["key"] != "team" || tags[1].(map[string]any)["value"] != "prod" {
		t.Errorf("tags %v", tags)
	}
	if st := c["settings"].([]any); len(st) != 1 || st[0].(map[string]any)["value"] != "enhanced" {
		t.Errorf("settings %v", st)
	}
	m = r.ok("aws ecs describe-clusters --clusters prod --include TAGS SETTINGS")
	d := m["clusters"].([]any)[0].(map[string]any)
	if len(d["tags"].([]any)) != 2 || d["settings"].([]any)[0].(map[string]any)["value"] != "enhanced" {
		t.Errorf("describe-clusters --include TAGS SETTINGS: %v", d)
	}
	m = r.ok("aws ecs describe-clusters --clusters prod")
	if _, ok := m["clusters"].([]any)[0].(map[string]any)["tags"]; ok {
		t.Errorf("tags shown without --include TAGS")
	}
	r.ok(`aws ecs create-cluster --cluster-name json --tags '[{"key":"a","value":"1"},{"key":"b","value":"2"}]'`)
	if err := r.fail("aws ecs create-cluster --cluster-name x --settings name=containerInsights,value=maybe"); awsCode(err) != "InvalidParameterException" {
		t.Errorf("bad containerInsights value: %v", err)
	}
	if err := r.fail("aws ecs create-cluster --cluster-name x --settings containerInsights=enhanced"); !strings.Contains(err.Error(), `Unknown parameter in settings[0]: "containerInsights", must be one of: name, value`) {
		t.Errorf("settings shorthand without name/value: %v", err)
	}
	if err := r.fail("aws ecs create-cluster --cluster-name x --tags key=aws:owner,value=me"); awsCode(err) != "InvalidParameterException" {
		t.Errorf("aws: tag prefix: %v", err)
	}
}

// TestIdempotencyTokensAreAccepted: run-task and create-service take
// --client-token; repeating the call with the same token returns the first
// answer instead of starting more tasks or failing as not idempotent.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html (clientToken)
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html (clientToken)
func TestIdempotencyTokensAreAccepted(t *testing.T) {
	r := newECSShell(t, nil)
	r.ok("aws ecs create-cluster")
	r.ok("aws ec2 run-instances --instance-type m5.large --count 1")
	r.ok("clock advance 2m")
	r.ok(`aws ecs register-task-definition --family web --container-definitions '[{"name":"a","image":"b","memory":64}]'`)
	a := r.ok("aws ecs run-task --task-definition web --client-token 3f6a0c2e-run")
	b := r.ok("aws ecs run-task --task-definition web --client-token 3f6a0c2e-run")
	if a["tasks"].([]any)[0].(map[string]any)["taskArn"] != b["tasks"].([]any)[0].(map[string]any)["taskArn"] {
		t.Error("the same client token started a second task")
	}
	r.ok("aws ecs create-service --service-name s --task-definition web --desired-count 1 --client-token tok-1")
	r.ok("aws ecs create-service --service-name s --task-definition web --desired-count 1 --client-token tok-1")
	if err := r.fail("aws ecs create-service --service-name s --task-definition web --desired-count 1 --client-token tok-2"); !strings.Contains(err.Error(), "not idempotent") {
		t.Errorf("another token: %v", err)
	}
}

// TestCliInputJSONReportsEveryProblemAtOnce: like the AWS CLI's parameter
// validation, --cli-input-json reports every unknown key and every value of
// the wrong type in one "Parameter validation failed:" message, one line
// per problem.
// https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-skeleton.html
func TestCliInputJSONReportsEveryProblemAtOnce(t *testing.T) {
	r := newECSShell(t, map[string][]byte{
		"svc.json": []byte(`{"cluster": "default", "serviceName": "s", "desiredCount": "two", "colour": "red", "launchTyp": "EC2"}`),
		"td.json": []byte(`{"family": "w", "colour": "red", "networkMode": 5, "containerDefinitions": [
			{"name": "a", "image": "b", "memory": "64", "ram": 1, "essential": "yes"}]}`),
	})
	err := r.fail("aws ecs create-service --cli-input-json file://svc.json")
	msg := err.Error()
	for _, want := range []string{"Parameter validation failed:\n", `Unknown parameter in input: "colour"`, `Unknown parameter in input: "launchTyp"`,
		"Invalid type for parameter desiredCount, value: two, type: <class 'str'>, valid types: <class 'int'>"} {
		if !strings.Contains(msg, want) {
			t.Errorf("create-service message lacks %q:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, "\n"); n != 3 {
		t.Errorf("%d lines after the first, want 3 (one per problem):\n%s", n, msg)
	}
	err = r.fail("aws ecs register-task-definition --cli-input-json file://td.json")
	msg = err.Error()
	for _, want := range []string{`Unknown parameter in input: "colour"`, `Unknown parameter in containerDefinitions[0]: "ram"`,
		"Invalid type for parameter networkMode, value: 5", "Invalid type for parameter containerDefinitions[0].memory, value: 64, type: <class 'str'>, valid types: <class 'int'>",
		"Invalid type for parameter containerDefinitions[0].essential, value: yes"} {
		if !strings.Contains(msg, want) {
			t.Errorf("register-task-definition message lacks %q:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, "\n"); n != 5 {
		t.Errorf("%d problem lines, want 5:\n%s", n, msg)
	}
}

// A step scaling policy is recorded and described, as the endpoint does.
func TestStepScalingPolicyIsRecorded(t *testing.T) {
	r := newECSShell(t, nil)
	for _, line := range []string{
		"aws ecs create-cluster --cluster-name lab",
		"aws ecs register-task-definition --family web --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 512 --container-definitions '[{\"name\":\"web\",\"image\":\"nginx\"}]'",
		"aws ecs create-service --cluster lab --service-name web --task-definition web --desired-count 1 --launch-type FARGATE --network-configuration awsvpcConfiguration={subnets=[subnet-1]}",
		"aws application-autoscaling register-scalable-target --service-namespace ecs --resource-id service/lab/web --scalable-dimension ecs:service:DesiredCount --min-capacity 1 --max-capacity 3",
		`aws application-autoscaling put-scaling-policy --service-namespace ecs --resource-id service/lab/web --scalable-dimension ecs:service:DesiredCount --policy-name step --policy-type StepScaling --step-scaling-policy-configuration '{"AdjustmentType":"ChangeInCapacity","StepAdjustments":[{"MetricIntervalLowerBound":0,"ScalingAdjustment":1}]}'`,
	} {
		r.ok(line)
	}
	out := r.ok("aws application-autoscaling describe-scaling-policies --service-namespace ecs")
	pols := out["ScalingPolicies"].([]any)
	if len(pols) != 1 || pols[0].(map[string]any)["PolicyType"] != "StepScaling" {
		t.Fatalf("policies: %v", out)
	}
}
