package main

// The Lambda Runtime API loop, with the standard library only: what a
// runtime interface client (aws-lambda-go's lambda.Start, Python's
// awslambdaric) does for you. A custom runtime's bootstrap asks the
// Runtime API for the next event, runs the handler and posts the result,
// forever; Lambda freezes the process between events.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
)

func start[E, R any](handler func(context.Context, E) (R, error)) {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := http.Get(api + "next")
		if err != nil {
			fmt.Fprintln(os.Stderr, "runtime API:", err)
			os.Exit(1)
		}
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var ev E
		out, status := []byte(nil), "/response"
		if err := json.Unmarshal(body, &ev); err != nil {
			out, status = errorDoc(err), "/error"
		} else if res, err := handler(context.Background(), ev); err != nil {
			out, status = errorDoc(err), "/error"
		} else {
			out, _ = json.Marshal(res)
		}
		post, err := http.Post(api+id+status, "application/json", bytes.NewReader(out))
		if err != nil {
			fmt.Fprintln(os.Stderr, "runtime API:", err)
			os.Exit(1)
		}
		post.Body.Close()
	}
}

func errorDoc(err error) []byte {
	b, _ := json.Marshal(map[string]string{"errorType": "HandlerError", "errorMessage": err.Error()})
	return b
}
