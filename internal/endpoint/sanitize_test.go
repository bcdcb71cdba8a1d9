package endpoint

import "testing"

func TestSanitize(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain", "hello\tworld\n", "hello\tworld\n"},
		{"csi", "a\x1b[31mred\x1b[0m", "ared"},
		{"osc title", "x\x1b]0;pwned\x07y", "xy"},
		{"osc st", "x\x1b]8;;http://e\x1b\\y", "xy"},
		{"c0 and del", "a\x00b\x07c\x7fd\re", "abcde"},
		{"c1", "a\u0085b\u009b31mc", "abc"},
		{"bad utf8", "a\xffb", "a?b"},
		{"two-byte esc", "a\x1bcb", "ab"},
		{"unicode kept", "héllo ✓", "héllo ✓"},
	} {
		if got := Sanitize(c.in); got != c.want {
			t.Errorf("%s: Sanitize(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	f.Add("a\x1b[31mb\x9b\x1b]0;t\x07")
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		for _, r := range out {
			if r == 0x1b || r == 0x7f || r < 0x20 && r != '\t' && r != '\n' || r >= 0x80 && r < 0xa0 {
				t.Fatalf("Sanitize(%q) kept %U", s, r)
			}
		}
	})
}
