// Package labui is the lab screen: the current step on the left (rendered
// Markdown, the step list, hints and the solution), a command line with
// history and tab completion at the bottom, and live panes on the right that
// show the simulated cloud as its clock runs (Lambda execution environments,
// concurrency and throttles, the log tail; the ECS cluster map, services,
// events and the last placement decision).
//
// The simulation advances only inside Update, on a tea.Tick: each tick at
// speed s moves simulated time by s x tickEvery, so a run is deterministic
// for a given seed whatever the wall clock does.
package labui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/progress"
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

var tabNames = []string{"Step", "Lambda", "ECS", "Output"}

type lineKind int

const (
	kindOutput lineKind = iota
	kindCommand
	kindError
	kindInfo
	kindSuccess
)

type scrollLine struct {
	kind lineKind
	text string
}

// keyMap holds the screen's keys; help is generated from them.
type keyMap struct {
	// command line
	Run, HistUp, HistDown, Complete, Leave, PageUp, PageDown key.Binding
	// pane mode
	Type, Hint, Solution, Paste, Pause, Faster, Slower, Step, NextTab, PrevTab, Down, Up, Back, Help, Yes, No key.Binding
}

func newKeys() keyMap {
	return keyMap{
		Run:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
		HistUp:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "history")),
		HistDown: key.NewBinding(key.WithKeys("down")),
		Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		Leave:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "hints, clock, panes")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup/pgdn", "scroll output")),
		PageDown: key.NewBinding(key.WithKeys("pgdown")),

		Type:     key.NewBinding(key.WithKeys("i", "enter", ":", "esc"), key.WithHelp("i/esc", "type a command")),
		Hint:     key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint")),
		Solution: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "solution")),
		Paste:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "paste solution line")),
		Pause:    key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause")),
		Faster:   key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+/-", "speed")),
		Slower:   key.NewBinding(key.WithKeys("-")),
		Step:     key.NewBinding(key.WithKeys("."), key.WithHelp(".", "step 1s")),
		NextTab:  key.NewBinding(key.WithKeys("tab", "l", "right"), key.WithHelp("tab", "next pane")),
		PrevTab:  key.NewBinding(key.WithKeys("shift+tab", "left")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/k", "scroll step")),
		Up:       key.NewBinding(key.WithKeys("k", "up")),
		Back:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "leave the lab")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Yes:      key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:       key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),
	}
}

// Model is the lab screen.
type Model struct {
	env    tui.Deps
	st     theme.Styles
	lab    *lab.Lab
	runner *lab.Runner
	keys   keyMap
	help   help.Model

	w, h     int
	input    textinput.Model
	typing   bool // the command line has focus
	confirm  bool // asking whether to show the solution
	fullHelp bool
	tab      int

	hist    []string
	histIdx int
	draft   string

	scroll    []scrollLine
	scrollOff int // lines scrolled up from the bottom
	stepOff   int // lines scrolled down in the step pane

	speedIdx int
	snap     snapshot
	status   string

	// rendered step Markdown by (step, width)
	rendered map[renderKey]string
	pending  map[renderKey]bool
	hints    map[int][]string // hints shown, by step
	sol      map[int][]string // solution shown, by step
	pasted   map[int]int      // solution lines pasted so far, by step

	charts *chartHistory

	done bool
}

type renderKey struct {
	step, width int
}

type tickMsg struct{}

type renderedMsg struct {
	key  renderKey
	text string
	err  error
}

type savedMsg struct{ err error }

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

