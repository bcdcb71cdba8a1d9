package progress

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func BenchmarkRecordAttempt(b *testing.B) {
	s, _ := openTest(b, b.TempDir())
	a := Attempt{SessionID: "s", QuizID: "ec2", QuestionID: "q1", Mode: "practice", Answer: "A", Domain: "clf-tech", Correct: true, TakenMs: 1500, At: t0}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a.At = t0.Add(time.Duration(i) * time.Millisecond)
		if _, err := s.RecordAttempt(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	dir := b.TempDir()
	s, _ := openTest(b, dir)
	fill(b, s, "", t0)
	s.Close()
	b.ReportAllocs()
	for b.Loop() {
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

func BenchmarkCountDue(b *testing.B) {
	s, _ := openTest(b, b.TempDir())
	for i := 0; i < 500; i++ {
		if err := s.PutCard(Card{QuestionID: fmt.Sprint("q", i), Due: t0.Add(time.Duration(i) * time.Hour)}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if n, err := s.CountDue(t0.Add(100 * time.Hour)); err != nil || n != 101 {
			b.Fatal(n, err)
		}
	}
}

func ExampleStore() {
	dir, _ := os.MkdirTemp("", "cloudlab-example")
	defer os.RemoveAll(dir)
	s, err := Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	s.OpenLesson("lambda-anatomy")
	s.SavePosition("lambda-anatomy", 0.5, 50)
	s.SetLast("lesson", "lambda-anatomy")
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.RecordAttempt(Attempt{QuizID: "lambda-anatomy", QuestionID: "la-handler", Domain: "clf-tech", Correct: true, At: at})
	s.RecordResult(QuizResult{QuizID: "lambda-anatomy", Mode: "practice", Correct: 7, Total: 10, At: at})

	l, _ := s.Lesson("lambda-anatomy")
	last, _, _ := s.Last()
	stats, _ := s.QuizStats()
	fmt.Printf("%s: %d%% read: %v\n", l.LessonID, l.Percent, l.Read())
	fmt.Printf("continue: %s %s\n", last.Kind, last.ID)
	fmt.Printf("%s: best %.0f%% over %d result(s)\n", stats[0].QuizID, stats[0].Best, stats[0].Attempts)
	// Output:
	// lambda-anatomy: 50% read: false
	// continue: lesson lambda-anatomy
	// lambda-anatomy: best 70% over 1 result(s)
}
