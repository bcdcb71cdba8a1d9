package shell

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

type ecsRun struct {
	t  *testing.T
	sh *Shell
}

func newECSShell(t *testing.T, files map[string][]byte) *ecsRun {
	return &ecsRun{t: t, sh: New(cloud.New(1), WithFiles(files))}
}

// ok runs a line that must succeed and returns its JSON output decoded.
func (r *ecsRun) ok(line string) map[string]any {
	r.t.Helper()
	res, err := r.sh.Run(line)
	if err != nil {
		r.t.Fatalf("%s: %v", line, err)
	}
	var m map[string]any
	if res.Output != nil {
		b, err := json.Marshal(res.Output)
		if err != nil {
			r.t.Fatal(err)
		}
		json.Unmarshal(b, &m)
	}
	return m
}

// fail runs a line that must fail and returns the error text.
func (r *ecsRun) fail(line string) error {
	r.t.Helper()
	_, err := r.sh.Run(line)
	if err == nil {
		r.t.Fatalf("%s: succeeded, want an error", line)
	}
	return err
}

func awsCode(err error) string {
	var ae *AWSError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

const userData = `--user-data "#!/bin/bash
echo ECS_CLUSTER=mycluster >> /etc/ecs/ecs.config"`

// Every `aws ecs` command of shared/seeds/003_e1e7645fae8996a9.txt, as written.
func TestSeedCommandsWorkAsWritten(t *testing.T) {
	r := newECSShell(t, nil)
	r.ok("aws ecs create-cluster --cluster-name mycluster")
	r.ok("aws ec2 run-instances --image-id ami-0ecs5imu1a7ed0001 --instance-type t3.medium --count 3 " + userData)
	r.ok("clock advance 1m")
	r.ok(`aws ecs register-task-definition --family web --container-definitions '[{"name":"web","image":"nginx","memory":256,"portMappings":[{"containerPort":80}]}]'`)
	seed := []struct {
		line    string
		errCode string // the AWS error real AWS gives for the seed's placeholder values
	}{
		{"aws ecs create-cluster --cluster-name mycluster", ""},
		{"aws ecs list-clusters", ""},
		{"aws ecs describe-clusters --cluster mycluster", ""},
		{"aws ecs create-service --generate-cli-skeleton", ""},
		{"aws ecs create-service --cluster mycluster --service-name web --task-definition web --desired-count 1", ""},
		{"aws ecs list-services --cluster mycluster", ""},
		{"aws ecs describe-services --cluster mycluster --services web", ""},
		{"aws ecs update-service --cluster mycluster --service-name web --task-definition web --desired-count 2", ""},
		{"aws ecs register-task-definition --generate-cli-skeleton", ""},
		{"aws ecs run-task --cluster mycluster --task-definition web --count 1", ""},
		{"aws ecs list-tasks --cluster mycluster", ""},
		{"aws ecs stop-task --cluster mycluster --task arn", "InvalidParameterException"},
		{"aws ecs list-container-instances --cluster mycluster", ""},
		{"aws ecs start-task --cluster mycluster --task-definition web --container-instances arn445087e", ""},
		// AWS refuses to delete a service scaled above 0 without --force.
		{"aws ecs delete-service --cluster mycluster --service-name web", "InvalidParameterException"},
		{"aws ecs delete-service --cluster mycluster --service-name web --force", ""},
		{"aws ecs delete-cluster --cluster mycluster", "ClusterContainsContainerInstancesException"},
	}
	for _, s := range seed {
		res, err := r.sh.Run(s.line)
		if s.errCode == "" {
			if err != nil {
				t.Errorf("%s: %v", s.line, err)
			}
			if !json.Valid([]byte(res.String())) {
				t.Errorf("%s: output is not JSON:\n%s", s.line, res.String())
			}
			continue
		}
		if awsCode(err) != s.errCode {
			t.Errorf("%s: error %v, want %s", s.line, err, s.errCode)
		}
	}
	// With its instances terminated the cluster can go.
	var ids []string
	for _, i := range r.sh.Account().EC2.Instances() {
		ids = append(ids, i.ID)
	}
	r.ok("aws ec2 terminate-instances --instance-ids " + strings.Join(ids, " "))
	r.ok("clock advance 1m")
	m := r.ok("aws ecs delete-cluster --cluster mycluster")
	if m["cluster"].(map[string]any)["status"] != "INACTIVE" {
		t.Errorf("delete-cluster: %v", m)
	}
}

func TestServiceLifecycleThroughTheShell(t *testing.T) {
	r := newECSShell(t, nil)
	r.ok("aws ecs create-cluster --cluster-name mycluster")
	r.ok("aws ec2 run-instances --instance-type m5.large --count 3 " + userData)
	r.ok("clock advance 1m")
	r.ok(`aws ecs register-task-definition --family web --cpu 256 --memory 512 --container-definitions '[{"name":"web","image":"nginx","portMappings":[{"containerPort":80,"hostPort":0}]}]'`)
	r.ok("aws ecs create-service --cluster mycluster --service-name web --task-definition web --desired-count 3 --deployment-configuration maximumPercent=200,minimumHealthyPercent=50,deploymentCircuitBreaker={enable=true,rollback=true}")
	r.ok("clock advance 1m")
	m := r.ok("aws ecs describe-services --cluster mycluster --services web")
	svc := m["services"].([]any)[0].(map[string]any)
	if svc["runningCount"] != 3.0 || svc["pendingCount"] != 0.0 {
		t.Fatalf("counts %v %v", svc["runningCount"], svc["pendingCount"])
	}
	cfg := svc["deploymentConfiguration"].(map[string]any)
	if cfg["minimumHealthyPercent"] != 50.0 || cfg["deploymentCircuitBreaker"].(map[string]any)["rollback"] != true {
		t.Errorf("deployment configuration %v", cfg)
	}
	events := svc["events"].([]any)
	if msg := events[0].(map[string]any)["message"]; msg != "(service web) has reached a steady state." {
		t.Errorf("newest event %q", msg)
	}
	// Tasks are spread across the three zones.
	tasks := r.ok("aws ecs list-tasks --cluster mycluster --service-name web")["taskArns"].([]any)
	args := []string{}
	for _, a := range tasks {
		args = append(args, a.(string))
	}
	d := r.ok("aws ecs describe-tasks --cluster mycluster --tasks " + strings.Join(args, " "))
	zones := map[string]bool{}
	for _, tk := range d["tasks"].([]any) {
		tm := tk.(map[string]any)
		zones[tm["availabilityZone"].(string)] = true
		if tm["lastStatus"] != "RUNNING" || tm["group"] != "service:web" {
			t.Errorf("task %v %v", tm["lastStatus"], tm["group"])
		}
		hp := tm["containers"].([]any)[0].(map[string]any)["networkBindings"].([]any)[0].(map[string]any)["hostPort"].(float64)
		if hp < 32768 || hp > 60999 {
			t.Errorf("dynamic host port %v", hp)
		}
	}
	if len(zones) != 3 {
		t.Errorf("zones %v", zones)
	}
	// Fault: crash one task; the service replaces it.
	r.ok("fault task --cluster mycluster --task " + args[0])
	r.ok("clock advance 1m")
	st := r.ok("aws ecs describe-tasks --cluster mycluster --tasks " + args[0])["tasks"].([]any)[0].(map[string]any)
	if st["lastStatus"] != "STOPPED" || st["stopCode"] != "EssentialContainerExited" {
		t.Errorf("crashed task %v %v", st["lastStatus"], st["stopCode"])
	}
	rep := r.ok("report --json")
	cl := rep["ecs"].(map[string]any)["clusters"].([]any)[0].(map[string]any)
	sv := cl["services"].([]any)[0].(map[string]any)
	if cl["clusterName"] != "mycluster" || sv["runningCount"] != 3.0 || sv["desiredCount"] != 3.0 || cl["CostUSD"].(float64) <= 0 {
		t.Errorf("report %v", cl)
	}
	inst := cl["instances"].([]any)[0].(map[string]any)
	for _, k := range []string{"ec2InstanceId", "instanceType", "availabilityZone", "status", "runningTasksCount", "remainingCpu", "remainingMemory"} {
		if _, ok := inst[k]; !ok {
			t.Errorf("report instance lacks %s", k)
		}
	}
	if cl["tasksByStatus"].(map[string]any)["STOPPED"] != 1.0 {
		t.Errorf("tasksByStatus %v", cl["tasksByStatus"])
	}
	// Fault: an instance fails; its tasks are replaced elsewhere.
	ec2id := inst["ec2InstanceId"].(string)
	r.ok("fault instance --instance-id " + ec2id)
	r.ok("clock advance 1m")
	svc = r.ok("aws ecs describe-services --cluster mycluster --services web")["services"].([]any)[0].(map[string]any)
	if svc["runningCount"] != 3.0 {
		t.Errorf("after instance failure running %v", svc["runningCount"])
	}
}

func TestRegisterTaskDefinitionFromFile(t *testing.T) {
	dir := filepath.Join("..", "ecs", "testdata")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() { // testdata/fuzz: the fuzzer's corpus
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	files["bad.json"] = []byte("{\n  \"family\": \"web\"\n  \"containerDefinitions\": []\n}")
	r := newECSShell(t, files)
	for name := range files {
		if name == "bad.json" {
			continue
		}
		m := r.ok("aws ecs register-task-definition --cli-input-json file://" + name)
		if m["taskDefinition"].(map[string]any)["revision"] != 1.0 {
			t.Errorf("%s: %v", name, m)
		}
	}
	err = r.fail("aws ecs register-task-definition --cli-input-json file://bad.json")
	if !strings.Contains(err.Error(), "line 3 column 3") {
		t.Errorf("malformed JSON error %q lacks line 3 column 3", err)
	}
	err = r.fail(`aws ecs register-task-definition --family x --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 4GB --container-definitions '[{"name":"a","image":"b"}]'`)
	if awsCode(err) != "ClientException" || !strings.Contains(err.Error(), "Invalid 'cpu' setting for task.") {
		t.Errorf("Fargate size error %v", err)
	}
	err = r.fail(`aws ecs register-task-definition --family x --requires-compatibilities FARGATE --cpu 256 --memory 512 --container-definitions '[{"name":"a","image":"b"}]'`)
	if awsCode(err) != "ClientException" || !strings.Contains(err.Error(), "Fargate only supports network mode 'awsvpc'.") {
		t.Errorf("awsvpc error %v", err)
	}
	m := r.ok("aws ecs describe-task-definition --task-definition fargate-task-definition")
	if m["taskDefinition"].(map[string]any)["cpu"] != "256" {
		t.Errorf("describe %v", m)
	}
	r.ok("aws ecs deregister-task-definition --task-definition sleep360:1")
	list := r.ok("aws ecs list-task-definitions")["taskDefinitionArns"].([]any)
	if len(list) != 3 {
		t.Errorf("active definitions %v", list)
	}
}

func TestRunTaskPlacementOptions(t *testing.T) {
	r := newECSShell(t, nil)
	r.ok("aws ecs create-cluster --cluster-name mycluster")
	r.ok("aws ec2 run-instances --instance-type t3.medium --count 3 " + userData)
	r.ok("aws ec2 run-instances --instance-type m5.large --placement AvailabilityZone=us-east-1d " + userData)
	r.ok("clock advance 1m")
	r.ok(`aws ecs register-task-definition --family job --container-definitions '[{"name":"j","image":"busybox","cpu":128,"memoryReservation":128,"memory":512}]'`)
	cases := []struct {
		name string
		args string
		want func(tasks []map[string]any) bool
	}{
		{"memberOf constraint", `--count 4 --placement-constraints 'type=memberOf,expression="attribute:ecs.instance-type =~ m5.*"'`,
			func(ts []map[string]any) bool {
				for _, tk := range ts {
					if tk["availabilityZone"] != "us-east-1d" {
						return false
					}
				}
				return len(ts) == 4
			}},
		{"binpack memory shorthand", `--count 3 --placement-strategy type=binpack,field=memory`,
			func(ts []map[string]any) bool {
				return len(ts) == 3 && ts[0]["containerInstanceArn"] == ts[1]["containerInstanceArn"] && ts[1]["containerInstanceArn"] == ts[2]["containerInstanceArn"]
			}},
		{"spread JSON", `--count 4 --group spreadtest --placement-strategy '[{"type":"spread","field":"attribute:ecs.availability-zone"}]'`,
			func(ts []map[string]any) bool {
				z := map[any]bool{}
				for _, tk := range ts {
					z[tk["availabilityZone"]] = true
				}
				return len(z) == 4
			}},
		{"distinctInstance", `--count 4 --group g1 --placement-constraints type=distinctInstance`,
			func(ts []map[string]any) bool {
				in := map[any]bool{}
				for _, tk := range ts {
					in[tk["containerInstanceArn"]] = true
				}
				return len(in) == 4 && ts[0]["group"] == "g1"
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := r.ok("aws ecs run-task --cluster mycluster --task-definition job " + tc.args)
			var ts []map[string]any
			for _, x := range m["tasks"].([]any) {
				ts = append(ts, x.(map[string]any))
			}
			if !tc.want(ts) {
				t.Errorf("tasks %v failures %v", ts, m["failures"])
			}
		})
	}
	m := r.ok("aws ecs run-task --cluster mycluster --task-definition job --count 2 --group g1 --placement-constraints type=distinctInstance")
	fails := m["failures"].([]any)
	if len(fails) != 2 || fails[0].(map[string]any)["reason"] != "DistinctInstance placement constraint unsatisfied." {
		t.Errorf("failures %v", fails)
	}
	err := r.fail(`aws ecs run-task --cluster mycluster --task-definition job --placement-constraints 'type=memberOf,expression="attribute:ecs.instance-type === t3"'`)
	if awsCode(err) != "InvalidParameterException" || !strings.Contains(err.Error(), "position") {
		t.Errorf("bad expression: %v", err)
	}
	if code := awsCode(r.fail("aws ecs run-task --cluster nope --task-definition job")); code != "ClusterNotFoundException" {
		t.Errorf("code %s", code)
	}
	if code := awsCode(r.fail("aws ecs describe-services --cluster mycluster --services")); code != "" {
		t.Errorf("missing value should be a usage error, got %s", code)
	}
	if code := awsCode(r.fail("aws ecs update-service --cluster mycluster --service nope --desired-count 1")); code != "ServiceNotFoundException" {
		t.Errorf("code %s", code)
	}
	// Container instances: attributes, filter, draining.
	cis := r.ok("aws ecs list-container-instances --cluster mycluster --filter \"attribute:ecs.instance-type == m5.large\"")["containerInstanceArns"].([]any)
	if len(cis) != 1 {
		t.Fatalf("filter found %v", cis)
	}
	ci := cis[0].(string)
	r.ok("aws ecs put-attributes --cluster mycluster --attributes name=stack,value=prod,targetId=" + ci)
	d := r.ok("aws ecs describe-container-instances --cluster mycluster --container-instances " + ci)["containerInstances"].([]any)[0].(map[string]any)
	found := false
	for _, a := range d["attributes"].([]any) {
		if a.(map[string]any)["name"] == "stack" {
			found = true
		}
	}
	if !found || d["registeredResources"].([]any)[0].(map[string]any)["integerValue"] != 2048.0 {
		t.Errorf("describe-container-instances %v", d)
	}
	r.ok("aws ecs update-container-instances-state --cluster mycluster --container-instances " + ci + " --status DRAINING")
	if n := len(r.ok("aws ecs list-container-instances --cluster mycluster --status DRAINING")["containerInstanceArns"].([]any)); n != 1 {
		t.Errorf("%d draining", n)
	}
}

func TestAutoScalingThroughTheShell(t *testing.T) {
	r := newECSShell(t, nil)
	r.ok("aws ecs create-cluster --cluster-name mycluster")
	r.ok("aws ec2 run-instances --instance-type m5.2xlarge --count 2 " + userData)
	r.ok("clock advance 1m")
	r.ok(`aws ecs register-task-definition --family web --container-definitions '[{"name":"web","image":"nginx","cpu":256,"memory":512}]'`)
	r.ok("aws ecs create-service --cluster mycluster --service-name web --task-definition web --desired-count 2")
	r.ok("aws application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/mycluster/web --min-capacity 2 --max-capacity 10")
	r.ok(`aws application-autoscaling put-scaling-policy --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/mycluster/web --policy-name cpu50 --policy-type TargetTrackingScaling --target-tracking-scaling-policy-configuration '{"TargetValue": 50.0, "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}, "ScaleOutCooldown": 60, "ScaleInCooldown": 60}'`)
	r.ok("traffic --cluster mycluster --service web --rate 400 --for 30m")
	r.ok("clock advance 10m")
	acts := r.ok("aws application-autoscaling describe-scaling-activities --service-namespace ecs --resource-id service/mycluster/web")["ScalingActivities"].([]any)
	if len(acts) == 0 || !strings.HasPrefix(acts[len(acts)-1].(map[string]any)["Description"].(string), "Setting desired count to 4.") {
		t.Fatalf("activities %v", acts)
	}
	svc := r.ok("aws ecs describe-services --cluster mycluster --services web")["services"].([]any)[0].(map[string]any)
	if svc["desiredCount"] != 8.0 {
		t.Errorf("desired %v, want 8 (400 rps / 100 rps per task at 50%%)", svc["desiredCount"])
	}
	if err := r.fail("traffic --cluster mycluster --service web --burst 5"); err == nil || awsCode(err) != "" {
		t.Errorf("burst to an ECS service: %v", err)
	}
}

func TestFargateThroughTheShell(t *testing.T) {
	r := newECSShell(t, map[string][]byte{"net.json": []byte(`{"awsvpcConfiguration": {"subnets": ["subnet-1"]}}`)})
	r.ok("aws ecs create-cluster --cluster-name fg")
	r.ok(`aws ecs register-task-definition --family api --requires-compatibilities FARGATE --network-mode awsvpc --cpu "1 vCPU" --memory 2GB --container-definitions '[{"name":"api","image":"api:1"}]'`)
	m := r.ok("aws ecs run-task --cluster fg --task-definition api --launch-type FARGATE --count 3 --network-configuration awsvpcConfiguration={subnets=[subnet-1],assignPublicIp=ENABLED}")
	tk := m["tasks"].([]any)[0].(map[string]any)
	if tk["lastStatus"] != "PROVISIONING" || tk["launchType"] != "FARGATE" || tk["cpu"] != "1024" || tk["memory"] != "2048" {
		t.Errorf("task %v", tk)
	}
	// compatibilities lists EC2 too, so without --launch-type it goes to EC2,
	// where this cluster has no instances.
	if err := r.fail("aws ecs run-task --cluster fg --task-definition api --network-configuration awsvpcConfiguration={subnets=[subnet-1]}"); !strings.Contains(err.Error(), "No Container Instances were found in your cluster.") {
		t.Errorf("FARGATE definition on EC2: %v", err)
	}
	r.ok(`aws ecs register-task-definition --family ec2only --network-mode bridge --container-definitions '[{"name":"a","image":"b","memory":64}]'`)
	if err := r.fail("aws ecs run-task --cluster fg --task-definition ec2only --launch-type FARGATE"); !strings.Contains(err.Error(), "(InvalidParameterException) when calling the RunTask operation: Task definition does not support launch_type FARGATE.") {
		t.Errorf("EC2-only definition on Fargate: %v", err)
	}
	if err := r.fail("aws ecs run-task --cluster fg --task-definition api --launch-type FARGATE"); !strings.Contains(err.Error(), "Network Configuration must be provided when networkMode 'awsvpc' is specified.") {
		t.Errorf("no network configuration: %v", err)
	}
	r.ok("aws ecs create-service --cluster fg --service-name worker --task-definition api --desired-count 2 --capacity-provider-strategy capacityProvider=FARGATE,base=1,weight=1 capacityProvider=FARGATE_SPOT,weight=3 --network-configuration file://net.json")
	if err := r.fail("aws ecs run-task --cluster fg --task-definition api --launch-type FARGATE --capacity-provider-strategy capacityProvider=FARGATE --network-configuration x"); !strings.Contains(err.Error(), "Specifying both a launch type and capacity provider strategy is not supported.") {
		t.Errorf("both: %v", err)
	}
	r.ok("aws ecs update-service --cluster fg --service worker --desired-count 0")
	r.ok("clock advance 10m")
	rep := r.ok("report --json")
	cost := rep["ecs"].(map[string]any)["clusters"].([]any)[0].(map[string]any)["CostUSD"].(float64)
	// 3 tasks x about 10 min x (1 vCPU x 0.04048 + 2 GB x 0.004445) per hour.
	want := 3 * (10.0 / 60) * (0.04048 + 2*0.004445)
	if cost < want*0.9 || cost > want*1.05 {
		t.Errorf("cost %.6f, want about %.6f", cost, want)
	}
}

func TestECSSkeletonsAndHelp(t *testing.T) {
	r := newECSShell(t, nil)
	for _, op := range []string{"create-service", "register-task-definition", "run-task", "update-service", "describe-tasks"} {
		res, err := r.sh.Run("aws ecs " + op + " --generate-cli-skeleton")
		if err != nil || !json.Valid([]byte(res.Text)) {
			t.Errorf("%s skeleton: %v\n%s", op, err, res.Text)
		}
	}
	// --cli-input-json fills options by their API names.
	r.ok("aws ecs create-cluster --cli-input-json '{\"clusterName\": \"viajson\"}'")
	r.ok("aws ecs describe-clusters --clusters viajson")
	err := r.fail(`aws ecs create-cluster --cli-input-json '{"clusterNam": "x"}'`)
	if !strings.Contains(err.Error(), `Unknown parameter in input: "clusterNam"`) {
		t.Errorf("unknown key: %v", err)
	}
	help := r.sh.Help("aws", "ecs")
	for _, op := range []string{"create-service", "run-task", "put-attributes", "update-container-instances-state"} {
		if !strings.Contains(help, op) {
			t.Errorf("aws ecs help lacks %s", op)
		}
	}
	r.ok("aws ecs create-cluster --cluster-name mycluster")
	r.ok(`aws ecs register-task-definition --family web --container-definitions '[{"name":"w","image":"nginx","memory":64}]'`)
	if code := awsCode(r.fail("aws ecs create-service --cluster mycluster --service-name web --task-definition web")); code != "InvalidParameterException" {
		t.Errorf("create-service without --desired-count: %s", code)
	}
	r.ok("aws ecs create-service --cluster mycluster --service-name web --task-definition web --desired-count 0")
	if got := r.sh.Complete("aws ecs describe-services --cluster mycluster --services w"); !slices.Contains(got, "aws ecs describe-services --cluster mycluster --services web") {
		t.Errorf("completion %v", got)
	}
	if got := r.sh.Complete("aws ecs create-service --task-definition we"); len(got) == 0 {
		t.Errorf("no task-definition completion")
	}
}

func TestSettingsECS(t *testing.T) {
	r := newECSShell(t, nil)
	r.ok("settings ecs --boot-time 90s --task-capacity 50")
	r.ok("aws ecs create-cluster --cluster-name c")
	r.ok(`aws ec2 run-instances --instance-type t3.micro --user-data ECS_CLUSTER=c`)
	r.ok("clock advance 95s")
	if n := len(r.ok("aws ecs list-container-instances --cluster c")["containerInstanceArns"].([]any)); n != 0 {
		t.Errorf("registered before boot (90 s) + agent (10 s)")
	}
	r.ok("clock advance 10s")
	if n := len(r.ok("aws ecs list-container-instances --cluster c")["containerInstanceArns"].([]any)); n != 1 {
		t.Errorf("%d registered after 105 s", n)
	}
	if got := r.ok("settings ecs")["TaskCapacityRequestsPerSecond"]; got != 50.0 {
		t.Errorf("task capacity %v", got)
	}
	if err := r.fail("settings ecs --task-capacity 0"); err == nil {
		t.Error("zero capacity accepted")
	}
}

func TestCreateServiceFromCLIInputJSON(t *testing.T) {
	input := `{
    "cluster": "mycluster",
    "serviceName": "web",
    "taskDefinition": "web",
    "desiredCount": 2,
    "deploymentConfiguration": {"maximumPercent": 150, "minimumHealthyPercent": 50,
        "deploymentCircuitBreaker": {"enable": true, "rollback": false}},
    "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "cpu"}],
    "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3.*"}]
}`
	r := newECSShell(t, map[string][]byte{"svc.json": []byte(input)})
	r.ok("aws ecs create-cluster --cluster-name mycluster")
	r.ok(`aws ecs register-task-definition --family web --container-definitions '[{"name":"w","image":"nginx","memory":64}]'`)
	svc := r.ok("aws ecs create-service --cli-input-json file://svc.json")["service"].(map[string]any)
	cfg := svc["deploymentConfiguration"].(map[string]any)
	if svc["desiredCount"] != 2.0 || cfg["maximumPercent"] != 150.0 || cfg["deploymentCircuitBreaker"].(map[string]any)["enable"] != true {
		t.Errorf("service %v", svc)
	}
	if ps := svc["placementStrategy"].([]any); len(ps) != 2 || ps[1].(map[string]any)["field"] != "cpu" {
		t.Errorf("placementStrategy %v", ps)
	}
	if pc := svc["placementConstraints"].([]any); len(pc) != 1 {
		t.Errorf("placementConstraints %v", pc)
	}
}

func TestEC2StopStart(t *testing.T) {
	r := newECSShell(t, nil)
	id := r.ok("aws ec2 run-instances --instance-type t3.micro")["Instances"].([]any)[0].(map[string]any)["InstanceId"].(string)
	r.ok("clock advance 1m")
	m := r.ok("aws ec2 stop-instances --instance-ids " + id)
	st := m["StoppingInstances"].([]any)[0].(map[string]any)
	if st["CurrentState"].(map[string]any)["Name"] != "stopping" || st["PreviousState"].(map[string]any)["Code"] != 16.0 {
		t.Errorf("stop %v", st)
	}
	r.ok("clock advance 1m")
	res := r.ok("aws ec2 describe-instances --filters Name=instance-state-name,Values=stopped")["Reservations"].([]any)
	if len(res) != 1 {
		t.Errorf("stopped instances %v", res)
	}
	r.ok("aws ec2 start-instances --instance-ids " + id)
	r.ok("clock advance 1m")
	if n := len(r.ok("aws ec2 describe-instances --filters Name=instance-state-name,Values=running")["Reservations"].([]any)); n != 1 {
		t.Errorf("%d running after start", n)
	}
	if code := awsCode(r.fail("aws ec2 stop-instances --instance-ids i-0000000000000000")); code != "InvalidInstanceID.NotFound" {
		t.Errorf("code %s", code)
	}
}

func TestShorthand(t *testing.T) {
	cases := []struct {
		in   string
		want string // JSON of the result, or "error"
	}{
		{"type=spread,field=attribute:ecs.availability-zone", `{"field":"attribute:ecs.availability-zone","type":"spread"}`},
		{`type=memberOf,expression="attribute:ecs.instance-type =~ t3.*, or not"`, `{"expression":"attribute:ecs.instance-type =~ t3.*, or not","type":"memberOf"}`},
		{"maximumPercent=200,deploymentCircuitBreaker={enable=true,rollback=false}", `{"deploymentCircuitBreaker":{"enable":"true","rollback":"false"},"maximumPercent":"200"}`},
		{"awsvpcConfiguration={subnets=[subnet-1,subnet-2],assignPublicIp=ENABLED}", `{"awsvpcConfiguration":{"assignPublicIp":"ENABLED","subnets":["subnet-1","subnet-2"]}}`},
		{`{"a": 1}`, `{"a":1}`},
		{"novalue", "error"},
		{"a={b=1", "error"},
		{"a=[1,2", "error"},
		{`a="open`, "error"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			m, err := parseShorthand(tc.in)
			if tc.want == "error" {
				if err == nil {
					t.Errorf("accepted: %v", m)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(m)
			if string(b) != tc.want {
				t.Errorf("got %s, want %s", b, tc.want)
			}
		})
	}
}

func FuzzShorthand(f *testing.F) {
	for _, s := range []string{"type=spread,field=instanceId", `a={b=[1,{c=d}],e="x,y"}`, "maximumPercent=200", "[", "a=[", "={}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseShorthand(s)
		if err == nil {
			if _, err := json.Marshal(m); err != nil {
				t.Fatal(err)
			}
		}
	})
}
