// Package reader is the lesson pager of the TUI: less-like keys, an outline
// of the lesson's headings, incremental search with highlighted matches, a
// status bar with the position, next and previous lesson. Markdown is
// rendered in a tea.Cmd (never in View) and the scroll position is saved to
// the progress store; reaching the end marks the lesson read.
package reader

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/render"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// MaxTextWidth is the widest the lesson text is rendered: longer lines are
// hard to read, so wide terminals get margins instead.
const MaxTextWidth = 90

// Deps are what the reader needs.
type Deps struct {
	Course      *course.Course
	Store       *progress.Store // nil: nothing saved
	Styles      theme.Styles
	Renderer    *render.Renderer
	RenderStyle string
}

// KeyMap are the reader's keys.
type KeyMap struct {
	Down, Up, PageDown, PageUp, HalfDown, HalfUp, Top, Bottom       key.Binding
	Search, Next, Prev, Outline, NextLesson, PrevLesson, Back, Help key.Binding
	Select, Cancel, Quiz, Labs                                      key.Binding
}

// DefaultKeys are the less-like keys.
func DefaultKeys() KeyMap {
	return KeyMap{
		Down:       key.NewBinding(key.WithKeys("j", "down", "enter"), key.WithHelp("j/k", "scroll")),
		Up:         key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("k", "up")),
		PageDown:   key.NewBinding(key.WithKeys(" ", "pgdown", "f"), key.WithHelp("space/b", "page")),
		PageUp:     key.NewBinding(key.WithKeys("b", "pgup"), key.WithHelp("b", "page up")),
		HalfDown:   key.NewBinding(key.WithKeys("d", "ctrl+d"), key.WithHelp("d/u", "half page")),
		HalfUp:     key.NewBinding(key.WithKeys("u", "ctrl+u"), key.WithHelp("u", "half page up")),
		Top:        key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/G", "top/end")),
		Bottom:     key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "end")),
		Search:     key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Next:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/prev match")),
		Prev:       key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		Outline:    key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "outline")),
		NextLesson: key.NewBinding(key.WithKeys("]"), key.WithHelp("]/[", "lesson")),
		PrevLesson: key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous lesson")),
		Back:       key.NewBinding(key.WithKeys("q", "esc"), key.WithHelp("q", "back")),
		Help:       key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Select:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "jump")),
		Quiz:       key.NewBinding(key.WithKeys("Q"), key.WithHelp("Q", "quiz")),
		Labs:       key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "lab")),
		Cancel:     key.NewBinding(key.WithKeys("esc", "q", "o"), key.WithHelp("esc", "close")),
	}
}

// Heading is one entry of the outline.
type Heading struct {
	Level int
	Text  string
	Line  int // rendered line, -1 when not found
}

type match struct{ line, start, end int } // byte offsets in the plain line

// rendered is the result of rendering in a tea.Cmd.
type rendered struct {
	lessonID string
	width    int
	style    string
	lines    []string
	plain    []string
	heads    []Heading
	err      error
}

type savedMsg struct{ err error }

// saveTick asks to save the position if nothing moved since it was sent.
type saveTick struct {
	lessonID string
	seq      int
}

// SaveDelay is how long the position must stay still before it is saved
// (it is also saved when leaving the lesson or quitting).
const SaveDelay = time.Second

type markedMsg struct{ err error }
type stateMsg struct {
	st  progress.LessonState
	err error
}

// Model is the reader screen.
type Model struct {
	d      Deps
	lesson *course.Lesson
	keys   KeyMap
	help   help.Model

	w, h      int
	textWidth int

	doc     *rendered
	pending int // width of the render in flight, 0 if none
	off     int

	showHelp bool
	outline  bool
	outSel   int

	searching bool
	input     textinput.Model
	query     string
	matches   []match
	cur       int
	flash     string

	resumePos float64
	resumed   bool
	stateDone bool
	read      bool
	marking   bool
	saveSeq   int
}

