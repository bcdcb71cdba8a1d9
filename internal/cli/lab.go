package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/course"
	plainlab "github.com/cloudlab/cloudlab/internal/lab/plain"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/termtext"

	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/shell"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
)

// LabInfo is one row of `cloudlab labs --json` (field names are part of the
// command-line contract).
type LabInfo struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Lesson      string `json:"lesson,omitempty"`
	Minutes     int    `json:"minutes"`
	Steps       int    `json:"steps"`
	StepsPassed int    `json:"stepsPassed"`
	Status      string `json:"status"` // new, in-progress or done
}

func (a *App) labInfos() ([]LabInfo, error) {
	c, err := a.Course()
	if err != nil {
		return nil, err
	}
	var states = map[string]int{}
	var done = map[string]bool{}
	if st, err := a.Store(); err == nil {
		ls, err := st.Labs()
		if err != nil {
			return nil, err
		}
		for id, s := range ls {
			states[id] = s.StepsPassed
			done[id] = !s.CompletedAt.IsZero()
		}
	} else {
		return nil, err
	}
	out := make([]LabInfo, 0, len(c.Labs))
	for _, lf := range c.LabsInOrder() {
		l, _ := lab.FromFile(lf)
		info := LabInfo{ID: lf.ID, Title: lf.Title, Lesson: lf.Lesson, Minutes: lf.Minutes, StepsPassed: states[lf.ID], Status: "new"}
		if l != nil {
			info.Steps = len(l.Steps)
		}
		switch {
		case done[lf.ID]:
			// Every step passed once; a later attempt left part way
			// (its place, for resuming) does not undo that.
			info.Status, info.StepsPassed = "done", info.Steps
		case info.StepsPassed > 0:
			info.Status = "in-progress"
		}
		out = append(out, info)
	}
	return out, nil
}

