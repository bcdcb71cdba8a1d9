package render

import (
	"reflect"
	"testing"

	"github.com/charmbracelet/glamour/ansi"
)

// glamour's dark comment colour lies exactly between palette entries 241
// (#626262) and 242 (#6c6c6c); chroma broke the tie by map order, so the
// same lesson rendered differently from run to run. Snapping picks the
// first in palette order, every time.
func TestSnapColourBreaksTiesByPaletteOrder(t *testing.T) {
	for i := 0; i < 50; i++ {
		if got := snapColour("#676767"); got != "#626262" {
			t.Fatalf("snapColour(#676767) = %s, want #626262", got)
		}
	}
	if got := snapColour("#ff875f"); got != "#ff875f" {
		t.Errorf("a palette colour moved: %s", got)
	}
	if got := snapColour("not a colour"); got != "not a colour" {
		t.Errorf("a non-colour changed: %s", got)
	}
}

// Every code colour of the styles cloudlab renders with is a palette entry.
func TestCodeColoursArePaletteEntries(t *testing.T) {
	for _, style := range []string{"dark", "light"} {
		ch := styleConfig(style, 80).CodeBlock.Chroma
		v := reflect.ValueOf(ch).Elem()
		for i := 0; i < v.NumField(); i++ {
			p := v.Field(i).Addr().Interface().(*ansi.StylePrimitive)
			for _, c := range []*string{p.Color, p.BackgroundColor} {
				if c != nil && snapColour(*c) != *c {
					t.Errorf("%s %s: %s is not a palette entry", style, v.Type().Field(i).Name, *c)
				}
			}
		}
	}
}
