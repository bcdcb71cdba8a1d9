package cli

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's key table")

// TestREADMEKeyTable keeps the README's key table what the app's key maps
// define (go test ./internal/cli -run TestREADMEKeyTable -update-readme).
func TestREADMEKeyTable(t *testing.T) {
	const path = "../../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?s)<!-- keys:start -->.*<!-- keys:end -->`)
	want := "<!-- keys:start -->\n" + keyTable() + "<!-- keys:end -->"
	got := re.FindString(string(b))
	if *updateReadme {
		if err := os.WriteFile(path, []byte(re.ReplaceAllLiteralString(string(b), want)), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != want {
		t.Errorf("README key table differs from the key maps; run go test ./internal/cli -run TestREADMEKeyTable -update-readme\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// TestREADMELinks: every file the README and docs link to exists.
func TestREADMELinks(t *testing.T) {
	files := []string{"../../README.md", "../../CONTRIBUTING.md"}
	docs, _ := os.ReadDir("../../docs")
	for _, d := range docs {
		if strings.HasSuffix(d.Name(), ".md") {
			files = append(files, "../../docs/"+d.Name())
		}
	}
	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		dir := f[:strings.LastIndex(f, "/")]
		// Links shown as code (examples) are not links.
		text := regexp.MustCompile("(?s)````.*?````|```.*?```|`[^`\n]*`").ReplaceAllString(string(b), "")
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			if _, err := os.Stat(dir + "/" + target); err != nil {
				t.Errorf("%s links to %s, which does not exist", f, target)
			}
		}
	}
}
