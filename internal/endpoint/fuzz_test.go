package endpoint

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/invoker"
)

func FuzzFunctionRef(f *testing.F) {
	for _, s := range []string{"hello", "hello:1", "arn:aws:lambda:us-east-1:123456789012:function:hello:live",
		"123456789012:function:hello", "a:b:c:d:e:f:g:h:i", ":", "arn:aws:lambda:::function:"} {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, ref, q string) {
		name, qual, err := functionRef(ref, q)
		if err == nil && (!validName(name) || qual != "" && !validQualifier(qual)) {
			t.Fatalf("functionRef(%q, %q) accepted %q %q", ref, q, name, qual)
		}
	})
}

// FuzzRequests sends arbitrary requests: the server answers each with an
// AWS-shaped status and never panics (a panic would be a 500 "internal
// error") and never hangs.
func FuzzRequests(f *testing.F) {
	iv, err := invoker.New(invoker.Options{Dir: filepath.Join(f.TempDir(), "run")})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { iv.Close(time.Second) })
	fuzzSrv := New(Options{Invoker: iv})
	seeds := []struct{ method, path, target, body string }{
		{"POST", "/2015-03-31/functions", "", `{"FunctionName":"x","Runtime":"provided.al2023","Role":"r","Handler":"h","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}`},
		{"GET", "/2015-03-31/functions/", "", ""},
		{"POST", "/2015-03-31/functions/x/invocations", "", `{}`},
		{"PUT", "/2017-10-31/functions/x/concurrency", "", `{"ReservedConcurrentExecutions":-1}`},
		{"PUT", "/2019-09-30/functions/x/provisioned-concurrency?Qualifier=1", "", `{"ProvisionedConcurrentExecutions":1}`},
		{"POST", "/", "Logs_20140328.FilterLogEvents", `{"logGroupName":"/aws/lambda/x","filterPattern":"\""}`},
		{"POST", "/", "Logs_20140328.GetLogEvents", `{"logGroupName":"a","logStreamName":"b","nextToken":"b/-5"}`},
		{"GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Ax%3A1/configuration", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.target, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, method, path, target string, body []byte) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#?") && !strings.Contains(path, "?") {
			return
		}
		req, err := http.NewRequest(method, "http://127.0.0.1"+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { fuzzSrv.ServeHTTP(rec, req); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s %s hung", method, path)
		}
		if rec.Code == 500 && strings.Contains(rec.Body.String(), "internal error") {
			t.Fatalf("%s %s %q panicked", method, path, body)
		}
		if rec.Code >= 400 && rec.Header().Get("X-Amzn-ErrorType") == "" {
			t.Fatalf("%s %s: error %d without X-Amzn-ErrorType", method, path, rec.Code)
		}
	})
}
