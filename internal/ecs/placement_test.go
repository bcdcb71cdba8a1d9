package ecs

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

func cand(id, az, typ string, cpu, mem int, groups map[string]int) *Candidate {
	if groups == nil {
		groups = map[string]int{}
	}
	c := &Candidate{Arn: "arn:ci/" + id, InstanceID: id, AZ: az, RemainingCPU: cpu, RemainingMemory: mem,
		UsedPorts: map[PortKey]bool{}, Groups: groups, Connected: true,
		Attrs: map[string]string{"ecs.availability-zone": az, "ecs.instance-type": typ, "ecs.os-type": "linux"}}
	for _, g := range groups {
		c.Running += g
	}
	return c
}

func mustStrategies(t *testing.T, specs ...[2]string) []Strategy {
	var out []Strategy
	for _, s := range specs {
		st, err := NewStrategy(s[0], s[1])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, st)
	}
	return out
}

func TestPlacementStrategies(t *testing.T) {
	g := "service:web"
	cases := []struct {
		name       string
		cands      []*Candidate
		req        Request
		strategies [][2]string
		want       string
	}{
		{"binpack cpu picks least remaining cpu",
			[]*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, nil), cand("i-b", "us-east-1b", "m5.large", 512, 7000, nil), cand("i-c", "us-east-1c", "m5.large", 1024, 7000, nil)},
			Request{CPU: 256, Memory: 256, Group: g}, [][2]string{{"binpack", "cpu"}}, "i-b"},
		{"binpack memory picks least remaining memory",
			[]*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, nil), cand("i-b", "us-east-1b", "m5.large", 2048, 3000, nil), cand("i-c", "us-east-1c", "m5.large", 512, 5000, nil)},
			Request{CPU: 256, Memory: 256, Group: g}, [][2]string{{"binpack", "memory"}}, "i-b"},
		{"spread az picks the emptiest zone",
			[]*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, map[string]int{g: 1}), cand("i-b", "us-east-1b", "m5.large", 2048, 7000, map[string]int{g: 1}), cand("i-c", "us-east-1c", "m5.large", 2048, 7000, nil)},
			Request{CPU: 256, Memory: 256, Group: g}, [][2]string{{"spread", "attribute:ecs.availability-zone"}}, "i-c"},
		{"spread az counts only the task's group",
			[]*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, map[string]int{"other": 5}), cand("i-b", "us-east-1b", "m5.large", 2048, 7000, map[string]int{g: 1})},
			Request{CPU: 256, Memory: 256, Group: g}, [][2]string{{"spread", "attribute:ecs.availability-zone"}}, "i-a"},
		{"spread instanceId",
			[]*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, map[string]int{g: 2}), cand("i-b", "us-east-1a", "m5.large", 2048, 7000, map[string]int{g: 1})},
			Request{CPU: 256, Memory: 256, Group: g}, [][2]string{{"spread", "instanceId"}}, "i-b"},
		{"spread az then binpack memory within the zone",
			[]*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, map[string]int{g: 1}), cand("i-b", "us-east-1b", "m5.large", 2048, 6000, nil), cand("i-c", "us-east-1b", "m5.large", 2048, 4000, nil)},
			Request{CPU: 256, Memory: 256, Group: g}, [][2]string{{"spread", "attribute:ecs.availability-zone"}, {"binpack", "memory"}}, "i-c"},
		{"no strategy: first registered",
			[]*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, nil), cand("i-b", "us-east-1b", "m5.large", 2048, 7000, nil)},
			Request{CPU: 256, Memory: 256, Group: g}, nil, "i-a"},
		{"spread on a custom attribute: instances without it come last",
			[]*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, nil), func() *Candidate {
				c := cand("i-b", "us-east-1a", "m5.large", 2048, 7000, nil)
				c.Attrs["stack"] = "prod"
				return c
			}()},
			Request{CPU: 256, Memory: 256, Group: g}, [][2]string{{"spread", "attribute:stack"}}, "i-b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			req.Strategies = mustStrategies(t, tc.strategies...)
			var p Placer
			e := p.Place(&req, tc.cands, rand.New(rand.NewPCG(1, 2)))
			if e.ChosenEC2 != tc.want {
				t.Errorf("chose %q, want %q\n%s", e.ChosenEC2, tc.want, e.Text())
			}
		})
	}
}

func TestPlacementRandomIsSeededAndUsesEveryInstance(t *testing.T) {
	cands := []*Candidate{cand("i-a", "us-east-1a", "m5.large", 99999, 99999, nil), cand("i-b", "us-east-1b", "m5.large", 99999, 99999, nil), cand("i-c", "us-east-1c", "m5.large", 99999, 99999, nil)}
	req := Request{CPU: 1, Memory: 1, Group: "g", Strategies: mustStrategies(t, [2]string{"random", ""})}
	pick := func(seed uint64) []string {
		r := rand.New(rand.NewPCG(seed, 0))
		var p Placer
		var out []string
		for i := 0; i < 30; i++ {
			out = append(out, p.Place(&req, cands, r).ChosenEC2)
		}
		return out
	}
	a, b := pick(7), pick(7)
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed gave different choices")
	}
	seen := map[string]bool{}
	for _, x := range a {
		seen[x] = true
	}
	if len(seen) != 3 {
		t.Errorf("random placement used %v", seen)
	}
}

