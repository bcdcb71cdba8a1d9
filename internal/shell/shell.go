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
	"strconv"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/sim"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// builtins is the command registry. Each service contributes its commands
// from its own file; keep this list one line per service.
func builtins() []Command {
	var cs []Command
	cs = append(cs, verbCommands()...)
	cs = append(cs, qualifiedNames(lambdaCommands())...) // name:qualifier and ARNs (lambda_names.go)
	cs = append(cs, ecsAllCommands()...)                 // ecs, ec2, application-autoscaling, fault, explain
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
	op := e.Operation
	if op == "" {
		op = "unknown"
	}
	return fmt.Sprintf("An error occurred (%s) when calling the %s operation: %s", e.Code, op, e.Message)
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

// Args holds a command's parsed options and positional arguments.
type Args struct {
	vals  map[string]any    // option name or positional arg name -> typed value
	blobs map[string][]byte // fileb:// contents read from disk, by option name
	Pos   []string          // positional words as typed
}

// Blob returns the bytes of a fileb:// option when the file exists (a
// deployment package that is not on disk is simulated: ok is false).
func (a Args) Blob(name string) ([]byte, bool) { b, ok := a.blobs[name]; return b, ok }

// Has reports whether the option (or positional argument) was given.
func (a Args) Has(name string) bool { _, ok := a.vals[name]; return ok }

// Str returns a string option ("" if absent).
func (a Args) Str(name string) string { s, _ := a.vals[name].(string); return s }

// Int returns an int option (0 if absent).
func (a Args) Int(name string) int64 { v, _ := a.vals[name].(int64); return v }

// Float returns a float option (0 if absent).
func (a Args) Float(name string) float64 { v, _ := a.vals[name].(float64); return v }

// Bool returns a flag (false if absent or given as --no-NAME).
func (a Args) Bool(name string) bool { v, _ := a.vals[name].(bool); return v }

// Duration returns a duration option (0 if absent).
func (a Args) Duration(name string) time.Duration { v, _ := a.vals[name].(time.Duration); return v }

// Dist returns a distribution option (zero Dist if absent).
func (a Args) Dist(name string) sim.Dist { v, _ := a.vals[name].(sim.Dist); return v }

// List returns a list option (nil if absent).
func (a Args) List(name string) []string { v, _ := a.vals[name].([]string); return v }

// JSON returns a JSON option's text (inline or read from file://).
func (a Args) JSON(name string) string { s, _ := a.vals[name].(string); return s }

// Decode unmarshals a JSON option into v.
func (a Args) Decode(name string, v any) error {
	s := a.JSON(name)
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return usagef("Error parsing parameter '--%s': Invalid JSON: %v", name, err)
	}
	return nil
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
	if len(words) == 0 {
		return Result{}, nil
	}
	cmd, rest, err := s.lookup(words)
	if err != nil {
		return Result{}, err
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
	if res, err = out.apply(res); err != nil {
		return res, err
	}
	return applyFilter(filter, res)
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

// parseArgs turns words into typed Args following cmd's specs.
func parseArgs(s *Shell, cmd *Command, words []string) (Args, error) {
	a := Args{vals: map[string]any{}}
	specs := map[string]*OptSpec{}
	for i := range cmd.Options {
		specs[cmd.Options[i].Name] = &cmd.Options[i]
	}
	var unknown []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w, "--") || len(w) == 2 {
			a.Pos = append(a.Pos, w)
			continue
		}
		name, val, hasVal := strings.Cut(w[2:], "=")
		spec := specs[name]
		if spec == nil {
			if b, ok := strings.CutPrefix(name, "no-"); ok && specs[b] != nil && specs[b].Type == Bool && !hasVal {
				a.vals[b] = false
				continue
			}
			if globalFlags[name] && !hasVal {
				continue
			}
			if globalOptions[name] {
				if !hasVal {
					if i+1 >= len(words) {
						return a, usagef("aws: error: argument --%s: expected one argument", name)
					}
					i++
					val = words[i]
				}
				if name == "cli-binary-format" {
					// Kept: lambda invoke reads it (binaryformat.go).
					if err := checkEnum("--cli-binary-format", val, []string{"base64", "raw-in-base64-out"}); err != nil {
						return a, err
					}
					a.vals[name] = val
				}
				continue
			}
			unknown = append(unknown, w)
			if !hasVal && i+1 < len(words) && !strings.HasPrefix(words[i+1], "--") {
				i++ // skip its value
			}
			continue
		}
		if _, dup := a.vals[name]; dup {
			return a, usagef("aws: error: argument --%s: given more than once", name)
		}
		if spec.Type == Bool {
			if hasVal {
				b, err := strconv.ParseBool(val)
				if err != nil {
					return a, usagef("aws: error: argument --%s: expected true or false, got '%s'", name, val)
				}
				a.vals[name] = b
			} else {
				a.vals[name] = true
			}
			continue
		}
		if spec.Type == List {
			var items []string
			if hasVal {
				items = append(items, val)
			}
			for i+1 < len(words) && !strings.HasPrefix(words[i+1], "--") {
				i++
				items = append(items, words[i])
			}
			if len(items) == 0 {
				return a, usagef("aws: error: argument --%s: expected at least one argument", name)
			}
			for _, it := range items {
				if err := checkEnum(name, it, spec.Enum); err != nil {
					return a, err
				}
			}
			a.vals[name] = items
			continue
		}
		if !hasVal {
			if i+1 >= len(words) || (strings.HasPrefix(words[i+1], "--") && len(words[i+1]) > 2 && spec.Type != Int && spec.Type != Float) {
				return a, usagef("aws: error: argument --%s: expected one argument", name)
			}
			i++
			val = words[i]
		}
		v, err := convert(s, "--"+name, val, spec.Type, spec.Enum)
		if err != nil {
			return a, err
		}
		a.vals[name] = v
		if rest, ok := strings.CutPrefix(val, "fileb://"); ok && (spec.Type == "" || spec.Type == String) {
			b, err := s.readBinary(rest)
			var fe *FileError
			switch {
			case err == nil:
				if a.blobs == nil {
					a.blobs = map[string][]byte{}
				}
				a.blobs[name] = b
			case errors.As(err, &fe) && (fe.Problem == "not-found" || fe.Problem == "no-files"):
				// A package that is not on disk is simulated (the labs'
				// fileb://hello.zip): Blob reports it absent.
			default:
				return a, usagef("Error parsing parameter '--%s': Unable to load paramfile %s: %v", name, val, err)
			}
		}
	}
	if len(unknown) > 0 {
		var names []string
		for _, sp := range cmd.Options {
			names = append(names, "--"+sp.Name)
		}
		u := strings.SplitN(unknown[0], "=", 2)[0]
		return a, usagef("Unknown options: %s%s (see: %s)", strings.Join(unknown, ", "), didYouMean(u, names), seeHelp(cmd))
	}
	// Positional arguments.
	pi := 0
	for _, as := range cmd.Args {
		if as.Rest {
			if pi < len(a.Pos) {
				a.vals[as.Name] = append([]string(nil), a.Pos[pi:]...)
				pi = len(a.Pos)
			} else if as.Required {
				return a, usagef("%s: missing %s (see: %s)", cmd.Words(), as.Name, seeHelp(cmd))
			}
			continue
		}
		if pi >= len(a.Pos) {
			if as.Required {
				return a, usagef("%s: missing %s (see: %s)", cmd.Words(), as.Name, seeHelp(cmd))
			}
			continue
		}
		v, err := convert(s, as.Name, a.Pos[pi], as.Type, as.Enum)
		if err != nil {
			return a, err
		}
		a.vals[as.Name] = v
		pi++
	}
	if pi < len(a.Pos) {
		return a, usagef("%s: unexpected argument '%s' (see: %s)", cmd.Words(), a.Pos[pi], seeHelp(cmd))
	}
	var missing []string
	for _, sp := range cmd.Options {
		if sp.Required && !a.Has(sp.Name) {
			missing = append(missing, "--"+sp.Name)
		}
	}
	if len(missing) > 0 {
		return a, usagef("aws: error: the following arguments are required: %s", strings.Join(missing, ", "))
	}
	return a, nil
}

