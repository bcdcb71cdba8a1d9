package progress

import (
	"sort"
)

// QuizStat summarises the recorded results of one quiz.
type QuizStat struct {
	QuizID   string  `json:"quizId"`
	Best     float64 `json:"best"`     // best score, percent
	Latest   float64 `json:"latest"`   // most recent score, percent
	Attempts int     `json:"attempts"` // number of results (finished sessions)
}

// DomainStat counts the answers given to questions of one exam domain.
type DomainStat struct {
	Domain  string `json:"domain"`
	Correct int    `json:"correct"`
	Total   int    `json:"total"`
}

// Ratio is Correct/Total (0 when Total is 0).
func (d DomainStat) Ratio() float64 {
	if d.Total == 0 {
		return 0
	}
	return float64(d.Correct) / float64(d.Total)
}

// QuizStats returns, per quiz with results, the best and latest score and the
// number of results, sorted by quiz id.
func (s *Store) QuizStats() ([]QuizStat, error) {
	rs, err := s.Results("")
	if err != nil {
		return nil, err
	}
	return quizStats(rs), nil
}

// quizStats expects results oldest first.
func quizStats(rs []QuizResult) []QuizStat {
	by := map[string]*QuizStat{}
	var out []QuizStat
	for _, r := range rs {
		st := by[r.QuizID]
		if st == nil {
			st = &QuizStat{QuizID: r.QuizID}
			by[r.QuizID] = st
		}
		p := r.Percent()
		if st.Attempts == 0 || p > st.Best {
			st.Best = p
		}
		st.Latest = p
		st.Attempts++
	}
	for _, st := range by {
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].QuizID < out[j].QuizID })
	return out
}

// DomainStats counts right and total answers per exam domain over all
// attempts (attempts without a domain are left out), weakest domain first
// (lowest ratio; ties by more answers, then by name).
func (s *Store) DomainStats() ([]DomainStat, error) {
	var out []DomainStat
	err := s.direct(func(q scoped) error {
		rows, err := q.Query(s.q.domainStats)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d DomainStat
			if err := rows.Scan(&d.Domain, &d.Correct, &d.Total); err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, s.wrap("read domain stats", err)
	}
	sortDomains(out)
	return out, nil
}

func sortDomains(ds []DomainStat) {
	sort.Slice(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		// Compare Correct/Total exactly by cross-multiplying.
		if x, y := a.Correct*b.Total, b.Correct*a.Total; x != y {
			return x < y
		}
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		return a.Domain < b.Domain
	})
}
