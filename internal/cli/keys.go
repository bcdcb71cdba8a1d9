package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/tui/home"
	"github.com/cloudlab/cloudlab/internal/tui/labsui"
	"github.com/cloudlab/cloudlab/internal/tui/labui"
	"github.com/cloudlab/cloudlab/internal/tui/quizui"
	"github.com/cloudlab/cloudlab/internal/tui/reader"
)

// keySections are every screen's keys, from the screens' key maps.
func keySections() []struct {
	name string
	rows [][2]string
} {
	return []struct {
		name string
		rows [][2]string
	}{
		{"Home", home.KeyHelp()}, {"Lesson reader", reader.KeyHelp()}, {"Quiz", quizui.KeyHelp()},
		{"Lab", labui.KeyHelp()}, {"Labs list", labsui.KeyHelp()},
	}
}

// keyTable is the README's key table (Markdown).
func keyTable() string {
	var b strings.Builder
	for _, s := range keySections() {
		fmt.Fprintf(&b, "\n**%s**\n\n| key | does |\n|---|---|\n", s.name)
		for _, r := range s.rows {
			fmt.Fprintf(&b, "| `%s` | %s |\n", strings.ReplaceAll(r[0], "|", "\\|"), r[1])
		}
	}
	return b.String()
}

func newKeysCmd(a *App) *cobra.Command {
	var markdown bool
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "List the keys of every screen (--markdown for the README's table)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if markdown {
				_, err := fmt.Fprint(a.Out, keyTable())
				return err
			}
			for i, s := range keySections() {
				if i > 0 {
					fmt.Fprintln(a.Out)
				}
				fmt.Fprintln(a.Out, s.name)
				for _, r := range s.rows {
					fmt.Fprintf(a.Out, "  %-14s %s\n", r[0], r[1])
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&markdown, "markdown", false, "print Markdown tables")
	return cmd
}
