// Package record stores quiz sessions in the progress store: every answer
// as an attempt, every finished session as a result, and every answered
// question as an FSRS review card (wrong = Again, right = Good).
package record

import (
	"fmt"
	"sync"
	"time"

	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/srs"
)

// Store is the part of *progress.Store a session needs.
type Store interface {
	RecordSession(answers []progress.Answer, result *progress.QuizResult) error
	SaveRecovery(path string, answers []progress.Answer, result *progress.QuizResult, reason error) (string, error)
	DueCards(now time.Time) ([]progress.Card, error)
}

// Save writes what a Recorder call decided to record, in one store
// transaction. The screens run it in a tea.Cmd, never in Update; the plain
// quiz runs it at once. A nil Save has nothing to write.
type Save func() error

// Run runs the save (nil: nothing to do).
func (s Save) Run() error {
	if s == nil {
		return nil
	}
	return s()
}

// Recorder decides what of one session is recorded, once each. Its methods
// only decide (they touch no store); the Save they return writes.
type Recorder struct {
	st     Store
	quizID string // the result's quiz id ("all" for a mixed mock exam, "review")
	done   map[*quiz.Item]bool
	result bool
	finish bool

	// Once the store fails, the session's answers go to a recovery file
	// instead (Saves run in commands, so this is locked).
	mu         sync.Mutex
	failed     error
	lost       []progress.Answer
	lostResult *progress.QuizResult
	recovery   string
	told       bool
}

// New records a session of quizID into st. A nil st records nothing; an
// empty quizID records answers and cards but no result (review sessions).
func New(st Store, quizID string) *Recorder {
	return &Recorder{st: st, quizID: quizID, done: map[*quiz.Item]bool{}}
}

// Answered records the answer of item i as an attempt and reviews its card.
// Each item is recorded once; exam answers are recorded at submission
// (Finish), when they can no longer change.
func (r *Recorder) Answered(s *quiz.Session, i int, at time.Time) Save {
	if r == nil || r.st == nil {
		return nil
	}
	a, ok := r.answer(s, i, at)
	if !ok {
		return nil
	}
	return func() error { return r.save([]progress.Answer{a}, nil) }
}

// save writes to the store; once it has failed, to the recovery file. The
// learner is told once, with the file's path.
func (r *Recorder) save(answers []progress.Answer, res *progress.QuizResult) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed == nil {
		err := r.st.RecordSession(answers, res)
		if err == nil {
			return nil
		}
		r.failed = err
	}
	r.lost = append(r.lost, answers...)
	if res != nil {
		r.lostResult = res
	}
	path, err := r.st.SaveRecovery(r.recovery, r.lost, r.lostResult, r.failed)
	if err != nil {
		return fmt.Errorf("saving quiz progress: %v; and no recovery file could be written: %v", r.failed, err)
	}
	r.recovery = path
	if r.told {
		return nil
	}
	r.told = true
	return fmt.Errorf("progress cannot be saved (%v); your answers go to %s instead (cloudlab progress --import %s restores them)", r.failed, path, path)
}

func (r *Recorder) answer(s *quiz.Session, i int, at time.Time) (progress.Answer, bool) {
	if i < 0 || i >= len(s.Items) {
		return progress.Answer{}, false
	}
	it := s.Items[i]
	if s.Mode == quiz.Exam && !s.Submitted && !r.finish {
		return progress.Answer{}, false // exam answers can still change
	}
	if !it.Answered || r.done[it] {
		return progress.Answer{}, false
	}
	r.done[it] = true
	q, correct := it.Q, it.Correct
	return progress.Answer{
		Attempt: progress.Attempt{
			SessionID: s.ID, QuizID: q.QuizID, QuestionID: q.ID, Mode: string(s.Mode),
			Answer: it.Given, Domain: q.Domain, Lesson: q.Lesson, Correct: correct,
			TakenMs: it.Taken.Milliseconds(), At: at,
		},
		Review: func(card progress.Card, found bool) progress.Card {
			if !found {
				card = srs.NewCard(q.ID, q.QuizID, at)
			}
			return srs.Review(card, correct, at)
		},
	}, true
}

// Finish records every answered item not yet recorded and, when the
// session was submitted, its result, in one transaction. Unanswered items
// are not attempts.
func (r *Recorder) Finish(s *quiz.Session, at time.Time) Save {
	if r == nil || r.st == nil {
		return nil
	}
	r.finish = true
	var answers []progress.Answer
	for i := range s.Items {
		if a, ok := r.answer(s, i, at); ok {
			answers = append(answers, a)
		}
	}
	var res *progress.QuizResult
	if s.Submitted && !r.result && r.quizID != "" {
		r.result = true
		sc := s.Score()
		res = &progress.QuizResult{SessionID: s.ID, QuizID: r.quizID, Mode: string(s.Mode),
			Correct: sc.Correct, Total: sc.Total, Passed: sc.Passed, At: at}
		if s.Mode == quiz.Exam {
			res.Scaled = sc.Scaled
		}
	}
	if len(answers) == 0 && res == nil {
		return nil
	}
	return func() error { return r.save(answers, res) }
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
