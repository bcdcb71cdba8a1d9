package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/quiz"
)

func newCheckCmd(a *App) *cobra.Command {
	var warnings bool
	cmd := &cobra.Command{
		Use:   "check [DIR]",
		Short: "Validate a course folder (lessons/, quizzes/, labs/): file:line: message",
		Long: `Validate a course folder: front matter, ids, references between lessons,
quizzes and labs, and the deeper quiz and lab checks. Prints every problem as
file:line: message and exits 1, or prints a one-line summary and exits 0.
Without DIR it checks the --content folder, or the built-in course.

With --warnings it also lists what loading guessed or ignored (an id taken
from the file name, a title from the first heading, a Jekyll key such as
layout); warnings alone do not fail the check.`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := a.Content
			if len(args) == 1 {
				dir = args[0]
			}
			var fsys fs.FS = course.Embedded()
			name := "the built-in course"
			if dir != "" {
				st, err := os.Stat(dir)
				if err != nil {
					return fmt.Errorf("cannot read %s: %v", dir, unwrapPath(err))
				}
				if !st.IsDir() {
					return fmt.Errorf("%s is not a folder", dir)
				}
				fsys, name = os.DirFS(dir), dir
			}
			c, probs := course.Load(fsys)
			// The deeper checks: every quiz's questions, every lab's steps.
			for _, v := range []func(*course.Course) []course.Problem{quiz.Validate, lab.Validate} {
				probs = append(probs, v(c)...)
			}
			course.SortProblems(probs)
			nwarn := len(probs) - len(course.Errors(probs))
			for _, p := range probs {
				if p.Warning && !warnings {
					continue
				}
				if dir != "" {
					p.File = filepath.Join(dir, p.File)
				}
				fmt.Fprintln(a.Out, p.String())
			}
			if errs := course.Errors(probs); len(errs) > 0 {
				return fmt.Errorf("%s: %d problem%s", name, len(errs), plural(len(errs)))
			}
			note := ""
			if nwarn > 0 && !warnings {
				note = fmt.Sprintf(" (%d warning%s: check --warnings lists them)", nwarn, plural(nwarn))
			}
			_, err := fmt.Fprintf(a.Out, "ok: %s has %d lessons, %d quizzes, %d labs, no problems%s\n",
				name, len(c.Lessons), len(c.Quizzes), len(c.Labs), note)
			return err
		},
	}
	cmd.Flags().BoolVar(&warnings, "warnings", false, "also list what loading guessed or ignored")
	return cmd
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// openRegular opens a file that a command reads whole (a script, a course
// file): regular files only, so a FIFO cannot hang the command and a
// device cannot feed it forever.
func openRegular(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, unwrapPath(err))
	}
	switch {
	case st.IsDir():
		return nil, fmt.Errorf("cannot read %s: is a directory", path)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("cannot read %s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, unwrapPath(err))
	}
	return f, nil
}
