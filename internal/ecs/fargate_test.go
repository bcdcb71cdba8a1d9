package ecs

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestInvalidFargateCPUMemoryPairIsRefused: a Fargate task definition with a
// cpu/memory pair outside the table is refused with ClientException
// "Invalid 'cpu' setting for task." (the API's and the AWS CLI's wording;
// Terraform shows "No Fargate configuration exists for given values.").
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html
func TestInvalidFargateCPUMemoryPairIsRefused(t *testing.T) {
	for _, pair := range [][2]string{{"256", "4096"}, {"512", "512"}, {"1024", "9216"}, {"300", "512"}, {"4096", "31744"}, {"8192", "18432"}} {
		_, err := ParseTaskDefinitionJSON([]byte(`{"family":"f","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc","cpu":"` + pair[0] +
			`","memory":"` + pair[1] + `","containerDefinitions":[{"name":"a","image":"x"}]}`))
		var ce *ClientError
		if !errors.As(err, &ce) || ce.Msg != "Invalid 'cpu' setting for task." {
			t.Errorf("cpu %s memory %s: %v, want ClientException \"Invalid 'cpu' setting for task.\"", pair[0], pair[1], err)
		}
	}
	for _, pair := range [][2]string{{"256", "2048"}, {"1 vCPU", "8GB"}, {"4096", "30720"}, {"8192", "20480"}} {
		if _, err := ParseTaskDefinitionJSON([]byte(`{"family":"f","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc","cpu":"` + pair[0] +
			`","memory":"` + pair[1] + `","containerDefinitions":[{"name":"a","image":"x"}]}`)); err != nil {
			t.Errorf("cpu %s memory %s refused: %v", pair[0], pair[1], err)
		}
	}
}

const fargateBase = `"networkMode":"awsvpc","cpu":"256","memory":"512"`

// TestFargateAwslogsWithoutExecutionRoleIsRefused: Fargate ships awslogs
// logs and pulls private images with the task execution role, so a
// FARGATE definition without executionRoleArn that uses the awslogs driver
// (or an Amazon ECR image, or private registry credentials) is refused at
// registration with ClientException.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
func TestFargateAwslogsWithoutExecutionRoleIsRefused(t *testing.T) {
	awslogs := `"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/w","awslogs-region":"us-east-1","awslogs-stream-prefix":"w"}}`
	cases := []struct {
		name, container, want string
	}{
		{"awslogs", `"image":"nginx",` + awslogs, "Fargate requires task definition to have execution role ARN to support log driver awslogs."},
		{"ECR image", `"image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1"`, "Fargate requires task definition to have execution role ARN to support ECR images."},
		{"private registry", `"image":"registry.example.com/web","repositoryCredentials":{"credentialsParameter":"arn:aws:secretsmanager:us-east-1:123456789012:secret:r"}`, "execution role ARN to support private registry authentication."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := `{"family":"w","requiresCompatibilities":["FARGATE"],` + fargateBase + `,"containerDefinitions":[{"name":"a",` + tc.container + `}]}`
			_, err := ParseTaskDefinitionJSON([]byte(src))
			var ce *ClientError
			if !errors.As(err, &ce) || !strings.Contains(ce.Msg, tc.want) {
				t.Fatalf("got %v, want ClientException %q", err, tc.want)
			}
			// With the role it registers and can run on Fargate.
			withRole := strings.Replace(src, `"family":"w",`, `"family":"w","executionRoleArn":"arn:aws:iam::123456789012:role/ecsTaskExecutionRole",`, 1)
			td, err := ParseTaskDefinitionJSON([]byte(withRole))
			if err != nil || !slices.Equal(td.Compatibilities, []string{"EC2", "FARGATE"}) {
				t.Fatalf("with an execution role: %v %v", err, td)
			}
			// Without requiresCompatibilities it registers, but for EC2 only.
			noReq := strings.Replace(src, `"requiresCompatibilities":["FARGATE"],`, ``, 1)
			td, err = ParseTaskDefinitionJSON([]byte(noReq))
			if err != nil || !slices.Equal(td.Compatibilities, []string{"EC2"}) {
				t.Fatalf("without requiresCompatibilities: %v %v", err, td)
			}
		})
	}
	// The ECR Public gallery needs no role.
	if _, err := ParseTaskDefinitionJSON([]byte(`{"family":"w","requiresCompatibilities":["FARGATE"],` + fargateBase +
		`,"containerDefinitions":[{"name":"a","image":"public.ecr.aws/nginx/nginx:latest"}]}`)); err != nil {
		t.Errorf("public.ecr.aws image: %v", err)
	}
}

// TestLaunchTypeMustBeInCompatibilities: RunTask and CreateService accept a
// launch type only when the definition's `compatibilities` lists it. A
// definition without requiresCompatibilities runs on EC2, and on Fargate
// only when it meets Fargate's requirements; one that lists both runs on
// either.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html (compatibilities)
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html (requiresCompatibilities)
func TestLaunchTypeMustBeInCompatibilities(t *testing.T) {
	w := newWorld(t, 5)
	w.cluster("c")
	w.instances("c", "m5.large", "us-east-1a")
	w.taskdef(`{"family":"plain","containerDefinitions":[{"name":"a","image":"x","memory":128}]}`)
	w.taskdef(`{"family":"vpcnosize","networkMode":"awsvpc","containerDefinitions":[{"name":"a","image":"x","memory":128}]}`)
	w.taskdef(`{"family":"fits",` + fargateBase + `,"containerDefinitions":[{"name":"a","image":"x"}]}`)
	w.taskdef(`{"family":"both","requiresCompatibilities":["EC2","FARGATE"],` + fargateBase + `,"containerDefinitions":[{"name":"a","image":"x"}]}`)
	w.taskdef(`{"family":"fgonly","requiresCompatibilities":["FARGATE"],` + fargateBase + `,"containerDefinitions":[{"name":"a","image":"x"}]}`)
	cases := []struct {
		family, launch string
		ok             bool
	}{
		{"plain", "EC2", true},
		{"plain", "FARGATE", false},
		{"vpcnosize", "EC2", true},
		{"vpcnosize", "FARGATE", false},
		{"fits", "EC2", true},
		{"fits", "FARGATE", true},
		{"both", "EC2", true},
		{"both", "FARGATE", true},
		{"fgonly", "FARGATE", true},
		{"fgonly", "EC2", true}, // compatibilities: EC2, FARGATE
	}
	for _, tc := range cases {
		td, _ := w.ecs.TaskDefinition(tc.family)
		_, err := w.ecs.RunTask(RunInput{Cluster: "c", TaskDefinition: tc.family, LaunchType: tc.launch})
		if (err == nil) != tc.ok {
			t.Errorf("run-task %s (compatibilities %v) --launch-type %s: err %v, want ok=%v", tc.family, td.Compatibilities, tc.launch, err, tc.ok)
		}
		_, err = w.ecs.CreateService(ServiceInput{Cluster: "c", ServiceName: tc.family + "-" + tc.launch, TaskDefinition: tc.family, LaunchType: tc.launch, DesiredCount: intp(0)})
		if (err == nil) != tc.ok {
			t.Errorf("create-service %s --launch-type %s: err %v, want ok=%v", tc.family, tc.launch, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "does not support launch_type "+tc.launch) {
			t.Errorf("error %q", err)
		}
	}
}