// New returns a reader for a lesson. Call SetSize, then Init.
func New(d Deps, l *course.Lesson) *Model {
	in := textinput.New()
	in.Cursor.SetMode(cursor.CursorStatic) // no blink timer
	in.Prompt = "/"
	in.Placeholder = "search"
	in.CharLimit = 100
	// Theme styles only: bubbles' defaults carry colours (NO_COLOR).
	in.PromptStyle, in.TextStyle, in.PlaceholderStyle = d.Styles.Accent, d.Styles.Text, d.Styles.Muted
	in.Cursor.Style, in.Cursor.TextStyle = d.Styles.Selected, d.Styles.Text
	return &Model{d: d, lesson: l, keys: DefaultKeys(), help: theme.NewHelp(d.Styles), input: in}
}

// Lesson is the lesson shown.
func (m *Model) Lesson() *course.Lesson { return m.lesson }

// Init loads the saved position and renders the lesson.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.loadState(), m.renderCmd())
}

func (m *Model) loadState() tea.Cmd {
	st, id := m.d.Store, m.lesson.ID
	if st == nil {
		m.stateDone = true
		return nil
	}
	return func() tea.Msg {
		if err := st.OpenLesson(id); err != nil {
			return stateMsg{err: err}
		}
		if err := st.SetLast("lesson", id); err != nil {
			return stateMsg{err: err}
		}
		ls, err := st.Lesson(id)
		return stateMsg{st: ls, err: err}
	}
}

// SetSize sets the screen size; call Init or send a tea.WindowSizeMsg to
// re-render at the new width.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.textWidth = min(w, MaxTextWidth)
	m.help.Width = w
	m.input.Width = max(1, w-4)
	m.clamp()
}

func (m *Model) renderCmd() tea.Cmd {
	width, style := m.textWidth, m.d.RenderStyle
	if width <= 0 || (m.doc != nil && m.doc.width == width && m.doc.style == style) || m.pending == width {
		return nil
	}
	m.pending = width
	r, l := m.d.Renderer, m.lesson
	return func() tea.Msg { return renderLesson(r, l, width, style) }
}

// renderLesson renders and indexes a lesson (runs in a tea.Cmd).
func renderLesson(r *render.Renderer, l *course.Lesson, width int, style string) rendered {
	out := rendered{lessonID: l.ID, width: width, style: style}
	s, err := r.Render(l.ReaderMarkdown(), width, style)
	if err != nil {
		out.err = err
		return out
	}
	out.lines = strings.Split(strings.TrimRight(s, "\n"), "\n")
	out.plain = make([]string, len(out.lines))
	for i, ln := range out.lines {
		out.plain[i] = render.StripANSI(ln)
	}
	out.heads = locateHeadings(Headings(l.Body), out.plain)
	return out
}

// Headings lists the level 1 to 3 headings of a Markdown body.
func Headings(body []byte) []Heading {
	doc := goldmark.New().Parser().Parse(text.NewReader(body))
	var hs []Heading
	_ = gast.Walk(doc, func(n gast.Node, entering bool) (gast.WalkStatus, error) {
		if h, ok := n.(*gast.Heading); ok && entering {
			if h.Level <= 3 {
				hs = append(hs, Heading{Level: h.Level, Text: strings.TrimSpace(nodeText(h, body)), Line: -1})
			}
			return gast.WalkSkipChildren, nil
		}
		return gast.WalkContinue, nil
	})
	return hs
}

func nodeText(n gast.Node, src []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *gast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *gast.String:
			b.Write(t.Value)
		default:
			b.WriteString(nodeText(c, src))
		}
	}
	return b.String()
}

// locateHeadings finds each heading's rendered line, in order.
func locateHeadings(hs []Heading, plain []string) []Heading {
	from := 0
	for i := range hs {
		want := normalize(hs[i].Text)
		if len(want) > 24 {
			want = want[:24]
		}
		for j := from; j < len(plain); j++ {
			got := normalize(strings.TrimLeft(strings.TrimSpace(plain[j]), "# "))
			if want != "" && strings.HasPrefix(got, want) {
				hs[i].Line = j
				from = j + 1
				break
			}
		}
	}
	return hs
}

