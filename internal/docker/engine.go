package docker

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Context is a build context: the files `docker build DIR` sends to the
// builder. Paths are slash-separated and relative to DIR.
type Context interface {
	// ReadFile returns a file's contents; an error when it does not exist.
	ReadFile(name string) ([]byte, error)
	// Files lists the files under dir ("." = the whole context), sorted.
	Files(dir string) []string
}

// Layer is one row of an image's history: one instruction, or the base.
type Layer struct {
	CreatedBy string        `json:"CreatedBy"`
	Size      int64         `json:"SizeBytes"`
	FS        bool          `json:"FS"`      // a filesystem layer (RUN, COPY, ADD, or the base's layers)
	Comment   string        `json:"Comment"` // "approximate base size" / "simulated size" / ""
	Created   time.Duration `json:"-"`       // simulated time the step was built (zero for the base)
	Base      bool          `json:"Base"`
	Key       string        `json:"-"` // the build-cache key that made it: the layer's identity in a registry
}

// Image is a built image.
type Image struct {
	ID      string        // sha256:<64 hex>, from the layer keys and configuration
	Created time.Duration // simulated time of the build
	Base    BaseImage
	History []Layer // base first, then one row per instruction
	Size    int64
	Tags    []string // repository:tag names pointing at it
}

// ShortID is the 12-hex-digit ID `docker images` prints.
func (im *Image) ShortID() string { return strings.TrimPrefix(im.ID, "sha256:")[:12] }

// Layers counts the image's filesystem layers: the base's plus one per
// RUN, COPY and ADD.
func (im *Image) Layers() int {
	n := 0
	for _, l := range im.History {
		switch {
		case l.Base:
			n += im.Base.Layers
		case l.FS:
			n++
		}
	}
	return n
}

// Step is one step of a build as the progress output shows it.
type Step struct {
	N      int    // [N/total]
	Text   string // the instruction
	Cmd    string // FROM, RUN, COPY, ADD, WORKDIR
	Cached bool   // reused from the build cache
	Size   int64  // bytes the step's layer adds
}

// Build is one finished `docker build`.
type Build struct {
	Tag        string // repository:tag, "" when built without -t
	Dockerfile string
	ImageID    string
	Steps      []Step
	At         time.Duration
}

// Engine is one account's simulated Docker engine: its images, tags and
// build cache.
type Engine struct {
	now    func() time.Duration
	images []*Image
	cache  map[string]Layer // step cache key -> the layer it produced
	pulled map[string]bool
	builds []Build
	logins map[string]bool // registries `docker login` succeeded for

	containers []*Container // oldest first
	seq        int          // containers created so far: IDs and default names
}

// New returns an empty engine; now gives the simulated time.
func New(now func() time.Duration) *Engine {
	return &Engine{now: now, cache: map[string]Layer{}, pulled: map[string]bool{}, logins: map[string]bool{}}
}

// Builds returns the finished builds, oldest first.
func (e *Engine) Builds() []Build { return append([]Build(nil), e.builds...) }

// Images returns the images, newest first (built at the same simulated
// time: the last built first).
func (e *Engine) Images() []*Image {
	out := make([]*Image, 0, len(e.images))
	for i := len(e.images) - 1; i >= 0; i-- {
		out = append(out, e.images[i])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created > out[j].Created })
	return out
}

// BuildError is a build that failed at a step.
type BuildError struct {
	File string
	Line int
	Msg  string
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// BuildOptions are `docker build`'s options.
type BuildOptions struct {
	Tag        string // -t NAME[:TAG]
	Dockerfile string // -f; default "Dockerfile" (its name in errors)
	NoCache    bool   // --no-cache
}

// BuildResult is a build's outcome and its progress output.
type BuildResult struct {
	Build  Build
	Output string // BuildKit's plain progress output
}

var nameRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$`)
})
var tagRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`) })

// CheckRef checks a NAME[:TAG] reference like Docker does and returns it
// with the default tag (latest) filled in.
func CheckRef(ref string) (string, error) {
	repo, tag := splitRef(ref)
	if repo != strings.ToLower(repo) {
		return "", fmt.Errorf("invalid reference format: repository name (%s) must be lowercase", repo)
	}
	if !nameRE().MatchString(repo) || !tagRE().MatchString(tag) {
		return "", fmt.Errorf("invalid reference format: %q", ref)
	}
	return repo + ":" + tag, nil
}

