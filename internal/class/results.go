package class

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// identityFile records, in a student's folder, the name and role the
// roster gave (results show the name, not only the folder).
const identityFile = "student.json"

type identity struct {
	Name       string `json:"name"`
	Instructor bool   `json:"instructor,omitempty"`
}

func writeIdentity(dir string, st *Student) error {
	b, err := json.Marshal(identity{Name: st.Name, Instructor: st.Instructor})
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, identityFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, identityFile))
}

func readIdentity(dir string) identity {
	var id identity
	b, err := os.ReadFile(filepath.Join(dir, identityFile))
	if err == nil && len(b) < 4096 {
		_ = json.Unmarshal(b, &id)
	}
	return id
}

// Row is one student's results.
type Row struct {
	Student     string    `json:"student"`
	Folder      string    `json:"folder"`
	Instructor  bool      `json:"instructor,omitempty"`
	LessonsRead int       `json:"lessonsRead"`
	Lessons     int       `json:"lessons"` // in the course
	Quizzes     []QuizRow `json:"quizzes"`
	Exams       []ExamRow `json:"exams"`
	Labs        []LabRow  `json:"labs"`
	// Assignments: how many of the --assign file's items are done.
	AssignmentsDone int    `json:"assignmentsDone"`
	Assignments     int    `json:"assignments"`
	Error           string `json:"error,omitempty"` // the store could not be read
}

// QuizRow is a quiz's practice results.
type QuizRow struct {
	QuizID   string  `json:"quizId"`
	Best     float64 `json:"best"` // percent
	Last     float64 `json:"last"` // percent
	Sessions int     `json:"sessions"`
}

// ExamRow is one exam attempt.
type ExamRow struct {
	QuizID  string    `json:"quizId,omitempty"` // "" for a mock exam over every quiz
	Correct int       `json:"correct"`
	Total   int       `json:"total"`
	Scaled  int       `json:"scaled"`
	Passed  bool      `json:"passed"`
	At      time.Time `json:"at"`
}

// LabRow is a lab's progress.
type LabRow struct {
	LabID          string `json:"labId"`
	StepsDone      int    `json:"stepsDone"`
	Steps          int    `json:"steps"` // in the course (0 when unknown)
	Completed      bool   `json:"completed"`
	SolutionsShown int    `json:"solutionsShown"`
	// StepTimes: the wall time spent on each step the student started.
	StepTimes []StepRow `json:"stepTimes,omitempty"`
}

// StepRow is the time a student spent on one lab step.
type StepRow struct {
	Step         int       `json:"step"` // 1-based
	StartedAt    time.Time `json:"startedAt,omitzero"`
	PassedAt     time.Time `json:"passedAt,omitzero"` // zero until it passed
	SpentSeconds int64     `json:"spentSeconds"`      // time with the lab open on this step
}

// Passed reports whether the step passed.
func (s StepRow) Passed() bool { return !s.PassedAt.IsZero() }

// Results reads every student's progress, one row per student, sorted by
// name: from the SQLite files under dataDir/students, or, when pg is set,
// from that PostgreSQL store. c gives the totals (lessons, lab steps).
func Results(dataDir string, pg *progress.Postgres, c *course.Course, a *Assignments) ([]Row, error) {
	students, err := newBackend(dataDir, pg).enrolled()
	if err != nil {
		return nil, err
	}
	steps := map[string]int{}
	lessons := 0
	if c != nil {
		lessons = len(c.Lessons)
		for _, lf := range c.Labs {
			if l, err := lab.Find(c, lf.ID); err == nil {
				steps[lf.ID] = len(l.Steps)
			}
		}
	}
	var rows []Row
	for _, e := range students {
		r := Row{Student: e.Name, Folder: e.Folder, Instructor: e.Instructor, Lessons: lessons}
		if r.Student == "" {
			r.Student = e.Folder
		}
		if err := fillRow(&r, e.open, steps, a); err != nil {
			r.Error = strings.Join(strings.Fields(err.Error()), " ")
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Student != rows[j].Student {
			return rows[i].Student < rows[j].Student
		}
		return rows[i].Folder < rows[j].Folder
	})
	return rows, nil
}

