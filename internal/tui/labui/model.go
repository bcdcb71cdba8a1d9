// Package labui is the lab screen. The command line always has the focus:
// the learner types commands (the AWS CLI subset and lab verbs) and the
// lab's own commands (hint, solution, next, back, steps, reset step,
// exit), and keys that cannot collide with typing (function keys, alt+key,
// page keys) do the rest. Above the prompt, a card shows the step being
// worked on (its instruction, its goal in words, the hints and the solution
// asked for) and, once the step passes, what just happened; beside it (wide
// terminals) or behind tabs (80x24), live panes show the simulated cloud:
// Lambda execution environments, concurrency and throttles, the ECS cluster
// map, services, events and the last placement decision, and the output.
//
// The simulation advances only inside Update, on a timer: each tick at
// speed s moves simulated time by s x tickEvery, so a run is deterministic
// for a given seed whatever the wall clock does. The clock starts with the
// learner's first command, so reading a step never costs simulated time.
package labui

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/shell"
	"github.com/cloudlab/cloudlab/internal/termtext"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// tickEvery is the wall-clock interval of simulation ticks.
const tickEvery = 100 * time.Millisecond

// speeds are the clock speeds (0 = paused).
var speeds = []int{0, 1, 10, 100}

// maxScroll bounds the scrollback lines kept.
const maxScroll = 3000

// Tabs of the narrow layout.
const (
	tabStep = iota
	tabLambda
	tabECS
	tabOutput
	numTabs
)

var tabNames = []string{"Step", "Lambda", "EC2·ECS", "Output"}

type lineKind int

const (
	kindOutput lineKind = iota
	kindCommand
	kindError
	kindInfo
	kindSuccess
	kindLog
)

type scrollLine struct {
	kind lineKind
	text string
}

// keyMap holds the screen's keys; the key bar and the help are generated
// from them. The command line always has the focus, so every key here is
// one that typing never produces.
type keyMap struct {
	Run, Complete, HistUp, HistDown, CardUp, CardDown    key.Binding
	Hint, Solution, NextPane, Pane1, Pane2, Pane3, Pane4 key.Binding
	Pause, Slower, Faster, Help, Back, Yes, No           key.Binding
}

func newKeys() keyMap {
	return keyMap{
		Run:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
		Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		HistUp:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "history")),
		HistDown: key.NewBinding(key.WithKeys("down")),
		CardUp:   key.NewBinding(key.WithKeys("pgup", "shift+up"), key.WithHelp("pgup/dn", "scroll")),
		CardDown: key.NewBinding(key.WithKeys("pgdown", "shift+down")),
		Hint:     key.NewBinding(key.WithKeys("f1", "alt+h"), key.WithHelp("F1", "hint")),
		Solution: key.NewBinding(key.WithKeys("f2", "alt+s"), key.WithHelp("F2", "solution")),
		NextPane: key.NewBinding(key.WithKeys("f3", "alt+right"), key.WithHelp("F3", "pane")),
		Pane1:    key.NewBinding(key.WithKeys("alt+1"), key.WithHelp("alt+1…4", "step, lambda, ecs, output")),
		Pane2:    key.NewBinding(key.WithKeys("alt+2")),
		Pane3:    key.NewBinding(key.WithKeys("alt+3")),
		Pane4:    key.NewBinding(key.WithKeys("alt+4")),
		Pause:    key.NewBinding(key.WithKeys("f4", "alt+p"), key.WithHelp("F4", "pause/run clock")),
		Slower:   key.NewBinding(key.WithKeys("f5", "alt+-"), key.WithHelp("F5/F6", "slower/faster")),
		Faster:   key.NewBinding(key.WithKeys("f6", "alt+=", "alt++")),
		Help:     key.NewBinding(key.WithKeys("?", "f10"), key.WithHelp("?", "help")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear line / leave lab")),
		Yes:      key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:       key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),
	}
}

// labCommands are the lab's own commands, typed at the prompt (shown by
// `help` and in the full help).
var labCommands = [][2]string{
	{"hint", "the next hint for this step (F1)"},
	{"solution", "this step's solution, after asking; it is recorded (F2)"},
	{"next", "go on to the next step once this one passed (enter on an empty line)"},
	{"back", "look at the previous step again"},
	{"steps", "list the steps and which passed"},
	{"reset step", "start this step again from the state its earlier steps leave"},
	{"pause, resume, speed N", "the simulated clock (N: 1, 10 or 100)"},
	{"clear", "clear the output"},
	{"exit, quit", "leave the lab; your progress is kept and it resumes here"},
}

