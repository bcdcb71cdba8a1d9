package shell

import (
	"encoding/json"
	"strings"
	"testing"
)

const ecrHost = "123456789012.dkr.ecr.us-east-1.amazonaws.com"

func runErr(t *testing.T, s *Shell, line string) error {
	t.Helper()
	_, err := s.Run(line)
	if err == nil {
		t.Fatalf("%s: no error", line)
	}
	return err
}

// The getting-started flow of
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/getting-started-cli.html:
// create-repository, get-login-password piped to docker login, docker tag,
// docker push; describe-images reports the compressed size
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html).
func TestECRGettingStartedFlow(t *testing.T) {
	s := dockerShell(t)
	out := dockerRun(t, s, "aws ecr create-repository --repository-name hello --region us-east-1")
	if !strings.Contains(out, `"repositoryUri": "`+ecrHost+`/hello"`) {
		t.Fatalf("create-repository:\n%s", out)
	}
	if err := runErr(t, s, "aws ecr create-repository --repository-name hello"); !strings.Contains(err.Error(), "(RepositoryAlreadyExistsException) when calling the CreateRepository operation") {
		t.Errorf("duplicate: %v", err)
	}
	dockerRun(t, s, "docker build -t hello:v1 -f Dockerfile.better .")
	dockerRun(t, s, "docker tag hello:v1 "+ecrHost+"/hello:v1")
	if err := runErr(t, s, "docker push "+ecrHost+"/hello:v1"); !strings.Contains(err.Error(), "no basic auth credentials") {
		t.Errorf("push before login: %v", err)
	}
	if err := runErr(t, s, "docker login --username AWS --password-stdin "+ecrHost); !strings.Contains(err.Error(), "piped") {
		t.Errorf("login without a pipe: %v", err)
	}
	if err := runErr(t, s, "docker login -u AWS -p wrong "+ecrHost); !strings.Contains(err.Error(), "400 Bad Request") {
		t.Errorf("login with a wrong password: %v", err)
	}
	if out := dockerRun(t, s, "aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin "+ecrHost); out != "Login Succeeded" {
		t.Errorf("login: %q", out)
	}
	out = dockerRun(t, s, "docker push "+ecrHost+"/hello:v1")
	if !strings.HasPrefix(out, "The push refers to repository ["+ecrHost+"/hello]") || !strings.Contains(out, "v1: digest: sha256:") {
		t.Errorf("push:\n%s", out)
	}
	out = dockerRun(t, s, "aws ecr describe-images --repository-name hello --image-ids imageTag=v1")
	var d struct {
		ImageDetails []struct {
			ImageSizeInBytes int64    `json:"imageSizeInBytes"`
			ImageTags        []string `json:"imageTags"`
			ImageDigest      string   `json:"imageDigest"`
		} `json:"imageDetails"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || len(d.ImageDetails) != 1 {
		t.Fatalf("describe-images: %v\n%s", err, out)
	}
	local, _ := s.acct.Docker.Find("hello:v1")
	if got := d.ImageDetails[0].ImageSizeInBytes; got <= 0 || got >= local.Size {
		t.Errorf("imageSizeInBytes %d should be the compressed size, below the local %d", got, local.Size)
	}
	if err := runErr(t, s, "aws ecr describe-images --repository-name nope"); !strings.Contains(err.Error(), "RepositoryNotFoundException") {
		t.Errorf("missing repository: %v", err)
	}
	if err := runErr(t, s, "aws ecr describe-images --repository-name hello --image-ids imageTag=v9"); !strings.Contains(err.Error(), "ImageNotFoundException") {
		t.Errorf("missing tag: %v", err)
	}
	// A second tag of the same image: every layer is already there.
	dockerRun(t, s, "docker tag hello:v1 "+ecrHost+"/hello:latest")
	out = dockerRun(t, s, "docker push "+ecrHost+"/hello:latest")
	if strings.Contains(out, ": Pushed") || !strings.Contains(out, "Layer already exists") {
		t.Errorf("second push:\n%s", out)
	}
	out = dockerRun(t, s, `aws ecr batch-delete-image --repository-name hello --image-ids imageTag=latest`)
	if !strings.Contains(out, `"imageTag": "latest"`) {
		t.Errorf("batch-delete-image:\n%s", out)
	}
	out = dockerRun(t, s, "aws ecr put-image-scanning-configuration --repository-name hello --image-scanning-configuration scanOnPush=true")
	if !strings.Contains(dockerRun(t, s, "aws ecr describe-repositories --repository-names hello"), `"scanOnPush": true`) {
		t.Errorf("scan on push not shown:\n%s", out)
	}
	pol := `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}`
	dockerRun(t, s, "aws ecr put-lifecycle-policy --repository-name hello --lifecycle-policy-text '"+pol+"'")
	if out := dockerRun(t, s, "aws ecr get-lifecycle-policy --repository-name hello --query lifecyclePolicyText --output text"); out != pol {
		t.Errorf("policy: %s", out)
	}
}

// Only get-login-password pipes into docker login.
func TestDockerLoginPipeOnlyFromGetLoginPassword(t *testing.T) {
	s := dockerShell(t)
	if err := runErr(t, s, "aws ecr describe-repositories | docker login --username AWS --password-stdin "+ecrHost); !strings.Contains(err.Error(), "get-login-password") {
		t.Errorf("%v", err)
	}
	if err := runErr(t, s, "aws ecr get-login-password | docker login --password-stdin "+ecrHost); !strings.Contains(err.Error(), "Must provide --username") {
		t.Errorf("%v", err)
	}
}
