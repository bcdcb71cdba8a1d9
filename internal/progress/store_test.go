package progress

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// clock is a settable fake clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openTest(t testing.TB, dir string) (*Store, *clock) {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	c := &clock{t: t0}
	s.SetClock(c.now)
	return s, c
}

func TestOpenCreatesDirAndSchema(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	s, _ := openTest(t, dir)
	if s.Path() != filepath.Join(dir, "progress.db") {
		t.Errorf("Path = %s", s.Path())
	}
	var v int
	var mode string
	var fk, busy int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion() || v < 1 {
		t.Errorf("user_version = %d, %v; want %d", v, err, SchemaVersion())
	}
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
	if err := s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v", fk, err)
	}
	if err := s.db.QueryRow("PRAGMA busy_timeout").Scan(&busy); err != nil || busy != busyTimeoutMs {
		t.Errorf("busy_timeout = %d, %v", busy, err)
	}
	// Reopening an up-to-date database works and keeps data.
	if err := s.OpenLesson("ec2"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, _ := openTest(t, dir)
	if l, err := s2.Lesson("ec2"); err != nil || l.FirstOpened.IsZero() {
		t.Errorf("after reopen: %+v, %v", l, err)
	}
}

func TestMigrationsAreNumberedInOrder(t *testing.T) {
	// Both backends have the same migrations, by version and name.
	ms, err := migrations(sqliteMigrations)
	if err != nil {
		t.Fatal(err)
	}
	pms, err := migrations(postgresMigrations)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].name != "0001_init.sql" || len(pms) != len(ms) {
		t.Fatalf("migrations = %v, postgres %v", ms, pms)
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %s has version %d, want %d", m.name, m.version, i+1)
		}
		if pms[i].name != m.name {
			t.Errorf("postgres migration %d is %s, SQLite's is %s", i+1, pms[i].name, m.name)
		}
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("CLOUDLAB_DATA", "/tmp/x-cloudlab")
	if got := DefaultDir(); got != "/tmp/x-cloudlab" {
		t.Errorf("with CLOUDLAB_DATA: %s", got)
	}
	t.Setenv("CLOUDLAB_DATA", "")
	t.Setenv("XDG_DATA_HOME", "/tmp/xdg-data")
	if got := DefaultDir(); got != "/tmp/xdg-data/cloudlab" {
		t.Errorf("with XDG_DATA_HOME: %s", got)
	}
	t.Setenv("XDG_DATA_HOME", "relative/ignored")
	if got := DefaultDir(); filepath.Base(got) != "cloudlab" || !filepath.IsAbs(got) {
		t.Errorf("without CLOUDLAB_DATA: %s", got)
	}
}

func TestOpenEmptyDir(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Fatal("Open(\"\") succeeded")
	}
}

func TestLessons(t *testing.T) { forBackends(t, testLessons) }

