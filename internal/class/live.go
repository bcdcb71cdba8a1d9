package class

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/labui"
	"github.com/cloudlab/cloudlab/internal/tui/quizui"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// presence is where one session is, as its own program reported it.
type presence struct {
	mu    sync.Mutex
	where string
	stuck string    // why the student looks stuck on a lab step ("" = not)
	since time.Time // when the session came to where (from its ticks)
}

func (p *presence) set(where, stuck string, since time.Time) {
	p.mu.Lock()
	p.where, p.stuck, p.since = where, stuck, since
	p.mu.Unlock()
}

func (p *presence) get() (string, string, time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.where, p.stuck, p.since
}

// whereIs describes the root's top screen: home, a lesson, a quiz
// question, a lab step (and whether the student is stuck there).
func whereIs(root *tui.Model) (where, stuck string) {
	switch top := root.Top().(type) {
	case *labui.Model:
		r := top.Runner()
		if r.Done() {
			return fmt.Sprintf("lab %s: done", r.Lab.ID), ""
		}
		where = fmt.Sprintf("lab %s: step %d of %d", r.Lab.ID, r.Current()+1, len(r.Lab.Steps))
		if why, ok := r.Stuck(); ok {
			stuck = why
		}
		return where, stuck
	case *quizui.Model:
		s := top.Session()
		if s == nil {
			return "quiz", ""
		}
		return fmt.Sprintf("quiz: question %d of %d", s.Current+1, s.Len()), ""
	}
	if r := root.Reader(); r != nil {
		return fmt.Sprintf("lesson %s (%d%%)", r.Lesson().ID, r.Percent()), ""
	}
	if root.Depth() == 1 {
		return "home", ""
	}
	return "browsing", ""
}

// LiveRow is one connected session in the instructor's class view.
type LiveRow struct {
	Student    string
	Instructor bool
	Where      string
	Stuck      string
	For        time.Duration // time at Where
	Connected  time.Duration
}

// live lists the connected sessions at now.
func (s *Server) live(now time.Time) []LiveRow {
	s.mu.Lock()
	list := make([]*session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		list = append(list, ss)
	}
	s.mu.Unlock()
	rows := make([]LiveRow, 0, len(list))
	for _, ss := range list {
		where, stuck, since := ss.presence.get()
		r := LiveRow{Student: ss.student.Name, Instructor: ss.student.Instructor, Where: where, Stuck: stuck, Connected: now.Sub(ss.started)}
		if r.Where == "" {
			r.Where = "starting"
		}
		if !since.IsZero() {
			r.For = now.Sub(since)
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Student != rows[j].Student {
			return rows[i].Student < rows[j].Student
		}
		return rows[i].Connected > rows[j].Connected
	})
	return rows
}

// liveMsg carries a snapshot of the class, taken in a command.
type liveMsg struct {
	rows []LiveRow
	now  time.Time
}

// liveModel is the instructor's class view: who is connected, where each
// student is, who is stuck on which lab step. It refreshes every two
// seconds; the snapshot is taken in a command, never in Update.
type liveModel struct {
	srv   *Server
	st    theme.Styles
	every time.Duration
	rows  []LiveRow
	off   int
	w, h  int
	quit  bool
}

func newLiveModel(srv *Server, st theme.Styles) *liveModel {
	return &liveModel{srv: srv, st: st, every: 2 * time.Second}
}

func (m *liveModel) snapshot() tea.Msg {
	now := time.Now()
	return liveMsg{rows: m.srv.live(now), now: now}
}

func (m *liveModel) Init() tea.Cmd { return m.snapshot }

func (m *liveModel) Quit() tea.Cmd { m.quit = true; return tea.Quit }

func (m *liveModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case liveMsg:
		m.rows = msg.rows
		m.off = min(m.off, max(len(m.rows)-1, 0))
		return m, tea.Tick(m.every, func(time.Time) tea.Msg { return m.snapshot() })
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.KeyMsg:
		switch msg.String() {
		case "q", "esc", "ctrl+c":
			return m, m.Quit()
		case "j", "down":
			m.off = min(m.off+1, max(len(m.rows)-1, 0))
		case "k", "up":
			m.off = max(m.off-1, 0)
		}
	}
	return m, nil
}

func short(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

func (m *liveModel) View() string {
	if m.quit || m.w <= 0 || m.h <= 0 {
		return ""
	}
	students, stuck := map[string]bool{}, 0
	for _, r := range m.rows {
		if !r.Instructor {
			students[r.Student] = true
		}
		if r.Stuck != "" {
			stuck++
		}
	}
	var lines []string
	lines = append(lines, theme.Bar(m.st.Title, m.w, " Class view", fmt.Sprintf("%d students connected · %d stuck ", len(students), stuck)))
	lines = append(lines, "")
	nameW := min(24, max(8, m.w/4))
	head := fmt.Sprintf(" %-*s %-6s %-6s %s", nameW, "STUDENT", "ONLINE", "HERE", "WHERE")
	lines = append(lines, m.st.Muted.Render(ansi.Truncate(head, m.w, "…")))
	body := max(m.h-5, 1)
	for i := m.off; i < len(m.rows) && len(lines)-3 < body; i++ {
		r := m.rows[i]
		name := r.Student
		if r.Instructor {
			name += " (instructor)"
		}
		line := fmt.Sprintf(" %-*s %-6s %-6s %s", nameW, ansi.Truncate(name, nameW, "…"), short(r.Connected), short(r.For), r.Where)
		style := m.st.Text
		if r.Stuck != "" {
			line += " · stuck: " + r.Stuck
			style = m.st.Warning
		}
		lines = append(lines, style.Render(ansi.Truncate(strings.ReplaceAll(line, "\n", " "), m.w, "…")))
	}
	if len(m.rows) == 0 {
		lines = append(lines, m.st.Muted.Render(" Nobody is connected yet."))
	}
	for len(lines) < m.h-1 {
		lines = append(lines, "")
	}
	lines = append(lines, m.st.Help.Render(ansi.Truncate(" ↑/↓ scroll · q quit · refreshes every 2s", m.w, "…")))
	return strings.Join(lines, "\n")
}
