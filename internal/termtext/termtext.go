// Package termtext holds the width-aware text helpers every output mode
// shares: widths are terminal cells (wide runes count two, escape
// sequences none), never bytes.
package termtext

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

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

// Sanitize removes from text that came from a file or a client everything
// a terminal would act on instead of print: escape sequences (CSI, OSC such
// as clipboard writes and window titles, and the rest), C0 controls but tab
// and newline (a carriage return before a newline stays), DEL and C1
// controls; invalid UTF-8 becomes U+FFFD. Apply it to content before
// styling it, never to styled output.
func Sanitize(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune('\uFFFD')
			i++
			continue
		case r == 0x1b || r == 0x9b || r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f:
			i += escapeLen(s[i:], r, size)
			continue
		case r == '\t' || r == '\n':
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				break
			}
			i += size
			continue
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			i += size
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// isClean reports whether s has nothing Sanitize would change.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f || c >= 0x80 {
			if c >= 0x80 {
				r, size := utf8.DecodeRuneInString(s[i:])
				if r == utf8.RuneError || (r >= 0x80 && r < 0xa0) {
					return false
				}
				i += size - 1
				continue
			}
			return false
		}
	}
	return true
}

// escapeLen is the length of the escape sequence at the start of s, which
// starts with ESC or an 8-bit introducer r (size bytes long).
func escapeLen(s string, r rune, size int) int {
	i := size
	kind := r
	if r == 0x1b {
		if i >= len(s) {
			return i
		}
		switch s[i] {
		case '[':
			kind = 0x9b
		case ']':
			kind = 0x9d
		case 'P', '^', '_', 'X':
			kind = 0x90
		default:
			// A two-byte sequence (ESC c, ESC 7, ...), or ESC with
			// intermediates: skip them and the final byte.
			for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
				i++
			}
			if i < len(s) {
				i++
			}
			return i
		}
		i++
	}
	switch kind {
	case 0x9b: // CSI: parameters and intermediates, then a final byte
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
			i++
		}
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
			i++
		}
		return i
	default: // OSC, DCS, PM, APC, SOS: up to BEL or ST (ESC \ or 0x9c)
		for i < len(s) {
			switch {
			case s[i] == 0x07:
				return i + 1
			case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
				return i + 2
			case strings.HasPrefix(s[i:], "\u009c"):
				return i + len("\u009c")
			}
			i++
		}
		return i
	}
}

// Clip cuts s to at most n runes, ending a cut string with …: for input
// echoed in an error message (a 400-digit "number" stays readable).
func Clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:max(0, n-1)]) + "…"
	}
	return s
}

// WrapCommand breaks a long command line at spaces outside quotes into
// lines of at most w cells, ending each but the last with " \" as a shell
// continues a command, so a copied solution still runs (it is never cut
// mid-word or inside a quoted string).
func WrapCommand(line string, w int) string {
	w = max(w, 20)
	if ansi.StringWidth(line) <= w {
		return line
	}
	var out []string
	cur := ""
	for _, word := range shellWords(line) {
		// A word longer than a line (a long path) is broken with ↩,
		// shown where it continues.
		for ansi.StringWidth(word) > w-2 {
			piece := ansi.Truncate(word, w-3, "")
			if cur != "" {
				out = append(out, cur+" \\")
			}
			out = append(out, piece+"↩")
			word = word[len(piece):]
			cur = ""
		}
		switch {
		case cur == "":
			cur = word
		case ansi.StringWidth(cur)+1+ansi.StringWidth(word)+2 > w:
			out = append(out, cur+" \\")
			cur = "  " + word
		default:
			cur += " " + word
		}
	}
	return strings.Join(append(out, cur), "\n")
}

// shellWords splits a command line at spaces that are outside quotes
// ('...', "..." and $'...'), keeping the quotes in the words.
func shellWords(line string) []string {
	var words []string
	var b strings.Builder
	quote := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			b.WriteByte(c)
			if c == '\\' && quote != '\'' && i+1 < len(line) {
				i++
				b.WriteByte(line[i])
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
			b.WriteByte(c)
		case c == ' ' || c == '\t':
			if b.Len() > 0 {
				words = append(words, b.String())
				b.Reset()
			}
		default:
			b.WriteByte(c)
		}
	}
	if b.Len() > 0 {
		words = append(words, b.String())
	}
	return words
}
