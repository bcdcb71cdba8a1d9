package quiz

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func mustParse(t *testing.T, file, src string) *Quiz {
	t.Helper()
	q, probs := LoadFile(file, []byte(src))
	if len(probs) > 0 {
		t.Fatalf("unexpected problems: %v", probs)
	}
	return q
}

func TestParseQuestionKinds(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		kind    Kind
		choose  int
		options int
		answer  float64
		tol     float64
		fixed   bool
	}{
		{"single", "## Q?\n\n- [ ] a\n- [x] b\n- [ ] c\n", Single, 1, 3, 0, 0, false},
		{"multi", "## Q?\n\n- [x] a\n- [x] b\n- [ ] c\n- [ ] d\n- [ ] e\n", Multi, 2, 5, 0, 0, false},
		{"capital X", "## Q?\n\n- [X] a\n- [ ] b\n", Single, 1, 2, 0, 0, false},
		{"star bullets", "## Q?\n\n* [ ] a\n* [x] b\n", Single, 1, 2, 0, 0, false},
		{"numeric plain", "## Q?\n\n```answer\n60\n```\n", Numeric, 0, 0, 60, 0, false},
		{"numeric ±", "## Q?\n\n```answer\n0.6175 ± 0.0001\n```\n", Numeric, 0, 0, 0.6175, 0.0001, false},
		{"numeric +-", "## Q?\n\n```answer\n12 +- 1\n```\n", Numeric, 0, 0, 12, 1, false},
		{"numeric +/-", "## Q?\n\n```answer\n12 +/- 0.5\n```\n", Numeric, 0, 0, 12, 0.5, false},
		{"numeric thousands", "## Q?\n\n```answer\n1,000\n```\n", Numeric, 0, 0, 1000, 0, false},
		{"all of the above", "## Q?\n\n- [ ] a\n- [ ] b\n- [x] All of the above\n", Single, 1, 3, 0, 0, true},
		{"none of the above", "## Q?\n\n- [x] a\n- [ ] b\n- [ ] None of the above.\n", Single, 1, 3, 0, 0, true},
		{"both A and B", "## Q?\n\n- [ ] a\n- [ ] b\n- [x] Both A and B\n", Single, 1, 3, 0, 0, true},
		{"hash heading level 1 bank", "# Q one?\n\n- [ ] a\n- [x] b\n\n# Q two?\n\n- [x] a\n- [ ] b\n", Single, 1, 2, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qz := mustParse(t, "t.md", "---\nid: t\ntitle: T\n---\n"+tt.src)
			q := qz.Questions[0]
			if q.Kind != tt.kind || q.Choose() != tt.choose || len(q.Options) != tt.options ||
				q.Answer != tt.answer || q.Tolerance != tt.tol || q.Fixed != tt.fixed {
				t.Errorf("got kind %v choose %d options %d answer %v±%v fixed %v", q.Kind, q.Choose(), len(q.Options), q.Answer, q.Tolerance, q.Fixed)
			}
		})
	}
}

