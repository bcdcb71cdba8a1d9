// Package endpointui is the live view of `cloudlab endpoint --watch`: the
// functions, their real execution environments (PID, state, age,
// invocations), cold starts, throttles, concurrency over the last minutes,
// and the last requests, refreshed while a client works in another
// terminal; a second pane (tab) shows the simulated ECS and EC2: instances
// (CPU, memory and network interfaces used), tasks by state, services
// (desired, running, pending, deployments, last event). A prompt (:) runs
// the lab shell's verbs (traffic, clock, report, explain, aws ...) on the
// same simulated account. It fits 80x24 and grows with the terminal.
package endpointui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-runewidth"

	"github.com/cloudlab/cloudlab/internal/endpoint"
	"github.com/cloudlab/cloudlab/internal/invoker"
	"github.com/cloudlab/cloudlab/internal/lambda"
)

const (
	refresh     = 500 * time.Millisecond
	keepReqs    = 200
	sparkPoints = 60 // one per 5 s over the last 5 minutes
)

// FnRow is one function's line.
type FnRow struct {
	Name                  string
	Concurrency, Envs     int
	Reserved              int
	ColdStarts, Throttles int64
	Invocations, Errors   int64
	Spark                 []float64 // max concurrency per 5 s, oldest first
}

// Snapshot is what the view shows.
type Snapshot struct {
	Functions []FnRow
	Envs      []invoker.EnvInfo
	Now       time.Time
	ECS       *ECSView // nil when the endpoint has no simulated account
}

// Take reads a snapshot from the invoker.
func Take(iv *invoker.Invoker) Snapshot {
	var s Snapshot
	_ = iv.Do(func(svc *lambda.Service) error {
		rep := svc.Report()
		for _, fr := range rep.Functions {
			row := FnRow{Name: fr.FunctionName, Concurrency: int(fr.ConcurrentExecutions), Envs: int(fr.Environments),
				Reserved: int(fr.ReservedConcurrency), ColdStarts: fr.ColdStarts, Throttles: fr.Throttles,
				Invocations: fr.Invocations, Errors: fr.Errors}
			if f, err := svc.Function(fr.FunctionName); err == nil {
				if pts, err := f.Series("ConcurrentExecutions", time.Second, sparkPoints*5); err == nil {
					row.Spark = make([]float64, 0, sparkPoints)
					for i := 0; i+5 <= len(pts); i += 5 {
						m := 0.0
						for _, p := range pts[i : i+5] {
							m = max(m, p.Value)
						}
						row.Spark = append(row.Spark, m)
					}
				}
			}
			s.Functions = append(s.Functions, row)
		}
		return nil
	})
	s.Envs = iv.Environments()
	s.Now = iv.Now()
	return s
}

type snapMsg Snapshot
type reqMsg endpoint.RequestLog
type tickMsg time.Time // the wall clock at the tick (View reads no clock)
type outMsg struct {
	line string
	text string
	err  error
}

// RunFunc runs one lab shell line and returns its text.
type RunFunc func(line string) (string, error)

const maxOutput = 200

// Model is the Bubble Tea model.
type Model struct {
	addr    string
	started time.Time
	now     time.Time // from the last tick
	take    func() Snapshot
	reqs    <-chan endpoint.RequestLog
	snap    Snapshot
	lines   []string
	w, h    int
	bold    lipgloss.Style
	head    lipgloss.Style

	ecsPane bool // the ECS/EC2 pane is shown
	toggled bool // the user chose a pane (no automatic switch)
	run     RunFunc
	typing  bool   // the prompt has focus
	input   []rune // the prompt's text
	output  []string
	history []string
}

// WithPrompt gives the view a prompt (:) that runs lab shell lines.
func (m Model) WithPrompt(run RunFunc) Model {
	m.run = run
	return m
}

// New returns the view of the endpoint at addr. take reads the state;
// reqs delivers the request log.
func New(addr string, take func() Snapshot, reqs <-chan endpoint.RequestLog) Model {
	start := time.Now()
	return Model{addr: addr, started: start, now: start, take: take, reqs: reqs, w: 80, h: 24,
		bold: lipgloss.NewStyle().Bold(true), head: lipgloss.NewStyle().Reverse(true)}
}

func (m Model) waitReq() tea.Cmd {
	return func() tea.Msg {
		r, ok := <-m.reqs
		if !ok {
			return nil
		}
		return reqMsg(r)
	}
}

func (m Model) snapshot() tea.Cmd {
	return func() tea.Msg { return snapMsg(m.take()) }
}

