package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/render"
)

func newCacheCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "The disk cache of rendered lessons (cache clear empties it)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(a.Out, "Rendered lessons are cached in %s (safe to delete).\nRun cloudlab cache clear to empty it, or pass --no-cache.\n", a.CacheDir())
			return err
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "clear",
		Short: "Remove every cached rendering",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := render.ClearCache(a.CacheDir())
			if err != nil {
				return fmt.Errorf("cannot clear %s: %v", a.CacheDir(), err)
			}
			_, err = fmt.Fprintf(a.Out, "Removed %d cached rendering%s from %s.\n", n, plural(n), a.CacheDir())
			return err
		},
	})
	return cmd
}
