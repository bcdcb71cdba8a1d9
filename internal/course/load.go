package course

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/cloudlab/cloudlab/internal/termtext"
)

// Folders of a course, inside its fs.FS.
const (
	LessonsDir = "lessons"
	QuizzesDir = "quizzes"
	LabsDir    = "labs"
)

var (
	idRe         = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })
	lessonNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+-(.+)\.md$`) })
	yamlLineRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:yaml: )?line ([0-9]+): (.*)$`) })
)

// KeyLines remembers the file line of each front-matter key, for problems
// found after parsing (cross references, duplicates, a lab's setup).
type KeyLines map[string]int

// Line is the file line of a front-matter key (1 when the key is absent).
func (k KeyLines) Line(key string) int {
	if n, ok := k[key]; ok {
		return n
	}
	return 1
}

// Load reads and validates a course. It always returns a Course holding
// every file it could read; problems are sorted by file and line. A nil
// problem list means the course is valid.
func Load(fsys fs.FS) (*Course, []Problem) {
	c := &Course{}
	var probs []Problem
	lessonLines := map[*Lesson]KeyLines{}
	quizLines := map[*QuizFile]KeyLines{}
	labLines := map[*LabFile]KeyLines{}

	for _, dir := range []string{LessonsDir, QuizzesDir, LabsDir} {
		names, err := mdFiles(fsys, dir)
		if err != nil {
			// A pack may lack any of the folders; one that exists and
			// cannot be read is a problem.
			if !errors.Is(err, fs.ErrNotExist) {
				probs = append(probs, Problem{File: dir, Msg: "cannot read folder: " + oneLine(err)})
			}
			continue
		}
		for _, name := range names {
			p := path.Join(dir, name)
			src, err := fs.ReadFile(fsys, p)
			if err != nil {
				probs = append(probs, Problem{File: p, Msg: "cannot read: " + oneLine(err)})
				continue
			}
			// Content is printed to terminals: whatever a terminal would act
			// on (escape sequences, control characters) is removed here, once,
			// and reported; line numbers stay as they were.
			if clean := termtext.Sanitize(string(src)); clean != string(src) {
				probs = append(probs, Problem{File: p, Line: firstUnclean(src), Msg: "control characters or invalid UTF-8 (escape sequences, BEL, NUL...) removed: a terminal would act on them"})
				src = []byte(clean)
			}
			if line, msg, ok := CheckLimits(src); !ok {
				probs = append(probs, Problem{File: p, Line: line, Msg: msg + " (the app refuses to render it)"})
			}
			switch dir {
			case LessonsDir:
				l, lines, ps := parseLesson(p, src)
				probs = append(probs, ps...)
				if l != nil {
					c.Lessons = append(c.Lessons, l)
					lessonLines[l] = lines
				}
			case QuizzesDir:
				q, lines, ps := parseQuiz(p, src)
				probs = append(probs, ps...)
				probs = append(probs, missingImages(fsys, p, src)...)
				if q != nil {
					c.Quizzes = append(c.Quizzes, q)
					quizLines[q] = lines
				}
			case LabsDir:
				l, lines, ps := parseLab(p, src)
				probs = append(probs, ps...)
				if l != nil {
					c.Labs = append(c.Labs, l)
					labLines[l] = lines
				}
			}
		}
	}
	if len(c.Lessons) == 0 && len(c.Quizzes) == 0 && len(c.Labs) == 0 && len(probs) == 0 {
		probs = append(probs, Problem{File: ".", Msg: "no lessons/, quizzes/ or labs/ with Markdown files"})
	}

	// Duplicates (files are visited in name order, so the later file is blamed).
	dups := duplicates{}
	orders := map[int]string{}
	for _, l := range c.Lessons {
		ln := lessonLines[l]
		probs = dups.check(probs, "lesson", l.ID, l.Path, ln.Line("id"))
		if l.Order > 0 {
			if prev, ok := orders[l.Order]; ok {
				probs = append(probs, Problem{File: l.Path, Line: ln.Line("order"), Msg: fmt.Sprintf("order %d is also used by %s", l.Order, prev)})
			} else {
				orders[l.Order] = l.Path
			}
		}
	}
	for _, q := range c.Quizzes {
		probs = dups.check(probs, "quiz", q.ID, q.Path, quizLines[q].Line("id"))
	}
	for _, l := range c.Labs {
		probs = dups.check(probs, "lab", l.ID, l.Path, labLines[l].Line("id"))
	}

	// Cross references.
	for _, l := range c.Lessons {
		ln := lessonLines[l]
		if l.Quiz != "" && c.Quiz(l.Quiz) == nil {
			probs = append(probs, Problem{File: l.Path, Line: ln.Line("quiz"), Msg: fmt.Sprintf("quiz %q does not exist (want %s/%s.md)", l.Quiz, QuizzesDir, l.Quiz)})
		}
		if l.Lab != "" && c.Lab(l.Lab) == nil {
			probs = append(probs, Problem{File: l.Path, Line: ln.Line("lab"), Msg: fmt.Sprintf("lab %q does not exist (want %s/%s.md)", l.Lab, LabsDir, l.Lab)})
		}
	}
	for _, q := range c.Quizzes {
		if q.Lesson != "" && c.Lesson(q.Lesson) == nil {
			probs = append(probs, Problem{File: q.Path, Line: quizLines[q].Line("lesson"), Msg: fmt.Sprintf("lesson %q does not exist", q.Lesson)})
		}
	}
	for _, l := range c.Labs {
		if l.Lesson != "" && c.Lesson(l.Lesson) == nil {
			probs = append(probs, Problem{File: l.Path, Line: labLines[l].Line("lesson"), Msg: fmt.Sprintf("lesson %q does not exist", l.Lesson)})
		}
	}

	c.sort()
	SortProblems(probs)
	return c, probs
}

var imageRefRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`!\[[^\]]*\]\(\s*<?([^)\s>]+)>?`) })

// missingImages warns about each image a file shows that is not in the
// course folder (web addresses are not checked).
func missingImages(fsys fs.FS, file string, src []byte) []Problem {
	var probs []Problem
	for i, line := range strings.Split(string(src), "\n") {
		for _, m := range imageRefRe().FindAllStringSubmatch(line, -1) {
			ref := m[1]
			if strings.Contains(ref, "://") || strings.HasPrefix(ref, "data:") {
				continue
			}
			target := path.Clean(path.Join(path.Dir(file), ref))
			if _, err := fs.Stat(fsys, target); err != nil {
				probs = append(probs, Problem{File: file, Line: i + 1, Msg: fmt.Sprintf("image %s not found (%s); the question shows its alt text instead", ref, target), Warning: true})
			}
		}
	}
	return probs
}

// firstUnclean is the 1-based line of the first character Sanitize
// removes or replaces.
func firstUnclean(src []byte) int {
	line := 1
	for _, l := range strings.SplitAfter(string(src), "\n") {
		body := strings.TrimSuffix(strings.TrimSuffix(l, "\n"), "\r")
		if termtext.Sanitize(body) != body {
			return line
		}
		line++
	}
	return 1
}

// mdFiles lists the Markdown files of a folder, sorted, skipping README.md
// and hidden files.
func mdFiles(fsys fs.FS, dir string) ([]string, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".md") || strings.EqualFold(n, "README.md") ||
			strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") {
			continue
		}
		out = append(out, n)
	}
	return out, nil
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// SplitFrontMatter splits a file into its YAML front matter (between a first
// line "---" and the next line "---" or "...") and the body. fmLine is the
// file line of the front matter's first line, bodyLine that of the body's.
// ok is false when the file has no front matter; a problem message is
// returned when it opens one but never closes it.
func SplitFrontMatter(src []byte) (fm []byte, fmLine int, body []byte, bodyLine int, ok bool, msg string) {
	first, rest, found := bytes.Cut(src, []byte("\n"))
	if strings.TrimRight(string(first), " \t\r") != "---" {
		return nil, 0, src, 1, false, ""
	}
	if !found {
		return nil, 0, nil, 1, false, "front matter opened with --- is never closed"
	}
	off := len(first) + 1
	line := 2
	for {
		l, next, more := bytes.Cut(rest, []byte("\n"))
		t := strings.TrimRight(string(l), " \t\r")
		if t == "---" || t == "..." {
			fm = src[len(first)+1 : off]
			end := off + len(l)
			if more {
				end++
			}
			return fm, 2, src[end:], line + 1, true, ""
		}
		if !more {
			return nil, 0, nil, 1, false, "front matter opened with --- is never closed"
		}
		off += len(l) + 1
		rest = next
		line++
	}
}

