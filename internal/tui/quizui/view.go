package quizui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/termtext"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// renderCmds asks for the Markdown documents the current state shows.
func (m *Model) renderCmds() []tea.Cmd {
	if m.s == nil || m.env.Renderer == nil {
		return nil
	}
	var cmds []tea.Cmd
	want := func(kind byte, i int) {
		k := docKey{kind, i, m.docWidth()}
		if _, ok := m.docs[k]; ok {
			return
		}
		it := m.s.Item(i)
		var src string
		if kind == 'q' {
			src = it.Q.Markdown()
		} else {
			src = feedbackMarkdown(it)
		}
		r, style := m.env.Renderer, m.env.RenderStyle
		if style == "" {
			style = "dark"
		}
		cmds = append(cmds, func() tea.Msg {
			out, err := r.Render([]byte(src), k.width, style)
			return renderedMsg{key: k, text: strings.Trim(out, "\n"), err: err}
		})
	}
	switch m.state {
	case sQuestion:
		want('q', m.s.Current)
		if m.feedbackMode() && m.item().Answered {
			want('f', m.s.Current)
		}
	case sWalk:
		want('q', m.walk)
		want('f', m.walk)
	}
	return cmds
}

func (m *Model) docWidth() int { return m.width() }

// doc returns a rendered document, or the Markdown wrapped as plain text
// until the render command has answered.
func (m *Model) doc(kind byte, i int) string {
	if s, ok := m.docs[docKey{kind, i, m.docWidth()}]; ok {
		return s
	}
	it := m.s.Item(i)
	src := it.Q.Markdown()
	if kind == 'f' {
		src = feedbackMarkdown(it)
	}
	return termtext.WrapIndent(strings.TrimSpace(src), m.width()-2, "  ")
}

// refresh rebuilds the viewport content from the state. It runs in Update
// (and SetSize), so View only joins strings.
func (m *Model) refresh() {
	var b strings.Builder
	m.cursorLine = -1
	switch m.state {
	case sEmpty:
		b.WriteString("\n" + termtext.WrapIndent(m.empty, m.width()-2, "  "))
	case sQuestion, sConfirmQuit, sConfirmSubmit:
		if m.prev == sReview && m.state == sConfirmSubmit {
			m.reviewBody(&b)
		} else {
			m.questionBody(&b)
		}
	case sReview:
		m.reviewBody(&b)
	case sResults:
		m.resultsBody(&b)
	case sWalk:
		m.walkBody(&b)
	}
	m.body = b.String()
	m.vp.SetContent(m.body)
	if m.follow && m.cursorLine >= 0 {
		if m.cursorLine < m.vp.YOffset {
			m.vp.SetYOffset(m.cursorLine)
		} else if m.cursorLine >= m.vp.YOffset+m.vp.Height {
			m.vp.SetYOffset(m.cursorLine - m.vp.Height + 1)
		}
		m.follow = false
	}
}

func lines(s string) int { return strings.Count(s, "\n") }

func (m *Model) questionBody(b *strings.Builder) {
	it := m.item()
	b.WriteString(m.doc('q', m.s.Current))
	b.WriteString("\n\n")
	graded := m.feedbackMode() && it.Answered
	if graded {
		m.verdict(b, it)
		b.WriteString(m.doc('f', m.s.Current))
		b.WriteString("\n")
		return
	}
	if p := it.Q.Prompt(); p != "" && it.Q.Kind == quiz.Multi {
		b.WriteString("  " + m.st.Accent.Render(p) + "\n")
	}
	for d := range it.Order {
		if d == m.cursor {
			m.cursorLine = lines(b.String())
		}
		b.WriteString(m.optionLine(it, d, m.picked[d], d == m.cursor, false))
	}
	if it.Q.Kind == quiz.Numeric {
		m.cursorLine = lines(b.String())
		b.WriteString("  " + m.st.Accent.Render("Your answer: ") + m.number + m.st.Selected.Render(" ") + "\n")
		b.WriteString("  " + m.st.Muted.Render("type a number, enter to answer") + "\n")
	}
	if m.note != "" {
		b.WriteString("\n  " + m.st.Warning.Render(m.note) + "\n")
	}
}

