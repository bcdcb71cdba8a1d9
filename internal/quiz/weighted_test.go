package quiz

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func bank(perDomain map[string]int) []*Question {
	var qs []*Question
	for _, code := range []string{"clf-concepts", "clf-security", "clf-tech", "clf-billing", "saa-cost"} {
		for i := 0; i < perDomain[code]; i++ {
			qs = append(qs, &Question{ID: fmt.Sprintf("%s-%d", code, i), Domain: code, Kind: Single,
				Options: []Option{{Text: "a", Correct: true}, {Text: "b"}}})
		}
	}
	return qs
}

func byDomain(qs []*Question) map[string]int {
	m := map[string]int{}
	for _, q := range qs {
		m[q.Domain]++
	}
	return m
}

// A 50-question CLF-C02 paper from a large bank follows the exam guide's
// weights: 24/30/34/12 % of 50 = 12, 15, 17, 6
// (https://docs.aws.amazon.com/aws-certification/latest/examguides/cloud-practitioner-02.html).
func TestWeightedDrawFollowsTheExamGuide(t *testing.T) {
	qs := bank(map[string]int{"clf-concepts": 100, "clf-security": 100, "clf-tech": 100, "clf-billing": 100})
	for seed := uint64(1); seed <= 5; seed++ {
		s, err := NewSession(qs, Config{Mode: Exam, Count: 50, Seed: seed, Start: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		var picked []*Question
		for _, it := range s.Items {
			picked = append(picked, it.Q)
		}
		got := byDomain(picked)
		want := map[string]int{"clf-concepts": 12, "clf-security": 15, "clf-tech": 17, "clf-billing": 6}
		for d, n := range want {
			if got[d] != n {
				t.Errorf("seed %d: %s %d questions, want %d (all: %v)", seed, d, got[d], n, got)
			}
		}
		if s.DrawWhy == "" {
			t.Error("the draw does not say it followed the weights")
		}
	}
}

// A domain short of questions gives what it has; the paper is still full
// and has no question twice. Practice mode and mixed exams draw uniformly.
func TestWeightedDrawShortDomainAndUniformCases(t *testing.T) {
	qs := bank(map[string]int{"clf-concepts": 40, "clf-security": 40, "clf-tech": 40, "clf-billing": 2})
	picked := SelectWeighted(qs, 50, "CLF-C02", rand.New(rand.NewPCG(1, 2)))
	seen := map[*Question]bool{}
	for _, q := range picked {
		if seen[q] {
			t.Fatalf("question %s drawn twice", q.ID)
		}
		seen[q] = true
	}
	if len(picked) != 50 || byDomain(picked)["clf-billing"] != 2 {
		t.Errorf("%d questions, domains %v", len(picked), byDomain(picked))
	}
	if s, _ := NewSession(qs, Config{Mode: Practice, Count: 10, Seed: 1}); s.DrawWhy != "" {
		t.Error("a practice draw followed the weights")
	}
	mixed := bank(map[string]int{"clf-tech": 30, "saa-cost": 30})
	if s, _ := NewSession(mixed, Config{Mode: Exam, Count: 10, Seed: 1}); s.DrawWhy != "" {
		t.Error("a paper mixing two exams followed one exam's weights")
	}
}
