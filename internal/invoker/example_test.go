package invoker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cloudlab/cloudlab/internal/invoker"
	"github.com/cloudlab/cloudlab/internal/invoker/testhandler"
	"github.com/cloudlab/cloudlab/internal/lambda"
)

// A function whose handler is a real process: the first invocation starts
// an environment (a cold start), the second reuses it.
func Example() {
	dir, _ := os.MkdirTemp("", "invoker-example-")
	defer os.RemoveAll(dir)
	iv, err := invoker.New(invoker.Options{Dir: filepath.Join(dir, "run")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer iv.Close(5 * time.Second)
	zip, err := testhandler.GoZip() // an aws-lambda-go handler, built for the example
	if err != nil {
		fmt.Println(err)
		return
	}
	pkg, err := iv.StorePackage(zip)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := lambda.DefaultConfig()
	cfg.Runtime, cfg.Handler = "provided.al2023", "bootstrap"
	cfg.CodeSHA256, cfg.CodeSize, cfg.CodeLocation = pkg.SHA256, pkg.Size, pkg.Dir
	_ = iv.Do(func(s *lambda.Service) error { _, err := s.CreateFunction("hello", cfg); return err })
	for range 2 {
		r, err := iv.Invoke(context.Background(), invoker.InvokeInput{Function: "hello", Payload: []byte(`{}`)})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("status %d, cold %v, environments %d\n", r.StatusCode, r.Cold, len(iv.Environments()))
	}
	// Output:
	// status 200, cold true, environments 1
	// status 200, cold false, environments 1
}