// Build runs a build of dockerfile (its contents) with files from ctx.
//
// The cache follows https://docs.docker.com/build/cache/ and
// https://docs.docker.com/build/cache/invalidation/: a step's cache key is
// its parent's key plus its instruction text, and for COPY and ADD the
// checksums of the copied files' contents (not their modification times).
// RUN is compared by its command text only. A step is CACHED when its key
// was built before; a changed step changes the key of every step after it,
// so they all rebuild.
func (e *Engine) Build(dockerfile []byte, ctx Context, opt BuildOptions) (BuildResult, error) {
	file := opt.Dockerfile
	if file == "" {
		file = "Dockerfile"
	}
	tag := ""
	if opt.Tag != "" {
		t, err := CheckRef(opt.Tag)
		if err != nil {
			return BuildResult{}, err
		}
		tag = t
	}
	ins, err := Parse(file, dockerfile)
	if err != nil {
		return BuildResult{}, err
	}
	var from *Instruction
	for i := range ins {
		if ins[i].Cmd != "FROM" {
			continue
		}
		if from != nil {
			return BuildResult{}, &BuildError{File: file, Line: ins[i].Line, Msg: "a second FROM (a multi-stage build) is not simulated"}
		}
		from = &ins[i]
	}
	baseRef := fromImage(from.Args)
	var base BaseImage
	if baseRef != "scratch" {
		b, ok := lookupBase(baseRef)
		if !ok {
			return BuildResult{}, &BuildError{File: file, Line: from.Line, Msg: pullError(baseRef)}
		}
		base = b
	} else {
		base = BaseImage{Ref: "scratch"}
	}

	now := e.now()
	var out strings.Builder
	n := 0
	step := func(title string) int { n++; fmt.Fprintf(&out, "#%d %s\n", n, title); return n }
	step(fmt.Sprintf("[internal] load build definition from %s", file))
	fmt.Fprintf(&out, "#%d transferring dockerfile: %s done\n#%d DONE\n\n", n, sizeB(int64(len(dockerfile))), n)
	if base.Ref != "scratch" {
		step("[internal] load metadata for " + fullName(base.Ref))
		fmt.Fprintf(&out, "#%d DONE\n\n", n)
	}

	// Numbered steps: FROM, RUN, COPY, ADD and WORKDIR, as BuildKit shows.
	total := 0
	for _, in := range ins {
		if numbered(in.Cmd) {
			total++
		}
	}
	key := "FROM " + normalizeRef(base.Ref)
	history := []Layer{}
	if base.Ref != "scratch" {
		history = append(history, Layer{CreatedBy: fmt.Sprintf("FROM %s (base image: %d %s)", base.Ref, base.Layers, plural(base.Layers, "layer")), Size: base.Size, FS: true, Base: true, Comment: "approximate base size", Key: key})
	}
	var steps []Step
	var config []string
	ctxSent := false
	k := 0
	missed := opt.NoCache
	for _, in := range ins {
		if in.Cmd == "ARG" && k == 0 {
			continue // an ARG before FROM is only for FROM
		}
		if !numbered(in.Cmd) {
			// Metadata: recorded in the image configuration, no layer.
			config = append(config, in.Text())
			key = hashKey(key, in.Text())
			history = append(history, Layer{CreatedBy: in.Text(), Created: now})
			continue
		}
		k++
		title := fmt.Sprintf("[%d/%d] %s", k, total, in.Text())
		if in.Cmd == "FROM" {
			s := step(fmt.Sprintf("[%d/%d] FROM %s", k, total, fullName(base.Ref)))
			cached := e.pulled[base.Ref]
			if cached {
				fmt.Fprintf(&out, "#%d CACHED\n\n", s)
			} else {
				fmt.Fprintf(&out, "#%d resolve %s done\n#%d DONE\n\n", s, fullName(base.Ref), s)
			}
			steps = append(steps, Step{N: k, Text: in.Text(), Cmd: "FROM", Cached: cached, Size: base.Size})
			continue
		}
		var size int64
		comment := ""
		stepKey := hashKey(key, in.Text())
		if in.Cmd == "COPY" || in.Cmd == "ADD" {
			if !ctxSent {
				s := step("[internal] load build context")
				fmt.Fprintf(&out, "#%d transferring context: %s done\n#%d DONE\n\n", s, sizeB(contextSize(ctx)), s)
				ctxSent = true
			}
			sum, sz, err := copySources(in, ctx)
			if err != nil {
				return BuildResult{}, &BuildError{File: file, Line: in.Line, Msg: err.Error()}
			}
			stepKey = hashKey(stepKey, sum)
			size = sz
		}
		if in.Cmd == "RUN" {
			size = RunSize(in.Args)
			comment = "simulated size"
		}
		s := step(title)
		layer, hit := e.cache[stepKey]
		cached := hit && !missed
		if cached {
			fmt.Fprintf(&out, "#%d CACHED\n\n", s)
		} else {
			missed = true
			layer = Layer{CreatedBy: historyText(in), Size: size, FS: in.Cmd != "WORKDIR", Comment: comment, Created: now, Key: stepKey}
			e.cache[stepKey] = layer
			fmt.Fprintf(&out, "#%d DONE\n\n", s)
		}
		key = stepKey
		history = append(history, layer)
		steps = append(steps, Step{N: k, Text: in.Text(), Cmd: in.Cmd, Cached: cached, Size: layer.Size})
	}
	if n := base.Layers + countFS(history); n > MaxLayers {
		return BuildResult{}, &BuildError{File: file, Line: ins[len(ins)-1].Line, Msg: fmt.Sprintf("failed to register layer: max depth exceeded (the image would have %d layers; Docker's limit is %d)", n, MaxLayers)}
	}
	e.pulled[base.Ref] = true
	id := "sha256:" + hashKey(key, strings.Join(config, "\n"))
	im := e.image(id)
	if im == nil {
		im = &Image{ID: id, Created: now, Base: base, History: history}
		for _, l := range history {
			im.Size += l.Size
		}
		e.images = append(e.images, im)
	}
	s := step("exporting to image")
	fmt.Fprintf(&out, "#%d exporting layers done\n#%d writing image %s done\n", s, s, id)
	if tag != "" {
		e.setTag(tag, im)
		fmt.Fprintf(&out, "#%d naming to %s done\n", s, fullName(tag))
	}
	fmt.Fprintf(&out, "#%d DONE\n", s)
	b := Build{Tag: tag, Dockerfile: file, ImageID: id, Steps: steps, At: now}
	e.builds = append(e.builds, b)
	return BuildResult{Build: b, Output: strings.TrimRight(out.String(), "\n")}, nil
}

