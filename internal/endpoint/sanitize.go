package endpoint

import (
	"strings"
	"unicode/utf8"
)

// Sanitize makes client-sent text safe to print in a terminal: it removes
// escape sequences (ESC and what follows: CSI, OSC, two-byte forms), the
// other C0 controls except tab and newline, DEL and the C1 controls, and
// replaces invalid UTF-8.
func Sanitize(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteRune('?')
			i += max(n, 1)
			continue
		case r == 0x1b:
			i += n + escLen(s[i+n:])
			continue
		case r == 0x9b: // C1 CSI: drop its parameters too
			i += n + escLen("["+s[i+n:]) - 1
			continue
		case r == 0x9d: // C1 OSC
			i += n + escLen("]"+s[i+n:]) - 1
			continue
		case r == '\t' || r == '\n':
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			i += n
			continue
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

// SanitizeLine is Sanitize for one display line: newlines and tabs become
// spaces.
func SanitizeLine(s string) string {
	return strings.NewReplacer("\n", " ", "\t", " ").Replace(Sanitize(s))
}

// escLen is the length of an escape sequence's body after ESC.
func escLen(s string) int {
	if s == "" {
		return 0
	}
	switch s[0] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40-0x7e
		for i := 1; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
			if s[i] < 0x20 || s[i] > 0x3f && s[i] < 0x40 {
				return i
			}
		}
		return len(s)
	case ']', 'P', '_', '^', 'X': // OSC, DCS, APC, PM, SOS: up to BEL or ST
		for i := 1; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	_, n := utf8.DecodeRuneInString(s)
	return n
}
