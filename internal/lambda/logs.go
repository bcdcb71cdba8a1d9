package lambda

import "sort"

// LogEvent is one line of a function's CloudWatch log group
// (/aws/lambda/NAME) and when it was written.
type LogEvent struct {
	Function string
	End      int64 // the invocation's end, in simulated nanoseconds
	Line     string
}

// RecentLogEvents returns the log lines of the last n completed invocations
// of every function (the lines `aws logs tail` reads), oldest first. Lines
// of one invocation stay together, in their order.
func (s *Service) RecentLogEvents(n int) []LogEvent {
	type rec struct {
		fn  string
		inv *Invocation
	}
	var all []rec
	for _, f := range s.order {
		k := len(f.recent)
		m := min(n, k)
		for i := f.recentN - m; i < f.recentN; i++ {
			all = append(all, rec{f.Name, f.recent[i%k]})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].inv.End < all[j].inv.End })
	if len(all) > n {
		all = all[len(all)-n:]
	}
	var out []LogEvent
	for _, r := range all {
		for _, l := range r.inv.LogLines() {
			out = append(out, LogEvent{Function: r.fn, End: int64(r.inv.End), Line: l})
		}
	}
	return out
}
