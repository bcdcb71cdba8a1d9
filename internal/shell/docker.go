package shell

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloudlab/cloudlab/internal/docker"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// The `docker` lab verbs: a simulated Docker engine (internal/docker) that
// builds images with BuildKit's cache rules and keeps them per account.
// Containers (run, ps, logs, stop, kill, rm, inspect) are in
// docker_run.go. `echo TEXT >> FILE` changes a file in the shell's
// in-memory files, so a rebuild can show the cache being invalidated.

// maxContextFiles caps the files one build context may list.
const maxContextFiles = 1000

func dockerCommands() []Command {
	image := ArgSpec{Name: "image", Required: true, Complete: "image", Help: "NAME[:TAG] or an image ID."}
	return append([]Command{
		{
			Lab: true, Service: "docker", Operation: "build",
			Summary: "Build an image from a Dockerfile (simulated engine: layers and build cache)",
			Options: []OptSpec{
				{Name: "tag", Short: "t", Help: "Name the image NAME[:TAG] (the tag defaults to latest)."},
				{Name: "file", Short: "f", Help: "The Dockerfile, relative to where docker runs.", Default: "DIR/Dockerfile"},
				{Name: "no-cache", Type: Bool, Help: "Do not use the build cache."},
			},
			Args: []ArgSpec{{Name: "dir", Required: true, Help: "The build context: the folder whose files COPY can use (. = the lab's files)."}},
			Run:  dockerBuild,
		},
		{
			Lab: true, Service: "docker", Operation: "images",
			Summary: "List images (REPOSITORY, TAG, IMAGE ID, CREATED, SIZE)",
			Args:    []ArgSpec{{Name: "repository", Help: "Only this REPOSITORY[:TAG]."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				repo, tag, hasTag := strings.Cut(a.Str("repository"), ":")
				var b strings.Builder
				w := tabwriter.NewWriter(&b, 10, 1, 3, ' ', 0)
				fmt.Fprintln(w, "REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE")
				for _, im := range ctx.Acct.Docker.Images() {
					created := humanAgo(ctx.Now() - im.Created)
					tags := im.Tags
					if len(tags) == 0 {
						tags = []string{"<none>:<none>"}
					}
					for _, t := range tags {
						i := strings.LastIndex(t, ":")
						if repo != "" && (t[:i] != repo || hasTag && t[i+1:] != tag) {
							continue
						}
						fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t[:i], t[i+1:], im.ShortID(), created, docker.HumanSize(im.Size))
					}
				}
				w.Flush()
				return Result{Text: b.String()}, nil
			},
		},
		{
			Lab: true, Service: "docker", Operation: "history",
			Summary: "Show an image's layers, newest first: what created each one and its size",
			Options: []OptSpec{{Name: "no-trunc", Type: Bool, Help: "Do not shorten CREATED BY."}},
			Args:    []ArgSpec{image},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				im, err := ctx.Acct.Docker.Find(a.Str("image"))
				if err != nil {
					return Result{}, err
				}
				var b strings.Builder
				w := tabwriter.NewWriter(&b, 10, 1, 3, ' ', 0)
				fmt.Fprintln(w, "IMAGE\tCREATED\tCREATED BY\tSIZE\tCOMMENT")
				for i := len(im.History) - 1; i >= 0; i-- {
					l := im.History[i]
					id := "<missing>"
					if i == len(im.History)-1 {
						id = im.ShortID()
					}
					created := "-" // the base image's build date is not simulated
					if !l.Base {
						created = humanAgo(ctx.Now() - l.Created)
					}
					by := l.CreatedBy
					if !a.Bool("no-trunc") {
						by = truncRunes(by, 45)
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", id, created, by, docker.HumanSize(l.Size), l.Comment)
				}
				w.Flush()
				return Result{Text: termtext.Sanitize(b.String())}, nil // CREATED BY quotes the Dockerfile
			},
		},
		{
			Lab: true, Service: "docker", Operation: "tag",
			Summary: "Give an image another name (NAME[:TAG])",
			Args:    []ArgSpec{{Name: "source", Required: true, Complete: "image", Help: "The image: NAME[:TAG] or ID."}, {Name: "target", Required: true, Help: "The new NAME[:TAG]."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				return Result{}, ctx.Acct.Docker.Tag(a.Str("source"), a.Str("target"))
			},
		},
		{
			Lab: true, Service: "docker", Operation: "rmi",
			Summary: "Remove image names, and images left with no name (the build cache is kept)",
			Args:    []ArgSpec{{Name: "image", Rest: true, Required: true, Complete: "image", Help: "NAME[:TAG] or image IDs."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				var out []string
				for _, ref := range a.List("image") {
					lines, err := ctx.Acct.Docker.Remove(ref)
					if err != nil {
						return Result{Text: strings.Join(out, "\n")}, err
					}
					out = append(out, lines...)
				}
				return Result{Text: strings.Join(out, "\n")}, nil
			},
		},
		{
			Lab: true, Service: "echo",
			Summary: "Print text, or add it to a file: echo TEXT >> FILE (append), echo TEXT > FILE (replace)",
			Args:    []ArgSpec{{Name: "text", Rest: true, Help: "The words to print, then optionally >> FILE or > FILE."}},
			Run:     echo,
		},
	}, containerCommands()...)
}

func dockerBuild(ctx *Ctx, a Args) (Result, error) {
	dir := cleanName(a.Str("dir"))
	file := path.Join(dir, "Dockerfile")
	shown := "Dockerfile"
	if a.Has("file") {
		file = cleanName(a.Str("file")) // -f is relative to where docker runs, not to DIR
		shown = file
	}
	src, err := ctx.ReadFile(file)
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) && fe.Problem == "not-found" {
			return Result{}, fmt.Errorf("ERROR: failed to solve: failed to read dockerfile: open %s: no such file or directory", file)
		}
		return Result{}, fmt.Errorf("ERROR: %v", err)
	}
	res, err := ctx.Acct.Docker.Build(src, buildContext{sh: ctx.Shell, dir: dir}, docker.BuildOptions{Tag: a.Str("tag"), Dockerfile: shown, NoCache: a.Bool("no-cache")})
	var pe *docker.ParseError
	var be *docker.BuildError
	switch {
	case errors.As(err, &pe) || errors.As(err, &be):
		// The message quotes the Dockerfile (an unknown word): no control
		// characters reach the terminal.
		return Result{}, fmt.Errorf("ERROR: failed to solve: %s", termtext.Sanitize(err.Error()))
	case err != nil:
		return Result{}, fmt.Errorf("ERROR: %v", err)
	}
	return Result{Text: termtext.Sanitize(res.Output), Output: map[string]any{"ImageId": res.Build.ImageID, "Tag": res.Build.Tag}}, nil
}

