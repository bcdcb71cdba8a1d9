package progress

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Card is the FSRS state of one question's review card (package srs converts
// it to and from go-fsrs).
type Card struct {
	QuestionID    string    `json:"questionId"`
	QuizID        string    `json:"quizId,omitempty"`
	Due           time.Time `json:"due"`
	Stability     float64   `json:"stability"`
	Difficulty    float64   `json:"difficulty"`
	ElapsedDays   int       `json:"elapsedDays"`
	ScheduledDays int       `json:"scheduledDays"`
	Reps          int       `json:"reps"`
	Lapses        int       `json:"lapses"`
	State         int       `json:"state"` // fsrs.State: 0 new, 1 learning, 2 review, 3 relearning
	LastReview    time.Time `json:"lastReview,omitzero"`
}

func scanCard(sc interface{ Scan(...any) error }) (Card, error) {
	var c Card
	var due, last sql.NullInt64
	err := sc.Scan(&c.QuestionID, &c.QuizID, &due, &c.Stability, &c.Difficulty, &c.ElapsedDays,
		&c.ScheduledDays, &c.Reps, &c.Lapses, &c.State, &last)
	c.Due, c.LastReview = fromMs(due), fromMs(last)
	return c, err
}

func validCard(c Card) error {
	if c.QuestionID == "" {
		return errors.New("progress: card needs a question id")
	}
	if c.Due.IsZero() {
		return fmt.Errorf("progress: card %s has no due date", c.QuestionID)
	}
	if c.ElapsedDays < 0 || c.ScheduledDays < 0 || c.Reps < 0 || c.Lapses < 0 || c.State < 0 || c.State > 3 {
		return fmt.Errorf("progress: card %s has out-of-range counters", c.QuestionID)
	}
	return nil
}

// Card returns the review card of a question; ok is false if there is none.
func (s *Store) Card(questionID string) (Card, bool, error) {
	var c Card
	err := s.direct(func(q scoped) (err error) { c, err = scanCard(q.QueryRow(s.q.card, questionID)); return err })
	if errors.Is(err, sql.ErrNoRows) {
		return Card{}, false, nil
	}
	if err != nil {
		return Card{}, false, s.wrap("read card "+questionID, err)
	}
	return c, true, nil
}

func cardArgs(c Card, now time.Time) []any {
	return []any{c.QuestionID, c.QuizID, ms(c.Due), c.Stability, c.Difficulty, c.ElapsedDays,
		c.ScheduledDays, c.Reps, c.Lapses, c.State, ms(c.LastReview), ms(now)}
}

// PutCard stores (inserts or replaces) a review card.
func (s *Store) PutCard(c Card) error {
	if err := validCard(c); err != nil {
		return err
	}
	args := cardArgs(c, s.now())
	return s.tx("save card "+c.QuestionID, func(tx scoped) error {
		_, err := tx.Exec(s.q.cardUpsert, args...)
		return err
	})
}

// DueCards returns the cards due at or before now, most overdue first.
func (s *Store) DueCards(now time.Time) (out []Card, err error) {
	err = s.direct(func(q scoped) error {
		out, err = s.cards(q, "read due cards", s.q.dueCards, now.UnixMilli())
		return err
	})
	return out, err
}

// cards runs a query of cards.
func (s *Store) cards(q scoped, op, query string, args ...any) ([]Card, error) {
	rows, err := q.Query(query, args...)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []Card
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, c)
	}
	return out, s.wrap(op, rows.Err())
}

// CountDue counts the cards due at or before now.
func (s *Store) CountDue(now time.Time) (int, error) {
	var n int
	err := s.direct(func(q scoped) error { return q.QueryRow(s.q.countDue, now.UnixMilli()).Scan(&n) })
	return n, s.wrap("count due cards", err)
}

// NextDue returns when the next card falls due after now (ok is false when
// no card is scheduled after now).
func (s *Store) NextDue(now time.Time) (next time.Time, ok bool, err error) {
	var v sql.NullInt64
	err = s.direct(func(q scoped) error { return q.QueryRow(s.q.nextDue, now.UnixMilli()).Scan(&v) })
	if err != nil {
		return time.Time{}, false, s.wrap("read next due card", err)
	}
	return fromMs(v), v.Valid, nil
}

func (s *Store) allCards(q scoped) ([]Card, error) { return s.cards(q, "read cards", s.q.allCards) }
