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
	// Steps are the times of the steps the learner worked on, by step
	// (ascending); steps never started are absent.
	Steps []StepTime `json:"steps,omitempty"`
}

// StepTime is the wall time a learner spent on one lab step: when they
// started it, when its check first held, and how long the lab screen was
// open on it (over every visit). It does not depend on the simulated clock.
type StepTime struct {
	Step      int       `json:"step"`               // 0-based, in the lab's order
	StartedAt time.Time `json:"startedAt,omitzero"` // the first time it was the step to work on
	PassedAt  time.Time `json:"passedAt,omitzero"`  // zero until it passed
	SpentMs   int64     `json:"spentMs"`            // wall milliseconds spent on it
}

// Spent is SpentMs as a duration.
func (t StepTime) Spent() time.Duration { return time.Duration(t.SpentMs) * time.Millisecond }

// Completed reports whether the lab has been completed.
func (l LabState) Completed() bool { return !l.CompletedAt.IsZero() }

// maxLabSteps bounds step indexes (a lab has a handful).
const maxLabSteps = 1000

func validLab(st LabState) error {
	if st.LabID == "" {
		return fmt.Errorf("progress: lab state needs a lab id")
	}
	if st.StepsPassed < 0 || st.SolutionsShown < 0 {
		return fmt.Errorf("progress: lab %s: negative counters", st.LabID)
	}
	for _, t := range st.Steps {
		if t.Step < 0 || t.Step >= maxLabSteps || t.SpentMs < 0 {
			return fmt.Errorf("progress: lab %s: step time %d (%d ms) is out of range", st.LabID, t.Step, t.SpentMs)
		}
	}
	return nil
}

// SaveLab stores the state of a lab. StepsPassed and SolutionsShown are
// replaced; CompletedAt keeps the first completion (a completed lab stays
// completed). A zero UpdatedAt means now. Each step of st.Steps keeps its
// earliest start and pass and its largest time spent (the lab screen sends
// running totals, so two sessions in one lab never add up twice).
func (s *Store) SaveLab(st LabState) error {
	if err := validLab(st); err != nil {
		return err
	}
	upd := ms(s.orNow(st.UpdatedAt))
	return s.tx("save lab "+st.LabID, func(tx scoped) error {
		if _, err := tx.Exec(s.q.saveLab, st.LabID, st.StepsPassed, ms(st.CompletedAt), st.SolutionsShown, upd); err != nil {
			return err
		}
		return s.saveSteps(tx, s.q.saveStep, st)
	})
}

func (s *Store) saveSteps(tx scoped, query string, st LabState) error {
	for _, t := range st.Steps {
		if _, err := tx.Exec(query, st.LabID, t.Step, ms(t.StartedAt), ms(t.PassedAt), t.SpentMs); err != nil {
			return fmt.Errorf("step %d: %w", t.Step+1, err)
		}
	}
	return nil
}

// Labs returns the state of every lab started, by id, with its step times.
func (s *Store) Labs() (out map[string]LabState, err error) {
	err = s.read(func(q scoped) error { out, err = s.labs(q); return err })
	return out, err
}

func (s *Store) labs(q scoped) (map[string]LabState, error) {
	rows, err := q.Query(s.q.labs)
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
	if err := rows.Err(); err != nil {
		return nil, s.wrap("read labs", err)
	}
	rows.Close()
	steps, err := q.Query(s.q.labSteps)
	if err != nil {
		return nil, s.wrap("read lab steps", err)
	}
	defer steps.Close()
	for steps.Next() {
		var id string
		var t StepTime
		var started, passed sql.NullInt64
		if err := steps.Scan(&id, &t.Step, &started, &passed, &t.SpentMs); err != nil {
			return nil, s.wrap("read lab steps", err)
		}
		t.StartedAt, t.PassedAt = fromMs(started), fromMs(passed)
		if l, ok := out[id]; ok {
			l.Steps = append(l.Steps, t)
			out[id] = l
		}
	}
	return out, s.wrap("read lab steps", steps.Err())
}
