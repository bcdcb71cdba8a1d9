package tui

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/render"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
	"github.com/cloudlab/cloudlab/internal/tui/tuitest"
)

func lessonSrc(id, title, track string, order int, body string) []byte {
	return fmt.Appendf(nil, "---\nid: %s\ntitle: %s\ntrack: %s\norder: %d\nminutes: 5\nquiz: %s\n---\n\n%s", id, title, track, order, id, body)
}

func longBody(title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", title)
	for s := 1; s <= 6; s++ {
		fmt.Fprintf(&b, "## Section %d\n\n", s)
		for p := 0; p < 4; p++ {
			b.WriteString("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ")
			if s == 5 && p == 2 {
				b.WriteString("Here is the needle we search for. ")
			}
			b.WriteString("\n\n")
		}
	}
	b.WriteString("```check\n# Passes when the goal is met.\nSECRET\n```\n\nThe last line.\n")
	return b.String()
}

func testCourse(t testing.TB) *course.Course {
	fsys := fstest.MapFS{
		"lessons/01-alpha.md": {Data: lessonSrc("alpha", "Alpha lesson", "First track", 1, longBody("Alpha lesson"))},
		"lessons/02-beta.md":  {Data: lessonSrc("beta", "Beta lesson", "First track", 2, longBody("Beta lesson"))},
		"lessons/03-gamma.md": {Data: lessonSrc("gamma", "Gamma lesson", "Second track", 3, "# Gamma lesson\n\nShort.\n")},
		"quizzes/alpha.md":    {Data: []byte("---\nid: alpha\ntitle: Alpha quiz\n---\n")},
		"quizzes/beta.md":     {Data: []byte("---\nid: beta\ntitle: Beta quiz\n---\n")},
		"quizzes/gamma.md":    {Data: []byte("---\nid: gamma\ntitle: Gamma quiz\n---\n")},
	}
	c, probs := course.Load(fsys)
	if len(probs) > 0 {
		t.Fatalf("test course: %v", probs)
	}
	return c
}

func testEnv(t testing.TB) Deps {
	st, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return Deps{
		Course:      testCourse(t),
		Store:       st,
		Styles:      theme.New(true, true),
		Renderer:    render.New(render.Options{NoColor: true}),
		RenderStyle: "notty",
		Now:         func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
}

// drive runs a command and feeds the messages it produces back into the
// model, like the Bubble Tea runtime (timers are not waited for).
func drive(t testing.TB, m *Model, cmd tea.Cmd) (timers []tea.Msg) {
	t.Helper()
	return tuitest.Drive(update(m), cmd)
}

func update(m *Model) func(tea.Msg) tea.Cmd {
	return func(msg tea.Msg) tea.Cmd { _, c := m.Update(msg); return c }
}

func send(t testing.TB, m *Model, msgs ...tea.Msg) {
	t.Helper()
	for _, msg := range msgs {
		_, cmd := m.Update(msg)
		drive(t, m, cmd)
	}
}

func keys(s ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range s {
		switch k {
		case "enter":
			out = append(out, tea.KeyMsg{Type: tea.KeyEnter})
		case "esc":
			out = append(out, tea.KeyMsg{Type: tea.KeyEsc})
		case "space":
			out = append(out, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
		case "ctrl+c":
			out = append(out, tea.KeyMsg{Type: tea.KeyCtrlC})
		case "up":
			out = append(out, tea.KeyMsg{Type: tea.KeyUp})
		case "down":
			out = append(out, tea.KeyMsg{Type: tea.KeyDown})
		default:
			out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		}
	}
	return out
}

func start(t testing.TB, env Deps, f Factories, w, h int) *Model {
	m := New(env, f, Start{})
	drive(t, m, m.Init())
	send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

func checkView(t *testing.T, m *Model, w, h int) string {
	t.Helper()
	v := m.View()
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Errorf("view has %d lines, taller than %d", len(lines), h)
	}
	for i, l := range lines {
		if n := len([]rune(render.StripANSI(l))); n > w {
			t.Errorf("line %d is %d wide, wider than %d: %q", i+1, n, w, l)
		}
	}
	return v
}

func TestHomeListsLessons(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := start(t, testEnv(t), Factories{}, size[0], size[1])
			v := checkView(t, m, size[0], size[1])
			for _, want := range []string{"cloudlab", "First track", "Second track", "Alpha lesson", "Beta lesson", "Gamma lesson", "Mock exam", "Review", "Start: Alpha lesson", "0% read"} {
				if !strings.Contains(v, want) {
					t.Errorf("home view lacks %q:\n%s", want, v)
				}
			}
		})
	}
}

