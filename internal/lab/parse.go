// Package lab is the hands-on lab runner: it parses lab Markdown (steps with
// check, hint and solution blocks), compiles each check (an expr-lang boolean
// over the simulated cloud's state), and runs a learner's commands against a
// simulated account, unlocking steps in order as their checks pass.
//
// The package reads no wall clock and no global random source: time comes
// from the simulation kernel, so a run with the same seed is always the same.
package lab

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/expr-lang/expr/vm"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/shell"
)

// Lab is one parsed lab: front matter fields plus its steps.
type Lab struct {
	ID, Title, Lesson string
	Minutes           int
	Path              string
	// Setup are the command lines run before step 1 (front matter `setup`).
	Setup      []string
	reportOnce sync.Once
	wantReport bool
	// World is "real" for a lab whose Lambda handlers run as real
	// processes on the wall clock (front matter `world`; real.go), "" for
	// the simulated cloud.
	World string
	// Intro is the Markdown before the first step heading.
	Intro string
	Steps []*Step
}

// Step is one `##` section of a lab.
type Step struct {
	Title string
	// Line is the 1-based line of the step heading in the lab file.
	Line int
	// Body is the Markdown shown to the learner: the section without its
	// check, hint and solution blocks.
	Body string
	// Goal is the check in words, what the learner sees ("Passes when
	// hello has one cold start"): the # lines that open the check block.
	Goal string
	// Check is the expr-lang source (without the Goal lines); CheckLine
	// is the check block's first line in the file.
	Check     string
	CheckLine int
	// Passed is the Markdown shown once the step passes: what just
	// happened and why (the optional passed block).
	Passed string
	// Hints are shown one at a time, in order.
	Hints []string
	// Solution holds the command lines of the solution block (comments and
	// blank lines removed).
	Solution     []string
	SolutionLine int
	// SolutionLines are the file lines of the Solution commands.
	SolutionLines []int
	// StuckWhy is the sentence of the optional stuck block: why the step
	// can no longer pass and what to do (Runner.Stuck); StuckCheck its
	// expression.
	StuckWhy   string
	StuckCheck string

	program *vm.Program
	stuck   *vm.Program
}

// blockStuck is the optional block whose expression says the step's check
// can no longer pass without starting the step again.
const blockStuck = "stuck"

var md = sync.OnceValue(func() goldmark.Markdown { return goldmark.New(goldmark.WithExtensions(extension.GFM)) })

// lineIndex maps byte offsets of src to 1-based line numbers.
type lineIndex []int // start offsets of each line

