package lab

import (
	"fmt"
	"strings"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/shell"
)

// FromFile parses a course lab file. Problems carry the file's path and
// lines.
func FromFile(lf *course.LabFile) (*Lab, []course.Problem) {
	if lf == nil {
		return nil, []course.Problem{{Msg: "no lab file"}}
	}
	l, probs := Parse(lf.Body, lf.BodyLine)
	for i := range probs {
		probs[i].File = lf.Path
	}
	l.ID, l.Title, l.Lesson, l.Minutes, l.Path, l.World = lf.ID, lf.Title, lf.Lesson, lf.Minutes, lf.Path, lf.World
	setup, err := shell.ScriptLines(strings.Join(lf.Setup, "\n"))
	if err != nil {
		probs = append(probs, course.Problem{File: lf.Path, Line: lf.Keys.Line("setup"), Msg: "setup: " + err.Error()})
	}
	for _, c := range setup {
		l.Setup = append(l.Setup, c.Text)
	}
	return l, probs
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
		l, ps := FromFile(lf)
		probs = append(probs, ps...)
		if len(ps) == 0 {
			probs = append(probs, CheckSolutions(l)...)
		}
	}
	course.SortProblems(probs)
	return probs
}

// CheckSolutions runs a lab's setup and then each step's solution on a
// fresh simulation, and reports a failing command at its line, and a step
// whose check does not hold after its own solution at the step's heading.
// Later steps are not run once one fails.
func CheckSolutions(l *Lab) []course.Problem {
	if l.World == WorldReal {
		// Its solutions build and run real handlers, which takes seconds
		// and a Go toolchain: its tests run them (TestRealLab), check
		// does not.
		return nil
	}
	r, err := NewRunner(l)
	if err != nil {
		return []course.Problem{{File: l.Path, Line: 1, Msg: err.Error()}}
	}
	var probs []course.Problem
	for i, st := range l.Steps {
		for k, line := range st.Solution {
			out := r.Exec(line)
			if out.Err != nil {
				ln := st.SolutionLine
				if k < len(st.SolutionLines) {
					ln = st.SolutionLines[k]
				}
				probs = append(probs, course.Problem{File: l.Path, Line: ln,
					Msg: fmt.Sprintf("step %q: solution command fails: %s", st.Title, strings.Join(strings.Fields(out.Err.Error()), " "))})
			}
		}
		if r.Current() <= i {
			msg := fmt.Sprintf("step %q: its check does not hold after its solution (and the earlier steps' solutions)", st.Title)
			if e := r.Steps()[i].Error; e != "" {
				msg += ": " + e
			}
			probs = append(probs, course.Problem{File: l.Path, Line: st.Line, Msg: msg})
			break
		}
	}
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
