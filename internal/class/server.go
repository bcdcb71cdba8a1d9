package class

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/progress"
	"github.com/cloudlab/cloudlab/internal/render"
	"github.com/cloudlab/cloudlab/internal/sim"
	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// Defaults.
const (
	DefaultAddr          = "127.0.0.1:2222"
	DefaultMaxSessions   = 100
	DefaultMaxPerStudent = 3
	DefaultIdle          = 30 * time.Minute
	// DefaultSimBudget is each session's simulation budget, in events: a
	// few seconds of CPU, over a thousand times what the course's largest
	// lab solution needs (about 12,000 events).
	DefaultSimBudget = 20_000_000
	maxAuthTries     = 6
)

// Config configures a class server.
type Config struct {
	RosterPath  string // authorized_keys format; the comment is the name
	HostKeyPath string // created (ed25519, 0600) on first start and kept
	DataDir     string // DATA/students/<slug>/: progress.db (without Postgres) and files/
	// Postgres, when set, holds every student's progress (shared with
	// other class servers); nil: one SQLite file per student in DataDir.
	// The caller opens and closes it.
	Postgres *progress.Postgres

	Course    *course.Course
	Factories tui.Factories // the quiz, review and lab screens

	Assign *Assignments // shown first on every student's home (nil = none)

	MaxSessions   int           // in total (0 = DefaultMaxSessions)
	MaxPerStudent int           // per student (0 = DefaultMaxPerStudent)
	Idle          time.Duration // close a session after this long without a key (0 = DefaultIdle, <0 = never)
	// SimBudget bounds the simulation events of one session, over every
	// lab it opens (0 = DefaultSimBudget; <0 = no session budget, each
	// simulation keeping its own bound).
	SimBudget int64

	Log *slog.Logger // connect, disconnect, refused (nil = discard)
}

// Server is a class server.
type Server struct {
	cfg    Config
	srv    *ssh.Server
	roster atomic.Pointer[Roster]
	stores *stores
	log    *slog.Logger

	colour, plain *render.Renderer // shared, mutex-guarded caches

	mu       sync.Mutex
	total    int
	per      map[string]int // sessions by student slug
	conns    int            // open TCP connections (before and after auth)
	nextID   int64
	closing  bool
	sessions map[int64]*session // open sessions (the instructor's class view)
}

// session is one SSH session of a student.
type session struct {
	id       int64
	student  *Student
	store    *progress.Store
	root     *tui.Model // nil for an instructor's class view
	expired  atomic.Bool
	started  time.Time
	presence presence
	budget   *sim.Budget // the session's simulation budget (nil: none)
}

type ctxKey struct{}

// New builds a server: it loads the roster and the host key (creating the
// key if needed) but does not listen yet.
func New(cfg Config) (*Server, error) {
	if cfg.Course == nil {
		return nil, errors.New("class: no course")
	}
	if cfg.DataDir == "" {
		return nil, errors.New("class: no data folder")
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.MaxPerStudent <= 0 {
		cfg.MaxPerStudent = DefaultMaxPerStudent
	}
	if cfg.Idle == 0 {
		cfg.Idle = DefaultIdle
	}
	if cfg.SimBudget == 0 {
		cfg.SimBudget = DefaultSimBudget
	}
	s := &Server{cfg: cfg, stores: newStores(cfg.DataDir, newBackend(cfg.DataDir, cfg.Postgres)), log: cfg.Log, per: map[string]int{}, sessions: map[int64]*session{},
		colour: render.New(render.Options{}), plain: render.New(render.Options{NoColor: true})}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	r, err := LoadRoster(cfg.RosterPath)
	if err != nil {
		return nil, err
	}
	s.roster.Store(r)
	if err := os.MkdirAll(filepath.Join(cfg.DataDir, "students"), 0o700); err != nil {
		return nil, fmt.Errorf("class: data folder: %w", err)
	}
	if cfg.HostKeyPath == "" {
		cfg.HostKeyPath = filepath.Join(cfg.DataDir, "host_ed25519")
		s.cfg.HostKeyPath = cfg.HostKeyPath
	}
	if dir := filepath.Dir(cfg.HostKeyPath); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("class: host key folder: %w", err)
		}
	}
	srv, err := wish.NewServer(
		wish.WithHostKeyPath(cfg.HostKeyPath),
		wish.WithPublicKeyAuth(s.offered),
		wish.WithMiddleware(
			bm.MiddlewareWithProgramHandler(s.program, termenv.Ascii),
			s.gate,
		),
	)
	if err != nil {
		return nil, fmt.Errorf("class: %w", err)
	}
	if len(srv.HostSigners) == 0 {
		return nil, fmt.Errorf("class: no host key in %s", cfg.HostKeyPath)
	}
	srv.ServerConfigCallback = func(ssh.Context) *gossh.ServerConfig {
		return &gossh.ServerConfig{MaxAuthTries: maxAuthTries, ServerVersion: "SSH-2.0-cloudlab"}
	}
	srv.ConnCallback = s.conn
	if cfg.Idle > 0 {
		// The connection's backstop: the session's own idle timeout
		// (with a warning) comes first. It also bounds a client that stops
		// in the middle of the handshake.
		srv.IdleTimeout = cfg.Idle + time.Minute
	} else {
		srv.IdleTimeout = 24 * time.Hour
	}
	// No shell, exec, subsystems (SFTP), port or agent forwarding: only
	// "session" channels with a PTY reach the app.
	srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": boundedSessionHandler(ssh.DefaultSessionHandler)}
	srv.LocalPortForwardingCallback = func(ssh.Context, string, uint32) bool { return false }
	srv.ReversePortForwardingCallback = func(ssh.Context, string, uint32) bool { return false }
	s.srv = srv
	return s, nil
}

