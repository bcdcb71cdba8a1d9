package contenttest

// Accuracy tests for issue 15 ("Teach only what is true"). Each test reads
// the lesson or quiz text and fails when the old, wrong or incomplete
// wording comes back. The AWS page each fact rests on is named in the
// test's comment and in the lesson's `sources:` front matter.

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/quiz"
)

// block is one paragraph, list item, option or explanation of a content
// file, with the file and line it starts at.
type block struct {
	file string
	line int
	text string
}

func loadCourse(t *testing.T) (*course.Course, []*quiz.Quiz) {
	t.Helper()
	c, probs := course.Load(course.Embedded())
	for _, p := range probs {
		t.Fatal(p.String())
	}
	quizzes, qprobs := quiz.Load(c)
	for _, p := range qprobs {
		t.Fatal(p.String())
	}
	return c, quizzes
}

func lessonText(t *testing.T, c *course.Course, id string) string {
	t.Helper()
	l := c.Lesson(id)
	if l == nil {
		t.Fatalf("no lesson %q", id)
	}
	return string(l.Body)
}

func question(t *testing.T, quizzes []*quiz.Quiz, id string) *quiz.Question {
	t.Helper()
	for _, qz := range quizzes {
		for _, q := range qz.Questions {
			if q.ID == id {
				return q
			}
		}
	}
	t.Fatalf("no question %q", id)
	return nil
}

// questionText is everything a learner reads for a question: title, body,
// options with their explanations, and the explanation.
func questionText(q *quiz.Question) string {
	var b strings.Builder
	b.WriteString(q.Title + "\n" + q.Text + "\n")
	for _, o := range q.Options {
		b.WriteString(o.Text + "\n" + o.Explanation + "\n")
	}
	b.WriteString(q.Explanation)
	return b.String()
}

