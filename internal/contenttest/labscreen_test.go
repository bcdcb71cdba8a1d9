package contenttest

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/lab"
	plainlab "github.com/cloudlab/cloudlab/internal/lab/plain"
	"github.com/cloudlab/cloudlab/internal/render"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/labui"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
	"github.com/cloudlab/cloudlab/internal/tui/tuitest"
)

var update = flag.Bool("update", false, "rewrite the golden lab screens")

// labScreen opens a lab in the lab screen at w x h, with the reader's
// renderer in its no-colour style.
func labScreen(t *testing.T, l *lab.Lab, w, h int) (*labui.Model, func(tea.Msg)) {
	t.Helper()
	if l.World == lab.WorldReal {
		if _, err := exec.LookPath("go"); err != nil {
			t.Skipf("%s builds a Go handler: it needs the Go toolchain (go) on PATH", l.ID)
		}
	}
	deps := tui.Deps{Styles: theme.New(true, true), Renderer: render.New(render.Options{NoColor: true}), RenderStyle: "notty"}
	m, err := labui.New(l, deps, lab.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close) // a lab with real handlers stops its processes
	m.SetSize(w, h)
	upd := func(msg tea.Msg) tea.Cmd { _, c := m.Update(msg); return c }
	tuitest.Drive(upd, m.Init())
	send := func(msg tea.Msg) { tuitest.Drive(upd, upd(msg)) }
	return m, send
}

func typeLine(send func(tea.Msg), s string) {
	if s != "" {
		send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
	}
	send(tea.KeyMsg{Type: tea.KeyEnter})
}

var (
	boxRunes  = strings.NewReplacer("│", " ", "╭", " ", "╮", " ", "╰", " ", "╯", " ", "─", " ", "\\", " ", "`", "", "*", "", "↩", "")
	mdLink    = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	spaceRuns = regexp.MustCompile(`\s+`)
)

// flat is text as words: no styling, borders, Markdown markers,
// continuation backslashes or line breaks.
func flat(s string) string {
	s = mdLink.ReplaceAllString(ansi.Strip(s), "$1")
	return strings.TrimSpace(spaceRuns.ReplaceAllString(boxRunes.Replace(s), " "))
}

// nospace drops every space, so text compares whatever the wrapping.
func nospace(s string) string { return strings.ReplaceAll(s, " ", "") }

// card is the screen without the live panes beside the card (the wide
// layout draws them to its right).
func card(view string) string {
	lines := strings.Split(ansi.Strip(view), "\n")
	for i, l := range lines {
		for _, join := range []string{"││", "╮╭", "╯╰", "│╭", "╯│", "│╰", "╮│"} {
			if k := strings.Index(l, join); k >= 0 {
				l = l[:k+len(join)/2]
			}
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// instruction is what a step tells the learner to do: its first paragraph
// and its first code block (the command), as words.
func instruction(body string) []string {
	var out []string
	paras := strings.Split(strings.TrimSpace(body), "\n\n")
	if len(paras) > 0 && !strings.HasPrefix(paras[0], "```") {
		out = append(out, flat(paras[0]))
	}
	if i := strings.Index(body, "```"); i >= 0 {
		rest := body[i:]
		if nl := strings.Index(rest, "\n"); nl >= 0 {
			rest = rest[nl+1:]
			if end := strings.Index(rest, "```"); end >= 0 {
				if code := flat(rest[:end]); code != "" {
					out = append(out, code)
				}
			}
		}
	}
	return out
}

// TestEveryLabThroughTheScreen works through every lab in the lab screen
// as a learner would, at 80x24 and 120x40: at each step the instruction
// and its command are on screen without scrolling, each hint is on screen
// right after `hint`, the solution's commands pass the step, and enter
// moves on; the lab ends on its summary card.
func TestEveryLabThroughTheScreen(t *testing.T) {
	c, _ := course.Load(course.Embedded())
	for _, lf := range c.Labs {
		l, probs := lab.FromFile(lf)
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s/%dx%d", l.ID, sz[0], sz[1]), func(t *testing.T) {
				if l.World == lab.WorldReal {
					t.Parallel() // it waits on go build and real processes
				}
				m, send := labScreen(t, l, sz[0], sz[1])
				for i, st := range l.Steps {
					if m.Viewing() != i {
						t.Fatalf("step %d: the screen shows step %d", i+1, m.Viewing()+1)
					}
					v := flat(card(m.View()))
					for _, want := range instruction(st.Body) {
						// The renderer may break a long code token (an SSM
						// parameter path) across lines: compare the words
						// without the spaces between them.
						if !strings.Contains(nospace(v), nospace(want)) {
							t.Errorf("step %d (%s): instruction not fully on screen:\n%q\nscreen:\n%s", i+1, st.Title, want, m.View())
						}
					}
					if !strings.Contains(v, flat(st.Goal)) {
						t.Errorf("step %d: the goal sentence is not on screen:\n%s", i+1, m.View())
					}
					for n, h := range st.Hints {
						typeLine(send, "hint")
						if !strings.Contains(flat(card(m.View())), flat(h)) {
							t.Errorf("step %d: hint %d not fully on screen after `hint`:\n%s", i+1, n+1, m.View())
						}
					}
					for _, line := range st.Solution {
						if x, err := lab.Expand(line, m.Runner().Env()); err == nil {
							line = x
						}
						typeLine(send, line)
					}
					if m.Runner().Current() <= i {
						t.Fatalf("step %d (%s) did not pass with its solution:\n%s", i+1, st.Title, m.View())
					}
					typeLine(send, "") // enter: next step
				}
				if v := m.View(); !strings.Contains(v, "Lab complete") || !strings.Contains(v, "complete ✓") {
					t.Errorf("no summary at the end:\n%s", v)
				}
			})
		}
	}
}

