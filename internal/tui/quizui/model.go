// Package quizui is the quiz screen of the TUI: practice (feedback after
// every answer), timed exam (flag, review list, jump, submit with
// confirmation, automatic submission, results with a bar chart by domain
// and lesson, and a walk-through), and spaced review of due questions. The
// quiz package decides everything; this package presents it. Markdown is
// rendered in tea.Cmds through internal/render and cached, never in View.
package quizui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/quiz/record"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

type state int

const (
	sQuestion      state = iota
	sReview              // exam: the list of questions to jump back to
	sConfirmSubmit       // exam: "Submit the exam?"
	sConfirmQuit         // exam: "Leave without submitting?"
	sResults             // score, scaled score, bar charts
	sWalk                // walk-through of every question
	sEmpty               // review with nothing due
)

// docKey names a rendered Markdown document: kind 'q' is a question, 'f'
// the feedback (option explanations and the explanation) of an item.
type docKey struct {
	kind  byte
	item  int
	width int
}

type renderedMsg struct {
	key  docKey
	text string
	err  error
}

type tickMsg struct{}

// Model is the quiz screen.
type Model struct {
	env        tui.Deps
	st         theme.Styles
	s          *quiz.Session
	rec        *record.Recorder
	title      string
	w, h       int
	state      state
	prev       state // where a confirmation returns to
	cursor     int   // option cursor (display position)
	picked     []bool
	number     string // numeric answer being typed
	note       string // a one-line message (errors, "Flagged")
	docs       map[docKey]string
	vp         viewport.Model
	follow     bool // keep the option cursor visible after the next refresh
	cursorLine int
	list       int // review list cursor
	walk       int // walk-through item
	keys       keyMap
	help       help.Model
	full       bool // full help shown
	empty      string
	load       tea.Cmd // reads what the screen shows (the due reviews), from Init
	timeUp     bool
	done       bool // results recorded
	body       string
	drafts     map[int]draft // exam: incomplete selections left behind
}

// draft is an exam selection that is not a complete answer yet.
type draft struct {
	picked []bool
	number string
}

// Options build a Model.
type Options struct {
	Title    string
	Recorder *record.Recorder
}

// New is a quiz screen for a session.
func New(s *quiz.Session, env tui.Deps, o Options) *Model {
	m := &Model{env: env, st: env.Styles, s: s, rec: o.Recorder, title: o.Title,
		docs: map[docKey]string{}, drafts: map[int]draft{}, keys: newKeys(), help: theme.NewHelp(env.Styles), w: 80, h: 24}
	if m.title == "" {
		m.title = "Quiz"
	}
	m.vp = viewport.New(m.w, m.bodyHeight())
	m.vp.KeyMap = viewport.KeyMap{} // the screen maps its own keys
	if s == nil || s.Len() == 0 {
		m.state = sEmpty
	} else {
		m.enter(0)
	}
	m.refresh()
	return m
}

// Empty is a screen that only says msg (e.g. "No reviews due").
func Empty(env tui.Deps, title, msg string) *Model {
	m := New(nil, env, Options{Title: title})
	m.empty = msg
	m.refresh()
	return m
}

// Session is the session shown (nil for an empty screen).
func (m *Model) Session() *quiz.Session { return m.s }

func (m *Model) now() time.Time { return m.env.Clock() }

func (m *Model) bodyHeight() int { return max(1, m.h-3) }

func (m *Model) width() int { return max(20, m.w) }

// Init starts the exam timer and renders the first question.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.load}
	if m.s != nil && m.s.Timed() && !m.s.Submitted {
		cmds = append(cmds, m.tick())
	}
	cmds = append(cmds, m.renderCmds()...)
	return tea.Batch(cmds...)
}

func (m *Model) tick() tea.Cmd {
	return nav.After(time.Second, func() tea.Msg { return tickMsg{} })
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.vp.Width = m.width()
	m.vp.Height = m.bodyHeight()
	m.help.Width = m.width()
	m.follow = true
	m.refresh()
}

// Close records what was answered when the program quits.
func (m *Model) Close() {
	if m.s != nil {
		_ = m.rec.Finish(m.s, m.now()).Run() // the program is ending: save now
	}
}

// enter shows item i with its current response.
func (m *Model) enter(i int) {
	m.s.Goto(i, m.now())
	it := m.s.Item(i)
	m.cursor = 0
	m.picked = make([]bool, len(it.Order))
	for d := range it.Order {
		m.picked[d] = it.Chosen(d)
	}
	m.number = ""
	if it.Answered && it.Q.Kind == quiz.Numeric {
		m.number = it.Given
	}
	m.note = ""
	if d, ok := m.drafts[i]; ok && !it.Answered {
		copy(m.picked, d.picked)
		m.number = d.number
		m.note = "Not answered yet: this selection is incomplete."
	}
	m.vp.GotoTop()
	m.follow = false
}

func (m *Model) item() *quiz.Item { return m.s.Item(m.s.Current) }

// practice-like modes give feedback after each answer.
func (m *Model) feedbackMode() bool { return m.s != nil && m.s.Mode != quiz.Exam }

func withHelp(b key.Binding, desc string) key.Binding {
	h := b.Help()
	nb := b
	nb.SetHelp(h.Key, desc)
	return nb
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// storeOf avoids a typed nil in the record.Store interface.
func storeOf(st *progress.Store) record.Store {
	if st == nil {
		return nil
	}
	return st
}
