package labui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/termtext"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// wide reports whether the screen has room for the side-by-side layout.
func (m *Model) wide() bool { return m.w >= 110 && m.h >= 30 }

func (m *Model) scrollHeight() int {
	if m.wide() {
		return max(3, m.h/5)
	}
	return min(3, max(1, m.h-10))
}

func (m *Model) middleHeight() int {
	// clock bar + scrollback + prompt + help line
	return max(3, m.h-1-m.scrollHeight()-2)
}

func (m *Model) leftWidth() int {
	if m.wide() {
		return max(36, m.w*2/5)
	}
	return m.w
}

// stepWidth is the width the step's Markdown is rendered at.
func (m *Model) stepWidth() int { return max(20, m.leftWidth()-4) }

// View draws the screen. It only formats what Update prepared.
func (m *Model) View() string {
	if m.w < 20 || m.h < 8 {
		return "terminal too small"
	}
	var out []string
	out = append(out, m.clockBar())
	mh := m.middleHeight()
	if m.wide() {
		lw := m.leftWidth()
		rw := m.w - lw
		left := m.box(m.stepTitle(), m.stepLines(lw-4), lw, mh)
		right := m.livePanes(rw, mh)
		for i := 0; i < mh; i++ {
			out = append(out, left[i]+right[i])
		}
	} else {
		out = append(out, m.tabBar())
		var pane []string
		switch m.tab {
		case tabStep:
			pane = m.box(m.stepTitle(), m.stepLines(m.w-4), m.w, mh-1)
		case tabLambda:
			pane = m.box("Lambda", m.lambdaLines(m.w-4, mh-3), m.w, mh-1)
		case tabECS:
			pane = m.box("ECS", m.ecsLines(m.w-4, mh-3), m.w, mh-1)
		default:
			pane = m.box("Output", m.scrollLines(m.w-4, mh-3), m.w, mh-1)
		}
		out = append(out, pane...)
	}
	out = append(out, m.scrollLines(m.w, m.scrollHeight())...)
	out = append(out, m.promptLine(), m.helpLine())
	return strings.Join(out, "\n")
}

func (m *Model) clockBar() string {
	state := "⏸ paused"
	if sp := m.Speed(); sp > 0 {
		state = fmt.Sprintf("▶ %dx", sp)
	}
	step := fmt.Sprintf("step %d of %d", min(m.runner.Current()+1, len(m.lab.Steps)), len(m.lab.Steps))
	if m.runner.Done() {
		step = "complete ✓"
	}
	right := fmt.Sprintf("sim %s  %s  %s ", m.snap.clock, state, step)
	return theme.Bar(m.st.StatusBar, m.w, " Lab: "+m.lab.Title, right)
}

func (m *Model) tabBar() string {
	var parts []string
	for i, n := range tabNames {
		label := fmt.Sprintf(" %d %s ", i+1, n)
		if i == m.tab {
			parts = append(parts, m.st.Selected.Render(label))
		} else {
			parts = append(parts, m.st.Muted.Render(label))
		}
	}
	return termtext.Pad(strings.Join(parts, " "), m.w)
}

func (m *Model) stepTitle() string {
	i := m.runner.Current()
	if i >= len(m.lab.Steps) {
		return "Lab complete"
	}
	return fmt.Sprintf("Step %d: %s", i+1, m.lab.Steps[i].Title)
}

// stepLines is the step pane's content: the step list, the step's text,
// hints and solution shown so far.
func (m *Model) stepLines(w int) []string {
	var ls []string
	var list []string
	cur := m.runner.Current()
	for i := range m.lab.Steps {
		switch {
		case i < cur:
			list = append(list, m.st.Success.Render(fmt.Sprintf("✓%d", i+1)))
		case i == cur:
			list = append(list, m.st.Accent.Render(fmt.Sprintf("▸%d", i+1)))
		default:
			list = append(list, m.st.Muted.Render(fmt.Sprintf("·%d", i+1)))
		}
	}
	ls = append(ls, strings.Join(list, " ")+m.st.Muted.Render("   esc: h hint · s solution"))
	if cur >= len(m.lab.Steps) {
		ls = append(ls, "", m.st.Success.Render("All steps passed. Well done!"))
		for _, l := range termtext.Lines(fmt.Sprintf("You finished %q in %d commands. Press esc, then q to go back.", m.lab.Title, len(m.runner.History())), w) {
			ls = append(ls, l)
		}
		return ls
	}
	ls = append(ls, "")
	if txt, ok := m.rendered[renderKey{step: cur, width: m.stepWidth()}]; ok {
		ls = append(ls, strings.Split(txt, "\n")...)
	} else {
		ls = append(ls, termtext.Lines(m.stepMarkdown(cur), w)...)
	}
	for n, h := range m.hints[cur] {
		ls = append(ls, "")
		for j, l := range termtext.Lines(h, w-2) {
			if j == 0 {
				ls = append(ls, m.st.Warning.Render(fmt.Sprintf("Hint %d: ", n+1))+l)
			} else {
				ls = append(ls, "  "+l)
			}
		}
	}
	if sol := m.sol[cur]; len(sol) > 0 {
		ls = append(ls, "", m.st.Warning.Render("Solution:"))
		for _, l := range sol {
			for _, x := range termtext.Lines(l, w-2) {
				ls = append(ls, "  "+m.st.Accent.Render(x))
			}
		}
	}
	return m.scrollStep(ls)
}

