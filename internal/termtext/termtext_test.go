package termtext

import (
	"testing"
	"time"
)

func TestWidthsAreCells(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"truncate ascii", Truncate("hello world", 5), "hell…"},
		{"truncate wide runes", Truncate("日本語のテキスト", 5), "日本…"},
		{"truncate keeps short", Truncate("abc", 5), "abc"},
		{"truncate per line", Truncate("abcdef\nxy", 4), "abc…\nxy"},
		{"pad", Pad("ab", 4), "ab  "},
		{"pad wide", Pad("日本", 6), "日本  "},
		{"pad cut", Pad("abcdef", 4), "abc…"},
		// Wrapping counts cells: four wide runes fill an 8-cell line.
		{"wrap wide", Wrap("日本 日本 日本", 10, ""), "日本 日本\n日本"},
		{"wrap indent", Wrap("one two three four five", 12, "  "), "one two\n  three four\n  five"},
		{"wrap indent all", WrapIndent("one two", 10, "> "), "> one two"},
		{"clock", Clock(75 * time.Second), "1:15"},
		{"clock hours", Clock(time.Hour + 2*time.Second), "1:00:02"},
		{"inline", Inline("**bold** and __this__"), "bold and this"},
		{"inline code", InlineCode("run `aws lambda invoke` or **`x`**", func(c string) string { return "<" + c + ">" }), "run <aws lambda invoke> or <x>"},
		{"unclosed code", InlineCode("a `b", func(c string) string { return "<" + c + ">" }), "a `b"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestClock(t *testing.T) {
	tests := map[time.Duration]string{0: "0:00", 90 * time.Second: "1:30", 130 * time.Minute: "2:10:00", 1500 * time.Millisecond: "0:02"}
	for d, want := range tests {
		if got := Clock(d); got != want {
			t.Errorf("clock(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "hello\tworld\n", "hello\tworld\n"},
		{"unicode", "café · 日本 ✓", "café · 日本 ✓"},
		{"osc 52 clipboard", "a\x1b]52;c;aGVsbG8=\x07b", "ab"},
		{"osc 0 title st", "a\x1b]0;pwned\x1b\\b", "ab"},
		{"osc 8 link", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"csi clear", "a\x1b[2Jb\x1b[31mred\x1b[0m", "abred"},
		{"bel bs nul", "a\x07b\x08c\x00d", "abcd"},
		{"lone cr", "a\rb", "ab"},
		{"crlf", "a\r\nb", "a\r\nb"},
		{"del", "a\x7fb", "ab"},
		{"c1 csi", "a\u009b2Jb", "ab"},
		{"c1 control", "a\u0085b", "ab"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"esc at end", "a\x1b", "a"},
		{"unterminated osc", "a\x1b]52;c;AAAA", "a"},
		{"two-byte esc", "a\x1bcb", "ab"},
	}
	for _, tc := range tests {
		if got := Sanitize(tc.in); got != tc.want {
			t.Errorf("%s: Sanitize(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"a\x1b]52;c;x\x07", "\x1b[31m", "\u009b", "ok\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		for _, r := range out {
			if r == 0x1b || r == 0x07 || r == 0x7f || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("Sanitize(%q) = %q keeps %U", s, out, r)
			}
		}
		if Sanitize(out) != out {
			t.Fatalf("not idempotent on %q", s)
		}
	})
}
