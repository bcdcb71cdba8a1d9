package invoker

import (
	crand "crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"time"
)

// Limits of the log store: it lives in memory, so every part is bounded.
const (
	maxEventsPerStream = 10_000
	maxStreamsPerGroup = 1_000
	maxGroups          = 1_000
	maxStreamBytes     = 2 << 20   // the oldest events of a stream go first
	maxStoreBytes      = 256 << 20 // then the oldest streams of the store
	tailBytes          = 4 << 10   // X-Amz-Log-Result carries the last 4 KB
)

// LogEvent is one CloudWatch Logs event.
type LogEvent struct {
	Timestamp     int64 // milliseconds since the epoch
	IngestionTime int64
	Message       string
}

// LogStream is one environment's log stream.
type LogStream struct {
	Group        string
	Name         string
	Created      int64
	store        *LogStore
	mu           sync.Mutex
	events       []LogEvent
	bytes        int64
	dropped      int64 // events dropped from the front (caps)
	lastIngested int64
}

// Append adds a line. Old events are dropped to keep the stream within
// maxEventsPerStream and maxStreamBytes, and the store within maxStoreBytes.
func (s *LogStream) Append(t time.Time, msg string) {
	ms := t.UnixMilli()
	s.mu.Lock()
	var freed int64
	for len(s.events) > 0 && (len(s.events) >= maxEventsPerStream || s.bytes+int64(len(msg)) > maxStreamBytes) {
		k := max(len(s.events)/10, 1)
		for _, e := range s.events[:k] {
			freed += int64(len(e.Message))
		}
		n := copy(s.events, s.events[k:])
		clear(s.events[n:])
		s.events = s.events[:n]
		s.dropped += int64(k)
	}
	s.events = append(s.events, LogEvent{Timestamp: ms, IngestionTime: ms, Message: msg})
	s.bytes += int64(len(msg)) - freed
	s.lastIngested = ms
	store := s.store
	s.mu.Unlock()
	if store != nil {
		store.account(s, int64(len(msg))-freed)
	}
}

// account keeps the store within maxStoreBytes by forgetting its oldest
// streams (never the one being written).
func (ls *LogStore) account(keep *LogStream, delta int64) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.bytes += delta
	for ls.bytes > maxStoreBytes {
		var oldest *LogStream
		var og *LogGroup
		for _, g := range ls.groups {
			for _, st := range g.streams {
				if st != keep && (oldest == nil || st.Created < oldest.Created) {
					oldest, og = st, g
				}
			}
		}
		if oldest == nil {
			return
		}
		og.streams = slices.DeleteFunc(og.streams, func(x *LogStream) bool { return x == oldest })
		ls.forget(oldest)
	}
}

// forget stops counting a stream that left the store (ls.mu held). Its
// environment may still append to it; those bytes are not counted.
func (ls *LogStore) forget(st *LogStream) {
	st.mu.Lock()
	ls.bytes -= st.bytes
	st.store = nil
	st.mu.Unlock()
}

// Events returns a copy of the stream's events.
func (s *LogStream) Events() []LogEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

// Info returns the stream's first and last event times and last ingestion.
func (s *LogStream) Info() (first, last, ingested int64, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.events) > 0 {
		first, last = s.events[0].Timestamp, s.events[len(s.events)-1].Timestamp
	}
	return first, last, s.lastIngested, len(s.events)
}

// LogGroup is /aws/lambda/NAME.
type LogGroup struct {
	Name    string
	Created int64
	streams []*LogStream
}

// LogStore holds the log groups of the functions, in memory.
type LogStore struct {
	mu     sync.Mutex
	groups map[string]*LogGroup
	bytes  int64 // message bytes held
}

// NewLogStore returns an empty store.
func NewLogStore() *LogStore { return &LogStore{groups: map[string]*LogGroup{}} }

// NewStream creates a stream in a group (creating the group).
func (ls *LogStore) NewStream(group, name string, created time.Time) *LogStream {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	now := created.UnixMilli()
	g := ls.groups[group]
	if g == nil {
		if len(ls.groups) >= maxGroups {
			for n, old := range ls.groups { // drop one group to stay bounded
				for _, st := range old.streams {
					ls.forget(st)
				}
				delete(ls.groups, n)
				break
			}
		}
		g = &LogGroup{Name: group, Created: now}
		ls.groups[group] = g
	}
	if len(g.streams) >= maxStreamsPerGroup {
		for _, st := range g.streams[:maxStreamsPerGroup/10] {
			ls.forget(st)
		}
		g.streams = slices.Delete(g.streams, 0, maxStreamsPerGroup/10)
	}
	s := &LogStream{Group: group, Name: name, Created: now, store: ls}
	g.streams = append(g.streams, s)
	return s
}

// Stream returns a stream by name ("" = the newest of the group).
func (ls *LogStore) Stream(group, name string) *LogStream {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	g := ls.groups[group]
	if g == nil || len(g.streams) == 0 {
		return nil
	}
	if name == "" {
		return g.streams[len(g.streams)-1]
	}
	for _, s := range g.streams {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Group returns a group's streams (nil, false when it does not exist).
func (ls *LogStore) Group(name string) ([]*LogStream, bool) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	g := ls.groups[name]
	if g == nil {
		return nil, false
	}
	return slices.Clone(g.streams), true
}

// Groups returns the groups sorted by name.
func (ls *LogStore) Groups() []LogGroup {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	var out []LogGroup
	for _, g := range ls.groups {
		out = append(out, LogGroup{Name: g.Name, Created: g.Created})
	}
	slices.SortFunc(out, func(a, b LogGroup) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// streamName forms a Lambda log stream name: date/[version]id
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
func streamName(t time.Time, version string) string {
	var b [16]byte
	_, _ = crand.Read(b[:])
	return t.UTC().Format("2006/01/02") + "/[" + version + "]" + hex.EncodeToString(b[:])
}

// tailBuf keeps the last tailBytes of an invocation's log.
type tailBuf struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuf) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, line...)
	t.buf = append(t.buf, '\n')
	if len(t.buf) > 2*tailBytes {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailBytes:]...)
	}
}

// Bytes returns the last 4 KB.
func (t *tailBuf) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) > tailBytes {
		b = b[len(b)-tailBytes:]
	}
	return slices.Clone(b)
}
