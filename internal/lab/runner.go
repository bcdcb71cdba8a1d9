package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/ecs"
	"github.com/cloudlab/cloudlab/internal/shell"
	"github.com/cloudlab/cloudlab/internal/sim"
	"github.com/cloudlab/cloudlab/labs"
)

// DefaultSeed is the seed labs run with unless told otherwise, so a class
// sees the same simulation.
const DefaultSeed = 1

// maxLogInvocations bounds how many recent invocations' log lines the
// checks see (logs, logged, lastLog).
const maxLogInvocations = 256

// StepResult is the outcome of one step.
type StepResult struct {
	Title  string `json:"title"`
	Passed bool   `json:"passed"`
	// Command is the 1-based number of the learner command after which the
	// step's check first held (0 if it never did); Line is that command.
	Command int    `json:"command,omitempty"`
	Line    string `json:"line,omitempty"`
	// At is the simulated clock when the step passed.
	At string `json:"at,omitempty"`
	// HintsShown counts hints shown; SolutionShown says whether the
	// solution was revealed.
	HintsShown    int  `json:"hintsShown"`
	SolutionShown bool `json:"solutionShown"`
	// Error is the last error the check raised while evaluating, if any.
	Error string `json:"error,omitempty"`
}

// Result is a whole run's outcome (what `lab LAB --run FILE --json` prints).
type Result struct {
	Lab       string       `json:"lab"`
	Passed    bool         `json:"passed"`
	Steps     []StepResult `json:"steps"`
	Commands  int          `json:"commands"`
	Clock     string       `json:"clock"`
	Seed      uint64       `json:"seed"`
	Solutions int          `json:"solutionsShown"`
}

// Outcome is what one learner command produced.
type Outcome struct {
	Command Command
	Result  shell.Result
	Err     error
	// Passed lists the indexes of steps that passed after this command.
	Passed []int
}

// Runner runs one lab against one simulated account.
type Runner struct {
	Lab   *Lab
	Acct  *cloud.Account
	Shell *shell.Shell
	Seed  uint64

	steps   []StepResult
	current int
	history []Command
	env     *Env
	shOpts  []shell.Option

	// The current step began at stepAt, with command number stepCmd (an
	// index into history) and these per-function totals.
	stepAt   time.Duration
	stepCmd  int
	stepBase map[string]Function
	// stepBuilds is how many docker builds had run when the step began.
	stepBuilds int

	// real is set in a lab with real handlers (real.go); workDir is its
	// workspace (WithWorkDir).
	real    *realWorld
	workDir string
	// deferStart and starting: WithDeferredStart, and Start not yet done.
	deferStart, starting bool
	// placement caches the lines of the explanation placementOf.
	placementOf *ecs.Explanation
	placement   []string
	// mu guards current and steps, which the lab screen reads while a
	// command of a lab with real handlers runs in the background.
	mu sync.Mutex
}

// Option configures a Runner.
type Option func(*Runner)

// WithSeed sets the simulation seed (default DefaultSeed).
func WithSeed(seed uint64) Option { return func(r *Runner) { r.Seed = seed } }

// WithShellOptions configures the lab's shell, for example where file://
// paths are read (shell.WithDir of the script's folder).
func WithShellOptions(opts ...shell.Option) Option {
	return func(r *Runner) { r.shOpts = append(r.shOpts, opts...) }
}

// NewRunner creates a fresh simulated account, runs the lab's setup lines
// and returns a runner at step 1. A failing setup line is an error naming
// the line. A lab with real handlers starts its invoker and workspace here
// too, unless WithDeferredStart leaves that to Start.
func NewRunner(l *Lab, opts ...Option) (*Runner, error) {
	if l == nil {
		return nil, errors.New("lab: no lab")
	}
	r := &Runner{Lab: l, Seed: DefaultSeed}
	for _, o := range opts {
		o(r)
	}
	r.steps = make([]StepResult, len(l.Steps))
	for i, s := range l.Steps {
		r.steps[i].Title = s.Title
	}
	if l.World == WorldReal && r.deferStart {
		// A placeholder until Start: an empty simulated account, so the
		// lab screen can draw; commands wait for Start.
		r.starting = true
		r.Acct = cloud.New(r.Seed)
		r.Shell = shell.New(r.Acct, r.shOpts...)
		r.refresh()
		r.beginStep()
		return r, nil
	}
	if err := r.start(); err != nil {
		return nil, err
	}
	return r, nil
}

