package lambda

import (
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

func newSvc(t testing.TB) (*sim.Kernel, *Service) {
	t.Helper()
	k := sim.New(1)
	return k, New(k)
}

func mkFn(t testing.TB, s *Service, name string, mod func(*Config)) *Function {
	t.Helper()
	c := DefaultConfig()
	c.Runtime = "python3.12"
	if mod != nil {
		mod(&c)
	}
	c.RefMemoryMB = c.MemoryMB
	f, err := s.CreateFunction(name, c)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// call invokes synchronously and runs the simulation until it ends.
func call(t testing.TB, k *sim.Kernel, s *Service, r Request) (*Invocation, error) {
	t.Helper()
	inv, err := s.Invoke(r)
	if err != nil {
		return nil, err
	}
	for !inv.Done {
		if ok, err := k.Step(); err != nil || !ok {
			t.Fatalf("simulation stopped before the invocation ended: %v", err)
		}
	}
	return inv, nil
}

func fixed(d time.Duration) sim.Dist { return sim.Fixed(d) }

func TestAdmit(t *testing.T) {
	base := PolicyState{Reserved: -1, UnreservedCapacity: 1000, ScaleTokens: 1000, RateTokens: 100, RateLimited: true}
	tests := []struct {
		name   string
		mod    func(*PolicyState)
		route  Route
		reason string
	}{
		{"cold start when nothing is idle", func(s *PolicyState) {}, RouteCold, ""},
		{"warm environment preferred", func(s *PolicyState) { s.WarmIdle = 2 }, RouteWarm, ""},
		{"provisioned preferred over warm", func(s *PolicyState) { s.WarmIdle = 2; s.ProvisionedIdle = 1 }, RouteProvisioned, ""},
		{"reserved zero stops the function", func(s *PolicyState) { s.Reserved = 0; s.WarmIdle = 5 }, RouteThrottle, ReasonReservedConcurrent},
		{"reserved limit reached", func(s *PolicyState) { s.Reserved = 10; s.FunctionInUse = 10; s.WarmIdle = 1 }, RouteThrottle, ReasonReservedConcurrent},
		{"below reserved limit", func(s *PolicyState) { s.Reserved = 10; s.FunctionInUse = 9 }, RouteCold, ""},
		{"account pool exhausted", func(s *PolicyState) { s.UnreservedInUse = 1000; s.WarmIdle = 1 }, RouteThrottle, ReasonConcurrent},
		{"provisioned serves even when the pool is full", func(s *PolicyState) { s.UnreservedInUse = 1000; s.ProvisionedIdle = 1 }, RouteProvisioned, ""},
		{"scaling rate exhausted", func(s *PolicyState) { s.ScaleTokens = 0.5 }, RouteThrottle, ReasonRate},
		{"scaling rate does not limit warm reuse", func(s *PolicyState) { s.ScaleTokens = 0; s.WarmIdle = 1 }, RouteWarm, ""},
		{"request rate exhausted", func(s *PolicyState) { s.RateTokens = 0.2; s.WarmIdle = 1 }, RouteThrottle, ReasonRate},
		{"reserved request rate exhausted", func(s *PolicyState) { s.Reserved = 5; s.RateTokens = 0; s.WarmIdle = 1 }, RouteThrottle, ReasonReservedRate},
		{"rate limit disabled", func(s *PolicyState) { s.RateLimited = false; s.RateTokens = 0; s.WarmIdle = 1 }, RouteWarm, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			tc.mod(&s)
			d := Admit(&s)
			if d.Route != tc.route || d.Reason != tc.reason {
				t.Fatalf("Admit = %v %q, want %v %q", d.Route, d.Reason, tc.route, tc.reason)
			}
		})
	}
}

func TestBilling(t *testing.T) {
	tests := []struct {
		name   string
		d      time.Duration
		gran   time.Duration
		mem    int
		billed time.Duration
		gbs    float64
	}{
		{"the pricing page's worked example", 1234500 * time.Microsecond, time.Millisecond, 512, 1235 * time.Millisecond, 0.6175},
		{"exact milliseconds are not rounded", 100 * time.Millisecond, time.Millisecond, 1024, 100 * time.Millisecond, 0.1},
		{"legacy 100 ms rounding", 1234500 * time.Microsecond, 100 * time.Millisecond, 512, 1300 * time.Millisecond, 0.65},
		{"legacy rounds 1 ms up to 100 ms", time.Millisecond, 100 * time.Millisecond, 128, 100 * time.Millisecond, 0.0125},
		{"sub-millisecond rounds up to 1 ms", 10 * time.Microsecond, time.Millisecond, 1024, time.Millisecond, 0.001},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := BilledDuration(tc.d, tc.gran)
			if b != tc.billed {
				t.Fatalf("billed %v, want %v", b, tc.billed)
			}
			if g := GBSeconds(b, tc.mem); math.Abs(g-tc.gbs) > 1e-12 {
				t.Fatalf("GB-s %v, want %v", g, tc.gbs)
			}
		})
	}
}

