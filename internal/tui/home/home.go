// Package home is the TUI's home screen: the course map grouped by track
// with each lesson's status, a Continue entry for the last place, the mock
// exam and review entries, and the number of reviews due.
package home

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// MockExam is the message the "Mock exam" entry sends: every quiz, 65
// questions, 130 minutes, exam mode (the SAA-C03 format).
func MockExam() nav.OpenQuiz {
	return nav.OpenQuiz{Request: quiz.Request{All: true, Mode: quiz.Exam, Count: 65, Time: 130 * time.Minute}}
}

// Deps are what the home screen needs.
type Deps struct {
	Course *course.Course
	Store  *progress.Store // nil: no progress shown
	Styles theme.Styles
	Now    func() time.Time
}

// KeyMap are the home screen's keys.
type KeyMap struct {
	Up, Down, Top, Bottom, Open, Quiz, Lab, Labs, Review, Exam, Help, Quit, Esc, Yes, No key.Binding
}

// DefaultKeys returns the home keys.
func DefaultKeys() KeyMap {
	return KeyMap{
		Up:     key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("j", "down", "tab"), key.WithHelp("↓/j", "down")),
		Top:    key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/G", "first/last")),
		Bottom: key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "last")),
		Open:   key.NewBinding(key.WithKeys("enter", "right"), key.WithHelp("enter", "open")),
		Quiz:   key.NewBinding(key.WithKeys("Q"), key.WithHelp("Q", "quiz")),
		Lab:    key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "lab")),
		Labs:   key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "all labs")),
		Review: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "review")),
		Exam:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "mock exam")),
		Help:   key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:   key.NewBinding(key.WithKeys("q", "ctrl+q"), key.WithHelp("q", "quit")),
		Esc:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "quit (asks)")),
		Yes:    key.NewBinding(key.WithKeys("y", "Y", "enter"), key.WithHelp("y", "yes")),
		No:     key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),
	}
}

type rowKind int

const (
	rowContinue rowKind = iota
	rowExam
	rowReview
	rowLabs
	rowTrack
	rowLesson
	rowBlank
)

type row struct {
	kind   rowKind
	lesson *course.Lesson
	track  string
}

func (r row) selectable() bool { return r.kind != rowTrack && r.kind != rowBlank }

// State is what the store says, loaded in a tea.Cmd.
type State struct {
	Lessons map[string]progress.LessonState
	Last    progress.Location
	HasLast bool
	Due     int
	Quiz    map[string]progress.QuizResult // latest result per quiz
	Labs    map[string]progress.LabState
}

type stateMsg struct {
	st  State
	err error
}

// Model is the home screen.
type Model struct {
	d     Deps
	keys  KeyMap
	help  help.Model
	rows  []row
	sel   int
	top   int
	w, h  int
	st    State
	full  bool
	flash string
	quit  bool // asking whether to quit
}

// New returns the home screen.
func New(d Deps) *Model {
	m := &Model{d: d, keys: DefaultKeys(), help: theme.NewHelp(d.Styles)}
	m.rows = append(m.rows, row{kind: rowContinue}, row{kind: rowExam}, row{kind: rowReview}, row{kind: rowLabs})
	for _, t := range d.Course.Tracks() {
		m.rows = append(m.rows, row{kind: rowBlank}, row{kind: rowTrack, track: t.Name})
		for _, l := range t.Lessons {
			m.rows = append(m.rows, row{kind: rowLesson, lesson: l})
		}
	}
	m.st = State{Lessons: map[string]progress.LessonState{}, Quiz: map[string]progress.QuizResult{}, Labs: map[string]progress.LabState{}}
	return m
}

// Init loads the progress.
func (m *Model) Init() tea.Cmd { return m.load() }

func (m *Model) now() time.Time {
	if m.d.Now != nil {
		return m.d.Now()
	}
	return time.Now()
}

