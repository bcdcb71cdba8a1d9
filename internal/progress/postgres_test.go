package progress

import (
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/progress/pgtest"
)

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://ada:s3cret@db.example.edu:5432/class?sslmode=require", "postgres://ada:xxxxx@db.example.edu:5432/class?sslmode=require"},
		{"postgres://ada@db/class", "postgres://ada@db/class"},
		{"postgres://ada:s3cret@db:port/class", "postgres://xxxxx@db:port/class"}, // does not parse
		{"ada:s3cret@db", "xxxxx@db"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for s, want := range map[string]bool{"postgres://x/y": true, "postgresql://x/y": true, "POSTGRES://x": true, "/srv/data": false, "mysql://x": false, "": false} {
		if IsPostgresURL(s) != want {
			t.Errorf("IsPostgresURL(%q) = %v", s, !want)
		}
	}
}

// freePort returns a loopback port nothing listens on.
func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// silentServer accepts connections and never answers (a hung server).
func silentServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// TestPostgresBadURLs: a malformed or unreachable store gives one error
// naming the URL without its password; nothing panics or hangs (a silent
// server is bounded by connect_timeout).
func TestPostgresBadURLs(t *testing.T) {
	const pw = "Sup3rSecret"
	tests := []struct {
		name, url, want string
		is              error
	}{
		{"other scheme", "mysql://ada:" + pw + "@db/class", "not a PostgreSQL URL", ErrStoreURL},
		{"a folder", "/srv/cloudlab", "not a PostgreSQL URL", ErrStoreURL},
		{"bad port", "postgres://ada:" + pw + "@db:port/class", "not a valid URL", ErrStoreURL},
		{"bad option", "postgres://ada:" + pw + "@db/class?sslmode=sometimes", "cannot be parsed", ErrStoreURL},
		{"refused", "postgres://ada:" + pw + "@" + freePort(t) + "/class?sslmode=disable", "cannot be reached", ErrUnreachable},
		{"silent server", "postgres://ada:" + pw + "@" + silentServer(t) + "/class?connect_timeout=1", "cannot be reached", ErrUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := OpenPostgres(tt.url)
			if err == nil {
				p.Close()
				t.Fatal("OpenPostgres succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || !errors.Is(err, tt.is) {
				t.Errorf("error %q: want %q and errors.Is %v", msg, tt.want, tt.is)
			}
			if strings.Contains(msg, pw) {
				t.Errorf("error shows the password: %q", msg)
			}
			if !strings.Contains(msg, RedactURL(tt.url)) {
				t.Errorf("error %q does not name the store %s", msg, RedactURL(tt.url))
			}
			if strings.Count(msg, "\n") > 0 {
				t.Errorf("error is not one line: %q", msg)
			}
		})
	}
}