func TestPlacementFiltersAndConstraints(t *testing.T) {
	g := "family:web"
	memberOf := func(expr string) Constraint {
		c, err := NewConstraint("memberOf", expr)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	withPort := func(c *Candidate, port int) *Candidate { c.UsedPorts[PortKey{port, "tcp"}] = true; return c }
	cases := []struct {
		name       string
		cands      []*Candidate
		req        Request
		want       string // chosen, or "" for none
		wantReason string
		rejected   map[string]string
	}{
		{"cpu shortage", []*Candidate{cand("i-a", "us-east-1a", "t3.micro", 100, 900, nil)},
			Request{CPU: 256, Memory: 128, Group: g}, "", ReasonCPU, map[string]string{"i-a": ReasonCPU}},
		{"memory shortage", []*Candidate{cand("i-a", "us-east-1a", "t3.micro", 2048, 900, nil)},
			Request{CPU: 256, Memory: 1024, Group: g}, "", ReasonMemory, map[string]string{"i-a": ReasonMemory}},
		{"memory checked after cpu", []*Candidate{cand("i-a", "us-east-1a", "t3.micro", 100, 100, nil)},
			Request{CPU: 256, Memory: 1024, Group: g}, "", ReasonCPU, nil},
		{"host port in use", []*Candidate{withPort(cand("i-a", "us-east-1a", "m5.large", 2048, 7000, nil), 80), cand("i-b", "us-east-1b", "m5.large", 2048, 7000, nil)},
			Request{CPU: 256, Memory: 256, Group: g, Ports: []PortKey{{80, "tcp"}}}, "i-b", "", map[string]string{"i-a": ReasonPorts}},
		{"same port other protocol is free", []*Candidate{withPort(cand("i-a", "us-east-1a", "m5.large", 2048, 7000, nil), 53)},
			Request{CPU: 256, Memory: 256, Group: g, Ports: []PortKey{{53, "udp"}}}, "i-a", "", nil},
		{"reserved port 22", []*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, nil)},
			Request{CPU: 1, Memory: 1, Group: g, Ports: []PortKey{{22, "tcp"}}}, "", ReasonPorts, nil},
		{"reserved agent port 51678", []*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, nil)},
			Request{CPU: 1, Memory: 1, Group: g, Ports: []PortKey{{51678, "tcp"}}}, "", ReasonPorts, nil},
		{"reserved docker port 2376", []*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, nil)},
			Request{CPU: 1, Memory: 1, Group: g, Ports: []PortKey{{2376, "tcp"}}}, "", ReasonPorts, nil},
		{"distinctInstance", []*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, map[string]int{g: 1}), cand("i-b", "us-east-1a", "m5.large", 2048, 7000, nil)},
			Request{CPU: 1, Memory: 1, Group: g, Constraints: []Constraint{{Type: "distinctInstance"}}}, "i-b", "", map[string]string{"i-a": ReasonDistinctInstance}},
		{"distinctInstance unsatisfied", []*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, map[string]int{g: 1})},
			Request{CPU: 1, Memory: 1, Group: g, Constraints: []Constraint{{Type: "distinctInstance"}}}, "", ReasonDistinctInstance, nil},
		{"memberOf instance type", []*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, nil), cand("i-b", "us-east-1b", "t3.medium", 2048, 3000, nil)},
			Request{CPU: 1, Memory: 1, Group: g, Constraints: []Constraint{memberOf("attribute:ecs.instance-type =~ t3.*")}}, "i-b", "", map[string]string{"i-a": ReasonMemberOf}},
		{"memberOf unsatisfied", []*Candidate{cand("i-a", "us-east-1a", "m5.large", 2048, 7000, nil)},
			Request{CPU: 1, Memory: 1, Group: g, Constraints: []Constraint{memberOf("attribute:ecs.availability-zone in [us-east-1b, us-east-1c]")}}, "", ReasonMemberOf, nil},
		{"constraint failure wins over resources in the reason", []*Candidate{cand("i-a", "us-east-1a", "m5.large", 10, 10, nil), cand("i-b", "us-east-1b", "m5.large", 2048, 7000, nil)},
			Request{CPU: 256, Memory: 256, Group: g, Constraints: []Constraint{memberOf("attribute:ecs.availability-zone == us-east-1a")}}, "", ReasonMemberOf, map[string]string{"i-a": ReasonCPU, "i-b": ReasonMemberOf}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p Placer
			e := p.Place(&tc.req, tc.cands, nil)
			if e.ChosenEC2 != tc.want {
				t.Errorf("chose %q, want %q\n%s", e.ChosenEC2, tc.want, e.Text())
			}
			if e.FailureReason != tc.wantReason {
				t.Errorf("failure reason %q, want %q", e.FailureReason, tc.wantReason)
			}
			for id, reason := range tc.rejected {
				found := false
				for _, r := range e.Rejected {
					if r.EC2InstanceID == id {
						found = true
						if r.Reason != reason {
							t.Errorf("%s rejected for %q, want %q", id, r.Reason, reason)
						}
					}
				}
				if !found {
					t.Errorf("%s not rejected", id)
				}
			}
		})
	}
}

