package ecs

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The cluster query language (EDG "Create expressions to define container
// instances"): `subject operator [argument]` joined with and/or/not and
// parentheses. Subjects: attribute:<name>, ec2InstanceId, runningTasksCount,
// task:group, agentConnected, instanceType/availabilityZone shorthands are
// not part of the language. Operators: == != > >= < <= exists !exists in
// !in =~ !~ (matches: `*` is a wildcard, e.g. `t3.*`).

// QueryError is a parse error; Pos is the 0-based byte offset in the
// expression where the problem is.
type QueryError struct {
	Expr string
	Pos  int
	Msg  string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("invalid expression at position %d: %s", e.Pos+1, e.Msg)
}

// Caret renders the expression with a ^ under the error position.
func (e *QueryError) Caret() string {
	return e.Expr + "\n" + strings.Repeat(" ", e.Pos) + "^"
}

// Target is what an expression is evaluated against: one container
// instance's facts.
type Target interface {
	Attribute(name string) (string, bool)
	EC2InstanceID() string
	RunningTasksCount() int
	TaskGroups() map[string]int // groups of the instance's active tasks
	AgentConnected() bool
}

// Query is a parsed expression.
type Query struct {
	Src  string
	root qnode
}

// String returns the source expression.
func (q *Query) String() string { return q.Src }

// Match evaluates the query against t.
func (q *Query) Match(t Target) bool { return q.root.eval(t) }

type qnode interface{ eval(Target) bool }

type andNode struct{ a, b qnode }
type orNode struct{ a, b qnode }
type notNode struct{ a qnode }
type cmpNode struct {
	subject string // "attribute:x", "ec2InstanceId", ...
	op      string
	values  []string
	re      *regexp.Regexp
}

func (n andNode) eval(t Target) bool { return n.a.eval(t) && n.b.eval(t) }
func (n orNode) eval(t Target) bool  { return n.a.eval(t) || n.b.eval(t) }
func (n notNode) eval(t Target) bool { return !n.a.eval(t) }

func (n cmpNode) eval(t Target) bool {
	if n.subject == "task:group" {
		// True when some active task on the instance is in a matching group.
		groups := t.TaskGroups()
		switch n.op {
		case "exists":
			return len(groups) > 0
		case "!exists":
			return len(groups) == 0
		case "!=", "!in", "!~":
			pos := map[string]string{"!=": "==", "!in": "in", "!~": "=~"}[n.op]
			m := cmpNode{subject: n.subject, op: pos, values: n.values, re: n.re}
			return !m.eval(t)
		}
		for g, c := range groups {
			if c > 0 && compare(g, n.op, n.values, n.re) {
				return true
			}
		}
		return false
	}
	var v string
	var ok bool
	switch {
	case strings.HasPrefix(n.subject, "attribute:"):
		v, ok = t.Attribute(strings.TrimPrefix(n.subject, "attribute:"))
	case n.subject == "ec2InstanceId":
		v, ok = t.EC2InstanceID(), true
	case n.subject == "runningTasksCount":
		v, ok = strconv.Itoa(t.RunningTasksCount()), true
	case n.subject == "agentConnected":
		v, ok = strconv.FormatBool(t.AgentConnected()), true
	}
	switch n.op {
	case "exists":
		return ok
	case "!exists":
		return !ok
	}
	if !ok {
		// A missing attribute matches only the negative operators.
		return n.op == "!=" || n.op == "!in" || n.op == "!~"
	}
	return compare(v, n.op, n.values, n.re)
}

func compare(v, op string, values []string, re *regexp.Regexp) bool {
	switch op {
	case "==":
		return v == values[0]
	case "!=":
		return v != values[0]
	case "in", "!in":
		in := false
		for _, x := range values {
			if x == v {
				in = true
				break
			}
		}
		return in == (op == "in")
	case "=~":
		return re.MatchString(v)
	case "!~":
		return !re.MatchString(v)
	case ">", ">=", "<", "<=":
		a, errA := strconv.ParseFloat(v, 64)
		b, errB := strconv.ParseFloat(values[0], 64)
		var c int
		if errA == nil && errB == nil {
			switch {
			case a < b:
				c = -1
			case a > b:
				c = 1
			}
		} else {
			c = strings.Compare(v, values[0])
		}
		switch op {
		case ">":
			return c > 0
		case ">=":
			return c >= 0
		case "<":
			return c < 0
		default:
			return c <= 0
		}
	}
	return false
}

type qtok struct {
	kind string // "word", "op", "(", ")", "[", "]", ",", "eof"
	text string
	pos  int
}

func lexQuery(src string) ([]qtok, error) {
	var toks []qtok
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == '[' || c == ']' || c == ',':
			toks = append(toks, qtok{string(c), string(c), i})
			i++
		case c == '\'' || c == '"':
			j := strings.IndexByte(src[i+1:], c)
			if j < 0 {
				return nil, &QueryError{src, i, "unterminated quoted value"}
			}
			toks = append(toks, qtok{"word", src[i+1 : i+1+j], i})
			i += j + 2
		case c == '=' || c == '!' || c == '<' || c == '>':
			two := ""
			if i+1 < len(src) {
				two = src[i : i+2]
			}
			switch {
			case two == "==" || two == "!=" || two == ">=" || two == "<=" || two == "=~" || two == "!~":
				toks = append(toks, qtok{"op", two, i})
				i += 2
			case c == '!' && strings.HasPrefix(src[i:], "!exists") && wordEnd(src, i+7):
				toks = append(toks, qtok{"op", "!exists", i})
				i += 7
			case c == '!' && strings.HasPrefix(src[i:], "!in") && wordEnd(src, i+3):
				toks = append(toks, qtok{"op", "!in", i})
				i += 3
			case c == '<' || c == '>':
				toks = append(toks, qtok{"op", string(c), i})
				i++
			default:
				return nil, &QueryError{src, i, fmt.Sprintf("unexpected %q (operators: == != > >= < <= exists !exists in !in =~ !~)", string(c))}
			}
		default:
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			if j == i {
				return nil, &QueryError{src, i, fmt.Sprintf("unexpected character %q", string(c))}
			}
			toks = append(toks, qtok{"word", src[i:j], i})
			i = j
		}
	}
	toks = append(toks, qtok{"eof", "", len(src)})
	return toks, nil
}

