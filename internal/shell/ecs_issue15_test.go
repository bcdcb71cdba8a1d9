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
