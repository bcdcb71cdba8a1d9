// Package quizui is the quiz screen of the TUI: practice (feedback after
// every answer), timed exam (flag, review list, jump, submit with
// confirmation, automatic submission, results with a bar chart by domain
// and lesson, and a walk-through), and spaced review of due questions. The
// quiz package decides everything; this package presents it. Markdown is
// rendered in tea.Cmds through internal/render and cached, never in View.
package quizui

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/quiz/record"
	"github.com/cloudlab/cloudlab/internal/termtext"
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
	var cmds []tea.Cmd
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

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
		return m, tea.Batch(m.renderCmds()...)
	case renderedMsg:
		if msg.err == nil {
			m.docs[msg.key] = msg.text
		}
	case tickMsg:
		if m.s == nil || m.s.Submitted {
			return m, nil
		}
		if m.s.Tick(m.now()) {
			m.timeUp = true
			cmd = m.finish()
		} else {
			cmd = m.tick()
		}
	case nav.Refresh:
	case tea.KeyMsg:
		cmd = m.key(msg)
	}
	m.refresh()
	return m, tea.Batch(cmd, tea.Batch(m.renderCmds()...))
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	if key.Matches(msg, k.Help) && m.state != sConfirmQuit && m.state != sConfirmSubmit {
		m.full = !m.full
		return nil
	}
	switch {
	case key.Matches(msg, k.PageDown):
		m.vp.HalfViewDown()
		return nil
	case key.Matches(msg, k.PageUp):
		m.vp.HalfViewUp()
		return nil
	}
	switch m.state {
	case sEmpty:
		if key.Matches(msg, k.Back) || msg.Type == tea.KeyEnter {
			return nav.Cmd(nav.Back{})
		}
	case sQuestion:
		return m.questionKey(msg)
	case sReview:
		return m.reviewKey(msg)
	case sConfirmSubmit:
		switch {
		case key.Matches(msg, k.Yes):
			return m.finish()
		case key.Matches(msg, k.No):
			m.state = m.prev
		}
	case sConfirmQuit:
		switch {
		case key.Matches(msg, k.Yes):
			return tea.Sequence(saveCmd(m.rec.Finish(m.s, m.now())), nav.Cmd(nav.Back{}))
		case key.Matches(msg, k.No):
			m.state = m.prev
		}
	case sResults:
		switch {
		case key.Matches(msg, k.Walk):
			m.state = sWalk
			m.walk = 0
			m.vp.GotoTop()
		case key.Matches(msg, k.Back):
			return nav.Cmd(nav.Back{})
		case key.Matches(msg, k.Up):
			m.vp.ScrollUp(1)
		case key.Matches(msg, k.Down):
			m.vp.ScrollDown(1)
		}
	case sWalk:
		switch {
		case key.Matches(msg, k.Next), msg.Type == tea.KeyEnter:
			if m.walk < m.s.Len()-1 {
				m.walk++
				m.vp.GotoTop()
			}
		case key.Matches(msg, k.Prev):
			if m.walk > 0 {
				m.walk--
				m.vp.GotoTop()
			}
		case key.Matches(msg, k.Up):
			m.vp.ScrollUp(1)
		case key.Matches(msg, k.Down):
			m.vp.ScrollDown(1)
		case key.Matches(msg, k.Back):
			m.state = sResults
			m.vp.GotoTop()
		}
	}
	return nil
}

// saveCmd runs a store write off the UI goroutine; a failure shows as an
// error line.
func saveCmd(save record.Save) tea.Cmd {
	if save == nil {
		return nil
	}
	return func() tea.Msg {
		if err := save.Run(); err != nil {
			return nav.Error{Err: err}
		}
		return nil
	}
}