// norm joins lines and squeezes spaces, so a phrase wrapped over two lines
// still matches.
func norm(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func mustContain(t *testing.T, where, text string, want ...string) {
	t.Helper()
	n := norm(text)
	for _, w := range want {
		if !strings.Contains(n, norm(w)) {
			t.Errorf("%s: does not say %q", where, w)
		}
	}
}

func mustNotMatch(t *testing.T, where, text string, re *regexp.Regexp, why string) {
	t.Helper()
	if m := re.FindString(norm(text)); m != "" {
		t.Errorf("%s: says %q: %s", where, m, why)
	}
}

// lessonBlocks splits every lesson body into paragraphs and list items.
func lessonBlocks(c *course.Course) []block {
	var out []block
	for _, l := range c.Lessons {
		out = append(out, splitBlocks(l.Path, l.BodyLine, string(l.Body))...)
	}
	return out
}

var listStart = regexp.MustCompile(`^\s*([-*+]|\d+\.)\s`)

func splitBlocks(file string, firstLine int, body string) []block {
	var out []block
	var cur []string
	start := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, block{file, start, strings.Join(cur, "\n")})
		}
		cur = nil
	}
	for i, line := range strings.Split(body, "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if listStart.MatchString(line) {
			flush()
		}
		if len(cur) == 0 {
			start = firstLine + i
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// quizBlocks makes one block of each question's title and text, each option
// with its explanation, and each explanation.
func quizBlocks(quizzes []*quiz.Quiz) []block {
	var out []block
	for _, qz := range quizzes {
		for _, q := range qz.Questions {
			out = append(out, block{q.File, q.Line, q.Title + "\n" + q.Text})
			for _, o := range q.Options {
				out = append(out, block{q.File, q.Line, o.Text + "\n" + o.Explanation})
			}
			out = append(out, block{q.File, q.Line, q.Explanation})
		}
	}
	return out
}

// TestLambdaFifteenMinuteLimitIsQualified: since Lambda Managed Instances
// (asynchronous and event-source invocations up to 90 minutes) and durable
// functions (executions up to one year), "Lambda runs at most 15 minutes" is
// false by omission. Every paragraph, list item, option or explanation that
// states the 15-minute (900 s) ceiling must say which functions it is about:
// standard functions, or synchronous invocations.
// Sources: https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html,
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html,
// https://docs.aws.amazon.com/lambda/latest/dg/durable-basic-concepts.html
func TestLambdaFifteenMinuteLimitIsQualified(t *testing.T) {
	c, quizzes := loadCourse(t)
	limit := regexp.MustCompile(`(?i)(at most|up to|longer than|more than|within|over|beyond|exceeds?|stops? at|limited to|maximum( timeout)?( of| is)?|max|ceiling of|limit of)\W+(\*\*)?(15|fifteen)[ -]min|(15|fifteen)[ -]minutes? (at most|limit|ceiling|maximum|max|timeout|cap)|(15|fifteen)-minute (limit|ceiling|maximum|timeout|cap|invocations?|functions?|runs?)|900 s(econds?)?\W+(max|\(15)|(max(imum)?|up to|raised to|limit( is|:)?)\W+(\*\*)?900\b|\b1 s to 900 s`)
	qualified := regexp.MustCompile(`(?i)\bstandard\b|\bsynchronous|managed instances|durable`)
	exempt := regexp.MustCompile(`(?i)delay|rate\(|idle|shutdown|visibility|every 15 minutes|backs? off|back-off`)
	blocks := append(lessonBlocks(c), quizBlocks(quizzes)...)
	for _, b := range blocks {
		text := norm(b.text)
		if !limit.MatchString(text) || exempt.MatchString(text) {
			continue
		}
		if !qualified.MatchString(text) {
			t.Errorf("%s:%d: states Lambda's 15-minute limit without saying it is for standard functions (or synchronous invocations): %q",
				b.file, b.line, limit.FindString(text))
		}
	}
}

// knownSources are the short names a lesson may list instead of a URL;
// docs/sources.md says what each stands for.
var knownSources = map[string]bool{
	"LDG": true, "EDG": true, "PRICE": true, "RIE": true, "ALG": true, "SIMFAAS": true,
}

// TestEveryLessonListsItsSources: every lesson names the pages its claims
// rest on, as https URLs (or the documented short names), and at least one
// of them is a URL a reader can open.
func TestEveryLessonListsItsSources(t *testing.T) {
	c, _ := loadCourse(t)
	for _, l := range c.Lessons {
		urls := 0
		for _, s := range l.Sources {
			if knownSources[s] {
				continue
			}
			u, err := url.Parse(s)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				t.Errorf("%s: source %q is neither an https URL nor a known short name", l.Path, s)
				continue
			}
			urls++
		}
		if urls == 0 {
			t.Errorf("%s: lesson %s lists no source URL", l.Path, l.ID)
		}
	}
}

// TestShortSourceNamesAreDocumented: each short name used in `sources:` is
// explained in docs/sources.md of the repository (read from disk, since the
// docs folder is not embedded).
func TestShortSourceNamesAreDocumented(t *testing.T) {
	doc := readRepoFile(t, "docs/sources.md")
	for name := range knownSources {
		if !strings.Contains(doc, "`"+name+"`") {
			t.Errorf("docs/sources.md does not define the short source name %s", name)
		}
	}
}

// TestNoInternalFactSheetNamedInContent: the course cites AWS pages, never
// the team's internal fact sheet, which is not part of the repository.
func TestNoInternalFactSheetNamedInContent(t *testing.T) {
	c, _ := loadCourse(t)
	var docs []course.Doc
	for _, l := range c.Lessons {
		docs = append(docs, l.Doc)
	}
	for _, q := range c.Quizzes {
		docs = append(docs, q.Doc)
	}
	for _, d := range docs {
		if strings.Contains(strings.ToUpper(string(d.Source)), "FACTS"+".MD") {
			t.Errorf("%s: names an internal fact sheet; cite the AWS page instead", d.Path)
		}
	}
}

func lineOf(text, sub string) int {
	i := strings.Index(text, sub)
	if i < 0 {
		return 0
	}
	return strings.Count(text[:i], "\n") + 1
}

func where(path string, line int) string {
	return fmt.Sprintf("%s:%d", path, line)
}

// readRepoFile reads a file of the repository, relative to its root (this
// package is two folders below it).
func readRepoFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
