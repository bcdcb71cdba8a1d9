// Package cli is cloudlab's command line (cobra). App carries what every
// command shares: the streams, the global flags, the course (loaded once)
// and the progress store (opened once).
package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/adrg/xdg"
	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-isatty"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/render"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// Version is stamped at build time:
//
//	go build -ldflags "-X github.com/cloudlab/cloudlab/internal/cli.Version=v1.2.3" ./cmd/cloudlab
//
// When empty, the module version or VCS revision from the build info is used.
var Version = ""

// App is the state shared by all commands.
type App struct {
	In       io.Reader
	Out, Err io.Writer

	Content string // --content DIR: course folder instead of the embedded one
	Data    string // --data DIR: folder of progress.db ("" = progress.DefaultDir())
	Plain   bool   // --plain: no TUI, no colour
	Style   string // --style dark|light|notty|ascii ("" = detect)
	Mouse   bool   // --mouse: mouse support in the TUI
	NoCache bool   // --no-cache: render without the disk cache

	// Getenv reads the environment (os.Getenv when nil); tests replace it.
	Getenv func(string) string
	// TTY overrides terminal detection of Out when non-nil (tests).
	TTY *bool
	// Width is the terminal width for tables (0 = detect; 80 when Out is
	// not a terminal). Tests set it.
	Width int

	// runProgram runs the full-screen app (tui.Run when nil); tests
	// replace it to see where the app would open.
	runProgram func(tui.Deps, tui.Factories, tui.Options) error

	courseOnce sync.Once
	course     *course.Course
	problems   []course.Problem
	courseErr  error
	warned     bool

	store    *progress.Store
	storeErr error
	storeSet bool

	renderer *render.Renderer
	dark     *bool
}

func (a *App) getenv(k string) string {
	if a.Getenv != nil {
		return a.Getenv(k)
	}
	return os.Getenv(k)
}

// Course loads the course once: the --content folder or the embedded one.
// Content problems do not stop the course from loading (check reports
// them); an error means there is nothing usable, and it is one line.
func (a *App) Course() (*course.Course, error) {
	a.courseOnce.Do(func() {
		fsys := course.Embedded()
		if a.Content != "" {
			st, err := os.Stat(a.Content)
			if err != nil {
				a.courseErr = fmt.Errorf("content folder %s: %v", a.Content, unwrapPath(err))
				return
			}
			if !st.IsDir() {
				a.courseErr = fmt.Errorf("content folder %s is not a folder", a.Content)
				return
			}
			fsys = os.DirFS(a.Content)
		}
		a.course, a.problems = course.Load(fsys)
		a.course.DropUnnamed() // a file without a usable id cannot be listed or opened
		// A pack may hold any of lessons, quizzes and labs.
		c := a.course
		if len(c.Lessons) == 0 && len(c.Quizzes) == 0 && len(c.Labs) == 0 {
			msg := "the folder has no lessons/, quizzes/ or labs/ with Markdown files"
			if errs := course.Errors(a.problems); len(errs) > 0 {
				msg += ": " + errs[0].String()
			}
			a.courseErr = errors.New(msg)
		}
		// Lessons without a track are filed under the pack's name.
		track := "Lessons"
		if a.Content != "" {
			track = filepath.Base(filepath.Clean(a.Content))
		}
		for _, l := range c.Lessons {
			if l.Track == "" {
				l.Track = track
			}
		}
	})
	return a.course, a.courseErr
}

// warnProblems says on stderr, once, that some content files have
// problems (listings show what loaded; check says what is wrong).
func (a *App) warnProblems() {
	if len(a.problems) == 0 || a.warned {
		return
	}
	a.warned = true
	files := map[string]bool{}
	for _, p := range a.problems {
		files[p.File] = true
	}
	where := ""
	if a.Content != "" {
		where = " " + a.Content
	}
	fmt.Fprintf(a.Err, "cloudlab: %d file%s %s problems: run cloudlab check%s\n", len(files), plural(len(files)), map[bool]string{true: "has", false: "have"}[len(files) == 1], where)
}

// CacheDir is the folder of rendered lessons: $XDG_CACHE_HOME/cloudlab/render
// (safe to delete; cloudlab cache clear empties it).
func (a *App) CacheDir() string {
	if d := a.getenv("XDG_CACHE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "cloudlab", "render")
	}
	return filepath.Join(xdg.CacheHome, "cloudlab", "render")
}

