package progress

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL limits.
const (
	// pgConnectTimeout is the connect timeout when the URL gives none
	// (connect_timeout=SECONDS in the URL sets another).
	pgConnectTimeout = 5 * time.Second
	// pgOpTimeout bounds one operation (a read, a transaction): a server
	// that stops answering gives an error, never a hang.
	pgOpTimeout = 30 * time.Second
	// pgMaxConns bounds one process's connections to the database (a
	// PostgreSQL server allows 100 by default, shared by every class
	// server).
	pgMaxConns = 16
	// Advisory lock classes (the first key of pg_advisory_xact_lock(int,
	// int)): one student's writes, and migrations.
	pgLockStudent = 0x636c
	pgLockMigrate = 0x636d
)

// ErrStoreURL is wrapped by the error OpenPostgres returns for a URL that
// is not a PostgreSQL URL or cannot be parsed.
var ErrStoreURL = errors.New("not a PostgreSQL URL")

// ErrUnreachable is wrapped by the error OpenPostgres returns when the
// database cannot be reached (refused, timed out, authentication failed).
var ErrUnreachable = errors.New("PostgreSQL store cannot be reached")

// Postgres is a PostgreSQL database holding the progress of a whole class:
// every student's rows, told apart by a student column, so several class
// servers (behind one address) share one store. Store gives one student's
// view of it, with the same methods and promises as a SQLite file. It is
// safe for concurrent use.
type Postgres struct {
	db  *sql.DB
	url string // without the password
	now func() time.Time
}

// IsPostgresURL reports whether s names a PostgreSQL database
// (postgres:// or postgresql://).
func IsPostgresURL(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	return ok && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql"))
}

// RedactURL returns raw with its password replaced by xxxxx, for messages
// and logs. A URL that does not parse keeps its scheme and what follows
// the last @ only.
func RedactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && (u.User != nil || !strings.Contains(raw, "@")) {
		return u.Redacted()
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "xxxxx@" + raw[i+1:]
		}
		return raw
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		return scheme + "://xxxxx@" + rest[i+1:]
	}
	return raw
}

// urlPassword is the password in raw, if any ("" when none or unparsable).
func urlPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	pw, _ := u.User.Password()
	return pw
}

// storeErr is an error about the store at a URL: the message names the URL
// without its password (and never repeats the password itself).
func storeErr(raw string, sentinel error, format string, a ...any) error {
	msg := fmt.Sprintf("progress store %s: ", RedactURL(raw)) + fmt.Sprintf(format, a...)
	// One line: the driver lists each address it tried on its own line.
	msg = strings.NewReplacer(":\n\t", ": ", "\n\t", "; ", "\n", " ").Replace(msg)
	if pw := urlPassword(raw); len(pw) >= 3 {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
	}
	return &msgError{msg: msg, errs: []error{sentinel}}
}

// OpenPostgres connects to the PostgreSQL database at rawURL
// (postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=...), waiting at
// most the URL's connect_timeout (5 s when it gives none), and brings its
// schema up to date (migrations/postgres, recorded in schema_migrations;
// two servers starting at once take turns). Errors name the URL without
// its password: ErrStoreURL for a malformed URL, ErrUnreachable for a
// database that cannot be reached, ErrTooNew for a schema from a newer
// cloudlab.
func OpenPostgres(rawURL string) (*Postgres, error) {
	if !IsPostgresURL(rawURL) {
		return nil, storeErr(rawURL, ErrStoreURL, "not a PostgreSQL URL (want postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
	}
	if _, err := url.Parse(rawURL); err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the reason, without the URL (and its password)
		}
		return nil, storeErr(rawURL, ErrStoreURL, "not a valid URL: %v", err)
	}
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		var pe *pgconn.ParseConfigError
		if errors.As(err, &pe) && pe.Unwrap() != nil {
			err = pe.Unwrap()
		}
		return nil, storeErr(rawURL, ErrStoreURL, "cannot be parsed: %v", err)
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = pgConnectTimeout
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(pgMaxConns)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	p := &Postgres{db: db, url: RedactURL(rawURL), now: time.Now}
	// Every host and TLS fallback gets the connect timeout; the whole
	// attempt is bounded too.
	ctx, cancel := context.WithTimeout(context.Background(), 2*cfg.ConnectTimeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		if ctx.Err() != nil && !strings.Contains(err.Error(), "timeout") {
			err = fmt.Errorf("%w (no answer within %s)", err, 2*cfg.ConnectTimeout)
		}
		return nil, storeErr(rawURL, ErrUnreachable, "cannot be reached: %v", err)
	}
	mctx, mcancel := context.WithTimeout(context.Background(), pgOpTimeout)
	defer mcancel()
	if err := p.migrate(mctx); err != nil {
		db.Close()
		if errors.Is(err, ErrTooNew) {
			return nil, err
		}
		return nil, storeErr(rawURL, err, "cannot prepare the schema: %v", err)
	}
	return p, nil
}

// URL is the database's URL without its password.
func (p *Postgres) URL() string { return p.url }

// Close closes the connections (and so every Store of this database).
func (p *Postgres) Close() error { return p.db.Close() }

// SetClock replaces the wall clock used for the students' first and last
// seen times and for the Stores it gives (tests). It must be called before
// the Postgres is shared.
func (p *Postgres) SetClock(now func() time.Time) { p.now = now }