func countFS(ls []Layer) int {
	n := 0
	for _, l := range ls {
		if l.FS && !l.Base {
			n++
		}
	}
	return n
}

func numbered(cmd string) bool {
	switch cmd {
	case "FROM", "RUN", "COPY", "ADD", "WORKDIR":
		return true
	}
	return false
}

// historyText is CREATED BY as `docker history` shows a BuildKit step.
func historyText(in Instruction) string {
	switch in.Cmd {
	case "RUN":
		if in.JSON {
			return "RUN " + strings.Join(in.Exec, " ") + " # buildkit"
		}
		return "RUN /bin/sh -c " + in.Args + " # buildkit"
	case "COPY", "ADD":
		return in.Text() + " # buildkit"
	}
	return in.Text()
}

func fromImage(args string) string {
	for _, w := range strings.Fields(args) {
		if strings.HasPrefix(w, "--") {
			continue // --platform=...
		}
		return w
	}
	return ""
}

func pullError(ref string) string {
	names := []string{}
	for _, b := range catalog {
		names = append(names, b.Ref)
	}
	known := " (the simulator has these base images: " + strings.Join(names, ", ") + ")"
	if knownRepo(ref) {
		return fmt.Sprintf("%s: failed to resolve source metadata for %s: %s: not found%s", ref, fullName(ref), fullName(ref), known)
	}
	return fmt.Sprintf("%s: failed to resolve source metadata for %s: pull access denied, repository does not exist or may require authorization%s", ref, fullName(ref), known)
}

