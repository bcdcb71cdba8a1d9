// Package sim is a deterministic discrete-event simulation kernel: a virtual
// clock, an event heap ordered by (time, sequence) and a seeded random source.
//
// It imports only the standard library. Domain packages (lambda, ec2, ecs)
// take time and randomness from a Kernel and never from the wall clock or a
// global random source, so a run with the same seed is identical every time.
// The kernel has no goroutines: callers advance it with Step or RunUntil.
package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Epoch is the wall-clock instant that simulated time zero maps to. Domain
// packages use it for AWS-shaped timestamps so output is reproducible.
var Epoch = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// EventID identifies a scheduled event so it can be cancelled. The zero
// EventID is never issued.
type EventID uint64

// ErrBudget is returned when a run would process more events than the
// kernel's budget allows (see SetBudget).
var ErrBudget = errors.New("simulation event budget exhausted")

type event struct {
	at    time.Duration
	seq   uint64
	id    EventID
	index int // position in the heap, -1 when not queued
	fn    func()
}

// Kernel is a discrete-event simulator. The zero value is not usable; call New.
type Kernel struct {
	now       time.Duration
	seq       uint64
	heap      []*event
	byID      map[EventID]*event
	free      []*event
	rng       *rand.Rand
	seed      uint64
	processed uint64
	budget    uint64 // 0 = unlimited
}

// New returns a kernel at time zero whose random source is seeded with seed.
func New(seed uint64) *Kernel {
	return &Kernel{
		byID: make(map[EventID]*event),
		rng:  rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		seed: seed,
	}
}

// Seed returns the seed the kernel was created with.
func (k *Kernel) Seed() uint64 { return k.seed }

// Now returns the simulated time elapsed since the start.
func (k *Kernel) Now() time.Duration { return k.now }

// TimestampLayout is how the ECS, EC2 and Application Auto Scaling
// responses print instants: ISO 8601 with microseconds and the offset, as
// the AWS CLI shows them (e.g. 2026-01-01T00:01:30.000000+00:00).
const TimestampLayout = "2006-01-02T15:04:05.000000-07:00"

// Timestamp formats simulated instant d with TimestampLayout.
func Timestamp(d time.Duration) string { return Epoch.Add(d).Format(TimestampLayout) }

// Clock returns the simulated wall-clock time (Epoch + Now).
func (k *Kernel) Clock() time.Time { return Epoch.Add(k.now) }

// Rand returns the kernel's seeded random source. All randomness in a
// simulation must come from here.
func (k *Kernel) Rand() *rand.Rand { return k.rng }

// Pending returns the number of scheduled events not yet run.
func (k *Kernel) Pending() int { return len(k.heap) }

// Processed returns the number of events run so far.
func (k *Kernel) Processed() uint64 { return k.processed }

// SetBudget limits the total number of events the kernel will ever process
// (0 means no limit). A shared server uses it so one runaway script cannot
// hang it: Step and RunUntil return ErrBudget once the budget is spent.
func (k *Kernel) SetBudget(n uint64) { k.budget = n }

// Budget returns the event budget (0 = unlimited).
func (k *Kernel) Budget() uint64 { return k.budget }

// At schedules fn to run at absolute simulated time at. A time in the past
// runs at the current time (after events already due now).
func (k *Kernel) At(at time.Duration, fn func()) EventID {
	if at < k.now {
		at = k.now
	}
	k.seq++
	var e *event
	if n := len(k.free); n > 0 {
		e = k.free[n-1]
		k.free = k.free[:n-1]
	} else {
		e = new(event)
	}
	*e = event{at: at, seq: k.seq, id: EventID(k.seq), fn: fn}
	k.byID[e.id] = e
	k.push(e)
	return e.id
}

// After schedules fn to run d after the current simulated time.
func (k *Kernel) After(d time.Duration, fn func()) EventID {
	if d < 0 {
		d = 0
	}
	return k.At(k.now+d, fn)
}

// Cancel removes a scheduled event. It reports whether the event was still
// pending.
func (k *Kernel) Cancel(id EventID) bool {
	e, ok := k.byID[id]
	if !ok {
		return false
	}
	k.remove(e.index)
	delete(k.byID, id)
	k.release(e)
	return true
}

// Scheduled reports whether the event is still pending, and when it is due.
func (k *Kernel) Scheduled(id EventID) (time.Duration, bool) {
	e, ok := k.byID[id]
	if !ok {
		return 0, false
	}
	return e.at, true
}

// NextAt returns the time of the next pending event.
func (k *Kernel) NextAt() (time.Duration, bool) {
	if len(k.heap) == 0 {
		return 0, false
	}
	return k.heap[0].at, true
}

// Step runs the next event, advancing the clock to its time. It returns
// false when no event is pending, and ErrBudget when the budget is spent.
func (k *Kernel) Step() (bool, error) {
	if len(k.heap) == 0 {
		return false, nil
	}
	if k.budget > 0 && k.processed >= k.budget {
		return false, ErrBudget
	}
	e := k.heap[0]
	k.remove(0)
	delete(k.byID, e.id)
	k.now = e.at
	fn := e.fn
	k.release(e)
	k.processed++
	fn()
	return true, nil
}

// RunUntil runs every event due at or before t, then sets the clock to t.
// Events scheduled by those events are run too if they are due by t.
func (k *Kernel) RunUntil(t time.Duration) error {
	for len(k.heap) > 0 && k.heap[0].at <= t {
		if _, err := k.Step(); err != nil {
			return err
		}
	}
	if t > k.now {
		k.now = t
	}
	return nil
}

// RunFor advances the simulation by d (RunUntil(Now()+d)).
func (k *Kernel) RunFor(d time.Duration) error { return k.RunUntil(k.now + d) }

// String describes the kernel state, for debugging.
func (k *Kernel) String() string {
	return fmt.Sprintf("sim.Kernel{now: %v, pending: %d, processed: %d}", k.now, len(k.heap), k.processed)
}

func (k *Kernel) release(e *event) {
	e.fn = nil
	e.index = -1
	k.free = append(k.free, e)
}

func less(a, b *event) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (k *Kernel) push(e *event) {
	e.index = len(k.heap)
	k.heap = append(k.heap, e)
	k.up(e.index)
}

func (k *Kernel) remove(i int) {
	n := len(k.heap) - 1
	if i != n {
		k.swap(i, n)
	}
	k.heap[n].index = -1
	k.heap[n] = nil
	k.heap = k.heap[:n]
	if i < n {
		if !k.down(i) {
			k.up(i)
		}
	}
}

func (k *Kernel) swap(i, j int) {
	k.heap[i], k.heap[j] = k.heap[j], k.heap[i]
	k.heap[i].index = i
	k.heap[j].index = j
}

func (k *Kernel) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !less(k.heap[i], k.heap[p]) {
			break
		}
		k.swap(i, p)
		i = p
	}
}

func (k *Kernel) down(i int) bool {
	start := i
	n := len(k.heap)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && less(k.heap[r], k.heap[l]) {
			m = r
		}
		if !less(k.heap[m], k.heap[i]) {
			break
		}
		k.swap(i, m)
		i = m
	}
	return i > start
}
