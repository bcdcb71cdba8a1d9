package docker

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func runEngine(t *testing.T) (*Engine, *Registry, *time.Duration) {
	t.Helper()
	e, now := newEngine()
	build(t, e, appDockerfile, appCtx(), "web:v1")
	return e, newRegistry(now), now
}

// https://docs.docker.com/reference/cli/docker/container/run/ and
// .../ps/: a detached run prints the 64-hex ID; ps shows it as 12 with
// "Up 2 minutes" and the published port.
func TestRunDetachedAndPsStatus(t *testing.T) {
	e, r, now := runEngine(t)
	out, c, err := e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "web", Ports: []string{"8080:80"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 64 || out != c.ID || c.ShortID() != out[:12] || !isHex(out) {
		t.Fatalf("id %q", out)
	}
	if c.Command != "python app.py" {
		t.Errorf("command %q (the image's CMD)", c.Command)
	}
	*now += 2 * time.Minute
	if s := c.Status(*now); s != "Up 2 minutes" {
		t.Errorf("status %q", s)
	}
	if p := c.PortsText(); p != "0.0.0.0:8080->80/tcp" {
		t.Errorf("ports %q", p)
	}
	if got, _ := e.Container(c.ID[:5]); got != c {
		t.Error("ID prefix lookup")
	}
}

// Publishing a host port a running container already publishes fails:
// "Bind for 0.0.0.0:8080 failed: port is already allocated"
// (https://docs.docker.com/reference/cli/docker/container/run/#publish).
// Once the first container stops, the port is free again.
func TestPortConflict(t *testing.T) {
	e, r, _ := runEngine(t)
	if _, _, err := e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "a", Ports: []string{"8080:80"}}); err != nil {
		t.Fatal(err)
	}
	_, _, err := e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "b", Ports: []string{"8080:5000"}})
	if err == nil || !strings.Contains(err.Error(), "Bind for 0.0.0.0:8080 failed: port is already allocated") {
		t.Fatalf("second bind: %v", err)
	}
	if len(e.Containers(true)) != 1 {
		t.Error("the refused run left a container")
	}
	if _, err := e.Stop("a"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "b", Ports: []string{"8080:5000"}}); err != nil {
		t.Fatalf("after stop: %v", err)
	}
}

// A container over its --memory limit is killed by the OOM killer: exit
// code 137, OOMKilled
// (https://docs.docker.com/engine/containers/resource_constraints/).
// The app's use is the simulation device SIM_MEMORY, from -e or the
// image's ENV.
func TestOOMKilled137(t *testing.T) {
	e, r, now := runEngine(t)
	_, c, err := e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "hog", Memory: "256m", Env: []string{"SIM_MEMORY=300m"}})
	if err != nil {
		t.Fatal(err)
	}
	*now += 5 * time.Second
	if c.Running || c.ExitCode != 137 || !c.OOMKilled || c.Status(*now) != "Exited (137) 5 seconds ago" {
		t.Fatalf("status %q oom=%v", c.Status(*now), c.OOMKilled)
	}
	if len(e.Containers(false)) != 0 || len(e.Containers(true)) != 1 {
		t.Error("ps / ps -a")
	}
	// Under the limit it keeps running; the image's ENV counts too.
	build(t, e, "FROM python:3.12-slim\nENV SIM_MEMORY=100m\nCMD [\"python\"]\n", appCtx(), "small:v1")
	_, c, _ = e.Run(r, RunOptions{Image: "small:v1", Detach: true, Memory: "128m"})
	if !c.Running || c.MemoryUse != 100<<20 {
		t.Errorf("small: running=%v use=%d", c.Running, c.MemoryUse)
	}
	_, c, _ = e.Run(r, RunOptions{Image: "small:v1", Detach: true, Memory: "64m"})
	if c.Running || c.ExitCode != 137 {
		t.Error("image ENV over the limit not OOM-killed")
	}
	if _, _, err := e.Run(r, RunOptions{Image: "small:v1", Memory: "4m"}); err == nil || !strings.Contains(err.Error(), "Minimum memory limit allowed is 6MB") {
		t.Errorf("4m: %v", err)
	}
}

// docker rm refuses a running container without -f; docker stop sends
// SIGTERM, which an app running as PID 1 without a handler ignores, so it
// is killed after the 10 s grace period (137); one that handles SIGTERM
// exits 143; docker kill sends SIGKILL (137)
// (https://docs.docker.com/reference/cli/docker/container/rm/,
// https://docs.docker.com/reference/cli/docker/container/stop/,
// https://docs.docker.com/reference/cli/docker/container/run/#init).
func TestRmRefusesRunningStopKill(t *testing.T) {
	e, r, _ := runEngine(t)
	_, c, _ := e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "web"})
	err := e.RemoveContainer("web", false)
	if err == nil || err.Error() != `Error response from daemon: cannot remove container "/web": container is running: stop the container before removing or force remove` {
		t.Fatalf("rm running: %v", err)
	}
	if took, err := e.Stop("web"); err != nil || c.ExitCode != 137 || c.Running || took != StopTimeout {
		t.Fatalf("stop: %v code %d after %v", err, c.ExitCode, took)
	}
	_, h, _ := e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "handler", Env: []string{"SIM_SIGTERM=exit"}})
	if took, err := e.Stop("handler"); err != nil || h.ExitCode != 143 || took != 0 {
		t.Fatalf("stop of an app that handles SIGTERM: %v code %d after %v", err, h.ExitCode, took)
	}
	if err := e.RemoveContainer("handler", false); err != nil {
		t.Fatal(err)
	}
	if err := e.RemoveContainer("web", false); err != nil {
		t.Fatal(err)
	}
	_, c, _ = e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "web"})
	if err := e.Kill("web"); err != nil || c.ExitCode != 137 {
		t.Fatalf("kill: %v %d", err, c.ExitCode)
	}
	if err := e.Kill("web"); err == nil || !strings.Contains(err.Error(), "is not running") {
		t.Errorf("kill stopped: %v", err)
	}
	_, _, _ = e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "api"})
	if err := e.RemoveContainer("api", true); err != nil || len(e.Containers(true)) != 1 {
		t.Errorf("rm -f: %v", err)
	}
	if _, err := e.Container("api"); err == nil || err.Error() != "Error response from daemon: No such container: api" {
		t.Errorf("gone: %v", err)
	}
}

