package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/shell"
)

// A lab with its own folder (labs/lab-docker-layers/) reads that folder,
// also when graded headless with the script's folder as WithDir: a
// Dockerfile next to the script is not what `docker build .` sees.
func TestLabFolderOverridesScriptDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM alpine:3.20\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lf := embeddedCourse(t).Lab("lab-docker-layers")
	l, probs := FromFile(lf)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	r, err := NewRunner(l, WithShellOptions(shell.WithDir(dir)))
	if err != nil {
		t.Fatal(err)
	}
	out := r.Exec("docker build -t shop:1 .")
	if out.Err != nil || !strings.Contains(out.Result.String(), "FROM docker.io/library/python:3.12") {
		t.Fatalf("built %v:\n%s", out.Err, out.Result.String())
	}
	env := r.Env()
	if len(env.Images) != 1 || env.Images[0].Repository != "shop" || env.Images[0].Base != "python:3.12" || len(env.Builds) != 1 || !env.Builds[0].InStep {
		t.Fatalf("env: %+v %+v", env.Images, env.Builds)
	}
}

// Checks see the ECR repositories (compressed image sizes) and each
// task's image and pull time.
func TestEnvSeesECRAndPullTimes(t *testing.T) {
	lf := embeddedCourse(t).Lab("lab-docker-layers")
	l, probs := FromFile(lf)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	r, err := NewRunner(l)
	if err != nil {
		t.Fatal(err)
	}
	const uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop"
	for _, line := range []string{
		"aws ecr create-repository --repository-name shop",
		"docker build -t " + uri + ":1 -f Dockerfile.better .",
		"aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com",
		"docker push " + uri + ":1",
		"aws ecs create-cluster --cluster-name lab",
		`aws ecs register-task-definition --family shop --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 512 --execution-role-arn arn:aws:iam::123456789012:role/ecsTaskExecutionRole --container-definitions '[{"name":"shop","image":"` + uri + `:1"}]'`,
		"aws ecs run-task --cluster lab --task-definition shop --launch-type FARGATE --network-configuration awsvpcConfiguration={subnets=[subnet-1],assignPublicIp=ENABLED}",
	} {
		if out := r.Exec(line); out.Err != nil {
			t.Fatalf("%s: %v", line, out.Err)
		}
	}
	if _, err := r.Advance(2 * time.Minute); err != nil {
		t.Fatal(err)
	}
	env := r.Env()
	for _, c := range []string{
		`any(repositories, .RepositoryName == "shop" && .RepositoryUri endsWith "/shop" && any(.Images, "1" in .Tags && .SizeBytes > 0))`,
		`any(cluster("lab").Tasks, .LaunchType == "FARGATE" && .Image endsWith "/shop:1" && .PullSeconds > 2)`,
	} {
		if ok, err := EvalCheck(c, env); err != nil || !ok {
			t.Errorf("%s: %v %v", c, ok, err)
		}
	}
	local := env.Images[0].SizeBytes
	if got := env.Repositories[0].Images[0].SizeBytes; got >= local {
		t.Errorf("registry size %d not below the local %d", got, local)
	}
}
