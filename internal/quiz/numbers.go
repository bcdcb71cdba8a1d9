package quiz

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/cloudlab/cloudlab/internal/termtext"
)

var positional = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(all|none|any|each|either|neither|both)\s+(of\s+)?the\s+(above|others|options|answers|previous)\b|` +
		`\b(both|either|neither)\s+\(?[a-h]\)?\s+(and|or|nor)\s+\(?[a-h]\)?(\W|$)|` +
		`\b(options?|answers?|choices?)\s+\(?[a-h]\)?(\W|$)|` +
		`^\(?[a-h]\)?\s*(,|and|&)\s*\(?[a-h]\)?(\W|$)`)
})

// RefersToPositions reports whether an option's text names other options
// by position ("All of the above", "Both A and B", "Options A and C"), so
// the options of its question must keep their order.
func RefersToPositions(option string) bool {
	return positional().MatchString(strings.TrimSpace(option))
}

// ParseNumberAnswer parses an ```answer block: "60", "0.6175 ± 0.0001",
// "0.6175 +- 0.0001" or "0.6175 +/- 0.0001".
func ParseNumberAnswer(s string) (value, tol float64, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, fmt.Errorf("empty; write a number such as 60 or 0.6175 ± 0.0001")
	}
	if strings.Contains(s, "\n") {
		return 0, 0, fmt.Errorf("%q: write one number on one line", termtext.Clip(s, 40))
	}
	num, tolText, hasTol := "", "", false
	for _, sep := range []string{"±", "+/-", "+-"} {
		if a, b, ok := strings.Cut(s, sep); ok {
			num, tolText, hasTol = a, b, true
			break
		}
	}
	if !hasTol {
		num = s
	}
	value, err = ParseNumber(num)
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a number (write 60 or 0.6175 ± 0.0001)", termtext.Clip(s, 40))
	}
	if hasTol {
		tol, err = ParseNumber(tolText)
		if err != nil || tol < 0 {
			return 0, 0, fmt.Errorf("tolerance %q is not a non-negative number", strings.TrimSpace(tolText))
		}
	}
	return value, tol, nil
}

var thousands = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$`) })

// ParseNumber parses a number as a learner or author writes it: "50",
// "-1.5", "1,000", "$0.20", "1e6". Infinities and NaN are refused.
func ParseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "$")
	if thousands().MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	s = strings.ReplaceAll(s, "_", "")
	if s == "" {
		return 0, fmt.Errorf("empty number")
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == 'e' || r == 'E') {
			return 0, fmt.Errorf("%q is not a number", termtext.Clip(s, 40))
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", termtext.Clip(s, 40))
	}
	return v, nil
}