func normalize(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

func (m *Model) bodyHeight() int { return max(1, m.h-2) }

func (m *Model) total() int {
	if m.doc == nil {
		return 0
	}
	return len(m.doc.lines)
}

func (m *Model) maxOff() int { return max(0, m.total()-m.bodyHeight()) }

func (m *Model) clamp() {
	m.off = max(0, min(m.off, m.maxOff()))
}

// Percent is how far through the lesson the bottom of the screen is.
func (m *Model) Percent() int {
	t := m.total()
	if t == 0 {
		return 0
	}
	p := (m.off + m.bodyHeight()) * 100 / t
	return min(100, p)
}

func (m *Model) position() float64 {
	if m.maxOff() == 0 {
		return 0
	}
	return float64(m.off) / float64(m.maxOff())
}

// AtEnd reports whether the end of the lesson is on screen.
func (m *Model) AtEnd() bool { return m.doc != nil && m.off >= m.maxOff() }

// Offset is the first line shown.
func (m *Model) Offset() int { return m.off }

// Update handles messages.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		pos := m.position()
		m.SetSize(msg.Width, msg.Height)
		if m.doc != nil && m.doc.width != m.textWidth {
			m.resumePos, m.resumed = pos, false
		}
		return m, m.renderCmd()
	case rendered:
		if msg.lessonID != m.lesson.ID {
			return m, nil
		}
		if msg.width == m.pending {
			m.pending = 0
		}
		if msg.err != nil {
			return m, nav.Cmd(nav.Error{Err: msg.err})
		}
		if msg.width != m.textWidth {
			return m, m.renderCmd()
		}
		m.doc = &msg
		m.recomputeMatches()
		m.resume()
		return m, m.afterMove()
	case stateMsg:
		m.stateDone = true
		if msg.err != nil {
			return m, nav.Cmd(nav.Error{Err: msg.err})
		}
		m.read = msg.st.Read()
		m.resumePos = msg.st.Position
		m.resume()
		return m, m.afterMove()
	case markedMsg:
		m.marking = false
		if msg.err != nil {
			return m, nav.Cmd(nav.Error{Err: msg.err})
		}
		m.read = true
		m.flash = "Lesson marked as read."
		return m, nil
	case saveTick:
		if msg.lessonID == m.lesson.ID && msg.seq == m.saveSeq {
			return m, m.save()
		}
		return m, nil
	case savedMsg:
		if msg.err != nil {
			return m, nav.Cmd(nav.Error{Err: msg.err})
		}
		return m, nil
	case nav.Refresh:
		return m, m.renderCmd()
	case tea.KeyMsg:
		return m.key(msg)
	case tea.MouseMsg:
		// Only with --mouse: the wheel scrolls three lines.
		if msg.Action != tea.MouseActionPress || m.outline || m.showHelp {
			return m, nil
		}
		switch msg.Button {
		case tea.MouseButtonWheelDown:
			m.off += 3
		case tea.MouseButtonWheelUp:
			m.off -= 3
		default:
			return m, nil
		}
		m.clamp()
		return m, m.afterMove()
	}
	if m.searching {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	return m, nil
}

// resume scrolls to the saved position once both the document and the
// saved state are there.
func (m *Model) resume() {
	if m.resumed || m.doc == nil || !m.stateDone {
		return
	}
	m.resumed = true
	m.off = int(m.resumePos*float64(m.maxOff()) + 0.5)
	m.clamp()
}

