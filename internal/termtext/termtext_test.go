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
