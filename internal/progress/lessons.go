package progress

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LessonState is what the store knows about one lesson.
type LessonState struct {
	LessonID    string    `json:"lessonId"`
	FirstOpened time.Time `json:"firstOpened,omitzero"`
	Position    float64   `json:"position"`        // scroll position, 0..1
	Percent     int       `json:"percent"`         // 0..100
	ReadAt      time.Time `json:"readAt,omitzero"` // zero if unread
	UpdatedAt   time.Time `json:"updatedAt,omitzero"`
}

// Read reports whether the lesson has been read to the end.
func (l LessonState) Read() bool { return !l.ReadAt.IsZero() }

// Location is the last place the learner was.
type Location struct {
	Kind string    `json:"kind"` // lesson, quiz or lab
	ID   string    `json:"id"`
	At   time.Time `json:"at"`
}

func scanLesson(sc interface{ Scan(...any) error }) (LessonState, error) {
	var l LessonState
	var first, read, upd sql.NullInt64
	if err := sc.Scan(&l.LessonID, &first, &l.Position, &l.Percent, &read, &upd); err != nil {
		return l, err
	}
	l.FirstOpened, l.ReadAt, l.UpdatedAt = fromMs(first), fromMs(read), fromMs(upd)
	return l, nil
}

// Lessons returns the state of every lesson the learner has opened, by id.
func (s *Store) Lessons() (out map[string]LessonState, err error) {
	err = s.direct(func(q scoped) error { out, err = s.lessons(q); return err })
	return out, err
}

func (s *Store) lessons(q scoped) (map[string]LessonState, error) {
	rows, err := q.Query(s.q.lessons)
	if err != nil {
		return nil, s.wrap("read lessons", err)
	}
	defer rows.Close()
	out := map[string]LessonState{}
	for rows.Next() {
		l, err := scanLesson(rows)
		if err != nil {
			return nil, s.wrap("read lessons", err)
		}
		out[l.LessonID] = l
	}
	return out, s.wrap("read lessons", rows.Err())
}

// Lesson returns the state of one lesson; a lesson never opened gives a zero
// state with LessonID set and no error.
func (s *Store) Lesson(id string) (LessonState, error) {
	var l LessonState
	err := s.direct(func(q scoped) (err error) { l, err = scanLesson(q.QueryRow(s.q.lesson, id)); return err })
	if errors.Is(err, sql.ErrNoRows) {
		return LessonState{LessonID: id}, nil
	}
	if err != nil {
		return LessonState{}, s.wrap("read lesson "+id, err)
	}
	return l, nil
}

func checkID(what, id string) error {
	if id == "" {
		return fmt.Errorf("progress: empty %s id", what)
	}
	return nil
}

// OpenLesson records that the lesson was opened (FirstOpened is set once).
func (s *Store) OpenLesson(id string) error {
	if err := checkID("lesson", id); err != nil {
		return err
	}
	now := ms(s.now())
	return s.tx("open lesson "+id, func(tx scoped) error {
		_, err := tx.Exec(s.q.openLesson, id, now, now)
		return err
	})
}

// SavePosition stores the scroll position (0..1) and the percentage (0..100)
// of a lesson; out-of-range values are errors.
func (s *Store) SavePosition(id string, pos float64, percent int) error {
	if err := checkID("lesson", id); err != nil {
		return err
	}
	if !(pos >= 0 && pos <= 1) {
		return fmt.Errorf("progress: lesson %s: position %v is outside 0..1", id, pos)
	}
	if percent < 0 || percent > 100 {
		return fmt.Errorf("progress: lesson %s: percent %d is outside 0..100", id, percent)
	}
	now := ms(s.now())
	return s.tx("save position of "+id, func(tx scoped) error {
		_, err := tx.Exec(s.q.savePosition, id, now, pos, percent, now)
		return err
	})
}

// MarkRead records that the lesson was read to the end: ReadAt is set the
// first time only, and Percent becomes 100.
func (s *Store) MarkRead(id string) error {
	if err := checkID("lesson", id); err != nil {
		return err
	}
	now := ms(s.now())
	return s.tx("mark read "+id, func(tx scoped) error {
		_, err := tx.Exec(s.q.markRead, id, now, now, now)
		return err
	})
}

// SetLast records the last location; kind is lesson, quiz or lab.
func (s *Store) SetLast(kind, id string) error {
	switch kind {
	case "lesson", "quiz", "lab":
	default:
		return fmt.Errorf("progress: location kind %q is not lesson, quiz or lab", kind)
	}
	if err := checkID(kind, id); err != nil {
		return err
	}
	now := ms(s.now())
	return s.tx("set last location", func(tx scoped) error {
		_, err := tx.Exec(s.q.setLast, kind, id, now)
		return err
	})
}

// Last returns the last location; ok is false if none was recorded.
func (s *Store) Last() (Location, bool, error) {
	var l Location
	var at sql.NullInt64
	err := s.direct(func(q scoped) error { return q.QueryRow(s.q.last).Scan(&l.Kind, &l.ID, &at) })
	if errors.Is(err, sql.ErrNoRows) {
		return Location{}, false, nil
	}
	if err != nil {
		return Location{}, false, s.wrap("read last location", err)
	}
	l.At = fromMs(at)
	return l, true, nil
}
