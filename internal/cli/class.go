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
	"github.com/cloudlab/cloudlab/internal/progress"
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

// openClassStore opens the PostgreSQL store of --store URL ("" = none:
// SQLite files in the data folder). A malformed URL is a usage error; an
// unreachable store one line naming it (without its password).
func openClassStore(url string) (*progress.Postgres, error) {
	if url == "" {
		return nil, nil
	}
	pg, err := progress.OpenPostgres(url)
	if errors.Is(err, progress.ErrStoreURL) {
		return nil, usagef("--store: %v", err)
	}
	return pg, err
}

func newClassServeCmd(a *App) *cobra.Command {
	var (
		roster, addr, hostKey, assign, store string
		maxSessions, perUser                 int
		simBudget                            int64
		idle                                 time.Duration
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the course over SSH to the students on a roster",
		Long: `Serve the whole app (home, lessons, quizzes, labs) over SSH. Only keys on the
roster get in; a key's comment is the student's name, and role=instructor in
it marks a teacher. Each student's progress is kept in
DATA/students/NAME/progress.db, or, with --store postgres://..., in one
PostgreSQL database that several class servers (behind one address) share.
Each session may run --sim-budget simulation events in its labs; past that
the lab says so and simulates no further (the session stays). The host key
is created on first start and kept. SIGHUP reloads the roster without
dropping sessions; SIGINT or SIGTERM stop the server.`,
		Example: `  cloudlab class serve --roster roster.txt
  cloudlab class serve --roster roster.txt --addr 0.0.0.0:2222 --data /srv/cloudlab --idle 45m
  cloudlab class serve --roster roster.txt --addr 0.0.0.0:2222 --store postgres://cloudlab@db.example.edu/class
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
			if simBudget < 0 || (simBudget > 0 && simBudget < 10_000) {
				return usagef("--sim-budget must be at least 10000 events (or 0 for no session budget), got %d", simBudget)
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
			if simBudget == 0 {
				simBudget = -1 // none
			}
			pg, err := openClassStore(store)
			if err != nil {
				return err
			}
			if pg != nil {
				defer pg.Close()
			}
			logger := slog.New(slog.NewTextHandler(a.Err, nil))
			srv, err := class.New(class.Config{
				RosterPath: roster, HostKeyPath: hostKey, DataDir: a.DataDir(), Postgres: pg, Course: c,
				Factories: tui.Factories{Quiz: quizui.NewScreen, Review: quizui.NewReviewScreen, Lab: labui.NewScreen},
				Assign:    as, MaxSessions: maxSessions, MaxPerStudent: perUser, Idle: idle, SimBudget: simBudget, Log: logger,
			})
			if err != nil {
				return err
			}
			if pg != nil {
				logger.Info("progress store", "postgres", pg.URL())
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
	f.StringVar(&store, "store", "", "progress store `URL` postgres://USER@HOST:PORT/DATABASE shared by every server of the class (default: SQLite files in the data folder)")
	f.Int64Var(&simBudget, "sim-budget", class.DefaultSimBudget, "simulation events one session may run in its labs (0 = no session budget)")
	return cmd
}

func newClassResultsCmd(a *App) *cobra.Command {
	var asCSV, asJSON bool
	var assign, store string
	cmd := &cobra.Command{
		Use:   "results",
		Short: "One row of results per student: lessons, quizzes, exams, labs and time per lab step",
		Example: `  cloudlab class results --data /srv/cloudlab
  cloudlab class results --csv --data /srv/cloudlab > results.csv
  cloudlab class results --json --store postgres://cloudlab@db.example.edu/class`,
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
			pg, err := openClassStore(store)
			if err != nil {
				return err
			}
			if pg != nil {
				defer pg.Close()
			}
			rows, err := class.Results(a.DataDir(), pg, c, as)
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
	cmd.Flags().StringVar(&store, "store", "", "read the PostgreSQL progress store at `URL` (as class serve --store) instead of the data folder")
	return cmd
}