func TestParseDetails(t *testing.T) {
	src := `---
id: demo
title: Demo
lesson: lambda-anatomy
domain: saa-cost
---

Intro paragraph, not a question.

## How many? {#d-how domain=saa-performance}

Body line one
and two.

` + "```text\nA diagram\n```" + `

- [x] Right one
  Because it is right.
- [ ] Wrong one

  Because it is wrong,
  in two lines.

- [ ] Wrapped option text
that continues lazily

> The question explanation
> on two lines.

**[Back to top](#top)**

## Second question {.ignored}

- [ ] a
- [x] b
`
	qz := mustParse(t, "quizzes/demo.md", src)
	if qz.ID != "demo" || qz.Title != "Demo" || qz.Lesson != "lambda-anatomy" || len(qz.Questions) != 2 {
		t.Fatalf("quiz = %+v", qz)
	}
	q := qz.Questions[0]
	checks := []struct{ name, got, want string }{
		{"id", q.ID, "d-how"},
		{"title", q.Title, "How many?"},
		{"domain", q.Domain, "saa-performance"},
		{"text", q.Text, "Body line one\nand two.\n\n```text\nA diagram\n```"},
		{"opt0", q.Options[0].Text, "Right one"},
		{"opt0 expl", q.Options[0].Explanation, "Because it is right."},
		{"opt1 expl", q.Options[1].Explanation, "Because it is wrong,\nin two lines."},
		{"opt2 wrapped", q.Options[2].Text, "Wrapped option text that continues lazily"},
		{"explanation", q.Explanation, "The question explanation\non two lines."},
		{"lesson", q.Lesson, "lambda-anatomy"},
		{"second id derived", qz.Questions[1].ID, "demo-second-question"},
		{"second title", qz.Questions[1].Title, "Second question"},
		{"second domain default", qz.Questions[1].Domain, "saa-cost"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if q.Line != 10 {
		t.Errorf("line = %d, want 10", q.Line)
	}
	if qz.Questions[1].Line != 34 {
		t.Errorf("second line = %d, want 34", qz.Questions[1].Line)
	}
}

func TestParseSimBlock(t *testing.T) {
	src := "---\nid: s\ntitle: S\n---\n## Throttles? {#s-t}\n\n```answer\n50\n```\n\n```sim\ntraffic --function-name f --burst 150\nexpect lambda.functions[0].Throttles\n```\n\n> Why.\n"
	q := mustParse(t, "s.md", src).Questions[0]
	if q.Sim != "traffic --function-name f --burst 150\nexpect lambda.functions[0].Throttles" || q.SimLine != 12 {
		t.Errorf("sim = %q at %d", q.Sim, q.SimLine)
	}
	if q.Text != "" || q.Explanation != "Why." {
		t.Errorf("text %q explanation %q", q.Text, q.Explanation)
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"What is the maximum timeout?", "what-is-the-maximum-timeout"},
		{"  `code` and **bold**  ", "code-and-bold"},
		{"Ünïcode ☃", "n-code"},
		{"!!!", "q"},
		// The whole heading, however long: a cut made different questions
		// collide.
		{strings.Repeat("word ", 30), strings.TrimSuffix(strings.Repeat("word-", 30), "-")},
	}
	for _, tt := range tests {
		if got := slug(tt.in); got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRefersToPositions(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"All of the above", true},
		{"none of the above.", true},
		{"Both A and B", true},
		{"Either (a) or (c)", true},
		{"Options A and C", true},
		{"A and C", true},
		{"All the options above", true},
		{"Amazon EC2", false},
		{"A container runtime", false},
		{"Both Lambda and ECS", false},
		{"Use Amazon ECS with the EC2 launch type", false},
	}
	for _, tt := range tests {
		if got := RefersToPositions(tt.in); got != tt.want {
			t.Errorf("RefersToPositions(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseNumberAnswer(t *testing.T) {
	tests := []struct {
		in       string
		val, tol float64
		bad      bool
	}{
		{"60", 60, 0, false},
		{" 0.6175 ± 0.0001 ", 0.6175, 0.0001, false},
		{"-3+-1", -3, 1, false},
		{"1,234.5 +/- 0.5", 1234.5, 0.5, false},
		{"$0.20", 0.2, 0, false},
		{"1e6", 1e6, 0, false},
		{"", 0, 0, true},
		{"sixty", 0, 0, true},
		{"5 ± lots", 0, 0, true},
		{"5 ± -1", 0, 0, true},
		{"Inf", 0, 0, true},
		{"NaN", 0, 0, true},
		{"1\n2", 0, 0, true},
		{"1,00", 0, 0, true},
	}
	for _, tt := range tests {
		v, tol, err := ParseNumberAnswer(tt.in)
		if (err != nil) != tt.bad || v != tt.val || tol != tt.tol {
			t.Errorf("ParseNumberAnswer(%q) = %v, %v, %v", tt.in, v, tol, err)
		}
	}
}

// TestProblemsGolden checks the file:line problems of a broken quiz.
func TestProblemsGolden(t *testing.T) {
	src, err := os.ReadFile("testdata/broken.md")
	if err != nil {
		t.Fatal(err)
	}
	_, probs := LoadFile("quizzes/broken.md", src)
	var b strings.Builder
	for _, p := range probs {
		b.WriteString(p.String())
		b.WriteString("\n")
	}
	golden := filepath.Join("testdata", "broken.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("problems:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestLoadFileFrontMatter(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown key", "---\nid: x\ntitle: X\ncolour: red\n---\n## Q\n\n- [x] a\n- [ ] b\n", "quizzes/x.md:4: warning: unknown front-matter key \"colour\""},
		{"unclosed", "---\nid: x\n## Q\n", "quizzes/x.md:1: front matter opened with --- is never closed"},
		{"no questions", "---\nid: x\ntitle: X\n---\nJust text.\n", "quizzes/x.md:5: quiz has no questions"},
		{"empty file", "", "quizzes/x.md:1: quiz has no questions"},
		{"lettered bank", "# Exam\n\n1. Which?\n- A. one\n- B. two\n- C. three\n\n<details><summary>Answer</summary>Correct answer: B</details>\n", "quizzes/x.md:1: quiz has no questions"},
		{"lettered bank hint", "# Exam\n\n1. Which?\n- A. one\n- B. two\n- C. three\n", "convert it with cloudlab import quizzes/x.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, probs := LoadFile("x.md", []byte(tt.src))
			found := false
			for _, p := range probs {
				found = found || strings.HasPrefix(p.String(), tt.want) || strings.HasSuffix(p.String(), tt.want)
			}
			if !found {
				t.Errorf("problems = %v, want one starting %q", probs, tt.want)
			}
		})
	}
}

func TestStarterQuizzesParse(t *testing.T) {
	for _, f := range []string{"../../quizzes/containers-vs-vms.md", "../../quizzes/lambda-anatomy.md"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		qz, probs := LoadFile(f, src)
		if len(probs) > 0 {
			t.Fatalf("%v", probs)
		}
		kinds := map[Kind]int{}
		for _, q := range qz.Questions {
			kinds[q.Kind]++
			if q.Explanation == "" {
				t.Errorf("%s: question %s has no explanation", f, q.ID)
			}
			for _, o := range q.Options {
				if o.Explanation == "" && !q.Fixed {
					t.Errorf("%s: question %s option %q has no explanation", f, q.ID, o.Text)
				}
			}
		}
		if kinds[Single] == 0 || kinds[Multi] == 0 || kinds[Numeric] == 0 {
			t.Errorf("%s: kinds %v: want every question type", f, kinds)
		}
	}
}

func FuzzParseQuiz(f *testing.F) {
	for _, name := range []string{"testdata/broken.md", "testdata/bank-public.md", "testdata/instructor-mix.md", "testdata/bank-lists.md",
		"../../quizzes/containers-vs-vms.md", "../../quizzes/lambda-anatomy.md"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("## Q {#\n- [x]\n"))
	f.Add([]byte("---\n---\n## {#a domain=}\n```answer\n± ±\n```\n"))
	f.Add([]byte("# a\n## b\n### c\n- [ ] \n  - [x] nested\n> q\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		qz, probs := LoadFile("f.md", src)
		if qz == nil {
			t.Fatal("nil quiz")
		}
		lines := strings.Count(string(src), "\n") + 2
		for _, p := range probs {
			if p.Line < 1 || p.Line > lines {
				t.Errorf("problem line %d outside 1..%d: %v", p.Line, lines, p)
			}
		}
		seen := map[string]bool{}
		for _, q := range qz.Questions {
			if seen[q.ID] {
				t.Errorf("duplicate id %q survived", q.ID)
			}
			seen[q.ID] = true
			if q.Kind == Single || q.Kind == Multi {
				if q.Choose() == 0 || len(q.Options) < 2 {
					t.Errorf("question %q kept without a right answer or options", q.ID)
				}
			}
		}
	})
}

func TestListStyleBank(t *testing.T) {
	src, err := os.ReadFile("testdata/bank-lists.md")
	if err != nil {
		t.Fatal(err)
	}
	qz, probs := LoadFile("bank-lists.md", src)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if qz.Title != "Compute quiz, list style" || len(qz.Questions) != 4 {
		t.Fatalf("title %q, %d questions", qz.Title, len(qz.Questions))
	}
	tests := []struct {
		title, text, expl string
		kind              Kind
		right             []int
		line              int
	}{
		{"Which service lets you run containers without managing servers or clusters of EC2 instances? **Choose the correct answer:**", "", "Fargate runs tasks without instances for you to manage.", Single, []int{1}, 6},
		{"Which statements about AWS Lambda are true? **Choose the 2 correct answers:**", "", "", Multi, []int{0, 2}, 16},
		{"What is the CPU share of a Lambda function configured with 1,769 MB?", "", "", Single, []int{1}, 25},
		{"Which ECS network mode gives each task its own elastic network interface?", "", "Fargate requires awsvpc.", Single, []int{2}, 29},
	}
	for i, tt := range tests {
		q := qz.Questions[i]
		var right []int
		for j, o := range q.Options {
			if o.Correct {
				right = append(right, j)
			}
		}
		if q.Title != tt.title || q.Text != tt.text || q.Explanation != tt.expl || q.Kind != tt.kind ||
			fmt.Sprint(right) != fmt.Sprint(tt.right) || q.Line != tt.line {
			t.Errorf("question %d = %q / %q / %q kind %v right %v line %d", i, q.Title, q.Text, q.Explanation, q.Kind, right, q.Line)
		}
	}
}

func BenchmarkParseQuiz(b *testing.B) {
	src, err := os.ReadFile("../../quizzes/lambda-anatomy.md")
	if err != nil {
		b.Fatal(err)
	}
	big := []byte(strings.Repeat("## Q\n\n- [x] a\n- [ ] b\n\n> why\n\n", 500))
	b.Run("starter", func(b *testing.B) {
		for b.Loop() {
			LoadFile("q.md", src)
		}
	})
	b.Run("500-duplicate-headings", func(b *testing.B) {
		for b.Loop() {
			LoadFile("q.md", big)
		}
	})
}

// Public banks have hundreds of questions whose first words agree: 600
// generated questions with the same first 60 characters get unique ids and
// no duplicate problem; a real duplicate (same heading and options) is
// reported once, with both lines; two headings that differ only in
// punctuation get ids told apart by a hash.
func TestDerivedIDsDoNotCollide(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Bank\n\n")
	prefix := strings.Repeat("A company wants to run containers on AWS ", 2)[:60]
	for i := 0; i < 600; i++ {
		fmt.Fprintf(&b, "### %s and needs option %d?\n\n- [x] yes %d\n- [ ] no\n\n", prefix, i, i)
	}
	qz, probs := LoadFile("bank.md", []byte(b.String()))
	if len(probs) > 0 {
		t.Fatalf("%d problems, first %v", len(probs), probs[0])
	}
	ids := map[string]bool{}
	for _, q := range qz.Questions {
		ids[q.ID] = true
	}
	if len(qz.Questions) != 600 || len(ids) != 600 {
		t.Fatalf("%d questions, %d ids", len(qz.Questions), len(ids))
	}

	dup := "# Bank\n\n### Same?\n\n- [x] a\n- [ ] b\n\n### Same?\n\n- [x] a\n- [ ] b\n\n### same!\n\n- [x] c\n- [ ] d\n"
	qz, probs = LoadFile("dup.md", []byte(dup))
	if len(probs) != 1 || !strings.Contains(probs[0].Msg, "duplicate question (same as line 3)") || probs[0].Line != 8 {
		t.Fatalf("problems %v, want one duplicate at line 8 naming line 3", probs)
	}
	if len(qz.Questions) != 3 || qz.Questions[0].ID == qz.Questions[2].ID || qz.Questions[1].ID == qz.Questions[0].ID {
		t.Errorf("ids %q %q %q", qz.Questions[0].ID, qz.Questions[1].ID, qz.Questions[2].ID)
	}
}
