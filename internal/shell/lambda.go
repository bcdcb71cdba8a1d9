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
	// cloudlab: the simulation parameters (not in AWS output; none for a
	// function whose package runs for real).
	Simulation *lambdaSimOut `json:",omitempty"`
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
	}
	if c.CodeLocation == "" {
		o.Simulation = &lambdaSimOut{InitDuration: c.Init.String(), Duration: c.Duration.String(), ReferenceMemorySize: c.RefMemoryMB,
			ErrorRate: c.ErrorRate, CPUBound: c.CPUBound, CPUThreads: c.Threads}
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
	if err := realCode(ctx, a, &c, true); err != nil {
		return Result{}, err
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
	if err := ctx.Shell.refuseSimOptions(a); err != nil {
		return Result{}, err
	}
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
	if ctx.Shell.real != nil {
		c := f.Latest().Cfg
		if err := realCode(ctx, a, &c, false); err != nil {
			return Result{}, err
		}
		f.SetCode(c.CodeSHA256, c.CodeSize, c.CodeLocation)
	} else if pkg, ok := a.Blob("zip-file"); ok {
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
	if r := ctx.Shell.real; r != nil && r.Wait != nil {
		r.Wait(func() bool { return inv.Done }) // a real process runs it
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
	// Nobody keeps a traffic invocation: the service recycles it once its
	// completion is recorded (no allocation per invocation).
	d := svc.NewDetached(req)
	p.Start(ctx.Acct.Kernel, func() { _ = d.Invoke() })
	n := p.Expected()
	text := fmt.Sprintf("traffic: %s to %s (%s, about %.0f invocations) from %s", p.Describe(), f.Name, typ, n, sim.FormatClock(ctx.Now()))
	return Result{Output: map[string]any{"FunctionName": f.Name, "Pattern": p.Describe(), "InvocationType": typ,
		"ExpectedInvocations": n, "From": sim.FormatClock(ctx.Now())}, Text: text}, nil
}

// realCode stores the deployment package of a lab with real handlers and
// points the configuration at it (nothing without real handlers). create
// also checks the runtime can run on this machine.
func realCode(ctx *Ctx, a Args, c *lambda.Config, create bool) error {
	r := ctx.Shell.real
	if r == nil {
		return nil
	}
	if err := ctx.Shell.refuseSimOptions(a); err != nil {
		return err
	}
	pkg, ok := a.Blob("zip-file")
	if !ok || len(pkg) == 0 {
		return &AWSError{Code: "InvalidParameterValueException", Message: "This lab runs your code: give the deployment package with --zip-file fileb://function.zip."}
	}
	var err error
	ctx.Shell.outside(func() {
		if create && r.CheckRuntime != nil {
			if err = r.CheckRuntime(c.Runtime); err != nil {
				return
			}
		}
		c.CodeLocation, c.CodeSHA256, c.CodeSize, err = r.StorePackage(pkg)
	})
	return err
}
