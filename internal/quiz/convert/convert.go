// Package convert turns question banks as they are published into
// cloudlab's quiz format: checkbox lists (- [ ] / - [x]), lettered options
// with the key in a <details> block ("Correct answer: A, C"), and numbered
// questions with lettered options and an answer line. It keeps
// explanations where the source has them and reports, with its line, every
// question it could not convert.
package convert

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/quiz"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// Formats are the names Convert accepts ("auto" detects one).
var Formats = []string{"auto", "checkbox", "details", "numbered"}

type option struct {
	text    string
	correct bool
}

type question struct {
	line        int
	title       string
	text        []string
	options     []option
	letters     []byte // the option letters, in order
	answer      string // letters of the answer key ("AC")
	explanation []string
}

// Detect guesses a bank's format from its text.
func Detect(src []byte) string {
	switch {
	case checkboxRe().Match(src):
		return "checkbox"
	case bytes.Contains(bytes.ToLower(src), []byte("<details")):
		return "details"
	}
	return "numbered"
}

var (
	checkboxRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\s*[-*+]\s+\[[ xX]\]\s`) })
	headingRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#{1,6}\s+(.*)$`) })
	numberedRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:#{1,6}\s+)?(?:Q(?:uestion)?\s*)?(\d{1,4})\s*[.):]\s+(\S.*)$`)
	})
	optionRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*(?:[-*+]\s+)?\(?([A-Ha-h])[.)]\s+(\S.*)$`) })
	answerRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^\s*(?:[-*>]\s*)?(?:\*\*)?(?:correct\s+)?answers?(?:\*\*)?\s*(?:is)?\s*[:：]?\s*(?:\*\*)?\s*([A-H](?:\s*(?:,|&|and|/)?\s*[A-H])*)\b\.?(?:\*\*)?\s*(.*)$`)
	})
	listStartRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*([-*+#>]|\d+[.)]|` + "```" + `|~~~)`) })
	tagRe       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)</?(details|summary)[^>]*>`) })
	summaryRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)<summary[^>]*>.*?</summary>`) })
)

