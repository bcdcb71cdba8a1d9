package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/quiz/plain"
	"github.com/cloudlab/cloudlab/internal/quiz/record"
	"github.com/cloudlab/cloudlab/internal/termtext"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
)

// QuizInfo is one row of `cloudlab quizzes --json` (field names are part
// of the command-line contract).
type QuizInfo struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Lesson    string   `json:"lesson,omitempty"`
	Questions int      `json:"questions"`
	Domains   []string `json:"domains"`
	Taken     int      `json:"taken"`              // finished sessions
	Best      *int     `json:"best,omitempty"`     // best percent
	Latest    *int     `json:"latest,omitempty"`   // latest percent
	Scaled    *int     `json:"scaled,omitempty"`   // best scaled exam score
	Problems  int      `json:"problems,omitempty"` // content problems in the file
}

func (a *App) quizzes() ([]*quiz.Quiz, error) {
	c, err := a.Course()
	if err != nil {
		return nil, err
	}
	qs, _ := quiz.Load(c)
	return qs, nil
}

func newQuizzesCmd(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "quizzes",
		Short: "List the quizzes: id, questions, best score, title",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			defer a.warnProblems()
			c, err := a.Course()
			if err != nil {
				return err
			}
			qs, probs := quiz.Load(c)
			st, err := a.Store()
			if err != nil {
				return err
			}
			results, err := st.Results("")
			if err != nil {
				return err
			}
			infos := make([]QuizInfo, 0, len(qs))
			for _, q := range qs {
				info := QuizInfo{ID: q.ID, Title: q.Title, Lesson: q.Lesson, Questions: len(q.Questions), Domains: []string{}}
				seen := map[string]bool{}
				for _, x := range q.Questions {
					if x.Domain != "" && !seen[x.Domain] {
						seen[x.Domain] = true
						info.Domains = append(info.Domains, x.Domain)
					}
				}
				for _, p := range probs {
					if p.File == q.File {
						info.Problems++
					}
				}
				for _, r := range results { // oldest first
					if r.QuizID != q.ID {
						continue
					}
					info.Taken++
					pct := int(r.Percent() + 0.5)
					if info.Best == nil || pct > *info.Best {
						info.Best = &pct
					}
					latest := pct
					info.Latest = &latest
					if r.Scaled > 0 && (info.Scaled == nil || r.Scaled > *info.Scaled) {
						s := r.Scaled
						info.Scaled = &s
					}
				}
				infos = append(infos, info)
			}
			if asJSON {
				return a.writeJSON(infos)
			}
			width := a.tableWidth()
			cols := []column{{Name: "ID"}, {Name: "QUESTIONS"}, {Name: "BEST"}, {Name: "LATEST"}, {Name: "TITLE", Flex: true}}
			rows := make([][]string, 0, len(infos))
			for _, i := range infos {
				rows = append(rows, []string{i.ID, strconv.Itoa(i.Questions), pct(i.Best), pct(i.Latest), i.Title})
			}
			if err := writeTable(a.Out, width, cols, rows); err != nil {
				return err
			}
			atts, err := st.Attempts("")
			if err != nil {
				return err
			}
			var outcomes []quiz.Outcome
			for _, at := range atts {
				outcomes = append(outcomes, quiz.Outcome{Domain: at.Domain, Correct: at.Correct})
			}
			var weak []string
			for _, g := range quiz.Weakest(outcomes) {
				if len(weak) == 3 || g.Correct == g.Total {
					break
				}
				weak = append(weak, fmt.Sprintf("%s %.0f%% (%d/%d)", g.Name, g.Percent(), g.Correct, g.Total))
			}
			if len(weak) > 0 {
				fmt.Fprintf(a.Out, "\n%s\n", termtext.Wrap("Weakest domains: "+strings.Join(weak, "; "), width, "  "))
			}
			if len(qs) > 0 {
				fmt.Fprintf(a.Out, "\nStart one with: cloudlab quiz %s\n(--mode exam for a timed exam, --all for every quiz)\n", qs[0].ID)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func pct(p *int) string {
	if p == nil {
		return "-"
	}
	return strconv.Itoa(*p) + "%"
}

func completeQuizzes(a *App) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return completeIDs(a, func(c *course.Course) (id, title []string) {
		for _, q := range c.Quizzes {
			id, title = append(id, q.ID), append(title, q.Title)
		}
		return id, title
	})
}

// plainMode: --plain, or stdin or stdout is not a terminal.
func (a *App) plainMode() bool { return a.Plain || !a.IsTTY() || !a.InIsTTY() }

// storeOrNil avoids a typed nil in record.Store.
func storeOrNil(st *progress.Store) record.Store {
	if st == nil {
		return nil
	}
	return st
}

func newQuizCmd(a *App) *cobra.Command {
	var (
		mode, timeLimit string
		count           int
		seed            uint64
		pass            int
		all, skipImages bool
	)
	cmd := &cobra.Command{
		Use:   "quiz [QUIZ]",
		Short: "Take a quiz: practice (feedback after each answer) or a timed exam",
		Long: `Take a quiz. Practice mode (the default) tells you after every answer
whether it was right and explains every option. Exam mode (--mode exam) is
timed (--time, default 2 minutes per question), gives no feedback until you
submit, lets you flag questions and go back, and ends with a raw score, a
scaled score from 100 to 1000 with a pass mark (--pass; default 720, or 700
when every question is from the Cloud Practitioner exam), a breakdown by
domain and lesson, and a walk-through of every question.

The scaled score maps the raw score linearly (100 + 900 x right / total);
AWS does not publish how it scales real exams.

--count N draws N questions at random; --seed makes the draw and the
option order repeatable, so a class can share a paper. --all mixes every
quiz, e.g. a mock exam: cloudlab quiz --all --mode exam --count 65 --time 130m

Without a terminal, or with --plain, the quiz is line-based: answer with
letters (A, AC or A,C) or a number; ? for help; f flags in exam mode.`,
		Args:              usageArgs(cobra.MaximumNArgs(1)),
		ValidArgsFunction: completeQuizzes(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			req := quiz.Request{All: all, Count: count, SkipImages: skipImages}
			if flagChanged(cmd.Flags(), "mode") {
				m, err := quiz.ParseMode(mode)
				if err != nil || m == quiz.Review {
					return usagef("--mode %q: use practice or exam", mode)
				}
				req.Mode = m
			}
			if flagChanged(cmd.Flags(), "count") && count < 1 {
				return usagef("--count %d: want at least 1 question", count)
			}
			if flagChanged(cmd.Flags(), "time") {
				d, err := time.ParseDuration(strings.TrimSpace(timeLimit))
				if err != nil || d <= 0 {
					return usagef("--time %q: want a duration such as 30m or 1h30m", timeLimit)
				}
				if d < time.Minute {
					return usagef("--time %q: an exam needs at least 1m", timeLimit)
				}
				if req.Mode != quiz.Exam {
					return usagef("--time applies to --mode exam")
				}
				req.Time = d
			}
			if flagChanged(cmd.Flags(), "seed") {
				req.Seed = &seed
			}
			if flagChanged(cmd.Flags(), "pass") {
				if pass < 100 || pass > 1000 {
					return usagef("--pass %d: want a pass mark from 100 to 1000", pass)
				}
				req.Pass = pass
			}
			id := ""
			if len(args) == 1 {
				id = args[0]
			}
			qs, err := a.quizzes()
			if err != nil {
				return err
			}
			if id == "" && !all {
				id, err = a.lastQuiz()
				if err != nil {
					return err
				}
			}
			req.ID = id
			if err := req.Validate(); err != nil {
				return &UsageError{err}
			}
			paper, err := quiz.Pick(qs, id, all)
			if err != nil {
				return &UsageError{err}
			}
			// A bank that names its exam sits like it: the exam's number of
			// questions and time, unless the flags say otherwise.
			if f, ok := quiz.Exams[quiz.ExamOf(paper.Questions)]; ok && req.Mode == quiz.Exam {
				if !flagChanged(cmd.Flags(), "count") {
					req.Count = f.Questions
				}
				if !flagChanged(cmd.Flags(), "time") {
					req.Time = f.Time
				}
			}
			st, err := a.Store()
			if err != nil {
				return err
			}
			// Before the first question: a quiz whose answers cannot be
			// saved is not worth starting.
			if err := st.CheckWritable(); err != nil {
				return fmt.Errorf("progress cannot be saved, so the quiz would be lost: %v (fix the file, or use --data DIR for another folder)", err)
			}
			_ = st.SetLast("quiz", paper.ID)
			if !a.plainMode() {
				// The full app, with the quiz over the home screen: the
				// quiz factory builds the same paper from the same options.
				return a.runTUI(tui.Start{Quiz: &nav.OpenQuiz{Request: req}})
			}
			cfg := req.Config(time.Now())
			s, err := quiz.NewSession(req.Questions(paper), cfg)
			if err != nil {
				return err
			}
			if req.Seed == nil && (cfg.Count > 0 || len(paper.Questions) > 1) {
				fmt.Fprintf(a.Out, "Seed %d (use --seed %d for the same paper).\n", cfg.Seed, cfg.Seed)
			}
			_, err = plain.Run(s, plain.Options{In: a.In, Out: a.Out, Record: record.New(storeOrNil(st), paper.ID), Title: paper.Title})
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&mode, "mode", "practice", "practice or exam")
	f.IntVar(&count, "count", 0, "ask `N` questions drawn at random (default all)")
	f.StringVar(&timeLimit, "time", "", "exam time limit, e.g. 30m (default 2m per question)")
	f.Uint64Var(&seed, "seed", 0, "seed for the question draw and option order (default: random)")
	f.IntVar(&pass, "pass", 0, "exam pass mark from 100 to 1000 (default 720; 700 for Cloud Practitioner questions)")
	f.BoolVar(&all, "all", false, "mix the questions of every quiz (a mock exam)")
	f.BoolVar(&skipImages, "skip-image-questions", false, "leave out questions that need an image")
	return cmd
}

// lastQuiz is the quiz of the lesson or quiz the learner was last in.
func (a *App) lastQuiz() (string, error) {
	none := usagef("name a quiz (see `cloudlab quizzes`) or use --all")
	st, err := a.Store()
	if err != nil {
		return "", err
	}
	loc, ok, err := st.Last()
	if err != nil || !ok {
		return "", none
	}
	c, err := a.Course()
	if err != nil {
		return "", err
	}
	switch loc.Kind {
	case "quiz":
		if c.Quiz(loc.ID) != nil {
			return loc.ID, nil
		}
	case "lesson":
		if q := c.QuizFor(loc.ID); q != nil {
			return q.ID, nil
		}
	}
	return "", none
}

func newReviewCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "review",
		Short: "Spaced review: ask exactly the questions whose review is due",
		Long: `Every question you answer becomes a review card scheduled with FSRS: a
wrong answer comes back soon (Again), a right one later (Good). review asks
the cards that are due now, and nothing else.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			qs, err := a.quizzes()
			if err != nil {
				return err
			}
			st, err := a.Store()
			if err != nil {
				return err
			}
			now := time.Now()
			due, err := record.Due(st, quiz.QuestionIndex(qs), now)
			if err != nil {
				return err
			}
			if len(due) == 0 {
				fmt.Fprintln(a.Out, "No reviews due.")
				if next, n, err := nextDue(st, now); err == nil && n > 0 {
					fmt.Fprintf(a.Out, "Next review: %s (%d card%s).\n", next.Local().Format("2006-01-02 15:04"), n, plural(n))
				}
				return nil
			}
			if !a.plainMode() {
				// The full app, with the review over the home screen.
				return a.runTUI(tui.Start{Review: true})
			}
			s, err := quiz.NewSession(due, quiz.Config{Mode: quiz.Review, Seed: uint64(now.UnixNano()) % 1000000, Start: now})
			if err != nil {
				return err
			}
			rec := record.New(st, "")
			_, err = plain.Run(s, plain.Options{In: a.In, Out: a.Out, Record: rec, Title: "Review"})
			return err
		},
	}
	return cmd
}

// nextDue is the earliest due time of the cards due after now, and how
// many are due then (within the same minute).
func nextDue(st *progress.Store, now time.Time) (time.Time, int, error) {
	cards, err := st.DueCards(now.AddDate(100, 0, 0))
	if err != nil || len(cards) == 0 {
		return time.Time{}, 0, err
	}
	first := cards[0].Due
	n := 0
	for _, c := range cards {
		if c.Due.Sub(first) < time.Minute {
			n++
		}
	}
	return first, n, nil
}