// openAlpha moves from Continue down to the first lesson and opens it.
func openAlpha(t *testing.T, m *Model) {
	t.Helper()
	send(t, m, keys("g", "j", "j", "j", "j", "enter")...)
	if m.Reader() == nil || m.Reader().Lesson().ID != "alpha" {
		t.Fatalf("enter did not open alpha; view:\n%s", m.View())
	}
}

func TestEnterOpensLessonAndQReturns(t *testing.T) {
	m := start(t, testEnv(t), Factories{}, 80, 24)
	openAlpha(t, m)
	v := checkView(t, m, 80, 24)
	if !strings.Contains(v, "Alpha lesson") || !strings.Contains(v, "Lorem ipsum") {
		t.Fatalf("reader view:\n%s", v)
	}
	if strings.Contains(v, "SECRET") {
		t.Error("hidden check block is visible")
	}
	send(t, m, keys("q")...)
	if m.Depth() != 1 {
		t.Fatalf("q did not return home (depth %d)", m.Depth())
	}
	if v := m.View(); !strings.Contains(v, "Continue: Alpha lesson") || !strings.Contains(v, "◐") {
		t.Errorf("home does not show the lesson in progress:\n%s", v)
	}
}

func TestSearchFindsAndHighlights(t *testing.T) {
	m := start(t, testEnv(t), Factories{}, 80, 24)
	openAlpha(t, m)
	send(t, m, keys("/", "n", "e", "e", "d", "l", "e", "enter")...)
	r := m.Reader()
	if r.Matches() != 1 {
		t.Fatalf("matches = %d, want 1", r.Matches())
	}
	v := checkView(t, m, 80, 24)
	if !strings.Contains(v, "needle") || !strings.Contains(v, "match 1 of 1") {
		t.Errorf("match not on screen:\n%s", v)
	}
	send(t, m, keys("/", "z", "z", "q", "enter")...)
	if v := m.View(); !strings.Contains(v, "Not found: zzq") {
		t.Errorf("no not-found message:\n%s", v)
	}
}

func TestOutlineJumps(t *testing.T) {
	m := start(t, testEnv(t), Factories{}, 80, 24)
	openAlpha(t, m)
	send(t, m, keys("o")...)
	v := checkView(t, m, 80, 24)
	if !strings.Contains(v, "Outline") || !strings.Contains(v, "Section 4") {
		t.Fatalf("outline view:\n%s", v)
	}
	// The first entry is the title; go down to Section 4 and jump.
	send(t, m, keys("j", "j", "j", "j", "enter")...)
	v = checkView(t, m, 80, 24)
	lines := strings.Split(v, "\n")
	if len(lines) < 2 || !strings.Contains(lines[1], "Section 4") {
		t.Errorf("outline did not jump to Section 4; view:\n%s", v)
	}
	if m.Reader().Offset() == 0 {
		t.Error("offset did not move")
	}
}

