package termtext

import "strings"

// Slug lowercases s and keeps the runes keep accepts; every other run of
// characters becomes one '-' (none at the ends). Course ids keep ASCII
// letters and digits, student folder names any script's.
func Slug(s string, keep func(rune) bool) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if keep(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

// ASCIIAlnum accepts ASCII lower-case letters and digits (for Slug).
func ASCIIAlnum(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') }
