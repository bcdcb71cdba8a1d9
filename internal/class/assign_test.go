package class

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseAssignments(t *testing.T) {
	c := loadCourse(t)
	l, q, lb := c.Lessons[0].ID, c.Quizzes[0].ID, c.Labs[0].ID
	good := "title: Week 1\nassignments:\n  - lesson: " + l + "\n    due: 2026-12-10\n  - quiz: " + q +
		"\n    mode: exam\n    count: 3\n    time: 10m\n    seed: 7\n    due: 2026-12-12T17:00:00Z\n  - lab: " + lb + "\n"
	a, err := ParseAssignments([]byte(good), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Items) != 3 || a.Items[1].Request().Count != 3 || *a.Items[1].Request().Seed != 7 || a.Items[1].Request().Time != 10*time.Minute ||
		!a.Items[0].DueAt().Equal(time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("parsed %+v", a.Items)
	}
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown lesson", "assignments:\n  - lesson: nope\n", `no lesson "nope"`},
		{"two kinds", "assignments:\n  - lesson: " + l + "\n    lab: " + lb + "\n", "exactly one of"},
		{"bad due", "assignments:\n  - lesson: " + l + "\n    due: tomorrow\n", `due "tomorrow"`},
		{"bad mode", "assignments:\n  - quiz: " + q + "\n    mode: speed\n", "practice or exam"},
		{"quiz options on a lab", "assignments:\n  - lab: " + lb + "\n    count: 3\n", "are for quizzes"},
		{"unknown field", "assignments:\n  - lesson: " + l + "\n    dew: 2026-01-01\n", "dew"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAssignments([]byte(tc.yaml), c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestAssignedShownFirst(t *testing.T) {
	c := loadCourse(t)
	q := c.Quizzes[0]
	alice := newKey(t)
	y := "title: Week 1\nassignments:\n  - quiz: " + q.ID + "\n    mode: exam\n    count: 3\n    seed: 7\n    due: 2026-12-12\n  - lesson: " + c.Lessons[0].ID + "\n"
	a, err := ParseAssignments([]byte(y), c)
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, rosterLine(alice, "Alice"), func(cfg *Config) { cfg.Assign = a })
	// Alice has already read the lesson.
	st, err := s.stores.acquire(&Student{Name: "Alice", Slug: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MarkRead(c.Lessons[0].ID); err != nil {
		t.Fatal(err)
	}
	s.stores.release("alice")

	cl, err := dial(t, s.addr, alice)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	tm := openTerm(t, cl, true)
	tm.out.waitFor(t, "Assigned: Week 1")
	tm.out.waitFor(t, "1 of 2 done")
	tm.out.waitFor(t, "due Sat 12 Dec")
	tm.out.waitFor(t, "✓ Read: "+c.Lessons[0].Title)
	tm.in.Write([]byte("\r")) // the quiz, as assigned: exam, 3 questions
	tm.out.waitFor(t, "Question 1 of 3")
	tm.in.Write([]byte{3})
	tm.in.Write([]byte{3})
	tm.wait(t)
	if _, err := os.Stat(filepath.Join(s.data, "students", "alice", "files")); err != nil {
		t.Error("no files folder:", err)
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{15 * time.Minute: "15m", time.Hour: "1h", 90 * time.Minute: "1h30m", 30 * time.Second: "30s", 10*time.Minute + 5*time.Second: "10m5s"} {
		if got := shortDuration(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}
