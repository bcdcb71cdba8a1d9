package shell

import (
	"fmt"
	"strings"
)

// Split tokenizes a command line like a POSIX shell: whitespace separates
// words; 'single quotes' are literal; "double quotes" allow \" \\ \$ \`
// escapes; a backslash outside quotes escapes the next character; a `#` at
// the start of a word begins a comment. JSON payloads in single quotes
// survive unchanged.
func Split(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '#' && !inWord:
			return words, nil
		case c == '$' && i+1 < len(rs) && rs[i+1] == '\'':
			// $'...': bash's ANSI-C quoting (\n, \t, \\, \' ...), how a
			// one-line command passes a multi-line user-data script.
			j, err := ansiCQuote(rs, i+2, &cur)
			if err != nil {
				return nil, err
			}
			inWord = true
			i = j
		case c == '\'':
			inWord = true
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				cur.WriteRune(rs[j])
				j++
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("unterminated single quote at column %d", i+1)
			}
			i = j
		case c == '"':
			inWord = true
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) && strings.ContainsRune("\"\\$`\n", rs[j+1]) {
					j++
					if rs[j] == '\n' {
						continue
					}
				}
				cur.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("unterminated double quote at column %d", i+1)
			}
			i = j
		case c == '\\':
			if i+1 >= len(rs) {
				return nil, fmt.Errorf("trailing backslash at column %d", i+1)
			}
			i++
			if rs[i] == '\n' {
				continue // line continuation
			}
			inWord = true
			cur.WriteRune(rs[i])
		default:
			inWord = true
			cur.WriteRune(c)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// ansiCQuote reads the body of $'...' from rs[i:] into cur and returns the
// index of the closing quote.
func ansiCQuote(rs []rune, i int, cur *strings.Builder) (int, error) {
	start := i - 2
	for ; i < len(rs); i++ {
		c := rs[i]
		if c == '\'' {
			return i, nil
		}
		if c != '\\' || i+1 >= len(rs) {
			cur.WriteRune(c)
			continue
		}
		i++
		switch rs[i] {
		case 'n':
			cur.WriteRune('\n')
		case 't':
			cur.WriteRune('\t')
		case 'r':
			cur.WriteRune('\r')
		case '\\', '\'', '"', '?':
			cur.WriteRune(rs[i])
		default:
			cur.WriteRune('\\')
			cur.WriteRune(rs[i])
		}
	}
	return 0, fmt.Errorf("unterminated $' quote at column %d", start+1)
}
