// Package shell is cloudlab's command language: a subset of the AWS CLI
// (`aws <service> <operation> --option value ...`) plus lab verbs (clock,
// traffic, report, help, ...), run against a simulated cloud.Account.
//
// Commands are data: each service file returns a []Command from a function
// (lambdaCommands, verbCommands, ...) and builtins() concatenates them. Help
// text, option checking, "did you mean" suggestions and tab completion are
// all generated from that data.
//
// Domain errors implement AWSCoder (or are *AWSError) so they print like the
// AWS CLI. Lab verbs of a service (fault instance, fault task) are Commands
// with Lab set; `traffic` dispatches to the TrafficFunc of the target's
// service (trafficTargets). Resource names for tab completion come from
// cloud.Account.Names(kind) (OptSpec.Complete = kind).
package shell

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

// builtins is the command registry. Each service contributes its commands
// from its own file; keep this list one line per service.
func builtins() []Command {
	var cs []Command
	cs = append(cs, verbCommands()...)
	cs = append(cs, qualifiedNames(lambdaCommands())...) // name:qualifier and ARNs (lambda_names.go)
	cs = append(cs, ecsAllCommands()...)                 // ecs, ec2, application-autoscaling, fault, explain
	cs = append(cs, dockerCommands()...)                 // docker build/images/history/tag/rmi, echo (docker.go)
	cs = append(cs, ecrCommands()...)                    // aws ecr, docker login/push/pull (ecr.go)
	return cs
}

// trafficTargets maps a traffic target to the function that schedules the
// arrivals of a `traffic` command. "lambda" is used when --function-name is
// given; "ecs" when --cluster is given (added by the ecs helper).
func trafficTargets() map[string]TrafficFunc {
	return map[string]TrafficFunc{
		"lambda": lambdaTraffic,
		"ecs":    ecsTraffic,
	}
}

// OptType is the type of an option's or a positional argument's value.
type OptType string

// Option value types.
const (
	String   OptType = "string"   // any text; file:// reads a file
	Int      OptType = "int"      // a whole number
	Float    OptType = "float"    // a number
	Bool     OptType = "bool"     // a flag without a value (--flag / --no-flag)
	Duration OptType = "duration" // 250ms, 1.5s, 5m, 2h, 1d (sim.ParseDuration)
	Dist     OptType = "dist"     // a duration distribution (sim.ParseDist)
	List     OptType = "list"     // one or more values up to the next --option
	JSON     OptType = "json"     // a JSON document (inline or file://); kept as text
)

// OptSpec describes one --option of a command.
type OptSpec struct {
	Name     string   // without the leading "--", e.g. "function-name"
	Type     OptType  // value type
	Required bool     // the command fails without it
	Help     string   // one line for `help`
	Sim      bool     // a simulation-only option (not in the real AWS CLI)
	Enum     []string // allowed values (checked, and offered by completion)
	Complete string   // resource kind whose names complete the value ("function")
	Default  string   // documented default, shown by help
	Repeat   bool     // a string option that may be given several times (docker run -p 80:80 -p 443:443); Args.All reads them
	Short    string   // a one-letter alias typed -X (docker's -t, -f); only lab verbs use it
}

// ArgSpec describes a positional argument.
type ArgSpec struct {
	Name     string
	Type     OptType // String, Int, Float, Duration or Dist
	Required bool
	Help     string
	Rest     bool     // takes all remaining positional words (a List)
	Enum     []string // allowed values
	Complete string   // resource kind for completion
}

// Command is one command of the language. AWS commands have Service and
// Operation ("lambda", "invoke") and are typed as `aws lambda invoke`. Lab
// verbs have Lab set: the words are Service then Operation, and Operation
// may be empty (`traffic`, `report`, `clock advance`).
type Command struct {
	Service   string
	Operation string
	Lab       bool
	Summary   string
	Options   []OptSpec
	Args      []ArgSpec
	Run       func(*Ctx, Args) (Result, error)
}

// Words returns how the command is typed, e.g. "aws lambda invoke".
func (c *Command) Words() string {
	if c.Lab {
		return strings.TrimSpace(c.Service + " " + c.Operation)
	}
	return "aws " + c.Service + " " + c.Operation
}

// APIName is the AWS API operation name: "put-function-concurrency" ->
// "PutFunctionConcurrency".
func (c *Command) APIName() string { return apiName(c.Operation) }

func apiName(op string) string {
	var b strings.Builder
	for _, p := range strings.Split(op, "-") {
		if p == "" {
			continue
		}
		b.WriteString(strings.ToUpper(p[:1]) + p[1:])
	}
	return b.String()
}

// Result is what a command returns: an AWS-shaped JSON value (or nil) and
// optional plain text. String gives what the CLI prints.
type Result struct {
	Output any    // AWS-shaped JSON value (struct or map), or nil
	Text   string // plain CLI-like text; when empty, the CLI prints Output as JSON
	// Logs are the log lines an invoke with --log-type Tail returned
	// (LogResult, decoded), for screens that show them under the output;
	// never part of the printed output.
	Logs []string
}

