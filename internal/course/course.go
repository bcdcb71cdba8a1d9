// Package course is the content model of cloudlab: lessons, quizzes and labs
// stored as Markdown files with YAML front matter, loaded from an fs.FS laid
// out as lessons/*.md, quizzes/*.md and labs/*.md. Load validates every file's
// front matter and the references between files and reports each problem as
// "file:line: message".
package course

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Problem is one thing wrong with a content file.
type Problem struct {
	File string
	Line int
	Msg  string
	// Warning: loading went on with a guess (a value derived from the file
	// name or its text, an unknown front-matter key ignored); `cloudlab
	// check --warnings` lists these, and they do not fail check.
	Warning bool
}

// String formats the problem as "file:line: msg" (or "file: msg" when the
// line is unknown).
// The message is one line, cut to maxProblemMsg characters: a problem
// never echoes a whole fence or a megabyte line.
func (p Problem) String() string {
	msg := strings.Join(strings.Fields(p.Msg), " ")
	if r := []rune(msg); len(r) > maxProblemMsg {
		msg = string(r[:maxProblemMsg-1]) + "…"
	}
	if p.Warning {
		msg = "warning: " + msg
	}
	if p.Line <= 0 {
		return fmt.Sprintf("%s: %s", p.File, msg)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, msg)
}

const maxProblemMsg = 300

// Doc is one content file.
type Doc struct {
	Path     string   // path inside the course fs.FS, e.g. lessons/01-x.md
	Source   []byte   // the whole file
	Body     []byte   // the Markdown after the front matter
	BodyLine int      // 1-based line of Body's first line in the file
	Keys     KeyLines // file line of each front-matter key
}

// Lesson is a lesson file.
type Lesson struct {
	Doc
	ID, Title, Track string
	Order, Minutes   int
	Objectives       []string
	Sources          []string
	Quiz, Lab        string
}

// QuizFile is the front matter of a quiz file; the quiz package parses the
// questions from its Body.
type QuizFile struct {
	Doc
	ID, Title, Lesson, Domain string
	// Exam names the certification exam a bank prepares for (CLF-C02,
	// SAA-C03, DVA-C02): its pass mark, question count and time.
	Exam string
}

// LabFile is the front matter of a lab file; the lab package parses the
// steps from its Body.
type LabFile struct {
	Doc
	ID, Title, Lesson string
	Minutes           int
	Setup             []string
	// World is where the lab's commands run: "" (the simulated cloud) or
	// "real" (Lambda handlers run as real processes on the wall clock).
	World string
}

// Course is a loaded course. Lessons are sorted by Order; quizzes and labs
// by id.
type Course struct {
	Lessons []*Lesson
	Quizzes []*QuizFile
	Labs    []*LabFile
}

// Track is a named group of lessons in course order.
type Track struct {
	Name    string
	Lessons []*Lesson
}