func (m *Model) load() tea.Cmd {
	st := m.d.Store
	if st == nil {
		return nil
	}
	now := m.now()
	return func() tea.Msg { return loadState(st, now) }
}

func loadState(s *progress.Store, now time.Time) stateMsg {
	var out State
	var err error
	if out.Lessons, err = s.Lessons(); err != nil {
		return stateMsg{err: err}
	}
	if out.Last, out.HasLast, err = s.Last(); err != nil {
		return stateMsg{err: err}
	}
	if out.Due, err = s.CountDue(now); err != nil {
		return stateMsg{err: err}
	}
	res, err := s.Results("")
	if err != nil {
		return stateMsg{err: err}
	}
	out.Quiz = map[string]progress.QuizResult{}
	for _, r := range res {
		if prev, ok := out.Quiz[r.QuizID]; !ok || !r.At.Before(prev.At) {
			out.Quiz[r.QuizID] = r
		}
	}
	if out.Labs, err = s.Labs(); err != nil {
		return stateMsg{err: err}
	}
	return stateMsg{st: out}
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.help.Width = w - 1
	m.scroll()
}

// Selected returns the lesson under the cursor, or nil.
func (m *Model) Selected() *course.Lesson {
	if m.sel < len(m.rows) {
		return m.rows[m.sel].lesson
	}
	return nil
}

// Update handles messages.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
	case stateMsg:
		if msg.err != nil {
			return m, nav.Cmd(nav.Error{Err: msg.err})
		}
		m.st = msg.st
	case nav.Refresh:
		return m, m.load()
	case tea.KeyMsg:
		return m.key(msg)
	case tea.MouseMsg:
		// Only with --mouse: the wheel moves the selection.
		if msg.Action == tea.MouseActionPress && !m.full {
			switch msg.Button {
			case tea.MouseButtonWheelDown:
				m.move(1)
			case tea.MouseButtonWheelUp:
				m.move(-1)
			}
		}
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyMsg) (*Model, tea.Cmd) {
	k := m.keys
	m.flash = ""
	if m.quit {
		m.quit = false
		if key.Matches(msg, k.Yes) {
			return m, nav.Cmd(nav.Quit{})
		}
		return m, nil
	}
	if m.full {
		if key.Matches(msg, k.Help, k.Esc) {
			m.full = false
		}
		return m, nil
	}
	r := m.rows[m.sel]
	switch {
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Top):
		m.sel = 0
		m.scroll()
	case key.Matches(msg, k.Bottom):
		m.sel = len(m.rows) - 1
		m.scroll()
	case key.Matches(msg, k.Open):
		return m, m.open(r)
	case key.Matches(msg, k.Quiz):
		if r.lesson == nil {
			m.flash = "Select a lesson to open its quiz."
			return m, nil
		}
		if q := m.d.Course.QuizFor(r.lesson.ID); q != nil {
			return m, nav.Cmd(nav.OpenQuiz{Request: quiz.Request{ID: q.ID}})
		}
		m.flash = "No quiz for this lesson yet."
	case key.Matches(msg, k.Lab):
		if r.lesson == nil {
			m.flash = "Select a lesson to open its lab."
			return m, nil
		}
		switch labs := m.d.Course.LabsFor(r.lesson.ID); len(labs) {
		case 0:
			m.flash = "No lab for this lesson."
		case 1:
			return m, nav.Cmd(nav.OpenLab{ID: labs[0].ID})
		default:
			return m, nav.Cmd(nav.OpenLabs{Lesson: r.lesson.ID})
		}
	case key.Matches(msg, k.Labs):
		return m, nav.Cmd(nav.OpenLabs{})
	case key.Matches(msg, k.Review):
		return m, nav.Cmd(nav.OpenReview{})
	case key.Matches(msg, k.Exam):
		return m, nav.Cmd(MockExam())
	case key.Matches(msg, k.Help):
		m.full = true
	case key.Matches(msg, k.Quit):
		return m, nav.Cmd(nav.Quit{})
	case key.Matches(msg, k.Esc):
		m.quit = true
	}
	return m, nil
}