// migrate applies the PostgreSQL migrations not applied yet, in one
// transaction holding the migration lock.
func (p *Postgres) migrate(ctx context.Context) error {
	ms, err := migrations(postgresMigrations)
	if err != nil {
		return err
	}
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, 0)", pgLockMigrate); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		return err
	}
	var v int
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return err
	}
	if v > len(ms) {
		return &msgError{
			msg: fmt.Sprintf("progress store %s has schema version %d, newer than this cloudlab knows (%d); upgrade cloudlab (the database was left untouched)",
				p.url, v, len(ms)),
			errs: []error{ErrTooNew},
		}
	}
	if v == len(ms) {
		return nil
	}
	for _, m := range ms[v:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// SchemaVersion is the highest migration applied to the database.
func (p *Postgres) SchemaVersion() (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pgOpTimeout)
	defer cancel()
	var v int
	err := p.db.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}

// Learner is one learner a shared store has seen.
type Learner struct {
	ID         string    `json:"id"` // the class's name for their folder (the student column)
	Name       string    `json:"name"`
	Instructor bool      `json:"instructor,omitempty"`
	FirstSeen  time.Time `json:"firstSeen"`
	LastSeen   time.Time `json:"lastSeen"`
}

// pgTouchStudent records that the student was seen (CheckWritable's write).
const pgTouchStudent = "UPDATE students SET last_seen_ms = GREATEST(last_seen_ms, $2) WHERE student = $1"

// Enroll records a learner (or updates their name and role) and when they
// were last seen (now).
func (p *Postgres) Enroll(l Learner) error {
	if l.ID == "" {
		return errors.New("progress: empty student id")
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgOpTimeout)
	defer cancel()
	now := p.now().UnixMilli()
	_, err := p.db.ExecContext(ctx, `INSERT INTO students (student, name, instructor, first_seen_ms, last_seen_ms)
		VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (student) DO UPDATE SET name = excluded.name, instructor = excluded.instructor,
			last_seen_ms = GREATEST(students.last_seen_ms, excluded.last_seen_ms)`,
		l.ID, l.Name, b2i(l.Instructor), now)
	if err != nil {
		return fmt.Errorf("progress: enroll %s (%s): %w", l.ID, p.url, err)
	}
	return nil
}

// Learners lists every learner the store has seen, by id.
func (p *Postgres) Learners() ([]Learner, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pgOpTimeout)
	defer cancel()
	rows, err := p.db.QueryContext(ctx, "SELECT student, name, instructor, first_seen_ms, last_seen_ms FROM students ORDER BY student")
	if err != nil {
		return nil, fmt.Errorf("progress: list students (%s): %w", p.url, err)
	}
	defer rows.Close()
	var out []Learner
	for rows.Next() {
		var l Learner
		var first, last sql.NullInt64
		if err := rows.Scan(&l.ID, &l.Name, &l.Instructor, &first, &last); err != nil {
			return nil, fmt.Errorf("progress: list students (%s): %w", p.url, err)
		}
		l.FirstSeen, l.LastSeen = fromMs(first), fromMs(last)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("progress: list students (%s): %w", p.url, err)
	}
	return out, nil
}

// Store returns the progress of one learner (id: the student column),
// recording the learner if the database has not seen them. Closing it
// leaves the database open for the others.
func (p *Postgres) Store(id string) (*Store, error) {
	if id == "" {
		return nil, errors.New("progress: empty student id")
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgOpTimeout)
	defer cancel()
	now := p.now().UnixMilli()
	if _, err := p.db.ExecContext(ctx, `INSERT INTO students (student, first_seen_ms, last_seen_ms) VALUES ($1, $2, $2)
		ON CONFLICT (student) DO NOTHING`, id, now); err != nil {
		return nil, fmt.Errorf("progress: open student %s (%s): %w", id, p.url, err)
	}
	return &Store{db: p.db, q: postgresQueries, pg: p, student: id, path: p.url, now: p.now}, nil
}

// View returns the progress of a learner Learners listed, writing nothing
// (results read a class this way, even from a read-only replica).
func (p *Postgres) View(id string) *Store {
	return &Store{db: p.db, q: postgresQueries, pg: p, student: id, path: p.url, now: p.now}
}

// tryPgTx runs fn in one transaction that first takes the student's
// advisory lock: one student's writes queue there, whichever session or
// server makes them (as BEGIN IMMEDIATE does on their SQLite file), so a
// read-then-write (a review card) never loses another session's change.
func (s *Store) tryPgTx(fn func(scoped) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	ctx, cancel := s.ctx()
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, hashtext($2))", pgLockStudent, s.student); err != nil {
		tx.Rollback()
		return err
	}
	if err := fn(scoped{ctx: ctx, db: tx, s: s}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// readPg runs fn in one read-only REPEATABLE READ transaction: one
// snapshot, which never blocks writers.
func (s *Store) readPg(fn func(scoped) error) error {
	ctx, cancel := s.ctx()
	defer cancel()
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return s.wrap("begin read", err)
	}
	defer tx.Rollback()
	return fn(scoped{ctx: ctx, db: tx, s: s})
}

// isPgRetry reports whether a PostgreSQL transaction failed in a way that
// succeeds when tried again (serialization failure, deadlock).
func isPgRetry(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}
