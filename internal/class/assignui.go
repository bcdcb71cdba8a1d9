package class

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// assignedModel is the "Assigned" screen a student sees first: each
// assignment with its due date and whether it is done. Enter opens the
// selected one (a quiz with the assigned mode, count, time and seed); any
// other way out goes to home. Everything it shows is computed before the
// program starts (now, done).
type assignedModel struct {
	st    theme.Styles
	title string
	rows  []assignedRow
	sel   int
	w, h  int
}

type assignedRow struct {
	text, due string
	done      bool
	overdue   bool
	open      tea.Msg
}

func newAssignedModel(a *Assignments, c *course.Course, done []bool, now time.Time, st theme.Styles) *assignedModel {
	m := &assignedModel{st: st, title: a.Title}
	if m.title == "" {
		m.title = "Assigned"
	} else {
		m.title = "Assigned: " + a.Title
	}
	for i, it := range a.Items {
		r := assignedRow{text: it.title(c), done: i < len(done) && done[i]}
		if d := it.DueAt(); !d.IsZero() {
			r.due = "due " + d.Format("Mon 2 Jan")
			if !r.done && now.After(d) {
				r.overdue = true
				r.due += " (overdue)"
			}
		}
		switch it.Kind() {
		case "lesson":
			r.open = nav.OpenLesson{ID: it.Lesson}
		case "quiz":
			r.open = nav.OpenQuiz{Request: it.Request()}
		case "lab":
			r.open = nav.OpenLab{ID: it.Lab}
		}
		m.rows = append(m.rows, r)
	}
	return m
}

// update returns (leave, cmd): leave is true when the screen is done.
func (m *assignedModel) update(msg tea.KeyMsg) (bool, tea.Cmd) {
	switch msg.String() {
	case "up", "k":
		m.sel = max(m.sel-1, 0)
	case "down", "j", "tab":
		m.sel = min(m.sel+1, len(m.rows)-1)
	case "enter":
		if len(m.rows) == 0 {
			return true, nil
		}
		return true, nav.Cmd(m.rows[m.sel].open)
	case "esc", "q", "h", " ":
		return true, nil
	}
	return false, nil
}

func (m *assignedModel) view() string {
	var lines []string
	done := 0
	for _, r := range m.rows {
		if r.done {
			done++
		}
	}
	lines = append(lines, theme.Bar(m.st.Title, m.w, " "+m.title, fmt.Sprintf("%d of %d done ", done, len(m.rows))), "")
	for i, r := range m.rows {
		mark, style := "○", m.st.Text
		if r.done {
			mark, style = "✓", m.st.Success
		} else if r.overdue {
			style = m.st.Warning
		}
		left := fmt.Sprintf("  %s %s", mark, r.text)
		right := r.due
		gap := m.w - ansi.StringWidth(right) - 2
		if ansi.StringWidth(left) > gap-1 {
			left = ansi.Truncate(left, max(gap-1, 0), "…")
		}
		line := left + strings.Repeat(" ", max(gap-ansi.StringWidth(left), 1)) + right
		line = ansi.Truncate(line, m.w, "…")
		if i == m.sel {
			lines = append(lines, m.st.Selected.Render(line))
		} else {
			lines = append(lines, style.Render(line))
		}
	}
	for len(lines) < m.h-1 {
		lines = append(lines, "")
	}
	lines = append(lines, m.st.Help.Render(ansi.Truncate(" ↑/↓ move · enter open · esc home", m.w, "…")))
	if len(lines) > m.h {
		lines = lines[:m.h]
	}
	return strings.Join(lines, "\n")
}
