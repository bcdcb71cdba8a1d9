package shell

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jmespath/go-jmespath"
)

// outputOptions are the AWS CLI's global --query and --output options.
type outputOptions struct {
	query    string             // JMESPath expression, "" for none
	compiled *jmespath.JMESPath // query, parsed
	format   string             // json (default) or text
}

// takeOutputOptions removes --query and --output (and their values) from
// the words of an aws command, so every operation accepts them as the AWS
// CLI does.
func takeOutputOptions(words []string) ([]string, outputOptions, error) {
	var o outputOptions
	rest := make([]string, 0, len(words))
	for i := 0; i < len(words); i++ {
		w := words[i]
		name, val, hasVal := strings.Cut(w, "=")
		if name != "--query" && name != "--output" {
			rest = append(rest, w)
			continue
		}
		if !hasVal {
			if i+1 >= len(words) {
				return nil, o, usagef("aws: error: argument %s: expected one argument", name)
			}
			i++
			val = words[i]
		}
		if name == "--query" {
			q, err := compileJMESPath(val)
			if err != nil {
				return nil, o, usagef("Bad value for --query %s: %v", val, err)
			}
			o.query, o.compiled = val, q
			continue
		}
		switch val {
		case "json", "text":
			o.format = val
		case "table", "yaml", "yaml-stream":
			return nil, o, usagef("--output %s: the simulator prints json or text", val)
		default:
			return nil, o, usagef("aws: error: argument --output: Invalid choice, valid choices are: json | text | table | yaml | yaml-stream")
		}
	}
	return rest, o, nil
}

// apply filters the result through --query and formats it for --output.
func (o outputOptions) apply(res Result) (Result, error) {
	if o.query == "" && o.format != "text" || res.Output == nil {
		return res, nil
	}
	// JMESPath works on plain JSON values: round-trip the AWS-shaped output.
	b, err := json.Marshal(res.Output)
	if err != nil {
		return res, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return res, err
	}
	if o.query != "" {
		if v, err = searchJMESPath(o.compiled, v); err != nil {
			return res, usagef("--query %s: %v", o.query, err)
		}
	}
	res.Output = v
	if o.format == "text" {
		res.Text = textOutput(v)
		if res.Text == "" {
			res.Text = "None"
		}
	}
	return res, nil
}

// textOutput renders a value the way the AWS CLI's text output does for
// the common shapes: scalars as they are, a list of scalars on one line
// separated by tabs, an object's scalar values (in key order) on one line,
// and nested lists and objects on lines of their own.
func textOutput(v any) string {
	var lines []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			var scalars []string
			for _, e := range x {
				if s, ok := scalarText(e); ok {
					scalars = append(scalars, s)
				} else {
					walk(e)
				}
			}
			if len(scalars) > 0 {
				lines = append(lines, strings.Join(scalars, "\t"))
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var scalars []string
			var nested []any
			for _, k := range keys {
				if s, ok := scalarText(x[k]); ok {
					scalars = append(scalars, s)
				} else {
					nested = append(nested, x[k])
				}
			}
			if len(scalars) > 0 {
				lines = append(lines, strings.Join(scalars, "\t"))
			}
			for _, n := range nested {
				walk(n)
			}
		default:
			if s, ok := scalarText(x); ok {
				lines = append(lines, s)
			}
		}
	}
	walk(v)
	return strings.Join(lines, "\n")
}

func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "None", true
	case string:
		return x, true
	case bool:
		if x {
			return "True", true
		}
		return "False", true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	case []any, map[string]any:
		return "", false
	}
	return fmt.Sprint(v), true
}

// go-jmespath panics on some malformed expressions instead of returning
// a syntax error (found by FuzzOutputOptions: @'(' in the interpreter, an
// invalid UTF-8 byte after an identifier in the lexer): compileJMESPath
// and searchJMESPath turn those panics into errors.

// compileJMESPath parses a --query expression.
func compileJMESPath(query string) (q *jmespath.JMESPath, err error) {
	defer func() {
		if p := recover(); p != nil {
			q, err = nil, fmt.Errorf("invalid JMESPath expression")
		}
	}()
	return jmespath.Compile(query)
}

// searchJMESPath runs a compiled --query expression on v.
func searchJMESPath(q *jmespath.JMESPath, v any) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("invalid JMESPath expression")
		}
	}()
	return q.Search(v)
}