func testLessons(t *testing.T, open opener) {
	s, c := open(t)
	t1, t2, t3 := t0.Add(time.Minute), t0.Add(2*time.Minute), t0.Add(3*time.Minute)
	steps := []struct {
		name string
		do   func() error
		want LessonState
	}{
		{"open", func() error { return s.OpenLesson("ec2") },
			LessonState{LessonID: "ec2", FirstOpened: t0, UpdatedAt: t0}},
		{"save position", func() error { c.add(time.Minute); return s.SavePosition("ec2", 0.25, 30) },
			LessonState{LessonID: "ec2", FirstOpened: t0, Position: 0.25, Percent: 30, UpdatedAt: t1}},
		{"reopen keeps first opened", func() error { c.add(time.Minute); return s.OpenLesson("ec2") },
			LessonState{LessonID: "ec2", FirstOpened: t0, Position: 0.25, Percent: 30, UpdatedAt: t2}},
		{"mark read", func() error { c.add(time.Minute); return s.MarkRead("ec2") },
			LessonState{LessonID: "ec2", FirstOpened: t0, Position: 0.25, Percent: 100, ReadAt: t3, UpdatedAt: t3}},
		{"read again keeps first read time", func() error { c.add(time.Minute); return s.MarkRead("ec2") },
			LessonState{LessonID: "ec2", FirstOpened: t0, Position: 0.25, Percent: 100, ReadAt: t3, UpdatedAt: t3.Add(time.Minute)}},
		{"scrolling up after reading keeps it read", func() error { c.add(time.Minute); return s.SavePosition("ec2", 0.1, 10) },
			LessonState{LessonID: "ec2", FirstOpened: t0, Position: 0.1, Percent: 10, ReadAt: t3, UpdatedAt: t3.Add(2 * time.Minute)}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got, err := s.Lesson("ec2")
		if err != nil || got != st.want {
			t.Fatalf("%s:\n got %+v, %v\nwant %+v", st.name, got, err, st.want)
		}
	}
	if !(LessonState{ReadAt: t3}).Read() || (LessonState{}).Read() {
		t.Error("Read()")
	}
	// Position without opening first sets FirstOpened too.
	if err := s.SavePosition("docker", 1, 100); err != nil {
		t.Fatal(err)
	}
	all, err := s.Lessons()
	if err != nil || len(all) != 2 || all["docker"].FirstOpened.IsZero() || all["ec2"].Percent != 10 {
		t.Fatalf("Lessons = %+v, %v", all, err)
	}
	got, err := s.Lesson("never")
	if err != nil || got != (LessonState{LessonID: "never"}) {
		t.Errorf("unknown lesson: %+v, %v", got, err)
	}
}

func TestBadInput(t *testing.T) { forBackends(t, testBadInput) }

func testBadInput(t *testing.T, open opener) {
	s, _ := open(t)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"empty lesson id", s.OpenLesson(""), "empty lesson id"},
		{"position above 1", s.SavePosition("x", 1.5, 10), "position 1.5"},
		{"position NaN", s.SavePosition("x", nanf(), 10), "position NaN"},
		{"percent above 100", s.SavePosition("x", 0.5, 101), "percent 101"},
		{"mark read empty", s.MarkRead(""), "empty lesson id"},
		{"bad location kind", s.SetLast("video", "x"), `kind "video"`},
		{"empty location id", s.SetLast("quiz", ""), "empty quiz id"},
		{"attempt without quiz", second(s.RecordAttempt(Attempt{QuestionID: "q"})), "quiz id and a question id"},
		{"attempt negative time", second(s.RecordAttempt(Attempt{QuizID: "z", QuestionID: "q", TakenMs: -1})), "negative time"},
		{"result more right than total", s.RecordResult(QuizResult{QuizID: "z", Correct: 3, Total: 2}), "3 correct of 2"},
		{"card without id", s.PutCard(Card{Due: t0}), "question id"},
		{"card without due", s.PutCard(Card{QuestionID: "q"}), "no due date"},
		{"card bad state", s.PutCard(Card{QuestionID: "q", Due: t0, State: 9}), "out-of-range"},
		{"lab without id", s.SaveLab(LabState{}), "lab id"},
		{"lab negative steps", s.SaveLab(LabState{LabID: "l", StepsPassed: -1}), "negative"},
		{"import bad version", s.Import(Export{Version: 99}), "version 99"},
		{"import bad lesson", s.Import(Export{Version: 1, Lessons: []LessonState{{LessonID: "a"}, {}}}), "lessons[1]"},
		{"import attempt without time", s.Import(Export{Version: 1, Attempts: []Attempt{{QuizID: "z", QuestionID: "q"}}}), "attempts[0]: missing time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", tt.err, tt.want)
			}
		})
	}
	// Nothing was written by the rejected calls.
	e, err := s.Export()
	if err != nil || len(e.Lessons)+len(e.Attempts)+len(e.Results)+len(e.Cards)+len(e.Labs) != 0 {
		t.Errorf("store not empty after bad input: %+v, %v", e, err)
	}
}

func nanf() float64 { z := 0.0; return z / z }

func second(_ int64, err error) error { return err }

func TestLast(t *testing.T) { forBackends(t, testLast) }

func testLast(t *testing.T, open opener) {
	s, c := open(t)
	if _, ok, err := s.Last(); ok || err != nil {
		t.Fatalf("empty store: ok=%v err=%v", ok, err)
	}
	for i, loc := range []Location{{"lesson", "ec2", t0}, {"quiz", "docker", t0.Add(time.Second)}, {"lab", "lab-async", t0.Add(2 * time.Second)}} {
		if i > 0 {
			c.add(time.Second)
		}
		if err := s.SetLast(loc.Kind, loc.ID); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.Last()
		if !ok || err != nil || got != loc {
			t.Fatalf("Last = %+v, %v, %v; want %+v", got, ok, err, loc)
		}
	}
}

