package class

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/cloudlab/cloudlab/internal/progress"
)

// backend is where a class keeps its students' progress: one SQLite file
// per student under DATA/students/<slug>/ (the default), or one
// PostgreSQL database for the whole class (--store), which several class
// servers can share.
type backend interface {
	// open opens the store of a student who is connecting.
	open(st *Student) (*progress.Store, error)
	// enrolled lists the students with progress, for results.
	enrolled() ([]enrolled, error)
}

// enrolled is a student a backend has progress for.
type enrolled struct {
	Folder     string // the slug
	Name       string
	Instructor bool
	open       func() (*progress.Store, error)
}

// sqliteBackend: DATA/students/<slug>/progress.db, with the name the
// roster gave in student.json beside it.
type sqliteBackend struct{ dataDir string }

func (b sqliteBackend) open(st *Student) (*progress.Store, error) {
	dir := StudentDir(b.dataDir, st.Slug)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := writeIdentity(dir, st); err != nil {
		return nil, err
	}
	return progress.Open(dir)
}

func (b sqliteBackend) enrolled() ([]enrolled, error) {
	dir := filepath.Join(b.dataDir, "students")
	ents, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("no class data in %s (no students/ folder)", b.dataDir)
		}
		return nil, err
	}
	var out []enrolled
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		sd := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(sd, progress.FileName)); err != nil {
			continue
		}
		id := readIdentity(sd)
		out = append(out, enrolled{Folder: e.Name(), Name: id.Name, Instructor: id.Instructor,
			open: func() (*progress.Store, error) { return progress.Open(sd) }})
	}
	return out, nil
}

// postgresBackend: every student's rows in one database, the student
// column being the slug. The students' files/ folders stay under each
// server's own data folder.
type postgresBackend struct {
	pg      *progress.Postgres
	dataDir string
}

func (b postgresBackend) open(st *Student) (*progress.Store, error) {
	if err := b.pg.Enroll(progress.Learner{ID: st.Slug, Name: st.Name, Instructor: st.Instructor}); err != nil {
		return nil, err
	}
	ps, err := b.pg.Store(st.Slug)
	if err != nil {
		return nil, err
	}
	// A quiz session the database refused is kept in the student's folder.
	ps.SetRecoveryDir(StudentDir(b.dataDir, st.Slug))
	return ps, nil
}

func (b postgresBackend) enrolled() ([]enrolled, error) {
	ls, err := b.pg.Learners()
	if err != nil {
		return nil, err
	}
	out := make([]enrolled, 0, len(ls))
	for _, l := range ls {
		out = append(out, enrolled{Folder: l.ID, Name: l.Name, Instructor: l.Instructor,
			open: func() (*progress.Store, error) { return b.pg.View(l.ID), nil }})
	}
	return out, nil
}

// newBackend is the class's backend: PostgreSQL when pg is set, else the
// SQLite files under dataDir.
func newBackend(dataDir string, pg *progress.Postgres) backend {
	if pg != nil {
		return postgresBackend{pg: pg, dataDir: dataDir}
	}
	return sqliteBackend{dataDir: dataDir}
}

// stores keeps one open progress store per student while that student has
// sessions: two sessions of one student share one *progress.Store (and
// SQLite's WAL and busy timeout, or PostgreSQL's lock on the student, make
// a second process or server safe too). A store is closed when its last
// session ends.
type stores struct {
	dataDir string
	b       backend
	mu      sync.Mutex
	m       map[string]*storeRef
}

type storeRef struct {
	st   *progress.Store
	refs int
}

func newStores(dataDir string, b backend) *stores {
	return &stores{dataDir: dataDir, b: b, m: map[string]*storeRef{}}
}

// StudentDir is a student's own folder under the data folder.
func StudentDir(dataDir, slug string) string {
	return filepath.Join(dataDir, "students", slug)
}

// acquire opens (or shares) the store of st; release it when done.
func (s *stores) acquire(st *Student) (*progress.Store, error) {
	slug := st.Slug
	if slug == "" || slug != filepath.Base(slug) || slug == "." || slug == ".." {
		return nil, fmt.Errorf("class: bad student folder %q", slug)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.m[slug]; ok {
		r.refs++
		return r.st, nil
	}
	// files/ is the only folder the student's lab shell may read.
	if err := os.MkdirAll(filepath.Join(StudentDir(s.dataDir, slug), "files"), 0o700); err != nil {
		return nil, err
	}
	ps, err := s.b.open(st)
	if err != nil {
		return nil, err
	}
	s.m[slug] = &storeRef{st: ps, refs: 1}
	return ps, nil
}

func (s *stores) release(slug string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.m[slug]
	if !ok {
		return
	}
	r.refs--
	if r.refs <= 0 {
		r.st.Close()
		delete(s.m, slug)
	}
}

// open counts the open stores (tests).
func (s *stores) open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
