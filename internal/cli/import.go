package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/quiz/convert"
)

func newImportCmd(a *App) *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Convert a question bank (checkbox, <details> key or numbered) into a cloudlab quiz",
		Long: `Convert a question bank as it is published into cloudlab's quiz format:

  checkbox   - [ ] / - [x] option lists (they load as they are; import
             writes the canonical form)
  details    lettered options (- A. ...) with the key in a <details> block:
             "Correct answer: A, C", explanations kept
  numbered   1. Question, A) options, and an "Answer: B" line

--format auto (the default) detects which. Every question that cannot be
converted is reported with its line. The result passes cloudlab check.
Without -o the quiz is printed.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(convert.Formats, format) {
				return usagef("--format %q: want one of %s", format, strings.Join(convert.Formats, ", "))
			}
			f, err := openRegular(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			src, err := io.ReadAll(io.LimitReader(f, 8<<20))
			if err != nil {
				return fmt.Errorf("cannot read %s: %v", args[0], err)
			}
			name := filepath.Base(args[0])
			if out != "" {
				name = filepath.Base(out)
			}
			md, probs, err := convert.Convert(name, src, format)
			for _, p := range probs {
				p.File = args[0]
				fmt.Fprintln(a.Err, p.String())
			}
			if err != nil {
				return err
			}
			if out == "" {
				_, err = a.Out.Write(md)
				return err
			}
			if err := os.WriteFile(out, md, 0o644); err != nil {
				return fmt.Errorf("cannot write %s: %v", out, unwrapPath(err))
			}
			fmt.Fprintf(a.Err, "wrote %s (%d question%s could not be converted); check it with: cloudlab check\n", out, len(probs), plural(len(probs)))
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "auto", "auto, checkbox, details or numbered")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the quiz to `FILE` (e.g. quizzes/practice.md)")
	return cmd
}
