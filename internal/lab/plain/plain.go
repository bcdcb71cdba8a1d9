// Package plain is the line-based lab: for screen readers, dumb terminals
// and pipes (`cloudlab lab ID --plain`, or no terminal). It prints the step,
// reads command lines, prints their output and says when a step passes,
// with the same lab commands as the lab screen (hint, solution, next, back,
// steps, reset step, exit). The simulated clock moves only with commands
// (`clock advance 5m`, and the time each command takes).
package plain

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/shell"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// Options configure Run.
type Options struct {
	In  io.Reader
	Out io.Writer
	// Seed seeds the simulation (lab.DefaultSeed when 0).
	Seed uint64
	// Render turns a step's Markdown into plain text for Out (nil: the
	// Markdown as it is).
	Render func(markdown string) string
	// Resume is the number of steps already passed (their solutions are
	// replayed first).
	Resume int
	// Saved is called after every step that passes and when the session
	// ends, to store the learner's progress.
	Saved func(r *lab.Runner) error
	// WorkDir is the workspace of a lab with real handlers (kept between
	// sessions); "" gives each run a temporary folder.
	WorkDir string
}

type session struct {
	o    Options
	l    *lab.Lab
	r    *lab.Runner
	view int
	in   *bufio.Scanner
	// stuck is the reason last told for the current step being stuck
	// (told once, until it changes or the step is reset).
	stuck string
}

// Run runs the lab until every step passed and the learner typed next, the
// learner types exit, or the input ends. It returns the runner, whose
// Result says how far the learner got.
func Run(l *lab.Lab, o Options) (*lab.Runner, error) {
	if o.Seed == 0 {
		o.Seed = lab.DefaultSeed
	}
	r, err := lab.NewRunner(l, runnerOptions(o)...)
	if err != nil {
		return nil, err
	}
	s := &session{o: o, l: l, r: r, in: bufio.NewScanner(o.In)}
	s.in.Buffer(make([]byte, 0, 64*1024), shell.MaxScriptLineBytes)
	s.printf("Lab: %s (%d steps).\n", l.Title, len(l.Steps))
	s.printf("Type commands at the > prompt. Lab commands: hint, solution, next, back, steps, reset step, exit.\n")
	if r.Real() {
		s.printf("This lab runs your handler as real processes, on the wall clock. Your files: %s\n%s\n", r.WorkDir(), r.Runtimes())
	} else {
		s.printf("The simulated clock moves only with your commands: use clock advance 5m to let time pass.\n")
	}
	if l.Intro != "" {
		s.printf("\n%s\n", s.text(l.Intro))
	}
	if o.Resume > 0 {
		if err := r.ReplaySolutions(min(o.Resume, len(l.Steps))); err != nil {
			s.printf("Could not resume: %v. Starting from step 1.\n", err)
			_ = r.Close()
			if r, err = lab.NewRunner(l, runnerOptions(o)...); err != nil {
				return nil, err
			}
			s.r = r
		} else {
			s.printf("\nWelcome back: you had passed %d of %d steps.\n", r.Current(), len(l.Steps))
		}
	}
	s.view = s.r.Current()
	s.showStep()
	// A lab with real handlers stops its processes when the session ends
	// (the returned runner's Result still reads).
	defer func() { _ = s.r.Close() }()
	defer s.save()
	for {
		s.printf("> ")
		if !s.in.Scan() {
			s.printf("\n")
			return s.r, s.in.Err()
		}
		line := strings.TrimSpace(s.in.Text())
		if quit := s.handle(line); quit {
			return s.r, nil
		}
	}
}

// runnerOptions are the lab runner's options for o.
func runnerOptions(o Options) []lab.Option {
	opts := []lab.Option{lab.WithSeed(o.Seed)}
	if o.WorkDir != "" {
		opts = append(opts, lab.WithWorkDir(o.WorkDir))
	}
	return opts
}

// printf writes to the terminal; everything is sanitised, since command
// output and lab text can hold control sequences.
func (s *session) printf(format string, a ...any) {
	fmt.Fprint(s.o.Out, termtext.Sanitize(fmt.Sprintf(format, a...)))
}

func (s *session) text(md string) string {
	if s.o.Render != nil {
		return strings.TrimRight(s.o.Render(md), "\n")
	}
	return strings.TrimSpace(md)
}

func (s *session) save() {
	if s.o.Saved != nil {
		if err := s.o.Saved(s.r); err != nil {
			s.printf("Progress not saved: %v\n", err)
		}
	}
}

