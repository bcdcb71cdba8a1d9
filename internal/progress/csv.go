package progress

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"
)

// CSVHeader lists the columns WriteCSV writes. Each row is a lesson or a quiz
// result, told apart by kind:
//
//	kind          "lesson" or "quiz"
//	id            lesson id, or quiz id
//	status        lesson: "read" or "opened"; quiz: "passed" or "failed"
//	percent       lesson: percent read (0..100); quiz: score percent, rounded
//	correct       quiz: right answers (empty for lessons)
//	total         quiz: questions (empty for lessons)
//	scaled        quiz: scaled score 100..1000 in exam mode, else empty
//	mode          quiz: practice, exam or review (empty for lessons)
//	session       quiz: session id (empty for lessons)
//	first_opened  lesson: when first opened (RFC 3339, UTC), else empty
//	read_at       lesson: when read to the end, else empty
//	at            lesson: last update; quiz: when the result was recorded
//
// Lessons come first (sorted by id), then results (oldest first).
var CSVHeader = []string{"kind", "id", "status", "percent", "correct", "total", "scaled", "mode", "session", "first_opened", "read_at", "at"}

// WriteCSV writes the lessons and quiz results of e as one CSV table with the
// columns of CSVHeader.
func WriteCSV(w io.Writer, e Export) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, l := range e.Lessons {
		status := "opened"
		if l.Read() {
			status = "read"
		}
		if err := cw.Write([]string{"lesson", l.LessonID, status, strconv.Itoa(l.Percent), "", "", "", "", "",
			csvTime(l.FirstOpened), csvTime(l.ReadAt), csvTime(l.UpdatedAt)}); err != nil {
			return err
		}
	}
	for _, r := range e.Results {
		status := "failed"
		if r.Passed {
			status = "passed"
		}
		scaled := ""
		if r.Scaled != 0 {
			scaled = strconv.Itoa(r.Scaled)
		}
		pct := strconv.FormatFloat(r.Percent(), 'f', 0, 64)
		if err := cw.Write([]string{"quiz", r.QuizID, status, pct, strconv.Itoa(r.Correct), strconv.Itoa(r.Total),
			scaled, r.Mode, r.SessionID, "", "", csvTime(r.At)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
