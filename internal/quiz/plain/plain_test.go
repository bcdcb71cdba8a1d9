package plain

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/quiz/record"
)

var update = flag.Bool("update", false, "rewrite golden files")

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// fakeClock advances by step on every reading.
func fakeClock(step time.Duration) func() time.Time {
	now := t0
	return func() time.Time {
		now = now.Add(step)
		return now
	}
}

// memStore is an in-memory record.Store.
type memStore struct {
	attempts []progress.Attempt
	results  []progress.QuizResult
	cards    map[string]progress.Card
}

func (m *memStore) RecordAttempt(a progress.Attempt) (int64, error) {
	m.attempts = append(m.attempts, a)
	return int64(len(m.attempts)), nil
}
func (m *memStore) RecordResult(r progress.QuizResult) error {
	m.results = append(m.results, r)
	return nil
}
func (m *memStore) Card(id string) (progress.Card, bool, error) {
	c, ok := m.cards[id]
	return c, ok, nil
}
func (m *memStore) PutCard(c progress.Card) error {
	if m.cards == nil {
		m.cards = map[string]progress.Card{}
	}
	m.cards[c.QuestionID] = c
	return nil
}
func (m *memStore) RecordSession(answers []progress.Answer, r *progress.QuizResult) error {
	for _, a := range answers {
		m.RecordAttempt(a.Attempt)
		if a.Review != nil {
			old, ok, _ := m.Card(a.Attempt.QuestionID)
			m.PutCard(a.Review(old, ok))
		}
	}
	if r != nil {
		m.RecordResult(*r)
	}
	return nil
}
func (m *memStore) SaveRecovery(path string, a []progress.Answer, r *progress.QuizResult, reason error) (string, error) {
	return "", reason
}
func (m *memStore) DueCards(now time.Time) ([]progress.Card, error) { return nil, nil }

func load(t *testing.T, file string) *quiz.Quiz {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	qz, probs := quiz.LoadFile(file, src)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return qz
}

// display converts an answer in the file's option order ("AC") to the
// session's display letters.
func display(t *testing.T, it *quiz.Item, fileLetters string) string {
	t.Helper()
	if it.Q.Kind == quiz.Numeric {
		return fileLetters
	}
	idx, err := quiz.ParseChoice(fileLetters, len(it.Q.Options))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for d, o := range it.Order {
		for _, i := range idx {
			if i == o {
				b.WriteByte(byte('A' + d))
			}
		}
	}
	return b.String()
}

func right(s *quiz.Session, i int) string {
	if q := s.Items[i].Q; q.Kind == quiz.Numeric {
		return quiz.FormatNumber(q.Answer, 0)
	}
	return strings.ReplaceAll(s.Items[i].RightAnswer(), ", ", "")
}

func TestPracticeAllRight(t *testing.T) {
	qz := load(t, "../../../quizzes/lambda-anatomy.md")
	s, _ := quiz.NewSession(qz.Questions, quiz.Config{Seed: 9, Start: t0})
	var in []string
	for i := range s.Items {
		in = append(in, strings.ToLower(right(s, i)))
	}
	st := &memStore{}
	var out strings.Builder
	sc, err := Run(s, Options{In: strings.NewReader(strings.Join(in, "\n") + "\n"), Out: &out,
		Now: fakeClock(time.Second), Record: record.New(st, qz.ID), Title: qz.Title})
	if err != nil {
		t.Fatal(err)
	}
	o := out.String()
	n := len(qz.Questions)
	for _, want := range []string{fmt.Sprintf("Lambda anatomy: practice, %d questions.", n), "\nA) ", "Choose 2.", "Enter a number.", "Right.\n",
		"Explanation: ", fmt.Sprintf("\nScore: %d/%d (100%%)\n", n, n)} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(o, "Scaled score") {
		t.Error("practice prints no scaled score")
	}
	if sc.Correct != n || len(st.attempts) != n || len(st.results) != 1 || len(st.cards) != n {
		t.Errorf("score %d, %d attempts, %d results, %d cards", sc.Correct, len(st.attempts), len(st.results), len(st.cards))
	}
}

