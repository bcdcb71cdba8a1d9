package cli

import (
	"io"
	"math"
	"os"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"
)

// column is one column of a plain table.
type column struct {
	Name string
	// Flex: the column's cells are cut with … so the table fits the width
	// (the titles).
	Flex bool
	// Group, with a label: when the table is too wide, the column is left
	// out and its value printed as a line "Label: value" above the rows it
	// groups (the track of lessons, the lesson of labs).
	Group string
}

const (
	tableGap     = 2 // spaces between columns
	minFlexWidth = 4 // a cut title keeps at least this many columns
)

// TerminalWidth is the one source of the output's width: Width when set
// (tests), else the terminal's width when Out is a terminal. ok is false
// when Out is not a terminal: a pipe or a file has no width, so nothing
// written there is cut to fit.
func (a *App) TerminalWidth() (w int, ok bool) {
	if a.Width > 0 {
		return a.Width, true
	}
	if f, isF := a.Out.(*os.File); isF && a.IsTTY() {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w, true
		}
		return 80, true
	}
	return 0, false
}

// tableWidth is the width tables must fit: the terminal's, or no limit
// when Out is not a terminal.
func (a *App) tableWidth() int {
	if w, ok := a.TerminalWidth(); ok {
		return w
	}
	return math.MaxInt / 4
}

// writeTable writes a table whose lines fit width: when it is too wide, a
// Group column turns into group lines and then the Flex column's cells are
// cut with …. A table that cannot fit even then (a very narrow terminal)
// keeps every other column whole.
func writeTable(w io.Writer, width int, cols []column, rows [][]string) error {
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = ansi.StringWidth(c.Name)
		for _, r := range rows {
			widths[i] = max(widths[i], ansi.StringWidth(r[i]))
		}
	}
	show := make([]bool, len(cols))
	for i := range show {
		show[i] = true
	}
	total := func() int {
		n, t := 0, 0
		for i, ok := range show {
			if ok {
				t += widths[i]
				n++
			}
		}
		return t + tableGap*max(0, n-1)
	}
	group := -1
	if total() > width {
		for i, c := range cols {
			if c.Group != "" {
				show[i], group = false, i
				break
			}
		}
	}
	if t := total(); t > width {
		for i, c := range cols {
			if c.Flex && show[i] {
				widths[i] = max(minFlexWidth, widths[i]-(t-width))
			}
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		var l strings.Builder
		last := -1
		for i, ok := range show {
			if ok {
				last = i
			}
		}
		for i, c := range cells {
			if !show[i] {
				continue
			}
			if ansi.StringWidth(c) > widths[i] {
				c = ansi.Truncate(c, widths[i], "…")
			}
			l.WriteString(c)
			if i != last {
				l.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+tableGap))
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	line(names)
	prev := ""
	for i, r := range rows {
		if group >= 0 && (i == 0 || r[group] != prev) {
			g := cols[group].Group + ": " + r[group]
			if r[group] == "" {
				g = cols[group].Group + ": (none)"
			}
			if ansi.StringWidth(g) > width {
				g = ansi.Truncate(g, width, "…")
			}
			b.WriteString(g + "\n")
			prev = r[group]
		}
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