// Lesson returns the lesson with the given id, or nil.
func (c *Course) Lesson(id string) *Lesson {
	for _, l := range c.Lessons {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// Quiz returns the quiz with the given id, or nil.
func (c *Course) Quiz(id string) *QuizFile {
	for _, q := range c.Quizzes {
		if q.ID == id {
			return q
		}
	}
	return nil
}

// Lab returns the lab with the given id, or nil.
func (c *Course) Lab(id string) *LabFile {
	for _, l := range c.Labs {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// Index returns the position of the lesson in c.Lessons, or -1.
func (c *Course) Index(id string) int {
	for i, l := range c.Lessons {
		if l.ID == id {
			return i
		}
	}
	return -1
}

// LabsInOrder returns every lab in course order: by the position of the
// lesson it belongs to (labs without a known lesson last), then as loaded.
func (c *Course) LabsInOrder() []*LabFile {
	out := append([]*LabFile(nil), c.Labs...)
	pos := func(l *LabFile) int {
		if i := c.Index(l.Lesson); i >= 0 {
			return i
		}
		return len(c.Lessons)
	}
	sort.SliceStable(out, func(i, j int) bool { return pos(out[i]) < pos(out[j]) })
	return out
}

// LabsFor returns the labs of a lesson: the one its front matter names and
// any lab whose front matter names the lesson, without duplicates.
func (c *Course) LabsFor(lessonID string) []*LabFile {
	var out []*LabFile
	seen := map[string]bool{}
	if l := c.Lesson(lessonID); l != nil && l.Lab != "" {
		if lab := c.Lab(l.Lab); lab != nil {
			out = append(out, lab)
			seen[lab.ID] = true
		}
	}
	for _, lab := range c.Labs {
		if lab.Lesson == lessonID && !seen[lab.ID] {
			out = append(out, lab)
			seen[lab.ID] = true
		}
	}
	return out
}

// QuizFor returns the quiz of a lesson (the one its front matter names, or
// else a quiz whose front matter names the lesson), or nil.
func (c *Course) QuizFor(lessonID string) *QuizFile {
	if l := c.Lesson(lessonID); l != nil && l.Quiz != "" {
		if q := c.Quiz(l.Quiz); q != nil {
			return q
		}
	}
	for _, q := range c.Quizzes {
		if q.Lesson == lessonID {
			return q
		}
	}
	return nil
}

// Tracks groups the lessons by track, in the order in which each track first
// appears in the course.
func (c *Course) Tracks() []Track {
	var out []Track
	idx := map[string]int{}
	for _, l := range c.Lessons {
		i, ok := idx[l.Track]
		if !ok {
			i = len(out)
			idx[l.Track] = i
			out = append(out, Track{Name: l.Track})
		}
		out[i].Lessons = append(out[i].Lessons, l)
	}
	return out
}

func (c *Course) sort() {
	sort.SliceStable(c.Lessons, func(i, j int) bool {
		if c.Lessons[i].Order != c.Lessons[j].Order {
			return c.Lessons[i].Order < c.Lessons[j].Order
		}
		return c.Lessons[i].ID < c.Lessons[j].ID
	})
	sort.SliceStable(c.Quizzes, func(i, j int) bool { return c.Quizzes[i].ID < c.Quizzes[j].ID })
	sort.SliceStable(c.Labs, func(i, j int) bool { return c.Labs[i].ID < c.Labs[j].ID })
}

// SortProblems orders problems by file, then line.
func SortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
}

// ReaderMarkdown is the lesson as readers see it: the body with a short
// block after the title giving the track, the reading time and the
// objectives from the front matter.
func (l *Lesson) ReaderMarkdown() []byte {
	if len(l.Objectives) == 0 && l.Minutes == 0 {
		return l.Body
	}
	var info strings.Builder
	var meta []string
	if l.Track != "" {
		meta = append(meta, l.Track)
	}
	if l.Minutes > 0 {
		unit := "minutes"
		if l.Minutes == 1 {
			unit = "minute"
		}
		meta = append(meta, fmt.Sprintf("about %d %s", l.Minutes, unit))
	}
	if len(meta) > 0 {
		info.WriteString("*" + strings.Join(meta, " · ") + "*\n\n")
	}
	if len(l.Objectives) > 0 {
		info.WriteString("**In this lesson you will:**\n\n")
		for _, o := range l.Objectives {
			info.WriteString("- " + o + "\n")
		}
		info.WriteString("\n")
	}
	body := string(l.Body)
	// After the first top-level heading, if the body starts with one.
	trimmed := strings.TrimLeft(body, "\n")
	if strings.HasPrefix(trimmed, "# ") {
		lead := len(body) - len(trimmed)
		end := strings.IndexByte(trimmed, '\n')
		if end < 0 {
			return []byte(body + "\n\n" + info.String())
		}
		return []byte(body[:lead+end+1] + "\n" + info.String() + body[lead+end+1:])
	}
	return []byte(info.String() + body)
}

// The info strings of fenced blocks that hold what the program needs, not
// what a reader reads: lab checks, hints, solutions and the note shown when
// a step passes, a quiz question's
// numeric answer and its simulation. Readers never see these blocks.
const (
	BlockCheck    = "check"
	BlockHint     = "hint"
	BlockSolution = "solution"
	BlockPassed   = "passed"
	BlockAnswer   = "answer"
	BlockSim      = "sim"
)

// HiddenBlocks lists the info strings above.
var HiddenBlocks = []string{BlockCheck, BlockHint, BlockSolution, BlockPassed, BlockAnswer, BlockSim}

// IsHiddenBlock reports whether a fenced block with this info string is
// hidden from readers (case and surrounding spaces do not matter).
func IsHiddenBlock(info string) bool {
	info = strings.ToLower(strings.TrimSpace(info))
	for _, h := range HiddenBlocks {
		if info == h {
			return true
		}
	}
	return false
}

// DropUnnamed removes the lessons, quizzes and labs whose file gave no
// usable id (Load reported why): nothing can list or open them.
func (c *Course) DropUnnamed() {
	c.Lessons = slices.DeleteFunc(c.Lessons, func(l *Lesson) bool { return l.ID == "" })
	c.Quizzes = slices.DeleteFunc(c.Quizzes, func(q *QuizFile) bool { return q.ID == "" })
	c.Labs = slices.DeleteFunc(c.Labs, func(l *LabFile) bool { return l.ID == "" })
}

// Errors returns the problems that are not warnings.
func Errors(probs []Problem) []Problem {
	var out []Problem
	for _, p := range probs {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}
