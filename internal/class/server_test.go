package class

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/labui"
	"github.com/cloudlab/cloudlab/internal/tui/quizui"
)

// hang is the guard against a test that would wait forever; nothing
// asserts on how fast anything happens.
const hang = 60 * time.Second

var (
	courseOnce sync.Once
	testCourse *course.Course
)

func loadCourse(t testing.TB) *course.Course {
	courseOnce.Do(func() {
		c, _ := course.Load(course.Embedded())
		c.DropUnnamed()
		testCourse = c
	})
	return testCourse
}

func newKey(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rosterLine(s gossh.Signer, comment string) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey()))) + " " + comment + "\n"
}

type testServer struct {
	*Server
	addr string
	data string
	logs *lockedBuf
}

func startServerTB(t testing.TB, roster string) *testServer { return startServer(t, roster, nil) }

func startServer(t testing.TB, roster string, tweak func(*Config)) *testServer {
	t.Helper()
	dir := t.TempDir()
	rp := filepath.Join(dir, "roster.txt")
	if err := os.WriteFile(rp, []byte(roster), 0o600); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuf{}
	cfg := Config{
		RosterPath: rp, HostKeyPath: filepath.Join(dir, "hostkey"), DataDir: filepath.Join(dir, "data"),
		Course:    loadCourse(t),
		Factories: tui.Factories{Quiz: quizui.NewScreen, Review: quizui.NewReviewScreen, Lab: labui.NewScreen},
		Log:       newTextLogger(logs),
	}
	if tweak != nil {
		tweak(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		s.Close()
		select {
		case <-done:
		case <-time.After(hang):
			t.Error("server did not stop")
		}
	})
	return &testServer{Server: s, addr: ln.Addr().String(), data: cfg.DataDir, logs: logs}
}

// lockedBuf collects output written from another goroutine.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
	ch chan struct{}
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ch != nil {
		close(l.ch)
		l.ch = nil
	}
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor waits until the text (escape sequences removed) contains want.
func (l *lockedBuf) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(hang)
	for {
		l.mu.Lock()
		got := ansi.Strip(l.b.String())
		if strings.Contains(got, want) {
			l.mu.Unlock()
			return
		}
		ch := make(chan struct{})
		l.ch = ch
		l.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("waited for %q; got:\n%s", want, tail(ansi.Strip(l.String()), 2000))
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func dial(t *testing.T, addr string, signers ...gossh.Signer) (*gossh.Client, error) {
	t.Helper()
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "student",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signers...)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         hang,
	})
}

const termReply = "\x1b]11;rgb:0000/0000/0000\x07\x1b[?62;22c"

// term is an interactive session with a PTY.
type term struct {
	sess   *gossh.Session
	in     io.WriteCloser
	out    *lockedBuf
	errOut *lockedBuf
}

func openTerm(t *testing.T, c *gossh.Client, pty bool) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	tm := &term{sess: sess, out: &lockedBuf{}, errOut: &lockedBuf{}}
	sess.Stdout, sess.Stderr = tm.out, tm.errOut
	tm.in, err = sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if pty {
		if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	if pty {
		// Answer the background-colour and device-attributes query as a
		// dark terminal does (the server asks once, before the app starts).
		tm.in.Write([]byte(termReply))
	}
	return tm
}

// wait waits for the session to end and returns its exit status.
func (tm *term) wait(t *testing.T) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- tm.sess.Wait() }()
	select {
	case err := <-done:
		var ee *gossh.ExitError
		if errors.As(err, &ee) {
			return ee.ExitStatus()
		}
		if err != nil {
			return -1
		}
		return 0
	case <-time.After(hang):
		t.Fatalf("session did not end; out:\n%s\nerr:\n%s", tail(ansi.Strip(tm.out.String()), 1000), tm.errOut.String())
		return -1
	}
}