// String renders the result as the AWS CLI would print it: Text when set,
// else Output as JSON indented by 4 spaces, else nothing.
func (r Result) String() string {
	if r.Text != "" {
		return strings.TrimRight(r.Text, "\n")
	}
	if r.Output == nil {
		return ""
	}
	b, err := json.MarshalIndent(r.Output, "", "    ")
	if err != nil {
		return fmt.Sprintf("%v", r.Output)
	}
	return string(b)
}

// AWSError is an error as an AWS API returns it. Error() prints it like the
// AWS CLI: "An error occurred (Code) when calling the Op operation: msg".
type AWSError struct {
	Code       string // e.g. ResourceNotFoundException
	Message    string
	Reason     string // e.g. ReservedFunctionConcurrentInvocationLimitExceeded (throttles)
	Operation  string // API name, e.g. Invoke; filled in by the shell when empty
	StatusCode int    // HTTP status, e.g. 429
}

func (e *AWSError) Error() string {
	if e.Operation == "" { // a lab verb (traffic ...): no AWS operation to name
		return fmt.Sprintf("An error occurred (%s): %s", e.Code, e.Message)
	}
	return fmt.Sprintf("An error occurred (%s) when calling the %s operation: %s", e.Code, e.Operation, e.Message)
}

// AWSCoder is implemented by domain errors (lambda, ecs, ...) that carry an
// AWS error code; the shell converts them to *AWSError.
type AWSCoder interface {
	error
	ErrorCode() string
	ErrorMessage() string
	ErrorReason() string
	HTTPStatus() int
}

// UsageError is a mistake in the command line itself (unknown command or
// option, missing or bad value). It prints like the AWS CLI's usage errors.
type UsageError struct {
	Msg string
}

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, a ...any) error { return &UsageError{Msg: fmt.Sprintf(format, a...)} }

// toAWS converts domain errors to *AWSError for operation op.
func toAWS(err error, op string) error {
	if err == nil {
		return nil
	}
	var ae *AWSError
	if errors.As(err, &ae) {
		if ae.Operation == "" {
			cp := *ae
			cp.Operation = op
			return &cp
		}
		return ae
	}
	var c AWSCoder
	if errors.As(err, &c) {
		return &AWSError{Code: c.ErrorCode(), Message: c.ErrorMessage(), Reason: c.ErrorReason(), Operation: op, StatusCode: c.HTTPStatus()}
	}
	return err
}

// Ctx is what a command's Run gets besides its Args.
type Ctx struct {
	Shell *Shell
	Acct  *cloud.Account
	Cmd   *Command
	Line  string // the command line as typed
}

// Now returns the simulated time.
func (c *Ctx) Now() time.Duration { return c.Acct.Kernel.Now() }

// ReadFile reads a file for file:// values: the in-memory files first, then
// the shell's file reader (files.go: WithDir, WithConfinedDir, WithFS).
func (c *Ctx) ReadFile(name string) ([]byte, error) { return c.Shell.readFile(name) }

// WriteFile stores an output file (such as invoke's outfile) in the shell's
// in-memory files.
func (c *Ctx) WriteFile(name string, data []byte) error { return c.Shell.writeFile(name, data) }

// Shell runs command lines against one simulated account.
type Shell struct {
	acct    *cloud.Account
	cmds    []Command
	reader  fileReader
	files   map[string][]byte
	traffic map[string]TrafficFunc
	maxArr  float64 // arrivals allowed per traffic command
	stdin   string  // what a pipe feeds the running command (docker login --password-stdin)
	piped   bool    // the running command is on the right of a |
	real    *Real   // real handlers (real.go); nil in the simulator
}

// Option configures a Shell.
type Option func(*Shell)

