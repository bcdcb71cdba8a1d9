package lambda_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/lambda"
	"github.com/cloudlab/cloudlab/internal/sim"
)

// A cold start, a warm start, and a cold start again after the keep-alive.
func ExampleService_Invoke() {
	k := sim.New(1)
	svc := lambda.New(k)
	cfg := lambda.DefaultConfig()
	cfg.Runtime = "python3.12"
	cfg.MemoryMB, cfg.RefMemoryMB = 512, 512
	cfg.Init = sim.Fixed(203690 * time.Microsecond)
	cfg.Duration = sim.Fixed(1234500 * time.Microsecond)
	if _, err := svc.CreateFunction("hello", cfg); err != nil {
		fmt.Println(err)
		return
	}
	invoke := func() {
		inv, err := svc.Invoke(lambda.Request{Function: "hello"})
		if err != nil {
			fmt.Println(err)
			return
		}
		for !inv.Done {
			k.Step()
		}
		report := inv.LogLines()[2]
		// Hide the request id for the example.
		report = strings.Replace(report, inv.RequestID(), "<id>", 1)
		fmt.Printf("%s cold=%v %s\n", sim.FormatClock(inv.Start), inv.Cold, strings.ReplaceAll(report, "\t", " | "))
	}
	invoke()
	invoke()
	k.RunFor(11 * time.Minute)
	invoke()
	r := svc.Report().Functions[0]
	fmt.Printf("invocations %d, cold starts %d, billed %d ms, %.4f GB-s\n", r.Invocations, r.ColdStarts, r.BilledDurationMs, r.GBSeconds)
	// Output:
	// 00:00:00.203 cold=true REPORT RequestId: <id> | Duration: 1234.50 ms | Billed Duration: 1439 ms | Memory Size: 512 MB | Max Memory Used: 40 MB | Init Duration: 203.69 ms
	// 00:00:01.438 cold=false REPORT RequestId: <id> | Duration: 1234.50 ms | Billed Duration: 1235 ms | Memory Size: 512 MB | Max Memory Used: 40 MB
	// 00:11:02.876 cold=true REPORT RequestId: <id> | Duration: 1234.50 ms | Billed Duration: 1439 ms | Memory Size: 512 MB | Max Memory Used: 40 MB | Init Duration: 203.69 ms
	// invocations 3, cold starts 2, billed 4113 ms, 2.0565 GB-s
}

// Reserved concurrency both guarantees and caps a function's concurrency.
func ExampleFunction_PutReservedConcurrency() {
	k := sim.New(1)
	svc := lambda.New(k)
	cfg := lambda.DefaultConfig()
	cfg.Duration = sim.Fixed(2 * time.Second)
	f, _ := svc.CreateFunction("f", cfg)
	fmt.Println(f.PutReservedConcurrency(901))
	fmt.Println(f.PutReservedConcurrency(100))
	throttled := 0
	for range 150 {
		if _, err := svc.Invoke(lambda.Request{Function: "f"}); err != nil {
			throttled++
			if throttled == 1 {
				e := err.(*lambda.Error)
				fmt.Println(e.Code, e.Reason)
			}
		}
	}
	fmt.Println("throttled:", throttled)
	// Output:
	// InvalidParameterValueException: Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].
	// <nil>
	// TooManyRequestsException ReservedFunctionConcurrentInvocationLimitExceeded
	// throttled: 50
}
