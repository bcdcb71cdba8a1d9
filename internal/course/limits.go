package course

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"go.abhg.dev/goldmark/frontmatter"
)

// Limits on a Markdown document, so rendering any document ends in bounded
// time and memory: the renderer recurses per nesting level and wraps long
// words in quadratic time, and a document far past these limits is not a
// lesson anyway.
const (
	MaxDocBytes  = 1 << 20 // 1 MiB
	MaxLineBytes = 4000    // a line of prose, a table row or a command
	MaxRun       = 64      // one Markdown marker (* _ [ ] > `) repeated
	MaxDepth     = 16      // blocks and inlines nested in each other
)

// limitsParser reads Markdown with the extensions the renderer uses (GFM,
// definition lists, front matter), so the tree measured is the one the
// renderer builds: front matter is never rendered and is not measured.
var limitsParser = sync.OnceValue(func() parser.Parser {
	return goldmark.New(goldmark.WithExtensions(extension.GFM, extension.DefinitionList, &frontmatter.Extender{})).Parser()
})

// ParseMarkdown parses doc with the extensions the renderer uses and
// nothing else (no AST transformers), without checking any limit.
func ParseMarkdown(doc []byte) ast.Node {
	return limitsParser().Parse(text.NewReader(doc))
}

// CheckLimits measures a Markdown document against the limits above and
// returns the first one it breaks: its 1-based line in doc and a message,
// or ok. Lines inside fenced code blocks may hold any characters, but not
// be longer than MaxLineBytes.
func CheckLimits(doc []byte) (line int, msg string, ok bool) {
	_, line, msg, ok = ParseWithinLimits(doc)
	return line, msg, ok
}

// ParseWithinLimits is CheckLimits that also returns the tree it measured
// (ParseMarkdown's, nil when the document breaks a limit), so a caller can
// use it instead of parsing the document again.
func ParseWithinLimits(doc []byte) (root ast.Node, line int, msg string, ok bool) {
	line, msg, ok = checkLines(doc)
	if !ok {
		return nil, line, msg, false
	}
	root = ParseMarkdown(doc)
	if line, msg, ok = checkDepth(doc, root); !ok {
		return nil, line, msg, false
	}
	return root, 0, "", true
}

// checkLines checks the size of doc and each of its lines (nothing is
// parsed yet).
func checkLines(doc []byte) (line int, msg string, ok bool) {
	if len(doc) > MaxDocBytes {
		return 1, fmt.Sprintf("the document is %d bytes; at most %d", len(doc), MaxDocBytes), false
	}
	fence := ""
	for i, l := range strings.Split(string(doc), "\n") {
		if len(l) > MaxLineBytes {
			return i + 1, fmt.Sprintf("line is %d bytes long; at most %d (break it up)", len(l), MaxLineBytes), false
		}
		t := strings.TrimSpace(l)
		switch {
		case fence != "" && strings.HasPrefix(t, fence):
			fence = ""
			continue
		case fence == "" && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")):
			fence = t[:3]
			continue
		case fence != "":
			continue
		}
		if n := nestingPrefix(l); n > 2*MaxDepth {
			return i + 1, fmt.Sprintf("nested %d levels deep at the start of the line (quotes, lists); at most %d", n, 2*MaxDepth), false
		}
		if c, n := longestRun(l, "*_[]>`"); n > MaxRun {
			return i + 1, fmt.Sprintf("%q repeated %d times in a row; at most %d", string(c), n, MaxRun), false
		}
	}
	return 0, "", true
}

// checkDepth checks how deeply root, doc's tree, nests.
func checkDepth(doc []byte, root ast.Node) (line int, msg string, ok bool) {
	deepest, at := 0, ast.Node(nil)
	var walk func(n ast.Node, depth int)
	walk = func(n ast.Node, depth int) {
		if depth > deepest {
			deepest, at = depth, n
		}
		if depth > 2*MaxDepth {
			return // deep enough to refuse; no need to go further
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	// Lists count twice (the list and its item), so allow for them.
	if deepest > 2*MaxDepth {
		return nodeLine(doc, at), fmt.Sprintf("nested more than %d levels deep (lists, quotes, emphasis)", MaxDepth), false
	}
	return 0, "", true
}

// nestingPrefix counts the nesting a line's start opens: each > and each
// list marker, and every two columns of indentation.
func nestingPrefix(l string) int {
	n, spaces := 0, 0
	for i := 0; i < len(l); i++ {
		switch c := l[i]; {
		case c == ' ':
			spaces++
		case c == '\t':
			spaces += 4
		case c == '>':
			n++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(l) && l[i+1] == ' ':
			n++
		default:
			return n + spaces/2
		}
	}
	return n + spaces/2
}

// longestRun is the longest run of one of the characters in set.
func longestRun(s, set string) (c byte, n int) {
	run := 0
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) >= 0 && (i > 0 && s[i] == s[i-1] || run == 0) {
			run++
		} else if strings.IndexByte(set, s[i]) >= 0 {
			run = 1
		} else {
			run = 0
		}
		if run > n {
			c, n = s[i], run
		}
	}
	return c, n
}

// nodeLine is the line of a node's first text, or of its nearest parent
// that has one.
func nodeLine(doc []byte, n ast.Node) int {
	for ; n != nil; n = n.Parent() {
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			return bytes.Count(doc[:n.Lines().At(0).Start], []byte("\n")) + 1
		}
		if t, ok := n.(*ast.Text); ok {
			return bytes.Count(doc[:t.Segment.Start], []byte("\n")) + 1
		}
	}
	return 1
}
