package course

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func problemsText(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// TestLoadGolden loads each folder under testdata and compares the problems
// with testdata/<name>.golden.
func TestLoadGolden(t *testing.T) {
	for _, name := range []string{"good", "broken", "bank"} {
		t.Run(name, func(t *testing.T) {
			_, probs := Load(os.DirFS(filepath.Join("testdata", name)))
			got := problemsText(probs)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("problems differ from %s\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

func TestLoadGood(t *testing.T) {
	c, probs := Load(os.DirFS("testdata/good"))
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if len(c.Lessons) != 2 || c.Lessons[0].ID != "alpha" || c.Lessons[1].ID != "beta" {
		t.Fatalf("lessons: %+v", c.Lessons)
	}
	a := c.Lesson("alpha")
	if a.Title != "Alpha" || a.Track != "One" || a.Order != 1 || a.Minutes != 5 || a.Quiz != "alpha" || a.Lab != "lab-alpha" {
		t.Errorf("alpha = %+v", a)
	}
	if len(a.Objectives) != 1 || a.Objectives[0] != "Learn alpha" || len(a.Sources) != 1 {
		t.Errorf("lists = %q %q", a.Objectives, a.Sources)
	}
	if a.BodyLine != 14 || !strings.HasPrefix(string(a.Body), "\n# Alpha") {
		t.Errorf("body line %d, body %q", a.BodyLine, a.Body)
	}
	if c.Quiz("alpha") == nil || c.Quiz("alpha").Domain != "clf-tech" || c.QuizFor("alpha") == nil {
		t.Error("quiz alpha not loaded")
	}
	lab := c.Lab("lab-alpha")
	if lab == nil || lab.Minutes != 10 || len(lab.Setup) != 1 || lab.Setup[0] != "clock now" {
		t.Errorf("lab = %+v", lab)
	}
	if got := c.LabsFor("alpha"); len(got) != 1 {
		t.Errorf("LabsFor(alpha) = %v", got)
	}
	tr := c.Tracks()
	if len(tr) != 2 || tr[0].Name != "One" || tr[1].Name != "Two" || len(tr[0].Lessons) != 1 {
		t.Errorf("tracks = %+v", tr)
	}
	if c.Lesson("nope") != nil || c.Index("beta") != 1 {
		t.Error("lookup")
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
		want string
	}{
		{"with line", Problem{File: "lessons/a.md", Line: 3, Msg: "bad"}, "lessons/a.md:3: bad"},
		{"no line", Problem{File: "lessons", Line: 0, Msg: "missing"}, "lessons: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseLessonProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // problems, one per line
	}{
		{"ok", "---\nid: x\ntitle: X\ntrack: T\norder: 1\nminutes: 2\n---\n# X\n", ""},
		// Only what cannot be derived is required: the rest are warnings.
		{"missing keys", "---\nid: x\n---\n", ""},
		{"duplicate key", "---\nid: x\nid: x\ntitle: X\ntrack: T\norder: 1\nminutes: 2\n---\n", "lessons/01-x.md:3: front-matter key \"id\" appears twice\n"},
		{"negative order", "---\nid: x\ntitle: X\ntrack: T\norder: -1\nminutes: 2\n---\n", "lessons/01-x.md:5: order: want a number above 0, got -1\n"},
		{"list wanted", "---\nid: x\ntitle: X\ntrack: T\norder: 1\nminutes: 2\nobjectives: one\n---\n", "lessons/01-x.md:7: objectives: want a list (lines starting with \"- \")\n"},
		{"not a mapping", "---\n- a\n- b\n---\n", "lessons/01-x.md:2: front matter must be YAML keys (key: value)\n"},
		{"empty front matter", "---\n---\nbody\n", "lessons/01-x.md:1: empty front matter\n"},
		{"yaml scanner error", "---\nid: x\ntitle: a: b\ntrack: T\norder: 1\nminutes: 2\n---\n", "lessons/01-x.md:3: bad YAML in front matter: mapping values are not allowed in this context\n"},
		{"yaml parser error", "---\nid: x\ntitle: X\ntrack: T\norder: 1\nminutes: 2\nobjectives:\n  - [a\n---\n", "lessons/01-x.md:8: bad YAML in front matter: did not find expected ',' or ']'\n"},
		{"crlf", "---\r\nid: x\r\ntitle: X\r\ntrack: T\r\norder: 1\r\nminutes: 2\r\n---\r\n# X\r\n", ""},
		{"tilde fence closed", "---\nid: x\ntitle: X\ntrack: T\norder: 1\nminutes: 2\n---\n~~~~\ncode\n~~~~\n", ""},
		{"inline code not a fence", "---\nid: x\ntitle: X\ntrack: T\norder: 1\nminutes: 2\n---\nUse ```go``` here.\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, probs := ParseLesson("lessons/01-x.md", []byte(tt.src))
			if got := problemsText(Errors(probs)); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestLoadMissingFolders(t *testing.T) {
	tests := []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{"empty", fstest.MapFS{}, ".: no lessons/, quizzes/ or labs/ with Markdown files\n"},
		{"no lessons", fstest.MapFS{"lessons/README.md": {Data: []byte("x")}}, ".: no lessons/, quizzes/ or labs/ with Markdown files\n"},
		{"quizzes only", fstest.MapFS{"quizzes/q.md": {Data: []byte("# Q\n\n## A?\n\n- [x] a\n- [ ] b\n")}}, ""},
		{"lessons only", fstest.MapFS{"lessons/01-x.md": {Data: []byte("---\nid: x\ntitle: X\ntrack: T\norder: 1\nminutes: 2\n---\n")}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, probs := Load(tt.fs)
			if got := problemsText(probs); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEmbedded(t *testing.T) {
	c, probs := Load(Embedded())
	for _, p := range probs {
		t.Log(p) // content problems are the content test's business
	}
	if len(c.Lessons) == 0 {
		t.Fatal("the embedded course has no lessons")
	}
	for _, id := range []string{"cloud-and-virtualization", "containers-vs-vms", "lambda-anatomy"} {
		if c.Lesson(id) == nil {
			t.Errorf("starter lesson %s missing", id)
		}
	}
	// The union FS lists its three folders.
	ents, err := Embedded().(interface {
		ReadDir(string) ([]os.DirEntry, error)
	}).ReadDir(".")
	if err != nil || len(ents) != 3 {
		t.Errorf("ReadDir(.) = %v, %v", ents, err)
	}
}

func TestEmbeddedFS(t *testing.T) {
	var files []string
	c, _ := Load(Embedded())
	for _, l := range c.Lessons {
		files = append(files, l.Path)
	}
	if err := fstest.TestFS(Embedded(), files...); err != nil {
		t.Fatal(err)
	}
}

func FuzzParseLesson(f *testing.F) {
	for _, p := range []string{"testdata/good/lessons/01-alpha.md", "testdata/broken/lessons/01-bad-yaml.md",
		"testdata/broken/lessons/07-unclosed.md", "testdata/broken/lessons/11-never-closed.md"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("---\n"))
	f.Add([]byte("---\nid: [\n---\n"))
	f.Add([]byte("---\r\n---\r\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		l, probs := ParseLesson("lessons/01-x.md", src)
		lines := strings.Count(string(src), "\n") + 1
		for _, p := range probs {
			if p.Line < 1 || p.Line > lines+1 {
				t.Errorf("problem line %d outside the file (%d lines): %s", p.Line, lines, p)
			}
			if strings.Contains(p.Msg, "\n") {
				t.Errorf("multi-line message: %q", p.Msg)
			}
		}
		if l != nil && l.BodyLine < 1 {
			t.Errorf("body line %d", l.BodyLine)
		}
		if l != nil && len(l.Body) > len(src) {
			t.Errorf("body longer than source")
		}
	})
}

func TestReaderMarkdown(t *testing.T) {
	tests := []struct {
		name string
		l    Lesson
		want string
	}{
		{"after the title", Lesson{Doc: Doc{Body: []byte("\n# Title\n\nText.\n")}, Track: "T", Minutes: 5, Objectives: []string{"One", "Two"}},
			"\n# Title\n\n*T · about 5 minutes*\n\n**In this lesson you will:**\n\n- One\n- Two\n\n\nText.\n"},
		{"no title", Lesson{Doc: Doc{Body: []byte("Text.\n")}, Minutes: 3},
			"*about 3 minutes*\n\nText.\n"},
		{"title only", Lesson{Doc: Doc{Body: []byte("# Title")}, Minutes: 3},
			"# Title\n\n*about 3 minutes*\n\n"},
		{"nothing to add", Lesson{Doc: Doc{Body: []byte("Text.\n")}}, "Text.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(tt.l.ReaderMarkdown()); got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestBareQuiz: quiz files without front matter (public practice banks)
// load with the id from the file name and the title from the first #
// heading; lessons and labs still need front matter.
func TestBareQuiz(t *testing.T) {
	lesson := []byte("---\nid: x\ntitle: X\ntrack: T\norder: 1\nminutes: 2\n---\n")
	tests := []struct {
		name, file, src string
		id, title       string
		probs           string
	}{
		{"atx title", "bank.md", "# AWS Practice\n\n### Q?\n\n- [ ] a\n- [x] b\n", "bank", "AWS Practice", ""},
		{"closing hashes and attributes", "bank.md", "#   Practice exam 1 ## \n", "bank", "Practice exam 1", ""},
		{"heading attributes", "bank.md", "# Practice {#top}\n", "bank", "Practice", ""},
		{"setext title", "bank.md", "Practice exam\n=============\n\n### Q?\n", "bank", "Practice exam", ""},
		{"byte order mark and crlf", "bank.md", "\ufeff# Practice\r\n\r\n### Q?\r\n", "bank", "Practice", ""},
		{"title after a subheading", "bank.md", "## Section\n\n# Real title\n", "bank", "Real title", ""},
		{"heading in a code block is not the title", "bank.md", "```\n# not a title\n```\n\n# Title\n", "bank", "Title", ""},
		{"no title: the id", "bank.md", "### Q?\n\n- [x] a\n", "bank", "bank", ""},
		{"hash without space is not a heading", "bank.md", "#hashtag\n", "bank", "bank", ""},
		{"file name made an id", "AWS_Certified Cloud-Practitioner (2024).md", "# T\n", "aws-certified-cloud-practitioner-2024", "T", ""},
		{"file name without letters", "+++.md", "# T\n", "", "T", "quizzes/+++.md:1: no quiz id can be made from the file name \"+++.md\": rename the file (like aws-practice.md) or add front matter with id and title\n"},
		{"unclosed fence", "bank.md", "# T\n\n```\ncode\n", "bank", "T", "quizzes/bank.md:3: code block opened with ``` is never closed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"lessons/01-x.md": {Data: lesson}, "quizzes/" + tt.file: {Data: []byte(tt.src)}}
			c, probs := Load(fsys)
			if got := problemsText(probs); got != tt.probs {
				t.Errorf("problems:\n%s\nwant:\n%s", got, tt.probs)
			}
			if len(c.Quizzes) != 1 {
				t.Fatalf("%d quizzes", len(c.Quizzes))
			}
			q := c.Quizzes[0]
			if q.ID != tt.id || q.Title != tt.title || q.BodyLine != 1 || q.Lesson != "" {
				t.Errorf("quiz = id %q title %q body line %d, want id %q title %q", q.ID, q.Title, q.BodyLine, tt.id, tt.title)
			}
			if !strings.Contains(tt.src, strings.TrimPrefix(string(q.Body), "\ufeff")) || strings.HasPrefix(string(q.Body), "\ufeff") {
				t.Errorf("body %q", q.Body)
			}
		})
	}
	t.Run("lessons and labs without front matter load with warnings", func(t *testing.T) {
		fsys := fstest.MapFS{
			"lessons/01-x.md":   {Data: lesson},
			"lessons/02-y.md":   {Data: []byte("# Y\n")},
			"labs/lab-z.md":     {Data: []byte("# Z\n")},
			"quizzes/x.md":      {Data: []byte("# X\n")},
			"quizzes/README.md": {Data: []byte("# Not a quiz\n")},
		}
		c, probs := Load(fsys)
		if errs := Errors(probs); len(errs) > 0 || len(probs) != 8 {
			t.Errorf("errors %v; problems %v", errs, probs)
		}
		if c.Lesson("y") == nil || c.Lab("lab-z") == nil || c.Lab("lab-z").Title != "Z" {
			t.Errorf("derived lesson and lab missing: %+v %+v", c.Lessons, c.Labs)
		}
		if len(c.Quizzes) != 1 || c.Quiz("x") == nil {
			t.Errorf("quizzes %+v", c.Quizzes)
		}
	})
	t.Run("bank folder", func(t *testing.T) {
		c, probs := Load(os.DirFS("testdata/bank"))
		q := c.Quiz("aws-compute-practice")
		if len(probs) != 0 || q == nil || q.Title != "AWS Compute Practice Questions" || c.QuizFor("compute-basics") != q {
			t.Errorf("problems %v, quiz %+v", probs, q)
		}
	})
}

// FuzzBareQuiz: any quiz file without front matter loads as quiz "f" with a
// one-line title, and never panics.
func FuzzBareQuiz(f *testing.F) {
	for _, s := range []string{
		"# Title\n\n### Q?\n\n- [ ] a\n- [x] b\n",
		"Title\n=====\n",
		"```\n# x\n",
		"\ufeff# T {#id}\r\n",
		"#\n# \n#  #\n",
		"---\nid: f\ntitle: F\n---\n",
	} {
		f.Add(s)
	}
	lesson := []byte("---\nid: x\ntitle: X\ntrack: T\norder: 1\nminutes: 2\n---\n")
	f.Fuzz(func(t *testing.T, src string) {
		c, _ := Load(fstest.MapFS{"lessons/01-x.md": {Data: lesson}, "quizzes/f.md": {Data: []byte(src)}})
		if _, _, _, _, ok, msg := SplitFrontMatter([]byte(src)); ok || msg != "" {
			return
		}
		if len(c.Quizzes) != 1 {
			t.Fatalf("%d quizzes", len(c.Quizzes))
		}
		q := c.Quizzes[0]
		if q.ID != "f" || q.Title == "" || strings.ContainsAny(q.Title, "\r\n") {
			t.Errorf("id %q title %q", q.ID, q.Title)
		}
	})
}

// Ids must be unique within each kind of file; a lesson and its quiz may
// share one.
func TestDuplicateIDsPerKind(t *testing.T) {
	lesson := "---\nid: a\ntitle: A\ntrack: T\norder: 1\nminutes: 5\nquiz: a\n---\n# A\n"
	quiz := func(title string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\nid: a\ntitle: " + title + "\n---\n## Q\n\n- [x] yes\n- [ ] no\n")}
	}
	lab := &fstest.MapFile{Data: []byte("---\nid: lab-a\ntitle: L\nlesson: a\nminutes: 5\n---\n## Step\n")}
	fsys := fstest.MapFS{
		"lessons/01-a.md": {Data: []byte(lesson)},
		"quizzes/a.md":    quiz("First"),
		"quizzes/a2.md":   quiz("Second"),
		"labs/lab-a.md":   lab,
		"labs/lab-a-2.md": lab,
	}
	_, probs := Load(fsys)
	var got []string
	for _, p := range probs {
		if strings.Contains(p.Msg, "duplicate") {
			got = append(got, p.String())
		}
	}
	want := []string{
		`labs/lab-a.md:2: duplicate lab id "lab-a" (also in labs/lab-a-2.md)`,
		`quizzes/a2.md:2: duplicate quiz id "a" (also in quizzes/a.md)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s\n(all problems: %v)", strings.Join(got, "\n"), strings.Join(want, "\n"), probs)
	}
}

func TestIsHiddenBlock(t *testing.T) {
	tests := []struct {
		info string
		want bool
	}{
		{"check", true}, {"Hint", true}, {" solution ", true}, {"answer", true}, {"sim", true},
		{"text", false}, {"python", false}, {"", false},
	}
	for _, tt := range tests {
		t.Run(tt.info, func(t *testing.T) {
			if got := IsHiddenBlock(tt.info); got != tt.want {
				t.Errorf("IsHiddenBlock(%q) = %v", tt.info, got)
			}
		})
	}
}

func TestProblemIsOneClippedLine(t *testing.T) {
	p := Problem{File: "a.md", Line: 3, Msg: "bad\nthing " + strings.Repeat("x", 100000)}
	s := p.String()
	if strings.Contains(s, "\n") || len([]rune(s)) > 320 || !strings.HasPrefix(s, "a.md:3: bad thing x") {
		t.Errorf("problem string %d runes: %.80q", len([]rune(s)), s)
	}
}

// A lesson needs no front matter at all: id, title, order and minutes come
// from the file name and the text, each a warning.
func TestLessonFieldsAreDerived(t *testing.T) {
	l, probs := ParseLesson("lessons/07-my-topic.md", []byte("# My topic\n\n"+strings.Repeat("word ", 450)+"\n"))
	if len(Errors(probs)) > 0 {
		t.Fatal(Errors(probs))
	}
	if l.ID != "my-topic" || l.Title != "My topic" || l.Order != 7 || l.Minutes != 3 {
		t.Errorf("derived %q %q order %d minutes %d", l.ID, l.Title, l.Order, l.Minutes)
	}
	if len(probs) != 5 {
		t.Errorf("want 5 warnings (front matter, id, title, order, minutes), got %v", probs)
	}
}

func TestLabsInOrderFollowsTheLessons(t *testing.T) {
	c, probs := Load(Embedded())
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	labs := c.LabsInOrder()
	if len(labs) != len(c.Labs) {
		t.Fatalf("%d labs, want %d", len(labs), len(c.Labs))
	}
	for i := 1; i < len(labs); i++ {
		if c.Index(labs[i-1].Lesson) > c.Index(labs[i].Lesson) {
			t.Errorf("%s (lesson %s) comes before %s (lesson %s)", labs[i-1].ID, labs[i-1].Lesson, labs[i].ID, labs[i].Lesson)
		}
	}
}

// TestLabWorld: `world` is sim (the default) or real; anything else is a
// problem at the key's line, and the lab still loads in the simulator.
func TestLabWorld(t *testing.T) {
	lab := func(world string) fstest.MapFS {
		return fstest.MapFS{"labs/lab-x.md": {Data: []byte("---\nid: lab-x\ntitle: X\nlesson: x\nminutes: 5\nworld: " + world + "\n---\n\n## S\n")}}
	}
	for world, want := range map[string]string{"real": "real", "sim": "", "bogus": ""} {
		c, probs := Load(lab(world))
		var msgs []string
		for _, p := range probs {
			if !p.Warning {
				msgs = append(msgs, p.String())
			}
		}
		if len(c.Labs) != 1 || c.Labs[0].World != want {
			t.Fatalf("world %s: labs %+v", world, c.Labs)
		}
		bad := strings.Contains(strings.Join(msgs, "\n"), "labs/lab-x.md:6: world \"bogus\"")
		if (world == "bogus") != bad {
			t.Errorf("world %s: problems %q", world, msgs)
		}
	}
}