func TestAttemptsAndResults(t *testing.T) { forBackends(t, testAttemptsAndResults) }

func testAttemptsAndResults(t *testing.T, open opener) {
	s, _ := open(t)
	in := []Attempt{
		{SessionID: "s1", QuizID: "ec2", QuestionID: "q1", Mode: "practice", Answer: "A", Domain: "clf-tech", Lesson: "ec2", Correct: true, TakenMs: 1200, At: t0},
		{SessionID: "s1", QuizID: "ec2", QuestionID: "q2", Mode: "practice", Answer: "BC", Domain: "saa-cost", Correct: false, TakenMs: 900, At: t0.Add(time.Second)},
		{SessionID: "s2", QuizID: "docker", QuestionID: "d1", Mode: "exam", Answer: "60", Correct: true, At: t0.Add(2 * time.Second)},
	}
	for i := range in {
		id, err := s.RecordAttempt(in[i])
		if err != nil || id != int64(i+1) {
			t.Fatalf("RecordAttempt %d = %d, %v", i, id, err)
		}
		in[i].ID = id
	}
	tests := []struct {
		quiz string
		want []Attempt
	}{{"", in}, {"ec2", in[:2]}, {"docker", in[2:]}, {"none", nil}}
	for _, tt := range tests {
		got, err := s.Attempts(tt.quiz)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Attempts(%q) =\n%+v, %v\nwant\n%+v", tt.quiz, got, err, tt.want)
		}
	}
	// A zero time means now (the store clock).
	if _, err := s.RecordAttempt(Attempt{QuizID: "z", QuestionID: "q"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Attempts("z"); len(got) != 1 || !got[0].At.Equal(t0) {
		t.Errorf("default time: %+v", got)
	}

	r1 := QuizResult{SessionID: "s1", QuizID: "ec2", Mode: "practice", Correct: 1, Total: 2, At: t0}
	r2 := QuizResult{SessionID: "s2", QuizID: "docker", Mode: "exam", Correct: 1, Total: 1, Scaled: 1000, Passed: true, At: t0.Add(time.Minute)}
	r1b := r1
	r1b.Correct, r1b.At = 2, t0.Add(2*time.Minute)
	r3 := QuizResult{QuizID: "ec2", Correct: 0, Total: 2, At: t0.Add(3 * time.Minute)}
	for _, r := range []QuizResult{r1, r2, r1b, r3, r3} {
		if err := s.RecordResult(r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Results("")
	want := []QuizResult{r2, r1b, r3, r3} // r1b replaced r1 (same session); results without a session are all kept
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Results =\n%+v, %v\nwant\n%+v", got, err, want)
	}
	if got, _ := s.Results("docker"); !reflect.DeepEqual(got, []QuizResult{r2}) {
		t.Errorf("Results(docker) = %+v", got)
	}
}

func TestCards(t *testing.T) { forBackends(t, testCards) }

func testCards(t *testing.T, open opener) {
	s, _ := open(t)
	day := 24 * time.Hour
	cards := []Card{
		{QuestionID: "q1", QuizID: "ec2", Due: t0.Add(-day), Stability: 2.5, Difficulty: 5.1, ElapsedDays: 1, ScheduledDays: 2, Reps: 2, Lapses: 1, State: 2, LastReview: t0.Add(-3 * day)},
		{QuestionID: "q2", QuizID: "ec2", Due: t0, State: 0},
		{QuestionID: "q3", QuizID: "docker", Due: t0.Add(day), Reps: 1, State: 2, LastReview: t0},
	}
	for _, c := range cards {
		if err := s.PutCard(c); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := s.Card("q1")
	if !ok || err != nil || got != cards[0] {
		t.Errorf("Card(q1) = %+v, %v, %v", got, ok, err)
	}
	if _, ok, err := s.Card("nope"); ok || err != nil {
		t.Errorf("Card(nope): ok=%v err=%v", ok, err)
	}
	tests := []struct {
		name string
		now  time.Time
		want []Card
	}{
		{"before all", t0.Add(-2 * day), nil},
		{"due exactly now counts", t0, cards[:2]},
		{"all", t0.Add(2 * day), cards},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, err := s.DueCards(tt.now)
			if err != nil || !reflect.DeepEqual(due, tt.want) {
				t.Errorf("DueCards = %+v, %v; want %+v", due, err, tt.want)
			}
			n, err := s.CountDue(tt.now)
			if err != nil || n != len(tt.want) {
				t.Errorf("CountDue = %d, %v; want %d", n, err, len(tt.want))
			}
		})
	}
	// PutCard replaces.
	upd := cards[1]
	upd.Due, upd.Reps, upd.State, upd.LastReview = t0.Add(3*day), 1, 2, t0
	if err := s.PutCard(upd); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.Card("q2"); got != upd {
		t.Errorf("after update: %+v", got)
	}
}

func TestLabs(t *testing.T) { forBackends(t, testLabs) }

func testLabs(t *testing.T, open opener) {
	s, c := open(t)
	steps := []struct {
		in   LabState
		want LabState
	}{
		{LabState{LabID: "lab-async", StepsPassed: 1}, LabState{LabID: "lab-async", StepsPassed: 1, UpdatedAt: t0}},
		{LabState{LabID: "lab-async", StepsPassed: 3, SolutionsShown: 1, CompletedAt: t0.Add(time.Minute), UpdatedAt: t0.Add(time.Minute)},
			LabState{LabID: "lab-async", StepsPassed: 3, SolutionsShown: 1, CompletedAt: t0.Add(time.Minute), UpdatedAt: t0.Add(time.Minute)}},
		// Redoing the lab: steps restart, completion stays.
		{LabState{LabID: "lab-async", StepsPassed: 0, SolutionsShown: 1},
			LabState{LabID: "lab-async", StepsPassed: 0, SolutionsShown: 1, CompletedAt: t0.Add(time.Minute), UpdatedAt: t0.Add(time.Hour)}},
		// Step times: the first start and pass are kept, and the largest
		// running total of time spent.
		{LabState{LabID: "lab-async", StepsPassed: 1, Steps: []StepTime{
			{Step: 0, StartedAt: t0, PassedAt: t0.Add(90 * time.Second), SpentMs: 90_000},
			{Step: 1, StartedAt: t0.Add(90 * time.Second), SpentMs: 5_000}}},
			LabState{LabID: "lab-async", StepsPassed: 1, SolutionsShown: 0, CompletedAt: t0.Add(time.Minute), UpdatedAt: t0.Add(time.Hour), Steps: []StepTime{
				{Step: 0, StartedAt: t0, PassedAt: t0.Add(90 * time.Second), SpentMs: 90_000},
				{Step: 1, StartedAt: t0.Add(90 * time.Second), SpentMs: 5_000}}}},
		{LabState{LabID: "lab-async", StepsPassed: 2, Steps: []StepTime{
			{Step: 0, StartedAt: t0.Add(time.Hour), PassedAt: t0.Add(2 * time.Hour), SpentMs: 1_000}, // a later redo
			{Step: 1, StartedAt: t0.Add(time.Hour), PassedAt: t0.Add(2 * time.Hour), SpentMs: 65_000}}},
			LabState{LabID: "lab-async", StepsPassed: 2, CompletedAt: t0.Add(time.Minute), UpdatedAt: t0.Add(time.Hour), Steps: []StepTime{
				{Step: 0, StartedAt: t0, PassedAt: t0.Add(90 * time.Second), SpentMs: 90_000},
				{Step: 1, StartedAt: t0.Add(90 * time.Second), PassedAt: t0.Add(2 * time.Hour), SpentMs: 65_000}}}},
	}
	for i, st := range steps {
		if i == 2 {
			c.add(time.Hour)
		}
		if err := s.SaveLab(st.in); err != nil {
			t.Fatal(err)
		}
		labs, err := s.Labs()
		if err != nil || len(labs) != 1 || !reflect.DeepEqual(labs["lab-async"], st.want) {
			t.Fatalf("step %d: Labs = %+v, %v; want %+v", i, labs, err, st.want)
		}
	}
	if !steps[1].want.Completed() || (LabState{}).Completed() {
		t.Error("Completed()")
	}
	if d := (StepTime{SpentMs: 1500}).Spent(); d != 1500*time.Millisecond {
		t.Errorf("Spent = %v", d)
	}
	if err := s.SaveLab(LabState{LabID: "x", Steps: []StepTime{{Step: -1}}}); err == nil {
		t.Error("a negative step was saved")
	}
}

// fill puts some of everything into s.
func fill(t testing.TB, s *Store, prefix string, base time.Time) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.OpenLesson(prefix + "ec2"))
	must(s.SavePosition(prefix+"ec2", 0.5, 50))
	must(s.MarkRead(prefix + "docker"))
	for i := 0; i < 3; i++ {
		_, err := s.RecordAttempt(Attempt{SessionID: prefix + "s", QuizID: "ec2", QuestionID: prefix + "q" + string(rune('a'+i)),
			Mode: "practice", Answer: "A", Domain: "clf-tech", Correct: i != 1, TakenMs: int64(100 * i), At: base.Add(time.Duration(i) * time.Second)})
		must(err)
	}
	must(s.RecordResult(QuizResult{SessionID: prefix + "s", QuizID: "ec2", Mode: "practice", Correct: 2, Total: 3, At: base.Add(time.Minute)}))
	must(s.RecordResult(QuizResult{QuizID: "docker", Mode: "exam", Correct: 1, Total: 1, Scaled: 1000, Passed: true, At: base.Add(2 * time.Minute)}))
	must(s.PutCard(Card{QuestionID: prefix + "qa", QuizID: "ec2", Due: base.Add(72 * time.Hour), Stability: 3.1, Difficulty: 4.9, ScheduledDays: 3, Reps: 1, State: 2, LastReview: base}))
	must(s.SaveLab(LabState{LabID: prefix + "lab-async", StepsPassed: 2, SolutionsShown: 1, Steps: []StepTime{
		{Step: 0, StartedAt: base, PassedAt: base.Add(time.Minute), SpentMs: 60_000},
		{Step: 1, StartedAt: base.Add(time.Minute), PassedAt: base.Add(3 * time.Minute), SpentMs: 100_000},
		{Step: 2, StartedAt: base.Add(3 * time.Minute), SpentMs: 7_000}}}))
	must(s.SetLast("lesson", prefix+"ec2"))
}