func (m *Model) open(r row) tea.Cmd {
	switch r.kind {
	case rowContinue:
		kind, id := m.continueTarget()
		switch kind {
		case "quiz":
			return nav.Cmd(nav.OpenQuiz{Request: quiz.Request{ID: id}})
		case "lab":
			return nav.Cmd(nav.OpenLab{ID: id})
		default:
			if id == "" {
				m.flash = "The course has no lessons."
				return nil
			}
			return nav.Cmd(nav.OpenLesson{ID: id})
		}
	case rowExam:
		return nav.Cmd(MockExam())
	case rowReview:
		return nav.Cmd(nav.OpenReview{})
	case rowLabs:
		return nav.Cmd(nav.OpenLabs{})
	case rowLesson:
		return nav.Cmd(nav.OpenLesson{ID: r.lesson.ID})
	}
	return nil
}

// continueTarget is where Continue goes: the last place when it is not
// finished, else the next unfinished thing in course order from there: a
// lesson not read, then its quiz if never taken, then its labs not done.
func (m *Model) continueTarget() (kind, id string) {
	c := m.d.Course
	from := 0
	if m.st.HasLast {
		switch id := m.st.Last.ID; m.st.Last.Kind {
		case "lesson":
			if c.Lesson(id) != nil {
				if !m.st.Lessons[id].Read() {
					return "lesson", id
				}
				from = c.Index(id)
			}
		case "quiz":
			if q := c.Quiz(id); q != nil {
				if _, taken := m.st.Quiz[id]; !taken {
					return "quiz", id
				}
				from = max(0, c.Index(q.Lesson))
			}
		case "lab":
			if l := c.Lab(id); l != nil {
				if !m.st.Labs[id].Completed() {
					return "lab", id
				}
				from = max(0, c.Index(l.Lesson))
			}
		}
	}
	if kind, id := m.nextUnfinished(from); id != "" {
		return kind, id
	}
	if len(c.Lessons) > 0 {
		return "lesson", c.Lessons[0].ID
	}
	return "lesson", ""
}

// nextUnfinished walks the lessons from index at (wrapping round) and
// returns the first unfinished thing: the lesson, its quiz, or one of its
// labs; "" when everything is done.
func (m *Model) nextUnfinished(at int) (kind, id string) {
	ls := m.d.Course.Lessons
	for k := 0; k < len(ls); k++ {
		l := ls[(at+k)%len(ls)]
		if !m.st.Lessons[l.ID].Read() {
			return "lesson", l.ID
		}
		if q := m.d.Course.QuizFor(l.ID); q != nil {
			if _, taken := m.st.Quiz[q.ID]; !taken {
				return "quiz", q.ID
			}
		}
		for _, lb := range m.d.Course.LabsFor(l.ID) {
			if !m.st.Labs[lb.ID].Completed() {
				return "lab", lb.ID
			}
		}
	}
	return "", ""
}

func (m *Model) move(dir int) {
	for i := m.sel + dir; i >= 0 && i < len(m.rows); i += dir {
		if m.rows[i].selectable() {
			m.sel = i
			break
		}
	}
	m.scroll()
}

func (m *Model) bodyHeight() int { return max(1, m.h-3) }

func (m *Model) scroll() {
	bh := m.bodyHeight()
	// Show the track heading above the first lesson of a track.
	want := m.sel
	for want > 0 && m.sel-want < 2 && !m.rows[want-1].selectable() {
		want--
	}
	if want < m.top {
		m.top = want
	}
	if m.sel >= m.top+bh {
		m.top = m.sel - bh + 1
	}
	m.top = max(0, min(m.top, len(m.rows)-bh))
}

// ShortHelp is the footer's key help.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Open, k.Quiz, k.Lab, k.Review, k.Help, k.Quit}
}

