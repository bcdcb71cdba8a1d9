// Command handler is the Go handler of the real-handler lab
// (labs/lab-real-handler/README.md): an aws-lambda-go function for the
// provided.al2023 runtime. Build it with
//
//	cloudlab endpoint package labs/lab-real-handler/go -o function.zip
//
// which runs `go build -tags lambda.norpc` and zips the binary as bootstrap.
//
// Step 3 of the lab asks you to move the expensive setup out of the handler,
// into Init: make `table` a package-level variable initialised once.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

// buildTable stands for expensive setup: loading a model, opening
// connections, parsing a large configuration. Here it hashes a lot of data.
func buildTable() map[string]string {
	rounds := 2_000_000
	if os.Getenv("LAB_LIGHT") != "" {
		rounds = 2_000
	}
	t := make(map[string]string, 256)
	h := sha256.Sum256([]byte("seed"))
	for i := 0; i < rounds; i++ {
		h = sha256.Sum256(h[:])
		if i%(rounds/256+1) == 0 {
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
	table := buildTable() // expensive, and repeated on every invocation: move it to Init
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
	lambda.Start(handler)
}