func TestReadToEndMarksReadAndResumes(t *testing.T) {
	env := testEnv(t)
	m := start(t, env, Factories{}, 80, 24)
	openAlpha(t, m)
	send(t, m, keys("d", "d", "d")...)
	off := m.Reader().Offset()
	if off == 0 {
		t.Fatal("d did not scroll")
	}
	send(t, m, keys("q")...)
	openAlpha(t, m)
	if got := m.Reader().Offset(); got != off {
		t.Errorf("resumed at line %d, want %d", got, off)
	}
	st, _ := env.Store.Lesson("alpha")
	if st.Read() {
		t.Fatal("read before reaching the end")
	}
	send(t, m, keys("G")...)
	st, _ = env.Store.Lesson("alpha")
	if !st.Read() {
		t.Fatal("reaching the end did not mark the lesson read")
	}
	send(t, m, keys("q")...)
	v := m.View()
	if !strings.Contains(v, "✓ Alpha lesson") {
		t.Errorf("home does not show alpha as read:\n%s", v)
	}
	// Once a lesson is finished, Continue offers the next unfinished
	// thing: its quiz, never taken.
	if !strings.Contains(v, "Continue: quiz Alpha quiz") {
		t.Errorf("Continue does not move on to the lesson's quiz:\n%s", v)
	}
}

func TestPositionSavedWhileReading(t *testing.T) {
	env := testEnv(t)
	m := start(t, env, Factories{}, 80, 24)
	openAlpha(t, m)
	var timers []tea.Msg
	for _, k := range keys("d", "d") {
		_, cmd := m.Update(k)
		timers = append(timers, drive(t, m, cmd)...)
	}
	if st, _ := env.Store.Lesson("alpha"); st.Position > 0 {
		t.Fatalf("position saved before the save delay: %+v", st)
	}
	tuitest.Fire(update(m), timers) // the save delay passes
	st, err := env.Store.Lesson("alpha")
	if err != nil || st.Position <= 0 || st.Percent <= 0 {
		t.Fatalf("position not saved without leaving: %+v %v", st, err)
	}
}

func TestPagerKeys(t *testing.T) {
	m := start(t, testEnv(t), Factories{}, 80, 24)
	openAlpha(t, m)
	r := m.Reader()
	steps := []struct {
		key  string
		want func(prev, now int) bool
	}{
		{"j", func(p, n int) bool { return n == p+1 }},
		{"k", func(p, n int) bool { return n == p-1 }},
		{"space", func(p, n int) bool { return n == p+22 }},
		{"b", func(p, n int) bool { return n == p-22 }},
		{"d", func(p, n int) bool { return n == p+11 }},
		{"u", func(p, n int) bool { return n == p-11 }},
		{"G", func(p, n int) bool { return n > p && r.AtEnd() }},
		{"g", func(p, n int) bool { return n == 0 }},
	}
	for _, s := range steps {
		prev := r.Offset()
		send(t, m, keys(s.key)...)
		if !s.want(prev, r.Offset()) {
			t.Errorf("key %q: offset %d -> %d", s.key, prev, r.Offset())
		}
	}
}

func TestMouseWheel(t *testing.T) {
	m := start(t, testEnv(t), Factories{}, 80, 24)
	wheel := func(b tea.MouseButton) tea.MouseMsg {
		return tea.MouseMsg{Action: tea.MouseActionPress, Button: b}
	}
	send(t, m, wheel(tea.MouseButtonWheelDown), wheel(tea.MouseButtonWheelDown), wheel(tea.MouseButtonWheelDown), wheel(tea.MouseButtonWheelDown))
	if sel := m.Home().Selected(); sel == nil || sel.ID != "alpha" {
		t.Fatalf("wheel did not move the home selection to alpha: %v", sel)
	}
	send(t, m, keys("enter")...)
	send(t, m, wheel(tea.MouseButtonWheelDown))
	if got := m.Reader().Offset(); got != 3 {
		t.Errorf("wheel scrolled to %d, want 3", got)
	}
	send(t, m, wheel(tea.MouseButtonWheelUp))
	if got := m.Reader().Offset(); got != 0 {
		t.Errorf("wheel up scrolled to %d, want 0", got)
	}
}

func TestNextPreviousLesson(t *testing.T) {
	m := start(t, testEnv(t), Factories{}, 80, 24)
	openAlpha(t, m)
	send(t, m, keys("]")...)
	if m.Reader() == nil || m.Reader().Lesson().ID != "beta" || m.Depth() != 2 {
		t.Fatalf("] did not replace the reader with beta (depth %d)", m.Depth())
	}
	send(t, m, keys("[", "[")...)
	if m.Reader().Lesson().ID != "alpha" || !strings.Contains(m.View(), "first lesson") {
		t.Errorf("[ at alpha: %s\n%s", m.Reader().Lesson().ID, m.View())
	}
}

