package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/progress"
)

func TestClassUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"class", "serve"}, "--roster FILE is required"},
		{[]string{"class", "serve", "--roster", "r", "--idle", "1ms"}, "--idle must be"},
		{[]string{"class", "serve", "--roster", "r", "--max-sessions", "0"}, "--max-sessions"},
		{[]string{"class", "results", "--csv", "--json"}, "cannot be used together"},
	} {
		r := run(t, nil, tc.args...)
		if r.code != 2 || !strings.Contains(r.errs, tc.want) {
			t.Errorf("%v: code %d, stderr %q", tc.args, r.code, r.errs)
		}
	}
	r := run(t, nil, "class", "serve", "--roster", filepath.Join(t.TempDir(), "none"))
	if r.code != 1 || !strings.Contains(r.errs, "roster") || strings.Count(r.errs, "\n") != 1 {
		t.Errorf("missing roster: code %d, stderr %q", r.code, r.errs)
	}
}

func TestClassResultsCSV(t *testing.T) {
	data := t.TempDir()
	dir := filepath.Join(data, "students", "ann")
	st, err := progress.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RecordResult(progress.QuizResult{QuizID: "q", Mode: "practice", Correct: 3, Total: 4}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	os.WriteFile(filepath.Join(dir, "student.json"), []byte(`{"name":"Ann"}`), 0o600)
	r := run(t, nil, "--data", data, "class", "results", "--csv")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[1], "Ann,ann,student,0,") || !strings.Contains(lines[1], "q 75%") {
		t.Errorf("code %d\n%s\n%s", r.code, r.stdout, r.errs)
	}
	r = run(t, nil, "--data", t.TempDir(), "class", "results")
	if r.code != 1 || !strings.Contains(r.errs, "no class data") {
		t.Errorf("empty: code %d, %q", r.code, r.errs)
	}
}