// scrollStep applies the step pane's scroll offset, keeping the step list
// (the first line) in place.
func (m *Model) scrollStep(ls []string) []string {
	if m.stepOff <= 0 || len(ls) < 2 {
		return ls
	}
	off := min(m.stepOff, len(ls)-2)

	return append([]string{ls[0], m.st.Muted.Render(fmt.Sprintf("↑ %d more lines (k)", off))}, ls[2+off-1:]...)
}

// livePanes draws the right-hand side of the wide layout.
func (m *Model) livePanes(w, h int) []string {
	hasL, hasE := len(m.snap.fns) > 0, len(m.snap.clusters) > 0
	switch {
	case hasL && hasE:
		top := h / 2
		return append(m.box("Lambda", m.lambdaLines(w-4, top-2), w, top),
			m.box("ECS", m.ecsLines(w-4, h-top-2), w, h-top)...)
	case hasE:
		return m.box("ECS", m.ecsLines(w-4, h-2), w, h)
	case hasL:
		return m.box("Lambda", m.lambdaLines(w-4, h-2), w, h)
	}
	return m.box("Simulated cloud", termtext.Lines("Nothing yet: create a function or a cluster and it appears here, live.", w-4), w, h)
}

var sparkRunes = []rune("▁▂▃▄▅▆▇█")

// spark draws values as a sparkline of at most w cells (the latest values).
func spark(vals []int, w int) string {
	if len(vals) > w {
		vals = vals[len(vals)-w:]
	}
	top := 0
	for _, v := range vals {
		top = max(top, v)
	}
	var b strings.Builder
	for _, v := range vals {
		i := 0
		if top > 0 {
			i = v * (len(sparkRunes) - 1) / top
		}
		b.WriteRune(sparkRunes[i])
	}
	return b.String()
}

func (m *Model) lambdaLines(w, h int) []string {
	var ls []string
	if len(m.snap.fns) == 0 {
		return termtext.Lines("No functions yet.", w)
	}
	legend := m.st.Accent.Render("■") + " busy " + m.st.Text.Render("□") + " idle " +
		m.st.Warning.Render("◌") + " init " + m.st.Success.Render("◆") + " provisioned"
	ls = append(ls, termtext.Pad(legend, w))
	for _, f := range m.snap.fns {
		head := fmt.Sprintf("%s  envs %d  inv %d  cold %d  thr %d  err %d",
			f.name, f.initializing+f.idle+f.busy, f.invocations, f.cold, f.throttles, f.errors)
		ls = append(ls, m.st.Subtitle.Render(termtext.Pad(head, w)))
		ls = append(ls, m.cells(f, w, 3)...)
		if f.oldest > 0 {
			age := "oldest env " + f.oldest.Truncate(time.Second).String()
			if f.nextExpiry > 0 {
				age += " · next idle expiry in " + f.nextExpiry.Truncate(time.Second).String()
			}
			ls = append(ls, m.st.Muted.Render(termtext.Pad(age, w)))
		}
		chartW := max(10, w-16)
		ls = append(ls, termtext.Pad(m.st.Muted.Render("conc ")+m.st.Accent.Render(spark(f.conc, chartW))+
			fmt.Sprintf(" max %d", f.concMax), w))
		ls = append(ls, termtext.Pad(m.st.Muted.Render("thr  ")+m.st.Error.Render(spark(f.thr, chartW)), w))
	}
	room := h - len(ls) - 1
	if room > 0 && len(m.snap.logs) > 0 {
		ls = append(ls, m.st.Muted.Render("log"))
		logs := m.snap.logs
		if len(logs) > room {
			logs = logs[len(logs)-room:]
		}
		for _, l := range logs {
			l = strings.ReplaceAll(l, "\t", "  ")
			if strings.Contains(l, "Init Duration") {
				ls = append(ls, termtext.Pad(m.st.Warning.Render("❄ "+l), w))
			} else {
				ls = append(ls, termtext.Pad("  "+l, w))
			}
		}
	}
	return ls
}

