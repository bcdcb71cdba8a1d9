package lab

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/course"
)

// wantLabs are the course's labs (CONTRACTS.md).
var wantLabs = []string{"lab-first-invocation", "lab-keep-alive", "lab-concurrency", "lab-provisioned",
	"lab-async", "lab-ecs-first-steps", "lab-services-heal", "lab-deploy-and-scale", "lab-choosing-compute"}

func embeddedCourse(t *testing.T) *course.Course {
	t.Helper()
	c, probs := course.Load(course.Embedded())
	if c == nil {
		t.Fatal("course.Load returned nil")
	}
	for _, p := range probs {
		if strings.HasPrefix(p.File, "labs/") {
			t.Errorf("%s", p)
		}
	}
	return c
}

func TestEmbeddedLabsValidate(t *testing.T) {
	c := embeddedCourse(t)
	for _, p := range Validate(c) {
		t.Errorf("%s", p)
	}
	for _, id := range wantLabs {
		lf := c.Lab(id)
		if lf == nil {
			t.Errorf("lab %s missing", id)
			continue
		}
		if lf.Lesson == "" {
			t.Errorf("lab %s names no lesson", id)
		}
	}
}

// solutionScript joins the solutions of every step except skip (-1: none).
func solutionScript(l *Lab, skip int) string {
	var b strings.Builder
	for i, s := range l.Steps {
		if i == skip {
			continue
		}
		for _, line := range s.Solution {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func describe(res Result) string {
	var b strings.Builder
	for i, s := range res.Steps {
		fmt.Fprintf(&b, "  step %d %q passed=%v command=%d %s\n", i+1, s.Title, s.Passed, s.Command, s.Error)
	}
	return b.String()
}

// TestLabSolutionsPass runs every lab's solutions headless: all steps must
// pass, each at or after its own solution's commands. Then, for each step,
// a wrong attempt that leaves out that step's commands must fail.
func TestLabSolutionsPass(t *testing.T) {
	c := embeddedCourse(t)
	for _, lf := range c.Labs {
		t.Run(lf.ID, func(t *testing.T) {
			l, probs := FromFile(lf)
			if len(probs) > 0 {
				t.Fatalf("problems: %v", probs)
			}
			r, err := newTestRunner(t, l)
			if err != nil {
				t.Fatal(err)
			}
			cmd := 0
			for i, s := range l.Steps {
				for _, line := range s.Solution {
					out := r.Exec(line)
					cmd++
					if out.Err != nil {
						t.Errorf("step %d solution %q: %v", i+1, line, out.Err)
					}
				}
				if r.Current() <= i {
					st := r.Steps()[i]
					t.Fatalf("step %d %q did not pass after its solution (check error: %s)\n%s\nlast output:\n%s",
						i+1, s.Title, st.Error, describe(r.Result()), r.History()[len(r.History())-1].Text)
				}
			}
			if !r.Result().Passed {
				t.Fatalf("lab did not pass:\n%s", describe(r.Result()))
			}
			for skip := range l.Steps {
				if l.World == WorldReal {
					// Each run waits on go build and real processes: run
					// them side by side.
					t.Run(fmt.Sprintf("without-step-%d", skip+1), func(t *testing.T) {
						t.Parallel()
						r2, err := newTestRunner(t, l)
						if err != nil {
							t.Fatal(err)
						}
						if res := runScript(r2, solutionScript(l, skip)); res.Passed {
							t.Errorf("leaving out step %d's commands still passes the lab: its check is too weak\n%s", skip+1, describe(res))
						}
					})
					continue
				}
				r2, err := newTestRunner(t, l)
				if err != nil {
					t.Fatal(err)
				}
				res := runScript(r2, solutionScript(l, skip))
				if res.Passed {
					t.Errorf("leaving out step %d's commands still passes the lab: its check is too weak\n%s", skip+1, describe(res))
				}
			}
		})
	}
}

// TestEveryStepSaysWhatHappened: every step has a passed block, the "what
// just happened" the lab screen shows once the step passes.
func TestEveryStepSaysWhatHappened(t *testing.T) {
	c := embeddedCourse(t)
	for _, lf := range c.Labs {
		l, _ := FromFile(lf)
		for i, st := range l.Steps {
			if len(strings.Fields(st.Passed)) < 15 {
				t.Errorf("%s step %d %q: no passed block worth reading (%q)", l.ID, i+1, st.Title, st.Passed)
			}
		}
	}
}

// TestLabCommandsWorkOnAWS lints every command a lab shows (setup,
// solutions, hints and the steps' code blocks) for forms that would fail
// on AWS: a raw JSON --payload without --cli-binary-format raw-in-base64-out
// (CLI v2 reads it as base64), and a container instance launched without
// an AMI, without the ECS instance profile, or with user data that is not
// a script writing /etc/ecs/ecs.config.
func TestLabCommandsWorkOnAWS(t *testing.T) {
	c := embeddedCourse(t)
	var payloads, launches int
	for _, lf := range c.Labs {
		l, _ := FromFile(lf)
		var lines []string
		lines = append(lines, l.Setup...)
		for _, st := range l.Steps {
			lines = append(lines, st.Solution...)
			for _, h := range st.Hints {
				lines = append(lines, strings.Split(h, "\n")...)
			}
			body := strings.ReplaceAll(st.Body, "\\\n", " ")
			lines = append(lines, strings.Split(body, "\n")...)
		}
		for _, line := range lines {
			line = strings.Join(strings.Fields(strings.Trim(strings.TrimSpace(line), "`")), " ")
			if !strings.HasPrefix(line, "aws ") {
				continue
			}
			if strings.HasPrefix(line, "aws lambda invoke ") && (strings.Contains(line, "--payload '{") || strings.Contains(line, `--payload "{`)) &&
				!strings.Contains(line, "--cli-binary-format raw-in-base64-out") {
				t.Errorf("%s: raw JSON payload without --cli-binary-format raw-in-base64-out: %s", l.ID, line)
			}
			if strings.Contains(line, "--payload") {
				payloads++
			}
			if strings.HasPrefix(line, "aws ec2 run-instances ") && strings.Contains(line, "ECS_CLUSTER") {
				launches++
				for _, want := range []string{"--image-id ", "--iam-instance-profile Name=ecsInstanceRole", "#!/bin/bash", ">> /etc/ecs/ecs.config"} {
					if !strings.Contains(line, want) {
						t.Errorf("%s: run-instances without %q: %s", l.ID, want, line)
					}
				}
			}
		}
	}
	if payloads < 4 || launches < 8 {
		t.Errorf("linted %d invoke payloads and %d container-instance launches: fewer than the labs show", payloads, launches)
	}
}
