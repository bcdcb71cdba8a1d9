// Package testhandler builds the Go test handler (testdata/gohandler, an
// aws-lambda-go handler) once per test binary and packages it as a Lambda
// deployment package, for the invoker and endpoint tests.
package testhandler

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

var (
	once   sync.Once
	zipped []byte
	err    error
)

// GoZip returns a zip holding the built handler as an executable bootstrap.
func GoZip() ([]byte, error) {
	once.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		src := filepath.Join(filepath.Dir(file), "..", "testdata", "gohandler")
		dir, e := os.MkdirTemp("", "cloudlab-gohandler-")
		if e != nil {
			err = e
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "bootstrap")
		cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, e := cmd.CombinedOutput(); e != nil {
			err = fmt.Errorf("building the test handler: %v\n%s", e, b)
			return
		}
		b, e := os.ReadFile(out)
		if e != nil {
			err = e
			return
		}
		zipped, err = Zip(map[string][]byte{"bootstrap": b}, map[string]os.FileMode{"bootstrap": 0o755})
	})
	return zipped, err
}

// Zip packages files (name -> content) with the given modes (default 0644).
func Zip(files map[string][]byte, modes map[string]os.FileMode) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		m := modes[name]
		if m == 0 {
			m = 0o644
		}
		h.SetMode(m)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(content); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
