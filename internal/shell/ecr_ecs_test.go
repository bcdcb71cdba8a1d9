package shell

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/ecs"
)

// pushed builds Dockerfile.better (python:3.12-slim), pushes it as
// hello:v1 and returns the shell and the image's compressed size.
func pushed(t *testing.T) (*Shell, int64) {
	t.Helper()
	s := dockerShell(t)
	dockerRun(t, s, "aws ecr create-repository --repository-name hello")
	dockerRun(t, s, "docker build -t "+ecrHost+"/hello:v1 -f Dockerfile.better .")
	dockerRun(t, s, "aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin "+ecrHost)
	dockerRun(t, s, "docker push "+ecrHost+"/hello:v1")
	im, _, found := s.acct.ECR.Resolve(ecrHost + "/hello:v1")
	if !found {
		t.Fatal("pushed image not found")
	}
	return s, im.Size
}

func lastTask(t *testing.T, s *Shell, cluster string) *ecs.Task {
	t.Helper()
	tasks, err := s.acct.ECS.ListTasks(ecs.ListTasksInput{Cluster: cluster, DesiredStatus: "RUNNING"})
	if err != nil {
		t.Fatal(err)
	}
	stopped, _ := s.acct.ECS.ListTasks(ecs.ListTasksInput{Cluster: cluster, DesiredStatus: "STOPPED"})
	tasks = append(tasks, stopped...)
	var last *ecs.Task
	for _, tk := range tasks {
		if last == nil || tk.CreatedAt >= last.CreatedAt {
			last = tk
		}
	}
	if last == nil {
		t.Fatal("no task")
	}
	return last
}

func pullTime(tk *ecs.Task) time.Duration { return tk.PullStoppedAt - tk.PullStartedAt }

const fargateNet = " --network-configuration awsvpcConfiguration={subnets=[subnet-1],assignPublicIp=ENABLED}"

// A Fargate task pulls its ECR image on every start: Fargate caches no
// image (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-pull-behavior.html).
// The simulated pull takes PullLatency + compressed size / PullBandwidth.
func TestFargatePullsECRImageEveryTime(t *testing.T) {
	s, size := pushed(t)
	set := s.acct.ECS.Settings
	want := set.PullLatency + time.Duration(float64(size)/set.PullBandwidth*float64(time.Second))
	dockerRun(t, s, "aws ecs create-cluster --cluster-name fg")
	dockerRun(t, s, `aws ecs register-task-definition --family hello --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 512 --execution-role-arn arn:aws:iam::123456789012:role/ecsTaskExecutionRole --container-definitions '[{"name":"hello","image":"`+ecrHost+`/hello:v1"}]'`)
	for i := 0; i < 2; i++ {
		dockerRun(t, s, "aws ecs run-task --cluster fg --task-definition hello --launch-type FARGATE"+fargateNet)
		dockerRun(t, s, "clock advance 2m")
		tk := lastTask(t, s, "fg")
		if tk.LastStatus != "RUNNING" || pullTime(tk) != want {
			t.Errorf("run %d: %s, pull %v, want %v", i+1, tk.LastStatus, pullTime(tk), want)
		}
	}
	// A bigger image (python:3.12, not slim) pulls for longer.
	dockerRun(t, s, "docker build -t "+ecrHost+"/hello:big .")
	dockerRun(t, s, "docker push "+ecrHost+"/hello:big")
	dockerRun(t, s, `aws ecs register-task-definition --family big --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 512 --execution-role-arn arn:aws:iam::123456789012:role/ecsTaskExecutionRole --container-definitions '[{"name":"hello","image":"`+ecrHost+`/hello:big"}]'`)
	dockerRun(t, s, "aws ecs run-task --cluster fg --task-definition big --launch-type FARGATE"+fargateNet)
	dockerRun(t, s, "clock advance 2m")
	if tk := lastTask(t, s, "fg"); pullTime(tk) <= 2*want {
		t.Errorf("big image pulled in %v, the slim one in %v", pullTime(tk), want)
	}
}

