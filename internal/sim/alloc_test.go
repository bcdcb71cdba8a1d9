package sim

import (
	"testing"
	"time"
)

// TestKernelEventsZeroAlloc checks that scheduling and running events
// allocates nothing once the kernel's slab and heap have grown: the event
// structs are reused, and IDs need no map.
func TestKernelEventsZeroAlloc(t *testing.T) {
	k := New(1)
	var tick func()
	n := 0
	tick = func() { n++ }
	argFn := func(x any) { *x.(*int)++ }
	// Warm up: 64 events pending at a time.
	for i := range 64 {
		k.After(time.Duration(i)*time.Millisecond, tick)
	}
	step := func() {
		k.After(64*time.Millisecond, tick)
		k.AtArg(k.Now()+32*time.Millisecond, argFn, &n)
		k.Post(k.Now()+16*time.Millisecond, argFn, &n)
		k.PostFunc(k.Now()+48*time.Millisecond, tick)
		id := k.After(time.Second, tick)
		k.Cancel(id)
		k.Step()
		k.Step()
		k.Step()
		k.Step()
	}
	for range 1000 {
		step()
	}
	if a := testing.AllocsPerRun(1000, step); a != 0 {
		t.Fatalf("%v allocations per scheduled, cancelled and run event; want 0", a)
	}
}

// TestStaleEventID checks that the ID of an event that ran or was
// cancelled does not match the event that reuses its slot.
func TestStaleEventID(t *testing.T) {
	k := New(1)
	ran := 0
	id1 := k.After(time.Second, func() { ran++ })
	if at, ok := k.Scheduled(id1); !ok || at != time.Second {
		t.Fatalf("Scheduled(id1) = %v, %v", at, ok)
	}
	_ = k.RunUntil(time.Second)
	id2 := k.After(time.Second, func() { ran += 10 }) // reuses id1's slot
	if id1 == id2 {
		t.Fatalf("a reused slot gave the same id %v", id1)
	}
	if _, ok := k.Scheduled(id1); ok {
		t.Fatal("a stale id is reported scheduled")
	}
	if k.Cancel(id1) {
		t.Fatal("a stale id cancelled the event that reused its slot")
	}
	if k.Cancel(0) || k.Cancel(EventID(1<<40|12345)) {
		t.Fatal("Cancel of an id never issued returned true")
	}
	_ = k.RunUntil(3 * time.Second)
	if ran != 11 {
		t.Fatalf("ran = %d, want 11", ran)
	}
	if k.Cancel(id2) {
		t.Fatal("Cancel of an event that ran returned true")
	}
}
