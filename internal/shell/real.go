package shell

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/termtext"
)

// Real is the data plane of a lab whose Lambda functions run as real
// processes (internal/invoker, wired by internal/lab). With it,
// create-function and update-function-code store the deployment package
// for real, a synchronous invoke waits for the process, the simulator-only
// verbs and options are refused (the wall clock and the handler's own code
// decide), and the workspace verbs (go build, zip, cp, ls) work on Dir.
//
// The shell runs each command inside the invoker's lock; Wait and Outside
// are the invoker's ways out of it for the length of a wait (set by the lab
// for each command: invoker.Locked).
type Real struct {
	// Dir is the learner's workspace: the lab's files, copied.
	Dir string
	// CheckRuntime refuses a runtime this machine cannot run (python3.x
	// without python3) with Lambda's InvalidParameterValueException.
	CheckRuntime func(runtime string) error
	// StorePackage checks and unpacks a zip: its folder, CodeSha256 and
	// CodeSize.
	StorePackage func(zip []byte) (dir, sha256 string, size int64, err error)
	// Wait releases the lock until cond holds; Outside releases it while
	// f runs.
	Wait    func(cond func() bool)
	Outside func(f func())
}

// WithReal makes the shell's Lambda commands run real handlers (see Real)
// and lets file:// and fileb:// read the workspace, and only it.
func WithReal(r *Real) Option {
	return func(s *Shell) {
		s.real = r
		s.reader = fileReader{dir: r.Dir, confine: true}
		s.cmds = append(s.cmds, realCommands()...)
	}
}

// Real reports whether the shell runs real handlers.
func (s *Shell) Real() bool { return s.real != nil }

// outside runs f without the invoker's lock (directly without one).
func (s *Shell) outside(f func()) {
	if s.real != nil && s.real.Outside != nil {
		s.real.Outside(f)
		return
	}
	f()
}

var errRealClock = errors.New("this lab runs real processes on the wall clock: the simulator's clock and traffic verbs do not apply here (invoke the function instead)")

// refuseSimOptions refuses the simulator-only options in a real lab.
func (s *Shell) refuseSimOptions(a Args) error {
	if s.real == nil {
		return nil
	}
	for _, o := range lambdaSimOptions {
		if a.Has(o.Name) {
			return usagef("--%s is a simulator-only option: in this lab your handler's code decides how long Init and each invocation take", o.Name)
		}
	}
	return nil
}

// workspacePath resolves a learner's file name inside the workspace,
// refusing anything outside it.
func (r *Real) workspacePath(name string) (string, error) {
	if name == "" {
		return "", usagef("no file name")
	}
	p := filepath.Clean(filepath.Join(r.Dir, name))
	if filepath.IsAbs(name) {
		p = filepath.Clean(name)
	}
	rel, err := filepath.Rel(r.Dir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", usagef("%s is outside this lab's folder (%s)", name, r.Dir)
	}
	return p, nil
}

// maxBuildOutput bounds what a failing go build prints.
const maxBuildOutput = 4000

// realCommands are the workspace verbs of a lab with real handlers.
func realCommands() []Command {
	return []Command{
		{
			Lab: true, Service: "go", Operation: "build",
			Summary: "Build a Go handler with your Go toolchain (go build -tags lambda.norpc -o bootstrap .)",
			Args:    []ArgSpec{{Name: "args", Rest: true, Help: "-o FILE, -tags TAGS, -trimpath, and . or .go files of the lab folder."}},
			Run:     goBuild,
		},
		{
			Lab: true, Service: "zip",
			Summary: "Make a deployment package: zip function.zip bootstrap (or app.py)",
			Args:    []ArgSpec{{Name: "files", Rest: true, Help: "The zip file, then the files to put in it."}},
			Run:     zipFiles,
		},
		{
			Lab: true, Service: "cp",
			Summary: "Copy a file of the lab folder: cp SOURCE DEST",
			Args:    []ArgSpec{{Name: "files", Rest: true, Help: "Source and destination, inside the lab folder."}},
			Run:     copyFile,
		},
		{
			Lab: true, Service: "ls",
			Summary: "List the lab folder (where your handler's files are)",
			Args:    []ArgSpec{{Name: "dir", Rest: true, Help: "A folder inside the lab folder (default: the lab folder)."}},
			Run:     listFiles,
		},
	}
}

