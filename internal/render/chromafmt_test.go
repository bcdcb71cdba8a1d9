package render

import (
	"bytes"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// The cached formatter writes exactly what chroma's terminal256 formatter
// writes, for any style and code (line breaks included).
func TestCachedTTY256MatchesChroma(t *testing.T) {
	codes := map[string]string{
		"go":   "package main\n\nimport \"fmt\"\n\n// main says hi.\nfunc main() {\n\tfmt.Println(\"hi\\n\", 42)\n}\n",
		"sh":   "aws ecs create-service --cluster prod \\\r\n  --desired-count 2 # comment\r\necho \"$HOME\"\n",
		"json": "{\n  \"a\": [1, 2.5, true, null],\n  \"b\": \"x\\ny\"\n}",
		"yaml": "a: 1\nb:\n  - c\n  - 'd'\n",
		"":     "plain\r\ntext\n\n",
	}
	f := &cachedTTY256{real: formatters.TTY256}
	for _, name := range []string{"monokai", "github", "dracula", "swapoff", "bw"} {
		style := styles.Get(name)
		for lang, code := range codes {
			lexer := lexers.Get(lang)
			if lexer == nil {
				lexer = lexers.Fallback
			}
			lexer = chroma.Coalesce(lexer)
			var want, got bytes.Buffer
			it, err := lexer.Tokenise(nil, code)
			if err != nil {
				t.Fatal(err)
			}
			if err := formatters.TTY256.Format(&want, style, it); err != nil {
				t.Fatal(err)
			}
			for range 2 { // the second time from the cached theme
				got.Reset()
				it, _ = lexer.Tokenise(nil, code)
				if err := f.Format(&got, style, it); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Errorf("%s/%q:\n got %q\nwant %q", name, lang, got.String(), want.String())
				}
			}
		}
	}
}

func TestWriteTokenLineBreaks(t *testing.T) {
	for _, text := range []string{"", "a", "\n", "\r\n", "\r", "a\r", "a\nb", "a\r\nb\n", "\n\n", "\r\r\n", "x\ry\n"} {
		var want, got bytes.Buffer
		it := chroma.Literator(chroma.Token{Type: chroma.Keyword, Value: text})
		style := styles.Get("monokai")
		if err := formatters.TTY256.Format(&want, style, it); err != nil {
			t.Fatal(err)
		}
		f := &cachedTTY256{real: formatters.TTY256}
		if err := f.Format(&got, style, chroma.Literator(chroma.Token{Type: chroma.Keyword, Value: text})); err != nil {
			t.Fatal(err)
		}
		if text != "" && !bytes.Contains(want.Bytes(), []byte("\033[")) {
			t.Fatalf("%q: no escape sequence in %q", text, want.String())
		}
		if got.String() != want.String() {
			t.Errorf("%q: got %q, want %q", text, got.String(), want.String())
		}
	}
}
