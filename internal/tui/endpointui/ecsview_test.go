package endpointui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/endpoint"
)

func checkFits(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Errorf("%dx%d: %d lines", w, h, len(lines))
	}
	for _, l := range lines {
		if sw := ansi.StringWidth(l); sw > w {
			t.Errorf("%dx%d: line of width %d: %q", w, h, sw, l)
		}
		if strings.ContainsAny(ansi.Strip(l), "\x1b\x07\u009b") {
			t.Errorf("control characters reached the screen: %q", l)
		}
	}
}

// The ECS pane, filled from a real simulated account through the lab
// shell, fits every size; the prompt runs lab verbs on the same account.
func TestECSPaneAndPrompt(t *testing.T) {
	w := endpoint.NewWorld(endpoint.WorldOptions{Seed: 5, Speed: 1})
	defer w.Close()
	for _, line := range []string{
		"aws ecs create-cluster --cluster-name lab",
		"aws ec2 run-instances --image-id ami-0ecs5imu1a7ed0001 --instance-type t3.medium --count 6 --user-data ECS_CLUSTER=lab",
		"clock advance 2m",
		`aws ecs register-task-definition --family web --container-definitions '[{"name":"web","image":"nginx","memory":256,"cpu":256}]'`,
		"aws ecs create-service --cluster lab --service-name web --task-definition web --desired-count 5",
		"aws ecs create-service --cluster lab --service-name api --task-definition web --desired-count 2",
		"clock advance 1m",
	} {
		if _, err := w.Shell(line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	take := func() Snapshot { return Snapshot{Now: time.Now(), ECS: TakeWorld(w)} }
	snap := take()
	if len(snap.ECS.Instances) != 6 || len(snap.ECS.Services) != 2 || snap.ECS.Tasks["RUNNING"] != 7 {
		t.Fatalf("snapshot: %+v", snap.ECS)
	}
	reqs := make(chan endpoint.RequestLog)
	run := func(line string) (string, error) {
		res, err := w.Shell(line)
		return res.String(), err
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}, {40, 10}, {200, 60}} {
		var m tea.Model = New("127.0.0.1:4566", take, reqs).WithPrompt(run)
		m, _ = m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		m, _ = m.Update(snapMsg(snap))
		for i := range 30 {
			m, _ = m.Update(reqMsg(endpoint.RequestLog{Time: time.Now(), Operation: "ECS.DescribeServices", Function: fmt.Sprintf("evil\x1b]0;pwned\x07%d", i), Status: 200}))
		}
		v := m.View()
		checkFits(t, v, size[0], size[1])
		if size[0] >= 80 && (!strings.Contains(v, "instance") || !strings.Contains(v, "lab/web") || !strings.Contains(v, "RUNNING 7")) {
			t.Fatalf("%dx%d: the ECS pane is not shown after an ECS request:\n%s", size[0], size[1], v)
		}
		// The prompt: type a verb, run it, see its output.
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(":")})
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("explain --cluster lab --service web")})
		checkFits(t, m.View(), size[0], size[1])
		var cmd tea.Cmd
		m, cmd = m.Update(tea.KeyMsg{Type: tea.KeyEnter})
		if cmd == nil {
			t.Fatal("enter ran nothing")
		}
		m, _ = m.Update(cmd())
		v = m.View()
		if testing.Verbose() && size == [2]int{80, 24} {
			t.Log("\n" + ansi.Strip(v))
		}
		checkFits(t, v, size[0], size[1])
		if size[1] >= 24 && !strings.Contains(v, "> explain --cluster lab --service web") {
			t.Fatalf("%dx%d: no prompt output:\n%s", size[0], size[1], v)
		}
		// tab shows the Lambda pane, esc closes the output and does not quit.
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyTab})
		checkFits(t, m.View(), size[0], size[1])
		m, cmd = m.Update(tea.KeyMsg{Type: tea.KeyEsc})
		if cmd != nil {
			t.Fatal("esc with output on screen quit")
		}
	}
	// A lab verb from the prompt acts on the same account.
	if _, err := run("traffic --cluster lab --service web --rate 100 --for 10m"); err != nil {
		t.Fatal(err)
	}
}
