// Package theme holds the one Styles struct of the TUI. Screens take their
// colours from it and never use colour literals, so dark, light and NO_COLOR
// terminals all work.
package theme

import (
	"reflect"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Styles are the lipgloss styles of every screen.
type Styles struct {
	Dark    bool // built for a dark background
	NoColor bool // NO_COLOR or --plain: no colours (bold/reverse only)

	Title    lipgloss.Style // screen titles
	Subtitle lipgloss.Style // section headings (track names)
	Text     lipgloss.Style // body text
	Muted    lipgloss.Style // secondary text, dim hints
	Accent   lipgloss.Style // links, keys, highlights
	Success  lipgloss.Style // done, correct
	Warning  lipgloss.Style // in progress, due
	Error    lipgloss.Style // errors, wrong
	Selected lipgloss.Style // the selected row of a list
	Border   lipgloss.Style // boxes (use with lipgloss.RoundedBorder etc.)

	StatusBar lipgloss.Style // the bottom status bar
	Help      lipgloss.Style // the key help line
	HelpKey   lipgloss.Style // a key in the help line
	HelpDesc  lipgloss.Style // a key's description in the help line
	Match     lipgloss.Style // a search match
	Current   lipgloss.Style // the current search match
	Code      lipgloss.Style // inline code in short texts (quiz options)
}

// palette holds the colours of one background.
type palette struct {
	text, muted, accent, success, warning, errc, selFg, selBg, barFg, barBg, border, match, current lipgloss.Color
}

var darkPalette = palette{
	text: "252", muted: "245", accent: "86", success: "42", warning: "214", errc: "203",
	selFg: "230", selBg: "24", barFg: "252", barBg: "236", border: "240", match: "58", current: "136",
}

var lightPalette = palette{
	text: "235", muted: "242", accent: "25", success: "28", warning: "130", errc: "124",
	selFg: "232", selBg: "153", barFg: "235", barBg: "254", border: "248", match: "229", current: "220",
}

// New builds the styles for a dark or light background. noColor gives
// styles without any colour (bold, underline and reverse video only).
func New(dark bool, noColor bool) Styles {
	return NewWithRenderer(lipgloss.DefaultRenderer(), dark, noColor)
}

// NewWithRenderer builds the styles on a given Lip Gloss renderer: one per
// SSH session on the class server, so colours follow each student's
// terminal.
func NewWithRenderer(r *lipgloss.Renderer, dark bool, noColor bool) Styles {
	s := Styles{Dark: dark, NoColor: noColor}
	if noColor {
		s.Title = r.NewStyle().Bold(true)
		s.Subtitle = r.NewStyle().Bold(true)
		s.Text = r.NewStyle()
		s.Muted = r.NewStyle()
		s.Accent = r.NewStyle().Bold(true)
		s.Success = r.NewStyle()
		s.Warning = r.NewStyle()
		s.Error = r.NewStyle().Bold(true)
		s.Selected = r.NewStyle().Reverse(true)
		s.Border = r.NewStyle()
		s.StatusBar = r.NewStyle().Reverse(true)
		s.Help = r.NewStyle()
		s.HelpKey = r.NewStyle().Bold(true)
		s.HelpDesc = r.NewStyle()
		s.Match = r.NewStyle().Underline(true)
		s.Current = r.NewStyle().Reverse(true)
		s.Code = r.NewStyle()
		return s
	}
	p := darkPalette
	if !dark {
		p = lightPalette
	}
	s.Title = r.NewStyle().Bold(true).Foreground(p.accent)
	s.Subtitle = r.NewStyle().Bold(true).Foreground(p.text)
	s.Text = r.NewStyle().Foreground(p.text)
	s.Muted = r.NewStyle().Foreground(p.muted)
	s.Accent = r.NewStyle().Foreground(p.accent)
	s.Success = r.NewStyle().Foreground(p.success)
	s.Warning = r.NewStyle().Foreground(p.warning)
	s.Error = r.NewStyle().Bold(true).Foreground(p.errc)
	s.Selected = r.NewStyle().Foreground(p.selFg).Background(p.selBg).Bold(true)
	s.Border = r.NewStyle().BorderForeground(p.border).Foreground(p.border)
	s.StatusBar = r.NewStyle().Foreground(p.barFg).Background(p.barBg)
	s.Help = r.NewStyle().Foreground(p.muted)
	s.HelpKey = r.NewStyle().Foreground(p.accent)
	s.HelpDesc = r.NewStyle().Foreground(p.muted)
	s.Match = r.NewStyle().Background(p.match)
	s.Current = r.NewStyle().Background(p.current).Foreground(p.selFg)
	s.Code = r.NewStyle().Foreground(p.errc)
	return s
}

// NewHelp returns a bubbles help model drawn with these styles.
func NewHelp(s Styles) help.Model {
	h := help.New()
	h.Styles.ShortKey = s.HelpKey
	h.Styles.ShortDesc = s.HelpDesc
	h.Styles.ShortSeparator = s.Muted
	h.Styles.FullKey = s.HelpKey
	h.Styles.FullDesc = s.HelpDesc
	h.Styles.FullSeparator = s.Muted
	h.Styles.Ellipsis = s.Muted
	return h
}

// Bar draws a one-line bar of the given width with left and right parts:
// the right part wins when both do not fit, and the left is truncated.
func Bar(style lipgloss.Style, width int, left, right string) string {
	if width <= 0 {
		return ""
	}
	rw := ansi.StringWidth(right)
	if rw > width {
		right = ansi.Truncate(right, width, "…")
		rw = ansi.StringWidth(right)
	}
	room := width - rw
	if ansi.StringWidth(left) > room-1 {
		if room-1 > 0 {
			left = ansi.Truncate(left, room-1, "…")
		} else {
			left = ""
		}
	}
	gap := width - ansi.StringWidth(left) - rw
	if gap < 0 {
		gap = 0
	}
	return style.Render(left + strings.Repeat(" ", gap) + right)
}

// HelpLine renders key bindings as a one-line help ("j/k scroll • q back")
// that never exceeds width: items that do not fit are replaced by "…".
// (bubbles' help.ShortHelpView overflows when the ellipsis itself does not
// fit.)
func HelpLine(s Styles, bindings []key.Binding, width int) string {
	sep := s.Muted.Render(" • ")
	var b strings.Builder
	used := 0
	first := true
	for i, kb := range bindings {
		if !kb.Enabled() || kb.Help().Key == "" {
			continue
		}
		item := s.HelpKey.Render(kb.Help().Key) + " " + s.HelpDesc.Render(kb.Help().Desc)
		if !first {
			item = sep + item
		}
		w := ansi.StringWidth(item)
		last := i == len(bindings)-1
		// Keep room for the ellipsis unless this is the last item.
		if used+w > width || (!last && used+w+2 > width) {
			if used+2 <= width {
				b.WriteString(s.Muted.Render(" …"))
			}
			break
		}
		b.WriteString(item)
		used += w
		first = false
	}
	return b.String()
}

// HelpRows lists the key bindings of a key map struct (its key.Binding
// fields, in order) that have help, as key and description: what the
// README's key table is generated from.
func HelpRows(keymap any) [][2]string {
	var rows [][2]string
	v := reflect.ValueOf(keymap)
	for i := 0; i < v.NumField(); i++ {
		b, ok := v.Field(i).Interface().(key.Binding)
		if !ok {
			continue
		}
		if h := b.Help(); h.Key != "" && h.Desc != "" {
			rows = append(rows, [2]string{h.Key, h.Desc})
		}
	}
	return rows
}
