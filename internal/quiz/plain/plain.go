// Package plain is the line-based quiz front end for screen readers,
// dumb terminals and scripts: it prints a question, its options as
// "A) ...", and reads one line per answer. The quiz package decides
// everything; this package only presents it.
package plain

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/quiz/record"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// ErrEOF means the input ended (or the learner quit) before the quiz was
// finished; the answers given so far were kept.
var ErrEOF = errors.New("input ended before the quiz was finished; the answers given were kept")

// Options configure Run.
type Options struct {
	In     io.Reader
	Out    io.Writer
	Now    func() time.Time // the clock; nil means time.Now
	Record *record.Recorder // stores attempts, results and cards; may be nil
	Title  string           // shown first, e.g. the quiz title
	Help   string           // extra help lines; "" for the default
	Quiet  bool             // no walk-through after an exam
}

type runner struct {
	s     *quiz.Session
	o     Options
	sc    *bufio.Scanner
	w     io.Writer
	err   error // first write or record error
	timed bool  // the exam ran out of time
}

// Run asks every question of s and prints a summary with a line
// "Score: X/Y (P%)" and, in exam mode, "Scaled score: N (pass)" or
// "(fail)". It returns ErrEOF when the input ends early (the answers given
// are kept and recorded) and a recording error if the store failed.
func Run(s *quiz.Session, o Options) (quiz.Score, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	sc := bufio.NewScanner(o.In)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	r := &runner{s: s, o: o, sc: sc, w: o.Out}
	return r.run()
}

func (r *runner) printf(format string, args ...any) {
	if _, err := fmt.Fprintf(r.w, format, args...); err != nil && r.err == nil {
		r.err = err
	}
}

func (r *runner) record(err error) {
	if err != nil && r.err == nil {
		r.err = err
	}
}

func (r *runner) run() (quiz.Score, error) {
	s := r.s
	n := s.Len()
	noun := "questions"
	if n == 1 {
		noun = "question"
	}
	switch s.Mode {
	case quiz.Exam:
		r.printf("%s: exam, %d %s, %s. Pass mark %d of 1000.\n", r.title(), n, noun, termtext.Clock(s.Remaining(s.Start)), s.Pass)
		r.printf("No feedback until the end. f flags a question, Enter skips it, ? helps.\n")
	case quiz.Review:
		r.printf("%s: %d %s due for review.\n", r.title(), n, noun)
	default:
		r.printf("%s: practice, %d %s.\n", r.title(), n, noun)
	}
	r.printf("Answer with a letter (A), several letters (AC or A,C) or a number; ? for help.\n")

	eof := false
	for i := 0; i < n && !eof && !r.timed; i++ {
		eof = r.ask(i)
	}
	if s.Mode == quiz.Exam && !eof && !r.timed {
		eof = r.reviewPass()
	}
	now := r.o.Now()
	if eof && !s.Submitted {
		answered, _, _ := s.Counts()
		r.printf("\nInput ended early: %d of %d questions answered; the answers given were kept", answered, n)
		if s.Mode == quiz.Exam {
			r.printf(" (the exam was not submitted)")
		}
		r.printf(".\n")
		s.Goto(s.Current, now)
		r.record(r.o.Record.Finish(s, now).Run())
		sc := s.Score()
		r.printf("%s\n", sc.ScoreLine())
		if r.err != nil {
			return sc, errors.Join(ErrEOF, r.err)
		}
		return sc, ErrEOF
	}
	sc := s.Submit(now)
	r.record(r.o.Record.Finish(s, now).Run())
	r.summary(sc)
	if s.Mode == quiz.Exam && !r.o.Quiet {
		r.walkThrough()
	}
	return sc, r.err
}

func (r *runner) title() string {
	if r.o.Title != "" {
		return r.o.Title
	}
	return "Quiz"
}