// Model is the lab screen.
type Model struct {
	env    tui.Deps
	st     theme.Styles
	lab    *lab.Lab
	seed   uint64
	runner *lab.Runner
	keys   keyMap
	help   help.Model

	w, h     int
	input    textinput.Model
	tab      int
	view     int    // the step whose card is shown; below runner.Current() while a passed step waits for `next`
	cardOff  int    // lines the card is scrolled down
	anchor   string // scroll the card to the line with this text once it is rendered
	confirm  bool   // asking whether to show the solution
	ctrlC    bool   // ctrl+c pressed once: the next one quits
	fullHelp bool
	started  bool // the learner ran a command: the clock runs

	hist    []string
	histIdx int
	draft   string

	scroll    []scrollLine
	scrollOff int // lines scrolled up from the bottom of the output

	speedIdx int
	snap     snapshot
	status   string

	// cards rendered by (Markdown, width); View shows the cached text.
	rendered map[cardKey]string
	pending  map[cardKey]bool
	hints    map[int][]string // hints shown, by step
	sol      map[int][]string // solution shown, by step

	done  bool // every step passed and the learner saw it
	stuck bool // the learner was told the step can no longer pass (reset step)

	// busy is what runs in the background in a lab with real handlers (a
	// command, a replay), "" when nothing does: its runner is not touched
	// from Update until the result arrives.
	busy string
	// pendingResume waits for the start of a lab with real handlers.
	pendingResume *resumeMsg
	// Step times, in wall time (env.Clock), never the simulated clock:
	// times holds each step's first start and pass and the time spent on
	// it in this screen; spentBefore is what earlier sessions spent (from
	// the store), so a save sends running totals. timed is the step whose
	// time is counting since visit (zero visit: none).
	times       map[int]progress.StepTime
	spent       map[int]time.Duration
	spentBefore map[int]int64
	timed       int
	visit       time.Time
}

type cardKey struct {
	md    string
	width int
}

type tickMsg struct{}

type renderedMsg struct {
	key  cardKey
	text string
	err  error
}

type savedMsg struct{ err error }

// execMsg is a command of a lab with real handlers, run in the background.
type execMsg struct {
	line string
	out  lab.Outcome
}

// replayMsg is a runner rebuilt in the background (resume, reset step) in
// a lab with real handlers.
type replayMsg struct {
	runner *lab.Runner
	n      int
	reset  bool
	err    error
}

// startedMsg ends the start of a lab with real handlers.
type startedMsg struct{ err error }

// editedMsg comes back when the learner's editor exits.
type editedMsg struct {
	file string
	err  error
}

// resumeMsg carries the saved state of the lab (read in Init's command).
type resumeMsg struct {
	state progress.LabState
	ok    bool
	err   error
}

// NewScreen is the lab screen factory the TUI root calls for nav.OpenLab
// (msg.Seed, when set, replaces lab.DefaultSeed).
func NewScreen(msg nav.OpenLab, env tui.Deps) (tui.Screen, error) {
	l, err := lab.Find(env.Course, msg.ID)
	if err != nil {
		return nil, err
	}
	seed := uint64(lab.DefaultSeed)
	if msg.Seed != nil {
		seed = *msg.Seed
	}
	return New(l, env, seed)
}

// runnerOptions are the lab runner's options: the seed and, on the class
// server, the student's own folder for file reads.
func runnerOptions(env tui.Deps, seed uint64, l *lab.Lab) []lab.Option {
	opts := []lab.Option{lab.WithSeed(seed)}
	if l.World == lab.WorldReal {
		// Its workspace and invoker start in a command (Init), not here.
		opts = append(opts, lab.WithDeferredStart())
		if env.LabsDir != "" {
			opts = append(opts, lab.WithWorkDir(filepath.Join(env.LabsDir, l.ID)))
		}
	}
	if env.FilesDir != "" {
		opts = append(opts, lab.WithShellOptions(shell.WithConfinedDir(env.FilesDir)))
	}
	return opts
}

