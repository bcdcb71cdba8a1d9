// Package labsui is the Labs screen: every lab of the course (or of one
// lesson) with its lesson, its steps done and its status, to pick one.
package labsui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/termtext"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// Deps are what the screen needs.
type Deps struct {
	Course *course.Course
	Store  *progress.Store // nil: no progress shown
	Styles theme.Styles
	// Shared is the class server: it runs no learner's code, so labs with
	// real handlers are listed as needing the learner's own machine.
	Shared bool
}

// KeyMap are the screen's keys.
type KeyMap struct {
	Up, Down, Open, Back, Help key.Binding
}

func defaultKeys() KeyMap {
	return KeyMap{
		Up:   key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down: key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back: key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
		Help: key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
	}
}

type item struct {
	id, title, lesson string
	steps             int
	ownMachine        bool // runs real handlers, and this is the class server
}

type stateMsg struct {
	labs map[string]progress.LabState
	err  error
}

// Model is the Labs screen.
type Model struct {
	d      Deps
	keys   KeyMap
	lesson string // only this lesson's labs ("" = all)
	items  []item
	state  map[string]progress.LabState
	sel    int
	top    int
	w, h   int
	full   bool
}

// New lists the labs of lesson (every lab when lesson is "").
func New(d Deps, lesson string) *Model {
	m := &Model{d: d, keys: defaultKeys(), lesson: lesson, state: map[string]progress.LabState{}}
	files := d.Course.LabsInOrder()
	if lesson != "" {
		files = d.Course.LabsFor(lesson)
	}
	for _, lf := range files {
		it := item{id: lf.ID, title: lf.Title, lesson: lf.Lesson}
		if l, probs := lab.FromFile(lf); len(probs) == 0 {
			it.steps = len(l.Steps)
			it.ownMachine = d.Shared && l.World == lab.WorldReal
		}
		m.items = append(m.items, it)
	}
	return m
}

// Init reads the labs' progress.
func (m *Model) Init() tea.Cmd {
	st := m.d.Store
	if st == nil {
		return nil
	}
	return func() tea.Msg {
		labs, err := st.Labs()
		return stateMsg{labs, err}
	}
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h; m.scroll() }

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
	case stateMsg:
		if msg.err != nil {
			return m, nav.Cmd(nav.Error{Err: msg.err})
		}
		m.state = msg.labs
	case nav.Refresh:
		return m, m.Init()
	case tea.KeyMsg:
		k := m.keys
		if m.full {
			if key.Matches(msg, k.Help, k.Back) {
				m.full = false
			}
			return m, nil
		}
		switch {
		case key.Matches(msg, k.Up):
			m.sel = max(0, m.sel-1)
			m.scroll()
		case key.Matches(msg, k.Down):
			m.sel = min(len(m.items)-1, m.sel+1)
			m.scroll()
		case key.Matches(msg, k.Open):
			if len(m.items) > 0 {
				return m, nav.Cmd(nav.OpenLab{ID: m.items[m.sel].id})
			}
		case key.Matches(msg, k.Back):
			return m, nav.Cmd(nav.Back{})
		case key.Matches(msg, k.Help):
			m.full = true
		}
	}
	return m, nil
}

func (m *Model) bodyHeight() int { return max(1, m.h-4) }

func (m *Model) scroll() {
	bh := m.bodyHeight()
	if m.sel < m.top {
		m.top = m.sel
	}
	if m.sel >= m.top+bh {
		m.top = m.sel - bh + 1
	}
}

// status is a lab's progress in words and a mark.
func (m *Model) status(it item) (mark, text string) {
	s, ok := m.state[it.id]
	switch {
	case it.ownMachine:
		return "–", "own machine"
	case ok && s.Completed():
		return "✓", "complete"
	case ok && s.StepsPassed > 0:
		return "◐", fmt.Sprintf("%d/%d steps", s.StepsPassed, it.steps)
	}
	return "○", fmt.Sprintf("%d steps", it.steps)
}

// View draws the list.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	s := m.d.Styles
	title := " Labs"
	if m.lesson != "" {
		title = " Labs of " + m.lesson
	}
	var b strings.Builder
	b.WriteString(theme.Bar(s.StatusBar.Bold(true), m.w, title, fmt.Sprintf("%d labs ", len(m.items))))
	b.WriteString("\n\n")
	var body []string
	if m.full {
		body = append(body, " "+s.Subtitle.Render("Keys")+s.Muted.Render("  ? or esc to close"), "")
		for _, b := range []key.Binding{m.keys.Up, m.keys.Down, m.keys.Open, m.keys.Back, m.keys.Help} {
			body = append(body, fmt.Sprintf("  %-8s %s", b.Help().Key, b.Help().Desc))
		}
	} else if len(m.items) == 0 {
		body = append(body, s.Muted.Render(" No labs here."))
	}
	// Columns: mark and title (what is left), status, lesson.
	lessonW := 0
	for _, it := range m.items {
		lessonW = max(lessonW, len(it.lesson))
	}
	lessonW = min(lessonW, 24)
	const statusW = 12
	titleW := m.w - 3 - 2 - statusW - 2 - lessonW - 1
	if titleW < 20 {
		lessonW = 0
		titleW = m.w - 3 - 2 - statusW - 1
	}
	for i := m.top; !m.full && i < len(m.items) && i < m.top+m.bodyHeight(); i++ {
		it := m.items[i]
		mark, st := m.status(it)
		title := termtext.Pad(it.title, max(5, titleW))
		if i == m.sel {
			title = s.Selected.Render(title)
		}
		right := "  " + termtext.Pad(st, statusW)
		if lessonW > 0 {
			right += "  " + termtext.Truncate(it.lesson, lessonW)
		}
		body = append(body, termtext.Truncate(" "+mark+" "+title+s.Muted.Render(right), m.w))
	}
	for i := 0; i < m.bodyHeight(); i++ {
		if i < len(body) {
			b.WriteString(body[i])
		}
		b.WriteByte('\n')
	}
	b.WriteString(" " + theme.HelpLine(s, m.ShortHelp(), m.w-1))
	return b.String()
}

// ShortHelp is the key bar.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Up, k.Down, k.Open, k.Back, k.Help}
}

// FullHelp is the full help.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// KeyHelp is the screen's keys and what they do (the README's table).
func KeyHelp() [][2]string { return theme.HelpRows(defaultKeys()) }
