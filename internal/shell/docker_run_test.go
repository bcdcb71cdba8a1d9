package shell

import (
	"strings"
	"testing"
)

func dockerErr(t *testing.T, s *Shell, line string) string {
	t.Helper()
	_, err := s.Run(line)
	if err == nil {
		t.Fatalf("%s: no error", line)
	}
	return err.Error()
}

// docker run -d prints the 64-hex ID; docker ps shows Docker's columns
// (https://docs.docker.com/reference/cli/docker/container/ps/).
func TestDockerRunPsShapes(t *testing.T) {
	s := dockerShell(t)
	dockerRun(t, s, "docker build -t web:v1 .")
	id := dockerRun(t, s, "docker run -d -p 8080:80 --name web web:v1")
	if len(id) != 64 {
		t.Fatalf("id %q", id)
	}
	dockerRun(t, s, "clock advance 2m")
	ps := dockerRun(t, s, "docker ps")
	lines := strings.Split(strings.TrimRight(ps, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "CONTAINER ID   IMAGE     COMMAND           CREATED         STATUS         PORTS                  NAMES") {
		t.Fatalf("ps:\n%s", ps)
	}
	for _, want := range []string{id[:12], `"python app.py"`, "2 minutes ago", "Up 2 minutes", "0.0.0.0:8080->80/tcp", "web"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("ps row lacks %q:\n%s", want, ps)
		}
	}
	if out := dockerRun(t, s, "docker logs web"); out != "[simulated app] python app.py started" {
		t.Errorf("logs %q", out)
	}
}

// Port conflict, OOM 137 (ps -a and inspect), rm refusal, name conflict
// and an unknown image, through the shell
// (https://docs.docker.com/reference/cli/docker/container/run/,
// https://docs.docker.com/engine/containers/resource_constraints/,
// https://docs.docker.com/reference/cli/docker/container/rm/).
func TestDockerRunRefusalsAndOOM(t *testing.T) {
	s := dockerShell(t)
	dockerRun(t, s, "docker build -t web:v1 .")
	dockerRun(t, s, "docker run -d -p 8080:80 --name web web:v1")
	if e := dockerErr(t, s, "docker run -d -p 8080:80 web:v1"); !strings.Contains(e, "Bind for 0.0.0.0:8080 failed: port is already allocated") {
		t.Errorf("port: %s", e)
	}
	if e := dockerErr(t, s, "docker run --name web web:v1"); !strings.Contains(e, `Conflict. The container name "/web" is already in use by container`) {
		t.Errorf("name: %s", e)
	}
	dockerRun(t, s, "docker run -d -m 256m -e SIM_MEMORY=300m --name hog web:v1")
	dockerRun(t, s, "clock advance 5s")
	ps := dockerRun(t, s, "docker ps -a")
	if !strings.Contains(ps, "Exited (137) 5 seconds ago") || strings.Contains(dockerRun(t, s, "docker ps"), "hog") {
		t.Errorf("ps -a:\n%s", ps)
	}
	if out := dockerRun(t, s, "docker inspect hog"); !strings.Contains(out, `"OOMKilled": true`) || !strings.Contains(out, `"ExitCode": 137`) {
		t.Errorf("inspect:\n%s", out)
	}
	if e := dockerErr(t, s, "docker rm web"); e != `Error response from daemon: cannot remove container "/web": container is running: stop the container before removing or force remove` {
		t.Errorf("rm: %s", e)
	}
	if out := dockerRun(t, s, "docker stop web"); out != "web" {
		t.Errorf("stop: %q", out)
	}
	if !strings.Contains(dockerRun(t, s, "docker ps -a"), "Exited (137)") {
		t.Error("stop: no 137 (PID 1 ignores SIGTERM without a handler)")
	}
	dockerRun(t, s, "docker rm web hog")
	dockerRun(t, s, "docker run -d --name k web:v1")
	dockerRun(t, s, "docker rm -f k")
	if ps := dockerRun(t, s, "docker ps -a"); strings.Count(ps, "\n") > 1 {
		t.Errorf("left:\n%s", ps)
	}
	if e := dockerErr(t, s, "docker run nginx"); !strings.HasPrefix(e, "Unable to find image 'nginx:latest' locally\ndocker: Error response from daemon: pull access denied for nginx") {
		t.Errorf("unknown image: %s", e)
	}
	if e := dockerErr(t, s, "docker logs nope"); e != "Error response from daemon: No such container: nope" {
		t.Errorf("logs: %s", e)
	}
}

// A lifecycle policy expires images as the clock advances; describe-images
// no longer lists them
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html).
func TestLifecyclePolicyThroughShell(t *testing.T) {
	s := dockerShell(t)
	dockerRun(t, s, "aws ecr create-repository --repository-name web")
	dockerRun(t, s, "aws ecr get-login-password | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com")
	host := "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:"
	for _, v := range []string{"v1", "v2", "v3"} {
		dockerRun(t, s, "echo "+v+" >> app.py")
		dockerRun(t, s, "docker build -t "+host+v+" .")
		dockerRun(t, s, "docker push "+host+v)
		dockerRun(t, s, "clock advance 1m")
	}
	dockerRun(t, s, `aws ecr put-lifecycle-policy --repository-name web --lifecycle-policy-text '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}'`)
	if out := dockerRun(t, s, "aws ecr describe-images --repository-name web"); strings.Count(out, "imageDigest") != 3 {
		t.Fatalf("before:\n%s", out)
	}
	dockerRun(t, s, "clock advance 24h")
	out := dockerRun(t, s, "aws ecr describe-images --repository-name web")
	if strings.Count(out, "imageDigest") != 1 || !strings.Contains(out, `"v3"`) {
		t.Fatalf("after:\n%s", out)
	}
	if out := dockerRun(t, s, "aws ecr get-lifecycle-policy --repository-name web"); !strings.Contains(out, "lastEvaluatedAt") {
		t.Errorf("get-lifecycle-policy:\n%s", out)
	}
}

// -p and -e repeat, as docker run takes them
// (https://docs.docker.com/reference/cli/docker/container/run/#publish).
func TestDockerRunRepeatedOptions(t *testing.T) {
	s := dockerShell(t)
	dockerRun(t, s, "docker build -t web:v1 .")
	dockerRun(t, s, "docker run -d -p 8080:80 -p 8443:443 -e A=1 -e B=2 --name web web:v1")
	if ps := dockerRun(t, s, "docker ps"); !strings.Contains(ps, "0.0.0.0:8080->80/tcp, 0.0.0.0:8443->443/tcp") {
		t.Errorf("ps:\n%s", ps)
	}
	if msg := dockerErr(t, s, "docker run -d -p 9000:80 -p 8443:443 web:v1"); !strings.Contains(msg, "0.0.0.0:8443 failed: port is already allocated") {
		t.Errorf("second port conflict: %s", msg)
	}
	if msg := dockerErr(t, s, "docker run -d -p"); !strings.Contains(msg, "expected one argument") {
		t.Errorf("-p without a value: %s", msg)
	}
}

func TestCompleteContainerNames(t *testing.T) {
	s := dockerShell(t)
	dockerRun(t, s, "docker build -t web:v1 .")
	dockerRun(t, s, "docker run -d --name web web:v1")
	if got := s.Complete("docker logs w"); len(got) != 1 || got[0] != "docker logs web" {
		t.Fatalf("Complete = %q", got)
	}
}
