package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/render"
)

type result struct {
	code         int
	stdout, errs string
}

// run runs cloudlab with args, without a terminal, with a fresh data folder
// and the given environment.
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	no := false
	a := &App{NoCache: true, In: strings.NewReader(""), Out: &out, Err: &errb, TTY: &no,
		Getenv: func(k string) string { return env[k] }}
	defer a.Close()
	if !hasFlag(args, "--data") {
		args = append([]string{"--data", t.TempDir()}, args...)
	}
	code := a.Run(args)
	return result{code, out.String(), errb.String()}
}

func hasFlag(args []string, f string) bool {
	for _, a := range args {
		if a == f || strings.HasPrefix(a, f+"=") {
			return true
		}
	}
	return false
}

func TestLessonsJSON(t *testing.T) {
	r := run(t, nil, "lessons", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if len(rows) == 0 {
		t.Fatal("no lessons")
	}
	for _, f := range []string{"id", "title", "track", "minutes", "status"} {
		if _, ok := rows[0][f]; !ok {
			t.Errorf("field %q missing in %v", f, rows[0])
		}
	}
	if rows[0]["status"] != "new" {
		t.Errorf("status = %v, want new", rows[0]["status"])
	}
}

func TestLessonsTable(t *testing.T) {
	r := run(t, nil, "lessons")
	if r.code != 0 || !strings.Contains(r.stdout, "lambda-anatomy") || !strings.Contains(r.stdout, "STATUS") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.errs)
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		err  string // substring of stderr
	}{
		// An unknown id is a usage error, like an unknown quiz or lab.
		{"unknown lesson", []string{"read", "no-such-lesson"}, 2, `no lesson "no-such-lesson"`},
		{"unknown lesson in learn", []string{"learn", "nope"}, 2, `no lesson "nope"`},
		{"unknown quiz", []string{"quiz", "nope"}, 2, `no quiz "nope"`},
		{"unknown lab", []string{"lab", "nope"}, 2, `no lab "nope"`},
		{"zero time", []string{"quiz", "docker", "--mode", "exam", "--time", "0"}, 2, `--time "0"`},
		{"tiny time", []string{"quiz", "docker", "--mode", "exam", "--time", "1ns"}, 2, `at least 1m`},
		{"wrong flag", []string{"lessons", "--bogus"}, 2, "unknown flag: --bogus"},
		{"wrong global flag", []string{"--nope"}, 2, "unknown flag"},
		{"unknown command", []string{"lesons"}, 2, `unknown command "lesons" (did you mean "lessons"?)`},
		{"read without lesson", []string{"read"}, 2, "accepts 1 arg"},
		{"bad style", []string{"--style", "pink", "lessons"}, 2, `--style "pink"`},
		{"bad width", []string{"read", "lambda-anatomy", "--width", "5"}, 2, "--width 5"},
		{"json and csv", []string{"progress", "--json", "--csv"}, 2, "cannot be used together"},
		{"missing content folder", []string{"--content", "/no/such/dir", "lessons"}, 1, "content folder /no/such/dir"},
		{"learn without a terminal", []string{"learn", "lambda-anatomy"}, 1, "needs a terminal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.errs)
			}
			if !strings.Contains(r.errs, tt.err) {
				t.Errorf("stderr %q lacks %q", r.errs, tt.err)
			}
			if tt.code == 1 && strings.Count(strings.TrimRight(r.errs, "\n"), "\n") != 0 {
				t.Errorf("error is not one line: %q", r.errs)
			}
			// One convention: "cloudlab: <message>", the prefix once.
			if !strings.HasPrefix(r.errs, "cloudlab: ") || strings.Contains(r.errs, "cloudlab: cloudlab") {
				t.Errorf("stderr %q: want one cloudlab: prefix", r.errs)
			}
			if strings.Contains(r.errs, "goroutine") || strings.Contains(r.errs, "panic") {
				t.Errorf("stack trace: %s", r.errs)
			}
		})
	}
}

func TestReadStyles(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		escapes bool
	}{
		{"piped is plain", nil, nil, false},
		{"style dark is coloured", nil, []string{"--style", "dark"}, true},
		{"style light is coloured", nil, []string{"--style", "light"}, true},
		{"NO_COLOR wins over dark", map[string]string{"NO_COLOR": "1"}, []string{"--style", "dark"}, false},
		{"plain flag", nil, []string{"--plain", "--style", "dark"}, false},
		{"ascii", nil, []string{"--style", "ascii"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.env, append([]string{"read", "lambda-anatomy", "--width", "80"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.errs)
			}
			if got := strings.Contains(r.stdout, "\x1b"); got != tt.escapes {
				t.Errorf("escapes = %v, want %v", got, tt.escapes)
			}
			if plain := render.StripANSI(r.stdout); !strings.Contains(plain, "Lambda anatomy") || strings.Contains(plain, "id: lambda-anatomy") {
				t.Errorf("unexpected output:\n%s", r.stdout)
			}
		})
	}
}

