package invoker

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	_ "github.com/aws/aws-lambda-go/lambda" // the test handler's library (testdata/gohandler)

	"github.com/cloudlab/cloudlab/internal/invoker/testhandler"
	"github.com/cloudlab/cloudlab/internal/lambda"
)

func newTestInvoker(t *testing.T, opt Options) *Invoker {
	t.Helper()
	opt.Dir = t.TempDir() + "/run"
	iv, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { iv.Close(5 * time.Second) })
	return iv
}

func createGo(t *testing.T, iv *Invoker, name string, mut func(*lambda.Config)) {
	t.Helper()
	z, err := testhandler.GoZip()
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := iv.StorePackage(z)
	if err != nil {
		t.Fatal(err)
	}
	c := lambda.DefaultConfig()
	c.Runtime, c.Handler = "provided.al2023", "bootstrap"
	c.CodeSHA256, c.CodeSize, c.CodeLocation = pkg.SHA256, pkg.Size, pkg.Dir
	if mut != nil {
		mut(&c)
	}
	if err := iv.Do(func(s *lambda.Service) error { _, err := s.CreateFunction(name, c); return err }); err != nil {
		t.Fatal(err)
	}
}

type resp struct {
	PID         int    `json:"pid"`
	Invocations int    `json:"invocations"`
	RequestID   string `json:"request_id"`
}

func invoke(t *testing.T, iv *Invoker, name, payload string) (*InvokeResult, resp) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r, err := iv.Invoke(ctx, InvokeInput{Function: name, Payload: []byte(payload)})
	if err != nil {
		t.Fatal(err)
	}
	var out resp
	_ = json.Unmarshal(r.Payload, &out)
	return r, out
}

func TestColdThenWarm(t *testing.T) {
	iv := newTestInvoker(t, Options{})
	createGo(t, iv, "hello", nil)
	r1, o1 := invoke(t, iv, "hello", `{"print":"hi from the handler"}`)
	if !r1.Cold || r1.FunctionError != "" || o1.PID == 0 {
		t.Fatalf("first invoke: %+v %s", r1, r1.Payload)
	}
	tail := string(r1.LogTail)
	if !strings.Contains(tail, "Init Duration:") || !strings.Contains(tail, "hi from the handler") || !strings.Contains(tail, "START RequestId: "+o1.RequestID) {
		t.Fatalf("tail of the cold start:\n%s", tail)
	}
	r2, o2 := invoke(t, iv, "hello", `{}`)
	if r2.Cold || o2.PID != o1.PID || o2.Invocations != 2 {
		t.Fatalf("second invoke not warm on the same process: %+v %+v", o1, o2)
	}
	if strings.Contains(string(r2.LogTail), "Init Duration") {
		t.Fatalf("warm REPORT has Init Duration:\n%s", r2.LogTail)
	}
}
