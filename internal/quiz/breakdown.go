package quiz

import "sort"

// Outcome is one graded answer, for a breakdown over many sessions (for
// example the attempts in the progress store).
type Outcome struct {
	Domain  string
	Correct bool
}

// Weakest groups outcomes by domain and returns the domains sorted from the
// lowest share of right answers to the highest (ties: more answers first,
// then exam-guide order). Outcomes without a domain are left out.
func Weakest(outcomes []Outcome) []Group {
	by := map[string]*Group{}
	for _, o := range outcomes {
		if o.Domain == "" {
			continue
		}
		g := by[o.Domain]
		if g == nil {
			g = &Group{Key: o.Domain, Name: domainName(o.Domain)}
			by[o.Domain] = g
		}
		g.Total++
		if o.Correct {
			g.Correct++
		}
	}
	order := map[string]int{}
	for i, d := range domains {
		order[d.Code] = i
	}
	var out []Group
	for _, g := range by {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		// Compare a.Correct/a.Total with b.Correct/b.Total exactly.
		if l, r := a.Correct*b.Total, b.Correct*a.Total; l != r {
			return l < r
		}
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		oa, oka := order[a.Key]
		ob, okb := order[b.Key]
		if oka != okb {
			return oka
		}
		if oa != ob {
			return oa < ob
		}
		return a.Key < b.Key
	})
	return out
}