// New returns the lab screen for l with a fresh simulation seeded with seed.
func New(l *lab.Lab, env tui.Deps, seed uint64) (*Model, error) {
	if l.World == lab.WorldReal && env.FilesDir != "" {
		// The class server shares one machine: it runs no student's code.
		return nil, fmt.Errorf("%s runs your own code as real processes, so the class server does not offer it: run cloudlab on your own machine for this lab", l.ID)
	}
	r, err := newRunner(l, env, seed)
	if err != nil {
		return nil, err
	}
	in := textinput.New()
	// A steady cursor: no blink timer (nothing to redraw twice a second
	// over SSH, and no command that waits).
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Prompt = "> "
	in.Placeholder = "type a command; help lists them"
	in.ShowSuggestions = false
	in.CharLimit = 4096
	in.Focus()
	m := &Model{env: env, st: env.Styles, lab: l, seed: seed, runner: r, keys: newKeys(), help: theme.NewHelp(env.Styles),
		input: in, rendered: map[cardKey]string{}, pending: map[cardKey]bool{},
		hints: map[int][]string{}, sol: map[int][]string{}, w: 80, h: 24,
		times: map[int]progress.StepTime{}, spent: map[int]time.Duration{}, spentBefore: map[int]int64{}}
	m.startTiming(env.Clock())
	m.input.PromptStyle = m.st.Accent
	// Theme styles only: bubbles' defaults carry colours, which NO_COLOR
	// must not get.
	m.input.PlaceholderStyle = m.st.Muted
	m.input.TextStyle = m.st.Text
	m.input.Cursor.Style = m.st.Selected
	m.input.Cursor.TextStyle = m.st.Text
	if r.Real() {
		m.addLine(kindInfo, fmt.Sprintf("Lab: %s. Your handler runs as real processes, on the wall clock. Type help for the lab's commands.", l.Title))
		m.busy, m.status = "starting", "Starting the lab's Lambda…"
	} else {
		m.addLine(kindInfo, fmt.Sprintf("Lab: %s. The clock starts with your first command. Type help for the lab's commands.", l.Title))
	}
	if len(l.Setup) > 0 {
		m.addLine(kindInfo, fmt.Sprintf("Setup ran %d command(s).", len(l.Setup)))
	}
	m.refreshPanes()
	return m, nil
}

// Init starts the clock's timer, renders the first card, reads where the
// learner left this lab and records it as the place "Continue" returns to.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.tick(), m.renderCard(), m.loadState(), m.start())
}

// start starts a lab with real handlers (its workspace and invoker) in a
// command.
func (m *Model) start() tea.Cmd {
	if m.busy != "starting" {
		return nil
	}
	r := m.runner
	return func() tea.Msg { return startedMsg{err: r.Start()} }
}

// onStarted takes the end of start: the workspace is ready, or the lab
// cannot run here.
func (m *Model) onStarted(msg startedMsg) tea.Cmd {
	m.busy, m.status = "", ""
	if msg.err != nil {
		m.busy = "failed" // the runner is unusable: no command runs
		m.addLine(kindError, "This lab cannot start: "+msg.err.Error())
		m.status = "This lab cannot start here (see above). esc goes back."
		return nil
	}
	m.addLine(kindInfo, "Your files: "+termtext.Sanitize(m.runner.WorkDir()))
	m.addLine(kindInfo, m.runner.Runtimes())
	m.refreshPanes()
	if p := m.pendingResume; p != nil {
		m.pendingResume = nil
		return m.resume(*p)
	}
	return nil
}

// loadState reads the lab's saved progress (to resume) and records the lab
// as the learner's last place, in a command.
func (m *Model) loadState() tea.Cmd {
	st, id := m.env.Store, m.lab.ID
	if st == nil {
		return nil
	}
	return func() tea.Msg {
		if err := st.SetLast("lab", id); err != nil {
			return resumeMsg{err: err}
		}
		labs, err := st.Labs()
		if err != nil {
			return resumeMsg{err: err}
		}
		s, ok := labs[id]
		return resumeMsg{state: s, ok: ok}
	}
}

func (m *Model) tick() tea.Cmd {
	return nav.After(tickEvery, func() tea.Msg { return tickMsg{} })
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.input.Width = max(10, w-4)
	m.help.Width = w
}

// Runner exposes the lab runner (tests, the CLI).
func (m *Model) Runner() *lab.Runner { return m.runner }

// Speed returns the clock speed (0 when paused).
func (m *Model) Speed() int { return speeds[m.speedIdx] }

// Viewing is the step whose card is shown (len(steps) for the summary).
func (m *Model) Viewing() int { return m.view }

// Update handles messages.
func (m *Model) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
		return m, m.renderCard()
	case tickMsg:
		var cmd tea.Cmd
		switch {
		case m.busy != "":
		case m.runner.Real():
			cmd = m.advance(0) // the wall clock moved it: look again
		case m.Speed() > 0:
			cmd = m.advance(time.Duration(m.Speed()) * tickEvery)
		}
		return m, tea.Batch(m.tick(), cmd)
	case execMsg:
		m.busy, m.status = "", ""
		m.showOutcome(msg.line, msg.out)
		return m, m.afterProgress(msg.out.Passed)
	case replayMsg:
		return m, m.replayed(msg)
	case startedMsg:
		return m, m.onStarted(msg)
	case editedMsg:
		if msg.err != nil {
			m.addLine(kindError, "edit "+msg.file+": "+msg.err.Error())
		} else {
			m.addLine(kindInfo, "Back from the editor. Rebuild (go build) and zip to package the new "+msg.file+".")
		}
		return m, nil
	case renderedMsg:
		delete(m.pending, msg.key)
		if msg.err == nil {
			m.rendered[msg.key] = msg.text
		}
		m.applyAnchor()
		return m, nil
	case savedMsg:
		if msg.err != nil {
			m.status = "progress not saved: " + msg.err.Error()
		}
		return m, nil
	case resumeMsg:
		return m, m.resume(msg)
	case nav.Refresh:
		return m, nil
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

