package quiz

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// Header is a quiz's front matter.
type Header struct {
	ID     string `yaml:"id"`
	Title  string `yaml:"title"`
	Lesson string `yaml:"lesson"`
	Domain string `yaml:"domain"`
	Exam   string `yaml:"exam"`

	// Lines of the front matter keys in the file, for problem positions.
	Lines course.KeyLines `yaml:"-"`
}

func (h Header) line(key string, def int) int {
	if l, ok := h.Lines[key]; ok {
		return l
	}
	return def
}

var md = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithHeadingAttribute()))
})

var idPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]*$`) })

// Parse parses a quiz body (the Markdown after the front matter). bodyLine
// is the 1-based line of body's first line in file, so problems and
// questions carry file lines.
func Parse(file string, body []byte, bodyLine int, h Header) (*Quiz, []course.Problem) {
	p := &parse{file: file, src: body, base: bodyLine, h: h}
	return p.run()
}

type parse struct {
	file   string
	src    []byte
	base   int
	h      Header
	lines  []int // offsets of line starts
	probs  []course.Problem
	seen   map[string]seenQ
	suffix map[string]int // next free "-N" suffix of a duplicated id
	result *Quiz
}

func (p *parse) problem(line int, format string, args ...any) {
	p.probs = append(p.probs, course.Problem{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// lineOf is the file line of a byte offset in the body.
func (p *parse) lineOf(off int) int {
	lo, hi := 0, len(p.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if p.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + p.base
}

// idx converts a file line to a 0-based body line index.
func (p *parse) idx(line int) int { return line - p.base }

// rawLines returns body lines [from, to) (file line numbers) as text.
func (p *parse) rawLines(from, to int) string {
	a, b := p.idx(from), p.idx(to)
	if a < 0 {
		a = 0
	}
	if b > len(p.lines) {
		b = len(p.lines)
	}
	if a >= b {
		return ""
	}
	start := p.lines[a]
	end := len(p.src)
	if b < len(p.lines) {
		end = p.lines[b]
	}
	return string(p.src[start:end])
}

func (p *parse) run() (*Quiz, []course.Problem) {
	p.lines = []int{0}
	for i, c := range p.src {
		if c == '\n' && i+1 <= len(p.src) {
			p.lines = append(p.lines, i+1)
		}
	}
	p.seen = map[string]seenQ{}
	p.suffix = map[string]int{}
	q := &Quiz{ID: p.h.ID, Title: p.h.Title, Lesson: p.h.Lesson, Domain: p.h.Domain, File: p.file}
	p.result = q
	if q.Domain != "" && looksLikeCode(q.Domain) {
		if _, ok := LookupDomain(q.Domain); !ok {
			p.problem(p.h.line("domain", p.base-1), "unknown domain code %q in front matter (known: %s; any other label, such as \"Networking\", is fine too)", q.Domain, strings.Join(DomainCodes(), ", "))
		}
	}
	if p.h.Exam != "" {
		if _, ok := Exams[p.h.Exam]; !ok {
			p.problem(p.h.line("exam", p.base-1), "exam %q: cloudlab knows %s", p.h.Exam, strings.Join(examNames(), ", "))
		}
	}
	doc := md().Parser().Parse(text.NewReader(p.src))
	var blocks []ast.Node
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		blocks = append(blocks, n)
	}
	level, found := p.questionLevel(blocks)
	if !found && p.listQuestions(blocks) {
		level = 0 // questions came from lists; headings are only titles
	}
	for i := 0; i < len(blocks) && level > 0; i++ {
		hd, ok := blocks[i].(*ast.Heading)
		if !ok || hd.Level != level {
			if ok && hd.Level == 1 && q.Title == "" {
				q.Title = p.headingText(hd)
			}
			continue
		}
		j := i + 1
		for j < len(blocks) {
			if h2, ok := blocks[j].(*ast.Heading); ok && h2.Level <= level {
				break
			}
			j++
		}
		end := p.base + len(p.lines) // one past the last line
		if j < len(blocks) {
			end = p.firstLine(blocks[j])
		}
		p.question(hd, blocks[i+1:j], end)
		i = j - 1
	}
	if q.Title == "" {
		for _, b := range blocks {
			if hd, ok := b.(*ast.Heading); ok && hd.Level == 1 {
				q.Title = p.headingText(hd)
				break
			}
		}
	}
	if q.Title == "" {
		q.Title = q.ID
	}
	if len(q.Questions) == 0 {
		msg := "quiz has no questions (each ## heading is a question, with a - [x]/- [ ] option list or an ```answer block)"
		if looksLettered(p.src) {
			msg += "; this looks like a bank with lettered options (A. ...) and an answer key: convert it with cloudlab import " + p.file
		}
		p.problem(p.base, "%s", msg)
	}
	return q, p.probs
}

