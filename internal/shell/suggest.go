package shell

import (
	"fmt"
	"strings"
)

// didYouMean returns ` (did you mean 'x'?)` for the closest candidate, or "".
func didYouMean(word string, cands []string) string {
	if best := Closest(word, cands); best != "" {
		return fmt.Sprintf(" (did you mean '%s'?)", best)
	}
	return ""
}

// Closest returns the candidate nearest to word by edit distance, if it is
// close enough to be a plausible typo (distance at most 1/3 of the length,
// at least 2), or a candidate that word is a prefix of; else "".
func Closest(word string, cands []string) string {
	best, bestD := "", 1<<30
	for _, c := range cands {
		d := editDistance(word, c)
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	limit := max(2, len([]rune(word))/3)
	if best != "" && bestD <= limit && bestD > 0 {
		return best
	}
	for _, c := range cands {
		if len(word) >= 3 && c != word && strings.HasPrefix(c, word) {
			return c
		}
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Optimal string alignment distance (Damerau-Levenshtein without
	// substring edits): insertions, deletions, substitutions, transpositions.
	rows := [3][]int{make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		pp, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, pp
	}
	return rows[1][len(rb)]
}
