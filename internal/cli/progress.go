package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
)

// writeProgress prints the progress table: per lesson its reading status,
// its quiz's best and latest score and its lab, then the weakest exam
// domains and a summary line.
func writeProgress(a *App, st *progress.Store, c *course.Course, states map[string]progress.LessonState, sessions int) error {
	stats, err := st.QuizStats()
	if err != nil {
		return err
	}
	quizStat := map[string]progress.QuizStat{}
	for _, q := range stats {
		quizStat[q.QuizID] = q
	}
	labs, err := st.Labs()
	if err != nil {
		return err
	}
	read, done := 0, 0
	for _, l := range labs {
		if !l.CompletedAt.IsZero() {
			done++
		}
	}
	var rows [][]string
	for _, l := range c.Lessons {
		s := states[l.ID]
		status := lessonStatus(s)
		switch {
		case s.Read():
			read++
			status = "read " + s.ReadAt.Local().Format("2006-01-02")
		case status == "in-progress":
			status = fmt.Sprintf("%d%%", s.Percent)
		}
		best, latest := "", ""
		if q, ok := quizStat[l.Quiz]; ok && l.Quiz != "" {
			best, latest = fmt.Sprintf("%.0f%%", q.Best), fmt.Sprintf("%.0f%%", q.Latest)
		}
		lab := ""
		if l.Lab != "" {
			lab = "-"
			if ls, ok := labs[l.Lab]; ok {
				lab = fmt.Sprintf("%d steps", ls.StepsPassed)
				if !ls.CompletedAt.IsZero() {
					lab = "done"
				}
			}
		}
		rows = append(rows, []string{l.ID, status, best, latest, lab})
	}
	cols := []column{{Name: "LESSON", Flex: true}, {Name: "STATUS"}, {Name: "QUIZ BEST"}, {Name: "LATEST"}, {Name: "LAB"}}
	if err := writeTable(a.Out, a.tableWidth(), cols, rows); err != nil {
		return err
	}
	domains, err := st.DomainStats()
	if err != nil {
		return err
	}
	if len(domains) > 0 {
		fmt.Fprintln(a.Out, "\nWeakest exam domains (answers right):")
		for i, d := range domains {
			if i == 3 {
				break
			}
			name := d.Domain
			if dm, ok := quiz.LookupDomain(d.Domain); ok {
				name = dm.Label()
			}
			fmt.Fprintf(a.Out, "  %3.0f%%  %d/%d  %s\n", 100*d.Ratio(), d.Correct, d.Total, name)
		}
	}
	due, err := st.CountDue(time.Now())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.Out, "\n%d of %d lessons read · %d quiz session%s · %d lab%s completed · %d review%s due\n",
		read, len(c.Lessons), sessions, plural(sessions), done, plural(done), due, plural(due))
	return err
}

func newProgressCmd(a *App) *cobra.Command {
	var asJSON, asCSV bool
	var importFile string
	cmd := &cobra.Command{
		Use:   "progress",
		Short: "Show progress and scores; --json exports everything, --csv lessons and quiz results",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && asCSV {
				return usagef("--json and --csv cannot be used together")
			}
			st, err := a.Store()
			if err != nil {
				return err
			}
			if importFile != "" {
				return a.importProgress(st, importFile)
			}
			if asJSON || asCSV {
				e, err := st.Export()
				if err != nil {
					return err
				}
				if asCSV {
					return progress.WriteCSV(a.Out, e)
				}
				return a.writeJSON(e)
			}
			c, err := a.Course()
			if err != nil {
				return err
			}
			states, err := st.Lessons()
			if err != nil {
				return err
			}
			results, err := st.Results("")
			if err != nil {
				return err
			}
			best := map[string]progress.QuizResult{}
			for _, r := range results {
				if b, ok := best[r.QuizID]; !ok || r.Percent() > b.Percent() {
					best[r.QuizID] = r
				}
			}
			return writeProgress(a, st, c, states, len(results))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "export all progress as JSON")
	cmd.Flags().StringVar(&importFile, "import", "", "merge progress from `FILE` (a --json export or a recovery file)")
	cmd.Flags().BoolVar(&asCSV, "csv", false, "export lessons and quiz results as one CSV table (columns: "+strings.Join(progress.CSVHeader, ", ")+")")
	return cmd
}

// importProgress merges an export or a recovery file into the store.
func (a *App) importProgress(st *progress.Store, file string) error {
	f, err := openRegular(file)
	if err != nil {
		return err
	}
	defer f.Close()
	var e progress.Export
	dec := json.NewDecoder(io.LimitReader(f, 64<<20))
	if err := dec.Decode(&e); err != nil {
		return fmt.Errorf("%s: not a cloudlab progress export: %v", file, err)
	}
	if err := st.Import(e); err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	fmt.Fprintf(a.Out, "Imported %s: %d lessons, %d answers, %d results, %d cards, %d labs.\n", file,
		len(e.Lessons), len(e.Attempts), len(e.Results), len(e.Cards), len(e.Labs))
	return nil
}
