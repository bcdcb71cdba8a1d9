package quiz

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/termtext"
)

// Mode is how a session runs.
type Mode string

// Modes.
const (
	Practice Mode = "practice" // feedback after every answer
	Exam     Mode = "exam"     // timed, no feedback until the end
	Review   Mode = "review"   // spaced review of due questions (feedback like practice)
)

// ParseMode accepts "practice", "exam" or "review".
func ParseMode(s string) (Mode, error) {
	switch Mode(strings.ToLower(strings.TrimSpace(s))) {
	case Practice:
		return Practice, nil
	case Exam:
		return Exam, nil
	case Review:
		return Review, nil
	}
	return "", fmt.Errorf("unknown mode %q (use practice or exam)", s)
}

// PerQuestion is the default exam time per question (the brief's default;
// SAA-C03 gives 130 minutes for 65 questions).
const PerQuestion = 2 * time.Minute

// Config chooses and times a session.
type Config struct {
	Mode  Mode
	Count int           // questions to draw at random; 0 or more than available = all, in file order
	Seed  uint64        // selection and option order; the same seed gives the same paper
	Time  time.Duration // exam duration; 0 = PerQuestion per question
	Pass  int           // pass mark on the 100-1000 scale; 0 = PassFor(questions)
	Start time.Time     // when the session starts (the caller's clock)
	ID    string        // session id; "" = derived from Start and Seed
}

// Item is one question of a session, with its display order and response.
type Item struct {
	Q     *Question
	Order []int // display position -> index in Q.Options
	Response
}

// Response is what the learner did with an item.
type Response struct {
	Answered bool
	Choice   []int   // chosen option indexes (into Q.Options), sorted
	Number   float64 // numeric answer
	Given    string  // the answer as recorded: display letters ("AC") or the number
	Correct  bool
	Flagged  bool
	Taken    time.Duration // time spent on the question
}

// Option returns the option shown at display position d.
func (it *Item) Option(d int) Option { return it.Q.Options[it.Order[d]] }

// Chosen reports whether the option at display position d was chosen.
func (it *Item) Chosen(d int) bool {
	for _, c := range it.Choice {
		if c == it.Order[d] {
			return true
		}
	}
	return false
}

// RightAnswer is the right answer as display letters or a number.
func (it *Item) RightAnswer() string { return it.Q.AnswerText(it.Order) }

// Session is one run through a set of questions.
type Session struct {
	ID        string
	Mode      Mode
	Items     []*Item
	Start     time.Time
	Deadline  time.Time // zero when untimed
	Pass      int
	PassWhy   string // where the pass mark comes from (shown with the result)
	Seed      uint64
	Current   int
	Submitted bool
	TimedOut  bool // submitted automatically at the deadline
	End       time.Time

	// DrawWhy says how the questions were drawn when it was not uniformly
	// at random ("questions drawn by the CLF-C02 domain weights").
	DrawWhy string

	shownAt time.Time
}

// Errors from Answer.
var (
	ErrSubmitted = errors.New("the quiz is already submitted")
	ErrTimeUp    = errors.New("time is up")
	ErrAnswered  = errors.New("already answered")
)

// NewSession selects the questions and shuffles their options.
func NewSession(qs []*Question, c Config) (*Session, error) {
	if len(qs) == 0 {
		return nil, errors.New("no questions to ask")
	}
	if c.Mode == "" {
		c.Mode = Practice
	}
	if c.Count < 0 {
		return nil, fmt.Errorf("count %d: must be positive", c.Count)
	}
	if c.Time < 0 {
		return nil, fmt.Errorf("time %v: must be positive", c.Time)
	}
	if c.Pass != 0 && (c.Pass < 100 || c.Pass > 1000) {
		return nil, fmt.Errorf("pass mark %d: must be between 100 and 1000", c.Pass)
	}
	r := rand.New(rand.NewPCG(c.Seed, 0x9e3779b97f4a7c15))
	s := &Session{Mode: c.Mode, Start: c.Start, Seed: c.Seed, Pass: c.Pass, shownAt: c.Start}
	var picked []*Question
	if exam := weightedExam(qs); c.Mode == Exam && exam != "" && c.Count > 0 && c.Count < len(qs) {
		// An exam paper follows its exam guide's domain weights.
		picked = SelectWeighted(qs, c.Count, exam, r)
		s.DrawWhy = "questions drawn by the " + exam + " domain weights"
	} else {
		picked = Select(qs, c.Count, r)
	}
	for _, q := range picked {
		it := &Item{Q: q, Order: make([]int, len(q.Options))}
		for i := range it.Order {
			it.Order[i] = i
		}
		if !q.Fixed {
			r.Shuffle(len(it.Order), func(i, j int) { it.Order[i], it.Order[j] = it.Order[j], it.Order[i] })
		}
		s.Items = append(s.Items, it)
	}
	if s.Pass == 0 {
		s.Pass, s.PassWhy = PassFor(picked)
	} else {
		s.PassWhy = "set for this run (--pass)"
	}
	if c.Mode == Exam {
		d := c.Time
		if d == 0 {
			d = time.Duration(len(s.Items)) * PerQuestion
		}
		s.Deadline = c.Start.Add(d)
	}
	s.ID = c.ID
	if s.ID == "" {
		s.ID = fmt.Sprintf("%s-%d", c.Start.UTC().Format("20060102T150405Z"), c.Seed)
	}
	return s, nil
}

