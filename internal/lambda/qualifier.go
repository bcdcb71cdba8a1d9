package lambda

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Helpers for qualified names, event invoke configs, provisioned
// concurrency conflicts and package digests, kept in one file
// so the policy code elsewhere stays as it is.

// SplitFunctionName splits a FunctionName parameter into the function's
// name and the qualifier it carries, in every form the Lambda API accepts
// (API_Invoke.html, "Name formats"):
//
//	my-function                                                   -> my-function, ""
//	my-function:v1                                                -> my-function, v1
//	123456789012:function:my-function[:v1]                        (partial ARN)
//	arn:aws:lambda:us-west-2:123456789012:function:my-function[:v1]
func SplitFunctionName(ref string) (name, qualifier string) {
	const marker = ":function:"
	if i := strings.Index(ref, marker); i >= 0 {
		rest := ref[i+len(marker):]
		name, qualifier, _ = strings.Cut(rest, ":")
		return name, qualifier
	}
	if strings.HasPrefix(ref, "arn:") {
		return ref, "" // not a function ARN: reported as not found
	}
	name, qualifier, _ = strings.Cut(ref, ":")
	return name, qualifier
}

// QualifierConflict reports a FunctionName whose qualifier differs from the
// Qualifier parameter, as the API refuses it.
func QualifierConflict(fromName, param string) error {
	if fromName != "" && param != "" && fromName != param {
		return invalid("The derived qualifier from the function name does not match the specified qualifier.")
	}
	return nil
}

// EventInvokeConfig returns the asynchronous invocation settings put on a
// qualifier. A function (or qualifier) without them has none: the API
// answers ResourceNotFoundException (404) rather than defaults
// (API_GetFunctionEventInvokeConfig.html).
func (f *Function) EventInvokeConfig(qualifier string) (EventInvokeConfig, error) {
	if qualifier == "" {
		qualifier = "$LATEST"
	}
	if c := f.eic[qualifier]; c != nil {
		return *c, nil
	}
	return EventInvokeConfig{}, notFound("The function %s doesn't have an EventInvokeConfig", f.ARN(qualifier))
}

// pcConflict: provisioned concurrency cannot be configured on an alias and
// on the version it points to at the same time; the second request is
// refused with ResourceConflictException (the message
// text is the simulator's; LDG provisioned-concurrency.html).
func (f *Function) pcConflict(qualifier string) error {
	if a := f.aliases[qualifier]; a != nil {
		if f.pcs[a.Version] != nil {
			return conflict("Alias %s points to version %s, which already has provisioned concurrency. Provisioned concurrency can be configured on an alias or on the version it points to, not both.", qualifier, a.Version)
		}
		return nil
	}
	for _, al := range f.Aliases() {
		if al.Version == qualifier && f.pcs[al.Name] != nil {
			return conflict("Version %s is the target of alias %s, which already has provisioned concurrency. Provisioned concurrency can be configured on an alias or on the version it points to, not both.", qualifier, al.Name)
		}
	}
	return nil
}

// PackageDigest is what Lambda reports for a deployment package: its size
// in bytes (CodeSize) and the base64-encoded SHA-256 of its bytes
// (CodeSha256; API_FunctionConfiguration.html).
func PackageDigest(pkg []byte) (size int64, sha string) {
	sum := sha256.Sum256(pkg)
	return int64(len(pkg)), base64.StdEncoding.EncodeToString(sum[:])
}

// UpdateCodeFrom records a new deployment package read from disk: CodeSize
// and CodeSha256 come from its bytes.
func (f *Function) UpdateCodeFrom(pkg []byte) {
	f.revision++
	f.latest.Cfg.CodeSize, f.latest.Cfg.CodeSHA256 = PackageDigest(pkg)
	f.touchLatest()
}

// initBilled reports whether an on-demand cold start bills its Init phase.
// Since 1 Aug 2025 every on-demand Init is billed. Before, Init was free
// only for .zip packages on managed runtimes: container images and custom
// runtimes (provided.*) always paid for it. Provisioned environments
// initialise at allocation, billed as provisioned concurrency, so their
// invocations never carry an Init. (AWS Compute Blog, "AWS Lambda
// standardizes billing for INIT Phase", 2025.)
func initBilled(mode string, cfg *Config) bool {
	return mode == "billed" || cfg.PackageType == "Image" || strings.HasPrefix(cfg.Runtime, "provided")
}
