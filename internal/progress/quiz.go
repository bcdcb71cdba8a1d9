package progress

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Attempt is one answer to one question.
type Attempt struct {
	ID         int64     `json:"id"`
	SessionID  string    `json:"sessionId,omitempty"`
	QuizID     string    `json:"quizId"`
	QuestionID string    `json:"questionId"`
	Mode       string    `json:"mode,omitempty"` // practice, exam, review
	Answer     string    `json:"answer,omitempty"`
	Domain     string    `json:"domain,omitempty"`
	Lesson     string    `json:"lesson,omitempty"`
	Correct    bool      `json:"correct"`
	TakenMs    int64     `json:"takenMs"`
	At         time.Time `json:"at"`
}

// QuizResult is the score of one finished quiz session.
type QuizResult struct {
	SessionID string    `json:"sessionId,omitempty"`
	QuizID    string    `json:"quizId"`
	Mode      string    `json:"mode,omitempty"`
	Correct   int       `json:"correct"`
	Total     int       `json:"total"`
	Scaled    int       `json:"scaled,omitempty"` // 100..1000 in exam mode, else 0
	Passed    bool      `json:"passed"`
	At        time.Time `json:"at"`
}

// Percent is 100*Correct/Total (0 when Total is 0).
func (r QuizResult) Percent() float64 {
	if r.Total == 0 {
		return 0
	}
	return 100 * float64(r.Correct) / float64(r.Total)
}

func validAttempt(a Attempt) error {
	if a.QuizID == "" || a.QuestionID == "" {
		return fmt.Errorf("progress: attempt needs a quiz id and a question id (got %q, %q)", a.QuizID, a.QuestionID)
	}
	if a.TakenMs < 0 {
		return fmt.Errorf("progress: attempt at %s/%s: negative time taken %d ms", a.QuizID, a.QuestionID, a.TakenMs)
	}
	return nil
}

func validResult(r QuizResult) error {
	if r.QuizID == "" {
		return fmt.Errorf("progress: quiz result needs a quiz id")
	}
	if r.Total < 0 || r.Correct < 0 || r.Correct > r.Total {
		return fmt.Errorf("progress: quiz result %s: %d correct of %d is impossible", r.QuizID, r.Correct, r.Total)
	}
	return nil
}

// RecordAttempt stores an attempt and returns its id (a.ID is ignored). A zero
// a.At means now.
func (s *Store) RecordAttempt(a Attempt) (int64, error) {
	if err := validAttempt(a); err != nil {
		return 0, err
	}
	at := ms(s.orNow(a.At))
	var id int64
	err := s.tx("record attempt", func(tx scoped) error {
		return tx.QueryRow(s.q.insertAttempt, a.SessionID, a.QuizID, a.QuestionID, a.Mode, a.Answer,
			a.Domain, a.Lesson, b2i(a.Correct), a.TakenMs, at).Scan(&id)
	})
	return id, err
}

// Attempts returns the attempts of one quiz ("" for all), oldest first.
func (s *Store) Attempts(quizID string) (out []Attempt, err error) {
	err = s.direct(func(q scoped) error { out, err = s.attempts(q, quizID); return err })
	return out, err
}

func (s *Store) attempts(db scoped, quizID string) ([]Attempt, error) {
	rows, err := db.Query(s.q.attempts, quizID, quizID)
	if err != nil {
		return nil, s.wrap("read attempts", err)
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		var at sql.NullInt64
		if err := rows.Scan(&a.ID, &a.SessionID, &a.QuizID, &a.QuestionID, &a.Mode, &a.Answer, &a.Domain,
			&a.Lesson, &a.Correct, &a.TakenMs, &at); err != nil {
			return nil, s.wrap("read attempts", err)
		}
		a.At = fromMs(at)
		out = append(out, a)
	}
	return out, s.wrap("read attempts", rows.Err())
}

// RecordResult stores the result of a quiz session. A result with the same
// non-empty SessionID and QuizID replaces the earlier one. A zero r.At means now.
func (s *Store) RecordResult(r QuizResult) error {
	if err := validResult(r); err != nil {
		return err
	}
	at := ms(s.orNow(r.At))
	return s.tx("record result", func(tx scoped) error {
		_, err := tx.Exec(s.q.upsertResult, r.SessionID, r.QuizID, r.Mode, r.Correct, r.Total, r.Scaled, b2i(r.Passed), at)
		return err
	})
}

// Results returns the results of one quiz ("" for all), oldest first.
func (s *Store) Results(quizID string) (out []QuizResult, err error) {
	err = s.direct(func(q scoped) error { out, err = s.results(q, quizID); return err })
	return out, err
}

func (s *Store) results(db scoped, quizID string) ([]QuizResult, error) {
	rows, err := db.Query(s.q.results, quizID, quizID)
	if err != nil {
		return nil, s.wrap("read results", err)
	}
	defer rows.Close()
	var out []QuizResult
	for rows.Next() {
		var r QuizResult
		var at sql.NullInt64
		if err := rows.Scan(&r.SessionID, &r.QuizID, &r.Mode, &r.Correct, &r.Total, &r.Scaled, &r.Passed, &at); err != nil {
			return nil, s.wrap("read results", err)
		}
		r.At = fromMs(at)
		out = append(out, r)
	}
	return out, s.wrap("read results", rows.Err())
}

// Answer is one answered question to save: its attempt and, when Review is
// not nil, the review that updates its card (Review gets the stored card,
// or a zero Card and false when there is none).
type Answer struct {
	Attempt Attempt
	Review  func(old Card, found bool) Card
}

// RecordSession saves a quiz session's answers (attempts and their cards)
// and, when result is not nil, its result, all in one transaction: either
// everything is saved or nothing is.
func (s *Store) RecordSession(answers []Answer, result *QuizResult) error {
	for _, a := range answers {
		if err := validAttempt(a.Attempt); err != nil {
			return err
		}
	}
	if result != nil {
		if err := validResult(*result); err != nil {
			return err
		}
	}
	now := s.now()
	return s.tx("save quiz answers", func(tx scoped) error {
		for _, a := range answers {
			at := a.Attempt
			var id int64
			if err := tx.QueryRow(s.q.insertAttempt, at.SessionID, at.QuizID, at.QuestionID, at.Mode, at.Answer,
				at.Domain, at.Lesson, b2i(at.Correct), at.TakenMs, ms(s.orNow(at.At))).Scan(&id); err != nil {
				return err
			}
			if a.Review == nil {
				continue
			}
			old, err := scanCard(tx.QueryRow(s.q.card, at.QuestionID))
			found := err == nil
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			c := a.Review(old, found)
			if err := validCard(c); err != nil {
				return err
			}
			if _, err := tx.Exec(s.q.cardUpsert, cardArgs(c, now)...); err != nil {
				return err
			}
		}
		if result != nil {
			r := *result
			if _, err := tx.Exec(s.q.upsertResult, r.SessionID, r.QuizID, r.Mode, r.Correct, r.Total, r.Scaled,
				b2i(r.Passed), ms(s.orNow(r.At))); err != nil {
				return err
			}
		}
		return nil
	})
}
