package quizui

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

type keyMap struct {
	Up, Down, Toggle, Pick, Enter key.Binding
	Type                          key.Binding // help only: typing a number
	Next, Prev                    key.Binding
	Flag, Review, Submit          key.Binding
	Walk, Yes, No                 key.Binding
	PageDown, PageUp              key.Binding
	Help, Back                    key.Binding
}

func newKeys() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Toggle:   key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "select")),
		Pick:     key.NewBinding(key.WithKeys("a", "b", "c", "d", "e", "1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("a-e/1-9", "pick")),
		Type:     key.NewBinding(key.WithKeys("0"), key.WithHelp("0-9", "type a number")),
		Enter:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "answer")),
		Next:     key.NewBinding(key.WithKeys("n", "right", "tab"), key.WithHelp("n/→", "next")),
		Prev:     key.NewBinding(key.WithKeys("p", "left", "shift+tab"), key.WithHelp("p/←", "previous")),
		Flag:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "flag")),
		Review:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "review")),
		Submit:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "submit")),
		Walk:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "walk-through")),
		Yes:      key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y", "yes")),
		No:       key.NewBinding(key.WithKeys("n", "esc", "q"), key.WithHelp("n/esc", "no")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "scroll up")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back:     key.NewBinding(key.WithKeys("q", "esc"), key.WithHelp("q", "back")),
	}
}

// KeyHelp is the screen's keys and what they do (the README's table).
func KeyHelp() [][2]string { return theme.HelpRows(newKeys()) }
