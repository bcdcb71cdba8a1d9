// Package ric holds the small runtime interface clients that cloudlab ships
// for the python3.x and nodejs*.x runtimes. Each uses only its
// interpreter's standard library and speaks the Lambda Runtime API
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
package ric

import "embed"

// FS holds python/bootstrap.py and node/bootstrap.js.
//
//go:embed python/bootstrap.py node/bootstrap.js
var FS embed.FS
