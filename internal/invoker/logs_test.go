package invoker

import (
	"strings"
	"testing"
	"time"
)

func TestLogStoreIsBounded(t *testing.T) {
	ls := NewLogStore()
	now := time.Now()
	line := strings.Repeat("x", 60<<10)
	a := ls.NewStream("/aws/lambda/a", "s1", now)
	for range 200 { // 12 MB into one stream
		a.Append(now, line)
	}
	_, _, _, n := a.Info()
	if int64(n)*int64(len(line)) > maxStreamBytes || n == 0 {
		t.Fatalf("stream holds %d events of %d bytes, cap %d", n, len(line), maxStreamBytes)
	}
	for range 2 * maxEventsPerStream {
		a.Append(now, "short")
	}
	if _, _, _, n := a.Info(); n > maxEventsPerStream {
		t.Fatalf("stream holds %d events", n)
	}
	// Many streams: the store stays within its byte cap.
	for i := range (maxStoreBytes / maxStreamBytes) + 20 {
		s := ls.NewStream("/aws/lambda/b", "s"+strings.Repeat("i", i%5)+string(rune('a'+i%26)), now.Add(time.Duration(i)*time.Millisecond))
		for range maxStreamBytes / len(line) {
			s.Append(now, line)
		}
	}
	ls.mu.Lock()
	total := ls.bytes
	ls.mu.Unlock()
	if total > maxStoreBytes || total <= 0 {
		t.Fatalf("store holds %d bytes, cap %d", total, maxStoreBytes)
	}
}
