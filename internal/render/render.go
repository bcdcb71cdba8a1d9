// Package render turns lesson Markdown into terminal text: glamour's ANSI
// renderer inside cloudlab's own goldmark pipeline, which strips the YAML
// front matter and hides the fenced blocks meant for the program rather
// than the reader (check, hint, solution, answer, sim). Results are cached
// per (document hash, width, style).
package render

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"

	"github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"go.abhg.dev/goldmark/frontmatter"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// Styles are the style names Render accepts.
var Styles = []string{"dark", "light", "notty", "ascii"}

// MinWidth and MaxWidth bound the width passed to Render.
const (
	MinWidth = 20
	MaxWidth = 400
)

// Options configure a Renderer.
type Options struct {
	// NoColor renders dark and light without colours (NO_COLOR); bold and
	// italics are kept.
	NoColor bool
	// CacheSize is the number of rendered documents kept (default 64).
	CacheSize int
	// CacheDir, when set, keeps rendered documents on disk too (keyed by
	// content, width, style and renderer version), so a lesson is rendered
	// once, not on every start. Safe to delete at any time.
	CacheDir string
}

type key struct {
	hash  [32]byte
	width int
	style string
}

// Renderer renders Markdown and caches the results. It is safe for
// concurrent use.
type Renderer struct {
	opts  Options
	mu    sync.Mutex
	cache map[key]string
	order []key
	hits  int
}

// New returns a Renderer.
func New(opts Options) *Renderer {
	registerNoLang()
	registerFormatter()
	if opts.CacheSize <= 0 {
		opts.CacheSize = 64
	}
	return &Renderer{opts: opts, cache: map[key]string{}}
}

// Hits is the number of Render calls answered from the cache.
func (r *Renderer) Hits() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits
}

// ValidStyle reports whether s is a known style name.
func ValidStyle(s string) bool {
	for _, v := range Styles {
		if v == s {
			return true
		}
	}
	return false
}

// Render renders a Markdown document (with or without front matter) to fit
// width columns in the given style.
func (r *Renderer) Render(doc []byte, width int, style string) (string, error) {
	if !ValidStyle(style) {
		return "", fmt.Errorf("unknown style %q (want %s)", style, strings.Join(Styles, ", "))
	}
	width = max(MinWidth, min(width, MaxWidth))
	k := key{sha256.Sum256(doc), width, style}
	r.mu.Lock()
	if s, ok := r.cache[k]; ok {
		r.hits++
		r.mu.Unlock()
		return s, nil
	}
	r.mu.Unlock()

	out, ok := r.diskGet(k)
	if !ok {
		// A document past the limits could take the renderer minutes or
		// blow its stack: refuse it with the reason (cloudlab check names
		// the line).
		// The tree measured is reused to protect hyphens.
		root, _, msg, ok := course.ParseWithinLimits(doc)
		if !ok {
			return "", fmt.Errorf("this text cannot be shown safely: %s (cloudlab check names the file and line)", msg)
		}
		var err error
		if out, err = r.render(doc, root, width, style); err != nil {
			return "", err
		}
		r.diskPut(k, out)
	}
	r.mu.Lock()
	if _, ok := r.cache[k]; !ok {
		if len(r.order) >= r.opts.CacheSize {
			delete(r.cache, r.order[0])
			r.order = r.order[1:]
		}
		r.cache[k] = out
		r.order = append(r.order, k)
	}
	r.mu.Unlock()
	return out, nil
}

