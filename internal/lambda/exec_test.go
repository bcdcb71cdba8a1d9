package lambda

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// fakeExec is a data plane that records what the policy asks of it.
type fakeExec struct {
	started     []*Invocation
	provisioned []*Env
	destroyed   []int64
}

func (x *fakeExec) StartInvocation(inv *Invocation) { x.started = append(x.started, inv) }
func (x *fakeExec) ProvisionEnv(e *Env)             { x.provisioned = append(x.provisioned, e) }
func (x *fakeExec) DestroyEnv(e *Env)               { x.destroyed = append(x.destroyed, e.ID) }

// The real data plane runs under the simulator's policy: routing, resets,
// throttles, keep-alive expiry and provisioned concurrency are decided
// here, durations come from Finish.
func TestExecutorContract(t *testing.T) {
	k := sim.New(1)
	s := New(k)
	x := &fakeExec{}
	s.SetExecutor(x)
	if _, err := s.CreateFunction("f", DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	inv1, err := s.Invoke(Request{Function: "f", Payload: `{}`})
	if err != nil || len(x.started) != 1 || !inv1.Cold || inv1.Env() == nil {
		t.Fatalf("first invoke: %v %+v", err, inv1)
	}
	k.RunFor(20 * time.Millisecond)
	s.Finish(inv1, Outcome{InitDuration: 100 * time.Millisecond, Duration: 5 * time.Millisecond, MaxMemoryMB: 9, Output: []byte(`"ok"`)})
	if !inv1.Done || inv1.Billed != 105*time.Millisecond || inv1.Response() != `"ok"` || inv1.MaxMemoryMB != 9 {
		t.Fatalf("finished: %+v", inv1)
	}
	inv2, _ := s.Invoke(Request{Function: "f"})
	if inv2.Cold || inv2.Env() != inv1.Env() {
		t.Fatal("second invoke must be warm on the same environment")
	}
	// Reserved concurrency 1 while inv2 is running: throttled with AWS's reason.
	f, _ := s.Function("f")
	if err := f.PutReservedConcurrency(1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Invoke(Request{Function: "f"}); err == nil || err.(*Error).Reason != ReasonReservedConcurrent {
		t.Fatalf("want a throttle, got %v", err)
	}
	f.DeleteReservedConcurrency()
	s.Finish(inv2, Outcome{Duration: time.Millisecond, FunctionError: "Unhandled", Reset: true, Status: "error", ErrorType: "Runtime.ExitError"})
	if lines := inv2.EndLines(); !strings.HasSuffix(lines[len(lines)-1], "\tStatus: error\tError Type: Runtime.ExitError") {
		t.Fatalf("REPORT: %q", lines)
	}
	inv3, _ := s.Invoke(Request{Function: "f"})
	if !inv3.Cold || inv3.Env() != inv1.Env() {
		t.Fatal("after a reset the same environment runs Init again")
	}
	s.Finish(inv3, Outcome{Duration: time.Millisecond})
	// An idle process that exits: the next invocation is cold.
	s.ResetEnv(inv3.Env())
	inv4, _ := s.Invoke(Request{Function: "f"})
	if !inv4.Cold {
		t.Fatal("after ResetEnv the invocation must be cold")
	}
	s.Finish(inv4, Outcome{Duration: time.Millisecond})
	// Keep-alive expiry destroys the idle environment.
	k.RunFor(s.Settings().KeepAlive + time.Second)
	if len(x.destroyed) != 1 || x.destroyed[0] != inv1.Env().ID {
		t.Fatalf("expiry: destroyed %v", x.destroyed)
	}
	// Provisioned concurrency asks the data plane to initialize ahead.
	f.PublishVersion("")
	if _, err := f.PutProvisionedConcurrency("1", 2); err != nil {
		t.Fatal(err)
	}
	if len(x.provisioned) != 2 {
		t.Fatalf("provisioned %d environments", len(x.provisioned))
	}
	if pc, _ := f.ProvisionedConcurrency("1"); pc.Status != "IN_PROGRESS" {
		t.Fatalf("before Init ends: %+v", pc)
	}
	for _, e := range x.provisioned {
		s.ProvisionedReady(e, true)
	}
	if pc, _ := f.ProvisionedConcurrency("1"); pc.Status != "READY" || pc.Available != 2 {
		t.Fatalf("after Init: %+v", pc)
	}
	inv5, _ := s.Invoke(Request{Function: "f", Qualifier: "1"})
	if inv5.Cold || !inv5.Env().Provisioned() {
		t.Fatal("a ready provisioned environment serves warm")
	}
	// Deleting the function destroys every environment, busy ones included.
	n := len(x.destroyed)
	if err := s.DeleteFunction("f"); err != nil {
		t.Fatal(err)
	}
	if len(x.destroyed) != n+2 {
		t.Fatalf("delete destroyed %d environments, want 2", len(x.destroyed)-n)
	}
	s.Finish(inv5, Outcome{Duration: time.Millisecond}) // the busy one still ends
	if !inv5.Done {
		t.Fatal("an invocation of a deleted function must still end")
	}
}
