package course

import (
	"io"
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
		f, err := sub.Open(".")
		if err != nil {
			return nil, err
		}
		return namedDir{f, first}, nil
	}
	return sub.Open(rest)
}

// namedDir gives a mounted folder's root its name (fs.Sub roots call
// themselves ".").
type namedDir struct {
	fs.File
	name string
}

func (d namedDir) Stat() (fs.FileInfo, error) { return dirInfo(d.name), nil }

func (d namedDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if rd, ok := d.File.(fs.ReadDirFile); ok {
		return rd.ReadDir(n)
	}
	return nil, &fs.PathError{Op: "readdir", Path: d.name, Err: fs.ErrInvalid}
}

func (u unionFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == "." {
		return (&rootDir{u: u}).ReadDir(-1)
	}
	if first, rest, _ := strings.Cut(name, "/"); rest == "" {
		if sub, ok := u[first]; ok {
			return fs.ReadDir(sub, ".")
		}
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
	u   unionFS
	off int
}

func (d *rootDir) Stat() (fs.FileInfo, error) { return dirInfo("."), nil }
func (d *rootDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: ".", Err: fs.ErrInvalid}
}
func (d *rootDir) Close() error { return nil }
func (d *rootDir) ReadDir(n int) ([]fs.DirEntry, error) {
	var names []string
	for k := range d.u {
		names = append(names, k)
	}
	sort.Strings(names)
	names = names[min(d.off, len(names)):]
	if n > 0 {
		if len(names) == 0 {
			return nil, io.EOF
		}
		names = names[:min(n, len(names))]
	}
	d.off += len(names)
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
