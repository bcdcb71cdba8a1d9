package lab_test

import (
	"fmt"
	"strings"

	"github.com/cloudlab/cloudlab/internal/lab"
)

// A lab is parsed from Markdown, then a runner executes commands against a
// fresh simulated cloud and passes steps as their checks hold.
func ExampleRunner() {
	src := "## Let a minute pass\n\n```check\n# Passes when the goal is met.\nnow >= seconds(\"1m\")\n```\n\n```solution\nclock advance 1m\n```\n"
	l, probs := lab.Parse([]byte(src), 1)
	if len(probs) > 0 {
		fmt.Println(probs)
		return
	}
	l.ID = "lab-demo"
	r, err := lab.NewRunner(l)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, _ := r.RunScript(strings.NewReader("clock advance 30s\nclock advance 30s\n"))
	for _, s := range res.Steps {
		fmt.Printf("%s: passed=%v after command %d at %s\n", s.Title, s.Passed, s.Command, s.At)
	}
	// Output:
	// Let a minute pass: passed=true after command 2 at 00:01:00.000
}
