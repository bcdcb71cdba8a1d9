package reader

import (
	"reflect"
	"testing"
)

func TestHeadings(t *testing.T) {
	body := []byte("# Title\n\nText.\n\n## The `handler` and **you**\n\n```text\n## not a heading\n```\n\n### Deep\n\n#### Too deep\n\nSetext\n------\n")
	got := Headings(body)
	want := []Heading{
		{1, "Title", -1},
		{2, "The handler and you", -1},
		{3, "Deep", -1},
		{2, "Setext", -1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestLocateHeadings(t *testing.T) {
	plain := []string{
		"  Title",
		"",
		" some text mentioning Deep",
		" ## The handler and you",
		" ### Deep",
	}
	got := locateHeadings([]Heading{{1, "Title", -1}, {2, "The handler and you", -1}, {3, "Deep", -1}, {2, "Missing", -1}}, plain)
	lines := []int{got[0].Line, got[1].Line, got[2].Line, got[3].Line}
	if !reflect.DeepEqual(lines, []int{0, 3, 4, -1}) {
		t.Errorf("lines %v", lines)
	}
}