func TestDynamicPortsAreAssignedFromTheEphemeralRange(t *testing.T) {
	c := cand("i-a", "us-east-1a", "m5.large", 4096, 8000, nil)
	req := Request{CPU: 1, Memory: 1, Group: "g", DynamicPorts: 2}
	got := c.Take(&req)
	got = append(got, c.Take(&req)...)
	want := []int{32768, 32769, 32770, 32771} // ip_local_port_range 32768-60999
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dynamic ports %v, want %v", got, want)
	}
}

func TestScaleInOrder(t *testing.T) {
	tasks := []TaskView{
		{ID: "a1", Instance: "i1", AZ: "a", Running: true, CreatedSeq: 1},
		{ID: "a2", Instance: "i1", AZ: "a", Running: true, CreatedSeq: 2},
		{ID: "a3", Instance: "i2", AZ: "a", Running: true, CreatedSeq: 3},
		{ID: "b1", Instance: "i3", AZ: "b", Running: true, CreatedSeq: 4},
		{ID: "c1", Instance: "i4", AZ: "c", Running: false, CreatedSeq: 5},
	}
	cases := []struct {
		name string
		n    int
		want []string
	}{
		{"az with most, instance with most, newest", 1, []string{"a2"}},
		{"then balance", 3, []string{"a2", "a3", "c1"}},
		{"pending before running on a tie", 4, []string{"a2", "a3", "c1", "b1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ChooseToStop(tasks, tc.n, DefaultServiceStrategies)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("binpack stops on the instance with most free", func(t *testing.T) {
		ts := []TaskView{
			{ID: "x", Instance: "i1", AZ: "a", Running: true, RemainCPU: 100, RemainMem: 100},
			{ID: "y", Instance: "i2", AZ: "a", Running: true, RemainCPU: 100, RemainMem: 5000},
		}
		got := ChooseToStop(ts, 1, []Strategy{{"binpack", "memory"}})
		if !reflect.DeepEqual(got, []string{"y"}) {
			t.Errorf("got %v", got)
		}
	})
}

func TestStrategyValidation(t *testing.T) {
	cases := []struct {
		typ, field string
		ok         bool
	}{
		{"binpack", "cpu", true}, {"binpack", "memory", true}, {"binpack", "disk", false},
		{"spread", "instanceId", true}, {"spread", "host", true}, {"spread", "attribute:ecs.availability-zone", true},
		{"spread", "zone", false}, {"spread", "", false}, {"random", "", true}, {"roundrobin", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.typ+"/"+tc.field, func(t *testing.T) {
			_, err := NewStrategy(tc.typ, tc.field)
			if (err == nil) != tc.ok {
				t.Errorf("err %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// Example: three instances in two zones; a service's task spreads across
// zones first (us-east-1b has none of the group), then binpacks memory.
func ExamplePlacer_Place() {
	g := "service:web"
	cands := []*Candidate{
		cand("i-aaa", "us-east-1a", "m5.large", 2048, 7985, map[string]int{g: 1}),
		cand("i-bbb", "us-east-1b", "m5.large", 2048, 7985, nil),
		cand("i-ccc", "us-east-1b", "t3.medium", 2048, 3993, nil),
		cand("i-ddd", "us-east-1c", "t3.micro", 2048, 256, nil),
	}
	req := Request{CPU: 256, Memory: 512, Group: g, Strategies: []Strategy{
		{"spread", "attribute:ecs.availability-zone"}, {"binpack", "memory"}}}
	var p Placer
	e := p.Place(&req, cands, nil)
	fmt.Print(e.Text())
	// Output:
	// task group service:web needs 256 CPU units, 512 MiB
	// strategies: spread(attribute:ecs.availability-zone) then binpack(memory)
	//   rejected i-ddd: RESOURCE:MEMORY (needs 512 MiB, 256 MiB remaining)
	// * candidate i-ccc (us-east-1b) scores [0 3481]
	//   candidate i-bbb (us-east-1b) scores [0 7473]
	//   candidate i-aaa (us-east-1a) scores [1 7473]
	// chosen: i-ccc
}