// HandleCtrlC makes ctrl+c ask before quitting: the first press clears the
// line and warns, the second quits (the root's job).
func (m *Model) HandleCtrlC() bool {
	if m.ctrlC {
		return false
	}
	m.ctrlC = true
	m.input.SetValue("")
	m.status = "Press ctrl+c again to quit cloudlab (your progress is saved), or type exit to leave the lab."
	return true
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	m.status = ""
	m.ctrlC = false
	if m.confirm {
		switch {
		case key.Matches(msg, k.Yes):
			m.confirm = false
			return m.showSolution()
		case key.Matches(msg, k.No):
			m.confirm = false
			m.status = "The solution stays hidden."
		}
		return nil
	}
	if m.fullHelp && (key.Matches(msg, k.Back) || key.Matches(msg, k.Help)) {
		m.fullHelp = false
		return nil
	}
	empty := m.input.Value() == ""
	switch {
	case m.busy != "" && (key.Matches(msg, k.Run) || key.Matches(msg, k.Complete)):
		switch m.busy {
		case "failed":
			m.status = "This lab cannot start here (see the output). esc goes back."
		case "starting":
			m.status = "Starting the lab's Lambda… a moment."
		default:
			m.status = "Running " + m.busy + " … real processes take real time."
		}
		return nil
	case key.Matches(msg, k.Run):
		return m.runLine(m.input.Value())
	case key.Matches(msg, k.Back):
		if !empty {
			m.input.SetValue("")
			return nil
		}
		return m.leave()
	case key.Matches(msg, k.Help) && (empty || msg.String() == "f10"):
		m.fullHelp = !m.fullHelp
		return nil
	case key.Matches(msg, k.HistUp):
		m.histUp()
		return nil
	case key.Matches(msg, k.HistDown):
		m.histDown()
		return nil
	case key.Matches(msg, k.Complete):
		m.complete()
		return nil
	case key.Matches(msg, k.CardUp):
		m.scrollBy(-1)
		return nil
	case key.Matches(msg, k.CardDown):
		m.scrollBy(1)
		return nil
	case key.Matches(msg, k.Hint):
		return m.showHint()
	case key.Matches(msg, k.Solution):
		m.askSolution()
		return nil
	case key.Matches(msg, k.NextPane):
		m.tab = (m.tab + 1) % numTabs
		return nil
	case key.Matches(msg, k.Pane1), key.Matches(msg, k.Pane2), key.Matches(msg, k.Pane3), key.Matches(msg, k.Pane4):
		m.tab = int(msg.String()[len(msg.String())-1] - '1')
		return nil
	case m.runner.Real() && (key.Matches(msg, k.Pause) || key.Matches(msg, k.Slower) || key.Matches(msg, k.Faster)):
		m.status = "Time is real in this lab: the clock cannot be paused or sped up."
		return nil
	case key.Matches(msg, k.Pause):
		m.togglePause()
		return nil
	case key.Matches(msg, k.Slower):
		m.speedIdx = max(0, m.speedIdx-1)
		return nil
	case key.Matches(msg, k.Faster):
		m.started = true
		m.speedIdx = min(len(speeds)-1, m.speedIdx+1)
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

func (m *Model) histUp() {
	if len(m.hist) == 0 {
		return
	}
	if m.histIdx == len(m.hist) {
		m.draft = m.input.Value()
	}
	if m.histIdx > 0 {
		m.histIdx--
	}
	m.input.SetValue(m.hist[m.histIdx])
	m.input.CursorEnd()
}

func (m *Model) histDown() {
	if m.histIdx >= len(m.hist) {
		return // already at the line being typed
	}
	m.histIdx++
	if m.histIdx == len(m.hist) {
		m.input.SetValue(m.draft)
	} else {
		m.input.SetValue(m.hist[m.histIdx])
	}
	m.input.CursorEnd()
}

// scrollBy scrolls the card (or, on the Output tab, the output) by pages.
func (m *Model) scrollBy(pages int) {
	if m.tab == tabOutput && !m.wide() {
		m.scrollOff = max(0, m.scrollOff-pages*max(1, m.cardInner()-1))
		return
	}
	m.cardOff = max(0, m.cardOff+pages*max(1, m.cardInner()-2))
}

func (m *Model) togglePause() {
	if m.speedIdx == 0 {
		m.started = true
		m.speedIdx = 1
	} else {
		m.speedIdx = 0
	}
}

// leave saves and goes back; the lab resumes at this step next time.
func (m *Model) leave() tea.Cmd {
	r := m.runner
	closeReal := func() tea.Msg { _ = r.Close(); return nil }
	return tea.Sequence(m.save(), closeReal, nav.Cmd(nav.Back{}))
}

// runLine runs one line typed by the learner: a lab command, or a command
// for the simulated cloud.
func (m *Model) runLine(line string) tea.Cmd {
	line = strings.TrimSpace(line)
	m.input.SetValue("")
	m.scrollOff = 0
	// A command pasted from a card keeps its continuation backslashes.
	line = strings.TrimSpace(strings.ReplaceAll(line, " \\ ", " "))
	if strings.HasSuffix(line, " \\") {
		line = strings.TrimSuffix(line, " \\")
	}
	if line == "" {
		if m.view < m.runner.Current() || (m.runner.Done() && m.view < len(m.lab.Steps)) {
			return m.next()
		}
		if m.view < len(m.lab.Steps) {
			m.status = "Step " + strconv.Itoa(m.view+1) + ": " + m.lab.Steps[m.view].Goal
		}
		return nil
	}
	if len(m.hist) == 0 || m.hist[len(m.hist)-1] != line {
		m.hist = append(m.hist, line)
	}
	m.histIdx = len(m.hist)
	m.draft = ""
	if cmd, ok := m.labCommand(line); ok {
		return cmd
	}
	m.addLine(kindCommand, "> "+line)
	if !m.started {
		m.started = true
		m.speedIdx = 1
	}
	if m.runner.Real() {
		// go build and a real invoke take real time: off the UI thread.
		// (No simulation budget: the class server offers no real lab.)
		m.busy, m.status = line, "Running… real processes take real time."
		r := m.runner
		return func() tea.Msg { return execMsg{line: line, out: r.Exec(line)} }
	}
	var out lab.Outcome
	err := m.metered(m.runner, func() error { out = m.runner.Exec(line); return out.Err })
	switch {
	case errors.Is(err, errBudgetSpent) && out.Err == nil:
		return nil // refused before running: metered said why
	case errors.Is(err, errBudgetSpent) && budgetError(out.Err):
		// metered explained; the shell's wording is about one simulation.
	default:
		m.showOutcome(line, out)
	}
	return m.afterProgress(out.Passed)
}

// showOutcome prints a command's output, error and log tail.
func (m *Model) showOutcome(line string, out lab.Outcome) {
	if out.Err != nil {
		for _, l := range strings.Split(out.Err.Error(), "\n") {
			m.addLine(kindError, l)
		}
	} else {
		if s := out.Result.String(); s != "" {
			for _, l := range strings.Split(s, "\n") {
				m.addLine(kindOutput, l)
			}
		}
		if len(out.Result.Logs) > 0 {
			m.addLine(kindInfo, "log tail (LogResult, base64-decoded):")
			for _, l := range out.Result.Logs {
				m.addLine(kindLog, shortLog(l))
			}
		}
	}
	if line == "help" || strings.HasPrefix(line, "help ") {
		m.addLabHelp()
	}
}

// labCommand runs the lab's own commands; ok is false for anything else.
func (m *Model) labCommand(line string) (tea.Cmd, bool) {
	f := strings.Fields(strings.ToLower(line))
	switch {
	case len(f) == 1 && f[0] == "hint":
		return m.showHint(), true
	case len(f) == 1 && f[0] == "solution":
		m.askSolution()
		return nil, true
	case len(f) == 1 && f[0] == "next":
		return m.next(), true
	case len(f) == 1 && f[0] == "back":
		if m.view == 0 {
			m.status = "This is the first step."
			return nil, true
		}
		m.view--
		m.cardOff = 0
		m.status = fmt.Sprintf("Step %d again (passed). next goes forward.", m.view+1)
		return m.renderCard(), true
	case len(f) == 1 && f[0] == "steps":
		m.addLine(kindCommand, "> steps")
		for i, st := range m.lab.Steps {
			mark := "·"
			switch {
			case i < m.runner.Current():
				mark = "✓"
			case i == m.runner.Current():
				mark = "▸"
			}
			m.addLine(kindInfo, fmt.Sprintf("%s %d. %s: %s", mark, i+1, st.Title, st.Goal))
		}
		return nil, true
	case len(f) == 2 && f[0] == "reset" && f[1] == "step":
		return m.resetStep(), true
	case len(f) == 1 && (f[0] == "exit" || f[0] == "quit"):
		return m.leave(), true
	case len(f) == 1 && f[0] == "pause":
		m.speedIdx = 0
		return nil, true
	case len(f) == 1 && (f[0] == "resume" || f[0] == "run"):
		m.started, m.speedIdx = true, max(1, m.speedIdx)
		return nil, true
	case len(f) == 2 && f[0] == "speed":
		for i, s := range speeds {
			if strconv.Itoa(s) == strings.TrimSuffix(f[1], "x") && s > 0 {
				m.started, m.speedIdx = true, i
				return nil, true
			}
		}
		m.status = "speed: 1, 10 or 100"
		return nil, true
	case len(f) == 1 && f[0] == "clear":
		m.scroll = nil
		return nil, true
	case len(f) == 2 && f[0] == "edit" && m.runner.Real():
		return m.edit(strings.Fields(line)[1]), true
	}
	return nil, false
}

// edit opens a file of a real lab's workspace in the learner's editor
// ($VISUAL, $EDITOR, else nano or vi), suspending the screen meanwhile.
func (m *Model) edit(name string) tea.Cmd {
	m.addLine(kindCommand, "> edit "+name)
	dir := m.runner.WorkDir()
	p := filepath.Clean(filepath.Join(dir, name))
	if rel, err := filepath.Rel(dir, p); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		m.addLine(kindError, "edit: "+name+" is outside this lab's folder")
		return nil
	}
	editor := editorCommand()
	if editor == nil {
		m.addLine(kindError, "edit: no editor found (set $EDITOR); or edit "+p+" in another terminal")
		return nil
	}
	c := exec.Command(editor[0], append(editor[1:], p)...)
	return tea.ExecProcess(c, func(err error) tea.Msg { return editedMsg{file: name, err: err} })
}

// editorCommand is the learner's editor command, split into words.
func editorCommand() []string {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if f := strings.Fields(os.Getenv(v)); len(f) > 0 {
			return f
		}
	}
	for _, e := range []string{"nano", "vi"} {
		if p, err := exec.LookPath(e); err == nil {
			return []string{p}
		}
	}
	return nil
}

