package progress

import (
	"strconv"
	"sync"
	"testing"

	"github.com/cloudlab/cloudlab/internal/progress/pgtest"
)

// opener opens a new, empty Store on one backend, with a fake clock at t0.
// Within one test, every Store it opens is a different learner (SQLite: a
// new folder; PostgreSQL: a new student in the test's database).
type opener func(t testing.TB) (*Store, *clock)

// backends are the store backends the contract tests run on.
var backends = []struct {
	name string
	new  func(t *testing.T) opener
}{
	{"sqlite", func(*testing.T) opener {
		return func(t testing.TB) (*Store, *clock) { return openTest(t, t.TempDir()) }
	}},
	{"postgres", func(t *testing.T) opener {
		p := openPostgres(t, pgtest.URL(t))
		var mu sync.Mutex
		n := 0
		return func(t testing.TB) (*Store, *clock) {
			t.Helper()
			mu.Lock()
			n++
			id := "student-" + strconv.Itoa(n)
			mu.Unlock()
			s, err := p.Store(id)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			c := &clock{t: t0}
			s.SetClock(c.now)
			return s, c
		}
	}},
}

// forBackends runs the same test against every backend.
func forBackends(t *testing.T, test func(t *testing.T, open opener)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b.new(t)) })
	}
}

// openPostgres opens the database at url and closes it when the test ends.
func openPostgres(t testing.TB, url string) *Postgres {
	t.Helper()
	p, err := OpenPostgres(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}
