package docker

import (
	"errors"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// mapCtx is a build context held in memory.
type mapCtx map[string]string

func (m mapCtx) ReadFile(name string) ([]byte, error) {
	if s, ok := m[name]; ok {
		return []byte(s), nil
	}
	return nil, os.ErrNotExist
}

func (m mapCtx) Files(dir string) []string {
	var out []string
	for k := range m {
		if dir == "." || strings.HasPrefix(k, dir+"/") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

const appDockerfile = `FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py .
CMD ["python", "app.py"]
`

func appCtx() mapCtx {
	return mapCtx{"requirements.txt": "flask==3.0.3\n", "app.py": "print('hello')\n"}
}

func newEngine() (*Engine, *time.Duration) {
	var now time.Duration
	return New(func() time.Duration { return now }), &now
}

func build(t *testing.T, e *Engine, df string, ctx Context, tag string) BuildResult {
	t.Helper()
	r, err := e.Build([]byte(df), ctx, BuildOptions{Tag: tag})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return r
}

func cachedFlags(b Build) string {
	var s []string
	for _, st := range b.Steps {
		if st.Cached {
			s = append(s, st.Cmd+":cached")
		} else {
			s = append(s, st.Cmd+":built")
		}
	}
	return strings.Join(s, " ")
}

// Docker reuses a step from the build cache when its parent is cached and
// the instruction is the same: a second identical build is all CACHED and
// gives the same image (https://docs.docker.com/build/cache/).
func TestRebuildIsCached(t *testing.T) {
	e, _ := newEngine()
	first := build(t, e, appDockerfile, appCtx(), "app:1")
	if got := cachedFlags(first.Build); got != "FROM:built WORKDIR:built COPY:built RUN:built COPY:built" {
		t.Fatalf("first build: %s", got)
	}
	second := build(t, e, appDockerfile, appCtx(), "app:1")
	if got := cachedFlags(second.Build); got != "FROM:cached WORKDIR:cached COPY:cached RUN:cached COPY:cached" {
		t.Fatalf("second build: %s", got)
	}
	if first.Build.ImageID != second.Build.ImageID {
		t.Fatalf("same inputs, different image: %s %s", first.Build.ImageID, second.Build.ImageID)
	}
	if !strings.Contains(second.Output, "#6 [3/5] COPY requirements.txt .\n#6 CACHED") {
		t.Fatalf("output:\n%s", second.Output)
	}
}

// For COPY and ADD the checksums of the files' contents are part of the
// cache key, and once a step misses every following step rebuilds
// (https://docs.docker.com/build/cache/invalidation/). Here the source is
// copied last, so only that layer rebuilds; a changed requirements file
// rebuilds the install and everything after it.
func TestContentChangeInvalidatesFromThatStep(t *testing.T) {
	e, _ := newEngine()
	build(t, e, appDockerfile, appCtx(), "app:1")
	ctx := appCtx()
	ctx["app.py"] = "print('hello, world')\n"
	r := build(t, e, appDockerfile, ctx, "app:2")
	if got := cachedFlags(r.Build); got != "FROM:cached WORKDIR:cached COPY:cached RUN:cached COPY:built" {
		t.Fatalf("source change: %s", got)
	}
	ctx["requirements.txt"] = "flask==3.0.3\nrequests==2.32.3\n"
	r = build(t, e, appDockerfile, ctx, "app:3")
	if got := cachedFlags(r.Build); got != "FROM:cached WORKDIR:cached COPY:built RUN:built COPY:built" {
		t.Fatalf("requirements change: %s", got)
	}
}

// Copying the whole context before installing puts every source change
// above the install, so the install rebuilds on every edit; this is why
// the best practices order steps from least to most frequently changed
// (https://docs.docker.com/build/cache/#order-your-layers).
func TestCopyEverythingFirstRebuildsInstall(t *testing.T) {
	df := "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n"
	e, _ := newEngine()
	build(t, e, df, appCtx(), "app")
	ctx := appCtx()
	ctx["app.py"] = "print('changed')\n"
	r := build(t, e, df, ctx, "app")
	if got := cachedFlags(r.Build); got != "FROM:cached WORKDIR:cached COPY:built RUN:built" {
		t.Fatalf("got %s", got)
	}
}

// The modification time of a file is not part of the cache key: content
// that is the same is a hit (https://docs.docker.com/build/cache/invalidation/).
// Rewriting a file with the same bytes (a new mtime) keeps the cache.
func TestSameContentIsCached(t *testing.T) {
	e, now := newEngine()
	build(t, e, appDockerfile, appCtx(), "app")
	*now += time.Hour
	r := build(t, e, appDockerfile, appCtx(), "app")
	for _, s := range r.Build.Steps {
		if !s.Cached {
			t.Fatalf("step %s rebuilt", s.Text)
		}
	}
}

// RUN instructions are compared by their command text only: a RUN whose
// command reads something that changed (a remote package index) is still
// CACHED (https://docs.docker.com/build/cache/invalidation/#run-instructions).
// Changing the text misses.
func TestRunComparedByTextOnly(t *testing.T) {
	df := "FROM alpine:3.20\nRUN apk add curl\n"
	e, _ := newEngine()
	build(t, e, df, mapCtx{}, "a")
	r := build(t, e, df, mapCtx{"unrelated.txt": "new"}, "a")
	if got := cachedFlags(r.Build); got != "FROM:cached RUN:cached" {
		t.Fatalf("same RUN text: %s", got)
	}
	r = build(t, e, "FROM alpine:3.20\nRUN apk add  curl git\n", mapCtx{}, "a")
	if got := cachedFlags(r.Build); got != "FROM:cached RUN:built" {
		t.Fatalf("changed RUN text: %s", got)
	}
}

// Only RUN, COPY and ADD create filesystem layers; ENV, CMD, EXPOSE,
// WORKDIR and the others add metadata of 0 B
// (https://docs.docker.com/build/building/best-practices/,
// https://docs.docker.com/get-started/docker-concepts/building-images/understanding-image-layers/).
// COPY's layer is the real size of the copied bytes.
func TestMetadataMakesNoLayers(t *testing.T) {
	df := "FROM alpine:3.20\nENV A=1\nWORKDIR /app\nEXPOSE 80\nLABEL x=y\nUSER 1000\nCOPY app.py .\nCMD [\"sh\"]\n"
	e, _ := newEngine()
	r := build(t, e, df, appCtx(), "m")
	im, err := e.Find("m")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := lookupBase("alpine:3.20")
	if im.Layers() != base.Layers+1 {
		t.Fatalf("layers = %d, want base %d + 1 COPY", im.Layers(), base.Layers)
	}
	if want := base.Size + int64(len(appCtx()["app.py"])); im.Size != want {
		t.Fatalf("size = %d, want %d", im.Size, want)
	}
	for _, l := range im.History {
		if !l.FS && l.Size != 0 {
			t.Fatalf("metadata row %q has size %d", l.CreatedBy, l.Size)
		}
	}
	if len(r.Build.Steps) != 3 { // FROM, WORKDIR, COPY
		t.Fatalf("steps: %+v", r.Build.Steps)
	}
}

// RUN sizes are simulated by a documented rule (RunSize), and history
// labels them so.
func TestRunSizeIsLabelledSimulated(t *testing.T) {
	e, _ := newEngine()
	build(t, e, appDockerfile, appCtx(), "app")
	im, _ := e.Find("app:latest")
	found := false
	for _, l := range im.History {
		if strings.HasPrefix(l.CreatedBy, "RUN ") {
			found = true
			if l.Size != InstallSize || l.Comment != "simulated size" {
				t.Fatalf("RUN row: %+v", l)
			}
		}
		if l.Base && l.Comment != "approximate base size" {
			t.Fatalf("base row: %+v", l)
		}
	}
	if !found {
		t.Fatal("no RUN row")
	}
	if RunSize("echo hi") != 0 || RunSize("apk add a && pip install b") != 2*InstallSize {
		t.Fatal("RunSize rule")
	}
}

// Parse errors name the file and line, in BuildKit's words
// (https://docs.docker.com/reference/dockerfile/#format).
func TestParseErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"FROM alpine:3.20\n\n# a comment\nFORM x\n", "Dockerfile:4: unknown instruction: FORM"},
		{"RUN echo hi\nFROM alpine:3.20\n", "Dockerfile:1: no build stage in current context"},
		{"# only a comment\n\n", "Dockerfile: the Dockerfile cannot be empty"},
		{"", "Dockerfile: the Dockerfile cannot be empty"},
		{"FROM alpine:3.20\nRUN\n", "Dockerfile:2: RUN requires at least one argument"},
	}
	for _, c := range cases {
		_, err := Parse("Dockerfile", []byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) || err.Error() != c.want {
			t.Errorf("%q: got %v, want %s", c.src, err, c.want)
		}
	}
}