func (m *Model) addLabHelp() {
	m.addLine(kindInfo, "The lab's own commands:")
	for _, c := range labCommands {
		m.addLine(kindInfo, fmt.Sprintf("  %-22s %s", c[0], c[1]))
	}
}

// next moves the card to the next step once the shown one has passed.
func (m *Model) next() tea.Cmd {
	switch {
	case m.view >= len(m.lab.Steps):
		m.status = "The lab is complete. exit goes back."
		return nil
	case m.view >= m.runner.Current():
		m.status = fmt.Sprintf("Step %d has not passed yet. %s", m.view+1, m.lab.Steps[m.view].Goal)
		return nil
	}
	m.view++
	m.cardOff = 0
	if m.view >= len(m.lab.Steps) {
		m.done = true
		m.speedIdx = 0
	}
	return m.renderCard()
}

// resetStep rebuilds the simulation as the steps before this one leave it
// (their solutions, replayed), so a step that can no longer pass can be
// tried again.
func (m *Model) resetStep() tea.Cmd {
	cur := m.runner.Current()
	if m.runner.Real() {
		m.busy = "reset step"
		m.status = "Rebuilding from the earlier steps' solutions (real processes take real time)…"
		old, l, opts := m.runner, m.lab, runnerOptions(m.env, m.seed, m.lab)
		return func() tea.Msg {
			_ = old.Close()
			r, err := lab.NewRunner(l, opts...)
			if err == nil {
				if err = r.Start(); err != nil {
					return replayMsg{reset: true, err: err}
				}
				err = r.ReplaySolutions(cur)
			}
			return replayMsg{runner: r, n: cur, reset: true, err: err}
		}
	}
	r, err := newRunner(m.lab, m.env, m.seed)
	if err == nil {
		err = m.metered(r, func() error { return r.ReplaySolutions(cur) })
	}
	if err != nil {
		m.addLine(kindError, "reset step: "+err.Error())
		return nil
	}
	m.runner = r
	m.view, m.cardOff = min(m.view, cur), 0
	m.addLine(kindInfo, fmt.Sprintf("Step %d starts again: the simulation was rebuilt from the solutions of the steps before it (clock %s).", cur+1, r.Env().Clock))
	m.refreshPanes()
	return m.renderCard()
}