func goBuild(ctx *Ctx, a Args) (Result, error) {
	r := ctx.Shell.real
	words := a.List("args")
	out := "bootstrap"
	args := []string{"build"}
	var pkgs []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "-o" || w == "-tags":
			if i+1 >= len(words) {
				return Result{}, usagef("go build: flag needs an argument: %s", w)
			}
			i++
			if w == "-o" {
				out = words[i]
			} else {
				args = append(args, "-tags", words[i])
			}
		case strings.HasPrefix(w, "-o="):
			out = strings.TrimPrefix(w, "-o=")
		case strings.HasPrefix(w, "-tags="):
			args = append(args, w)
		case w == "-trimpath":
			args = append(args, w)
		case strings.HasPrefix(w, "-"):
			return Result{}, usagef("go build: this lab takes -o FILE, -tags TAGS and -trimpath, not %s", w)
		default:
			if w != "." && !strings.HasSuffix(w, ".go") {
				return Result{}, usagef("go build: build . or .go files of the lab folder, not %s", w)
			}
			if _, err := r.workspacePath(w); err != nil {
				return Result{}, err
			}
			pkgs = append(pkgs, w)
		}
	}
	outPath, err := r.workspacePath(out)
	if err != nil {
		return Result{}, err
	}
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return Result{}, errors.New("go build: the Go toolchain (go) is not on PATH: install Go, or deploy the Python handler if python3 is installed")
	}
	args = append(append(args, "-o", outPath), pkgs...)
	var combined []byte
	var runErr error
	ctx.Shell.outside(func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(c, goTool, args...)
		cmd.Dir = r.Dir
		// A Lambda custom runtime is a Linux executable; no cgo, no
		// toolchain download, and the lab's own module (it needs no
		// network).
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
		combined, runErr = cmd.CombinedOutput()
	})
	if runErr != nil {
		msg := strings.TrimSpace(termtext.Sanitize(string(combined)))
		if len(msg) > maxBuildOutput {
			msg = msg[:maxBuildOutput] + "…"
		}
		if msg == "" {
			msg = runErr.Error()
		}
		return Result{}, fmt.Errorf("go build failed:\n%s", msg)
	}
	st, err := os.Stat(outPath)
	if err != nil {
		return Result{}, fmt.Errorf("go build: %v", err)
	}
	return Result{Text: fmt.Sprintf("built %s (%s, linux/%s executable)", out, byteSize(st.Size()), goArch())}, nil
}

