package sim

import (
	"errors"
	"testing"
	"time"
)

// busy schedules n events one millisecond apart.
func busy(k *Kernel, n int) {
	for i := range n {
		k.After(time.Duration(i)*time.Millisecond, func() {})
	}
}

func TestBudgetSharedByKernels(t *testing.T) {
	b := NewBudget(100)
	k1 := New(1)
	busy(k1, 60)
	var err error
	if !b.Meter(k1, func() { err = k1.RunFor(time.Second) }) || err != nil {
		t.Fatalf("first kernel: %v", err)
	}
	if b.Used() != 60 || b.Exhausted() || k1.Budget() != 0 {
		t.Fatalf("used %d exhausted %v kernel budget %d", b.Used(), b.Exhausted(), k1.Budget())
	}
	// A second kernel (a reset, another lab) gets only what is left.
	k2 := New(2)
	k2.SetBudget(1000)
	busy(k2, 60)
	b.Meter(k2, func() { err = k2.RunFor(time.Second) })
	if !errors.Is(err, ErrBudget) || k2.Processed() != 40 || !b.Exhausted() || b.Used() != 100 {
		t.Fatalf("second kernel: err %v, processed %d, used %d", err, k2.Processed(), b.Used())
	}
	if k2.Budget() != 1000 {
		t.Errorf("the kernel's own budget was not restored: %d", k2.Budget())
	}
	// Spent: a command that runs no event still works; one that would
	// run one fails.
	ran := false
	if !b.Meter(k2, func() { ran = true }) || !ran {
		t.Error("a read-only command was refused")
	}
	b.Meter(k2, func() { err = k2.RunFor(time.Second) })
	if !errors.Is(err, ErrBudget) || k2.Processed() != 40 {
		t.Errorf("after the budget: %v, processed %d", err, k2.Processed())
	}
	// A fresh kernel cannot be limited to zero events: refused.
	if b.Meter(New(3), func() { t.Error("ran on a fresh kernel past the budget") }) {
		t.Error("Meter reported true")
	}
}

func TestBudgetKeepsLowerKernelBudget(t *testing.T) {
	b := NewBudget(1000)
	k := New(1)
	k.SetBudget(10)
	busy(k, 50)
	var err error
	b.Meter(k, func() { err = k.RunFor(time.Second) })
	if !errors.Is(err, ErrBudget) || k.Processed() != 10 || b.Used() != 10 || k.Budget() != 10 {
		t.Errorf("err %v processed %d used %d budget %d", err, k.Processed(), b.Used(), k.Budget())
	}
}

func TestNilAndUnlimitedBudgets(t *testing.T) {
	for _, b := range []*Budget{nil, NewBudget(0)} {
		k := New(1)
		busy(k, 20)
		var err error
		if !b.Meter(k, func() { err = k.RunFor(time.Second) }) || err != nil || k.Processed() != 20 || b.Exhausted() {
			t.Errorf("%v: %v, processed %d", b, err, k.Processed())
		}
		b.Charge(5)
	}
	if (*Budget)(nil).Limit() != 0 || (*Budget)(nil).Used() != 0 {
		t.Error("nil budget")
	}
}
