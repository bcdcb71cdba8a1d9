package quizui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/quiz/record"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
)

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
	case dueMsg:
		cmd = m.startReview(msg)
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
