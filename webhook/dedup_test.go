package webhook

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Concurrent deliveries of one key: exactly one is handled, the others
// see it in flight or done.
func TestDedupSetConcurrent(t *testing.T) {
	s := newDedupSet(time.Hour, 1000, time.Now)
	var mu sync.Mutex
	counts := map[dedupState]int{}
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := s.begin("event\x00new_contact\x00evt_1")
			if st == dedupNew {
				s.finish("event\x00new_contact\x00evt_1", true)
			}
			mu.Lock()
			counts[st]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts[dedupNew] != 1 || counts[dedupHandling]+counts[dedupDone] != 63 {
		t.Errorf("outcomes %v, want one new", counts)
	}
}

func TestDedupSetExpiresAndBounds(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newDedupSet(time.Minute, 3, func() time.Time { return now })
	for i := range 5 {
		k := fmt.Sprint(i)
		if s.begin(k) != dedupNew {
			t.Fatalf("%s not new", k)
		}
		s.finish(k, true)
	}
	if n := s.size(); n != 3 {
		t.Errorf("%d entries, want the bound 3", n)
	}
	if s.begin("0") != dedupNew || s.begin("4") != dedupDone {
		t.Error("the oldest is not the one forgotten")
	}
	s.finish("0", false) // failed: forgotten
	if s.begin("0") != dedupNew {
		t.Error("a failed key is remembered")
	}
	s.finish("0", true)

	now = now.Add(time.Minute)
	if s.begin("4") != dedupNew {
		t.Error("a key past its window is remembered")
	}
	if n := s.size(); n != 1 {
		t.Errorf("%d entries after the window, want the one in flight", n)
	}
	// An expired entry renewed is not removed by its stale reference.
	s.finish("4", true)
	now = now.Add(30 * time.Second)
	if s.begin("4") != dedupDone {
		t.Error("the renewed key was forgotten")
	}
}

// Each delivery keeps a fixed-size entry, however long its id.
func TestDedupSetHashesKeys(t *testing.T) {
	s := newDedupSet(time.Hour, 10, time.Now)
	long := string(make([]byte, 1<<20))
	s.begin(long)
	s.finish(long, true)
	for k := range s.entries {
		if len(k) != 32 {
			t.Fatalf("key of %d bytes", len(k))
		}
	}
	if s.begin(long) != dedupDone {
		t.Error("the long key is not found again")
	}
}