// questionLevel picks the heading level of questions: 2 by the format, or
// the level whose headings most often own an option list or answer block
// (public banks use ### or #).
func (p *parse) questionLevel(blocks []ast.Node) (int, bool) {
	count := map[int]int{}
	for i, n := range blocks {
		hd, ok := n.(*ast.Heading)
		if !ok {
			continue
		}
		// A question heading owns one option list or answer block; a
		// section with several (or with questions nested in a list) is a
		// bank's title or chapter.
		owned := 0
		for j := i + 1; j < len(blocks); j++ {
			if _, ok := blocks[j].(*ast.Heading); ok {
				break
			}
			switch {
			case isTaskList(blocks[j]) || fenceInfo(blocks[j], p.src) == course.BlockAnswer:
				owned++
			case blocks[j].Kind() == ast.KindList && hasNestedTaskList(blocks[j]):
				owned += 2
			}
		}
		if owned == 1 {
			count[hd.Level]++
		}
	}
	best := 2
	for l := 1; l <= 6; l++ {
		if count[l] > count[best] {
			best = l
		}
	}
	return best, count[best] > 0
}

// listQuestions reads banks without question headings: a task list whose
// question is the paragraph(s) before it ("33.\nWhich ...?\n- [ ] ..."), or
// a list whose items hold a question and a nested task list
// ("- Which ...?\n  - [ ] ..."). A blockquote right after the options
// explains the question. It reports whether it found any question.
func (p *parse) listQuestions(blocks []ast.Node) bool {
	found := false
	eof := p.base + len(p.lines)
	endOf := func(bs []ast.Node, i, end int) int {
		if i+1 < len(bs) {
			return p.firstLine(bs[i+1])
		}
		return end
	}
	var pending []ast.Node
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		switch {
		case isTaskList(b):
			var text []ast.Node
			for _, x := range pending {
				if isQuestionText(x) {
					text = append(text, x)
				}
			}
			pending = nil
			if len(text) == 0 {
				p.problem(p.firstLine(b), "option list without a question before it")
				continue
			}
			group := append(text[1:], b)
			if i+1 < len(blocks) && blocks[i+1].Kind() == ast.KindBlockquote {
				i++
				group = append(group, blocks[i])
			}
			title := p.paragraphText(text[0])
			p.build(title, p.firstLine(text[0]), "", "", group, endOf(blocks, i, eof))
			found = true
		case b.Kind() == ast.KindList && hasNestedTaskList(b):
			pending = nil
			for item := b.FirstChild(); item != nil; item = item.NextSibling() {
				var kids []ast.Node
				for c := item.FirstChild(); c != nil; c = c.NextSibling() {
					kids = append(kids, c)
				}
				if len(kids) < 2 || !isQuestionText(kids[0]) {
					continue
				}
				itemEnd := endOf(blocks, i, eof)
				if item.NextSibling() != nil {
					itemEnd = p.firstLine(item.NextSibling())
				}
				p.build(p.paragraphText(kids[0]), p.firstLine(kids[0]), "", "", kids[1:], itemEnd)
				found = true
			}
		case b.Kind() == ast.KindHeading || b.Kind() == ast.KindThematicBreak ||
			b.Kind() == ast.KindBlockquote || isNumberOnly(b):
			pending = nil // "33." alone numbers the question that follows
		default:
			pending = append(pending, b)
		}
	}
	return found
}

