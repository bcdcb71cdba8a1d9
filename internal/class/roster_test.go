package class

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

func TestParseRoster(t *testing.T) {
	a, b, c := newKey(t), newKey(t), newKey(t)
	good := "# class of 2026\n\n" + rosterLine(a, "Alice Smith") + rosterLine(b, "Bob \x1b]52;c;aGk=\x07Jones role=instructor") +
		`no-pty,command="x" ` + rosterLine(c, "Alice Smith")
	r, err := ParseRoster(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != 3 || len(r.Students()) != 2 {
		t.Fatalf("keys %d, students %d", r.Len(), len(r.Students()))
	}
	if s := r.Lookup(a.PublicKey()); s == nil || s.Name != "Alice Smith" || s.Slug != "alice-smith" || s.Instructor {
		t.Errorf("alice = %+v", s)
	}
	if r.Lookup(c.PublicKey()) != r.Lookup(a.PublicKey()) {
		t.Error("two keys of one name are two students")
	}
	bob := r.Lookup(b.PublicKey())
	if bob == nil || !bob.Instructor || strings.ContainsAny(bob.Name, "\x1b\x07") || !strings.HasPrefix(bob.Name, "Bob") {
		t.Errorf("bob = %+v", bob)
	}

	bad := []struct{ name, roster, want string }{
		{"not a key", "ssh-ed25519 AAAAnotbase64 x\n", "line 1: not a public key"},
		{"no name", strings.TrimSpace(rosterLine(a, "")) + "\n", "line 1: the key has no name"},
		{"same key twice", rosterLine(a, "A") + rosterLine(a, "B"), "line 2: this key is already on the roster"},
		{"one folder for two names", rosterLine(a, "Ann B") + rosterLine(b, "ann-b"), "would share one folder"},
		{"line too long", strings.Repeat("x", MaxRosterLine+1), "longer than"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRoster(strings.NewReader(tc.roster))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Alice Smith": "alice-smith", "../../etc": "etc", "Zoë O'Brien": "zoë-o-brien", "...": "student", "李雷": "李雷",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReloadKeepsSessionsAndAddsKeys(t *testing.T) {
	alice, bob := newKey(t), newKey(t)
	s := startServer(t, rosterLine(alice, "Alice"), nil)
	c, err := dial(t, s.addr, alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := openTerm(t, c, true)
	tm.out.waitFor(t, "cloudlab class · Alice")
	if _, err := dial(t, s.addr, bob); err == nil {
		t.Fatal("bob got in before the reload")
	}
	// A broken roster keeps the old one.
	rp := s.cfg.RosterPath
	os.WriteFile(rp, []byte("garbage\n"), 0o600)
	if err := s.Reload(); err == nil {
		t.Fatal("a broken roster was accepted")
	}
	os.WriteFile(rp, []byte(rosterLine(bob, "Bob")), 0o600)
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	cb, err := dial(t, s.addr, bob)
	if err != nil {
		t.Fatal(err)
	}
	cb.Close()
	// Alice's open session is still alive.
	tm.in.Write([]byte("?"))
	tm.in.Write([]byte{3})
	if code := tm.wait(t); code != 0 {
		t.Errorf("alice's session ended with %d", code)
	}
	if _, err := dial(t, s.addr, alice); err == nil {
		t.Error("alice got in after being removed")
	}
	if filepath.Base(s.cfg.HostKeyPath) != "hostkey" {
		t.Error(s.cfg.HostKeyPath)
	}
}

// stub is an inner model that records what it gets.
type stub struct {
	sizes []tea.WindowSizeMsg
	quit  bool
}

func (s *stub) Init() tea.Cmd { return nil }
func (s *stub) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m, ok := msg.(tea.WindowSizeMsg); ok {
		s.sizes = append(s.sizes, m)
	}
	return s, nil
}
func (s *stub) View() string  { return "home" }
func (s *stub) Quit() tea.Cmd { s.quit = true; return tea.Quit }

func TestIdleWarningThenClose(t *testing.T) {
	in := &stub{}
	expired := false
	m := newSessionModel(in, theme.New(true, true), "Alice", 10*time.Minute, func() { expired = true })
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	if got := in.sizes[0]; got.Height != 23 || got.Width != 100 {
		t.Errorf("inner size %v: the header takes one line", got)
	}
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	tick := func(d time.Duration) { m.Update(idleTick(t0.Add(d))) }
	tick(0)
	tick(7 * time.Minute)
	if strings.Contains(m.View(), "closes in") {
		t.Error("warned too early")
	}
	if !strings.Contains(m.View(), "cloudlab class · Alice") {
		t.Errorf("no name in the header:\n%s", m.View())
	}
	tick(8*time.Minute + 30*time.Second)
	if v := m.View(); !strings.Contains(v, "closes in 1m30s") {
		t.Errorf("no warning:\n%s", v)
	}
	// A key resets the clock.
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	if strings.Contains(m.View(), "closes in") {
		t.Error("warning stays after a key")
	}
	tick(9 * time.Minute)
	tick(18 * time.Minute)
	if expired || in.quit {
		t.Error("closed although a key came at 8m30s")
	}
	tick(19 * time.Minute)
	if !expired || !in.quit {
		t.Error("not closed after 10 minutes without a key")
	}
}

func TestLiveViewShowsStuckStudents(t *testing.T) {
	m := newLiveModel(nil, theme.New(true, true))
	m.Update(tea.WindowSizeMsg{Width: 140, Height: 12})
	m.Update(liveMsg{rows: []LiveRow{
		{Student: "Alice", Where: "lab lab-async: step 2 of 4", Stuck: "the same check failed 5 times", For: 12 * time.Minute, Connected: time.Hour},
		{Student: "Bob", Where: "home", For: 30 * time.Second, Connected: 90 * time.Second},
		{Student: "Ms T", Instructor: true, Where: "class view"},
	}})
	v := m.View()
	for _, want := range []string{"2 students connected · 1 stuck", "Alice", "step 2 of 4 · stuck: the same check failed 5 times", "12m", "1h00m", "Bob", "30s", "Ms T (instructor)"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if n := strings.Count(v, "\n") + 1; n != 12 {
		t.Errorf("%d lines, want 12", n)
	}
}
