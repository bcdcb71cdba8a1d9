package class

import (
	"testing"
)

// Each session gets its own simulation budget (Config.SimBudget), which
// the lab screens of that session share (internal/tui/labui tests the
// screen's side); the disconnect log line says how much was used.
func TestSessionSimulationBudget(t *testing.T) {
	alice := newKey(t)
	for _, tc := range []struct {
		name   string
		budget int64
		want   uint64
	}{{"default", 0, DefaultSimBudget}, {"set", 12345, 12345}, {"none", -1, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, rosterLine(alice, "Alice"), func(c *Config) { c.SimBudget = tc.budget })
			c, err := dial(t, s.addr, alice)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			tm := openTerm(t, c, true)
			tm.out.waitFor(t, "Learn cloud compute")
			s.mu.Lock()
			var limits []uint64
			for _, ss := range s.sessions {
				limits = append(limits, ss.budget.Limit())
			}
			s.mu.Unlock()
			if len(limits) != 1 || limits[0] != tc.want {
				t.Errorf("session budgets %v, want [%d]", limits, tc.want)
			}
			tm.in.Write([]byte{3})
			tm.wait(t)
			s.logs.waitFor(t, "sim_events=0 sim_budget_spent=false")
		})
	}
}