func TestReadByOrder(t *testing.T) {
	r := run(t, nil, "read", "12")
	if r.code != 0 || !strings.Contains(r.stdout, "Lambda anatomy") {
		t.Fatalf("exit %d: %s", r.code, r.errs)
	}
}

func TestCheck(t *testing.T) {
	t.Run("broken folder", func(t *testing.T) {
		r := run(t, nil, "check", "../course/testdata/broken")
		if r.code != 1 {
			t.Fatalf("exit %d, want 1", r.code)
		}
		for _, want := range []string{
			"../course/testdata/broken/lessons/09-minutes.md:6: minutes: want a whole number",
			"../course/testdata/broken/lessons/01-bad-yaml.md:7: bad YAML",
			"../course/testdata/broken/lessons/06-refs.md:7: quiz \"no-such-quiz\" does not exist",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, r.stdout)
			}
		}
		if !strings.Contains(r.errs, "problems") {
			t.Errorf("stderr %q", r.errs)
		}
	})
	t.Run("good folder", func(t *testing.T) {
		r := run(t, nil, "check", "../course/testdata/good")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "ok: ") {
			t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.errs)
		}
	})
	t.Run("not a folder", func(t *testing.T) {
		r := run(t, nil, "check", "cli_test.go")
		if r.code != 1 || !strings.Contains(r.errs, "not a folder") {
			t.Fatalf("exit %d: %s", r.code, r.errs)
		}
	})
}

func TestRootWithoutTerminalPrintsGuide(t *testing.T) {
	r := run(t, nil)
	if r.code != 0 || !strings.Contains(r.stdout, "cloudlab lessons") || strings.Contains(r.stdout, "\x1b") {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.errs)
	}
	r = run(t, map[string]string{"TERM": "dumb"})
	if r.code != 0 || !strings.Contains(r.stdout, "plain guide") {
		t.Fatalf("TERM=dumb: exit %d:\n%s", r.code, r.stdout)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		r := run(t, nil, args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "cloudlab ") {
			t.Errorf("%v: exit %d %q", args, r.code, r.stdout)
		}
	}
	old := Version
	Version = "v9.9.9"
	defer func() { Version = old }()
	if r := run(t, nil, "--version"); r.stdout != "cloudlab v9.9.9\n" {
		t.Errorf("stamped version: %q", r.stdout)
	}
}

func TestProgressExports(t *testing.T) {
	data := t.TempDir()
	var out, errb bytes.Buffer
	no := false
	a := &App{NoCache: true, Out: &out, Err: &errb, TTY: &no, Data: data, Getenv: func(string) string { return "" }}
	st, err := a.Store()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.OpenLesson("lambda-anatomy"); err != nil {
		t.Fatal(err)
	}
	if err := st.SavePosition("lambda-anatomy", 0.5, 40); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkRead("containers-vs-vms"); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	for i, r := range []progress.QuizResult{
		{SessionID: "s1", QuizID: "docker", Mode: "practice", Correct: 9, Total: 10, At: t0},
		{SessionID: "s2", QuizID: "docker", Mode: "exam", Correct: 6, Total: 10, At: t0.Add(time.Hour)},
	} {
		if err := st.RecordResult(r); err != nil {
			t.Fatal(i, err)
		}
	}
	for i, ok := range []bool{false, false, true} {
		if _, err := st.RecordAttempt(progress.Attempt{SessionID: "s2", QuizID: "docker", QuestionID: fmt.Sprint("d", i),
			Mode: "exam", Answer: "A", Domain: "saa-cost", Correct: ok, At: t0}); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()

	r := run(t, nil, "--data", data, "progress", "--json")
	var e struct {
		Version int
		Lessons []map[string]any
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &e) != nil || len(e.Lessons) != 2 {
		t.Fatalf("--json: exit %d %s %s", r.code, r.stdout, r.errs)
	}

	r = run(t, nil, "--data", data, "progress", "--csv")
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.code != 0 || err != nil || len(recs) != 5 || strings.Join(recs[0], ",") != strings.Join(progress.CSVHeader, ",") {
		t.Fatalf("--csv: exit %d %v\n%s", r.code, err, r.stdout)
	}
	status := map[string]string{}
	for _, rec := range recs[1:] {
		status[rec[0]+" "+rec[1]+" "+rec[8]] = rec[2]
	}
	want := map[string]string{"lesson lambda-anatomy ": "opened", "lesson containers-vs-vms ": "read",
		"quiz docker s1": "failed", "quiz docker s2": "failed"}
	if !reflect.DeepEqual(status, want) {
		t.Errorf("rows %v, want %v", status, want)
	}

	r = run(t, nil, "--data", data, "progress")
	if r.code != 0 || !strings.Contains(r.stdout, "1 of ") || !strings.Contains(r.stdout, "40%") {
		t.Errorf("table: exit %d\n%s%s", r.code, r.stdout, r.errs)
	}
	// Quiz results: best and latest score, and the weakest exam domains.
	for _, want := range []string{"90%        60%", "33%  1/3  SAA-C03 Design Cost-Optimized Architectures", "2 quiz sessions"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing spaces: %q", l)
		}
	}

	r = run(t, nil, "--data", data, "lessons", "--json")
	if !strings.Contains(r.stdout, `"status": "in-progress"`) || !strings.Contains(r.stdout, `"status": "read"`) {
		t.Errorf("lessons --json does not show progress:\n%s", r.stdout)
	}
}