// yamlZeroBased reports whether yaml.v3 gives the line of this error 0-based:
// it does for parser (not scanner) errors, which point at the start of the
// construct being parsed (see parser.fail in gopkg.in/yaml.v3 decode.go).
func yamlZeroBased(msg string) bool {
	for _, p := range []string{
		"did not find expected <document start>", "did not find expected node content",
		"did not find expected key", "did not find expected ',' or ']'",
		"did not find expected ',' or '}'", "did not find expected '-' indicator",
		"found duplicate %YAML directive", "found incompatible YAML document",
		"found undefined tag handle", "found duplicate %TAG directive",
	} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// field decodes one front-matter value.
type field func(v *yaml.Node) string // returns a problem message or ""

func strField(dst *string) field {
	return func(v *yaml.Node) string {
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			return "want text"
		}
		*dst = strings.TrimSpace(v.Value)
		return ""
	}
}

func intField(dst *int) field {
	return func(v *yaml.Node) string {
		if v.Kind != yaml.ScalarNode {
			return "want a whole number"
		}
		n, err := strconv.Atoi(strings.TrimSpace(v.Value))
		if err != nil {
			return fmt.Sprintf("want a whole number, got %q", v.Value)
		}
		if n <= 0 {
			return fmt.Sprintf("want a number above 0, got %d", n)
		}
		*dst = n
		return ""
	}
}

func listField(dst *[]string) field {
	return func(v *yaml.Node) string {
		if v.Kind != yaml.SequenceNode {
			return "want a list (lines starting with \"- \")"
		}
		for _, it := range v.Content {
			if it.Kind != yaml.ScalarNode {
				return fmt.Sprintf("line %d: want text items", it.Line)
			}
			*dst = append(*dst, strings.TrimSpace(it.Value))
		}
		return ""
	}
}

// parseFront splits the file, decodes the front matter into fields and
// reports problems with file lines. required keys that are missing are
// reported at the front matter's opening line.
func parseFront(file string, src []byte, fields map[string]field, required []string) (Doc, KeyLines, []Problem) {
	lines := KeyLines{}
	doc := Doc{Path: file, Source: src, Keys: lines}
	fm, fmLine, body, bodyLine, ok, msg := SplitFrontMatter(src)
	if msg != "" {
		doc.Body, doc.BodyLine = src, 1
		return doc, lines, []Problem{{File: file, Line: 1, Msg: msg}}
	}
	if !ok {
		doc.Body, doc.BodyLine = src, 1
		return doc, lines, []Problem{{File: file, Line: 1, Msg: "missing front matter (the file must start with a --- line, then YAML keys, then ---)"}}
	}
	doc.Body, doc.BodyLine = body, bodyLine
	var probs []Problem
	var root yaml.Node
	if err := yaml.Unmarshal(fm, &root); err != nil {
		line, m := 1, err.Error()
		if yerr := new(yaml.TypeError); errors.As(err, &yerr) && len(yerr.Errors) > 0 {
			m = yerr.Errors[0]
		}
		m = strings.TrimPrefix(m, "yaml: ")
		if sm := yamlLineRe().FindStringSubmatch(m); sm != nil {
			n, _ := strconv.Atoi(sm[1])
			line, m = n+fmLine-1, sm[2]
			if yamlZeroBased(m) {
				line++
			}
		}
		return doc, lines, []Problem{{File: file, Line: line, Msg: "bad YAML in front matter: " + m}}
	}
	if len(root.Content) == 0 {
		return doc, lines, []Problem{{File: file, Line: 1, Msg: "empty front matter"}}
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return doc, lines, []Problem{{File: file, Line: m.Line + fmLine - 1, Msg: "front matter must be YAML keys (key: value)"}}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		kl := k.Line + fmLine - 1
		f, known := fields[k.Value]
		if !known {
			// Jekyll's layout, permalink, nav_order...: ignored, not fatal.
			probs = append(probs, Problem{File: file, Line: kl, Msg: fmt.Sprintf("unknown front-matter key %q ignored (known: %s)", k.Value, knownKeys(fields)), Warning: true})
			continue
		}
		if _, dup := lines[k.Value]; dup {
			probs = append(probs, Problem{File: file, Line: kl, Msg: fmt.Sprintf("front-matter key %q appears twice", k.Value)})
			continue
		}
		lines[k.Value] = kl
		if msg := f(v); msg != "" {
			probs = append(probs, Problem{File: file, Line: v.Line + fmLine - 1, Msg: k.Value + ": " + msg})
		}
	}
	for _, r := range required {
		if _, ok := lines[r]; !ok {
			probs = append(probs, Problem{File: file, Line: 1, Msg: fmt.Sprintf("missing front-matter key %q", r)})
		}
	}
	probs = append(probs, checkFences(file, body, bodyLine)...)
	return doc, lines, probs
}

