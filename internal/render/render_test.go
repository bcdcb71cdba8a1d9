package render

import (
	"fmt"
	"os"
	"strings"
	"testing"

	xansi "github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/course"
)

const sample = "---\nid: x\ntitle: Secret Title Key\n---\n\n# Heading\n\nSome **bold** text and `code`.\n\n" +
	"> **Exam tip:** remember this.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
	"```text\n+--+\n|  |\n+--+\n```\n\n" +
	"```check\nSECRET-CHECK\n```\n\n```hint\nSECRET-HINT\n```\n\n```solution\nSECRET-SOLUTION\n```\n\n" +
	"```answer\nSECRET-ANSWER\n```\n\n```sim\nSECRET-SIM\n```\n\n- [x] done task\n- [ ] open task\n\nThe end.\n"

func TestRenderEscapes(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		style   string
		escapes bool
	}{
		{"dark has colour", Options{}, "dark", true},
		{"light has colour", Options{}, "light", true},
		{"notty is plain", Options{}, "notty", false},
		{"ascii is plain", Options{}, "ascii", false},
		{"NO_COLOR dark is plain", Options{NoColor: true}, "dark", false},
		{"NO_COLOR light is plain", Options{NoColor: true}, "light", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := New(tt.opts).Render([]byte(sample), 80, tt.style)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(out, "\x1b"); got != tt.escapes {
				t.Errorf("escape codes = %v, want %v:\n%q", got, tt.escapes, out)
			}
			if !strings.Contains(StripANSI(out), "The end.") {
				t.Errorf("text missing:\n%s", out)
			}
		})
	}
}

func TestRenderHidesAndStrips(t *testing.T) {
	for _, style := range Styles {
		t.Run(style, func(t *testing.T) {
			out, err := New(Options{}).Render([]byte(sample), 80, style)
			if err != nil {
				t.Fatal(err)
			}
			plain := StripANSI(out)
			for _, secret := range []string{"SECRET-CHECK", "SECRET-HINT", "SECRET-SOLUTION", "SECRET-ANSWER", "SECRET-SIM", "Secret Title Key", "id: x"} {
				if strings.Contains(plain, secret) {
					t.Errorf("%q is visible:\n%s", secret, plain)
				}
			}
			for _, want := range []string{"Heading", "bold", "Exam tip", "+--+", "done task"} {
				if !strings.Contains(plain, want) {
					t.Errorf("%q missing:\n%s", want, plain)
				}
			}
			if strings.Contains(plain, "<input") {
				t.Errorf("task list printed as HTML:\n%s", plain)
			}
		})
	}
}

func TestRenderWidth(t *testing.T) {
	long := strings.Repeat("word ", 200)
	for _, width := range []int{20, 40, 80, 120} {
		for _, style := range Styles {
			t.Run(fmt.Sprintf("%s/%d", style, width), func(t *testing.T) {
				out, err := New(Options{}).Render([]byte("# T\n\n"+long+"\n\n> "+long+"\n\n- "+long+"\n"), width, style)
				if err != nil {
					t.Fatal(err)
				}
				for i, l := range strings.Split(StripANSI(out), "\n") {
					if n := len([]rune(l)); n > width {
						t.Errorf("line %d is %d columns, wider than %d: %q", i+1, n, width, l)
					}
				}
			})
		}
	}
}

func TestRenderCache(t *testing.T) {
	r := New(Options{CacheSize: 2})
	a, _ := r.Render([]byte(sample), 80, "dark")
	b, _ := r.Render([]byte(sample), 80, "dark")
	if a != b || r.Hits() != 1 {
		t.Fatalf("second render was not a cache hit (hits %d)", r.Hits())
	}
	if _, err := r.Render([]byte(sample), 60, "dark"); err != nil {
		t.Fatal(err)
	}
	if r.Hits() != 1 {
		t.Errorf("another width hit the cache")
	}
	_, _ = r.Render([]byte(sample), 60, "light") // evicts 80/dark (size 2)
	_, _ = r.Render([]byte(sample), 80, "dark")
	if r.Hits() != 1 {
		t.Errorf("evicted entry hit the cache: hits %d", r.Hits())
	}
}

func TestRenderBadStyle(t *testing.T) {
	if _, err := New(Options{}).Render([]byte("x"), 80, "pink"); err == nil {
		t.Fatal("unknown style accepted")
	}
}

func TestStripANSI(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "abc", "abc"},
		{"sgr", "\x1b[38;5;252mabc\x1b[0m", "abc"},
		{"osc link", "\x1b]8;;http://x\x07link\x1b]8;;\x07", "link"},
		{"dangling", "abc\x1b", "abc\x1b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StripANSI(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func longLesson(b *testing.B) []byte {
	src, err := os.ReadFile("../../lessons/12-lambda-anatomy.md")
	if err != nil {
		b.Fatal(err)
	}
	// About four lessons' worth of Markdown.
	return []byte(strings.Repeat(string(src[strings.Index(string(src), "\n# "):]), 4))
}