// optionLine draws one option: cursor, check mark, letter and wrapped text.
// With reveal, right options get ✓ and wrong chosen ones ✗.
func (m *Model) optionLine(it *quiz.Item, d int, chosen, cursor, reveal bool) string {
	o := it.Option(d)
	multi := it.Q.Kind == quiz.Multi
	mark := "( )"
	if multi {
		mark = "[ ]"
	}
	if chosen {
		mark = "(•)"
		if multi {
			mark = "[x]"
		}
	}
	cur := "  "
	if cursor {
		cur = m.st.Accent.Render("› ")
	}
	head := fmt.Sprintf("%s %c) ", mark, 'A'+d)
	text := termtext.WrapIndent(termtext.InlineCode(o.Text, func(c string) string { return m.st.Code.Render(c) }), m.width()-1, strings.Repeat(" ", 2+ansi.StringWidth(head)))
	text = strings.TrimLeft(text, " ")
	tail := ""
	if reveal {
		switch {
		case o.Correct:
			tail = " " + m.st.Success.Render("✓ right")
		case chosen:
			tail = " " + m.st.Error.Render("✗ your choice")
		}
	}
	line := cur + head + text + tail
	if cursor {
		line = cur + m.st.Selected.Render(head+firstLine(text)) + rest(text) + tail
	}
	return line + "\n"
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func rest(s string) string {
	_, r, ok := strings.Cut(s, "\n")
	if !ok {
		return ""
	}
	return "\n" + r
}

func (m *Model) verdict(b *strings.Builder, it *quiz.Item) {
	switch {
	case !it.Answered:
		b.WriteString("  " + m.st.Warning.Render("Not answered.") + " Right answer: " + it.RightAnswer() + "\n")
	case it.Correct && it.Q.Kind == quiz.Numeric:
		b.WriteString("  " + m.st.Success.Render("✓ Right.") + " Your answer: " + it.Given + " · accepted: " + quiz.FormatNumber(it.Q.Answer, it.Q.Tolerance) + "\n")
	case it.Correct:
		b.WriteString("  " + m.st.Success.Render("✓ Right.") + " Your answer: " + it.Given + "\n")
	default:
		b.WriteString("  " + m.st.Error.Render("✗ Wrong.") + " Your answer: " + it.Given + " · right answer: " + it.RightAnswer() + "\n")
	}
}

// feedbackMarkdown is the explanation of every option and of the question
// (the verdict line above it already says the right answer).
func feedbackMarkdown(it *quiz.Item) string {
	var b strings.Builder
	for d := range it.Order {
		o := it.Option(d)
		var tags []string
		if o.Correct {
			tags = append(tags, "right")
		}
		if it.Chosen(d) {
			tags = append(tags, "your choice")
		}
		tag := ""
		if len(tags) > 0 {
			tag = " *(" + strings.Join(tags, ", ") + ")*"
		}
		fmt.Fprintf(&b, "**%c)** %s%s\n\n", 'A'+d, o.Text, tag)
		if o.Explanation != "" {
			for _, l := range strings.Split(o.Explanation, "\n") {
				b.WriteString("> " + l + "\n")
			}
			b.WriteString("\n")
		}
	}
	if it.Q.Explanation != "" {
		b.WriteString("**Explanation.** ")
		b.WriteString(it.Q.Explanation)
		b.WriteString("\n")
	}
	return b.String()
}

func (m *Model) reviewBody(b *strings.Builder) {
	answered, unanswered, flagged := m.s.Counts()
	b.WriteString("  " + m.st.Title.Render("Review") + "  " +
		m.st.Muted.Render(fmt.Sprintf("%d answered · %d unanswered · %d flagged", answered, unanswered, flagged)) + "\n\n")
	for i, it := range m.s.Items {
		status := m.st.Success.Render("answered  ")
		if !it.Answered {
			status = m.st.Warning.Render("unanswered")
		}
		flag := "  "
		if it.Flagged {
			flag = m.st.Warning.Render("⚑ ")
		}
		head := fmt.Sprintf("%2d. ", i+1)
		room := m.width() - 2 - 4 - 10 - 1 - 2 - 1
		title := ansi.Truncate(termtext.Inline(it.Q.Title), max(room, 5), "…")
		line := head + status + " " + flag + title
		if i == m.list {
			m.cursorLine = lines(b.String())
			line = m.st.Selected.Render(head) + status + " " + flag + m.st.Selected.Render(title)
			b.WriteString(m.st.Accent.Render("› ") + line + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
}

func (m *Model) resultsBody(b *strings.Builder) {
	sc := m.s.Score()
	heading := "Results"
	if m.s.Mode == quiz.Exam {
		heading = "Exam results"
	}
	b.WriteString("  " + m.st.Title.Render(heading) + "\n\n")
	if m.timeUp || m.s.TimedOut {
		b.WriteString("  " + m.st.Warning.Render("Time is up: the exam was submitted automatically.") + "\n\n")
	}
	b.WriteString("  " + sc.ScoreLine() + "\n")
	if m.s.Mode == quiz.Exam {
		verdict := m.st.Error.Render(sc.ScaledLine())
		if sc.Passed {
			verdict = m.st.Success.Render(sc.ScaledLine())
		}
		b.WriteString("  " + verdict + m.st.Muted.Render(fmt.Sprintf(" · pass mark %d", sc.Pass)) + "\n")
		b.WriteString(termtext.WrapIndent(m.st.Muted.Render(sc.PassLine()), m.width()-2, "  ") + "\n")
		b.WriteString(termtext.WrapIndent(m.st.Muted.Render("Scaled linearly from the raw score; AWS does not publish its own scaling."), m.width()-2, "  ") + "\n")
	}
	m.chart(b, "By domain", sc.Domains)
	if len(sc.Lessons) > 1 || m.s.Mode == quiz.Exam {
		m.chart(b, "By lesson", sc.Lessons)
	}
}

// chart draws a small horizontal bar chart of groups.
func (m *Model) chart(b *strings.Builder, title string, gs []quiz.Group) {
	if len(gs) == 0 {
		return
	}
	b.WriteString("\n  " + m.st.Subtitle.Render(title) + "\n")
	const barW = 16
	nameW := 0
	for _, g := range gs {
		nameW = max(nameW, ansi.StringWidth(g.Name))
	}
	nameW = min(nameW, m.width()-2-barW-13)
	nameW = max(nameW, 6)
	for _, g := range gs {
		name := ansi.Truncate(g.Name, nameW, "…")
		name += strings.Repeat(" ", nameW-ansi.StringWidth(name))
		full := int(math.Round(barW * g.Percent() / 100))
		bar := m.st.Accent.Render(strings.Repeat("█", full)) + m.st.Muted.Render(strings.Repeat("░", barW-full))
		fmt.Fprintf(b, "  %s %s %3d/%-3d %3.0f%%\n", name, bar, g.Correct, g.Total, math.Floor(g.Percent()+0.5))
	}
}

func (m *Model) walkBody(b *strings.Builder) {
	it := m.s.Item(m.walk)
	verdict := "wrong"
	style := m.st.Error
	switch {
	case !it.Answered:
		verdict, style = "unanswered", m.st.Warning
	case it.Correct:
		verdict, style = "right", m.st.Success
	}
	b.WriteString("  " + m.st.Title.Render(fmt.Sprintf("Walk-through %d of %d", m.walk+1, m.s.Len())) + "  " + style.Render(verdict) + "\n")
	b.WriteString(m.doc('q', m.walk))
	b.WriteString("\n\n")
	m.verdict(b, it)
	b.WriteString(m.doc('f', m.walk))
	b.WriteString("\n")
}

// View draws the screen: title bar, body, status bar, help line.
func (m *Model) View() string {
	right := ""
	mode := "Practice"
	if m.s != nil {
		switch m.s.Mode {
		case quiz.Exam:
			mode = "Exam"
		case quiz.Review:
			mode = "Review"
		}
		switch m.state {
		case sQuestion, sConfirmQuit:
			right = fmt.Sprintf("Question %d of %d", m.s.Current+1, m.s.Len())
		case sWalk:
			right = fmt.Sprintf("%d of %d", m.walk+1, m.s.Len())
		}
	}
	label := " " + m.title
	if !strings.EqualFold(m.title, mode) {
		label += " · " + mode // not "Review · Review"
	}
	top := theme.Bar(m.st.Title, m.width(), label, right+" ")
	var status string
	switch m.state {
	case sConfirmSubmit:
		_, un, fl := m.s.Counts()
		status = theme.Bar(m.st.StatusBar, m.width(), fmt.Sprintf(" Submit the exam? %d unanswered, %d flagged. y submit · n cancel", un, fl), "")
	case sConfirmQuit:
		status = theme.Bar(m.st.StatusBar, m.width(), " Leave without submitting? Answers are kept, not scored. y leave · n stay", "")
	default:
		status = theme.Bar(m.st.StatusBar, m.width(), " "+m.statusLeft(), m.statusRight()+" ")
	}
	var helpLine string
	if m.full {
		helpLine = m.help.FullHelpView(m.FullHelp())
		helpLine = lastLines(helpLine, max(1, m.h-4))
	} else {
		helpLine = m.help.ShortHelpView(m.ShortHelp())
	}
	helpLine = termtext.Truncate(helpLine, m.width())
	bodyH := m.bodyHeight() - (lines(helpLine))
	vp := m.vp
	vp.Height = max(1, bodyH)
	return top + "\n" + vp.View() + "\n" + status + "\n" + helpLine
}

func lastLines(s string, n int) string {
	ls := strings.Split(s, "\n")
	if len(ls) > n {
		ls = ls[:n]
	}
	return strings.Join(ls, "\n")
}

func (m *Model) statusLeft() string {
	if m.s == nil {
		return ""
	}
	answered, _, flagged := m.s.Counts()
	var parts []string
	if m.s.Timed() && !m.s.Submitted {
		parts = append(parts, "⏱ "+termtext.Clock(m.s.Remaining(m.now()))+" left")
	}
	parts = append(parts, fmt.Sprintf("%d/%d answered", answered, m.s.Len()))
	if m.s.Mode == quiz.Exam {
		parts = append(parts, fmt.Sprintf("⚑ %d flagged", flagged))
	} else {
		parts = append(parts, fmt.Sprintf("%d right", m.s.Score().Correct))
	}
	return strings.Join(parts, " · ")
}

func (m *Model) statusRight() string {
	var parts []string
	if m.vp.TotalLineCount() > m.vp.Height && !m.vp.AtBottom() {
		parts = append(parts, "more ↓")
	}
	if m.s == nil || m.state != sQuestion {
		return strings.Join(parts, " · ")
	}
	it := m.item()
	if it.Flagged {
		parts = append(parts, "⚑ flagged")
	}
	if d, ok := quiz.LookupDomain(it.Q.Domain); ok {
		parts = append(parts, d.Exam)
	}
	return strings.Join(parts, " · ")
}

// ShortHelp lists the keys of the current state.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch m.state {
	case sEmpty:
		return []key.Binding{k.Back}
	case sReview:
		return []key.Binding{k.Up, k.Down, withHelp(k.Enter, "jump"), k.Submit, k.Back, k.Help}
	case sConfirmSubmit, sConfirmQuit:
		return []key.Binding{k.Yes, k.No}
	case sResults:
		return []key.Binding{k.Walk, k.PageDown, k.Back, k.Help}
	case sWalk:
		return []key.Binding{k.Next, k.Prev, k.PageDown, withHelp(k.Back, "results")}
	}
	if m.s != nil && m.feedbackMode() && m.item().Answered {
		return []key.Binding{withHelp(k.Enter, "next"), k.PageDown, k.Back, k.Help}
	}
	pick := []key.Binding{k.Pick}
	if m.s != nil && m.item().Q.Kind == quiz.Numeric {
		pick = []key.Binding{k.Type}
	} else if m.s != nil && m.item().Q.Kind == quiz.Multi {
		pick = []key.Binding{k.Pick, k.Toggle}
	}
	if m.s != nil && m.s.Mode == quiz.Exam {
		return append(pick, k.Enter, k.Flag, k.Next, k.Review, k.Submit, k.Help)
	}
	return append(pick, k.Enter, k.Back, k.Help)
}

// FullHelp lists every key of the current state.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	if m.state == sQuestion && m.s != nil && m.s.Mode == quiz.Exam {
		return [][]key.Binding{{k.Pick, k.Type, k.Up, k.Down, k.Toggle, k.Enter}, {k.Next, k.Prev, k.Flag, k.Review, k.Submit}, {k.PageDown, k.PageUp, k.Back, k.Help}}
	}
	if m.state == sQuestion {
		return [][]key.Binding{{k.Pick, k.Type, k.Up, k.Down, k.Toggle, k.Enter}, {k.PageDown, k.PageUp, k.Back, k.Help}}
	}
	return [][]key.Binding{m.ShortHelp(), {k.PageDown, k.PageUp}}
}
