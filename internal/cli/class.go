package cli

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/class"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/labui"
	"github.com/cloudlab/cloudlab/internal/tui/quizui"
)

// newClassCmd is `cloudlab class`: serve the course over SSH to a class
// and read the class results (docs/teaching.md).
func newClassCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "class",
		Short: "Serve the course over SSH to a class, and read the class results",
		Long: `Serve the whole app over SSH to the students on a roster (their public keys
in authorized_keys format, the comment being the name), each with their own
progress, and print one row of results per student. See docs/teaching.md.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newClassServeCmd(a), newClassResultsCmd(a))
	return cmd
}

func newClassServeCmd(a *App) *cobra.Command {
	var (
		roster, addr, hostKey, assign string
		maxSessions, perUser          int
		idle                          time.Duration
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the course over SSH to the students on a roster",
		Long: `Serve the whole app (home, lessons, quizzes, labs) over SSH. Only keys on the
roster get in; a key's comment is the student's name, and role=instructor in
it marks a teacher. Each student's progress is kept in
DATA/students/NAME/progress.db. The host key is created on first start and
kept. SIGHUP reloads the roster without dropping sessions; SIGINT or SIGTERM
stop the server.`,
		Example: `  cloudlab class serve --roster roster.txt
  cloudlab class serve --roster roster.txt --addr 0.0.0.0:2222 --data /srv/cloudlab --idle 45m
  ssh -p 2222 class.example.edu`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if roster == "" {
				return usagef("--roster FILE is required (students' public keys, one a line)")
			}
			if maxSessions < 1 || maxSessions > 10000 {
				return usagef("--max-sessions must be between 1 and 10000, got %d", maxSessions)
			}
			if perUser < 1 || perUser > 100 {
				return usagef("--max-per-student must be between 1 and 100, got %d", perUser)
			}
			if idle != 0 && (idle < time.Second || idle > 24*time.Hour) {
				return usagef("--idle must be between 1s and 24h (or 0 for never), got %v", idle)
			}
			if _, _, err := net.SplitHostPort(addr); err != nil {
				return usagef("--addr %q: want HOST:PORT", addr)
			}
			c, err := a.Course()
			if err != nil {
				return err
			}
			a.warnProblems()
			var as *class.Assignments
			if assign != "" {
				if as, err = class.LoadAssignments(assign, c); err != nil {
					return err
				}
			}
			if idle == 0 {
				idle = -1 // never
			}
			logger := slog.New(slog.NewTextHandler(a.Err, nil))
			srv, err := class.New(class.Config{
				RosterPath: roster, HostKeyPath: hostKey, DataDir: a.DataDir(), Course: c,
				Factories: tui.Factories{Quiz: quizui.NewScreen, Review: quizui.NewReviewScreen, Lab: labui.NewScreen},
				Assign:    as, MaxSessions: maxSessions, MaxPerStudent: perUser, Idle: idle, Log: logger,
			})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
			for {
				select {
				case <-hup:
					_ = srv.Reload() // logged; the old roster stays on error
				case err := <-done:
					return err
				case <-ctx.Done():
					logger.Info("shutting down", "sessions", srv.Sessions())
					sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					err := srv.Shutdown(sctx)
					cancel()
					if errors.Is(err, context.DeadlineExceeded) {
						err = srv.Close()
					}
					<-done
					return err
				}
			}
		},
	}
	f := cmd.Flags()
	f.StringVar(&roster, "roster", "", "`FILE` of students' public keys (authorized_keys format; the comment is the name)")
	f.StringVar(&addr, "addr", class.DefaultAddr, "`HOST:PORT` to listen on")
	f.StringVar(&assign, "assign", "", "assignments YAML `FILE`: shown first on every student's home (docs/teaching.md)")
	f.StringVar(&hostKey, "host-key", "", "host key `FILE` (created on first start; default DATA/host_ed25519)")
	f.IntVar(&maxSessions, "max-sessions", class.DefaultMaxSessions, "sessions at once, in total")
	f.IntVar(&perUser, "max-per-student", class.DefaultMaxPerStudent, "sessions at once per student")
	f.DurationVar(&idle, "idle", class.DefaultIdle, "close a session after this long without a key press (a warning comes first; 0 = never)")
	return cmd
}

func newClassResultsCmd(a *App) *cobra.Command {
	var asCSV, asJSON bool
	var assign string
	cmd := &cobra.Command{
		Use:   "results",
		Short: "One row of results per student: lessons, quizzes, exams, labs",
		Example: `  cloudlab class results --data /srv/cloudlab
  cloudlab class results --csv --data /srv/cloudlab > results.csv`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asCSV && asJSON {
				return usagef("--csv and --json cannot be used together")
			}
			c, err := a.Course()
			if err != nil {
				return err
			}
			var as *class.Assignments
			if assign != "" {
				if as, err = class.LoadAssignments(assign, c); err != nil {
					return err
				}
			}
			rows, err := class.Results(a.DataDir(), c, as)
			if err != nil {
				return err
			}
			switch {
			case asJSON:
				if rows == nil {
					rows = []class.Row{}
				}
				return a.writeJSON(rows)
			case asCSV:
				return class.WriteResultsCSV(a.Out, rows)
			}
			return class.WriteResultsTable(a.Out, rows)
		},
	}
	cmd.Flags().BoolVar(&asCSV, "csv", false, "CSV, one row per student")
	cmd.Flags().BoolVar(&asJSON, "json", false, "JSON")
	cmd.Flags().StringVar(&assign, "assign", "", "assignments YAML `FILE`: count each student's completed assignments")
	return cmd
}