// isNumberOnly: a list whose items are empty, such as "33." on its own line.
func isNumberOnly(n ast.Node) bool {
	if n.Kind() != ast.KindList {
		return false
	}
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		if item.HasChildren() {
			return false
		}
	}
	return true
}

func hasNestedTaskList(list ast.Node) bool {
	for item := list.FirstChild(); item != nil; item = item.NextSibling() {
		for c := item.FirstChild(); c != nil; c = c.NextSibling() {
			if isTaskList(c) {
				return true
			}
		}
	}
	return false
}

// isQuestionText: a paragraph (or the text of a tight list item).
func isQuestionText(n ast.Node) bool {
	return n.Kind() == ast.KindParagraph || n.Kind() == ast.KindTextBlock
}

// paragraphText is a paragraph's raw lines joined by spaces.
func (p *parse) paragraphText(n ast.Node) string {
	var parts []string
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		parts = append(parts, strings.TrimSpace(string(seg.Value(p.src))))
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

func isTaskList(n ast.Node) bool {
	l, ok := n.(*ast.List)
	if !ok || l.FirstChild() == nil {
		return false
	}
	_, ok = taskBox(l.FirstChild())
	return ok
}

// taskBox returns the check box of a list item, if it has one.
func taskBox(item ast.Node) (*east.TaskCheckBox, bool) {
	first := item.FirstChild()
	if first == nil || first.FirstChild() == nil {
		return nil, false
	}
	cb, ok := first.FirstChild().(*east.TaskCheckBox)
	return cb, ok
}

func fenceInfo(n ast.Node, src []byte) string {
	f, ok := n.(*ast.FencedCodeBlock)
	if !ok || f.Info == nil {
		return ""
	}
	info := strings.TrimSpace(string(f.Info.Segment.Value(src)))
	word, _, _ := strings.Cut(info, " ")
	return strings.ToLower(word)
}

// firstLine is the file line where a block starts (its fence or marker line).
func (p *parse) firstLine(n ast.Node) int {
	if f, ok := n.(*ast.FencedCodeBlock); ok {
		if f.Info != nil {
			return p.lineOf(f.Info.Segment.Start)
		}
		if f.Lines().Len() > 0 {
			return p.lineOf(f.Lines().At(0).Start) - 1
		}
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return p.lineOf(n.Lines().At(0).Start)
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if c.Type() != ast.TypeBlock {
			continue
		}
		if l := p.firstLine(c); l > 0 {
			return l
		}
	}
	// A block without text (thematic break, empty list item such as "33.",
	// empty fence): the first line after an anchor that looks like it.
	look := func(l string) bool { return strings.TrimSpace(l) != "" }
	switch n.Kind() {
	case ast.KindThematicBreak:
		look = thematic().MatchString
	case ast.KindList, ast.KindListItem:
		look = bareMarker().MatchString
	}
	for l := p.anchor(n) + 1; p.idx(l) < len(p.lines); l++ {
		if look(strings.TrimRight(p.rawLines(l, l+1), "\r\n")) {
			return l
		}
	}
	return p.base
}

var (
	thematic   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ {0,3}(-( *-){2,}|\*( *\*){2,}|_( *_){2,}) *$`) })
	bareMarker = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*(\d{1,9}[.)]|[-+*])\s*$`) })
)

// anchor is a line at or before n's start: its previous sibling's first
// line, or its parent's anchor.
func (p *parse) anchor(n ast.Node) int {
	if prev := n.PreviousSibling(); prev != nil {
		return p.firstLine(prev)
	}
	if parent := n.Parent(); parent != nil && parent.Kind() != ast.KindDocument {
		return p.anchor(parent)
	}
	return p.base - 1
}

// span is the source of blocks[i], up to the next block or end, trimmed.
func (p *parse) span(blocks []ast.Node, i, end int) string {
	next := end
	if i+1 < len(blocks) {
		next = p.firstLine(blocks[i+1])
	}
	return strings.TrimRight(p.rawLines(p.firstLine(blocks[i]), next), " \t\r\n")
}