func TestBilledInitAndCost(t *testing.T) {
	for _, tc := range []struct {
		name, initBilling string
		arch              string
		wantBilled        int64
		wantCost          float64
	}{
		{"Init billed since Aug 2025", "billed", "x86_64", 400, 0.0000002 + 0.4*0.125*PriceGBSecondX86},
		{"Init free under the older rule", "free", "x86_64", 100, 0.0000002 + 0.1*0.125*PriceGBSecondX86},
		{"arm64 price", "billed", "arm64", 400, 0.0000002 + 0.4*0.125*PriceGBSecondArm},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, s := newSvc(t)
			st := s.Settings()
			st.InitBilling = tc.initBilling
			if err := s.SetSettings(st); err != nil {
				t.Fatal(err)
			}
			mkFn(t, s, "f", func(c *Config) { c.Arch = tc.arch })
			inv, err := call(t, k, s, Request{Function: "f"})
			if err != nil {
				t.Fatal(err)
			}
			if got := int64(inv.Billed / time.Millisecond); got != tc.wantBilled {
				t.Fatalf("billed %d ms, want %d", got, tc.wantBilled)
			}
			r := s.Report().Functions[0]
			if math.Abs(r.CostUSD-tc.wantCost) > 1e-9 {
				t.Fatalf("cost %v, want %v", r.CostUSD, tc.wantCost)
			}
		})
	}
}

func TestCPUScaling(t *testing.T) {
	tests := []struct {
		name     string
		ref, mem int
		bound    float64
		threads  int
		want     time.Duration
	}{
		{"not CPU-bound: memory does not matter", 128, 1024, 0, 1, time.Second},
		{"fully CPU-bound: double memory halves time", 512, 1024, 1, 1, 500 * time.Millisecond},
		{"half CPU-bound", 512, 1024, 0.5, 1, 750 * time.Millisecond},
		{"less memory is slower", 1024, 512, 1, 1, 2 * time.Second},
		{"single thread gains nothing above 1769 MB", 1769, 10240, 1, 1, time.Second},
		{"six threads at 10240 MB: 6 vCPU", 1769, 10240, 1, 6, time.Second / 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ScaleDuration(time.Second, tc.ref, tc.mem, tc.bound, tc.threads)
			if d := got - tc.want; d < -time.Microsecond || d > time.Microsecond {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	if CPUShare(1769) != 1 || CPUShare(10240) != 6 {
		t.Fatalf("CPUShare(1769)=%v CPUShare(10240)=%v", CPUShare(1769), CPUShare(10240))
	}
}

func TestConfigLimits(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Config)
		code string
		msg  string
	}{
		{"memory too small", func(c *Config) { c.MemoryMB = 64 }, "ValidationException", "Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"},
		{"memory too large", func(c *Config) { c.MemoryMB = 10241 }, "ValidationException", "less than or equal to 10240"},
		{"timeout too long", func(c *Config) { c.Timeout = 901 * time.Second }, "ValidationException", "Value '901' at 'timeout'"},
		{"timeout zero", func(c *Config) { c.Timeout = 0 }, "ValidationException", "greater than or equal to 1"},
		{"bad architecture", func(c *Config) { c.Arch = "sparc" }, "ValidationException", "x86_64, arm64"},
		{"error rate above 1", func(c *Config) { c.ErrorRate = 1.5 }, "InvalidParameterValueException", "error-rate"},
		{"max memory ok", func(c *Config) { c.MemoryMB = 10240; c.Timeout = 900 * time.Second }, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, s := newSvc(t)
			c := DefaultConfig()
			tc.mod(&c)
			_, err := s.CreateFunction("f", c)
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != tc.code || !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("err = %v, want %s containing %q", err, tc.code, tc.msg)
			}
		})
	}
}

