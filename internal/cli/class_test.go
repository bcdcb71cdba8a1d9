package cli

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/progress/pgtest"
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
		{[]string{"class", "serve", "--roster", "r", "--sim-budget", "5"}, "--sim-budget must be"},
		{[]string{"class", "results", "--store", "mysql://ann:Pw0rdXYZ@db/class"}, "--store: progress store mysql://ann:xxxxx@db/class: not a PostgreSQL URL"},
		{[]string{"class", "serve", "--roster", "r", "--store", "postgres://ann:Pw0rdXYZ@db:x/class"}, "not a valid URL"},
	} {
		r := run(t, nil, tc.args...)
		if r.code != 2 || !strings.Contains(r.errs, tc.want) || strings.Contains(r.errs, "Pw0rdXYZ") {
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

// TestMain stops the PostgreSQL cluster the tests started, if any.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// An unreachable store: one line naming it, without its password, exit 1.
func TestClassStoreUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	url := "postgres://ann:Pw0rdXYZ@" + addr + "/class?sslmode=disable&connect_timeout=2"
	for _, args := range [][]string{
		{"class", "results", "--store", url},
		{"class", "serve", "--roster", filepath.Join(t.TempDir(), "none"), "--store", url},
	} {
		r := run(t, nil, args...)
		if r.code != 1 || !strings.Contains(r.errs, "progress store postgres://ann:xxxxx@"+addr+"/class") ||
			!strings.Contains(r.errs, "cannot be reached") || strings.Contains(r.errs, "Pw0rdXYZ") || strings.Count(r.errs, "\n") != 1 {
			t.Errorf("%v: code %d, stderr %q", args[:2], r.code, r.errs)
		}
	}
}

// class results --store reads the PostgreSQL store.
func TestClassResultsFromPostgres(t *testing.T) {
	url := pgtest.URL(t)
	pg, err := progress.OpenPostgres(url)
	if err != nil {
		t.Fatal(err)
	}
	if err := pg.Enroll(progress.Learner{ID: "ann", Name: "Ann"}); err != nil {
		t.Fatal(err)
	}
	st, err := pg.Store("ann")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RecordResult(progress.QuizResult{QuizID: "q", Mode: "practice", Correct: 3, Total: 4}); err != nil {
		t.Fatal(err)
	}
	pg.Close()
	r := run(t, nil, "class", "results", "--csv", "--store", url)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[1], "Ann,ann,student,0,") || !strings.Contains(lines[1], "q 75%") {
		t.Errorf("code %d\n%s\n%s", r.code, r.stdout, r.errs)
	}
}