func knownKeys(fields map[string]field) string {
	var ks []string
	for k := range fields {
		ks = append(ks, k)
	}
	sortStrings(ks)
	return strings.Join(ks, ", ")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// checkFences reports a fenced code block that is never closed: everything
// after it would otherwise silently turn into code.
func checkFences(file string, body []byte, bodyLine int) []Problem {
	var open string
	openLine := 0
	for i, raw := range strings.Split(string(body), "\n") {
		t := strings.TrimSpace(raw)
		if open == "" {
			if f := fenceRun(t); f != "" {
				open, openLine = f, bodyLine+i
			}
			continue
		}
		if f := fenceRun(t); f != "" && f[0] == open[0] && len(f) >= len(open) && strings.TrimSpace(t[len(f):]) == "" {
			open = ""
		}
	}
	if open != "" {
		return []Problem{{File: file, Line: openLine, Msg: "code block opened with " + open + " is never closed"}}
	}
	return nil
}

// fenceRun returns the leading run of ``` or ~~~ (3 or more) of a line.
func fenceRun(t string) string {
	if len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return ""
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 {
		return ""
	}
	if t[0] == '`' && strings.Contains(t[n:], "`") {
		return "" // an inline code span, not a fence
	}
	return t[:n]
}

func checkID(file string, lines KeyLines, id string) []Problem {
	if id != "" && !idRe().MatchString(id) {
		return []Problem{{File: file, Line: lines.Line("id"), Msg: fmt.Sprintf("id %q must be lowercase words joined by - (like lambda-anatomy)", id)}}
	}
	return nil
}

// ParseLesson parses one lesson file on its own (no cross references).
// file is its path inside the course, used in problems and to check the
// NN-id.md naming. It returns nil only when the file has no front matter.
func ParseLesson(file string, src []byte) (*Lesson, []Problem) {
	l, _, probs := parseLesson(file, src)
	SortProblems(probs)
	return l, probs
}

func parseLesson(file string, src []byte) (*Lesson, KeyLines, []Problem) {
	l := &Lesson{}
	fields := map[string]field{
		"id": strField(&l.ID), "title": strField(&l.Title), "track": strField(&l.Track),
		"order": intField(&l.Order), "minutes": intField(&l.Minutes),
		"objectives": listField(&l.Objectives), "sources": listField(&l.Sources),
		"quiz": strField(&l.Quiz), "lab": strField(&l.Lab),
	}
	doc, lines, probs := parseFront(file, src, fields, nil)
	l.Doc = doc
	noFrontMatter(probs)
	base := path.Base(file)
	m := lessonNameRe().FindStringSubmatch(base)
	guess := func(key, what string) {
		probs = append(probs, Problem{File: file, Line: 1, Msg: fmt.Sprintf("no %s in the front matter: %s", key, what), Warning: true})
	}
	if _, ok := lines["id"]; !ok {
		if m != nil {
			l.ID = m[1]
		} else {
			l.ID = idFromName(strings.TrimSuffix(base, ".md"))
		}
		guess("id", fmt.Sprintf("using %q from the file name", l.ID))
	}
	if _, ok := lines["title"]; !ok {
		if l.Title = firstTitle(doc.Body); l.Title == "" {
			l.Title = l.ID
		}
		guess("title", fmt.Sprintf("using %q", l.Title))
	}
	if _, ok := lines["order"]; !ok {
		if n, err := strconv.Atoi(strings.SplitN(base, "-", 2)[0]); err == nil {
			l.Order = n
		}
		guess("order", fmt.Sprintf("using %d from the file name", l.Order))
	}
	if _, ok := lines["minutes"]; !ok {
		l.Minutes = max(1, (len(strings.Fields(string(doc.Body)))+199)/200) // about 200 words a minute
		guess("minutes", fmt.Sprintf("about %d from the word count", l.Minutes))
	}
	probs = append(probs, checkID(file, lines, l.ID)...)
	if _, given := lines["id"]; given && l.ID != "" && idRe().MatchString(l.ID) {
		if m == nil || m[1] != l.ID {
			probs = append(probs, Problem{File: file, Line: lines.Line("id"), Msg: fmt.Sprintf("id %q does not match the file name %s (want NN-%s.md)", l.ID, base, l.ID)})
		}
	}
	if l.ID == "" && len(lines) == 0 && len(doc.Body) == len(src) {
		return nil, lines, probs
	}
	return l, lines, probs
}

func parseQuiz(file string, src []byte) (*QuizFile, KeyLines, []Problem) {
	if _, _, _, _, ok, msg := SplitFrontMatter(src); !ok && msg == "" {
		return parseBareQuiz(file, src)
	}
	q := &QuizFile{}
	fields := map[string]field{
		"id": strField(&q.ID), "title": strField(&q.Title),
		"lesson": strField(&q.Lesson), "domain": strField(&q.Domain), "exam": strField(&q.Exam),
	}
	doc, lines, probs := parseFront(file, src, fields, nil)
	q.Doc = doc
	probs = append(probs, deriveIDTitle(file, lines, doc.Body, &q.ID, &q.Title)...)
	probs = append(probs, checkID(file, lines, q.ID)...)
	if _, given := lines["id"]; given && q.ID != "" && path.Base(file) != q.ID+".md" {
		probs = append(probs, Problem{File: file, Line: lines.Line("id"), Msg: fmt.Sprintf("id %q does not match the file name %s (want %s.md)", q.ID, path.Base(file), q.ID)})
	}
	return q, lines, probs
}

func parseLab(file string, src []byte) (*LabFile, KeyLines, []Problem) {
	l := &LabFile{}
	fields := map[string]field{
		"id": strField(&l.ID), "title": strField(&l.Title), "lesson": strField(&l.Lesson),
		"minutes": intField(&l.Minutes), "setup": listField(&l.Setup), "world": strField(&l.World),
	}
	doc, lines, probs := parseFront(file, src, fields, nil)
	l.Doc = doc
	noFrontMatter(probs)
	if l.World != "" && l.World != "sim" && l.World != "real" {
		probs = append(probs, Problem{File: file, Line: lines.Line("world"), Msg: fmt.Sprintf("world %q: use sim (the simulated cloud, the default) or real (handlers run as real processes)", l.World)})
		l.World = ""
	}
	if l.World == "sim" {
		l.World = ""
	}
	probs = append(probs, deriveIDTitle(file, lines, doc.Body, &l.ID, &l.Title)...)
	probs = append(probs, checkID(file, lines, l.ID)...)
	if _, given := lines["id"]; given && l.ID != "" && path.Base(file) != l.ID+".md" {
		probs = append(probs, Problem{File: file, Line: lines.Line("id"), Msg: fmt.Sprintf("id %q does not match the file name %s (want %s.md)", l.ID, path.Base(file), l.ID)})
	}
	return l, lines, probs
}

// noFrontMatter turns "missing front matter" into a warning: a lesson or
// lab without it loads, with everything derived.
func noFrontMatter(probs []Problem) {
	for i, p := range probs {
		if strings.HasPrefix(p.Msg, "missing front matter") {
			probs[i].Msg = "no front matter: everything is derived from the file name and text"
			probs[i].Warning = true
		}
	}
}

// deriveIDTitle fills an id from the file name and a title from the first
// # heading when the front matter has none, and says so as warnings.
func deriveIDTitle(file string, lines KeyLines, body []byte, id, title *string) []Problem {
	var probs []Problem
	if _, ok := lines["id"]; !ok {
		*id = idFromName(strings.TrimSuffix(path.Base(file), ".md"))
		probs = append(probs, Problem{File: file, Line: 1, Msg: fmt.Sprintf("no id in the front matter: using %q from the file name", *id), Warning: true})
	}
	if _, ok := lines["title"]; !ok {
		if *title = firstTitle(body); *title == "" {
			*title = *id
		}
		probs = append(probs, Problem{File: file, Line: 1, Msg: fmt.Sprintf("no title in the front matter: using %q", *title), Warning: true})
	}
	return probs
}

// parseBareQuiz reads a quiz file without front matter, the way public
// practice banks are published ("# Title", then "### question" headings
// with "- [ ]"/"- [x]" options), so they load as they are: the id is the
// file name without .md (lowercased, other characters turned into -), the
// title the first # heading (else the id). Lessons and labs still need
// front matter.
func parseBareQuiz(file string, src []byte) (*QuizFile, KeyLines, []Problem) {
	body := bytes.TrimPrefix(src, []byte("\ufeff"))
	q := &QuizFile{Doc: Doc{Path: file, Source: src, Body: body, BodyLine: 1}}
	name := strings.TrimSuffix(path.Base(file), ".md")
	q.ID = idFromName(name)
	q.Title = firstTitle(body)
	if q.Title == "" {
		q.Title = q.ID
	}
	probs := checkFences(file, body, 1)
	if q.ID == "" {
		probs = append(probs, Problem{File: file, Line: 1, Msg: fmt.Sprintf("no quiz id can be made from the file name %q: rename the file (like aws-practice.md) or add front matter with id and title", path.Base(file))})
	}
	return q, KeyLines{}, probs
}

// idFromName turns a file name into an id: lowercase letters and digits,
// every other run of characters becomes one -.
func idFromName(name string) string { return termtext.Slug(name, termtext.ASCIIAlnum) }

var (
	atxH1Re    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ {0,3}#(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`) })
	setextH1Re = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ {0,3}=+[ \t]*$`) })
	attrsRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[ \t]*\{[^{}]*\}$`) })
)

