package invoker

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cloudlab/cloudlab/internal/lambda"
)

// Payload limits of the Runtime API: 6 MB for a synchronous response.
const maxResponse = 6 << 20

// job is one invocation on one environment (or, initOnly, the Init of a
// provisioned environment).
type job struct {
	inv           *lambda.Invocation // touched only under iv.mu
	le            *lambda.Env
	initOnly      bool
	cold          bool
	reqID         string
	payload       []byte
	arn           string
	version       string
	timeout       time.Duration
	memMB         int
	clientContext string
	deadline      time.Time
	result        chan runtimeResult
	tail          tailBuf
	ended         bool // END and REPORT written (under iv.mu)
}

type runtimeResult struct {
	body      []byte
	isError   bool
	errorType string
}

// process is one run of the environment's runtime.
type process struct {
	pid       int
	start     time.Time
	ready     chan struct{} // closed at the first GET next
	readyOnce sync.Once
	initErr   chan []byte
	exited    chan struct{}
	exitErr   error
	out       *lineReader
}

func (p *process) markReady() { p.readyOnce.Do(func() { close(p.ready) }) }

// procEnv is a real execution environment: a folder, a Runtime API
// listener and, while initialized, a process.
type procEnv struct {
	iv          *Invoker
	le          *lambda.Env // under iv.mu
	id          int64
	fn          string
	version     string
	cfg         lambda.Config
	provisioned bool
	initLimit   time.Duration
	region      string
	dir         string
	taskDir     string
	tmpDir      string
	stream      *LogStream
	ln          net.Listener
	srv         *http.Server
	created     time.Time

	mu       sync.Mutex
	proc     *process
	cur      *job
	invokes  int64
	state    string
	deadOnce sync.Once

	work   chan *job
	nextCh chan *job
	dead   chan struct{}
}

func (e *procEnv) info() EnvInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	in := EnvInfo{ID: e.id, Function: e.fn, Version: e.version, State: e.state, Started: e.created, Invokes: e.invokes}
	if e.proc != nil {
		in.PID = e.proc.pid
	}
	return in
}

