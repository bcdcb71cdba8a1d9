// Package endpoint is cloudlab's local AWS endpoint: an HTTP server that
// speaks the wire protocols the AWS CLI and SDKs use, in front of a Lambda
// whose execution environments are real processes (internal/invoker).
//
// Protocols: the Lambda REST API (version 2015-03-31 and its later paths;
// https://docs.aws.amazon.com/lambda/latest/api/welcome.html) in
// restjson.go, and the subset of the CloudWatch Logs JSON 1.1 API that
// `aws logs tail` uses (X-Amz-Target Logs_20140328.*) in logs.go. Beside
// them, a simulated account (World, world.go) whose clock follows the wall
// clock times a speed answers Amazon ECS and Application Auto Scaling over
// JSON 1.1 (ecs.go, autoscaling.go) and EC2 over the Query protocol
// (ec2query.go), through the same internal/ecs and internal/ec2 calls as the
// lab shell. Errors are mapped at this edge to AWS's shapes so SDKs raise
// their typed exceptions.
package endpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/invoker"
	"github.com/cloudlab/cloudlab/internal/lambda"
)

// Request body limits. CreateFunction and UpdateFunctionCode carry the zip
// base64-encoded in JSON: AWS refuses requests over 70,167,211 bytes there
// (50 MB zipped once encoded); Invoke takes 6 MB; anything else is small.
const (
	maxCodeRequest   = 70167211
	maxInvokeRequest = 6 << 20
	maxOtherRequest  = 1 << 20
	bodyTimeout      = 5 * time.Minute
)

// Options configure a Server.
type Options struct {
	Invoker *invoker.Invoker
	// AccessKey and SecretKey, when set, make the server verify every
	// request's SigV4 signature (required off loopback: it runs uploaded code).
	AccessKey, SecretKey string
	// OnRequest, if set, gets one record per request (it must not block).
	OnRequest func(RequestLog)
	// World, if set, is the simulated account behind the ECS, EC2 and
	// Application Auto Scaling APIs (without it they are not served).
	World *World
}

// RequestLog describes one handled request.
type RequestLog struct {
	Time      time.Time
	Remote    string
	Operation string // e.g. Invoke, CreateFunction, Logs.FilterLogEvents
	Function  string
	Status    int
	ErrorType string // AWS error code, "" on success
	Detail    string // e.g. "cold", "warm", "Unhandled", a throttle reason
	Duration  time.Duration
}

// Server is the endpoint's HTTP handler.
type Server struct {
	iv        *invoker.Invoker
	world     *World
	opt       Options
	bigUpload chan struct{} // bounds the large request bodies held at once
	inFlight  chan struct{} // bounds the requests served at once
}

// maxInFlight bounds the requests served at once (each holds a goroutine,
// and an invoke a buffer of up to 6 MB); beyond it requests are throttled.
const maxInFlight = 2048

// New returns a Server.
func New(opt Options) *Server {
	return &Server{iv: opt.Invoker, world: opt.World, opt: opt, bigUpload: make(chan struct{}, 2), inFlight: make(chan struct{}, maxInFlight)}
}

// IsLoopback reports whether a listen address is on the loopback interface
// (host part 127.0.0.0/8, ::1 or localhost).
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// apiError is an error shaped for the wire.
type apiError struct {
	Status  int
	Code    string
	Message string
	Reason  string
	// JSON11 marks a JSON 1.1 error (CloudWatch Logs, ECS, Application
	// Auto Scaling): {"__type","message"}.
	JSON11 bool
	// XML marks an EC2 Query error: <Response><Errors><Error>...
	XML bool
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var le *lambda.Error
	if errors.As(err, &le) {
		st := le.Status
		if st == 0 {
			st = 400
		}
		return &apiError{Status: st, Code: le.Code, Message: le.Message, Reason: le.Reason}
	}
	return &apiError{Status: 500, Code: "ServiceException", Message: err.Error()}
}

