package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newManCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "man",
		Short: "Print the man page (cloudlab man > ~/.local/share/man/man1/cloudlab.1)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeMan(a.Out, cmd.Root())
		},
	}
}

// writeMan writes a man page (roff) generated from the command tree, so it
// always lists the commands and flags the binary has.
func writeMan(w io.Writer, root *cobra.Command) error {
	esc := func(s string) string {
		s = strings.ReplaceAll(s, `\`, `\\`)
		s = strings.ReplaceAll(s, "-", `\-`)
		if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
			s = `\&` + s
		}
		return s
	}
	fmt.Fprintf(w, ".TH CLOUDLAB 1 \"\" \"cloudlab %s\" \"User Commands\"\n", esc(version()))
	fmt.Fprintf(w, ".SH NAME\ncloudlab \\- %s\n", esc(root.Short))
	fmt.Fprintf(w, ".SH SYNOPSIS\n.B cloudlab\n[\\fICOMMAND\\fR] [\\fIFLAGS\\fR]\n")
	fmt.Fprintf(w, ".SH DESCRIPTION\n")
	for _, p := range strings.Split(root.Long, "\n\n") {
		fmt.Fprintf(w, ".PP\n%s\n", esc(strings.Join(strings.Fields(p), " ")))
	}
	fmt.Fprintf(w, ".SH COMMANDS\n")
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		cmds := c.Commands()
		sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name() < cmds[j].Name() })
		for _, sub := range cmds {
			if !sub.IsAvailableCommand() || sub.Name() == "help" {
				continue
			}
			fmt.Fprintf(w, ".TP\n.B %s\n%s\n", esc(strings.TrimPrefix(sub.CommandPath(), "cloudlab ")+" "+strings.TrimPrefix(sub.Use, sub.Name())), esc(sub.Short))
			sub.LocalFlags().VisitAll(func(f *pflag.Flag) {
				if f.Hidden {
					return
				}
				name := "\\-\\-" + esc(f.Name)
				if f.Shorthand != "" {
					name = "\\-" + esc(f.Shorthand) + ", " + name
				}
				fmt.Fprintf(w, ".RS\n.TP\n%s\n%s\n.RE\n", name, esc(f.Usage))
			})
			walk(sub)
		}
	}
	walk(root)
	fmt.Fprintf(w, ".SH GLOBAL FLAGS\n")
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
		fmt.Fprintf(w, ".TP\n\\-\\-%s\n%s\n", esc(f.Name), esc(f.Usage))
	})
	fmt.Fprintf(w, ".SH ENVIRONMENT\n.TP\nCLOUDLAB_DATA\nthe folder of progress.db\n.TP\nNO_COLOR\nno colours\n")
	fmt.Fprintf(w, ".SH EXIT STATUS\n0 success, 1 a failure while running, 2 a usage mistake.\n")
	_, err := fmt.Fprintf(w, ".SH SEE ALSO\nThe README and docs/ of the cloudlab repository.\n")
	return err
}