func (m *Model) questionKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	it := m.item()
	exam := m.s.Mode == quiz.Exam
	graded := m.feedbackMode() && it.Answered
	// Typing a number.
	if it.Q.Kind == quiz.Numeric && !graded {
		if msg.Type == tea.KeyRunes {
			r := string(msg.Runes)
			if strings.Trim(r, "0123456789.,-+eE$") == "" {
				m.number += r
				m.note = ""
				return nil
			}
		}
		if msg.Type == tea.KeyBackspace {
			if m.number != "" {
				m.number = m.number[:len(m.number)-1]
			}
			return nil
		}
	}
	switch {
	case key.Matches(msg, k.Back):
		if exam && !m.s.Submitted {
			m.prev = m.state
			m.state = sConfirmQuit
			return nil
		}
		return tea.Sequence(saveCmd(m.rec.Finish(m.s, m.now())), nav.Cmd(nav.Back{}))
	case key.Matches(msg, k.Enter):
		if graded {
			return m.advance()
		}
		return m.answer()
	case graded:
		if key.Matches(msg, k.Next) {
			return m.advance()
		}
		return nil
	case key.Matches(msg, k.Up):
		if m.cursor > 0 {
			m.cursor--
			m.follow = true
		}
	case key.Matches(msg, k.Down):
		if m.cursor < len(it.Order)-1 {
			m.cursor++
			m.follow = true
		}
	case key.Matches(msg, k.Toggle):
		m.pick(m.cursor)
	case exam && key.Matches(msg, k.Flag):
		if m.s.ToggleFlag(m.s.Current) {
			m.note = "Flagged for review."
		} else {
			m.note = "Flag removed."
		}
	case exam && key.Matches(msg, k.Review):
		m.keepSelection()
		m.openReview()
	case exam && key.Matches(msg, k.Submit):
		m.keepSelection()
		m.prev = m.state
		m.state = sConfirmSubmit
	case exam && key.Matches(msg, k.Next):
		m.keepSelection()
		if m.s.Current < m.s.Len()-1 {
			m.enter(m.s.Current + 1)
		} else {
			m.openReview()
		}
	case exam && key.Matches(msg, k.Prev):
		m.keepSelection()
		if m.s.Current > 0 {
			m.enter(m.s.Current - 1)
		}
	case key.Matches(msg, k.Pick):
		r := msg.String()
		d := -1
		if r[0] >= 'a' && r[0] <= 'z' {
			d = int(r[0] - 'a')
		} else {
			d = int(r[0] - '1')
		}
		if d < len(it.Order) {
			m.cursor = d
			m.follow = true
			m.pick(d)
		}
	}
	return nil
}

// pick selects option d: a single-choice question keeps one selection, a
// multiple-response question toggles.
func (m *Model) pick(d int) {
	it := m.item()
	if d < 0 || d >= len(m.picked) {
		return
	}
	if it.Q.Kind == quiz.Single {
		for i := range m.picked {
			m.picked[i] = i == d
		}
	} else {
		m.picked[d] = !m.picked[d]
	}
	m.note = ""
}

func (m *Model) selection() []int {
	var out []int
	for d, p := range m.picked {
		if p {
			out = append(out, d)
		}
	}
	return out
}

// keepSelection records an exam selection when the learner moves away, if
// it is a complete answer.
func (m *Model) keepSelection() {
	it := m.item()
	if it.Q.Kind == quiz.Numeric {
		delete(m.drafts, m.s.Current)
		if strings.TrimSpace(m.number) != "" && m.number != it.Given {
			if _, err := m.s.Answer(m.s.Current, m.number, m.now()); err != nil {
				m.drafts[m.s.Current] = draft{number: m.number}
			}
		}
		return
	}
	sel := m.selection()
	delete(m.drafts, m.s.Current)
	if len(sel) > 0 {
		if err := m.s.Choose(m.s.Current, sel, m.now()); err != nil {
			// An incomplete multiple-response choice is kept on screen, not
			// recorded, until it is complete.
			m.drafts[m.s.Current] = draft{picked: append([]bool(nil), m.picked...)}
		}
	}
}

