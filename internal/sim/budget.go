package sim

import "sync"

// Budget is a number of simulation events shared by the kernels of one
// owner, one after another: the class server gives each SSH session one,
// so a student cannot take the CPU the class shares however many
// simulations they start (a lab, its resets, the next lab). A kernel's own
// budget (SetBudget) bounds one simulation; a Budget bounds them all. It is
// safe for concurrent use; a nil *Budget is unlimited.
type Budget struct {
	mu    sync.Mutex
	limit uint64
	used  uint64
}

// NewBudget returns a budget of limit events (0: unlimited).
func NewBudget(limit uint64) *Budget { return &Budget{limit: limit} }

// Limit is the budget's size in events (0: unlimited).
func (b *Budget) Limit() uint64 {
	if b == nil {
		return 0
	}
	return b.limit
}

// Used is the number of events charged so far.
func (b *Budget) Used() uint64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// Exhausted reports whether nothing is left.
func (b *Budget) Exhausted() bool {
	if b == nil || b.limit == 0 {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used >= b.limit
}

// left is what remains (limit-used), and whether the budget is limited.
func (b *Budget) left() (uint64, bool) {
	if b == nil || b.limit == 0 {
		return 0, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used >= b.limit {
		return 0, true
	}
	return b.limit - b.used, true
}

// Charge adds n events run outside Meter (such as a lab's setup).
func (b *Budget) Charge(n uint64) {
	if b == nil || n == 0 {
		return
	}
	b.mu.Lock()
	b.used += n
	b.mu.Unlock()
}

// Meter runs fn, which may run kernel k, with k's event budget lowered to
// what is left of b (k's own budget stays when it is lower), then restores
// k's budget and charges b for the events k processed. Once b is spent,
// every event k would run fails with ErrBudget while fn runs, so commands
// that only read state still work. It reports false, without running fn,
// in the one case a kernel budget cannot say "no more events": b is spent
// and k has never run an event (a kernel budget of 0 is unlimited).
func (b *Budget) Meter(k *Kernel, fn func()) bool {
	left, limited := b.left()
	if !limited {
		fn()
		return true
	}
	p := k.Processed()
	if left == 0 && p == 0 {
		return false
	}
	old := k.Budget()
	lim := p + left
	if old != 0 && old < lim {
		lim = old
	}
	k.SetBudget(lim)
	defer func() {
		k.SetBudget(old)
		b.Charge(k.Processed() - p)
	}()
	fn()
	return true
}
