// Package simrun runs a script of command lines against a fresh simulated
// cloud: `cloudlab sim run FILE [--seed N] [--json]`.
//
// A script is one command per line (the shell's language; `#` starts a
// comment; a line ending in a backslash continues on the next line). Plain
// output prints what the AWS CLI would print for each command (JSON
// pretty-printed with 4 spaces, or text). With JSON set, every command
// prints one JSON object on its own line:
//
//	{"line":N,"command":"...","at":"00:00:00.000","output":<JSON or null>,"error":"..." or null}
//
// "at" is the simulated time when the command was issued (sim.FormatClock).
// Text-only results (help, cat, logs) appear as a JSON string in "output".
//
// A bad line does not stop the script: its error is reported as
// "NAME:LINE: message" (on Options.Err in plain mode, in "error" in JSON
// mode) and the next line runs. Run returns a *FailedError when any command
// failed, so the caller can exit non-zero. The same script and seed always
// give byte-identical output.
package simrun

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/shell"
	"github.com/cloudlab/cloudlab/internal/sim"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// Options configure Run.
type Options struct {
	Seed uint64
	JSON bool
	Name string    // script name used in "NAME:LINE: message" (default "script")
	Err  io.Writer // plain mode: where errors go (default: w)
	FS   fs.FS     // where file:// and traffic --trace read files (nil: none)
	// Dir: read files from disk, relative paths against Dir (the script's
	// folder); absolute paths and ../ work, as on a learner's machine.
	// With Confine, only files inside Dir can be read (a shared server).
	// Dir wins over FS.
	Dir     string
	Confine bool
}

// FailedError reports how many commands failed.
type FailedError struct {
	Failed, Total int
}

func (e *FailedError) Error() string {
	return fmt.Sprintf("%d of %d commands failed", e.Failed, e.Total)
}

type record struct {
	Line    int     `json:"line"`
	Command string  `json:"command"`
	At      string  `json:"at"`
	Output  any     `json:"output"`
	Error   *string `json:"error"`
}

// Run runs the script read from r against a fresh simulated account seeded
// with opts.Seed, writing results to w.
func Run(r io.Reader, w io.Writer, opts Options) error {
	name := opts.Name
	if name == "" {
		name = "script"
	}
	errw := opts.Err
	if errw == nil {
		errw = w
	}
	var shOpts []shell.Option
	switch {
	case opts.Dir != "" && opts.Confine:
		shOpts = append(shOpts, shell.WithConfinedDir(opts.Dir))
	case opts.Dir != "":
		shOpts = append(shOpts, shell.WithDir(opts.Dir))
	case opts.FS != nil:
		shOpts = append(shOpts, shell.WithFS(opts.FS))
	}
	acct := cloud.New(opts.Seed)
	sh := shell.New(acct, shOpts...)
	bw := bufio.NewWriter(w)
	defer bw.Flush()

	script := shell.NewScriptReader(r)
	total, failed := 0, 0
	for {
		line, ok, err := script.Next()
		if err != nil {
			failed++
			total++
			msg := fmt.Sprintf("%s:%d: %v", name, script.LineNo()+1, err)
			report(bw, errw, opts.JSON, record{Line: script.LineNo() + 1, At: sim.FormatClock(acct.Kernel.Now()), Error: &msg})
			break
		}
		if !ok {
			break
		}
		cmd, start := line.Text, line.Line
		total++
		at := sim.FormatClock(acct.Kernel.Now())
		res, rerr := sh.Run(cmd)
		rec := record{Line: start, Command: strings.TrimSpace(cmd), At: at}
		if rerr != nil {
			failed++
			msg := fmt.Sprintf("%s:%d: %v", name, start, rerr)
			rec.Error = &msg
		} else {
			rec.Output = res.Output
			if rec.Output == nil && res.Text != "" {
				rec.Output = res.Text
			}
		}
		if opts.JSON {
			report(bw, errw, true, rec)
			bw.Flush()
			continue
		}
		if rerr != nil {
			bw.Flush()
			report(bw, errw, false, rec)
			continue
		}
		if s := res.String(); s != "" {
			fmt.Fprintln(bw, termtext.Sanitize(s))
		}
		// Each command's output as soon as it completes: a long script
		// shows its progress, and a slow command is seen as the one running.
		bw.Flush()
	}
	if failed > 0 {
		return &FailedError{Failed: failed, Total: total}
	}
	return nil
}

func report(bw *bufio.Writer, errw io.Writer, asJSON bool, rec record) {
	if asJSON {
		b, err := json.Marshal(rec)
		if err != nil {
			msg := fmt.Sprintf("output of line %d is not JSON: %v", rec.Line, err)
			rec.Output, rec.Error = nil, &msg
			b, _ = json.Marshal(rec)
		}
		bw.Write(b)
		bw.WriteByte('\n')
		return
	}
	if rec.Error != nil {
		fmt.Fprintln(errw, termtext.Sanitize(*rec.Error))
	}
}
