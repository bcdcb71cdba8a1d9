// Package quiz parses quiz Markdown files and runs quiz sessions: question
// selection, option shuffling, answer parsing, grading, exam timing and
// scoring with a domain and lesson breakdown.
//
// The package is pure: it never reads the wall clock or a global random
// source (callers pass the time and a seed) and imports no UI library, so
// the TUI (internal/tui/quizui) and the line-based front end
// (internal/quiz/plain) only present what it decides.
package quiz

import (
	"sort"
	"time"
)

// Domain is an exam domain that a question can be tagged with.
type Domain struct {
	Code string // e.g. "saa-cost"
	Exam string // "CLF-C02" or "SAA-C03"
	Name string // e.g. "Design Cost-Optimized Architectures"
}

// Label is "EXAM Name", as shown in a breakdown.
func (d Domain) Label() string { return d.Exam + " " + d.Name }

// domains are the codes of CONTRACTS.md, in exam-guide order.
var domains = []Domain{
	{"clf-concepts", "CLF-C02", "Cloud Concepts"},
	{"clf-security", "CLF-C02", "Security and Compliance"},
	{"clf-tech", "CLF-C02", "Cloud Technology and Services"},
	{"clf-billing", "CLF-C02", "Billing, Pricing, and Support"},
	{"saa-secure", "SAA-C03", "Design Secure Architectures"},
	{"saa-resilient", "SAA-C03", "Design Resilient Architectures"},
	{"saa-performance", "SAA-C03", "Design High-Performing Architectures"},
	{"saa-cost", "SAA-C03", "Design Cost-Optimized Architectures"},
}

// LookupDomain returns the domain with this code.
func LookupDomain(code string) (Domain, bool) {
	for _, d := range domains {
		if d.Code == code {
			return d, true
		}
	}
	return Domain{}, false
}

// DomainCodes lists the known codes, sorted, for error messages.
func DomainCodes() []string {
	out := make([]string, 0, len(domains))
	for _, d := range domains {
		out = append(out, d.Code)
	}
	sort.Strings(out)
	return out
}

// Pass marks on AWS's 100-1000 scale (the exam guides, e.g.
// https://docs.aws.amazon.com/aws-certification/latest/examguides/cloud-practitioner-02.html):
// 700 for Foundational exams (Cloud Practitioner), 720 for Associate exams.
const (
	PassFoundational = 700
	PassAssociate    = 720
	DefaultPass      = PassAssociate
)

// ExamFormat is how a certification exam is sat (the exam guides; check
// the current guide before relying on it): e.g.
// https://docs.aws.amazon.com/aws-certification/latest/examguides/cloud-practitioner-02.html
type ExamFormat struct {
	Pass      int
	Questions int
	Time      time.Duration
}

// Exams are the formats of the exams a bank's `exam:` key may name.
var Exams = map[string]ExamFormat{
	"CLF-C02": {PassFoundational, 65, 90 * time.Minute},
	"SAA-C03": {PassAssociate, 65, 130 * time.Minute},
	"DVA-C02": {PassAssociate, 65, 130 * time.Minute},
}

// PassFor is the default pass mark for a set of questions, and why: the
// exam their bank names; 700 when every question is from the Cloud
// Practitioner exam; else 720, the Associate exams' mark.
func PassFor(qs []*Question) (int, string) {
	if len(qs) > 0 {
		exam := qs[0].Exam
		for _, q := range qs {
			if q.Exam != exam {
				exam = ""
				break
			}
		}
		if f, ok := Exams[exam]; ok {
			return f.Pass, "the pass mark of " + exam + " (the bank's exam: key)"
		}
	}
	if len(qs) == 0 {
		return DefaultPass, "the Associate exams' pass mark"
	}
	for _, q := range qs {
		d, ok := LookupDomain(q.Domain)
		if !ok || d.Exam != "CLF-C02" {
			return DefaultPass, "the Associate exams' pass mark (not every question is from the Cloud Practitioner exam)"
		}
	}
	return PassFoundational, "every question is from the Cloud Practitioner exam (CLF-C02)"
}

// ExamOf is the exam every question's bank names ("" when they differ or
// none does).
func ExamOf(qs []*Question) string {
	if len(qs) == 0 {
		return ""
	}
	for _, q := range qs {
		if q.Exam != qs[0].Exam {
			return ""
		}
	}
	return qs[0].Exam
}
