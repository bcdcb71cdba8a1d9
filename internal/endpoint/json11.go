package endpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/cloudlab/cloudlab/internal/ec2"
)

// JSON 1.1 services besides CloudWatch Logs: Amazon ECS
// (X-Amz-Target AmazonEC2ContainerServiceV20141113.*) and Application Auto
// Scaling (AnyScaleFrontendService.*). Requests are POSTs with
// Content-Type application/x-amz-json-1.1; errors are
// {"__type": CODE, "message": ...} with X-Amzn-ErrorType, which is what the
// SDKs' JSON 1.1 deserializers read to raise typed exceptions.

const (
	ecsPrefix = "AmazonEC2ContainerServiceV20141113."
	aasPrefix = "AnyScaleFrontendService."
)

// json11Check validates the transport of a JSON 1.1 request and decodes its
// body (an empty body is an empty object) into v.
func json11Check(r *http.Request, body []byte, v any) *apiError {
	if r.Method != http.MethodPost {
		return &apiError{Status: 400, Code: "UnknownOperationException", Message: "JSON 1.1 operations take POST requests.", JSON11: true}
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/x-amz-json-1.1" && mt != "application/json") {
		return &apiError{Status: 400, Code: "SerializationException", Message: "Content-Type must be application/x-amz-json-1.1 (got " + strconv.Quote(Sanitize(trunc(ct, 60))) + ").", JSON11: true}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return &apiError{Status: 400, Code: "SerializationException", Message: "Could not parse the request body as JSON: " + Sanitize(trunc(err.Error(), 200)), JSON11: true}
	}
	if dec.More() {
		return &apiError{Status: 400, Code: "SerializationException", Message: "The request body holds more than one JSON value.", JSON11: true}
	}
	return nil
}

// awsCoder is what the domain packages' errors implement.
type awsCoder interface {
	ErrorCode() string
	ErrorMessage() string
}

// domainError maps an error of internal/ecs or internal/ec2 to the wire.
func domainError(err error, json11 bool) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var c awsCoder
	if errors.As(err, &c) {
		code := c.ErrorCode()
		switch code {
		case "ParamValidation":
			// The CLI's client-side validation: over the wire ECS answers
			// ClientException for a request it cannot accept.
			code = "ClientException"
		}
		return &apiError{Status: 400, Code: code, Message: c.ErrorMessage(), JSON11: json11}
	}
	var e2 *ec2.Error
	if errors.As(err, &e2) {
		return &apiError{Status: 400, Code: e2.Code, Message: e2.Message, JSON11: json11}
	}
	return &apiError{Status: 500, Code: "ServerException", Message: err.Error(), JSON11: json11}
}

// page returns one page of items and the next token ("" at the end).
func page[T any](items []T, maxResults int, token string, limit int) ([]T, string, *apiError) {
	start := 0
	if token != "" {
		n, err := strconv.Atoi(token)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", &apiError{Status: 400, Code: "InvalidParameterException", Message: "Invalid nextToken.", JSON11: true}
		}
		start = n
	}
	if maxResults <= 0 || maxResults > limit {
		maxResults = limit
	}
	end := min(start+maxResults, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next, nil
}