// read reads one line; ok is false at the end of the input.
func (r *runner) read() (string, bool) {
	r.printf("> ")
	if !r.sc.Scan() {
		r.printf("\n")
		if errors.Is(r.sc.Err(), bufio.ErrTooLong) {
			r.printf("That answer line is over 1 MiB long; no answer is. The quiz stops here.\n")
		}
		return "", false
	}
	return strings.TrimSpace(r.sc.Text()), true
}

// expired submits the exam if its time is up and says so.
func (r *runner) expired() bool {
	if r.timed {
		return true
	}
	if r.s.Tick(r.o.Now()) || r.s.TimedOut {
		r.timed = true
		r.printf("Time is up: the exam was submitted automatically.\n")
		return true
	}
	return false
}

// ask asks question i until it is answered (or skipped in an exam); it
// returns true at the end of the input.
func (r *runner) ask(i int) (eof bool) {
	s := r.s
	if r.expired() {
		return false
	}
	s.Goto(i, r.o.Now())
	it := s.Item(i)
	r.printf("\nQuestion %d of %d", i+1, s.Len())
	if s.Timed() {
		r.printf(" (time left %s)", termtext.Clock(s.Remaining(r.o.Now())))
	}
	if it.Flagged {
		r.printf(" [flagged]")
	}
	r.printf("\n%s\n", termtext.Inline(it.Q.Title))
	if it.Q.Text != "" {
		r.printf("\n%s\n", it.Q.Text)
	}
	if len(it.Order) > 0 {
		r.printf("\n")
	}
	for d := range it.Order {
		r.printf("%c) %s\n", 'A'+d, termtext.Inline(it.Option(d).Text))
	}
	if p := it.Q.Prompt(); p != "" {
		r.printf("%s.\n", p)
	}
	if s.Mode == quiz.Exam && it.Answered {
		r.printf("Your answer so far: %s. Enter keeps it.\n", it.Given)
	}
	for {
		line, ok := r.read()
		if !ok {
			return true
		}
		if r.expired() {
			return false
		}
		switch strings.ToLower(line) {
		case "?", "h", "help":
			r.help(it)
			continue
		case "q", "quit":
			return true
		case "f", "flag":
			if s.Mode == quiz.Exam {
				if s.ToggleFlag(i) {
					r.printf("Flagged for review.\n")
				} else {
					r.printf("Flag removed.\n")
				}
				continue
			}
		case "":
			if s.Mode == quiz.Exam {
				if !it.Answered {
					r.printf("Skipped.\n")
				}
				return false
			}
			r.printf("Please answer (? for help).\n")
			continue
		}
		_, err := s.Answer(i, line, r.o.Now())
		if errors.Is(err, quiz.ErrTimeUp) {
			r.expired()
			return false
		}
		if err != nil {
			r.printf("%s. Try again.\n", capitalize(err.Error()))
			continue
		}
		if s.Mode != quiz.Exam {
			r.feedback(it)
			r.record(r.o.Record.Answered(s, i, r.o.Now()).Run())
		}
		return false
	}
}

func (r *runner) help(it *quiz.Item) {
	if r.o.Help != "" {
		r.printf("%s\n", r.o.Help)
	}
	switch it.Q.Kind {
	case quiz.Numeric:
		r.printf("Type a number, such as 50 or 0.6175.\n")
	case quiz.Multi:
		r.printf("Type %d letters, such as AC or A,C.\n", it.Q.Choose())
	default:
		r.printf("Type one letter, such as B.\n")
	}
	if r.s.Mode == quiz.Exam {
		r.printf("f flags this question for review; Enter skips it; q stops (the exam is not submitted).\n")
	} else {
		r.printf("q stops; the answers given are kept.\n")
	}
}

// feedback says whether the answer was right, the right answer and every
// explanation (practice and review).
func (r *runner) feedback(it *quiz.Item) {
	if it.Correct {
		r.printf("Right.\n")
	} else {
		r.printf("Wrong. The right answer is %s (you answered %s).\n", it.RightAnswer(), it.Given)
	}
	r.explain(it)
}