// Select draws count questions at random (in random order) with r, or
// returns all of them in their order when count is 0 or not less than
// len(qs).
func Select(qs []*Question, count int, r *rand.Rand) []*Question {
	if count <= 0 || count >= len(qs) {
		return append([]*Question(nil), qs...)
	}
	perm := r.Perm(len(qs))
	out := make([]*Question, count)
	for i := range out {
		out[i] = qs[perm[i]]
	}
	return out
}

func orderOrIdentity(order []int, n int) []int {
	if len(order) == n {
		return order
	}
	id := make([]int, n)
	for i := range id {
		id[i] = i
	}
	return id
}

// Item returns item i.
func (s *Session) Item(i int) *Item { return s.Items[i] }

// Len is the number of questions.
func (s *Session) Len() int { return len(s.Items) }

// Goto shows item i from now on; time spent is charged to the item shown.
func (s *Session) Goto(i int, now time.Time) {
	if i < 0 || i >= len(s.Items) {
		return
	}
	s.charge(now)
	s.Current = i
}

func (s *Session) charge(now time.Time) {
	if s.Submitted {
		return
	}
	if d := now.Sub(s.shownAt); d > 0 && s.Current < len(s.Items) {
		s.Items[s.Current].Taken += d
	}
	s.shownAt = now
}

// Remaining is the time left before the deadline (0 when untimed or past).
func (s *Session) Remaining(now time.Time) time.Duration {
	if s.Deadline.IsZero() {
		return 0
	}
	if d := s.Deadline.Sub(now); d > 0 {
		return d
	}
	return 0
}

// Timed reports whether the session has a deadline.
func (s *Session) Timed() bool { return !s.Deadline.IsZero() }

// Tick submits the session automatically when its deadline has passed and
// reports whether it did.
func (s *Session) Tick(now time.Time) bool {
	if s.Submitted || s.Deadline.IsZero() || now.Before(s.Deadline) {
		return false
	}
	s.Submit(s.Deadline)
	s.TimedOut = true
	return true
}

// Answer parses input ("A", "ac", "A,C", "1 3" or a number), grades it and
// records it on item i. In practice and review an item is answered once; in
// an exam answers can change until submission.
func (s *Session) Answer(i int, input string, now time.Time) (*Item, error) {
	if i < 0 || i >= len(s.Items) {
		return nil, fmt.Errorf("no question %d", i+1)
	}
	it := s.Items[i]
	if it.Q.Kind == Numeric {
		v, err := ParseNumber(input)
		if err != nil {
			return it, err
		}
		return it, s.record(i, nil, v, now)
	}
	disp, err := ParseChoice(input, len(it.Order))
	if err != nil {
		return it, err
	}
	return it, s.Choose(i, disp, now)
}

// Choose records the options at display positions disp (0-based) on item i.
func (s *Session) Choose(i int, disp []int, now time.Time) error {
	if i < 0 || i >= len(s.Items) {
		return fmt.Errorf("no question %d", i+1)
	}
	it := s.Items[i]
	if it.Q.Kind == Numeric {
		return errors.New("this question needs a number")
	}
	if err := checkCount(it.Q, len(disp)); err != nil {
		return err
	}
	orig := make([]int, 0, len(disp))
	for _, d := range disp {
		if d < 0 || d >= len(it.Order) {
			return fmt.Errorf("no option %c", 'A'+d)
		}
		orig = append(orig, it.Order[d])
	}
	return s.record(i, orig, 0, now)
}