// DataDir is the folder holding progress.db.
func (a *App) DataDir() string {
	if a.Data != "" {
		return a.Data
	}
	if d := a.getenv("CLOUDLAB_DATA"); d != "" {
		return d
	}
	return progress.DefaultDir()
}

// Store opens the progress store once.
func (a *App) Store() (*progress.Store, error) {
	if !a.storeSet {
		a.storeSet = true
		a.store, a.storeErr = progress.Open(a.DataDir())
		if a.storeErr != nil && !errors.Is(a.storeErr, progress.ErrTooNew) {
			// A folder that cannot be written (a read-only mount, another
			// user's files) still shows progress; anything that would save
			// says so when it tries.
			if ro, err := progress.OpenReadOnly(a.DataDir()); err == nil {
				fmt.Fprintf(a.Err, "cloudlab: progress is read-only (%s); nothing will be saved\n",
					strings.Join(strings.Fields(a.storeErr.Error()), " "))
				a.store, a.storeErr = ro, nil
			}
		}
		if a.storeErr != nil {
			a.storeErr = errors.New(strings.ReplaceAll(a.storeErr.Error(), "\n", " "))
		}
	}
	return a.store, a.storeErr
}

// Close closes the store if it was opened.
func (a *App) Close() error {
	if a.store != nil {
		err := a.store.Close()
		a.store = nil
		return err
	}
	return nil
}

// IsTTY reports whether Out is a terminal that can show the TUI and colours
// (not TERM=dumb).
func (a *App) IsTTY() bool {
	if a.TTY != nil {
		return *a.TTY
	}
	if a.getenv("TERM") == "dumb" {
		return false
	}
	f, ok := a.Out.(*os.File)
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// InIsTTY reports whether In is a terminal.
func (a *App) InIsTTY() bool {
	if a.TTY != nil {
		return *a.TTY
	}
	f, ok := a.In.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// NoColor reports whether colour is off: NO_COLOR set (to anything
// non-empty), --plain, or --style notty/ascii.
func (a *App) NoColor() bool {
	return a.getenv("NO_COLOR") != "" || a.Plain || a.Style == "notty" || a.Style == "ascii"
}

// Dark reports whether the terminal background is dark: --style light says
// no, --style dark says yes, otherwise it is detected once (and only when
// Out is a terminal; the default is dark).
func (a *App) Dark() bool {
	if a.dark == nil {
		d := true
		switch {
		case a.Style == "light":
			d = false
		case a.Style == "dark":
		case a.IsTTY():
			d = lipgloss.HasDarkBackground()
		}
		a.dark = &d
	}
	return *a.dark
}

// Styles are the TUI styles for this terminal.
func (a *App) Styles() theme.Styles {
	return theme.New(a.Dark(), a.NoColor())
}

// RenderStyle is the Markdown style to render with when writing to a
// terminal: --style if given, notty when colour is off, else dark or light.
func (a *App) RenderStyle() string {
	if a.Style == "notty" || a.Style == "ascii" {
		return a.Style
	}
	if a.NoColor() {
		return "notty"
	}
	if a.Dark() {
		return "dark"
	}
	return "light"
}

// Renderer is the shared Markdown renderer (its cache lives as long as App).
func (a *App) Renderer() *render.Renderer {
	if a.renderer == nil {
		opts := render.Options{NoColor: a.NoColor()}
		if !a.NoCache {
			opts.CacheDir = a.CacheDir()
		}
		a.renderer = render.New(opts)
	}
	return a.renderer
}

// Deps are what TUI screens get.
func (a *App) Deps() (tui.Deps, error) {
	c, err := a.Course()
	if err != nil {
		return tui.Deps{}, err
	}
	st, err := a.Store()
	if err != nil {
		return tui.Deps{}, err
	}
	return tui.Deps{
		Course:      c,
		Store:       st,
		Styles:      a.Styles(),
		Renderer:    a.Renderer(),
		RenderStyle: a.RenderStyle(),
		LabsDir:     filepath.Join(a.DataDir(), "labs"),
	}, nil
}

// version is the version string shown by --version.
func version() string {
	if Version != "" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	v := bi.Main.Version
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "-dirty"
			}
		}
	}
	if v == "" || v == "(devel)" {
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			return "devel " + rev + modified
		}
		return "(devel)"
	}
	return v
}

// writeJSON prints v as indented JSON, the form of every --json output.
func (a *App) writeJSON(v any) error {
	enc := json.NewEncoder(a.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
