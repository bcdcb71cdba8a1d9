package quizui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/quiz/record"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
)

// NewScreen is the tui.Factories.Quiz factory: the run msg asks for (the
// options of `cloudlab quiz`).
func NewScreen(msg nav.OpenQuiz, env tui.Deps) (tui.Screen, error) {
	if env.Course == nil {
		return nil, fmt.Errorf("no course loaded")
	}
	qs, _ := quiz.Load(env.Course)
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	paper, err := quiz.Pick(qs, msg.ID, msg.All)
	if err != nil {
		return nil, err
	}
	s, err := quiz.NewSession(msg.Questions(paper), msg.Config(env.Clock()))
	if err != nil {
		return nil, err
	}
	return New(s, env, Options{Title: paper.Title, Recorder: record.New(storeOf(env.Store), paper.ID)}), nil
}

// NewReviewScreen is the tui.Factories.Review factory: exactly the
// questions whose review cards are due now. The cards are read in Init's
// command, not here: the factory runs inside the root's Update.
func NewReviewScreen(env tui.Deps) (tui.Screen, error) {
	if env.Course == nil {
		return nil, fmt.Errorf("no course loaded")
	}
	if env.Store == nil {
		return Empty(env, "Review", "Reviews need saved progress, and progress is not being saved."), nil
	}
	m := Empty(env, "Review", "Reading the questions that are due…")
	qs, _ := quiz.Load(env.Course)
	st, index, now := env.Store, quiz.QuestionIndex(qs), env.Clock()
	m.load = func() tea.Msg {
		due, err := record.Due(st, index, now)
		if err != nil {
			return dueMsg{err: err}
		}
		next, ok, err := st.NextDue(now)
		return dueMsg{due: due, next: next, hasNext: ok, at: now, err: err}
	}
	return m, nil
}

// dueMsg carries the review questions that are due, and when the next
// card falls due.
type dueMsg struct {
	due     []*quiz.Question
	next    time.Time
	hasNext bool
	at      time.Time
	err     error
}

// startReview turns the loading screen into the review session.
func (m *Model) startReview(msg dueMsg) tea.Cmd {
	if msg.err != nil {
		m.empty = "Reviews could not be read: " + msg.err.Error()
		m.refresh()
		return nav.Cmd(nav.Error{Err: msg.err})
	}
	if len(msg.due) == 0 {
		m.empty = noReviewsDue(msg)
		m.refresh()
		return nil
	}
	s, err := quiz.NewSession(msg.due, quiz.Config{Mode: quiz.Review, Seed: uint64(msg.at.UnixNano()) % 1000000, Start: msg.at})
	if err != nil {
		m.empty = err.Error()
		m.refresh()
		return nil
	}
	m.s, m.rec = s, record.New(m.env.Store, "")
	m.enter(0)
	m.refresh()
	return tea.Batch(m.renderCmds()...)
}

// noReviewsDue says that nothing is due and when something will be.
func noReviewsDue(msg dueMsg) string {
	if !msg.hasNext {
		return "No reviews due. Answer quiz questions and they come back here when FSRS schedules them."
	}
	in := msg.next.Sub(msg.at)
	var when string
	switch {
	case in < time.Hour:
		when = fmt.Sprintf("in %d minute%s", max(1, int(in.Minutes())), plural(max(1, int(in.Minutes()))))
	case in < 48*time.Hour:
		h := int(in.Hours())
		when = fmt.Sprintf("in %d hour%s", h, plural(h))
	default:
		d := int(in.Hours() / 24)
		when = fmt.Sprintf("in %d days", d)
	}
	return fmt.Sprintf("No reviews due. The next review is due %s (%s).", when, msg.next.Local().Format("Mon 2 Jan 15:04"))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

var (
	_ tui.Screen = (*Model)(nil)
	_ tui.Closer = (*Model)(nil)
)
