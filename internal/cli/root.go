package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cloudlab/cloudlab/internal/render"
	"github.com/cloudlab/cloudlab/internal/termtext"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/labui"
	"github.com/cloudlab/cloudlab/internal/tui/quizui"
)

// UsageError is a command-line mistake: exit status 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// usageArgs wraps a cobra argument validator so its errors exit 2.
func usageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return &UsageError{fmt.Errorf("%s: %v", strings.TrimPrefix(cmd.CommandPath(), "cloudlab "), err)}
		}
		return nil
	}
}

// Main runs cloudlab with the arguments (without the program name) and
// returns the exit status: 0 ok, 1 failure, 2 usage error.
func Main(args []string, in io.Reader, out, errw io.Writer) int {
	a := &App{In: in, Out: out, Err: errw}
	defer a.Close()
	return a.Run(args)
}

// Run runs the command line with this App.
func (a *App) Run(args []string) int {
	root := NewRoot(a)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	// One line, and nothing a terminal would act on (errors echo what the
	// user or a file gave).
	msg := strings.Join(strings.Fields(termtext.Sanitize(err.Error())), " ")
	var ue *UsageError
	if errors.As(err, &ue) {
		fmt.Fprintf(a.Err, "cloudlab: %s\nRun 'cloudlab --help' for usage.\n", msg)
		return 2
	}
	fmt.Fprintf(a.Err, "cloudlab: %s\n", msg)
	return 1
}

// NewRoot builds the command tree.
func NewRoot(a *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "cloudlab",
		Short: "Learn cloud compute in the terminal: lessons, quizzes and labs on a simulated cloud",
		Long: `cloudlab teaches cloud compute (virtual machines and EC2, containers and
Docker, ECS and Fargate, Lambda) with lessons, quizzes and hands-on labs
against a simulated cloud. Run it without arguments in a terminal for the
full-screen app.`,
		Version:       version(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				msg := fmt.Sprintf("unknown command %q", args[0])
				if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
					msg += fmt.Sprintf(" (did you mean %q?)", s[0])
				}
				return &UsageError{errors.New(msg)}
			}
			return nil
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if a.Style != "" && !render.ValidStyle(a.Style) {
				return usagef("--style %q: want one of %s", a.Style, strings.Join(render.Styles, ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.Plain || !a.IsTTY() || !a.InIsTTY() {
				return a.printGuide(cmd)
			}
			return a.runTUI(tui.Start{})
		},
	}
	root.SetIn(a.In)
	root.SetOut(a.Out)
	root.SetErr(a.Err)
	root.SuggestionsMinimumDistance = 2
	root.SetVersionTemplate("cloudlab {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &UsageError{err}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.Content, "content", "", "course `DIR` to use instead of the built-in course")
	pf.StringVar(&a.Data, "data", "", "`DIR` holding progress.db (default $CLOUDLAB_DATA or $XDG_DATA_HOME/cloudlab)")
	pf.BoolVar(&a.Plain, "plain", false, "no full-screen UI and no colour (screen readers, dumb terminals)")
	pf.StringVar(&a.Style, "style", "", "colours: dark, light, notty or ascii (default: detect)")
	pf.BoolVar(&a.Mouse, "mouse", false, "enable the mouse in the full-screen UI")
	pf.BoolVar(&a.NoCache, "no-cache", false, "render lessons without the disk cache")

	root.AddCommand(
		newLessonsCmd(a),
		newReadCmd(a),
		newLearnCmd(a),
		newProgressCmd(a),
		newCheckCmd(a),
		newVersionCmd(a),
		// Other command files add one line each below.
		newQuizzesCmd(a),
		newQuizCmd(a),
		newReviewCmd(a),
		newLabsCmd(a), newLabCmd(a),
		newSimCmd(a),
		newImportCmd(a),
		newCacheCmd(a),
		newManCmd(a),
		newKeysCmd(a),
		newEndpointCmd(),
		newClassCmd(a),
	)
	// Every command's flag errors are usage errors too.
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return &UsageError{err} })
	}
	root.InitDefaultCompletionCmd()
	return root
}

// runTUI starts the full-screen app: the home screen, with the screen
// start asks for on top of it. It needs a terminal on both ends.
func (a *App) runTUI(start tui.Start) error {
	if a.Plain || !a.IsTTY() || !a.InIsTTY() {
		if start.Lesson != "" {
			return fmt.Errorf("the full-screen reader needs a terminal; use: cloudlab read %s", start.Lesson)
		}
		return errors.New("the full-screen app needs a terminal (run cloudlab without arguments for the plain guide)")
	}
	env, err := a.Deps()
	if err != nil {
		return err
	}
	// Detected once, before the program starts: asking the terminal later
	// would leak its reply into the input.
	_ = a.Dark()
	if a.NoColor() {
		// Lip Gloss drops every attribute under NO_COLOR (termenv's Ascii
		// profile), which would hide the selection and search matches. The
		// no-colour theme uses only bold, underline and reverse video, so
		// allow attributes; no colour is ever emitted.
		lipgloss.SetColorProfile(termenv.ANSI)
	}
	run := a.runProgram
	if run == nil {
		run = tui.Run
	}
	// The screens that live in packages the tui package cannot import
	// (they import it).
	screens := tui.Factories{Quiz: quizui.NewScreen, Review: quizui.NewReviewScreen, Lab: labui.NewScreen}
	return run(env, screens, tui.Options{Start: start, Mouse: a.Mouse, In: a.In, Out: a.Out})
}

// printGuide is what `cloudlab` prints without a terminal: a short guide to
// the commands, generated from the command tree.
func (a *App) printGuide(root *cobra.Command) error {
	c, err := a.Course()
	if err != nil {
		return err
	}
	w := a.Out
	fmt.Fprintf(w, "cloudlab %s: learn cloud compute in the terminal.\n\n", version())
	fmt.Fprint(w, "No terminal here, so this is the plain guide. In a terminal, run `cloudlab`\nfor the full-screen app.\n\n")
	if len(c.Lessons) > 0 {
		fmt.Fprintf(w, "Start with:\n  cloudlab lessons\n  cloudlab read %s\n\n", c.Lessons[0].ID)
	}
	fmt.Fprintln(w, "Commands:")
	for _, sub := range root.Commands() {
		if !sub.IsAvailableCommand() || sub.Name() == "help" || sub.Name() == "completion" {
			continue
		}
		fmt.Fprintf(w, "  %-9s %s\n", sub.Name(), termtext.Wrap(sub.Short, 67+12, strings.Repeat(" ", 12)))
	}
	fmt.Fprint(w, "\nGlobal flags: --content DIR, --data DIR, --plain, --mouse,\n--style dark|light|notty|ascii. Run `cloudlab COMMAND --help` for details.\n")
	return nil
}

// flagChanged reports whether a flag was given on the command line.
func flagChanged(fs *pflag.FlagSet, name string) bool {
	f := fs.Lookup(name)
	return f != nil && f.Changed
}