func (s *session) showStep() {
	if s.view >= len(s.l.Steps) {
		res := s.r.Result()
		s.printf("\nLab complete: all %d steps passed, in %d commands and %s of simulated time. Type exit to leave.\n",
			len(s.l.Steps), res.Commands, res.Clock)
		return
	}
	st := s.l.Steps[s.view]
	s.printf("\nStep %d of %d: %s\nGoal: %s\n\n%s\n\n", s.view+1, len(s.l.Steps), st.Title, st.Goal, s.text(st.Body))
}

// handle runs one line; it reports whether the session ends.
func (s *session) handle(line string) bool {
	f := strings.Fields(strings.ToLower(line))
	switch {
	case len(f) == 0 || (len(f) == 1 && f[0] == "next"):
		switch {
		case s.view >= len(s.l.Steps):
			s.printf("The lab is complete. Type exit to leave.\n")
		case s.view < s.r.Current():
			s.view++
			s.showStep()
		case len(f) > 0:
			s.printf("Step %d has not passed yet. %s\n", s.view+1, s.l.Steps[s.view].Goal)
		}
	case len(f) == 1 && (f[0] == "exit" || f[0] == "quit"):
		s.printf("Leaving the lab; your progress is kept.\n")
		return true
	case len(f) == 1 && f[0] == "back":
		if s.view == 0 {
			s.printf("This is the first step.\n")
		} else {
			s.view--
			s.showStep()
		}
	case len(f) == 1 && f[0] == "steps":
		for i, st := range s.l.Steps {
			mark := "to do"
			switch {
			case i < s.r.Current():
				mark = "passed"
			case i == s.r.Current():
				mark = "current"
			}
			s.printf("%d. %s (%s): %s\n", i+1, st.Title, mark, st.Goal)
		}
	case len(f) == 1 && f[0] == "hint":
		if h, n, total, ok := s.r.NextHint(); ok {
			s.printf("Hint %d of %d: %s\n", n, total, s.text(h))
		} else {
			s.printf("No more hints. Type solution to see the solution.\n")
		}
	case len(f) == 1 && f[0] == "solution":
		if s.r.Done() {
			s.printf("Every step passed: no solution needed.\n")
			break
		}
		s.printf("Show the solution of step %d? It is recorded in your progress. Type y or n: ", s.r.Current()+1)
		if !s.in.Scan() || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(s.in.Text())), "y") {
			s.printf("The solution stays hidden.\n")
			break
		}
		s.printf("Solution:\n")
		env := s.r.Env()
		for _, l := range s.r.ShowSolution() {
			if x, err := lab.Expand(l, env); err == nil {
				l = x
			}
			s.printf("  %s\n", l)
		}
		s.save()
	case len(f) == 2 && f[0] == "reset" && f[1] == "step":
		cur := s.r.Current()
		r, err := lab.NewRunner(s.l, runnerOptions(s.o)...)
		if err == nil {
			if err = r.ReplaySolutions(cur); err != nil {
				_ = r.Close()
			}
		}
		if err != nil {
			s.printf("reset step: %v\n", err)
			break
		}
		_ = s.r.Close()
		s.r, s.view, s.stuck = r, cur, ""
		s.printf("Step %d starts again from the state the earlier steps' solutions leave.\n", cur+1)
	default:
		s.run(line)
	}
	return false
}

func (s *session) run(line string) {
	out := s.r.Exec(line)
	if out.Err != nil {
		s.printf("%s\n", out.Err)
	} else {
		if txt := out.Result.String(); txt != "" {
			s.printf("%s\n", txt)
		}
		if len(out.Result.Logs) > 0 {
			s.printf("Log tail (LogResult, base64-decoded):\n%s\n", strings.Join(out.Result.Logs, "\n"))
		}
	}
	for _, i := range out.Passed {
		st := s.l.Steps[i]
		s.printf("Step %d passed: %s.\n", i+1, st.Title)
		if st.Passed != "" {
			s.printf("%s\n", s.text(st.Passed))
		}
	}
	if why, ok := s.r.Stuck(); ok && why != s.stuck {
		s.printf("Step %d cannot pass any more: %s\n", s.r.Current()+1, s.text(why))
		s.stuck = why
	} else if !ok {
		s.stuck = ""
	}
	if len(out.Passed) > 0 {
		s.save()
		if s.r.Done() {
			s.printf("Every step passed. Press enter (or type next) for the summary.\n")
		} else {
			s.printf("Press enter (or type next) for step %d.\n", s.r.Current()+1)
		}
	}
}
