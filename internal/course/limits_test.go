package course

import (
	"strings"
	"testing"
)

// Documents built to exhaust the renderer (generated, not committed): each
// is refused with its line, quickly, before any rendering.
func TestCheckLimits(t *testing.T) {
	deepList := ""
	for i := 0; i < 400; i++ {
		deepList += strings.Repeat("  ", i) + "- x\n"
	}
	tests := []struct {
		name string
		doc  string
		line int
		msg  string
	}{
		{"emphasis bomb", "# T\n\n" + strings.Repeat("*", 100000) + "x" + strings.Repeat("*", 100000) + "\n", 3, "line is"},
		{"long word", "ok\n" + strings.Repeat("a", 100000) + "\n", 2, "line is"},
		{"quote bomb", strings.Repeat(">", 10000) + " x\n", 1, "line is"},
		{"bracket run", "a " + strings.Repeat("[", 1000) + "\n", 1, `"[" repeated`},
		{"deep list", deepList, 33, "nested 33 levels"},
		{"spaced quote bomb", strings.Repeat("> ", 1000) + "x\n", 1, "nested 1500 levels"},
		{"too big", strings.Repeat("word ", 300000), 1, "bytes; at most"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line, msg, ok := CheckLimits([]byte(tc.doc))
			if ok || !strings.Contains(msg, tc.msg) || (tc.line > 0 && line != tc.line) {
				t.Errorf("CheckLimits = %d, %q, %v; want line %d and %q", line, msg, ok, tc.line, tc.msg)
			}
		})
	}
	for _, good := range []string{"# Title\n\nA *b* **c** `d` [e](f).\n\n> q\n\n- a\n  - b\n", "```text\n" + strings.Repeat("*", 500) + "\n```\n", "| a | b |\n|---|---|\n| 1 | 2 |\n"} {
		if line, msg, ok := CheckLimits([]byte(good)); !ok {
			t.Errorf("%q refused at %d: %s", good, line, msg)
		}
	}
}

// A refused document comes with no tree; an accepted one with the tree
// measured.
func TestParseWithinLimits(t *testing.T) {
	if root, _, _, ok := ParseWithinLimits([]byte(strings.Repeat("> ", 1000) + "x\n")); ok || root != nil {
		t.Errorf("quote bomb: ok %v, tree %v", ok, root)
	}
	if root, _, msg, ok := ParseWithinLimits([]byte("# T\n\ntext\n")); !ok || root == nil || root.FirstChild() == nil {
		t.Errorf("good document: ok %v (%s), tree %v", ok, msg, root)
	}
}
