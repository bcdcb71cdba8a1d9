// Command gohandler is the test handler of the invoker and endpoint tests:
// an aws-lambda-go handler whose behaviour the event chooses. Build it with
// -tags lambda.norpc and ship it as "bootstrap" (runtime provided.al2023).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Event selects what an invocation does.
type Event struct {
	SleepMS int    `json:"sleep_ms"` // sleep this long
	Fail    string `json:"fail"`     // return this error
	Crash   bool   `json:"crash"`    // exit the process
	Print   string `json:"print"`    // print this line
	AllocMB int    `json:"alloc_mb"` // touch this much memory
	Echo    any    `json:"echo"`
	// WaitFile blocks the handler until this file exists (tests use it to
	// hold an invocation busy for exactly as long as they need).
	WaitFile string `json:"wait_file"`
}

// Response is what the handler returns.
type Response struct {
	PID         int    `json:"pid"`
	Invocations int    `json:"invocations"`
	RequestID   string `json:"request_id"`
	InitType    string `json:"init_type"`
	Echo        any    `json:"echo,omitempty"`
	TaskRoot    string `json:"task_root"`
	TmpDir      string `json:"tmpdir"`
}

var count int

var keep [][]byte

func handle(ctx context.Context, ev Event) (Response, error) {
	count++
	lc, _ := lambdacontext.FromContext(ctx)
	if ev.Print != "" {
		fmt.Println(ev.Print)
	}
	if ev.Crash {
		os.Exit(3)
	}
	for i := 0; i < ev.AllocMB; i++ {
		b := make([]byte, 1<<20)
		for j := range b {
			b[j] = byte(j)
		}
		keep = append(keep, b)
		time.Sleep(2 * time.Millisecond)
	}
	for ev.WaitFile != "" {
		if _, err := os.Stat(ev.WaitFile); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond) // gentle: 200 waiting handlers must not starve the machine
	}
	if ev.SleepMS > 0 {
		time.Sleep(time.Duration(ev.SleepMS) * time.Millisecond)
	}
	if ev.Fail != "" {
		return Response{}, errors.New(ev.Fail)
	}
	r := Response{PID: os.Getpid(), Invocations: count, InitType: os.Getenv("AWS_LAMBDA_INITIALIZATION_TYPE"), Echo: ev.Echo,
		TaskRoot: os.Getenv("LAMBDA_TASK_ROOT"), TmpDir: os.Getenv("TMPDIR")}
	if lc != nil {
		r.RequestID = lc.AwsRequestID
	}
	return r, nil
}

func main() {
	if ms, _ := strconv.Atoi(os.Getenv("INIT_SLEEP_MS")); ms > 0 {
		time.Sleep(time.Duration(ms) * time.Millisecond) // expensive setup in Init
	}
	if os.Getenv("INIT_FAIL") != "" {
		fmt.Fprintln(os.Stderr, "init failed on purpose")
		os.Exit(2)
	}
	lambda.Start(handle)
}