func tick() tea.Cmd { return tea.Tick(refresh, func(t time.Time) tea.Msg { return tickMsg(t) }) }

// Init starts the refresh loop and the request reader.
func (m Model) Init() tea.Cmd { return tea.Batch(m.snapshot(), m.waitReq(), tick()) }

// Update handles keys, sizes, snapshots and requests.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.typing {
			return m.promptKey(msg)
		}
		switch msg.String() {
		case "esc":
			if len(m.output) > 0 {
				m.output = nil
				return m, nil
			}
			return m, tea.Quit
		case "q", "ctrl+c":
			return m, tea.Quit
		case "tab":
			m.ecsPane, m.toggled = !m.ecsPane, true
		case ":":
			if m.run != nil {
				m.typing, m.input = true, nil
			}
		}
	case outMsg:
		var lines []string
		lines = append(lines, "> "+msg.line)
		text := msg.text
		if msg.err != nil {
			text = msg.err.Error()
		}
		for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			lines = append(lines, endpoint.SanitizeLine(l))
		}
		if len(lines) > maxOutput {
			lines = append(lines[:maxOutput], fmt.Sprintf("… %d more lines", len(lines)-maxOutput))
		}
		m.output = lines
		return m, m.snapshot()
	case tea.WindowSizeMsg:
		m.w, m.h = max(msg.Width, 20), max(msg.Height, 8)
	case tickMsg:
		m.now = time.Time(msg)
		return m, tea.Batch(m.snapshot(), tick())
	case snapMsg:
		m.snap = Snapshot(msg)
	case reqMsg:
		if op := msg.Operation; !m.toggled && (strings.HasPrefix(op, "ECS.") || strings.HasPrefix(op, "EC2.") || strings.HasPrefix(op, "AAS.")) {
			m.ecsPane = true
		}
		m.lines = append(m.lines, endpoint.FormatRequest(endpoint.RequestLog(msg)))
		if len(m.lines) > keepReqs {
			m.lines = m.lines[len(m.lines)-keepReqs:]
		}
		return m, m.waitReq()
	}
	return m, nil
}

// promptKey edits the prompt line.
func (m Model) promptKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch k.Type {
	case tea.KeyEsc, tea.KeyCtrlC:
		m.typing, m.input = false, nil
	case tea.KeyEnter:
		line := strings.TrimSpace(string(m.input))
		m.typing, m.input = false, nil
		if line == "" {
			return m, nil
		}
		m.history = append(m.history, line)
		run := m.run
		return m, func() tea.Msg {
			text, err := run(line)
			return outMsg{line: line, text: text, err: err}
		}
	case tea.KeyBackspace:
		if len(m.input) > 0 {
			m.input = m.input[:len(m.input)-1]
		}
	case tea.KeyUp:
		if n := len(m.history); n > 0 {
			m.input = []rune(m.history[n-1])
		}
	case tea.KeySpace:
		m.input = append(m.input, ' ')
	case tea.KeyRunes:
		if len(m.input) < 2000 {
			m.input = append(m.input, k.Runes...)
		}
	}
	return m, nil
}

// fit cuts a plain line to the width (names are sanitized first).
func (m Model) fit(s string) string {
	return runewidth.Truncate(endpoint.SanitizeLine(s), m.w, "…")
}

var sparks = []rune("▁▂▃▄▅▆▇█")

