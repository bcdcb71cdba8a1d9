package quizui

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/quiz/record"
	"github.com/cloudlab/cloudlab/internal/render"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
	"github.com/cloudlab/cloudlab/internal/tui/tuitest"
)

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func env(c *fakeClock) tui.Deps {
	return tui.Deps{Styles: theme.New(true, true), Now: c.Now}
}

func loadQuiz(t *testing.T, file string) *quiz.Quiz {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	qz, probs := quiz.LoadFile(file, src)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return qz
}

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// press sends keys and returns the messages of the last key's commands
// that the screen does not handle itself (render results are fed back;
// timers and navigation are returned).
func press(t *testing.T, m *Model, keys ...string) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	for _, k := range keys {
		_, cmd := m.Update(keyMsg(k))
		out = run(m, cmd)
	}
	return out
}

// run runs cmd to completion: the screen's own messages (rendered
// documents, loaded reviews) go back to the model, every other message
// (navigation, timers, errors) is returned.
func run(m *Model, cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	for _, msg := range tuitest.Msgs(cmd) {
		switch msg.(type) {
		case renderedMsg, dueMsg:
			_, next := m.Update(msg)
			out = append(out, run(m, next)...)
			continue
		}
		out = append(out, msg)
	}
	return out
}

func has(msgs []tea.Msg, want tea.Msg) bool {
	for _, m := range msgs {
		if m == want {
			return true
		}
	}
	return false
}

// checkFrame asserts the view fills exactly w x h without overflowing.
func checkFrame(t *testing.T, m *Model, w, h int) string {
	t.Helper()
	v := m.View()
	ls := strings.Split(v, "\n")
	if len(ls) != h {
		t.Errorf("view has %d lines, want %d:\n%s", len(ls), h, v)
	}
	for i, l := range ls {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d wide (> %d): %q", i+1, n, w, ansi.Strip(l))
		}
	}
	return ansi.Strip(v)
}

func mustContain(t *testing.T, view string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(view, w) {
			t.Errorf("view lacks %q:\n%s", w, view)
		}
	}
}

func letter(it *quiz.Item, right bool) string {
	for d := range it.Order {
		if it.Option(d).Correct == right {
			return string(rune('a' + d))
		}
	}
	return "a"
}

