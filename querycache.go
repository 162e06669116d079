package dmchamp

import (
	"maps"
	"sync"
	"sync/atomic"
)

// maxCachedQueries bounds the option values a queryCache keeps.
const maxCachedQueries = 32

// queryCache remembers the query strings that go-querystring encoded for
// option values of one type, so that a call repeating earlier options (a
// poll of Recent with the same Hours, say) skips the reflection. It keeps
// the first maxCachedQueries values it sees; others are encoded each time.
// The values stay in memory for the life of the process: only option types
// that hold no personal data have a cache.
type queryCache[T comparable] struct {
	mu sync.Mutex                   // serializes the writers
	m  atomic.Pointer[map[T]string] // read without locking; replaced, never changed
}

// encode returns the encoded query of opts; nil is none.
func (qc *queryCache[T]) encode(opts *T) (string, error) {
	if opts == nil {
		return "", nil
	}
	if m := qc.m.Load(); m != nil {
		if q, ok := (*m)[*opts]; ok {
			return q, nil
		}
	}
	q, err := encodeQuery(opts)
	if err != nil {
		return "", err
	}
	qc.mu.Lock()
	defer qc.mu.Unlock()
	old := qc.m.Load()
	if old == nil || len(*old) < maxCachedQueries {
		m := make(map[T]string, 1)
		if old != nil {
			m = maps.Clone(*old)
		}
		m[*opts] = q
		qc.m.Store(&m)
	}
	return q, nil
}
