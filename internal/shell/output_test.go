package shell

import (
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

// --query (JMESPath) and --output work on every aws command, as in the AWS
// CLI, and are refused on lab verbs.
func TestQueryAndOutput(t *testing.T) {
	sh := New(cloud.New(1))
	mustRun(t, sh, createF)
	mustRun(t, sh, strings.Replace(createF, "--function-name f", "--function-name g", 1)+" --memory-size 512")
	tests := []struct {
		name, line string
		text       string // want Result.String()
		errHas     string
	}{
		{name: "projection as text", line: "aws lambda list-functions --query 'Functions[].FunctionName' --output text", text: "f\tg"},
		{name: "filter as json", line: "aws lambda list-functions --query 'Functions[?MemorySize > `256`].FunctionName'", text: "[\n    \"g\"\n]"},
		{name: "scalar with =", line: "aws lambda get-function --function-name f --query=Configuration.MemorySize --output=text", text: "128"},
		{name: "object as text", line: "aws lambda get-function-concurrency --function-name f --output text", text: "None"},
		{name: "missing value", line: "aws lambda list-functions --query", errHas: "expected one argument"},
		{name: "bad expression", line: "aws lambda list-functions --query 'Functions[.'", errHas: "Bad value for --query"},
		{name: "table", line: "aws lambda list-functions --output table", errHas: "json or text"},
		{name: "unknown format", line: "aws lambda list-functions --output xml", errHas: "Invalid choice"},
		{name: "lab verb", line: "clock now --query x", errHas: "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := sh.Run(tt.line)
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.String(); got != tt.text {
				t.Errorf("got %q, want %q", got, tt.text)
			}
		})
	}
}

func TestTextOutput(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{name: "scalar", in: "web", want: "web"},
		{name: "null", in: nil, want: "None"},
		{name: "list of scalars", in: []any{"a", 1.0, true}, want: "a\t1\tTrue"},
		{name: "object in key order", in: map[string]any{"b": "2", "a": "1"}, want: "1\t2"},
		{name: "nested", in: map[string]any{"name": "c", "tasks": []any{map[string]any{"id": "t1"}, map[string]any{"id": "t2"}}}, want: "c\nt1\nt2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textOutput(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzOutputOptions(f *testing.F) {
	for _, s := range []string{"--query a.b --output text", "--query=[0] x", "--output", "--query '[.'", "--output=json --query 'a[?b > `1`]'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := Split(line)
		if err != nil {
			return
		}
		rest, o, err := takeOutputOptions(words)
		if err != nil {
			return
		}
		for _, w := range rest {
			if w == "--query" || w == "--output" {
				t.Fatalf("option left in %q", rest)
			}
		}
		_, _ = o.apply(Result{Output: map[string]any{"a": []any{1, "x", nil}}})
	})
}
