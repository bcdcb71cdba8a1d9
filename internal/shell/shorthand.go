package shell

import (
	"encoding/json"
	"fmt"
	"strings"
)

// parseShorthand parses the AWS CLI shorthand syntax for structures, the one
// parser for every option that takes a structure (Lambda and ECS alike):
//
//	key=value,key2=value2
//	key={nested=1,other=x}
//	key=[a,b,c]
//	key="value, with commas and spaces"   (the quotes are not kept)
//	key=a,b,other=c                        (a comma not followed by key= stays in the value)
//
// Values stay strings (the caller converts numbers and booleans). A value
// that starts with '{' at the top level is JSON instead.
// https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-shorthand.html
func parseShorthand(s string) (map[string]any, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{") {
		var m map[string]any
		if err := json.Unmarshal([]byte(t), &m); err != nil {
			return nil, fmt.Errorf("Invalid JSON: %v", err)
		}
		return m, nil
	}
	p := &shParser{s: t}
	m, err := p.object(false)
	if err != nil {
		return nil, err
	}
	if p.i < len(p.s) {
		return nil, p.errf("unexpected %q", string(p.s[p.i]))
	}
	return m, nil
}

type shParser struct {
	s string
	i int
}

func (p *shParser) errf(format string, a ...any) error {
	return fmt.Errorf("Error parsing parameter: Expected: '=', received: '%s' for input:\n%s\n%s^ (%s)",
		p.peekStr(), p.s, strings.Repeat(" ", p.i), fmt.Sprintf(format, a...))
}

func (p *shParser) peekStr() string {
	if p.i >= len(p.s) {
		return "EOF"
	}
	return string(p.s[p.i])
}

func (p *shParser) object(braced bool) (map[string]any, error) {
	m := map[string]any{}
	for p.i < len(p.s) {
		if braced && p.s[p.i] == '}' {
			return m, nil
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] != '=' && p.s[p.i] != ',' && p.s[p.i] != '}' {
			p.i++
		}
		key := strings.TrimSpace(p.s[start:p.i])
		if p.i >= len(p.s) || p.s[p.i] != '=' || key == "" {
			return nil, p.errf("expected key=value")
		}
		p.i++
		v, err := p.value(braced)
		if err != nil {
			return nil, err
		}
		m[key] = v
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if braced && p.i < len(p.s) && p.s[p.i] == '}' {
			return m, nil
		}
		if p.i < len(p.s) {
			return nil, p.errf("expected ',' between key=value pairs")
		}
	}
	if braced {
		return nil, p.errf("missing '}'")
	}
	return m, nil
}

func (p *shParser) value(braced bool) (any, error) {
	if p.i >= len(p.s) {
		return "", nil
	}
	switch p.s[p.i] {
	case '{':
		p.i++
		m, err := p.object(true)
		if err != nil {
			return nil, err
		}
		p.i++ // '}'
		return m, nil
	case '[':
		p.i++
		var list []any
		for {
			if p.i >= len(p.s) {
				return nil, p.errf("missing ']'")
			}
			if p.s[p.i] == ']' {
				p.i++
				return list, nil
			}
			var v any
			var err error
			if p.s[p.i] == '{' {
				v, err = p.value(true)
			} else {
				v, err = p.scalar("],")
			}
			if err != nil {
				return nil, err
			}
			list = append(list, v)
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
			}
		}
	}
	stop := ","
	if braced {
		stop = ",}"
	}
	return p.scalar(stop)
}

func (p *shParser) scalar(stop string) (string, error) {
	if p.i < len(p.s) && (p.s[p.i] == '"' || p.s[p.i] == '\'') {
		q := p.s[p.i]
		j := strings.IndexByte(p.s[p.i+1:], q)
		if j < 0 {
			return "", p.errf("unterminated quote")
		}
		v := p.s[p.i+1 : p.i+1+j]
		p.i += j + 2
		return v, nil
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		// A comma that does not start another key=value pair belongs to
		// the value (Variables={B=x,y} keeps "x,y"), except inside lists.
		if c == ',' && !strings.Contains(stop, "]") && !shorthandKeyAhead(p.s[p.i+1:]) {
			p.i++
			continue
		}
		if strings.IndexByte(stop, c) >= 0 {
			break
		}
		p.i++
	}
	return strings.TrimSpace(p.s[start:p.i]), nil
}

// shorthandKeyAhead reports whether s starts with a shorthand key and '='.
func shorthandKeyAhead(s string) bool {
	for i, r := range s {
		switch {
		case r == '=':
			return i > 0
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.', r == ':':
		default:
			return false
		}
	}
	return false
}

// optShorthand parses an option's shorthand (or JSON) value; errors name
// the option as the AWS CLI does.
func optShorthand(opt, s string) (map[string]any, error) {
	m, err := parseShorthand(s)
	if err != nil {
		return nil, usagef("Error parsing parameter '--%s': %s", opt, strings.TrimPrefix(err.Error(), "Error parsing parameter: "))
	}
	return m, nil
}

// structList parses a list option whose items are shorthand structures or
// one JSON array (e.g. --placement-strategy type=spread,field=host
// type=binpack,field=memory, or '[{"type":"spread","field":"host"}]').
func structList(items []string) ([]map[string]any, error) {
	joined := strings.TrimSpace(strings.Join(items, " "))
	if strings.HasPrefix(joined, "[") {
		var out []map[string]any
		if err := json.Unmarshal([]byte(joined), &out); err != nil {
			return nil, fmt.Errorf("Invalid JSON: %v", err)
		}
		return out, nil
	}
	var out []map[string]any
	for _, it := range items {
		m, err := parseShorthand(it)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// str returns a structure field as a string (numbers and booleans too).
func str(m map[string]any, key string) string {
	switch v := m[key].(type) {
	case string:
		return v
	case float64:
		return fmt.Sprint(v)
	case bool:
		return fmt.Sprint(v)
	case json.Number:
		return v.String()
	}
	return ""
}
