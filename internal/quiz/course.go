package quiz

import (
	"fmt"
	"path"
	"strings"
	"testing/fstest"

	"github.com/cloudlab/cloudlab/internal/course"
)

// FromCourse parses the questions of a loaded quiz file.
func FromCourse(qf *course.QuizFile) (*Quiz, []course.Problem) {
	h := Header{ID: qf.ID, Title: qf.Title, Lesson: qf.Lesson, Domain: qf.Domain, Exam: qf.Exam, Lines: qf.Keys}
	bodyLine := qf.BodyLine
	if bodyLine < 1 {
		bodyLine = 1
	}
	return Parse(qf.Path, qf.Body, bodyLine, h)
}

// Load parses every quiz of a course, in the course's order. Question ids
// must be unique across the course (they key the review cards); a
// duplicate is reported and renamed so the quizzes still run.
func Load(c *course.Course) ([]*Quiz, []course.Problem) {
	var out []*Quiz
	var probs []course.Problem
	seen := map[string]*Question{}
	for _, qf := range c.Quizzes {
		q, ps := FromCourse(qf)
		probs = append(probs, ps...)
		for _, x := range q.Questions {
			if prev, dup := seen[x.ID]; dup {
				probs = append(probs, course.Problem{File: x.File, Line: x.Line,
					Msg: fmt.Sprintf("question id %q is also used at %s:%d; question ids must be unique in the course", x.ID, prev.File, prev.Line)})
				x.ID = q.ID + ":" + x.ID
			}
			seen[x.ID] = x
		}
		out = append(out, q)
	}
	course.SortProblems(probs)
	return out, probs
}

// Validate checks every quiz of a course: questions without options or a
// right answer, malformed numeric answers, duplicate question ids (in a
// file and across the course), unknown domain codes. (course.Load itself
// reports a quiz whose lesson does not exist and unknown front-matter
// keys, so they are not repeated here.)
func Validate(c *course.Course) []course.Problem {
	_, probs := Load(c)
	return probs
}

// Find returns the quiz with this id, or nil.
func Find(qs []*Quiz, id string) *Quiz {
	for _, q := range qs {
		if q.ID == id {
			return q
		}
	}
	return nil
}

// AllQuestions joins the questions of several quizzes, in order.
func AllQuestions(qs []*Quiz) []*Question {
	var out []*Question
	for _, q := range qs {
		out = append(out, q.Questions...)
	}
	return out
}

// QuestionIndex maps question ids to questions.
func QuestionIndex(qs []*Quiz) map[string]*Question {
	m := map[string]*Question{}
	for _, q := range qs {
		for _, x := range q.Questions {
			m[x.ID] = x
		}
	}
	return m
}

// LoadFile loads src as the quiz file quizzes/BASE (BASE is name's last
// element) of a course holding nothing else, through course.Load like any
// course, and returns the quiz and that file's problems. Problems that only
// say the rest of the course is missing (no lessons, a lesson the front
// matter names) are left out. A file that cannot be read as a quiz gives
// an empty quiz and the problems.
func LoadFile(name string, src []byte) (*Quiz, []course.Problem) {
	file := path.Join(course.QuizzesDir, path.Base(name))
	c, probs := course.Load(fstest.MapFS{file: {Data: src}})
	var out []course.Problem
	for _, p := range probs {
		if p.File == file && !(strings.HasPrefix(p.Msg, "lesson ") && strings.HasSuffix(p.Msg, "does not exist")) {
			out = append(out, p)
		}
	}
	qs, qprobs := Load(c)
	out = append(out, qprobs...)
	course.SortProblems(out)
	if len(qs) == 0 {
		return &Quiz{File: file}, out
	}
	return qs[0], out
}
