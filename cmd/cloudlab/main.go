// Command cloudlab teaches cloud compute in the terminal: Markdown lessons,
// quizzes and hands-on labs against a simulated cloud.
package main

import (
	"os"

	"github.com/cloudlab/cloudlab/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