// firstTitle is the text of the first level-1 heading (# Title, or Title
// underlined with ===) outside code blocks, without heading attributes;
// "" if there is none.
func firstTitle(body []byte) string {
	// Lines end with \n, \r\n or a lone \r, as in CommonMark.
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(string(body), "\r\n", "\n"), "\r", "\n"), "\n")
	fence := ""
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if fence != "" {
			if f := fenceRun(t); f != "" && f[0] == fence[0] && len(f) >= len(fence) && strings.TrimSpace(t[len(f):]) == "" {
				fence = ""
			}
			continue
		}
		if f := fenceRun(t); f != "" {
			fence = f
			continue
		}
		title := ""
		if m := atxH1Re().FindStringSubmatch(l); m != nil {
			title = m[1]
		} else if i+1 < len(lines) && t != "" && setextH1Re().MatchString(lines[i+1]) && !strings.HasPrefix(l, "    ") {
			title = t
		} else {
			continue
		}
		if title = strings.TrimSpace(attrsRe().ReplaceAllString(title, "")); title != "" {
			return title
		}
	}
	return ""
}

// duplicates remembers, per kind of file, which file first used an id.
type duplicates map[[2]string]string

// check reports id as a duplicate if another file of the same kind used it
// first; an empty id (already reported as missing) is skipped.
func (d duplicates) check(probs []Problem, kind, id, path string, line int) []Problem {
	if id == "" {
		return probs
	}
	k := [2]string{kind, id}
	if prev, ok := d[k]; ok {
		return append(probs, Problem{File: path, Line: line, Msg: fmt.Sprintf("duplicate %s id %q (also in %s)", kind, id, prev)})
	}
	d[k] = path
	return probs
}