func jsonRoundTrip(t *testing.T, e Export) Export {
	t.Helper()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var out Export
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExportImportRoundTrip(t *testing.T) { forBackends(t, testExportImportRoundTrip) }

func testExportImportRoundTrip(t *testing.T, open opener) {
	a, _ := open(t)
	fill(t, a, "", t0)
	ea, err := a.Export()
	if err != nil {
		t.Fatal(err)
	}
	if ea.Version != ExportVersion || len(ea.Lessons) != 2 || len(ea.Attempts) != 3 || len(ea.Results) != 2 || len(ea.Cards) != 1 || len(ea.Labs) != 1 {
		t.Fatalf("export: %+v", ea)
	}
	b, _ := open(t)
	for i := 0; i < 2; i++ { // importing twice changes nothing
		if err := b.Import(jsonRoundTrip(t, ea)); err != nil {
			t.Fatal(err)
		}
		eb, err := b.Export()
		// Import reassigns attempt ids (a PostgreSQL database numbers
		// every student's attempts in one sequence).
		if err != nil || !reflect.DeepEqual(withoutIDs(eb), withoutIDs(ea)) {
			t.Fatalf("import %d:\n got %+v, %v\nwant %+v", i+1, eb, err, ea)
		}
	}
	// Importing into the source is a no-op too.
	if err := a.Import(ea); err != nil {
		t.Fatal(err)
	}
	if again, _ := a.Export(); !reflect.DeepEqual(again, ea) {
		t.Fatalf("self-import changed the store:\n%+v\n%+v", again, ea)
	}
}

// withoutIDs is e with its attempt ids zeroed.
func withoutIDs(e Export) Export {
	e.Attempts = append([]Attempt(nil), e.Attempts...)
	for i := range e.Attempts {
		e.Attempts[i].ID = 0
	}
	return e
}

func TestImportMerges(t *testing.T) { forBackends(t, testImportMerges) }

func testImportMerges(t *testing.T, open opener) {
	a, ca := open(t)
	b, cb := open(t)
	fill(t, a, "", t0)
	cb.add(time.Hour)
	fill(t, b, "b-", t0.Add(time.Hour))
	// Both know lesson ec2: a read it earlier; b has the newer position.
	if err := a.MarkRead("ec2"); err != nil {
		t.Fatal(err)
	}
	if err := b.SavePosition("ec2", 0.9, 90); err != nil {
		t.Fatal(err)
	}
	// Both have card "qa": b's was reviewed later and wins.
	bCard := Card{QuestionID: "qa", QuizID: "ec2", Due: t0.Add(240 * time.Hour), Stability: 9, Difficulty: 4, ScheduledDays: 10, Reps: 2, State: 2, LastReview: t0.Add(time.Hour)}
	if err := b.PutCard(bCard); err != nil {
		t.Fatal(err)
	}
	// Lab progress: a completed, b has shown more solutions.
	if err := a.SaveLab(LabState{LabID: "lab-async", StepsPassed: 4, CompletedAt: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if err := b.SaveLab(LabState{LabID: "lab-async", StepsPassed: 1, SolutionsShown: 3}); err != nil {
		t.Fatal(err)
	}
	_ = ca
	eb, err := b.Export()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Import(eb); err != nil {
		t.Fatal(err)
	}
	m, err := a.Export()
	if err != nil {
		t.Fatal(err)
	}
	ls := map[string]LessonState{}
	for _, l := range m.Lessons {
		ls[l.LessonID] = l
	}
	if len(ls) != 4 {
		t.Errorf("lessons: %+v", m.Lessons)
	}
	ec2 := ls["ec2"]
	if !ec2.FirstOpened.Equal(t0) || !ec2.ReadAt.Equal(t0) || ec2.Position != 0.9 || ec2.Percent != 90 {
		t.Errorf("merged ec2 lesson: %+v", ec2)
	}
	if len(m.Attempts) != 6 || len(m.Results) != 4 { // two sessions, and the session-less docker results at different times
		t.Errorf("attempts %d results %d: %+v", len(m.Attempts), len(m.Results), m.Results)
	}
	if c, _, _ := a.Card("qa"); c != bCard {
		t.Errorf("card qa = %+v, want %+v", c, bCard)
	}
	labs, _ := a.Labs()
	if l := labs["lab-async"]; l.StepsPassed != 4 || l.SolutionsShown != 3 || !l.CompletedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("merged lab: %+v", l)
	}
}

func TestStats(t *testing.T) { forBackends(t, testStats) }

func testStats(t *testing.T, open opener) {
	s, _ := open(t)
	results := []QuizResult{
		{SessionID: "1", QuizID: "ec2", Correct: 5, Total: 10, At: t0},
		{SessionID: "2", QuizID: "ec2", Correct: 9, Total: 10, At: t0.Add(time.Minute)},
		{SessionID: "3", QuizID: "ec2", Correct: 7, Total: 10, At: t0.Add(2 * time.Minute)},
		{SessionID: "4", QuizID: "docker", Correct: 1, Total: 4, At: t0.Add(3 * time.Minute)},
	}
	for _, r := range results {
		if err := s.RecordResult(r); err != nil {
			t.Fatal(err)
		}
	}
	qs, err := s.QuizStats()
	want := []QuizStat{{QuizID: "docker", Best: 25, Latest: 25, Attempts: 1}, {QuizID: "ec2", Best: 90, Latest: 70, Attempts: 3}}
	if err != nil || !reflect.DeepEqual(qs, want) {
		t.Errorf("QuizStats = %+v, %v; want %+v", qs, err, want)
	}
	answers := []struct {
		domain  string
		correct bool
	}{
		{"saa-cost", true}, {"saa-cost", false}, // 1/2
		{"clf-tech", true}, {"clf-tech", true}, {"clf-tech", false}, // 2/3
		{"saa-secure", false},                                                                        // 0/1
		{"clf-billing", true}, {"clf-billing", false}, {"clf-billing", true}, {"clf-billing", false}, // 2/4
		{"", false}, // no domain: left out
	}
	for i, a := range answers {
		if _, err := s.RecordAttempt(Attempt{QuizID: "z", QuestionID: "q", Domain: a.domain, Correct: a.correct, At: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := s.DomainStats()
	wantD := []DomainStat{{"saa-secure", 0, 1}, {"clf-billing", 2, 4}, {"saa-cost", 1, 2}, {"clf-tech", 2, 3}}
	if err != nil || !reflect.DeepEqual(ds, wantD) {
		t.Errorf("DomainStats = %+v, %v; want %+v", ds, err, wantD)
	}
	if r := (DomainStat{Correct: 1, Total: 4}).Ratio(); r != 0.25 {
		t.Errorf("Ratio = %v", r)
	}
	if r := (DomainStat{}).Ratio(); r != 0 {
		t.Errorf("empty Ratio = %v", r)
	}
}

func TestWriteCSV(t *testing.T) {
	e := Export{
		Version: 1,
		Lessons: []LessonState{
			{LessonID: "docker", FirstOpened: t0, Percent: 100, ReadAt: t0.Add(time.Hour), UpdatedAt: t0.Add(time.Hour)},
			{LessonID: "ec2, part \"1\"", FirstOpened: t0, Position: 0.4, Percent: 40, UpdatedAt: t0.Add(time.Minute)},
		},
		Results: []QuizResult{
			{SessionID: "s1", QuizID: "ec2", Mode: "practice", Correct: 5, Total: 8, At: t0.Add(2 * time.Hour)},
			{SessionID: "s2", QuizID: "all", Mode: "exam", Correct: 50, Total: 65, Scaled: 792, Passed: true, At: t0.Add(3 * time.Hour)},
		},
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, e); err != nil {
		t.Fatal(err)
	}
	want := `kind,id,status,percent,correct,total,scaled,mode,session,first_opened,read_at,at
lesson,docker,read,100,,,,,,2026-03-01T09:00:00Z,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z
lesson,"ec2, part ""1""",opened,40,,,,,,2026-03-01T09:00:00Z,,2026-03-01T09:01:00Z
quiz,ec2,failed,62,5,8,,practice,s1,,,2026-03-01T11:00:00Z
quiz,all,passed,77,50,65,792,exam,s2,,,2026-03-01T12:00:00Z
`
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
	if err := WriteCSV(&b, Export{}); err != nil {
		t.Error(err)
	}
}

// snapshot reads every file in dir (name -> bytes).
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		if e.IsDir() {
			out[e.Name()+"/"] = nil
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func TestCorruptFileIsRefusedAndUntouched(t *testing.T) {
	garbage := bytes.Repeat([]byte("this is not a database \x00\xff\x13"), 400)
	// A real database whose pages after the header were overwritten.
	realDB := func(t *testing.T) []byte {
		dir := t.TempDir()
		s, _ := openTest(t, dir)
		fill(t, s, "", t0)
		s.Close()
		b, err := os.ReadFile(filepath.Join(dir, FileName))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
	}{
		{"garbage bytes", func(t *testing.T, path string) { os.WriteFile(path, garbage, 0o644) }},
		{"short garbage", func(t *testing.T, path string) { os.WriteFile(path, []byte("hello"), 0o644) }},
		{"sqlite header then garbage", func(t *testing.T, path string) {
			os.WriteFile(path, append([]byte("SQLite format 3\x00"), garbage...), 0o644)
		}},
		{"damaged pages", func(t *testing.T, path string) {
			b := realDB(t)
			for i := 100; i < len(b); i++ {
				b[i] = byte(i * 7)
			}
			os.WriteFile(path, b, 0o644)
		}},
		{"truncated database", func(t *testing.T, path string) {
			b := realDB(t)
			os.WriteFile(path, b[:len(b)/3+7], 0o644)
		}},
		{"a directory", func(t *testing.T, path string) { os.Mkdir(path, 0o755) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			tt.setup(t, path)
			before := snapshot(t, dir)
			s, err := Open(dir)
			if err == nil {
				// A damaged database may open if the damage is in pages
				// not read yet; then reading everything must fail.
				_, err = s.Export()
				s.Close()
				if err == nil {
					t.Fatal("Open and Export of a corrupt database succeeded")
				}
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.Contains(msg, path) || !strings.Contains(msg, "corrupt or unreadable") || !strings.Contains(msg, "left untouched") {
				t.Errorf("message does not name the file and the problem: %s", msg)
			}
			if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
				t.Errorf("directory changed: before %d files, after %d files", len(before), len(after))
				for name := range after {
					if !bytes.Equal(after[name], before[name]) {
						t.Errorf("  %s changed or was created", name)
					}
				}
			}
		})
	}
}

func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read files without permission")
	}
	dir := t.TempDir()
	s, _ := openTest(t, dir)
	s.Close()
	path := filepath.Join(dir, FileName)
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(path, 0o644) })
	_, err := Open(dir)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v", err)
	}
}

func TestEmptyFileIsANewDatabase(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ := openTest(t, dir)
	if err := s.OpenLesson("ec2"); err != nil {
		t.Fatal(err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, _ := openTest(t, dir)
	fill(t, s, "", t0)
	s.Close()
	path := filepath.Join(dir, FileName)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := snapshot(t, dir)
	_, err = Open(dir)
	if !errors.Is(err, ErrTooNew) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrTooNew", err)
	}
	for _, want := range []string{path, "schema version 999", "newer", "upgrade cloudlab"} {
		if !strings.Contains(err.Error(), want) && !strings.Contains(err.Error(), strings.ToLower(want)) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
		t.Error("a newer database was modified")
	}
}

func TestOddDirectoryNames(t *testing.T) {
	for _, name := range []string{"with space", "hash#and?query", "per%25cent", "ünï"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			s, _ := openTest(t, dir)
			if err := s.OpenLesson("ec2"); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
				t.Fatalf("database not at %s: %v", filepath.Join(dir, FileName), err)
			}
		})
	}
}

