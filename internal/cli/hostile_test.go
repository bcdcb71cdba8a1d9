package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/tui"
)

// hostile is text a terminal would act on: a clipboard write (OSC 52), a
// window title (OSC 0), a hyperlink (OSC 8), clear screen, BEL, an 8-bit
// CSI, NUL, backspace and a lone carriage return.
const hostile = "\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned\x1b\\\x1b]8;;http://x\x1b\\L\x1b]8;;\x1b\\\x1b[2J\x07\u009b2J\x00\x08\r"

// hostileCourse writes a course whose titles, questions, options,
// explanations, lesson text and lab steps all carry hostile sequences.
func hostileCourse(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"lessons/01-evil.md": "---\nid: evil\ntitle: \"Evil " + hostile + " lesson\"\ntrack: T\norder: 1\nminutes: 1\nquiz: evil\nlab: lab-evil\n---\n# Evil\n\nText " + hostile + " here.\n",
		"quizzes/evil.md":    "---\nid: evil\ntitle: Evil quiz " + hostile + "\nlesson: evil\n---\n## Which " + hostile + " one?\n\n- [x] Right " + hostile + "\n  Because " + hostile + "\n- [ ] Wrong\n\n> Explained " + hostile + "\n",
		"labs/lab-evil.md":   "---\nid: lab-evil\ntitle: Evil lab " + hostile + "\nlesson: evil\n---\nIntro " + hostile + "\n\n## Step " + hostile + "\n\nDo " + hostile + " it.\n\n```check\n# Passes when " + hostile + " time passed.\nnow >= 1\n```\n```hint\nHint " + hostile + "\n```\n```solution\nclock advance 1s\n```\n",
	}
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		// The hostile bytes are generated; the lone CR is written raw.
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestHostileCourseReachesNoTerminal feeds every output mode a course full
// of control sequences: none survives, and check reports them at file:line.
func TestHostileCourseReachesNoTerminal(t *testing.T) {
	dir := hostileCourse(t)
	script := filepath.Join(t.TempDir(), "s.txt")
	if err := os.WriteFile(script, []byte("clock advance 1s\necho "+hostile+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	modes := [][]string{
		{"lessons"}, {"quizzes"}, {"labs"}, {"lessons", "--json"},
		{"read", "evil", "--style", "dark"}, {"read", "evil", "--plain"}, {"read", "evil"},
		{"quiz", "evil", "--plain"}, {"lab", "lab-evil", "--run", script}, {"lab", "lab-evil", "--plain"},
		{"sim", "run", script}, {"check"}, {"read", "nosuch" + hostile},
	}
	for _, args := range modes {
		r := run(t, nil, append([]string{"--content", dir}, args...)...)
		for _, out := range []string{r.stdout, r.errs} {
			if strings.ContainsAny(sgr.ReplaceAllString(out, ""), "\x1b\x07\x00\x08\u009b") || strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\r") {
				t.Errorf("%v printed a control sequence: %q", args, out)
			}
		}
	}
	// The content itself is shown, without the sequences.
	if r := run(t, nil, "--content", dir, "read", "evil", "--plain"); !strings.Contains(r.stdout, "Text L here.") {
		t.Errorf("the lesson text is not shown whole: %q", r.stdout)
	}
	if r := run(t, nil, "--content", dir, "quiz", "evil", "--plain"); !strings.Contains(r.stdout, "Right L") || !strings.Contains(r.stdout, "Which L one?") {
		t.Errorf("the quiz is not shown: %q", r.stdout)
	}
	r := run(t, nil, "check", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "lessons/01-evil.md:3: control characters") {
		t.Errorf("check does not report the control characters at file:line (exit %d):\n%s", r.code, r.stdout)
	}
	// The full-screen app: home, the lesson, the quiz and the lab.
	for _, args := range [][]string{{"learn", "evil"}, {"quiz", "evil"}, {"lab", "lab-evil"}, {}} {
		code, errs, ran := runInTerminal(t, t.TempDir(), func(t *testing.T, _ tui.Start, m *tui.Model) {
			if v := sgr.ReplaceAllString(m.View(), ""); strings.ContainsAny(v, "\x1b\x07\x00\x08\u009b\r") {
				t.Errorf("%v: the screen has a control sequence: %q", args, v)
			}
		}, append([]string{"--content", dir}, args...)...)
		if code != 0 || !ran {
			t.Errorf("%v: exit %d, ran %v: %s", args, code, ran, errs)
		}
	}
}

// Listings of a course with broken files show what loaded, never a blank
// row, and say on stderr that check has more to say.
func TestListingsOfBrokenContentWarn(t *testing.T) {
	for _, cmd := range []string{"lessons", "quizzes", "labs"} {
		r := run(t, nil, "--content", "../course/testdata/broken", cmd)
		if r.code != 0 || !strings.Contains(r.errs, "have problems: run cloudlab check") {
			t.Errorf("%s: exit %d, stderr %q", cmd, r.code, r.errs)
		}
		table, _, _ := strings.Cut(strings.TrimSpace(r.stdout), "\n\n")
		for _, l := range strings.Split(table, "\n")[1:] {
			if f := strings.Fields(l); len(f) < 2 {
				t.Errorf("%s: blank row %q", cmd, l)
			}
		}
	}
}

// A public bank as teachers have it: only quizzes/, a Jekyll front matter
// without id or title, free-form domains and a missing image. It loads
// (warnings, not errors), check passes and lists the warnings on request,
// and a quiz runs from it, the image shown as text or left out.
func TestQuizOnlyPackWithJekyllFrontMatter(t *testing.T) {
	dir := t.TempDir()
	bank := "---\nlayout: exam\npermalink: /aws\n---\n# AWS practice\n\n### Which service runs containers without servers? {domain=Containers}\n\n- [ ] EC2\n- [x] Fargate\n\n### What does this diagram show? ![arch](img/arch.png)\n\n- [x] A VPC\n- [ ] A bucket\n"
	if err := os.MkdirAll(filepath.Join(dir, "quizzes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "quizzes", "aws-practice.md"), []byte(bank), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "check", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "warning") {
		t.Fatalf("check: exit %d\n%s%s", r.code, r.stdout, r.errs)
	}
	r = run(t, nil, "check", "--warnings", dir)
	for _, want := range []string{`unknown front-matter key "layout" ignored`, "image img/arch.png not found", `no id in the front matter: using "aws-practice"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check --warnings lacks %q:\n%s", want, r.stdout)
		}
	}
	_, out, _ := runQuizCLI(t, t.TempDir(), "A\nA\n", "--content", dir, "quiz", "aws-practice", "--plain", "--seed", "1")
	if !strings.Contains(out, "[image: arch — img/arch.png") || strings.Contains(out, "![arch]") {
		t.Errorf("the image is not shown as text:\n%s", out)
	}
	_, out, _ = runQuizCLI(t, t.TempDir(), "A\n", "--content", dir, "quiz", "aws-practice", "--plain", "--skip-image-questions")
	if !strings.Contains(out, "1 question") || strings.Contains(out, "diagram") {
		t.Errorf("--skip-image-questions kept the image question:\n%s", out)
	}
}

// import converts each bank format, reports what it could not convert
// with its line, and the quiz it writes passes check.
func TestImportRoundTrip(t *testing.T) {
	for _, f := range []string{"details", "numbered", "checkbox"} {
		dir := t.TempDir()
		out := filepath.Join(dir, "quizzes", f+"-bank.md")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		r := run(t, nil, "import", "../quiz/convert/testdata/"+f+".md", "-o", out)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", f, r.code, r.errs)
		}
		if f == "details" && !strings.Contains(r.errs, "details.md:27: question") {
			t.Errorf("the unconvertible question is not reported with its line: %q", r.errs)
		}
		if r := run(t, nil, "check", dir); r.code != 0 {
			t.Errorf("%s: the imported quiz fails check:\n%s%s", f, r.stdout, r.errs)
		}
	}
	if r := run(t, nil, "import", "../quiz/convert/testdata/details.md", "--format", "yaml"); r.code != 2 {
		t.Errorf("a bad --format: exit %d", r.code)
	}
}

// The examples of docs/writing-content.md (blocks marked file=PATH) make a
// pack that cloudlab check passes, with no warning: the guide stays right.
func TestWritingContentExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/writing-content.md")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	n := 0
	re := regexp.MustCompile("(?ms)^````markdown file=(\\S+)\\n(.*?)^````$")
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		p := filepath.Join(dir, m[1])
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(m[2]), 0o644); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 {
		t.Fatalf("found %d examples, want a lesson, a quiz and a lab", n)
	}
	r := run(t, nil, "check", "--warnings", dir)
	if r.code != 0 || strings.Contains(r.stdout, "warning") || !strings.Contains(r.stdout, "1 lessons, 1 quizzes, 1 labs") {
		t.Errorf("the guide's examples do not pass check cleanly (exit %d):\n%s%s", r.code, r.stdout, r.errs)
	}
}