// resume replays the steps the learner had passed when they left.
func (m *Model) resume(msg resumeMsg) tea.Cmd {
	if m.busy == "starting" {
		m.pendingResume = &msg // onStarted resumes
		return nil
	}
	if msg.err != nil {
		m.status = "progress could not be read: " + msg.err.Error()
		return nil
	}
	if msg.ok {
		m.mergeTimes(msg.state.Steps)
	}
	n := msg.state.StepsPassed
	if !msg.ok || n <= 0 || msg.state.Completed() || m.runner.Current() > 0 || len(m.hist) > 0 {
		return nil
	}
	n = min(n, len(m.lab.Steps))
	if m.runner.Real() {
		m.busy = "resume"
		m.status = fmt.Sprintf("Welcome back: replaying the %d step(s) you had passed (real processes take real time)…", n)
		r := m.runner
		return func() tea.Msg { return replayMsg{runner: r, n: n, err: r.ReplaySolutions(n)} }
	}
	if err := m.metered(m.runner, func() error { return m.runner.ReplaySolutions(n) }); err != nil {
		m.addLine(kindError, "could not resume: "+err.Error())
		return nil
	}
	// The moments the screen spent loading belong to no step: timing
	// starts at the step the learner resumes.
	if _, saved := m.spentBefore[0]; !saved {
		delete(m.times, 0)
	}
	clear(m.spent)
	m.startTiming(m.env.Clock())
	m.view = m.runner.Current()
	m.addLine(kindInfo, fmt.Sprintf("Welcome back: you had passed %d of %d steps. The simulation replayed their solutions; you are at step %d.", n, len(m.lab.Steps), m.view+1))
	m.refreshPanes()
	return m.renderCard()
}

