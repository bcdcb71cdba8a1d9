// Package tuitest drives Bubble Tea models in tests the way the runtime
// does, without depending on the machine's speed: commands run to
// completion (no timeouts), and timers are recognised by their message type
// (nav.Timer) and handed back to the test instead of being waited for.
// Screens start every timer with nav.After and keep their text inputs'
// cursors static, so no command of theirs blocks.
package tuitest

import (
	"reflect"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/tui/nav"
)

// maxDepth bounds how many rounds of command -> message -> command a single
// Drive follows, so a model that loops forever fails instead of hanging.
const maxDepth = 200

// Msgs runs cmd and returns the messages it produces, with batches and
// sequences flattened in order and nil messages dropped.
func Msgs(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if msg == nil {
		return nil
	}
	// tea.BatchMsg and tea.Sequence's unexported message are both slices
	// of commands.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		var out []tea.Msg
		for i := 0; i < v.Len(); i++ {
			out = append(out, Msgs(v.Index(i).Interface().(tea.Cmd))...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// Drive runs cmd like the Bubble Tea runtime: each message it produces goes
// to update, and the command update returns is driven in turn. Timers
// (nav.Timer) and tea.QuitMsg are not delivered: they are returned in the
// order they were produced, so the test decides when time passes. It
// panics if the model keeps producing commands past a bound.
func Drive(update func(tea.Msg) tea.Cmd, cmd tea.Cmd) (held []tea.Msg) {
	var drive func(cmd tea.Cmd, depth int)
	drive = func(cmd tea.Cmd, depth int) {
		if cmd == nil {
			return
		}
		if depth > maxDepth {
			panic("tuitest: the model keeps producing commands (a loop?)")
		}
		for _, msg := range Msgs(cmd) {
			switch msg.(type) {
			case nav.Timer, tea.QuitMsg:
				held = append(held, msg)
				continue
			}
			drive(update(msg), depth+1)
		}
	}
	drive(cmd, 0)
	return held
}

// Fire delivers the messages of held timers (from Drive) to update, as if
// their time had come, and drives what follows; it returns the timers
// started meanwhile.
func Fire(update func(tea.Msg) tea.Cmd, held []tea.Msg) []tea.Msg {
	var next []tea.Msg
	for _, h := range held {
		if t, ok := h.(nav.Timer); ok {
			next = append(next, Drive(update, nav.Cmd(t.Msg()))...)
		}
	}
	return next
}
