package quizui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cloudlab/cloudlab/internal/tui"
	"github.com/cloudlab/cloudlab/internal/tui/nav"
	"github.com/cloudlab/cloudlab/internal/tui/theme"
)

// Standalone runs one screen as a whole program (`cloudlab quiz` and
// `cloudlab review` open straight into the quiz, without the home screen):
// nav.Back quits, nav.Error shows a line at the bottom, ctrl+c quits, and
// the screen's Close runs before quitting.
type Standalone struct {
	screen tui.Screen
	st     theme.Styles
	flash  string
	w, h   int
}

// NewStandalone wraps a screen.
func NewStandalone(s tui.Screen, st theme.Styles) *Standalone {
	return &Standalone{screen: s, st: st}
}

// Init starts the screen.
func (p *Standalone) Init() tea.Cmd { return p.screen.Init() }

func (p *Standalone) quit() tea.Cmd {
	if c, ok := p.screen.(tui.Closer); ok {
		c.Close()
	}
	return tea.Quit
}

// Update routes messages to the screen.
func (p *Standalone) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.w, p.h = msg.Width, msg.Height
		p.screen.SetSize(msg.Width, max(1, msg.Height-p.flashLines()))
	case tea.KeyMsg:
		if msg.String() == "ctrl+c" {
			return p, p.quit()
		}
		if p.flash != "" {
			p.flash = ""
			p.screen.SetSize(p.w, p.h)
		}
	case nav.Back:
		return p, p.quit()
	case nav.Error:
		if msg.Err != nil {
			p.flash = strings.Join(strings.Fields(msg.Err.Error()), " ")
			p.screen.SetSize(p.w, max(1, p.h-1))
		}
		return p, nil
	case nav.OpenLesson, nav.OpenLab, nav.OpenQuiz, nav.OpenReview:
		return p, nil
	}
	var cmd tea.Cmd
	p.screen, cmd = p.screen.Update(msg)
	return p, cmd
}

func (p *Standalone) flashLines() int {
	if p.flash != "" {
		return 1
	}
	return 0
}

// View draws the screen and the error line.
func (p *Standalone) View() string {
	v := p.screen.View()
	if p.flash != "" {
		v += "\n" + theme.Bar(p.st.Error, p.w, " "+p.flash, "")
	}
	return v
}