var attrTail = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\s*\{[^{}]*\}\s*$`) })

// headingText is the heading's raw inline Markdown without attributes.
func (p *parse) headingText(hd *ast.Heading) string {
	var parts []string
	for i := 0; i < hd.Lines().Len(); i++ {
		s := hd.Lines().At(i)
		parts = append(parts, strings.TrimSpace(string(s.Value(p.src))))
	}
	t := strings.Join(parts, " ")
	if _, ok := hd.AttributeString("id"); ok || len(hd.Attributes()) > 0 {
		t = attrTail().ReplaceAllString(t, "")
	}
	t = strings.TrimRight(t, " #")
	return strings.TrimSpace(t)
}

// question parses a heading and the blocks of its section.
func (p *parse) question(hd *ast.Heading, blocks []ast.Node, end int) {
	line := p.firstLine(hd)
	id, domain := "", ""
	if v, ok := hd.AttributeString("id"); ok {
		if b, ok := v.([]byte); ok && len(b) > 0 {
			id = string(b)
		}
	}
	if v, ok := hd.AttributeString("domain"); ok {
		domain = attrString(v)
		if domain == "" {
			domain = "(empty)"
		}
	}
	p.build(p.headingText(hd), line, id, domain, blocks, end)
}

// build makes a question from its title, explicit id and domain (may be
// empty) and the blocks under it, which end before line end.
func (p *parse) build(title string, line int, id, domain string, blocks []ast.Node, end int) {
	q := &Question{
		Title:  title,
		Domain: p.h.Domain,
		QuizID: p.h.ID,
		Lesson: p.h.Lesson,
		File:   p.file,
		Line:   line,
	}
	explicit := false
	if id != "" {
		q.ID = id
		explicit = true
		if !idPattern().MatchString(q.ID) {
			p.problem(line, "question id %q: use letters, digits, - _ . :", q.ID)
		}
	}
	if domain != "" {
		if _, known := LookupDomain(domain); !known && looksLikeCode(domain) {
			p.problem(line, "unknown domain code %q (known: %s; any other label is fine too)", domain, strings.Join(DomainCodes(), ", "))
		} else {
			q.Domain = domain // a known code, or a free-form label
		}
	}
	q.Exam = p.h.Exam
	if q.Title == "" {
		p.problem(line, "question has no text")
	}
	if !explicit {
		q.ID = p.h.ID + "-" + slug(q.Title)
	}

	var body []string
	var list *ast.List
	haveAnswer := false
	for i, b := range blocks {
		bl := p.firstLine(b)
		switch {
		case isTaskList(b):
			if list != nil {
				p.problem(bl, "question has a second option list; put all options in one list")
				continue
			}
			list = b.(*ast.List)
			p.options(q, list)
		case fenceInfo(b, p.src) == course.BlockAnswer:
			if haveAnswer {
				p.problem(bl, "question has more than one ```answer block")
				continue
			}
			haveAnswer = true
			v, tol, err := ParseNumberAnswer(fenceText(b.(*ast.FencedCodeBlock), p.src))
			if err != nil {
				p.problem(bl+1, "numeric answer: %v", err)
			}
			q.Answer, q.Tolerance = v, tol
		case fenceInfo(b, p.src) == course.BlockSim:
			q.Sim = fenceText(b.(*ast.FencedCodeBlock), p.src)
			q.SimLine = bl + 1
		case course.IsHiddenBlock(fenceInfo(b, p.src)):
			// check/hint/solution blocks are for labs; readers never see them.
		case b.Kind() == ast.KindBlockquote && (list != nil || haveAnswer):
			ex := unquote(p.span(blocks, i, end))
			if q.Explanation != "" {
				q.Explanation += "\n\n"
			}
			q.Explanation += ex
		case list != nil:
			// Text after the options that is not an explanation (public
			// banks put "Back to top" links here): not part of the question.
		default:
			body = append(body, p.span(blocks, i, end))
		}
	}
	q.Text = strings.TrimSpace(dedent(strings.Join(body, "\n\n")))
	q.Text = imagesAsText(q, q.Text)
	q.Title = imagesAsText(q, q.Title)
	switch {
	case list != nil && haveAnswer:
		p.problem(line, "question has both options and an ```answer block; use one")
	case list != nil:
		p.checkChoice(q, line)
	case haveAnswer:
		q.Kind = Numeric
	default:
		p.problem(line, "question has no options (a - [x]/- [ ] list) and no ```answer block")
	}
	if q.Sim != "" && q.Kind != Numeric {
		p.problem(q.SimLine-1, "a ```sim block belongs to a numeric question only")
	}
	p.uniqueID(q, line, explicit)
	if q.Kind != 0 {
		p.result.Questions = append(p.result.Questions, q)
	}
}

