package quiz

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func loadFixture(t *testing.T, name string) *Quiz {
	t.Helper()
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	qz, probs := LoadFile(name, src)
	if len(probs) > 0 {
		t.Fatalf("%s: %v", name, probs)
	}
	return qz
}

func sampleQuestions() []*Question {
	return []*Question{
		{ID: "s", Kind: Single, Domain: "saa-cost", Lesson: "l1", Options: []Option{{Text: "a"}, {Text: "b", Correct: true}, {Text: "c"}, {Text: "d"}}},
		{ID: "m", Kind: Multi, Domain: "saa-performance", Lesson: "l1", Options: []Option{{Text: "a", Correct: true}, {Text: "b"}, {Text: "c", Correct: true}, {Text: "d"}, {Text: "e"}}},
		{ID: "n", Kind: Numeric, Domain: "saa-cost", Lesson: "l2", Answer: 0.6175, Tolerance: 0.0001},
		{ID: "x", Kind: Numeric, QuizID: "q", Answer: 50},
	}
}

func TestGrade(t *testing.T) {
	qs := sampleQuestions()
	tests := []struct {
		name   string
		q      *Question
		choice []int
		num    float64
		want   bool
	}{
		{"single right", qs[0], []int{1}, 0, true},
		{"single wrong", qs[0], []int{0}, 0, false},
		{"single too many", qs[0], []int{0, 1}, 0, false},
		{"multi right", qs[1], []int{0, 2}, 0, true},
		{"multi right unsorted", qs[1], []int{2, 0}, 0, true},
		{"multi partial is wrong", qs[1], []int{0}, 0, false},
		{"multi extra is wrong", qs[1], []int{0, 2, 3}, 0, false},
		{"multi duplicate", qs[1], []int{0, 0}, 0, false},
		{"out of range", qs[0], []int{9}, 0, false},
		{"numeric exact", qs[2], nil, 0.6175, true},
		{"numeric within tolerance", qs[2], nil, 0.6176, true},
		{"numeric outside tolerance", qs[2], nil, 0.6177, false},
		{"numeric no tolerance", qs[3], nil, 50, true},
		{"numeric off by one", qs[3], nil, 49, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Grade(tt.q, tt.choice, tt.num); got != tt.want {
				t.Errorf("Grade = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseChoice(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want []int
		err  bool
	}{
		{"A", 4, []int{0}, false},
		{"c", 4, []int{2}, false},
		{"AC", 4, []int{0, 2}, false},
		{"a,c", 4, []int{0, 2}, false},
		{" A, C ", 4, []int{0, 2}, false},
		{"b d", 4, []int{1, 3}, false},
		{"2", 4, []int{1}, false},
		{"1,3", 4, []int{0, 2}, false},
		{"A)", 4, []int{0}, false},
		{"E", 4, nil, true},
		{"AA", 4, nil, true},
		{"", 4, nil, true},
		{"5", 4, nil, true},
		{"A?", 4, nil, true},
		{"hello", 4, nil, true},
	}
	for _, tt := range tests {
		got, err := ParseChoice(tt.in, tt.n)
		if (err != nil) != tt.err || (!tt.err && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("ParseChoice(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestScaledScore(t *testing.T) {
	tests := []struct{ correct, total, want int }{
		{0, 10, 100}, {10, 10, 1000}, {5, 10, 550}, {7, 10, 730}, {45, 65, 723}, {44, 65, 709}, {0, 0, 100},
	}
	for _, tt := range tests {
		if got := ScaledScore(tt.correct, tt.total); got != tt.want {
			t.Errorf("ScaledScore(%d, %d) = %d, want %d", tt.correct, tt.total, got, tt.want)
		}
	}
}

func TestSelectionIsSeeded(t *testing.T) {
	var qs []*Question
	for i := range 20 {
		qs = append(qs, &Question{ID: fmt.Sprint(i), Kind: Single, Options: []Option{{Text: "a", Correct: true}, {Text: "b"}, {Text: "c"}, {Text: "d"}}})
	}
	paper := func(seed uint64) []string {
		s, err := NewSession(qs, Config{Count: 5, Seed: seed, Start: t0})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range s.Items {
			out = append(out, fmt.Sprint(it.Q.ID, it.Order))
		}
		return out
	}
	a, b, c := paper(7), paper(7), paper(8)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same seed, different papers: %v vs %v", a, b)
	}
	if reflect.DeepEqual(a, c) {
		t.Errorf("different seeds gave the same paper %v", a)
	}
	if len(a) != 5 {
		t.Errorf("len = %d, want 5", len(a))
	}
	all, _ := NewSession(qs, Config{Seed: 1, Start: t0})
	for i, it := range all.Items {
		if it.Q.ID != fmt.Sprint(i) {
			t.Fatalf("without --count the file order is kept; item %d is %s", i, it.Q.ID)
		}
	}
}

func TestFixedOptionsAreNotShuffled(t *testing.T) {
	q := &Question{ID: "f", Kind: Single, Fixed: true, Options: []Option{{Text: "a"}, {Text: "b"}, {Text: "c"}, {Text: "All of the above", Correct: true}}}
	for seed := range uint64(20) {
		s, _ := NewSession([]*Question{q}, Config{Seed: seed, Start: t0})
		if !reflect.DeepEqual(s.Items[0].Order, []int{0, 1, 2, 3}) {
			t.Fatalf("seed %d shuffled a fixed question: %v", seed, s.Items[0].Order)
		}
	}
	shuffled := false
	free := &Question{ID: "g", Kind: Single, Options: q.Options}
	for seed := range uint64(20) {
		s, _ := NewSession([]*Question{free}, Config{Seed: seed, Start: t0})
		if !reflect.DeepEqual(s.Items[0].Order, []int{0, 1, 2, 3}) {
			shuffled = true
		}
	}
	if !shuffled {
		t.Error("options were never shuffled")
	}
}

func TestExamSession(t *testing.T) {
	s, err := NewSession(sampleQuestions(), Config{Mode: Exam, Seed: 3, Start: t0})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Remaining(t0); got != 8*time.Minute {
		t.Errorf("default time = %v, want 4 x 2m", got)
	}
	// Find display letters of the right answers.
	right := func(i int) string { return s.Items[i].RightAnswer() }
	s.Goto(0, t0)
	if _, err := s.Answer(0, "A,B,C", t0.Add(10*time.Second)); err == nil {
		t.Error("three letters on a single question accepted")
	}
	if _, err := s.Answer(0, right(0), t0.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	s.ToggleFlag(0)
	s.Goto(1, t0.Add(40*time.Second))
	// Change an exam answer: first wrong, then right.
	wrong := "A"
	if right(1) == "A, B" || right(1)[0] == 'A' {
		wrong = "E"
	}
	if _, err := s.Answer(1, wrong, t0.Add(50*time.Second)); err == nil {
		t.Errorf("one letter accepted on a choose-2 question")
	}
	first := s.Items[1].Order
	_ = first
	if _, err := s.Answer(1, right(1), t0.Add(60*time.Second)); err != nil {
		t.Fatal(err)
	}
	s.Goto(2, t0.Add(70*time.Second))
	if _, err := s.Answer(2, "0.7", t0.Add(80*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Answer(2, "0.6175", t0.Add(90*time.Second)); err != nil {
		t.Fatal(err)
	}
	answered, unanswered, flagged := s.Counts()
	if answered != 3 || unanswered != 1 || flagged != 1 {
		t.Errorf("counts = %d %d %d", answered, unanswered, flagged)
	}
	if s.Tick(t0.Add(7 * time.Minute)) {
		t.Error("submitted before the deadline")
	}
	if !s.Tick(t0.Add(8 * time.Minute)) {
		t.Fatal("not submitted at the deadline")
	}
	if _, err := s.Answer(3, "50", t0.Add(9*time.Minute)); !errors.Is(err, ErrSubmitted) {
		t.Errorf("answer after submit: %v", err)
	}
	sc := s.Score()
	if sc.Correct != 3 || sc.Total != 4 || sc.Scaled != 775 || !sc.Passed || sc.Pass != 720 {
		t.Errorf("score = %+v", sc)
	}
	if sc.ScoreLine() != "Score: 3/4 (75%)" || sc.ScaledLine() != "Scaled score: 775 (pass)" {
		t.Errorf("lines %q %q", sc.ScoreLine(), sc.ScaledLine())
	}
	wantDomains := []Group{
		{Key: "saa-performance", Name: "SAA-C03 Design High-Performing Architectures", Correct: 1, Total: 1},
		{Key: "saa-cost", Name: "SAA-C03 Design Cost-Optimized Architectures", Correct: 2, Total: 2},
		{Key: "", Name: "No domain", Correct: 0, Total: 1},
	}
	if !reflect.DeepEqual(sc.Domains, wantDomains) {
		t.Errorf("domains = %+v", sc.Domains)
	}
	wantLessons := []string{"l1:2/2", "l2:1/1", "q:0/1"}
	var got []string
	for _, g := range sc.Lessons {
		got = append(got, fmt.Sprintf("%s:%d/%d", g.Key, g.Correct, g.Total))
	}
	if !reflect.DeepEqual(got, wantLessons) {
		t.Errorf("lessons = %v", got)
	}
	if s.Items[0].Taken != 40*time.Second || s.Items[1].Taken != 30*time.Second {
		t.Errorf("time taken = %v, %v", s.Items[0].Taken, s.Items[1].Taken)
	}
	if !s.TimedOut || !s.End.Equal(t0.Add(8*time.Minute)) {
		t.Errorf("timed out %v end %v", s.TimedOut, s.End)
	}
}

func TestPracticeAnswersOnce(t *testing.T) {
	s, _ := NewSession(sampleQuestions()[:1], Config{Seed: 1, Start: t0})
	if !s.Deadline.IsZero() {
		t.Error("practice is untimed")
	}
	if _, err := s.Answer(0, s.Items[0].RightAnswer(), t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Answer(0, "A", t0); !errors.Is(err, ErrAnswered) {
		t.Errorf("second answer: %v", err)
	}
	if !s.Items[0].Correct {
		t.Error("right answer graded wrong")
	}
}

func TestSessionConfigErrors(t *testing.T) {
	qs := sampleQuestions()
	tests := []struct {
		name string
		qs   []*Question
		c    Config
	}{
		{"no questions", nil, Config{}},
		{"negative count", qs, Config{Count: -1}},
		{"negative time", qs, Config{Time: -time.Second}},
		{"pass too high", qs, Config{Pass: 1200}},
		{"pass too low", qs, Config{Pass: 50}},
	}
	for _, tt := range tests {
		if _, err := NewSession(tt.qs, tt.c); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestPassFor(t *testing.T) {
	clf := []*Question{{Domain: "clf-tech"}, {Domain: "clf-billing"}}
	mixed := []*Question{{Domain: "clf-tech"}, {Domain: "saa-cost"}}
	pass := func(qs []*Question) int { p, _ := PassFor(qs); return p }
	if pass(clf) != 700 || pass(mixed) != 720 || pass([]*Question{{}}) != 720 {
		t.Error("pass marks: CLF-C02 only is 700, else 720")
	}
	// A bank's exam: key wins, and the reason says so; free-form domain
	// labels do not change the rule.
	bank := []*Question{{Domain: "Networking", Exam: "CLF-C02"}, {Domain: "Security", Exam: "CLF-C02"}}
	if p, why := PassFor(bank); p != 700 || !strings.Contains(why, "CLF-C02") {
		t.Errorf("exam key: %d %q", p, why)
	}
	if p, why := PassFor([]*Question{{Domain: "Networking"}}); p != 720 || why == "" {
		t.Errorf("free-form label: %d %q", p, why)
	}
}

// TestFixturesGrade loads quiz files written independently of this code, in
// the format of public banks and instructors, and grades known answers.
func TestFixturesGrade(t *testing.T) {
	tests := []struct {
		file    string
		n       int
		answers map[int]string // question index in the file -> answer in file order letters or number
		right   map[int]bool
	}{
		{"testdata/bank-public.md", 5,
			map[int]string{0: "C", 1: "B", 2: "AC", 3: "B", 4: "A"},
			map[int]bool{0: true, 1: true, 2: true, 3: true, 4: false}},
		{"testdata/instructor-mix.md", 4,
			map[int]string{0: "50", 1: "0.0000166667", 2: "ACD", 3: "D"},
			map[int]bool{0: true, 1: true, 2: true, 3: false}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			qz := loadFixture(t, tt.file)
			if len(qz.Questions) != tt.n {
				t.Fatalf("%d questions, want %d", len(qz.Questions), tt.n)
			}
			// Fixed order session: seed chosen, but compare through file letters.
			s, err := NewSession(qz.Questions, Config{Mode: Exam, Seed: 42, Start: t0})
			if err != nil {
				t.Fatal(err)
			}
			for i, ans := range tt.answers {
				it := s.Items[i]
				if it.Q.Kind != Numeric {
					// Translate file letters into display letters.
					fileIdx, err := ParseChoice(ans, len(it.Q.Options))
					if err != nil {
						t.Fatal(err)
					}
					var disp []int
					for _, fi := range fileIdx {
						for d, o := range it.Order {
							if o == fi {
								disp = append(disp, d)
							}
						}
					}
					if err := s.Choose(i, disp, t0); err != nil {
						t.Fatalf("q%d: %v", i, err)
					}
				} else if _, err := s.Answer(i, ans, t0); err != nil {
					t.Fatalf("q%d: %v", i, err)
				}
				if it.Correct != tt.right[i] {
					t.Errorf("q%d %q answered %q: correct=%v, want %v", i, it.Q.Title, ans, it.Correct, tt.right[i])
				}
			}
		})
	}
}

func TestPublicBankDetails(t *testing.T) {
	qz := loadFixture(t, "testdata/bank-public.md")
	if qz.ID != "bank-public" || qz.Title != "Compute practice questions" {
		t.Errorf("id %q title %q", qz.ID, qz.Title)
	}
	q := qz.Questions[3]
	if q.Options[0].Text != "Run the containers on AWS Lambda and keep the instances for patching only." {
		t.Errorf("lazy option text = %q", q.Options[0].Text)
	}
	if !q.Fixed {
		t.Error(`"None of the above" must keep the order`)
	}
	if q.Text != "same Amazon EC2 instances the operations team already patches. Which option fits?" {
		t.Errorf("text = %q", q.Text)
	}
	if qz.Questions[2].Kind != Multi || qz.Questions[2].Prompt() != "Choose 2" {
		t.Errorf("multi prompt %q", qz.Questions[2].Prompt())
	}
}

func ExampleScaledScore() {
	fmt.Println(ScaledScore(0, 65), ScaledScore(45, 65), ScaledScore(65, 65))
	// Output: 100 723 1000
}

func TestRequest(t *testing.T) {
	seven := uint64(7)
	tests := []struct {
		name string
		req  Request
		want Config
		bad  bool
	}{
		{"defaults", Request{ID: "a"}, Config{Mode: Practice, Seed: uint64(t0.UnixNano()) % 1000000, Start: t0}, false},
		{"exam", Request{All: true, Mode: Exam, Count: 65, Time: 130 * time.Minute, Seed: &seven, Pass: 700},
			Config{Mode: Exam, Count: 65, Time: 130 * time.Minute, Seed: 7, Pass: 700, Start: t0}, false},
		{"bad mode", Request{Mode: "hard"}, Config{}, true},
		{"review is not a quiz mode", Request{Mode: Review}, Config{}, true},
		{"bad count", Request{Count: -2}, Config{}, true},
		{"time without exam", Request{Time: time.Minute}, Config{}, true},
		{"negative time", Request{Mode: Exam, Time: -time.Second}, Config{}, true},
		{"bad pass", Request{Pass: 1001}, Config{}, true},
		{"id and all", Request{ID: "a", All: true}, Config{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.Validate()
			if (err != nil) != tt.bad {
				t.Fatalf("err = %v", err)
			}
			if got := tt.req.Config(t0); !tt.bad && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPick(t *testing.T) {
	qs := []*Quiz{{ID: "a", Title: "A", Questions: sampleQuestions()[:2]}, {ID: "b", Questions: sampleQuestions()[2:]}}
	p, err := Pick(qs, "a", false)
	if err != nil || p.ID != "a" || len(p.Questions) != 2 {
		t.Errorf("Pick a = %+v, %v", p, err)
	}
	p, err = Pick(qs, "", true)
	if err != nil || p.ID != "all" || len(p.Questions) != 4 {
		t.Errorf("Pick all = %+v, %v", p, err)
	}
	for _, bad := range []struct {
		id  string
		all bool
	}{{"nope", false}, {"", false}, {"a", true}} {
		if _, err := Pick(qs, bad.id, bad.all); err == nil {
			t.Errorf("Pick(%q, %v) gave no error", bad.id, bad.all)
		}
	}
}

func TestWeakest(t *testing.T) {
	in := []Outcome{
		{"saa-cost", true}, {"saa-cost", false}, {"saa-cost", false},
		{"clf-tech", true}, {"clf-tech", true},
		{"saa-secure", false},
		{"", false},
		{"saa-performance", true}, {"saa-performance", false}, {"saa-performance", false},
	}
	var got []string
	for _, g := range Weakest(in) {
		got = append(got, fmt.Sprintf("%s %d/%d", g.Key, g.Correct, g.Total))
	}
	want := []string{"saa-secure 0/1", "saa-performance 1/3", "saa-cost 1/3", "clf-tech 2/2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Weakest = %v, want %v", got, want)
	}
}
