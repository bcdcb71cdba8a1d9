// Package sim is a deterministic discrete-event simulation kernel: a virtual
// clock, an event queue ordered by (time, sequence) and a seeded random source.
//
// It imports only the standard library. Domain packages (lambda, ec2, ecs)
// take time and randomness from a Kernel and never from the wall clock or a
// global random source, so a run with the same seed is identical every time.
// The kernel has no goroutines: callers advance it with Step or RunUntil.
package sim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
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

// event is one scheduled callback. Events live in a slab (slots) and are
// reused: an EventID is the slot number plus one in its low 32 bits and the
// slot's generation in its high 32 bits, so Cancel and Scheduled find an
// event without a map, and a stale ID (of an event already run or
// cancelled, whose slot was reused) does not match. The generation is odd
// while the slot holds a pending event and even while it is free (it moves
// on when the event is scheduled and when it is run or cancelled), so
// pending is gen&1 and no ID issued matches a free slot.
type event struct {
	gen   uint32
	next  uint32 // a free slot: the next free slot plus one (0: none)
	at    time.Duration
	fn    func()
	fnArg func(any) // AtArg: called with arg
	arg   any
}

// entry is one queue element: the ordering key inline, so sifting compares
// without following pointers, and the event's slot and generation rather
// than a pointer, so moving entries needs no write barriers and the queue
// is not scanned by the garbage collector. Cancel does not search the
// queue: it frees the slot, and the entry, now stale (its slot's generation
// moved on), is dropped when it reaches the top, or when stale entries
// outnumber pending ones. So sifting never writes back positions.
type entry struct {
	at   time.Duration
	seq  uint64 // in a heap only (see add)
	slot uint32
	gen  uint32 // the slot's generation (odd), or posted
}

// The pending events are kept in one of two ways. A simulation usually
// has only a few pending (an arrival and the invocations in flight): then
// they are a sorted array, q[:tail] in reverse (time, sequence) order, the
// next event last, where taking the next event is tail-- and a new one is
// inserted by moving up the entries due before it (see add): a new
// event is usually due before most pending ones (a timer further ahead,
// such as a keep-alive sweep, is often pending too), so few move, often
// none. When more than sortedMax are pending, they become a heap,
// q[:tail] (the sorted array reversed is one), and back to a sorted array
// when no more than sortedMin remain. The order is total (sequence numbers
// are unique), so both give the same run. In a sorted array an entry's
// place is its sequence, so entries get sequence numbers only in a heap:
// when it is made, in the array's order, and when pushed. A new event's
// sequence number is larger than any pending one's, so placing it compares
// times only.
const (
	sortedMax = 24
	sortedMin = 8
)

// posted, an entry's generation, marks its slot as one in Kernel.posts: an
// event scheduled with Post or PostFunc, which has no ID and cannot be
// cancelled, so it is never stale and needs no generation. (A pending
// event's generation is odd, never 0.)
const posted = 0

// maxSlots bounds each slab: an EventID holds a slot number plus one in 32
// bits.
const maxSlots = 1 << 31

// arity of the event heap: a 4-ary heap is shallower than a binary one and
// its children share a cache line or two.
const arity = 4

// down's unrolled case is written for arity 4: these fail to compile otherwise.
const (
	_ uint = arity - 4
	_ uint = 4 - arity
)

// Kernel is a discrete-event simulator. The zero value is not usable; call New.
type Kernel struct {
	now       time.Duration
	seq       uint64  // the last sequence number given (see entry.seq)
	q         []entry // all of it in use or spare: the queue is q[:tail]
	tail      int     // end of the queue
	isHeap    bool    // q[:tail] is a heap (else a sorted array)
	dead      int     // entries of no pending event: cancelled ones, and the hole
	hole      bool    // q[0] is the event Step is running: not yet removed (a heap only)
	slots     []event // every event ever allocated, by slot
	free      uint32  // the first free slot plus one (0: none); a list through event.next
	posts     []event // every posted event ever allocated (Post: no generation)
	pfree     uint32  // the first free posts slot plus one (0: none)
	rng       *rand.Rand
	seed      uint64
	processed uint64
	budget    uint64        // 0 = unlimited
	limit     uint64        // budget, or no limit (the largest uint64) when budget is 0
	horizon   time.Duration // the end of the RunUntil under way (see Continue); math.MinInt64 when none
}

