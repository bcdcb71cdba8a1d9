package endpoint

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lsdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/cloudlab/cloudlab/internal/invoker"
	"github.com/cloudlab/cloudlab/internal/invoker/testhandler"
	"github.com/cloudlab/cloudlab/internal/lambda"
)

func (e *env) setEnv(name string, vars map[string]string) {
	e.t.Helper()
	if _, err := e.lc.UpdateFunctionConfiguration(ctx(e.t), &lsdk.UpdateFunctionConfigurationInput{FunctionName: aws.String(name),
		Environment: &types.Environment{Variables: vars}}); err != nil {
		e.t.Fatal(err)
	}
}

func TestOutOfMemoryKillsTheProcess(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	e.create("hungry", 30, nil, "", "")
	first := e.invoke("hungry", "", `{}`)
	r := e.invoke("hungry", "", `{"alloc_mb":400}`) // memory size is 128 MB
	if r.out.FunctionError == nil || !strings.Contains(string(r.out.Payload), "Runtime.OutOfMemory") {
		t.Fatalf("out of memory: %s", r.out.Payload)
	}
	if !strings.Contains(r.tail, "Status: error\tError Type: Runtime.OutOfMemory") {
		t.Fatalf("OOM REPORT:\n%s", r.tail)
	}
	eventually(t, "the process to be killed", func() bool { return !alive(first.resp.PID) })
	next := e.invoke("hungry", "", `{}`)
	if !strings.Contains(next.tail, "Init Duration") {
		t.Fatalf("after OOM the next invocation must be cold:\n%s", next.tail)
	}
}

func TestInitError(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	e.create("broken", 10, nil, "", "")
	e.setEnv("broken", map[string]string{"INIT_FAIL": "1"})
	for range 2 { // an Init error resets the environment: the next invocation runs Init again
		r := e.invoke("broken", "", `{}`)
		if r.out.FunctionError == nil || !strings.Contains(string(r.out.Payload), "Runtime.ExitError") ||
			!strings.Contains(r.tail, "Phase: init\tStatus: error") || !strings.Contains(r.tail, "init failed on purpose") {
			t.Fatalf("init error: %s\n%s", r.out.Payload, r.tail)
		}
	}
}

func TestInitTimeoutIsRetriedInTheInvokePhase(t *testing.T) {
	st := lambda.DefaultSettings()
	st.InitLimit = time.Second // the 10 s limit, shortened for the test
	e := start(t, invoker.Options{Settings: &st}, Options{})
	e.create("slowinit", 30, nil, "", "")
	e.setEnv("slowinit", map[string]string{"INIT_SLEEP_MS": "1500"}) // always longer than the limit
	r := e.invoke("slowinit", "", `{}`)
	if r.out.FunctionError != nil || !strings.Contains(r.tail, "INIT_REPORT Init Duration: 1000.00 ms\tPhase: init\tStatus: timeout") {
		t.Fatalf("init timeout then retry: %s\n%s", r.out.Payload, r.tail)
	}
}

func zipOf(t *testing.T, name, src string) []byte {
	t.Helper()
	z, err := testhandler.Zip(map[string][]byte{name: []byte(src)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

const pyHandler = `import os, time
STARTED = time.time()
count = 0

def handler(event, context):
    global count
    count += 1
    print("python handler", event.get("msg"))
    if event.get("fail"):
        raise ValueError("python says no")
    return {"pid": os.getpid(), "invocations": count, "request_id": context.aws_request_id,
            "init_type": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"],
            "remaining": context.get_remaining_time_in_millis()}
`

const nodeHandler = `let count = 0;
exports.handler = async (event, context) => {
  count++;
  console.log('node handler', event.msg);
  if (event.fail) throw new Error('node says no');
  return { pid: process.pid, invocations: count, request_id: context.awsRequestId,
           init_type: process.env.AWS_LAMBDA_INITIALIZATION_TYPE, remaining: context.getRemainingTimeInMillis() };
};
`

func interpreterTest(t *testing.T, prog, runtime, file, src, handler, errWord string) {
	if _, err := exec.LookPath(prog); err != nil {
		t.Skipf("%s is not installed: the %s runtime is not tested here", prog, runtime)
	}
	e := start(t, invoker.Options{}, Options{})
	e.create("fn", 5, zipOf(t, file, src), runtime, handler)
	cold := e.invoke("fn", "", `{"msg":"hi"}`)
	if cold.out.FunctionError != nil || cold.resp.PID == 0 || cold.resp.RequestID == "" || cold.resp.InitType != "on-demand" {
		t.Fatalf("%s cold invoke: %s", runtime, cold.out.Payload)
	}
	if !strings.Contains(cold.tail, "hi") || !strings.Contains(cold.tail, "Init Duration") {
		t.Fatalf("%s cold log:\n%s", runtime, cold.tail)
	}
	warm := e.invoke("fn", "", `{"msg":"again"}`)
	if warm.resp.PID != cold.resp.PID || warm.resp.Invocations != 2 || strings.Contains(warm.tail, "Init Duration") {
		t.Fatalf("%s warm invoke: %s\n%s", runtime, warm.out.Payload, warm.tail)
	}
	bad := e.invoke("fn", "", `{"fail":true}`)
	if bad.out.FunctionError == nil || *bad.out.FunctionError != "Unhandled" || !strings.Contains(string(bad.out.Payload), errWord) {
		t.Fatalf("%s error: %s", runtime, bad.out.Payload)
	}
	// A handler that cannot be loaded is an init error.
	e.create("missing", 5, zipOf(t, file, src), runtime, "nothere.handler")
	r := e.invoke("missing", "", `{}`)
	if r.out.FunctionError == nil || !strings.Contains(string(r.out.Payload), "Runtime.ImportModuleError") {
		t.Fatalf("%s missing module: %s\n%s", runtime, r.out.Payload, r.tail)
	}
}

func TestPythonHandler(t *testing.T) {
	interpreterTest(t, "python3", "python3.12", "app.py", pyHandler, "app.handler", "python says no")
}

func TestNodeHandler(t *testing.T) {
	interpreterTest(t, "node", "nodejs20.x", "index.js", nodeHandler, "index.handler", "node says no")
}