func checkEnum(name, v string, enum []string) error {
	if len(enum) == 0 || slices.Contains(enum, v) {
		return nil
	}
	return usagef("aws: error: argument %s: Invalid choice '%s'%s, valid choices are: %s", name, v, didYouMean(v, enum), strings.Join(enum, " | "))
}

func convert(s *Shell, name, val string, t OptType, enum []string) (any, error) {
	if t == "" {
		t = String
	}
	if rest, ok := strings.CutPrefix(val, "file://"); ok && (t == String || t == JSON) {
		b, err := s.readFile(rest)
		if err != nil {
			return nil, usagef("Error parsing parameter '%s': Unable to load paramfile %s: %v", name, val, err)
		}
		val = string(b)
	}
	// fileb:// values (deployment packages) stay as typed here; parseArgs
	// reads the bytes into Args.Blob.
	if err := checkEnum(name, val, enum); err != nil {
		return nil, err
	}
	switch t {
	case String:
		return val, nil
	case JSON:
		if !json.Valid([]byte(val)) {
			return nil, usagef("Error parsing parameter '%s': Invalid JSON: %s", name, clip(val, 60))
		}
		return val, nil
	case Int:
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return nil, usagef("aws: error: argument %s: invalid int value: '%s'", name, termtext.Clip(val, 40))
		}
		return n, nil
	case Float:
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || f != f {
			return nil, usagef("aws: error: argument %s: invalid number: '%s'", name, termtext.Clip(val, 40))
		}
		return f, nil
	case Duration:
		d, err := sim.ParseDuration(val)
		if err != nil {
			return nil, usagef("argument %s: %v", name, err)
		}
		return d, nil
	case Dist:
		d, err := sim.ParseDist(val)
		if err != nil {
			return nil, usagef("argument %s: %v", name, err)
		}
		return d, nil
	case List:
		return []string{val}, nil
	}
	return nil, usagef("argument %s: unsupported type %s", name, t)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Split tokenizes a command line like a POSIX shell: whitespace separates