// goArch is the architecture go build targets here (the host's).
func goArch() string {
	if a := os.Getenv("GOARCH"); a != "" {
		return a
	}
	return runtime.GOARCH
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func zipFiles(ctx *Ctx, a Args) (Result, error) {
	r := ctx.Shell.real
	words := a.List("files")
	if len(words) > 0 && (words[0] == "-r" || words[0] == "-j" || words[0] == "-q") {
		words = words[1:]
	}
	if len(words) < 2 {
		return Result{}, usagef("zip: give the zip file, then the files to put in it: zip function.zip bootstrap")
	}
	zipPath, err := r.workspacePath(words[0])
	if err != nil {
		return Result{}, err
	}
	if !strings.HasSuffix(words[0], ".zip") {
		return Result{}, usagef("zip: %s: the package's name should end in .zip", words[0])
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// Deflate at its fastest level: a Go binary is several megabytes and
	// the learner waits for it; the package is a little larger.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	var total int64
	var names []string
	for _, name := range words[1:] {
		p, err := r.workspacePath(name)
		if err != nil {
			return Result{}, err
		}
		st, err := os.Stat(p)
		if err != nil {
			return Result{}, fmt.Errorf("zip: %s: no such file in the lab folder", name)
		}
		if !st.Mode().IsRegular() {
			return Result{}, fmt.Errorf("zip: %s is not a regular file (folders are not packaged here: name the files)", name)
		}
		if total += st.Size(); total > MaxBinaryFile {
			return Result{}, fmt.Errorf("zip: the files hold more than %s", byteSize(MaxBinaryFile))
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return Result{}, fmt.Errorf("zip: %v", err)
		}
		rel, _ := filepath.Rel(r.Dir, p)
		h := &zip.FileHeader{Name: filepath.ToSlash(rel), Method: zip.Deflate}
		h.SetMode(st.Mode().Perm()) // bootstrap stays executable
		w, err := zw.CreateHeader(h)
		if err != nil {
			return Result{}, err
		}
		if _, err := w.Write(b); err != nil {
			return Result{}, err
		}
		names = append(names, filepath.ToSlash(rel))
	}
	if err := zw.Close(); err != nil {
		return Result{}, err
	}
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o644); err != nil {
		return Result{}, fmt.Errorf("zip: %v", err)
	}
	delete(ctx.Shell.files, cleanName(words[0])) // the file on disk is the package now
	lines := make([]string, 0, len(names)+1)
	for _, n := range names {
		lines = append(lines, "  adding: "+n)
	}
	lines = append(lines, fmt.Sprintf("%s: %s", words[0], byteSize(int64(buf.Len()))))
	return Result{Text: strings.Join(lines, "\n")}, nil
}

func copyFile(ctx *Ctx, a Args) (Result, error) {
	r := ctx.Shell.real
	words := a.List("files")
	if len(words) != 2 {
		return Result{}, usagef("cp: give a source and a destination: cp solution/main.go main.go")
	}
	src, err := r.workspacePath(words[0])
	if err != nil {
		return Result{}, err
	}
	dst, err := r.workspacePath(words[1])
	if err != nil {
		return Result{}, err
	}
	if st, err := os.Stat(dst); err == nil && st.IsDir() {
		dst = filepath.Join(dst, filepath.Base(src))
	}
	in, err := os.Open(src)
	if err != nil {
		return Result{}, fmt.Errorf("cp: cannot stat '%s': No such file or directory", words[0])
	}
	defer in.Close()
	if st, err := in.Stat(); err != nil || !st.Mode().IsRegular() {
		return Result{}, fmt.Errorf("cp: %s is not a regular file", words[0])
	}
	b, err := io.ReadAll(io.LimitReader(in, MaxBinaryFile+1))
	if err != nil {
		return Result{}, fmt.Errorf("cp: %v", err)
	}
	if len(b) > MaxBinaryFile {
		return Result{}, fmt.Errorf("cp: %s is larger than %s", words[0], byteSize(MaxBinaryFile))
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		return Result{}, fmt.Errorf("cp: %v", err)
	}
	return Result{}, nil
}

func listFiles(ctx *Ctx, a Args) (Result, error) {
	r := ctx.Shell.real
	dir := r.Dir
	if l := a.List("dir"); len(l) > 0 {
		p, err := r.workspacePath(l[0])
		if err != nil {
			return Result{}, err
		}
		dir = p
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return Result{}, fmt.Errorf("ls: cannot access '%s': No such file or directory", strings.Join(a.List("dir"), " "))
	}
	var lines []string
	for _, e := range ents {
		name := termtext.Sanitize(e.Name())
		if strings.HasPrefix(name, ".") {
			continue
		}
		if e.IsDir() {
			name += "/"
		} else if info, err := e.Info(); err == nil {
			name = fmt.Sprintf("%-20s %s", name, byteSize(info.Size()))
		}
		lines = append(lines, name)
	}
	sort.Strings(lines)
	lines = append([]string{"folder: " + termtext.Sanitize(dir)}, lines...)
	return Result{Text: strings.Join(lines, "\n")}, nil
}
