package shell

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// invokePayload returns the JSON event of `aws lambda invoke --payload`.
//
// AWS CLI version 2 treats a blob parameter such as --payload as base64 by
// default; `--cli-binary-format raw-in-base64-out` (or cli_binary_format in
// the CLI config) makes it take raw JSON, which is what version 1 did
// (https://docs.aws.amazon.com/cli/latest/userguide/cliv2-migration-changes.html#cliv2-migration-binaryparam).
// So: with raw-in-base64-out the payload is raw JSON; with an explicit
// base64 it must be base64; without the option both are accepted (raw
// JSON as version 1 and the v2 config setting read it, base64 as version 2
// reads it by default).
func invokePayload(a Args) (string, error) {
	payload := a.Str("payload")
	if strings.TrimSpace(payload) == "" {
		return payload, nil
	}
	format := a.Str("cli-binary-format")
	if format != "raw-in-base64-out" && !(format == "" && json.Valid([]byte(payload))) {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
		if err != nil && format == "" {
			// Neither JSON nor base64: report it as the JSON it was
			// probably meant to be.
			return "", invalidPayload()
		}
		if err != nil {
			return "", usagef("Invalid base64: %q (the AWS CLI v2 reads --payload as base64; add --cli-binary-format raw-in-base64-out to pass raw JSON)", clip(payload, 60))
		}
		payload = string(b)
	}
	if !json.Valid([]byte(payload)) {
		return "", invalidPayload()
	}
	return payload, nil
}

func invalidPayload() error {
	return &AWSError{Code: "InvalidRequestContentException", Message: "Could not parse request body into json: Could not parse payload into json: Unrecognized token: was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"}
}
