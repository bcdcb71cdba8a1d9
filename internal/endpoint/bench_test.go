package endpoint

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	lsdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"net/http/httptest"

	"github.com/cloudlab/cloudlab/internal/invoker"
	"github.com/cloudlab/cloudlab/internal/invoker/testhandler"
)

// Benchmarks report numbers (ns/op and custom metrics); nothing here is
// asserted. Run them without -race:
//
//	go test -run '^$' -bench . -benchtime 2000x ./internal/endpoint/

func benchEndpoint(b *testing.B) (*lsdk.Client, *invoker.Invoker) {
	b.Helper()
	iv, err := invoker.New(invoker.Options{Dir: filepath.Join(b.TempDir(), "run")})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(New(Options{Invoker: iv}))
	b.Cleanup(func() { srv.Close(); iv.Close(5 * time.Second) })
	lc := lsdk.New(lsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	z, err := testhandler.GoZip()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := lc.CreateFunction(context.Background(), &lsdk.CreateFunctionInput{FunctionName: aws.String("bench"),
		Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap"), Role: aws.String("r"),
		Code: &types.FunctionCode{ZipFile: z}, Timeout: aws.Int32(30)}); err != nil {
		b.Fatal(err)
	}
	return lc, iv
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkWarmInvoke: the round trip of a warm invoke of a no-op Go
// handler through the SDK.
func BenchmarkWarmInvoke(b *testing.B) {
	lc, _ := benchEndpoint(b)
	ctx := context.Background()
	in := &lsdk.InvokeInput{FunctionName: aws.String("bench"), Payload: []byte(`{}`)}
	if _, err := lc.Invoke(ctx, in); err != nil { // the cold start
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t := time.Now()
		out, err := lc.Invoke(ctx, in)
		if err != nil || out.FunctionError != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(lat, 0.50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds()), "p99-µs")
}

var initRe = regexp.MustCompile(`Init Duration: ([0-9.]+) ms`)

// BenchmarkColdStartOverhead: what the invoker adds to a cold start beyond
// the handler's own Init: cold round trip - warm round trip - Init Duration
// (Init Duration runs from process start to the runtime's first next).
func BenchmarkColdStartOverhead(b *testing.B) {
	lc, _ := benchEndpoint(b)
	ctx := context.Background()
	in := &lsdk.InvokeInput{FunctionName: aws.String("bench"), Payload: []byte(`{}`), LogType: types.LogTypeTail}
	var over, initD, cold, warm []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		// A configuration change retires the environment: the next invoke is cold.
		if _, err := lc.UpdateFunctionConfiguration(ctx, &lsdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("bench"),
			Description: aws.String(strconv.Itoa(i))}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t := time.Now()
		out, err := lc.Invoke(ctx, in)
		c := time.Since(t)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		t = time.Now()
		if _, err := lc.Invoke(ctx, in); err != nil {
			b.Fatal(err)
		}
		w := time.Since(t)
		tail, _ := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
		m := initRe.FindSubmatch(tail)
		if m == nil {
			b.Fatalf("no Init Duration in a cold start:\n%s", tail)
		}
		ms, _ := strconv.ParseFloat(string(m[1]), 64)
		id := time.Duration(ms * float64(time.Millisecond))
		over = append(over, c-w-id)
		initD, cold, warm = append(initD, id), append(cold, c), append(warm, w)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(over, 0.5).Microseconds()), "overhead-p50-µs")
	b.ReportMetric(float64(percentile(initD, 0.5).Microseconds()), "init-p50-µs")
	b.ReportMetric(float64(percentile(cold, 0.5).Microseconds()), "cold-rt-p50-µs")
	b.ReportMetric(float64(percentile(warm, 0.5).Microseconds()), "warm-rt-p50-µs")
}

func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

// Benchmark200Concurrent: 200 concurrent invokes of a 100 ms handler, each
// on its own environment. Reports failures, environments and memory.
func Benchmark200Concurrent(b *testing.B) {
	for range b.N {
		b.StopTimer()
		lc, iv := benchEndpoint(b)
		ctx := context.Background()
		release := filepath.Join(b.TempDir(), "release")
		var wg sync.WaitGroup
		var mu sync.Mutex
		failures := 0
		kinds := map[string]int{}
		b.StartTimer()
		t := time.Now()
		for range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := lc.Invoke(ctx, &lsdk.InvokeInput{FunctionName: aws.String("bench"),
					Payload: []byte(`{"sleep_ms":100,"wait_file":` + quote(release) + `}`)})
				if err != nil || out.FunctionError != nil {
					mu.Lock()
					failures++
					msg := ""
					if err != nil {
						msg = err.Error()
					} else {
						msg = string(out.Payload)
					}
					msg = regexp.MustCompile(`[0-9a-f-]{36}|\d{4}-\d\d-\d\dT[0-9:.]+Z`).ReplaceAllString(msg, "X")
					kinds[msg]++
					mu.Unlock()
				}
			}()
		}
		// All 200 must be running at once before any may finish.
		deadline := time.Now().Add(2 * time.Minute)
		var busy int
		for time.Now().Before(deadline) {
			busy = 0
			for _, e := range iv.Environments() {
				if e.State == "BUSY" {
					busy++
				}
			}
			if busy+failures >= 200 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		allUp := time.Since(t)
		states := map[string]int{}
		for _, e := range iv.Environments() {
			st := e.State
			if e.PID == 0 {
				st += "-nopid"
			}
			states[st]++
		}
		b.Logf("states after %v: %v", allUp, states)
		var rss int64
		pids := iv.PIDs()
		for _, p := range pids {
			rss += rssKB(p)
		}
		_ = os.WriteFile(release, nil, 0o600)
		wg.Wait()
		total := time.Since(t)
		b.StopTimer()
		b.ReportMetric(float64(failures), "failures")
		for k, n := range kinds {
			b.Logf("%d failures: %s", n, k)
		}
		b.ReportMetric(float64(len(iv.Environments())), "environments")
		b.ReportMetric(float64(busy), "busy-at-once")
		b.ReportMetric(float64(allUp.Milliseconds()), "all-running-ms")
		b.ReportMetric(float64(total.Milliseconds()), "total-ms")
		if len(pids) > 0 {
			b.ReportMetric(float64(rss)/float64(len(pids))/1024, "MB-RSS/env")
		}
	}
}
