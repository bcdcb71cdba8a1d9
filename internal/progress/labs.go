package progress

import (
	"database/sql"
	"fmt"
	"time"
)

// LabState is the learner's progress in one lab.
type LabState struct {
	LabID          string    `json:"labId"`
	StepsPassed    int       `json:"stepsPassed"`
	CompletedAt    time.Time `json:"completedAt,omitzero"` // zero until completed
	SolutionsShown int       `json:"solutionsShown"`
	UpdatedAt      time.Time `json:"updatedAt,omitzero"`
}

// Completed reports whether the lab has been completed.
func (l LabState) Completed() bool { return !l.CompletedAt.IsZero() }

func validLab(st LabState) error {
	if st.LabID == "" {
		return fmt.Errorf("progress: lab state needs a lab id")
	}
	if st.StepsPassed < 0 || st.SolutionsShown < 0 {
		return fmt.Errorf("progress: lab %s: negative counters", st.LabID)
	}
	return nil
}

// SaveLab stores the state of a lab. StepsPassed and SolutionsShown are
// replaced; CompletedAt keeps the first completion (a completed lab stays
// completed). A zero UpdatedAt means now.
func (s *Store) SaveLab(st LabState) error {
	if err := validLab(st); err != nil {
		return err
	}
	upd := ms(s.orNow(st.UpdatedAt))
	return s.tx("save lab "+st.LabID, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO labs (lab_id, steps_passed, completed_at_ms, solutions_shown, updated_at_ms)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (lab_id) DO UPDATE SET
				steps_passed = excluded.steps_passed,
				completed_at_ms = coalesce(labs.completed_at_ms, excluded.completed_at_ms),
				solutions_shown = excluded.solutions_shown,
				updated_at_ms = excluded.updated_at_ms`,
			st.LabID, st.StepsPassed, ms(st.CompletedAt), st.SolutionsShown, upd)
		return err
	})
}

// Labs returns the state of every lab started, by id.
func (s *Store) Labs() (map[string]LabState, error) { return s.labs(s.db) }

func (s *Store) labs(q querier) (map[string]LabState, error) {
	rows, err := q.Query("SELECT lab_id, steps_passed, completed_at_ms, solutions_shown, updated_at_ms FROM labs")
	if err != nil {
		return nil, s.wrap("read labs", err)
	}
	defer rows.Close()
	out := map[string]LabState{}
	for rows.Next() {
		var l LabState
		var done, upd sql.NullInt64
		if err := rows.Scan(&l.LabID, &l.StepsPassed, &done, &l.SolutionsShown, &upd); err != nil {
			return nil, s.wrap("read labs", err)
		}
		l.CompletedAt, l.UpdatedAt = fromMs(done), fromMs(upd)
		out[l.LabID] = l
	}
	return out, s.wrap("read labs", rows.Err())
}
