package docker

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Instruction is one Dockerfile instruction after comments are dropped and
// continued lines are joined.
type Instruction struct {
	Line int    // 1-based line the instruction starts on
	Cmd  string // upper case: FROM, RUN, COPY ...
	Args string // the rest of the instruction as written (continuations joined)
	// JSON is set for the exec form of RUN, CMD and ENTRYPOINT
	// (["executable", "param"]); Exec then holds the words.
	JSON bool
	Exec []string
}

// Text is the instruction as the build output and history print it.
func (in Instruction) Text() string { return in.Cmd + " " + in.Args }

// ParseError is a Dockerfile that cannot be built. Error prints the file
// and line first, then the problem in BuildKit's words.
type ParseError struct {
	File string
	Line int // 0 when the problem is the whole file
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// known are the Dockerfile instructions
// (https://docs.docker.com/reference/dockerfile/#overview).
var known = map[string]bool{
	"ADD": true, "ARG": true, "CMD": true, "COPY": true, "ENTRYPOINT": true, "ENV": true,
	"EXPOSE": true, "FROM": true, "HEALTHCHECK": true, "LABEL": true, "MAINTAINER": true,
	"ONBUILD": true, "RUN": true, "SHELL": true, "STOPSIGNAL": true, "USER": true,
	"VOLUME": true, "WORKDIR": true,
}

// Parse reads a Dockerfile: instructions are case-insensitive, a line
// whose first non-blank character is # is a comment, and a line ending in
// a backslash continues on the next one
// (https://docs.docker.com/reference/dockerfile/#format). file names the
// Dockerfile in errors.
func Parse(file string, src []byte) ([]Instruction, error) {
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	var out []Instruction
	var cur strings.Builder
	start := 0
	flush := func() error {
		text := strings.TrimSpace(cur.String())
		cur.Reset()
		if text == "" {
			return nil
		}
		word, rest := text, ""
		if i := strings.IndexAny(text, " \t"); i >= 0 {
			word, rest = text[:i], text[i+1:]
		}
		cmd := strings.ToUpper(word)
		if !known[cmd] {
			if r := []rune(word); len(r) > 40 {
				word = string(r[:40]) + "..."
			}
			return &ParseError{File: file, Line: start, Msg: "unknown instruction: " + word}
		}
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return &ParseError{File: file, Line: start, Msg: cmd + " requires at least one argument"}
		}
		in := Instruction{Line: start, Cmd: cmd, Args: rest}
		if (cmd == "RUN" || cmd == "CMD" || cmd == "ENTRYPOINT") && strings.HasPrefix(rest, "[") {
			var words []string
			if err := json.Unmarshal([]byte(rest), &words); err == nil {
				in.JSON, in.Exec = true, words
			}
			// Not valid JSON: Docker runs it in shell form, as written.
		}
		out = append(out, in)
		return nil
	}
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") {
			continue // a comment, also inside a continued instruction
		}
		if cur.Len() == 0 {
			if t == "" {
				continue
			}
			start = i + 1
		}
		if strings.HasSuffix(t, "\\") {
			cur.WriteString(strings.TrimSuffix(t, "\\"))
			continue
		}
		cur.WriteString(t)
		if err := flush(); err != nil {
			return nil, err
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &ParseError{File: file, Msg: "the Dockerfile cannot be empty"}
	}
	for _, in := range out {
		if in.Cmd == "FROM" {
			break
		}
		if in.Cmd != "ARG" {
			return nil, &ParseError{File: file, Line: in.Line, Msg: "no build stage in current context"}
		}
	}
	return out, nil
}
