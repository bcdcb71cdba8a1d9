package shell

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
)

// splitPipe splits a command's words at a `|`: the command, and the filter
// its output goes through. cloudlab has no shell, so the only filter is the
// one the AWS documentation pairs with `--log-type Tail`:
//
//	aws lambda invoke ... --log-type Tail --query LogResult --output text | base64 --decode
//
// and the one the Amazon ECR documentation pairs with get-login-password
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html):
//
//	aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin HOST
func splitPipe(words []string) (cmd []string, filter []string, err error) {
	for i, w := range words {
		if w != "|" {
			continue
		}
		cmd, filter = words[:i], words[i+1:]
		if len(cmd) == 0 || len(filter) == 0 {
			return nil, nil, &UsageError{Msg: "a | needs a command on both sides"}
		}
		if slices.Contains(filter, "|") {
			return nil, nil, &UsageError{Msg: "only one | is supported"}
		}
		if isDockerLogin(filter) {
			if len(cmd) < 3 || cmd[0] != "aws" || cmd[1] != "ecr" || cmd[2] != "get-login-password" {
				return nil, nil, &UsageError{Msg: "only `aws ecr get-login-password` can be piped to docker login (cloudlab runs no shell)"}
			}
			return cmd, filter, nil
		}
		if len(filter) != 2 || filter[0] != "base64" || (filter[1] != "-d" && filter[1] != "--decode") {
			return nil, nil, &UsageError{Msg: fmt.Sprintf("cannot pipe to %q: the only filters here are `| base64 --decode` and `| docker login` (cloudlab runs no shell)", strings.Join(filter, " "))}
		}
		if strings.Contains(strings.Join(filter, " "), "|") {
			return nil, nil, &UsageError{Msg: "only one | is supported"}
		}
		return cmd, filter, nil
	}
	return words, nil, nil
}

func isDockerLogin(words []string) bool {
	return len(words) >= 2 && words[0] == "docker" && words[1] == "login"
}

// applyFilter runs the pipe's filter on a command's printed output; for
// docker login the output is its standard input.
func (s *Shell) applyFilter(filter []string, res Result) (Result, error) {
	if filter == nil {
		return res, nil
	}
	if isDockerLogin(filter) {
		s.stdin, s.piped = res.String(), true
		defer func() { s.stdin, s.piped = "", false }()
		return s.runWords(filter, strings.Join(filter, " "))
	}
	in := strings.Join(strings.Fields(res.String()), "")
	b, err := base64.StdEncoding.DecodeString(in)
	if err != nil {
		return Result{}, &UsageError{Msg: "base64: invalid input (use --query LogResult --output text before the pipe)"}
	}
	return Result{Text: strings.TrimRight(string(b), "\n")}, nil
}