// render renders doc; root is course.ParseMarkdown(doc), or nil.
func (r *Renderer) render(doc []byte, root ast.Node, width int, style string) (string, error) {
	cfg := styleConfig(style, width)
	profile := termenv.TrueColor
	if r.opts.NoColor || style == "notty" || style == "ascii" {
		profile = termenv.Ascii
	}
	// glamour wraps a paragraph to the width inside the document margin,
	// indents it by the margin, then wraps the document again to that same
	// inner width: every line that filled the paragraph width was broken a
	// second time, leaving one or two words on a line of their own. So the
	// document margin is 0 and the one-column left margin is added here.
	wrap := width - 1
	ar := ansi.NewRenderer(ansi.Options{
		WordWrap:        wrap,
		ColorProfile:    profile,
		Styles:          cfg,
		ChromaFormatter: cachedTTY256Name,
	})
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.DefinitionList, &frontmatter.Extender{Mode: frontmatter.SetMetadata}),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(hideTransformer{}, 100)),
		),
	)
	// SetRenderer after New, or task-list checkboxes print as HTML.
	md.SetRenderer(renderer.NewRenderer(renderer.WithNodeRenderers(util.Prioritized(ar, 1000))))
	var buf bytes.Buffer
	src := clipDiagrams(doc, width-2)
	if len(src) != len(doc) || len(doc) > 0 && &src[0] != &doc[0] {
		root = nil // clipDiagrams changed the text: root is not its tree
	}
	if err := md.Convert(protectHyphens(src, root), &buf); err != nil {
		return "", fmt.Errorf("render: %w", err)
	}
	out := strings.ReplaceAll(buf.String(), nbHyphen, "-")
	if profile == termenv.Ascii {
		out = stripANSI(out)
	}
	return tidy(indentLines(out, " ")), nil
}

// clipDiagrams cuts the lines of diagram blocks (fences marked text, or
// with no language) that are wider than cols, ending them with "…".
// glamour would otherwise word-wrap such a line at its spaces, scattering
// the pieces of an ASCII diagram over several lines; a clipped diagram
// keeps its shape and shows that it goes on. Shell commands (sh, bash)
// are broken at spaces with " \" continuations, as a shell reads them;
// other code (json, ...) wraps, so no command is ever cut short.
func clipDiagrams(doc []byte, cols int) []byte {
	if cols < 2 || !bytes.Contains(doc, []byte("```")) && !bytes.Contains(doc, []byte("~~~")) {
		return doc
	}
	lines := strings.SplitAfter(string(doc), "\n")
	fence, clip, shellCode, changed := "", false, false, false
	for i, l := range lines {
		t := strings.TrimRight(l, "\r\n")
		trimmed := strings.TrimLeft(t, " ")
		if fence == "" {
			if len(t)-len(trimmed) > 3 {
				continue
			}
			for _, f := range []string{"```", "~~~"} {
				if strings.HasPrefix(trimmed, f) {
					n := len(trimmed) - len(strings.TrimLeft(trimmed, f[:1]))
					fence = strings.Repeat(f[:1], n)
					info := strings.TrimSpace(trimmed[n:])
					clip = info == "" || info == "text" || strings.HasPrefix(info, "text ")
					lang, _, _ := strings.Cut(info, " ")
					shellCode = lang == "sh" || lang == "bash" || lang == "shell" || lang == "console"
				}
			}
			continue
		}
		if strings.HasPrefix(trimmed, fence) && strings.TrimSpace(strings.TrimLeft(trimmed, fence[:1])) == "" {
			fence = ""
			continue
		}
		switch {
		case clip && xansi.StringWidth(t) > cols:
			lines[i] = xansi.Truncate(t, cols-1, "") + "…" + l[len(t):]
			changed = true
		case shellCode && xansi.StringWidth(t) > cols-2:
			// A command breaks at a space outside quotes with a shell's
			// " \" continuation (a long path with ↩), never mid-token.
			ind := t[:len(t)-len(trimmed)]
			w := termtext.WrapCommand(trimmed, cols-2-len(ind))
			lines[i] = ind + strings.ReplaceAll(w, "\n", "\n"+ind) + l[len(t):]
			changed = true
		}
	}
	if !changed {
		return doc
	}
	return []byte(strings.Join(lines, ""))
}

