package endpoint

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/invoker"
	"github.com/cloudlab/cloudlab/internal/lambda"
)

// The Lambda REST API (restJson1): the operations the AWS CLI and SDKs send
// for functions, versions, aliases, concurrency and invocation.
// https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html

func (s *Server) serveLambda(w http.ResponseWriter, r *http.Request, c *call) {
	segs, err := pathSegments(r.URL)
	if err != nil || len(segs) < 2 {
		c.op = "?"
		writeError(w, unknownOp(r))
		return
	}
	ver, rest := segs[0], segs[1:]
	if ver == "2016-08-19" && len(rest) == 1 && rest[0] == "account-settings" && r.Method == http.MethodGet {
		c.op = "GetAccountSettings"
		s.getAccountSettings(w)
		return
	}
	if rest[0] != "functions" {
		c.op = "?"
		writeError(w, unknownOp(r))
		return
	}
	q := r.URL.Query()
	m := r.Method
	if len(rest) == 1 {
		if ver != "2015-03-31" {
			c.op = "?"
			writeError(w, unknownOp(r))
			return
		}
		switch m {
		case http.MethodPost:
			c.op = "CreateFunction"
			s.createFunction(w, c)
		case http.MethodGet:
			c.op = "ListFunctions"
			s.listFunctions(w, q)
		default:
			writeError(w, unknownOp(r))
		}
		return
	}
	name, qual, aerr := functionRef(rest[1], q.Get("Qualifier"))
	c.function = name
	if aerr != nil {
		c.op = "?"
		writeError(w, aerr)
		return
	}
	sub := strings.Join(rest[2:], "/")
	switch {
	case ver == "2015-03-31" && sub == "" && m == http.MethodGet:
		c.op = "GetFunction"
		s.getFunction(w, name, qual, true)
	case ver == "2015-03-31" && sub == "" && m == http.MethodDelete:
		c.op = "DeleteFunction"
		s.deleteFunction(w, name, qual)
	case ver == "2015-03-31" && sub == "configuration" && m == http.MethodGet:
		c.op = "GetFunctionConfiguration"
		s.getFunction(w, name, qual, false)
	case ver == "2015-03-31" && sub == "configuration" && m == http.MethodPut:
		c.op = "UpdateFunctionConfiguration"
		s.updateConfiguration(w, c, name)
	case ver == "2015-03-31" && sub == "code" && m == http.MethodPut:
		c.op = "UpdateFunctionCode"
		s.updateCode(w, c, name)
	case ver == "2015-03-31" && sub == "invocations" && m == http.MethodPost:
		c.op = "Invoke"
		s.invoke(w, r, c, name, qual)
	case ver == "2015-03-31" && sub == "versions" && m == http.MethodPost:
		c.op = "PublishVersion"
		s.publishVersion(w, c, name)
	case ver == "2015-03-31" && sub == "versions" && m == http.MethodGet:
		c.op = "ListVersionsByFunction"
		s.listVersions(w, name, q)
	case ver == "2015-03-31" && sub == "aliases" && m == http.MethodPost:
		c.op = "CreateAlias"
		s.createAlias(w, c, name)
	case ver == "2015-03-31" && sub == "aliases" && m == http.MethodGet:
		c.op = "ListAliases"
		s.listAliases(w, name, q)
	case ver == "2015-03-31" && len(rest) == 4 && rest[2] == "aliases":
		s.alias(w, r, c, name, rest[3])
	case (ver == "2017-10-31" || ver == "2019-09-30") && sub == "concurrency":
		s.concurrency(w, r, c, name)
	case ver == "2019-09-30" && sub == "provisioned-concurrency":
		s.provisioned(w, r, c, name, q.Get("Qualifier"))
	case ver == "2019-09-25" && sub == "event-invoke-config":
		s.eventInvokeConfig(w, r, c, name, q.Get("Qualifier"))
	default:
		c.op = "?"
		writeError(w, unknownOp(r))
	}
}

func unknownOp(r *http.Request) *apiError {
	return &apiError{Status: 404, Code: "UnknownOperationException", Message: "Unknown operation " + Sanitize(trunc(r.Method+" "+r.URL.Path, 120)) + " (the cloudlab endpoint serves a subset of the Lambda API; see docs/endpoint.md)"}
}