// replayed takes a runner rebuilt in the background (real handlers).
func (m *Model) replayed(msg replayMsg) tea.Cmd {
	m.busy, m.status = "", ""
	if msg.runner != nil {
		if msg.runner != m.runner {
			old := m.runner
			m.runner = msg.runner
			_ = old.Close() // closed already by resetStep: a no-op
		}
	}
	if msg.err != nil {
		what := "could not resume: "
		if msg.reset {
			what = "reset step: "
		}
		m.addLine(kindError, what+msg.err.Error())
		m.refreshPanes()
		return nil
	}
	m.view, m.cardOff = m.runner.Current(), 0
	if msg.reset {
		m.addLine(kindInfo, fmt.Sprintf("Step %d starts again: its earlier steps' solutions ran again.", msg.n+1))
	} else {
		// As in resume: the replay's time belongs to no step.
		if _, saved := m.spentBefore[0]; !saved {
			delete(m.times, 0)
		}
		clear(m.spent)
		m.startTiming(m.env.Clock())
		m.addLine(kindInfo, fmt.Sprintf("Welcome back: you had passed %d of %d steps; their solutions ran again. You are at step %d.", msg.n, len(m.lab.Steps), m.view+1))
	}
	m.refreshPanes()
	return m.renderCard()
}

// advance runs the simulation forward by d.
func (m *Model) advance(d time.Duration) tea.Cmd {
	var passed []int
	err := m.metered(m.runner, func() (err error) { passed, err = m.runner.Advance(d); return err })
	if err != nil {
		m.speedIdx = 0
		if !errors.Is(err, errBudgetSpent) { // said once, by metered
			m.addLine(kindError, err.Error())
		}
	}
	return m.afterProgress(passed)
}

// afterProgress refreshes the panes and announces passed steps. The card
// stays on a passed step until the learner types next. A step that can no
// longer pass says so, once, with the way out (reset step).
func (m *Model) afterProgress(passed []int) tea.Cmd {
	m.refreshPanes()
	if len(passed) == 0 {
		why, stuck := m.runner.Stuck()
		if stuck && !m.stuck {
			m.addLine(kindError, why)
			m.status = why
		}
		m.stuck = stuck
		return nil
	}
	m.stuck = false
	m.retime(m.env.Clock(), passed)
	for _, i := range passed {
		m.addLine(kindSuccess, fmt.Sprintf("✓ Step %d passed: %s", i+1, m.lab.Steps[i].Title))
	}
	m.cardOff = 0
	if m.runner.Done() {
		m.speedIdx = 0
		m.status = "✓ Every step passed. Press enter (or type next) for the summary."
	} else {
		m.status = fmt.Sprintf("✓ Step %d passed. Press enter (or type next) for step %d.", passed[len(passed)-1]+1, m.runner.Current()+1)
	}
	return tea.Batch(m.save(), m.renderCard())
}

// refreshPanes rebuilds the live panes' data from the simulation.
func (m *Model) refreshPanes() {
	m.runner.Locked(func() { m.snap = buildSnapshot(m.runner) })
}

func (m *Model) showHint() tea.Cmd {
	i := m.view
	if i >= len(m.lab.Steps) {
		m.status = "The lab is complete: no more hints."
		return nil
	}
	if i < m.runner.Current() {
		m.status = fmt.Sprintf("Step %d has passed; type next for step %d's hints.", i+1, i+2)
		return nil
	}
	h, n, total, ok := m.runner.NextHint()
	if !ok {
		if total == 0 {
			m.status = "This step has no hints; solution shows its solution."
		} else {
			m.status = "No more hints; solution shows the solution."
		}
		return nil
	}
	m.hints[i] = append(m.hints[i], h)
	m.tab = tabStep
	m.status = fmt.Sprintf("Hint %d of %d (pgup for the step).", n, total)
	return m.scrollTo(fmt.Sprintf("Hint %d:", n))
}