// New returns the lab screen for l with a fresh simulation seeded with seed.
func New(l *lab.Lab, env tui.Deps, seed uint64) (*Model, error) {
	r, err := lab.NewRunner(l, lab.WithSeed(seed))
	if err != nil {
		return nil, err
	}
	in := textinput.New()
	// A steady cursor: no blink timer (nothing to redraw twice a second
	// over SSH, and no command that waits).
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Prompt = "> "
	in.Placeholder = "type a command (help lists them)"
	in.ShowSuggestions = false
	in.CharLimit = 4096
	in.Focus()
	m := &Model{env: env, st: env.Styles, lab: l, runner: r, keys: newKeys(), help: theme.NewHelp(env.Styles),
		input: in, typing: true, speedIdx: 1, rendered: map[renderKey]string{}, pending: map[renderKey]bool{},
		hints: map[int][]string{}, sol: map[int][]string{}, pasted: map[int]int{}, w: 80, h: 24}
	m.input.PromptStyle = m.st.Accent
	m.addLine(kindInfo, fmt.Sprintf("Lab: %s. Type commands below; esc for hints, the clock and panes.", l.Title))
	if len(l.Setup) > 0 {
		m.addLine(kindInfo, fmt.Sprintf("Setup ran %d command(s).", len(l.Setup)))
	}
	m.charts = newChartHistory()
	m.refreshPanes()
	return m, nil
}

// Init starts the clock, renders the first step and records the lab as
// the place "Continue" on the home screen returns to.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.tick(), m.renderStep(), m.setLast())
}

// setLast records this lab as the learner's last place, in a command; a
// failure shows as an error line and the lab goes on.
func (m *Model) setLast() tea.Cmd {
	st, id := m.env.Store, m.lab.ID
	if st == nil {
		return nil
	}
	return func() tea.Msg {
		if err := st.SetLast("lab", id); err != nil {
			return nav.Error{Err: err}
		}
		return nil
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

// Typing reports whether the command line has focus.
func (m *Model) Typing() bool { return m.typing }

// Update handles messages.
func (m *Model) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
		return m, m.renderStep()
	case tickMsg:
		var cmd tea.Cmd
		if sp := m.Speed(); sp > 0 && !m.done {
			cmd = m.advance(time.Duration(sp) * tickEvery)
		}
		return m, tea.Batch(m.tick(), cmd)
	case renderedMsg:
		delete(m.pending, msg.key)
		if msg.err == nil {
			m.rendered[msg.key] = msg.text
		}
		return m, nil
	case savedMsg:
		if msg.err != nil {
			m.status = "progress not saved: " + msg.err.Error()
		}
		return m, nil
	case nav.Refresh:
		return m, nil
	case tea.KeyMsg:
		m.status = ""
		if m.confirm {
			return m, m.confirmKey(msg)
		}
		if m.typing {
			return m, m.typingKey(msg)
		}
		return m, m.paneKey(msg)
	}
	if m.typing {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) typingKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Run):
		return m.runLine(m.input.Value())
	case key.Matches(msg, m.keys.Leave):
		m.typing = false
		m.input.Blur()
		return nil
	case key.Matches(msg, m.keys.HistUp):
		if len(m.hist) == 0 {
			return nil
		}
		if m.histIdx == len(m.hist) {
			m.draft = m.input.Value()
		}
		if m.histIdx > 0 {
			m.histIdx--
		}
		m.input.SetValue(m.hist[m.histIdx])
		m.input.CursorEnd()
		return nil
	case key.Matches(msg, m.keys.HistDown):
		if m.histIdx >= len(m.hist) {
			return nil // already at the line being typed
		}
		m.histIdx++
		if m.histIdx == len(m.hist) {
			m.input.SetValue(m.draft)
		} else {
			m.input.SetValue(m.hist[m.histIdx])
		}
		m.input.CursorEnd()
		return nil
	case key.Matches(msg, m.keys.Complete):
		m.complete()
		return nil
	case key.Matches(msg, m.keys.PageUp):
		m.scrollOff += max(1, m.scrollHeight()-1)
		return nil
	case key.Matches(msg, m.keys.PageDown):
		m.scrollOff = max(0, m.scrollOff-max(1, m.scrollHeight()-1))
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

