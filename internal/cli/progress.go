package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/progress"
)

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func newProgressCmd(a *App) *cobra.Command {
	var asJSON, asCSV bool
	cmd := &cobra.Command{
		Use:   "progress",
		Short: "Show progress and scores; --json exports everything, --csv the lessons",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && asCSV {
				return usagef("--json and --csv cannot be used together")
			}
			st, err := a.Store()
			if err != nil {
				return err
			}
			if asJSON {
				e, err := st.Export()
				if err != nil {
					return err
				}
				enc := json.NewEncoder(a.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(e)
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
			if asCSV {
				w := csv.NewWriter(a.Out)
				_ = w.Write([]string{"lesson_id", "title", "track", "status", "percent", "first_opened", "read_at", "best_quiz_correct", "best_quiz_total"})
				for _, l := range c.Lessons {
					s := states[l.ID]
					bc, bt := "", ""
					if r, ok := best[l.Quiz]; ok && l.Quiz != "" {
						bc, bt = strconv.Itoa(r.Correct), strconv.Itoa(r.Total)
					}
					_ = w.Write([]string{l.ID, l.Title, l.Track, lessonStatus(s), strconv.Itoa(s.Percent),
						fmtTime(s.FirstOpened), fmtTime(s.ReadAt), bc, bt})
				}
				w.Flush()
				return w.Error()
			}
			read := 0
			tw := tabwriter.NewWriter(a.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "LESSON\tSTATUS\tQUIZ (BEST)")
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
				q := ""
				if r, ok := best[l.Quiz]; ok && l.Quiz != "" {
					q = fmt.Sprintf("%d/%d", r.Correct, r.Total)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", l.ID, status, q)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			labs, err := st.Labs()
			if err != nil {
				return err
			}
			done := 0
			for _, l := range labs {
				if !l.CompletedAt.IsZero() {
					done++
				}
			}
			due, err := st.CountDue(time.Now())
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.Out, "\n%d of %d lessons read · %d quiz sessions · %d labs completed · %d reviews due\n",
				read, len(c.Lessons), len(results), done, due)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "export all progress as JSON")
	cmd.Flags().BoolVar(&asCSV, "csv", false, "export lesson progress as CSV")
	return cmd
}