// scrollTo renders the card and scrolls it so the line holding text is at
// the top, as soon as the card's rendered text is there.
func (m *Model) scrollTo(text string) tea.Cmd {
	m.anchor = text
	cmd := m.renderCard()
	m.applyAnchor()
	return cmd
}

// applyAnchor scrolls to the anchor line once the card is rendered.
func (m *Model) applyAnchor() {
	if m.anchor == "" {
		return
	}
	w := m.cardTextWidth()
	md := m.cardMarkdown(m.view, w)
	if _, ok := m.rendered[cardKey{md: md, width: w}]; !ok && m.env.Renderer != nil {
		return // not rendered yet: wait for renderedMsg
	}
	for i, l := range m.cardText() {
		if strings.Contains(ansi.Strip(l), m.anchor) {
			m.cardOff = max(0, i-1) // the line above becomes the "more above" cue
			break
		}
	}
	m.anchor = ""
}

func (m *Model) askSolution() {
	if m.view >= len(m.lab.Steps) || m.view < m.runner.Current() {
		m.status = "This step has passed: no solution needed."
		return
	}
	m.confirm = true
}

func (m *Model) showSolution() tea.Cmd {
	i := m.runner.Current()
	lines := m.runner.ShowSolution()
	env := m.runner.Env()
	var shown []string
	for _, l := range lines {
		if x, err := lab.Expand(l, env); err == nil {
			l = x
		}
		shown = append(shown, l)
	}
	m.sol[i] = shown
	m.tab = tabStep
	m.status = "Solution shown (recorded in your progress); pgup for the step."
	return tea.Batch(m.save(), m.scrollTo("Solution (recorded"))
}

// save stores the lab's progress (in a command: it is I/O).
func (m *Model) save() tea.Cmd {
	st := m.env.Store
	if st == nil {
		return nil
	}
	res := m.runner.Result()
	now := m.env.Clock()
	m.flushTime(now)
	state := progress.LabState{LabID: m.lab.ID, StepsPassed: m.runner.PassedCount(), SolutionsShown: res.Solutions,
		UpdatedAt: now, Steps: m.StepTimes()}
	if res.Passed {
		state.CompletedAt = now
	}
	return func() tea.Msg { return savedMsg{err: st.SaveLab(state)} }
}

// Close saves the lab's progress (with the time on the current step) when
// the program quits: ctrl+c, or the end of an SSH session; a lab with real
// handlers also stops their processes (tui.Closer).
func (m *Model) Close() {
	if m.busy != "starting" {
		if cmd := m.save(); cmd != nil {
			cmd()
		}
	}
	_ = m.runner.Close()
}

// complete does tab completion on the command line.
func (m *Model) complete() {
	v := m.input.Value()
	cands := m.runner.Complete(v)
	switch len(cands) {
	case 0:
		m.status = "no completions"
	case 1:
		c := cands[0]
		if !strings.HasSuffix(c, " ") {
			c += " "
		}
		m.input.SetValue(c)
		m.input.CursorEnd()
	default:
		p := commonPrefix(cands)
		if len(p) > len(v) {
			m.input.SetValue(p)
			m.input.CursorEnd()
		}
		var last []string
		for _, c := range cands {
			f := strings.Fields(c)
			if len(f) > 0 {
				last = append(last, f[len(f)-1])
			}
		}
		if len(last) > 30 {
			last = append(last[:30], fmt.Sprintf("… (%d more)", len(cands)-30))
		}
		m.status = strings.Join(last, "  ")
	}
}

func commonPrefix(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	p := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

func (m *Model) addLine(k lineKind, text string) {
	// Command output can hold anything a learner or a file put there (say
	// --output text of a payload with \u001b): sanitised before styling.
	m.scroll = append(m.scroll, scrollLine{kind: k, text: termtext.Sanitize(strings.ReplaceAll(text, "\t", "    "))})
	if len(m.scroll) > maxScroll {
		m.scroll = append(m.scroll[:0:0], m.scroll[len(m.scroll)-maxScroll:]...)
	}
}

// ShortHelp is the key bar: the most useful keys first; it fits 80 columns.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if m.confirm {
		return []key.Binding{k.Yes, k.No}
	}
	return []key.Binding{k.Run, k.Hint, k.Solution, k.CardUp, k.NextPane, k.Help}
}

// FullHelp is the full help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Run, k.Complete, k.HistUp, k.CardUp, k.Back},
		{k.Hint, k.Solution, k.NextPane, k.Pane1},
		{k.Pause, k.Slower, k.Help},
	}
}

var (
	_ tui.Screen = (*Model)(nil)
	_ tui.Closer = (*Model)(nil)
)

// KeyHelp is the screen's keys and what they do (the README's table).
func KeyHelp() [][2]string { return theme.HelpRows(newKeys()) }
