package endpoint

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	lsdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/cloudlab/cloudlab/internal/invoker"
)

const helperEnv = "CLOUDLAB_ENDPOINT_TEST_HELPER"

// TestMain lets the test binary double as an endpoint process: with
// CLOUDLAB_ENDPOINT_TEST_HELPER=DIR it runs the endpoint (as `cloudlab
// endpoint` does) on a free loopback port, prints the address, and serves
// until it is killed.
func TestMain(m *testing.M) {
	if base := os.Getenv(helperEnv); base != "" {
		err := Run(context.Background(), Config{Addr: "127.0.0.1:0", Base: base, OnStart: func(addr string, _ *invoker.Invoker) {
			fmt.Println("ADDR " + addr)
		}})
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// children lists the processes whose parent is pid (any of its threads).
func children(pid int) []int {
	var out []int
	tasks, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(pid), "task", "*", "children"))
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

func TestSIGKILLLeavesNoEnvironment(t *testing.T) {
	base := t.TempDir()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"="+base)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
		}
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ADDR ") {
		t.Fatalf("helper did not start: %q %v", line, err)
	}
	url := "http://" + strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))
	lc := lsdk.New(lsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if _, err := lc.CreateFunction(ctx(t), &lsdk.CreateFunctionInput{FunctionName: aws.String("k"), Runtime: types.RuntimeProvidedal2023,
		Handler: aws.String("bootstrap"), Role: aws.String("r"), Code: &types.FunctionCode{ZipFile: goZip(t)}, Timeout: aws.Int32(60)}); err != nil {
		t.Fatal(err)
	}
	never := filepath.Join(t.TempDir(), "never")
	var wg sync.WaitGroup
	for range 3 { // three busy environments
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = lc.Invoke(context.Background(), &lsdk.InvokeInput{FunctionName: aws.String("k"), Payload: []byte(`{"wait_file":` + quote(never) + `}`)})
		}()
	}
	var envs []int
	eventually(t, "three environment processes", func() bool {
		envs = children(cmd.Process.Pid)
		return len(envs) == 3
	})
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed = true
	_ = cmd.Wait()
	wg.Wait()
	eventually(t, "every environment process to die with the endpoint", func() bool {
		for _, p := range envs {
			if alive(p) {
				return false
			}
		}
		return true
	})
	// The next endpoint started on the same folder removes the dead one's files.
	removeStale(base)
	left, _ := filepath.Glob(filepath.Join(base, "cloudlab-endpoint-*"))
	if len(left) != 0 {
		t.Fatalf("stale working folders: %v", left)
	}
}