// buildContext is a build context over the shell's files: its in-memory
// files first, then its file reader (WithDir, WithConfinedDir, WithFS).
type buildContext struct {
	sh  *Shell
	dir string
}

func (c buildContext) ReadFile(name string) ([]byte, error) {
	return c.sh.readFile(path.Join(c.dir, name))
}

func (c buildContext) Files(sub string) []string {
	root := path.Join(c.dir, sub)
	seen := map[string]bool{}
	add := func(full string) {
		rel := full
		if c.dir != "." {
			r, ok := strings.CutPrefix(full, c.dir+"/")
			if !ok {
				return
			}
			rel = r
		}
		if len(seen) < maxContextFiles {
			seen[rel] = true
		}
	}
	for name := range c.sh.files {
		if root == "." || strings.HasPrefix(name, root+"/") {
			add(name)
		}
	}
	for _, name := range c.sh.reader.list(root) {
		add(name)
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// list returns the regular files under dir (slash paths relative to the
// reader's root), at most maxContextFiles; nothing for a reader that has
// no files or a dir outside a confined root.
func (r fileReader) list(dir string) []string {
	var out []string
	walk := func(fsys fs.FS) {
		_ = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || len(out) >= maxContextFiles {
				return fs.SkipAll
			}
			if d.Type().IsRegular() {
				out = append(out, p)
			}
			return nil
		})
	}
	if !fs.ValidPath(dir) {
		return nil
	}
	switch {
	case r.fsys != nil:
		walk(r.fsys)
	case r.dir != "" && r.confine:
		if root, err := os.OpenRoot(r.dir); err == nil {
			walk(root.FS())
			root.Close()
		}
	case r.dir != "":
		walk(os.DirFS(filepath.Clean(r.dir)))
	}
	return out
}

// echo prints its words, or with > FILE / >> FILE writes them (and a
// newline) to the shell's in-memory files, as a shell's redirection does.
func echo(ctx *Ctx, a Args) (Result, error) {
	words := a.List("text")
	var text []string
	for i, w := range words {
		op := ""
		switch {
		case strings.HasPrefix(w, ">>"):
			op = ">>"
		case strings.HasPrefix(w, ">"):
			op = ">"
		default:
			text = append(text, w)
			continue
		}
		target := strings.TrimPrefix(w, op)
		rest := words[i+1:]
		if target == "" && len(rest) > 0 {
			target, rest = rest[0], rest[1:]
		}
		if target == "" || len(rest) > 0 {
			return Result{}, usagef("echo: write TEXT %s FILE, with the file last", op)
		}
		data := []byte(strings.Join(text, " ") + "\n")
		if op == ">>" {
			old, err := ctx.ReadFile(target)
			var fe *FileError
			if err != nil && !(errors.As(err, &fe) && (fe.Problem == "not-found" || fe.Problem == "no-files")) {
				return Result{}, fmt.Errorf("echo: %v", err)
			}
			data = append(append([]byte(nil), old...), data...)
		}
		if len(data) > MaxTextFile {
			return Result{}, fmt.Errorf("echo: %s would be larger than %s", target, sizeText(MaxTextFile))
		}
		return Result{}, ctx.WriteFile(target, data)
	}
	return Result{Text: strings.Join(text, " ")}, nil
}

func truncRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// humanAgo is the Docker CLI's CREATED column (go-units HumanDuration + " ago").
func humanAgo(d time.Duration) string { return docker.HumanDuration(d) + " ago" }
