package lab

import (
	"fmt"

	"github.com/cloudlab/cloudlab/internal/course"
)

// FromFile parses a course lab file. Problems carry the file's path and
// lines.
func FromFile(lf *course.LabFile) (*Lab, []course.Problem) {
	if lf == nil {
		return nil, []course.Problem{{Msg: "no lab file"}}
	}
	l, ps := Parse(lf.Body, lf.BodyLine)
	l.ID, l.Title, l.Lesson, l.Minutes, l.Path = lf.ID, lf.Title, lf.Lesson, lf.Minutes, lf.Path
	l.Setup = CommandLines(joinLines(lf.Setup))
	var probs []course.Problem
	for _, p := range ps {
		probs = append(probs, course.Problem{File: lf.Path, Line: p.Line, Msg: p.Msg})
	}
	return l, probs
}

func joinLines(ls []string) string {
	s := ""
	for _, l := range ls {
		s += l + "\n"
	}
	return s
}

// Validate parses every lab of a course and returns the problems found
// (bad steps, checks that do not compile, a lab without steps), each at
// file:line. `cloudlab check` appends these to course.Load's problems.
func Validate(c *course.Course) []course.Problem {
	if c == nil {
		return nil
	}
	var probs []course.Problem
	for _, lf := range c.Labs {
		_, ps := FromFile(lf)
		probs = append(probs, ps...)
	}
	course.SortProblems(probs)
	return probs
}

// Find parses the lab with the given id from a course.
func Find(c *course.Course, id string) (*Lab, error) {
	if c == nil {
		return nil, fmt.Errorf("no course loaded")
	}
	lf := c.Lab(id)
	if lf == nil {
		ids := make([]string, 0, len(c.Labs))
		for _, l := range c.Labs {
			ids = append(ids, l.ID)
		}
		return nil, fmt.Errorf("no lab %q (labs: %v)", id, ids)
	}
	l, probs := FromFile(lf)
	if len(probs) > 0 {
		return nil, fmt.Errorf("%s (and %d more problems; run cloudlab check)", probs[0], len(probs)-1)
	}
	return l, nil
}