// seenQ is a question id already given in this file: its line and what
// the question says (heading and options), to tell a real duplicate from
// two questions whose headings normalise alike.
type seenQ struct {
	line int
	sig  string
}

// uniqueID keeps question ids unique in the file. Two questions that say
// the same thing (heading and options) are a duplicate, reported once with
// both lines. Two different questions whose derived ids collide (headings
// that differ only in punctuation or case) are told apart by a short hash
// of what they say; explicit ids must be unique.
func (p *parse) uniqueID(q *Question, line int, explicit bool) {
	sig := strings.Join(strings.Fields(strings.ToLower(q.Title)), " ")
	for _, o := range q.Options {
		sig += "\x00" + strings.Join(strings.Fields(strings.ToLower(o.Text)), " ")
	}
	prev, dup := p.seen[q.ID]
	switch {
	case !dup:
	case prev.sig == sig:
		p.problem(line, "duplicate question (same as line %d)", prev.line)
	case explicit:
		p.problem(line, "duplicate question id %q (also at line %d)", q.ID, prev.line)
	default:
		h := sha256.Sum256([]byte(sig))
		if id := q.ID + "-" + hex.EncodeToString(h[:3]); p.seen[id].line == 0 {
			q.ID = id
			dup = false
		}
	}
	if dup {
		// Keep ids unique in the session and the review cards anyway.
		base := q.ID
		for n := max(2, p.suffix[base]); ; n++ {
			id := fmt.Sprintf("%s-%d", base, n)
			if _, taken := p.seen[id]; !taken {
				q.ID = id
				p.suffix[base] = n + 1
				break
			}
		}
	}
	p.seen[q.ID] = seenQ{line, sig}
}

func attrString(v any) string {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func (p *parse) checkChoice(q *Question, line int) {
	right := q.Choose()
	switch {
	case len(q.Options) < 2:
		p.problem(line, "question needs at least two options")
	case right == 0:
		p.problem(line, "question has no right answer (mark the right option - [x])")
	case right == len(q.Options):
		p.problem(line, "every option is marked right; leave at least one - [ ]")
	}
	if len(q.Options) > 26 {
		p.problem(line, "question has %d options; at most 26 (A-Z)", len(q.Options))
	}
	if right >= 2 {
		q.Kind = Multi
	} else {
		q.Kind = Single
	}
	if right == 0 || len(q.Options) < 2 || len(q.Options) > 26 {
		q.Kind = 0
	}
	for _, o := range q.Options {
		if RefersToPositions(o.Text) {
			q.Fixed = true
		}
	}
}

var boxPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\[[ \txX]\]\s*`) })

// options reads the task list's items.
func (p *parse) options(q *Question, list *ast.List) {
	for item := list.FirstChild(); item != nil; item = item.NextSibling() {
		cb, ok := taskBox(item)
		first := item.FirstChild()
		itemLine := p.firstLine(item)
		if !ok {
			p.problem(itemLine, "option without a check box; write - [ ] or - [x]")
			continue
		}
		opt := Option{Correct: cb.IsChecked}
		// The first line of the item's first paragraph is the option text;
		// following lines joined lazily (not indented past the marker) wrap
		// the text; indented continuation lines explain the option.
		segs := first.Lines()
		markerIndent := p.indentOfLine(itemLine)
		var textLines, expl []string
		inExpl := false
		for k := 0; k < segs.Len(); k++ {
			s := segs.At(k)
			v := strings.TrimSpace(string(s.Value(p.src)))
			if k == 0 {
				v = boxPrefix().ReplaceAllString(v, "")
				textLines = append(textLines, v)
				continue
			}
			if !inExpl && p.indentOfLine(p.lineOf(s.Start)) > markerIndent {
				inExpl = true
			}
			if inExpl {
				expl = append(expl, v)
			} else {
				textLines = append(textLines, v)
			}
		}
		opt.Text = imagesAsText(q, strings.TrimSpace(strings.Join(textLines, " ")))
		var rest []string
		if len(expl) > 0 {
			rest = append(rest, strings.Join(expl, "\n"))
		}
		var kids []ast.Node
		for c := first.NextSibling(); c != nil; c = c.NextSibling() {
			kids = append(kids, c)
		}
		itemEnd := p.base + len(p.lines)
		if item.NextSibling() != nil {
			itemEnd = p.firstLine(item.NextSibling())
		} else if list.NextSibling() != nil {
			itemEnd = p.firstLine(list.NextSibling())
		}
		for i := range kids {
			rest = append(rest, dedent(p.span(kids, i, itemEnd)))
		}
		opt.Explanation = strings.TrimSpace(strings.Join(rest, "\n\n"))
		if opt.Text == "" {
			p.problem(itemLine, "option has no text")
		}
		q.Options = append(q.Options, opt)
	}
}

func (p *parse) indentOfLine(line int) int {
	s := p.rawLines(line, line+1)
	n := 0
	for _, c := range s {
		switch c {
		case ' ':
			n++
		case '\t':
			n += 4 - n%4
		default:
			return n
		}
	}
	return n
}

func fenceText(f *ast.FencedCodeBlock, src []byte) string {
	var b bytes.Buffer
	for i := 0; i < f.Lines().Len(); i++ {
		s := f.Lines().At(i)
		b.Write(s.Value(src))
	}
	return strings.TrimRight(b.String(), "\n")
}

var quoteMark = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^[ \t]{0,3}> ?`) })