// TestEveryLabWithPausesThroughTheScreen works through every lab in the
// lab screen as a learner who reads for a while before each step: two
// simulated minutes (clock advance 2m) pass before the step's solution,
// and every step still passes. Checks look at what happened during the
// step, not at idle time.
func TestEveryLabWithPausesThroughTheScreen(t *testing.T) {
	c, _ := course.Load(course.Embedded())
	for _, lf := range c.Labs {
		l, probs := lab.FromFile(lf)
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		if l.World == lab.WorldReal {
			continue // time is the wall clock there: no simulated pause to take
		}
		t.Run(l.ID, func(t *testing.T) {
			m, send := labScreen(t, l, 80, 24)
			for i, st := range l.Steps {
				before := m.Runner().Acct.Kernel.Now()
				typeLine(send, "clock advance 2m")
				if got := m.Runner().Acct.Kernel.Now() - before; got < 2*time.Minute {
					t.Fatalf("step %d: the pause moved the clock by %v", i+1, got)
				}
				if m.Runner().Current() != i {
					t.Fatalf("step %d passed on the pause alone", i+1)
				}
				for _, line := range st.Solution {
					if x, err := lab.Expand(line, m.Runner().Env()); err == nil {
						line = x
					}
					typeLine(send, line)
				}
				if m.Runner().Current() <= i {
					t.Fatalf("step %d (%s) did not pass with its solution after a 2-minute pause:\n%s", i+1, st.Title, m.View())
				}
				typeLine(send, "") // enter: next step
			}
			if v := m.View(); !strings.Contains(v, "Lab complete") {
				t.Errorf("no summary at the end:\n%s", v)
			}
		})
	}
}

// TestLabScreenGolden keeps pictures of lab-first-invocation's first two
// steps at 80x24 and 120x40 (go test -run TestLabScreenGolden -update).
func TestLabScreenGolden(t *testing.T) {
	c, _ := course.Load(course.Embedded())
	l, err := lab.Find(c, "lab-first-invocation")
	if err != nil {
		t.Fatal(err)
	}
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		m, send := labScreen(t, l, sz[0], sz[1])
		var shots []string
		shots = append(shots, ansi.Strip(m.View()))
		for _, line := range l.Steps[0].Solution {
			typeLine(send, line)
		}
		typeLine(send, "")
		typeLine(send, "aws lambda invoke --function-name hello --log-type Tail out.json")
		shots = append(shots, ansi.Strip(m.View()))
		got := strings.Join(shots, "\n\n---8<---\n\n") + "\n"
		if !strings.Contains(shots[1], "Init Duration: 400.00 ms") {
			t.Errorf("%dx%d: the REPORT line with Init Duration is not on screen after the invoke:\n%s", sz[0], sz[1], shots[1])
		}
		name := filepath.Join("testdata", fmt.Sprintf("lab-first-invocation-%dx%d.golden", sz[0], sz[1]))
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs (run with -update after checking the new screens):\n%s", name, got)
		}
	}
}

// TestEveryLabInPlainMode does every lab in the line-based mode (what a
// screen reader uses), from a script of its solution lines with an empty
// line (next) after each step: every step passes.
func TestEveryLabInPlainMode(t *testing.T) {
	c, _ := course.Load(course.Embedded())
	for _, lf := range c.Labs {
		l, probs := lab.FromFile(lf)
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		t.Run(l.ID, func(t *testing.T) {
			// ${...} in a solution is expanded by the runner against the
			// live state, as for a typed line.
			var out strings.Builder
			var in strings.Builder
			for _, st := range l.Steps {
				for _, line := range st.Solution {
					in.WriteString(line + "\n")
				}
				in.WriteString("\n")
			}
			r, err := plainlab.Run(l, plainlab.Options{In: strings.NewReader(in.String()), Out: &out})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Done() {
				t.Fatalf("%d of %d steps passed:\n%s", r.PassedCount(), len(l.Steps), out.String())
			}
			if !strings.Contains(out.String(), "Lab complete") {
				t.Errorf("no summary:\n%s", out.String())
			}
		})
	}
}

// TestPlainLabSaysWhenStuck: in the plain lab, a wrong move that leaves a
// step nothing to do (scaling in by hand) is named with the step's stuck
// sentence, and reset step then lets the step's solution pass.
func TestPlainLabSaysWhenStuck(t *testing.T) {
	c, _ := course.Load(course.Embedded())
	l, err := lab.Find(c, "lab-deploy-and-scale")
	if err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	last := len(l.Steps) - 1
	for _, st := range l.Steps[:last] {
		for _, line := range st.Solution {
			in.WriteString(line + "\n")
		}
		in.WriteString("\n")
	}
	in.WriteString("aws ecs update-service --cluster lab --service web --desired-count 2\nclock advance 1m\nreset step\n")
	for _, line := range l.Steps[last].Solution {
		in.WriteString(line + "\n")
	}
	var out strings.Builder
	r, err := plainlab.Run(l, plainlab.Options{In: strings.NewReader(in.String()), Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	o := out.String()
	want := fmt.Sprintf("Step %d cannot pass any more: %s", last+1, l.Steps[last].StuckWhy)
	if !strings.Contains(o, want) || strings.Count(o, "cannot pass any more") != 1 {
		t.Errorf("want %q once in:\n%s", want, o)
	}
	if !r.Done() {
		t.Errorf("after reset step the solution does not pass:\n%s", o)
	}
}
