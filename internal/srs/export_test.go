package srs

import (
	"time"

	"github.com/cloudlab/cloudlab/internal/progress"
)

// IsDue reports whether c is due at now (its due time is not after now).
func IsDue(c progress.Card, now time.Time) bool {
	return !c.Due.After(now)
}
