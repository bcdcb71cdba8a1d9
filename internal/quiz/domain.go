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
	Code   string  // e.g. "saa-cost"
	Exam   string  // "CLF-C02" or "SAA-C03"
	Name   string  // e.g. "Design Cost-Optimized Architectures"
	Weight float64 // the domain's share of the scored content, from the exam guide
}

// Label is "EXAM Name", as shown in a breakdown.
func (d Domain) Label() string { return d.Exam + " " + d.Name }

// domains are the known domain codes, in exam-guide order, with each
// domain's weight from the exam guides:
// https://docs.aws.amazon.com/aws-certification/latest/examguides/cloud-practitioner-02.html
// (Cloud Concepts 24%, Security and Compliance 30%, Cloud Technology and
// Services 34%, Billing, Pricing, and Support 12%) and
// https://docs.aws.amazon.com/aws-certification/latest/examguides/solutions-architect-associate-03.html
// (Secure 30%, Resilient 26%, High-Performing 24%, Cost-Optimized 20%).
var domains = []Domain{
	{"clf-concepts", "CLF-C02", "Cloud Concepts", 0.24},
	{"clf-security", "CLF-C02", "Security and Compliance", 0.30},
	{"clf-tech", "CLF-C02", "Cloud Technology and Services", 0.34},
	{"clf-billing", "CLF-C02", "Billing, Pricing, and Support", 0.12},
	{"saa-secure", "SAA-C03", "Design Secure Architectures", 0.30},
	{"saa-resilient", "SAA-C03", "Design Resilient Architectures", 0.26},
	{"saa-performance", "SAA-C03", "Design High-Performing Architectures", 0.24},
	{"saa-cost", "SAA-C03", "Design Cost-Optimized Architectures", 0.20},
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
