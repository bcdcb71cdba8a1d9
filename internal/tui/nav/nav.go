// Package nav holds the typed messages screens send to the root model to
// move between screens. A screen never constructs another screen: it returns
// a tea.Cmd producing one of these messages and the root routes it.
package nav

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/quiz"
)

// Back returns to the previous screen (the home screen at the top).
type Back struct{}

// OpenLesson opens the lesson reader at a lesson.
type OpenLesson struct{ ID string }

// OpenQuiz opens a quiz run: the quiz Request.ID, or with Request.All a
// mock exam over every quiz.
type OpenQuiz struct{ quiz.Request }

// OpenLab opens a lab. Seed, when not nil, seeds the lab's simulation
// instead of the lab's default seed (`cloudlab lab LAB --seed N`).
type OpenLab struct {
	ID   string
	Seed *uint64
}

// OpenLabs opens the Labs screen: every lab, or only Lesson's labs.
type OpenLabs struct{ Lesson string }

// Quit asks the root to end the program (home's q).
type Quit struct{}

// OpenReview opens the spaced-repetition review of due questions.
type OpenReview struct{}

// Error asks the root to show an error message (the screen stays).
type Error struct{ Err error }

// Timer asks the root to deliver the message Msg returns once After has
// passed. Screens start every timer this way (nav.After), never with
// tea.Tick, so their commands return at once and tests recognise timers by
// type instead of waiting for them.
type Timer struct {
	After time.Duration
	Msg   func() tea.Msg
}

// After is the command that starts a timer delivering msg() after d.
func After(d time.Duration, msg func() tea.Msg) tea.Cmd {
	return Cmd(Timer{After: d, Msg: msg})
}

// Cmd wraps a message as a tea.Cmd.
func Cmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// Refresh is sent by the root to a screen that becomes the top screen again
// after the one above it closed: reload whatever may have changed.
type Refresh struct{}
