package endpoint

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

func post(t *testing.T, url, ctype, target string, body []byte) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

// Bad input gets a clear AWS-shaped error in the request's protocol.
func TestBadInputToTheSimulatedServices(t *testing.T) {
	w := NewWorld(WorldOptions{Seed: 1, Speed: 1})
	srv := httptest.NewServer(New(Options{World: w}))
	defer func() { srv.Close(); w.Close() }()
	const j11 = "application/x-amz-json-1.1"
	json11 := func(name, ctype, target string, body []byte, status int, code string) {
		t.Run(name, func(t *testing.T) {
			st, b, h := post(t, srv.URL+"/", ctype, target, body)
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal([]byte(b), &e); err != nil || st != status || e.Type != code || e.Message == "" || h.Get("X-Amzn-ErrorType") != code {
				t.Fatalf("status %d body %s (want %d %s)", st, b, status, code)
			}
		})
	}
	ecsT := "AmazonEC2ContainerServiceV20141113."
	json11("malformed JSON", j11, ecsT+"ListClusters", []byte(`{"maxResults":`), 400, "SerializationException")
	json11("not an object", j11, ecsT+"CreateCluster", []byte(`[1,2]`), 400, "SerializationException")
	json11("wrong content type", "text/plain", ecsT+"ListClusters", []byte(`{}`), 400, "SerializationException")
	json11("unknown ECS operation", j11, ecsT+"CreateCapacityProvider", []byte(`{}`), 400, "UnknownOperationException")
	json11("unknown target", j11, "DynamoDB_20120810.ListTables", []byte(`{}`), 400, "UnknownOperationException")
	json11("unknown AAS operation", j11, "AnyScaleFrontendService.PutScheduledAction", []byte(`{}`), 400, "UnknownOperationException")
	json11("AAS bad namespace", j11, "AnyScaleFrontendService.DescribeScalableTargets", []byte(`{"ServiceNamespace":"dynamodb"}`), 400, "ValidationException")
	json11("body over 1 MB", j11, ecsT+"CreateCluster", append([]byte(`{"clusterName":"`), bytes.Repeat([]byte("a"), 1<<20+10)...), 413, "RequestEntityTooLargeException")

	query := func(name, body string, status int, code string) {
		t.Run(name, func(t *testing.T) {
			st, b, _ := post(t, srv.URL+"/", "application/x-www-form-urlencoded; charset=utf-8", "", []byte(body))
			var e xmlErrorBody
			if err := xml.Unmarshal([]byte(b), &e); err != nil || st != status || len(e.Errors) != 1 || e.Errors[0].Code != code || e.RequestID == "" {
				t.Fatalf("status %d body %s (want %d %s)", st, b, status, code)
			}
		})
	}
	query("unknown action", "Action=CreateVpc&Version=2016-11-15", 400, "InvalidAction")
	query("no action", "Version=2016-11-15", 400, "MissingAction")
	query("malformed query", "Action=RunInstances&%zz", 400, "MalformedQueryString")
	query("missing counts", "Action=RunInstances&Version=2016-11-15&ImageId=ami-1", 400, "MissingParameter")
	query("bad counts", "Action=RunInstances&Version=2016-11-15&ImageId=ami-1&MinCount=3&MaxCount=1", 400, "InvalidParameterValue")
	query("body over 1 MB", "Action=RunInstances&UserData="+strings.Repeat("a", 1<<20), 413, "RequestEntityTooLargeException")

	// A client that never finishes its body does not hold the world: other
	// requests go on.
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", pr)
	req.Header.Set("Content-Type", j11)
	req.Header.Set("X-Amz-Target", ecsT+"ListClusters")
	go func() {
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	_, _ = pw.Write([]byte(`{"max`))
	done := make(chan struct{})
	go func() {
		st, b, _ := post(t, srv.URL+"/", j11, ecsT+"ListClusters", []byte(`{}`))
		if st != 200 || !strings.Contains(b, "clusterArns") {
			t.Errorf("list-clusters beside a stalled request: %d %s", st, b)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("a stalled request blocked the others")
	}
}

// The simulated clock follows the wall clock times the speed, and `clock
// advance` in the lab shell moves it ahead without it ever going back.
func TestWorldClockFollowsTheWallClock(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var mu = make(chan struct{}, 1)
	mu <- struct{}{}
	clock := func() time.Time { <-mu; defer func() { mu <- struct{}{} }(); return now }
	set := func(d time.Duration) { <-mu; now = now.Add(d); mu <- struct{}{} }
	w := NewWorld(WorldOptions{Seed: 1, Speed: 60, Clock: clock})
	defer w.Close()
	set(2 * time.Second)
	_ = w.Do(func(*cloud.Account) error { return nil })
	if got := w.Now(); got != 2*time.Minute {
		t.Fatalf("after 2 s at speed 60: %v, want 2m", got)
	}
	if _, err := w.Shell("clock advance 10m"); err != nil {
		t.Fatal(err)
	}
	set(time.Second)
	_ = w.Do(func(*cloud.Account) error { return nil })
	if got := w.Now(); got != 13*time.Minute {
		t.Fatalf("after clock advance 10m and 1 s more: %v, want 13m", got)
	}
	if got := w.Time(time.Minute); !got.Equal(time.Date(2026, 12, 1, 0, 1, 0, 0, time.UTC)) {
		t.Fatalf("wire time of 1m: %v", got)
	}
}
