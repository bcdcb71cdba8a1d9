// Package termtext holds the width-aware text helpers every output mode
// shares: widths are terminal cells (wide runes count two, escape
// sequences none), never bytes.
package termtext

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Truncate cuts every line of s to at most w cells, ending a cut line with …
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		if ansi.StringWidth(l) > w {
			ls[i] = ansi.Truncate(l, w-1, "") + "…"
		}
	}
	return strings.Join(ls, "\n")
}

// Pad cuts (with …) or pads the one-line s to exactly w cells.
func Pad(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = Truncate(s, w)
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

// Wrap word-wraps s to w cells, breaking words longer than a line, and
// puts indent before every non-empty line after the first (the first line
// starts where the caller's cursor is). Tabs become four spaces.
func Wrap(s string, w int, indent string) string {
	return wrap(s, w, indent, false)
}

// WrapIndent is Wrap with indent before every non-empty line, the first
// one too.
func WrapIndent(s string, w int, indent string) string {
	return wrap(s, w, indent, true)
}

func wrap(s string, w int, indent string, first bool) string {
	w = max(w-ansi.StringWidth(indent), 10)
	s = strings.ReplaceAll(s, "\t", "    ")
	ls := strings.Split(ansi.Wrap(s, w, ""), "\n")
	for i, l := range ls {
		if l != "" && (i > 0 || first) {
			ls[i] = indent + l
		}
	}
	return strings.Join(ls, "\n")
}

// Lines is WrapIndent without an indent, split into lines.
func Lines(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	return strings.Split(Wrap(s, w, ""), "\n")
}

// Clock formats a duration as m:ss, or h:mm:ss from an hour on.
func Clock(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// InlineCode is Inline, with each `code span` passed through code (which
// styles it) instead of keeping its backticks.
func InlineCode(s string, code func(string) string) string {
	s = Inline(s)
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '`')
		if j < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteString(code(s[i+1 : i+1+j]))
		s = s[i+2+j:]
	}
	b.WriteString(s)
	return b.String()
}

// Inline drops the emphasis markers of inline Markdown (** and __), which
// read as noise in plain text; code spans keep their text.
func Inline(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	return strings.ReplaceAll(s, "__", "")
}
