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

// outHeight is how many output lines show under the card.
func (m *Model) outHeight() int {
	if m.wide() {
		return max(4, m.h/4)
	}
	return min(3, max(1, m.h-10))
}

// middleHeight is the height of the card (and panes) area.
func (m *Model) middleHeight() int {
	// clock bar, (tab bar), output, prompt, key bar
	h := m.h - 1 - m.outHeight() - 2
	if !m.wide() {
		h--
	}
	return max(3, h)
}

// cardWidth leaves the live panes 44 columns and gives the card up to 80,
// so a command of the card's text fits on a line.
func (m *Model) cardWidth() int {
	if m.wide() {
		return min(80, m.w-44)
	}
	return m.w
}

// cardTextWidth is the width the card's Markdown is rendered at (inside the
// border and its padding).
func (m *Model) cardTextWidth() int { return max(20, m.cardWidth()-4) }

// cardInner is how many lines of text the card shows.
func (m *Model) cardInner() int { return max(1, m.middleHeight()-2) }

// View draws the screen. It only formats what Update prepared.
func (m *Model) View() string {
	if m.w < 20 || m.h < 8 {
		return "terminal too small"
	}
	if m.fullHelp {
		return m.helpView()
	}
	var out []string
	out = append(out, m.clockBar())
	mh := m.middleHeight()
	if m.wide() {
		lw := m.cardWidth()
		left := m.box(m.cardTitle(), m.cardLines(), lw, mh)
		right := m.livePanes(m.w-lw, mh)
		for i := 0; i < mh; i++ {
			out = append(out, left[i]+right[i])
		}
	} else {
		out = append(out, m.tabBar())
		var pane []string
		switch m.tab {
		case tabStep:
			pane = m.box(m.cardTitle(), m.cardLines(), m.w, mh)
		case tabLambda:
			pane = m.box("Lambda", m.lambdaLines(m.w-4, mh-2), m.w, mh)
		case tabECS:
			pane = m.box("EC2 · ECS", m.ecsLines(m.w-4, mh-2), m.w, mh)
		default:
			pane = m.box("Output (pgup/pgdn)", m.scrollLines(m.w-4, mh-2), m.w, mh)
		}
		out = append(out, pane...)
	}
	out = append(out, m.scrollLines(m.w, m.outHeight())...)
	out = append(out, m.promptLine(), m.helpLine())
	return strings.Join(out, "\n")
}

func (m *Model) clockBar() string {
	state := "⏸ paused"
	switch {
	case m.Speed() > 0:
		state = fmt.Sprintf("▶ %dx", m.Speed())
	}
	n := len(m.lab.Steps)
	step := fmt.Sprintf("step %d/%d", min(m.runner.Current()+1, n), n)
	if m.runner.Done() {
		step = "complete ✓"
	}
	right := fmt.Sprintf("sim %s  %s  %s ", m.snap.clock, state, step)
	if m.runner.Real() {
		state = "● real time"
		switch m.busy {
		case "":
		case "starting", "failed":
			state = "⋯ " + m.busy
		default:
			state = "⋯ running"
		}
		right = fmt.Sprintf("%s  %s  %s ", m.snap.clock, state, step)
	}
	title := " Lab: " + m.lab.Title
	if room := m.w - ansi.StringWidth(right) - 1; ansi.StringWidth(title) > room {
		title = termtext.Truncate(title, max(8, room))
	}
	return theme.Bar(m.st.StatusBar, m.w, title, right)
}

func (m *Model) tabBar() string {
	var parts []string
	for i, n := range tabNames {
		label := fmt.Sprintf(" %s ", n)
		if i == m.tab {
			parts = append(parts, m.st.Selected.Render(label))
		} else {
			parts = append(parts, m.st.Muted.Render(label))
		}
	}
	return termtext.Pad(strings.Join(parts, " ")+m.st.Muted.Render("  F3 or alt+1…4"), m.w)
}

func (m *Model) cardTitle() string {
	i := m.view
	if i >= len(m.lab.Steps) {
		return "Lab complete ✓"
	}
	t := fmt.Sprintf("Step %d of %d: %s", i+1, len(m.lab.Steps), m.lab.Steps[i].Title)
	if i < m.runner.Current() {
		t = "✓ " + t
	}
	return t
}

// cardLines is the card's visible text: the step list, then the card's
// Markdown scrolled by cardOff, with a cue where more text is above or
// below.
func (m *Model) cardLines() []string {
	inner := m.cardInner()
	head := m.stepDots()
	body := m.cardText()
	room := inner - 1
	if room < 1 {
		return []string{head}
	}
	off := min(m.cardOff, max(0, len(body)-room))
	vis := body[off:min(len(body), off+room)]
	vis = append([]string(nil), vis...)
	if off > 0 && len(vis) > 0 {
		vis[0] = m.st.Muted.Render(fmt.Sprintf("↑ %d more line%s · pgup", off, plural(off)))
	}
	if below := len(body) - off - room; below > 0 && len(vis) > 0 {
		vis[len(vis)-1] = m.st.Accent.Render(fmt.Sprintf("↓ %d more line%s · pgdn", below, plural(below)))
	}
	return append([]string{head}, vis...)
}

// stepDots is the step list: ✓ passed, ▸ the step worked on, · to come.
func (m *Model) stepDots() string {
	var list []string
	cur := m.runner.Current()
	for i := range m.lab.Steps {
		label := fmt.Sprintf("%d", i+1)
		switch {
		case i < cur:
			label = "✓" + label
		case i == cur:
			label = "▸" + label
		default:
			label = "·" + label
		}
		st := m.st.Muted
		switch {
		case i == m.view:
			st = m.st.Accent
		case i < cur:
			st = m.st.Success
		}
		list = append(list, st.Render(label))
	}
	return strings.Join(list, " ")
}