func TestPracticeWrongThenRetryInput(t *testing.T) {
	q := &quiz.Question{ID: "n", QuizID: "z", Title: "How many?", Kind: quiz.Numeric, Answer: 50, Explanation: "Because."}
	q2 := &quiz.Question{ID: "c", QuizID: "z", Title: "Pick", Kind: quiz.Single, Fixed: true,
		Options: []quiz.Option{{Text: "one", Explanation: "No."}, {Text: "two", Correct: true, Explanation: "Yes."}}}
	s, _ := quiz.NewSession([]*quiz.Question{q, q2}, quiz.Config{Start: t0})
	var out strings.Builder
	_, err := Run(s, Options{In: strings.NewReader("fifty\n\n?\n49\nAB\nZ\nA\n"), Out: &out, Now: fakeClock(time.Second), Title: "T"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "practice.golden", out.String())
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n%s", path, got)
	}
}

func TestEarlyEOFKeepsAnswers(t *testing.T) {
	for _, mode := range []quiz.Mode{quiz.Practice, quiz.Exam} {
		t.Run(string(mode), func(t *testing.T) {
			qz := load(t, "../../../quizzes/containers-vs-vms.md")
			s, _ := quiz.NewSession(qz.Questions, quiz.Config{Mode: mode, Seed: 1, Start: t0})
			st := &memStore{}
			var out strings.Builder
			in := right(s, 0) + "\n" + right(s, 1) + "\n"
			sc, err := Run(s, Options{In: strings.NewReader(in), Out: &out, Now: fakeClock(time.Second), Record: record.New(st, qz.ID)})
			if !errors.Is(err, ErrEOF) {
				t.Fatalf("err = %v, want ErrEOF", err)
			}
			o := out.String()
			n := s.Len()
			if !strings.Contains(o, fmt.Sprintf("Input ended early: 2 of %d questions answered; the answers given were kept", n)) {
				t.Errorf("output:\n%s", o)
			}
			if !strings.Contains(o, fmt.Sprintf("Score: 2/%d (%.0f%%)", n, math.Floor(200/float64(n)+0.5))) || sc.Correct != 2 {
				t.Errorf("score line missing or wrong: %d\n%s", sc.Correct, o)
			}
			if len(st.attempts) != 2 || len(st.results) != 0 {
				t.Errorf("%d attempts and %d results stored; want 2 and 0", len(st.attempts), len(st.results))
			}
		})
	}
}

func TestExamFlagReviewSubmit(t *testing.T) {
	qz := load(t, "../../../quizzes/lambda-anatomy.md")
	s, _ := quiz.NewSession(qz.Questions, quiz.Config{Mode: quiz.Exam, Seed: 5, Start: t0, Time: 30 * time.Minute})
	// Q1 flagged then answered right, Q2 skipped, the rest right except Q4
	// wrong; then go back to 2 and answer it right, then submit.
	n := s.Len()
	var in []string
	in = append(in, "f", right(s, 0), "")
	for i := 2; i < n; i++ {
		if i == 3 {
			in = append(in, wrongAnswer(s, i))
		} else {
			in = append(in, right(s, i))
		}
	}
	in = append(in, "2", right(s, 1), "1", "f", "", "")
	st := &memStore{}
	var out strings.Builder
	sc, err := Run(s, Options{In: strings.NewReader(strings.Join(in, "\n") + "\n"), Out: &out, Now: fakeClock(10 * time.Second), Record: record.New(st, "lambda-anatomy")})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	o := out.String()
	scaled := quiz.ScaledScore(n-1, n)
	for _, want := range []string{fmt.Sprintf("exam, %d questions, 30:00. Pass mark 720", n), "(time left 29:", "Flagged for review.", "Skipped.",
		fmt.Sprintf("Review: %d answered, 1 unanswered, 1 flagged.", n-1), "  2. ", "Flag removed.",
		fmt.Sprintf("\nScore: %d/%d (%.0f%%)\n", n-1, n, math.Floor(100*float64(n-1)/float64(n)+0.5)),
		fmt.Sprintf("\nScaled score: %d (pass)\n", scaled), "Walk-through", "Question 4 (wrong): "} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(o, "Right.\n") {
		t.Error("exam gave feedback before the end")
	}
	if sc.Scaled != scaled || len(st.attempts) != n || len(st.results) != 1 || st.results[0].Scaled != scaled {
		t.Errorf("scaled %d, %d attempts, results %+v", sc.Scaled, len(st.attempts), st.results)
	}
}