func TestRosterKeyReachesHomeWithName(t *testing.T) {
	alice := newKey(t)
	s := startServer(t, rosterLine(alice, "Alice Smith"), nil)
	c, err := dial(t, s.addr, alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := openTerm(t, c, true)
	tm.out.waitFor(t, "Alice Smith")
	tm.out.waitFor(t, "Learn cloud compute")
	tm.in.Write([]byte{3}) // ctrl+c quits
	if code := tm.wait(t); code != 0 {
		t.Errorf("exit status %d", code)
	}
	logs := s.logs.String()
	for _, want := range []string{"msg=connect", `student="Alice Smith"`, "msg=disconnect"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
}

func TestKeyNotOnRosterIsRefused(t *testing.T) {
	alice, mallory := newKey(t), newKey(t)
	s := startServer(t, rosterLine(alice, "Alice"), nil)
	_, err := dial(t, s.addr, mallory)
	if err == nil {
		t.Fatal("a key not on the roster got in")
	}
	if !strings.Contains(s.logs.String(), "refused key") || !strings.Contains(s.logs.String(), gossh.FingerprintSHA256(mallory.PublicKey())) {
		t.Errorf("refusal not logged with the fingerprint:\n%s", s.logs.String())
	}
}

// badSigner offers a public key it does not hold: it signs with another key.
type badSigner struct {
	pub   gossh.PublicKey
	other gossh.Signer
}

func (b badSigner) PublicKey() gossh.PublicKey { return b.pub }
func (b badSigner) Sign(r io.Reader, data []byte) (*gossh.Signature, error) {
	sig, err := b.other.Sign(r, data)
	if err != nil {
		return nil, err
	}
	sig.Format = b.pub.Type()
	return sig, nil
}

func TestIdentityIsTheAuthenticatedKey(t *testing.T) {
	alice, bob, mallory := newKey(t), newKey(t), newKey(t)
	s := startServer(t, rosterLine(alice, "Alice")+rosterLine(bob, "Bob role=instructor"), nil)
	cases := []struct {
		name    string
		signers []gossh.Signer
		want    string // "" = refused
	}{
		{"unlisted then listed: the listed one", []gossh.Signer{mallory, alice}, "Alice"},
		{"listed then unlisted: the listed one", []gossh.Signer{bob, mallory}, "Bob (instructor)"},
		{"only unlisted: refused", []gossh.Signer{mallory}, ""},
		// A listed key the client does not hold: the server accepts the
		// offer (the key is on the roster) but the signature fails, and
		// the connection ends; no identity comes from an offer.
		{"listed not held, then unlisted: refused", []gossh.Signer{badSigner{bob.PublicKey(), mallory}, mallory}, ""},
		{"listed not held, then listed: refused at the bad signature", []gossh.Signer{badSigner{bob.PublicKey(), alice}, alice}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := dial(t, s.addr, tc.signers...)
			if tc.want == "" {
				if err == nil {
					c.Close()
					t.Fatal("got in")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			tm := openTerm(t, c, true)
			tm.out.waitFor(t, "cloudlab class · "+tc.want)
			tm.in.Write([]byte{3})
			tm.wait(t)
			other := map[string]string{"Alice": "Bob", "Bob (instructor)": "Alice"}[tc.want]
			if strings.Contains(ansi.Strip(tm.out.String()), "cloudlab class · "+other) {
				t.Errorf("shown as %s", other)
			}
		})
	}
}

func TestNoPTYGetsOneLineAndCloses(t *testing.T) {
	alice := newKey(t)
	s := startServer(t, rosterLine(alice, "Alice"), nil)
	c, err := dial(t, s.addr, alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := openTerm(t, c, false)
	if code := tm.wait(t); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if got := tm.errOut.String(); !strings.Contains(got, "needs a terminal") || strings.Count(got, "\n") != 1 {
		t.Errorf("stderr = %q, want one line saying a terminal is needed", got)
	}
	// exec is refused the same way.
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var eb bytes.Buffer
	sess.Stderr = &eb
	if err := sess.Run("cat /etc/passwd"); err == nil {
		t.Error("exec ran")
	}
	if !strings.Contains(eb.String(), "only the cloudlab course") {
		t.Errorf("exec stderr = %q", eb.String())
	}
	if s.Sessions() != 0 {
		t.Errorf("%d sessions counted", s.Sessions())
	}
}

func TestSessionLimits(t *testing.T) {
	alice, bob := newKey(t), newKey(t)
	s := startServer(t, rosterLine(alice, "Alice")+rosterLine(bob, "Bob"), func(c *Config) {
		c.MaxSessions, c.MaxPerStudent = 2, 1
	})
	ca, err := dial(t, s.addr, alice)
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close()
	first := openTerm(t, ca, true)
	first.out.waitFor(t, "cloudlab class · Alice")

	// Per student: Alice's second session is refused.
	second := openTerm(t, ca, true)
	if code := second.wait(t); code != 1 || !strings.Contains(second.errOut.String(), "already have") {
		t.Errorf("second session of Alice: status %d, stderr %q", code, second.errOut.String())
	}
	// In total: Bob takes the last place; a third student's session is refused.
	cb, err := dial(t, s.addr, bob)
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	b1 := openTerm(t, cb, true)
	b1.out.waitFor(t, "cloudlab class · Bob")
	if n := s.Sessions(); n != 2 {
		t.Errorf("sessions = %d, want 2", n)
	}
	b2 := openTerm(t, cb, true)
	if code := b2.wait(t); code != 1 || !strings.Contains(b2.errOut.String(), "class is full") {
		t.Errorf("third session: status %d, stderr %q", code, b2.errOut.String())
	}
	// Leaving frees the place.
	first.in.Write([]byte{3})
	first.wait(t)
	again := openTerm(t, ca, true)
	again.out.waitFor(t, "cloudlab class · Alice")
	again.in.Write([]byte{3})
	again.wait(t)
	b1.in.Write([]byte{3})
	b1.wait(t)
}

func TestIdleTimeoutClosesTheSession(t *testing.T) {
	alice := newKey(t)
	s := startServer(t, rosterLine(alice, "Alice"), func(c *Config) { c.Idle = 300 * time.Millisecond })
	c, err := dial(t, s.addr, alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := openTerm(t, c, true)
	// No wait for the first screen: on a loaded machine the session may
	// time out before it is drawn, which is still the idle timeout.
	tm.wait(t)
	tm.out.waitFor(t, "Session closed after 300ms without a key press")
	s.logs.waitFor(t, "reason=idle") // logged as the session ends
	if !strings.Contains(s.logs.String(), "msg=connect") {
		t.Errorf("log:\n%s", s.logs.String())
	}
}

func TestStudentsProgressStaysSeparate(t *testing.T) {
	alice, bob := newKey(t), newKey(t)
	s := startServer(t, rosterLine(alice, "Alice")+rosterLine(bob, "Bob"), nil)
	c, err := dial(t, s.addr, alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := openTerm(t, c, true)
	tm.out.waitFor(t, "Learn cloud compute")
	tm.in.Write([]byte("\r")) // open the selected lesson
	first := loadCourse(t).Lessons[0]
	tm.out.waitFor(t, "q back")
	tm.in.Write([]byte{3})
	tm.wait(t)

	cb, err := dial(t, s.addr, bob)
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	tb := openTerm(t, cb, true)
	tb.out.waitFor(t, "cloudlab class · Bob")
	tb.in.Write([]byte{3})
	tb.wait(t)
	if n := s.stores.open(); n != 0 {
		t.Errorf("%d stores still open", n)
	}

	lessons := func(slug string) map[string]progress.LessonState {
		st, err := progress.Open(StudentDir(s.data, slug))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ls, err := st.Lessons()
		if err != nil {
			t.Fatal(err)
		}
		return ls
	}
	if la := lessons("alice"); len(la) != 1 || la[first.ID].LessonID == "" {
		t.Errorf("Alice's lessons = %v, want %s opened", la, first.ID)
	}
	if lb := lessons("bob"); len(lb) != 0 {
		t.Errorf("Bob's lessons = %v, want none", lb)
	}
}

func TestInstructorSeesTheClass(t *testing.T) {
	alice, bob, teacher := newKey(t), newKey(t), newKey(t)
	s := startServer(t, rosterLine(alice, "Alice")+rosterLine(bob, "Bob")+rosterLine(teacher, "Ms Teach role=instructor"),
		func(c *Config) { c.Idle = 20 * time.Second })
	ct, err := dial(t, s.addr, teacher)
	if err != nil {
		t.Fatal(err)
	}
	defer ct.Close()
	view := openTerm(t, ct, true)
	view.out.waitFor(t, "Class view")

	ca, err := dial(t, s.addr, alice)
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close()
	ta := openTerm(t, ca, true)
	ta.out.waitFor(t, "Learn cloud compute")
	view.out.waitFor(t, "1 students connected")
	ta.in.Write([]byte("\r")) // Alice opens the first lesson
	ta.out.waitFor(t, "q back")
	view.out.waitFor(t, "lesson "+loadCourse(t).Lessons[0].ID)
	if strings.Contains(ansi.Strip(view.out.String()), "Bob") {
		t.Error("Bob shown though not connected")
	}
	ta.in.Write([]byte{3})
	ta.wait(t)
	view.out.waitFor(t, "0 students connected")
	view.in.Write([]byte("q"))
	view.wait(t)
}

func TestConnectionBounds(t *testing.T) {
	alice := newKey(t)
	s := startServer(t, rosterLine(alice, "Alice"), nil)
	c, err := dial(t, s.addr, alice)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var open []*gossh.Session
	for i := 0; i < maxChannelsPerConn; i++ {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatalf("session %d: %v", i+1, err)
		}
		open = append(open, sess)
	}
	if _, err := c.NewSession(); err == nil {
		t.Errorf("session %d on one connection was accepted", maxChannelsPerConn+1)
	}
	ok := 0
	for i := 0; i < maxEnvPerSession+8; i++ {
		if open[0].Setenv("V"+itoa(i), "x") == nil {
			ok++
		}
	}
	if ok != maxEnvPerSession {
		t.Errorf("%d env requests accepted, want %d", ok, maxEnvPerSession)
	}
	open[1].Close()
	// A closed channel frees its place (the close reaches the server
	// asynchronously: retry within the hang guard).
	deadline := time.Now().Add(hang)
	for {
		sess, err := c.NewSession()
		if err == nil {
			sess.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a closed session's place was not freed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