// indentLines prefixes every non-empty line.
func indentLines(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// nbHyphen is the non-breaking hyphen U+2011.
const nbHyphen = "\u2011"

// protectHyphens replaces the hyphens of prose text with non-breaking
// hyphens (Render turns them back into "-"). glamour's paragraph wrapper
// breaks after a hyphen without counting it, so every hyphen made a line one
// column longer than the wrapper thought, and the document wrapper broke it
// again, leaving a word or two on a line of their own. root is
// course.ParseMarkdown(doc), or nil to parse doc here.
func protectHyphens(doc []byte, root ast.Node) []byte {
	if !bytes.Contains(doc, []byte("-")) {
		return doc
	}
	if root == nil {
		root = course.ParseMarkdown(doc)
	}
	var segs []text.Segment
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindCodeBlock, ast.KindFencedCodeBlock:
			// Commands in code blocks must not break after a hyphen either
			// (an AMI path, --flag names).
			for i := 0; i < n.Lines().Len(); i++ {
				segs = append(segs, n.Lines().At(i))
			}
			return ast.WalkSkipChildren, nil
		case ast.KindHTMLBlock, ast.KindRawHTML, ast.KindAutoLink:
			return ast.WalkSkipChildren, nil
		}
		if t, ok := n.(*ast.Text); ok && bytes.IndexByte(t.Segment.Value(doc), '-') >= 0 {
			segs = append(segs, t.Segment)
		}
		return ast.WalkContinue, nil
	})
	if len(segs) == 0 {
		return doc
	}
	out := make([]byte, 0, len(doc)+2*len(segs))
	last := 0
	for _, sg := range segs {
		if sg.Start < last || sg.Stop > len(doc) {
			continue
		}
		out = append(out, doc[last:sg.Start]...)
		out = append(out, bytes.ReplaceAll(doc[sg.Start:sg.Stop], []byte("-"), []byte(nbHyphen))...)
		last = sg.Stop
	}
	return append(out, doc[last:]...)
}

// styleConfig returns a copy of glamour's style with cloudlab's tweaks for
// a page width cells wide.
func styleConfig(style string, width int) ansi.StyleConfig {
	var cfg ansi.StyleConfig
	switch style {
	case "dark":
		cfg = styles.DarkStyleConfig
	case "light":
		cfg = styles.LightStyleConfig
	case "ascii":
		cfg = styles.ASCIIStyleConfig
	default:
		cfg = styles.NoTTYStyleConfig
	}
	cfg.CodeBlock.Chroma = snapChroma(cfg.CodeBlock.Chroma)
	zero, one := uint(0), uint(1)
	// Less margin than glamour's default: 80 columns are precious.
	cfg.Document.Margin = &zero
	cfg.CodeBlock.Margin = &one
	// glamour wraps a list item's text without counting its "• " or "1. "
	// prefix, so long items overflowed and re-wrapped with a stray word on
	// its own line; a margin of 2 takes those columns out of the wrap width.
	two := uint(2)
	cfg.List.Margin = &two
	// glamour subtracts one column per blockquote indent but writes the
	// two-column token "│ ", so quoted lines overflowed and re-wrapped; use
	// one-column tokens.
	if style == "dark" || style == "light" {
		bar := "▎"
		cfg.BlockQuote.IndentToken = &bar
	} else {
		two, space := uint(2), " "
		cfg.BlockQuote.Indent = &two
		cfg.BlockQuote.IndentToken = &space
		// glamour writes "**" around each wrapped piece of bold text
		// ("**cold ****start**"); plain text reads better without them.
		cfg.Strong.BlockPrefix, cfg.Strong.BlockSuffix = "", ""
		cfg.Emph.BlockPrefix, cfg.Emph.BlockSuffix = "", ""
	}
	if style == "ascii" {
		cfg.Item.BlockPrefix = "* " // glamour's ascii style uses "•"
	}
	if style == "dark" || style == "light" {
		// Keep "#" markers off the top heading, which is shown as a banner.
		cfg.H1.Prefix = " "
		cfg.H1.Suffix = " "
		// glamour pads inline code with a space each side without counting
		// them when it wraps, so a line with code overflowed and left a
		// word alone on the next line; the background colour marks code.
		cfg.Code.Prefix, cfg.Code.Suffix = "", ""
	}
	// A rule across the page, not glamour's eight dashes.
	rule := "─"
	if style == "ascii" {
		rule = "-"
	}
	cfg.HorizontalRule.Format = "\n" + strings.Repeat(rule, max(8, width-2)) + "\n"
	return cfg
}

