// Package srs schedules quiz review cards with FSRS
// (github.com/open-spaced-repetition/go-fsrs/v3): every answered question is a
// card; a wrong answer is rated Again and a right one Good. It converts
// between go-fsrs cards and progress.Card, and never reads the wall clock.
//
// It uses the long-term scheduler (no same-day learning steps): reviews are
// done in separate `cloudlab review` sessions, so intervals are whole days.
// Fuzz is off, so the schedule is deterministic.
package srs

import (
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/cloudlab/cloudlab/internal/progress"
)

var params = func() fsrs.Parameters {
	p := fsrs.DefaultParam()
	p.EnableShortTerm = false
	p.EnableFuzz = false
	return p
}()

var scheduler = fsrs.NewFSRS(params)

// NewCard is a new, never reviewed card for a question, due at now.
func NewCard(questionID, quizID string, now time.Time) progress.Card {
	c := fsrs.NewCard()
	c.Due = now
	return fromFSRS(questionID, quizID, c)
}

// Review returns c after one review at now: Again if the answer was wrong,
// Good if it was right. c itself is not changed.
func Review(c progress.Card, correct bool, now time.Time) progress.Card {
	rating := fsrs.Again
	if correct {
		rating = fsrs.Good
	}
	// A clock that went backwards (now before the last review) would make
	// go-fsrs compute a negative elapsed time and overflow; treat it as a
	// review at the time of the last one.
	if now.Before(c.LastReview) {
		now = c.LastReview
	}
	next := scheduler.Next(toFSRS(c), now.UTC(), rating).Card
	return fromFSRS(c.QuestionID, c.QuizID, next)
}

func toFSRS(c progress.Card) fsrs.Card {
	return fsrs.Card{
		Due:           c.Due.UTC(),
		Stability:     c.Stability,
		Difficulty:    c.Difficulty,
		ElapsedDays:   nonNeg(c.ElapsedDays),
		ScheduledDays: nonNeg(c.ScheduledDays),
		Reps:          nonNeg(c.Reps),
		Lapses:        nonNeg(c.Lapses),
		State:         fsrs.State(min(max(c.State, 0), 3)),
		LastReview:    c.LastReview.UTC(),
	}
}

func fromFSRS(questionID, quizID string, c fsrs.Card) progress.Card {
	return progress.Card{
		QuestionID:    questionID,
		QuizID:        quizID,
		Due:           c.Due.UTC(),
		Stability:     c.Stability,
		Difficulty:    c.Difficulty,
		ElapsedDays:   int(c.ElapsedDays),
		ScheduledDays: int(c.ScheduledDays),
		Reps:          int(c.Reps),
		Lapses:        int(c.Lapses),
		State:         int(c.State),
		LastReview:    c.LastReview.UTC(),
	}
}

func nonNeg(n int) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}