// words; 'single quotes' are literal; "double quotes" allow \" \\ \$ \`
// escapes; a backslash outside quotes escapes the next character; a `#` at
// the start of a word begins a comment. JSON payloads in single quotes
// survive unchanged.
func Split(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '#' && !inWord:
			return words, nil
		case c == '$' && i+1 < len(rs) && rs[i+1] == '\'':
			// $'...': bash's ANSI-C quoting (\n, \t, \\, \' ...), how a
			// one-line command passes a multi-line user-data script.
			j, err := ansiCQuote(rs, i+2, &cur)
			if err != nil {
				return nil, err
			}
			inWord = true
			i = j
		case c == '\'':
			inWord = true
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				cur.WriteRune(rs[j])
				j++
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("unterminated single quote at column %d", i+1)
			}
			i = j
		case c == '"':
			inWord = true
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) && strings.ContainsRune("\"\\$`\n", rs[j+1]) {
					j++
					if rs[j] == '\n' {
						continue
					}
				}
				cur.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("unterminated double quote at column %d", i+1)
			}
			i = j
		case c == '\\':
			if i+1 >= len(rs) {
				return nil, fmt.Errorf("trailing backslash at column %d", i+1)
			}
			i++
			if rs[i] == '\n' {
				continue // line continuation
			}
			inWord = true
			cur.WriteRune(rs[i])
		default:
			inWord = true
			cur.WriteRune(c)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// ansiCQuote reads the body of $'...' from rs[i:] into cur and returns the
// index of the closing quote.
func ansiCQuote(rs []rune, i int, cur *strings.Builder) (int, error) {
	start := i - 2
	for ; i < len(rs); i++ {
		c := rs[i]
		if c == '\'' {
			return i, nil
		}
		if c != '\\' || i+1 >= len(rs) {
			cur.WriteRune(c)
			continue
		}
		i++
		switch rs[i] {
		case 'n':
			cur.WriteRune('\n')
		case 't':
			cur.WriteRune('\t')
		case 'r':
			cur.WriteRune('\r')
		case '\\', '\'', '"', '?':
			cur.WriteRune(rs[i])
		default:
			cur.WriteRune('\\')
			cur.WriteRune(rs[i])
		}
	}
	return 0, fmt.Errorf("unterminated $' quote at column %d", start+1)
}

// didYouMean returns ` (did you mean 'x'?)` for the closest candidate, or "".
func didYouMean(word string, cands []string) string {
	if best := Closest(word, cands); best != "" {
		return fmt.Sprintf(" (did you mean '%s'?)", best)
	}
	return ""
}

// Closest returns the candidate nearest to word by edit distance, if it is
// close enough to be a plausible typo (distance at most 1/3 of the length,
// at least 2), or a candidate that word is a prefix of; else "".
func Closest(word string, cands []string) string {
	best, bestD := "", 1<<30
	for _, c := range cands {
		d := editDistance(word, c)
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	limit := max(2, len([]rune(word))/3)
	if best != "" && bestD <= limit && bestD > 0 {
		return best
	}
	for _, c := range cands {
		if len(word) >= 3 && c != word && strings.HasPrefix(c, word) {
			return c
		}
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Optimal string alignment distance (Damerau-Levenshtein without
	// substring edits): insertions, deletions, substitutions, transpositions.
	rows := [3][]int{make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		pp, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, pp
	}
	return rows[1][len(rb)]
}