// hideTransformer removes fenced code blocks whose info string is one of
// course.HiddenBlocks.
type hideTransformer struct{}

func (hideTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var drop []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if fc, ok := n.(*ast.FencedCodeBlock); ok && course.IsHiddenBlock(string(fc.Language(src))) {
			drop = append(drop, n)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, n := range drop {
		if p := n.Parent(); p != nil {
			p.RemoveChild(p, n)
		}
	}
	joinSoftBreaks(doc, src)
}

// joinSoftBreaks turns soft line breaks inside tight list items into spaces.
// glamour reflows paragraphs but prints a list item's source line breaks as
// they are, which left short stray lines once the item was wrapped again.
func joinSoftBreaks(doc *ast.Document, src []byte) {
	space := bytes.IndexByte(src, ' ')
	if space < 0 {
		return
	}
	var breaks []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if t, ok := n.(*ast.Text); ok && t.SoftLineBreak() && inTextBlock(t) {
			breaks = append(breaks, t)
		}
		return ast.WalkContinue, nil
	})
	for _, t := range breaks {
		t.SetSoftLineBreak(false)
		sp := space
		// Prefer the space right after the line break (the indentation).
		if end := t.Segment.Stop; end+1 < len(src) && src[end] == '\n' && src[end+1] == ' ' {
			sp = end + 1
		}
		t.Parent().InsertAfter(t.Parent(), t, ast.NewTextSegment(text.NewSegment(sp, sp+1)))
	}
}

func inTextBlock(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.Kind() {
		case ast.KindTextBlock:
			return true
		case ast.KindParagraph, ast.KindDocument:
			return false
		}
	}
	return false
}

// tidy trims trailing spaces of each line and blank lines at both ends, so
// the pager does not show empty screens.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = trimRightSpaceANSI(l)
	}
	for len(lines) > 0 && strings.TrimSpace(stripANSI(lines[0])) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(stripANSI(lines[len(lines)-1])) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n") + "\n"
}

// trimRightSpaceANSI trims trailing spaces even when escape codes are
// interleaved with them (glamour pads lines with styled spaces).
func trimRightSpaceANSI(l string) string {
	end := len(l)
	reset := false
	for end > 0 {
		if l[end-1] == ' ' {
			end--
			continue
		}
		if l[end-1] == 'm' {
			if i := strings.LastIndexByte(l[:end], 0x1b); i >= 0 && isSGR(l[i:end]) {
				if seq := l[i:end]; seq == "\x1b[0m" || seq == "\x1b[m" {
					reset = true
				}
				end = i
				continue
			}
		}
		break
	}
	if end == len(l) {
		return l
	}
	if reset {
		return l[:end] + "\x1b[0m"
	}
	return l[:end]
}

func isSGR(s string) bool {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' || s[len(s)-1] != 'm' {
		return false
	}
	for _, c := range s[2 : len(s)-1] {
		if (c < '0' || c > '9') && c != ';' {
			return false
		}
	}
	return true
}

// stripANSI removes CSI and OSC escape sequences.
func stripANSI(s string) string {
	if !strings.Contains(s, "\x1b") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != 0x1b || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '[':
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
		case ']':
			j := i + 2
			for j < len(s) && s[j] != 0x07 && !(s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\') {
				j++
			}
			if j < len(s) && s[j] == 0x1b {
				j++
			}
			i = j
		default:
			i++
		}
	}
	return b.String()
}

// StripANSI removes terminal escape sequences from s.
func StripANSI(s string) string { return stripANSI(s) }
