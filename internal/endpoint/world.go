package endpoint

import (
	"math"
	"sync"
	"time"

	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/shell"
)

// World is the simulated account the endpoint's ECS, EC2 and Application
// Auto Scaling APIs share with the watch view's lab shell: one state for
// both doors. Its driver is the one place the wall clock enters: the
// simulation clock follows the wall clock times Speed, so tasks, instances,
// deployments and cooldowns progress on their own between calls.
type World struct {
	mu     sync.Mutex
	acct   *cloud.Account
	sh     *shell.Shell
	speed  float64
	clock  func() time.Time
	start  time.Time     // wall time at simulated time zero
	offset time.Duration // simulated time gained by `clock advance`
	err    error         // the kernel's last error (its event budget)

	wake chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// WorldOptions configure a World.
type WorldOptions struct {
	Seed  uint64
	Speed float64          // simulated seconds per wall second (default 1)
	Clock func() time.Time // default time.Now
}

// MaxSpeed bounds --speed (a day per second).
const MaxSpeed = 86400

// NewWorld starts a world and its driver.
func NewWorld(opt WorldOptions) *World {
	if opt.Speed <= 0 || math.IsNaN(opt.Speed) {
		opt.Speed = 1
	}
	opt.Speed = min(opt.Speed, MaxSpeed)
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	acct := cloud.New(opt.Seed)
	// The endpoint runs for as long as it is left running: no event budget.
	acct.Kernel.SetBudget(0)
	w := &World{acct: acct, sh: shell.New(acct), speed: opt.Speed, clock: opt.Clock, start: opt.Clock(),
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go w.loop()
	return w
}

// Speed is the simulated seconds per wall second.
func (w *World) Speed() float64 { return w.speed }

// Time maps a simulated instant to the wall-clock time shown to clients:
// the endpoint's start plus the simulated time (which runs Speed times
// faster than the wall clock).
func (w *World) Time(d time.Duration) time.Time { return w.start.Add(d) }

// target is the simulated time the wall clock says it is. Caller holds mu.
func (w *World) target() time.Duration {
	el := float64(w.clock().Sub(w.start)) * w.speed
	if el > float64(math.MaxInt64/2) {
		el = float64(math.MaxInt64 / 2)
	}
	return time.Duration(el) + w.offset
}

// advance runs the kernel to the wall clock. Caller holds mu.
func (w *World) advance() {
	k := w.acct.Kernel
	t := w.target()
	if t < k.Now() {
		w.catchUp()
		return
	}
	if err := k.RunUntil(t); err != nil {
		w.err = err
	}
}

// Do runs fn on the account, under the world's lock, after advancing the
// simulation to the wall clock. fn must not block.
func (w *World) Do(fn func(a *cloud.Account) error) error {
	defer w.poke()
	w.mu.Lock()
	defer w.mu.Unlock() // a panic in fn (recovered by ServeHTTP) must not keep the lock
	w.advance()
	defer w.catchUp()
	return fn(w.acct)
}

// catchUp makes the wall clock continue from where a command (`clock
// advance`) left the simulation. Caller holds mu.
func (w *World) catchUp() {
	if t, now := w.target(), w.acct.Kernel.Now(); now > t {
		w.offset += now - t
	}
}

// Shell runs a lab shell line (load, traffic, clock, report, explain, or an
// aws command) on the same account.
func (w *World) Shell(line string) (shell.Result, error) {
	var res shell.Result
	err := w.Do(func(*cloud.Account) error {
		var err error
		res, err = w.sh.Run(line)
		return err
	})
	return res, err
}

// Now is the simulated time.
func (w *World) Now() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.acct.Kernel.Now()
}

func (w *World) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// loop is the driver: it advances the kernel when its next event is due
// in wall time.
func (w *World) loop() {
	defer close(w.done)
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		w.mu.Lock()
		w.advance()
		wait := time.Hour
		if at, ok := w.acct.Kernel.NextAt(); ok && w.err == nil {
			sim := float64(at - w.acct.Kernel.Now())
			wait = time.Duration(sim / w.speed)
			wait = min(max(wait, time.Millisecond), time.Hour)
		}
		w.mu.Unlock()
		t.Reset(wait)
		select {
		case <-w.stop:
			return
		case <-w.wake:
		case <-t.C:
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
	}
}

// Close stops the driver.
func (w *World) Close() {
	w.once.Do(func() { close(w.stop) })
	<-w.done
}