func (m *Model) key(msg tea.KeyMsg) (*Model, tea.Cmd) {
	k := m.keys
	if m.searching {
		switch msg.Type {
		case tea.KeyEnter:
			m.searching = false
			m.input.Blur()
			m.query = m.input.Value()
			m.recomputeMatches()
			m.cur = -1
			m.jumpMatch(1)
			return m, m.afterMove()
		case tea.KeyEsc:
			m.searching = false
			m.input.Blur()
			return m, nil
		}
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	m.flash = ""
	if m.showHelp {
		if key.Matches(msg, k.Help, k.Back) {
			m.showHelp = false
		}
		return m, nil
	}
	if m.outline {
		hs := m.headings()
		switch {
		case key.Matches(msg, k.Down):
			if msg.String() == "enter" {
				break
			}
			m.outSel = min(m.outSel+1, len(hs)-1)
			return m, nil
		case key.Matches(msg, k.Up):
			m.outSel = max(m.outSel-1, 0)
			return m, nil
		case key.Matches(msg, k.Cancel):
			m.outline = false
			return m, nil
		}
		if key.Matches(msg, k.Select) && m.outSel < len(hs) {
			m.outline = false
			if hs[m.outSel].Line >= 0 {
				m.off = hs[m.outSel].Line
				m.clamp()
			}
			return m, m.afterMove()
		}
		return m, nil
	}
	bh := m.bodyHeight()
	switch {
	case key.Matches(msg, k.Down):
		m.off++
	case key.Matches(msg, k.Up):
		m.off--
	case key.Matches(msg, k.PageDown):
		m.off += bh
	case key.Matches(msg, k.PageUp):
		m.off -= bh
	case key.Matches(msg, k.HalfDown):
		m.off += max(1, bh/2)
	case key.Matches(msg, k.HalfUp):
		m.off -= max(1, bh/2)
	case key.Matches(msg, k.Top):
		m.off = 0
	case key.Matches(msg, k.Bottom):
		m.off = m.maxOff()
	case key.Matches(msg, k.Search):
		m.searching = true
		m.input.SetValue("")
		return m, m.input.Focus()
	case key.Matches(msg, k.Next):
		m.jumpMatch(1)
	case key.Matches(msg, k.Prev):
		m.jumpMatch(-1)
	case key.Matches(msg, k.Outline):
		hs := m.headings()
		if len(hs) == 0 {
			m.flash = "This lesson has no headings."
			return m, nil
		}
		m.outline = true
		m.outSel = 0
		for i, h := range hs {
			if h.Line >= 0 && h.Line <= m.off {
				m.outSel = i
			}
		}
		return m, nil
	case key.Matches(msg, k.Help):
		m.showHelp = true
		return m, nil
	case key.Matches(msg, k.Back):
		if m.query != "" && msg.String() == "esc" {
			m.query, m.matches = "", nil
			return m, nil
		}
		return m, tea.Batch(m.save(), nav.Cmd(nav.Back{}))
	case key.Matches(msg, k.Quiz):
		q := m.d.Course.QuizFor(m.lesson.ID)
		if q == nil {
			m.flash = "This lesson has no quiz."
			return m, nil
		}
		return m, tea.Batch(m.save(), nav.Cmd(nav.OpenQuiz{Request: quiz.Request{ID: q.ID}}))
	case key.Matches(msg, k.Labs):
		switch labs := m.d.Course.LabsFor(m.lesson.ID); len(labs) {
		case 0:
			m.flash = "This lesson has no lab."
			return m, nil
		case 1:
			return m, tea.Batch(m.save(), nav.Cmd(nav.OpenLab{ID: labs[0].ID}))
		default:
			return m, tea.Batch(m.save(), nav.Cmd(nav.OpenLabs{Lesson: m.lesson.ID}))
		}
	case key.Matches(msg, k.NextLesson, k.PrevLesson):
		step := 1
		if key.Matches(msg, k.PrevLesson) {
			step = -1
		}
		i := m.d.Course.Index(m.lesson.ID) + step
		if i < 0 || i >= len(m.d.Course.Lessons) {
			if step > 0 {
				m.flash = "This is the last lesson."
			} else {
				m.flash = "This is the first lesson."
			}
			return m, nil
		}
		return m, tea.Batch(m.save(), nav.Cmd(nav.OpenLesson{ID: m.d.Course.Lessons[i].ID}))
	default:
		return m, nil
	}
	m.clamp()
	return m, m.afterMove()
}

func (m *Model) headings() []Heading {
	if m.doc == nil {
		return nil
	}
	var out []Heading
	for _, h := range m.doc.heads {
		if h.Line >= 0 {
			out = append(out, h)
		}
	}
	return out
}

// afterMove schedules saving the position and marks the lesson read once
// its end is on screen.
func (m *Model) afterMove() tea.Cmd {
	if m.d.Store == nil || !m.stateDone || !m.resumed {
		return nil
	}
	m.saveSeq++
	seq, id := m.saveSeq, m.lesson.ID
	cmds := []tea.Cmd{nav.After(SaveDelay, func() tea.Msg { return saveTick{id, seq} })}
	if !m.read && !m.marking && m.AtEnd() {
		m.marking = true
		st := m.d.Store
		cmds = append(cmds, func() tea.Msg { return markedMsg{err: st.MarkRead(id)} })
	}
	return tea.Batch(cmds...)
}

func (m *Model) save() tea.Cmd {
	if m.d.Store == nil || m.doc == nil || !m.resumed {
		return nil
	}
	st, id, pos, pct := m.d.Store, m.lesson.ID, m.position(), m.Percent()
	return func() tea.Msg { return savedMsg{err: st.SavePosition(id, pos, pct)} }
}

// Close saves the position (called by the root when the program quits).
func (m *Model) Close() {
	if cmd := m.save(); cmd != nil {
		cmd()
	}
}

func (m *Model) recomputeMatches() {
	m.matches = nil
	if m.doc == nil || m.query == "" {
		return
	}
	q := strings.ToLower(m.query)
	for i, p := range m.doc.plain {
		lp := strings.ToLower(p)
		if len(lp) != len(p) {
			lp = p // case folding changed byte lengths: match exactly
		}
		from := 0
		for {
			j := strings.Index(lp[from:], q)
			if j < 0 {
				break
			}
			m.matches = append(m.matches, match{i, from + j, from + j + len(q)})
			from += j + len(q)
		}
	}
}

// jumpMatch moves to the next (dir 1) or previous (-1) match, wrapping.
func (m *Model) jumpMatch(dir int) {
	if m.query == "" {
		m.flash = "No search yet: press / to search."
		return
	}
	if len(m.matches) == 0 {
		m.flash = fmt.Sprintf("Not found: %s", m.query)
		return
	}
	if m.cur < 0 || m.cur >= len(m.matches) {
		// First jump: the first match at or below the top of the screen.
		m.cur = 0
		for i, mt := range m.matches {
			if mt.line >= m.off {
				m.cur = i
				break
			}
		}
		if dir < 0 {
			m.cur = (m.cur - 1 + len(m.matches)) % len(m.matches)
		}
	} else {
		m.cur = (m.cur + dir + len(m.matches)) % len(m.matches)
	}
	line := m.matches[m.cur].line
	if line < m.off || line >= m.off+m.bodyHeight() {
		m.off = line - m.bodyHeight()/3
	}
	m.clamp()
	m.flash = fmt.Sprintf("match %d of %d for %q", m.cur+1, len(m.matches), m.query)
}

// Matches is the number of search matches.
func (m *Model) Matches() int { return len(m.matches) }

// ShortHelp is the footer's key help.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	// The most useful keys, within 80 columns; ? lists the rest.
	return []key.Binding{k.PageDown, k.Search, k.NextLesson, k.Quiz, k.Labs, k.Back, k.Help}
}