func spark(v []float64, width int) string {
	if len(v) > width {
		v = v[len(v)-width:]
	}
	top := 1.0
	for _, x := range v {
		top = max(top, x)
	}
	var b strings.Builder
	for _, x := range v {
		if x == 0 {
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(sparks[min(int(x/top*float64(len(sparks)-1)+0.5), len(sparks)-1)])
	}
	return b.String()
}

func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// View renders the screen: header, the Lambda or the ECS/EC2 pane, the
// prompt's output, the last requests and the prompt.
func (m Model) View() string {
	var out []string
	up := m.now.Sub(m.started).Truncate(time.Second)
	keys := "q quit"
	if m.snap.ECS != nil {
		pane := "ecs"
		if m.ecsPane {
			pane = "lambda"
		}
		keys = "tab " + pane + "  q quit"
		if m.run != nil {
			keys = "tab " + pane + "  : lab verb  q quit"
		}
	}
	// The keys matter most: drop the uptime, then the title, before
	// cutting anything.
	head := ""
	for _, h := range []string{
		fmt.Sprintf(" cloudlab endpoint  http://%s  up %s  %s", m.addr, up, keys),
		fmt.Sprintf(" cloudlab endpoint  http://%s  %s", m.addr, keys),
		fmt.Sprintf(" http://%s  %s", m.addr, keys),
	} {
		head = h
		if lipgloss.Width(h) <= m.w {
			break
		}
	}
	out = append(out, m.head.Render(padRight(m.fit(head), m.w)))
	bottom := 0
	if m.typing {
		bottom = 1
	}
	outRows := 0
	if len(m.output) > 0 {
		outRows = min(len(m.output), max(2, (m.h-2)/3))
	}
	if m.ecsPane {
		rows := m.h - len(out) - bottom - outRows - 2
		out = append(out, m.ecsLines(max(rows, 3))...)
	} else {
		out = append(out, m.lambdaLines(outRows+bottom)...)
	}
	if outRows > 0 {
		o := m.output
		if len(o) > outRows {
			o = append(append([]string(nil), o[:outRows-1]...), fmt.Sprintf("… %d more lines (esc closes)", len(o)-outRows+1))
		}
		for _, l := range o {
			out = append(out, m.fit(" "+l))
		}
	}
	out = append(out, m.bold.Render(m.fit(" last requests")))
	room := m.h - len(out) - bottom
	reqs := m.lines
	if room <= 0 {
		reqs = nil
	} else if len(reqs) > room {
		reqs = reqs[len(reqs)-room:]
	}
	for _, l := range reqs {
		out = append(out, m.fit(" "+l))
	}
	if len(out) > m.h-bottom {
		out = out[:max(m.h-bottom, 0)]
	}
	if m.typing {
		in := endpoint.SanitizeLine(string(m.input))
		// Show the end of a long line.
		for runewidth.StringWidth(in) > m.w-3 && in != "" {
			_, sz := firstRune(in)
			in = in[sz:]
		}
		out = append(out, m.fit(": "+in+"█"))
	}
	return strings.Join(out, "\n")
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i > 0 {
			return r, i
		}
	}
	return 0, len(s)
}

// lambdaLines renders the functions and environments; reserve lines are
// kept free below for the prompt and its output.
func (m Model) lambdaLines(reserve int) []string {
	var out []string
	// Functions: at most a third of the screen.
	out = append(out, m.bold.Render(m.fit(fmt.Sprintf(" %-20s %4s %4s %5s %5s %7s %6s  %s", "function", "conc", "envs", "cold", "thr", "invokes", "errors", "concurrency, 5 min"))))
	maxFn := max(1, (m.h-6-reserve)/3)
	fns := m.snap.Functions
	if len(fns) == 0 {
		out = append(out, m.fit("  no functions yet: aws --endpoint-url http://"+m.addr+" lambda create-function ..."))
	}
	for i, f := range fns {
		if i == maxFn {
			out = append(out, m.fit(fmt.Sprintf("  … %d more", len(fns)-i)))
			break
		}
		line := fmt.Sprintf(" %-20s %4d %4d %5d %5d %7d %6d  ", runewidth.Truncate(endpoint.SanitizeLine(f.Name), 20, "…"),
			f.Concurrency, f.Envs, f.ColdStarts, f.Throttles, f.Invocations, f.Errors)
		line += spark(f.Spark, max(0, m.w-runewidth.StringWidth(line)))
		out = append(out, m.fit(line))
	}
	// Environments: up to half of what is left.
	out = append(out, m.bold.Render(m.fit(fmt.Sprintf(" %-8s %-20s %-8s %-5s %7s %7s", "pid", "function", "version", "state", "age", "invokes"))))
	left := m.h - 1 - len(out) - 2 - reserve
	maxEnv := max(1, left/2)
	if len(m.snap.Envs) == 0 {
		out = append(out, m.fit("  no environments"))
	}
	for i, e := range m.snap.Envs {
		if i == maxEnv {
			out = append(out, m.fit(fmt.Sprintf("  … %d more", len(m.snap.Envs)-i)))
			break
		}
		pid := "-"
		if e.PID > 0 {
			pid = fmt.Sprint(e.PID)
		}
		out = append(out, m.fit(fmt.Sprintf(" %-8s %-20s %-8s %-5s %7s %7d", pid, runewidth.Truncate(endpoint.SanitizeLine(e.Function), 20, "…"),
			runewidth.Truncate(e.Version, 8, "…"), e.State, age(m.snap.Now.Sub(e.Started)), e.Invokes)))
	}
	return out
}

func padRight(s string, w int) string {
	if n := runewidth.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
