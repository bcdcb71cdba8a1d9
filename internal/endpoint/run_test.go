package endpoint

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	lsdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/cloudlab/cloudlab/internal/invoker"
)

// Shutdown lets a running invocation finish, then kills every environment
// and removes the working folder.
func TestGracefulShutdown(t *testing.T) {
	base := t.TempDir()
	ctxRun, stop := context.WithCancel(context.Background())
	defer stop()
	started := make(chan string, 1)
	var iv *invoker.Invoker
	done := make(chan error, 1)
	go func() {
		done <- Run(ctxRun, Config{Addr: "127.0.0.1:0", Base: base, Grace: 60 * time.Second, OnStart: func(a string, i *invoker.Invoker) {
			iv = i
			started <- a
		}})
	}()
	addr := <-started
	lc := lsdk.New(lsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if _, err := lc.CreateFunction(ctx(t), &lsdk.CreateFunctionInput{FunctionName: aws.String("g"), Runtime: types.RuntimeProvidedal2023,
		Handler: aws.String("bootstrap"), Role: aws.String("r"), Code: &types.FunctionCode{ZipFile: goZip(t)}, Timeout: aws.Int32(60)}); err != nil {
		t.Fatal(err)
	}
	release := filepath.Join(t.TempDir(), "release")
	res := make(chan *lsdk.InvokeOutput, 1)
	go func() {
		out, err := lc.Invoke(context.Background(), &lsdk.InvokeInput{FunctionName: aws.String("g"), Payload: []byte(`{"wait_file":` + quote(release) + `}`)})
		if err != nil {
			t.Errorf("invoke during shutdown: %v", err)
		}
		res <- out
	}()
	var pid int
	eventually(t, "the invocation to run", func() bool {
		for _, e := range iv.Environments() {
			if e.State == "BUSY" && e.PID > 0 {
				pid = e.PID
				return true
			}
		}
		return false
	})
	stop() // as SIGTERM does
	time.Sleep(50 * time.Millisecond)
	if err := os.WriteFile(release, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if out := <-res; out == nil || out.FunctionError != nil {
		t.Fatalf("the running invocation did not finish: %+v", out)
	}
	t0 := time.Now()
	err := <-done
	t.Logf("Run returned %v after the invocation", time.Since(t0))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	eventually(t, "the environment to be killed", func() bool { return !alive(pid) })
	left, _ := filepath.Glob(filepath.Join(base, "cloudlab-endpoint-*"))
	if len(left) != 0 {
		t.Fatalf("working folder left: %v", left)
	}
	// New requests are refused once shutdown began.
	if _, err := lc.ListFunctions(ctx(t), &lsdk.ListFunctionsInput{}); err == nil || !strings.Contains(err.Error(), "connect") {
		t.Fatalf("request after shutdown: %v", err)
	}
}

func TestNonLoopbackNeedsAKey(t *testing.T) {
	if err := Run(context.Background(), Config{Addr: "0.0.0.0:0", Base: t.TempDir()}); err != ErrNeedsAccessKey {
		t.Fatalf("got %v", err)
	}
	for _, a := range []string{"127.0.0.1:4566", "[::1]:4566", "localhost:4566", "127.1.2.3:80"} {
		if !IsLoopback(a) {
			t.Errorf("%s is loopback", a)
		}
	}
	for _, a := range []string{"0.0.0.0:4566", ":4566", "10.0.0.1:4566", "example.com:80"} {
		if IsLoopback(a) {
			t.Errorf("%s is not loopback", a)
		}
	}
}
