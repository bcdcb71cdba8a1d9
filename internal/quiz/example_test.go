package quiz_test

import (
	"fmt"
	"time"

	"github.com/cloudlab/cloudlab/internal/quiz"
)

func ExampleLoadFile() {
	src := "---\nid: demo\ntitle: Demo\n---\n" +
		"## Maximum Lambda timeout? {#demo-timeout domain=saa-resilient}\n\n" +
		"- [ ] 300 seconds\n  The maximum until October 2018.\n" +
		"- [x] 900 seconds\n\n" +
		"> Default 3 s, maximum 900 s.\n\n" +
		"## Billed GB-seconds of 1,234.5 ms at 512 MB?\n\n" +
		"```answer\n0.6175 ± 0.0001\n```\n"
	qz, problems := quiz.LoadFile("quizzes/demo.md", []byte(src))
	fmt.Println(len(problems), "problems")
	for _, q := range qz.Questions {
		fmt.Println(q.ID, q.Kind, q.Domain, q.Line)
	}
	fmt.Println(qz.Questions[0].Options[0].Explanation)
	// Output:
	// 0 problems
	// demo-timeout single saa-resilient 5
	// demo-billed-gb-seconds-of-1-234-5-ms-at-512-mb numeric  13
	// The maximum until October 2018.
}

func ExampleSession_Answer() {
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	qs := []*quiz.Question{
		{ID: "n", Kind: quiz.Numeric, Answer: 0.6175, Tolerance: 0.0001, Domain: "saa-cost"},
		{ID: "m", Kind: quiz.Multi, Domain: "saa-performance", Fixed: true, Options: []quiz.Option{
			{Text: "a", Correct: true}, {Text: "b"}, {Text: "c", Correct: true}}},
	}
	s, _ := quiz.NewSession(qs, quiz.Config{Mode: quiz.Exam, Seed: 1, Start: start})
	s.Answer(0, "0.6176", start.Add(time.Minute))
	if _, err := s.Answer(1, "A", start.Add(2*time.Minute)); err != nil {
		fmt.Println(err)
	}
	s.Answer(1, "a,c", start.Add(3*time.Minute))
	sc := s.Submit(start.Add(4 * time.Minute))
	fmt.Println(sc.ScoreLine())
	fmt.Println(sc.ScaledLine())
	// Output:
	// choose 2 options (you chose 1)
	// Score: 2/2 (100%)
	// Scaled score: 1000 (pass)
}