func (m *Model) paneKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		return nav.Cmd(nav.Back{})
	case key.Matches(msg, k.Type):
		m.typing = true
		return m.input.Focus()
	case key.Matches(msg, k.Hint):
		m.showHint()
		m.tab = tabStep
	case key.Matches(msg, k.Solution):
		if !m.runner.Done() {
			m.confirm = true
		}
	case key.Matches(msg, k.Paste):
		i := m.runner.Current()
		sol := m.sol[i]
		if len(sol) == 0 {
			m.status = "show the solution first (s)"
			return nil
		}
		n := m.pasted[i] % len(sol)
		m.pasted[i] = n + 1
		m.input.SetValue(sol[n])
		m.input.CursorEnd()
		m.typing = true
		m.status = fmt.Sprintf("solution line %d of %d pasted: enter runs it", n+1, len(sol))
		return m.input.Focus()
	case key.Matches(msg, k.Pause):
		if m.speedIdx == 0 {
			m.speedIdx = 1
		} else {
			m.speedIdx = 0
		}
	case key.Matches(msg, k.Faster):
		m.speedIdx = min(len(speeds)-1, m.speedIdx+1)
	case key.Matches(msg, k.Slower):
		m.speedIdx = max(0, m.speedIdx-1)
	case key.Matches(msg, k.Step):
		m.speedIdx = 0
		return m.advance(time.Second)
	case key.Matches(msg, k.NextTab):
		m.tab = (m.tab + 1) % numTabs
	case key.Matches(msg, k.PrevTab):
		m.tab = (m.tab + numTabs - 1) % numTabs
	case key.Matches(msg, k.Up):
		m.stepOff = max(0, m.stepOff-1)
	case key.Matches(msg, k.Down):
		m.stepOff = min(m.stepOff+1, 500)
	case key.Matches(msg, k.PageUp):
		m.scrollOff += max(1, m.scrollHeight()-1)
	case key.Matches(msg, k.PageDown):
		m.scrollOff = max(0, m.scrollOff-max(1, m.scrollHeight()-1))
	case key.Matches(msg, k.Help):
		m.fullHelp = !m.fullHelp
	default:
		if s := msg.String(); len(s) == 1 && s[0] >= '1' && s[0] < '1'+numTabs {
			m.tab = int(s[0] - '1')
		}
	}
	return nil
}

func (m *Model) confirmKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.confirm = false
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
		m.addLine(kindInfo, "Solution shown (recorded; p pastes its lines one by one):")
		for _, l := range shown {
			m.addLine(kindInfo, "  "+l)
		}
		return m.save()
	case key.Matches(msg, m.keys.No):
		m.confirm = false
	}
	return nil
}

func (m *Model) showHint() {
	if m.runner.Done() {
		return
	}
	i := m.runner.Current()
	h, n, total, ok := m.runner.NextHint()
	if !ok {
		if total == 0 {
			m.status = "this step has no hints; s shows the solution"
		} else {
			m.status = "no more hints; s shows the solution"
		}
		return
	}
	m.hints[i] = append(m.hints[i], h)
	m.status = fmt.Sprintf("hint %d of %d", n, total)
}

// runLine runs one command line typed by the learner.
func (m *Model) runLine(line string) tea.Cmd {
	line = strings.TrimSpace(line)
	m.input.SetValue("")
	m.scrollOff = 0
	if line == "" {
		return nil
	}
	if len(m.hist) == 0 || m.hist[len(m.hist)-1] != line {
		m.hist = append(m.hist, line)
	}
	m.histIdx = len(m.hist)
	m.draft = ""
	m.addLine(kindCommand, "> "+line)
	if line == "clear" {
		m.scroll = nil
		return nil
	}
	out := m.runner.Exec(line)
	if out.Err != nil {
		for _, l := range strings.Split(out.Err.Error(), "\n") {
			m.addLine(kindError, l)
		}
	} else if s := out.Result.String(); s != "" {
		for _, l := range strings.Split(s, "\n") {
			m.addLine(kindOutput, l)
		}
	}
	return m.afterProgress(out.Passed)
}

