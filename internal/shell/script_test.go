package shell

import (
	"reflect"
	"strings"
	"testing"
)

func TestScriptLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []ScriptLine
	}{
		{"plain", "a\nb\n", []ScriptLine{{1, "a"}, {2, "b"}}},
		{"blank and comments", "\n# c\n  a  \n\n", []ScriptLine{{3, "a"}}},
		{"continued", "aws lambda invoke \\\n  --function-name hello \\\n  out.json\nnext", []ScriptLine{{1, "aws lambda invoke    --function-name hello    out.json"}, {4, "next"}}},
		{"escaped backslash ends the line", "echo a\\\\\nb", []ScriptLine{{1, `echo a\\`}, {2, "b"}}},
		{"continued at the end", "a \\", []ScriptLine{{1, "a"}}},
		{"crlf", "a\r\nb\r\n", []ScriptLine{{1, "a"}, {2, "b"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ScriptLines(tc.in)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ScriptLines(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestScriptLineTooLong(t *testing.T) {
	_, err := ScriptLines("a\n" + strings.Repeat("x", MaxScriptLineBytes+1))
	if err == nil || !strings.Contains(err.Error(), "line 2 is longer than") {
		t.Fatalf("err = %v", err)
	}
}
