package labui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/sim"
	"github.com/cloudlab/cloudlab/internal/tui"
)

// Step times. The step to work on (the runner's current step) collects
// wall time (env.Clock, never the simulated clock) while the lab screen is
// open on it; its first start and its pass are stamped once. save sends
// running totals (earlier sessions' time, from the store, plus this
// screen's), so the store keeps the largest and two sessions never count
// twice.

// startTiming starts counting the current step's time at now.
func (m *Model) startTiming(now time.Time) {
	m.timed = m.runner.Current()
	if m.timed >= len(m.lab.Steps) {
		m.visit = time.Time{}
		return
	}
	t := m.times[m.timed]
	t.Step = m.timed
	if t.StartedAt.IsZero() {
		t.StartedAt = now
	}
	m.times[m.timed] = t
	m.visit = now
}

// flushTime adds the time since the last flush to the step being timed.
func (m *Model) flushTime(now time.Time) {
	if m.visit.IsZero() {
		return
	}
	if d := now.Sub(m.visit); d > 0 {
		m.spent[m.timed] += d
	}
	m.visit = now
}

// retime follows the runner after steps passed (or a resume jumped
// ahead): the time so far goes to the step that was timed, passed steps
// get their pass time, and the new current step starts.
func (m *Model) retime(now time.Time, passed []int) {
	m.flushTime(now)
	for _, i := range passed {
		t := m.times[i]
		t.Step = i
		if t.StartedAt.IsZero() {
			t.StartedAt = now
		}
		if t.PassedAt.IsZero() {
			t.PassedAt = now
		}
		m.times[i] = t
	}
	m.startTiming(now)
}

// mergeTimes takes in the step times saved by earlier sessions: the
// earliest start and pass, and the time spent before this screen.
func (m *Model) mergeTimes(saved []progress.StepTime) {
	for _, s := range saved {
		if s.Step < 0 || s.Step >= len(m.lab.Steps) {
			continue
		}
		t := m.times[s.Step]
		t.Step = s.Step
		t.StartedAt = earliest(t.StartedAt, s.StartedAt)
		t.PassedAt = earliest(t.PassedAt, s.PassedAt)
		m.times[s.Step] = t
		m.spentBefore[s.Step] = s.SpentMs
	}
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// StepTimes are the lab's step times as save sends them: by step, with
// running totals of time spent.
func (m *Model) StepTimes() []progress.StepTime {
	var out []progress.StepTime
	for i := range m.lab.Steps {
		t, ok := m.times[i]
		before, ok2 := m.spentBefore[i]
		if !ok && !ok2 {
			continue
		}
		t.Step = i
		t.SpentMs = before + m.spent[i].Milliseconds()
		out = append(out, t)
	}
	return out
}

// The session's simulation budget (tui.Deps.SimBudget).

// errBudgetSpent: the session's simulation budget is used up (the screen
// has said so in the output).
var errBudgetSpent = errors.New("this session's simulation budget is used up")

// newRunner builds the lab's runner and charges its setup (the lab's own
// commands) to the session's budget.
func newRunner(l *lab.Lab, env tui.Deps, seed uint64) (*lab.Runner, error) {
	r, err := lab.NewRunner(l, runnerOptions(env, seed, l)...)
	if err == nil {
		env.SimBudget.Charge(r.Acct.Kernel.Processed())
	}
	return r, err
}

// metered runs fn, which runs r's simulation, within the session's
// simulation budget. Once the budget is spent, every simulation step fails
// (commands that only read still work): fn's error then says so, once per
// command, in the output, and wraps errBudgetSpent.
func (m *Model) metered(r *lab.Runner, fn func() error) error {
	b := m.env.SimBudget
	var err error
	ran := b.Meter(r.Acct.Kernel, func() { err = fn() })
	if b == nil || (ran && (err == nil || !b.Exhausted())) {
		return err
	}
	msg := fmt.Sprintf("This session has used its simulation budget (%s events), so the simulation stops here: "+
		"the class server bounds each session so that one student cannot slow the class. "+
		"Commands that only read (describe, list, report) still work; connect again to start a new session.",
		thousands(b.Limit()))
	m.addLine(kindError, msg)
	m.status = "Simulation budget used up: see the output."
	if err == nil {
		return errBudgetSpent
	}
	return fmt.Errorf("%w: %w", errBudgetSpent, err)
}

// budgetError reports whether a command's error is the kernel refusing an
// event for want of budget (the shell words it with the kernel's lowered
// limit, which means nothing to the learner: metered explains instead).
func budgetError(err error) bool {
	return err != nil && (errors.Is(err, sim.ErrBudget) || strings.Contains(err.Error(), "budget"))
}

// thousands writes n with comma separators.
func thousands(n uint64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