// answer grades (practice) or records (exam) the current selection.
func (m *Model) answer() tea.Cmd {
	it := m.item()
	var err error
	if it.Q.Kind == quiz.Numeric {
		if strings.TrimSpace(m.number) == "" {
			m.note = "Type a number, then press enter."
			return nil
		}
		_, err = m.s.Answer(m.s.Current, m.number, m.now())
	} else {
		sel := m.selection()
		if len(sel) == 0 {
			if m.s.Mode == quiz.Exam {
				return m.advanceExam()
			}
			m.note = "Pick an option first (letters, or arrows and space)."
			return nil
		}
		err = m.s.Choose(m.s.Current, sel, m.now())
	}
	if errors.Is(err, quiz.ErrTimeUp) || errors.Is(err, quiz.ErrSubmitted) {
		m.timeUp = m.s.TimedOut
		return m.finish()
	}
	if err != nil {
		m.note = capitalize(err.Error()) + "."
		return nil
	}
	delete(m.drafts, m.s.Current)
	if m.s.Mode == quiz.Exam {
		return m.advanceExam()
	}
	m.vp.GotoTop()
	return saveCmd(m.rec.Answered(m.s, m.s.Current, m.now()))
}

func (m *Model) advanceExam() tea.Cmd {
	if m.s.Current < m.s.Len()-1 {
		m.enter(m.s.Current + 1)
	} else {
		m.openReview()
	}
	return nil
}

// advance goes to the next question after feedback, or to the results.
func (m *Model) advance() tea.Cmd {
	if m.s.Current < m.s.Len()-1 {
		m.enter(m.s.Current + 1)
		return nil
	}
	return m.finish()
}

func (m *Model) openReview() {
	m.state = sReview
	m.list = m.s.Current
	m.note = ""
	m.follow = true
}

func (m *Model) reviewKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		if m.list > 0 {
			m.list--
		}
		m.follow = true
	case key.Matches(msg, k.Down):
		if m.list < m.s.Len()-1 {
			m.list++
		}
		m.follow = true
	case msg.Type == tea.KeyEnter:
		m.state = sQuestion
		m.enter(m.list)
	case key.Matches(msg, k.Submit):
		m.prev = sReview
		m.state = sConfirmSubmit
	case key.Matches(msg, k.Back):
		m.state = sQuestion
		m.enter(m.s.Current)
	}
	return nil
}

// finish submits the session, records it and shows the results.
func (m *Model) finish() tea.Cmd {
	now := m.now()
	if !m.s.Submitted {
		m.s.Submit(now)
	}
	m.state = sResults
	m.vp.GotoTop()
	if m.done {
		return nil
	}
	m.done = true
	return saveCmd(m.rec.Finish(m.s, now))
}

// renderCmds asks for the Markdown documents the current state shows.
func (m *Model) renderCmds() []tea.Cmd {
	if m.s == nil || m.env.Renderer == nil {
		return nil
	}
	var cmds []tea.Cmd
	want := func(kind byte, i int) {
		k := docKey{kind, i, m.docWidth()}
		if _, ok := m.docs[k]; ok {
			return
		}
		it := m.s.Item(i)
		var src string
		if kind == 'q' {
			src = it.Q.Markdown()
		} else {
			src = feedbackMarkdown(it)
		}
		r, style := m.env.Renderer, m.env.RenderStyle
		if style == "" {
			style = "dark"
		}
		cmds = append(cmds, func() tea.Msg {
			out, err := r.Render([]byte(src), k.width, style)
			return renderedMsg{key: k, text: strings.Trim(out, "\n"), err: err}
		})
	}
	switch m.state {
	case sQuestion:
		want('q', m.s.Current)
		if m.feedbackMode() && m.item().Answered {
			want('f', m.s.Current)
		}
	case sWalk:
		want('q', m.walk)
		want('f', m.walk)
	}
	return cmds
}

func (m *Model) docWidth() int { return m.width() }

