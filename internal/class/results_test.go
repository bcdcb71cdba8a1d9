package class

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/cloudlab/cloudlab/internal/lab"
	"github.com/cloudlab/cloudlab/internal/progress"
)

// TestResultsAfterSessions: three students connect over SSH (which creates
// their folders); Alice opens the first lesson in her session; the rest of
// their work is scripted through each student's own store, as the app's
// screens save it. Then the results are checked row by row.
func TestResultsAfterSessions(t *testing.T) {
	alice, bob, carol := newKey(t), newKey(t), newKey(t)
	s := startServer(t, rosterLine(alice, "Alice")+rosterLine(bob, "=Bob")+rosterLine(carol, "Carol role=instructor"), nil)
	c := loadCourse(t)
	for _, k := range []struct {
		key    gossh.Signer
		header string
		lesson bool
	}{{alice, "Alice", true}, {bob, "=Bob", false}, {carol, "Carol (instructor)", false}} {
		cl, err := dial(t, s.addr, k.key)
		if err != nil {
			t.Fatal(err)
		}
		tm := openTerm(t, cl, true)
		tm.out.waitFor(t, "cloudlab class · "+k.header)
		if k.lesson {
			tm.out.waitFor(t, "Learn cloud compute")
			tm.in.Write([]byte("\r"))
			tm.out.waitFor(t, "q back")
		}
		tm.in.Write([]byte{3})
		tm.wait(t)
		cl.Close()
	}

	labID := c.Labs[0].ID
	l, err := lab.Find(c, labID)
	if err != nil {
		t.Fatal(err)
	}
	steps := len(l.Steps)
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	script := func(slug string, fn func(st *progress.Store)) {
		st, err := progress.Open(StudentDir(s.data, slug))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		fn(st)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	script("alice", func(st *progress.Store) {
		must(st.MarkRead(c.Lessons[0].ID))
		must(st.MarkRead(c.Lessons[1].ID))
		for i, n := range []int{6, 8, 7} { // best 80%, last 70%
			must(st.RecordResult(progress.QuizResult{QuizID: "q-one", Mode: "practice", Correct: n, Total: 10, At: at.Add(time.Duration(i) * time.Hour)}))
		}
		must(st.RecordResult(progress.QuizResult{QuizID: "q-two", Mode: "practice", Correct: 1, Total: 4, At: at}))
		must(st.RecordResult(progress.QuizResult{Mode: "exam", QuizID: "exam", Correct: 30, Total: 50, Scaled: 650, At: at}))
		must(st.RecordResult(progress.QuizResult{Mode: "exam", QuizID: "exam", Correct: 40, Total: 50, Scaled: 780, Passed: true, At: at.Add(time.Hour)}))
		must(st.SaveLab(progress.LabState{LabID: labID, StepsPassed: steps, CompletedAt: at, SolutionsShown: 1, Steps: []progress.StepTime{
			{Step: 0, StartedAt: at, PassedAt: at.Add(time.Minute), SpentMs: 65_000},
			{Step: 1, StartedAt: at.Add(time.Minute), PassedAt: at.Add(time.Hour), SpentMs: 3_725_000}}}))
	})
	script("carol", func(st *progress.Store) {
		must(st.SaveLab(progress.LabState{LabID: labID, StepsPassed: 1}))
	})

	a, err := ParseAssignments([]byte("assignments:\n  - lesson: "+c.Lessons[0].ID+"\n  - quiz: q-one\n  - lab: "+labID+"\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Results(s.data, nil, c, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3: %+v", len(rows), rows)
	}
	// Sorted by name: "=Bob" < "Alice" < "Carol".
	bobRow, aliceRow, carolRow := rows[0], rows[1], rows[2]
	if bobRow.Student != "=Bob" || bobRow.Folder != "bob" || bobRow.LessonsRead != 0 || len(bobRow.Quizzes)+len(bobRow.Exams)+len(bobRow.Labs) != 0 {
		t.Errorf("bob = %+v", bobRow)
	}
	if aliceRow.Student != "Alice" || aliceRow.LessonsRead != 2 || aliceRow.Lessons != len(c.Lessons) {
		t.Errorf("alice lessons = %+v", aliceRow)
	}
	if q := aliceRow.Quizzes; len(q) != 2 || q[0] != (QuizRow{"q-one", 80, 70, 3}) || q[1] != (QuizRow{"q-two", 25, 25, 1}) {
		t.Errorf("alice quizzes = %+v", q)
	}
	if e := aliceRow.Exams; len(e) != 2 || e[0].Scaled != 650 || e[0].Passed || e[1].Scaled != 780 || !e[1].Passed {
		t.Errorf("alice exams = %+v", e)
	}
	wantTimes := []StepRow{{Step: 1, StartedAt: at, PassedAt: at.Add(time.Minute), SpentSeconds: 65}, {Step: 2, StartedAt: at.Add(time.Minute), PassedAt: at.Add(time.Hour), SpentSeconds: 3725}}
	if l := aliceRow.Labs; len(l) != 1 || !reflect.DeepEqual(l[0], LabRow{labID, steps, steps, true, 1, wantTimes}) {
		t.Errorf("alice labs = %+v", l)
	}
	if !carolRow.Instructor || len(carolRow.Labs) != 1 || carolRow.Labs[0].StepsDone != 1 || carolRow.Labs[0].Completed {
		t.Errorf("carol = %+v", carolRow)
	}

	var b bytes.Buffer
	if err := WriteResultsCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	lessons := itoa(len(c.Lessons))
	want := [][]string{
		CSVHeader,
		{"'=Bob", "bob", "student", "0", lessons, "", "", "0", "", "0", "", "", "0", "3", ""},
		{"Alice", "alice", "student", "2", lessons, "q-one 80%; q-two 25%", "q-one 70%; q-two 25%", "2", "650 fail; 780 pass", "1", labID + " " + itoa(steps) + "/" + itoa(steps) + " done",
			labID + " 1:1m05s 2:1h02m", "3", "3", ""},
		{"Carol", "carol", "instructor", "0", lessons, "", "", "0", "", "0", labID + " 1/" + itoa(steps), "", "0", "3", ""},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d CSV lines, want %d:\n%s", len(recs), len(want), b.String())
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("CSV line %d:\n got %q\nwant %q", i+1, recs[i], want[i])
		}
	}
	if _, err := json.Marshal(rows); err != nil {
		t.Fatal(err)
	}
	var tb bytes.Buffer
	if err := WriteResultsTable(&tb, rows); err != nil || !strings.Contains(tb.String(), "Alice") || !strings.Contains(tb.String(), "(1:1m05s 2:1h02m)") {
		t.Errorf("table: %v\n%s", err, tb.String())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
