// Package record stores quiz sessions in the progress store: every answer
// as an attempt, every finished session as a result, and every answered
// question as an FSRS review card (wrong = Again, right = Good).
package record

import (
	"errors"
	"fmt"
	"time"

	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/srs"
)

// Store is the part of *progress.Store a session needs.
type Store interface {
	RecordAttempt(a progress.Attempt) (int64, error)
	RecordResult(r progress.QuizResult) error
	Card(questionID string) (progress.Card, bool, error)
	PutCard(c progress.Card) error
	DueCards(now time.Time) ([]progress.Card, error)
}

// Recorder writes one session's answers once each.
type Recorder struct {
	st     Store
	quizID string // the result's quiz id ("all" for a mixed mock exam, "review")
	done   map[*quiz.Item]bool
	result bool
	finish bool
}

// New records a session of quizID into st. A nil st records nothing; an
// empty quizID records answers and cards but no result (review sessions).
func New(st Store, quizID string) *Recorder {
	return &Recorder{st: st, quizID: quizID, done: map[*quiz.Item]bool{}}
}

// Answered records the answer of item i as an attempt and reviews its card.
// Each item is recorded once; exam answers are recorded at submission
// (Finish), when they can no longer change.
func (r *Recorder) Answered(s *quiz.Session, i int, at time.Time) error {
	if r == nil || r.st == nil || i < 0 || i >= len(s.Items) {
		return nil
	}
	it := s.Items[i]
	if s.Mode == quiz.Exam && !s.Submitted && !r.finish {
		return nil // exam answers can still change
	}
	if !it.Answered || r.done[it] {
		return nil
	}
	r.done[it] = true
	q := it.Q
	_, err := r.st.RecordAttempt(progress.Attempt{
		SessionID: s.ID, QuizID: q.QuizID, QuestionID: q.ID, Mode: string(s.Mode),
		Answer: it.Given, Domain: q.Domain, Lesson: q.Lesson, Correct: it.Correct,
		TakenMs: it.Taken.Milliseconds(), At: at,
	})
	if err != nil {
		return err
	}
	card, ok, err := r.st.Card(q.ID)
	if err != nil {
		return err
	}
	if !ok {
		card = srs.NewCard(q.ID, q.QuizID, at)
	}
	return r.st.PutCard(srs.Review(card, it.Correct, at))
}

// Finish records every answered item not yet recorded and, when the
// session was submitted, its result. Unanswered items are not attempts.
func (r *Recorder) Finish(s *quiz.Session, at time.Time) error {
	if r == nil || r.st == nil {
		return nil
	}
	var errs []error
	r.finish = true
	for i := range s.Items {
		if err := r.Answered(s, i, at); err != nil {
			errs = append(errs, err)
		}
	}
	if s.Submitted && !r.result && r.quizID != "" {
		r.result = true
		sc := s.Score()
		res := progress.QuizResult{SessionID: s.ID, QuizID: r.quizID, Mode: string(s.Mode),
			Correct: sc.Correct, Total: sc.Total, Passed: sc.Passed, At: at}
		if s.Mode == quiz.Exam {
			res.Scaled = sc.Scaled
		}
		if err := r.st.RecordResult(res); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("saving quiz progress: %w", errors.Join(errs...))
	}
	return nil
}

// Due returns the questions whose review cards are due at now, most
// overdue first, skipping cards whose question no longer exists.
func Due(st Store, index map[string]*quiz.Question, now time.Time) ([]*quiz.Question, error) {
	cards, err := st.DueCards(now)
	if err != nil {
		return nil, err
	}
	var out []*quiz.Question
	for _, c := range cards {
		if q := index[c.QuestionID]; q != nil {
			out = append(out, q)
		}
	}
	return out, nil
}
