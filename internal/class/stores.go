package class

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/cloudlab/cloudlab/internal/progress"
)

// stores keeps one open progress store per student while that student has
// sessions: two sessions of one student share one *progress.Store (and
// SQLite's WAL and busy timeout make a second process safe too). A store
// is closed when its last session ends.
type stores struct {
	dir string // DATA/students
	mu  sync.Mutex
	m   map[string]*storeRef
}

type storeRef struct {
	st   *progress.Store
	refs int
}

func newStores(dataDir string) *stores {
	return &stores{dir: filepath.Join(dataDir, "students"), m: map[string]*storeRef{}}
}

// StudentDir is a student's own folder under the data folder.
func StudentDir(dataDir, slug string) string {
	return filepath.Join(dataDir, "students", slug)
}

// acquire opens (or shares) the store of slug; release it when done.
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
	dir := filepath.Join(s.dir, slug)
	// files/ is the only folder the student's lab shell may read.
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o700); err != nil {
		return nil, err
	}
	if err := writeIdentity(dir, st); err != nil {
		return nil, err
	}
	ps, err := progress.Open(dir)
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
