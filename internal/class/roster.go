// Package class serves the whole cloudlab app over SSH to a class: a roster
// of students' public keys (authorized_keys format), one Bubble Tea program
// and one Lip Gloss renderer per session, one progress store per student,
// limits on sessions and idle time, and the class results.
//
// Identity: the key-offer callback only answers "is this key on the
// roster?". Who the student is comes from the key that completed
// authentication, read from the session afterwards (ssh.Session.PublicKey,
// which charmbracelet/ssh fills from the permissions x/crypto returns for
// the authenticated key), so a client that offers keys it does not hold
// (GHSA-pchf-49fh-w34r) cannot pick an identity.
package class

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"

	"github.com/cloudlab/cloudlab/internal/termtext"
)

// Bounds on the roster file.
const (
	MaxRosterBytes = 4 << 20 // the whole file
	MaxRosterLine  = 16 << 10
	MaxNameRunes   = 64
)

// Student is one person on the roster.
type Student struct {
	Name       string // the key's comment without role=...: shown on screen (sanitized)
	Slug       string // the folder name under DATA/students/
	Instructor bool   // role=instructor in the comment
}

// Roster maps public keys to students.
type Roster struct {
	byKey map[string]*Student // key: the key's wire form
	names map[string]*Student // by Name
}

// Len is the number of keys on the roster.
func (r *Roster) Len() int { return len(r.byKey) }

// Students are the distinct students (by name), in no particular order.
func (r *Roster) Students() []*Student {
	out := make([]*Student, 0, len(r.names))
	for _, s := range r.names {
		out = append(out, s)
	}
	return out
}

// Lookup returns the student holding key, or nil.
func (r *Roster) Lookup(key gossh.PublicKey) *Student {
	if r == nil || key == nil {
		return nil
	}
	return r.byKey[string(key.Marshal())]
}

// LoadRoster reads a roster file.
func LoadRoster(path string) (*Roster, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	defer f.Close()
	r, err := ParseRoster(io.LimitReader(f, MaxRosterBytes+1))
	if err != nil {
		return nil, fmt.Errorf("roster %s: %w", path, err)
	}
	return r, nil
}

// ParseRoster parses authorized_keys lines: "[options] type base64 name
// [role=instructor]". Blank lines and # comments are skipped. Every problem
// names its line; a roster with any problem is refused as a whole (a
// reload keeps the previous roster).
func ParseRoster(in io.Reader) (*Roster, error) {
	r := &Roster{byKey: map[string]*Student{}, names: map[string]*Student{}}
	slugs := map[string]string{}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 4096), MaxRosterLine)
	var errs []error
	total := 0
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		total += len(line) + 1
		if total > MaxRosterBytes {
			return nil, fmt.Errorf("larger than %d bytes", MaxRosterBytes)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, comment, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: not a public key in authorized_keys format", n))
			continue
		}
		name, instructor := parseComment(comment)
		if name == "" {
			errs = append(errs, fmt.Errorf("line %d: the key has no name (its comment is the student's name)", n))
			continue
		}
		slug := Slug(name)
		if other, ok := slugs[slug]; ok && other != name {
			errs = append(errs, fmt.Errorf("line %d: %q and %q would share one folder (%s): make the names differ in letters or digits", n, other, name, slug))
			continue
		}
		slugs[slug] = name
		kid := string(key.Marshal())
		if prev, ok := r.byKey[kid]; ok {
			errs = append(errs, fmt.Errorf("line %d: this key is already on the roster for %q", n, prev.Name))
			continue
		}
		st := r.names[name]
		if st == nil {
			st = &Student{Name: name, Slug: slug}
			r.names[name] = st
		}
		if instructor {
			st.Instructor = true
		}
		r.byKey[kid] = st
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("a line is longer than %d bytes", MaxRosterLine)
		}
		return nil, err
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

// parseComment splits a key comment into the name and the role.
func parseComment(c string) (name string, instructor bool) {
	var parts []string
	for _, f := range strings.Fields(termtext.Sanitize(c)) {
		if v, ok := strings.CutPrefix(f, "role="); ok {
			if v == "instructor" {
				instructor = true
			}
			continue
		}
		parts = append(parts, f)
	}
	name = strings.Join(parts, " ")
	// Only printable characters, bounded.
	name = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > MaxNameRunes {
		name = string([]rune(name)[:MaxNameRunes])
	}
	return strings.TrimSpace(name), instructor
}

// Slug is the folder name of a student: lower-case letters and digits
// (any script), other runs of characters become one '-' (so no '/', '.'
// or space). A name with no letter or digit
// gets "student".
func Slug(name string) string {
	if s := termtext.Slug(name, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }); s != "" {
		return s
	}
	return "student"
}

// Fingerprint is the key's SHA256 fingerprint (as ssh-keygen -l shows it).
func Fingerprint(k gossh.PublicKey) string { return gossh.FingerprintSHA256(k) }