func TestExamFlow80x24(t *testing.T) {
	c := &fakeClock{t0}
	qz := loadQuiz(t, "testdata/containers-vs-vms.md")
	s, _ := quiz.NewSession(qz.Questions, quiz.Config{Mode: quiz.Exam, Seed: 4, Start: t0, Time: 15 * time.Minute})
	st, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := New(s, env(c), Options{Title: qz.Title, Recorder: record.New(st, qz.ID)})
	m.SetSize(80, 24)
	if m.Init() == nil {
		t.Fatal("an exam starts a timer")
	}
	n := s.Len()
	v := checkFrame(t, m, 80, 24)
	mustContain(t, v, "Containers vs virtual machines · Exam", fmt.Sprintf("Question 1 of %d", n), "⏱ 15:00 left", fmt.Sprintf("0/%d answered", n), "A) ")

	// Q1: answer and flag it.
	c.now = c.now.Add(20 * time.Second)
	press(t, m, letter(s.Item(0), true), "f")
	v = checkFrame(t, m, 80, 24)
	mustContain(t, v, "Flagged for review.", "⚑ flagged", "⏱ 14:40 left")
	press(t, m, "enter")
	if s.Current != 1 || !s.Item(0).Answered || !s.Item(0).Flagged {
		t.Fatalf("after enter: current %d, item0 %+v", s.Current, s.Item(0).Response)
	}
	// Q2 (choose 2): one pick is not enough.
	it := s.Item(1)
	if it.Q.Kind != quiz.Multi {
		t.Fatalf("q2 kind %v", it.Q.Kind)
	}
	press(t, m, letter(it, true), "enter")
	mustContain(t, checkFrame(t, m, 80, 24), "Choose 2")
	if s.Current != 1 {
		t.Fatal("an incomplete multi answer moved on")
	}
	// Leave the incomplete choice: it comes back, unanswered.
	press(t, m, "n", "p")
	if it.Answered || m.selection() == nil {
		t.Fatalf("incomplete choice: answered %v, selection %v", it.Answered, m.selection())
	}
	mustContain(t, checkFrame(t, m, 80, 24), "incomplete")
	// Skip ahead with n to the numeric question, type 8.
	press(t, m, "n", "n")
	if s.Item(s.Current).Q.Kind != quiz.Numeric {
		// find it
		for s.Item(s.Current).Q.Kind != quiz.Numeric {
			press(t, m, "n")
		}
	}
	num := s.Current
	press(t, m, "8", "enter")
	if !s.Item(num).Answered || !s.Item(num).Correct {
		t.Fatalf("numeric answer not recorded: %+v", s.Item(num).Response)
	}
	// Review list, jump back to question 2.
	press(t, m, "r")
	v = checkFrame(t, m, 80, 24)
	mustContain(t, v, "Review", "unanswered", "⚑", " 2. ")
	for m.list != 1 {
		press(t, m, "up")
	}
	press(t, m, "enter")
	if m.state != sQuestion || s.Current != 1 {
		t.Fatalf("jump: state %v current %d", m.state, s.Current)
	}
	// Select both right options with arrows and space.
	for d := range it.Order {
		if it.Option(d).Correct && !m.picked[d] {
			for m.cursor < d {
				press(t, m, "down")
			}
			for m.cursor > d {
				press(t, m, "up")
			}
			press(t, m, "space")
		}
	}
	press(t, m, "enter")
	if !it.Answered || !it.Correct {
		t.Fatalf("multi answer: %+v picked %v", it.Response, m.picked)
	}
	// Submit: confirm, cancel, confirm again.
	press(t, m, "s")
	mustContain(t, checkFrame(t, m, 80, 24), "Submit the exam?")
	press(t, m, "n")
	if m.state == sConfirmSubmit || s.Submitted {
		t.Fatal("n did not cancel")
	}
	press(t, m, "s", "y")
	if !s.Submitted || m.state != sResults {
		t.Fatalf("not submitted: state %v", m.state)
	}
	v = checkFrame(t, m, 80, 24)
	scaled := quiz.ScaledScore(3, n)
	mustContain(t, v, "Exam results", fmt.Sprintf("Score: 3/%d (", n), fmt.Sprintf("Scaled score: %d (fail)", scaled), "pass mark 720", "By domain", "█", "░", "CLF-C02 Cloud Concepts")
	res, _ := st.Results(qz.ID)
	atts, _ := st.Attempts(qz.ID)
	if len(res) != 1 || res[0].Scaled != scaled || len(atts) != 3 {
		t.Errorf("stored results %+v, %d attempts", res, len(atts))
	}
	// Walk-through.
	press(t, m, "w")
	v = checkFrame(t, m, 80, 24)
	mustContain(t, v, fmt.Sprintf("Walk-through 1 of %d", n), "Your answer")
	press(t, m, "n", "n")
	if m.walk != 2 {
		t.Errorf("walk = %d", m.walk)
	}
	press(t, m, "q")
	if m.state != sResults {
		t.Error("q in the walk-through returns to the results")
	}
	if !has(press(t, m, "q"), nav.Back{}) {
		t.Error("q on the results does not go back")
	}
}

func TestExamTimerAutoSubmits(t *testing.T) {
	c := &fakeClock{t0}
	qz := loadQuiz(t, "testdata/lambda-anatomy.md")
	s, _ := quiz.NewSession(qz.Questions, quiz.Config{Mode: quiz.Exam, Seed: 1, Start: t0})
	m := New(s, env(c), Options{Title: qz.Title})
	m.SetSize(80, 24)
	total := time.Duration(s.Len()) * quiz.PerQuestion
	mustContain(t, checkFrame(t, m, 80, 24), fmt.Sprintf("⏱ %d:00 left", int(total.Minutes())))
	c.now = t0.Add(total - time.Second)
	m.Update(tickMsg{})
	mustContain(t, checkFrame(t, m, 80, 24), "⏱ 0:01 left")
	c.now = t0.Add(total)
	m.Update(tickMsg{})
	if !s.Submitted || !s.TimedOut || m.state != sResults {
		t.Fatal("not submitted at the deadline")
	}
	mustContain(t, checkFrame(t, m, 80, 24), "Time is up", "Scaled score: 100 (fail)")
}

