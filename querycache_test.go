package dmchamp

import (
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cachedLen is the number of values qc holds.
func cachedLen[T comparable](qc *queryCache[T]) int {
	if m := qc.m.Load(); m != nil {
		return len(*m)
	}
	return 0
}

func TestQueryCacheEncodesAsGoQuerystring(t *testing.T) {
	var qc queryCache[RecentChatSessionsOptions]
	for _, o := range []RecentChatSessionsOptions{
		{Hours: 24},
		{Hours: 48, Status: ChatSessionOpened, Limit: 50, IncludeMessages: true},
		{Hours: 1, Status: "a&b=c d"}, // escaped, as go-querystring does
	} {
		v, err := query.Values(o)
		require.NoError(t, err)
		for range 2 { // a miss, then a hit
			got, err := qc.encode(&o)
			require.NoError(t, err)
			assert.Equal(t, v.Encode(), got)
		}
	}
	assert.Equal(t, 3, cachedLen(&qc))

	got, err := qc.encode(nil)
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestQueryCacheReturnsWhatItHolds(t *testing.T) {
	var qc queryCache[RecentChatSessionsOptions]
	o := RecentChatSessionsOptions{Hours: 24}
	qc.m.Store(&map[RecentChatSessionsOptions]string{o: "hours=cached"})
	got, err := qc.encode(&o)
	require.NoError(t, err)
	assert.Equal(t, "hours=cached", got, "a value held is not encoded again")
}

func TestQueryCacheIsBounded(t *testing.T) {
	var qc queryCache[RecentChatSessionsOptions]
	for h := 1; h <= 3*maxCachedQueries; h++ {
		o := RecentChatSessionsOptions{Hours: h}
		got, err := qc.encode(&o)
		require.NoError(t, err)
		assert.Equal(t, url.Values{"hours": {strconv.Itoa(h)}}.Encode(), got)
	}
	assert.Equal(t, maxCachedQueries, cachedLen(&qc))
	m := *qc.m.Load()
	assert.Contains(t, m, RecentChatSessionsOptions{Hours: 1}, "the first values seen are kept")
	assert.NotContains(t, m, RecentChatSessionsOptions{Hours: maxCachedQueries + 1})
}

func TestQueryCacheConcurrent(t *testing.T) {
	var qc queryCache[ContactChatSessionsOptions]
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				o := ContactChatSessionsOptions{Limit: (g*200 + i) % 50, IncludeMessages: i%2 == 0}
				v, _ := query.Values(o)
				got, err := qc.encode(&o)
				assert.NoError(t, err)
				assert.Equal(t, v.Encode(), got)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, maxCachedQueries, cachedLen(&qc))
}
