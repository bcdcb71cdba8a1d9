package quiz

import (
	"fmt"

	"github.com/cloudlab/cloudlab/internal/course"
)

// FromCourse parses the questions of a loaded quiz file.
func FromCourse(qf *course.QuizFile) (*Quiz, []course.Problem) {
	h := Header{ID: qf.ID, Title: qf.Title, Lesson: qf.Lesson, Domain: qf.Domain, Lines: FrontMatterLines(qf.Source)}
	bodyLine := qf.BodyLine
	if bodyLine < 1 {
		bodyLine = 1
	}
	q, probs := Parse(qf.Path, qf.Body, bodyLine, h)
	return q, toCourse(probs)
}

func toCourse(ps []Problem) []course.Problem {
	out := make([]course.Problem, 0, len(ps))
	for _, p := range ps {
		out = append(out, course.Problem{File: p.File, Line: p.Line, Msg: p.Msg})
	}
	return out
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