func TestPracticeFeedbackAndRendering(t *testing.T) {
	c := &fakeClock{t0}
	qz := loadQuiz(t, "testdata/lambda-anatomy.md")
	s, _ := quiz.NewSession(qz.Questions[:3], quiz.Config{Seed: 2, Start: t0})
	e := env(c)
	e.Renderer = render.New(render.Options{NoColor: true})
	e.RenderStyle = "notty"
	m := New(s, e, Options{Title: qz.Title})
	m.SetSize(80, 24)
	run(m, m.Init())
	if _, ok := m.docs[docKey{'q', 0, 80}]; !ok {
		t.Fatal("question not rendered by the Init command")
	}
	press(t, m, letter(s.Item(0), false), "enter")
	v := checkFrame(t, m, 80, 24)
	mustContain(t, v, "✗ Wrong.", "right answer:", "your choice", "more ↓")
	press(t, m, "pgdown", "pgdown", "pgdown", "pgdown", "pgdown")
	if v := checkFrame(t, m, 80, 24); strings.Contains(v, "more ↓") || !strings.Contains(v, "Explanation.") {
		t.Errorf("scrolled to the end:\n%s", v)
	}
	if _, ok := m.docs[docKey{'f', 0, 80}]; !ok {
		t.Error("feedback not rendered")
	}
	press(t, m, "enter", letter(s.Item(1), true), "enter")
	mustContain(t, checkFrame(t, m, 80, 24), "✓ Right.")
	press(t, m, "enter")
	// Numeric: type, fix a typo, answer.
	press(t, m, "0", ".", "6", "1", "x", "9", "backspace", "7", "5", "enter")
	if !s.Item(2).Answered || !s.Item(2).Correct {
		t.Fatalf("numeric: %+v", s.Item(2).Response)
	}
	v = checkFrame(t, m, 80, 24)
	mustContain(t, v, "✓ Right.", "0.6175 ± 0.0001")
	if n := strings.Count(v, "0.6175 ± 0.0001"); n != 1 {
		t.Errorf("the numeric answer is given %d times, want once:\n%s", n, v)
	}
	press(t, m, "enter")
	mustContain(t, checkFrame(t, m, 80, 24), "Results", "Score: 2/3 (67%)")
	if strings.Contains(m.View(), "Scaled") {
		t.Error("practice shows no scaled score")
	}
	// Resize re-renders at the new width.
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	checkFrame(t, m, 100, 30)
}

func TestSmallAndHelp(t *testing.T) {
	c := &fakeClock{t0}
	qz := loadQuiz(t, "testdata/containers-vs-vms.md")
	s, _ := quiz.NewSession(qz.Questions, quiz.Config{Mode: quiz.Exam, Seed: 1, Start: t0})
	m := New(s, env(c), Options{Title: qz.Title})
	for _, size := range [][2]int{{80, 24}, {60, 15}, {120, 40}} {
		m.SetSize(size[0], size[1])
		checkFrame(t, m, size[0], size[1])
		press(t, m, "?")
		checkFrame(t, m, size[0], size[1])
		press(t, m, "?")
	}
	m.SetSize(80, 24)
	press(t, m, "q")
	mustContain(t, checkFrame(t, m, 80, 24), "Leave without submitting?")
	press(t, m, "n")
	if m.state != sQuestion {
		t.Error("n keeps the exam")
	}
	press(t, m, "esc")
	if !has(press(t, m, "y"), nav.Back{}) {
		t.Error("y leaves")
	}
}

func testCourse(t *testing.T) *course.Course {
	t.Helper()
	src, err := os.ReadFile("testdata/lambda-anatomy.md")
	if err != nil {
		t.Fatal(err)
	}
	lesson := "---\nid: lambda-anatomy\ntitle: Lambda anatomy\ntrack: Serverless\norder: 12\nminutes: 12\nobjectives: [a]\n---\nText.\n"
	c, probs := course.Load(fstest.MapFS{
		"lessons/12-lambda-anatomy.md": {Data: []byte(lesson)},
		"quizzes/lambda-anatomy.md":    {Data: src},
	})
	for _, p := range probs {
		t.Logf("course: %v", p)
	}
	return c
}