// BenchmarkRenderLongLesson measures an uncached render of a long lesson.
func BenchmarkRenderLongLesson(b *testing.B) {
	doc := longLesson(b)
	r := New(Options{})
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.render(doc, nil, 80, "dark"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderCached measures a cache hit (hashing the document).
func BenchmarkRenderCached(b *testing.B) {
	doc := longLesson(b)
	r := New(Options{})
	if _, err := r.Render(doc, 80, "dark"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(doc, 80, "dark"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRenderGreedyWrap checks that paragraphs, list items and quotes are
// wrapped once, greedily: a line never ends early when the next word would
// have fitted on it (glamour's double wrapping left stray short lines).
func TestRenderGreedyWrap(t *testing.T) {
	para := "Cloud computing is the on-demand delivery of IT resources (compute, storage,\n" +
		"databases, networking) over the internet with **pay-as-you-go** pricing. You ask\n" +
		"for a server through an API call or a console click, it is ready in minutes, you\n" +
		"pay for as long as you use it, and you give it back when you are done."
	doc := para + "\n\n- " + strings.ReplaceAll(para, "\n", "\n  ") + "\n\n> " + strings.ReplaceAll(para, "\n", "\n> ") + "\n"
	for width := 30; width <= 120; width += 3 {
		for _, style := range Styles {
			out, err := New(Options{}).Render([]byte(doc), width, style)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(StripANSI(out), "\n")
			for i := 0; i+1 < len(lines); i++ {
				a, b := strings.TrimRight(lines[i], " "), strings.TrimSpace(lines[i+1])
				if b == "" || strings.TrimSpace(a) == "" || strings.HasSuffix(a, "-") {
					continue // glamour may also break after a hyphen
				}
				b = strings.TrimLeft(b, "▎•|> ")
				next, _, _ := strings.Cut(b, " ")
				if len([]rune(a))+1+len([]rune(next)) <= width-2 {
					t.Errorf("%s/%d: line %d ends early (%q, next word %q)", style, width, i+1, a, next)
				}
				if len([]rune(a)) > width {
					t.Errorf("%s/%d: line %d too wide: %q", style, width, i+1, a)
				}
			}
		}
	}
}

func TestASCIIStyleIsASCII(t *testing.T) {
	out, err := New(Options{}).Render([]byte("# T\n\n- one\n- two\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n"), 60, "ascii")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range out {
		if r > 127 {
			t.Fatalf("non-ASCII %q at %d in:\n%s", r, i, out)
		}
	}
}

// A diagram wider than the page is cut with "…" line by line (never
// word-wrapped into pieces); other code blocks still wrap whole.
func TestWideDiagramsAreClipped(t *testing.T) {
	diagram := "+" + strings.Repeat("-", 70) + "+\n| a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 |\n"
	cmd := "aws ecs create-service --cluster prod --service-name web --task-definition web:3 --desired-count 2\n"
	doc := "# Wide\n\n```text\n" + diagram + "```\n\n```sh\n" + cmd + "```\n"
	r := New(Options{NoColor: true})
	for _, style := range Styles {
		out, err := r.Render([]byte(doc), 50, style)
		if err != nil {
			t.Fatal(err)
		}
		var diag []string
		for _, l := range strings.Split(out, "\n") {
			if w := xansi.StringWidth(l); w > 50 {
				t.Errorf("%s: line of %d columns at width 50: %q", style, w, l)
			}
			if strings.Contains(l, "+---") || strings.Contains(l, "| a b") {
				diag = append(diag, l)
			}
		}
		if len(diag) != 2 || !strings.HasSuffix(strings.TrimRight(diag[0], " "), "…") {
			t.Errorf("%s: diagram lines %q, want 2 lines ending in …", style, diag)
		}
		if !strings.Contains(strings.Join(strings.Fields(out), " "), "--desired-count 2") {
			t.Errorf("%s: the command lost its end:\n%s", style, out)
		}
	}
	if got := clipDiagrams([]byte(doc), 200); string(got) != doc {
		t.Error("a document that fits was changed")
	}
}

// Documents built to exhaust glamour are refused before rendering, quickly
// and with the reason (a stack overflow would kill the whole app).
func TestRenderRefusesDocumentsPastTheLimits(t *testing.T) {
	r := New(Options{NoColor: true})
	for _, doc := range []string{
		strings.Repeat("*", 100000) + "x" + strings.Repeat("*", 100000),
		strings.Repeat("a", 200000),
		strings.Repeat("> ", 5000) + "x",
	} {
		if _, err := r.Render([]byte(doc), 80, "notty"); err == nil || !strings.Contains(err.Error(), "cannot be shown safely") {
			t.Errorf("rendered a %d-byte bomb: %v", len(doc), err)
		}
	}
}

// FuzzRender renders any bytes: it must return (text or a refusal), never
// panic or run away.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"# T\n\n*a* **b** `c`\n", "> q\n> > r\n", "- a\n  - b\n", "```\ncode\n```\n", "[x](y) ![i](j)\n", "| a |\n|---|\n| b |\n"} {
		f.Add([]byte(s))
	}
	r := New(Options{NoColor: true, CacheSize: 1})
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 4096 {
			return
		}
		_, _ = r.Render(doc, 60, "notty")
	})
}

// BenchmarkRenderLesson measures what a cold `cloudlab read` pays to
// render one lesson: a new Renderer (no cache), the limits check and the
// render.
func BenchmarkRenderLesson(b *testing.B) {
	src, err := os.ReadFile("../../lessons/06-ecs-concepts.md")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(Options{}).Render(src, 80, "dark"); err != nil {
			b.Fatal(err)
		}
	}
}

// The tree the limits check parsed gives the same hyphen protection as a
// parse of its own.
func TestProtectHyphensSharedTree(t *testing.T) {
	docs := []string{sample, "# T\n\nan on-demand, pay-as-you-go `--flag`\n\n    code-block\n\nTerm-a\n: def-b\n"}
	for _, n := range []string{"06-ecs-concepts.md", "12-lambda-anatomy.md", "02-ec2.md"} {
		src, err := os.ReadFile("../../lessons/" + n)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(src))
	}
	for _, d := range docs {
		root, _, msg, ok := course.ParseWithinLimits([]byte(d))
		if !ok {
			t.Fatalf("refused: %s", msg)
		}
		if got, want := protectHyphens([]byte(d), root), protectHyphens([]byte(d), nil); string(got) != string(want) {
			t.Errorf("shared tree gives a different text for %.40q", d)
		}
	}
}