// FullHelp is the ? help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {k.Open, k.Quiz, k.Lab, k.Labs}, {k.Review, k.Exam, k.Help, k.Quit, k.Esc}}
}

// Percent is the share of lessons read.
func (m *Model) Percent() int {
	n := len(m.d.Course.Lessons)
	if n == 0 {
		return 0
	}
	read := 0
	for _, l := range m.d.Course.Lessons {
		if m.st.Lessons[l.ID].Read() {
			read++
		}
	}
	return read * 100 / n
}

// View draws the screen.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	s := m.d.Styles
	var b strings.Builder
	right := fmt.Sprintf("%d%% read ", m.Percent())
	if m.st.Due > 0 {
		right = fmt.Sprintf("%d review%s due · ", m.st.Due, plural(m.st.Due)) + right
	}
	b.WriteString(theme.Bar(s.StatusBar.Bold(true), m.w, " cloudlab ─ Learn cloud compute", right))
	b.WriteString("\n\n")
	bh := m.bodyHeight()
	var body []string
	if m.full {
		h := m.help
		h.ShowAll = true
		body = append(body, s.Subtitle.Render(" Keys")+s.Muted.Render("  ? or esc to close"), "")
		for _, l := range strings.Split(h.FullHelpView(m.FullHelp()), "\n") {
			body = append(body, " "+l)
		}
	} else {
		// On wide terminals the list sits in the middle, like the reader's text.
		pad := strings.Repeat(" ", max(0, (m.w-m.contentWidth())/2))
		for i := m.top; i < len(m.rows) && i < m.top+bh; i++ {
			body = append(body, pad+m.rowView(i))
		}
	}
	for i := 0; i < bh; i++ {
		if i < len(body) {
			b.WriteString(ansi.Truncate(body[i], m.w, ""))
		}
		b.WriteByte('\n')
	}
	if m.quit {
		b.WriteString(ansi.Truncate(" "+s.Warning.Render("Quit cloudlab? y/n"), m.w, "…"))
	} else if m.flash != "" {
		b.WriteString(ansi.Truncate(" "+s.Warning.Render(m.flash), m.w, "…"))
	} else {
		b.WriteString(" " + theme.HelpLine(s, m.ShortHelp(), m.w-1))
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// contentWidth is the width of the list: the whole screen up to 90 columns.
func (m *Model) contentWidth() int { return min(m.w, 90) }

func (m *Model) rowView(i int) string {
	s := m.d.Styles
	r := m.rows[i]
	w := m.contentWidth()
	selected := i == m.sel
	var mark, title, right string
	markStyle := s.Accent
	switch r.kind {
	case rowBlank:
		return ""
	case rowTrack:
		return " " + s.Subtitle.Render(r.track)
	case rowContinue:
		mark = "▶"
		kind, id := m.continueTarget()
		switch kind {
		case "quiz":
			title = "Continue: quiz " + m.quizTitle(id)
		case "lab":
			title = "Continue: lab " + m.labTitle(id)
		default:
			if l := m.d.Course.Lesson(id); l != nil {
				verb := "Start"
				switch p := m.st.Lessons[id]; {
				case p.Percent > 0 && !p.Read():
					verb = "Continue"
				case m.st.HasLast || m.Percent() > 0:
					verb = "Next"
				}
				title = verb + ": " + l.Title
				if p := m.st.Lessons[id]; !p.Read() && p.Percent > 0 {
					right = fmt.Sprintf("%d%%", p.Percent)
				}
			}
		}
	case rowExam:
		mark, title, right = "◆", "Mock exam", "65 questions · 130m"
	case rowReview:
		mark, title = "◌", "Review"
		if m.st.Due > 0 {
			right = fmt.Sprintf("%d due", m.st.Due)
			markStyle = s.Warning
		} else {
			right = "nothing due"
		}
	case rowLabs:
		mark, title = "■", "Labs"
		done := 0
		for _, l := range m.d.Course.Labs {
			if m.st.Labs[l.ID].Completed() {
				done++
			}
		}
		right = fmt.Sprintf("%d of %d done", done, len(m.d.Course.Labs))
	case rowLesson:
		l := r.lesson
		p := m.st.Lessons[l.ID]
		switch {
		case p.Read():
			mark, markStyle = "✓", s.Success
		case !p.FirstOpened.IsZero() || p.Percent > 0:
			mark, markStyle = "◐", s.Warning
		default:
			mark, markStyle = "○", s.Muted
		}
		title = l.Title
		right = m.lessonTags(l, m.tagWidths())
	}
	indent := "  "
	if r.kind == rowLesson {
		indent = "   "
	}
	rw := ansi.StringWidth(right)
	titleRoom := w - len(indent) - 2 - rw - 3
	if titleRoom < 8 && rw > 0 {
		// Too narrow for the tags: keep the title.
		right, rw = "", 0
		titleRoom = w - len(indent) - 2
	}
	title = ansi.Truncate(title, max(1, titleRoom), "…")
	gap := max(1, w-len(indent)-2-ansi.StringWidth(title)-rw-1)
	line := title + strings.Repeat(" ", gap) + right
	if selected {
		return indent[:len(indent)-1] + s.Selected.Render(" "+mark+" "+line+" ")
	}
	return indent + markStyle.Render(mark) + " " + s.Text.Render(title) + strings.Repeat(" ", gap) + s.Muted.Render(right)
}

// lessonTags are the right-hand columns of a lesson row: percent read,
// minutes, quiz (with the last score), lab.
func (m *Model) lessonCols(l *course.Lesson) [4]string {
	p := m.st.Lessons[l.ID]
	var c [4]string
	if !p.Read() && p.Percent > 0 {
		c[0] = fmt.Sprintf("%d%%", p.Percent)
	}
	c[1] = fmt.Sprintf("%dm", l.Minutes)
	if q := m.d.Course.QuizFor(l.ID); q != nil {
		c[2] = "quiz"
		if res, ok := m.st.Quiz[q.ID]; ok {
			c[2] = fmt.Sprintf("quiz %d/%d", res.Correct, res.Total)
		}
	}
	if labs := m.d.Course.LabsFor(l.ID); len(labs) > 0 {
		c[3] = "lab"
		if ls, ok := m.st.Labs[labs[0].ID]; ok && !ls.CompletedAt.IsZero() {
			c[3] = "lab ✓"
		}
	}
	return c
}

// tagWidths are the widths of the lesson columns over all lessons, so the
// columns line up.
func (m *Model) tagWidths() [4]int {
	var w [4]int
	for _, l := range m.d.Course.Lessons {
		for i, c := range m.lessonCols(l) {
			w[i] = max(w[i], ansi.StringWidth(c))
		}
	}
	return w
}

func (m *Model) lessonTags(l *course.Lesson, w [4]int) string {
	c := m.lessonCols(l)
	var parts []string
	for i := range c {
		if w[i] == 0 {
			continue
		}
		pad := strings.Repeat(" ", w[i]-ansi.StringWidth(c[i]))
		if i <= 1 {
			parts = append(parts, pad+c[i]) // numbers right-aligned
		} else {
			parts = append(parts, c[i]+pad)
		}
	}
	return strings.Join(parts, "  ")
}

func (m *Model) quizTitle(id string) string {
	if q := m.d.Course.Quiz(id); q != nil && q.Title != "" {
		return q.Title
	}
	return id
}

func (m *Model) labTitle(id string) string {
	if l := m.d.Course.Lab(id); l != nil && l.Title != "" {
		return l.Title
	}
	return id
}

// KeyHelp is the screen's keys and what they do (the README's table).
func KeyHelp() [][2]string { return theme.HelpRows(DefaultKeys()) }