// copySources checksums and sizes the sources of a COPY or ADD: every word
// but the last (the destination), skipping --flags. A directory copies
// every file under it.
func copySources(in Instruction, ctx Context) (string, int64, error) {
	var words []string
	if strings.HasPrefix(in.Args, "[") {
		if err := jsonWords(in.Args, &words); err != nil {
			return "", 0, err
		}
	} else {
		words = strings.Fields(in.Args)
	}
	var srcs []string
	for _, w := range words {
		if !strings.HasPrefix(w, "--") {
			srcs = append(srcs, w)
		}
	}
	if len(srcs) < 2 {
		return "", 0, fmt.Errorf("%s requires at least two arguments, but only one was provided. Destination could not be determined", in.Cmd)
	}
	srcs = srcs[:len(srcs)-1]
	h := sha256.New()
	var size int64
	for _, src := range srcs {
		if strings.Contains(src, "://") {
			return "", 0, fmt.Errorf("%s from a URL (%s) is not simulated", in.Cmd, src)
		}
		clean := strings.Trim(strings.TrimPrefix(src, "./"), "/")
		if clean == "" {
			clean = "."
		}
		files := []string{}
		if b, err := ctx.ReadFile(clean); err == nil && clean != "." {
			fmt.Fprintf(h, "%s\x00%x\x00", clean, sha256.Sum256(b))
			size += int64(len(b))
			continue
		}
		files = ctx.Files(clean)
		if len(files) == 0 {
			return "", 0, fmt.Errorf("failed to compute cache key: failed to calculate checksum of ref: \"/%s\": not found", strings.TrimPrefix(clean, "."))
		}
		for _, f := range files {
			b, err := ctx.ReadFile(f)
			if err != nil {
				return "", 0, err
			}
			fmt.Fprintf(h, "%s\x00%x\x00", f, sha256.Sum256(b))
			size += int64(len(b))
		}
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

func contextSize(ctx Context) int64 {
	var n int64
	for _, f := range ctx.Files(".") {
		if b, err := ctx.ReadFile(f); err == nil {
			n += int64(len(b))
		}
	}
	return n
}

func hashKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (e *Engine) image(id string) *Image {
	for _, im := range e.images {
		if im.ID == id {
			return im
		}
	}
	return nil
}

// setTag points tag at im, taking it from the image that had it.
func (e *Engine) setTag(tag string, im *Image) {
	for _, o := range e.images {
		o.Tags = remove(o.Tags, tag)
	}
	im.Tags = append(im.Tags, tag)
	sort.Strings(im.Tags)
}

func remove(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// ErrNoSuchImage is returned for an image reference that matches nothing.
var ErrNoSuchImage = errors.New("No such image")

// Find resolves NAME[:TAG] or an image ID (a prefix of at least 4 hex
// digits, with or without sha256:).
func (e *Engine) Find(ref string) (*Image, error) {
	if t, err := CheckRef(ref); err == nil {
		for _, im := range e.images {
			for _, x := range im.Tags {
				if x == t {
					return im, nil
				}
			}
		}
	}
	id := strings.TrimPrefix(ref, "sha256:")
	if len(id) >= 4 && isHex(id) {
		var found *Image
		for _, im := range e.images {
			if strings.HasPrefix(strings.TrimPrefix(im.ID, "sha256:"), id) {
				if found != nil {
					return nil, fmt.Errorf("Error response from daemon: multiple IDs found with provided prefix: %s", id)
				}
				found = im
			}
		}
		if found != nil {
			return found, nil
		}
	}
	shown := ref
	if t, err := CheckRef(ref); err == nil {
		shown = t
	}
	return nil, fmt.Errorf("Error response from daemon: %w: %s", ErrNoSuchImage, shown)
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// Tag adds the name dst to the image src names.
func (e *Engine) Tag(src, dst string) error {
	im, err := e.Find(src)
	if err != nil {
		return err
	}
	t, err := CheckRef(dst)
	if err != nil {
		return err
	}
	e.setTag(t, im)
	return nil
}

// Remove is `docker rmi REF`: a name is untagged, and the image is deleted
// when no name is left; an ID deletes the image unless several names point
// at it. It returns Docker's "Untagged:" and "Deleted:" lines. The build
// cache is kept (BuildKit keeps it until `docker builder prune`).
func (e *Engine) Remove(ref string) ([]string, error) {
	im, err := e.Find(ref)
	if err != nil {
		return nil, err
	}
	var lines []string
	t, terr := CheckRef(ref)
	byTag := terr == nil && contains(im.Tags, t)
	if !byTag || len(im.Tags) == 1 {
		// The image would be deleted: a container (running or stopped)
		// using it prevents that
		// (https://docs.docker.com/reference/cli/docker/image/rm/).
		for _, c := range e.containers {
			if c.ImageID != im.ID {
				continue
			}
			if byTag {
				return nil, fmt.Errorf("Error response from daemon: conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s", ref, c.ShortID(), im.ShortID())
			}
			return nil, fmt.Errorf("Error response from daemon: conflict: unable to delete %s (must be forced) - image is being used by stopped container %s", im.ShortID(), c.ShortID())
		}
	}
	if byTag {
		im.Tags = remove(im.Tags, t)
		lines = append(lines, "Untagged: "+t)
		if len(im.Tags) > 0 {
			return lines, nil
		}
	} else if len(im.Tags) > 1 {
		return nil, fmt.Errorf("Error response from daemon: conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", im.ShortID())
	} else {
		for _, t := range im.Tags {
			lines = append(lines, "Untagged: "+t)
		}
	}
	for i, x := range e.images {
		if x == im {
			e.images = append(e.images[:i], e.images[i+1:]...)
			break
		}
	}
	return append(lines, "Deleted: "+im.ID), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Names lists the image names (repository:tag) for tab completion.
func (e *Engine) Names() []string {
	var out []string
	for _, im := range e.images {
		out = append(out, im.Tags...)
	}
	sort.Strings(out)
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
