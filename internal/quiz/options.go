package quiz

import (
	"fmt"
	"strings"
	"time"
)

// Request is what a learner asks of a quiz run, typed from the command
// line (or home's mock exam) to the screen: which questions and how.
type Request struct {
	ID    string        // the quiz; "" with All
	All   bool          // every quiz's questions (a mock exam)
	Mode  Mode          // Practice (also when "") or Exam
	Count int           // questions drawn at random; 0 = all
	Time  time.Duration // exam time limit; 0 = PerQuestion per question
	Seed  *uint64       // draw and option order; nil = derived from the start time
	Pass  int           // pass mark 100..1000; 0 = PassFor(questions)
	// SkipImages leaves out the questions that need an image (a terminal
	// cannot show them).
	SkipImages bool
}

// Questions are the paper's questions this request draws from.
func (r Request) Questions(p Paper) []*Question {
	if !r.SkipImages {
		return p.Questions
	}
	var out []*Question
	for _, q := range p.Questions {
		if len(q.Images) == 0 {
			out = append(out, q)
		}
	}
	return out
}

// Validate reports a request that cannot make a session.
func (r Request) Validate() error {
	switch {
	case r.Mode != "" && r.Mode != Practice && r.Mode != Exam:
		return fmt.Errorf("mode %q: a quiz runs in practice or exam mode", r.Mode)
	case r.Count < 0:
		return fmt.Errorf("count %d: want a whole number of questions", r.Count)
	case r.Time < 0:
		return fmt.Errorf("time limit %v: want a positive duration", r.Time)
	case r.Time > 0 && r.Mode != Exam:
		return fmt.Errorf("a time limit applies to exam mode only")
	case r.Pass != 0 && (r.Pass < 100 || r.Pass > 1000):
		return fmt.Errorf("pass mark %d: want a mark from 100 to 1000", r.Pass)
	case r.All && r.ID != "":
		return fmt.Errorf("give a quiz id or all quizzes, not both")
	}
	return nil
}

// Config is the session Config for a run starting at start (the caller's
// clock; without a seed the seed is derived from it).
func (r Request) Config(start time.Time) Config {
	c := Config{Mode: r.Mode, Count: r.Count, Time: r.Time, Pass: r.Pass, Start: start}
	if c.Mode == "" {
		c.Mode = Practice
	}
	if r.Seed != nil {
		c.Seed = *r.Seed
	} else {
		c.Seed = uint64(start.UnixNano()) % 1000000
	}
	return c
}

// Paper is what a run asks: its questions, a title and the id its result
// is stored under.
type Paper struct {
	ID        string // quiz id, or "all" for a mock exam over every quiz
	Title     string
	Questions []*Question
}

// Pick chooses the questions of a run: the quiz named id, or every quiz
// when all is set (a mock exam; use a count such as 65 with it).
func Pick(qs []*Quiz, id string, all bool) (Paper, error) {
	if all {
		if id != "" {
			return Paper{}, fmt.Errorf("give a quiz id or --all, not both")
		}
		p := Paper{ID: "all", Title: "Mock exam (all quizzes)", Questions: AllQuestions(qs)}
		if len(p.Questions) == 0 {
			return p, fmt.Errorf("the course has no quiz questions")
		}
		return p, nil
	}
	if id == "" {
		return Paper{}, fmt.Errorf("name a quiz (see `cloudlab quizzes`) or use --all")
	}
	q := Find(qs, id)
	if q == nil {
		var ids []string
		for _, x := range qs {
			ids = append(ids, x.ID)
		}
		return Paper{}, fmt.Errorf("no quiz %q (quizzes: %s)", id, strings.Join(ids, ", "))
	}
	if len(q.Questions) == 0 {
		return Paper{}, fmt.Errorf("quiz %q has no usable questions (run `cloudlab check`)", id)
	}
	return Paper{ID: q.ID, Title: q.Title, Questions: q.Questions}, nil
}
