// Command simrun runs a script like `cloudlab sim run` does; it exists to
// measure whole-process time and memory of the simulator on its own:
//
//	go build -o /tmp/simrun ./internal/simrun/testdata/simrun
//	/usr/bin/time -v /tmp/simrun -seed 1 internal/simrun/testdata/million.sim
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cloudlab/cloudlab/internal/simrun"
)

func main() {
	js := flag.Bool("json", false, "one JSON object per command")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: simrun [-seed N] [-json] FILE")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	err = simrun.Run(f, os.Stdout, simrun.Options{Seed: *seed, JSON: *js, Name: flag.Arg(0), Err: os.Stderr,
		FS: os.DirFS(filepath.Dir(flag.Arg(0)))})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
