// Command handler is the Go handler of lab-real-handler, for the
// provided.al2023 runtime: build it with
//
//	go build -tags lambda.norpc -o bootstrap .
//	zip function.zip bootstrap
//
// runtime.go is the Runtime API loop (what aws-lambda-go's lambda.Start
// does for you). The lab asks you to move the expensive setup out of the
// handler, into Init.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// buildTable stands for expensive setup: loading a model, opening
// connections, parsing a large configuration. Here it hashes a lot.
func buildTable() map[string]string {
	t := make(map[string]string, 256)
	h := sha256.Sum256([]byte("seed"))
	for i := 0; i < 1_000_000; i++ {
		h = sha256.Sum256(h[:])
		if i%3907 == 0 {
			t[hex.EncodeToString(h[:1])] = hex.EncodeToString(h[:])
		}
	}
	return t
}

type event struct {
	Key string `json:"key"`
}

type response struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func handler(ctx context.Context, ev event) (response, error) {
	table := buildTable() // runs on every invocation
	if _, ok := table[ev.Key]; !ok {
		ev.Key = smallest(table)
	}
	return response{Key: ev.Key, Value: table[ev.Key]}, nil
}

func smallest(t map[string]string) string {
	k := ""
	for x := range t {
		if k == "" || x < k {
			k = x
		}
	}
	return k
}

func main() {
	start(handler)
}
