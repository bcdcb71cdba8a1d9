package lab

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/invoker"
	"github.com/cloudlab/cloudlab/internal/lambda"
	"github.com/cloudlab/cloudlab/internal/shell"
	"github.com/cloudlab/cloudlab/internal/sim"
	"github.com/cloudlab/cloudlab/labs"
)

// WorldReal is the front matter `world: real`: the lab's Lambda handlers
// are real processes (internal/invoker) under the same policy code as the
// simulator, on the wall clock; the learner's files live in a workspace
// folder on disk, where `go build` and `zip` make the package.
const WorldReal = "real"

// realWorld is what a real lab's runner owns besides the account.
type realWorld struct {
	iv      *invoker.Invoker
	sh      *shell.Real
	work    string // the workspace
	ownWork bool   // the runner made it (a temporary folder) and removes it
	python  bool   // python3 runs here: the Python handler is an option
}

// WithWorkDir sets the workspace of a lab with real handlers: the lab's
// files are copied there (files already there are kept, so a learner's
// edits survive a restart). Without it the runner makes a temporary folder
// and removes it on Close.
func WithWorkDir(dir string) Option { return func(r *Runner) { r.workDir = dir } }

// newRealWorld starts the invoker and fills the workspace.
func (r *Runner) newRealWorld() error {
	work, own := r.workDir, false
	if work == "" {
		d, err := os.MkdirTemp("", "cloudlab-"+r.Lab.ID+"-")
		if err != nil {
			return fmt.Errorf("lab %s: a folder for your files: %v", r.Lab.ID, err)
		}
		work, own = d, true
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return fmt.Errorf("lab %s: a folder for your files: %v", r.Lab.ID, err)
	}
	if err := copyLabFiles(r.Lab.ID, work); err != nil {
		if own {
			_ = os.RemoveAll(work)
		}
		return err
	}
	fail := func(err error) error {
		if own {
			_ = os.RemoveAll(work)
		}
		return fmt.Errorf("lab %s: starting the real Lambda: %v", r.Lab.ID, err)
	}
	ivDir, err := os.MkdirTemp("", "cloudlab-invoker-")
	if err != nil {
		return fail(err)
	}
	iv, err := invoker.New(invoker.Options{Dir: ivDir, MaxEnvironments: 20, MaxFunctions: 10})
	if err != nil {
		_ = os.RemoveAll(ivDir)
		return fail(err)
	}
	rw := &realWorld{iv: iv, work: work, ownWork: own, python: iv.CheckRuntime("python3.12") == nil}
	rw.sh = &shell.Real{
		Dir:          work,
		CheckRuntime: iv.CheckRuntime,
		StorePackage: func(zip []byte) (string, string, int64, error) {
			p, err := iv.StorePackage(zip)
			return p.Dir, p.SHA256, p.Size, err
		},
	}
	r.real = rw
	_ = iv.Locked(func(k *sim.Kernel, s *lambda.Service, _ func(func() bool), _ func(func())) error {
		r.Acct = cloud.NewOn(k, s)
		return nil
	})
	r.shOpts = append(r.shOpts, shell.WithReal(rw.sh))
	return nil
}

// copyLabFiles copies labs/<id>/ into dir, keeping files already there.
func copyLabFiles(id, dir string) error {
	sub, err := fs.Sub(labs.FS, id)
	if err != nil {
		return err
	}
	return fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return nil // a lab without files of its own
			}
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if _, err := os.Stat(dst); err == nil {
			return nil
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		// Go's embed cannot hold go.mod files: the lab ships go.mod.txt.
		if path.Base(p) == "go.mod.txt" {
			dst = filepath.Join(filepath.Dir(dst), "go.mod")
			if _, err := os.Stat(dst); err == nil {
				return nil
			}
		}
		return os.WriteFile(dst, b, 0o644)
	})
}

// Real reports whether the lab runs real handlers (WorldReal), started
// or not.
func (r *Runner) Real() bool { return r.Lab.World == WorldReal }

// WorkDir is the folder of the learner's files in a lab with real handlers
// ("" otherwise).
func (r *Runner) WorkDir() string {
	if r.real == nil {
		return ""
	}
	return r.real.work
}

// Runtimes says, for a lab with real handlers, which handlers can run on
// this machine: the Go one always (go build checks for the toolchain), the
// Python one only when python3 is installed ("" in the simulator).
func (r *Runner) Runtimes() string {
	switch {
	case r.real == nil:
		return ""
	case r.real.python:
		return "python3 is installed: you may deploy app.py (runtime python3.12) instead of the Go handler."
	}
	return "python3 is not installed here: deploy the Go handler (app.py needs python3)."
}

// Locked runs fn with the account to itself. In the simulator that is
// always so; in a lab with real handlers the environments report back
// from their own goroutines, so anything that reads the account (the lab
// screen's panes: Env, Series, RecentLogs, Placement) runs inside Locked.
// Exec, Advance and Stuck lock by themselves.
func (r *Runner) Locked(fn func()) {
	if r.real == nil {
		fn()
		return
	}
	err := r.real.iv.Locked(func(_ *sim.Kernel, _ *lambda.Service, wait func(func() bool), outside func(func())) error {
		r.real.sh.Wait, r.real.sh.Outside = wait, outside
		defer func() { r.real.sh.Wait, r.real.sh.Outside = nil, nil }()
		fn()
		return nil
	})
	if err != nil {
		// The invoker is closed: nothing can change any more; run fn on
		// the state as it was left (no environment reports back now).
		fn()
	}
}

// realGrace is how long Close lets running invocations finish.
const realGrace = 2 * time.Second

// Close ends a lab with real handlers: every environment process is
// stopped and the runner's temporary folders removed (a workspace given
// with WithWorkDir is kept). It does nothing in the simulator.
func (r *Runner) Close() error {
	if r.real == nil {
		return nil
	}
	err := r.real.iv.Close(realGrace)
	if r.real.ownWork {
		err = errors.Join(err, os.RemoveAll(r.real.work))
	}
	return err
}