// Instructions are case-insensitive, # starts a comment line (also inside
// a continued instruction), \ continues a line, and RUN/CMD/ENTRYPOINT
// have an exec (JSON) and a shell form (https://docs.docker.com/reference/dockerfile/).
func TestParseForms(t *testing.T) {
	src := "# syntax\nfrom alpine:3.20\nrun apk add \\\n# comment inside\n    curl\nCMD [\"sh\", \"-c\", \"echo hi\"]\nentrypoint echo hi\nARG X\n"
	ins, err := Parse("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 5 || ins[0].Cmd != "FROM" || ins[1].Cmd != "RUN" || ins[1].Line != 3 || ins[1].Args != "apk add curl" {
		t.Fatalf("%+v", ins)
	}
	if !ins[2].JSON || len(ins[2].Exec) != 3 || ins[3].JSON {
		t.Fatalf("forms: %+v %+v", ins[2], ins[3])
	}
	// ARG before FROM is allowed.
	if _, err := Parse("Dockerfile", []byte("ARG V=3.20\nFROM alpine:${V}\n")); err != nil {
		t.Fatal(err)
	}
}

// An unknown base image fails like Docker's pull: "not found" for an
// unknown tag of a known repository, "pull access denied" for an unknown
// repository; the error names the Dockerfile line.
func TestUnknownBaseImage(t *testing.T) {
	e, _ := newEngine()
	_, err := e.Build([]byte("FROM python:3.99\n"), mapCtx{}, BuildOptions{})
	if err == nil || !strings.Contains(err.Error(), "docker.io/library/python:3.99: not found") || !strings.HasPrefix(err.Error(), "Dockerfile:1: ") {
		t.Fatalf("got %v", err)
	}
	_, err = e.Build([]byte("# x\nFROM nosuchimage\n"), mapCtx{}, BuildOptions{})
	if err == nil || !strings.Contains(err.Error(), "pull access denied") || !strings.HasPrefix(err.Error(), "Dockerfile:2: ") {
		t.Fatalf("got %v", err)
	}
}

