package endpoint

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cloudlab/cloudlab/internal/invoker"
)

// Config is what `cloudlab endpoint` runs.
type Config struct {
	Addr string // listen address (default 127.0.0.1:4566)
	// Base is the folder under which the run's working folder is made
	// (default the system's temporary folder).
	Base            string
	KeepAlive       time.Duration
	AccessKey       string // ID:SECRET; required off loopback
	MaxEnvironments int
	MaxFunctions    int
	Grace           time.Duration // for running invocations at shutdown (default 10s)
	OnRequest       func(RequestLog)
	// OnStart is called once the server listens.
	OnStart func(addr string, iv *invoker.Invoker)
	// Speed is how many simulated seconds pass per wall second for ECS,
	// EC2 and Application Auto Scaling (default 1). Lambda runs real
	// processes and follows the wall clock itself.
	Speed float64
	// Seed seeds the simulated account (0: a random seed).
	Seed uint64
	// OnWorld, if set, is called with the simulated account before OnStart.
	OnWorld func(w *World)
}

// ErrNeedsAccessKey is returned when a non-loopback address has no key.
var ErrNeedsAccessKey = errors.New("listening beyond loopback lets anyone who reaches the port run code on this machine: give --access-key ID:SECRET (requests must then be signed with it)")

// Run serves the endpoint until ctx is done, then shuts down: it stops
// accepting requests, lets running invocations finish within the grace
// period, kills every environment and removes the working folder.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:4566"
	}
	if cfg.Grace <= 0 {
		cfg.Grace = 10 * time.Second
	}
	var id, secret string
	if cfg.AccessKey != "" {
		var ok bool
		id, secret, ok = strings.Cut(cfg.AccessKey, ":")
		if !ok || id == "" || secret == "" {
			return errors.New("--access-key wants ID:SECRET")
		}
	} else if !IsLoopback(cfg.Addr) {
		return ErrNeedsAccessKey
	}
	base := cfg.Base
	if base == "" {
		base = os.TempDir()
	}
	if err := os.MkdirAll(base, 0o700); err != nil {
		return err
	}
	removeStale(base)
	dir, err := os.MkdirTemp(base, "cloudlab-endpoint-")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		os.RemoveAll(dir)
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		os.RemoveAll(dir)
		return err
	}
	iv, err := invoker.New(invoker.Options{Dir: dir, KeepAlive: cfg.KeepAlive, MaxEnvironments: cfg.MaxEnvironments, MaxFunctions: cfg.MaxFunctions})
	if err != nil {
		ln.Close()
		os.RemoveAll(dir)
		return err
	}
	seed := cfg.Seed
	if seed == 0 {
		var b [8]byte
		_, _ = crand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	world := NewWorld(WorldOptions{Seed: seed, Speed: cfg.Speed})
	defer world.Close()
	if cfg.OnWorld != nil {
		cfg.OnWorld(world)
	}
	srv := &http.Server{
		Handler:           New(Options{Invoker: iv, World: world, AccessKey: id, SecretKey: secret, OnRequest: cfg.OnRequest}),
		ReadHeaderTimeout: 30 * time.Second,
		// No ReadTimeout or WriteTimeout: a synchronous invoke may run for
		// the 900 s maximum, and a read deadline would cancel its context.
		// ServeHTTP bounds the time to read a body instead.
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
	}
	if cfg.OnStart != nil {
		cfg.OnStart(ln.Addr().String(), iv)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-serveErr:
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.Grace)
	defer cancel()
	_ = srv.Shutdown(sctx) // stop accepting; wait for running requests (invocations) within the grace
	if cerr := iv.Close(time.Second); err == nil {
		err = cerr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// removeStale removes the working folders of endpoints that died without
// cleaning up (killed with SIGKILL: their processes died with them, their
// files did not).
func removeStale(base string) {
	dirs, _ := filepath.Glob(filepath.Join(base, "cloudlab-endpoint-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			_ = os.RemoveAll(d)
		}
	}
}

// FormatRequest is the one-line log of a request (without --watch),
// sanitized for the terminal.
func FormatRequest(r RequestLog) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %-28s", r.Time.Format("15:04:05.000"), r.Operation)
	if r.Function != "" {
		fmt.Fprintf(&b, " %s", trunc(r.Function, 64))
	}
	fmt.Fprintf(&b, " %d", r.Status)
	if r.ErrorType != "" {
		fmt.Fprintf(&b, " %s", r.ErrorType)
	}
	if r.Detail != "" {
		fmt.Fprintf(&b, " %s", r.Detail)
	}
	fmt.Fprintf(&b, " %.1fms", float64(r.Duration)/float64(time.Millisecond))
	return SanitizeLine(b.String())
}
