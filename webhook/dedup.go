package webhook

import (
	"crypto/sha256"
	"sync"
	"time"
)

// dedupSet remembers the deliveries handled within a window. It is safe
// for concurrent use and bounded: past max handled entries the oldest go
// first. Keys are hashed, so an entry's size does not depend on the
// sender.
type dedupSet struct {
	mu      sync.Mutex
	window  time.Duration
	max     int
	now     func() time.Time
	entries map[[sha256.Size]byte]dedupEntry
	order   []dedupRef // handled entries, oldest first
	handled int        // entries with done set
}

type dedupEntry struct {
	done    bool      // handled; else being handled
	expires time.Time // when done
}

type dedupRef struct {
	key     [sha256.Size]byte
	expires time.Time
}

// The outcomes of begin.
type dedupState int

const (
	dedupNew      dedupState = iota // not seen: now being handled
	dedupHandling                   // being handled by another request
	dedupDone                       // handled within the window
)

func newDedupSet(window time.Duration, max int, now func() time.Time) *dedupSet {
	return &dedupSet{window: window, max: max, now: now, entries: make(map[[sha256.Size]byte]dedupEntry)}
}

// begin records key as being handled, unless it is already known.
func (s *dedupSet) begin(key string) dedupState {
	k := sha256.Sum256([]byte(key))
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expire(now)
	if e, ok := s.entries[k]; ok {
		if !e.done {
			return dedupHandling
		}
		if now.Before(e.expires) {
			return dedupDone
		}
		s.handled-- // expired; its stale ref in order is skipped by pop
	}
	s.entries[k] = dedupEntry{}
	return dedupNew
}

// finish ends the handling of key begun by begin: handled (ok) keys are
// remembered for the window, failed ones forgotten.
func (s *dedupSet) finish(key string, ok bool) {
	k := sha256.Sum256([]byte(key))
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, found := s.entries[k]; !found || e.done {
		return
	}
	if !ok {
		delete(s.entries, k)
		return
	}
	expires := s.now().Add(s.window)
	s.entries[k] = dedupEntry{done: true, expires: expires}
	s.order = append(s.order, dedupRef{key: k, expires: expires})
	s.handled++
	for s.handled > s.max {
		s.pop()
	}
}

// expire forgets the handled entries whose window has passed.
func (s *dedupSet) expire(now time.Time) {
	for len(s.order) > 0 && !now.Before(s.order[0].expires) {
		s.pop()
	}
}

// pop forgets the oldest handled entry, unless it was renewed since.
func (s *dedupSet) pop() {
	ref := s.order[0]
	s.order[0] = dedupRef{}
	s.order = s.order[1:]
	if e, ok := s.entries[ref.key]; ok && e.done && e.expires.Equal(ref.expires) {
		delete(s.entries, ref.key)
		s.handled--
	}
}

// size returns the number of entries, handled or being handled.
func (s *dedupSet) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}
