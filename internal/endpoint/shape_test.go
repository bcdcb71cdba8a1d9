package endpoint

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/invoker"
)

// The raw wire shape of errors: status, X-Amzn-ErrorType, and a JSON body
// with Type and message (Lambda) or __type and message (CloudWatch Logs).
func TestErrorWireShape(t *testing.T) {
	e := start(t, invoker.Options{}, Options{})
	for _, c := range []struct {
		method, path, target, body string
		status                     int
		code                       string
		keys                       []string
	}{
		{"GET", "/2015-03-31/functions/nope", "", "", 404, "ResourceNotFoundException", []string{"Type", "message"}},
		{"PUT", "/2017-10-31/functions/nope/concurrency", "", `{"ReservedConcurrentExecutions":1}`, 404, "ResourceNotFoundException", []string{"Type", "message"}},
		{"POST", "/2015-03-31/functions", "", `{"FunctionName":"bad name!","Role":"r"}`, 400, "ValidationException", []string{"Type", "message"}},
		{"POST", "/2015-03-31/functions", "", `{not json`, 400, "InvalidRequestContentException", []string{"Type", "message"}},
		{"GET", "/2099-01-01/whatever", "", "", 404, "UnknownOperationException", []string{"Type", "message"}},
		{"POST", "/", "Logs_20140328.GetLogEvents", `{"logGroupName":"/aws/lambda/nope","logStreamName":"x"}`, 400, "ResourceNotFoundException", []string{"__type", "message"}},
	} {
		req, _ := http.NewRequest(c.method, e.srv.URL+c.path, strings.NewReader(c.body))
		if c.target != "" {
			req.Header.Set("X-Amz-Target", c.target)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != c.status || resp.Header.Get("X-Amzn-ErrorType") != c.code {
			t.Errorf("%s %s: %d %q, want %d %s", c.method, c.path, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), c.status, c.code)
		}
		for _, k := range c.keys {
			if _, ok := body[k]; !ok {
				t.Errorf("%s %s: body %v lacks %s", c.method, c.path, body, k)
			}
		}
	}
	// A 429 carries its Reason.
	rec := httptest.NewRecorder()
	writeError(rec, toAPIError(&apiError{Status: 429, Code: "TooManyRequestsException", Message: "Rate Exceeded.", Reason: "ReservedFunctionConcurrentInvocationLimitExceeded"}))
	var body map[string]string
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	if rec.Code != 429 || body["Reason"] != "ReservedFunctionConcurrentInvocationLimitExceeded" || body["Type"] != "User" {
		t.Fatalf("429 body: %d %v", rec.Code, body)
	}
}