func wordEnd(s string, i int) bool { return i >= len(s) || !isWordByte(s[i]) }

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '-' || c == '_' || c == ':' || c == '*' || c == '/' || c == '+' || c == '@'
}

type qparser struct {
	src  string
	toks []qtok
	i    int
}

func (p *qparser) peek() qtok { return p.toks[p.i] }
func (p *qparser) next() qtok {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *qparser) errAt(t qtok, format string, args ...any) error {
	return &QueryError{p.src, t.pos, fmt.Sprintf(format, args...)}
}

func isKeyword(t qtok, kw string) bool { return t.kind == "word" && strings.EqualFold(t.text, kw) }

// ParseQuery parses a cluster query language expression.
func ParseQuery(src string) (*Query, error) {
	if len(src) > 2000 {
		return nil, &QueryError{src, 2000, "expression longer than 2000 characters"}
	}
	toks, err := lexQuery(src)
	if err != nil {
		return nil, err
	}
	p := &qparser{src: src, toks: toks}
	if p.peek().kind == "eof" {
		return nil, &QueryError{src, 0, "empty expression"}
	}
	n, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != "eof" {
		return nil, p.errAt(t, "unexpected %q: expected 'and', 'or' or the end of the expression", t.text)
	}
	return &Query{Src: src, root: n}, nil
}

const maxQueryDepth = 50

func (p *qparser) parseOr(depth int) (qnode, error) {
	a, err := p.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	for isKeyword(p.peek(), "or") {
		p.next()
		b, err := p.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		a = orNode{a, b}
	}
	return a, nil
}