// FuzzImport: any JSON document either imports or gives an error; a
// successful import can be repeated without changing anything.
func FuzzImport(f *testing.F) {
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"lessons":[{"lessonId":"ec2","position":0.5,"percent":50,"readAt":"2026-03-01T09:00:00Z"}]}`))
	f.Add([]byte(`{"version":1,"lessons":[{"lessonId":"ec2","position":-1}]}`))
	f.Add([]byte(`{"version":1,"attempts":[{"quizId":"ec2","questionId":"q1","answer":"A","correct":true,"takenMs":10,"at":"2026-03-01T09:00:00Z"}],` +
		`"results":[{"quizId":"ec2","correct":1,"total":1,"passed":true,"at":"2026-03-01T09:00:00Z"}]}`))
	f.Add([]byte(`{"version":1,"cards":[{"questionId":"q1","due":"2026-03-01T09:00:00Z","state":2,"reps":1}],"labs":[{"labId":"lab-async","stepsPassed":2}]}`))
	f.Add([]byte(`{"version":1,"results":[{"quizId":"x","correct":5,"total":1,"at":"2026-03-01T09:00:00Z"}]}`))
	s, _ := openTest(f, f.TempDir())
	f.Fuzz(func(t *testing.T, data []byte) {
		var e Export
		if json.Unmarshal(data, &e) != nil {
			return
		}
		if err := s.Import(e); err != nil {
			return
		}
		before, err := s.Export()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Import(e); err != nil {
			t.Fatalf("second import failed: %v", err)
		}
		after, err := s.Export()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("second import changed the store:\n%+v\n%+v", before, after)
		}
	})
}

// A store opened read-only reads what is there, creates no -wal or -shm
// files and refuses writes plainly; CheckWritable says so before a quiz.
func TestReadOnlyStore(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MarkRead("l1"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, f := range []string{FileName + "-wal", FileName + "-shm"} {
		os.Remove(filepath.Join(dir, f))
	}
	ro, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if ls, err := ro.Lessons(); err != nil || !ls["l1"].Read() {
		t.Fatalf("read-only store lost the lesson: %v %v", ls, err)
	}
	if err := ro.MarkRead("l2"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("write to a read-only store: %v", err)
	}
	if err := ro.CheckWritable(); !errors.Is(err, ErrReadOnly) {
		t.Errorf("CheckWritable on a read-only store: %v", err)
	}
	for _, f := range []string{FileName + "-wal", FileName + "-shm"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("read-only open created %s", f)
		}
	}
}

// progress.db removed (or replaced) under a running store: writes refuse
// with ErrReplaced instead of going to a file nobody will read.
func TestReplacedFileIsNoticed(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := os.Remove(filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkRead("l1"); !errors.Is(err, ErrReplaced) {
		t.Errorf("write after the file was removed: %v", err)
	}
}
