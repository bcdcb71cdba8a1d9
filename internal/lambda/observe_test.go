package lambda

import (
	"testing"
	"time"
)

// TestObserverSeesEachEventOnce: the observer gets every event of a cold
// invocation and a throttle as they happen, in order and numbered from 1.
func TestObserverSeesEachEventOnce(t *testing.T) {
	k, s := newSvc(t)
	f := mkFn(t, s, "f", func(c *Config) { c.Duration, c.Init = fixed(time.Second), fixed(100*time.Millisecond) })
	var got []Event
	s.SetObserver(func(e Event) { got = append(got, e) })
	if _, err := call(t, k, s, Request{Function: "f"}); err != nil {
		t.Fatal(err)
	}
	if err := f.PutReservedConcurrency(0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Invoke(Request{Function: "f"}); err == nil {
		t.Fatal("an invocation with reserved concurrency 0 was not throttled")
	}
	want := []EventKind{EvEnvCreated, EvInvokeStart, EvInvokeEnd, EvEnvIdle, EvThrottle}
	if len(got) != len(want) {
		t.Fatalf("events %+v, want kinds %v", got, want)
	}
	for i, e := range got {
		if e.Kind != want[i] || e.Seq != uint64(i+1) || e.Function != "f" {
			t.Errorf("event %d: %+v, want kind %v, Seq %d, function f", i, e, want[i], i+1)
		}
	}
	if !got[1].Cold || got[2].At != 1100*time.Millisecond || got[4].Reason == "" {
		t.Errorf("start %+v (want cold), end %+v (want at 1.1s), throttle %+v (want a reason)", got[1], got[2], got[4])
	}
	if got[1].Request == 0 || got[2].Request != got[1].Request || got[2].Cold || got[2].Error || got[3].Request != 0 || got[0].Env != got[3].Env {
		t.Errorf("start %+v and end %+v should name one request (the end neither cold nor an error), idle %+v none, and all one environment", got[1], got[2], got[3])
	}
}
