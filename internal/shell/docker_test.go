package shell

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

func dockerShell(t *testing.T) *Shell {
	t.Helper()
	fsys := fstest.MapFS{
		"Dockerfile":        {Data: []byte("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n")},
		"Dockerfile.better": {Data: []byte("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n")},
		"requirements.txt":  {Data: []byte("flask==3.0.3\n")},
		"app.py":            {Data: []byte("print('hi')\n")},
	}
	return New(cloud.New(1), WithFS(fsys))
}

func dockerRun(t *testing.T, s *Shell, line string) string {
	t.Helper()
	r, err := s.Run(line)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return r.String()
}

func TestDockerBuildCacheThroughShell(t *testing.T) {
	s := dockerShell(t)
	out := dockerRun(t, s, "docker build -t app:v1 .")
	if !strings.Contains(out, "#3 [1/4] FROM docker.io/library/python:3.12") || strings.Contains(out, "CACHED") {
		t.Fatalf("first build:\n%s", out)
	}
	out = dockerRun(t, s, "docker build --tag app:v1 .")
	if strings.Count(out, "CACHED") != 4 {
		t.Fatalf("second build:\n%s", out)
	}
	dockerRun(t, s, `echo "print('more')" >> app.py`)
	if b, _ := s.File("app.py"); string(b) != "print('hi')\nprint('more')\n" {
		t.Fatalf("app.py = %q", b)
	}
	out = dockerRun(t, s, "docker build -t app:v2 .")
	// COPY . . sees the change, and the install after it rebuilds.
	if strings.Count(out, "CACHED") != 2 || !strings.Contains(out, "[3/4] COPY . .\n#6 DONE") {
		t.Fatalf("after edit:\n%s", out)
	}
	out = dockerRun(t, s, "docker build -f Dockerfile.better -t app:slim .")
	if !strings.Contains(out, "python:3.12-slim") {
		t.Fatalf("-f:\n%s", out)
	}
	img := dockerRun(t, s, "docker images")
	lines := strings.Split(img, "\n")
	if !strings.HasPrefix(lines[0], "REPOSITORY   TAG") || len(lines) != 4 || !strings.Contains(img, "1.05GB") && !strings.Contains(img, "1.08GB") {
		t.Fatalf("images:\n%s", img)
	}
	if !strings.Contains(img, "app          slim") || !strings.Contains(img, "155MB") {
		t.Fatalf("images:\n%s", img)
	}
	h := dockerRun(t, s, "docker history app:slim")
	for _, want := range []string{"IMAGE", "CREATED BY", "COMMENT", "RUN /bin/sh -c pip install -r requirements.t…", "simulated size", "approximate base size", "<missing>", "CMD [\"python\", \"app.py\"]"} {
		if !strings.Contains(h, want) {
			t.Fatalf("history lacks %q:\n%s", want, h)
		}
	}
	dockerRun(t, s, "docker tag app:slim app:prod")
	if out := dockerRun(t, s, "docker rmi app:prod"); out != "Untagged: app:prod" {
		t.Fatalf("rmi: %q", out)
	}
}

func TestDockerErrors(t *testing.T) {
	s := dockerShell(t)
	for line, want := range map[string]string{
		"docker build -t App .":  "must be lowercase",
		"docker build -x .":      "unknown shorthand flag: 'x' in -x",
		"docker build -f nope .": "failed to read dockerfile: open nope: no such file or directory",
		"docker history nothere": "Error response from daemon: No such image: nothere:latest",
		"docker rmi nothere:1":   "No such image: nothere:1",
		"docker build":           "missing dir",
		"echo a > ":              "echo: write TEXT > FILE",
	} {
		_, err := s.Run(line)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", line, err, want)
		}
	}
	dockerRun(t, s, "echo FORM x > bad/Dockerfile")
	_, err := s.Run("docker build bad")
	if err == nil || err.Error() != "ERROR: failed to solve: Dockerfile:1: unknown instruction: FORM" {
		t.Fatalf("parse error: %v", err)
	}
	dockerRun(t, s, "echo FROM python:3.99 > bad/Dockerfile")
	_, err = s.Run("docker build bad")
	if err == nil || !strings.Contains(err.Error(), "ERROR: failed to solve: Dockerfile:1: python:3.99: failed to resolve source metadata for docker.io/library/python:3.99: docker.io/library/python:3.99: not found") {
		t.Fatalf("unknown base: %v", err)
	}
}

// A build context on disk (sim run's WithDir) lists the folder's files.
func TestDockerBuildContextOnDisk(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"Dockerfile": "FROM alpine:3.20\nCOPY src/ /src/\n", "src/a.txt": "aaaa", "src/b.txt": "bb"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, opt := range []Option{WithDir(dir), WithConfinedDir(dir)} {
		s := New(cloud.New(1), opt)
		dockerRun(t, s, "docker build -t ctx .")
		im, err := s.Account().Docker.Find("ctx")
		if err != nil {
			t.Fatal(err)
		}
		if last := im.History[len(im.History)-1]; last.Size != 6 {
			t.Fatalf("COPY src/ size = %d, want 6 bytes", last.Size)
		}
	}
}

func TestHumanAgo(t *testing.T) {
	for d, want := range map[int]string{0: "Less than a second ago", 30: "30 seconds ago", 90: "About a minute ago", 600: "10 minutes ago", 3600: "About an hour ago", 7200: "2 hours ago"} {
		if got := humanAgo(secs(d)); got != want {
			t.Errorf("%d: %s", d, got)
		}
	}
}

func secs(n int) time.Duration { return time.Duration(n) * time.Second }

// -X maps to the option whose Short is X; -tNAME and -t=NAME work too;
// an unknown -X is refused as Docker's CLI does.
func TestShortOptions(t *testing.T) {
	s := dockerShell(t)
	dockerRun(t, s, "docker build -tapp:a .")
	dockerRun(t, s, "docker build . -t=app:b -f Dockerfile.better")
	for _, ref := range []string{"app:a", "app:b"} {
		if _, err := s.Account().Docker.Find(ref); err != nil {
			t.Fatal(err)
		}
	}
	// Control characters from a Dockerfile never reach the terminal.
	dockerRun(t, s, "echo $'F\\x1b[2JORM x' > esc/Dockerfile")
	_, err := s.Run("docker build esc")
	if err == nil || strings.ContainsRune(err.Error(), 0x1b) {
		t.Fatalf("got %q", err)
	}
}