func fillRow(r *Row, open func() (*progress.Store, error), steps map[string]int, a *Assignments) error {
	st, err := open()
	if err != nil {
		return err
	}
	defer st.Close()
	if a != nil {
		done, err := a.Done(st)
		if err != nil {
			return err
		}
		r.Assignments = len(done)
		for _, d := range done {
			if d {
				r.AssignmentsDone++
			}
		}
	}
	ls, err := st.Lessons()
	if err != nil {
		return err
	}
	for _, l := range ls {
		if l.Read() {
			r.LessonsRead++
		}
	}
	res, err := st.Results("")
	if err != nil {
		return err
	}
	qi := map[string]int{}
	for _, q := range res { // oldest first
		switch q.Mode {
		case "exam":
			r.Exams = append(r.Exams, ExamRow{QuizID: q.QuizID, Correct: q.Correct, Total: q.Total, Scaled: q.Scaled, Passed: q.Passed, At: q.At})
		case "review":
		default:
			p := q.Percent()
			i, ok := qi[q.QuizID]
			if !ok {
				i = len(r.Quizzes)
				qi[q.QuizID] = i
				r.Quizzes = append(r.Quizzes, QuizRow{QuizID: q.QuizID, Best: p})
			}
			qr := &r.Quizzes[i]
			qr.Best = max(qr.Best, p)
			qr.Last = p
			qr.Sessions++
		}
	}
	sort.Slice(r.Quizzes, func(i, j int) bool { return r.Quizzes[i].QuizID < r.Quizzes[j].QuizID })
	labs, err := st.Labs()
	if err != nil {
		return err
	}
	for id, l := range labs {
		lr := LabRow{LabID: id, StepsDone: l.StepsPassed, Steps: steps[id], Completed: l.Completed(), SolutionsShown: l.SolutionsShown}
		for _, t := range l.Steps {
			lr.StepTimes = append(lr.StepTimes, StepRow{Step: t.Step + 1, StartedAt: t.StartedAt, PassedAt: t.PassedAt,
				SpentSeconds: int64(t.Spent().Round(time.Second) / time.Second)})
		}
		r.Labs = append(r.Labs, lr)
	}
	sort.Slice(r.Labs, func(i, j int) bool { return r.Labs[i].LabID < r.Labs[j].LabID })
	return nil
}

// CSVHeader is the header of WriteResultsCSV.
var CSVHeader = []string{"student", "folder", "role", "lessons_read", "lessons_total",
	"quiz_best", "quiz_last", "exam_attempts", "exam_scaled", "labs_completed", "labs", "lab_step_times",
	"assignments_done", "assignments", "error"}

// WriteResultsCSV writes one row per student. List columns hold
// "id value" items separated by "; ". lab_step_times holds, per lab, the
// time spent on each step started ("lab-x 1:2m05s 2:40s 3:1m10s+", a +
// marking a step not passed yet).
func WriteResultsCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, r := range rows {
		var best, last, exams, labs []string
		for _, q := range r.Quizzes {
			best = append(best, q.QuizID+" "+pct(q.Best))
			last = append(last, q.QuizID+" "+pct(q.Last))
		}
		for _, e := range r.Exams {
			pf := "fail"
			if e.Passed {
				pf = "pass"
			}
			exams = append(exams, strconv.Itoa(e.Scaled)+" "+pf)
		}
		done := 0
		var times []string
		for _, l := range r.Labs {
			s := fmt.Sprintf("%s %d/%d", l.LabID, l.StepsDone, l.Steps)
			if l.Completed {
				done++
				s += " done"
			}
			labs = append(labs, s)
			if len(l.StepTimes) > 0 {
				times = append(times, l.LabID+" "+stepTimes(l.StepTimes))
			}
		}
		role := "student"
		if r.Instructor {
			role = "instructor"
		}
		rec := []string{csvSafe(r.Student), r.Folder, role, strconv.Itoa(r.LessonsRead), strconv.Itoa(r.Lessons),
			strings.Join(best, "; "), strings.Join(last, "; "), strconv.Itoa(len(r.Exams)), strings.Join(exams, "; "),
			strconv.Itoa(done), strings.Join(labs, "; "), strings.Join(times, "; "),
			strconv.Itoa(r.AssignmentsDone), strconv.Itoa(r.Assignments), r.Error}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func pct(p float64) string { return strconv.FormatFloat(p, 'f', 0, 64) + "%" }

// stepTimes is "1:2m05s 2:40s 3:1m10s+": each step started, the time spent
// on it, + when it has not passed yet.
func stepTimes(ts []StepRow) string {
	var parts []string
	for _, t := range ts {
		s := strconv.Itoa(t.Step) + ":" + spent(time.Duration(t.SpentSeconds)*time.Second)
		if !t.Passed() {
			s += "+"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// spent is a duration as people write it: 40s, 2m05s, 1h02m.
func spent(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s/60%60)
}

// csvSafe keeps a spreadsheet from reading a name as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteResultsTable writes the rows for a terminal: one line per student.
func WriteResultsTable(w io.Writer, rows []Row) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "No student has connected yet.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STUDENT\tLESSONS\tQUIZZES (best/last)\tEXAMS\tLABS")
	for _, r := range rows {
		var qs, ex, ls []string
		for _, q := range r.Quizzes {
			qs = append(qs, fmt.Sprintf("%s %s/%s", q.QuizID, pct(q.Best), pct(q.Last)))
		}
		for _, e := range r.Exams {
			ex = append(ex, strconv.Itoa(e.Scaled))
		}
		for _, l := range r.Labs {
			s := fmt.Sprintf("%s %d/%d", l.LabID, l.StepsDone, l.Steps)
			if len(l.StepTimes) > 0 {
				s += " (" + stepTimes(l.StepTimes) + ")"
			}
			ls = append(ls, s)
		}
		name := termtext.Sanitize(r.Student)
		if r.Error != "" {
			name += " (error: " + termtext.Sanitize(r.Error) + ")"
		}
		fmt.Fprintf(tw, "%s\t%d/%d\t%s\t%s\t%s\n", name, r.LessonsRead, r.Lessons,
			dash(strings.Join(qs, ", ")), dash(strings.Join(ex, ", ")), dash(strings.Join(ls, ", ")))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