// livePanes draws the right-hand side of the wide layout.
func (m *Model) livePanes(w, h int) []string {
	hasL := len(m.snap.fns) > 0
	hasE := len(m.snap.clusters) > 0 || len(m.snap.hosts) > 0 || len(m.snap.groups) > 0 || m.snap.terminated > 0
	switch {
	case hasL && hasE:
		top := h / 2
		return append(m.box("Lambda", m.lambdaLines(w-4, top-2), w, top),
			m.box("EC2 · ECS", m.ecsLines(w-4, h-top-2), w, h-top)...)
	case hasE:
		return m.box("EC2 · ECS", m.ecsLines(w-4, h-2), w, h)
	case hasL:
		return m.box("Lambda", m.lambdaLines(w-4, h-2), w, h)
	}
	if m.runner.Real() {
		return m.box("Lambda (real processes)", termtext.Lines("Nothing yet: create a function and its environments appear here, live, as they start, serve and expire.", w-4), w, h)
	}
	return m.box("Simulated cloud", termtext.Lines("Nothing yet: create a function, an instance or a cluster and it appears here, live.", w-4), w, h)
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
		stats := fmt.Sprintf("envs %d inv %d cold %d thr %d err %d",
			f.initializing+f.idle+f.busy, f.invocations, f.cold, f.throttles, f.errors)
		if head := f.name + "  " + stats; ansi.StringWidth(head) <= w {
			ls = append(ls, m.st.Subtitle.Render(termtext.Pad(head, w)))
		} else {
			// A narrow pane: the name, then the counters on their own line.
			ls = append(ls, m.st.Subtitle.Render(termtext.Pad(f.name, w)), termtext.Pad(stats, w))
		}
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
	if len(m.snap.clusters) == 0 && len(m.snap.hosts) == 0 && len(m.snap.groups) == 0 && m.snap.terminated == 0 {
		return termtext.Lines("No instances or clusters yet.", w)
	}
	ls = append(ls, m.hostLines(w)...)
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
	case kindLog:
		return m.st.Subtitle
	}
	return m.st.Text
}

func (m *Model) promptLine() string {
	return termtext.Pad(m.input.View(), m.w)
}

func (m *Model) helpLine() string {
	if m.confirm {
		return termtext.Pad(m.st.Warning.Render(fmt.Sprintf("Show the solution of step %d? It is recorded in your progress. y/n", m.view+1)), m.w)
	}
	if m.status != "" {
		st := m.st.Muted
		if strings.HasPrefix(m.status, "✓") {
			st = m.st.Success
		}
		return termtext.Pad(st.Render(m.status), m.w)
	}
	return termtext.Pad(m.help.ShortHelpView(m.ShortHelp()), m.w)
}

// helpView is the full help: every key and the lab's commands.
func (m *Model) helpView() string {
	var ls []string
	ls = append(ls, m.st.Title.Render("Keys"))
	for _, col := range m.FullHelp() {
		for _, b := range col {
			if h := b.Help(); h.Key != "" {
				ls = append(ls, fmt.Sprintf("  %-12s %s", h.Key, h.Desc))
			}
		}
	}
	ls = append(ls, "", m.st.Title.Render("Lab commands (type them at the prompt)"))
	for _, c := range labCommands {
		ls = append(ls, termtext.Wrap(fmt.Sprintf("  %-22s %s", c[0], c[1]), m.w-4, strings.Repeat(" ", 25)))
	}
	ls = append(ls, "", m.st.Muted.Render("  help lists the aws commands and lab verbs; esc or ? closes this."))
	body := strings.Split(strings.Join(ls, "\n"), "\n")
	return strings.Join(m.box("Help", body, m.w, m.h), "\n")
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

// hostLines lists the EC2 instances outside ECS clusters and the Auto
// Scaling groups.
func (m *Model) hostLines(w int) []string {
	var ls []string
	for _, g := range m.snap.groups {
		ls = append(ls, m.st.Subtitle.Render(termtext.Pad(termtext.Truncate(g, w), w)))
	}
	for _, h := range m.snap.hosts {
		detail := fmt.Sprintf("%-9s %s", h.typ, strings.TrimPrefix(h.az, "us-east-"))
		if h.publicIP != "" {
			detail += " " + h.publicIP
		}
		if h.spot {
			detail += " spot"
		}
		if h.group != "" {
			detail += " asg:" + h.group
		}
		line := fmt.Sprintf("%s %-8s %s", h.id, h.state, detail)
		st := m.st.Text
		switch h.state {
		case "running":
			st = m.st.Success
		case "pending", "stopping", "shutting-down":
			st = m.st.Warning
		case "stopped":
			st = m.st.Muted
		}
		if lipgloss.Width(line) > w { // a narrow pane: the details on a second line
			ls = append(ls, st.Render(termtext.Pad(termtext.Truncate(h.id+" "+h.state, w), w)),
				m.st.Muted.Render(termtext.Pad(termtext.Truncate("  "+detail, w), w)))
			continue
		}
		ls = append(ls, st.Render(termtext.Pad(line, w)))
	}
	if m.snap.terminated > 0 {
		ls = append(ls, m.st.Muted.Render(termtext.Pad(fmt.Sprintf("%d terminated", m.snap.terminated), w)))
	}
	return ls
}
