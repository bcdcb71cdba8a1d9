package srs

import (
	"fmt"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/progress"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func TestNewCard(t *testing.T) {
	c := NewCard("q1", "ec2", t0)
	if c.QuestionID != "q1" || c.QuizID != "ec2" || !c.Due.Equal(t0) || c.Reps != 0 || c.State != 0 || !c.LastReview.IsZero() {
		t.Fatalf("NewCard = %+v", c)
	}
	if !IsDue(c, t0) {
		t.Error("a new card is due at once")
	}
}

func TestReview(t *testing.T) {
	tests := []struct {
		name    string
		answers []bool // reviews, each when the card is due
		check   func(t *testing.T, cards []progress.Card)
	}{
		{"right once is due in the future, in days", []bool{true}, func(t *testing.T, cs []progress.Card) {
			c := cs[0]
			if !c.Due.After(t0.Add(day - time.Second)) {
				t.Errorf("due %v, want at least a day after %v", c.Due, t0)
			}
			if c.Reps != 1 || c.Lapses != 0 || !c.LastReview.Equal(t0) {
				t.Errorf("card %+v", c)
			}
		}},
		{"wrong once is a short interval", []bool{false}, func(t *testing.T, cs []progress.Card) {
			c := cs[0]
			if !c.Due.After(t0) || c.Due.Sub(t0) > 2*day {
				t.Errorf("due after %v, want (0, 2 days]", c.Due.Sub(t0))
			}
		}},
		{"wrong is sooner than right", []bool{false}, func(t *testing.T, cs []progress.Card) {
			right := Review(NewCard("q", "z", t0), true, t0)
			if !cs[0].Due.Before(right.Due) {
				t.Errorf("wrong due %v not before right due %v", cs[0].Due, right.Due)
			}
		}},
		{"repeated Good grows intervals", []bool{true, true, true, true}, func(t *testing.T, cs []progress.Card) {
			for i := 1; i < len(cs); i++ {
				if cs[i].ScheduledDays <= cs[i-1].ScheduledDays {
					t.Errorf("review %d: interval %d days not longer than %d", i+1, cs[i].ScheduledDays, cs[i-1].ScheduledDays)
				}
			}
		}},
		{"a lapse after reviews shortens the interval and counts", []bool{true, true, false}, func(t *testing.T, cs []progress.Card) {
			if cs[2].ScheduledDays >= cs[1].ScheduledDays || cs[2].Lapses != 1 {
				t.Errorf("after lapse: %+v, before: %+v", cs[2], cs[1])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCard("q", "z", t0)
			now := t0
			var cards []progress.Card
			for _, ok := range tt.answers {
				if !IsDue(c, now) {
					t.Fatalf("card not due at %v (due %v)", now, c.Due)
				}
				c = Review(c, ok, now)
				if c.QuestionID != "q" || c.QuizID != "z" {
					t.Fatalf("ids lost: %+v", c)
				}
				if IsDue(c, now) {
					t.Fatalf("card still due right after review: %+v", c)
				}
				cards = append(cards, c)
				now = c.Due
			}
			tt.check(t, cards)
		})
	}
}

func TestDeterministic(t *testing.T) {
	run := func() []progress.Card {
		c := NewCard("q", "z", t0)
		var out []progress.Card
		now := t0
		for _, ok := range []bool{true, false, true, true, false, true} {
			c = Review(c, ok, now)
			out = append(out, c)
			now = c.Due.Add(3 * time.Hour)
		}
		return out
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("review %d differs:\n%+v\n%+v", i, a[i], b[i])
		}
	}
}

func TestReviewWithClockBeforeLastReview(t *testing.T) {
	c := Review(NewCard("q", "z", t0), true, t0)
	for _, ok := range []bool{true, false} {
		got := Review(c, ok, t0.Add(-48*time.Hour))
		if got.ElapsedDays != 0 || got.Reps != 2 || got.ScheduledDays < 1 || got.ScheduledDays > 36500 || got.Due.Before(t0) {
			t.Errorf("correct=%v: %+v", ok, got)
		}
	}
}

func TestReviewDoesNotModifyInput(t *testing.T) {
	c := NewCard("q", "z", t0)
	before := c
	_ = Review(c, true, t0)
	if c != before {
		t.Fatalf("input changed: %+v", c)
	}
}

func TestRoundTripThroughStoreKeepsSchedule(t *testing.T) {
	// A card truncated to milliseconds (as the store keeps it) schedules like
	// the original.
	now := t0.Add(123456789 * time.Nanosecond)
	c := Review(NewCard("q", "z", now), true, now)
	trunc := c
	trunc.Due = c.Due.Truncate(time.Millisecond)
	trunc.LastReview = c.LastReview.Truncate(time.Millisecond)
	later := c.Due.Add(time.Hour)
	a, b := Review(c, true, later), Review(trunc, true, later)
	if a.ScheduledDays != b.ScheduledDays || a.Stability != b.Stability {
		t.Fatalf("schedules differ: %+v vs %+v", a, b)
	}
}

func ExampleReview() {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c := NewCard("ec2-pricing-1", "ec2", now)
	c = Review(c, true, now)
	fmt.Println("right: due in", c.ScheduledDays, "days")
	c = Review(c, false, c.Due)
	fmt.Println("wrong: due in", c.ScheduledDays, "day(s), lapses", c.Lapses)
	// Output:
	// right: due in 3 days
	// wrong: due in 1 day(s), lapses 1
}
