package labui

import (
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/sim"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

var wall0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// fakeWall is the wall clock the screen reads (Deps.Now); tests move it.
type fakeWall struct{ t time.Time }

func (c *fakeWall) now() time.Time               { return c.t }
func (c *fakeWall) add(d time.Duration)          { c.t = c.t.Add(d) }
func (c *fakeWall) at(d time.Duration) time.Time { return wall0.Add(d) }

func openLab(t *testing.T, deps tui.Deps) *Model {
	t.Helper()
	l, probs := lab.Parse([]byte(testLab), 1)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	l.ID, l.Title = "lab-test", "Test lab"
	m, err := New(l, deps, 1)
	if err != nil {
		t.Fatal(err)
	}
	m.SetSize(100, 30)
	run(m, m.Init())
	return m
}

func enter(m *Model, line string) {
	m.input.SetValue(line)
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	run(m, cmd)
}

// Step times are wall time (the simulated clock does not count), stamped
// when a step starts and passes, and add up over sessions.
func TestStepTimes(t *testing.T) {
	st, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	wall := &fakeWall{t: wall0}
	deps := tui.Deps{Styles: theme.New(true, false), Store: st, Now: wall.now}
	m := openLab(t, deps)
	wall.add(90 * time.Second)
	enter(m, testSolution) // step 1 passes after 90 s
	wall.add(30 * time.Second)
	enter(m, "clock advance 30s") // 30 simulated seconds: not enough for step 2
	m.Close()                     // the session ends (ctrl+c, or the SSH connection)
	labs, err := st.Labs()
	if err != nil {
		t.Fatal(err)
	}
	want := []progress.StepTime{
		{Step: 0, StartedAt: wall.at(0), PassedAt: wall.at(90 * time.Second), SpentMs: 90_000},
		{Step: 1, StartedAt: wall.at(90 * time.Second), SpentMs: 30_000},
	}
	if got := labs["lab-test"].Steps; !reflect.DeepEqual(got, want) {
		t.Fatalf("after the first session:\n got %+v\nwant %+v", got, want)
	}

	// A day later, a second session resumes at step 2 and passes it after
	// 20 more seconds: its time adds to the first session's.
	wall.add(24 * time.Hour)
	m2 := openLab(t, deps)
	if m2.Runner().Current() != 1 {
		t.Fatalf("resumed at step %d", m2.Runner().Current()+1)
	}
	wall.add(20 * time.Second)
	enter(m2, "clock advance 1m")
	if !m2.Runner().Done() {
		t.Fatal("step 2 did not pass")
	}
	passed := wall.at(24*time.Hour + 140*time.Second)
	labs, _ = st.Labs()
	want[1].PassedAt, want[1].SpentMs = passed, 50_000
	if got := labs["lab-test"].Steps; !reflect.DeepEqual(got, want) {
		t.Fatalf("after the second session:\n got %+v\nwant %+v", got, want)
	}
	// Nothing counts once every step passed.
	wall.add(time.Hour)
	m2.Close()
	labs, _ = st.Labs()
	if got := labs["lab-test"].Steps; !reflect.DeepEqual(got, want) {
		t.Errorf("time counted after the lab was done:\n got %+v\nwant %+v", got, want)
	}
}

// A session's simulation budget refuses further simulation with a clear
// message and keeps the screen (and the session) alive: reading commands
// still work, and a reset step (a new simulation) does not get a new
// budget.
func TestSimulationBudget(t *testing.T) {
	budget := sim.NewBudget(500)
	deps := tui.Deps{Styles: theme.New(true, false), SimBudget: budget}
	m := openLab(t, deps)
	enter(m, testSolution+" --duration 1s")
	enter(m, "traffic --function-name hello --rate 100 --for 1m")
	enter(m, "clock advance 1m")
	out := scrollText(m)
	if !budget.Exhausted() || !strings.Contains(out, "This session has used its simulation budget (500 events)") {
		t.Fatalf("budget used %d of 500; output:\n%s", budget.Used(), out)
	}
	if strings.Contains(out, "start a fresh simulation") {
		t.Errorf("the shell's advice about one simulation is shown:\n%s", out)
	}
	if !strings.Contains(m.View(), "Simulation budget used up") {
		t.Errorf("the status line does not say it:\n%s", m.View())
	}
	processed := m.Runner().Acct.Kernel.Processed()
	m.scroll = nil
	enter(m, "aws lambda get-function --function-name hello")
	if out := scrollText(m); !strings.Contains(out, `"FunctionName": "hello"`) || strings.Contains(out, "budget") {
		t.Errorf("a reading command after the budget:\n%s", out)
	}
	m.scroll = nil
	enter(m, "clock advance 1m")
	if out := scrollText(m); !strings.Contains(out, "simulation budget") || m.Runner().Acct.Kernel.Processed() != processed {
		t.Errorf("simulation went on past the budget (%d events, was %d):\n%s", m.Runner().Acct.Kernel.Processed(), processed, out)
	}
	// The clock's ticks stop (paused) instead of failing every tick.
	m.speedIdx = 1
	m.Update(tickMsg{})
	if m.Speed() != 0 {
		t.Error("the clock still runs after the budget is spent")
	}
	// reset step builds a new simulation: still within the same budget.
	m.scroll = nil
	enter(m, "reset step")
	enter(m, "clock advance 1m")
	if out := scrollText(m); !strings.Contains(out, "simulation budget") {
		t.Errorf("a reset gave a new budget:\n%s", out)
	}
	if budget.Used() > budget.Limit() {
		t.Errorf("used %d of %d", budget.Used(), budget.Limit())
	}
}

func scrollText(m *Model) string {
	var b strings.Builder
	for _, l := range m.scroll {
		b.WriteString(l.text + "\n")
	}
	return b.String()
}