func TestHelpToggles(t *testing.T) {
	m := start(t, testEnv(t), Factories{}, 80, 24)
	send(t, m, keys("?")...)
	if v := m.View(); !strings.Contains(v, "Keys") || !strings.Contains(v, "mock exam") {
		t.Errorf("home help:\n%s", v)
	}
	send(t, m, keys("?")...)
	openAlpha(t, m)
	send(t, m, keys("?")...)
	if v := m.View(); !strings.Contains(v, "outline") || !strings.Contains(v, "half page") {
		t.Errorf("reader help:\n%s", v)
	}
}

type fakeScreen struct {
	name string
	w, h int
}

func (f *fakeScreen) Init() tea.Cmd             { return nil }
func (f *fakeScreen) SetSize(w, h int)          { f.w, f.h = w, h }
func (f *fakeScreen) View() string              { return "FAKE " + f.name }
func (f *fakeScreen) ShortHelp() []key.Binding  { return nil }
func (f *fakeScreen) FullHelp() [][]key.Binding { return nil }
func (f *fakeScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		f.SetSize(ws.Width, ws.Height)
	}
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "esc" {
		return f, nav.Cmd(nav.Back{})
	}
	return f, nil
}

func TestFactories(t *testing.T) {
	t.Run("nil factories say not available", func(t *testing.T) {
		m := start(t, testEnv(t), Factories{}, 80, 24)
		send(t, m, keys("j", "j", "j", "j", "Q")...)
		if v := m.View(); !strings.Contains(v, "not available yet") {
			t.Errorf("view:\n%s", v)
		}
		send(t, m, nav.OpenReview{}, nav.OpenLab{ID: "x"})
		if m.Depth() != 1 {
			t.Errorf("depth %d", m.Depth())
		}
	})
	t.Run("screens are pushed and popped", func(t *testing.T) {
		var gotQuiz nav.OpenQuiz
		f := Factories{
			Quiz: func(msg nav.OpenQuiz, env Deps) (Screen, error) {
				gotQuiz = msg
				return &fakeScreen{name: "quiz " + msg.ID}, nil
			},
			Review: func(env Deps) (Screen, error) { return &fakeScreen{name: "review"}, nil },
			Lab:    func(msg nav.OpenLab, env Deps) (Screen, error) { return nil, errors.New("lab broke") },
		}
		m := start(t, testEnv(t), f, 80, 24)
		send(t, m, keys("j", "j", "j", "j", "Q")...)
		if v := m.View(); v != "FAKE quiz alpha" {
			t.Fatalf("view %q", v)
		}
		if fs := m.Top().(*fakeScreen); fs.w != 80 || fs.h != 24 {
			t.Errorf("pushed screen size %dx%d", fs.w, fs.h)
		}
		send(t, m, keys("esc")...)
		send(t, m, keys("g", "j", "enter")...) // Mock exam
		if gotQuiz.ID != "" || !gotQuiz.All || gotQuiz.Count != 65 || gotQuiz.Mode != quiz.Exam || gotQuiz.Time != 130*time.Minute {
			t.Errorf("mock exam message %+v", gotQuiz)
		}
		send(t, m, keys("esc", "r")...)
		if v := m.View(); v != "FAKE review" {
			t.Errorf("r did not open review: %q", v)
		}
		send(t, m, keys("esc")...)
		send(t, m, nav.OpenLab{ID: "lab-x"})
		if v := m.View(); !strings.Contains(v, "lab broke") || m.Depth() != 1 {
			t.Errorf("factory error not shown: %q", v)
		}
	})
}

