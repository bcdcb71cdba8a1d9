package endpoint

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	lsdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/cloudlab/cloudlab/internal/invoker"
	"github.com/cloudlab/cloudlab/internal/invoker/testhandler"
	"github.com/cloudlab/cloudlab/internal/lambda"
)

// fakeClock is the wall clock plus an offset the test moves forward, to
// jump over keep-alive periods and async retry delays.
type fakeClock struct{ off atomic.Int64 }

func (c *fakeClock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *fakeClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

type env struct {
	t     *testing.T
	iv    *invoker.Invoker
	srv   *httptest.Server
	lc    *lsdk.Client
	logs  *cloudwatchlogs.Client
	clock *fakeClock
}

func start(t *testing.T, opt invoker.Options, sopt Options) *env {
	t.Helper()
	e := &env{t: t, clock: &fakeClock{}}
	opt.Dir = filepath.Join(t.TempDir(), "run")
	if opt.Clock == nil {
		opt.Clock = e.clock.Now
	}
	iv, err := invoker.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	e.iv = iv
	sopt.Invoker = iv
	e.srv = httptest.NewServer(New(sopt))
	t.Cleanup(func() {
		e.srv.Close()
		if err := iv.Close(5 * time.Second); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	e.lc = e.client("test", "test")
	e.logs = cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Retryer: aws.NopRetryer{}})
	return e
}

func (e *env) client(id, secret string) *lsdk.Client {
	o := lsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL), Retryer: aws.NopRetryer{}}
	if id != "" {
		o.Credentials = credentials.NewStaticCredentialsProvider(id, secret, "")
	}
	return lsdk.New(o)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 90*time.Second) // a hang guard only
	t.Cleanup(cancel)
	return c
}

func goZip(t *testing.T) []byte {
	t.Helper()
	z, err := testhandler.GoZip()
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func (e *env) create(name string, timeout int32, zip []byte, runtime, handler string) *lsdk.CreateFunctionOutput {
	e.t.Helper()
	if zip == nil {
		zip = goZip(e.t)
	}
	if runtime == "" {
		runtime, handler = "provided.al2023", "bootstrap"
	}
	out, err := e.lc.CreateFunction(ctx(e.t), &lsdk.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: types.Runtime(runtime), Handler: aws.String(handler),
		Role: aws.String("arn:aws:iam::123456789012:role/lambda-role"), Code: &types.FunctionCode{ZipFile: zip},
		Timeout: aws.Int32(timeout),
	})
	if err != nil {
		e.t.Fatalf("CreateFunction: %v", err)
	}
	return out
}

type handlerResp struct {
	PID         int    `json:"pid"`
	Invocations int    `json:"invocations"`
	RequestID   string `json:"request_id"`
	InitType    string `json:"init_type"`
	TaskRoot    string `json:"task_root"`
	TmpDir      string `json:"tmpdir"`
}

type invoked struct {
	out  *lsdk.InvokeOutput
	resp handlerResp
	tail string
}

func (e *env) invoke(name, qualifier, payload string) invoked {
	e.t.Helper()
	in := &lsdk.InvokeInput{FunctionName: aws.String(name), Payload: []byte(payload), LogType: types.LogTypeTail}
	if qualifier != "" {
		in.Qualifier = aws.String(qualifier)
	}
	out, err := e.lc.Invoke(ctx(e.t), in)
	if err != nil {
		e.t.Fatalf("Invoke %s: %v", name, err)
	}
	var r invoked
	r.out = out
	_ = json.Unmarshal(out.Payload, &r.resp)
	if out.LogResult != nil {
		b, err := base64.StdEncoding.DecodeString(*out.LogResult)
		if err != nil {
			e.t.Fatalf("LogResult not base64: %v", err)
		}
		r.tail = string(b)
	}
	return r
}

// alive reports whether a process exists (and is not a zombie).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) > 0 && f[0] != "Z"
}

