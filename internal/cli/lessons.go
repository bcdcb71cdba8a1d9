package cli

import (
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/render"
	"github.com/cloudlab/cloudlab/internal/tui"
)

// LessonInfo is one row of `cloudlab lessons --json` (field names are part
// of the command-line contract).
type LessonInfo struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Track   string `json:"track"`
	Order   int    `json:"order"`
	Minutes int    `json:"minutes"`
	Status  string `json:"status"` // new, in-progress or read
	Percent int    `json:"percent"`
	Quiz    string `json:"quiz,omitempty"`
	Lab     string `json:"lab,omitempty"`
}

// lessonStatus names a lesson's state.
func lessonStatus(st progress.LessonState) string {
	switch {
	case st.Read():
		return "read"
	case !st.FirstOpened.IsZero() || st.Percent > 0:
		return "in-progress"
	}
	return "new"
}

func (a *App) lessonInfos() ([]LessonInfo, error) {
	c, err := a.Course()
	if err != nil {
		return nil, err
	}
	st, err := a.Store()
	if err != nil {
		return nil, err
	}
	states, err := st.Lessons()
	if err != nil {
		return nil, err
	}
	out := make([]LessonInfo, 0, len(c.Lessons))
	for _, l := range c.Lessons {
		s := states[l.ID]
		pct := s.Percent
		if s.Read() {
			pct = 100
		}
		out = append(out, LessonInfo{ID: l.ID, Title: l.Title, Track: l.Track, Order: l.Order,
			Minutes: l.Minutes, Status: lessonStatus(s), Percent: pct, Quiz: l.Quiz, Lab: l.Lab})
	}
	return out, nil
}

func newLessonsCmd(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "lessons",
		Short: "List the lessons: id, title, track, minutes, status",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			defer a.warnProblems()
			infos, err := a.lessonInfos()
			if err != nil {
				return err
			}
			if asJSON {
				return a.writeJSON(infos)
			}
			cols := []column{{Name: "#"}, {Name: "ID"}, {Name: "TITLE", Flex: true}, {Name: "TRACK", Group: "Track"}, {Name: "MIN"}, {Name: "STATUS"}}
			rows := make([][]string, 0, len(infos))
			for _, l := range infos {
				status := l.Status
				if status == "in-progress" {
					status = fmt.Sprintf("%d%%", l.Percent)
				}
				rows = append(rows, []string{fmt.Sprint(l.Order), l.ID, l.Title, l.Track, fmt.Sprint(l.Minutes), status})
			}
			return writeTable(a.Out, a.tableWidth(), cols, rows)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// quickLesson parses only the file lessons/NN-id.md, without loading the
// whole course (`read` is often run on its own); nil if that fails.
func (a *App) quickLesson(id string) *course.Lesson {
	fsys := course.Embedded()
	if a.Content != "" {
		fsys = os.DirFS(a.Content)
	}
	ents, err := fs.ReadDir(fsys, course.LessonsDir)
	if err != nil {
		return nil
	}
	for _, e := range ents {
		n := e.Name()
		num, rest, ok := strings.Cut(n, "-")
		if !ok || rest != id+".md" || strings.Trim(num, "0123456789") != "" {
			continue
		}
		p := course.LessonsDir + "/" + n
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil
		}
		if l, probs := course.ParseLesson(p, src); l != nil && len(probs) == 0 {
			return l
		}
	}
	return nil
}

// findLesson finds a lesson by id (or by its order number).
func (a *App) findLesson(id string) (*course.Lesson, error) {
	c, err := a.Course()
	if err != nil {
		return nil, err
	}
	if l := c.Lesson(id); l != nil {
		return l, nil
	}
	for _, l := range c.Lessons {
		if fmt.Sprint(l.Order) == id || fmt.Sprintf("%02d", l.Order) == id {
			return l, nil
		}
	}
	var near []string
	for _, l := range c.Lessons {
		if strings.Contains(l.ID, id) || strings.Contains(id, l.ID) {
			near = append(near, l.ID)
		}
	}
	if len(near) > 0 {
		return nil, usagef("no lesson %q (did you mean %s?)", id, strings.Join(near, ", "))
	}
	return nil, usagef("no lesson %q (see cloudlab lessons)", id)
}

// completeIDs completes the first argument with the ids (and, as the
// description, the titles) that ids lists from the course.
func completeIDs(a *App, ids func(*course.Course) (id, title []string)) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		c, err := a.Course()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		id, title := ids(c)
		var out []string
		for i := range id {
			if strings.HasPrefix(id[i], prefix) {
				out = append(out, id[i]+"\t"+title[i])
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func completeLessons(a *App) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return completeIDs(a, func(c *course.Course) (id, title []string) {
		for _, l := range c.Lessons {
			id, title = append(id, l.ID), append(title, l.Title)
		}
		return id, title
	})
}

func newReadCmd(a *App) *cobra.Command {
	var width int
	cmd := &cobra.Command{
		Use:   "read LESSON",
		Short: "Print a lesson to stdout (plain text when stdout is not a terminal)",
		Long: `Print a lesson, rendered for the terminal, to stdout. When stdout is not a
terminal the text is plain (no escape codes) unless --style asks for colours;
NO_COLOR always turns colours off.`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeLessons(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			if flagChanged(cmd.Flags(), "width") && (width < render.MinWidth || width > render.MaxWidth) {
				return usagef("--width %d: want %d to %d", width, render.MinWidth, render.MaxWidth)
			}
			// A short-lived process: collecting garbage less often saves
			// about a sixth of the CPU time and costs a few MB at most.
			defer debug.SetGCPercent(debug.SetGCPercent(800))
			l := a.quickLesson(args[0])
			if l == nil {
				var err error
				if l, err = a.findLesson(args[0]); err != nil {
					return err
				}
			}
			tty := a.IsTTY()
			if width == 0 {
				// Lessons read best at most 100 columns wide; a pipe
				// gets 80.
				width = 80
				if w, ok := a.TerminalWidth(); ok {
					width = min(w, 100)
				}
			}
			style := a.RenderStyle()
			if a.Style == "" && !tty {
				style = "notty"
			}
			out, err := a.Renderer().Render(l.ReaderMarkdown(), width, style)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(a.Out, out)
			return err
		},
	}
	cmd.Flags().IntVar(&width, "width", 0, "wrap at `N` columns (default: the terminal's width up to 100, or 80)")
	return cmd
}

func newLearnCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:               "learn [LESSON]",
		Short:             "Open the full-screen app at a lesson",
		Args:              usageArgs(cobra.MaximumNArgs(1)),
		ValidArgsFunction: completeLessons(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := tui.Start{}
			if len(args) == 1 {
				l, err := a.findLesson(args[0])
				if err != nil {
					return err
				}
				start.Lesson = l.ID
			} else {
				c, err := a.Course()
				if err != nil {
					return err
				}
				st, err := a.Store()
				if err != nil {
					return err
				}
				start.Lesson = c.Lessons[0].ID
				if loc, ok, err := st.Last(); err == nil && ok && loc.Kind == "lesson" && c.Lesson(loc.ID) != nil {
					start.Lesson = loc.ID
				}
			}
			return a.runTUI(start)
		},
	}
}
