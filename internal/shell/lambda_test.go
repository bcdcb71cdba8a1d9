package shell

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

const createF = "aws lambda create-function --function-name f --runtime python3.12 --role arn:aws:iam::123456789012:role/r --handler app.handler --zip-file fileb://f.zip"

// lambdaOutput round-trips a result's Output through JSON into a generic value.
func lambdaOutput(t *testing.T, r Result) map[string]any {
	t.Helper()
	b, err := json.Marshal(r.Output)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("output %s is not an object: %v", b, err)
	}
	return m
}

func mustRun(t *testing.T, sh *Shell, line string) Result {
	t.Helper()
	r, err := sh.Run(line)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return r
}

func TestLambdaCommands(t *testing.T) {
	type step struct {
		line    string
		want    map[string]any // top-level fields of the JSON output
		errHas  string
		textHas string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"create and get", []step{
			{line: createF + " --memory-size 512 --timeout 10 --architectures arm64 --duration 250ms --environment Variables={A=1,B=two}",
				want: map[string]any{"FunctionName": "f", "MemorySize": 512.0, "Timeout": 10.0, "Version": "$LATEST", "State": "Active"}},
			{line: "aws lambda get-function --function-name f", textHas: `"Architectures": [` + "\n" + `            "arm64"`},
			{line: "aws lambda get-function-configuration --function-name f", textHas: `"A": "1"`},
			{line: createF, errHas: "An error occurred (ResourceConflictException) when calling the CreateFunction operation: Function already exist: f"},
			{line: "aws lambda list-functions", textHas: `"FunctionName": "f"`},
		}},
		{"validation errors", []step{
			{line: createF + " --memory-size 64", errHas: "(ValidationException) when calling the CreateFunction operation: 1 validation error detected: Value '64' at 'memorySize'"},
			{line: createF + " --timeout 901", errHas: "Member must have value less than or equal to 900"},
			{line: "aws lambda create-function --function-name f --runtime python3.12", errHas: "the following arguments are required: --role"},
			{line: createF + " --error-rate 2", errHas: "--error-rate must be between 0 and 1"},
			{line: createF + " --duration exp(", errHas: "missing closing parenthesis"},
		}},
		{"invoke", []step{
			{line: createF},
			{line: `aws lambda invoke --function-name f --payload '{"name":"Ada"}' out.json`, want: map[string]any{"StatusCode": 200.0, "ExecutedVersion": "$LATEST"}},
			{line: "cat out.json", textHas: `{"name":"Ada"}`},
			{line: `aws lambda invoke --function-name f --payload '{"x":1}' /dev/stdout`, textHas: "{\"x\":1}\n{\n    \"StatusCode\": 200"},
			{line: "aws lambda invoke --function-name f --invocation-type Event out.json", want: map[string]any{"StatusCode": 202.0}},
			{line: "aws lambda invoke --function-name f --invocation-type DryRun out.json", want: map[string]any{"StatusCode": 204.0}},
			{line: "aws lambda invoke --function-name nope out.json", errHas: "An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"},
			{line: "aws lambda invoke --function-name f --payload '{bad' out.json", errHas: "InvalidRequestContentException"},
			{line: "aws lambda invoke --function-name f", errHas: "missing outfile"},
			{line: "aws lambda invoke --function-name f --invocation-type Evnt o", errHas: "did you mean 'Event'"},
		}},
		{"function error and timeout", []step{
			{line: createF + " --error-rate 1"},
			{line: "aws lambda invoke --function-name f out.json", want: map[string]any{"StatusCode": 200.0, "FunctionError": "Unhandled"}},
			{line: "cat out.json", textHas: `"errorType":"SimulatedError"`},
			{line: "aws lambda update-function-configuration --function-name f --error-rate 0 --duration 5s", want: map[string]any{"Timeout": 3.0}},
			{line: "aws lambda invoke --function-name f out.json", want: map[string]any{"FunctionError": "Unhandled"}},
			{line: "cat out.json", textHas: "Task timed out after 3.00 seconds"},
			{line: "aws logs tail /aws/lambda/f", textHas: "Task timed out after 3.00 seconds"},
		}},
		{"concurrency", []step{
			{line: createF},
			{line: "aws lambda put-function-concurrency --function-name f --reserved-concurrent-executions 901", errHas: "(InvalidParameterValueException) when calling the PutFunctionConcurrency operation: Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]."},
			{line: "aws lambda get-function-concurrency --function-name f", textHas: "{}"},
			{line: "aws lambda put-function-concurrency --function-name f --reserved-concurrent-executions 0", want: map[string]any{"ReservedConcurrentExecutions": 0.0}},
			{line: "aws lambda invoke --function-name f out.json", errHas: "(TooManyRequestsException) when calling the Invoke operation: Rate Exceeded."},
			{line: "aws lambda get-account-settings", textHas: `"UnreservedConcurrentExecutions": 1000`},
			{line: "aws lambda put-function-concurrency --function-name f --reserved-concurrent-executions 100"},
			{line: "aws lambda get-account-settings", textHas: `"UnreservedConcurrentExecutions": 900`},
			{line: "aws lambda delete-function-concurrency --function-name f"},
			{line: "aws lambda get-function-concurrency --function-name f", textHas: "{}"},
		}},
		{"versions, aliases, provisioned concurrency", []step{
			{line: createF + " --init-duration 1s"},
			{line: "aws lambda publish-version --function-name f", want: map[string]any{"Version": "1"}},
			{line: "aws lambda publish-version --function-name f", want: map[string]any{"Version": "1"}},
			{line: "aws lambda create-alias --function-name f --name live --function-version 1", want: map[string]any{"Name": "live", "FunctionVersion": "1", "AliasArn": "arn:aws:lambda:us-east-1:123456789012:function:f:live"}},
			{line: "aws lambda put-provisioned-concurrency-config --function-name f --qualifier $LATEST --provisioned-concurrent-executions 2", errHas: "unpublished"},
			{line: "aws lambda put-provisioned-concurrency-config --function-name f --qualifier live --provisioned-concurrent-executions 2", want: map[string]any{"Status": "IN_PROGRESS", "RequestedProvisionedConcurrentExecutions": 2.0}},
			{line: "clock advance 1s"},
			{line: "aws lambda get-provisioned-concurrency-config --function-name f --qualifier live", want: map[string]any{"Status": "READY", "AllocatedProvisionedConcurrentExecutions": 2.0, "AvailableProvisionedConcurrentExecutions": 2.0}},
			{line: "aws lambda invoke --function-name f --qualifier live out.json", want: map[string]any{"ExecutedVersion": "1"}},
			{line: "aws lambda delete-provisioned-concurrency-config --function-name f --qualifier live"},
			{line: "aws lambda get-provisioned-concurrency-config --function-name f --qualifier live", errHas: "ProvisionedConcurrencyConfigNotFoundException"},
			{line: "aws lambda list-versions-by-function --function-name f", textHas: `"Version": "1"`},
			{line: "aws lambda list-aliases --function-name f", textHas: `"Name": "live"`},
			{line: "aws lambda publish-version --function-name f", want: map[string]any{"Version": "1"}},
			{line: "aws lambda update-function-configuration --function-name f --memory-size 256"},
			{line: "aws lambda publish-version --function-name f", want: map[string]any{"Version": "2"}},
			{line: "aws lambda put-provisioned-concurrency-config --function-name f --qualifier live --provisioned-concurrent-executions 1"},
			{line: "aws lambda update-alias --function-name f --name live --function-version 2", want: map[string]any{"FunctionVersion": "2"}},
			{line: "aws lambda get-provisioned-concurrency-config --function-name f --qualifier live", want: map[string]any{"Status": "IN_PROGRESS"}},
			{line: "clock advance 1s"},
			{line: "aws lambda invoke --function-name f --qualifier live out.json", want: map[string]any{"ExecutedVersion": "2"}},
			{line: "aws lambda get-alias --function-name f --name live", want: map[string]any{"FunctionVersion": "2"}},
			{line: "aws lambda get-alias --function-name f --name nope", errHas: "Alias not found"},
		}},
		{"event invoke config", []step{
			{line: createF},
			{line: `aws lambda put-function-event-invoke-config --function-name f --maximum-retry-attempts 0 --maximum-event-age-in-seconds 60 --destination-config '{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:123456789012:dlq"}}'`,
				want: map[string]any{"MaximumRetryAttempts": 0.0, "MaximumEventAgeInSeconds": 60.0}},
			{line: "aws lambda get-function-event-invoke-config --function-name f", textHas: `"Destination": "arn:aws:sqs:us-east-1:123456789012:dlq"`},
			{line: "aws lambda put-function-event-invoke-config --function-name f --maximum-retry-attempts 3", errHas: "maximumRetryAttempts"},
			{line: "aws lambda put-function-event-invoke-config --function-name f --destination-config OnFailure={Destination=arn:aws:sns:us-east-1:123456789012:t}", textHas: "arn:aws:sns"},
		}},
		{"update code and delete", []step{
			{line: createF},
			{line: "aws lambda update-function-code --function-name f --zip-file fileb://lambda-build/deploy-package.zip --profile dev", want: map[string]any{"FunctionName": "f"}},
			{line: "aws lambda delete-function --function-name f"},
			{line: "aws lambda get-function --function-name f", errHas: "(ResourceNotFoundException) when calling the GetFunction operation"},
		}},
		{"lab verbs", []step{
			{line: createF + " --duration 2s"},
			{line: "aws lambda put-function-concurrency --function-name f --reserved-concurrent-executions 100"},
			{line: "traffic --function-name f --burst 150", textHas: "burst of 150"},
			{line: "clock advance 10s", want: map[string]any{"clock": "00:00:10.000"}},
			{line: "clock now", textHas: "00:00:10.000"},
			{line: "report", textHas: "throttles 50"},
			{line: "traffic --function-name f --rate 1e9 --for 365d", errHas: "longer than the limit of 31 days"},
			{line: "traffic --function-name f --rate 1e9 --for 1h", errHas: "more than the limit of 20000000 per command"},
			{line: "traffic --function-name f --rate 10", errHas: "needs --for"},
			{line: "traffic --function-name f --burst 1 --rate 3 --for 1s", errHas: "exactly one of"},
			{line: "traffic --function-name nope --burst 1", errHas: "Function not found"},
			{line: "traffic --function-name f --ramp 10..x --for 1m", errHas: "--ramp wants R1..R2"},
			{line: "clock advance 400d", errHas: "limit of 366 days"},
			{line: "settings lambda --keep-alive 5m --scaling-model legacy --billing-granularity 100ms", want: map[string]any{"KeepAlive": "5m0s", "ScalingModel": "legacy", "BillingGranularity": "100ms"}},
			{line: "help traffic", textHas: "--poisson <float>"},
			{line: "aws lambda help", textHas: "put-provisioned-concurrency-config"},
			{line: "aws lambda invoke help", textHas: "outfile"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sh := New(cloud.New(1))
			for _, st := range tc.steps {
				r, err := sh.Run(st.line)
				if st.errHas != "" {
					if err == nil || !strings.Contains(err.Error(), st.errHas) {
						t.Fatalf("%s\nerror = %v\nwant it to contain %q", st.line, err, st.errHas)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", st.line, err)
				}
				if st.textHas != "" && !strings.Contains(r.String(), st.textHas) {
					t.Fatalf("%s\noutput:\n%s\nwant it to contain %q", st.line, r.String(), st.textHas)
				}
				if st.want != nil {
					m := lambdaOutput(t, r)
					for k, v := range st.want {
						if !reflect.DeepEqual(m[k], v) {
							t.Fatalf("%s\n%s = %#v, want %#v\noutput: %s", st.line, k, m[k], v, r.String())
						}
					}
				}
			}
		})
	}
}

func TestInvokeLogTail(t *testing.T) {
	sh := New(cloud.New(1))
	mustRun(t, sh, createF+" --init-duration 203.69ms --duration 38.66ms")
	m := lambdaOutput(t, mustRun(t, sh, "aws lambda invoke --function-name f --log-type Tail out.json"))
	b, err := base64.StdEncoding.DecodeString(m["LogResult"].(string))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "START RequestId: ") || !strings.HasSuffix(lines[0], " Version: $LATEST") ||
		!strings.Contains(lines[2], "\tDuration: 38.66 ms\tBilled Duration: 243 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 203.69 ms") {
		t.Fatalf("log tail:\n%s", b)
	}
}