func (p *qparser) parseAnd(depth int) (qnode, error) {
	a, err := p.parseNot(depth)
	if err != nil {
		return nil, err
	}
	for isKeyword(p.peek(), "and") {
		p.next()
		b, err := p.parseNot(depth)
		if err != nil {
			return nil, err
		}
		a = andNode{a, b}
	}
	return a, nil
}

func (p *qparser) parseNot(depth int) (qnode, error) {
	if depth > maxQueryDepth {
		return nil, p.errAt(p.peek(), "expression nested too deeply")
	}
	t := p.peek()
	if isKeyword(t, "not") {
		p.next()
		a, err := p.parseNot(depth + 1)
		if err != nil {
			return nil, err
		}
		return notNode{a}, nil
	}
	if t.kind == "(" {
		p.next()
		a, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != ")" {
			return nil, p.errAt(c, "expected ')' to close the '(' at position %d", t.pos+1)
		}
		p.next()
		return a, nil
	}
	return p.parseCmp()
}

func (p *qparser) parseCmp() (qnode, error) {
	t := p.next()
	if t.kind != "word" {
		if t.kind == "eof" {
			return nil, p.errAt(t, "expected a subject (attribute:<name>, ec2InstanceId, runningTasksCount, task:group) at the end of the expression")
		}
		return nil, p.errAt(t, "expected a subject (attribute:<name>, ec2InstanceId, runningTasksCount, task:group), got %q", t.text)
	}
	subj := t.text
	switch {
	case strings.HasPrefix(subj, "attribute:"):
		if len(subj) == len("attribute:") {
			return nil, p.errAt(t, "attribute: needs a name, as in attribute:ecs.instance-type")
		}
	case subj == "ec2InstanceId" || subj == "runningTasksCount" || subj == "task:group" || subj == "agentConnected":
	default:
		return nil, p.errAt(t, "unknown subject %q (subjects: attribute:<name>, ec2InstanceId, runningTasksCount, task:group, agentConnected)", subj)
	}
	opTok := p.next()
	op := opTok.text
	switch {
	case opTok.kind == "op":
	case isKeyword(opTok, "exists"):
		op = "exists"
	case isKeyword(opTok, "in"):
		op = "in"
	default:
		if opTok.kind == "eof" {
			return nil, p.errAt(opTok, "expected an operator after %q", subj)
		}
		return nil, p.errAt(opTok, "expected an operator (== != > >= < <= exists !exists in !in =~ !~), got %q", opTok.text)
	}
	n := cmpNode{subject: subj, op: op}
	switch op {
	case "exists", "!exists":
		return n, nil
	case "in", "!in":
		lb := p.next()
		if lb.kind != "[" {
			return nil, p.errAt(lb, "expected '[' after %s", op)
		}
		for {
			v := p.next()
			if v.kind == "]" && len(n.values) == 0 {
				return nil, p.errAt(v, "empty list")
			}
			if v.kind != "word" {
				return nil, p.errAt(v, "expected a value in the list")
			}
			n.values = append(n.values, v.text)
			sep := p.next()
			if sep.kind == "]" {
				break
			}
			if sep.kind != "," {
				return nil, p.errAt(sep, "expected ',' or ']' in the list")
			}
		}
		return n, nil
	}
	v := p.next()
	if v.kind != "word" {
		return nil, p.errAt(v, "expected a value after %s", op)
	}
	if (subj == "runningTasksCount") && (op == ">" || op == ">=" || op == "<" || op == "<=" || op == "==" || op == "!=") {
		if _, err := strconv.Atoi(v.text); err != nil {
			return nil, p.errAt(v, "runningTasksCount compares with a whole number, got %q", v.text)
		}
	}
	n.values = []string{v.text}
	if op == "=~" || op == "!~" {
		if !utf8.ValidString(v.text) {
			return nil, p.errAt(v, "the pattern after %s is not valid UTF-8", op)
		}
		n.re = globRE(v.text)
	}
	return n, nil
}

func globRE(pat string) *regexp.Regexp {
	parts := strings.Split(pat, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}
