package lambda

import "testing"

func TestAdmitEnvironmentCap(t *testing.T) {
	base := PolicyState{Reserved: -1, UnreservedCapacity: 1000, ScaleTokens: 10, RateTokens: 10, RateLimited: true}
	for _, c := range []struct {
		name  string
		mut   func(*PolicyState)
		route Route
		cause string
	}{
		{"no cap", func(s *PolicyState) { s.Environments = 5000 }, RouteCold, ""},
		{"under the cap", func(s *PolicyState) { s.Environments, s.EnvironmentCap = 9, 10 }, RouteCold, ""},
		{"at the cap: throttled", func(s *PolicyState) { s.Environments, s.EnvironmentCap = 10, 10 }, RouteThrottle, "environment-cap"},
		{"at the cap, a warm one idle", func(s *PolicyState) { s.Environments, s.EnvironmentCap, s.WarmIdle = 10, 10, 1 }, RouteWarm, ""},
	} {
		s := base
		c.mut(&s)
		d := Admit(&s)
		if d.Route != c.route || d.Cause != c.cause {
			t.Errorf("%s: got %v %q, want %v %q", c.name, d.Route, d.Cause, c.route, c.cause)
		}
		if d.Route == RouteThrottle && d.Reason != ReasonConcurrent {
			t.Errorf("%s: reason %s", c.name, d.Reason)
		}
	}
}