// writeError sends an error as AWS does: the status, X-Amzn-ErrorType, and
// a JSON body with Type and message (Lambda) or __type and message (JSON 1.1).
func writeError(w http.ResponseWriter, e *apiError) {
	h := w.Header()
	h.Set("X-Amzn-ErrorType", e.Code)
	h.Set("X-Amzn-RequestId", newRequestID())
	if e.XML {
		writeXMLError(w, e)
		return
	}
	if e.JSON11 {
		h.Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(e.Status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
		return
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	typ := "User"
	if e.Status >= 500 {
		typ = "Service"
	}
	body := map[string]string{"Type": typ, "message": e.Message}
	if e.Reason != "" {
		body["Reason"] = e.Reason
	}
	_ = json.NewEncoder(w).Encode(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-RequestId", newRequestID())
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
	code   string
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
		s.code = s.Header().Get("X-Amzn-ErrorType")
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.WriteHeader(200)
	}
	return s.ResponseWriter.Write(b)
}

// call is one request being served.
type call struct {
	op, function, detail string
	body                 []byte
}

// ServeHTTP routes a request to the Lambda or CloudWatch Logs API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	c := &call{}
	defer func() {
		if p := recover(); p != nil {
			if sw.status == 0 {
				writeError(sw, &apiError{Status: 500, Code: "ServiceException", Message: "internal error"})
			}
			c.detail = fmt.Sprint(p)
		}
		if s.opt.OnRequest != nil {
			s.opt.OnRequest(RequestLog{Time: start, Remote: r.RemoteAddr, Operation: c.op, Function: c.function,
				Status: sw.status, ErrorType: sw.code, Detail: c.detail, Duration: time.Since(start)})
		}
	}()
	target := r.Header.Get("X-Amz-Target")
	isLogs := strings.HasPrefix(target, "Logs_20140328.")
	isECS := strings.HasPrefix(target, ecsPrefix)
	isAAS := strings.HasPrefix(target, aasPrefix)
	isEC2 := target == "" && isQueryRequest(r)
	isJSON11 := isLogs || isECS || isAAS
	select {
	case s.inFlight <- struct{}{}:
		defer func() { <-s.inFlight }()
	default:
		c.op = "?"
		writeError(sw, &apiError{Status: 429, Code: "TooManyRequestsException", Message: "Rate exceeded", Reason: "CallerRateLimitExceeded", JSON11: isJSON11, XML: isEC2})
		return
	}
	limit := int64(maxOtherRequest)
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/invocations"):
		limit = maxInvokeRequest
	case r.Method == http.MethodPost && strings.TrimSuffix(r.URL.Path, "/") == "/2015-03-31/functions",
		r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/code"):
		limit = maxCodeRequest
	}
	if r.ContentLength > limit {
		c.op = "?"
		writeError(sw, tooLargeFor(r, limit, isJSON11, isEC2))
		return
	}
	if limit > maxInvokeRequest {
		select {
		case s.bigUpload <- struct{}{}:
			defer func() { <-s.bigUpload }()
		case <-r.Context().Done():
			return
		}
	}
	// A body must arrive within bodyTimeout (a client that trickles one
	// cannot hold an upload slot for ever); the deadline is lifted once it
	// is read, so a long invocation keeps its connection.
	rc := http.NewResponseController(sw.ResponseWriter)
	_ = rc.SetReadDeadline(time.Now().Add(bodyTimeout))
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	_ = rc.SetReadDeadline(time.Time{})
	if err != nil {
		writeError(sw, &apiError{Status: 400, Code: "InvalidRequestContentException", Message: "Could not read the request body.", JSON11: isJSON11, XML: isEC2})
		return
	}
	if int64(len(body)) > limit {
		writeError(sw, tooLargeFor(r, limit, isJSON11, isEC2))
		return
	}
	c.body = body
	if s.opt.AccessKey != "" {
		if e := verifySigV4(r, body, s.opt.AccessKey, s.opt.SecretKey, time.Now()); e != nil {
			e.JSON11, e.XML = isJSON11, isEC2
			c.op = "Auth"
			writeError(sw, e)
			return
		}
	}
	switch {
	case isLogs:
		s.serveLogs(sw, r, c, strings.TrimPrefix(target, "Logs_20140328."))
		return
	case (isECS || isAAS || isEC2) && s.world == nil:
		c.op = "?"
		writeError(sw, &apiError{Status: 400, Code: "UnknownOperationException", Message: "This endpoint serves Lambda and CloudWatch Logs only.", JSON11: !isEC2, XML: isEC2})
		return
	case isECS:
		s.serveECS(sw, r, c, strings.TrimPrefix(target, ecsPrefix))
		return
	case isAAS:
		s.serveAAS(sw, r, c, strings.TrimPrefix(target, aasPrefix))
		return
	case isEC2:
		s.serveEC2(sw, r, c)
		return
	case target != "":
		c.op = "?"
		writeError(sw, &apiError{Status: 400, Code: "UnknownOperationException", Message: "Unknown X-Amz-Target " + strconvQuote(Sanitize(trunc(target, 80))) + ": the cloudlab endpoint serves Logs_20140328.*, AmazonEC2ContainerServiceV20141113.* and AnyScaleFrontendService.* (see docs/endpoint.md).", JSON11: true})
		return
	}
	s.serveLambda(sw, r, c)
}

// tooLargeFor is the body-too-large error in the request's protocol.
func tooLargeFor(r *http.Request, limit int64, json11, xml bool) *apiError {
	if json11 || xml {
		return &apiError{Status: 413, Code: "RequestEntityTooLargeException", Message: fmt.Sprintf("Request must be smaller than %d bytes.", limit), JSON11: json11, XML: xml}
	}
	return tooLarge(r, limit)
}

func strconvQuote(s string) string { return strconv.Quote(s) }

func tooLarge(r *http.Request, limit int64) *apiError {
	op := "the"
	switch {
	case strings.HasSuffix(r.URL.Path, "/invocations"):
		return &apiError{Status: 413, Code: "RequestTooLargeException", Message: fmt.Sprintf("Request must be smaller than %d bytes for the Invoke operation", limit)}
	case strings.HasSuffix(r.URL.Path, "/code"):
		op = "UpdateFunctionCode"
	case r.Method == http.MethodPost:
		op = "CreateFunction"
	}
	return &apiError{Status: 413, Code: "RequestEntityTooLargeException", Message: fmt.Sprintf("Request must be smaller than %d bytes for the %s operation", limit, op)}
}

// decodeJSON decodes a request body; an empty body is an empty object.
func decodeJSON(body []byte, v any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return &apiError{Status: 400, Code: "InvalidRequestContentException", Message: "Could not parse request body into json: " + Sanitize(trunc(err.Error(), 200))}
	}
	return nil
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
