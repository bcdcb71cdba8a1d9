package shell

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// MaxScriptLineBytes is the longest line a script may have.
const MaxScriptLineBytes = 1 << 20

// ScriptLine is one command of a script: its text, with lines continued by
// a trailing backslash joined, and the 1-based line it starts on.
type ScriptLine struct {
	Line int
	Text string
}

// ScriptReader reads a script one command at a time: the one reader of
// command scripts (`sim run`, `lab --run`, lab setup and solutions). Blank
// lines and lines starting with # are skipped; a line ending in an odd
// number of backslashes continues on the next line, as in a shell.
type ScriptReader struct {
	sc   *bufio.Scanner
	line int
}

// NewScriptReader reads commands from r.
func NewScriptReader(r io.Reader) *ScriptReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), MaxScriptLineBytes)
	return &ScriptReader{sc: sc}
}

// LineNo is the number of the last line read.
func (s *ScriptReader) LineNo() int { return s.line }

// Next returns the next command, or false at the end of the script. An
// error (a line over MaxScriptLineBytes, a read error) ends the script.
func (s *ScriptReader) Next() (ScriptLine, bool, error) {
	var b strings.Builder
	start := 0
	for s.sc.Scan() {
		s.line++
		line := strings.TrimSuffix(s.sc.Text(), "\r")
		if start == 0 {
			if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			start = s.line
		}
		if n := trailingBackslashes(line); n%2 == 1 {
			b.WriteString(line[:len(line)-1])
			b.WriteByte(' ')
			continue
		}
		b.WriteString(line)
		return ScriptLine{Line: start, Text: strings.TrimSpace(b.String())}, true, nil
	}
	if err := s.sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return ScriptLine{}, false, fmt.Errorf("line %d is longer than %d bytes", s.line+1, MaxScriptLineBytes)
		}
		return ScriptLine{}, false, fmt.Errorf("reading the script: %v", err)
	}
	if b.Len() > 0 {
		return ScriptLine{Line: start, Text: strings.TrimSpace(b.String())}, true, nil
	}
	return ScriptLine{}, false, nil
}

// ScriptLines reads every command of a script held in memory.
func ScriptLines(script string) ([]ScriptLine, error) {
	r := NewScriptReader(strings.NewReader(script))
	var out []ScriptLine
	for {
		l, ok, err := r.Next()
		if err != nil {
			return out, err
		}
		if !ok {
			return out, nil
		}
		out = append(out, l)
	}
}

func trailingBackslashes(s string) int {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n
}
