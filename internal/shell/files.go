package shell

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// One file reader serves every path the shell reads: file:// and fileb://
// values, traffic --trace and cat. The AWS CLI reads file:// as text and
// fileb:// as bytes, resolving a relative path against the working
// directory (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-parameters-file.html);
// the shell resolves it against the script's folder.
//
// Modes (Options):
//   - WithDir(dir): a learner's own machine. Relative paths resolve against
//     dir; absolute paths, ~/ and ../ work.
//   - WithConfinedDir(dir): a shared server (the class server). Only files
//     inside dir can be read; anything outside it, by an absolute path, ../
//     or a symbolic link, is refused with a clear message.
//   - WithFS(fsys): an fs.FS (tests, embedded content); confined to it.
//   - none of them: only the in-memory files commands wrote (invoke's
//     outfile) can be read.
//
// In every mode a missing file, a directory, a FIFO or device, and a file
// over the size cap are refused with a plain message (no Python errno).

// Size caps: 1 MB for file:// (JSON and text: task definitions, payloads)
// and 50 MB for fileb:// (Lambda's limit for a .zip uploaded directly:
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
const (
	MaxTextFile   = 1 << 20
	MaxBinaryFile = 50 << 20
)

// FileError is a file that could not be read.
type FileError struct {
	Path    string // the path as shown to the user
	Problem string // not-found, directory, not-regular, too-large, outside, no-files, unreadable
	Limit   int64  // too-large: the cap
	Size    int64  // too-large: the file's size
	Root    string // outside: the folder reads are confined to (as shown)
	Err     error  // unreadable: the cause
}

func (e *FileError) Error() string {
	switch e.Problem {
	case "not-found":
		return "file not found: " + e.Path
	case "directory":
		return e.Path + " is a directory, not a file"
	case "not-regular":
		return e.Path + " is not a regular file (a FIFO, device or socket cannot be read)"
	case "too-large":
		if e.Size <= e.Limit {
			return fmt.Sprintf("%s is too large: more than %s", e.Path, sizeText(e.Limit))
		}
		return fmt.Sprintf("%s is too large: %s; the limit is %s", e.Path, sizeText(e.Size), sizeText(e.Limit))
	case "outside":
		return fmt.Sprintf("%s is outside the folder this session may read (%s): only files in that folder can be used", e.Path, e.Root)
	case "no-files":
		return "cannot read " + e.Path + ": this shell reads no files from disk, only the ones commands wrote"
	}
	return fmt.Sprintf("cannot read %s: %v", e.Path, e.Err)
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// fileReader implements the modes.
type fileReader struct {
	dir     string // WithDir / WithConfinedDir
	confine bool
	fsys    fs.FS // WithFS
}

// WithDir lets commands read files from disk as on a learner's own
// machine: relative paths resolve against dir (the script's folder);
// absolute paths, ~/ and ../ work.
func WithDir(dir string) Option {
	return func(s *Shell) { s.reader = fileReader{dir: dir} }
}

// WithConfinedDir lets commands read only the files inside dir (a shared
// server: one student's folder). Paths outside it are refused.
func WithConfinedDir(dir string) Option {
	return func(s *Shell) { s.reader = fileReader{dir: dir, confine: true} }
}

// WithFS lets file:// values (and traffic --trace) read files from fsys,
// confined to it. Without WithFS, WithDir or WithConfinedDir only
// in-memory files can be read.
func WithFS(fsys fs.FS) Option { return func(s *Shell) { s.reader = fileReader{fsys: fsys} } }

// read reads name with the cap for text (file://) or binary (fileb://).
func (r fileReader) read(name string, binary bool) ([]byte, error) {
	limit := int64(MaxTextFile)
	if binary {
		limit = MaxBinaryFile
	}
	switch {
	case r.fsys != nil:
		return r.readFS(name, limit)
	case r.dir != "" && r.confine:
		return r.readConfined(name, limit)
	case r.dir != "":
		return r.readOS(name, limit)
	}
	return nil, &FileError{Path: name, Problem: "no-files"}
}

func (r fileReader) readOS(name string, limit int64) ([]byte, error) {
	p := name
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, rest)
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.dir, p)
	}
	p = filepath.Clean(p)
	st, err := os.Stat(p)
	if err != nil {
		return nil, statError(p, err)
	}
	if err := checkStat(p, st, limit); err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, statError(p, err)
	}
	defer f.Close()
	return readCapped(p, f, limit)
}

func (r fileReader) readConfined(name string, limit int64) ([]byte, error) {
	outside := &FileError{Path: name, Problem: "outside", Root: "the session's folder"}
	rel := filepath.FromSlash(name)
	if filepath.IsAbs(rel) {
		base, err := filepath.Abs(r.dir)
		if err != nil {
			return nil, outside
		}
		if rel, err = filepath.Rel(base, rel); err != nil {
			return nil, outside
		}
	}
	if !filepath.IsLocal(rel) {
		return nil, outside
	}
	root, err := os.OpenRoot(r.dir)
	if err != nil {
		return nil, &FileError{Path: name, Problem: "unreadable", Err: errors.New("the session's folder cannot be opened")}
	}
	defer root.Close()
	st, err := root.Stat(rel)
	if err != nil {
		if isEscape(err) {
			return nil, outside // a symbolic link that leads out
		}
		return nil, statError(name, err)
	}
	if err := checkStat(name, st, limit); err != nil {
		return nil, err
	}
	f, err := root.Open(rel)
	if err != nil {
		if isEscape(err) {
			return nil, outside
		}
		return nil, statError(name, err)
	}
	defer f.Close()
	return readCapped(name, f, limit)
}

func (r fileReader) readFS(name string, limit int64) ([]byte, error) {
	n := path.Clean(strings.ReplaceAll(name, "\\", "/"))
	if !fs.ValidPath(n) {
		return nil, &FileError{Path: name, Problem: "outside", Root: "the script's folder"}
	}
	st, err := fs.Stat(r.fsys, n)
	if err != nil {
		return nil, statError(name, err)
	}
	if err := checkStat(name, st, limit); err != nil {
		return nil, err
	}
	f, err := r.fsys.Open(n)
	if err != nil {
		return nil, statError(name, err)
	}
	defer f.Close()
	return readCapped(name, f, limit)
}

// isEscape: os.Root refuses a path that leaves the root.
func isEscape(err error) bool {
	return err != nil && strings.Contains(err.Error(), "path escapes from parent")
}

func statError(p string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &FileError{Path: p, Problem: "not-found"}
	case errors.Is(err, fs.ErrPermission):
		return &FileError{Path: p, Problem: "unreadable", Err: errors.New("permission denied")}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &FileError{Path: p, Problem: "unreadable", Err: err}
}

func checkStat(p string, st fs.FileInfo, limit int64) error {
	switch {
	case st.IsDir():
		return &FileError{Path: p, Problem: "directory"}
	case !st.Mode().IsRegular():
		return &FileError{Path: p, Problem: "not-regular"}
	case st.Size() > limit:
		return &FileError{Path: p, Problem: "too-large", Size: st.Size(), Limit: limit}
	}
	return nil
}

// readCapped reads at most limit bytes (the file may have grown since it
// was checked).
func readCapped(p string, rd io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(rd, limit+1))
	if err != nil {
		return nil, statError(p, err)
	}
	if int64(len(b)) > limit {
		return nil, &FileError{Path: p, Problem: "too-large", Limit: limit} // grew while read
	}
	return b, nil
}