func TestFactoriesAndReview(t *testing.T) {
	c := &fakeClock{t0}
	st, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := env(c)
	e.Course = testCourse(t)
	e.Store = st

	if _, err := NewScreen(nav.OpenQuiz{Request: quiz.Request{ID: "nope"}}, e); err == nil {
		t.Error("unknown quiz accepted")
	}
	if _, err := NewScreen(nav.OpenQuiz{Request: quiz.Request{ID: "lambda-anatomy", Mode: "hard"}}, e); err == nil {
		t.Error("bad mode accepted")
	}
	sc, err := NewScreen(nav.OpenQuiz{Request: quiz.Request{ID: "lambda-anatomy", Count: 3, Seed: ptr(uint64(11))}}, e)
	if err != nil {
		t.Fatal(err)
	}
	m := sc.(*Model)
	m.SetSize(80, 24)
	s := m.Session()
	if s.Len() != 3 || s.Mode != quiz.Practice {
		t.Fatalf("session %d questions mode %v", s.Len(), s.Mode)
	}
	// One wrong, two right.
	for i := range 3 {
		press(t, m, answerKeys(s.Item(i), i != 0)...)
		press(t, m, "enter", "enter")
	}
	if got := s.Score().Correct; got != 2 {
		t.Fatalf("score %d, want 2", got)
	}
	// Nothing is due right away; the wrong one is due a day later, alone.
	rs, err := NewReviewScreen(e)
	if err != nil {
		t.Fatal(err)
	}
	rm := rs.(*Model)
	rm.SetSize(80, 24)
	if rm.Session() != nil {
		t.Fatal("the review screen read the store in its constructor")
	}
	run(rm, rm.Init())
	mustContain(t, checkFrame(t, rm, 80, 24), "No reviews due", "The next review is due in")
	c.now = t0.Add(24 * time.Hour)
	rs, err = NewReviewScreen(e)
	if err != nil {
		t.Fatal(err)
	}
	rm = rs.(*Model)
	run(rm, rm.Init())
	if rm.Session() == nil || rm.Session().Len() != 1 || rm.Session().Item(0).Q.ID != s.Item(0).Q.ID {
		t.Fatalf("due session: %+v", rm.Session())
	}
	rm.SetSize(80, 24)
	v := checkFrame(t, rm, 80, 24)
	mustContain(t, v, " Review ")
	if strings.Contains(v, "Review · Review") {
		t.Errorf("title repeats the mode:\n%s", v)
	}
}

// answerKeys are the keys that answer an item right or wrong.
func answerKeys(it *quiz.Item, right bool) []string {
	if it.Q.Kind == quiz.Numeric {
		ans := quiz.FormatNumber(it.Q.Answer, 0)
		if !right {
			ans = "123456"
		}
		return strings.Split(ans, "")
	}
	var keys []string
	if !right {
		keys = append(keys, letter(it, false))
	}
	for d := range it.Order {
		if len(keys) == it.Q.Choose() {
			break
		}
		if it.Option(d).Correct {
			keys = append(keys, string(rune('a'+d)))
		}
	}
	return keys
}

func ptr[T any](v T) *T { return &v }

// Answering never writes to the store inside Update: the write is a
// command (one transaction per answer), so a store waiting on a lock
// cannot freeze the screen.
func TestAnswerIsSavedByACommandNotInUpdate(t *testing.T) {
	c := &fakeClock{t0}
	qz := loadQuiz(t, "testdata/containers-vs-vms.md")
	s, _ := quiz.NewSession(qz.Questions, quiz.Config{Mode: quiz.Practice, Seed: 4, Start: t0})
	st, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := New(s, env(c), Options{Title: qz.Title, Recorder: record.New(st, qz.ID)})
	m.SetSize(80, 24)
	run(m, m.Init())
	m.Update(keyMsg(letter(s.Item(0), true)))
	_, cmd := m.Update(keyMsg("enter"))
	if atts, _ := st.Attempts(qz.ID); len(atts) != 0 {
		t.Fatalf("Update wrote %d attempts itself", len(atts))
	}
	if cmd == nil {
		t.Fatal("answering returned no command to save it")
	}
	run(m, cmd)
	if atts, _ := st.Attempts(qz.ID); len(atts) != 1 {
		t.Fatalf("after the command: %d attempts, want 1", len(atts))
	}
	if _, ok, _ := st.Card(s.Item(0).Q.ID); !ok {
		t.Error("the answer's review card was not saved with it")
	}
}