// A COPY of a file that is not in the build context fails the build.
func TestCopyMissingFile(t *testing.T) {
	e, _ := newEngine()
	_, err := e.Build([]byte("FROM alpine:3.20\nCOPY nope.txt .\n"), mapCtx{}, BuildOptions{})
	if err == nil || !strings.Contains(err.Error(), `"/nope.txt": not found`) {
		t.Fatalf("got %v", err)
	}
}

// Images, tags, history and rmi: rebuilding a tag moves it to the new
// image and leaves the old one untagged (<none>), as Docker does.
func TestImageStore(t *testing.T) {
	e, now := newEngine()
	build(t, e, appDockerfile, appCtx(), "app:1")
	*now += time.Minute
	ctx := appCtx()
	ctx["app.py"] = "print(2)\n"
	build(t, e, appDockerfile, ctx, "app:1")
	ims := e.Images()
	if len(ims) != 2 || len(ims[0].Tags) != 1 || len(ims[1].Tags) != 0 {
		t.Fatalf("images: %+v", ims)
	}
	if err := e.Tag("app:1", "app:prod"); err != nil {
		t.Fatal(err)
	}
	if err := e.Tag("app:1", "App:x"); err == nil || !strings.Contains(err.Error(), "must be lowercase") {
		t.Fatalf("uppercase tag: %v", err)
	}
	if _, err := e.Remove(ims[0].ShortID()); err == nil || !strings.Contains(err.Error(), "must be forced") {
		t.Fatalf("rmi by id with two tags: %v", err)
	}
	lines, err := e.Remove("app:prod")
	if err != nil || len(lines) != 1 || lines[0] != "Untagged: app:prod" {
		t.Fatalf("rmi tag: %v %v", lines, err)
	}
	lines, err = e.Remove("app:1")
	if err != nil || len(lines) != 2 || !strings.HasPrefix(lines[1], "Deleted: sha256:") {
		t.Fatalf("rmi last tag: %v %v", lines, err)
	}
	if _, err := e.Find("app:1"); !errors.Is(err, ErrNoSuchImage) {
		t.Fatalf("find removed: %v", err)
	}
	// The build cache survives rmi.
	r := build(t, e, appDockerfile, ctx, "app:1")
	if got := cachedFlags(r.Build); got != "FROM:cached WORKDIR:cached COPY:cached RUN:cached COPY:cached" {
		t.Fatalf("after rmi: %s", got)
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", 999: "999B", 7_800_000: "7.8MB", 125_000_000: "125MB", 1_020_000_000: "1.02GB", 155_000_029: "155MB"} {
		if got := HumanSize(n); got != want {
			t.Errorf("%d: %s, want %s", n, got, want)
		}
	}
}