func newLineIndex(src []byte) lineIndex {
	idx := lineIndex{0}
	for i, b := range src {
		if b == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// line returns the 0-based line holding offset off.
func (l lineIndex) line(off int) int {
	return sort.Search(len(l), func(i int) bool { return l[i] > off }) - 1
}

type special struct {
	kind        string
	first, last int // 0-based lines of the opening and closing fence (inclusive)
	content     string
	contentLine int // 0-based line of the first content line
}

type heading struct {
	title       string
	first, last int // 0-based lines
}

// Parse parses a lab body (the Markdown after the front matter). bodyLine is
// the 1-based line of body's first line in the file, so problems carry file
// lines. Parse never panics; every problem found is returned, and steps whose
// blocks are wrong are still returned so a viewer can show them. Checks are
// compiled here: a check that does not compile against the check environment
// is a problem at its line.
func Parse(body []byte, bodyLine int) (*Lab, []course.Problem) {
	if bodyLine < 1 {
		bodyLine = 1
	}
	var probs []course.Problem
	add := func(line0 int, format string, args ...any) {
		probs = append(probs, course.Problem{Line: line0 + bodyLine, Msg: fmt.Sprintf(format, args...)})
	}
	lines := newLineIndex(body)
	rawLines := strings.Split(string(body), "\n")
	doc := md().Parser().Parse(text.NewReader(body))

	var heads []heading
	var specials []special
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if n.Level != 2 || n.Parent() != doc || n.Lines().Len() == 0 {
				return ast.WalkSkipChildren, nil
			}
			segs := n.Lines()
			first := lines.line(segs.At(0).Start)
			last := lines.line(segs.At(segs.Len() - 1).Start)
			// A setext heading is underlined on the next line.
			if !strings.HasPrefix(strings.TrimSpace(rawLines[first]), "#") && last+1 < len(rawLines) {
				last++
			}
			title := strings.TrimSpace(string(segs.Value(body)))
			heads = append(heads, heading{title: title, first: first, last: last})
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock:
			if n.Info == nil {
				return ast.WalkSkipChildren, nil
			}
			info := strings.TrimSpace(string(n.Info.Segment.Value(body)))
			word, _, _ := strings.Cut(info, " ")
			if word != course.BlockCheck && word != course.BlockHint && word != course.BlockSolution && word != course.BlockPassed && word != blockStuck {
				return ast.WalkSkipChildren, nil
			}
			open := lines.line(n.Info.Segment.Start)
			if n.Parent() != doc {
				add(open, "a %s block must be at the top level of a step, not nested in a list or quote", word)
				return ast.WalkSkipChildren, nil
			}
			if word != info {
				add(open, "%s block: unexpected text %q after the info string", word, strings.TrimSpace(info[len(word):]))
			}
			s := special{kind: word, first: open, last: open, contentLine: open + 1}
			segs := n.Lines()
			if segs.Len() > 0 {
				s.content = string(segs.Value(body))
				s.last = lines.line(segs.At(segs.Len()-1).Start) + 1
			} else {
				s.last = open + 1
			}
			if s.last >= len(rawLines) || !isFence(rawLines[s.last]) {
				add(open, "%s block is not closed", word)
				if s.last >= len(rawLines) {
					s.last = len(rawLines) - 1
				}
			}
			specials = append(specials, s)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		add(0, "cannot parse the lab: %v", err)
		return &Lab{}, probs
	}

	lab := &Lab{}
	// Intro: everything before the first step heading.
	introEnd := len(rawLines)
	if len(heads) > 0 {
		introEnd = heads[0].first
	}
	for _, s := range specials {
		if s.first < introEnd {
			add(s.first, "%s block before the first step (a `## ` heading)", s.kind)
		}
	}
	lab.Intro = strings.TrimSpace(joinExcluding(rawLines, 0, introEnd, specials))

	for i, h := range heads {
		end := len(rawLines)
		if i+1 < len(heads) {
			end = heads[i+1].first
		}
		st := &Step{Title: h.title, Line: h.first + bodyLine}
		if st.Title == "" {
			add(h.first, "step heading is empty")
		}
		var checks, sols int
		for _, s := range specials {
			if s.first <= h.last || s.first >= end {
				continue
			}
			switch s.kind {
			case course.BlockCheck:
				checks++
				if checks > 1 {
					add(s.first, "step %q has more than one check block (combine them with `and`)", st.Title)
					continue
				}
				goal, src := splitGoal(s.content)
				st.Goal, st.Check = goal, strings.TrimSpace(src)
				st.CheckLine = s.contentLine + bodyLine
				if st.Check == "" {
					add(s.first, "step %q: check block is empty", st.Title)
					continue
				}
				if st.Goal == "" {
					add(s.first, "step %q: the check has no sentence for the learner (open the block with a # line, e.g. # Passes when hello has one cold start)", st.Title)
				}
				prog, cerr := compileCheck(src)
				if cerr != nil {
					add(s.contentLine+cerr.line-1, "step %q: check does not compile: %s", st.Title, cerr.msg)
					continue
				}
				st.program = prog
			case blockStuck:
				if st.stuck != nil || st.StuckCheck != "" {
					add(s.first, "step %q has more than one stuck block", st.Title)
					continue
				}
				why, src := splitGoal(s.content)
				st.StuckWhy, st.StuckCheck = why, strings.TrimSpace(src)
				if st.StuckCheck == "" || st.StuckWhy == "" {
					add(s.first, "step %q: a stuck block needs a # sentence for the learner and an expression", st.Title)
					continue
				}
				prog, cerr := compileCheck(src)
				if cerr != nil {
					add(s.contentLine+cerr.line-1, "step %q: stuck block does not compile: %s", st.Title, cerr.msg)
					continue
				}
				st.stuck = prog
			case course.BlockPassed:
				if st.Passed != "" {
					add(s.first, "step %q has more than one passed block", st.Title)
					continue
				}
				st.Passed = strings.TrimSpace(s.content)
			case course.BlockHint:
				h := strings.TrimSpace(s.content)
				if h == "" {
					add(s.first, "step %q: hint block is empty", st.Title)
					continue
				}
				st.Hints = append(st.Hints, h)
			case course.BlockSolution:
				sols++
				if sols > 1 {
					add(s.first, "step %q has more than one solution block", st.Title)
					continue
				}
				st.SolutionLine = s.contentLine + bodyLine
				cmds, err := shell.ScriptLines(s.content)
				if err != nil {
					add(s.first, "step %q: solution: %v", st.Title, err)
				}
				for _, c := range cmds {
					st.Solution = append(st.Solution, c.Text)
					st.SolutionLines = append(st.SolutionLines, st.SolutionLine+c.Line-1)
				}
				if len(st.Solution) == 0 {
					add(s.first, "step %q: solution block has no commands", st.Title)
				}
			}
		}
		if checks == 0 {
			add(h.first, "step %q has no check block (```check with an expression)", st.Title)
		}
		if sols == 0 {
			add(h.first, "step %q has no solution block (```solution with command lines)", st.Title)
		}
		st.Body = strings.TrimSpace(joinExcluding(rawLines, h.last+1, end, specials))
		lab.Steps = append(lab.Steps, st)
	}
	if len(heads) == 0 {
		add(0, "lab has no steps (each step is a `## ` heading with a check block)")
	}
	return lab, probs
}

func isFence(l string) bool {
	t := strings.TrimSpace(l)
	return strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")
}

// joinExcluding joins rawLines[from:to] leaving out the special blocks.
func joinExcluding(rawLines []string, from, to int, specials []special) string {
	var b bytes.Buffer
	for i := from; i < to && i < len(rawLines); i++ {
		skip := false
		for _, s := range specials {
			if i >= s.first && i <= s.last {
				skip = true
				break
			}
		}
		if skip {
			continue
		}
		b.WriteString(rawLines[i])
		b.WriteByte('\n')
	}
	return b.String()
}

// splitGoal takes the # lines that open a check block (its sentence for
// the learner) from the expression. The sentence lines become blank lines,
// so the expression keeps its line numbers.
func splitGoal(content string) (goal, src string) {
	lines := strings.Split(content, "\n")
	var words []string
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, "#") {
			break
		}
		words = append(words, strings.TrimSpace(strings.TrimPrefix(t, "#")))
		lines[i] = ""
	}
	return strings.Join(words, " "), strings.Join(lines, "\n")
}

// usesReport reports whether a check or stuck block of the lab names
// `report` (the raw report object), which a refresh then decodes.
func (l *Lab) usesReport() bool {
	l.reportOnce.Do(func() {
		for _, st := range l.Steps {
			if reportWord.MatchString(st.Check) || reportWord.MatchString(st.StuckCheck) {
				l.wantReport = true
			}
		}
	})
	return l.wantReport
}

var reportWord = regexp.MustCompile(`\breport\b`)
