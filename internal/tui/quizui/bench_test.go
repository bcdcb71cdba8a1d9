package quizui

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/quiz"
)

// BenchmarkView: one quiz frame (a question with options and the status
// line) must fit well inside a 16 ms frame.
func BenchmarkView(b *testing.B) {
	src, err := os.ReadFile("testdata/containers-vs-vms.md")
	if err != nil {
		b.Fatal(err)
	}
	qz, _ := quiz.LoadFile("containers-vs-vms.md", src)
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			c := &fakeClock{t0}
			s, _ := quiz.NewSession(qz.Questions, quiz.Config{Mode: quiz.Exam, Seed: 4, Start: t0, Time: 15 * time.Minute})
			m := New(s, env(c), Options{Title: qz.Title})
			m.SetSize(sz[0], sz[1])
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				_ = m.View()
			}
		})
	}
}
