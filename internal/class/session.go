package class

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// idleTick is the session's clock: time enters the model only here, from
// tea.Tick (the caller), never read inside Update.
type idleTick time.Time

// quitter is the root model's Quit (it closes every screen, saving state).
type quitter interface{ Quit() tea.Cmd }

// sessionModel wraps the app of one SSH session: a header line with the
// student's name (and the idle warning), and the idle timeout.
type sessionModel struct {
	inner  tea.Model
	st     theme.Styles
	header string // the student's name, sanitized

	idle, warn, every time.Duration
	last              time.Time // the tick after the last key (zero before the first tick)
	keyed             bool      // a key came since the last tick
	warned            bool      // showing the idle warning
	left              time.Duration
	expired           func() // called once when the session times out

	// where describes the inner program's place; report publishes it with
	// the time it got there (for the instructor's class view).
	where      func() (where, stuck string)
	report     func(where, stuck string, since time.Time)
	lastWhere  string
	lastStuck  string
	moved      bool // where changed since the last tick
	dirty      bool // something to report at the next tick
	whereSince time.Time

	assigned *assignedModel // shown first when there are assignments; nil after

	w, h int
}

func newSessionModel(inner tea.Model, st theme.Styles, header string, idle time.Duration, expired func()) *sessionModel {
	m := &sessionModel{inner: inner, st: st, header: header, idle: idle, expired: expired}
	if idle > 0 {
		// Warn a fifth of the timeout before it (at most two minutes), and
		// look at the clock twenty times per timeout (between 5 ms and 5 s).
		m.warn = min(idle/5, 2*time.Minute)
		m.every = min(max(idle/20, 5*time.Millisecond), 5*time.Second)
	} else {
		m.every = 5 * time.Second // only the class view's clock
	}
	return m
}

func (m *sessionModel) tick() tea.Cmd {
	return tea.Tick(m.every, func(t time.Time) tea.Msg { return idleTick(t) })
}

func (m *sessionModel) Init() tea.Cmd { return tea.Batch(m.inner.Init(), m.tick()) }

func (m *sessionModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	mm, cmd := m.update(msg)
	if m.where != nil {
		w, st := m.where()
		if w != m.lastWhere {
			m.lastWhere, m.moved = w, true
		}
		if st != m.lastStuck {
			m.lastStuck, m.dirty = st, true
		}
	}
	return mm, cmd
}

func (m *sessionModel) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case idleTick:
		now := time.Time(msg)
		if m.moved || m.whereSince.IsZero() {
			m.whereSince, m.moved, m.dirty = now, false, true
		}
		if m.dirty && m.report != nil {
			m.report(m.lastWhere, m.lastStuck, m.whereSince)
		}
		m.dirty = false
		if m.idle <= 0 {
			return m, m.tick()
		}
		if m.last.IsZero() || m.keyed {
			m.last, m.keyed, m.warned = now, false, false
		}
		since := now.Sub(m.last)
		if since >= m.idle {
			if m.expired != nil {
				m.expired()
				m.expired = nil
			}
			if q, ok := m.inner.(quitter); ok {
				return m, q.Quit()
			}
			return m, tea.Quit
		}
		m.warned = since >= m.idle-m.warn
		m.left = m.idle - since
		return m, m.tick()
	case tea.KeyMsg:
		m.keyed, m.warned = true, false
		if m.assigned != nil && msg.String() != "ctrl+c" {
			leave, cmd := m.assigned.update(msg)
			if leave {
				m.assigned = nil
			}
			return m, cmd
		}
	case tea.MouseMsg:
		m.keyed, m.warned = true, false
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		msg.Height = max(msg.Height-1, 0)
		if m.assigned != nil {
			m.assigned.w, m.assigned.h = msg.Width, msg.Height
		}
		var cmd tea.Cmd
		m.inner, cmd = m.inner.Update(msg)
		return m, cmd
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

// headerLine is the first line: who is signed in, or the idle warning.
func (m *sessionModel) headerLine() string {
	if m.warned {
		left := m.left.Round(time.Second)
		if left <= 0 {
			left = m.left
		}
		msg := fmt.Sprintf(" No key pressed for a while: this session closes in %s. Press any key to stay.", left)
		return m.st.Warning.Render(ansi.Truncate(msg, m.w, "…"))
	}
	return theme.Bar(m.st.StatusBar, m.w, " cloudlab class · "+m.header, "")
}

func (m *sessionModel) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	v := m.inner.View()
	if v == "" {
		return ""
	}
	if m.assigned != nil {
		v = m.assigned.view()
	}
	var b strings.Builder
	b.WriteString(m.headerLine())
	b.WriteByte('\n')
	b.WriteString(v)
	return b.String()
}
