package lambda

import "fmt"

// Error is an AWS Lambda API error. It implements the shell's AWSCoder.
type Error struct {
	Code    string // e.g. ResourceNotFoundException
	Message string
	Reason  string // throttles: the Reason field of TooManyRequestsException
	Status  int    // HTTP status
}

func (e *Error) Error() string        { return e.Code + ": " + e.Message }
func (e *Error) ErrorCode() string    { return e.Code }
func (e *Error) ErrorMessage() string { return e.Message }
func (e *Error) ErrorReason() string  { return e.Reason }
func (e *Error) HTTPStatus() int      { return e.Status }

func notFound(format string, a ...any) *Error {
	return &Error{Code: "ResourceNotFoundException", Message: fmt.Sprintf(format, a...), Status: 404}
}

func invalid(format string, a ...any) *Error {
	return &Error{Code: "InvalidParameterValueException", Message: fmt.Sprintf(format, a...), Status: 400}
}

func conflict(format string, a ...any) *Error {
	return &Error{Code: "ResourceConflictException", Message: fmt.Sprintf(format, a...), Status: 409}
}

// validation reproduces the API's constraint errors, e.g. "1 validation
// error detected: Value '64' at 'memorySize' failed to satisfy constraint:
// Member must have value greater than or equal to 128".
func validation(value any, field, constraint string) *Error {
	return &Error{Code: "ValidationException", Status: 400,
		Message: fmt.Sprintf("1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, field, constraint)}
}

// Throttle reasons (LDG API_Invoke, TooManyRequestsException.Reason).
const (
	ReasonConcurrent         = "ConcurrentInvocationLimitExceeded"
	ReasonReservedConcurrent = "ReservedFunctionConcurrentInvocationLimitExceeded"
	ReasonRate               = "FunctionInvocationRateLimitExceeded"
	ReasonReservedRate       = "ReservedFunctionInvocationRateLimitExceeded"
)

func throttled(reason string) *Error {
	return &Error{Code: "TooManyRequestsException", Message: "Rate Exceeded.", Reason: reason, Status: 429}
}
