// Package progress stores what a learner has done in cloudlab: lessons opened
// and read, the last location, quiz attempts and results, FSRS review cards and
// lab state (with the time spent on each step).
//
// It has two backends behind one type, Store, running the same statements
// (queries.go): a SQLite database (modernc.org/sqlite, pure Go) in
// dir/progress.db, the default, opened in WAL mode with a busy timeout, so
// that two cloudlab processes can update it at once without losing
// anything; and a PostgreSQL database (github.com/jackc/pgx/v5) holding a
// whole class, one student's rows per Store (OpenPostgres, Postgres.Store),
// so several class servers share one store. Every change is one
// transaction. The schema is created and upgraded by embedded SQL
// migrations (migrations/NNNN_name.sql tracked with PRAGMA user_version;
// migrations/postgres/NNNN_name.sql, the same versions, tracked in the
// schema_migrations table).
//
// A file that is not a readable SQLite database gives an error wrapping
// ErrCorrupt and is never modified or replaced. A database written by a newer
// cloudlab gives an error wrapping ErrTooNew.
//
// Times are stored as UTC unix milliseconds: values read back are UTC and
// truncated to the millisecond. The zero time.Time means "never".
package progress

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/adrg/xdg"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// FileName is the name of the database file inside the data directory.
const FileName = "progress.db"

// ErrCorrupt is wrapped by errors about a database file that is corrupt or
// cannot be read. The file is left untouched.
var ErrCorrupt = errors.New("corrupt or unreadable progress database")

// ErrTooNew is wrapped by the error Open returns for a database whose schema
// version is newer than this program knows.
var ErrTooNew = errors.New("progress database is from a newer cloudlab")

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// busyTimeoutMs is how long a statement waits for another connection or
// process to release its lock before failing with SQLITE_BUSY.
const busyTimeoutMs = 5000

// Store is one learner's progress: a SQLite file (Open), or that
// learner's rows in a PostgreSQL database shared by a class
// (Postgres.Store). Both backends run the same statements (queries.go) and
// keep the same promises: one transaction per change, a consistent
// snapshot for Export, and two Stores of one learner (in one or several
// processes or servers) never losing each other's changes. It is safe for
// concurrent use by multiple goroutines.
type Store struct {
	db *sql.DB
	q  *queries
	// pg is the shared PostgreSQL database (nil for SQLite); student is
	// whose rows this Store reads and writes there.
	pg      *Postgres
	student string
	// path is the SQLite file, or the PostgreSQL URL without its password.
	path   string
	opened os.FileInfo // the file when opened, to notice it being replaced
	// readOnly: opened by OpenReadOnly; writes fail with ErrReadOnly.
	readOnly bool
	now      func() time.Time
	// wmu serialises this Store's write transactions, so goroutines of one
	// process queue in Go and only other processes wait in SQLite's busy
	// handler (or PostgreSQL's lock on the student).
	wmu sync.Mutex
	// recoveryDir is where SaveRecovery writes first ("" = next to the
	// SQLite file).
	recoveryDir string
}

// DefaultDir is the data directory: $CLOUDLAB_DATA if set, otherwise
// $XDG_DATA_HOME/cloudlab (the platform default, such as
// ~/.local/share/cloudlab, when XDG_DATA_HOME is unset or relative).
func DefaultDir() string {
	if d := os.Getenv("CLOUDLAB_DATA"); d != "" {
		return d
	}
	// Read the variable now: package xdg reads it once at start-up.
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "cloudlab")
	}
	return filepath.Join(xdg.DataHome, "cloudlab")
}

// Open opens (creating if missing) dir/progress.db, creating dir if needed,
// and brings its schema up to date.
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("progress: empty data directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("progress: create data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	// Per-connection settings go in the DSN so that every pooled connection
	// gets them. _txlock=immediate makes BEGIN take the write lock at once, so
	// two writers queue on the busy timeout instead of failing on upgrade.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.Itoa(busyTimeoutMs)+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("progress: open %s: %w", path, err)
	}
	s := &Store{db: db, q: sqliteQueries, path: path, now: time.Now}
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	s.opened, _ = os.Stat(path)
	return s, nil
}

// checkHeader refuses, without opening it as a database, a non-empty file that
// does not start with the SQLite header, and a file that cannot be read.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return corrupt(path, err)
	}
	defer f.Close()
	const magic = "SQLite format 3\x00"
	buf := make([]byte, len(magic))
	n, err := io.ReadFull(f, buf)
	switch {
	case n == 0 && (err == io.EOF || err == nil):
		return nil // empty file: SQLite treats it as a new database
	case err != nil && err != io.ErrUnexpectedEOF:
		return corrupt(path, err)
	case string(buf[:n]) != magic:
		return corrupt(path, errors.New("not a SQLite database (bad header)"))
	}
	return nil
}

