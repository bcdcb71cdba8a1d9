package course

import (
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/labs"
	"github.com/cloudlab/cloudlab/lessons"
	"github.com/cloudlab/cloudlab/quizzes"
)

// Embedded returns the course compiled into the binary, laid out as
// lessons/, quizzes/ and labs/.
func Embedded() fs.FS {
	return unionFS{LessonsDir: lessons.FS, QuizzesDir: quizzes.FS, LabsDir: labs.FS}
}

// unionFS mounts one fs.FS per top-level folder.
type unionFS map[string]fs.FS

func (u unionFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return &rootDir{u: u}, nil
	}
	first, rest, _ := strings.Cut(name, "/")
	sub, ok := u[first]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if rest == "" {
		rest = "."
	}
	return sub.Open(rest)
}

func (u unionFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == "." {
		return (&rootDir{u: u}).ReadDir(-1)
	}
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	first, rest, _ := strings.Cut(name, "/")
	sub, ok := u[first]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	if rest == "" {
		rest = "."
	}
	return fs.ReadDir(sub, rest)
}

type rootDir struct {
	u    unionFS
	read bool
}

func (d *rootDir) Stat() (fs.FileInfo, error) { return dirInfo("."), nil }
func (d *rootDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: ".", Err: fs.ErrInvalid}
}
func (d *rootDir) Close() error { return nil }
func (d *rootDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.read && n > 0 {
		return nil, nil
	}
	d.read = true
	var names []string
	for k := range d.u {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]fs.DirEntry, len(names))
	for i, k := range names {
		out[i] = fs.FileInfoToDirEntry(dirInfo(k))
	}
	return out, nil
}

type dirInfo string

func (d dirInfo) Name() string       { return string(d) }
func (d dirInfo) Size() int64        { return 0 }
func (d dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (d dirInfo) ModTime() time.Time { return time.Time{} }
func (d dirInfo) IsDir() bool        { return true }
func (d dirInfo) Sys() any           { return nil }