// pathSegments splits the escaped path and unescapes each segment, so an
// ARN sent as arn%3Aaws%3A... stays one segment.
func pathSegments(u *url.URL) ([]string, error) {
	p := strings.Trim(u.EscapedPath(), "/")
	if p == "" {
		return nil, nil
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		v, err := url.PathUnescape(s)
		if err != nil {
			return nil, err
		}
		parts[i] = v
	}
	return parts, nil
}

// functionRef accepts what the API accepts for FunctionName: a name, a
// partial ARN (123456789012:function:name) or a full ARN, each optionally
// with :qualifier, or name:qualifier; plus the Qualifier parameter.
func functionRef(ref, qparam string) (name, qual string, err *apiError) {
	parts := strings.Split(ref, ":")
	switch {
	case len(parts) >= 7 && parts[0] == "arn" && parts[5] == "function" && len(parts) <= 8:
		name = parts[6]
		if len(parts) == 8 {
			qual = parts[7]
		}
	case len(parts) >= 3 && parts[1] == "function" && len(parts) <= 4:
		name = parts[2]
		if len(parts) == 4 {
			qual = parts[3]
		}
	case len(parts) == 2:
		name, qual = parts[0], parts[1]
	case len(parts) == 1:
		name = ref
	default:
		return "", "", validationErr(ref, "functionName")
	}
	if !validName(name) || qual != "" && !validQualifier(qual) {
		return "", "", validationErr(ref, "functionName")
	}
	if qparam != "" {
		if !validQualifier(qparam) {
			return "", "", validationErr(qparam, "qualifier")
		}
		if qual != "" && qual != qparam {
			return "", "", &apiError{Status: 400, Code: "InvalidParameterValueException", Message: "The derived qualifier from the function name does not match the specified qualifier."}
		}
		qual = qparam
	}
	return name, qual, nil
}