// Reload reads the roster again; on error the old one stays. Sessions
// already open stay open.
func (s *Server) Reload() error {
	r, err := LoadRoster(s.cfg.RosterPath)
	if err != nil {
		s.log.Warn("roster reload failed; keeping the previous roster", "err", err.Error())
		return err
	}
	s.roster.Store(r)
	s.log.Info("roster reloaded", "keys", r.Len())
	return nil
}

// Roster is the current roster.
func (s *Server) Roster() *Roster { return s.roster.Load() }

// Serve accepts connections on ln until Shutdown or Close.
func (s *Server) Serve(ln net.Listener) error {
	s.log.Info("class server listening", "addr", ln.Addr().String(), "students", len(s.Roster().Students()))
	err := s.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// ListenAndServe listens on addr and serves.
func (s *Server) ListenAndServe(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Shutdown stops accepting and waits for sessions to end until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	return s.srv.Shutdown(ctx)
}

// Close closes every connection now.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	return s.srv.Close()
}

// Sessions is the number of open sessions.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// offered answers the key-offer callback: is the key on the roster? It
// decides nothing about identity (a client may offer keys it does not
// hold); refused keys are logged by fingerprint.
func (s *Server) offered(ctx ssh.Context, key ssh.PublicKey) bool {
	if s.Roster().Lookup(key) != nil {
		return true
	}
	s.log.Info("refused key", "fingerprint", Fingerprint(key), "remote", remoteIP(ctx.RemoteAddr()))
	return false
}

func remoteIP(a net.Addr) string {
	if a == nil {
		return ""
	}
	if h, _, err := net.SplitHostPort(a.String()); err == nil {
		return h
	}
	return a.String()
}

// maxConns bounds open TCP connections, authenticated or not.
func (s *Server) maxConns() int { return 2*s.cfg.MaxSessions + 16 }

// conn counts TCP connections and refuses those over the bound.
func (s *Server) conn(ctx ssh.Context, c net.Conn) net.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || s.conns >= s.maxConns() {
		s.log.Warn("refused connection: too many open connections", "remote", remoteIP(c.RemoteAddr()))
		return nil
	}
	s.conns++
	return &countedConn{Conn: c, done: func() {
		s.mu.Lock()
		s.conns--
		s.mu.Unlock()
	}}
}

type countedConn struct {
	net.Conn
	once sync.Once
	done func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.done)
	return err
}

// refuse writes one line to the client and ends the session.
func refuse(sess ssh.Session, msg string) {
	_, _ = fmt.Fprint(sess.Stderr(), msg+"\r\n")
	_ = sess.Exit(1)
}