func TestReservedConcurrencyRules(t *testing.T) {
	const minMsg = "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]."
	tests := []struct {
		name    string
		first   int // reservation of function a (-1 none)
		second  int // reservation of function b
		wantErr string
	}{
		{"reserve up to quota minus 100", -1, 900, ""},
		{"reserve one more fails", -1, 901, minMsg},
		{"reservations add up", 500, 400, ""},
		{"reservations add up past the minimum", 500, 401, minMsg},
		{"zero is allowed", -1, 0, ""},
		{"negative rejected", -1, -1, "greater than or equal to 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, s := newSvc(t)
			a := mkFn(t, s, "a", nil)
			b := mkFn(t, s, "b", nil)
			if tc.first >= 0 {
				if err := a.PutReservedConcurrency(tc.first); err != nil {
					t.Fatal(err)
				}
			}
			err := b.PutReservedConcurrency(tc.second)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				want := 1000 - max(tc.first, 0) - tc.second
				if got := s.Account().UnreservedConcurrentExecutions; got != want {
					t.Fatalf("unreserved = %d, want %d", got, want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestReservedCapsAndZeroStops(t *testing.T) {
	k, s := newSvc(t)
	f := mkFn(t, s, "f", func(c *Config) { c.Duration = fixed(2 * time.Second) })
	if err := f.PutReservedConcurrency(100); err != nil {
		t.Fatal(err)
	}
	throttles := 0
	for range 150 {
		if _, err := s.Invoke(Request{Function: "f"}); err != nil {
			e := err.(*Error)
			if e.Code != "TooManyRequestsException" || e.Reason != ReasonReservedConcurrent || e.Status != 429 {
				t.Fatalf("throttle error = %+v", e)
			}
			throttles++
		}
	}
	_ = k.RunFor(10 * time.Second)
	r := s.Report().Functions[0]
	if throttles != 50 || r.Throttles != 50 || r.Invocations != 100 || r.Requests != 150 || r.ConcurrentExecutionsMax != 100 {
		t.Fatalf("throttles %d, report %+v", throttles, r)
	}
	if err := f.PutReservedConcurrency(0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Invoke(Request{Function: "f"}); err == nil || err.(*Error).Reason != ReasonReservedConcurrent {
		t.Fatalf("reserved 0: err = %v", err)
	}
}

func TestAccountLimitShared(t *testing.T) {
	_, s := newSvc(t)
	st := s.Settings()
	st.AccountConcurrency = 200
	if err := s.SetSettings(st); err != nil {
		t.Fatal(err)
	}
	mkFn(t, s, "a", func(c *Config) { c.Duration = fixed(time.Second) })
	b := mkFn(t, s, "b", func(c *Config) { c.Duration = fixed(time.Second) })
	if err := b.PutReservedConcurrency(50); err != nil {
		t.Fatal(err)
	}
	var ok, throttled int
	for range 200 {
		if _, err := s.Invoke(Request{Function: "a"}); err != nil {
			if err.(*Error).Reason != ReasonConcurrent {
				t.Fatalf("reason %q", err.(*Error).Reason)
			}
			throttled++
		} else {
			ok++
		}
	}
	if ok != 150 || throttled != 50 {
		t.Fatalf("unreserved pool: ok %d throttled %d, want 150 and 50", ok, throttled)
	}
	// b's reservation is still available to b.
	for range 50 {
		if _, err := s.Invoke(Request{Function: "b"}); err != nil {
			t.Fatalf("reserved function throttled: %v", err)
		}
	}
}

func TestWarmReuseAndKeepAlive(t *testing.T) {
	tests := []struct {
		name      string
		keepAlive time.Duration
		idle      time.Duration
		wantCold  bool
	}{
		{"reused right away", 10 * time.Minute, time.Second, false},
		{"reused just before keep-alive", 10 * time.Minute, 10*time.Minute - 200*time.Millisecond, false},
		{"expired at keep-alive", 10 * time.Minute, 10 * time.Minute, true},
		{"shorter keep-alive setting", 5 * time.Minute, 6 * time.Minute, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, s := newSvc(t)
			st := s.Settings()
			st.KeepAlive = tc.keepAlive
			if err := s.SetSettings(st); err != nil {
				t.Fatal(err)
			}
			mkFn(t, s, "f", nil)
			first, _ := call(t, k, s, Request{Function: "f"})
			if !first.Cold || first.InitDuration != 300*time.Millisecond {
				t.Fatalf("first invocation not cold: %+v", first)
			}
			_ = k.RunFor(tc.idle)
			second, _ := call(t, k, s, Request{Function: "f"})
			if second.Cold != tc.wantCold {
				t.Fatalf("cold = %v, want %v", second.Cold, tc.wantCold)
			}
		})
	}
}

func TestMostRecentlyUsedRouting(t *testing.T) {
	k, s := newSvc(t)
	mkFn(t, s, "f", func(c *Config) { c.Duration = fixed(time.Second) })
	// Three environments at once.
	var invs []*Invocation
	for range 3 {
		inv, err := s.Invoke(Request{Function: "f"})
		if err != nil {
			t.Fatal(err)
		}
		invs = append(invs, inv)
	}
	_ = k.RunFor(2 * time.Second)
	// The last to finish was env 3 (same end time, scheduled last): it is
	// the most recently used, so sequential calls keep going there.
	for i := range 5 {
		inv, _ := call(t, k, s, Request{Function: "f"})
		if inv.EnvID != invs[2].EnvID {
			t.Fatalf("call %d went to env %d, want most recently used %d", i, inv.EnvID, invs[2].EnvID)
		}
		_ = k.RunFor(time.Minute)
	}
	// The two unused environments expire 10 minutes after their last use;
	// the most recently used one stays.
	_ = k.RunFor(6 * time.Minute)
	snap := s.Snapshot()
	if envs := snap.Functions[0].Environments; len(envs) != 1 || envs[0].ID != invs[2].EnvID {
		t.Fatalf("environments left %+v, want only %d", envs, invs[2].EnvID)
	}
}

func TestTimeoutResetsEnvironment(t *testing.T) {
	k, s := newSvc(t)
	mkFn(t, s, "f", func(c *Config) { c.Duration = fixed(5 * time.Second); c.Timeout = 3 * time.Second })
	inv, _ := call(t, k, s, Request{Function: "f"})
	if !inv.TimedOut || inv.FunctionError != "Unhandled" || inv.Duration != 3*time.Second {
		t.Fatalf("invocation = %+v", inv)
	}
	logs := strings.Join(inv.LogLines(), "\n")
	if !strings.Contains(logs, "Task timed out after 3.00 seconds") {
		t.Fatalf("logs:\n%s", logs)
	}
	next, _ := call(t, k, s, Request{Function: "f"})
	if !next.Cold || next.EnvID != inv.EnvID {
		t.Fatalf("after a timeout the same environment must run Init again: %+v", next)
	}
	r := s.Report().Functions[0]
	if r.Timeouts != 2 || r.Errors != 2 || r.ColdStarts != 2 {
		t.Fatalf("report %+v", r)
	}
}

func TestInitLimit(t *testing.T) {
	k, s := newSvc(t)
	mkFn(t, s, "f", func(c *Config) {
		c.Init = fixed(12 * time.Second)
		c.Duration = fixed(time.Second)
		c.Timeout = 30 * time.Second
	})
	inv, _ := call(t, k, s, Request{Function: "f"})
	if !inv.InitTimedOut || inv.InitDuration != 10*time.Second || inv.Duration != 13*time.Second {
		t.Fatalf("init limit: %+v", inv)
	}
	if l := inv.LogLines()[0]; l != "INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout" {
		t.Fatalf("first log line %q", l)
	}
	// Under a short timeout the retried Init makes the invocation time out.
	_, s2 := newSvc(t)
	mkFn(t, s2, "g", func(c *Config) { c.Init = fixed(12 * time.Second); c.Timeout = 3 * time.Second })
	inv2, _ := call(t, s2.k, s2, Request{Function: "g"})
	if !inv2.TimedOut {
		t.Fatalf("want a timeout: %+v", inv2)
	}
}

func TestReportLogFormat(t *testing.T) {
	k, s := newSvc(t)
	mkFn(t, s, "f", func(c *Config) {
		c.MemoryMB = 512
		c.Duration = fixed(1234500 * time.Microsecond)
		c.Init = fixed(203690 * time.Microsecond)
	})
	cold, _ := call(t, k, s, Request{Function: "f"})
	warm, _ := call(t, k, s, Request{Function: "f"})
	id := cold.RequestID()
	want := []string{
		"START RequestId: " + id + " Version: $LATEST",
		"END RequestId: " + id,
		"REPORT RequestId: " + id + "\tDuration: 1234.50 ms\tBilled Duration: 1439 ms\tMemory Size: 512 MB\tMax Memory Used: 40 MB\tInit Duration: 203.69 ms",
	}
	if got := cold.LogLines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("cold logs:\n%q\nwant\n%q", got, want)
	}
	rep := warm.LogLines()[2]
	if strings.Contains(rep, "Init Duration") || !strings.Contains(rep, "\tBilled Duration: 1235 ms\t") {
		t.Fatalf("warm REPORT %q", rep)
	}
}

func TestProvisionedConcurrency(t *testing.T) {
	k, s := newSvc(t)
	f := mkFn(t, s, "f", func(c *Config) { c.Duration = fixed(time.Second); c.Init = fixed(2 * time.Second) })
	if _, err := f.PutProvisionedConcurrency("$LATEST", 2); err == nil || !strings.Contains(err.Error(), "unpublished") {
		t.Fatalf("PC on $LATEST: %v", err)
	}
	v := f.PublishVersion("")
	if _, err := f.CreateAlias("live", v.Name, ""); err != nil {
		t.Fatal(err)
	}
	pc, err := f.PutProvisionedConcurrency("live", 2)
	if err != nil || pc.Status != "IN_PROGRESS" || pc.Allocated != 0 {
		t.Fatalf("put: %+v %v", pc, err)
	}
	_ = k.RunFor(2 * time.Second)
	if pc, _ = f.ProvisionedConcurrency("live"); pc.Status != "READY" || pc.Allocated != 2 {
		t.Fatalf("after init: %+v", pc)
	}
	var invs []*Invocation
	for range 3 {
		inv, err := s.Invoke(Request{Function: "f", Qualifier: "live"})
		if err != nil {
			t.Fatal(err)
		}
		invs = append(invs, inv)
	}
	_ = k.RunFor(5 * time.Second)
	if !invs[0].Provisioned || invs[0].Cold || !invs[1].Provisioned || invs[2].Provisioned || !invs[2].Cold {
		t.Fatalf("routing: %+v %+v %+v", invs[0], invs[1], invs[2])
	}
	r := s.Report().Functions[0]
	if r.ProvisionedConcurrencyInvocations != 2 || r.ProvisionedConcurrencySpilloverInvocations != 1 || r.ColdStarts != 1 {
		t.Fatalf("report %+v", r)
	}
	// Invoking the version directly does not use the alias's environments.
	inv, _ := call(t, k, s, Request{Function: "f", Qualifier: "1"})
	if inv.Provisioned {
		t.Fatal("version invocation used the alias's provisioned concurrency")
	}
	snap := s.Snapshot()
	types := map[string]int{}
	for _, e := range snap.Functions[0].Environments {
		types[e.InitializationType]++
	}
	if types["provisioned-concurrency"] != 2 || types["on-demand"] < 1 {
		t.Fatalf("environment types %v", types)
	}
	// Provisioned concurrency may not exceed reserved concurrency.
	if err := f.PutReservedConcurrency(1); err == nil {
		t.Fatal("reserved below provisioned accepted")
	}
	if err := f.PutReservedConcurrency(5); err != nil {
		t.Fatal(err)
	}
	if _, err := f.PutProvisionedConcurrency("live", 6); err == nil || !strings.Contains(err.Error(), "should not be greater than the reservedConcurrentExecution") {
		t.Fatalf("PC above reserved: %v", err)
	}
	if err := f.DeleteProvisionedConcurrency("live"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ProvisionedConcurrency("live"); err == nil {
		t.Fatal("config still there")
	}
	// The provisioned charge accrues only while enabled: 2 x 128 MB for 7 s.
	if got, want := s.Report().Functions[0].CostUSD, 0.0; got <= want {
		t.Fatalf("cost %v", got)
	}
}

func TestScalingRate(t *testing.T) {
	tests := []struct {
		name      string
		model     string
		at0, at5s int // admitted at t=0 and 5 s later (new environments)
	}{
		{"current: 1000 per 10 s, refilled continuously", "current", 1000, 500},
		{"legacy: burst 3000, then 500 per minute", "legacy", 3000, 41},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, s := newSvc(t)
			st := s.Settings()
			st.AccountConcurrency = 20000
			st.ScalingModel = tc.model
			st.RequestsPerEnvironment = 0
			if err := s.SetSettings(st); err != nil {
				t.Fatal(err)
			}
			mkFn(t, s, "f", func(c *Config) { c.Duration = fixed(60 * time.Second); c.Timeout = 900 * time.Second })
			count := func() (ok int) {
				for range 5000 {
					if _, err := s.Invoke(Request{Function: "f"}); err == nil {
						ok++
					} else if err.(*Error).Reason != ReasonRate {
						t.Fatalf("reason %v", err)
					}
				}
				return ok
			}
			if got := count(); got != tc.at0 {
				t.Fatalf("admitted at t=0: %d, want %d", got, tc.at0)
			}
			_ = k.RunFor(5 * time.Second)
			if got := count(); got != tc.at5s {
				t.Fatalf("admitted 5 s later: %d, want %d", got, tc.at5s)
			}
		})
	}
}

func TestInvocationRateLimit(t *testing.T) {
	k, s := newSvc(t)
	f := mkFn(t, s, "f", func(c *Config) { c.Duration = fixed(time.Millisecond); c.Init = fixed(0) })
	if err := f.PutReservedConcurrency(10); err != nil {
		t.Fatal(err)
	}
	// 10 reserved -> at most 100 requests per second, even though 1 ms
	// invocations need far less than 10 concurrent environments.
	ok := 0
	for i := range 300 {
		k.At(time.Duration(i)*time.Second/300, func() {
			if _, err := s.Invoke(Request{Function: "f"}); err == nil {
				ok++
			} else if err.(*Error).Reason != ReasonReservedRate {
				t.Errorf("reason %v", err)
			}
		})
	}
	_ = k.RunFor(2 * time.Second)
	if ok < 100 || ok > 200 {
		t.Fatalf("admitted %d of 300 in one second at a cap of 100/s (+100 burst)", ok)
	}
}

func TestAsyncRetriesAndDeadLetters(t *testing.T) {
	tests := []struct {
		name       string
		retries    int
		dlq        string
		wantStarts []time.Duration
		wantDLQ    int64
		cond       string
	}{
		{"two retries about 1 and 2 minutes apart", 2, "arn:aws:sqs:us-east-1:123456789012:dlq", []time.Duration{0, 60*time.Second + 100*time.Millisecond, 180*time.Second + 200*time.Millisecond}, 1, "RetriesExhausted"},
		{"no retries", 0, "arn:aws:sqs:us-east-1:123456789012:dlq", []time.Duration{0}, 1, "RetriesExhausted"},
		{"dropped without a destination", 1, "", []time.Duration{0, 60*time.Second + 100*time.Millisecond}, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, s := newSvc(t)
			f := mkFn(t, s, "f", func(c *Config) { c.ErrorRate = 1; c.Init = fixed(0) })
			f.DLQ = tc.dlq
			if err := f.PutEventInvokeConfig("", EventInvokeConfig{MaximumRetryAttempts: tc.retries, MaximumEventAgeInSeconds: 21600}); err != nil {
				t.Fatal(err)
			}
			var starts []time.Duration
			s.SetObserver(func(e Event) {
				if e.Kind == EvInvokeStart {
					starts = append(starts, e.At)
				}
			})
			inv, err := s.Invoke(Request{Function: "f", Type: TypeEvent})
			if err != nil || inv.StatusCode != 202 {
				t.Fatalf("%+v %v", inv, err)
			}
			_ = k.RunFor(time.Hour)
			if len(starts) != len(tc.wantStarts) {
				t.Fatalf("attempts at %v, want %v", starts, tc.wantStarts)
			}
			for i := range starts {
				if starts[i] != tc.wantStarts[i] {
					t.Fatalf("attempts at %v, want %v", starts, tc.wantStarts)
				}
			}
			r := s.Report().Functions[0]
			if r.AsyncRetries != int64(tc.retries) || r.DeadLetters != tc.wantDLQ || r.AsyncEventsDropped != 1 || r.Invocations != int64(tc.retries+1) {
				t.Fatalf("report %+v", r)
			}
			if tc.cond != "" && r.DeadLettersByCondition[tc.cond] != 1 {
				t.Fatalf("conditions %v", r.DeadLettersByCondition)
			}
		})
	}
}

func TestAsyncThrottledUntilEventAge(t *testing.T) {
	k, s := newSvc(t)
	f := mkFn(t, s, "f", nil)
	if err := f.PutReservedConcurrency(0); err != nil {
		t.Fatal(err)
	}
	if err := f.PutEventInvokeConfig("", EventInvokeConfig{MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60, OnFailure: "arn:aws:sqs:us-east-1:123456789012:failed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Invoke(Request{Function: "f", Type: TypeEvent}); err != nil {
		t.Fatal(err)
	}
	_ = k.RunFor(59 * time.Second)
	if r := s.Report().Functions[0]; r.DeadLetters != 0 {
		t.Fatalf("dead-lettered before the maximum age: %+v", r)
	}
	_ = k.RunFor(2 * time.Second)
	r := s.Report().Functions[0]
	// Attempts at 0, 1, 3, 7, 15, 31 s (backoff doubling from 1 s); at 60 s it is too old.
	if r.Throttles != 6 || r.Invocations != 0 || r.DeadLettersByCondition["EventAgeExceeded"] != 1 || r.AsyncThrottleRetries != 5 {
		t.Fatalf("report %+v", r)
	}
	// Settings outside the documented ranges are rejected.
	for _, c := range []EventInvokeConfig{{MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 60}, {MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 59}, {MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 21601}} {
		if err := f.PutEventInvokeConfig("", c); err == nil {
			t.Errorf("accepted %+v", c)
		}
	}
}

func TestDryRunAndNotFound(t *testing.T) {
	_, s := newSvc(t)
	mkFn(t, s, "f", nil)
	inv, err := s.Invoke(Request{Function: "f", Type: TypeDryRun})
	if err != nil || inv.StatusCode != 204 {
		t.Fatalf("%+v %v", inv, err)
	}
	if r := s.Report().Functions[0]; r.Requests != 0 || r.Invocations != 0 {
		t.Fatalf("DryRun counted: %+v", r)
	}
	_, err = s.Invoke(Request{Function: "nope"})
	if e, ok := err.(*Error); !ok || e.Code != "ResourceNotFoundException" || e.Message != "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope" {
		t.Fatalf("err = %v", err)
	}
	if _, err := s.Invoke(Request{Function: "f", Qualifier: "7"}); err == nil {
		t.Fatal("missing version accepted")
	}
}

func TestConfigUpdateReplacesEnvironments(t *testing.T) {
	k, s := newSvc(t)
	f := mkFn(t, s, "f", func(c *Config) { c.CPUBound = 1 })
	call(t, k, s, Request{Function: "f"})
	c := f.Latest().Cfg
	c.MemoryMB = 256
	if err := f.UpdateConfiguration(c); err != nil {
		t.Fatal(err)
	}
	inv, _ := call(t, k, s, Request{Function: "f"})
	if !inv.Cold || inv.Duration != 50*time.Millisecond {
		t.Fatalf("after update: cold %v duration %v (want cold, 50ms: twice the CPU)", inv.Cold, inv.Duration)
	}
}

func TestSketchAccuracy(t *testing.T) {
	k := sim.New(3)
	var sk Sketch
	var vals []float64
	d := sim.Dist{Kind: "lognormal", Mean: 100 * time.Millisecond, Sigma: 1}
	for range 20000 {
		v := ms(d.Sample(k.Rand()))
		sk.Add(v)
		vals = append(vals, v)
	}
	sortFloats(vals)
	for _, q := range []float64{0.5, 0.9, 0.99} {
		exact := vals[int(q*float64(len(vals)-1))]
		got := sk.Quantile(q)
		if math.Abs(got-exact)/exact > 0.02 {
			t.Errorf("q%.2f: sketch %.3f exact %.3f", q, got, exact)
		}
	}
}

func sortFloats(a []float64) { sort.Float64s(a) }

func TestSeries(t *testing.T) {
	k, s := newSvc(t)
	f := mkFn(t, s, "f", func(c *Config) { c.Duration = fixed(10 * time.Millisecond) })
	for i := range 10 {
		k.At(time.Duration(i)*time.Second+time.Millisecond, func() { s.Invoke(Request{Function: "f"}) })
		k.At(time.Duration(i)*time.Second+2*time.Millisecond, func() { s.Invoke(Request{Function: "f"}) })
	}
	_ = k.RunUntil(9500 * time.Millisecond)
	pts, err := f.Series("Invocations", time.Second, 10)
	if err != nil || len(pts) != 10 {
		t.Fatalf("%v %v", pts, err)
	}
	for _, p := range pts {
		if p.Value != 2 {
			t.Fatalf("points %v", pts)
		}
	}
	if m, _ := f.Series("Invocations", time.Minute, 1); m[0].Value != 20 {
		t.Fatalf("per minute %v", m)
	}
	if _, err := f.Series("Nope", time.Second, 1); err == nil {
		t.Fatal("unknown metric accepted")
	}
}

// TestLittlesLaw checks the simulator against queueing theory. With Poisson
// arrivals at rate λ and no queueing (every request gets its own
// environment, an M/G/∞ system), the number of busy environments is Poisson
// with mean λ·E[S], and its time average over T converges to λ·E[S] (Little's
// law, L = λW).
//
// Tolerance: λ = 200/s, E[S] = 250 ms, so L = 50. The busy count has variance
// 50 and an autocorrelation time of about E[S] (exponential service), so the
// time average over T = 600 s has standard deviation about
// sqrt(2·50·0.25/600) ≈ 0.2. Init (50 ms, counted as busy, on the ~60
// environments created at the start) adds about 0.005. A 2% tolerance (±1.0,
// about 5 standard deviations) fails only if the model is wrong.
func TestLittlesLaw(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		k := sim.New(seed)
		s := New(k)
		mkFn(t, s, "f", func(c *Config) {
			c.Duration = sim.Dist{Kind: "exponential", Mean: 250 * time.Millisecond}
			c.Init = fixed(50 * time.Millisecond)
		})
		const lambda, T = 200.0, 600 * time.Second
		var next func()
		next = func() {
			s.Invoke(Request{Function: "f"})
			k.After(time.Duration(k.Rand().ExpFloat64()/lambda*float64(time.Second)), next)
		}
		k.At(0, next)
		if err := k.RunUntil(T); err != nil {
			t.Fatal(err)
		}
		r := s.Report().Functions[0]
		want := lambda * 0.25
		if math.Abs(r.AvgBusyEnvironments-want)/want > 0.02 || r.Throttles != 0 {
			t.Errorf("seed %d: time-averaged busy environments %.3f, want %.1f ± 2%% (throttles %d)", seed, r.AvgBusyEnvironments, want, r.Throttles)
		}
	}
}

func TestAsyncQueueBounded(t *testing.T) {
	k, s := newSvc(t)
	f := mkFn(t, s, "f", nil)
	if err := f.PutReservedConcurrency(0); err != nil {
		t.Fatal(err)
	}
	for range MaxAsyncQueue + 10 {
		if _, err := s.Invoke(Request{Function: "f", Type: TypeEvent}); err != nil {
			t.Fatal(err)
		}
	}
	r := s.Report().Functions[0]
	if r.AsyncEventsReceived != MaxAsyncQueue+10 || r.AsyncEventsDropped != 10 || s.asyncQueued != MaxAsyncQueue {
		t.Fatalf("queue: %+v, queued %d", r, s.asyncQueued)
	}
	// Deleting the function releases its queued events.
	if err := s.DeleteFunction("f"); err != nil {
		t.Fatal(err)
	}
	_ = k.RunFor(time.Minute)
	if s.asyncQueued != 0 {
		t.Fatalf("queued after delete: %d", s.asyncQueued)
	}
}

func TestDeleteReleasesConcurrency(t *testing.T) {
	k, s := newSvc(t)
	f := mkFn(t, s, "f", func(c *Config) { c.Duration = fixed(time.Minute); c.Timeout = 900 * time.Second })
	f.PublishVersion("")
	if _, err := f.PutProvisionedConcurrency("1", 3); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := s.Invoke(Request{Function: "f"}); err != nil {
			t.Fatal(err)
		}
	}
	if s.unreservedInUse != 8 {
		t.Fatalf("in use %d, want 5 on-demand + 3 provisioned", s.unreservedInUse)
	}
	if err := s.DeleteFunction("f"); err != nil {
		t.Fatal(err)
	}
	_ = k.RunFor(2 * time.Minute)
	if s.unreservedInUse != 0 || len(s.Report().Functions) != 0 {
		t.Fatalf("after delete: in use %d", s.unreservedInUse)
	}
	mkFn(t, s, "f", nil)
	if _, err := s.Invoke(Request{Function: "f"}); err != nil {
		t.Fatalf("re-created function: %v", err)
	}
}

// After traffic stops, quiet periods report the concurrency level reached
// after the last invocation ended (0), not the busy period's maximum.
func TestSeriesConcurrencyDropsAfterTraffic(t *testing.T) {
	k, s := newSvc(t)
	f := mkFn(t, s, "f", func(c *Config) { c.Duration = fixed(2 * time.Second) })
	for range 49 {
		if _, err := s.Invoke(Request{Function: "f"}); err != nil {
			t.Fatal(err)
		}
	}
	_ = k.RunFor(3 * time.Minute)
	for _, period := range []time.Duration{time.Second, time.Minute} {
		pts, err := f.Series("ConcurrentExecutions", period, 200)
		if err != nil {
			t.Fatal(err)
		}
		peak := 0.0
		for _, p := range pts {
			peak = max(peak, p.Value)
		}
		if last := pts[len(pts)-1].Value; peak != 49 || last != 0 {
			t.Errorf("period %v: peak %v, last %v; want 49 then 0", period, peak, last)
		}
	}
}