// Convert turns a bank into a quiz file named name (its id comes from the
// name, its title from the bank's first # heading). It returns the quiz's
// Markdown and the questions it could not convert.
func Convert(name string, src []byte, format string) ([]byte, []course.Problem, error) {
	// Whatever a terminal would act on goes before anything else.
	src = []byte(termtext.Sanitize(string(src)))
	if format == "" || format == "auto" {
		format = Detect(src)
	}
	id := idFrom(name)
	var qs []question
	var probs []course.Problem
	switch format {
	case "checkbox":
		qz, ps := quiz.LoadFile(id+".md", src)
		for _, p := range ps {
			if !p.Warning {
				p.File = name
				probs = append(probs, p)
			}
		}
		for _, q := range qz.Questions {
			cq := question{line: q.Line, title: q.Title}
			if q.Text != "" {
				cq.text = []string{q.Text}
			}
			for _, o := range q.Options {
				cq.options = append(cq.options, option{o.Text, o.Correct})
				if o.Explanation != "" {
					cq.explanation = append(cq.explanation, fmt.Sprintf("%s: %s", o.Text, o.Explanation))
				}
			}
			if q.Explanation != "" {
				cq.explanation = append(cq.explanation, q.Explanation)
			}
			if q.Kind == quiz.Numeric {
				probs = append(probs, course.Problem{File: name, Line: q.Line, Msg: "a numeric question is kept as it is only in cloudlab's own format; not converted"})
				continue
			}
			qs = append(qs, cq)
		}
	case "details", "numbered":
		qs, probs = parseLettered(name, src)
	default:
		return nil, nil, fmt.Errorf("format %q: want one of %s", format, strings.Join(Formats, ", "))
	}
	title := firstHeading(src)
	if title == "" {
		title = id
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\nid: %s\ntitle: %q\n---\n", id, title)
	n := 0
	for _, q := range qs {
		if len(q.options) < 2 {
			probs = append(probs, course.Problem{File: name, Line: q.line, Msg: fmt.Sprintf("question %q has fewer than two options; not converted", clip(q.title))})
			continue
		}
		right := 0
		for _, o := range q.options {
			if o.correct {
				right++
			}
		}
		if right == 0 {
			probs = append(probs, course.Problem{File: name, Line: q.line, Msg: fmt.Sprintf("question %q has no answer key this format can read; not converted", clip(q.title))})
			continue
		}
		var qb strings.Builder
		fmt.Fprintf(&qb, "\n## %s\n\n", oneLine(q.title))
		if len(q.text) > 0 {
			for _, l := range q.text {
				// Text is text: a line that would start a list or a
				// heading is escaped.
				if listStartRe().MatchString(l) {
					l = "\\" + strings.TrimSpace(l)
				}
				qb.WriteString(l + "\n")
			}
			qb.WriteString("\n")
		}
		for _, o := range q.options {
			box := " "
			if o.correct {
				box = "x"
			}
			fmt.Fprintf(&qb, "- [%s] %s\n", box, oneLine(o.text))
		}
		if len(q.explanation) > 0 {
			qb.WriteString("\n")
			for _, l := range strings.Split(strings.TrimSpace(strings.Join(q.explanation, "\n\n")), "\n") {
				qb.WriteString(strings.TrimRight("> "+l, " ") + "\n")
			}
		}
		// The question must load as cloudlab reads it; else it is
		// reported, not written.
		if _, ps := quiz.LoadFile("q.md", []byte("# q\n"+qb.String())); len(course.Errors(ps)) > 0 {
			probs = append(probs, course.Problem{File: name, Line: q.line, Msg: fmt.Sprintf("question %q: %s; not converted", clip(q.title), course.Errors(ps)[0].Msg)})
			continue
		}
		n++
		b.WriteString(qb.String())
	}
	if n == 0 {
		return nil, probs, fmt.Errorf("%s: no question could be converted (format %s)", name, format)
	}
	return []byte(b.String()), probs, nil
}

// parseLettered reads lettered options with an answer key: in a <details>
// block or on an "Answer: B" line.
func parseLettered(name string, src []byte) ([]question, []course.Problem) {
	var qs []question
	var probs []course.Problem
	var cur *question
	inDetails := false
	flush := func() {
		if cur == nil {
			return
		}
		for _, c := range strings.ToUpper(cur.answer) {
			i := bytes.IndexByte(cur.letters, byte(c))
			if i < 0 {
				probs = append(probs, course.Problem{File: name, Line: cur.line, Msg: fmt.Sprintf("question %q: the answer names %c, which is not an option", clip(cur.title), c)})
				cur.answer = ""
				break
			}
			cur.options[i].correct = true
		}
		qs = append(qs, *cur)
		cur = nil
	}
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	for i, raw := range lines {
		line := strings.TrimRight(raw, " \t")
		lower := strings.ToLower(line)
		if strings.Contains(lower, "<details") {
			inDetails = true
		}
		text := strings.TrimSpace(tagRe().ReplaceAllString(summaryRe().ReplaceAllString(line, ""), ""))
		closes := strings.Contains(lower, "</details")
		switch {
		case text == "":
		case cur != nil && cur.answer == "" && answerRe().MatchString(text) && (inDetails || len(cur.options) > 0):
			m := answerRe().FindStringSubmatch(text)
			cur.answer = strings.Map(func(r rune) rune {
				if r >= 'A' && r <= 'H' || r >= 'a' && r <= 'h' {
					return r
				}
				return -1
			}, m[1])
			if rest := strings.TrimSpace(m[2]); rest != "" {
				cur.explanation = append(cur.explanation, rest)
			}
		case cur != nil && cur.answer != "" && inDetails:
			cur.explanation = append(cur.explanation, text)
		case !inDetails && numberedRe().MatchString(line) && !optionRe().MatchString(line):
			flush()
			m := numberedRe().FindStringSubmatch(line)
			cur = &question{line: i + 1, title: m[2]}
		case !inDetails && headingRe().MatchString(line) && (cur == nil || len(cur.options) > 0 || cur.answer != ""):
			m := headingRe().FindStringSubmatch(line)
			if i == firstHeadingLine(lines) {
				break // the bank's title
			}
			flush()
			cur = &question{line: i + 1, title: m[1]}
		case cur != nil && !inDetails && optionRe().MatchString(line):
			m := optionRe().FindStringSubmatch(line)
			l := strings.ToUpper(m[1])[0]
			if len(cur.letters) > 0 && l != cur.letters[len(cur.letters)-1]+1 {
				// Not the next letter: part of the option before.
				cur.options[len(cur.options)-1].text += " " + text
				break
			}
			cur.letters = append(cur.letters, l)
			cur.options = append(cur.options, option{text: m[2]})
		case cur != nil && cur.answer != "":
			// After the key: the explanation.
			cur.explanation = append(cur.explanation, strings.TrimSpace(strings.TrimPrefix(text, "Explanation:")))
		case cur != nil && len(cur.options) > 0 && !inDetails && strings.HasPrefix(raw, "  "):
			// A wrapped option line.
			cur.options[len(cur.options)-1].text += " " + text
		case cur != nil && len(cur.options) == 0 && !inDetails:
			cur.text = append(cur.text, text)
		}
		if closes {
			inDetails = false
		}
	}
	flush()
	return qs, probs
}

func firstHeadingLine(lines []string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, "# ") {
			return i
		}
	}
	return -1
}

func firstHeading(src []byte) string {
	for _, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "# ") {
			return strings.TrimSpace(strings.TrimPrefix(l, "# "))
		}
	}
	return ""
}

// idFrom makes a quiz id from a file name: lowercase letters and digits,
// other runs of characters turned into -.
func idFrom(name string) string {
	base := strings.TrimSuffix(path.Base(strings.ReplaceAll(name, "\\", "/")), path.Ext(name))
	if id := termtext.Slug(base, termtext.ASCIIAlnum); id != "" {
		return id
	}
	return "imported"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string) string {
	s = oneLine(s)
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}