// An EC2 container instance keeps the image it pulled and reuses it for
// the next task with the same image
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pull-behavior.html).
func TestEC2InstanceReusesPulledImage(t *testing.T) {
	s, size := pushed(t)
	set := s.acct.ECS.Settings
	want := set.PullLatency + time.Duration(float64(size)/set.PullBandwidth*float64(time.Second))
	dockerRun(t, s, "aws ecs create-cluster --cluster-name mycluster")
	dockerRun(t, s, "aws ec2 run-instances --instance-type t3.medium "+userData)
	dockerRun(t, s, "clock advance 2m")
	dockerRun(t, s, `aws ecs register-task-definition --family hello --container-definitions '[{"name":"hello","image":"`+ecrHost+`/hello:v1","memory":256}]'`)
	dockerRun(t, s, "aws ecs run-task --cluster mycluster --task-definition hello")
	dockerRun(t, s, "clock advance 1m")
	first := lastTask(t, s, "mycluster")
	dockerRun(t, s, "aws ecs run-task --cluster mycluster --task-definition hello")
	dockerRun(t, s, "clock advance 1m")
	second := lastTask(t, s, "mycluster")
	if first == second || first.LastStatus != "RUNNING" || second.LastStatus != "RUNNING" {
		t.Fatalf("tasks: %v %v", first.LastStatus, second.LastStatus)
	}
	if pullTime(first) != want || pullTime(second) != set.ImagePullCached {
		t.Errorf("pulls %v then %v, want %v then %v (cached)", pullTime(first), pullTime(second), want, set.ImagePullCached)
	}
}

// An image the repository does not have stops the task with
// CannotPullContainerError
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html).
func TestMissingECRImageCannotPull(t *testing.T) {
	s, _ := pushed(t)
	dockerRun(t, s, "aws ecs create-cluster --cluster-name fg")
	dockerRun(t, s, `aws ecs register-task-definition --family typo --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 512 --execution-role-arn arn:aws:iam::123456789012:role/ecsTaskExecutionRole --container-definitions '[{"name":"hello","image":"`+ecrHost+`/hello:v9"}]'`)
	dockerRun(t, s, "aws ecs run-task --cluster fg --task-definition typo --launch-type FARGATE"+fargateNet)
	dockerRun(t, s, "clock advance 2m")
	tk := lastTask(t, s, "fg")
	if tk.LastStatus != "STOPPED" || tk.StopCode != "TaskFailedToStart" || !strings.HasPrefix(tk.StoppedReason, "CannotPullContainerError: ") || !strings.Contains(tk.StoppedReason, "hello:v9 not found") {
		t.Errorf("task %s %s: %s", tk.LastStatus, tk.StopCode, tk.StoppedReason)
	}
	if tk.Containers[0].Reason != tk.StoppedReason {
		t.Errorf("container reason %q", tk.Containers[0].Reason)
	}
}

// settings ecs --pull-bandwidth and --pull-latency change ECR pull times.
func TestPullSettings(t *testing.T) {
	s, size := pushed(t)
	dockerRun(t, s, "settings ecs --pull-bandwidth 10 --pull-latency 1s")
	dockerRun(t, s, "aws ecs create-cluster --cluster-name fg")
	dockerRun(t, s, `aws ecs register-task-definition --family hello --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 512 --execution-role-arn arn:aws:iam::123456789012:role/ecsTaskExecutionRole --container-definitions '[{"name":"hello","image":"`+ecrHost+`/hello:v1"}]'`)
	dockerRun(t, s, "aws ecs run-task --cluster fg --task-definition hello --launch-type FARGATE"+fargateNet)
	dockerRun(t, s, "clock advance 2m")
	want := time.Second + time.Duration(float64(size)/10e6*float64(time.Second))
	if got := pullTime(lastTask(t, s, "fg")); got != want {
		t.Errorf("pull %v, want %v", got, want)
	}
	if _, err := s.Run("settings ecs --pull-bandwidth 0"); err == nil {
		t.Error("zero bandwidth accepted")
	}
}
