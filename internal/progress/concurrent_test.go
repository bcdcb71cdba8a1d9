package progress

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/progress/pgtest"
)

// helperEnv makes the test binary act as a second cloudlab process writing
// to the store (see TestTwoProcessesLoseNothing).
const helperEnv = "CLOUDLAB_PROGRESS_TEST_WRITER"

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		os.Exit(writerProcess(dir))
	}
	os.Exit(pgtest.Main(m))
}

const processWrites = 100

// writerProcess opens the store, says "ready", waits for "go" on stdin, then
// writes processWrites attempts, lesson positions and cards.
func writerProcess(dir string) int {
	s, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := writeMany(s, "child", processWrites); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// writeMany performs n of each kind of change, all tagged with who. A short
// pause between changes lets other writers take the lock in between (SQLite's
// busy handler otherwise lets a tight loop keep it), so writes interleave.
func writeMany(s *Store, who string, n int) error {
	for i := 0; i < n; i++ {
		time.Sleep(200 * time.Microsecond)
		at := t0.Add(time.Duration(i) * time.Millisecond)
		if _, err := s.RecordAttempt(Attempt{SessionID: who, QuizID: "ec2", QuestionID: "q" + strconv.Itoa(i), Correct: i%2 == 0, At: at}); err != nil {
			return err
		}
		if i%5 == 0 {
			if err := s.SavePosition(who+"-lesson", float64(i)/float64(n), i*100/n); err != nil {
				return err
			}
			if err := s.PutCard(Card{QuestionID: who + "-q" + strconv.Itoa(i), QuizID: "ec2", Due: at}); err != nil {
				return err
			}
			if err := s.RecordResult(QuizResult{SessionID: who + strconv.Itoa(i), QuizID: "ec2", Correct: 1, Total: 2, At: at}); err != nil {
				return err
			}
			if err := s.SaveLab(LabState{LabID: who + "-lab" + strconv.Itoa(i), StepsPassed: i}); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkAll verifies that every write of every writer is in the store
// (which holds extraCards other cards).
func checkAll(t *testing.T, s *Store, n, extraCards int, writers ...string) {
	t.Helper()
	atts, err := s.Attempts("ec2")
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]map[string]bool{}
	for _, a := range atts {
		if per[a.SessionID] == nil {
			per[a.SessionID] = map[string]bool{}
		}
		per[a.SessionID][a.QuestionID] = true
	}
	if len(atts) != n*len(writers) {
		t.Errorf("%d attempts stored, want %d", len(atts), n*len(writers))
	}
	cardsWant, resultsWant := extraCards, 0
	for _, w := range writers {
		if len(per[w]) != n {
			t.Errorf("writer %s: %d distinct attempts, want %d", w, len(per[w]), n)
		}
		l, err := s.Lesson(w + "-lesson")
		if err != nil || l.FirstOpened.IsZero() {
			t.Errorf("writer %s: lesson %+v, %v", w, l, err)
		}
		cardsWant += (n + 4) / 5
		resultsWant += (n + 4) / 5
	}
	e, err := s.Export()
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Cards) != cardsWant || len(e.Results) != resultsWant || len(e.Labs) != cardsWant-extraCards {
		t.Errorf("cards %d results %d labs %d, want %d %d %d", len(e.Cards), len(e.Results), len(e.Labs), cardsWant, resultsWant, cardsWant-extraCards)
	}
	if s.pg != nil {
		return
	}
	var ok string
	if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check = %q, %v", ok, err)
	}
}

// TestTwoStoresManyGoroutines: two Stores on one fresh file (opened at the
// same time, so both may try to migrate), each written by several goroutines.
func TestTwoStoresManyGoroutines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stores := make([]*Store, 2)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(dir)
			if err != nil {
				errs <- err
				return
			}
			stores[i] = s
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	defer stores[0].Close()
	defer stores[1].Close()
	const goroutines, n = 4, 30
	var writers []string
	for i := 0; i < 2*goroutines; i++ {
		who := fmt.Sprintf("w%d", i)
		writers = append(writers, who)
		s := stores[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := writeMany(s, who, n); err != nil {
				errs <- fmt.Errorf("%s: %w", who, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkAll(t, stores[0], n, 0, writers...)
	checkAll(t, stores[1], n, 0, writers...)
}

// TestTwoProcessesLoseNothing runs a second process (this test binary, see
// TestMain) writing to the same file while this process writes too.
func TestTwoProcessesLoseNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Let the child create and migrate the file while we open it too.
	s, err := Open(dir)
	if err != nil {
		cmd.Process.Kill()
		t.Fatal(err)
	}
	defer s.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q, %v; stderr: %s", line, err, stderr.String())
	}
	fmt.Fprintln(stdin, "go")
	werr := writeMany(s, "parent", processWrites)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v; stderr: %s", err, stderr.String())
	}
	if werr != nil {
		t.Fatal(werr)
	}
	checkAll(t, s, processWrites, 0, "parent", "child")
	// Report how much the two processes' writes interleaved (by insert order).
	atts, _ := s.Attempts("")
	sort.Slice(atts, func(i, j int) bool { return atts[i].ID < atts[j].ID })
	switches := 0
	for i := 1; i < len(atts); i++ {
		if atts[i].ID > 0 && atts[i].SessionID != atts[i-1].SessionID {
			switches++
		}
	}
	t.Logf("writers alternated %d times over %d attempts", switches, len(atts))
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
