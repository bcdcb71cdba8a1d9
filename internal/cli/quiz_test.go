package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/quiz"
)

// runQuizCLI runs cloudlab with args and stdin, without a terminal.
func runQuizCLI(t *testing.T, data, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errw strings.Builder
	no := false
	a := &App{NoCache: true, In: strings.NewReader(stdin), Out: &out, Err: &errw, TTY: &no,
		Getenv: func(k string) string {
			if k == "CLOUDLAB_DATA" {
				return data
			}
			return ""
		}}
	defer a.Close()
	code = a.Run(args)
	return code, out.String(), errw.String()
}

// rightAnswers builds the input that answers the embedded quiz id right
// with this seed (the same paper the command draws).
func rightAnswers(t *testing.T, id string, req quiz.Request) string {
	t.Helper()
	c, _ := course.Load(course.Embedded())
	qs, _ := quiz.Load(c)
	p, err := quiz.Pick(qs, id, false)
	if err != nil {
		t.Fatal(err)
	}
	s, err := quiz.NewSession(p.Questions, req.Config(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, it := range s.Items {
		if it.Q.Kind == quiz.Numeric {
			lines = append(lines, quiz.FormatNumber(it.Q.Answer, 0))
		} else {
			lines = append(lines, strings.ReplaceAll(it.RightAnswer(), ", ", ","))
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestQuizzesJSON(t *testing.T) {
	code, out, errs := runQuizCLI(t, t.TempDir(), "", "quizzes", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var infos []QuizInfo
	if err := json.Unmarshal([]byte(out), &infos); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, i := range infos {
		if i.ID == "lambda-anatomy" {
			found = true
			if i.Questions < 7 || i.Lesson != "lambda-anatomy" || i.Best != nil {
				t.Errorf("lambda-anatomy = %+v", i)
			}
		}
	}
	if !found {
		t.Error("lambda-anatomy not listed")
	}
}

func TestQuizPlainAllRightThenListed(t *testing.T) {
	data := t.TempDir()
	in := rightAnswers(t, "lambda-anatomy", quiz.Request{Seed: ptr(uint64(5))})
	code, out, errs := runQuizCLI(t, data, in, "quiz", "lambda-anatomy", "--seed", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	n := strings.Count(in, "\n")
	if !strings.Contains(out, fmt.Sprintf("\nScore: %d/%d (100%%)\n", n, n)) {
		t.Errorf("output:\n%s", out)
	}
	_, out, _ = runQuizCLI(t, data, "", "quizzes")
	if !regexpLine(out, "lambda-anatomy", "100%") {
		t.Errorf("quizzes after a perfect run:\n%s", out)
	}
	// Nothing is due right after answering.
	code, out, _ = runQuizCLI(t, data, "", "review", "--plain")
	if code != 0 || !strings.Contains(out, "No reviews due.") || !strings.Contains(out, "Next review: ") {
		t.Errorf("review: exit %d\n%s", code, out)
	}
}

func regexpLine(out, a, b string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, a+" ") && strings.Contains(l, b) {
			return true
		}
	}
	return false
}

func TestQuizPlainExamAndEarlyEOF(t *testing.T) {
	data := t.TempDir()
	in := rightAnswers(t, "containers-vs-vms", quiz.Request{Seed: ptr(uint64(9)), Mode: quiz.Exam, Count: 4})
	code, out, errs := runQuizCLI(t, data, in, "quiz", "containers-vs-vms", "--mode", "exam", "--count", "4", "--seed", "9")
	if code != 0 || !strings.Contains(out, "\nScore: 4/4 (100%)\n") || !strings.Contains(out, "\nScaled score: 1000 (pass)\n") {
		t.Fatalf("exit %d %s\n%s", code, errs, out)
	}
	wrong := wrongAnswer(strings.SplitN(in, "\n", 2)[0]) + "\n"
	runQuizCLI(t, data, wrong, "quiz", "containers-vs-vms", "--mode", "exam", "--count", "4", "--seed", "9")
	_, out, _ = runQuizCLI(t, data, "", "quizzes")
	if !strings.Contains(out, "Weakest domains: ") {
		t.Errorf("no weakest domains after a wrong answer:\n%s", out)
	}
	first := strings.SplitN(in, "\n", 2)[0]
	code, out, errs = runQuizCLI(t, data, first+"\n", "quiz", "containers-vs-vms", "--mode", "exam", "--count", "4", "--seed", "9")
	if code != 1 || !strings.Contains(out, "Input ended early: 1 of 4 questions answered") || !strings.Contains(errs, "answers given were kept") {
		t.Errorf("early EOF: exit %d stderr %q\n%s", code, errs, out)
	}
}

func TestQuizUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown quiz", []string{"quiz", "nope"}, 2, `no quiz "nope"`},
		{"bad mode", []string{"quiz", "ec2", "--mode", "hard"}, 2, "--mode"},
		{"zero count", []string{"quiz", "ec2", "--count", "0"}, 2, "--count"},
		{"time in practice", []string{"quiz", "ec2", "--time", "5m"}, 2, "--time"},
		{"bad time", []string{"quiz", "ec2", "--mode", "exam", "--time", "soon"}, 2, "--time"},
		{"bad pass", []string{"quiz", "ec2", "--mode", "exam", "--pass", "5000"}, 2, "--pass"},
		{"quiz and all", []string{"quiz", "ec2", "--all"}, 2, "not both"},
		{"no quiz yet", []string{"quiz"}, 2, "name a quiz"},
		{"two args", []string{"quiz", "a", "b"}, 2, "accepts at most 1 arg"},
		{"review args", []string{"review", "x"}, 2, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runQuizCLI(t, t.TempDir(), "", tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.msg)
			}
		})
	}
}

// TestContentFolderBank loads quiz files written independently of the
// code through --content and grades known answers in plain mode.
func TestContentFolderBank(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"lessons", "quizzes"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	lesson := "---\nid: intro\ntitle: Intro\ntrack: T\norder: 1\nminutes: 5\nobjectives: [x]\nquiz: instructor-mix\n---\nText.\n"
	os.WriteFile(filepath.Join(dir, "lessons", "01-intro.md"), []byte(lesson), 0o644)
	src, err := os.ReadFile("../quiz/testdata/instructor-mix.md")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "quizzes", "instructor-mix.md"), src, 0o644)
	c, _ := course.Load(os.DirFS(dir))
	qs, _ := quiz.Load(c)
	p, _ := quiz.Pick(qs, "instructor-mix", false)
	three := uint64(3)
	s, _ := quiz.NewSession(p.Questions, quiz.Request{Seed: &three}.Config(time.Now()))
	// Known answers in the file's order: 50, 0.0000166667, A C D, B.
	file := []string{"50", "0.0000166667", "ACD", "B"}
	var in []string
	for i, it := range s.Items {
		if it.Q.Kind == quiz.Numeric {
			in = append(in, file[i])
			continue
		}
		idx, _ := quiz.ParseChoice(file[i], len(it.Q.Options))
		var b strings.Builder
		for d, o := range it.Order {
			for _, x := range idx {
				if x == o {
					b.WriteString(string(rune('A' + d)))
				}
			}
		}
		in = append(in, b.String())
	}
	code, out, errs := runQuizCLI(t, t.TempDir(), strings.Join(in, "\n")+"\n", "--content", dir, "quiz", "instructor-mix", "--seed", "3")
	if code != 0 || !strings.Contains(out, "\nScore: 4/4 (100%)\n") {
		t.Fatalf("exit %d %s\n%s", code, errs, out)
	}
	// The broken file gets file:line problems from check.
	broken, _ := os.ReadFile("../quiz/testdata/broken.md")
	os.WriteFile(filepath.Join(dir, "quizzes", "broken.md"), broken, 0o644)
	code, out, errs = runQuizCLI(t, t.TempDir(), "", "check", dir)
	if code != 1 || !strings.Contains(out+errs, "quizzes/broken.md:11: question has no right answer") {
		t.Errorf("check: exit %d\n%s%s", code, out, errs)
	}
}

