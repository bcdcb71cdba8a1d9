package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestWriteTable(t *testing.T) {
	cols := []column{{Name: "ID"}, {Name: "TITLE", Flex: true}, {Name: "GROUP", Group: "Group"}, {Name: "N"}}
	rows := [][]string{
		{"a", "A fairly long title for the first row", "one", "1"},
		{"bb", "Short", "one", "22"},
		{"c", "Ünïcode title → with wide 漢字 characters", "", "3"},
	}
	tests := []struct {
		name  string
		width int
		want  string
	}{
		// The wide title is 41 columns: 漢字 counts 4.
		{"fits", 100, "" +
			"ID  TITLE                                      GROUP  N\n" +
			"a   A fairly long title for the first row      one    1\n" +
			"bb  Short                                      one    22\n" +
			"c   Ünïcode title → with wide 漢字 characters         3\n"},
		{"group lines", 50, "" +
			"ID  TITLE                                      N\n" +
			"Group: one\n" +
			"a   A fairly long title for the first row      1\n" +
			"bb  Short                                      22\n" +
			"Group: (none)\n" +
			"c   Ünïcode title → with wide 漢字 characters  3\n"},
		{"cut titles", 30, "" +
			"ID  TITLE                   N\n" +
			"Group: one\n" +
			"a   A fairly long title f…  1\n" +
			"bb  Short                   22\n" +
			"Group: (none)\n" +
			"c   Ünïcode title → with …  3\n"},
		{"narrower than the other columns", 8, "" +
			"ID  TIT…  N\n" +
			"Group: …\n" +
			"a   A f…  1\n" +
			"bb  Sho…  22\n" +
			"Group: …\n" +
			"c   Ünï…  3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeTable(&b, tt.width, cols, rows); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

// runWidth runs cloudlab without a terminal; width 0 means the default.
func runWidth(t *testing.T, width int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	no := false
	a := &App{NoCache: true, In: strings.NewReader(""), Out: &out, Err: &errb, TTY: &no, Width: width, Getenv: func(string) string { return "" }}
	defer a.Close()
	if code := a.Run(append([]string{"--data", t.TempDir()}, args...)); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errb.String())
	}
	return out.String()
}

func TestListsFitTheWidth(t *testing.T) {
	const long = "ECS concepts: clusters, task definitions, tasks and services"
	tests := []struct {
		name  string
		width int // 0: not a terminal (a pipe: no width)
		args  []string
		has   []string
		hasnt []string
	}{
		// A pipe has no width: nothing is cut (cloudlab lessons | cat).
		{"lessons piped", 0, []string{"lessons"}, []string{"TRACK", long, "lambda-errors-observability"}, []string{"Track: ", "…"}},
		{"lessons in a wide terminal", 150, []string{"lessons"}, []string{"TRACK", long}, []string{"Track: ", "…"}},
		{"lessons in a narrow terminal", 60, []string{"lessons"}, []string{"Track: Serverless", "lambda-errors-observability"}, nil},
		{"quizzes piped", 0, []string{"quizzes"}, []string{"choosing-compute", "QUESTIONS", "--all for every quiz"}, nil},
		{"quizzes in a narrow terminal", 60, []string{"quizzes"}, []string{"lambda-errors-observability"}, nil},
		{"labs piped", 0, []string{"labs"}, []string{"LESSON", "Asynchronous invocation: retries, event age and failure destinations"}, []string{"Lesson: ", "…"}},
		{"quizzes piped whole", 0, []string{"quizzes"}, []string{"QUESTIONS"}, []string{"…"}},
		{"labs in a wide terminal", 150, []string{"labs"}, []string{"LESSON", "Asynchronous invocation: retries, event age and failure destinations"}, []string{"Lesson: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := runWidth(t, tt.width, tt.args...)
			w := tt.width
			for i, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
				if n := ansi.StringWidth(l); w > 0 && n > w {
					t.Errorf("line %d is %d wide, wider than %d: %q", i+1, n, w, l)
				}
				if strings.TrimRight(l, " ") != l {
					t.Errorf("line %d has trailing spaces: %q", i+1, l)
				}
			}
			for _, s := range tt.has {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.hasnt {
				if strings.Contains(out, s) {
					t.Errorf("output has %q:\n%s", s, out)
				}
			}
		})
	}
}

func TestJSONListsAreComplete(t *testing.T) {
	for _, cmd := range []string{"lessons", "quizzes", "labs"} {
		t.Run(cmd, func(t *testing.T) {
			var rows []struct{ ID, Title string }
			if err := json.Unmarshal([]byte(runWidth(t, 40, cmd, "--json")), &rows); err != nil || len(rows) == 0 {
				t.Fatalf("%v, %d rows", err, len(rows))
			}
			longest := ""
			for _, r := range rows {
				if strings.Contains(r.Title, "…") {
					t.Errorf("cut title in JSON: %q", r.Title)
				}
				if len(r.Title) > len(longest) {
					longest = r.Title
				}
			}
			if len(longest) < 40 {
				t.Errorf("longest %s title %q: the JSON should keep whole titles", cmd, longest)
			}
		})
	}
}