func newLabsCmd(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "labs",
		Short: "List the hands-on labs: id, title, lesson, steps, status",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			defer a.warnProblems()
			infos, err := a.labInfos()
			if err != nil {
				return err
			}
			if asJSON {
				return a.writeJSON(infos)
			}
			cols := []column{{Name: "ID"}, {Name: "TITLE", Flex: true}, {Name: "LESSON", Group: "Lesson"}, {Name: "MIN"}, {Name: "STEPS"}, {Name: "STATUS"}}
			rows := make([][]string, 0, len(infos))
			for _, l := range infos {
				rows = append(rows, []string{l.ID, l.Title, l.Lesson, fmt.Sprint(l.Minutes), fmt.Sprintf("%d/%d", l.StepsPassed, l.Steps), l.Status})
			}
			return writeTable(a.Out, a.tableWidth(), cols, rows)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// labFailed is a headless run in which some step did not pass: exit 1
// after the report (which was already printed).
type labFailed struct{ passed, total int }

func (e *labFailed) Error() string {
	return fmt.Sprintf("lab not passed: %d of %d steps", e.passed, e.total)
}

func newLabCmd(a *App) *cobra.Command {
	var run string
	var asJSON bool
	var seed uint64
	cmd := &cobra.Command{
		Use:   "lab LAB",
		Short: "Do a hands-on lab (full-screen), or grade a script headless with --run FILE",
		Long: `Open a hands-on lab against a fresh simulated cloud. With --run FILE it is
headless: it runs the lab's setup, then FILE's commands (one per line, # comments;
FILE "-" reads standard input), evaluating the steps' checks after each command,
and reports per step whether it passed and after which command (--json for
machine-readable output). The exit status is 0 only if every step passed.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeIDs(a, func(c *course.Course) (id, title []string) {
			for _, l := range c.Labs {
				id, title = append(id, l.ID), append(title, l.Title)
			}
			return id, title
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.Course()
			if err != nil {
				return err
			}
			if c.Lab(args[0]) == nil {
				return usagef("no lab %q (cloudlab labs lists them)", args[0])
			}
			l, err := lab.Find(c, args[0])
			if err != nil {
				return err
			}
			if run != "" {
				return a.runLabHeadless(l, run, asJSON, seed)
			}
			if asJSON {
				return usagef("--json needs --run FILE")
			}
			if a.plainMode() {
				return a.runLabPlain(l, seed)
			}
			open := &nav.OpenLab{ID: l.ID}
			if flagChanged(cmd.Flags(), "seed") {
				open.Seed = &seed
			}
			// The full app, with the lab over the home screen.
			return a.runTUI(tui.Start{Lab: open})
		},
	}
	cmd.Flags().StringVar(&run, "run", "", "run the commands of `FILE` headless and grade them (- for stdin)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "with --run: print the result as JSON")
	cmd.Flags().Uint64Var(&seed, "seed", lab.DefaultSeed, "simulation seed")
	return cmd
}

func (a *App) runLabHeadless(l *lab.Lab, file string, asJSON bool, seed uint64) error {
	in := a.In
	dir := "." // file:// paths in the script resolve against its folder
	if file != "-" {
		dir = filepath.Dir(file)
		f, err := openRegular(file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	r, err := lab.NewRunner(l, lab.WithSeed(seed), lab.WithShellOptions(shell.WithDir(dir)))
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }()
	res, err := r.RunScript(in)
	if err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	if asJSON {
		if err := a.writeJSON(res); err != nil {
			return err
		}
	} else {
		passed := 0
		for _, s := range res.Steps {
			if s.Passed {
				passed++
			}
		}
		fmt.Fprintf(a.Out, "%s: %d of %d steps passed (%d commands, simulated time %s)\n", l.ID, passed, len(res.Steps), res.Commands, res.Clock)
		for i, s := range res.Steps {
			if s.Passed {
				fmt.Fprintf(a.Out, "  ✓ %d. %s (after command %d: %s)\n", i+1, s.Title, s.Command, termtext.Sanitize(s.Line))
			} else {
				fmt.Fprintf(a.Out, "  ✗ %d. %s\n", i+1, s.Title)
			}
		}
		for i, h := range r.History() {
			if !h.OK {
				fmt.Fprintf(a.Out, "  command %d failed: %s: %s\n", i+1, termtext.Sanitize(h.Line), termtext.Sanitize(strings.TrimSpace(h.Error)))
			}
		}
	}
	if !res.Passed {
		passed := 0
		for _, s := range res.Steps {
			if s.Passed {
				passed++
			}
		}
		return &labFailed{passed: passed, total: len(res.Steps)}
	}
	return nil
}

// runLabPlain is the line-based lab (--plain, or no terminal): a screen
// reader or a pipe can do every lab.
func (a *App) runLabPlain(l *lab.Lab, seed uint64) error {
	st, err := a.Store()
	if err != nil {
		return err
	}
	resume := 0
	if labs, err := st.Labs(); err == nil {
		if s, ok := labs[l.ID]; ok && !s.Completed() {
			resume = s.StepsPassed
		}
	}
	_ = st.SetLast("lab", l.ID)
	r, err := plainlab.Run(l, plainlab.Options{In: a.In, Out: a.Out, Seed: seed, Resume: resume, WorkDir: labWorkDir(a, l),
		Render: func(md string) string {
			out, err := a.Renderer().Render([]byte(md), 80, "notty")
			if err != nil {
				return md
			}
			return out
		},
		Saved: func(r *lab.Runner) error {
			res := r.Result()
			now := time.Now()
			s := progress.LabState{LabID: l.ID, StepsPassed: r.PassedCount(), SolutionsShown: res.Solutions, UpdatedAt: now}
			if res.Passed {
				s.CompletedAt = now
			}
			return st.SaveLab(s)
		}})
	if err != nil {
		return err
	}
	_ = r // leaving a lab half-way is not a failure: its progress is kept
	return nil
}

// labWorkDir is where a lab with real handlers keeps the learner's files
// (the same folder as the full-screen lab's: tui.Deps.LabsDir).
func labWorkDir(a *App, l *lab.Lab) string {
	if l.World != lab.WorldReal {
		return ""
	}
	return filepath.Join(a.DataDir(), "labs", l.ID)
}
