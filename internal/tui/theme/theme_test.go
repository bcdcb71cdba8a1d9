package theme

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

func bindings() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("j"), key.WithHelp("j/k", "scroll")),
		key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "outline")),
		key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "disabled"), key.WithDisabled()),
		key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "back")),
	}
}

func TestHelpLineFits(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		s := New(true, noColor)
		for width := 0; width <= 60; width++ {
			t.Run(fmt.Sprintf("%v/%d", noColor, width), func(t *testing.T) {
				got := HelpLine(s, bindings(), width)
				if w := ansi.StringWidth(got); w > width {
					t.Errorf("width %d > %d: %q", w, width, got)
				}
				if strings.Contains(got, "disabled") {
					t.Error("disabled binding shown")
				}
			})
		}
	}
	if got := ansi.Strip(HelpLine(New(true, true), bindings(), 200)); got != "j/k scroll • o outline • / search • q back" {
		t.Errorf("full line %q", got)
	}
	if got := ansi.Strip(HelpLine(New(true, true), bindings(), 25)); got != "j/k scroll • o outline …" {
		t.Errorf("truncated line %q", got)
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		name        string
		width       int
		left, right string
		want        string
	}{
		{"both fit", 20, "left", "right", "left           right"},
		{"left truncated", 12, "a long title", "50%", "a long … 50%"},
		{"right wins", 5, "title", "100%!", "100%!"},
		{"zero", 0, "a", "b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ansi.Strip(Bar(New(true, true).Text, tt.width, tt.left, tt.right))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if ansi.StringWidth(got) > tt.width {
				t.Errorf("wider than %d", tt.width)
			}
		})
	}
}

func TestNoColorHasNoColours(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	for _, dark := range []bool{true, false} {
		c, n := New(dark, false), New(dark, true)
		if !strings.Contains(c.Title.Render("x"), "38;") {
			t.Errorf("dark=%v: colour styles have no colour: %q", dark, c.Title.Render("x"))
		}
		for _, st := range []string{n.Title.Render("x"), n.Selected.Render("x"), n.Error.Render("x"), n.StatusBar.Render("x"), n.Match.Render("x")} {
			if strings.Contains(st, "38;") || strings.Contains(st, "48;") {
				t.Errorf("dark=%v: colour in no-colour style: %q", dark, st)
			}
		}
		if !strings.Contains(n.Selected.Render("x"), "7") {
			t.Errorf("no-colour selection is not reverse video: %q", n.Selected.Render("x"))
		}
	}
}
