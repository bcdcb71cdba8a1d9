package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// tmux drives the real binary in a detached tmux session on a private
// server socket.
type tmux struct {
	t      *testing.T
	socket string
	name   string
}

func (x *tmux) cmd(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", x.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	return string(out), err
}

func (x *tmux) screen() string {
	out, err := x.cmd("capture-pane", "-p", "-t", x.name)
	if err != nil {
		x.t.Fatalf("capture-pane: %v: %s", err, out)
	}
	return out
}

// waitFor waits until text is on screen.
func (x *tmux) waitFor(text string) string {
	x.t.Helper()
	// Generous: a loaded CI machine may take long to start the binary.
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := x.screen()
		if strings.Contains(s, text) {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("%q never appeared; screen:\n%s", text, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitGone waits until text is no longer on the screen (the deadline is a
// hang guard: a loaded machine may take long to redraw).
func (x *tmux) waitGone(text string) string {
	x.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := x.screen()
		if !strings.Contains(s, text) {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("%q never went away; screen:\n%s", text, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (x *tmux) keys(keys ...string) {
	x.t.Helper()
	for _, k := range keys {
		if out, err := x.cmd("send-keys", "-t", x.name, k); err != nil {
			x.t.Fatalf("send-keys %s: %v: %s", k, err, out)
		}
		time.Sleep(60 * time.Millisecond)
	}
}

func (x *tmux) typeText(s string) {
	x.t.Helper()
	if out, err := x.cmd("send-keys", "-t", x.name, "-l", s); err != nil {
		x.t.Fatalf("send-keys -l: %v: %s", err, out)
	}
	time.Sleep(60 * time.Millisecond)
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cloudlab")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var tmuxSeq atomic.Int64

func startTmux(t *testing.T, bin, data string, w, h int) *tmux {
	// One socket per session: a server being killed by the previous
	// subtest's cleanup must not take the next session down with it.
	x := &tmux{t: t, socket: fmt.Sprintf("cloudlab-e2e-%d-%d", os.Getpid(), tmuxSeq.Add(1)), name: "e2e"}
	cmd := fmt.Sprintf("%s --data %s; echo EXITED $?; sleep 30", bin, data)
	if out, err := x.cmd("new-session", "-d", "-s", x.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h),
		"-e", "TERM=xterm-256color", "-e", "NO_COLOR=", cmd); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { _, _ = x.cmd("kill-server") })
	return x
}

// TestEndToEndTmux runs the real binary in tmux: home, open a lesson,
// search, outline, back, read to the end, resume, resize down to 30x10.
func TestEndToEndTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	bin := buildBinary(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			x := startTmux(t, bin, t.TempDir(), size[0], size[1])
			x.waitFor("Learn cloud compute")
			s := x.waitFor("What serverless means")
			if !strings.Contains(s, "Foundations") || !strings.Contains(s, "Cloud computing and virtualization") {
				t.Fatalf("home screen:\n%s", s)
			}
			// The first lesson is four rows below Continue (Mock exam,
			// Review, Labs).
			x.keys("g", "j", "j", "j", "j", "Enter")
			x.waitFor("Before the cloud")
			x.keys("/")
			x.typeText("hypervisor")
			x.keys("Enter")
			x.waitFor("match 1 of")
			x.keys("o")
			x.waitFor("Outline")
			x.keys("j", "j", "Enter")
			x.waitGone("Outline  enter") // enter jumps and closes the outline
			x.keys("G")
			x.waitFor("100%")
			x.keys("q")
			s = x.waitFor("Learn cloud compute")
			if !strings.Contains(s, "✓ Cloud computing and virtualization") {
				t.Errorf("lesson not shown as read:\n%s", s)
			}
			// Continue goes on to the next unfinished thing: the lesson's quiz.
			s = x.waitFor("Continue: quiz")
			x.keys("g", "Enter")
			x.waitFor("Question 1 of")
			x.keys("Escape")
			x.waitFor("Learn cloud compute")
			if _, err := x.cmd("resize-window", "-t", x.name, "-x", "30", "-y", "10"); err != nil {
				t.Fatalf("resize: %v", err)
			}
			x.waitFor("Terminal too small")
			if _, err := x.cmd("resize-window", "-t", x.name, "-x", fmt.Sprint(size[0]), "-y", fmt.Sprint(size[1])); err != nil {
				t.Fatalf("resize: %v", err)
			}
			x.waitFor("Learn cloud compute")
			x.keys("C-c")
			x.waitFor("EXITED 0")
			_, _ = x.cmd("kill-server")
		})
	}
}

// TestPipedRead checks the plain output of `cloudlab read` through a pipe.
func TestPipedRead(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	cmd := exec.Command(bin, "--data", t.TempDir(), "read", "lambda-anatomy")
	cmd.Env = append(os.Environ(), "NO_COLOR=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "\x1b") || !strings.Contains(string(out), "Lambda anatomy") {
		t.Errorf("piped read is not clean text:\n%.300s", out)
	}
}

// TestScreenshotsStillTrue runs the screenshot script in its check mode:
// the screens the README's pictures show still show what they should. (The
// pictures themselves are made by tools/screenshots/run.sh.)
func TestScreenshotsStillTrue(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed: the screenshot check needs it")
	}
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	out, err := exec.Command("bash", "../../tools/screenshots/run.sh", "--check").CombinedOutput()
	if err != nil {
		t.Fatalf("tools/screenshots/run.sh --check: %v\n%s", err, out)
	}
	for _, img := range []string{"lab", "reader", "quiz", "exam", "home"} {
		for _, ext := range []string{".png", ".svg"} {
			if _, err := os.Stat("../../docs/img/" + img + ext); err != nil {
				t.Errorf("docs/img/%s%s: %v", img, ext, err)
			}
		}
	}
}