func TestSmallSizesDoNotPanic(t *testing.T) {
	sizes := [][2]int{{30, 10}, {40, 10}, {39, 9}, {1, 1}, {0, 0}, {45, 12}, {200, 60}}
	for _, s := range sizes {
		t.Run(fmt.Sprintf("%dx%d", s[0], s[1]), func(t *testing.T) {
			m := start(t, testEnv(t), Factories{}, s[0], s[1])
			v := m.View()
			small := s[0] < MinWidth || s[1] < MinHeight
			if small && s[0] >= 8 && s[1] > 0 && !strings.Contains(v, "Terminal") {
				t.Errorf("no too-small message: %q", v)
			}
			send(t, m, nav.OpenLesson{ID: "alpha"})
			for _, k := range []string{"j", "G", "o", "j", "enter", "/", "x", "enter", "n", "?", "?", "]", "q"} {
				send(t, m, keys(k)...)
				_ = m.View()
			}
			if s[0] > 0 && s[1] > 0 {
				checkView(t, m, max(s[0], 1), max(s[1], 1))
			}
		})
	}
}

func TestResizeRewraps(t *testing.T) {
	m := start(t, testEnv(t), Factories{}, 120, 40)
	openAlpha(t, m)
	checkView(t, m, 120, 40)
	send(t, m, tea.WindowSizeMsg{Width: 50, Height: 20})
	checkView(t, m, 50, 20)
	send(t, m, tea.WindowSizeMsg{Width: 30, Height: 10})
	if v := m.View(); !strings.Contains(v, "Terminal") {
		t.Errorf("30x10: %q", v)
	}
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	checkView(t, m, 80, 24)
}

func TestStartLesson(t *testing.T) {
	env := testEnv(t)
	m := New(env, Factories{}, Start{Lesson: "gamma"})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	drive(t, m, m.Init())
	if m.Reader() == nil || m.Reader().Lesson().ID != "gamma" {
		t.Fatalf("did not start at gamma:\n%s", m.View())
	}
	// A short lesson fits on one screen: its end is reached at once.
	if st, _ := env.Store.Lesson("gamma"); !st.Read() {
		t.Error("short lesson not marked read")
	}
	send(t, m, keys("ctrl+c")...)
	if m.View() != "" {
		t.Error("view after quit should be empty")
	}
}