// WithDeferredStart makes NewRunner of a lab with real handlers return at
// once, without I/O, and Start do the work (create the workspace, start
// the invoker): the lab screen calls Start in a command, never in Update.
func WithDeferredStart() Option { return func(r *Runner) { r.deferStart = true } }

// Start finishes a runner made with WithDeferredStart (it does nothing
// otherwise). Until it returns, nothing else may use the runner.
func (r *Runner) Start() error {
	if !r.starting {
		return nil
	}
	if err := r.start(); err != nil {
		return err
	}
	r.starting = false
	return nil
}

// start makes the account and the shell and runs the setup.
func (r *Runner) start() error {
	l := r.Lab
	if l.World == WorldReal {
		if err := r.newRealWorld(); err != nil {
			return err
		}
	} else {
		r.Acct = cloud.New(r.Seed)
	}
	opts2 := r.shOpts
	if st, err := fs.Stat(labs.FS, l.ID); l.ID != "" && err == nil && st.IsDir() && r.real == nil {
		// A lab with its own files (labs/<id>/: a Dockerfile, an app)
		// reads them and only them: `docker build .` and `cat` see that
		// folder (last, so it overrides a WithDir of the script's folder),
		// and `echo ... >> FILE` changes a file in the shell's in-memory
		// files.
		sub, err := fs.Sub(labs.FS, l.ID)
		if err == nil {
			opts2 = append(append([]shell.Option(nil), opts2...), shell.WithFS(sub))
		}
	}
	r.Shell = shell.New(r.Acct, opts2...)
	var setupErr error
	r.Locked(func() {
		for i, line := range l.Setup {
			if _, err := r.run(line); err != nil {
				setupErr = fmt.Errorf("lab %s: setup line %d (%s): %v", l.ID, i+1, line, err)
				return
			}
		}
		r.refresh()
		r.beginStep()
	})
	if setupErr != nil {
		_ = r.Close()
		return setupErr
	}
	return nil
}

// Exec runs one learner command, then evaluates the current step's check
// (and the next ones, while they hold). Errors of the command itself are
// part of the Outcome, not a failure of Exec.
func (r *Runner) Exec(line string) (out Outcome) {
	r.Locked(func() { out = r.exec(line) })
	return out
}

func (r *Runner) exec(line string) Outcome {
	line = strings.TrimSpace(line)
	if r.starting {
		err := errors.New("the lab is still starting: try again in a moment")
		return Outcome{Command: Command{Line: line, Error: err.Error()}, Err: err}
	}
	var res shell.Result
	var err error
	if strings.Contains(line, "${") {
		r.refresh()
		var x string
		if x, err = Expand(line, r.env); err == nil {
			line = x
		}
	}
	if err == nil {
		res, err = r.run(line)
	}
	cmd := Command{Line: line, OK: err == nil, Text: res.String(), At: r.Acct.Kernel.Now().Seconds()}
	if err != nil {
		cmd.Error = err.Error()
		var ae *shell.AWSError
		if errors.As(err, &ae) {
			cmd.Code, cmd.Reason = ae.Code, ae.Reason
		}
		cmd.Text = ""
	} else {
		cmd.Output = jsonValue(res.Output)
	}
	r.history = append(r.history, cmd)
	r.refresh()
	r.history[len(r.history)-1].totals = r.totals()
	passed := r.evaluate()
	return Outcome{Command: cmd, Result: res, Err: err, Passed: passed}
}

// run runs one line in the shell; a panic inside the simulator becomes an
// error, so a learner's command can never take the lab screen down.
func (r *Runner) run(line string) (res shell.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = shell.Result{}, fmt.Errorf("internal error running %q: %v (please report it)", line, p)
		}
	}()
	return r.Shell.Run(line)
}