func TestPostgresStudentsAreSeparate(t *testing.T) {
	p := openPostgres(t, pgtest.URL(t))
	clk := &clock{t: t0}
	p.SetClock(clk.now)
	ada, err := p.Store("ada")
	if err != nil {
		t.Fatal(err)
	}
	fill(t, ada, "", t0)
	grace, err := p.Store("grace")
	if err != nil {
		t.Fatal(err)
	}
	e, err := grace.Export()
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Lessons)+len(e.Attempts)+len(e.Results)+len(e.Cards)+len(e.Labs) != 0 {
		t.Errorf("grace sees ada's progress: %+v", e)
	}
	if _, ok, _ := grace.Last(); ok {
		t.Error("grace has ada's last location")
	}
	if n, _ := grace.CountDue(t0.Add(1000 * time.Hour)); n != 0 {
		t.Errorf("grace has %d of ada's cards due", n)
	}
	if ds, _ := grace.DomainStats(); len(ds) != 0 {
		t.Errorf("grace has ada's domains: %+v", ds)
	}
	// The same answer in both: each keeps its own.
	fill(t, grace, "", t0)
	ea, _ := ada.Export()
	eg, _ := grace.Export()
	if !reflect.DeepEqual(withoutIDs(ea), withoutIDs(eg)) {
		t.Errorf("same progress reads back differently:\n%+v\n%+v", ea, eg)
	}
	clk.add(time.Hour)
	if err := p.Enroll(Learner{ID: "ada", Name: "Ada Lovelace"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Enroll(Learner{ID: "alan", Name: "Alan Kay", Instructor: true}); err != nil {
		t.Fatal(err)
	}
	ls, err := p.Learners()
	want := []Learner{
		{ID: "ada", Name: "Ada Lovelace", FirstSeen: t0, LastSeen: t0.Add(time.Hour)},
		{ID: "alan", Name: "Alan Kay", Instructor: true, FirstSeen: t0.Add(time.Hour), LastSeen: t0.Add(time.Hour)},
		{ID: "grace", FirstSeen: t0, LastSeen: t0},
	}
	if err != nil || !reflect.DeepEqual(ls, want) {
		t.Errorf("Learners = %+v, %v\nwant %+v", ls, err, want)
	}
	if err := grace.CheckWritable(); err != nil {
		t.Errorf("CheckWritable: %v", err)
	}
	if grace.Student() != "grace" || !strings.HasPrefix(grace.Path(), "postgres://") {
		t.Errorf("Student %q Path %q", grace.Student(), grace.Path())
	}
}

// TestPostgresMigrations: versions recorded in schema_migrations; servers
// starting at once migrate once; a newer schema is refused untouched.
func TestPostgresMigrations(t *testing.T) {
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := OpenPostgres(url)
			if err == nil {
				p.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent open: %v", err)
		}
	}
	p := openPostgres(t, url)
	ms, _ := migrations(postgresMigrations)
	v, err := p.SchemaVersion()
	if err != nil || v != len(ms) {
		t.Fatalf("schema version %d, %v; want %d", v, err, len(ms))
	}
	var names []string
	rows, err := p.db.Query("SELECT version, name FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n int
		var name string
		if err := rows.Scan(&n, &name); err != nil {
			t.Fatal(err)
		}
		names = append(names, fmt.Sprintf("%d %s", n, name))
	}
	rows.Close()
	var want []string
	for _, m := range ms {
		want = append(want, fmt.Sprintf("%d %s", m.version, m.name))
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("schema_migrations = %v, want %v", names, want)
	}
	if _, err := p.db.Exec("INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')", len(ms)+1); err != nil {
		t.Fatal(err)
	}
	_, err = OpenPostgres(url)
	if !errors.Is(err, ErrTooNew) || !strings.Contains(err.Error(), "upgrade cloudlab") {
		t.Errorf("newer schema: %v", err)
	}
}

// TestPostgresTwoServersOneStudent: two servers (two connection pools)
// write one student's progress at once from many goroutines; nothing is
// lost, and reviews of one card (a read, then a write) never lose one.
func TestPostgresTwoServersOneStudent(t *testing.T) {
	url := pgtest.URL(t)
	const n = 40
	servers := []*Postgres{openPostgres(t, url), openPostgres(t, url)}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	const reviews = 10
	for i, p := range servers {
		for g := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := p.Store("ada")
				if err != nil {
					errs <- err
					return
				}
				who := fmt.Sprintf("server%d-g%d", i, g)
				if err := writeMany(s, who, n); err != nil {
					errs <- err
					return
				}
				for r := range reviews {
					a := Answer{
						Attempt: Attempt{SessionID: who, QuizID: "shared", QuestionID: "shared-q", At: t0.Add(time.Duration(r) * time.Second)},
						Review: func(old Card, found bool) Card {
							old.QuestionID, old.Due = "shared-q", t0
							old.Reps++
							return old
						},
					}
					if err := s.RecordSession([]Answer{a}, nil); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s, err := servers[0].Store("ada")
	if err != nil {
		t.Fatal(err)
	}
	checkAll(t, s, n, 1, "server0-g0", "server0-g1", "server1-g0", "server1-g1")
	c, ok, err := s.Card("shared-q")
	if err != nil || !ok || c.Reps != 4*reviews {
		t.Errorf("shared card: reps %d (found %v, %v), want %d: a review was lost", c.Reps, ok, err, 4*reviews)
	}
	// The other student stays empty.
	other, err := servers[1].Store("grace")
	if err != nil {
		t.Fatal(err)
	}
	if atts, _ := other.Attempts(""); len(atts) != 0 {
		t.Errorf("grace has %d attempts", len(atts))
	}
}

// TestPostgresClosedPool: a store whose database was closed gives errors
// naming the student.
func TestPostgresClosedPool(t *testing.T) {
	p := openPostgres(t, pgtest.URL(t))
	s, err := p.Store("ada")
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	if err := s.OpenLesson("ec2"); err == nil || !strings.Contains(err.Error(), "student ada") {
		t.Errorf("write after close: %v", err)
	}
	if _, err := s.Lessons(); err == nil {
		t.Error("read after close succeeded")
	}
}
