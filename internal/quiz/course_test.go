package quiz

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cloudlab/cloudlab/internal/course"
)

func TestValidateCourse(t *testing.T) {
	lesson := "---\nid: l1\ntitle: L\ntrack: T\norder: 1\nminutes: 5\nobjectives: [a]\n---\nText.\n"
	fsys := fstest.MapFS{
		"lessons/01-l1.md": {Data: []byte(lesson)},
		"quizzes/a.md":     {Data: []byte("---\nid: a\ntitle: A\nlesson: l1\n---\n\n## One {#same}\n\n- [x] y\n- [ ] n\n")},
		"quizzes/b.md":     {Data: []byte("---\nid: b\ntitle: B\ndomain: saa-bogus\n---\n\n## Two {#same}\n\n- [x] y\n- [ ] n\n\n## Three\n\n- [ ] y\n- [ ] n\n")},
	}
	c, lp := course.Load(fsys)
	for _, p := range lp {
		t.Logf("course problem: %v", p)
	}
	qs, probs := Load(c)
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	want := []string{
		`quizzes/b.md:4: unknown domain code "saa-bogus"`,
		`quizzes/b.md:7: question id "same" is also used at quizzes/a.md:7`,
		`quizzes/b.md:12: question has no right answer`,
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
	if len(qs) != 2 || Find(qs, "b").Questions[0].ID != "b:same" {
		t.Errorf("duplicate not renamed: %+v", Find(qs, "b").Questions[0].ID)
	}
	if len(Validate(c)) != 3 {
		t.Error("Validate disagrees with Load")
	}
}

func TestEmbeddedQuizzesValidate(t *testing.T) {
	c, _ := course.Load(course.Embedded())
	if c == nil {
		t.Skip("embedded course not loadable yet")
	}
	for _, p := range Validate(c) {
		t.Errorf("%v", p)
	}
}