func checkCount(q *Question, n int) error {
	want := q.Choose()
	if q.Kind == Single {
		want = 1
	}
	if n == want {
		return nil
	}
	if want == 1 {
		return errors.New("choose one option")
	}
	return fmt.Errorf("choose %d options (you chose %d)", want, n)
}

func (s *Session) record(i int, choice []int, num float64, now time.Time) error {
	if s.Submitted {
		return ErrSubmitted
	}
	if !s.Deadline.IsZero() && !now.Before(s.Deadline) {
		s.Tick(now)
		return ErrTimeUp
	}
	it := s.Items[i]
	if it.Answered && s.Mode != Exam {
		return ErrAnswered
	}
	if s.Current == i {
		s.charge(now)
	}
	sort.Ints(choice)
	it.Answered = true
	it.Choice = choice
	it.Number = num
	it.Correct = Grade(it.Q, choice, num)
	if it.Q.Kind == Numeric {
		it.Given = FormatNumber(num, 0)
	} else {
		it.Given = lettersFor(it, choice)
	}
	return nil
}

func lettersFor(it *Item, choice []int) string {
	var b strings.Builder
	for d, o := range it.Order {
		for _, c := range choice {
			if c == o {
				b.WriteByte(byte('A' + d))
			}
		}
	}
	return b.String()
}

// Grade reports whether an answer is right: the exact set of right options
// (all-or-nothing for multiple response, as on AWS exams) or a number
// within the tolerance.
func Grade(q *Question, choice []int, num float64) bool {
	if q.Kind == Numeric {
		// A little slack for binary floating point (0.1+0.2 style answers).
		eps := 1e-9 * math.Max(1, math.Abs(q.Answer))
		return math.Abs(num-q.Answer) <= q.Tolerance+eps
	}
	set := map[int]bool{}
	for _, c := range choice {
		if c < 0 || c >= len(q.Options) || set[c] {
			return false
		}
		set[c] = true
	}
	for i, o := range q.Options {
		if o.Correct != set[i] {
			return false
		}
	}
	return true
}

// ParseChoice parses a choice answer for n options into display positions:
// letters "A", "AC", "a, c", "A C", or option numbers "1", "1,3", "1 3".
func ParseChoice(input string, n int) ([]int, error) {
	s := strings.ToUpper(strings.TrimSpace(input))
	if s == "" {
		return nil, errors.New("no answer given")
	}
	var out []int
	seen := map[int]bool{}
	add := func(d int, name string) error {
		if d < 0 || d >= n {
			return fmt.Errorf("no option %s (options are A-%c)", name, 'A'+n-1)
		}
		if seen[d] {
			return fmt.Errorf("option %s given twice", name)
		}
		seen[d] = true
		out = append(out, d)
		return nil
	}
	tokens := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == ';' || r == '+' })
	for _, tok := range tokens {
		tok = strings.Trim(tok, "()).")
		switch {
		case tok == "":
		case isLetters(tok):
			for _, c := range tok {
				if err := add(int(c-'A'), string(c)); err != nil {
					return nil, err
				}
			}
		case isDigits(tok):
			var v int
			fmt.Sscan(tok, &v)
			if err := add(v-1, tok); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%q is not an option: answer with letters such as A or AC", termtext.Clip(tok, 40))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no answer given")
	}
	return out, nil
}

func isLetters(s string) bool {
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return s != ""
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != "" && len(s) <= 2
}

// ToggleFlag flags or unflags item i for review.
func (s *Session) ToggleFlag(i int) bool {
	if i < 0 || i >= len(s.Items) {
		return false
	}
	s.Items[i].Flagged = !s.Items[i].Flagged
	return s.Items[i].Flagged
}

// Counts returns how many items are answered, unanswered and flagged.
func (s *Session) Counts() (answered, unanswered, flagged int) {
	for _, it := range s.Items {
		if it.Answered {
			answered++
		} else {
			unanswered++
		}
		if it.Flagged {
			flagged++
		}
	}
	return
}

// Submit ends the session at now and returns its score.
func (s *Session) Submit(now time.Time) Score {
	if !s.Submitted {
		s.charge(now)
		s.Submitted = true
		s.End = now
	}
	return s.Score()
}

