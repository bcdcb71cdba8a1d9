package render

import (
	"sync"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// noLangLexer answers chroma's lookup of the empty language (indented code
// and fences without an info string) with the plain-text lexer. Without it,
// chroma tries every lexer's file patterns and then analyses the code with
// every lexer, which took most of the render time of a lesson.
type noLangLexer struct{ chroma.Lexer }

var noLangConfig = &chroma.Config{Name: "cloudlab-no-language", Aliases: []string{""}, Priority: -1}

func (noLangLexer) Config() *chroma.Config { return noLangConfig }

var registerOnce sync.Once

func registerNoLang() {
	registerOnce.Do(func() {
		if plain := lexers.Get("plaintext"); plain != nil {
			lexers.Register(noLangLexer{plain})
		}
	})
}
