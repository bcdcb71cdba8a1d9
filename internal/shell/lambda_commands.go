package shell

import (
	"strings"
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
