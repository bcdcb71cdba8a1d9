package cli

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/srs"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/labui"
	"github.com/cloudlab/cloudlab/internal/tui/quizui"
	"github.com/cloudlab/cloudlab/internal/tui/tuitest"
)

// driveModel runs a command and feeds the messages it produces back into
// the root model, like the Bubble Tea runtime (timers are not waited for).
func driveModel(m *tui.Model, cmd tea.Cmd) {
	tuitest.Drive(func(msg tea.Msg) tea.Cmd { _, c := m.Update(msg); return c }, cmd)
}

func sendModel(m *tui.Model, msgs ...tea.Msg) {
	for _, msg := range msgs {
		_, cmd := m.Update(msg)
		driveModel(m, cmd)
	}
}

var (
	escKey = tea.KeyMsg{Type: tea.KeyEsc}
	yKey   = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'y'}}
	qKey   = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}}
)

// runInTerminal runs cloudlab as if in a terminal; instead of the Bubble
// Tea program, inside runProgram, it builds the root model with the real
// screens and the Start the command asked for, and hands it to check.
func runInTerminal(t *testing.T, data string, check func(t *testing.T, start tui.Start, m *tui.Model), args ...string) (code int, stderr string, ran bool) {
	t.Helper()
	var out, errb bytes.Buffer
	yes := true
	a := &App{NoCache: true, In: strings.NewReader(""), Out: &out, Err: &errb, TTY: &yes, Getenv: func(string) string { return "" }}
	a.runProgram = func(env tui.Deps, f tui.Factories, opts tui.Options) error {
		ran = true
		m := tui.New(env, f, opts.Start)
		driveModel(m, m.Init())
		sendModel(m, tea.WindowSizeMsg{Width: 80, Height: 24})
		check(t, opts.Start, m)
		return nil
	}
	defer a.Close()
	code = a.Run(append([]string{"--data", data}, args...))
	return code, errb.String(), ran
}

// expectHome checks that the root is back at the home screen, still running.
func expectHome(t *testing.T, m *tui.Model) {
	t.Helper()
	if m.Depth() != 1 || m.Top() == nil || !strings.Contains(m.View(), "Foundations") {
		t.Errorf("not back on the home screen: depth %d\n%s", m.Depth(), m.View())
	}
}

func TestQuizOpensOverHome(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		id     string
		req    quiz.Request
		n      int
		mode   quiz.Mode
		toHome []tea.Msg // keys that leave the quiz
	}{
		{"practice", []string{"quiz", "containers-vs-vms"}, "containers-vs-vms", quiz.Request{ID: "containers-vs-vms"}, 7, quiz.Practice, []tea.Msg{escKey}},
		{"exam with flags", []string{"quiz", "containers-vs-vms", "--mode", "exam", "--count", "3", "--seed", "7", "--time", "10m", "--pass", "800"},
			"containers-vs-vms", quiz.Request{ID: "containers-vs-vms", Mode: quiz.Exam, Count: 3, Seed: ptr(uint64(7)), Time: 10 * time.Minute, Pass: 800}, 3, quiz.Exam, []tea.Msg{qKey, yKey}},
		{"mock exam", []string{"quiz", "--all", "--mode", "exam", "--count", "5"}, "", quiz.Request{All: true, Mode: quiz.Exam, Count: 5}, 5, quiz.Exam, []tea.Msg{escKey, yKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, errs, ran := runInTerminal(t, t.TempDir(), func(t *testing.T, start tui.Start, m *tui.Model) {
				if start.Quiz == nil || !reflect.DeepEqual(start.Quiz.Request, tt.req) {
					t.Fatalf("start %+v, want %+v", start.Quiz, tt.req)
				}
				qm, ok := m.Top().(*quizui.Model)
				if !ok || m.Depth() != 2 {
					t.Fatalf("top is %T at depth %d, want the quiz over home\n%s", m.Top(), m.Depth(), m.View())
				}
				if s := qm.Session(); s.Len() != tt.n || s.Mode != tt.mode {
					t.Errorf("session has %d questions in %s mode, want %d in %s", s.Len(), s.Mode, tt.n, tt.mode)
				}
				if tt.req.Seed != nil && qm.Session().Seed != 7 {
					t.Errorf("seed %d, want 7", qm.Session().Seed)
				}
				if tt.req.Pass != 0 && qm.Session().Pass != 800 {
					t.Errorf("pass mark %d, want 800", qm.Session().Pass)
				}
				sendModel(m, tt.toHome...)
				expectHome(t, m)
			}, tt.args...)
			if code != 0 || !ran {
				t.Fatalf("exit %d (ran %v): %s", code, ran, errs)
			}
		})
	}
}