// FullHelp is the ? help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Down, k.Up, k.PageDown, k.PageUp, k.HalfDown, k.HalfUp, k.Top, k.Bottom},
		{k.Search, k.Next, k.Prev, k.Outline},
		{k.NextLesson, k.PrevLesson, k.Quiz, k.Labs, k.Back, k.Help},
	}
}

// View draws the screen. It never renders Markdown.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	s := m.d.Styles
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	bh := m.bodyHeight()
	var body []string
	switch {
	case m.showHelp:
		body = m.helpBody()
	case m.outline:
		body = m.outlineBody(bh)
	case m.doc == nil:
		body = []string{"", s.Muted.Render(" Rendering " + m.lesson.Title + " …")}
	default:
		body = m.pageBody(bh)
	}
	for i := 0; i < bh; i++ {
		if i < len(body) {
			b.WriteString(ansi.Truncate(body[i], m.w, ""))
		}
		b.WriteByte('\n')
	}
	b.WriteString(m.footer())
	return b.String()
}

func (m *Model) margin() string {
	return strings.Repeat(" ", max(0, (m.w-m.textWidth)/2))
}

func (m *Model) pageBody(bh int) []string {
	pad := m.margin()
	end := min(m.off+bh, m.total())
	byLine := map[int][]int{}
	for i, mt := range m.matches {
		if mt.line >= m.off && mt.line < end {
			byLine[mt.line] = append(byLine[mt.line], i)
		}
	}
	out := make([]string, 0, bh)
	for i := m.off; i < end; i++ {
		line := m.doc.lines[i]
		if idx, ok := byLine[i]; ok {
			line = m.highlight(m.doc.plain[i], idx)
		}
		out = append(out, pad+line)
	}
	return out
}