func (r *runner) explain(it *quiz.Item) {
	for d := range it.Order {
		o := it.Option(d)
		mark := ""
		switch {
		case o.Correct && it.Chosen(d):
			mark = " (right; your choice)"
		case o.Correct:
			mark = " (right)"
		case it.Chosen(d):
			mark = " (your choice)"
		}
		r.printf("%c) %s%s\n", 'A'+d, termtext.Inline(o.Text), mark)
		if o.Explanation != "" {
			r.printf("%s\n", indent(o.Explanation, "   "))
		}
	}
	if it.Q.Explanation != "" {
		r.printf("Explanation: %s\n", it.Q.Explanation)
	}
}

// reviewPass lists unanswered and flagged questions and lets the learner go
// back to them before submitting. It returns true at the end of input.
func (r *runner) reviewPass() bool {
	s := r.s
	for !r.expired() {
		answered, unanswered, flagged := s.Counts()
		if unanswered == 0 && flagged == 0 {
			return false
		}
		r.printf("\nReview: %d answered, %d unanswered, %d flagged.\n", answered, unanswered, flagged)
		for i, it := range s.Items {
			if it.Answered && !it.Flagged {
				continue
			}
			var tags []string
			if !it.Answered {
				tags = append(tags, "unanswered")
			}
			if it.Flagged {
				tags = append(tags, "flagged")
			}
			r.printf("  %d. %s (%s)\n", i+1, termtext.Inline(it.Q.Title), strings.Join(tags, ", "))
		}
		r.printf("Enter a question number to go back to it, or press Enter to submit.\n")
		line, ok := r.read()
		if !ok {
			return false // every question was asked: submit
		}
		if line == "" {
			return false
		}
		if strings.EqualFold(line, "q") {
			return true
		}
		k, err := strconv.Atoi(line)
		if err != nil || k < 1 || k > s.Len() {
			r.printf("No question %q. Try again.\n", line)
			continue
		}
		if r.ask(k - 1) {
			return true
		}
	}
	return false
}

func (r *runner) summary(sc quiz.Score) {
	s := r.s
	r.printf("\n%s\n", sc.ScoreLine())
	if s.Mode == quiz.Exam {
		r.printf("%s\n", sc.ScaledLine())
		r.printf("%s The scaled score maps the raw score linearly onto 100-1000; AWS does not publish its own scaling.\n", sc.PassLine())
		if s.TimedOut {
			r.printf("Submitted automatically when the time ran out.\n")
		}
	}
	if len(sc.Domains) > 1 || (len(sc.Domains) == 1 && sc.Domains[0].Key != "") {
		r.printf("By domain:\n")
		for _, g := range sc.Domains {
			r.printf("  %s: %d/%d (%.0f%%)\n", g.Name, g.Correct, g.Total, math.Floor(g.Percent()+0.5))
		}
	}
	if len(sc.Lessons) > 1 {
		r.printf("By lesson:\n")
		for _, g := range sc.Lessons {
			r.printf("  %s: %d/%d (%.0f%%)\n", g.Name, g.Correct, g.Total, math.Floor(g.Percent()+0.5))
		}
	}
}

func (r *runner) walkThrough() {
	r.printf("\nWalk-through\n")
	for i, it := range r.s.Items {
		verdict := "wrong"
		switch {
		case !it.Answered:
			verdict = "unanswered"
		case it.Correct:
			verdict = "right"
		}
		r.printf("\nQuestion %d (%s): %s\n", i+1, verdict, termtext.Inline(it.Q.Title))
		given := it.Given
		if !it.Answered {
			given = "none"
		}
		r.printf("Your answer: %s. Right answer: %s.\n", given, it.RightAnswer())
		r.explain(it)
	}
}

func indent(s, pre string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pre + l
		}
	}
	return strings.Join(lines, "\n")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
