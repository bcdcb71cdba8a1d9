package record

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/quiz"
)

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func questions() []*quiz.Question {
	return []*quiz.Question{
		{ID: "q-a", QuizID: "qz", Lesson: "l", Domain: "saa-cost", Kind: quiz.Numeric, Answer: 50},
		{ID: "q-b", QuizID: "qz", Lesson: "l", Kind: quiz.Numeric, Answer: 7},
		{ID: "q-c", QuizID: "qz", Lesson: "l", Kind: quiz.Numeric, Answer: 1},
	}
}

func TestRecordPracticeAndReviewCards(t *testing.T) {
	dir := t.TempDir()
	st, err := progress.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	qs := questions()
	s, _ := quiz.NewSession(qs, quiz.Config{Mode: quiz.Practice, Start: t0})
	rec := New(st, "qz")
	s.Answer(0, "50", t0.Add(5*time.Second))
	if err := rec.Answered(s, 0, t0.Add(5*time.Second)).Run(); err != nil {
		t.Fatal(err)
	}
	s.Goto(1, t0.Add(5*time.Second))
	s.Answer(1, "8", t0.Add(9*time.Second))
	if err := rec.Answered(s, 1, t0.Add(9*time.Second)).Run(); err != nil {
		t.Fatal(err)
	}
	s.Submit(t0.Add(10 * time.Second))
	if err := rec.Finish(s, t0.Add(10*time.Second)).Run(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Finish(s, t0.Add(11*time.Second)).Run(); err != nil { // idempotent
		t.Fatal(err)
	}
	atts, _ := st.Attempts("qz")
	if len(atts) != 2 || !atts[0].Correct || atts[1].Correct || atts[1].Answer != "8" || atts[1].TakenMs != 4000 || atts[0].Domain != "saa-cost" {
		t.Fatalf("attempts = %+v", atts)
	}
	res, _ := st.Results("qz")
	if len(res) != 1 || res[0].Correct != 1 || res[0].Total != 3 || res[0].Scaled != 0 {
		t.Fatalf("results = %+v", res)
	}
	st.Close()

	// Cards survive a restart; the wrong one is due sooner.
	st, err = progress.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	index := quiz.QuestionIndex([]*quiz.Quiz{{ID: "qz", Questions: qs}})
	a, _, _ := st.Card("q-a")
	b, _, _ := st.Card("q-b")
	if !b.Due.Before(a.Due) {
		t.Errorf("wrong answer due %v, right answer due %v: Again must come first", b.Due, a.Due)
	}
	due, err := Due(st, index, b.Due)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].ID != "q-b" {
		t.Errorf("due at %v = %v, want exactly q-b", b.Due, due)
	}
	due, _ = Due(st, index, t0)
	if len(due) != 0 {
		t.Errorf("nothing is due right after answering, got %d", len(due))
	}
}

func TestRecordExamOnlyAtSubmit(t *testing.T) {
	st, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, _ := quiz.NewSession(questions(), quiz.Config{Mode: quiz.Exam, Start: t0})
	rec := New(st, "all")
	s.Answer(0, "49", t0)
	rec.Answered(s, 0, t0).Run()
	s.Answer(0, "50", t0) // changed before submitting
	if atts, _ := st.Attempts(""); len(atts) != 0 {
		t.Fatalf("exam answer recorded before submission: %+v", atts)
	}
	s.Submit(t0.Add(time.Minute))
	if err := rec.Finish(s, t0.Add(time.Minute)).Run(); err != nil {
		t.Fatal(err)
	}
	atts, _ := st.Attempts("")
	if len(atts) != 1 || atts[0].Answer != "50" || !atts[0].Correct || atts[0].Mode != "exam" {
		t.Fatalf("attempts = %+v", atts)
	}
	res, _ := st.Results("all")
	if len(res) != 1 || res[0].Scaled != 400 || res[0].Passed {
		t.Fatalf("results = %+v", res)
	}
}

func TestNilStore(t *testing.T) {
	s, _ := quiz.NewSession(questions(), quiz.Config{Start: t0})
	s.Answer(0, "50", t0)
	if err := New(nil, "x").Finish(s, t0).Run(); err != nil {
		t.Fatal(err)
	}
}

// A store that breaks in the middle of an exam: the learner is told once
// where the answers went, and the recovery file holds all of them in the
// export format (progress --import restores them).
func TestStoreFailureKeepsAnswersInARecoveryFile(t *testing.T) {
	dir := t.TempDir()
	st, err := progress.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, _ := quiz.NewSession(questions(), quiz.Config{Mode: quiz.Exam, Start: t0})
	rec := New(st, "qz")
	// progress.db is removed under the running quiz.
	if err := os.Remove(filepath.Join(dir, progress.FileName)); err != nil {
		t.Fatal(err)
	}
	for i := range s.Items {
		s.Answer(i, "7", t0)
	}
	s.Submit(t0)
	err = rec.Finish(s, t0).Run()
	if err == nil || !strings.Contains(err.Error(), "recovery-") || !strings.Contains(err.Error(), "progress --import") {
		t.Fatalf("the learner is not told where the answers went: %v", err)
	}
	path := regexp.MustCompile(`\S+recovery-\S+\.json`).FindString(err.Error())
	b, rerr := os.ReadFile(path)
	if rerr != nil {
		t.Fatal(rerr)
	}
	var r progress.Recovery
	if err := json.Unmarshal(b, &r); err != nil || len(r.Attempts) != len(s.Items) || len(r.Results) != 1 {
		t.Fatalf("recovery file: %v, %d attempts, %d results", err, len(r.Attempts), len(r.Results))
	}
	st2, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if err := st2.Import(r.Export); err != nil {
		t.Errorf("the recovery file does not import: %v", err)
	}
}

// Review history is keyed by question id: a question pinned with {#id}
// keeps its history when its heading is reworded; a question whose id is
// derived from its heading starts afresh (docs/writing-content.md says so).
func TestRenamedQuestionKeepsHistoryWhenPinned(t *testing.T) {
	st, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	before := "# Bank\n\n## How long at most? {#pinned}\n\n- [x] 900 s\n- [ ] 300 s\n\n## How much memory at most?\n\n- [x] 10,240 MB\n- [ ] 3,008 MB\n"
	after := "# Bank\n\n## What is the longest timeout? {#pinned}\n\n- [x] 900 s\n- [ ] 300 s\n\n## What is the most memory?\n\n- [x] 10,240 MB\n- [ ] 3,008 MB\n"
	qz, probs := quiz.LoadFile("bank.md", []byte(before))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	s, _ := quiz.NewSession(qz.Questions, quiz.Config{Mode: quiz.Practice, Start: t0})
	rec := New(st, qz.ID)
	for i, it := range s.Items {
		s.Goto(i, t0)
		wrong := "A"
		if it.Option(0).Correct {
			wrong = "B"
		}
		s.Answer(i, wrong, t0) // wrong: due again soon
		if err := rec.Answered(s, i, t0).Run(); err != nil {
			t.Fatal(err)
		}
	}
	qz2, _ := quiz.LoadFile("bank.md", []byte(after))
	due, err := Due(st, quiz.QuestionIndex([]*quiz.Quiz{qz2}), t0.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].ID != "pinned" {
		t.Fatalf("due after rewording: %v, want only the pinned question", due)
	}
}
