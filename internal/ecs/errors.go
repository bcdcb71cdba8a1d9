package ecs

import "fmt"

// AWS error codes. Every error the package returns for bad input has an
// AWSCode method; the shell prints "An error occurred (Code) when calling
// the X operation: message".

// ClientError is ECS's ClientException.
type ClientError struct{ Msg string }

func (e *ClientError) Error() string { return e.Msg }

// AWSCode is the AWS error code.
func (e *ClientError) AWSCode() string { return "ClientException" }

// InvalidParam is ECS's InvalidParameterException.
type InvalidParam struct{ Msg string }

func (e *InvalidParam) Error() string { return e.Msg }

// AWSCode is the AWS error code.
func (e *InvalidParam) AWSCode() string { return "InvalidParameterException" }

// NotFound is a ...NotFoundException (or another named AWS error).
type NotFound struct{ Code, Msg string }

func (e *NotFound) Error() string { return e.Msg }

// AWSCode is the AWS error code.
func (e *NotFound) AWSCode() string { return e.Code }

// AWSCode of a parameter validation failure (the CLI reports it itself).
func (e *ParamError) AWSCode() string { return "ParamValidation" }

// AWSCode of malformed JSON (the CLI reports it itself).
func (e *JSONError) AWSCode() string { return "ParamValidation" }

// AWSCode of a query-language error.
func (e *QueryError) AWSCode() string { return "InvalidParameterException" }

// The shell's AWSCoder interface: ErrorCode, ErrorMessage, ErrorReason,
// HTTPStatus.

// ErrorCode is the AWS error code.
func (e *ClientError) ErrorCode() string { return e.AWSCode() }

// ErrorMessage is the AWS error message.
func (e *ClientError) ErrorMessage() string { return e.Msg }

// ErrorReason is empty for ECS errors.
func (e *ClientError) ErrorReason() string { return "" }

// HTTPStatus is 400.
func (e *ClientError) HTTPStatus() int { return 400 }

// ErrorCode is the AWS error code.
func (e *InvalidParam) ErrorCode() string { return e.AWSCode() }

// ErrorMessage is the AWS error message.
func (e *InvalidParam) ErrorMessage() string { return e.Msg }

// ErrorReason is empty for ECS errors.
func (e *InvalidParam) ErrorReason() string { return "" }

// HTTPStatus is 400.
func (e *InvalidParam) HTTPStatus() int { return 400 }

// ErrorCode is the AWS error code.
func (e *NotFound) ErrorCode() string { return e.Code }

// ErrorMessage is the AWS error message.
func (e *NotFound) ErrorMessage() string { return e.Msg }

// ErrorReason is empty for ECS errors.
func (e *NotFound) ErrorReason() string { return "" }

// HTTPStatus is 400.
func (e *NotFound) HTTPStatus() int { return 400 }

func clusterNotFound() error { return &NotFound{"ClusterNotFoundException", "Cluster not found."} }

func serviceNotFound() error { return &NotFound{"ServiceNotFoundException", "Service not found."} }

func invalidf(format string, args ...any) error { return &InvalidParam{fmt.Sprintf(format, args...)} }

func clientf(format string, args ...any) error { return &ClientError{fmt.Sprintf(format, args...)} }

// LimitExceeded is ECS's LimitExceededException: a quota would be passed.
type LimitExceeded struct{ Msg string }

func (e *LimitExceeded) Error() string { return e.Msg }

// AWSCode is the AWS error code.
func (e *LimitExceeded) AWSCode() string { return "LimitExceededException" }

// ErrorCode, ErrorMessage, ErrorReason and HTTPStatus describe the error
// the way the endpoint sends it.
func (e *LimitExceeded) ErrorCode() string    { return e.AWSCode() }
func (e *LimitExceeded) ErrorMessage() string { return e.Msg }
func (e *LimitExceeded) ErrorReason() string  { return "" }
func (e *LimitExceeded) HTTPStatus() int      { return 400 }
