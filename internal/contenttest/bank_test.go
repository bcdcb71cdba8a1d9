package contenttest

import (
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/quiz"
)

// TestQuestionBank holds the built-in course to what a certification
// candidate needs from it: enough questions, a real share of
// multiple-response and calculation questions, a domain on every question,
// and an explanation for every option and every question.
func TestQuestionBank(t *testing.T) {
	c, _ := course.Load(course.Embedded())
	quizzes, probs := quiz.Load(c)
	for _, p := range probs {
		t.Error(p.String())
	}
	byKind := map[quiz.Kind]int{}
	byDomain := map[string]int{}
	total := 0
	for _, qz := range quizzes {
		for _, q := range qz.Questions {
			total++
			byKind[q.Kind]++
			byDomain[q.Domain]++
			if q.Domain == "" {
				t.Errorf("%s:%d: question %s has no exam domain", q.File, q.Line, q.ID)
			}
			if strings.TrimSpace(q.Explanation) == "" {
				t.Errorf("%s:%d: question %s has no explanation", q.File, q.Line, q.ID)
			}
			for i, o := range q.Options {
				if strings.TrimSpace(o.Explanation) == "" {
					t.Errorf("%s:%d: option %c of %s is not explained", q.File, q.Line, 'A'+i, q.ID)
				}
			}
			if q.Kind == quiz.Multi && !strings.Contains(strings.ToLower(q.Title+" "+q.Text), "choose") {
				t.Errorf("%s:%d: multiple-response question %s does not say how many to choose", q.File, q.Line, q.ID)
			}
		}
	}
	if len(c.Lessons) < 14 {
		t.Errorf("%d lessons, want at least 14", len(c.Lessons))
	}
	for _, l := range c.Lessons {
		if l.Quiz == "" {
			t.Errorf("%s: lesson %s has no quiz", l.Path, l.ID)
		}
	}
	if total < 220 {
		t.Errorf("%d questions, want at least 220", total)
	}
	if 3*byKind[quiz.Multi] < total {
		t.Errorf("%d of %d questions are multiple response, want at least a third", byKind[quiz.Multi], total)
	}
	if byKind[quiz.Numeric] < 25 {
		t.Errorf("%d numeric questions, want at least 25", byKind[quiz.Numeric])
	}
	var domains []string
	for d, n := range byDomain {
		domains = append(domains, d+"="+strconv.Itoa(n))
	}
	sort.Strings(domains)
	t.Logf("%d questions: %d single, %d multiple response, %d numeric; domains: %s",
		total, byKind[quiz.Single], byKind[quiz.Multi], byKind[quiz.Numeric], strings.Join(domains, " "))
}