// msgError is an error with its own message that wraps other errors (a
// sentinel such as ErrCorrupt, and the cause) without repeating them.
type msgError struct {
	msg  string
	errs []error
}

func (e *msgError) Error() string   { return e.msg }
func (e *msgError) Unwrap() []error { return e.errs }

func corrupt(path string, err error) error {
	return &msgError{
		msg:  fmt.Sprintf("progress database %s is corrupt or unreadable: %v; it was left untouched", path, err),
		errs: []error{ErrCorrupt, err},
	}
}

// isCorruptCode reports whether err is a SQLite error meaning the file is
// damaged or not a database.
func isCorruptCode(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR:
		return true
	}
	return false
}

func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	c := se.Code() & 0xff
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

// wrap turns low-level errors into errors that name the file (or the
// database and the student) and the operation; corrupt-file errors wrap
// ErrCorrupt.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrCorrupt) || errors.Is(err, ErrTooNew) || errors.Is(err, ErrReadOnly) || errors.Is(err, ErrReplaced) {
		return err
	}
	if s.pg != nil {
		return fmt.Errorf("progress: %s (%s, student %s): %w", op, s.path, s.student, err)
	}
	if isCorruptCode(err) {
		return corrupt(s.path, err)
	}
	return fmt.Errorf("progress: %s (%s): %w", op, s.path, err)
}

type migration struct {
	version int
	name    string
	sql     string
}

// Migration folders: SQLite's at the top, PostgreSQL's below it. The two
// lists have the same versions: migration n makes the same change in both.
const (
	sqliteMigrations   = "migrations"
	postgresMigrations = "migrations/postgres"
)