func validName(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func validQualifier(q string) bool { return q == "$LATEST" || validName(q) && len(q) <= 128 }

func validationErr(v, field string) *apiError {
	return &apiError{Status: 400, Code: "ValidationException", Message: fmt.Sprintf(
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?",
		Sanitize(trunc(v, 140)), field)}
}

func invalidParam(format string, a ...any) *apiError {
	return &apiError{Status: 400, Code: "InvalidParameterValueException", Message: fmt.Sprintf(format, a...)}
}

// ---- shapes -----------------------------------------------------------

type envVars struct {
	Variables map[string]string `json:"Variables"`
}

type fnConfig struct {
	FunctionName     string
	FunctionArn      string
	Runtime          string
	Role             string
	Handler          string
	CodeSize         int64
	Description      string
	Timeout          int
	MemorySize       int
	LastModified     string
	CodeSha256       string
	Version          string
	Environment      *envVars                    `json:",omitempty"`
	DeadLetterConfig *struct{ TargetArn string } `json:",omitempty"`
	TracingConfig    struct{ Mode string }
	RevisionId       string
	State            string
	LastUpdateStatus string
	PackageType      string
	Architectures    []string
	EphemeralStorage struct{ Size int }
	LoggingConfig    struct{ LogFormat, LogGroup string }
}

func (s *Server) lastModified(svc *lambda.Service, d time.Duration) string {
	return svc.Epoch().Add(d).UTC().Format("2006-01-02T15:04:05.000-0700")
}

func revisionID(parts ...string) string {
	h := fnv.New128a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	b := h.Sum(nil)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (s *Server) config(svc *lambda.Service, f *lambda.Function, v *lambda.Version) fnConfig {
	c := v.Cfg
	o := fnConfig{FunctionName: f.Name, FunctionArn: f.ARN(v.Name), Runtime: c.Runtime, Role: c.Role, Handler: c.Handler,
		CodeSize: c.CodeSize, Description: c.Description, Timeout: int(c.Timeout / time.Second), MemorySize: c.MemoryMB,
		LastModified: s.lastModified(svc, v.LastModified), CodeSha256: c.CodeSHA256, Version: v.Name,
		RevisionId: revisionID(f.Name, v.Name, strconv.Itoa(f.Revision()), c.CodeSHA256),
		State:      "Active", LastUpdateStatus: "Successful", PackageType: "Zip", Architectures: []string{c.Arch}}
	if v.Name == "$LATEST" {
		o.FunctionArn = f.ARN("")
	}
	o.TracingConfig.Mode = "PassThrough"
	o.EphemeralStorage.Size = c.EphemeralMB
	o.LoggingConfig.LogFormat, o.LoggingConfig.LogGroup = "Text", "/aws/lambda/"+f.Name
	if len(c.Environment) > 0 {
		o.Environment = &envVars{Variables: c.Environment}
	}
	if f.DLQ != "" {
		o.DeadLetterConfig = &struct{ TargetArn string }{f.DLQ}
	}
	return o
}

// ---- functions --------------------------------------------------------

type createInput struct {
	FunctionName     string
	Runtime          string
	Role             string
	Handler          string
	Description      string
	Timeout          *int
	MemorySize       *int
	Publish          bool
	PackageType      string
	Architectures    []string
	Environment      *envVars
	EphemeralStorage *struct{ Size int }
	DeadLetterConfig *struct{ TargetArn string }
	Code             *struct {
		ZipFile                       []byte
		S3Bucket, S3Key, ImageUri     string
		S3ObjectVersion, SourceKMSKey string
	}
}

// reservedEnv are variables Lambda sets that a function may not set
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
var reservedEnv = []string{"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"}

func checkEnv(vars map[string]string) *apiError {
	var bad []string
	for k := range vars {
		for _, r := range reservedEnv {
			if k == r {
				bad = append(bad, k)
			}
		}
		if !validEnvName(k) {
			return &apiError{Status: 400, Code: "ValidationException", Message: fmt.Sprintf(
				"1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")}
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return invalidParam("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: %s", strings.Join(bad, ","))
	}
	return nil
}

func validEnvName(k string) bool {
	if len(k) < 2 {
		return false
	}
	for i, r := range k {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if i == 0 && !letter || !(letter || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func (s *Server) createFunction(w http.ResponseWriter, c *call) {
	var in createInput
	if e := decodeJSON(c.body, &in); e != nil {
		writeError(w, e)
		return
	}
	c.function = in.FunctionName
	name, qual, e := functionRef(in.FunctionName, "")
	if e != nil || qual != "" {
		writeError(w, validationErr(in.FunctionName, "functionName"))
		return
	}
	if in.Role == "" {
		writeError(w, &apiError{Status: 400, Code: "ValidationException", Message: "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null"})
		return
	}
	if in.PackageType == "Image" || in.Code == nil || in.Code.ImageUri != "" || in.Code.S3Bucket != "" || len(in.Code.ZipFile) == 0 {
		writeError(w, invalidParam("The cloudlab endpoint takes the deployment package inline: give Code.ZipFile (aws lambda create-function --zip-file fileb://function.zip). S3 and container images are not supported."))
		return
	}
	if in.Runtime == "" {
		writeError(w, invalidParam("The runtime parameter is required for functions deployed as .zip file archives."))
		return
	}
	if err := s.iv.CheckRuntime(in.Runtime); err != nil {
		writeError(w, toAPIError(err))
		return
	}
	if in.Handler == "" {
		writeError(w, invalidParam("The handler parameter is required for functions deployed as .zip file archives."))
		return
	}
	cfg := lambda.DefaultConfig()
	if e := applyConfig(&cfg, in.Runtime, in.Role, in.Handler, in.Description, in.Timeout, in.MemorySize, in.Architectures, in.Environment, in.EphemeralStorage); e != nil {
		writeError(w, e)
		return
	}
	pkg, err := s.iv.StorePackage(in.Code.ZipFile)
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	cfg.CodeSHA256, cfg.CodeSize, cfg.CodeLocation = pkg.SHA256, pkg.Size, pkg.Dir
	var out fnConfig
	err = s.iv.Do(func(svc *lambda.Service) error {
		if len(svc.Functions()) >= s.iv.MaxFunctions() {
			return &apiError{Status: 400, Code: "CodeStorageExceededException", Message: fmt.Sprintf("Code storage limit exceeded: the cloudlab endpoint holds at most %d functions.", s.iv.MaxFunctions())}
		}
		f, err := svc.CreateFunction(name, cfg)
		if err != nil {
			return err
		}
		if in.DeadLetterConfig != nil {
			f.DLQ = in.DeadLetterConfig.TargetArn
		}
		v := f.Latest()
		if in.Publish {
			v = f.PublishVersion("")
		}
		out = s.config(svc, f, v)
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// applyConfig sets the given fields on cfg and validates it.
func applyConfig(cfg *lambda.Config, runtime, role, handler, desc string, timeout, memory *int, arch []string, env *envVars, eph *struct{ Size int }) *apiError {
	if runtime != "" {
		cfg.Runtime = runtime
	}
	if role != "" {
		cfg.Role = role
	}
	if handler != "" {
		cfg.Handler = handler
	}
	if desc != "" {
		cfg.Description = desc
	}
	if timeout != nil {
		if *timeout < 1 || *timeout > 900 {
			return &apiError{Status: 400, Code: "ValidationException", Message: fmt.Sprintf("1 validation error detected: Value '%d' at 'timeout' failed to satisfy constraint: Member must have value %s", *timeout, map[bool]string{true: "greater than or equal to 1", false: "less than or equal to 900"}[*timeout < 1])}
		}
		cfg.Timeout = time.Duration(*timeout) * time.Second
	}
	if memory != nil {
		cfg.MemoryMB = *memory
	}
	if len(arch) == 1 {
		cfg.Arch = arch[0]
	} else if len(arch) > 1 {
		return &apiError{Status: 400, Code: "ValidationException", Message: "1 validation error detected: Value at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1"}
	}
	if env != nil {
		if e := checkEnv(env.Variables); e != nil {
			return e
		}
		cfg.Environment = env.Variables
	}
	if eph != nil {
		cfg.EphemeralMB = eph.Size
	}
	if err := cfg.Validate(); err != nil {
		return toAPIError(err)
	}
	return nil
}

func (s *Server) resolve(svc *lambda.Service, name, qual string) (*lambda.Function, *lambda.Version, error) {
	f, err := svc.Function(name)
	if err != nil {
		return nil, nil, err
	}
	v, err := f.Resolve(qual)
	if err != nil {
		return nil, nil, err
	}
	return f, v, nil
}

func (s *Server) getFunction(w http.ResponseWriter, name, qual string, full bool) {
	var out any
	err := s.iv.Do(func(svc *lambda.Service) error {
		f, v, err := s.resolve(svc, name, qual)
		if err != nil {
			return err
		}
		cfg := s.config(svc, f, v)
		if !full {
			out = cfg
			return nil
		}
		res := map[string]any{"Configuration": cfg, "Code": map[string]string{"RepositoryType": "S3"}}
		if f.Reserved >= 0 {
			res["Concurrency"] = map[string]int{"ReservedConcurrentExecutions": f.Reserved}
		}
		out = res
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listFunctions(w http.ResponseWriter, q url.Values) {
	all := q.Get("FunctionVersion") == "ALL"
	var items []fnConfig
	_ = s.iv.Do(func(svc *lambda.Service) error {
		for _, f := range svc.Functions() {
			vs := []*lambda.Version{f.Latest()}
			if all {
				vs = f.Versions()
			}
			for _, v := range vs {
				items = append(items, s.config(svc, f, v))
			}
		}
		return nil
	})
	page, next := paginate(len(items), q)
	out := map[string]any{"Functions": items[page[0]:page[1]]}
	if next != "" {
		out["NextMarker"] = next
	}
	if items == nil {
		out["Functions"] = []fnConfig{}
	}
	writeJSON(w, http.StatusOK, out)
}

// paginate applies Marker (an offset) and MaxItems (1-10000, default 50).
func paginate(n int, q url.Values) ([2]int, string) {
	start, _ := strconv.Atoi(q.Get("Marker"))
	size, err := strconv.Atoi(q.Get("MaxItems"))
	if err != nil || size < 1 || size > 10000 {
		size = 50
	}
	start = min(max(start, 0), n)
	end := min(start+size, n)
	next := ""
	if end < n {
		next = strconv.Itoa(end)
	}
	return [2]int{start, end}, next
}

func (s *Server) deleteFunction(w http.ResponseWriter, name, qual string) {
	if qual != "" && qual != "$LATEST" {
		writeError(w, invalidParam("The cloudlab endpoint deletes whole functions only: leave out the qualifier."))
		return
	}
	if err := s.iv.Do(func(svc *lambda.Service) error { return svc.DeleteFunction(name) }); err != nil {
		writeError(w, toAPIError(err))
		return
	}
	writeJSON(w, http.StatusNoContent, nil)
}

type updateConfigInput struct {
	Role             string
	Handler          string
	Description      string
	Timeout          *int
	MemorySize       *int
	Runtime          string
	Environment      *envVars
	EphemeralStorage *struct{ Size int }
	DeadLetterConfig *struct{ TargetArn string }
	RevisionId       string
}

func (s *Server) updateConfiguration(w http.ResponseWriter, c *call, name string) {
	var in updateConfigInput
	if e := decodeJSON(c.body, &in); e != nil {
		writeError(w, e)
		return
	}
	if in.Runtime != "" {
		if err := s.iv.CheckRuntime(in.Runtime); err != nil {
			writeError(w, toAPIError(err))
			return
		}
	}
	var out fnConfig
	err := s.iv.Do(func(svc *lambda.Service) error {
		f, err := svc.Function(name)
		if err != nil {
			return err
		}
		cfg := f.Latest().Cfg
		if cfg.Environment != nil && in.Environment != nil {
			cfg.Environment = nil
		}
		if e := applyConfig(&cfg, in.Runtime, in.Role, in.Handler, in.Description, in.Timeout, in.MemorySize, nil, in.Environment, in.EphemeralStorage); e != nil {
			return e
		}
		if err := f.UpdateConfiguration(cfg); err != nil {
			return err
		}
		if in.DeadLetterConfig != nil {
			f.DLQ = in.DeadLetterConfig.TargetArn
		}
		out = s.config(svc, f, f.Latest())
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) updateCode(w http.ResponseWriter, c *call, name string) {
	var in struct {
		ZipFile           []byte
		S3Bucket, S3Key   string
		ImageUri          string
		Publish           bool
		DryRun            bool
		RevisionId        string
		Architectures     []string
		SourceKMSKeyArn   string
		S3ObjectVersion   string
		CodeSigningConfig string
	}
	if e := decodeJSON(c.body, &in); e != nil {
		writeError(w, e)
		return
	}
	if len(in.ZipFile) == 0 || in.S3Bucket != "" || in.ImageUri != "" {
		writeError(w, invalidParam("The cloudlab endpoint takes the deployment package inline: give ZipFile (aws lambda update-function-code --zip-file fileb://function.zip)."))
		return
	}
	if err := s.iv.Do(func(svc *lambda.Service) error { _, err := svc.Function(name); return err }); err != nil {
		writeError(w, toAPIError(err))
		return
	}
	pkg, err := s.iv.StorePackage(in.ZipFile)
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	var out fnConfig
	err = s.iv.Do(func(svc *lambda.Service) error {
		f, err := svc.Function(name)
		if err != nil {
			return err
		}
		v := f.Latest()
		if !in.DryRun {
			f.SetCode(pkg.SHA256, pkg.Size, pkg.Dir)
			if in.Publish {
				v = f.PublishVersion("")
			}
		}
		out = s.config(svc, f, v)
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// ---- invoke -----------------------------------------------------------

func (s *Server) invoke(w http.ResponseWriter, r *http.Request, c *call, name, qual string) {
	typ := r.Header.Get("X-Amz-Invocation-Type")
	if typ == "" {
		typ = lambda.TypeRequestResponse
	}
	if typ != lambda.TypeRequestResponse && typ != lambda.TypeEvent && typ != lambda.TypeDryRun {
		writeError(w, &apiError{Status: 400, Code: "ValidationException", Message: fmt.Sprintf("1 validation error detected: Value '%s' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", Sanitize(trunc(typ, 40)))})
		return
	}
	logType := r.Header.Get("X-Amz-Log-Type")
	if logType != "" && logType != "None" && logType != "Tail" {
		writeError(w, &apiError{Status: 400, Code: "ValidationException", Message: fmt.Sprintf("1 validation error detected: Value '%s' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]", Sanitize(trunc(logType, 40)))})
		return
	}
	if len(c.body) > 0 && !json.Valid(c.body) {
		writeError(w, &apiError{Status: 400, Code: "InvalidRequestContentException", Message: "Could not parse request body into json: Could not parse payload into json: Unexpected character"})
		return
	}
	res, err := s.iv.Invoke(r.Context(), invoker.InvokeInput{Function: name, Qualifier: qual, Type: typ, Payload: c.body,
		ClientContext: r.Header.Get("X-Amz-Client-Context")})
	if err != nil {
		e := toAPIError(err)
		c.detail = e.Reason
		if r.Context().Err() != nil {
			c.detail = "client gone"
		}
		writeError(w, e)
		return
	}
	h := w.Header()
	h.Set("X-Amzn-RequestId", res.RequestID)
	switch res.StatusCode {
	case http.StatusAccepted, http.StatusNoContent:
		c.detail = strings.ToLower(typ)
		if res.StatusCode == http.StatusAccepted {
			h.Set("X-Amzn-RequestId", newRequestID())
		}
		w.WriteHeader(res.StatusCode)
		return
	}
	c.detail = "warm"
	if res.Cold {
		c.detail = "cold"
	}
	h.Set("X-Amz-Executed-Version", res.ExecutedVersion)
	h.Set("Content-Type", "application/json")
	if res.FunctionError != "" {
		h.Set("X-Amz-Function-Error", res.FunctionError)
		c.detail += " " + res.FunctionError
	}
	if logType == "Tail" {
		h.Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString(res.LogTail))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(res.Payload)
}

// ---- versions and aliases --------------------------------------------

func (s *Server) publishVersion(w http.ResponseWriter, c *call, name string) {
	var in struct{ Description, CodeSha256, RevisionId string }
	if e := decodeJSON(c.body, &in); e != nil {
		writeError(w, e)
		return
	}
	var out fnConfig
	err := s.iv.Do(func(svc *lambda.Service) error {
		f, err := svc.Function(name)
		if err != nil {
			return err
		}
		if in.CodeSha256 != "" && in.CodeSha256 != f.Latest().Cfg.CodeSHA256 {
			return invalidParam("CodeSHA256 (%s) is different from current CodeSHA256 in $LATEST (%s). Please try again with the CodeSHA256 in $LATEST.", Sanitize(trunc(in.CodeSha256, 64)), f.Latest().Cfg.CodeSHA256)
		}
		out = s.config(svc, f, f.PublishVersion(in.Description))
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) listVersions(w http.ResponseWriter, name string, q url.Values) {
	var items []fnConfig
	err := s.iv.Do(func(svc *lambda.Service) error {
		f, err := svc.Function(name)
		if err != nil {
			return err
		}
		for _, v := range f.Versions() {
			items = append(items, s.config(svc, f, v))
		}
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	page, next := paginate(len(items), q)
	out := map[string]any{"Versions": items[page[0]:page[1]]}
	if next != "" {
		out["NextMarker"] = next
	}
	writeJSON(w, http.StatusOK, out)
}

type aliasOut struct {
	AliasArn        string
	Name            string
	FunctionVersion string
	Description     string
	RevisionId      string
}

func aliasShape(f *lambda.Function, a *lambda.Alias) aliasOut {
	return aliasOut{AliasArn: f.ARN(a.Name), Name: a.Name, FunctionVersion: a.Version, Description: a.Description,
		RevisionId: revisionID(f.Name, a.Name, a.Version, a.Description)}
}

func (s *Server) createAlias(w http.ResponseWriter, c *call, name string) {
	var in struct{ Name, FunctionVersion, Description string }
	if e := decodeJSON(c.body, &in); e != nil {
		writeError(w, e)
		return
	}
	var out aliasOut
	err := s.iv.Do(func(svc *lambda.Service) error {
		f, err := svc.Function(name)
		if err != nil {
			return err
		}
		a, err := f.CreateAlias(in.Name, in.FunctionVersion, in.Description)
		if err != nil {
			return err
		}
		out = aliasShape(f, a)
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) listAliases(w http.ResponseWriter, name string, q url.Values) {
	var items []aliasOut
	fv := q.Get("FunctionVersion")
	err := s.iv.Do(func(svc *lambda.Service) error {
		f, err := svc.Function(name)
		if err != nil {
			return err
		}
		for _, a := range f.Aliases() {
			if fv == "" || a.Version == fv {
				items = append(items, aliasShape(f, a))
			}
		}
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	if items == nil {
		items = []aliasOut{}
	}
	page, next := paginate(len(items), q)
	out := map[string]any{"Aliases": items[page[0]:page[1]]}
	if next != "" {
		out["NextMarker"] = next
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) alias(w http.ResponseWriter, r *http.Request, c *call, name, alias string) {
	var out aliasOut
	var status = http.StatusOK
	var body struct{ FunctionVersion, Description, RevisionId string }
	switch r.Method {
	case http.MethodGet:
		c.op = "GetAlias"
	case http.MethodPut:
		c.op = "UpdateAlias"
		if e := decodeJSON(c.body, &body); e != nil {
			writeError(w, e)
			return
		}
	case http.MethodDelete:
		c.op = "DeleteAlias"
		status = http.StatusNoContent
	default:
		c.op = "?"
		writeError(w, unknownOp(r))
		return
	}
	err := s.iv.Do(func(svc *lambda.Service) error {
		f, err := svc.Function(name)
		if err != nil {
			return err
		}
		switch r.Method {
		case http.MethodGet:
			a, err := f.Alias(alias)
			if err != nil {
				return err
			}
			out = aliasShape(f, a)
		case http.MethodPut:
			a, err := f.UpdateAlias(alias, body.FunctionVersion, body.Description)
			if err != nil {
				return err
			}
			out = aliasShape(f, a)
		case http.MethodDelete:
			return f.DeleteAlias(alias)
		}
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	if status == http.StatusNoContent {
		writeJSON(w, status, nil)
		return
	}
	writeJSON(w, status, out)
}

// ---- concurrency ------------------------------------------------------

func (s *Server) concurrency(w http.ResponseWriter, r *http.Request, c *call, name string) {
	var in struct{ ReservedConcurrentExecutions *int }
	switch r.Method {
	case http.MethodPut:
		c.op = "PutFunctionConcurrency"
		if e := decodeJSON(c.body, &in); e != nil {
			writeError(w, e)
			return
		}
		if in.ReservedConcurrentExecutions == nil {
			writeError(w, &apiError{Status: 400, Code: "ValidationException", Message: "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null"})
			return
		}
	case http.MethodGet:
		c.op = "GetFunctionConcurrency"
	case http.MethodDelete:
		c.op = "DeleteFunctionConcurrency"
	default:
		c.op = "?"
		writeError(w, unknownOp(r))
		return
	}
	out := map[string]any{}
	err := s.iv.Do(func(svc *lambda.Service) error {
		f, err := svc.Function(name)
		if err != nil {
			return err
		}
		switch r.Method {
		case http.MethodPut:
			if err := f.PutReservedConcurrency(*in.ReservedConcurrentExecutions); err != nil {
				return err
			}
			out["ReservedConcurrentExecutions"] = f.Reserved
		case http.MethodGet:
			if f.Reserved >= 0 {
				out["ReservedConcurrentExecutions"] = f.Reserved
			}
		case http.MethodDelete:
			f.DeleteReservedConcurrency()
		}
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	if r.Method == http.MethodDelete {
		writeJSON(w, http.StatusNoContent, nil)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) provisioned(w http.ResponseWriter, r *http.Request, c *call, name, qual string) {
	var in struct{ ProvisionedConcurrentExecutions *int }
	status := http.StatusOK
	switch r.Method {
	case http.MethodPut:
		c.op = "PutProvisionedConcurrencyConfig"
		status = http.StatusAccepted
		if e := decodeJSON(c.body, &in); e != nil {
			writeError(w, e)
			return
		}
		if in.ProvisionedConcurrentExecutions == nil {
			writeError(w, &apiError{Status: 400, Code: "ValidationException", Message: "1 validation error detected: Value null at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must not be null"})
			return
		}
	case http.MethodGet:
		c.op = "GetProvisionedConcurrencyConfig"
	case http.MethodDelete:
		c.op = "DeleteProvisionedConcurrencyConfig"
		status = http.StatusNoContent
	default:
		c.op = "?"
		writeError(w, unknownOp(r))
		return
	}
	if qual == "" {
		writeError(w, &apiError{Status: 400, Code: "ValidationException", Message: "1 validation error detected: Value null at 'qualifier' failed to satisfy constraint: Member must not be null"})
		return
	}
	var out map[string]any
	err := s.iv.Do(func(svc *lambda.Service) error {
		f, err := svc.Function(name)
		if err != nil {
			return err
		}
		var pc lambda.ProvisionedConfig
		switch r.Method {
		case http.MethodPut:
			pc, err = f.PutProvisionedConcurrency(qual, *in.ProvisionedConcurrentExecutions)
		case http.MethodGet:
			pc, err = f.ProvisionedConcurrency(qual)
		case http.MethodDelete:
			return f.DeleteProvisionedConcurrency(qual)
		}
		if err != nil {
			return err
		}
		out = map[string]any{"RequestedProvisionedConcurrentExecutions": pc.Requested, "AvailableProvisionedConcurrentExecutions": pc.Available,
			"AllocatedProvisionedConcurrentExecutions": pc.Allocated, "Status": pc.Status, "LastModified": s.lastModified(svc, pc.LastModified)}
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	if status == http.StatusNoContent {
		writeJSON(w, status, nil)
		return
	}
	writeJSON(w, status, out)
}

type destination struct {
	Destination string `json:"Destination"`
}

func (s *Server) eventInvokeConfig(w http.ResponseWriter, r *http.Request, c *call, name, qual string) {
	var in struct {
		MaximumRetryAttempts     *int
		MaximumEventAgeInSeconds *int
		DestinationConfig        *struct{ OnSuccess, OnFailure *destination }
	}
	switch r.Method {
	case http.MethodPut:
		c.op = "PutFunctionEventInvokeConfig"
		if e := decodeJSON(c.body, &in); e != nil {
			writeError(w, e)
			return
		}
	case http.MethodGet:
		c.op = "GetFunctionEventInvokeConfig"
	default:
		c.op = "?"
		writeError(w, unknownOp(r))
		return
	}
	var out map[string]any
	err := s.iv.Do(func(svc *lambda.Service) error {
		f, err := svc.Function(name)
		if err != nil {
			return err
		}
		if r.Method == http.MethodPut {
			cfg := lambda.EventInvokeConfig{MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600}
			if in.MaximumRetryAttempts != nil {
				cfg.MaximumRetryAttempts = *in.MaximumRetryAttempts
			}
			if in.MaximumEventAgeInSeconds != nil {
				cfg.MaximumEventAgeInSeconds = *in.MaximumEventAgeInSeconds
			}
			if d := in.DestinationConfig; d != nil {
				if d.OnSuccess != nil {
					cfg.OnSuccess = d.OnSuccess.Destination
				}
				if d.OnFailure != nil {
					cfg.OnFailure = d.OnFailure.Destination
				}
			}
			if err := f.PutEventInvokeConfig(qual, cfg); err != nil {
				return err
			}
		}
		cfg, err := f.EventInvokeConfig(qual)
		if err != nil {
			return err // ResourceNotFoundException (404)
		}
		dc := map[string]any{}
		if cfg.OnSuccess != "" {
			dc["OnSuccess"] = destination{cfg.OnSuccess}
		}
		if cfg.OnFailure != "" {
			dc["OnFailure"] = destination{cfg.OnFailure}
		}
		arnQual := qual
		if arnQual == "" {
			arnQual = "$LATEST"
		}
		out = map[string]any{"FunctionArn": f.ARN(arnQual), "MaximumRetryAttempts": cfg.MaximumRetryAttempts,
			"MaximumEventAgeInSeconds": cfg.MaximumEventAgeInSeconds, "DestinationConfig": dc,
			"LastModified": float64(svc.Epoch().Add(cfg.LastModified).UnixMilli()) / 1000}
		return nil
	})
	if err != nil {
		writeError(w, toAPIError(err))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// ---- account ------------------------------------------------------------

func (s *Server) getAccountSettings(w http.ResponseWriter) {
	var out map[string]any
	_ = s.iv.Do(func(svc *lambda.Service) error {
		a := svc.Account()
		out = map[string]any{
			"AccountLimit": map[string]any{"TotalCodeSize": int64(80530636800), "CodeSizeUnzipped": invoker.MaxUnzipped,
				"CodeSizeZipped": invoker.MaxZipped, "ConcurrentExecutions": a.ConcurrentExecutions,
				"UnreservedConcurrentExecutions": a.UnreservedConcurrentExecutions},
			"AccountUsage": map[string]any{"TotalCodeSize": a.TotalCodeSize, "FunctionCount": a.FunctionCount},
		}
		return nil
	})
	writeJSON(w, http.StatusOK, out)
}