// doc returns a rendered document, or the Markdown wrapped as plain text
// until the render command has answered.
func (m *Model) doc(kind byte, i int) string {
	if s, ok := m.docs[docKey{kind, i, m.docWidth()}]; ok {
		return s
	}
	it := m.s.Item(i)
	src := it.Q.Markdown()
	if kind == 'f' {
		src = feedbackMarkdown(it)
	}
	return termtext.WrapIndent(strings.TrimSpace(src), m.width()-2, "  ")
}

// refresh rebuilds the viewport content from the state. It runs in Update
// (and SetSize), so View only joins strings.
func (m *Model) refresh() {
	var b strings.Builder
	m.cursorLine = -1
	switch m.state {
	case sEmpty:
		b.WriteString("\n" + termtext.WrapIndent(m.empty, m.width()-2, "  "))
	case sQuestion, sConfirmQuit, sConfirmSubmit:
		if m.prev == sReview && m.state == sConfirmSubmit {
			m.reviewBody(&b)
		} else {
			m.questionBody(&b)
		}
	case sReview:
		m.reviewBody(&b)
	case sResults:
		m.resultsBody(&b)
	case sWalk:
		m.walkBody(&b)
	}
	m.body = b.String()
	m.vp.SetContent(m.body)
	if m.follow && m.cursorLine >= 0 {
		if m.cursorLine < m.vp.YOffset {
			m.vp.SetYOffset(m.cursorLine)
		} else if m.cursorLine >= m.vp.YOffset+m.vp.Height {
			m.vp.SetYOffset(m.cursorLine - m.vp.Height + 1)
		}
		m.follow = false
	}
}

func lines(s string) int { return strings.Count(s, "\n") }

func (m *Model) questionBody(b *strings.Builder) {
	it := m.item()
	b.WriteString(m.doc('q', m.s.Current))
	b.WriteString("\n\n")
	graded := m.feedbackMode() && it.Answered
	if graded {
		m.verdict(b, it)
		b.WriteString(m.doc('f', m.s.Current))
		b.WriteString("\n")
		return
	}
	if p := it.Q.Prompt(); p != "" && it.Q.Kind == quiz.Multi {
		b.WriteString("  " + m.st.Accent.Render(p) + "\n")
	}
	for d := range it.Order {
		if d == m.cursor {
			m.cursorLine = lines(b.String())
		}
		b.WriteString(m.optionLine(it, d, m.picked[d], d == m.cursor, false))
	}
	if it.Q.Kind == quiz.Numeric {
		m.cursorLine = lines(b.String())
		b.WriteString("  " + m.st.Accent.Render("Your answer: ") + m.number + m.st.Selected.Render(" ") + "\n")
		b.WriteString("  " + m.st.Muted.Render("type a number, enter to answer") + "\n")
	}
	if m.note != "" {
		b.WriteString("\n  " + m.st.Warning.Render(m.note) + "\n")
	}
}

