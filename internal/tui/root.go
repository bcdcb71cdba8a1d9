package tui

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/tui/home"
	"github.com/cloudlab/cloudlab/internal/tui/labsui"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/reader"
)

// Minimum usable terminal size; below it the root says so.
const (
	MinWidth  = 40
	MinHeight = 10
)

// Start says where the program opens: the home screen, with at most one
// screen pushed on top of it, so leaving that screen lands on home.
type Start struct {
	Lesson string        // open this lesson over the home screen ("" = home)
	Quiz   *nav.OpenQuiz // open this quiz (`cloudlab quiz`)
	Review bool          // open the spaced review (`cloudlab review`)
	Lab    *nav.OpenLab  // open this lab (`cloudlab lab LAB`)
}

// startMsg opens the Start screen once the home screen has started.
type startMsg struct{}

// Model is the root model: a stack of screens with home at the bottom.
type Model struct {
	env   Deps
	f     Factories
	stack []Screen
	w, h  int
	flash string
	start Start
	quit  bool
}

// New returns the root model.
func New(env Deps, f Factories, start Start) *Model {
	m := &Model{env: env, f: f, start: start}
	h := home.New(home.Deps{Course: env.Course, Store: env.Store, Styles: env.Styles, Now: env.Now})
	m.stack = []Screen{&homeScreen{h}}
	return m
}

// Init starts the home screen and then opens the Start screen over it.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.stack[0].Init(), nav.Cmd(startMsg{}))
}

// openStart pushes the screen Start asks for (the routing is the same as
// when a screen asks for it, so a failure shows on the home screen).
func (m *Model) openStart() tea.Cmd {
	var msg tea.Msg
	switch s := m.start; {
	case s.Lesson != "":
		msg = nav.OpenLesson{ID: s.Lesson}
	case s.Quiz != nil:
		msg = *s.Quiz
	case s.Review:
		msg = nav.OpenReview{}
	case s.Lab != nil:
		msg = *s.Lab
	default:
		return nil
	}
	m.start = Start{}
	_, cmd := m.Update(msg)
	return cmd
}

// Top is the screen on top of the stack.
func (m *Model) Top() Screen { return m.stack[len(m.stack)-1] }

// Depth is the number of screens on the stack.
func (m *Model) Depth() int { return len(m.stack) }

// Update routes messages.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		var cmds []tea.Cmd
		for i, s := range m.stack {
			var c tea.Cmd
			m.stack[i], c = s.Update(msg)
			cmds = append(cmds, c)
		}
		return m, tea.Batch(cmds...)
	case tea.KeyMsg:
		m.flash = ""
		if msg.String() == "ctrl+c" {
			if h, ok := m.Top().(CtrlCHandler); ok && h.HandleCtrlC() {
				return m, nil
			}
			return m, m.Quit()
		}
		if m.tooSmall() {
			if msg.String() == "esc" || msg.String() == "q" {
				return m, m.Quit()
			}
			return m, nil
		}
	case startMsg:
		return m, m.openStart()
	case nav.Timer:
		// Screens ask for timers by message; the root is where time passes.
		t := msg
		return m, tea.Tick(t.After, func(time.Time) tea.Msg { return t.Msg() })
	case nav.Back:
		return m, m.pop()
	case nav.OpenLesson:
		l := m.env.Course.Lesson(msg.ID)
		if l == nil {
			m.flash = fmt.Sprintf("No lesson %q.", msg.ID)
			return m, nil
		}
		r := reader.New(reader.Deps{
			Course: m.env.Course, Store: m.env.Store, Styles: m.env.Styles,
			Renderer: m.env.Renderer, RenderStyle: m.env.RenderStyle,
		}, l)
		if _, ok := m.Top().(*readerScreen); ok {
			// ] and [ replace the reader instead of stacking readers.
			m.stack = m.stack[:len(m.stack)-1]
		}
		return m, m.push(&readerScreen{r})
	case nav.OpenQuiz:
		if m.f.Quiz == nil {
			return m, m.unavailable("Quizzes")
		}
		s, err := m.f.Quiz(msg, m.env)
		return m, m.pushOrErr(s, err)
	case nav.OpenReview:
		if m.f.Review == nil {
			return m, m.unavailable("Review")
		}
		s, err := m.f.Review(m.env)
		return m, m.pushOrErr(s, err)
	case nav.OpenLabs:
		l := labsui.New(labsui.Deps{Course: m.env.Course, Store: m.env.Store, Styles: m.env.Styles, Shared: m.env.FilesDir != ""}, msg.Lesson)
		return m, m.push(&labsScreen{l})
	case nav.Quit:
		return m, m.Quit()
	case nav.OpenLab:
		if m.f.Lab == nil {
			return m, m.unavailable("Labs")
		}
		s, err := m.f.Lab(msg, m.env)
		return m, m.pushOrErr(s, err)
	case nav.Error:
		if msg.Err != nil {
			m.flash = oneLine(msg.Err.Error())
		}
		return m, nil
	}
	top := len(m.stack) - 1
	var cmd tea.Cmd
	m.stack[top], cmd = m.stack[top].Update(msg)
	return m, cmd
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (m *Model) unavailable(what string) tea.Cmd {
	m.flash = what + " are not available yet in this build."
	if what == "Review" {
		m.flash = "Review is not available yet in this build."
	}
	return nil
}

