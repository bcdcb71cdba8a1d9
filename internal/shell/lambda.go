package shell

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/lambda"
	"github.com/cloudlab/cloudlab/internal/sim"
)

// Simulation-only options of create-function and update-function-configuration.
var lambdaSimOptions = []OptSpec{
	{Name: "init-duration", Type: Dist, Sim: true, Default: "300ms", Help: "Init phase duration: 250ms, exp(200ms), normal(200ms,30ms), lognormal(180ms,0.5), uniform(100ms,300ms)."},
	{Name: "duration", Type: Dist, Sim: true, Default: "100ms", Help: "Handler duration at the configured memory (same syntax)."},
	{Name: "error-rate", Type: Float, Sim: true, Default: "0", Help: "Probability (0..1) that an invocation returns a function error."},
	{Name: "cpu-bound", Type: Float, Sim: true, Default: "0", Help: "Fraction (0..1) of the duration that scales with CPU share (1,769 MB = 1 vCPU)."},
	{Name: "cpu-threads", Type: Int, Sim: true, Default: "1", Help: "vCPUs the handler can use (1 = single-threaded: no gain above 1,769 MB)."},
}

func fnOpt() OptSpec {
	return OptSpec{Name: "function-name", Required: true, Complete: "function", Help: "The function name or ARN."}
}

func withSim(opts ...OptSpec) []OptSpec { return append(opts, lambdaSimOptions...) }

