package contenttest

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/expr-lang/expr"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/quiz"
)

// TestEmbeddedCourseValidates is `cloudlab check` on the built-in course.
func TestEmbeddedCourseValidates(t *testing.T) {
	c, probs := course.Load(course.Embedded())
	probs = append(probs, quiz.Validate(c)...)
	probs = append(probs, lab.Validate(c)...)
	for _, p := range probs {
		t.Error(p.String())
	}
	if len(c.Lessons) == 0 || len(c.Quizzes) == 0 {
		t.Fatalf("embedded course has %d lessons and %d quizzes", len(c.Lessons), len(c.Quizzes))
	}
}

// TestSimulatorBackedAnswers runs the ```sim block of every numeric question
// against a fresh simulated account and compares the `expect` expression,
// evaluated over `report --json` plus the lab checks' instances, builds,
// images, repositories and containers, with the question's stated answer. A
// mismatch means the question or the simulator is wrong: find out which.
func TestSimulatorBackedAnswers(t *testing.T) {
	c, _ := course.Load(course.Embedded())
	quizzes, probs := quiz.Load(c)
	for _, p := range probs {
		t.Error(p.String())
	}
	n := 0
	for _, qz := range quizzes {
		for _, q := range qz.Questions {
			if q.Sim == "" {
				continue
			}
			n++
			t.Run(q.ID, func(t *testing.T) {
				got, err := runScenario(q.Sim)
				if err != nil {
					t.Fatalf("%s:%d: %v", q.File, q.SimLine, err)
				}
				tol := q.Tolerance
				if tol == 0 {
					tol = 1e-9 * math.Max(1, math.Abs(q.Answer))
				}
				if math.Abs(got-q.Answer) > tol {
					t.Errorf("%s:%d: question %s states %v, the simulator computes %v",
						q.File, q.Line, q.ID, quiz.FormatNumber(q.Answer, q.Tolerance), got)
				}
			})
		}
	}
	t.Logf("%d simulator-backed questions checked", n)
}

func runScenario(script string) (float64, error) {
	// A lab runner without steps: its shell keeps files in memory (echo >
	// Dockerfile), expands ${...} from the check environment (an
	// instance's address for ssh), and its environment describes what the
	// report does not (instances, builds, images, repositories).
	r, err := lab.NewRunner(&lab.Lab{ID: "quiz-scenario"})
	if err != nil {
		return 0, err
	}
	var expect string
	for i, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if e, ok := strings.CutPrefix(line, "expect "); ok {
			expect = e
			continue
		}
		if expect != "" {
			return 0, fmt.Errorf("line %d: commands after expect", i+1)
		}
		if out := r.Exec(line); out.Err != nil {
			return 0, fmt.Errorf("line %d: %s: %v", i+1, line, out.Err)
		}
	}
	if expect == "" {
		return 0, fmt.Errorf("no 'expect <expression>' line")
	}
	b, err := json.Marshal(r.Acct.Report())
	if err != nil {
		return 0, err
	}
	var env map[string]any
	if err := json.Unmarshal(b, &env); err != nil {
		return 0, err
	}
	le := r.Env()
	env["instances"], env["builds"], env["images"], env["repositories"], env["containers"] =
		le.Instances, le.Builds, le.Images, le.Repositories, le.Containers
	out, err := expr.Eval(expect, env)
	if err != nil {
		return 0, fmt.Errorf("expect %s: %v", expect, err)
	}
	switch v := out.(type) {
	case float64:
		return v, nil
	case int:
		return float64(v), nil
	case bool:
		if v {
			return 1, nil
		}
		return 0, nil
	}
	return 0, fmt.Errorf("expect %s: got %T %v, want a number", expect, out, out)
}