func TestQuizUsageErrorsBeforeTheApp(t *testing.T) {
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"unknown quiz", []string{"quiz", "no-such-quiz"}, "no-such-quiz"},
		{"time without exam", []string{"quiz", "docker", "--time", "5m"}, "--time applies to --mode exam"},
		{"bad mode", []string{"quiz", "docker", "--mode", "fast"}, "fast"},
		{"no quiz and nothing to continue", []string{"quiz"}, "name a quiz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, errs, ran := runInTerminal(t, t.TempDir(), func(t *testing.T, _ tui.Start, _ *tui.Model) {}, tt.args...)
			if code != 2 || ran || !strings.Contains(errs, tt.err) {
				t.Errorf("exit %d, app ran %v, stderr %q (want 2, no app, %q)", code, ran, errs, tt.err)
			}
		})
	}
}

func TestReviewOpensOverHome(t *testing.T) {
	data := t.TempDir()
	st, err := progress.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := course.Load(course.Embedded())
	qs, _ := quiz.Load(c)
	q := quiz.Find(qs, "docker").Questions[0]
	if err := st.PutCard(srs.NewCard(q.ID, "docker", time.Now().Add(-time.Hour))); err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, errs, ran := runInTerminal(t, data, func(t *testing.T, start tui.Start, m *tui.Model) {
		if !start.Review {
			t.Fatalf("start %+v, want review", start)
		}
		qm, ok := m.Top().(*quizui.Model)
		if !ok || m.Depth() != 2 {
			t.Fatalf("top is %T at depth %d, want the review over home", m.Top(), m.Depth())
		}
		if s := qm.Session(); s.Len() != 1 || s.Mode != quiz.Review || s.Items[0].Q.ID != q.ID {
			t.Errorf("review session: %d items in %s mode", s.Len(), s.Mode)
		}
		sendModel(m, escKey)
		expectHome(t, m)
	}, "review")
	if code != 0 || !ran {
		t.Fatalf("exit %d (ran %v): %s", code, ran, errs)
	}

	// Nothing due: a line, no app.
	code, errs, ran = runInTerminal(t, t.TempDir(), func(t *testing.T, _ tui.Start, _ *tui.Model) {}, "review")
	if code != 0 || ran {
		t.Errorf("nothing due: exit %d, app ran %v: %s", code, ran, errs)
	}
}

func TestLabOpensOverHome(t *testing.T) {
	tests := []struct {
		name string
		args []string
		seed uint64
	}{
		{"default seed", []string{"lab", "lab-async"}, lab.DefaultSeed},
		{"seed flag", []string{"lab", "lab-async", "--seed", "5"}, 5},
		{"seed zero", []string{"lab", "lab-async", "--seed", "0"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, errs, ran := runInTerminal(t, t.TempDir(), func(t *testing.T, start tui.Start, m *tui.Model) {
				if start.Lab == nil || start.Lab.ID != "lab-async" {
					t.Fatalf("start %+v, want lab-async", start)
				}
				lm, ok := m.Top().(*labui.Model)
				if !ok || m.Depth() != 2 {
					t.Fatalf("top is %T at depth %d, want the lab over home\n%s", m.Top(), m.Depth(), m.View())
				}
				if got := lm.Runner().Seed; got != tt.seed {
					t.Errorf("lab seed %d, want %d", got, tt.seed)
				}
				// esc on an empty command line leaves the lab.
				sendModel(m, escKey)
				expectHome(t, m)
			}, tt.args...)
			if code != 0 || !ran {
				t.Fatalf("exit %d (ran %v): %s", code, ran, errs)
			}
		})
	}
	code, errs, ran := runInTerminal(t, t.TempDir(), func(t *testing.T, _ tui.Start, _ *tui.Model) {}, "lab", "no-such-lab")
	if code != 2 || ran || !strings.Contains(errs, "no-such-lab") {
		t.Errorf("unknown lab: exit %d, app ran %v, stderr %q", code, ran, errs)
	}
}

func TestAppNeedsATerminal(t *testing.T) {
	for _, args := range [][]string{{"learn", "docker"}} {
		code, _, errs := runLabCLI(t, t.TempDir(), "", args...)
		if code != 1 || !strings.Contains(errs, "needs a terminal") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}
