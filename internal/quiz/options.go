package quiz

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Option keys shared by the command line (`cloudlab quiz --mode exam ...`)
// and the TUI's nav.OpenQuiz.Opts.
const (
	OptMode  = "mode"  // practice | exam
	OptCount = "count" // N questions at random
	OptTime  = "time"  // exam duration, e.g. 30m
	OptSeed  = "seed"  // selection and option order
	OptPass  = "pass"  // pass mark 100..1000
	OptAll   = "all"   // "1": every quiz
)

// ConfigFromOptions builds a session Config from option strings. start is
// the caller's clock; without a seed option the seed is derived from it.
func ConfigFromOptions(opts map[string]string, start time.Time) (Config, error) {
	c := Config{Mode: Practice, Start: start}
	if v := strings.TrimSpace(opts[OptMode]); v != "" {
		m, err := ParseMode(v)
		if err != nil || m == Review {
			return c, fmt.Errorf("--mode %q: use practice or exam", v)
		}
		c.Mode = m
	}
	if v := strings.TrimSpace(opts[OptCount]); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return c, fmt.Errorf("--count %q: want a whole number of questions", v)
		}
		c.Count = n
	}
	if v := strings.TrimSpace(opts[OptTime]); v != "" && v != "0" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("--time %q: want a duration such as 30m or 1h30m", v)
		}
		c.Time = d
	}
	if v := strings.TrimSpace(opts[OptSeed]); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return c, fmt.Errorf("--seed %q: want a non-negative whole number", v)
		}
		c.Seed = n
	} else {
		c.Seed = uint64(start.UnixNano()) % 1000000
	}
	if v := strings.TrimSpace(opts[OptPass]); v != "" && v != "0" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 || n > 1000 {
			return c, fmt.Errorf("--pass %q: want a pass mark from 100 to 1000", v)
		}
		c.Pass = n
	}
	return c, nil
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
