package shell

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// splitPipe splits a command's words at a `|`: the command, and the filter
// its output goes through. cloudlab has no shell, so the only filter is the
// one the AWS documentation pairs with `--log-type Tail`:
//
//	aws lambda invoke ... --log-type Tail --query LogResult --output text | base64 --decode
func splitPipe(words []string) (cmd []string, filter []string, err error) {
	for i, w := range words {
		if w != "|" {
			continue
		}
		cmd, filter = words[:i], words[i+1:]
		if len(cmd) == 0 || len(filter) == 0 {
			return nil, nil, &UsageError{Msg: "a | needs a command on both sides"}
		}
		if len(filter) != 2 || filter[0] != "base64" || (filter[1] != "-d" && filter[1] != "--decode") {
			return nil, nil, &UsageError{Msg: fmt.Sprintf("cannot pipe to %q: the only filter here is `| base64 --decode` (cloudlab runs no shell)", strings.Join(filter, " "))}
		}
		if strings.Contains(strings.Join(filter, " "), "|") {
			return nil, nil, &UsageError{Msg: "only one | is supported"}
		}
		return cmd, filter, nil
	}
	return words, nil, nil
}

// applyFilter runs the pipe's filter on a command's printed output.
func applyFilter(filter []string, res Result) (Result, error) {
	if filter == nil {
		return res, nil
	}
	in := strings.Join(strings.Fields(res.String()), "")
	b, err := base64.StdEncoding.DecodeString(in)
	if err != nil {
		return Result{}, &UsageError{Msg: "base64: invalid input (use --query LogResult --output text before the pipe)"}
	}
	return Result{Text: strings.TrimRight(string(b), "\n")}, nil
}
