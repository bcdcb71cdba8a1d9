package labui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/termtext"
)

// cardMarkdown is the step card as Markdown: one document, rendered by the
// lesson reader's renderer at the card's width, so the instruction, the
// goal, the hints and the solution wrap alike (no split flags, no lone
// words, rules drawn as rules).
func (m *Model) cardMarkdown(i, width int) string {
	steps := m.lab.Steps
	var b strings.Builder
	if i >= len(steps) {
		res := m.runner.Result()
		clock := "simulated time"
		if m.runner.Real() {
			clock = "real time"
		}
		fmt.Fprintf(&b, "## Lab complete ✓\n\nAll %d steps of *%s* passed, in %d commands and %s of %s.",
			len(steps), m.lab.Title, res.Commands, res.Clock, clock)
		if res.Solutions > 0 {
			fmt.Fprintf(&b, " You looked at %d solution%s.", res.Solutions, plural(res.Solutions))
		}
		b.WriteString("\n\nYour progress is saved. Type `exit` or press esc to go back; `back` shows the steps again.\n")
		return b.String()
	}
	st := steps[i]
	if i < m.runner.Current() {
		if st.Passed != "" {
			b.WriteString("**✓ Passed.** " + st.Passed)
		} else {
			b.WriteString("**✓ Passed:** " + strings.TrimPrefix(st.Goal, "Passes when "))
		}
		if i+1 < len(steps) {
			fmt.Fprintf(&b, "\n\nPress enter (or type `next`) for step %d: *%s*.\n\n---\n\n", i+2, steps[i+1].Title)
		} else {
			b.WriteString("\n\nPress enter (or type `next`) for the summary.\n\n---\n\n")
		}
	}
	fmt.Fprintf(&b, "**Goal:** %s\n\n", st.Goal)
	b.WriteString(st.Body + "\n")
	for n, h := range m.hints[i] {
		fmt.Fprintf(&b, "\n**Hint %d:** %s\n", n+1, h)
	}
	if sol := m.sol[i]; len(sol) > 0 {
		b.WriteString("\n**Solution** (recorded in your progress):\n\n```sh\n")
		for _, l := range sol {
			b.WriteString(termtext.WrapCommand(l, width-6) + "\n")
		}
		b.WriteString("```\n")
	}
	if i == 0 && m.lab.Intro != "" {
		b.WriteString("\n---\n\n**About this lab.** " + m.lab.Intro + "\n")
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// renderCard renders the shown card in a command, once per (Markdown,
// width); View shows the cached text (or plain wrapped text until then).
func (m *Model) renderCard() tea.Cmd {
	if m.env.Renderer == nil {
		return nil
	}
	w := m.cardTextWidth()
	k := cardKey{md: m.cardMarkdown(m.view, w), width: w}
	if _, ok := m.rendered[k]; ok || m.pending[k] {
		return nil
	}
	m.pending[k] = true
	r, style := m.env.Renderer, m.env.RenderStyle
	return func() tea.Msg {
		out, err := r.Render([]byte(k.md), k.width, style)
		return renderedMsg{key: k, text: strings.TrimRight(out, "\n"), err: err}
	}
}

// cardText is the shown card's lines at its width. A line wider than the
// card (a word longer than a line) is broken, never cut.
func (m *Model) cardText() []string {
	w := m.cardTextWidth()
	md := m.cardMarkdown(m.view, w)
	txt, ok := m.rendered[cardKey{md: md, width: w}]
	if !ok {
		return termtext.Lines(md, w)
	}
	var out []string
	for _, l := range strings.Split(txt, "\n") {
		if ansi.StringWidth(l) <= w {
			out = append(out, l)
			continue
		}
		out = append(out, strings.Split(ansi.Hardwrap(l, w, true), "\n")...)
	}
	return out
}