func sortEnvInfo(s []EnvInfo) {
	slices.SortFunc(s, func(a, b EnvInfo) int {
		if c := strings.Compare(a.Function, b.Function); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
}

// newProcEnv prepares an environment's folder and Runtime API listener and
// starts its worker. The caller holds iv.mu.
func (iv *Invoker) newProcEnv(le *lambda.Env) (*procEnv, error) {
	v := le.Version()
	e := &procEnv{iv: iv, le: le, id: le.ID, fn: le.FunctionName(), version: v.Name, cfg: v.Cfg, provisioned: le.Provisioned(), initLimit: le.Settings().InitLimit, region: le.Settings().Region,
		dir: filepath.Join(iv.dir, "env", strconv.FormatInt(le.ID, 10)), created: iv.clock(), state: "INIT",
		work: make(chan *job, 2), nextCh: make(chan *job, 1), dead: make(chan struct{})}
	e.taskDir = filepath.Join(e.dir, "task")
	e.tmpDir = filepath.Join(e.dir, "tmp")
	if err := os.MkdirAll(e.tmpDir, 0o700); err != nil {
		return nil, err
	}
	if err := linkTree(v.Cfg.CodeLocation, e.taskDir); err != nil {
		os.RemoveAll(e.dir)
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(e.dir)
		return nil, err
	}
	e.ln = ln
	e.stream = iv.logs.NewStream("/aws/lambda/"+e.fn, streamName(e.created, v.Name), e.created)
	e.srv = &http.Server{Handler: http.HandlerFunc(e.serveRuntimeAPI), ReadHeaderTimeout: 10 * time.Second}
	iv.envs[e.id] = e
	iv.running.Add(2)
	go func() { defer iv.running.Done(); _ = e.srv.Serve(ln) }()
	go e.worker()
	return e, nil
}

// StartInvocation implements lambda.Executor (called under iv.mu).
func (iv *Invoker) StartInvocation(inv *lambda.Invocation) {
	le := inv.Env()
	j := &job{inv: inv, le: le, cold: inv.Cold, reqID: inv.RequestID(), payload: []byte(inv.Payload), arn: inv.ARN(),
		version: inv.Version, timeout: inv.Timeout, memMB: inv.MemoryMB, clientContext: iv.pendingCC,
		result: make(chan runtimeResult, 1)}
	iv.jobs[inv] = j
	e := iv.envs[le.ID]
	if e == nil {
		var err error
		if e, err = iv.newProcEnv(le); err != nil {
			iv.running.Add(1)
			go func() {
				defer iv.running.Done()
				iv.finish(j, lambda.Outcome{FunctionError: "Unhandled", Reset: true, Status: "error", ErrorType: "Runtime.Unknown",
					Output: errorDoc("Runtime.Unknown", "RequestId: "+j.reqID+" Error: could not prepare the execution environment: "+err.Error())})
			}()
			return
		}
	}
	e.work <- j
}

// ProvisionEnv implements lambda.Executor (called under iv.mu).
func (iv *Invoker) ProvisionEnv(le *lambda.Env) {
	e, err := iv.newProcEnv(le)
	if err != nil {
		iv.svc.ProvisionedReady(le, false)
		return
	}
	e.work <- &job{le: le, initOnly: true, timeout: le.Version().Cfg.Timeout}
}

// DestroyEnv implements lambda.Executor (called under iv.mu).
func (iv *Invoker) DestroyEnv(le *lambda.Env) {
	e := iv.envs[le.ID]
	if e == nil {
		return
	}
	delete(iv.envs, le.ID)
	e.destroy()
}

func (e *procEnv) destroy() { e.deadOnce.Do(func() { close(e.dead) }) }

// kill destroys the environment from outside the policy (shutdown).
func (e *procEnv) kill() {
	e.destroy()
	e.mu.Lock()
	p := e.proc
	e.mu.Unlock()
	if p != nil {
		p.kill()
	}
}

// worker runs the environment's jobs one at a time, until it is destroyed.
func (e *procEnv) worker() {
	defer e.iv.running.Done()
	defer e.cleanup()
	for {
		select {
		case <-e.dead:
			return
		case j := <-e.work:
			if j.initOnly {
				e.provision(j)
			} else {
				e.run(j)
			}
		}
	}
}

func (e *procEnv) cleanup() {
	e.mu.Lock()
	p := e.proc
	e.proc = nil
	e.state = "DEAD"
	e.mu.Unlock()
	if p != nil {
		p.kill()
		<-p.exited
	}
	_ = e.srv.Close()
	// A job handed over while the environment died still ends.
drain:
	for {
		select {
		case j := <-e.work:
			if !j.initOnly {
				e.iv.finish(j, lambda.Outcome{FunctionError: "Unhandled", Reset: true, Status: "error", ErrorType: "Runtime.Unknown",
					Output: errorDoc("Runtime.Unknown", "RequestId: "+j.reqID+" Error: the execution environment was destroyed")})
			}
		default:
			break drain
		}
	}
	_ = os.RemoveAll(e.dir)
}

// initProcess starts the runtime and waits for its first GET next, for at
// most limit. It returns the Init duration and, on failure, the status
// ("error" or "timeout"), the error type and the error document.
func (e *procEnv) initProcess(limit time.Duration) (d time.Duration, status, errType string, doc []byte) {
	p, err := e.startProcess()
	if err != nil {
		return 0, "error", "Runtime.InvalidEntrypoint", errorDoc("Runtime.InvalidEntrypoint", err.Error())
	}
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-p.ready:
		return time.Since(p.start), "", "", nil
	case body := <-p.initErr:
		d = time.Since(p.start)
		e.stopProcess(p)
		typ := errorTypeOf(body, "Runtime.InitError")
		return d, "error", typ, body
	case <-p.exited:
		d = time.Since(p.start)
		e.stopProcess(p)
		return d, "error", "Runtime.ExitError", errorDoc("Runtime.ExitError", "Runtime exited with error: "+exitText(p.exitErr))
	case <-t.C:
		e.stopProcess(p)
		return limit, "timeout", "", nil
	case <-e.dead:
		e.stopProcess(p)
		return time.Since(p.start), "error", "Runtime.Unknown", errorDoc("Runtime.Unknown", "the execution environment was destroyed")
	}
}

// provision runs Init of a provisioned environment.
func (e *procEnv) provision(j *job) {
	d, status, errType, _ := e.initProcess(e.initLimit)
	if status != "" {
		e.log(nil, fmt.Sprintf("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: %s%s", ms(d), status, errTypeSuffix(errType)))
	}
	e.setState("IDLE")
	iv := e.iv
	iv.mu.Lock()
	iv.advance()
	if iv.envs[e.id] == e {
		iv.svc.ProvisionedReady(e.le, status == "")
	}
	iv.mu.Unlock()
}

func errTypeSuffix(t string) string {
	if t == "" {
		return ""
	}
	return "\tError Type: " + t
}

// run executes one invocation: Init when there is no process, then the
// handler, under the function timeout and the memory size.
func (e *procEnv) run(j *job) {
	var o lambda.Outcome
	e.mu.Lock()
	e.cur = j
	e.invokes++
	hasProc := e.proc != nil
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.cur = nil
		e.mu.Unlock()
	}()
	timeout := j.timeout
	if !hasProc {
		e.setState("INIT")
		d, status, errType, doc := e.initProcess(e.initLimit)
		o.InitDuration = d
		switch status {
		case "timeout":
			// Init did not finish within the limit: it is retried in the
			// invoke phase, under the function timeout (LDG
			// lambda-runtime-environment).
			o.InitTimedOut = true
			e.log(j, fmt.Sprintf("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: timeout", ms(d)))
			start := time.Now()
			d2, status2, errType2, doc2 := e.initProcess(timeout)
			if status2 != "" {
				e.log(j, fmt.Sprintf("INIT_REPORT Init Duration: %.2f ms\tPhase: invoke\tStatus: %s%s", ms(d2), status2, errTypeSuffix(errType2)))
				e.startLine(j)
				o.Duration = time.Since(start)
				o.Reset = true
				o.FunctionError = "Unhandled"
				if status2 == "timeout" {
					o.TimedOut, o.Status = true, "timeout"
				} else {
					o.Status, o.ErrorType, o.Output = "error", errType2, doc2
				}
				e.iv.finish(j, o)
				return
			}
			timeout -= time.Since(start)
		case "error":
			e.log(j, fmt.Sprintf("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error%s", ms(d), errTypeSuffix(errType)))
			e.startLine(j)
			o.FunctionError, o.Reset, o.Status, o.ErrorType, o.Output = "Unhandled", true, "error", errType, doc
			e.iv.finish(j, o)
			return
		}
	}
	e.setState("BUSY")
	e.startLine(j)
	e.mu.Lock()
	p := e.proc
	e.mu.Unlock()
	if p == nil {
		o.FunctionError, o.Reset, o.Status, o.ErrorType = "Unhandled", true, "error", "Runtime.Unknown"
		o.Output = errorDoc("Runtime.Unknown", "RequestId: "+j.reqID+" Error: the runtime is not running")
		e.iv.finish(j, o)
		return
	}
	t0 := time.Now()
	j.deadline = t0.Add(timeout)
	e.nextCh <- j
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	tick := time.NewTicker(memoryPoll)
	defer tick.Stop()
	limit := int64(j.memMB) << 20
	var peak int64
	for o.Duration == 0 {
		select {
		case r := <-j.result:
			o.Duration = max(time.Since(t0), time.Microsecond)
			o.Output = r.body
			if r.isError {
				o.FunctionError = "Unhandled"
			}
		case <-p.exited:
			o.Duration = max(time.Since(t0), time.Microsecond)
			e.stopProcess(p)
			o.FunctionError, o.Reset, o.Status, o.ErrorType = "Unhandled", true, "error", "Runtime.ExitError"
			o.Output = errorDoc("Runtime.ExitError", "RequestId: "+j.reqID+" Error: Runtime exited with error: "+exitText(p.exitErr))
		case <-timer.C:
			o.Duration = timeout
			e.stopProcess(p)
			o.FunctionError, o.Reset, o.TimedOut, o.Status = "Unhandled", true, true, "timeout"
		case <-tick.C:
			rss := groupRSS(p.pid)
			peak = max(peak, rss)
			if rss > limit {
				o.Duration = max(time.Since(t0), time.Microsecond)
				e.stopProcess(p)
				o.FunctionError, o.Reset, o.Status, o.ErrorType = "Unhandled", true, "error", "Runtime.OutOfMemory"
				o.Output = errorDoc("Runtime.OutOfMemory", "RequestId: "+j.reqID+" Error: Runtime exited with error: signal: killed")
			}
		case <-e.dead:
			o.Duration = max(time.Since(t0), time.Microsecond)
			e.stopProcess(p)
			o.FunctionError, o.Reset, o.Status, o.ErrorType = "Unhandled", true, "error", "Runtime.Unknown"
			o.Output = errorDoc("Runtime.Unknown", "RequestId: "+j.reqID+" Error: the execution environment was destroyed")
		}
	}
	if !o.Reset {
		peak = max(peak, groupPeakRSS(p.pid))
		if peak > limit {
			// The handler went over its memory size between two samples.
			e.stopProcess(p)
			o.FunctionError, o.Reset, o.Status, o.ErrorType = "Unhandled", true, "error", "Runtime.OutOfMemory"
			o.Output = errorDoc("Runtime.OutOfMemory", "RequestId: "+j.reqID+" Error: Runtime exited with error: signal: killed")
		}
	}
	o.MaxMemoryMB = int((peak + 1<<20 - 1) >> 20)
	if o.Reset {
		o.MaxMemoryMB = max(o.MaxMemoryMB, j.memMB*boolInt(o.ErrorType == "Runtime.OutOfMemory"))
	}
	// A job left in nextCh (the runtime died before taking it) is dropped.
	select {
	case <-e.nextCh:
	default:
	}
	p.out.sync()
	if o.Reset {
		e.setState("INIT")
	} else {
		e.setState("IDLE")
	}
	e.iv.finish(j, o)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (e *procEnv) setState(s string) {
	e.mu.Lock()
	e.state = s
	e.mu.Unlock()
}

func (e *procEnv) startLine(j *job) {
	e.log(j, fmt.Sprintf("START RequestId: %s Version: %s", j.reqID, j.version))
}

// log appends one line to the environment's log stream and, when j is
// set, to the invocation's log tail.
func (e *procEnv) log(j *job, line string) {
	e.stream.Append(e.iv.clock(), line)
	if j != nil {
		j.tail.add(line)
	}
}

// output is a line the process printed.
func (e *procEnv) output(line string) {
	e.mu.Lock()
	j := e.cur
	e.mu.Unlock()
	e.log(j, line)
}

// finish reports an invocation's outcome to the policy and writes END and
// REPORT.
func (iv *Invoker) finish(j *job, o lambda.Outcome) {
	iv.mu.Lock()
	defer iv.mu.Unlock()
	iv.advance()
	iv.svc.Finish(j.inv, o)
	iv.endLog(j)
	delete(iv.jobs, j.inv)
	iv.changed.Broadcast()
}

// endLog writes END and REPORT once (under iv.mu, after Finish).
func (iv *Invoker) endLog(j *job) {
	if j.ended || !j.inv.Done {
		return
	}
	j.ended = true
	lines := j.inv.EndLines()
	if e := iv.envs[j.le.ID]; e != nil {
		for _, l := range lines {
			e.log(j, l)
		}
		return
	}
	// The environment is gone (deleted function): the stream still gets them.
	s := iv.logs.Stream("/aws/lambda/"+j.le.FunctionName(), "")
	for _, l := range lines {
		if s != nil {
			s.Append(iv.clock(), l)
		}
		j.tail.add(l)
	}
}

// stopProcess kills the process group and forgets the process (the
// environment's next invocation starts a new one: a cold start).
func (e *procEnv) stopProcess(p *process) {
	p.kill()
	<-p.exited
	p.out.sync()
	e.mu.Lock()
	if e.proc == p {
		e.proc = nil
	}
	e.mu.Unlock()
}

// serveRuntimeAPI is the environment's Runtime API (2018-06-01).
func (e *procEnv) serveRuntimeAPI(w http.ResponseWriter, r *http.Request) {
	const base = "/2018-06-01/runtime/"
	path, ok := strings.CutPrefix(r.URL.Path, base)
	if !ok {
		http.NotFound(w, r)
		return
	}
	e.mu.Lock()
	p := e.proc
	e.mu.Unlock()
	switch {
	case path == "invocation/next" && r.Method == http.MethodGet:
		if p == nil {
			http.Error(w, "no runtime", http.StatusForbidden)
			return
		}
		p.markReady()
		select {
		case j := <-e.nextCh:
			h := w.Header()
			h.Set("Lambda-Runtime-Aws-Request-Id", j.reqID)
			h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(j.deadline.UnixMilli(), 10))
			h.Set("Lambda-Runtime-Invoked-Function-Arn", j.arn)
			h.Set("Lambda-Runtime-Trace-Id", "Root=1-"+strings.ReplaceAll(j.reqID[:8], "-", "")+"-"+strings.ReplaceAll(j.reqID[9:], "-", "")+";Sampled=0")
			if j.clientContext != "" {
				if cc, err := base64.StdEncoding.DecodeString(j.clientContext); err == nil && json.Valid(cc) {
					h.Set("Lambda-Runtime-Client-Context", string(cc))
				}
			}
			h.Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(j.payload)
		case <-p.exited:
		case <-e.dead:
		case <-r.Context().Done():
		}
	case path == "init/error" && r.Method == http.MethodPost:
		body, _ := readCapped(r, maxResponse)
		if p != nil {
			select {
			case p.initErr <- body:
			default:
			}
		}
		accepted(w)
	case strings.HasPrefix(path, "invocation/") && r.Method == http.MethodPost:
		rest := strings.TrimPrefix(path, "invocation/")
		id, kind, _ := strings.Cut(rest, "/")
		if kind != "response" && kind != "error" {
			http.NotFound(w, r)
			return
		}
		e.mu.Lock()
		j := e.cur
		e.mu.Unlock()
		if j == nil || j.reqID != id {
			runtimeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
			return
		}
		body, tooBig := readCapped(r, maxResponse)
		res := runtimeResult{body: body, isError: kind == "error", errorType: r.Header.Get("Lambda-Runtime-Function-Error-Type")}
		if tooBig {
			res = runtimeResult{isError: true, body: errorDoc("Function.ResponseSizeTooLarge",
				fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", maxResponse))}
		}
		if kind == "error" && !json.Valid(body) {
			res.body = errorDoc(strings.TrimSpace(res.errorType+""), string(body))
		}
		select {
		case j.result <- res:
		default:
		}
		if tooBig {
			runtimeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "response too large")
			return
		}
		accepted(w)
	default:
		http.NotFound(w, r)
	}
}

func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write([]byte(`{"status":"OK"}`))
}

func runtimeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"errorType": typ, "errorMessage": msg})
}

// readCapped reads at most n bytes of the body; tooBig reports more.
func readCapped(r *http.Request, n int64) (body []byte, tooBig bool) {
	var b bytes.Buffer
	_, _ = b.ReadFrom(http.MaxBytesReader(nil, r.Body, n+1))
	if int64(b.Len()) > n {
		return nil, true
	}
	return b.Bytes(), false
}

// errorDoc is Lambda's error document.
func errorDoc(typ, msg string) []byte {
	if typ == "" {
		typ = "Unhandled"
	}
	b, _ := json.Marshal(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{typ, msg})
	return b
}

func errorTypeOf(doc []byte, def string) string {
	var v struct {
		ErrorType string `json:"errorType"`
	}
	if json.Unmarshal(doc, &v) == nil && v.ErrorType != "" {
		return v.ErrorType
	}
	return def
}

// exitText is how Lambda words a runtime's exit: "exit status 3",
// "signal: killed".
func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