// advance runs the simulation forward by d.
func (m *Model) advance(d time.Duration) tea.Cmd {
	passed, err := m.runner.Advance(d)
	if err != nil {
		m.speedIdx = 0
		m.addLine(kindError, err.Error())
	}
	return m.afterProgress(passed)
}

// afterProgress refreshes the panes and announces passed steps.
func (m *Model) afterProgress(passed []int) tea.Cmd {
	m.refreshPanes()
	if len(passed) == 0 {
		return nil
	}
	for _, i := range passed {
		m.addLine(kindSuccess, fmt.Sprintf("✓ Step %d passed: %s", i+1, m.lab.Steps[i].Title))
	}
	m.stepOff = 0
	cmds := []tea.Cmd{m.save(), m.renderStep()}
	if m.runner.Done() && !m.done {
		m.done = true
		m.speedIdx = 0
		m.addLine(kindSuccess, fmt.Sprintf("Lab complete: all %d steps passed. q goes back.", len(m.lab.Steps)))
	}
	return tea.Batch(cmds...)
}

// refreshPanes rebuilds the live panes' data from the simulation.
func (m *Model) refreshPanes() {
	m.snap = buildSnapshot(m.runner)
	m.charts.add(&m.snap)
}

// save stores the lab's progress (in a command: it is I/O).
func (m *Model) save() tea.Cmd {
	st := m.env.Store
	if st == nil {
		return nil
	}
	res := m.runner.Result()
	passed := m.runner.PassedCount()
	state := progress.LabState{LabID: m.lab.ID, StepsPassed: passed, SolutionsShown: res.Solutions}
	if res.Passed {
		state.CompletedAt = m.env.Clock()
	}
	state.UpdatedAt = m.env.Clock()
	return func() tea.Msg { return savedMsg{err: st.SaveLab(state)} }
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
		m.status = ""
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
	m.scroll = append(m.scroll, scrollLine{kind: k, text: strings.ReplaceAll(text, "\t", "    ")})
	if len(m.scroll) > maxScroll {
		m.scroll = append(m.scroll[:0:0], m.scroll[len(m.scroll)-maxScroll:]...)
	}
}

// renderStep renders the current step's Markdown in a command, once per
// (step, width); View shows the cached text.
func (m *Model) renderStep() tea.Cmd {
	i := m.runner.Current()
	if i >= len(m.lab.Steps) || m.env.Renderer == nil {
		return nil
	}
	w := m.stepWidth()
	k := renderKey{step: i, width: w}
	if _, ok := m.rendered[k]; ok || m.pending[k] {
		return nil
	}
	m.pending[k] = true
	r, style := m.env.Renderer, m.env.RenderStyle
	body := m.stepMarkdown(i)
	return func() tea.Msg {
		out, err := r.Render([]byte(body), w, style)
		return renderedMsg{key: k, text: strings.TrimRight(out, "\n"), err: err}
	}
}

// stepMarkdown is what the step pane shows for step i: its body, preceded
// by the lab's introduction on the first step.
func (m *Model) stepMarkdown(i int) string {
	body := m.lab.Steps[i].Body
	if i == 0 && m.lab.Intro != "" {
		body = m.lab.Intro + "\n\n---\n\n" + body
	}
	return body
}

// ShortHelp is the one-line help.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if m.confirm {
		return []key.Binding{k.Yes, k.No}
	}
	if m.typing {
		return []key.Binding{k.Run, k.Complete, k.HistUp, k.Leave}
	}
	return []key.Binding{k.Type, k.Hint, k.Solution, k.Pause, k.Faster, k.Step, k.NextTab, k.Back, k.Help}
}

// FullHelp is the full help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Run, k.Complete, k.HistUp, k.PageUp, k.Leave},
		{k.Type, k.Hint, k.Solution, k.Paste, k.Back},
		{k.Pause, k.Faster, k.Step},
		{k.NextTab, k.Down, k.PageUp, k.Help},
	}
}
