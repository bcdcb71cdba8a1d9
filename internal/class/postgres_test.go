package class

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/progress/pgtest"
)

// TestMain stops the PostgreSQL cluster the tests started, if any.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestTwoServersShareAPostgresStore: two class servers (each with its own
// connection pool, as two machines behind one address would have) share
// one PostgreSQL store. Alice answers a quiz question through server A;
// the result is in the class results and on her home screen when she
// connects to server B.
func TestTwoServersShareAPostgresStore(t *testing.T) {
	url := pgtest.URL(t)
	alice, bob := newKey(t), newKey(t)
	roster := rosterLine(alice, "Alice") + rosterLine(bob, "Bob")
	open := func() *progress.Postgres {
		p, err := progress.OpenPostgres(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	pgA, pgB := open(), open()
	c := loadCourse(t)
	// One assigned question, so the session opens on it with one key.
	as, err := ParseAssignments([]byte("assignments:\n  - quiz: "+c.Quizzes[0].ID+"\n    count: 1\n    seed: 7\n"), c)
	if err != nil {
		t.Fatal(err)
	}
	a := startServer(t, roster, func(cfg *Config) { cfg.Postgres, cfg.Assign = pgA, as })
	b := startServer(t, roster, func(cfg *Config) { cfg.Postgres, cfg.Assign = pgB, as })

	// Server A: the assigned question, answered, then quit (the quiz
	// screen saves the session as the program ends).
	ca, err := dial(t, a.addr, alice)
	if err != nil {
		t.Fatal(err)
	}
	tm := openTerm(t, ca, true)
	tm.out.waitFor(t, "0 of 1 done")
	tm.in.Write([]byte("\r"))
	tm.out.waitFor(t, "Question 1 of 1")
	tm.in.Write([]byte("1")) // a number, or the first option
	tm.in.Write([]byte("\r"))
	tm.out.waitFor(t, "1/1 answered")
	tm.in.Write([]byte("n")) // the last question: the results
	tm.out.waitFor(t, "Results")
	// The screen saves in a command: wait for the result in the store,
	// read through the other server's connections.
	for deadline := time.Now().Add(hang); ; time.Sleep(10 * time.Millisecond) {
		if res, err := pgB.View("alice").Results(""); err == nil && len(res) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the quiz result did not reach the store")
		}
	}
	tm.in.Write([]byte{3})
	tm.wait(t)
	ca.Close()
	a.logs.waitFor(t, "msg=disconnect") // the server saved the session as it ended

	// The results, read from the store (as `class results --store` does),
	// whichever server's pool reads them.
	for _, pg := range []*progress.Postgres{pgA, pgB} {
		rows, err := Results(t.TempDir(), pg, c, as)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Student != "Alice" || rows[0].Folder != "alice" || len(rows[0].Quizzes) != 1 ||
			rows[0].Quizzes[0].Sessions != 1 || rows[0].AssignmentsDone != 1 {
			t.Fatalf("results = %+v", rows)
		}
	}
	st := pgB.View("alice")
	res, err := st.Results("")
	if err != nil || len(res) != 1 {
		t.Fatalf("alice's results: %+v, %v", res, err)
	}
	atts, err := st.Attempts("")
	if err != nil || len(atts) != 1 {
		t.Fatalf("alice's answers: %+v, %v", atts, err)
	}

	// Server B: her session shows the assignment done (read from the
	// result saved through server A).
	// sees logs in to server B and waits for a line of the home screen.
	sees := func(key gossh.Signer, header, line string) {
		t.Helper()
		c, err := dial(t, b.addr, key)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		tm := openTerm(t, c, true)
		tm.out.waitFor(t, header)
		tm.out.waitFor(t, line)
		tm.in.Write([]byte{3})
		tm.wait(t)
	}
	sees(alice, "cloudlab class · Alice", "1 of 1 done")
	// Bob, who never answered, sees nothing of hers.
	sees(bob, "cloudlab class · Bob", "0 of 1 done")
	if atts, _ := pgA.View("bob").Attempts(""); len(atts) != 0 {
		t.Errorf("bob has answers: %+v", atts)
	}
	// Each server keeps the student's lab files folder locally.
	for _, s := range []*testServer{a, b} {
		if _, err := os.Stat(StudentDir(s.data, "alice") + "/files"); err != nil {
			t.Errorf("server %s: %v", s.addr, err)
		}
	}
	if _, err := os.Stat(StudentDir(a.data, "alice") + "/" + progress.FileName); err == nil {
		t.Error("a SQLite file was made beside the PostgreSQL store")
	}
}

// TestResultsOnBothBackends: the same scripted progress gives the same
// results rows (step times included) from SQLite files and from
// PostgreSQL.
func TestResultsOnBothBackends(t *testing.T) {
	c := loadCourse(t)
	labID := c.Labs[0].ID
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	script := func(st *progress.Store) {
		t.Helper()
		for _, err := range []error{
			st.MarkRead(c.Lessons[0].ID),
			st.RecordResult(progress.QuizResult{QuizID: "q-one", Mode: "practice", Correct: 7, Total: 10, At: at}),
			st.SaveLab(progress.LabState{LabID: labID, StepsPassed: 1, Steps: []progress.StepTime{
				{Step: 0, StartedAt: at, PassedAt: at.Add(125 * time.Second), SpentMs: 125_000},
				{Step: 1, StartedAt: at.Add(125 * time.Second), SpentMs: 40_400}}}),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	// SQLite: a folder per student, with the identity file the server writes.
	data := t.TempDir()
	for _, st := range []*Student{{Name: "Ada", Slug: "ada"}, {Name: "Grace", Slug: "grace"}} {
		ps, err := sqliteBackend{dataDir: data}.open(st)
		if err != nil {
			t.Fatal(err)
		}
		script(ps)
		ps.Close()
	}
	sqliteRows, err := Results(data, nil, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := progress.OpenPostgres(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	for _, st := range []*Student{{Name: "Ada", Slug: "ada"}, {Name: "Grace", Slug: "grace"}} {
		ps, err := postgresBackend{pg: pg, dataDir: t.TempDir()}.open(st)
		if err != nil {
			t.Fatal(err)
		}
		script(ps)
		ps.Close()
	}
	pgRows, err := Results(t.TempDir(), pg, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sb, pb strings.Builder
	if err := WriteResultsCSV(&sb, sqliteRows); err != nil {
		t.Fatal(err)
	}
	if err := WriteResultsCSV(&pb, pgRows); err != nil {
		t.Fatal(err)
	}
	if sb.String() != pb.String() {
		t.Errorf("SQLite and PostgreSQL results differ:\n%s\n%s", sb.String(), pb.String())
	}
	if !strings.Contains(sb.String(), labID+" 1:2m05s 2:40s+") {
		t.Errorf("step times missing:\n%s", sb.String())
	}
	if len(pgRows) != 2 || len(pgRows[0].Labs) != 1 || len(pgRows[0].Labs[0].StepTimes) != 2 ||
		pgRows[0].Labs[0].StepTimes[0] != (StepRow{Step: 1, StartedAt: at, PassedAt: at.Add(125 * time.Second), SpentSeconds: 125}) {
		t.Errorf("rows = %+v", pgRows)
	}
}

// BenchmarkResults30: `class results` over 30 students with some of
// everything, on each backend.
//
//	go test -run '^$' -bench Results30 ./internal/class/
func BenchmarkResults30(b *testing.B) {
	c := loadCourse(b)
	fill := func(st *progress.Store) {
		at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		for i, l := range c.Lessons[:5] {
			_ = st.MarkRead(l.ID)
			_ = st.RecordResult(progress.QuizResult{QuizID: l.ID, Mode: "practice", Correct: i, Total: 10, At: at})
		}
		for _, lf := range c.Labs[:3] {
			_ = st.SaveLab(progress.LabState{LabID: lf.ID, StepsPassed: 2, Steps: []progress.StepTime{
				{Step: 0, StartedAt: at, PassedAt: at, SpentMs: 60_000}, {Step: 1, StartedAt: at, PassedAt: at, SpentMs: 60_000}, {Step: 2, StartedAt: at, SpentMs: 1000}}})
		}
	}
	students := make([]*Student, 30)
	for i := range students {
		students[i] = &Student{Name: fmt.Sprintf("Student %02d", i), Slug: fmt.Sprintf("student-%02d", i)}
	}
	b.Run("sqlite", func(b *testing.B) {
		data := b.TempDir()
		for _, st := range students {
			ps, err := sqliteBackend{dataDir: data}.open(st)
			if err != nil {
				b.Fatal(err)
			}
			fill(ps)
			ps.Close()
		}
		for b.Loop() {
			if rows, err := Results(data, nil, c, nil); err != nil || len(rows) != 30 {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("postgres", func(b *testing.B) {
		pg, err := progress.OpenPostgres(pgtest.URL(b))
		if err != nil {
			b.Fatal(err)
		}
		defer pg.Close()
		for _, st := range students {
			ps, err := postgresBackend{pg: pg, dataDir: b.TempDir()}.open(st)
			if err != nil {
				b.Fatal(err)
			}
			fill(ps)
		}
		for b.Loop() {
			if rows, err := Results("", pg, c, nil); err != nil || len(rows) != 30 {
				b.Fatal(len(rows), err)
			}
		}
	})
}
