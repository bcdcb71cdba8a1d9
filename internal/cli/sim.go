package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/simrun"
)

func newSimCmd(a *App) *cobra.Command {
	sim := &cobra.Command{
		Use:   "sim",
		Short: "Run command scripts against the simulated cloud",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return usagef("sim: missing subcommand (try 'cloudlab sim run FILE')")
		},
	}
	var seed uint64
	var asJSON bool
	run := &cobra.Command{
		Use:   "run FILE",
		Short: "Run a script of commands (aws ..., clock, traffic, report) against a fresh simulated cloud",
		Long: `Runs FILE (or - for standard input) line by line against a fresh simulated
AWS account. '#' starts a comment; a line ending in '\' continues. A bad line
is reported as FILE:LINE: message and the script carries on; the exit status
is 1 if any line failed. The same script and --seed give identical output.
file:// and fileb:// paths are read relative to the script's folder (absolute
paths and ../ work too).`,
		Example: "  cloudlab sim run burst.txt --seed 7 --json",
		Args:    usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			var r io.Reader = a.In
			dir := "."
			if name != "-" {
				f, err := os.Open(name)
				if err != nil {
					return fmt.Errorf("sim run: %v", err)
				}
				defer f.Close()
				r = f
				dir = filepath.Dir(name)
			}
			err := simrun.Run(r, a.Out, simrun.Options{
				Seed: seed, JSON: asJSON, Name: name, Err: a.Err, Dir: dir,
			})
			var fe *simrun.FailedError
			if errors.As(err, &fe) {
				return fmt.Errorf("sim run %s: %v", name, err)
			}
			return err
		},
	}
	run.Flags().Uint64Var(&seed, "seed", 1, "random seed: the same script and seed give the same output")
	run.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per command (JSON Lines)")
	sim.AddCommand(run)
	return sim
}