// lambdaCommands are the `aws lambda` commands.
func lambdaCommands() []Command {
	return []Command{
		{
			Service: "lambda", Operation: "create-function", Summary: "Create a function (plus simulation parameters)",
			Options: withSim(fnOpt(),
				OptSpec{Name: "runtime", Help: "Runtime label, e.g. python3.12, nodejs22.x, java21."},
				OptSpec{Name: "role", Required: true, Help: "Execution role ARN (kept, not checked)."},
				OptSpec{Name: "handler", Help: "Handler, e.g. app.handler (kept)."},
				OptSpec{Name: "zip-file", Help: "Deployment package, e.g. fileb://function.zip (its size and SHA-256 are reported; a package not on disk is simulated)."},
				OptSpec{Name: "code", Help: "Code location: ZipFile=..., S3Bucket=...,S3Key=... or ImageUri=... (kept)."},
				OptSpec{Name: "package-type", Enum: []string{"Zip", "Image"}, Default: "Zip", Help: "Zip or container Image."},
				OptSpec{Name: "description", Help: "Description."},
				OptSpec{Name: "timeout", Type: Int, Default: "3", Help: "Timeout in seconds (1-900)."},
				OptSpec{Name: "memory-size", Type: Int, Default: "128", Help: "Memory in MB (128-10240); CPU is proportional."},
				OptSpec{Name: "architectures", Type: List, Enum: []string{"x86_64", "arm64"}, Default: "x86_64", Help: "Instruction set architecture."},
				OptSpec{Name: "environment", Help: "Variables={KEY=value,...} or JSON."},
				OptSpec{Name: "ephemeral-storage", Help: "Size=MB (512-10240)."},
				OptSpec{Name: "dead-letter-config", Help: "TargetArn=arn of an SQS queue or SNS topic for failed async events."},
				OptSpec{Name: "publish", Type: Bool, Help: "Publish version 1 at once."},
				OptSpec{Name: "tags", Help: "Tags (kept)."},
			),
			Run: lambdaCreate,
		},
		{
			Service: "lambda", Operation: "update-function-configuration", Summary: "Change $LATEST's settings (its environments are replaced)",
			Options: withSim(fnOpt(),
				OptSpec{Name: "runtime", Help: "Runtime label."},
				OptSpec{Name: "role", Help: "Execution role ARN."},
				OptSpec{Name: "handler", Help: "Handler."},
				OptSpec{Name: "description", Help: "Description."},
				OptSpec{Name: "timeout", Type: Int, Help: "Timeout in seconds (1-900)."},
				OptSpec{Name: "memory-size", Type: Int, Help: "Memory in MB (128-10240)."},
				OptSpec{Name: "environment", Help: "Variables={KEY=value,...} or JSON."},
				OptSpec{Name: "ephemeral-storage", Help: "Size=MB (512-10240)."},
				OptSpec{Name: "dead-letter-config", Help: "TargetArn=arn (empty TargetArn= removes it)."},
			),
			Run: lambdaUpdateConfig,
		},
		{
			Service: "lambda", Operation: "update-function-code", Summary: "Deploy new code to $LATEST (its environments are replaced)",
			Options: []OptSpec{fnOpt(),
				{Name: "zip-file", Help: "fileb://function.zip (its size and SHA-256 are reported; a package not on disk is simulated)."},
				{Name: "s3-bucket", Help: "S3 bucket of the package."},
				{Name: "s3-key", Help: "S3 key of the package."},
				{Name: "image-uri", Help: "Container image URI."},
				{Name: "architectures", Type: List, Enum: []string{"x86_64", "arm64"}, Help: "Instruction set architecture."},
				{Name: "publish", Type: Bool, Help: "Publish a version after the update."},
			},
			Run: lambdaUpdateCode,
		},
		{
			Service: "lambda", Operation: "get-function", Summary: "Show a function's configuration",
			Options: []OptSpec{fnOpt(), {Name: "qualifier", Help: "Version or alias."}},
			Run:     lambdaGet,
		},
		{
			Service: "lambda", Operation: "get-function-configuration", Summary: "Show a version's configuration",
			Options: []OptSpec{fnOpt(), {Name: "qualifier", Help: "Version or alias."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, v, err := lookupFn(ctx, a)
				if err != nil {
					return Result{}, err
				}
				return Result{Output: fnConfig(f, v)}, nil
			},
		},
		{
			Service: "lambda", Operation: "list-functions", Summary: "List functions",
			Options: []OptSpec{{Name: "function-version", Enum: []string{"ALL"}, Help: "ALL also lists published versions."}, {Name: "max-items", Type: Int, Help: "At most this many."}},
			Run:     lambdaList,
		},
		{
			Service: "lambda", Operation: "delete-function", Summary: "Delete a function",
			Options: []OptSpec{fnOpt(), {Name: "qualifier", Help: "Not supported: versions cannot be deleted one by one here."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				if a.Has("qualifier") {
					return Result{}, usagef("delete-function --qualifier: deleting a single version is not simulated; delete the whole function")
				}
				return Result{}, ctx.Acct.Lambda.DeleteFunction(a.Str("function-name"))
			},
		},
		{
			Service: "lambda", Operation: "invoke", Summary: "Invoke a function (runs the simulation until a synchronous call ends)",
			Options: []OptSpec{fnOpt(),
				{Name: "invocation-type", Enum: []string{"RequestResponse", "Event", "DryRun"}, Default: "RequestResponse", Help: "Synchronous, asynchronous (202) or a permission check (204)."},
				{Name: "log-type", Enum: []string{"None", "Tail"}, Default: "None", Help: "Tail returns the last 4 KB of the log, base64-encoded, in LogResult."},
				{Name: "payload", Help: "Event JSON (inline or file://); base64 as the AWS CLI v2 sends it by default, or raw JSON with --cli-binary-format raw-in-base64-out."},
				{Name: "qualifier", Help: "Version or alias."},
				{Name: "client-context", Help: "Client context (kept)."},
			},
			Args: []ArgSpec{{Name: "outfile", Required: true, Help: "File for the response (kept in memory; print it with `cat`)."}},
			Run:  lambdaInvoke,
		},
		{
			Service: "lambda", Operation: "put-function-concurrency", Summary: "Reserve concurrency for a function (0 stops it)",
			Options: []OptSpec{fnOpt(), {Name: "reserved-concurrent-executions", Type: Int, Required: true, Help: "Concurrency to reserve; the account must keep 100 unreserved."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				n := a.Int("reserved-concurrent-executions")
				if n > 1<<31 {
					n = 1 << 31
				}
				if err := f.PutReservedConcurrency(int(n)); err != nil {
					return Result{}, err
				}
				return Result{Output: map[string]int{"ReservedConcurrentExecutions": f.Reserved}}, nil
			},
		},
		{
			Service: "lambda", Operation: "get-function-concurrency", Summary: "Show a function's reserved concurrency",
			Options: []OptSpec{fnOpt()},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				if f.Reserved < 0 {
					return Result{Output: map[string]any{}}, nil
				}
				return Result{Output: map[string]int{"ReservedConcurrentExecutions": f.Reserved}}, nil
			},
		},
		{
			Service: "lambda", Operation: "delete-function-concurrency", Summary: "Remove a function's reserved concurrency",
			Options: []OptSpec{fnOpt()},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				f.DeleteReservedConcurrency()
				return Result{}, nil
			},
		},
		{
			Service: "lambda", Operation: "publish-version", Summary: "Publish $LATEST as a numbered, immutable version",
			Options: []OptSpec{fnOpt(), {Name: "description", Help: "Version description."}, {Name: "code-sha256", Help: "Expected code hash (kept)."}, {Name: "revision-id", Help: "Expected revision (kept)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				return Result{Output: fnConfig(f, f.PublishVersion(a.Str("description")))}, nil
			},
		},
		{
			Service: "lambda", Operation: "list-versions-by-function", Summary: "List $LATEST and the published versions",
			Options: []OptSpec{fnOpt()},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				out := []fnConfigOut{}
				for _, v := range f.Versions() {
					out = append(out, fnConfig(f, v))
				}
				return Result{Output: map[string]any{"Versions": out}}, nil
			},
		},
		{
			Service: "lambda", Operation: "create-alias", Summary: "Create an alias pointing to a version",
			Options: []OptSpec{fnOpt(), {Name: "name", Required: true, Help: "Alias name, e.g. live."}, {Name: "function-version", Required: true, Help: "Version number or $LATEST."}, {Name: "description", Help: "Description."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				al, err := f.CreateAlias(a.Str("name"), a.Str("function-version"), a.Str("description"))
				if err != nil {
					return Result{}, err
				}
				return Result{Output: aliasOut(f, al)}, nil
			},
		},
		{
			Service: "lambda", Operation: "update-alias", Summary: "Point an alias at another version",
			Options: []OptSpec{fnOpt(), {Name: "name", Required: true, Help: "Alias name."}, {Name: "function-version", Help: "New version."}, {Name: "description", Help: "Description."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				al, err := f.UpdateAlias(a.Str("name"), a.Str("function-version"), a.Str("description"))
				if err != nil {
					return Result{}, err
				}
				return Result{Output: aliasOut(f, al)}, nil
			},
		},
		{
			Service: "lambda", Operation: "get-alias", Summary: "Show an alias",
			Options: []OptSpec{fnOpt(), {Name: "name", Required: true, Help: "Alias name."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				al, err := f.Alias(a.Str("name"))
				if err != nil {
					return Result{}, err
				}
				return Result{Output: aliasOut(f, al)}, nil
			},
		},
		{
			Service: "lambda", Operation: "list-aliases", Summary: "List a function's aliases",
			Options: []OptSpec{fnOpt()},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				out := []aliasJSON{}
				for _, al := range f.Aliases() {
					out = append(out, aliasOut(f, al))
				}
				return Result{Output: map[string]any{"Aliases": out}}, nil
			},
		},
		{
			Service: "lambda", Operation: "put-provisioned-concurrency-config", Summary: "Keep environments initialized for a version or alias",
			Options: []OptSpec{fnOpt(), {Name: "qualifier", Required: true, Help: "Version number or alias (not $LATEST)."},
				{Name: "provisioned-concurrent-executions", Type: Int, Required: true, Help: "Environments to keep ready."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				n := min(a.Int("provisioned-concurrent-executions"), 1<<31)
				pc, err := f.PutProvisionedConcurrency(a.Str("qualifier"), int(n))
				if err != nil {
					return Result{}, err
				}
				return Result{Output: pcOut{Requested: pc.Requested, Allocated: lambdaIntPtr(pc.Allocated), Status: pc.Status, LastModified: lambdaTime(pc.LastModified)}}, nil
			},
		},
		{
			Service: "lambda", Operation: "get-provisioned-concurrency-config", Summary: "Show provisioned concurrency status (IN_PROGRESS, READY)",
			Options: []OptSpec{fnOpt(), {Name: "qualifier", Required: true, Help: "Version number or alias."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				pc, err := f.ProvisionedConcurrency(a.Str("qualifier"))
				if err != nil {
					return Result{}, err
				}
				return Result{Output: pcOut{Requested: pc.Requested, Available: lambdaIntPtr(pc.Available), Allocated: lambdaIntPtr(pc.Allocated), Status: pc.Status, LastModified: lambdaTime(pc.LastModified)}}, nil
			},
		},
		{
			Service: "lambda", Operation: "delete-provisioned-concurrency-config", Summary: "Remove provisioned concurrency",
			Options: []OptSpec{fnOpt(), {Name: "qualifier", Required: true, Help: "Version number or alias."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				return Result{}, f.DeleteProvisionedConcurrency(a.Str("qualifier"))
			},
		},
		{
			Service: "lambda", Operation: "put-function-event-invoke-config", Summary: "Set async retries, maximum event age and destinations",
			Options: []OptSpec{fnOpt(), {Name: "qualifier", Help: "Version or alias."},
				{Name: "maximum-retry-attempts", Type: Int, Default: "2", Help: "Retries after a function error (0-2)."},
				{Name: "maximum-event-age-in-seconds", Type: Int, Default: "21600", Help: "How long an event may wait (60-21600)."},
				{Name: "destination-config", Help: `{"OnSuccess":{"Destination":"arn"},"OnFailure":{"Destination":"arn"}} or OnFailure={Destination=arn}.`}},
			Run: lambdaPutEIC,
		},
		{
			Service: "lambda", Operation: "update-function-event-invoke-config", Summary: "Change some async invocation settings, keeping the others",
			Options: []OptSpec{fnOpt(), {Name: "qualifier", Help: "Version or alias."},
				{Name: "maximum-retry-attempts", Type: Int, Help: "Retries after a function error (0-2)."},
				{Name: "maximum-event-age-in-seconds", Type: Int, Help: "How long an event may wait (60-21600)."},
				{Name: "destination-config", Help: `{"OnSuccess":{"Destination":"arn"},"OnFailure":{"Destination":"arn"}} or OnFailure={Destination=arn}.`}},
			Run: lambdaUpdateEIC,
		},
		{
			Service: "lambda", Operation: "get-function-event-invoke-config", Summary: "Show async invocation settings",
			Options: []OptSpec{fnOpt(), {Name: "qualifier", Help: "Version or alias."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
				if err != nil {
					return Result{}, err
				}
				c, err := f.EventInvokeConfig(a.Str("qualifier")) // 404 when none was put
				if err != nil {
					return Result{}, err
				}
				return Result{Output: eicOut(f, a.Str("qualifier"), c)}, nil
			},
		},
		{
			Service: "lambda", Operation: "get-account-settings", Summary: "Show account concurrency limits and usage",
			Run: func(ctx *Ctx, a Args) (Result, error) {
				as := ctx.Acct.Lambda.Account()
				return Result{Output: map[string]any{
					"AccountLimit": map[string]any{
						"TotalCodeSize": int64(80530636800), "CodeSizeUnzipped": 262144000, "CodeSizeZipped": 52428800,
						"ConcurrentExecutions": as.ConcurrentExecutions, "UnreservedConcurrentExecutions": as.UnreservedConcurrentExecutions,
					},
					"AccountUsage": map[string]any{"TotalCodeSize": as.TotalCodeSize, "FunctionCount": as.FunctionCount},
				}}, nil
			},
		},
		{
			Service: "logs", Operation: "tail", Summary: "Print a function's recent log lines (log group /aws/lambda/NAME)",
			Options: []OptSpec{{Name: "since", Help: "Accepted for compatibility; the simulator keeps the last 64 invocations."}, {Name: "follow", Type: Bool, Help: "Accepted; prints what is there."}, {Name: "format", Help: "Accepted."}},
			Args:    []ArgSpec{{Name: "group-name", Required: true, Help: "Log group, e.g. /aws/lambda/my-function."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				g := a.Str("group-name")
				name, ok := strings.CutPrefix(g, "/aws/lambda/")
				f, err := ctx.Acct.Lambda.Function(name)
				if !ok || err != nil {
					return Result{}, &AWSError{Code: "ResourceNotFoundException", Message: "The specified log group does not exist."}
				}
				return Result{Text: strings.Join(f.RecentLogs(64), "\n")}, nil
			},
		},
		{
			Lab: true, Service: "settings", Operation: "lambda",
			Summary: "Show or change simulator settings (keep-alive, quotas, legacy scaling and billing)",
			Options: []OptSpec{
				{Name: "keep-alive", Type: Duration, Sim: true, Help: "How long idle environments are kept (measured ~10m; AWS promises nothing)."},
				{Name: "account-concurrency", Type: Int, Sim: true, Help: "Regional concurrency quota (default 1000)."},
				{Name: "scaling-model", Enum: []string{"current", "legacy"}, Sim: true, Help: "current: +1,000 environments per 10 s per function; legacy: Regional burst then +500/min."},
				{Name: "legacy-burst", Type: Int, Sim: true, Help: "Legacy burst: 500, 1000 or 3000 by Region."},
				{Name: "requests-per-environment", Type: Float, Sim: true, Help: "Invocation-rate cap per unit of concurrency (10; 0 disables)."},
				{Name: "billing-granularity", Enum: []string{"1ms", "100ms"}, Sim: true, Help: "1ms (since Dec 2020) or 100ms (before)."},
				{Name: "init-billing", Enum: []string{"billed", "free"}, Sim: true, Help: "billed (since Aug 2025) or free (the older rule for ZIP packages)."},
			},
			Run: lambdaSettings,
		},
	}
}

func lambdaIntPtr(n int) *int { return &n }

// lambdaTime formats simulated time like Lambda's LastModified.
func lambdaTime(d time.Duration) string {
	return sim.Epoch.Add(d).Format("2006-01-02T15:04:05.000-0700")
}

type fnConfigOut struct {
	FunctionName     string
	FunctionArn      string
	Runtime          string `json:",omitempty"`
	Role             string
	Handler          string `json:",omitempty"`
	CodeSize         int64
	Description      string
	Timeout          int
	MemorySize       int
	LastModified     string
	CodeSha256       string
	Version          string
	Environment      *lambdaEnvOut `json:",omitempty"`
	DeadLetterConfig *lambdaDLQOut `json:",omitempty"`
	TracingConfig    struct{ Mode string }
	State            string
	LastUpdateStatus string
	PackageType      string
	Architectures    []string
	EphemeralStorage struct{ Size int }
	Simulation       lambdaSimOut // cloudlab: the simulation parameters (not in AWS output)
}

type lambdaEnvOut struct{ Variables map[string]string }
type lambdaDLQOut struct{ TargetArn string }

type lambdaSimOut struct {
	InitDuration        string
	Duration            string
	ReferenceMemorySize int
	ErrorRate           float64
	CPUBound            float64
	CPUThreads          int
}

func fnConfig(f *lambda.Function, v *lambda.Version) fnConfigOut {
	c := v.Cfg
	o := fnConfigOut{
		FunctionName: f.Name, FunctionArn: f.ARN(v.Name), Runtime: c.Runtime, Role: c.Role, Handler: c.Handler,
		CodeSize: c.CodeSize, Description: c.Description, Timeout: int(c.Timeout / time.Second), MemorySize: c.MemoryMB,
		LastModified: lambdaTime(v.LastModified), CodeSha256: c.CodeSHA256, Version: v.Name,
		State: "Active", LastUpdateStatus: "Successful", PackageType: c.PackageType, Architectures: []string{c.Arch},
		Simulation: lambdaSimOut{InitDuration: c.Init.String(), Duration: c.Duration.String(), ReferenceMemorySize: c.RefMemoryMB,
			ErrorRate: c.ErrorRate, CPUBound: c.CPUBound, CPUThreads: c.Threads},
	}
	if v.Name == "$LATEST" {
		o.FunctionArn = f.ARN("")
	}
	if len(c.Environment) > 0 {
		o.Environment = &lambdaEnvOut{Variables: c.Environment}
	}
	if f.DLQ != "" {
		o.DeadLetterConfig = &lambdaDLQOut{TargetArn: f.DLQ}
	}
	o.TracingConfig.Mode = "PassThrough"
	o.EphemeralStorage.Size = c.EphemeralMB
	return o
}

type aliasJSON struct {
	AliasArn, Name, FunctionVersion, Description, RevisionId string
}

func aliasOut(f *lambda.Function, a *lambda.Alias) aliasJSON {
	return aliasJSON{AliasArn: f.ARN(a.Name), Name: a.Name, FunctionVersion: a.Version, Description: a.Description, RevisionId: a.RevisionID}
}

type pcOut struct {
	Requested    int    `json:"RequestedProvisionedConcurrentExecutions"`
	Available    *int   `json:"AvailableProvisionedConcurrentExecutions,omitempty"`
	Allocated    *int   `json:"AllocatedProvisionedConcurrentExecutions,omitempty"`
	Status       string `json:"Status"`
	LastModified string `json:"LastModified"`
}

func lambdaStr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// applyConfigOptions sets the configuration fields given on the command line.
func applyConfigOptions(c *lambda.Config, dlq *string, a Args, creating bool) error {
	if a.Has("runtime") {
		c.Runtime = a.Str("runtime")
	}
	if a.Has("role") {
		c.Role = a.Str("role")
	}
	if a.Has("handler") {
		c.Handler = a.Str("handler")
	}
	if a.Has("description") {
		c.Description = a.Str("description")
	}
	if a.Has("package-type") {
		c.PackageType = a.Str("package-type")
	}
	if a.Has("timeout") {
		t := a.Int("timeout")
		if t < 0 || t > 1<<20 {
			t = 1 << 20
		}
		c.Timeout = time.Duration(t) * time.Second
	}
	if a.Has("memory-size") {
		m := a.Int("memory-size")
		c.MemoryMB = int(max(min(m, 1<<20), -1))
	}
	if a.Has("architectures") {
		l := a.List("architectures")
		if len(l) != 1 {
			return &AWSError{Code: "ValidationException", Message: "1 validation error detected: Value at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1"}
		}
		c.Arch = l[0]
	}
	if a.Has("environment") {
		m, err := optShorthand("environment", a.Str("environment"))
		if err != nil {
			return err
		}
		vars, _ := m["Variables"].(map[string]any)
		c.Environment = map[string]string{}
		for k, v := range vars {
			c.Environment[k] = lambdaStr(v)
		}
	}
	if a.Has("ephemeral-storage") {
		m, err := optShorthand("ephemeral-storage", a.Str("ephemeral-storage"))
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(lambdaStr(m["Size"]))
		if err != nil {
			return usagef("--ephemeral-storage: want Size=MB, e.g. Size=1024")
		}
		c.EphemeralMB = n
	}
	if a.Has("dead-letter-config") {
		m, err := optShorthand("dead-letter-config", a.Str("dead-letter-config"))
		if err != nil {
			return err
		}
		*dlq = lambdaStr(m["TargetArn"])
	}
	if a.Has("init-duration") {
		c.Init = a.Dist("init-duration")
	}
	if a.Has("duration") {
		c.Duration = a.Dist("duration")
		c.RefMemoryMB = c.MemoryMB
	} else if creating {
		c.RefMemoryMB = c.MemoryMB
	}
	if a.Has("error-rate") {
		c.ErrorRate = a.Float("error-rate")
	}
	if a.Has("cpu-bound") {
		c.CPUBound = a.Float("cpu-bound")
	}
	if a.Has("cpu-threads") {
		c.Threads = int(max(min(a.Int("cpu-threads"), 64), 0))
	}
	return nil
}

func lambdaCreate(ctx *Ctx, a Args) (Result, error) {
	c := lambda.DefaultConfig()
	var dlq string
	if err := applyConfigOptions(&c, &dlq, a, true); err != nil {
		return Result{}, err
	}
	if c.PackageType == "Zip" && !a.Has("zip-file") && !a.Has("code") {
		return Result{}, &AWSError{Code: "InvalidParameterValueException", Message: "Please provide a source for function code (--zip-file fileb://function.zip or --code)."}
	}
	if pkg, ok := a.Blob("zip-file"); ok { // the package is on disk: its size and SHA-256
		c.CodeSize, c.CodeSHA256 = lambda.PackageDigest(pkg)
	}
	f, err := ctx.Acct.Lambda.CreateFunction(a.Str("function-name"), c)
	if err != nil {
		return Result{}, err
	}
	f.DLQ = dlq
	v := f.Latest()
	if a.Bool("publish") {
		v = f.PublishVersion("")
	}
	return Result{Output: fnConfig(f, v)}, nil
}

func lambdaUpdateConfig(ctx *Ctx, a Args) (Result, error) {
	f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
	if err != nil {
		return Result{}, err
	}
	c := f.Latest().Cfg
	dlq := f.DLQ
	if err := applyConfigOptions(&c, &dlq, a, false); err != nil {
		return Result{}, err
	}
	if err := f.UpdateConfiguration(c); err != nil {
		return Result{}, err
	}
	f.DLQ = dlq
	return Result{Output: fnConfig(f, f.Latest())}, nil
}

func lambdaUpdateCode(ctx *Ctx, a Args) (Result, error) {
	f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
	if err != nil {
		return Result{}, err
	}
	if !a.Has("zip-file") && !a.Has("s3-bucket") && !a.Has("image-uri") {
		return Result{}, &AWSError{Code: "InvalidParameterValueException", Message: "Please provide a source for function code."}
	}
	if a.Has("architectures") {
		c := f.Latest().Cfg
		l := a.List("architectures")
		c.Arch = l[len(l)-1]
		if err := f.UpdateConfiguration(c); err != nil {
			return Result{}, err
		}
	}
	if pkg, ok := a.Blob("zip-file"); ok {
		f.UpdateCodeFrom(pkg)
	} else {
		f.UpdateCode()
	}
	v := f.Latest()
	if a.Bool("publish") {
		v = f.PublishVersion("")
	}
	return Result{Output: fnConfig(f, v)}, nil
}

func lookupFn(ctx *Ctx, a Args) (*lambda.Function, *lambda.Version, error) {
	f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
	if err != nil {
		return nil, nil, err
	}
	v, err := f.Resolve(a.Str("qualifier"))
	if err != nil {
		return nil, nil, err
	}
	return f, v, nil
}

func lambdaGet(ctx *Ctx, a Args) (Result, error) {
	f, v, err := lookupFn(ctx, a)
	if err != nil {
		return Result{}, err
	}
	out := map[string]any{
		"Configuration": fnConfig(f, v),
		"Code": map[string]string{"RepositoryType": "S3",
			"Location": "https://awslambda-" + ctx.Acct.Lambda.Settings().Region + "-tasks.s3." + ctx.Acct.Lambda.Settings().Region + ".amazonaws.com/snapshots/" + ctx.Acct.Lambda.Settings().AccountID + "/" + f.Name + "-" + v.Cfg.CodeSHA256[:8]},
	}
	if f.Reserved >= 0 {
		out["Concurrency"] = map[string]int{"ReservedConcurrentExecutions": f.Reserved}
	}
	return Result{Output: out}, nil
}

func lambdaList(ctx *Ctx, a Args) (Result, error) {
	out := []fnConfigOut{}
	for _, f := range ctx.Acct.Lambda.Functions() {
		vs := []*lambda.Version{f.Latest()}
		if a.Str("function-version") == "ALL" {
			vs = f.Versions()
		}
		for _, v := range vs {
			out = append(out, fnConfig(f, v))
		}
	}
	if a.Has("max-items") && int64(len(out)) > a.Int("max-items") && a.Int("max-items") >= 0 {
		out = out[:a.Int("max-items")]
	}
	return Result{Output: map[string]any{"Functions": out}}, nil
}

type invokeOut struct {
	StatusCode      int
	FunctionError   string `json:",omitempty"`
	LogResult       string `json:",omitempty"`
	ExecutedVersion string `json:",omitempty"`
}

func lambdaInvoke(ctx *Ctx, a Args) (Result, error) {
	payload, err := invokePayload(a)
	if err != nil {
		return Result{}, err
	}
	k := ctx.Acct.Kernel
	inv, err := ctx.Acct.Lambda.Invoke(lambda.Request{Function: a.Str("function-name"), Qualifier: a.Str("qualifier"), Type: a.Str("invocation-type"), Payload: payload})
	if err != nil {
		return Result{}, err
	}
	out := invokeOut{StatusCode: inv.StatusCode}
	if inv.Type != lambda.TypeRequestResponse {
		if inv.StatusCode == 202 {
			_ = ctx.WriteFile(a.Str("outfile"), nil)
		}
		return Result{Output: out}, nil
	}
	for !inv.Done {
		ok, err := k.Step()
		if err != nil {
			if errors.Is(err, sim.ErrBudget) {
				return Result{}, fmt.Errorf("invoke: the simulation used its event budget of %d events", k.Budget())
			}
			return Result{}, err
		}
		if !ok {
			break
		}
	}
	var tail []string
	out.ExecutedVersion = inv.Version
	out.FunctionError = inv.FunctionError
	if a.Str("log-type") == "Tail" {
		logs := strings.Join(inv.LogLines(), "\n") + "\n"
		if len(logs) > 4096 {
			logs = logs[len(logs)-4096:]
		}
		out.LogResult = base64.StdEncoding.EncodeToString([]byte(logs))
		tail = strings.Split(strings.TrimRight(logs, "\n"), "\n")
	}
	if of := a.Str("outfile"); of == "/dev/stdout" || of == "-" {
		// Like the AWS CLI: the response, then the JSON summary.
		return Result{Output: out, Text: inv.Response() + "\n" + Result{Output: out}.String(), Logs: tail}, nil
	}
	if err := ctx.WriteFile(a.Str("outfile"), []byte(inv.Response())); err != nil {
		return Result{}, err
	}
	return Result{Output: out, Logs: tail}, nil
}

type eicJSON struct {
	LastModified             string
	FunctionArn              string
	MaximumRetryAttempts     int
	MaximumEventAgeInSeconds int
	DestinationConfig        struct {
		OnSuccess map[string]string
		OnFailure map[string]string
	}
}

func eicOut(f *lambda.Function, qual string, c lambda.EventInvokeConfig) eicJSON {
	q := qual
	if q == "" {
		q = "$LATEST"
	}
	o := eicJSON{LastModified: lambdaTime(c.LastModified), FunctionArn: f.ARN(q), MaximumRetryAttempts: c.MaximumRetryAttempts, MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds}
	o.DestinationConfig.OnSuccess = map[string]string{}
	o.DestinationConfig.OnFailure = map[string]string{}
	if c.OnSuccess != "" {
		o.DestinationConfig.OnSuccess["Destination"] = c.OnSuccess
	}
	if c.OnFailure != "" {
		o.DestinationConfig.OnFailure["Destination"] = c.OnFailure
	}
	return o
}

// lambdaPutEIC replaces the whole configuration (options left out take
// their defaults); lambdaUpdateEIC changes only the options given
// (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionEventInvokeConfig.html).
func lambdaPutEIC(ctx *Ctx, a Args) (Result, error) { return setEIC(ctx, a, false) }

func lambdaUpdateEIC(ctx *Ctx, a Args) (Result, error) { return setEIC(ctx, a, true) }

func setEIC(ctx *Ctx, a Args, update bool) (Result, error) {
	f, err := ctx.Acct.Lambda.Function(a.Str("function-name"))
	if err != nil {
		return Result{}, err
	}
	c := lambda.EventInvokeConfig{MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600}
	if update {
		if c, err = f.EventInvokeConfig(a.Str("qualifier")); err != nil {
			return Result{}, err
		}
	}
	if a.Has("maximum-retry-attempts") {
		c.MaximumRetryAttempts = int(max(min(a.Int("maximum-retry-attempts"), 1<<20), -1))
	}
	if a.Has("maximum-event-age-in-seconds") {
		c.MaximumEventAgeInSeconds = int(max(min(a.Int("maximum-event-age-in-seconds"), 1<<30), -1))
	}
	if a.Has("destination-config") {
		m, err := optShorthand("destination-config", a.Str("destination-config"))
		if err != nil {
			return Result{}, err
		}
		for k, v := range m {
			d, _ := v.(map[string]any)
			switch k {
			case "OnSuccess":
				c.OnSuccess = lambdaStr(d["Destination"])
			case "OnFailure":
				c.OnFailure = lambdaStr(d["Destination"])
			default:
				return Result{}, usagef("--destination-config: unknown key %s (want OnSuccess, OnFailure)", k)
			}
		}
	}
	if err := f.PutEventInvokeConfig(a.Str("qualifier"), c); err != nil {
		return Result{}, err
	}
	return Result{Output: eicOut(f, a.Str("qualifier"), f.EventInvokeConfigFor(a.Str("qualifier")))}, nil
}

func lambdaSettings(ctx *Ctx, a Args) (Result, error) {
	st := ctx.Acct.Lambda.Settings()
	if a.Has("keep-alive") {
		st.KeepAlive = a.Duration("keep-alive")
	}
	if a.Has("account-concurrency") {
		st.AccountConcurrency = int(max(min(a.Int("account-concurrency"), 1<<30), -1))
	}
	if a.Has("scaling-model") {
		st.ScalingModel = a.Str("scaling-model")
	}
	if a.Has("legacy-burst") {
		st.LegacyBurst = int(max(min(a.Int("legacy-burst"), 1<<30), -1))
	}
	if a.Has("requests-per-environment") {
		st.RequestsPerEnvironment = a.Float("requests-per-environment")
	}
	if a.Has("billing-granularity") {
		st.BillingGranularity, _ = sim.ParseDuration(a.Str("billing-granularity"))
	}
	if a.Has("init-billing") {
		st.InitBilling = a.Str("init-billing")
	}
	if err := ctx.Acct.Lambda.SetSettings(st); err != nil {
		return Result{}, err
	}
	st = ctx.Acct.Lambda.Settings()
	return Result{Output: map[string]any{
		"KeepAlive": st.KeepAlive.String(), "AccountConcurrency": st.AccountConcurrency, "UnreservedMinimum": st.UnreservedMinimum,
		"ScalingModel": st.ScalingModel, "ScalingBurst": st.ScalingBurst, "ScalingWindow": st.ScalingWindow.String(),
		"LegacyBurst": st.LegacyBurst, "LegacyPerMinute": st.LegacyPerMinute, "RequestsPerEnvironment": st.RequestsPerEnvironment,
		"BillingGranularity": st.BillingGranularity.String(), "InitBilling": st.InitBilling, "InitLimit": st.InitLimit.String(),
	}}, nil
}

// lambdaTraffic schedules invocations of a function.
func lambdaTraffic(ctx *Ctx, a Args, p *Pattern) (Result, error) {
	svc := ctx.Acct.Lambda
	name, qual := lambda.SplitFunctionName(a.Str("function-name")) // hello:live works too
	if err := lambda.QualifierConflict(qual, a.Str("qualifier")); err != nil {
		return Result{}, err
	}
	if qual == "" {
		qual = a.Str("qualifier")
	}
	f, err := svc.Function(name)
	if err != nil {
		return Result{}, err
	}
	if _, err := f.Resolve(qual); err != nil {
		return Result{}, err
	}
	typ := a.Str("invocation-type")
	if typ == "" {
		typ = lambda.TypeRequestResponse
	}
	payload := a.JSON("payload")
	req := lambda.Request{Function: f.Name, Qualifier: qual, Type: typ, Payload: payload}
	p.Start(ctx.Acct.Kernel, func() { _, _ = svc.Invoke(req) })
	n := p.Expected()
	text := fmt.Sprintf("traffic: %s to %s (%s, about %.0f invocations) from %s", p.Describe(), f.Name, typ, n, sim.FormatClock(ctx.Now()))
	return Result{Output: map[string]any{"FunctionName": f.Name, "Pattern": p.Describe(), "InvocationType": typ,
		"ExpectedInvocations": n, "From": sim.FormatClock(ctx.Now())}, Text: text}, nil
}