func BenchmarkReaderView(b *testing.B) {
	m := New(testEnv(b), Factories{}, Start{Lesson: "alpha"})
	send(b, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	drive(b, m, m.Init())
	send(b, m, keys("/", "l", "o", "r", "e", "m", "enter")...)
	if m.Reader() == nil {
		b.Fatal("no reader")
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

func TestStartScreens(t *testing.T) {
	seed := uint64(42)
	var gotQuiz nav.OpenQuiz
	var gotLab nav.OpenLab
	f := Factories{
		Quiz: func(msg nav.OpenQuiz, env Deps) (Screen, error) {
			gotQuiz = msg
			if msg.ID == "broken" {
				return nil, errors.New("no quiz \"broken\"")
			}
			return &fakeScreen{name: "quiz " + msg.ID}, nil
		},
		Review: func(env Deps) (Screen, error) { return &fakeScreen{name: "review"}, nil },
		Lab: func(msg nav.OpenLab, env Deps) (Screen, error) {
			gotLab = msg
			return &fakeScreen{name: "lab " + msg.ID}, nil
		},
	}
	tests := []struct {
		name      string
		start     Start
		sizeFirst bool // the window size arrives before Init's commands
		view      string
	}{
		{"quiz", Start{Quiz: &nav.OpenQuiz{Request: quiz.Request{ID: "alpha", Mode: quiz.Exam, Count: 3}}}, false, "FAKE quiz alpha"},
		{"quiz, size first", Start{Quiz: &nav.OpenQuiz{Request: quiz.Request{ID: "alpha"}}}, true, "FAKE quiz alpha"},
		{"mock exam", Start{Quiz: &nav.OpenQuiz{Request: quiz.Request{All: true}}}, false, "FAKE quiz "},
		{"review", Start{Review: true}, false, "FAKE review"},
		{"lab with seed", Start{Lab: &nav.OpenLab{ID: "lab-x", Seed: &seed}}, false, "FAKE lab lab-x"},
		{"lab, size first", Start{Lab: &nav.OpenLab{ID: "lab-x"}}, true, "FAKE lab lab-x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotQuiz, gotLab = nav.OpenQuiz{}, nav.OpenLab{}
			m := New(testEnv(t), f, tt.start)
			if tt.sizeFirst {
				send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
			}
			drive(t, m, m.Init())
			if !tt.sizeFirst {
				send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
			}
			if m.Depth() != 2 || m.View() != tt.view {
				t.Fatalf("depth %d, view %q, want %q over home", m.Depth(), m.View(), tt.view)
			}
			if fs := m.Top().(*fakeScreen); fs.w != 80 || fs.h != 24 {
				t.Errorf("start screen size %dx%d, want 80x24", fs.w, fs.h)
			}
			if q := tt.start.Quiz; q != nil && !reflect.DeepEqual(gotQuiz, *q) {
				t.Errorf("quiz factory got %+v, want %+v", gotQuiz, *q)
			}
			if l := tt.start.Lab; l != nil && (gotLab.ID != l.ID || gotLab.Seed != l.Seed) {
				t.Errorf("lab factory got %+v, want %+v", gotLab, *l)
			}
			// Leaving the start screen lands on home, which stays open.
			send(t, m, keys("esc")...)
			if m.Depth() != 1 || m.Top() != Screen(m.stack[0]) || !strings.Contains(m.View(), "Alpha lesson") {
				t.Fatalf("esc did not land on home: depth %d\n%s", m.Depth(), m.View())
			}
			if m.quit {
				t.Error("esc from the start screen quit the program")
			}
			// A later nav message does not reopen the start screen.
			send(t, m, nav.Refresh{})
			if m.Depth() != 1 {
				t.Errorf("depth %d after refresh", m.Depth())
			}
		})
	}
	t.Run("a start screen that fails shows the error on home", func(t *testing.T) {
		m := New(testEnv(t), f, Start{Quiz: &nav.OpenQuiz{Request: quiz.Request{ID: "broken"}}})
		drive(t, m, m.Init())
		send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		if v := m.View(); m.Depth() != 1 || !strings.Contains(v, `no quiz "broken"`) {
			t.Errorf("depth %d, view:\n%s", m.Depth(), v)
		}
	})
	t.Run("too small applies to the start screen", func(t *testing.T) {
		m := New(testEnv(t), f, Start{Review: true})
		drive(t, m, m.Init())
		send(t, m, tea.WindowSizeMsg{Width: 30, Height: 8})
		if v := m.View(); m.Depth() != 2 || !strings.Contains(v, "Terminal too small") {
			t.Errorf("depth %d, view %q", m.Depth(), v)
		}
		send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		if v := m.View(); v != "FAKE review" {
			t.Errorf("after growing: %q", v)
		}
	})
}

// Home's keys: Q opens the lesson's quiz, L its lab (a picker when it has
// several), b every lab, q quits, esc asks first.
func TestHomeKeys(t *testing.T) {
	var opened []string
	f := Factories{
		Quiz: func(msg nav.OpenQuiz, env Deps) (Screen, error) {
			opened = append(opened, "quiz "+msg.ID)
			return &fakeScreen{name: "quiz"}, nil
		},
	}
	m := start(t, testEnv(t), f, 80, 24)
	send(t, m, keys("j", "j", "j", "j", "Q", "esc")...)
	if len(opened) != 1 || opened[0] != "quiz alpha" {
		t.Errorf("Q opened %v", opened)
	}
	send(t, m, keys("b")...)
	if !strings.Contains(m.View(), "Labs") {
		t.Errorf("b did not open the Labs screen:\n%s", m.View())
	}
	send(t, m, keys("esc")...)
	send(t, m, keys("esc")...)
	if m.quit || !strings.Contains(m.View(), "Quit cloudlab? y/n") {
		t.Fatalf("esc on home did not ask before quitting:\n%s", m.View())
	}
	send(t, m, keys("n")...)
	if m.quit {
		t.Fatal("n quit")
	}
	send(t, m, keys("q")...)
	if !m.quit {
		t.Error("q on home did not quit")
	}
}
