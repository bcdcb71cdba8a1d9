package progress

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// ErrReplaced means progress.db was removed or replaced by another file
// while this Store had it open: writing would go to a file nobody reads.
var ErrReplaced = errors.New("progress database was removed or replaced")

// CheckWritable makes sure progress can be saved before a learner spends
// time on a quiz: the whole file reads back (PRAGMA quick_check finds
// corrupt pages behind a valid header) and a write transaction commits
// (a read-only file or folder fails here). On PostgreSQL, a write
// transaction on the student's row commits.
func (s *Store) CheckWritable() error {
	if s.pg != nil {
		return s.tx("test a write", func(tx scoped) error {
			_, err := tx.Exec(pgTouchStudent, ms(s.now()))
			return err
		})
	}
	ctx := context.Background()
	var res string
	if err := s.db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return s.wrap("check the database", err)
	}
	if res != "ok" {
		return corrupt(s.path, errors.New(res))
	}
	return s.tx("test a write", func(tx scoped) error {
		v, err := s.userVersion(ctx, tx.db)
		if err != nil {
			return err
		}
		_, err = tx.Exec(fmt.Sprintf("PRAGMA user_version = %d", v))
		return err
	})
}

// sameFile reports whether the file at s.path is still the one opened.
func (s *Store) sameFile() error {
	if s.opened == nil {
		return nil
	}
	st, err := os.Stat(s.path)
	if err != nil || !os.SameFile(st, s.opened) {
		return fmt.Errorf("%w: %s", ErrReplaced, s.path)
	}
	return nil
}

// Recovery is what a session could not save: its answers and result, in
// the export format, so `cloudlab progress --import FILE` restores them.
type Recovery struct {
	Export
	Reason string `json:"reason"`
}

// SaveRecovery writes answers and a result that the store refused to a
// recovery file in the recovery folder (SetRecoveryDir) or next to
// progress.db (or, when that folder cannot be written, in the temporary
// folder) and returns its path. With path set,
// that file is rewritten (a session's later answers join its first ones).
func (s *Store) SaveRecovery(path string, answers []Answer, result *QuizResult, reason error) (string, error) {
	rec := Recovery{Export: Export{Version: ExportVersion, Lessons: []LessonState{}, Labs: []LabState{}}, Reason: reason.Error()}
	for _, a := range answers {
		rec.Attempts = append(rec.Attempts, a.Attempt)
	}
	if result != nil {
		rec.Results = append(rec.Results, *result)
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return "", err
	}
	if path != "" {
		return path, os.WriteFile(path, b, 0o600)
	}
	sum := sha256.Sum256(b)
	name := fmt.Sprintf("recovery-%s-%s.json", s.now().UTC().Format("20060102-150405"), hex.EncodeToString(sum[:4]))
	var dirs []string
	if s.recoveryDir != "" {
		dirs = append(dirs, s.recoveryDir)
	}
	if s.pg == nil {
		dirs = append(dirs, filepath.Dir(s.path))
	}
	for _, dir := range append(dirs, os.TempDir()) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no folder could take the recovery file %s", name)
}

// ErrReadOnly is returned by writes to a store opened read-only.
var ErrReadOnly = errors.New("progress is read-only here")

// OpenReadOnly opens dir/progress.db for reading only, creating nothing
// (no -wal or -shm files): for the commands that only show progress when
// the data folder cannot be written. Writes fail with ErrReadOnly.
func OpenReadOnly(dir string) (*Store, error) {
	path := filepath.Join(dir, FileName)
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("progress: %s: %w", path, err)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&immutable=1"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("progress: open %s: %w", path, err)
	}
	s := &Store{db: db, q: sqliteQueries, path: path, now: time.Now, opened: st, readOnly: true}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		db.Close()
		return nil, s.wrap("read schema", err)
	}
	return s, nil
}
