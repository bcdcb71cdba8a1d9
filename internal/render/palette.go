package render

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/alecthomas/chroma/v2"
	"github.com/charmbracelet/glamour/ansi"
)

// Code blocks are highlighted by chroma's 256-colour formatter, which maps
// each style colour to the closest palette entry by walking a Go map: when
// two entries are equally close (glamour's dark comment colour #676767
// lies exactly between 241 and 242) the choice changes from run to run,
// and so did the rendered bytes (and the disk cache's entries). Snapping
// every code colour to its closest xterm palette entry first, ties broken
// by palette order, makes the mapping exact and the output repeatable; the
// colours shown are the same ones the formatter would have picked.

// xterm256 is the colour cube and grey ramp of the xterm palette (16-255).
var xterm256 = sync.OnceValue(func() []chroma.Colour {
	levels := []int{0, 95, 135, 175, 215, 255}
	var out []chroma.Colour
	for _, r := range levels {
		for _, g := range levels {
			for _, b := range levels {
				out = append(out, chroma.NewColour(uint8(r), uint8(g), uint8(b)))
			}
		}
	}
	for i := 0; i < 24; i++ {
		v := uint8(8 + 10*i)
		out = append(out, chroma.NewColour(v, v, v))
	}
	return out
})

func snapColour(s string) string {
	c := chroma.ParseColour(s)
	if !c.IsSet() {
		return s
	}
	pal := xterm256()
	best, dist := pal[0], pal[0].Distance(c)
	for _, p := range pal[1:] {
		if d := p.Distance(c); d < dist {
			best, dist = p, d
		}
	}
	return fmt.Sprintf("#%02x%02x%02x", best.Red(), best.Green(), best.Blue())
}

// snapChroma returns a copy of ch with every colour snapped to the palette.
func snapChroma(ch *ansi.Chroma) *ansi.Chroma {
	if ch == nil {
		return nil
	}
	cp := *ch
	v := reflect.ValueOf(&cp).Elem()
	for i := 0; i < v.NumField(); i++ {
		p, ok := v.Field(i).Addr().Interface().(*ansi.StylePrimitive)
		if !ok {
			continue
		}
		if p.Color != nil {
			s := snapColour(*p.Color)
			p.Color = &s
		}
		if p.BackgroundColor != nil {
			s := snapColour(*p.BackgroundColor)
			p.BackgroundColor = &s
		}
	}
	return &cp
}
