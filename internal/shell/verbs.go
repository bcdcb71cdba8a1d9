package shell

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// MaxAdvance is the longest single `clock advance` (one simulated year).
const MaxAdvance = 366 * 24 * time.Hour

// verbCommands are the lab verbs: clock, traffic, report, help, cat.
func verbCommands() []Command {
	return []Command{
		{
			Lab: true, Service: "clock", Operation: "advance",
			Summary: "Run the simulation forward by a duration (e.g. 5m, 90s, 2h)",
			Args:    []ArgSpec{{Name: "duration", Type: Duration, Required: true, Help: "How far to advance simulated time (max 366d)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				d := a.Duration("duration")
				if d > MaxAdvance {
					return Result{}, usagef("clock advance: %v is more than the limit of 366 days", d)
				}
				if err := ctx.Acct.Kernel.RunFor(d); err != nil {
					if errors.Is(err, sim.ErrBudget) {
						return Result{}, fmt.Errorf("clock advance: stopped at %s: the simulation used its budget of %d events (a runaway script?); start a fresh simulation",
							sim.FormatClock(ctx.Now()), ctx.Acct.Kernel.Budget())
					}
					return Result{}, err
				}
				return clockResult(ctx), nil
			},
		},
		{
			Lab: true, Service: "clock", Operation: "now",
			Summary: "Show the simulated time",
			Run:     func(ctx *Ctx, a Args) (Result, error) { return clockResult(ctx), nil },
		},
		trafficCommand(),
		{
			Lab: true, Service: "report",
			Summary: "Summarize metrics of the whole run so far (--json for the machine-readable object)",
			Options: []OptSpec{{Name: "json", Type: Bool, Help: "Print the report object as JSON (what checks and quizzes query)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				rep := ctx.Acct.Report()
				if a.Bool("json") {
					return Result{Output: rep}, nil
				}
				return Result{Output: rep, Text: ctx.Acct.ReportText()}, nil
			},
		},
		{
			Lab: true, Service: "help",
			Summary: "List commands, or describe one (help traffic, help aws lambda invoke)",
			Args:    []ArgSpec{{Name: "command", Rest: true, Help: "The command to describe."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				return Result{Text: ctx.Shell.helpFor(a.List("command"))}, nil
			},
		},
		{
			Lab: true, Service: "cat",
			Summary: "Print a file written by a command (such as invoke's outfile)",
			Args:    []ArgSpec{{Name: "file", Required: true, Help: "File name."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				b, err := ctx.ReadFile(a.Str("file"))
				if err != nil {
					return Result{}, fmt.Errorf("cat: %v", err)
				}
				return Result{Text: strings.TrimRight(string(b), "\n")}, nil
			},
		},
	}
}

func clockResult(ctx *Ctx) Result {
	c := sim.FormatClock(ctx.Now())
	return Result{Output: map[string]string{"clock": c}, Text: c}
}