// Advance runs the simulation forward by d (the lab screen's clock) and
// re-evaluates the current step. It returns the steps that passed.
func (r *Runner) Advance(d time.Duration) (passed []int, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error in the simulation: %v (please report it)", p)
		}
	}()
	r.Locked(func() {
		if r.real != nil {
			// The wall clock moves a lab with real handlers (Locked
			// brought the kernel to now): only look again.
			passed = r.evaluate()
			return
		}
		err = r.Acct.Kernel.RunFor(d)
		passed = r.evaluate()
	})
	return passed, err
}

// evaluate refreshes the environment and passes steps in order while their
// checks hold.
func (r *Runner) evaluate() []int {
	var passed []int
	r.refresh()
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.current < len(r.Lab.Steps) {
		st := r.Lab.Steps[r.current]
		ok, err := st.Eval(r.env)
		if err != nil {
			r.steps[r.current].Error = err.Error()
		}
		if !ok {
			break
		}
		res := &r.steps[r.current]
		res.Passed, res.Error = true, ""
		res.Command = len(r.history)
		if n := len(r.history); n > 0 {
			res.Line = r.history[n-1].Line
		}
		res.At = sim.FormatClock(r.Acct.Kernel.Now())
		passed = append(passed, r.current)
		r.current++
		r.beginStep()
	}
	return passed
}

// totals copies every function's counters from the environment.
func (r *Runner) totals() map[string]Function {
	m := map[string]Function{}
	for _, f := range r.env.Functions {
		b := *f
		b.env = nil
		m[f.FunctionName] = b
	}
	return m
}

// beginStep records where the current step begins (now, the next command,
// every function's totals) from the environment just refreshed, and
// refreshes the environment so its step counters start at zero.
func (r *Runner) beginStep() {
	r.stepAt = r.Acct.Kernel.Now()
	r.stepCmd = len(r.history)
	r.stepBase = r.totals()
	r.stepBuilds = len(r.Acct.Docker.Builds())
	r.refresh()
}

// StepStart returns the simulated time at which the current step began.
func (r *Runner) StepStart() time.Duration { return r.stepAt }

// Stuck reports whether the current step's check can no longer pass
// without starting the step again: the step's optional stuck block holds.
// why is the block's sentence for the learner; the lab screen then offers
// `reset step`. ok is false when the step is not stuck, has no stuck
// block, or the lab is done.
func (r *Runner) Stuck() (why string, ok bool) {
	if r.Done() {
		return "", false
	}
	st := r.Lab.Steps[r.Current()]
	if st.stuck == nil {
		return "", false
	}
	r.Locked(func() {
		if r.env == nil {
			r.refresh()
		}
		r.env.bind()
		stuck, err := runBool(st.stuck, r.env)
		ok = err == nil && stuck
	})
	if !ok {
		return "", false
	}
	return st.StuckWhy, true
}

// Current is the index of the step being worked on (len(Steps) when done).
func (r *Runner) Current() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.current
}

// Done reports whether every step has passed.
func (r *Runner) Done() bool { return r.Current() >= len(r.Lab.Steps) }

// Steps returns the per-step results so far.
func (r *Runner) Steps() []StepResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]StepResult(nil), r.steps...)
}

// History returns the learner's commands so far.
func (r *Runner) History() []Command { return append([]Command(nil), r.history...) }

// RecentLogs returns the log lines of the account's last n invocations,
// oldest first: the functions' log groups, which `aws logs tail` reads
// (every invocation, including those from traffic).
func (r *Runner) RecentLogs(n int) []string {
	var out []string
	for _, e := range r.Acct.Lambda.RecentLogEvents(n) {
		out = append(out, e.Line)
	}
	return out
}

// Complete returns the completions of a partly typed command line.
func (r *Runner) Complete(line string) (out []string) {
	r.Locked(func() { out = r.Shell.Complete(line) })
	return out
}