// New returns a shell over acct.
func New(acct *cloud.Account, opts ...Option) *Shell {
	s := &Shell{acct: acct, cmds: builtins(), files: map[string][]byte{}, traffic: trafficTargets(), maxArr: MaxArrivals}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Account returns the simulated account the shell runs against.
func (s *Shell) Account() *cloud.Account { return s.acct }

// Commands returns the registry (read-only use).
func (s *Shell) Commands() []Command { return s.cmds }

// File returns an in-memory file (written by a command or preloaded).
func (s *Shell) File(name string) ([]byte, bool) {
	b, ok := s.files[cleanName(name)]
	return b, ok
}

func cleanName(name string) string {
	return strings.TrimPrefix(path.Clean(strings.ReplaceAll(name, "\\", "/")), "./")
}

// readFile reads a text file (file://): an in-memory file written by a
// command first, then the file reader. Errors are *FileError.
func (s *Shell) readFile(name string) ([]byte, error) {
	if b, ok := s.files[cleanName(name)]; ok {
		return b, nil
	}
	return s.reader.read(name, false)
}

// readBinary reads a fileb:// file (50 MB cap).
func (s *Shell) readBinary(name string) ([]byte, error) {
	if b, ok := s.files[cleanName(name)]; ok {
		return b, nil
	}
	return s.reader.read(name, true)
}

func (s *Shell) writeFile(name string, data []byte) error {
	if name == "" || name == "-" {
		return nil
	}
	s.files[cleanName(name)] = data
	return nil
}

// globalOptions are AWS CLI options accepted anywhere and ignored.
// (--query and --output are applied: see output.go.)
var globalOptions = map[string]bool{"profile": true, "region": true, "endpoint-url": true, "cli-binary-format": true}
var globalFlags = map[string]bool{"no-cli-pager": true, "debug": true, "no-paginate": true, "no-verify-ssl": true}

// Run parses and runs one command line. An empty or comment-only line
// returns an empty Result and no error.
func (s *Shell) Run(line string) (Result, error) {
	words, err := Split(line)
	if err != nil {
		return Result{}, &UsageError{Msg: err.Error()}
	}
	words, filter, err := splitPipe(words)
	if err != nil {
		return Result{}, err
	}
	res, err := s.runWords(words, line)
	if err != nil {
		return res, err
	}
	return s.applyFilter(filter, res)
}

// runWords runs one command (no pipe) given as words.
func (s *Shell) runWords(words []string, line string) (Result, error) {
	if len(words) == 0 {
		return Result{}, nil
	}
	cmd, rest, err := s.lookup(words)
	if err != nil {
		return Result{}, err
	}
	if s.real != nil && cmd != nil && cmd.Lab && (cmd.Service == "traffic" || cmd.Service == "clock" && cmd.Operation == "advance") {
		return Result{}, errRealClock
	}
	if cmd == nil { // help request resolved by lookup
		return Result{Text: s.helpFor(rest)}, nil
	}
	var out outputOptions
	if !cmd.Lab {
		if rest, out, err = takeOutputOptions(rest); err != nil {
			return Result{}, err
		}
	}
	args, err := parseArgs(s, cmd, rest)
	if err != nil {
		return Result{}, err
	}
	ctx := &Ctx{Shell: s, Acct: s.acct, Cmd: cmd, Line: line}
	res, err := cmd.Run(ctx, args)
	if err != nil {
		return Result{}, toAWS(err, cmd.APIName())
	}
	return out.apply(res)
}

// lookup finds the command for words. It returns (nil, helpWords, nil) for
// help requests like `aws lambda help` or `aws lambda invoke help`.
func (s *Shell) lookup(words []string) (*Command, []string, error) {
	if words[0] == "aws" {
		if len(words) == 1 || words[1] == "help" {
			return nil, []string{"aws"}, nil
		}
		svc := words[1]
		if !s.hasService(svc) {
			return nil, nil, usagef("aws: error: argument command: Invalid choice '%s'%s", svc, didYouMean(svc, s.services()))
		}
		if len(words) == 2 || words[2] == "help" {
			return nil, []string{"aws", svc}, nil
		}
		op := words[2]
		for i := range s.cmds {
			c := &s.cmds[i]
			if !c.Lab && c.Service == svc && c.Operation == op {
				if len(words) > 3 && words[3] == "help" {
					return nil, []string{"aws", svc, op}, nil
				}
				return c, words[3:], nil
			}
		}
		return nil, nil, usagef("aws: error: argument operation: Invalid choice '%s'%s (see: aws %s help)", op, didYouMean(op, s.operations(svc)), svc)
	}
	verb := words[0]
	var cands []*Command
	for i := range s.cmds {
		c := &s.cmds[i]
		if c.Lab && c.Service == verb {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return nil, nil, usagef("unknown command '%s'%s (type help for the list)", verb, didYouMean(verb, s.verbs()))
	}
	// A verb with no operation takes its words as options/args.
	for _, c := range cands {
		if c.Operation == "" {
			return c, words[1:], nil
		}
	}
	var ops []string
	for _, c := range cands {
		ops = append(ops, c.Operation)
		if len(words) > 1 && words[1] == c.Operation {
			return c, words[2:], nil
		}
	}
	if len(words) == 1 {
		return nil, nil, usagef("%s: missing subcommand; one of: %s", verb, strings.Join(ops, ", "))
	}
	return nil, nil, usagef("%s: unknown subcommand '%s'%s; one of: %s", verb, words[1], didYouMean(words[1], ops), strings.Join(ops, ", "))
}

func (s *Shell) hasService(svc string) bool { return slices.Contains(s.services(), svc) }

func (s *Shell) services() []string {
	var out []string
	for _, c := range s.cmds {
		if !c.Lab && !slices.Contains(out, c.Service) {
			out = append(out, c.Service)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Shell) operations(svc string) []string {
	var out []string
	for _, c := range s.cmds {
		if !c.Lab && c.Service == svc {
			out = append(out, c.Operation)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Shell) verbs() []string {
	out := []string{"aws"}
	for _, c := range s.cmds {
		if c.Lab && !slices.Contains(out, c.Service) {
			out = append(out, c.Service)
		}
	}
	sort.Strings(out)
	return out
}