// optionLine draws one option: cursor, check mark, letter and wrapped text.
// With reveal, right options get ✓ and wrong chosen ones ✗.
func (m *Model) optionLine(it *quiz.Item, d int, chosen, cursor, reveal bool) string {
	o := it.Option(d)
	multi := it.Q.Kind == quiz.Multi
	mark := "( )"
	if multi {
		mark = "[ ]"
	}
	if chosen {
		mark = "(•)"
		if multi {
			mark = "[x]"
		}
	}
	cur := "  "
	if cursor {
		cur = m.st.Accent.Render("› ")
	}
	head := fmt.Sprintf("%s %c) ", mark, 'A'+d)
	text := termtext.WrapIndent(termtext.Inline(o.Text), m.width()-1, strings.Repeat(" ", 2+ansi.StringWidth(head)))
	text = strings.TrimLeft(text, " ")
	tail := ""
	if reveal {
		switch {
		case o.Correct:
			tail = " " + m.st.Success.Render("✓ right")
		case chosen:
			tail = " " + m.st.Error.Render("✗ your choice")
		}
	}
	line := cur + head + text + tail
	if cursor {
		line = cur + m.st.Selected.Render(head+firstLine(text)) + rest(text) + tail
	}
	return line + "\n"
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func rest(s string) string {
	_, r, ok := strings.Cut(s, "\n")
	if !ok {
		return ""
	}
	return "\n" + r
}

func (m *Model) verdict(b *strings.Builder, it *quiz.Item) {
	switch {
	case !it.Answered:
		b.WriteString("  " + m.st.Warning.Render("Not answered.") + " Right answer: " + it.RightAnswer() + "\n")
	case it.Correct:
		b.WriteString("  " + m.st.Success.Render("✓ Right.") + " Your answer: " + it.Given + "\n")
	default:
		b.WriteString("  " + m.st.Error.Render("✗ Wrong.") + " Your answer: " + it.Given + " · right answer: " + it.RightAnswer() + "\n")
	}
}

// feedbackMarkdown is the explanation of every option and of the question.
func feedbackMarkdown(it *quiz.Item) string {
	var b strings.Builder
	if it.Q.Kind == quiz.Numeric {
		fmt.Fprintf(&b, "Right answer: **%s**", quiz.FormatNumber(it.Q.Answer, it.Q.Tolerance))
		if it.Answered {
			fmt.Fprintf(&b, " (you answered %s)", it.Given)
		}
		b.WriteString("\n\n")
	}
	for d := range it.Order {
		o := it.Option(d)
		var tags []string
		if o.Correct {
			tags = append(tags, "right")
		}
		if it.Chosen(d) {
			tags = append(tags, "your choice")
		}
		tag := ""
		if len(tags) > 0 {
			tag = " *(" + strings.Join(tags, ", ") + ")*"
		}
		fmt.Fprintf(&b, "**%c)** %s%s\n\n", 'A'+d, o.Text, tag)
		if o.Explanation != "" {
			for _, l := range strings.Split(o.Explanation, "\n") {
				b.WriteString("> " + l + "\n")
			}
			b.WriteString("\n")
		}
	}
	if it.Q.Explanation != "" {
		b.WriteString("**Explanation.** ")
		b.WriteString(it.Q.Explanation)
		b.WriteString("\n")
	}
	return b.String()
}

func (m *Model) reviewBody(b *strings.Builder) {
	answered, unanswered, flagged := m.s.Counts()
	b.WriteString("  " + m.st.Title.Render("Review") + "  " +
		m.st.Muted.Render(fmt.Sprintf("%d answered · %d unanswered · %d flagged", answered, unanswered, flagged)) + "\n\n")
	for i, it := range m.s.Items {
		status := m.st.Success.Render("answered  ")
		if !it.Answered {
			status = m.st.Warning.Render("unanswered")
		}
		flag := "  "
		if it.Flagged {
			flag = m.st.Warning.Render("⚑ ")
		}
		head := fmt.Sprintf("%2d. ", i+1)
		room := m.width() - 2 - 4 - 10 - 1 - 2 - 1
		title := ansi.Truncate(termtext.Inline(it.Q.Title), max(room, 5), "…")
		line := head + status + " " + flag + title
		if i == m.list {
			m.cursorLine = lines(b.String())
			line = m.st.Selected.Render(head) + status + " " + flag + m.st.Selected.Render(title)
			b.WriteString(m.st.Accent.Render("› ") + line + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
}

func (m *Model) resultsBody(b *strings.Builder) {
	sc := m.s.Score()
	heading := "Results"
	if m.s.Mode == quiz.Exam {
		heading = "Exam results"
	}
	b.WriteString("  " + m.st.Title.Render(heading) + "\n\n")
	if m.timeUp || m.s.TimedOut {
		b.WriteString("  " + m.st.Warning.Render("Time is up: the exam was submitted automatically.") + "\n\n")
	}
	b.WriteString("  " + sc.ScoreLine() + "\n")
	if m.s.Mode == quiz.Exam {
		verdict := m.st.Error.Render(sc.ScaledLine())
		if sc.Passed {
			verdict = m.st.Success.Render(sc.ScaledLine())
		}
		b.WriteString("  " + verdict + m.st.Muted.Render(fmt.Sprintf(" · pass mark %d", sc.Pass)) + "\n")
		b.WriteString(termtext.WrapIndent(m.st.Muted.Render("Scaled linearly from the raw score; AWS does not publish its own scaling."), m.width()-2, "  ") + "\n")
	}
	m.chart(b, "By domain", sc.Domains)
	if len(sc.Lessons) > 1 || m.s.Mode == quiz.Exam {
		m.chart(b, "By lesson", sc.Lessons)
	}
}

// chart draws a small horizontal bar chart of groups.
func (m *Model) chart(b *strings.Builder, title string, gs []quiz.Group) {
	if len(gs) == 0 {
		return
	}
	b.WriteString("\n  " + m.st.Subtitle.Render(title) + "\n")
	const barW = 16
	nameW := 0
	for _, g := range gs {
		nameW = max(nameW, ansi.StringWidth(g.Name))
	}
	nameW = min(nameW, m.width()-2-barW-13)
	nameW = max(nameW, 6)
	for _, g := range gs {
		name := ansi.Truncate(g.Name, nameW, "…")
		name += strings.Repeat(" ", nameW-ansi.StringWidth(name))
		full := int(math.Round(barW * g.Percent() / 100))
		bar := m.st.Accent.Render(strings.Repeat("█", full)) + m.st.Muted.Render(strings.Repeat("░", barW-full))
		fmt.Fprintf(b, "  %s %s %3d/%-3d %3.0f%%\n", name, bar, g.Correct, g.Total, math.Floor(g.Percent()+0.5))
	}
}

func (m *Model) walkBody(b *strings.Builder) {
	it := m.s.Item(m.walk)
	verdict := "wrong"
	style := m.st.Error
	switch {
	case !it.Answered:
		verdict, style = "unanswered", m.st.Warning
	case it.Correct:
		verdict, style = "right", m.st.Success
	}
	b.WriteString("  " + m.st.Title.Render(fmt.Sprintf("Walk-through %d of %d", m.walk+1, m.s.Len())) + "  " + style.Render(verdict) + "\n")
	b.WriteString(m.doc('q', m.walk))
	b.WriteString("\n\n")
	m.verdict(b, it)
	b.WriteString(m.doc('f', m.walk))
	b.WriteString("\n")
}

// View draws the screen: title bar, body, status bar, help line.
func (m *Model) View() string {
	right := ""
	mode := "Practice"
	if m.s != nil {
		switch m.s.Mode {
		case quiz.Exam:
			mode = "Exam"
		case quiz.Review:
			mode = "Review"
		}
		switch m.state {
		case sQuestion, sConfirmQuit:
			right = fmt.Sprintf("Question %d of %d", m.s.Current+1, m.s.Len())
		case sWalk:
			right = fmt.Sprintf("%d of %d", m.walk+1, m.s.Len())
		}
	}
	label := " " + m.title
	if !strings.EqualFold(m.title, mode) {
		label += " · " + mode // not "Review · Review"
	}
	top := theme.Bar(m.st.Title, m.width(), label, right+" ")
	var status string
	switch m.state {
	case sConfirmSubmit:
		_, un, fl := m.s.Counts()
		status = theme.Bar(m.st.StatusBar, m.width(), fmt.Sprintf(" Submit the exam? %d unanswered, %d flagged. y submit · n cancel", un, fl), "")
	case sConfirmQuit:
		status = theme.Bar(m.st.StatusBar, m.width(), " Leave without submitting? Answers are kept, not scored. y leave · n stay", "")
	default:
		status = theme.Bar(m.st.StatusBar, m.width(), " "+m.statusLeft(), m.statusRight()+" ")
	}
	var helpLine string
	if m.full {
		helpLine = m.help.FullHelpView(m.FullHelp())
		helpLine = lastLines(helpLine, max(1, m.h-4))
	} else {
		helpLine = m.help.ShortHelpView(m.ShortHelp())
	}
	helpLine = termtext.Truncate(helpLine, m.width())
	bodyH := m.bodyHeight() - (lines(helpLine))
	vp := m.vp
	vp.Height = max(1, bodyH)
	return top + "\n" + vp.View() + "\n" + status + "\n" + helpLine
}

func lastLines(s string, n int) string {
	ls := strings.Split(s, "\n")
	if len(ls) > n {
		ls = ls[:n]
	}
	return strings.Join(ls, "\n")
}

func (m *Model) statusLeft() string {
	if m.s == nil {
		return ""
	}
	answered, _, flagged := m.s.Counts()
	var parts []string
	if m.s.Timed() && !m.s.Submitted {
		parts = append(parts, "⏱ "+termtext.Clock(m.s.Remaining(m.now()))+" left")
	}
	parts = append(parts, fmt.Sprintf("%d/%d answered", answered, m.s.Len()))
	if m.s.Mode == quiz.Exam {
		parts = append(parts, fmt.Sprintf("⚑ %d flagged", flagged))
	} else {
		parts = append(parts, fmt.Sprintf("%d right", m.s.Score().Correct))
	}
	return strings.Join(parts, " · ")
}

func (m *Model) statusRight() string {
	var parts []string
	if m.vp.TotalLineCount() > m.vp.Height && !m.vp.AtBottom() {
		parts = append(parts, "more ↓")
	}
	if m.s == nil || m.state != sQuestion {
		return strings.Join(parts, " · ")
	}
	it := m.item()
	if it.Flagged {
		parts = append(parts, "⚑ flagged")
	}
	if d, ok := quiz.LookupDomain(it.Q.Domain); ok {
		parts = append(parts, d.Exam)
	}
	return strings.Join(parts, " · ")
}

// ShortHelp lists the keys of the current state.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch m.state {
	case sEmpty:
		return []key.Binding{k.Back}
	case sReview:
		return []key.Binding{k.Up, k.Down, withHelp(k.Enter, "jump"), k.Submit, k.Back, k.Help}
	case sConfirmSubmit, sConfirmQuit:
		return []key.Binding{k.Yes, k.No}
	case sResults:
		return []key.Binding{k.Walk, k.PageDown, k.Back, k.Help}
	case sWalk:
		return []key.Binding{k.Next, k.Prev, k.PageDown, withHelp(k.Back, "results")}
	}
	if m.s != nil && m.feedbackMode() && m.item().Answered {
		return []key.Binding{withHelp(k.Enter, "next"), k.PageDown, k.Back, k.Help}
	}
	pick := []key.Binding{k.Pick}
	if m.s != nil && m.item().Q.Kind == quiz.Numeric {
		pick = []key.Binding{k.Type}
	} else if m.s != nil && m.item().Q.Kind == quiz.Multi {
		pick = []key.Binding{k.Pick, k.Toggle}
	}
	if m.s != nil && m.s.Mode == quiz.Exam {
		return append(pick, k.Enter, k.Flag, k.Next, k.Review, k.Submit, k.Help)
	}
	return append(pick, k.Enter, k.Back, k.Help)
}

// FullHelp lists every key of the current state.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	if m.state == sQuestion && m.s != nil && m.s.Mode == quiz.Exam {
		return [][]key.Binding{{k.Pick, k.Type, k.Up, k.Down, k.Toggle, k.Enter}, {k.Next, k.Prev, k.Flag, k.Review, k.Submit}, {k.PageDown, k.PageUp, k.Back, k.Help}}
	}
	if m.state == sQuestion {
		return [][]key.Binding{{k.Pick, k.Type, k.Up, k.Down, k.Toggle, k.Enter}, {k.PageDown, k.PageUp, k.Back, k.Help}}
	}
	return [][]key.Binding{m.ShortHelp(), {k.PageDown, k.PageUp}}
}

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