// Placement returns the explanation of the last ECS placement decision in
// any cluster (rejected instances and why, scores), one line each.
func (r *Runner) Placement() []string {
	exp := lastPlacement(r.Acct.ECS)
	if exp == nil {
		return nil
	}
	if exp != r.placementOf { // an explanation never changes once made
		r.placementOf = exp
		r.placement = strings.Split(strings.TrimRight(exp.Text(), "\n"), "\n")
	}
	return r.placement
}

// Env returns the check environment as of the last evaluation.
func (r *Runner) Env() *Env {
	if r.env == nil {
		r.refresh()
	}
	return r.env
}

// NextHint returns the current step's next hint and records it as shown.
// ok is false when there are no more hints (or the lab is done).
func (r *Runner) NextHint() (hint string, n, total int, ok bool) {
	if r.Done() {
		return "", 0, 0, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.Lab.Steps[r.current]
	res := &r.steps[r.current]
	if res.HintsShown >= len(st.Hints) {
		return "", res.HintsShown, len(st.Hints), false
	}
	h := st.Hints[res.HintsShown]
	res.HintsShown++
	return h, res.HintsShown, len(st.Hints), true
}

// ShowSolution returns the current step's solution lines and records that
// the solution was shown.
func (r *Runner) ShowSolution() []string {
	if r.Done() {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.steps[r.current].SolutionShown = true
	return r.Lab.Steps[r.current].Solution
}

// Result summarizes the run.
func (r *Runner) Result() Result {
	res := Result{Lab: r.Lab.ID, Passed: r.Done(), Steps: r.Steps(), Seed: r.Seed}
	r.Locked(func() { res.Commands, res.Clock = len(r.history), sim.FormatClock(r.Acct.Kernel.Now()) })
	for _, s := range res.Steps {
		if s.SolutionShown {
			res.Solutions++
		}
	}
	return res
}

// PassedCount counts passed steps.
func (r *Runner) PassedCount() int { return r.Current() }

// RunScript runs a learner script (shell.ScriptReader's format: one command
// per line, # comments, backslash continuations) and returns the result.
// Command errors do not stop the script: a learner's wrong command is part
// of the attempt; an unreadable script is an error.
func (r *Runner) RunScript(script io.Reader) (Result, error) {
	sr := shell.NewScriptReader(script)
	for {
		l, ok, err := sr.Next()
		if err != nil {
			return r.Result(), err
		}
		if !ok {
			return r.Result(), nil
		}
		r.Exec(l.Text)
	}
}

// jsonValue converts a command's Output (a struct or map) to plain JSON
// values (maps, slices, float64, string, bool), which checks can index.
func jsonValue(v any) any {
	if v == nil {
		return nil
	}
	switch v.(type) {
	case map[string]any, []any, string, float64, bool:
		return v
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

// ReplaySolutions runs the solutions of the first n steps, in order, on
// this runner: how a lab resumes at the step where the learner left it, and
// how `reset step` rebuilds the state the current step starts from. It
// stops with an error when a solution command fails or a step's check does
// not hold after its solution.
func (r *Runner) ReplaySolutions(n int) error {
	for i := 0; i < n && i < len(r.Lab.Steps); i++ {
		st := r.Lab.Steps[i]
		for _, line := range st.Solution {
			if out := r.Exec(line); out.Err != nil {
				return fmt.Errorf("replaying step %d (%s): %s: %v", i+1, st.Title, line, out.Err)
			}
		}
		if r.Current() <= i {
			return fmt.Errorf("replaying step %d (%s): its check does not hold after its solution", i+1, st.Title)
		}
	}
	return nil
}

// Series returns a function's CloudWatch metric per simulated second over
// the last n seconds (oldest first): what the lab screen's graphs plot.
func (r *Runner) Series(function, metric string, n int) []float64 {
	f, err := r.Acct.Lambda.Function(function)
	if err != nil {
		return nil
	}
	pts, err := f.Series(metric, time.Second, n)
	if err != nil {
		return nil
	}
	out := make([]float64, len(pts))
	for i, p := range pts {
		out[i] = p.Value
	}
	return out
}