// gate runs before the app: it identifies the student from the key that
// completed authentication, checks the PTY and the limits, opens the
// student's store, and logs connect and disconnect.
func (s *Server) gate(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		remote := remoteIP(sess.RemoteAddr())
		if len(sess.Command()) > 0 || sess.Subsystem() != "" {
			s.log.Info("refused command", "remote", remote)
			refuse(sess, "This server runs only the cloudlab course: connect with plain ssh and no command.")
			return
		}
		// The identity: the key x/crypto authenticated (from the
		// connection's permissions), looked up in the current roster.
		key := sess.PublicKey()
		st := s.Roster().Lookup(key)
		if st == nil {
			fp := ""
			if key != nil {
				fp = Fingerprint(key)
			}
			s.log.Info("refused session: key not on the roster", "fingerprint", fp, "remote", remote)
			refuse(sess, "Your key is not on the class roster.")
			return
		}
		if _, _, ok := sess.Pty(); !ok {
			s.log.Info("refused session: no terminal", "student", st.Name, "remote", remote)
			refuse(sess, "cloudlab needs a terminal: connect with ssh -t (a PTY), not as a command or pipe.")
			return
		}
		if msg := s.acquire(st); msg != "" {
			s.log.Info("refused session: "+msg, "student", st.Name, "remote", remote)
			refuse(sess, "Sorry: "+msg+". Try again later.")
			return
		}
		defer s.release(st)
		store, err := s.stores.acquire(st)
		if err != nil {
			s.log.Error("cannot open progress", "student", st.Name, "err", err.Error())
			refuse(sess, "Your progress could not be opened; please tell the instructor.")
			return
		}
		defer s.stores.release(st.Slug)
		s.mu.Lock()
		s.nextID++
		ss := &session{id: s.nextID, student: st, store: store, started: time.Now()}
		if s.cfg.SimBudget > 0 {
			ss.budget = sim.NewBudget(uint64(s.cfg.SimBudget))
		}
		s.sessions[ss.id] = ss
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			delete(s.sessions, ss.id)
			s.mu.Unlock()
		}()
		sess.Context().SetValue(ctxKey{}, ss)
		start := time.Now()
		s.log.Info("connect", "student", st.Name, "session", ss.id, "remote", remote)
		next(sess)
		if ss.root != nil {
			ss.root.Quit() // closes the screens (saves the reader position); the program has ended
		}
		reason := "quit"
		if ss.expired.Load() {
			reason = "idle"
			_, _ = fmt.Fprintf(sess, "Session closed after %s without a key press. Connect again to continue where you left off.\r\n", s.cfg.Idle)
		}
		s.log.Info("disconnect", "student", st.Name, "session", ss.id, "reason", reason, "duration", time.Since(start).Round(time.Second).String(),
			"sim_events", ss.budget.Used(), "sim_budget_spent", ss.budget.Exhausted())
	}
}

// acquire takes a session slot; it returns why not ("" = taken).
func (s *Server) acquire(st *Student) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return "the class server is shutting down"
	case s.total >= s.cfg.MaxSessions:
		return fmt.Sprintf("the class is full (%d sessions)", s.cfg.MaxSessions)
	case s.per[st.Slug] >= s.cfg.MaxPerStudent:
		return fmt.Sprintf("you already have %d sessions open", s.cfg.MaxPerStudent)
	}
	s.total++
	s.per[st.Slug]++
	return ""
}

func (s *Server) release(st *Student) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total--
	if s.per[st.Slug]--; s.per[st.Slug] <= 0 {
		delete(s.per, st.Slug)
	}
}

// program builds the app of one session, with the session's own Lip Gloss
// renderer (colours and background follow the student's terminal).
func (s *Server) program(sess ssh.Session) *tea.Program {
	ss, _ := sess.Context().Value(ctxKey{}).(*session)
	if ss == nil {
		return nil
	}
	r := bm.MakeRenderer(sess)
	noColor := r.ColorProfile() == termenv.Ascii || getenv(sess.Environ(), "NO_COLOR") != ""
	if noColor {
		// As the local app does: the no-colour theme uses only bold,
		// underline and reverse video, which need the ANSI profile.
		r.SetColorProfile(termenv.ANSI)
	}
	dark := r.HasDarkBackground()
	styles := theme.NewWithRenderer(r, dark, noColor)
	rend, style := s.colour, "dark"
	switch {
	case noColor:
		rend, style = s.plain, "notty"
	case !dark:
		style = "light"
	}
	header := ss.student.Name
	var inner tea.Model
	var where func() (string, string)
	if ss.student.Instructor {
		header += " (instructor)"
		inner = newLiveModel(s, styles)
		where = func() (string, string) { return "class view", "" }
	} else {
		deps := tui.Deps{Course: s.cfg.Course, Store: ss.store, Styles: styles, Renderer: rend, RenderStyle: style,
			FilesDir: filepath.Join(StudentDir(s.cfg.DataDir, ss.student.Slug), "files"), SimBudget: ss.budget}
		ss.root = tui.New(deps, s.cfg.Factories, tui.Start{})
		inner = ss.root
		where = func() (string, string) { return whereIs(ss.root) }
	}
	idle := s.cfg.Idle
	if idle < 0 {
		idle = 0
	}
	m := newSessionModel(inner, styles, header, idle, func() { ss.expired.Store(true) })
	if a := s.cfg.Assign; a != nil && len(a.Items) > 0 && !ss.student.Instructor {
		done, err := a.Done(ss.store)
		if err != nil {
			s.log.Error("cannot read assignments progress", "student", ss.student.Name, "err", err.Error())
		}
		m.assigned = newAssignedModel(a, s.cfg.Course, done, time.Now(), styles)
	}
	m.where, m.report = where, ss.presence.set
	opts := append([]tea.ProgramOption{tea.WithAltScreen(), tea.WithoutSignalHandler()}, bm.MakeOptions(sess)...)
	return tea.NewProgram(m, opts...)
}

func getenv(env []string, k string) string {
	for _, kv := range env {
		if v, ok := cutPrefix(kv, k+"="); ok {
			return v
		}
	}
	return ""
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}
