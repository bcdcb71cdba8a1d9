package labui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/termtext"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
	"github.com/cloudlab/cloudlab/internal/tui/tuitest"
)

const testLab = "## Create hello\n\nMake it.\n\n```check\n# Passes when the goal is met.\nfn(\"hello\").Exists\n```\n```hint\nFirst hint.\n```\n```hint\nSecond hint.\n```\n" +
	"```solution\naws lambda create-function --function-name hello --runtime python3.12 --handler app.handler --role arn:aws:iam::123456789012:role/r --zip-file fileb://f.zip\n```\n\n" +
	"## Wait a minute\n\n```check\n# Passes when the goal is met.\nnow >= 60\n```\n```solution\nclock advance 1m\n```\n"

func newModel(t testing.TB, w, h int) *Model {
	t.Helper()
	l, probs := lab.Parse([]byte(testLab), 1)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	l.ID, l.Title = "lab-test", "Test lab"
	m, err := New(l, tui.Deps{Styles: theme.New(true, false)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	m.SetSize(w, h)
	return m
}

func keys(m *Model, ks ...tea.Msg) {
	for _, k := range ks {
		m.Update(k)
	}
}

func typeLine(m *Model, s string) {
	keys(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}, tea.KeyMsg{Type: tea.KeyEnter})
}

func TestTypingACommandPassesAStep(t *testing.T) {
	m := newModel(t, 120, 40)
	typeLine(m, testSolution)
	if got := m.Runner().Current(); got != 1 {
		t.Fatalf("current step = %d, want 1", got)
	}
	// The passed step stays on screen, marked, until the learner moves on.
	if v := m.View(); m.Viewing() != 0 || !strings.Contains(v, "✓ Step 1 of 2") || !strings.Contains(v, "Step 1 passed") {
		t.Errorf("the passed step is not shown as passed:\n%s", v)
	}
	var out strings.Builder
	for _, l := range m.scroll {
		out.WriteString(l.text + "\n")
	}
	if !strings.Contains(out.String(), `    "FunctionName": "hello"`) {
		t.Errorf("scrollback lacks the indented JSON output:\n%s", out.String())
	}
	typeLine(m, "") // enter on an empty line: next step
	if m.Viewing() != 1 || !strings.Contains(m.View(), "Step 2 of 2: Wait a minute") {
		t.Errorf("enter did not move to step 2:\n%s", m.View())
	}
	typeLine(m, "aws lambda nosuch")
	if !strings.Contains(m.View(), "Invalid choice") {
		t.Errorf("error not shown:\n%s", m.View())
	}
}

const testSolution = "aws lambda create-function --function-name hello --runtime python3.12 --handler app.handler --role arn:aws:iam::123456789012:role/r --zip-file fileb://f.zip"

func TestHistory(t *testing.T) {
	m := newModel(t, 80, 24)
	typeLine(m, "clock now")
	typeLine(m, "report")
	up, down := tea.KeyMsg{Type: tea.KeyUp}, tea.KeyMsg{Type: tea.KeyDown}
	tests := []struct {
		name  string
		typed string // on the command line before the keys
		keys  []tea.Msg
		want  string
	}{
		{"one up", "", []tea.Msg{up}, "report"},
		{"two up", "", []tea.Msg{up, up}, "clock now"},
		{"past the top", "", []tea.Msg{up, up, up}, "clock now"},
		{"up down", "", []tea.Msg{up, up, down}, "report"},
		{"back to the draft", "clock adv", []tea.Msg{up, down}, "clock adv"},
		{"down alone keeps the line", "typed", []tea.Msg{down}, "typed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m.histIdx = len(m.hist)
			m.input.SetValue(tc.typed)
			keys(m, tc.keys...)
			if got := m.input.Value(); got != tc.want {
				t.Errorf("input = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTabCompletes(t *testing.T) {
	m := newModel(t, 80, 24)
	keys(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("aws lambda inv")}, tea.KeyMsg{Type: tea.KeyTab})
	if got := m.input.Value(); got != "aws lambda invoke " {
		t.Errorf("after tab: %q", got)
	}
}

func TestClockSpeedAndPause(t *testing.T) {
	m := newModel(t, 80, 24)
	now := func() time.Duration { return m.Runner().Acct.Kernel.Now() }
	m.Update(tickMsg{})
	if now() != 0 {
		t.Fatalf("the clock ran before the first command: %v", now())
	}
	typeLine(m, "clock now")
	m.Update(tickMsg{})
	if got := now(); got != tickEvery {
		t.Fatalf("1x tick advanced to %v, want %v", got, tickEvery)
	}
	keys(m, tea.KeyMsg{Type: tea.KeyF6}) // faster
	m.Update(tickMsg{})
	if got := now(); got != tickEvery+10*tickEvery {
		t.Fatalf("10x tick: clock %v", got)
	}
	keys(m, tea.KeyMsg{Type: tea.KeyF4})
	if m.Speed() != 0 {
		t.Fatalf("F4 did not pause (speed %d)", m.Speed())
	}
	before := now()
	m.Update(tickMsg{})
	if now() != before {
		t.Fatal("paused clock moved")
	}
	if !strings.Contains(m.View(), "paused") {
		t.Error("clock bar does not say paused")
	}
	typeLine(m, "speed 100")
	if m.Speed() != 100 {
		t.Errorf("speed 100 gave %d", m.Speed())
	}
	if m.input.Value() != "" {
		t.Errorf("keys were typed into the command line: %q", m.input.Value())
	}
}

func TestHintsAndSolutionNeedConfirmation(t *testing.T) {
	m := newModel(t, 120, 40)
	keys(m, tea.KeyMsg{Type: tea.KeyF1})
	if v := m.View(); !strings.Contains(v, "First hint.") || strings.Contains(v, "Second hint.") {
		t.Fatalf("first hint only expected:\n%s", v)
	}
	if m.input.Value() != "" {
		t.Fatalf("F1 typed %q", m.input.Value())
	}
	typeLine(m, "hint")
	if v := m.View(); !strings.Contains(v, "Second hint.") {
		t.Fatalf("typed hint did not show the second hint:\n%s", v)
	}
	typeLine(m, "solution")
	if !strings.Contains(m.View(), "Show the solution") {
		t.Fatal("no confirmation asked")
	}
	keys(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")})
	if m.Runner().Result().Solutions != 0 {
		t.Fatal("solution recorded although declined")
	}
	keys(m, tea.KeyMsg{Type: tea.KeyF2}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	if m.Runner().Result().Solutions != 1 || !m.Runner().Steps()[0].SolutionShown {
		t.Fatal("solution not recorded")
	}
	if !strings.Contains(m.View(), "create-function") {
		t.Fatalf("solution not shown:\n%s", m.View())
	}
	// esc on an empty line leaves the lab.
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if !hasMsg(cmd, nav.Back{}) {
		t.Fatal("esc did not go back")
	}
}

// hasMsg reports whether running cmd produces want.
func hasMsg(cmd tea.Cmd, want tea.Msg) bool {
	for _, m := range tuitest.Msgs(cmd) {
		if m == want {
			return true
		}
	}
	return false
}

func TestLabCompletes(t *testing.T) {
	m := newModel(t, 80, 24)
	typeLine(m, testSolution)
	typeLine(m, "clock advance 1m")
	if !m.Runner().Done() || !strings.Contains(m.View(), "complete ✓") {
		t.Fatalf("lab not complete:\n%s", m.View())
	}
	typeLine(m, "next")
	typeLine(m, "next")
	if v := m.View(); !strings.Contains(v, "Lab complete ✓") || !strings.Contains(v, "All 2 steps") {
		t.Fatalf("no summary card:\n%s", v)
	}
}

// TestViewFits checks that every layout fills the screen exactly and never
// overflows, at the sizes the design promises and a few odd ones.
func TestViewFits(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {120, 40}, {100, 30}, {110, 30}, {109, 45}, {200, 60}, {40, 12}, {20, 8}}
	for _, sz := range sizes {
		for tab := 0; tab < numTabs; tab++ {
			t.Run(fmt.Sprintf("%dx%d tab %d", sz.w, sz.h, tab), func(t *testing.T) {
				m := newModel(t, sz.w, sz.h)
				fillBig(m)
				m.tab = tab
				lines := strings.Split(m.View(), "\n")
				if len(lines) != sz.h {
					t.Errorf("%d lines, want %d", len(lines), sz.h)
				}
				for i, l := range lines {
					if w := ansi.StringWidth(l); w > sz.w {
						t.Errorf("line %d is %d wide (> %d): %q", i, w, sz.w, ansi.Strip(l))
					}
				}
			})
		}
	}
}

func TestNarrowTabsShowPanes(t *testing.T) {
	m := newModel(t, 80, 24)
	fillBig(m)
	keys(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2"), Alt: true})
	if v := m.View(); !strings.Contains(v, "big") || !strings.Contains(v, "busy") {
		t.Errorf("Lambda tab:\n%s", v)
	}
	keys(m, tea.KeyMsg{Type: tea.KeyF3})
	if v := m.View(); !strings.Contains(v, "us-east-1a") || !strings.Contains(v, "svc web") {
		t.Errorf("ECS tab:\n%s", v)
	}
}

// fillBig puts a 100-environment function and a 50-instance cluster into
// the panes (the benchmark's load).
func fillBig(m *Model) {
	f := fnView{name: "big", initializing: 10, idle: 30, busy: 50, provisioned: 10, invocations: 12345, throttles: 17, cold: 100}
	for i := 0; i < 60; i++ {
		f.conc = append(f.conc, i%50)
		f.thr = append(f.thr, i%7)
	}
	m.snap.fns = []fnView{f}
	for i := 0; i < 40; i++ {
		m.snap.logs = append(m.snap.logs, fmt.Sprintf("REPORT RequestId: %08d\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tInit Duration: 300.00 ms", i))
	}
	c := clusterView{name: "lab", running: 150, pending: 3}
	for a := 0; a < 3; a++ {
		az := azView{name: fmt.Sprintf("us-east-1%c", 'a'+a)}
		for i := 0; i < 17; i++ {
			in := instanceView{id: fmt.Sprintf("i-0%015d", a*100+i), typ: "m5.large", status: "ACTIVE",
				cpuUsed: 768, cpuTotal: 2048, memUsed: 1536, memTotal: 7680}
			for k := 0; k < 3; k++ {
				in.tasks = append(in.tasks, taskView{group: "web", letter: "w", status: "RUNNING"})
			}
			az.instances = append(az.instances, in)
		}
		c.azs = append(c.azs, az)
	}
	c.services = []serviceView{{name: "web", desired: 153, running: 150, pending: 3, deployments: 2}}
	c.events = []string{"(service web) has started 3 tasks", "(service web) was unable to place a task because no container instance met all of its requirements."}
	m.snap.clusters = []clusterView{c}
	m.snap.placement = []string{"i-0a: rejected (RESOURCE:MEMORY)", "i-0b: score 0.25"}
}

func BenchmarkView(b *testing.B) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		b.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(b *testing.B) {
			m := newModel(b, sz.w, sz.h)
			fillBig(m)
			m.tab = tabLambda
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// run executes a command, feeding the messages it produces back to the
// model (timers are not waited for).
func run(m *Model, cmd tea.Cmd) {
	tuitest.Drive(func(msg tea.Msg) tea.Cmd { _, c := m.Update(msg); return c }, cmd)
}

func TestCompletionIsSaved(t *testing.T) {
	st, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := newModel(t, 80, 24)
	m.env.Store = st
	m.env.Now = func() time.Time { return time.Date(2026, 11, 22, 4, 0, 0, 0, time.UTC) }
	for _, line := range []string{testSolution, "clock advance 1m"} {
		m.input.SetValue(line)
		_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
		run(m, cmd)
	}
	labs, err := st.Labs()
	if err != nil {
		t.Fatal(err)
	}
	got := labs["lab-test"]
	if got.StepsPassed != 2 || got.CompletedAt.IsZero() {
		t.Fatalf("saved %+v, want 2 steps and a completion time", got)
	}
}

// bigSim builds a real simulation with a 100-environment function and a
// 50-instance cluster running 150 tasks.
func bigSim(b *testing.B) *Model {
	m := newModel(b, 120, 40)
	for _, line := range []string{
		testSolution + " --duration 10m --timeout 900",
		"traffic --function-name hello --burst 100",
		"aws ecs create-cluster --cluster-name big",
		`aws ec2 run-instances --instance-type m5.large --count 50 --user-data "ECS_CLUSTER=big"`,
		"clock advance 2m",
		`aws ecs register-task-definition --family web --container-definitions '[{"name": "web", "image": "nginx", "cpu": 256, "memory": 512}]'`,
		"aws ecs create-service --cluster big --service-name web --task-definition web --desired-count 150",
		"clock advance 1m",
	} {
		out := m.Runner().Exec(line)
		if out.Err != nil {
			b.Fatalf("%s: %v", line, out.Err)
		}
	}
	m.speedIdx = 1
	m.refreshPanes()
	if f := m.snap.fns[0]; f.busy+f.idle+f.initializing != 100 {
		b.Fatalf("function has %d environments, want 100", f.busy+f.idle+f.initializing)
	}
	if n := len(m.Runner().Env().Clusters[0].Instances); n != 50 {
		b.Fatalf("cluster has %d instances, want 50", n)
	}
	return m
}

// BenchmarkViewRealSim draws the screen over a real simulation state.
func BenchmarkViewRealSim(b *testing.B) {
	m := bigSim(b)
	for _, tab := range []int{tabLambda, tabECS} {
		m.tab = tab
		b.Run(tabNames[tab], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkTick is one clock tick at 1x: advance the simulation, evaluate
// the step's check, rebuild the panes' data (what Update does 10 times a
// second).
func BenchmarkTick(b *testing.B) {
	m := bigSim(b)
	b.ReportAllocs()
	for b.Loop() {
		m.Update(tickMsg{})
	}
}

// An empty t3.medium registers with ECS less memory than the type has (the
// OS and agent keep some): the instance pane draws ECS's registered figure,
// not the instance type's 4,096 MiB.
func TestInstanceCapacityIsWhatECSRegistered(t *testing.T) {
	m := newModel(t, 120, 40)
	for _, line := range []string{
		"aws ecs create-cluster --cluster-name lab",
		`aws ec2 run-instances --instance-type t3.medium --count 1 --user-data "ECS_CLUSTER=lab"`,
		"clock advance 5m",
	} {
		typeLine(m, line)
	}
	ci := m.Runner().Env().Clusters[0].Instances
	if len(ci) != 1 {
		t.Fatalf("instances = %d, want 1", len(ci))
	}
	reg := ci[0].RegisteredMemory
	if reg <= 0 || reg >= 4096 {
		t.Fatalf("registered memory = %d, want ECS's figure below 4096", reg)
	}
	iv := m.snap.clusters[0].azs[0].instances[0]
	if iv.memTotal != reg || iv.memUsed != 0 {
		t.Errorf("pane draws mem %d/%d, want 0/%d", iv.memUsed, iv.memTotal, reg)
	}
}

// exit leaves the lab with its progress saved; opening it again resumes at
// the step where the learner left (the passed steps' solutions replayed).
func TestExitAndResume(t *testing.T) {
	st, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l, probs := lab.Parse([]byte(testLab), 1)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	l.ID, l.Title = "lab-test", "Test lab"
	deps := tui.Deps{Styles: theme.New(true, false), Store: st}
	m, err := New(l, deps, 1)
	if err != nil {
		t.Fatal(err)
	}
	m.SetSize(80, 24)
	run(m, m.Init())
	typeLine(m, testSolution)
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("exit")})
	run(m, cmd)
	_, cmd = m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	var back bool
	for _, msg := range tuitest.Msgs(cmd) {
		_, back = msg.(nav.Back)
		if !back {
			m.Update(msg)
		}
	}
	if !back {
		t.Fatal("exit did not leave the lab")
	}
	m2, err := New(l, deps, 1)
	if err != nil {
		t.Fatal(err)
	}
	m2.SetSize(80, 24)
	run(m2, m2.Init())
	if m2.Runner().Current() != 1 || m2.Viewing() != 1 {
		t.Fatalf("reopened at step %d (showing %d), want step 2", m2.Runner().Current()+1, m2.Viewing()+1)
	}
	if !strings.Contains(m2.View(), "Step 2 of 2") {
		t.Errorf("the resumed lab does not show step 2:\n%s", m2.View())
	}
}

// A step whose stuck block holds says so once, with the way out, and
// `reset step` rebuilds it so it can pass again.
func TestStuckStepSaysResetStep(t *testing.T) {
	src := "## Exactly one minute\n\n```check\n# Passes when the clock shows exactly one minute.\nnow == 60\n```\n" +
		"```stuck\n# Too late: the clock is past one minute. Type reset step to start this step again.\nnow > 60\n```\n" +
		"```solution\nclock advance 1m\n```\n"
	l, probs := lab.Parse([]byte(src), 1)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	l.ID, l.Title = "lab-stuck", "Stuck lab"
	m, err := New(l, tui.Deps{Styles: theme.New(true, false)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	m.SetSize(80, 24)
	typeLine(m, "clock advance 2m")
	if !strings.Contains(m.View(), "reset step") {
		t.Fatalf("a stuck step does not say how to go on:\n%s", m.View())
	}
	typeLine(m, "reset step")
	typeLine(m, "clock advance 1m")
	if !m.Runner().Done() {
		t.Errorf("after reset step the step still cannot pass:\n%s", m.View())
	}
}

func TestWrapCommandKeepsQuotesWhole(t *testing.T) {
	line := `aws ec2 run-instances --image-id resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id --user-data $'#!/bin/bash\necho ECS_CLUSTER=lab >> /etc/ecs/ecs.config' --count 1`
	got := termtext.WrapCommand(line, 40)
	for _, l := range strings.Split(got, "\n") {
		// A shell continuation never sits inside a quote (a word longer
		// than a line is broken with ↩, which marks it for the eye).
		if strings.HasSuffix(l, " \\") && strings.Count(l, "'")%2 == 1 {
			t.Errorf("a continuation inside a quote: %q", l)
		}
		if ansi.StringWidth(l) > 40 {
			t.Errorf("line wider than 40: %q", l)
		}
	}
	joined := regexp.MustCompile(` \\\n(  )?`).ReplaceAllString(got, " ")
	if strings.ReplaceAll(joined, "↩\n", "") != line {
		t.Errorf("joined back: %q", joined)
	}
}

// realTestLab is the test lab marked as one with real handlers.
func realTestLab(t *testing.T) *lab.Lab {
	t.Helper()
	l, probs := lab.Parse([]byte(testLab), 1)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	l.ID, l.Title, l.World = "lab-real", "Real", lab.WorldReal
	return l
}

// TestRealLabIsNotOfferedOnTheClassServer: a lab with real handlers runs
// the learner's code; the class server (FilesDir set) refuses to open it.
func TestRealLabIsNotOfferedOnTheClassServer(t *testing.T) {
	l := realTestLab(t)
	_, err := New(l, tui.Deps{Styles: theme.New(true, false), FilesDir: t.TempDir()}, 1)
	if err == nil || !strings.Contains(err.Error(), "class server") {
		t.Fatalf("New on the class server: %v", err)
	}
}

// TestRealLabStartsInACommand: opening a lab with real handlers does no
// I/O (the workspace appears only when Init's command runs), and commands
// typed before the start finishes are refused with a reason.
func TestRealLabStartsInACommand(t *testing.T) {
	l := realTestLab(t)
	dir := t.TempDir() + "/labs"
	m, err := New(l, tui.Deps{Styles: theme.New(true, false), LabsDir: dir}, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	m.SetSize(80, 24)
	if m.Runner().WorkDir() != "" {
		t.Fatal("the workspace exists before Init's command ran")
	}
	typeLine(m, "ls")
	if !strings.Contains(m.View(), "Starting") {
		t.Errorf("a command before the start: no word of it\n%s", m.View())
	}
	upd := func(msg tea.Msg) tea.Cmd { _, c := m.Update(msg); return c }
	tuitest.Drive(upd, m.Init())
	if got := m.Runner().WorkDir(); got != dir+"/lab-real" {
		t.Fatalf("workspace %q, want %q", got, dir+"/lab-real")
	}
	// The refused line stayed on the prompt: enter runs it now.
	tuitest.Drive(upd, upd(tea.KeyMsg{Type: tea.KeyEnter}))
	if v := m.View(); !strings.Contains(v, "folder: "+dir) {
		t.Errorf("ls after the start:\n%s", v)
	}
}
