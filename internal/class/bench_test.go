package class

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// BenchmarkClassQuiz50: 50 students connected at once over SSH, each in a
// quiz, pressing j and k (the selection moves, the screen is redrawn).
// Reported: heap per session, CPU per keypress (server and the 50 test
// clients together: they share this process) and the 95th percentile of
// keypress to the next screen bytes at the client.
//
//	go test -run '^$' -bench ClassQuiz50 -benchtime 20x ./internal/class/
func BenchmarkClassQuiz50(b *testing.B) {
	const n = 50
	keys := make([]gossh.Signer, n)
	var roster strings.Builder
	for i := range keys {
		keys[i] = newKey(b)
		roster.WriteString(rosterLine(keys[i], fmt.Sprintf("Student %02d", i)))
	}
	s := startServerTB(b, roster.String())

	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)

	terms := make([]*benchTerm, n)
	var wg sync.WaitGroup
	for i := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			terms[i] = openBenchTerm(b, s.addr, keys[i])
		}()
	}
	wg.Wait()
	for _, tm := range terms {
		if tm == nil {
			b.Fatal("a session did not start")
		}
	}
	for _, tm := range terms {
		tm.send("\x1b[B\x1b[B\x1b[B\x1b[B")
	}
	time.Sleep(time.Second) // Q must not arrive in the same read as the arrows
	for _, tm := range terms {
		tm.send("Q")
	}
	for _, tm := range terms {
		tm.waitText(b, "Question 1 of")
	}
	runtime.GC()
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	heap := (float64(m1.HeapAlloc) - float64(m0.HeapAlloc)) / n / 1024

	var mu sync.Mutex
	var lat []time.Duration
	cpu0 := cpuTime()
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		var wg sync.WaitGroup
		for _, tm := range terms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k := "\x1b[B" // down, then up: the selected option moves
				if it%2 == 1 {
					k = "\x1b[A"
				}
				d := tm.press(b, k)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	b.ReportMetric(heap, "KiB-heap/session")
	presses := b.N * n
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(presses), "µs-CPU/keypress")
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "ms-p95-key-to-screen")
	for _, tm := range terms {
		tm.close()
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type benchTerm struct {
	c    *gossh.Client
	sess *gossh.Session
	in   interface{ Write([]byte) (int, error) }
	out  *lockedBuf
}

func openBenchTerm(b *testing.B, addr string, key gossh.Signer) *benchTerm {
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "s", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: hang})
	if err != nil {
		b.Error(err)
		return nil
	}
	sess, err := c.NewSession()
	if err != nil {
		b.Error(err)
		return nil
	}
	tm := &benchTerm{c: c, sess: sess, out: &lockedBuf{}}
	sess.Stdout, sess.Stderr = tm.out, tm.out
	in, _ := sess.StdinPipe()
	tm.in = in
	sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{})
	sess.Shell()
	in.Write([]byte(termReply))
	tm.waitText(b, "Learn cloud compute")
	return tm
}

func (tm *benchTerm) send(s string) { tm.in.Write([]byte(s)) }

func (tm *benchTerm) waitText(b testing.TB, want string) {
	deadline := time.Now().Add(hang)
	for !strings.Contains(tm.out.String(), want) {
		if time.Now().After(deadline) {
			b.Fatalf("waited for %q:\n%s", want, tail(ansi.Strip(tm.out.String()), 1500))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// press sends a key and returns the time until new output arrives.
func (tm *benchTerm) press(b testing.TB, k string) time.Duration {
	tm.out.mu.Lock()
	n := tm.out.b.Len()
	ch := make(chan struct{})
	tm.out.ch = ch
	tm.out.mu.Unlock()
	start := time.Now()
	tm.send(k)
	for {
		select {
		case <-ch:
		case <-time.After(hang):
			b.Error("no screen update")
			return hang
		}
		tm.out.mu.Lock()
		if tm.out.b.Len() > n {
			tm.out.mu.Unlock()
			return time.Since(start)
		}
		ch = make(chan struct{})
		tm.out.ch = ch
		tm.out.mu.Unlock()
	}
}

func (tm *benchTerm) close() {
	tm.send("\x03")
	tm.sess.Close()
	tm.c.Close()
}
