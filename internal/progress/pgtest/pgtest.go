// Package pgtest gives tests a PostgreSQL server: the one at
// $CLOUDLAB_TEST_POSTGRES (a URL whose user may create databases) when it
// is set; otherwise a throwaway cluster started from the PostgreSQL
// binaries (initdb and postgres on PATH or in /usr/lib/postgresql/*/bin, as
// Debian's postgresql package installs them) in a temporary folder,
// listening on a unix socket only; otherwise the test is skipped with a
// message saying how to provide one.
//
// The cluster is started once per test binary, at the first test that asks
// for it, and stopped by Main (use it in TestMain); if the test binary
// dies first, the server gets SIGKILL from the kernel (Pdeathsig) and its
// backends exit with it. Each call to URL creates a fresh, empty database.
//
// As root, the cluster runs as the "postgres" user if there is one, else
// as "nobody": PostgreSQL refuses to run as root.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvURL names the environment variable holding an existing server's URL.
const EnvURL = "CLOUDLAB_TEST_POSTGRES"

// startTimeout is a hang guard only: a cluster normally starts in a second
// or two, but a loaded machine may be much slower.
const startTimeout = 2 * time.Minute

var (
	mu      sync.Mutex
	srv     *server
	srvErr  error
	skipMsg string
	dbSeq   atomic.Int64
)

// server is a running throwaway cluster, or an external server.
type server struct {
	base     *url.URL // a URL of the server (its maintenance database)
	cmd      *exec.Cmd
	dir      string // the temporary folder (removed by stop)
	external bool
	done     chan struct{}
	logPath  string
}

// URL returns the URL of a new, empty database on the test server, or
// skips the test when no PostgreSQL is available.
func URL(t testing.TB) string {
	t.Helper()
	s := get(t)
	name := fmt.Sprintf("cloudlab_test_%d_%d", os.Getpid(), dbSeq.Add(1))
	db, err := sql.Open("pgx", s.base.String())
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	if s.external {
		t.Cleanup(func() {
			db, err := sql.Open("pgx", s.base.String())
			if err != nil {
				return
			}
			defer db.Close()
			ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
			defer cancel()
			_, _ = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		})
	}
	u := *s.base
	u.Path = "/" + name
	return u.String()
}

// Main runs the tests and then stops the cluster they started, if any.
// Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}

// Stop stops the throwaway cluster (if one was started).
func Stop() {
	mu.Lock()
	defer mu.Unlock()
	if srv != nil {
		srv.stop()
		srv = nil
	}
}

func get(t testing.TB) *server {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if srv != nil {
		return srv
	}
	if skipMsg != "" {
		t.Skip(skipMsg)
	}
	if srvErr != nil {
		t.Fatalf("pgtest: %v", srvErr)
	}
	if raw := os.Getenv(EnvURL); raw != "" {
		u, err := url.Parse(raw)
		if err != nil {
			srvErr = fmt.Errorf("%s is not a URL", EnvURL)
			t.Fatalf("pgtest: %v", srvErr)
		}
		srv = &server{base: u, external: true}
		return srv
	}
	bin, err := findBinaries()
	if err != nil {
		skipMsg = "PostgreSQL is needed for this test: " + err.Error() +
			"; install it (apt-get install postgresql) or set " + EnvURL + "=postgres://USER:PASSWORD@HOST:PORT/postgres (a user that may create databases)"
		t.Skip(skipMsg)
	}
	s, err := start(bin)
	if err != nil {
		srvErr = err
		t.Fatalf("pgtest: %v", err)
	}
	srv = s
	return srv
}

// findBinaries returns the folder holding initdb and postgres: PATH
// first, then the newest /usr/lib/postgresql/*/bin.
func findBinaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if q, err := exec.LookPath("postgres"); err == nil {
			return "", checkPair(p, q)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", errors.New("initdb and postgres are neither on PATH nor in /usr/lib/postgresql/*/bin")
}

func checkPair(initdb, postgres string) error {
	if !isExec(initdb) || !isExec(postgres) {
		return errors.New("initdb or postgres is not executable")
	}
	return nil
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// account is who runs the cluster: as root, the postgres user or nobody;
// otherwise the current user (nil).
func account() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
	}
	return nil, errors.New("running as root and there is neither a postgres nor a nobody user to run PostgreSQL as")
}

func command(bin, name string, cred *syscall.Credential, dir string, args ...string) *exec.Cmd {
	path := name
	if bin != "" {
		path = filepath.Join(bin, name)
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C", "TZ=UTC")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	return cmd
}

// start makes a cluster in a new temporary folder and starts it on a unix
// socket in that folder (no TCP port).
func start(bin string) (*server, error) {
	cred, err := account()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cloudlab-pg-")
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	data, sock := filepath.Join(dir, "data"), filepath.Join(dir, "sock")
	for _, d := range []string{data, sock} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return nil, err
		}
	}
	if cred != nil {
		// The server's user must own its folders and reach them.
		if err := os.Chmod(dir, 0o755); err != nil {
			return nil, err
		}
		for _, d := range []string{data, sock} {
			if err := os.Chown(d, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, err
			}
		}
	}
	initdb := command(bin, "initdb", cred, dir, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, lastLines(string(out), 5))
	}
	logPath := filepath.Join(dir, "postgres.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	// No TCP (listen_addresses empty), a socket in our folder; durability
	// off (a throwaway cluster); few connections' worth of memory.
	pg := command(bin, "postgres", cred, dir, "-D", data, "-k", sock, "-c", "listen_addresses=",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=100", "-c", "shared_buffers=16MB", "-c", "log_min_messages=warning")
	pg.Stdout, pg.Stderr = logf, logf
	if err := pg.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	s := &server{cmd: pg, dir: dir, done: make(chan struct{}), logPath: logPath}
	go func() { _ = pg.Wait(); close(s.done) }()
	s.base = &url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres",
		RawQuery: url.Values{"host": {sock}, "sslmode": {"disable"}}.Encode()}
	if err := s.waitReady(); err != nil {
		s.stop()
		return nil, err
	}
	ok = true
	return s, nil
}

// waitReady polls until the server accepts a connection (or exits, or the
// hang guard expires).
func (s *server) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	for {
		db, err := sql.Open("pgx", s.base.String())
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err = db.PingContext(ctx)
			cancel()
			db.Close()
		}
		if err == nil {
			return nil
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(s.logPath)
			return fmt.Errorf("postgres exited: %s", lastLines(string(log), 5))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not accept connections within %s: %v", startTimeout, err)
		}
	}
}

// stop shuts the cluster down (fast shutdown: SIGINT, then SIGKILL) and
// removes its folder.
func (s *server) stop() {
	if s.external || s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	os.RemoveAll(s.dir)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
