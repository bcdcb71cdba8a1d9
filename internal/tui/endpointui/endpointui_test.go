package endpointui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cloudlab/cloudlab/internal/endpoint"
	"github.com/cloudlab/cloudlab/internal/invoker"
)

func TestViewFitsAndIsSanitized(t *testing.T) {
	now := time.Now()
	snap := Snapshot{Now: now}
	for i := range 12 {
		snap.Functions = append(snap.Functions, FnRow{Name: "function-with-a-rather-long-name-" + string(rune('a'+i)), Concurrency: i, Envs: i + 1,
			Spark: []float64{0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765, 10946, 17711, 28657, 46368, 75025, 121393, 196418, 317811}})
	}
	for i := range 40 {
		snap.Envs = append(snap.Envs, invoker.EnvInfo{ID: int64(i), Function: "f", Version: "$LATEST", PID: 1000 + i, State: "IDLE", Started: now.Add(-time.Minute)})
	}
	reqs := make(chan endpoint.RequestLog)
	for _, size := range [][2]int{{80, 24}, {120, 40}, {40, 10}} {
		var m tea.Model = New("127.0.0.1:4566", func() Snapshot { return snap }, reqs)
		m, _ = m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		m, _ = m.Update(snapMsg(snap))
		for range 50 {
			m, _ = m.Update(reqMsg(endpoint.RequestLog{Time: now, Operation: "Invoke", Function: "evil\x1b]0;pwned\x07\x1b[2J\x9b31m", Status: 200, Detail: "cold"}))
		}
		v := m.View()
		lines := strings.Split(v, "\n")
		if len(lines) > size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Errorf("%dx%d: line of width %d: %q", size[0], size[1], w, l)
			}
			plain := ansi.Strip(l)
			if strings.ContainsAny(plain, "\x1b\x07\u009b") || strings.Contains(plain, "pwned\x07") {
				t.Errorf("control characters reached the screen: %q", l)
			}
		}
	}
}