func (m *Model) highlight(plain string, idx []int) string {
	s := m.d.Styles
	var b strings.Builder
	last := 0
	for _, i := range idx {
		mt := m.matches[i]
		if mt.start < last {
			continue
		}
		b.WriteString(s.Text.Render(plain[last:mt.start]))
		st := s.Match
		if i == m.cur {
			st = s.Current
		}
		b.WriteString(st.Render(plain[mt.start:mt.end]))
		last = mt.end
	}
	b.WriteString(s.Text.Render(plain[last:]))
	return b.String()
}

func (m *Model) outlineBody(bh int) []string {
	s := m.d.Styles
	hs := m.headings()
	out := []string{s.Subtitle.Render(" Outline") + s.Muted.Render("  enter jump · esc close"), ""}
	room := max(1, bh-2)
	start := 0
	if m.outSel >= room {
		start = m.outSel - room + 1
	}
	for i := start; i < len(hs) && len(out) < bh; i++ {
		h := hs[i]
		line := strings.Repeat("  ", max(0, h.Level-1)) + h.Text
		line = ansi.Truncate(line, max(1, m.w-4), "…")
		if i == m.outSel {
			out = append(out, " "+s.Selected.Render("▸ "+line))
		} else {
			out = append(out, " "+s.Text.Render("  "+line))
		}
	}
	return out
}

func (m *Model) helpBody() []string {
	s := m.d.Styles
	h := m.help
	h.ShowAll = true
	out := []string{s.Subtitle.Render(" Keys") + s.Muted.Render("  ? or q to close"), ""}
	for _, l := range strings.Split(h.FullHelpView(m.FullHelp()), "\n") {
		out = append(out, " "+l)
	}
	return out
}

func (m *Model) header() string {
	s := m.d.Styles
	right := ""
	if cur := m.currentHeading(); cur != "" && m.w >= 60 {
		right = "▸ " + cur + " · "
	}
	right += fmt.Sprintf("%d%%", m.Percent())
	if m.read {
		right += " ✓"
	}
	left := " " + m.lesson.Title
	return theme.Bar(s.StatusBar.Bold(true), m.w, left, right+" ")
}

func (m *Model) currentHeading() string {
	cur := ""
	for _, h := range m.headings() {
		if h.Line <= m.off+1 && h.Level > 1 {
			cur = h.Text
		}
	}
	if r := []rune(cur); len(r) > 30 {
		cur = string(r[:29]) + "…"
	}
	return cur
}

func (m *Model) footer() string {
	s := m.d.Styles
	if m.searching {
		return ansi.Truncate(m.input.View(), m.w, "")
	}
	if m.flash != "" {
		return ansi.Truncate(" "+s.Accent.Render(m.flash), m.w, "…")
	}
	return " " + theme.HelpLine(s, m.ShortHelp(), m.w-1)
}

// KeyHelp is the screen's keys and what they do (the README's table).
func KeyHelp() [][2]string { return theme.HelpRows(DefaultKeys()) }