// wrongAnswer turns a right answer ("B", "A,C" or a number) into a wrong
// one of the same shape.
func wrongAnswer(right string) string {
	if _, err := quiz.ParseNumber(right); err == nil {
		return "999999"
	}
	letters := strings.Split(right, ",")
	for c := 'A'; c <= 'D'; c++ {
		if !strings.Contains(right, string(c)) {
			letters[0] = string(c)
			break
		}
	}
	return strings.Join(letters, ",")
}

// TestPublicBankLoadsAsItIs: a practice bank in the public style (no front
// matter, "# Title", "### question", "- [ ]"/"- [x]") passes check and is
// graded through --content. The bank's facts: Lambda's maximum timeout is
// 900 s (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html);
// the Spot interruption notice comes two minutes before
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html).
func TestPublicBankLoadsAsItIs(t *testing.T) {
	const dir = "../course/testdata/bank"
	code, out, errs := runQuizCLI(t, t.TempDir(), "", "check", dir)
	if code != 0 || out != "ok: "+dir+" has 1 lessons, 1 quizzes, 0 labs, no problems\n" {
		t.Fatalf("check: exit %d\n%s%s", code, out, errs)
	}

	c, probs := course.Load(os.DirFS(dir))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	qs, _ := quiz.Load(c)
	bank := quiz.Find(qs, "aws-compute-practice")
	if bank == nil || len(bank.Questions) != 5 || bank.Title != "AWS Compute Practice Questions" {
		t.Fatalf("bank %+v", bank)
	}
	// The answers for the paper seed 3 draws: the right letters, or a wrong
	// letter for every question.
	s, err := quiz.NewSession(bank.Questions, quiz.Config{Seed: 3, Start: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var right, wrong []string
	for _, it := range s.Items {
		r := strings.ReplaceAll(it.RightAnswer(), ", ", ",")
		right = append(right, r)
		wrong = append(wrong, wrongAnswer(r))
	}
	tests := []struct {
		name, in, score string
	}{
		{"all right", strings.Join(right, "\n") + "\n", "\nScore: 5/5 (100%)\n"},
		{"all wrong", strings.Join(wrong, "\n") + "\n", "\nScore: 0/5 (0%)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := t.TempDir()
			code, out, errs := runQuizCLI(t, data, tt.in, "quiz", "aws-compute-practice", "--plain", "--content", dir, "--seed", "3")
			if code != 0 || !strings.Contains(out, tt.score) || !strings.Contains(out, "AWS Compute Practice Questions") {
				t.Fatalf("exit %d %s\n%s", code, errs, out)
			}
			if !strings.Contains(out, "Choose 2") {
				t.Errorf("the two-answer question does not say Choose 2:\n%s", out)
			}
			_, out, _ = runQuizCLI(t, data, "", "quizzes", "--content", dir, "--json")
			var infos []QuizInfo
			if err := json.Unmarshal([]byte(out), &infos); err != nil || len(infos) != 1 || infos[0].Taken != 1 || infos[0].Questions != 5 {
				t.Errorf("quizzes --json after the run: %v\n%s", err, out)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
