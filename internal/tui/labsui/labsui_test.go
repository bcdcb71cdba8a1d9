package labsui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// The class server runs no learner's code: there the list says which lab
// needs the learner's own machine (opening it says why), and at home the
// same lab is listed with its steps.
func TestRealLabOnTheClassServer(t *testing.T) {
	c, probs := course.Load(course.Embedded())
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	line := func(shared bool) string {
		m := New(Deps{Course: c, Styles: theme.New(true, true), Shared: shared}, "")
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 40})
		m.SetSize(80, 40)
		for _, l := range strings.Split(m.View(), "\n") {
			if strings.Contains(l, "Real code") {
				return l
			}
		}
		t.Fatalf("no line for the real-handler lab:\n%s", m.View())
		return ""
	}
	if l := line(true); !strings.Contains(l, "own machine") {
		t.Errorf("class server: %q", l)
	}
	if l := line(false); strings.Contains(l, "own machine") || !strings.Contains(l, "steps") {
		t.Errorf("own machine: %q", l)
	}
}
