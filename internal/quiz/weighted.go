package quiz

import (
	"math"
	"math/rand/v2"
	"sort"
)

// weightedExam is the exam whose domain weights an exam draw follows: the
// exam the bank names, or the one exam all the questions' domain codes
// belong to; "" when the questions mix exams or carry no known codes.
func weightedExam(qs []*Question) string {
	exam := ExamOf(qs)
	if exam == "" {
		for _, q := range qs {
			d, ok := LookupDomain(q.Domain)
			if !ok {
				return ""
			}
			if exam != "" && d.Exam != exam {
				return ""
			}
			exam = d.Exam
		}
	}
	for _, d := range domains {
		if d.Exam == exam && d.Weight > 0 {
			return exam
		}
	}
	return ""
}

// SelectWeighted draws count questions so that each of the exam's domains
// gets its share of the paper as the exam guide weights it (largest
// remainders round the shares to whole questions; the shares of domains
// the bank has no questions for are spread over the others). A domain
// with too few questions gives what it has and the rest of the paper is
// drawn from every remaining question. The order is random.
func SelectWeighted(qs []*Question, count int, exam string, r *rand.Rand) []*Question {
	if count <= 0 || count >= len(qs) {
		return Select(qs, count, r)
	}
	pool := map[string][]*Question{}
	var codes []string
	var total float64
	for _, q := range qs {
		d, ok := LookupDomain(q.Domain)
		if !ok || d.Exam != exam {
			continue
		}
		if _, seen := pool[d.Code]; !seen {
			codes = append(codes, d.Code)
			total += d.Weight
		}
		pool[d.Code] = append(pool[d.Code], q)
	}
	if total == 0 {
		return Select(qs, count, r)
	}
	sort.Strings(codes) // map order must not reach the draw
	// Largest remainder: whole shares first, then the biggest fractions.
	type share struct {
		code string
		n    int
		frac float64
	}
	shares := make([]share, len(codes))
	left := count
	for i, c := range codes {
		d, _ := LookupDomain(c)
		exact := float64(count) * d.Weight / total
		shares[i] = share{c, int(math.Floor(exact)), exact - math.Floor(exact)}
		left -= shares[i].n
	}
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return shares[order[a]].frac > shares[order[b]].frac })
	for i := 0; left > 0 && i < len(order); i++ {
		shares[order[i]].n++
		left--
	}
	picked := map[*Question]bool{}
	var out []*Question
	for _, sh := range shares {
		if sh.n == 0 {
			continue
		}
		for _, q := range Select(pool[sh.code], sh.n, r)[:min(sh.n, len(pool[sh.code]))] {
			picked[q] = true
			out = append(out, q)
		}
	}
	if len(out) < count { // domains short of questions: fill from the rest
		var rest []*Question
		for _, q := range qs {
			if !picked[q] {
				rest = append(rest, q)
			}
		}
		out = append(out, Select(rest, count-len(out), r)...)
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
