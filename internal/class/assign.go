package class

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
)

// MaxAssignFile bounds the assignments file.
const MaxAssignFile = 1 << 20

// Assignments is the --assign file: work everyone gets, with due dates.
//
//	title: Week 3
//	assignments:
//	  - lesson: lambda-anatomy
//	    due: 2026-12-10
//	  - quiz: lambda-anatomy
//	    mode: exam        # practice (default) or exam
//	    count: 10         # questions drawn; 0 = all
//	    time: 15m         # exam time limit
//	    seed: 42          # everyone gets the same paper
//	    due: 2026-12-12
//	  - lab: lab-first-invocation
//	    due: 2026-12-12
type Assignments struct {
	Title string       `yaml:"title"`
	Items []Assignment `yaml:"assignments"`
}

// Assignment is one piece of assigned work: exactly one of Lesson, Quiz, Lab.
type Assignment struct {
	Lesson string  `yaml:"lesson"`
	Quiz   string  `yaml:"quiz"`
	Lab    string  `yaml:"lab"`
	Mode   string  `yaml:"mode"`
	Count  int     `yaml:"count"`
	Time   string  `yaml:"time"`
	Seed   *uint64 `yaml:"seed"`
	Due    string  `yaml:"due"` // 2006-01-02 or RFC 3339

	due  time.Time
	time time.Duration
}

// Kind is lesson, quiz or lab.
func (a Assignment) Kind() string {
	switch {
	case a.Lesson != "":
		return "lesson"
	case a.Quiz != "":
		return "quiz"
	}
	return "lab"
}

// ID is the lesson, quiz or lab id.
func (a Assignment) ID() string { return a.Lesson + a.Quiz + a.Lab }

// DueAt is the due time (zero when none).
func (a Assignment) DueAt() time.Time { return a.due }

// Request is the quiz request of a quiz assignment.
func (a Assignment) Request() quiz.Request {
	return quiz.Request{ID: a.Quiz, Mode: quiz.Mode(a.Mode), Count: a.Count, Time: a.time, Seed: a.Seed}
}

// LoadAssignments reads and checks an assignments file against the course.
func LoadAssignments(path string, c *course.Course) (*Assignments, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("assignments: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxAssignFile+1))
	if err != nil {
		return nil, fmt.Errorf("assignments: %w", err)
	}
	if len(b) > MaxAssignFile {
		return nil, fmt.Errorf("assignments %s: larger than %d bytes", path, MaxAssignFile)
	}
	a, err := ParseAssignments(b, c)
	if err != nil {
		return nil, fmt.Errorf("assignments %s: %w", path, err)
	}
	return a, nil
}

// ParseAssignments parses the YAML and checks every item against c.
func ParseAssignments(b []byte, c *course.Course) (*Assignments, error) {
	var a Assignments
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&a); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(a.Items) > 200 {
		return nil, fmt.Errorf("%d assignments: at most 200", len(a.Items))
	}
	var errs []error
	for i := range a.Items {
		it := &a.Items[i]
		n := 0
		for _, s := range []string{it.Lesson, it.Quiz, it.Lab} {
			if s != "" {
				n++
			}
		}
		where := fmt.Sprintf("assignment %d", i+1)
		if n != 1 {
			errs = append(errs, fmt.Errorf("%s: give exactly one of lesson, quiz or lab", where))
			continue
		}
		switch it.Kind() {
		case "lesson":
			if c != nil && c.Lesson(it.Lesson) == nil {
				errs = append(errs, fmt.Errorf("%s: no lesson %q in the course", where, it.Lesson))
			}
		case "quiz":
			if c != nil && c.Quiz(it.Quiz) == nil {
				errs = append(errs, fmt.Errorf("%s: no quiz %q in the course", where, it.Quiz))
			}
			if it.Time != "" {
				d, err := time.ParseDuration(it.Time)
				if err != nil || d <= 0 {
					errs = append(errs, fmt.Errorf("%s: time %q: want a duration such as 15m", where, it.Time))
				}
				it.time = d
			}
			if err := it.Request().Validate(); err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", where, err))
			}
		case "lab":
			if c != nil && c.Lab(it.Lab) == nil {
				errs = append(errs, fmt.Errorf("%s: no lab %q in the course", where, it.Lab))
			}
		}
		if it.Kind() != "quiz" && (it.Mode != "" || it.Count != 0 || it.Time != "" || it.Seed != nil) {
			errs = append(errs, fmt.Errorf("%s: mode, count, time and seed are for quizzes", where))
		}
		if it.Due != "" {
			d, err := time.Parse("2006-01-02", it.Due)
			if err != nil {
				d, err = time.Parse(time.RFC3339, it.Due)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: due %q: want 2006-01-02 or an RFC 3339 time", where, it.Due))
			}
			it.due = d
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &a, nil
}

// Done reports, per assignment, whether the student's store shows it done:
// a lesson read, a quiz result in the assigned mode, a lab completed.
func (a *Assignments) Done(st *progress.Store) ([]bool, error) {
	if a == nil {
		return nil, nil
	}
	ls, err := st.Lessons()
	if err != nil {
		return nil, err
	}
	res, err := st.Results("")
	if err != nil {
		return nil, err
	}
	labs, err := st.Labs()
	if err != nil {
		return nil, err
	}
	done := make([]bool, len(a.Items))
	for i, it := range a.Items {
		switch it.Kind() {
		case "lesson":
			done[i] = ls[it.Lesson].Read()
		case "quiz":
			mode := it.Mode
			if mode == "" {
				mode = string(quiz.Practice)
			}
			for _, r := range res {
				if r.QuizID == it.Quiz && (r.Mode == mode || (r.Mode == "" && mode == string(quiz.Practice))) {
					done[i] = true
				}
			}
		case "lab":
			done[i] = labs[it.Lab].Completed()
		}
	}
	return done, nil
}

// title of an assignment for screens.
func (a Assignment) title(c *course.Course) string {
	switch a.Kind() {
	case "lesson":
		if l := c.Lesson(a.Lesson); l != nil {
			return "Read: " + l.Title
		}
	case "quiz":
		t := a.Quiz
		if q := c.Quiz(a.Quiz); q != nil {
			t = q.Title
		}
		var opts []string
		if a.Mode == string(quiz.Exam) {
			opts = append(opts, "exam")
		}
		if a.Count > 0 {
			opts = append(opts, fmt.Sprintf("%d questions", a.Count))
		}
		if a.time > 0 {
			opts = append(opts, shortDuration(a.time))
		}
		if len(opts) > 0 {
			t += " (" + strings.Join(opts, ", ") + ")"
		}
		return "Quiz: " + t
	case "lab":
		if l := c.Lab(a.Lab); l != nil {
			return "Lab: " + l.Title
		}
	}
	return a.Kind() + ": " + a.ID()
}

// shortDuration is 15m, 1h, 1h30m, 45s: Duration.String without the zero
// units at the end.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