// eventually polls cond until it holds or the hang guard expires.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCreateInvokeColdThenWarm(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	cf := e.create("hello", 3, nil, "", "")
	if *cf.FunctionArn != "arn:aws:lambda:us-east-1:123456789012:function:hello" || cf.Version == nil || *cf.Version != "$LATEST" || cf.CodeSha256 == nil {
		t.Fatalf("CreateFunction output: %+v", cf)
	}
	cold := e.invoke("hello", "", `{"print":"hello from the handler"}`)
	if cold.out.StatusCode != 200 || cold.out.FunctionError != nil || *cold.out.ExecutedVersion != "$LATEST" {
		t.Fatalf("cold invoke: %+v %s", cold.out, cold.out.Payload)
	}
	for _, want := range []string{"START RequestId: " + cold.resp.RequestID + " Version: $LATEST", "hello from the handler",
		"END RequestId: " + cold.resp.RequestID, "REPORT RequestId: " + cold.resp.RequestID, "\tInit Duration: ", "\tMax Memory Used: "} {
		if !strings.Contains(cold.tail, want) {
			t.Errorf("cold log tail lacks %q:\n%s", want, cold.tail)
		}
	}
	if cold.resp.InitType != "on-demand" || !strings.HasPrefix(cold.resp.TaskRoot, e.iv.Dir()) || cold.resp.TmpDir == "" {
		t.Errorf("environment variables: %+v", cold.resp)
	}
	warm := e.invoke("hello", "", `{}`)
	if warm.resp.PID != cold.resp.PID || warm.resp.Invocations != 2 {
		t.Fatalf("warm invoke did not reuse the process: cold %+v warm %+v", cold.resp, warm.resp)
	}
	if strings.Contains(warm.tail, "Init Duration") || !strings.Contains(warm.tail, "REPORT RequestId: "+warm.resp.RequestID) {
		t.Fatalf("warm REPORT:\n%s", warm.tail)
	}
	// The function's log, through the CloudWatch Logs API.
	streams, err := e.logs.DescribeLogStreams(ctx(t), &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/hello")})
	if err != nil || len(streams.LogStreams) != 1 || !strings.Contains(*streams.LogStreams[0].LogStreamName, "/[$LATEST]") {
		t.Fatalf("DescribeLogStreams: %v %+v", err, streams)
	}
	ev, err := e.logs.GetLogEvents(ctx(t), &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/aws/lambda/hello"),
		LogStreamName: streams.LogStreams[0].LogStreamName, StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var reports int
	for _, x := range ev.Events {
		if strings.HasPrefix(*x.Message, "REPORT ") {
			reports++
		}
	}
	if reports != 2 {
		t.Fatalf("GetLogEvents: %d REPORT lines, want 2", reports)
	}
	fl, err := e.logs.FilterLogEvents(ctx(t), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/hello"), FilterPattern: aws.String(`"Init Duration"`)})
	if err != nil || len(fl.Events) != 1 {
		t.Fatalf("FilterLogEvents: %v %d events", err, len(fl.Events))
	}
	// Function reads.
	gf, err := e.lc.GetFunction(ctx(t), &lsdk.GetFunctionInput{FunctionName: aws.String("hello")})
	if err != nil || gf.Configuration.Runtime != "provided.al2023" || *gf.Configuration.Timeout != 3 {
		t.Fatalf("GetFunction: %v %+v", err, gf)
	}
	lf, err := e.lc.ListFunctions(ctx(t), &lsdk.ListFunctionsInput{})
	if err != nil || len(lf.Functions) != 1 {
		t.Fatalf("ListFunctions: %v %+v", err, lf)
	}
	if _, err := e.lc.GetAccountSettings(ctx(t), &lsdk.GetAccountSettingsInput{}); err != nil {
		t.Fatal(err)
	}
}

func TestErrorsAreTyped(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	_, err := e.lc.GetFunction(ctx(t), &lsdk.GetFunctionInput{FunctionName: aws.String("nope")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) || !strings.Contains(nf.ErrorMessage(), "Function not found") {
		t.Fatalf("GetFunction of a missing function: %T %v", err, err)
	}
	e.create("dup", 3, nil, "", "")
	_, err = e.lc.CreateFunction(ctx(t), &lsdk.CreateFunctionInput{FunctionName: aws.String("dup"), Runtime: types.RuntimeProvidedal2023,
		Handler: aws.String("bootstrap"), Role: aws.String("r"), Code: &types.FunctionCode{ZipFile: goZip(t)}})
	var rc *types.ResourceConflictException
	if !errors.As(err, &rc) {
		t.Fatalf("duplicate CreateFunction: %T %v", err, err)
	}
	_, err = e.lc.UpdateFunctionConfiguration(ctx(t), &lsdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("dup"), MemorySize: aws.Int32(64)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Fatalf("memory 64: %T %v", err, err)
	}
	_, err = e.lc.Invoke(ctx(t), &lsdk.InvokeInput{FunctionName: aws.String("dup"), Payload: []byte("not json")})
	var irc *types.InvalidRequestContentException
	if !errors.As(err, &irc) {
		t.Fatalf("invoke with a non-JSON payload: %T %v", err, err)
	}
	// zip slip
	evil, _ := testhandler.Zip(map[string][]byte{"../evil": []byte("x"), "bootstrap": []byte("#!/bin/sh\n")}, nil)
	_, err = e.lc.CreateFunction(ctx(t), &lsdk.CreateFunctionInput{FunctionName: aws.String("evil"), Runtime: types.RuntimeProvidedal2023,
		Handler: aws.String("bootstrap"), Role: aws.String("r"), Code: &types.FunctionCode{ZipFile: evil}})
	var ipv *types.InvalidParameterValueException
	if !errors.As(err, &ipv) || !strings.Contains(ipv.ErrorMessage(), "outside the package") {
		t.Fatalf("zip slip: %T %v", err, err)
	}
	if _, err := os.Stat(filepath.Join(e.iv.Dir(), "..", "evil")); err == nil {
		t.Fatal("zip slip wrote outside the package")
	}
	// a runtime whose interpreter is missing
	t.Setenv("PATH", t.TempDir())
	_, err = e.lc.CreateFunction(ctx(t), &lsdk.CreateFunctionInput{FunctionName: aws.String("py"), Runtime: types.RuntimePython312,
		Handler: aws.String("app.handler"), Role: aws.String("r"), Code: &types.FunctionCode{ZipFile: evil}})
	if !errors.As(err, &ipv) || !strings.Contains(ipv.ErrorMessage(), "python3") {
		t.Fatalf("missing interpreter: %T %v", err, err)
	}
}

func TestReservedConcurrencyThrottles(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	e.create("one", 60, nil, "", "")
	if _, err := e.lc.PutFunctionConcurrency(ctx(t), &lsdk.PutFunctionConcurrencyInput{FunctionName: aws.String("one"), ReservedConcurrentExecutions: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	release := filepath.Join(t.TempDir(), "release")
	first := make(chan invoked, 1)
	go func() {
		out, err := e.lc.Invoke(context.Background(), &lsdk.InvokeInput{FunctionName: aws.String("one"),
			Payload: []byte(`{"wait_file":` + quote(release) + `}`)})
		if err != nil {
			t.Errorf("first invoke: %v", err)
		}
		first <- invoked{out: out}
	}()
	eventually(t, "the first invocation to be running", func() bool {
		for _, en := range e.iv.Environments() {
			if en.Function == "one" && en.State == "BUSY" {
				return true
			}
		}
		return false
	})
	_, err := e.lc.Invoke(ctx(t), &lsdk.InvokeInput{FunctionName: aws.String("one"), Payload: []byte(`{}`)})
	var tm *types.TooManyRequestsException
	if !errors.As(err, &tm) || tm.Reason != types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded {
		t.Fatalf("second invoke: want TooManyRequestsException with Reason ReservedFunctionConcurrentInvocationLimitExceeded, got %T %v", err, err)
	}
	if err := os.WriteFile(release, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := <-first; r.out == nil || r.out.FunctionError != nil {
		t.Fatalf("first invoke: %+v", r.out)
	}
	gc, err := e.lc.GetFunctionConcurrency(ctx(t), &lsdk.GetFunctionConcurrencyInput{FunctionName: aws.String("one")})
	if err != nil || *gc.ReservedConcurrentExecutions != 1 {
		t.Fatalf("GetFunctionConcurrency: %v %+v", err, gc)
	}
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestTimeoutKillsTheProcess(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	e.create("slow", 3, nil, "", "")
	first := e.invoke("slow", "", `{}`)
	r := e.invoke("slow", "", `{"sleep_ms":600000}`)
	if r.out.FunctionError == nil || *r.out.FunctionError != "Unhandled" || !strings.Contains(string(r.out.Payload), "Task timed out after 3.00 seconds") {
		t.Fatalf("timeout: %+v %s", r.out, r.out.Payload)
	}
	if !strings.Contains(r.tail, "Task timed out after 3.00 seconds") || !strings.Contains(r.tail, "Status: timeout") {
		t.Fatalf("timeout log:\n%s", r.tail)
	}
	eventually(t, "the timed-out process to be killed", func() bool { return !alive(first.resp.PID) })
	next := e.invoke("slow", "", `{}`)
	if next.resp.PID == first.resp.PID || !strings.Contains(next.tail, "Init Duration") {
		t.Fatalf("after a timeout the next invocation must be cold: %+v\n%s", next.resp, next.tail)
	}
}

func TestCrashResetsTheEnvironment(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	e.create("crashy", 10, nil, "", "")
	first := e.invoke("crashy", "", `{}`)
	r := e.invoke("crashy", "", `{"crash":true}`)
	if r.out.FunctionError == nil || !strings.Contains(string(r.out.Payload), "Runtime.ExitError") {
		t.Fatalf("crash: %+v %s", r.out, r.out.Payload)
	}
	next := e.invoke("crashy", "", `{}`)
	if next.resp.PID == first.resp.PID || !strings.Contains(next.tail, "Init Duration") {
		t.Fatalf("after a crash the next invocation must be cold: %+v\n%s", next.resp, next.tail)
	}
	// A handled error keeps the environment warm.
	fe := e.invoke("crashy", "", `{"fail":"boom"}`)
	if fe.out.FunctionError == nil || !strings.Contains(string(fe.out.Payload), "boom") {
		t.Fatalf("handler error: %s", fe.out.Payload)
	}
	after := e.invoke("crashy", "", `{}`)
	if after.resp.PID != next.resp.PID {
		t.Fatal("a handled error must not reset the environment")
	}
}

func TestKeepAliveExpiryKillsIdleProcesses(t *testing.T) {
	e := start(t, invoker.Options{KeepAlive: 10 * time.Minute}, Options{})
	e.create("idle", 3, nil, "", "")
	r := e.invoke("idle", "", `{}`)
	e.clock.Advance(9 * time.Minute)
	e.iv.Poke()
	warm := e.invoke("idle", "", `{}`) // resets the idle time
	if warm.resp.PID != r.resp.PID {
		t.Fatal("expired before the keep-alive")
	}
	e.clock.Advance(10*time.Minute + time.Second)
	e.iv.Poke()
	eventually(t, "the idle process to expire", func() bool { return !alive(r.resp.PID) && len(e.iv.Environments()) == 0 })
	again := e.invoke("idle", "", `{}`)
	if !strings.Contains(again.tail, "Init Duration") {
		t.Fatalf("after expiry the invocation must be cold:\n%s", again.tail)
	}
}

func TestEventInvokeRetriesAsConfigured(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	e.create("async", 3, nil, "", "")
	if _, err := e.lc.PutFunctionEventInvokeConfig(ctx(t), &lsdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("async"),
		MaximumRetryAttempts: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	out, err := e.lc.Invoke(ctx(t), &lsdk.InvokeInput{FunctionName: aws.String("async"), InvocationType: types.InvocationTypeEvent,
		Payload: []byte(`{"fail":"boom","print":"attempt"}`)})
	if err != nil || out.StatusCode != 202 {
		t.Fatalf("Event invoke: %v %+v", err, out)
	}
	attempts := func() int {
		fl, err := e.logs.FilterLogEvents(ctx(t), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/async"), FilterPattern: aws.String("attempt")})
		if err != nil {
			return 0
		}
		return len(fl.Events)
	}
	report := func() (r lambda.FunctionReport) {
		_ = e.iv.Do(func(s *lambda.Service) error { r = s.Report().Functions[0]; return nil })
		return r
	}
	eventually(t, "the first attempt", func() bool { return attempts() == 1 && report().Errors == 1 })
	e.clock.Advance(61 * time.Second) // the retry comes about a minute later
	e.iv.Poke()
	eventually(t, "the retry", func() bool { return attempts() == 2 })
	eventually(t, "the event to be dropped after its one retry", func() bool {
		r := report()
		return r.AsyncRetries == 1 && r.AsyncEventsDropped == 1
	})
	e.clock.Advance(10 * time.Minute)
	e.iv.Poke()
	if r := report(); r.Invocations != 2 {
		t.Fatalf("invocations after the retries: %d, want 2", r.Invocations)
	}
	dry, err := e.lc.Invoke(ctx(t), &lsdk.InvokeInput{FunctionName: aws.String("async"), InvocationType: types.InvocationTypeDryRun})
	if err != nil || dry.StatusCode != 204 {
		t.Fatalf("DryRun: %v %+v", err, dry)
	}
}

func TestQualifiedNames(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	e.create("q", 3, nil, "", "")
	pv, err := e.lc.PublishVersion(ctx(t), &lsdk.PublishVersionInput{FunctionName: aws.String("q")})
	if err != nil || *pv.Version != "1" {
		t.Fatalf("PublishVersion: %v %+v", err, pv)
	}
	if _, err := e.lc.CreateAlias(ctx(t), &lsdk.CreateAliasInput{FunctionName: aws.String("q"), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, qual string }{
		{"q:live", ""}, {"q", "1"}, {"q", "live"}, {"arn:aws:lambda:us-east-1:123456789012:function:q:1", ""},
		{"123456789012:function:q", "live"},
	} {
		r := e.invoke(tc.name, tc.qual, `{}`)
		if *r.out.ExecutedVersion != "1" {
			t.Errorf("%s (qualifier %q): executed version %s, want 1", tc.name, tc.qual, *r.out.ExecutedVersion)
		}
	}
	r := e.invoke("arn:aws:lambda:us-east-1:123456789012:function:q", "", `{}`)
	if *r.out.ExecutedVersion != "$LATEST" {
		t.Errorf("unqualified ARN ran %s", *r.out.ExecutedVersion)
	}
	_, err = e.lc.Invoke(ctx(t), &lsdk.InvokeInput{FunctionName: aws.String("q:nope")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("unknown qualifier: %T %v", err, err)
	}
	la, err := e.lc.ListAliases(ctx(t), &lsdk.ListAliasesInput{FunctionName: aws.String("q")})
	if err != nil || len(la.Aliases) != 1 {
		t.Fatalf("ListAliases: %v %+v", err, la)
	}
	lv, err := e.lc.ListVersionsByFunction(ctx(t), &lsdk.ListVersionsByFunctionInput{FunctionName: aws.String("q")})
	if err != nil || len(lv.Versions) != 2 {
		t.Fatalf("ListVersionsByFunction: %v %+v", err, lv)
	}
}

func TestProvisionedConcurrency(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	e.create("pc", 3, nil, "", "")
	if _, err := e.lc.PublishVersion(ctx(t), &lsdk.PublishVersionInput{FunctionName: aws.String("pc")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lc.PutProvisionedConcurrencyConfig(ctx(t), &lsdk.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("pc"),
		Qualifier: aws.String("1"), ProvisionedConcurrentExecutions: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "provisioned concurrency READY", func() bool {
		g, err := e.lc.GetProvisionedConcurrencyConfig(ctx(t), &lsdk.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("pc"), Qualifier: aws.String("1")})
		return err == nil && g.Status == types.ProvisionedConcurrencyStatusEnumReady
	})
	r := e.invoke("pc", "1", `{}`)
	if strings.Contains(r.tail, "Init Duration") || r.resp.InitType != "provisioned-concurrency" {
		t.Fatalf("provisioned invocation: %+v\n%s", r.resp, r.tail)
	}
}

func TestDeleteRemovesEveryProcess(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	e.create("gone", 60, nil, "", "")
	release := filepath.Join(t.TempDir(), "release")
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = e.lc.Invoke(context.Background(), &lsdk.InvokeInput{FunctionName: aws.String("gone"), Payload: []byte(`{"wait_file":` + quote(release) + `}`)})
		}()
	}
	eventually(t, "three busy environments", func() bool {
		n := 0
		for _, en := range e.iv.Environments() {
			if en.State == "BUSY" && en.PID > 0 {
				n++
			}
		}
		return n == 3
	})
	pids := e.iv.PIDs()
	if _, err := e.lc.DeleteFunction(ctx(t), &lsdk.DeleteFunctionInput{FunctionName: aws.String("gone")}); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	eventually(t, "every process of the deleted function to be gone", func() bool {
		for _, p := range pids {
			if alive(p) {
				return false
			}
		}
		entries, _ := os.ReadDir(filepath.Join(e.iv.Dir(), "env"))
		return len(e.iv.Environments()) == 0 && len(entries) == 0
	})
}

func TestSigV4(t *testing.T) {
	e := start(t, invoker.Options{}, Options{AccessKey: "AKIDCLOUDLAB", SecretKey: "s3cr3t"})
	if _, err := e.client("AKIDCLOUDLAB", "s3cr3t").ListFunctions(ctx(t), &lsdk.ListFunctionsInput{}); err != nil {
		t.Fatalf("signed with the right key: %v", err)
	}
	for _, c := range []struct{ id, secret, code string }{
		{"AKIDCLOUDLAB", "wrong", "InvalidSignatureException"},
		{"", "", "InvalidSignatureException"},
		{"OTHER", "s3cr3t", "UnrecognizedClientException"},
	} {
		_, err := e.client(c.id, c.secret).GetFunction(ctx(t), &lsdk.GetFunctionInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:123456789012:function:x")})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != c.code {
			t.Errorf("key %q secret %q: got %v, want %s", c.id, c.secret, err, c.code)
		}
	}
}
