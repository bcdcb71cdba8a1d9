package progress

import (
	"fmt"
	"sort"
	"time"
)

// ExportVersion is the version of the Export format written by Export.
const ExportVersion = 1

// Export is everything in the store, as written by `cloudlab progress --json`
// and read back by Import. Slices are sorted (lessons, cards and labs by id;
// attempts and results oldest first).
type Export struct {
	Version  int           `json:"version"`
	Lessons  []LessonState `json:"lessons"`
	Attempts []Attempt     `json:"attempts"`
	Results  []QuizResult  `json:"results"`
	Cards    []Card        `json:"cards"`
	Labs     []LabState    `json:"labs"`
}

// Export reads the whole store as one consistent snapshot (one read
// transaction).
func (s *Store) Export() (Export, error) {
	var e Export
	err := s.read(func(q scoped) error {
		var err error
		e, err = s.export(q)
		return err
	})
	return e, err
}

func (s *Store) export(q scoped) (Export, error) {
	e := Export{Version: ExportVersion, Lessons: []LessonState{}, Labs: []LabState{}}
	ls, err := s.lessons(q)
	if err != nil {
		return Export{}, err
	}
	for _, l := range ls {
		e.Lessons = append(e.Lessons, l)
	}
	sort.Slice(e.Lessons, func(i, j int) bool { return e.Lessons[i].LessonID < e.Lessons[j].LessonID })
	if e.Attempts, err = s.attempts(q, ""); err != nil {
		return Export{}, err
	}
	if e.Results, err = s.results(q, ""); err != nil {
		return Export{}, err
	}
	if e.Cards, err = s.allCards(q); err != nil {
		return Export{}, err
	}
	labs, err := s.labs(q)
	if err != nil {
		return Export{}, err
	}
	for _, l := range labs {
		e.Labs = append(e.Labs, l)
	}
	sort.Slice(e.Labs, func(i, j int) bool { return e.Labs[i].LabID < e.Labs[j].LabID })
	if e.Attempts == nil {
		e.Attempts = []Attempt{}
	}
	if e.Results == nil {
		e.Results = []QuizResult{}
	}
	if e.Cards == nil {
		e.Cards = []Card{}
	}
	return e, nil
}

func validateExport(e Export) error {
	if e.Version < 1 || e.Version > ExportVersion {
		return fmt.Errorf("progress: import: export version %d is not supported (this cloudlab reads version %d)", e.Version, ExportVersion)
	}
	for i, l := range e.Lessons {
		if l.LessonID == "" {
			return fmt.Errorf("progress: import: lessons[%d]: empty lesson id", i)
		}
		if !(l.Position >= 0 && l.Position <= 1) || l.Percent < 0 || l.Percent > 100 {
			return fmt.Errorf("progress: import: lessons[%d] (%s): position or percent out of range", i, l.LessonID)
		}
	}
	for i, a := range e.Attempts {
		if err := validAttempt(a); err != nil {
			return fmt.Errorf("progress: import: attempts[%d]: %w", i, err)
		}
		if a.At.IsZero() {
			return fmt.Errorf("progress: import: attempts[%d]: missing time", i)
		}
	}
	for i, r := range e.Results {
		if err := validResult(r); err != nil {
			return fmt.Errorf("progress: import: results[%d]: %w", i, err)
		}
		if r.At.IsZero() {
			return fmt.Errorf("progress: import: results[%d]: missing time", i)
		}
	}
	for i, c := range e.Cards {
		if err := validCard(c); err != nil {
			return fmt.Errorf("progress: import: cards[%d]: %w", i, err)
		}
	}
	for i, l := range e.Labs {
		if err := validLab(l); err != nil {
			return fmt.Errorf("progress: import: labs[%d]: %w", i, err)
		}
	}
	return nil
}

// Import merges e into the store in one transaction, so importing the same
// export twice changes nothing the second time:
//   - lessons: earliest first-opened and read times, position and percent of
//     the most recently updated side;
//   - attempts: added unless an identical one (session, quiz, question, mode,
//     answer, correctness, time) exists; ids are reassigned;
//   - results: a result with a session id replaces the same session's result;
//     one without is added unless an identical one exists;
//   - cards: the card with the later last review (then more reps) wins;
//   - labs: most steps and solutions shown, earliest completion; step
//     times: earliest start and pass, most time spent.
func (s *Store) Import(e Export) error {
	if err := validateExport(e); err != nil {
		return err
	}
	now := s.now()
	return s.tx("import", func(tx scoped) error {
		for _, l := range e.Lessons {
			upd := l.UpdatedAt
			for _, t := range []time.Time{l.ReadAt, l.FirstOpened, now} {
				if upd.IsZero() {
					upd = t
				}
			}
			if _, err := tx.Exec(s.q.importLesson, l.LessonID, ms(l.FirstOpened), l.Position, l.Percent, ms(l.ReadAt), ms(upd)); err != nil {
				return fmt.Errorf("lesson %s: %w", l.LessonID, err)
			}
		}
		for _, a := range e.Attempts {
			if _, err := tx.Exec(s.q.importAttempt, a.SessionID, a.QuizID, a.QuestionID, a.Mode, a.Answer, a.Domain, a.Lesson,
				b2i(a.Correct), a.TakenMs, ms(a.At)); err != nil {
				return fmt.Errorf("attempt %s/%s: %w", a.QuizID, a.QuestionID, err)
			}
		}
		for _, r := range e.Results {
			var err error
			if r.SessionID != "" {
				_, err = tx.Exec(s.q.upsertResult, r.SessionID, r.QuizID, r.Mode, r.Correct, r.Total, r.Scaled, b2i(r.Passed), ms(r.At))
			} else {
				_, err = tx.Exec(s.q.importResult, r.QuizID, r.Mode, r.Correct, r.Total, r.Scaled, b2i(r.Passed), ms(r.At))
			}
			if err != nil {
				return fmt.Errorf("result %s: %w", r.QuizID, err)
			}
		}
		for _, c := range e.Cards {
			if _, err := tx.Exec(s.q.cardUpsertNewer, cardArgs(c, now)...); err != nil {
				return fmt.Errorf("card %s: %w", c.QuestionID, err)
			}
		}
		for _, l := range e.Labs {
			upd := l.UpdatedAt
			if upd.IsZero() {
				upd = now
			}
			if _, err := tx.Exec(s.q.importLab, l.LabID, l.StepsPassed, ms(l.CompletedAt), l.SolutionsShown, ms(upd)); err != nil {
				return fmt.Errorf("lab %s: %w", l.LabID, err)
			}
			if err := s.saveSteps(tx, s.q.importStep, l); err != nil {
				return fmt.Errorf("lab %s: %w", l.LabID, err)
			}
		}
		return nil
	})
}
