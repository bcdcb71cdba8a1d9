package render

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
)

// cachedTTY256 writes exactly what chroma's "terminal256" formatter writes,
// without its cost per code block: that formatter turns the whole style
// into escape sequences (a nearest-colour search over the 256-colour table
// for every colour of every token type) on every Format call, that is for
// every code block of a lesson, and prints each token through fmt and a
// regular expression. Here the sequences are asked of chroma's own
// formatter once per style, for every token type at once, and kept.
type cachedTTY256 struct {
	real   chroma.Formatter
	themes sync.Map // *chroma.Style -> map[chroma.TokenType]string
}

const cachedTTY256Name = "cloudlab-terminal256"

func (f *cachedTTY256) Format(w io.Writer, style *chroma.Style, it chroma.Iterator) error {
	theme, err := f.theme(style)
	if err != nil {
		return err
	}
	for token := it(); token != chroma.EOF; token = it() {
		clr, ok := theme[token.Type]
		if !ok {
			// A token type chroma does not list: ask its formatter.
			if err := f.real.Format(w, style, chroma.Literator(token)); err != nil {
				return err
			}
			continue
		}
		writeToken(w, clr, token.Value)
	}
	return nil
}

// theme is the escape sequence chroma's formatter writes before a token of
// each type in style ("" for none).
func (f *cachedTTY256) theme(style *chroma.Style) (map[chroma.TokenType]string, error) {
	if t, ok := f.themes.Load(style); ok {
		return t.(map[chroma.TokenType]string), nil
	}
	// One token of every type, each "\x00" (no escape sequence holds a NUL
	// byte): the output is, per token, its sequence, "\x00" and a reset,
	// or the bare "\x00" when the type has no sequence.
	types := chroma.TokenTypeValues()
	toks := make([]chroma.Token, len(types))
	for i, tt := range types {
		toks[i] = chroma.Token{Type: tt, Value: "\x00"}
	}
	var buf bytes.Buffer
	if err := f.real.Format(&buf, style, chroma.Literator(toks...)); err != nil {
		return nil, err
	}
	out := buf.String()
	theme := make(map[chroma.TokenType]string, len(types))
	for _, tt := range types {
		seq, rest, ok := strings.Cut(out, "\x00")
		if !ok {
			return nil, errUnexpectedFormat
		}
		if seq != "" {
			if rest, ok = strings.CutPrefix(rest, "\033[0m"); !ok {
				return nil, errUnexpectedFormat
			}
		}
		theme[tt], out = seq, rest
	}
	if out != "" {
		return nil, errUnexpectedFormat
	}
	t, _ := f.themes.LoadOrStore(style, theme)
	return t.(map[chroma.TokenType]string), nil
}

type formatError string

func (e formatError) Error() string { return string(e) }

const errUnexpectedFormat = formatError("render: unexpected output from chroma's terminal256 formatter")

// writeToken is chroma's writeToken (formatters/tty_truecolour.go) without
// fmt or regexp: the same writes, in the same pieces, to w. Each line of a
// token is wrapped in its sequence and a reset; the line break (\n or
// \r\n) is written between them.
func writeToken(w io.Writer, formatting, text string) {
	if formatting == "" {
		io.WriteString(w, text)
		return
	}
	after := 0
	for after < len(text) {
		j := strings.IndexByte(text[after:], '\n')
		if j < 0 {
			break
		}
		nl := after + j
		start := nl
		if start > after && text[start-1] == '\r' {
			start--
		}
		io.WriteString(w, formatting)
		io.WriteString(w, text[after:start])
		io.WriteString(w, "\033[0m")
		io.WriteString(w, text[start:nl+1])
		after = nl + 1
	}
	if after < len(text) {
		io.WriteString(w, formatting)
		io.WriteString(w, text[after:])
		io.WriteString(w, "\033[0m")
	}
}

var registerFormatter = sync.OnceFunc(func() {
	formatters.Register(cachedTTY256Name, &cachedTTY256{real: formatters.TTY256})
})
