package invoker

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// memoryPoll is how often a busy environment's memory is sampled.
const memoryPoll = 50 * time.Millisecond

// maxLogLine is the longest log line kept (CloudWatch's event limit is
// 256 KB); longer output is split.
const maxLogLine = 64 << 10

// spawner starts processes from one locked OS thread. A process started
// with Pdeathsig gets SIGKILL when the thread that created it exits, not
// when the whole program does; so every environment is created by this
// thread, which lives until the invoker closes, and dies only with the
// endpoint. Then the kernel kills every environment, even when the
// endpoint itself was killed with SIGKILL.
type spawner struct {
	reqs chan spawnReq
	done chan struct{}
}

type spawnReq struct {
	cmd *exec.Cmd
	err chan error
}

func newSpawner() *spawner {
	s := &spawner{reqs: make(chan spawnReq), done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *spawner) loop() {
	runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
	defer close(s.done)
	for r := range s.reqs {
		r.err <- r.cmd.Start()
	}
}

func (s *spawner) start(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	r := spawnReq{cmd: cmd, err: make(chan error, 1)}
	select {
	case s.reqs <- r:
	case <-s.done:
		return errors.New("invoker closed")
	}
	return <-r.err
}

func (s *spawner) close() {
	close(s.reqs)
	<-s.done
}

// killGroup kills an environment's whole process group.
func killGroup(pid int) {
	if pid > 0 {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
}

// kill kills a process's group unless the process was already reaped (its
// group was killed then, and its id may since belong to another process).
func (p *process) kill() {
	select {
	case <-p.exited:
	default:
		killGroup(p.pid)
	}
}

// startProcess starts the environment's runtime.
func (e *procEnv) startProcess() (*process, error) {
	argv, extra, err := e.iv.command(e.cfg.Runtime, e.taskDir)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = e.taskDir
	cmd.Env = e.environ(extra)
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	p := &process{ready: make(chan struct{}), initErr: make(chan []byte, 1), exited: make(chan struct{}), start: time.Now()}
	// Published before the process can call the Runtime API.
	e.mu.Lock()
	e.proc = p
	e.mu.Unlock()
	err = e.iv.spawn.start(cmd)
	pw.Close()
	if err != nil {
		pr.Close()
		e.mu.Lock()
		e.proc = nil
		e.mu.Unlock()
		return nil, fmt.Errorf("Couldn't find valid bootstrap(s): [%s]: %v", argv[0], err)
	}
	e.mu.Lock()
	p.pid = cmd.Process.Pid
	e.mu.Unlock()
	p.out = newLineReader(pr, e.output)
	e.iv.running.Add(1)
	go func() {
		defer e.iv.running.Done()
		p.exitErr = cmd.Wait()
		// The pipe may be held by children that outlive the leader: the
		// group is killed so they cannot keep the log open.
		killGroup(p.pid)
		p.out.wait()
		close(p.exited)
		e.idleExit(p)
	}()
	return p, nil
}

// idleExit notices a process that exited while its environment was idle:
// the policy resets the environment, so its next invocation is cold.
func (e *procEnv) idleExit(p *process) {
	e.mu.Lock()
	mine := e.proc == p && e.cur == nil
	if mine {
		e.proc = nil
		e.state = "INIT"
	}
	e.mu.Unlock()
	if !mine {
		return
	}
	iv := e.iv
	iv.mu.Lock()
	if iv.envs[e.id] == e && !iv.closed {
		iv.svc.ResetEnv(e.le)
	}
	iv.mu.Unlock()
}

// environ is the process environment Lambda sets (LDG
// configuration-envvars), then the function's own variables (which may not
// override the reserved ones). Nothing of the endpoint's own environment is
// passed except PATH: no credentials leak into uploaded code.
func (e *procEnv) environ(extra []string) []string {
	init := "on-demand"
	if e.provisioned {
		init = "provisioned-concurrency"
	}
	reserved := map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          e.ln.Addr().String(),
		"_HANDLER":                        e.cfg.Handler,
		"AWS_REGION":                      e.region,
		"AWS_DEFAULT_REGION":              e.region,
		"AWS_EXECUTION_ENV":               "AWS_Lambda_" + e.cfg.Runtime,
		"AWS_LAMBDA_FUNCTION_NAME":        e.fn,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(e.cfg.MemoryMB),
		"AWS_LAMBDA_FUNCTION_VERSION":     e.version,
		"AWS_LAMBDA_INITIALIZATION_TYPE":  init,
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + e.fn,
		"AWS_LAMBDA_LOG_STREAM_NAME":      e.stream.Name,
		"LAMBDA_TASK_ROOT":                e.taskDir,
		"LAMBDA_RUNTIME_DIR":              e.iv.ric,
		"TZ":                              "UTC",
		"LANG":                            "en_US.UTF-8",
		"PATH":                            os.Getenv("PATH"),
		"TMPDIR":                          e.tmpDir,
		"HOME":                            e.tmpDir,
	}
	var out []string
	for k, v := range e.cfg.Environment {
		if _, ok := reserved[k]; !ok {
			out = append(out, k+"="+v)
		}
	}
	for k, v := range reserved {
		out = append(out, k+"="+v)
	}
	return append(out, extra...)
}

// lineReader turns a process's output into log lines.
type lineReader struct {
	f    *os.File
	emit func(string)
	mu   sync.Mutex // held while a chunk is being turned into lines
	done chan struct{}
}

func newLineReader(f *os.File, emit func(string)) *lineReader {
	lr := &lineReader{f: f, emit: emit, done: make(chan struct{})}
	go lr.run()
	return lr
}

func (lr *lineReader) run() {
	defer close(lr.done)
	defer lr.f.Close()
	br := bufio.NewReaderSize(lr.f, maxLogLine)
	var partial []byte
	for {
		line, err := br.ReadSlice('\n')
		lr.mu.Lock()
		switch {
		case err == nil:
			partial = append(partial, line[:len(line)-1]...)
			lr.emit(strings.TrimSuffix(string(partial), "\r"))
			partial = partial[:0]
		case errors.Is(err, bufio.ErrBufferFull):
			lr.emit(string(append(partial, line...)))
			partial = partial[:0]
		default:
			partial = append(partial, line...)
		}
		lr.mu.Unlock()
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			if len(partial) > 0 {
				lr.mu.Lock()
				lr.emit(string(partial))
				lr.mu.Unlock()
			}
			if err != io.EOF {
				_, _ = io.Copy(io.Discard, lr.f)
			}
			return
		}
	}
}