func TestReportJSONShape(t *testing.T) {
	sh := New(cloud.New(1))
	mustRun(t, sh, createF)
	mustRun(t, sh, "traffic --function-name f --poisson 50 --for 1m")
	mustRun(t, sh, "clock advance 2m")
	b, _ := json.Marshal(mustRun(t, sh, "report --json").Output)
	var rep struct {
		Clock  string `json:"clock"`
		Lambda struct {
			Functions []map[string]any `json:"functions"`
		} `json:"lambda"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Clock != "00:02:00.000" || len(rep.Lambda.Functions) != 1 {
		t.Fatalf("report %s", b)
	}
	for _, k := range []string{"FunctionName", "Requests", "Invocations", "Throttles", "ThrottlesByReason", "Errors", "Timeouts", "ColdStarts",
		"ConcurrentExecutionsMax", "AvgEnvironments", "AvgBusyEnvironments", "ProvisionedConcurrencyInvocations",
		"ProvisionedConcurrencySpilloverInvocations", "AsyncRetries", "DeadLetters", "DurationP50Ms", "DurationP99Ms",
		"BilledDurationMs", "GBSeconds", "CostUSD"} {
		if _, ok := rep.Lambda.Functions[0][k]; !ok {
			t.Errorf("report lacks %s", k)
		}
	}
	if n := rep.Lambda.Functions[0]["Invocations"].(float64); n < 2500 || n > 3500 {
		t.Errorf("Invocations %v, want about 3000", n)
	}
}

func TestTrafficPatterns(t *testing.T) {
	tests := []struct {
		name, line string
		trace      string
		want       float64
	}{
		{"burst", "traffic --function-name f --burst 25", "", 25},
		{"rate", "traffic --function-name f --rate 10 --for 10s", "", 100},
		{"ramp", "traffic --function-name f --ramp 0..20 --for 10s", "", 100},
		{"ramp down", "traffic --function-name f --ramp 20..10 --for 10s", "", 150},
		{"trace", "traffic --function-name f --trace t.txt", "0s\n0.5s\n# comment\n\n1s\n1s\n", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sh := New(cloud.New(1), WithFiles(map[string][]byte{"t.txt": []byte(tc.trace)}))
			mustRun(t, sh, createF+" --duration 1ms")
			mustRun(t, sh, tc.line)
			mustRun(t, sh, "clock advance 1m")
			r := sh.Account().Lambda.Report().Functions[0]
			if float64(r.Requests) != tc.want {
				t.Fatalf("requests %d, want %v", r.Requests, tc.want)
			}
		})
	}
	sh := New(cloud.New(1), WithFiles(map[string][]byte{"bad.txt": []byte("0s\nsoon\n")}))
	mustRun(t, sh, createF)
	if _, err := sh.Run("traffic --function-name f --trace bad.txt"); err == nil || !strings.Contains(err.Error(), "bad.txt:2:") {
		t.Fatalf("bad trace: %v", err)
	}
}

func TestCompleteFunctionNames(t *testing.T) {
	sh := New(cloud.New(1))
	mustRun(t, sh, createF)
	mustRun(t, sh, strings.Replace(createF, "--function-name f", "--function-name fun2", 1))
	got := sh.Complete("aws lambda invoke --function-name fu")
	if !reflect.DeepEqual(got, []string{"aws lambda invoke --function-name fun2"}) {
		t.Fatalf("Complete = %q", got)
	}
	got = sh.Complete("traffic --function-name ")
	if !reflect.DeepEqual(got, []string{"traffic --function-name f", "traffic --function-name fun2"}) {
		t.Fatalf("Complete = %q", got)
	}
	if got := sh.Complete("aws lambda put-function-conc"); !reflect.DeepEqual(got, []string{"aws lambda put-function-concurrency"}) {
		t.Fatalf("Complete = %q", got)
	}
}

func TestOptShorthand(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]any
	}{
		{"TargetArn=arn:aws:sqs:us-east-1:1:q", map[string]any{"TargetArn": "arn:aws:sqs:us-east-1:1:q"}},
		{"Variables={A=1,B=x,y}", map[string]any{"Variables": map[string]any{"A": "1", "B": "x,y"}}},
		{"Size=1024", map[string]any{"Size": "1024"}},
		// The AWS CLI drops the quotes around a quoted value (the ECS path
		// always did; the Lambda path kept them).
		{`Variables={A="x,y"}`, map[string]any{"Variables": map[string]any{"A": "x,y"}}},
		{`{"Size": 1024}`, map[string]any{"Size": 1024.0}},
		{"OnFailure={Destination=arn:x},OnSuccess={Destination=arn:y}", map[string]any{"OnFailure": map[string]any{"Destination": "arn:x"}, "OnSuccess": map[string]any{"Destination": "arn:y"}}},
	}
	for _, tc := range tests {
		got, err := optShorthand("x", tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("optShorthand(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"novalue", "A={B=1", "{bad json"} {
		if _, err := optShorthand("x", bad); err == nil {
			t.Errorf("optShorthand(%q) accepted", bad)
		}
	}
}

// The idiom of the AWS documentation works: the log tail, selected with
// --query and decoded by piping it to base64.
func TestInvokeLogTailThroughBase64Decode(t *testing.T) {
	sh := New(cloud.New(1))
	mustRun(t, sh, "aws lambda create-function --function-name hello --runtime python3.12 --handler app.handler --role arn:aws:iam::123456789012:role/r --zip-file fileb://f.zip --init-duration 400ms --duration 100ms")
	res, err := sh.Run("aws lambda invoke --function-name hello --log-type Tail --query LogResult --output text out.json | base64 --decode")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Text, "REPORT RequestId:") || !strings.Contains(res.Text, "Init Duration: 400.00 ms") {
		t.Errorf("decoded tail:\n%s", res.Text)
	}
	res, err = sh.Run("aws lambda invoke --function-name hello --log-type Tail out.json")
	if err != nil || len(res.Logs) == 0 || !strings.HasPrefix(res.Logs[len(res.Logs)-1], "REPORT") {
		t.Errorf("Logs = %q, %v; want the decoded tail for screens", res.Logs, err)
	}
	for _, bad := range []string{"aws lambda list-functions | grep hello", "| base64 -d", "aws lambda list-functions | base64 --decode"} {
		if _, err := sh.Run(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestLabVerbErrorNamesNoOperation: an AWS error from a lab verb (traffic is
// no AWS operation) is not said to come from "the unknown operation".
func TestLabVerbErrorNamesNoOperation(t *testing.T) {
	e := &AWSError{Code: "ResourceNotFoundException", Message: "Function not found: f"}
	if got, want := e.Error(), "An error occurred (ResourceNotFoundException): Function not found: f"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