// cells draws a function's environments as one glyph each, wrapped over at
// most rows lines.
func (m *Model) cells(f fnView, w, rows int) []string {
	type run struct {
		n     int
		glyph string
		style lipgloss.Style
	}
	prov := min(f.provisioned, f.idle+f.busy)
	runs := []run{
		{f.busy, "■", m.st.Accent},
		{max(0, f.idle-prov), "□", m.st.Text},
		{prov, "◆", m.st.Success},
		{f.initializing, "◌", m.st.Warning},
	}
	per := max(1, w/2)
	total := f.busy + f.idle + f.initializing
	var lines []string
	var cur strings.Builder
	n := 0
	for _, r := range runs {
		for i := 0; i < r.n; i++ {
			if n > 0 && n%per == 0 {
				lines = append(lines, cur.String())
				cur.Reset()
				if len(lines) == rows {
					lines[rows-1] = termtext.Pad(lines[rows-1], w-8) + m.st.Muted.Render(fmt.Sprintf(" +%d", total-n))
					return lines
				}
			}
			cur.WriteString(r.style.Render(r.glyph) + " ")
			n++
		}
	}
	if cur.Len() > 0 || len(lines) == 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

func bar(used, total, w int) string {
	if total <= 0 || w <= 0 {
		return strings.Repeat("░", max(0, w))
	}
	f := used * w / total
	f = min(w, max(0, f))
	return strings.Repeat("█", f) + strings.Repeat("░", w-f)
}

func (m *Model) ecsLines(w, h int) []string {
	var ls []string
	if len(m.snap.clusters) == 0 {
		return termtext.Lines("No clusters yet.", w)
	}
	for _, c := range m.snap.clusters {
		ls = append(ls, m.st.Subtitle.Render(termtext.Pad(fmt.Sprintf("cluster %s  running %d  pending %d", c.name, c.running, c.pending), w)))
		if len(c.legend) > 0 {
			ls = append(ls, termtext.Pad(m.st.Muted.Render("tasks: "+strings.Join(c.legend, " ")+" · ")+
				m.st.Success.Render("running")+m.st.Muted.Render(" ")+m.st.Warning.Render("starting")+m.st.Muted.Render(" other"), w))
		}
		ls = append(ls, m.clusterMap(c, w, max(4, h/2))...)
		for _, s := range c.services {
			line := fmt.Sprintf("svc %s  desired %d  running %d  pending %d", s.name, s.desired, s.running, s.pending)
			if s.deployments > 1 {
				line += fmt.Sprintf("  deploying (%d)", s.deployments)
			}
			st := m.st.Text
			if s.running == s.desired && s.pending == 0 {
				st = m.st.Success
			}
			ls = append(ls, st.Render(termtext.Pad(line, w)))
		}
		ev := c.events
		if len(ev) > 3 {
			ev = ev[len(ev)-3:]
		}
		for _, e := range ev {
			ls = append(ls, m.st.Muted.Render(termtext.Pad("· "+e, w)))
		}
	}
	if len(m.snap.placement) > 0 {
		ls = append(ls, m.st.Subtitle.Render("last placement"))
		for _, p := range m.snap.placement {
			ls = append(ls, termtext.Pad(p, w))
		}
	}
	return ls
}

// clusterMap draws Availability Zones as columns, each instance as a small
// block (id, CPU and memory bars, tasks as letters coloured by state).
func (m *Model) clusterMap(c clusterView, w, h int) []string {
	n := len(c.azs)
	if n == 0 {
		return []string{m.st.Muted.Render(termtext.Pad("no container instances yet", w))}
	}
	colW := max(12, (w-(n-1))/n)
	if colW*n+(n-1) > w {
		n = max(1, (w+1)/(colW+1))
	}
	cols := make([][]string, n)
	for i := 0; i < n; i++ {
		az := c.azs[i]
		col := []string{m.st.Accent.Render(termtext.Pad(az.name, colW))}
		for j, in := range az.instances {
			if len(col)+4 > h {
				col = append(col, m.st.Muted.Render(termtext.Pad(fmt.Sprintf("+%d more", len(az.instances)-j), colW)))
				break
			}
			// The full id when it fits (learners type it), then the type.
			head := in.id
			if ansi.StringWidth(head+" "+in.typ) <= colW {
				head += " " + in.typ
			}
			if in.status != "ACTIVE" {
				head += " " + strings.ToLower(in.status)
			}
			col = append(col, termtext.Pad(head, colW))
			bw := max(3, colW-9)
			if in.cpuTotal > 0 {
				col = append(col, termtext.Pad("cpu "+bar(in.cpuUsed, in.cpuTotal, bw), colW))
				col = append(col, termtext.Pad("mem "+bar(in.memUsed, in.memTotal, bw), colW))
			}
			var tb strings.Builder
			for k, t := range in.tasks {
				if k >= colW-2 {
					tb.WriteString("…")
					break
				}
				g := t.letter
				if g == "" {
					g = "t"
				}
				switch t.status {
				case "RUNNING":
					tb.WriteString(m.st.Success.Render(g))
				case "PROVISIONING", "PENDING", "ACTIVATING":
					tb.WriteString(m.st.Warning.Render(g))
				default:
					tb.WriteString(m.st.Muted.Render(g))
				}
			}
			col = append(col, termtext.Pad(tb.String(), colW))
		}
		cols[i] = col
	}
	rows := 0
	for _, col := range cols {
		rows = max(rows, len(col))
	}
	var out []string
	for r := 0; r < rows; r++ {
		var b strings.Builder
		for i, col := range cols {
			if i > 0 {
				b.WriteString(" ")
			}
			if r < len(col) {
				b.WriteString(termtext.Pad(col[r], colW))
			} else {
				b.WriteString(strings.Repeat(" ", colW))
			}
		}
		out = append(out, termtext.Pad(b.String(), w))
	}
	return out
}

// scrollLines draws the last h lines of the scrollback (minus the scroll
// offset), wrapped to w.
func (m *Model) scrollLines(w, h int) []string {
	var out []string
	skip := m.scrollOff
	for i := len(m.scroll) - 1; i >= 0 && len(out) < h; i-- {
		l := m.scroll[i]
		parts := termtext.Lines(l.text, w)
		for j := len(parts) - 1; j >= 0 && len(out) < h; j-- {
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, termtext.Pad(m.styleFor(l.kind).Render(parts[j]), w))
		}
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", w))
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func (m *Model) styleFor(k lineKind) lipgloss.Style {
	switch k {
	case kindCommand:
		return m.st.Accent
	case kindError:
		return m.st.Error
	case kindInfo:
		return m.st.Muted
	case kindSuccess:
		return m.st.Success
	}
	return m.st.Text
}

func (m *Model) promptLine() string {
	if m.typing {
		return termtext.Pad(m.input.View(), m.w)
	}
	return termtext.Pad(m.st.Muted.Render("> (i to type a command)"), m.w)
}

func (m *Model) helpLine() string {
	if m.confirm {
		return termtext.Pad(m.st.Warning.Render(fmt.Sprintf("Show the solution of step %d? It is recorded in your progress. y/n", m.runner.Current()+1)), m.w)
	}
	if m.status != "" {
		return termtext.Pad(m.st.Muted.Render(m.status), m.w)
	}
	if m.fullHelp {
		var parts []string
		for _, col := range m.FullHelp() {
			for _, b := range col {
				if b.Help().Key != "" {
					parts = append(parts, b.Help().Key+" "+b.Help().Desc)
				}
			}
		}
		return termtext.Pad(m.st.Help.Render(strings.Join(parts, " · ")), m.w)
	}
	return termtext.Pad(m.help.ShortHelpView(m.ShortHelp()), m.w)
}

// box draws lines inside a rounded border of exactly w x h, with a title.
func (m *Model) box(title string, lines []string, w, h int) []string {
	if h < 2 || w < 4 {
		return make([]string, max(0, h))
	}
	b := m.st.Border
	inner := w - 2
	t := " " + title + " "
	if ansi.StringWidth(t) > inner-1 {
		t = ansi.Truncate(t, inner-1, "…")
	}
	top := b.Render("╭─") + m.st.Title.Render(t) + b.Render(strings.Repeat("─", max(0, inner-1-ansi.StringWidth(t)))+"╮")
	out := []string{top}
	for i := 0; i < h-2; i++ {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		out = append(out, b.Render("│")+" "+termtext.Pad(l, inner-2)+" "+b.Render("│"))
	}
	out = append(out, b.Render("╰"+strings.Repeat("─", inner)+"╯"))
	return out
}