// sync waits (briefly) until what the process wrote so far is logged, so
// the log tail of an invocation holds the handler's last lines.
func (lr *lineReader) sync() {
	if lr == nil {
		return
	}
	for range 20 {
		n, ok := pipePending(lr.f)
		if !ok || n == 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	lr.mu.Lock()
	lr.mu.Unlock() //nolint:staticcheck // waits for the chunk being logged
}

func (lr *lineReader) wait() {
	select {
	case <-lr.done:
	case <-time.After(2 * time.Second):
		// Output held open by something outside the group: stop waiting.
	}
}

// pipePending returns the bytes waiting in a pipe (FIONREAD).
func pipePending(f *os.File) (int, bool) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, false
	}
	var n int32
	var errno syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
	}); err != nil || errno != 0 {
		return 0, false
	}
	return int(n), true
}

// groupRSS returns the resident memory of a process and its descendants.
func groupRSS(pid int) int64 {
	var total int64
	for _, p := range descendants(pid) {
		total += statusKB(p, "VmRSS:") << 10
	}
	return total
}

// groupPeakRSS is like groupRSS with the leader's peak (VmHWM).
func groupPeakRSS(pid int) int64 {
	total := statusKB(pid, "VmHWM:") << 10
	for _, p := range descendants(pid)[1:] {
		total += statusKB(p, "VmRSS:") << 10
	}
	return total
}

// descendants returns pid and its descendants, from the children lists of
// every thread (a child belongs to the thread that forked it).
func descendants(pid int) []int {
	out := []int{pid}
	for i := 0; i < len(out) && len(out) < 256; i++ {
		lists, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(out[i]), "task", "*", "children"))
		for _, l := range lists {
			b, err := os.ReadFile(l)
			if err != nil {
				continue
			}
			for _, f := range strings.Fields(string(b)) {
				if c, err := strconv.Atoi(f); err == nil {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

func statusKB(pid int, key string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0
	}
	rest := b[i+len(key):]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	f := strings.Fields(string(rest))
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(f[0], 10, 64)
	return n
}