func unquote(s string) string { return strings.TrimSpace(quoteMark().ReplaceAllString(s, "")) }

// dedent removes the common leading indentation of non-blank lines.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	min := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if min < 0 || n < min {
			min = n
		}
	}
	if min <= 0 {
		return s
	}
	for i, l := range lines {
		if len(l) >= min {
			lines[i] = l[min:]
		} else {
			lines[i] = strings.TrimLeft(l, " ")
		}
	}
	return strings.Join(lines, "\n")
}

// slug makes an id from a whole heading: lower-case ASCII letters and
// digits, other runs of characters as one "-".
func slug(s string) string {
	// The whole heading: a cut would make different questions collide.
	if out := termtext.Slug(s, termtext.ASCIIAlnum); out != "" {
		return out
	}
	return "q"
}

// looksLikeCode reports whether a domain is meant as one of cloudlab's
// codes (clf-..., saa-..., dva-...), so a typo is caught; anything else is
// a free-form label, and the breakdown groups by it.
func looksLikeCode(d string) bool {
	for _, p := range []string{"clf-", "saa-", "dva-"} {
		if strings.HasPrefix(d, p) {
			return true
		}
	}
	return false
}

func examNames() []string {
	var out []string
	for k := range Exams {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var imageRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
})

// imagesAsText replaces each image in s with "[image: ALT — PATH]", which a
// terminal can show, and records the path on the question (a question
// that needs an image can then be left out of a draw).
func imagesAsText(q *Question, s string) string {
	return imageRe().ReplaceAllStringFunc(s, func(m string) string {
		sm := imageRe().FindStringSubmatch(m)
		q.Images = append(q.Images, sm[2])
		alt := strings.TrimSpace(sm[1])
		if alt == "" {
			alt = "picture"
		}
		return fmt.Sprintf("[image: %s — %s; the question needs it]", alt, sm[2])
	})
}

// letteredRe matches a lettered option line ("- A. text", "B) text").
var letteredRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\s*(?:[-*+]\s+)?\(?[A-Ha-h][.)]\s+\S`) })

// looksLettered reports whether a file without questions is a bank in a
// format cloudlab import converts: several lettered options, or answers in
// <details> blocks.
func looksLettered(src []byte) bool {
	return len(letteredRe().FindAllIndex(src, 3)) >= 3 || bytes.Contains(bytes.ToLower(src), []byte("<details"))
}