// New returns a kernel at time zero whose random source is seeded with seed.
func New(seed uint64) *Kernel {
	return &Kernel{
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		seed:    seed,
		limit:   ^uint64(0),
		horizon: math.MinInt64,
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
func (k *Kernel) Pending() int { return k.tail - k.dead }

// Processed returns the number of events run so far.
func (k *Kernel) Processed() uint64 { return k.processed }

// SetBudget limits the total number of events the kernel will ever process
// (0 means no limit). A shared server uses it so one runaway script cannot
// hang it: Step and RunUntil return ErrBudget once the budget is spent.
func (k *Kernel) SetBudget(n uint64) {
	k.budget, k.limit = n, n
	if n == 0 {
		k.limit = ^uint64(0)
	}
}

// Budget returns the event budget (0 = unlimited).
func (k *Kernel) Budget() uint64 { return k.budget }

// At schedules fn to run at absolute simulated time at. A time in the past
// runs at the current time (after events already due now).
func (k *Kernel) At(at time.Duration, fn func()) EventID {
	e, id := k.schedule(at)
	e.fn = fn
	return id
}

// schedule queues a new event at at (no earlier than now) and returns it
// and its ID; the caller sets its callback.
func (k *Kernel) schedule(at time.Duration) (*event, EventID) {
	e, slot := k.add(at, false)
	return e, EventID(uint64(e.gen)<<32 | uint64(slot+1))
}

// add queues a new event at at (no earlier than now) and returns it and
// its slot; the caller sets its callback. A posted event (see Post) comes
// from posts, a cancellable one from slots, with a new generation. add
// places the entry itself, so it is the one call between At, AtArg, Post
// or PostFunc and the queue. In a sorted array, the entries due before
// the new one (at its time or earlier: it was scheduled after them) move
// up by one, from the end; a heap gives it the next sequence number.
func (k *Kernel) add(at time.Duration, post bool) (*event, uint32) {
	x := entry{at: max(at, k.now), gen: posted}
	var e *event
	if post {
		if k.pfree == 0 {
			k.pfree = newSlot(&k.posts)
		}
		x.slot = k.pfree - 1
		e = &k.posts[x.slot]
		k.pfree = e.next
	} else {
		if k.free == 0 {
			k.free = newSlot(&k.slots)
		}
		x.slot = k.free - 1
		e = &k.slots[x.slot]
		k.free = e.next
		e.gen++ // odd: pending
		e.at = x.at
		x.gen = e.gen
	}
	if k.isHeap {
		k.seq++
		x.seq = k.seq
		k.push(x)
		return e, x.slot
	}
	q, t := k.q, k.tail
	if t == len(q) {
		q = k.grow()
	}
	_ = q[t] // the loop below indexes q[:t+1] without bounds checks
	j := t
	for ; j > 0; j-- {
		p := &q[j-1]
		if p.at > x.at {
			break
		}
		q[j] = *p
	}
	q[j] = x
	k.tail = t + 1
	if t+1 > sortedMax {
		k.toHeap()
	}
	return e, x.slot
}

// newSlot appends a free event to a slab and returns its number plus one,
// the head of the slab's free list (its next is 0: none).
func newSlot(slab *[]event) uint32 {
	if len(*slab) >= maxSlots {
		panic("sim: too many pending events")
	}
	*slab = append(*slab, event{})
	return uint32(len(*slab))
}

// lookup returns the pending event with this id, or nil.
func (k *Kernel) lookup(id EventID) *event {
	slot := uint64(id&0xffffffff) - 1
	if slot >= uint64(len(k.slots)) {
		return nil
	}
	e := &k.slots[slot]
	if gen := uint32(id >> 32); gen&1 == 0 || e.gen != gen {
		return nil
	}
	return e
}

// AtArg schedules fn(arg) at absolute simulated time at, as At does. With a
// package-level fn and a pointer arg it allocates nothing, where a closure
// capturing arg would be allocated for each event.
func (k *Kernel) AtArg(at time.Duration, fn func(any), arg any) EventID {
	e, id := k.schedule(at)
	e.fnArg, e.arg = fn, arg
	return id
}

// Post schedules fn(arg) at absolute simulated time at, as AtArg does, for
// an event that is never cancelled or looked up: it has no EventID, so
// scheduling and running it skip the generation and ID bookkeeping. Events
// run in the same (time, schedule order) however they were scheduled.
func (k *Kernel) Post(at time.Duration, fn func(any), arg any) {
	e, _ := k.add(at, true)
	e.fnArg, e.arg = fn, arg
}

// PostFunc schedules fn at absolute simulated time at, as At does, for an
// event that is never cancelled or looked up (see Post).
func (k *Kernel) PostFunc(at time.Duration, fn func()) {
	e, _ := k.add(at, true)
	e.fn = fn
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
	e := k.lookup(id)
	if e == nil {
		return false
	}
	e.fn, e.fnArg, e.arg = nil, nil, nil
	k.release(e, uint32(id&0xffffffff)-1)
	k.dead++
	if k.dead > 64 && k.dead > k.Pending() {
		k.compact()
	}
	return true
}

// Scheduled reports whether the event is still pending, and when it is due.
func (k *Kernel) Scheduled(id EventID) (time.Duration, bool) {
	e := k.lookup(id)
	if e == nil {
		return 0, false
	}
	return e.at, true
}

// NextAt returns the time of the next pending event.
func (k *Kernel) NextAt() (time.Duration, bool) {
	k.dropStale()
	if k.tail == 0 {
		return 0, false
	}
	return k.q[k.top()].at, true
}

// Step runs the next event, advancing the clock to its time. It returns
// false when no event is pending, and ErrBudget when the budget is spent.
func (k *Kernel) Step() (bool, error) {
	return k.runEvents(math.MaxInt64, true)
}

// RunUntil runs every event due at or before t, then sets the clock to t.
// Events scheduled by those events are run too if they are due by t.
func (k *Kernel) RunUntil(t time.Duration) error {
	if _, err := k.runEvents(t, false); err != nil {
		return err
	}
	if t > k.now {
		k.now = t
	}
	return nil
}

// runEvents runs the events due at or before t, in order (only the first
// if one is set), and reports whether it ran any. The loop makes no call
// on its hot path but the event's.
func (k *Kernel) runEvents(t time.Duration, one bool) (bool, error) {
	ran := false
	if !one {
		k.horizon = t
	}
	defer k.endRun()
	for {
		k.dropStale()
		if k.tail == 0 {
			break
		}
		i := k.top()
		top := &k.q[i]
		if top.at > t {
			break
		}
		if k.processed >= k.limit {
			return ran, ErrBudget
		}
		slot := top.slot
		k.now = top.at
		if k.isHeap {
			// The top entry is left in place as a hole: an event the
			// callback schedules (a recurring arrival schedules its
			// successor) takes its place with one sift-down instead of a
			// pop and a push. Otherwise the next look at the queue
			// removes it.
			k.hole = true
			k.dead++
		} else {
			k.tail = i
		}
		k.processed++
		ran = true
		var e *event
		if top.gen != posted { // top is intact until the callback queues an event
			e = &k.slots[slot]
			k.release(e, slot)
		} else {
			e = &k.posts[slot]
			e.next = k.pfree
			k.pfree = slot + 1
		}
		// The slot is free (its callback cleared) before the callback runs.
		if fnArg := e.fnArg; fnArg != nil {
			arg := e.arg
			e.fnArg, e.arg = nil, nil
			fnArg(arg)
		} else {
			fn := e.fn
			e.fn = nil
			fn()
		}
		if one {
			break
		}
	}
	return ran, nil
}

// endRun marks that no run is under way (Continue posts).
func (k *Kernel) endRun() { k.horizon = math.MinInt64 }

// Continue is how a callback that schedules its own successor (a
// recurring arrival) does it. When an event posted for at would be the
// next to run, Continue moves the clock to at (no earlier than now) and
// counts one event, as running it would, and returns true: the caller
// does that event's work itself, without the queue. That is when a
// RunUntil is under way (not a Step) and at is no later than its end, no
// pending event is due at or before at, and the budget allows one more
// event. Otherwise it posts fn at at (PostFunc) and returns false. The
// run is the same either way.
func (k *Kernel) Continue(at time.Duration, fn func()) bool {
	at = max(at, k.now)
	if at <= k.horizon && k.processed < k.limit {
		k.dropStale()
		if k.tail == 0 || k.q[k.top()].at > at {
			k.now = at
			k.processed++
			return true
		}
	}
	k.PostFunc(at, fn)
	return false
}

// RunFor advances the simulation by d (RunUntil(Now()+d)).
func (k *Kernel) RunFor(d time.Duration) error { return k.RunUntil(k.now + d) }

// String describes the kernel state, for debugging.
func (k *Kernel) String() string {
	return fmt.Sprintf("sim.Kernel{now: %v, pending: %d, processed: %d}", k.now, k.Pending(), k.processed)
}

// release frees event e, in slot slot, whose callback the caller has
// cleared.
func (k *Kernel) release(e *event, slot uint32) {
	e.gen++ // even: free
	e.next = k.free
	k.free = slot + 1
}

// top returns the index of the next event's entry in the (non-empty)
// queue: the last of a sorted array, the first of a heap.
func (k *Kernel) top() int {
	if k.isHeap {
		return 0
	}
	return k.tail - 1
}

// isStale reports whether queue entry x belongs to a cancelled event.
func (k *Kernel) isStale(x *entry) bool {
	return x.gen != posted && k.slots[x.slot].gen != x.gen
}

// fill removes the hole Step left at the top of the heap, if any.
func (k *Kernel) fill() {
	if k.hole {
		k.hole = false
		k.dead--
		k.removeTop()
	}
}

// dropStale removes the hole and pops cancelled events off the top of the
// queue: with no dead entries, nothing.
func (k *Kernel) dropStale() {
	if k.dead > 0 { // small enough to inline
		k.dropStaleSlow()
	}
}

func (k *Kernel) dropStaleSlow() {
	k.fill()
	for k.dead > 0 && k.tail > 0 && k.isStale(&k.q[k.top()]) {
		k.removeTop()
		k.dead--
	}
}

// compact removes every stale entry and rebuilds the heap: cancelled
// events never take more room than pending ones (amortised O(1) per Cancel).
func (k *Kernel) compact() {
	k.fill()
	n := 0
	for i := range k.tail {
		if !k.isStale(&k.q[i]) {
			k.q[n] = k.q[i] // in order: a sorted array stays sorted
			n++
		}
	}
	k.tail = n
	k.dead = 0
	if !k.isHeap {
		return
	}
	if n <= sortedMin {
		k.toSorted()
		return
	}
	for i := (n - 2) / arity; i >= 0; i-- {
		k.down(i)
	}
}

// toHeap makes the sorted array a heap: reversed, in (time, sequence)
// order, it is one once its entries are numbered in that order.
func (k *Kernel) toHeap() {
	q := k.q[:k.tail]
	slices.Reverse(q)
	for i := range q {
		k.seq++
		q[i].seq = k.seq
	}
	k.isHeap = true
}

// grow makes room for one more entry at the end of the queue and returns
// the queue's array. (Not
// inlined: add's loop keeps its registers.)
//
//go:noinline
func (k *Kernel) grow() []entry {
	q := append(k.q[:k.tail], entry{})
	k.q = q[:cap(q)]
	return k.q
}

// removeTop removes the next event's entry (which is not a hole).
func (k *Kernel) removeTop() {
	if !k.isHeap {
		k.tail--
		return
	}
	k.pop()
	if k.tail <= sortedMin {
		k.toSorted()
	}
}

// toSorted turns the heap (no hole) into a sorted array, in reverse
// order: an insertion sort of a few entries.
func (k *Kernel) toSorted() {
	h := k.q[:k.tail]
	for i := 1; i < len(h); i++ {
		x := h[i]
		j := i
		for j > 0 && less(&h[j-1], &x) {
			h[j] = h[j-1]
			j--
		}
		h[j] = x
	}
	k.isHeap = false
}

func less(a, b *entry) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

// push adds x, the newest event, to the heap.
func (k *Kernel) push(x entry) {
	if k.hole {
		// The event being run left its entry at the top: this one takes
		// its place with one sift-down.
		k.hole = false
		k.dead--
		k.q[0] = x
		k.down(0)
		return
	}
	if k.tail == len(k.q) {
		k.grow()
	}
	h := k.q[:k.tail+1]
	k.tail++
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / arity
		if x.at >= h[p].at { // x's sequence number is the largest
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = x
}

// pop removes the top of the heap.
func (k *Kernel) pop() {
	n := k.tail - 1
	k.q[0] = k.q[n]
	k.tail = n
	if n > 1 {
		k.down(0)
	}
}

func (k *Kernel) down(i int) {
	h := k.q[:k.tail]
	n := len(h)
	x := h[i]
	for {
		c := arity*i + 1
		var m int
		if c+arity <= n {
			// Four children: unrolled, one bounds check.
			q := h[c : c+arity : c+arity]
			m = 0
			if less(&q[1], &q[m]) {
				m = 1
			}
			if less(&q[2], &q[m]) {
				m = 2
			}
			if less(&q[3], &q[m]) {
				m = 3
			}
			m += c
		} else if c < n {
			m = c
			for j := c + 1; j < n; j++ {
				if less(&h[j], &h[m]) {
					m = j
				}
			}
		} else {
			break
		}
		if !less(&h[m], &x) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = x
}