func (m *Model) pushOrErr(s Screen, err error) tea.Cmd {
	if err != nil {
		m.flash = oneLine(err.Error())
		return nil
	}
	if s == nil {
		m.flash = "That screen is not available."
		return nil
	}
	return m.push(s)
}

func (m *Model) push(s Screen) tea.Cmd {
	m.stack = append(m.stack, s)
	s.SetSize(m.w, m.h)
	return s.Init()
}

func (m *Model) pop() tea.Cmd {
	if len(m.stack) <= 1 {
		return m.Quit()
	}
	m.stack = m.stack[:len(m.stack)-1]
	var cmd tea.Cmd
	top := len(m.stack) - 1
	m.stack[top].SetSize(m.w, m.h)
	m.stack[top], cmd = m.stack[top].Update(nav.Refresh{})
	return cmd
}

// Quit closes every screen (saving state) and quits the program.
func (m *Model) Quit() tea.Cmd {
	if !m.quit {
		m.quit = true
		for i := len(m.stack) - 1; i >= 0; i-- {
			if c, ok := m.stack[i].(Closer); ok {
				c.Close()
			}
		}
	}
	return tea.Quit
}

func (m *Model) tooSmall() bool { return m.w < MinWidth || m.h < MinHeight }

// View draws the top screen, the error line, or the too-small message.
func (m *Model) View() string {
	if m.quit {
		return ""
	}
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	if m.tooSmall() {
		return tooSmallView(m.w, m.h)
	}
	v := m.Top().View()
	if m.flash != "" {
		lines := strings.Split(v, "\n")
		msg := " " + m.env.Styles.Error.Render(m.flash)
		msg = ansi.Truncate(msg, m.w, "…")
		if len(lines) >= m.h {
			lines[m.h-1] = msg
		} else {
			lines = append(lines, msg)
		}
		v = strings.Join(lines, "\n")
	}
	return v
}

func tooSmallView(w, h int) string {
	msg := []string{
		"Terminal too small",
		fmt.Sprintf("(%dx%d).", w, h),
		fmt.Sprintf("Need %dx%d.", MinWidth, MinHeight),
		"Enlarge it, or",
		"press q to quit.",
	}
	var out []string
	for _, l := range msg {
		if len(out) >= h {
			break
		}
		out = append(out, ansi.Truncate(l, w, ""))
	}
	return strings.Join(out, "\n")
}

// Options configure Run.
type Options struct {
	Start Start
	Mouse bool
	In    io.Reader
	Out   io.Writer
}

// Run runs the TUI until the learner quits.
func Run(env Deps, f Factories, opts Options) error {
	if env.Course == nil || env.Renderer == nil {
		return errors.New("tui: course and renderer are required")
	}
	popts := []tea.ProgramOption{tea.WithAltScreen()}
	if opts.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	if opts.In != nil {
		popts = append(popts, tea.WithInput(opts.In))
	}
	if opts.Out != nil {
		popts = append(popts, tea.WithOutput(opts.Out))
	}
	_, err := tea.NewProgram(New(env, f, opts.Start), popts...).Run()
	return err
}

// homeScreen and readerScreen adapt the home and reader models to Screen.
type homeScreen struct{ m *home.Model }

func (s *homeScreen) Init() tea.Cmd             { return s.m.Init() }
func (s *homeScreen) SetSize(w, h int)          { s.m.SetSize(w, h) }
func (s *homeScreen) View() string              { return s.m.View() }
func (s *homeScreen) ShortHelp() []key.Binding  { return s.m.ShortHelp() }
func (s *homeScreen) FullHelp() [][]key.Binding { return s.m.FullHelp() }
func (s *homeScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	var cmd tea.Cmd
	s.m, cmd = s.m.Update(msg)
	return s, cmd
}

type labsScreen struct{ m *labsui.Model }

func (s *labsScreen) Init() tea.Cmd             { return s.m.Init() }
func (s *labsScreen) SetSize(w, h int)          { s.m.SetSize(w, h) }
func (s *labsScreen) View() string              { return s.m.View() }
func (s *labsScreen) ShortHelp() []key.Binding  { return s.m.ShortHelp() }
func (s *labsScreen) FullHelp() [][]key.Binding { return s.m.FullHelp() }
func (s *labsScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	var cmd tea.Cmd
	s.m, cmd = s.m.Update(msg)
	return s, cmd
}

type readerScreen struct{ m *reader.Model }

func (s *readerScreen) Init() tea.Cmd             { return s.m.Init() }
func (s *readerScreen) SetSize(w, h int)          { s.m.SetSize(w, h) }
func (s *readerScreen) View() string              { return s.m.View() }
func (s *readerScreen) ShortHelp() []key.Binding  { return s.m.ShortHelp() }
func (s *readerScreen) FullHelp() [][]key.Binding { return s.m.FullHelp() }
func (s *readerScreen) Close()                    { s.m.Close() }
func (s *readerScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	var cmd tea.Cmd
	s.m, cmd = s.m.Update(msg)
	return s, cmd
}

// Reader returns the lesson reader if it is the top screen (tests).
func (m *Model) Reader() *reader.Model {
	if r, ok := m.Top().(*readerScreen); ok {
		return r.m
	}
	return nil
}

// Home returns the home screen model.
func (m *Model) Home() *home.Model { return m.stack[0].(*homeScreen).m }