// Names are unique: "Conflict. The container name "/web" is already in
// use by container ..."
// (https://docs.docker.com/reference/cli/docker/container/run/#name).
func TestNameConflict(t *testing.T) {
	e, r, _ := runEngine(t)
	_, c, _ := e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "web"})
	_, _ = e.Stop("web")
	_, _, err := e.Run(r, RunOptions{Image: "web:v1", Name: "web"})
	want := fmt.Sprintf(`Conflict. The container name "/web" is already in use by container "%s". You have to remove (or rename) that container to be able to reuse that name.`, c.ID)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("conflict: %v", err)
	}
	// Default names are simulated, deterministic and unique.
	_, a, _ := e.Run(r, RunOptions{Image: "web:v1"})
	_, b, _ := e.Run(r, RunOptions{Image: "web:v1"})
	if a.Name == b.Name || a.Name == "" || !strings.Contains(a.Name, "_") {
		t.Errorf("default names %q %q", a.Name, b.Name)
	}
}

// An unknown image: "Unable to find image 'x:latest' locally", then the
// pull's error (https://docs.docker.com/reference/cli/docker/container/run/).
// An image in the simulated ECR registry is pulled, as Docker would.
func TestRunUnknownImagePulls(t *testing.T) {
	e, r, _ := runEngine(t)
	out, _, err := e.Run(r, RunOptions{Image: "nginx"})
	if out != "Unable to find image 'nginx:latest' locally\n" || err == nil || !strings.Contains(err.Error(), "pull access denied for nginx") {
		t.Fatalf("%q %v", out, err)
	}
	r.CreateRepository("web", false, "")
	e.Login(host)
	e.Tag("web:v1", host+"/web:v1")
	if _, _, err := e.Push(r, host+"/web:v1"); err != nil {
		t.Fatal(err)
	}
	e.Remove(host + "/web:v1")
	e.Remove("web:v1")
	out, c, err := e.Run(r, RunOptions{Image: host + "/web:v1", Detach: true})
	if err != nil || !strings.HasPrefix(out, "Unable to find image '"+host+"/web:v1' locally\nv1: Pulling from web\n") || c == nil {
		t.Fatalf("%q %v", out, err)
	}
}

// Limits: MaxContainers per engine (the simulator's), MaxLayers per image
// (127: https://github.com/moby/buildkit/pull/4815).
func TestLimits(t *testing.T) {
	e, r, _ := runEngine(t)
	for i := 0; i < MaxContainers; i++ {
		if _, _, err := e.Run(r, RunOptions{Image: "web:v1", Detach: true}); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
	}
	if _, _, err := e.Run(r, RunOptions{Image: "web:v1"}); err == nil || !strings.Contains(err.Error(), "at most 100 containers") {
		t.Errorf("101st: %v", err)
	}
	names := map[string]bool{}
	for _, c := range e.Containers(true) {
		names[c.Name] = true
	}
	if len(names) != MaxContainers {
		t.Errorf("%d distinct names", len(names))
	}
	df := "FROM scratch\n" + strings.Repeat("RUN true\n", MaxLayers+1)
	if _, err := e.Build([]byte(df), appCtx(), BuildOptions{}); err == nil || !strings.Contains(err.Error(), "max depth exceeded") {
		t.Errorf("128 layers: %v", err)
	}
	df = "FROM scratch\n" + strings.Repeat("RUN true\n", MaxLayers)
	if _, err := e.Build([]byte(df), appCtx(), BuildOptions{}); err != nil {
		t.Errorf("127 layers: %v", err)
	}
}

// --rm removes the container when it exits.
func TestAutoRemove(t *testing.T) {
	e, r, _ := runEngine(t)
	e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "tmp", Remove: true})
	_, _ = e.Stop("tmp")
	if len(e.Containers(true)) != 0 {
		t.Error("--rm container kept")
	}
}

// docker rmi refuses to delete an image a container uses
// (https://docs.docker.com/reference/cli/docker/image/rm/); removing one
// of several names is still fine.
func TestRmiRefusesImageInUse(t *testing.T) {
	e, r, _ := runEngine(t)
	_, c, _ := e.Run(r, RunOptions{Image: "web:v1", Detach: true, Name: "web"})
	_, _ = e.Stop("web")
	_, err := e.Remove("web:v1")
	if err == nil || !strings.Contains(err.Error(), `unable to remove repository reference "web:v1" (must force) - container `+c.ShortID()+" is using its referenced image") {
		t.Fatalf("rmi: %v", err)
	}
	e.Tag("web:v1", "web:other")
	if _, err := e.Remove("web:other"); err != nil {
		t.Errorf("untag: %v", err)
	}
	e.RemoveContainer("web", false)
	if _, err := e.Remove("web:v1"); err != nil {
		t.Errorf("after rm: %v", err)
	}
}
