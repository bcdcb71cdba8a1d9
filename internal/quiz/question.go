package quiz

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the type of a question.
type Kind int

// Question kinds.
const (
	Single  Kind = iota + 1 // multiple choice: one right option
	Multi                   // multiple response: two or more right options ("Choose N")
	Numeric                 // a number, graded within a tolerance
)

func (k Kind) String() string {
	switch k {
	case Single:
		return "single"
	case Multi:
		return "multi"
	case Numeric:
		return "numeric"
	}
	return "unknown"
}

// Option is one answer option of a choice question.
type Option struct {
	Text        string // inline Markdown
	Correct     bool
	Explanation string // Markdown; may be empty
}

// Question is one quiz question.
type Question struct {
	// Exam is the certification exam the question's bank names ("").
	Exam        string
	ID          string
	Title       string // the heading text (inline Markdown, attributes removed)
	Text        string // Markdown under the heading: paragraphs, code, tables
	Options     []Option
	Explanation string // Markdown of the blockquote after the options
	Kind        Kind
	Answer      float64 // numeric questions
	Tolerance   float64 // numeric questions; 0 means exact
	Domain      string  // domain code; the quiz's default when the heading has none
	QuizID      string
	Lesson      string // the quiz's lesson (for the breakdown)
	File        string
	Line        int    // 1-based line of the heading in File
	Sim         string // the ```sim block's text (numeric questions), for the content test
	SimLine     int    // line of the sim block's first command
	Fixed       bool   // an option refers to positions ("All of the above"): never shuffle
	// Images are the paths of the images the question shows; a terminal
	// cannot, so the text says [image: ALT — PATH] where each was.
	Images []string
}

// Choose is the number of right options (0 for numeric questions).
func (q *Question) Choose() int {
	n := 0
	for _, o := range q.Options {
		if o.Correct {
			n++
		}
	}
	return n
}

// Prompt is what the learner reads first: "Choose 2" for multiple
// response, "Enter a number" for numeric questions, "" otherwise.
func (q *Question) Prompt() string {
	switch q.Kind {
	case Multi:
		return fmt.Sprintf("Choose %d", q.Choose())
	case Numeric:
		return "Enter a number"
	}
	return ""
}

// Markdown is the question as one Markdown document: the title in bold,
// then the body.
func (q *Question) Markdown() string {
	var b strings.Builder
	b.WriteString("**")
	b.WriteString(q.Title)
	b.WriteString("**\n")
	if q.Text != "" {
		b.WriteString("\n")
		b.WriteString(q.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// AnswerText is the right answer as shown after grading: letters in the
// given display order ("B, D") or the number with its tolerance.
func (q *Question) AnswerText(order []int) string {
	if q.Kind == Numeric {
		return FormatNumber(q.Answer, q.Tolerance)
	}
	var parts []string
	for disp, orig := range orderOrIdentity(order, len(q.Options)) {
		if q.Options[orig].Correct {
			parts = append(parts, string(rune('A'+disp)))
		}
	}
	return strings.Join(parts, ", ")
}

// FormatNumber prints a number and an optional tolerance ("0.6175 ± 0.0001").
func FormatNumber(v, tol float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if tol > 0 {
		s += " ± " + strconv.FormatFloat(tol, 'f', -1, 64)
	}
	return s
}

// Quiz is a parsed quiz file.
type Quiz struct {
	ID, Title, Lesson, Domain string
	File                      string
	Questions                 []*Question
}