// Score is the result of a session.
type Score struct {
	Correct, Total int
	Answered       int
	Percent        float64 // 0..100
	Scaled         int     // 100..1000, see ScaledScore
	Pass           int
	PassWhy        string // where the pass mark comes from
	DrawWhy        string // how the questions were drawn, when not uniformly
	Passed         bool
	Domains        []Group // by exam domain, in exam-guide order; "" last
	Lessons        []Group // by lesson, in order of first appearance
}

// Group is one line of a breakdown.
type Group struct {
	Key     string // domain code or lesson id ("" = none)
	Name    string
	Correct int
	Total   int
}

// Percent is the group's share of right answers, 0..100.
func (g Group) Percent() float64 {
	if g.Total == 0 {
		return 0
	}
	return 100 * float64(g.Correct) / float64(g.Total)
}

// ScaledScore maps a raw score to AWS's 100-1000 reporting scale linearly:
// scaled = 100 + 900 x correct / total, rounded to the nearest integer. So
// 0 right is 100, all right is 1000, and the 720 pass mark needs 69% right.
// AWS's real scaling is not published: AWS equates exam forms of different
// difficulty (and unscored questions do not count), so a real exam's pass
// mark is not a fixed percentage; this linear map is our approximation.
func ScaledScore(correct, total int) int {
	if total <= 0 {
		return 100
	}
	return 100 + int(math.Round(900*float64(correct)/float64(total)))
}

// Score computes the score now (unanswered questions count as wrong: AWS
// has no penalty for guessing, so a blank is simply not right).
func (s *Session) Score() Score {
	sc := Score{Total: len(s.Items), Pass: s.Pass, PassWhy: s.PassWhy, DrawWhy: s.DrawWhy}
	dom := map[string]*Group{}
	var lessonOrder []string
	les := map[string]*Group{}
	for _, it := range s.Items {
		if it.Answered {
			sc.Answered++
		}
		ok := it.Answered && it.Correct
		if ok {
			sc.Correct++
		}
		g := dom[it.Q.Domain]
		if g == nil {
			g = &Group{Key: it.Q.Domain, Name: domainName(it.Q.Domain)}
			dom[it.Q.Domain] = g
		}
		g.Total++
		key := it.Q.Lesson
		if key == "" {
			key = it.Q.QuizID
		}
		l := les[key]
		if l == nil {
			l = &Group{Key: key, Name: key}
			les[key] = l
			lessonOrder = append(lessonOrder, key)
		}
		l.Total++
		if ok {
			g.Correct++
			l.Correct++
		}
	}
	if sc.Total > 0 {
		sc.Percent = 100 * float64(sc.Correct) / float64(sc.Total)
	}
	sc.Scaled = ScaledScore(sc.Correct, sc.Total)
	sc.Passed = sc.Scaled >= sc.Pass
	for _, d := range domains {
		if g := dom[d.Code]; g != nil {
			sc.Domains = append(sc.Domains, *g)
		}
	}
	if g := dom[""]; g != nil {
		sc.Domains = append(sc.Domains, *g)
	}
	for _, k := range lessonOrder {
		sc.Lessons = append(sc.Lessons, *les[k])
	}
	return sc
}

func domainName(code string) string {
	if code == "" {
		return "No domain"
	}
	if d, ok := LookupDomain(code); ok {
		return d.Label()
	}
	return code
}

// ScoreLine is "Score: X/Y (P%)".
func (sc Score) ScoreLine() string {
	return fmt.Sprintf("Score: %d/%d (%.0f%%)", sc.Correct, sc.Total, math.Floor(sc.Percent+0.5))
}

// ScaledLine is "Scaled score: N (pass)" or "(fail)".
func (sc Score) ScaledLine() string {
	verdict := "fail"
	if sc.Passed {
		verdict = "pass"
	}
	return fmt.Sprintf("Scaled score: %d (%s)", sc.Scaled, verdict)
}

// PassLine says which pass mark was used and why.
func (sc Score) PassLine() string {
	line := fmt.Sprintf("Pass mark %d.", sc.Pass)
	if sc.PassWhy != "" {
		line = fmt.Sprintf("Pass mark %d: %s.", sc.Pass, sc.PassWhy)
	}
	if sc.DrawWhy != "" {
		line += " " + strings.ToUpper(sc.DrawWhy[:1]) + sc.DrawWhy[1:] + "."
	}
	return line
}
