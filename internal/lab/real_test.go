package lab

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// newTestRunner is NewRunner for tests: a lab with real handlers is
// skipped without the Go toolchain (its solutions run go build), and every
// runner is closed when the test ends, so no handler process outlives it.
func newTestRunner(t *testing.T, l *Lab, opts ...Option) (*Runner, error) {
	t.Helper()
	if l.World == WorldReal {
		if _, err := exec.LookPath("go"); err != nil {
			t.Skipf("%s builds a Go handler: it needs the Go toolchain (go) on PATH", l.ID)
		}
	}
	r, err := NewRunner(l, opts...)
	if err == nil {
		t.Cleanup(func() {
			if err := r.Close(); err != nil {
				t.Errorf("closing the runner: %v", err)
			}
		})
	}
	return r, err
}

func realLab(t *testing.T) *Lab {
	t.Helper()
	c := embeddedCourse(t)
	lf := c.Lab("lab-real-handler")
	if lf == nil {
		t.Fatal("lab-real-handler is missing")
	}
	l, probs := FromFile(lf)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if l.World != WorldReal {
		t.Fatalf("lab-real-handler: world %q, want %q", l.World, WorldReal)
	}
	return l
}

// TestRealLabRunsRealProcesses: the real-handler lab's environments are
// processes of this machine, their REPORT lines carry measured durations,
// and Close leaves no process and no temporary folder behind.
func TestRealLabRunsRealProcesses(t *testing.T) {
	l := realLab(t)
	r, err := newTestRunner(t, l)
	if err != nil {
		t.Fatal(err)
	}
	work := r.WorkDir()
	for _, f := range []string{"main.go", "runtime.go", "go.mod", "app.py", "solution/main.go.txt"} {
		if _, err := os.Stat(filepath.Join(work, f)); err != nil {
			t.Errorf("the workspace lacks %s: %v", f, err)
		}
	}
	res := runScript(r, solutionScript(l, -1))
	if !res.Passed {
		t.Fatalf("the solution does not pass:\n%s", describe(res))
	}
	var pids []int
	r.Locked(func() {
		for _, inv := range r.Env().Invocations {
			if inv.FunctionName == "table" && inv.DurationMs <= 0 {
				t.Errorf("invocation %s has no measured Duration", inv.RequestId)
			}
		}
	})
	pids = r.real.iv.PIDs()
	if len(pids) == 0 {
		t.Fatal("no environment process is running after the invocations")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if syscall.Kill(pid, 0) == nil {
			t.Errorf("process %d still runs after Close", pid)
		}
	}
	if _, err := os.Stat(work); !os.IsNotExist(err) {
		t.Errorf("the temporary workspace %s is still there (%v)", work, err)
	}
}

// TestRealLabRefusesSimulatorVerbs: time is real, so the simulator's clock,
// traffic and timing options are refused with a reason; the workspace verbs
// stay inside the lab's folder; a compile error is shown as go prints it.
func TestRealLabRefusesSimulatorVerbs(t *testing.T) {
	l := realLab(t)
	r, err := newTestRunner(t, l)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ line, want string }{
		{"clock advance 5m", "wall clock"},
		{"traffic --function-name table --rate 5 --for 10s", "wall clock"},
		{"aws lambda create-function --function-name f --runtime provided.al2023 --handler bootstrap --role arn:aws:iam::123456789012:role/r --zip-file fileb://nothing.zip", "nothing.zip"},
		{"zip ../x.zip main.go", "outside this lab's folder"},
		{"cp /etc/passwd main.go", "outside this lab's folder"},
		{"go build -o /tmp/x .", "outside this lab's folder"},
		{"go build -ldflags=-s .", "-o FILE"},
	}
	for _, c := range cases {
		out := r.Exec(c.line)
		if out.Err == nil || !strings.Contains(out.Err.Error(), c.want) {
			t.Errorf("%s: err %v, want one saying %q", c.line, out.Err, c.want)
		}
	}
	// A simulator-only option on a real package.
	for _, line := range []string{"go build -tags lambda.norpc -o bootstrap .", "zip function.zip bootstrap"} {
		if out := r.Exec(line); out.Err != nil {
			t.Fatalf("%s: %v", line, out.Err)
		}
	}
	out := r.Exec("aws lambda create-function --function-name f --runtime provided.al2023 --handler bootstrap --role arn:aws:iam::123456789012:role/r --zip-file fileb://function.zip --init-duration 1s")
	if out.Err == nil || !strings.Contains(out.Err.Error(), "simulator-only") {
		t.Errorf("--init-duration on a real lab: %v", out.Err)
	}
	if err := os.WriteFile(filepath.Join(r.WorkDir(), "main.go"), []byte("package main\n\nfunc main() { undefined() }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = r.Exec("go build -o bootstrap .")
	if out.Err == nil || !strings.Contains(out.Err.Error(), "undefined") {
		t.Errorf("a compile error: %v, want go's message", out.Err)
	}
}

// TestRealLabKeepsGivenWorkspace: a workspace given with WithWorkDir keeps
// the learner's edits across runs and survives Close.
func TestRealLabKeepsGivenWorkspace(t *testing.T) {
	l := realLab(t)
	dir := t.TempDir()
	r, err := newTestRunner(t, l, WithWorkDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	edited := []byte("package main // edited\n")
	if err := os.WriteFile(filepath.Join(dir, "main.go"), edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := newTestRunner(t, l, WithWorkDir(dir)); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "main.go")); string(b) != string(edited) {
		t.Errorf("main.go was overwritten: %q", b)
	}
}

// TestCheckSkipsRealSolutions: cloudlab check does not build and run real
// handlers (its tests do), so it stays fast and needs no toolchain.
func TestCheckSkipsRealSolutions(t *testing.T) {
	if probs := CheckSolutions(realLab(t)); len(probs) != 0 {
		t.Errorf("CheckSolutions: %v", probs)
	}
}