// migrations returns the embedded migrations of one folder in order; file
// n must be named NNNN_name.sql with NNNN = n (1-based, no gaps).
func migrations(dir string) ([]migration, error) {
	entries, err := migrationFS.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("progress: migration %s: name must be NNNN_name.sql", e.Name())
		}
		b, err := migrationFS.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("progress: migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

func (s *Store) userVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// init validates the file, switches it to WAL and applies migrations.
func (s *Store) init() error {
	ctx := context.Background()
	ms, err := migrations(sqliteMigrations)
	if err != nil {
		return err
	}
	// Reading the schema fails on a damaged file before anything is written.
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		return s.wrap("read schema", err)
	}
	v, err := s.userVersion(ctx, s.db)
	if err != nil {
		return s.wrap("read schema version", err)
	}
	if v > len(ms) {
		return s.tooNew(v, len(ms))
	}
	if err := s.enableWAL(ctx); err != nil {
		return s.wrap("enable WAL", err)
	}
	if v == len(ms) {
		return nil
	}
	return s.tx("migrate", func(tx scoped) error {
		v, err := s.userVersion(ctx, tx.db) // another process may have migrated meanwhile
		if err != nil {
			return err
		}
		if v > len(ms) {
			return s.tooNew(v, len(ms))
		}
		for _, m := range ms[v:] {
			if _, err := tx.Exec(m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
		}
		// PRAGMA does not take parameters; the value is our own integer.
		_, err = tx.Exec("PRAGMA user_version = " + strconv.Itoa(len(ms)))
		return err
	})
}

// enableWAL switches the file to WAL mode (a persistent setting) unless it is
// already. The switch needs an exclusive lock and SQLite does not always wait
// for it with the busy handler (two processes opening a new file at once), so
// it is retried for up to the busy timeout.
func (s *Store) enableWAL(ctx context.Context) error {
	deadline := time.Now().Add(busyTimeoutMs * time.Millisecond)
	for {
		var mode string
		err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		if err == nil && strings.EqualFold(mode, "wal") {
			return nil
		}
		if err == nil {
			err = s.db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
			if err == nil && !strings.EqualFold(mode, "wal") {
				return fmt.Errorf("journal mode is %q, not wal", mode)
			}
		}
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (s *Store) tooNew(have, know int) error {
	return &msgError{
		msg: fmt.Sprintf("progress database %s has schema version %d, newer than this cloudlab knows (%d); upgrade cloudlab (the file was left untouched)",
			s.path, have, know),
		errs: []error{ErrTooNew},
	}
}

// dbtx is what statements run on: *sql.DB, *sql.Conn or *sql.Tx.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scoped runs the backend's statements with the Store's context and, on
// PostgreSQL, the student as the first argument.
type scoped struct {
	ctx context.Context
	db  dbtx
	s   *Store
}

func (c scoped) Exec(query string, args ...any) (sql.Result, error) {
	return c.db.ExecContext(c.ctx, query, c.s.args(args)...)
}

func (c scoped) Query(query string, args ...any) (*sql.Rows, error) {
	return c.db.QueryContext(c.ctx, query, c.s.args(args)...)
}

func (c scoped) QueryRow(query string, args ...any) *sql.Row {
	return c.db.QueryRowContext(c.ctx, query, c.s.args(args)...)
}

// args puts the student before a statement's arguments on PostgreSQL.
func (s *Store) args(a []any) []any {
	if s.pg == nil {
		return a
	}
	return append([]any{s.student}, a...)
}

// ctx bounds one operation: a PostgreSQL server that stops answering gives
// an error instead of a hang. SQLite has its busy timeout.
func (s *Store) ctx() (context.Context, context.CancelFunc) {
	if s.pg == nil {
		return context.Background(), func() {}
	}
	return context.WithTimeout(context.Background(), pgOpTimeout)
}

// direct runs fn's statements outside a transaction (single reads).
func (s *Store) direct(fn func(scoped) error) error {
	ctx, cancel := s.ctx()
	defer cancel()
	return fn(scoped{ctx: ctx, db: s.db, s: s})
}

// tx runs fn in one write transaction, retrying a few times if the
// database stays busy (SQLite: beyond the busy timeout; PostgreSQL: a
// serialization failure or deadlock).
func (s *Store) tx(op string, fn func(scoped) error) error {
	if s.readOnly {
		return fmt.Errorf("%w: %s cannot be written", ErrReadOnly, s.path)
	}
	if err := s.sameFile(); err != nil {
		return err
	}
	var err error
	for try := 0; try < 3; try++ {
		if s.pg != nil {
			err = s.tryPgTx(fn)
		} else {
			err = s.tryTx(fn)
		}
		if !isBusy(err) && !isPgRetry(err) {
			break
		}
	}
	return s.wrap(op, err)
}

func (s *Store) tryTx(fn func(scoped) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(scoped{ctx: ctx, db: tx, s: s}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// read runs fn inside one read transaction: one consistent snapshot.
func (s *Store) read(fn func(scoped) error) error {
	if s.pg != nil {
		return s.readPg(fn)
	}
	ctx := context.Background()
	c, err := s.db.Conn(ctx)
	if err != nil {
		return s.wrap("read", err)
	}
	defer c.Close()
	// database/sql's BeginTx would use BEGIN IMMEDIATE (see Open), which
	// takes the write lock; a plain BEGIN is a read transaction (in WAL
	// mode it sees one snapshot and does not block writers).
	if _, err := c.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		return s.wrap("begin read", err)
	}
	err = fn(scoped{ctx: ctx, db: c, s: s})
	if _, rerr := c.ExecContext(ctx, "ROLLBACK"); rerr != nil {
		// Do not return a connection with an open transaction to the pool.
		c.Raw(func(any) error { return driver.ErrBadConn })
		if err == nil {
			err = s.wrap("end read", rerr)
		}
	}
	return err
}

// Path is the database file (PostgreSQL: the URL, without its password).
func (s *Store) Path() string { return s.path }

// Student is whose rows the Store holds in a shared PostgreSQL database
// ("" for a SQLite file, which holds one learner's).
func (s *Store) Student() string { return s.student }

// SetRecoveryDir sets the folder SaveRecovery tries first (the class
// server gives each student's). It must be called before the Store is
// shared.
func (s *Store) SetRecoveryDir(dir string) { s.recoveryDir = dir }

// SetClock replaces the wall clock used for timestamps the caller does not
// give (tests use it). It must be called before the Store is shared.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Close closes the database. A Store of a shared PostgreSQL database
// leaves it open for the others (Postgres.Close closes it).
func (s *Store) Close() error {
	if s.pg != nil {
		return nil
	}
	return s.db.Close()
}

// ms converts a time to stored unix milliseconds; the zero time is NULL.
func ms(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromMs converts stored unix milliseconds back to a UTC time; NULL is zero.
func fromMs(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// orNow returns t, or the store's clock if t is zero.
func (s *Store) orNow(t time.Time) time.Time {
	if t.IsZero() {
		return s.now()
	}
	return t
}