func TestCorruptStoreIsOneLine(t *testing.T) {
	data := t.TempDir()
	if err := writeFile(data+"/progress.db", "this is not a database, but it is long enough to have a header......................"); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "--data", data, "lessons")
	if r.code != 1 || strings.Count(strings.TrimRight(r.errs, "\n"), "\n") != 0 || !strings.Contains(r.errs, "progress") {
		t.Fatalf("exit %d: %q", r.code, r.errs)
	}
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }

// Shell completion offers the course's ids, with titles, for each command
// that takes one.
func TestCompletesIDs(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "lesson", args: []string{"__complete", "read", "lambda-a"}, want: "lambda-anatomy\tLambda anatomy"},
		{name: "quiz", args: []string{"__complete", "quiz", "ecs-sch"}, want: "ecs-scheduling\t"},
		{name: "lab", args: []string{"__complete", "lab", "lab-as"}, want: "lab-async\t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, tt.args...)
			if r.code != 0 || !strings.Contains(r.stdout, tt.want) {
				t.Fatalf("exit %d, output %q, want it to offer %q", r.code, r.stdout, tt.want)
			}
			if strings.Count(strings.TrimSpace(r.stdout), "\n") != 1 {
				t.Errorf("want exactly one candidate and the directive, got %q", r.stdout)
			}
		})
	}
}

// Rendered lessons are cached on disk: the second read renders nothing,
// a damaged entry is ignored and written anew, cache clear empties it.
func TestRenderDiskCache(t *testing.T) {
	cache := t.TempDir()
	env := map[string]string{"XDG_CACHE_HOME": cache}
	read := func() string {
		var out, errb bytes.Buffer
		no := false
		a := &App{In: strings.NewReader(""), Out: &out, Err: &errb, TTY: &no, Getenv: func(k string) string { return env[k] }}
		defer a.Close()
		if code := a.Run([]string{"--data", t.TempDir(), "read", "docker", "--style", "dark", "--width", "80"}); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		return out.String()
	}
	first := read()
	dir := filepath.Join(cache, "cloudlab", "render")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) != 1 {
		t.Fatalf("cache entries: %v", files)
	}
	if read() != first {
		t.Error("the cached rendering differs")
	}
	if err := os.WriteFile(files[0], []byte("garbage\nnot the lesson"), 0o644); err != nil {
		t.Fatal(err)
	}
	if again := read(); again != first {
		i := 0
		for i < len(first) && i < len(again) && first[i] == again[i] {
			i++
		}
		t.Errorf("a damaged entry was used: len %d vs %d, differ at %d:\n%q\n%q", len(first), len(again), i, first[max(0, i-80):min(i+80, len(first))], again[max(0, i-80):min(i+80, len(again))])
	}
	if b, _ := os.ReadFile(files[0]); strings.Contains(string(b), "garbage") {
		t.Error("the damaged entry was not written anew")
	}
	r := run(t, env, "cache", "clear")
	if r.code != 0 || !strings.Contains(r.stdout, "Removed 1 cached rendering") {
		t.Errorf("cache clear: exit %d %q %q", r.code, r.stdout, r.errs)
	}
}

func TestManPage(t *testing.T) {
	r := run(t, nil, "man")
	for _, want := range []string{".TH CLOUDLAB 1", ".SH COMMANDS", "quiz", `\-\-mode`, ".SH EXIT STATUS"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("man page lacks %q (exit %d)", want, r.code)
		}
	}
}
