// Package tui is cloudlab's Bubble Tea program: the root model routes the
// typed navigation messages of package nav between screens (home, lesson
// reader, and the quiz, review and lab screens plugged in through
// Factories), sends window sizes to every screen, and draws a "terminal too
// small" message instead of garbage.
package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/render"
	"github.com/cloudlab/cloudlab/internal/sim"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// Deps are what every screen gets from the root: the course, the store,
// the styles and the renderer.
type Deps struct {
	Course      *course.Course
	Store       *progress.Store // nil when progress is not saved
	Styles      theme.Styles
	Renderer    *render.Renderer
	RenderStyle string           // dark, light, notty or ascii: pass to Renderer.Render
	Now         func() time.Time // the wall clock (time.Now when nil)
	// FilesDir, when set, is the one folder the lab shell may read files
	// from (file://, fileb://): the class server gives each student their
	// own. Empty: the lab shell reads no files from disk.
	FilesDir string
	// LabsDir, when set, holds the workspaces of labs with real handlers
	// (LabsDir/<lab id>: the learner's files, kept between sessions).
	// Empty: each run gets a temporary folder.
	LabsDir string
	// SimBudget, when set, bounds the simulation events of every lab
	// opened with these Deps together (the class server gives each SSH
	// session one); nil: each simulation keeps only its own bound.
	SimBudget *sim.Budget
}

// Clock returns Deps.Now or time.Now.
func (e Deps) Clock() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Screen is one screen of the TUI. The root owns the stack of screens:
//
//   - on push it calls SetSize(w, h) with the whole terminal, then Init;
//   - it sends tea.WindowSizeMsg to every screen on the stack (through
//     Update) and every other message only to the top screen;
//   - when a screen above is closed, the one below gets nav.Refresh{};
//   - a screen leaves by returning a command producing nav.Back{}, and opens
//     another by producing nav.OpenLesson, nav.OpenQuiz, nav.OpenLab or
//     nav.OpenReview; nav.Error{Err} shows a one-line error at the bottom.
//
// The root handles only ctrl+c (quit) itself; every other key, including ?
// and q, goes to the top screen. A screen saves its own state before it
// sends nav.Back; when the program quits (ctrl+c), the root calls Close on
// every screen that implements Closer.
type Screen interface {
	Init() tea.Cmd
	SetSize(width, height int)
	Update(msg tea.Msg) (Screen, tea.Cmd)
	View() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// CtrlCHandler is implemented by screens where one ctrl+c should not end
// the program at once (a lab in progress): HandleCtrlC returns true when
// the screen used the key itself (it warns), false to let the root quit.
type CtrlCHandler interface {
	HandleCtrlC() bool
}

// Closer is implemented by screens that save state when the program quits
// (the lesson reader saves its position). Close must be quick.
type Closer interface {
	Close()
}

// Factories build the screens written in other packages. A nil factory
// makes the root show "not available yet" instead.
type Factories struct {
	// Quiz opens a quiz (msg.ID) or, with ID "" and Opts["all"] == "1", a
	// mock exam over every quiz. Opts keys: mode, count, time, seed, all.
	Quiz func(msg nav.OpenQuiz, env Deps) (Screen, error)
	// Review opens the spaced-repetition review of due questions.
	Review func(env Deps) (Screen, error)
	// Lab opens a lab (msg.ID), seeded with *msg.Seed when it is not nil.
	Lab func(msg nav.OpenLab, env Deps) (Screen, error)
}
