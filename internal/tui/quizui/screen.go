package quizui

import (
	"fmt"

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
	s, err := quiz.NewSession(paper.Questions, msg.Config(env.Clock()))
	if err != nil {
		return nil, err
	}
	return New(s, env, Options{Title: paper.Title, Recorder: record.New(storeOf(env.Store), paper.ID)}), nil
}

// NewReviewScreen is the tui.Factories.Review factory: exactly the
// questions whose review cards are due now.
func NewReviewScreen(env tui.Deps) (tui.Screen, error) {
	if env.Course == nil {
		return nil, fmt.Errorf("no course loaded")
	}
	if env.Store == nil {
		return Empty(env, "Review", "Reviews need saved progress, and progress is not being saved."), nil
	}
	qs, _ := quiz.Load(env.Course)
	now := env.Clock()
	due, err := record.Due(env.Store, quiz.QuestionIndex(qs), now)
	if err != nil {
		return nil, err
	}
	if len(due) == 0 {
		return Empty(env, "Review", "No reviews due. Answer quiz questions and they come back here when FSRS schedules them."), nil
	}
	s, err := quiz.NewSession(due, quiz.Config{Mode: quiz.Review, Seed: uint64(now.UnixNano()) % 1000000, Start: now})
	if err != nil {
		return nil, err
	}
	return New(s, env, Options{Title: "Review", Recorder: record.New(env.Store, "")}), nil
}

var (
	_ tui.Screen = (*Model)(nil)
	_ tui.Closer = (*Model)(nil)
)