func wrongAnswer(s *quiz.Session, i int) string {
	it := s.Items[i]
	if it.Q.Kind == quiz.Numeric {
		return "123456"
	}
	for d := range it.Order {
		if !it.Option(d).Correct {
			if it.Q.Kind == quiz.Multi {
				// d plus one right option: still wrong, right count.
				for e := range it.Order {
					if it.Option(e).Correct {
						return string(rune('A'+d)) + string(rune('A'+e))
					}
				}
			}
			return string(rune('A' + d))
		}
	}
	return "A"
}

func TestExamTimesOut(t *testing.T) {
	qz := load(t, "../../../quizzes/containers-vs-vms.md")
	s, _ := quiz.NewSession(qz.Questions, quiz.Config{Mode: quiz.Exam, Seed: 2, Start: t0, Time: time.Minute})
	var out strings.Builder
	// The clock moves 25 s per reading: the deadline passes during Q2.
	in := right(s, 0) + "\n" + right(s, 1) + "\n" + right(s, 2) + "\n"
	sc, err := Run(s, Options{In: strings.NewReader(in), Out: &out, Now: fakeClock(25 * time.Second), Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	o := out.String()
	if !strings.Contains(o, "Time is up: the exam was submitted automatically.") || !strings.Contains(o, "Scaled score: ") ||
		!strings.Contains(o, "(fail)") || !s.TimedOut {
		t.Errorf("output:\n%s", o)
	}
	if sc.Answered >= 3 {
		t.Errorf("answers after the deadline counted: %d", sc.Answered)
	}
}

// TestIndependentFilesGrade runs quiz files written independently of this
// code (a public-bank style file and an instructor's file) through plain
// mode with known answers.
func TestIndependentFilesGrade(t *testing.T) {
	tests := []struct {
		file    string
		answers []string // in the file's option order
		score   string
	}{
		{"../testdata/bank-public.md", []string{"C", "b", "A,C", "B", "A"}, "Score: 4/5 (80%)"},
		{"../testdata/instructor-mix.md", []string{"50", "0.0000166667", "acd", "B"}, "Score: 4/4 (100%)"},
		{"../testdata/bank-lists.md", []string{"B", "AC", "A", "C"}, "Score: 3/4 (75%)"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			qz := load(t, tt.file)
			s, _ := quiz.NewSession(qz.Questions, quiz.Config{Mode: quiz.Exam, Seed: 77, Start: t0})
			var in []string
			for i, a := range tt.answers {
				in = append(in, display(t, s.Items[i], a))
			}
			var out strings.Builder
			_, err := Run(s, Options{In: strings.NewReader(strings.Join(in, "\n") + "\n"), Out: &out, Now: fakeClock(time.Second), Quiet: true})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "\n"+tt.score+"\n") {
				t.Errorf("want %q in:\n%s", tt.score, out.String())
			}
		})
	}
}

// An answer line over the 1 MiB limit is named as such, not taken for the
// end of the input.
func TestOverlongAnswerLine(t *testing.T) {
	qz := load(t, "../testdata/instructor-mix.md")
	s, _ := quiz.NewSession(qz.Questions, quiz.Config{Mode: quiz.Practice, Seed: 1, Start: t0})
	var out strings.Builder
	_, err := Run(s, Options{In: strings.NewReader(strings.Repeat("A", 2<<20) + "\n"), Out: &out, Now: fakeClock(time.Second), Title: "T"})
	if !errors.Is(err, ErrEOF) || !strings.Contains(out.String(), "over 1 MiB") {
		t.Errorf("err %v, output %.300q", err, out.String())
	}
}
