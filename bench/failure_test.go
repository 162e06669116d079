package bench

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/dmchamp-go/dmchamp"
)

// BenchmarkFailureMix runs Recent from 64 goroutines sharing one client
// against a server whose answers mix failures with 200s, each call being
// one request, and reports conns, the connections the server saw. It stays
// near 64 when a failed call leaves the pool's other idle connections open;
// a client that closed them on errors would dial again and again.
//
// mix=4xx cycles through 404, 400, 200 and 200: failures that are never
// retried. mix=503 cycles through 503, 200, 200 and 200, with the SDK's
// retries off (WithRetryMax(0)), so that it gives up after the first
// attempt: the path on which go-retryablehttp closes the idle connections.
func BenchmarkFailureMix(b *testing.B) {
	ok, _ := recentPayload(b, 100, 0)
	okAnswer := answer{status: http.StatusOK, body: ok}
	mixes := []struct {
		name    string
		answers []answer
	}{
		{"4xx", []answer{
			{status: http.StatusNotFound, body: readFixture(b, "chatsessions/error_404.json")},
			{status: http.StatusBadRequest, body: readFixture(b, "chatsessions/error_400.json")},
			okAnswer, okAnswer,
		}},
		{"503", []answer{
			{status: http.StatusServiceUnavailable, body: []byte(`{"success":false,"error":"Service temporarily unavailable"}`)},
			okAnswer, okAnswer, okAnswer,
		}},
	}
	ctx := context.Background()
	for _, mix := range mixes {
		names := []string{"sdk", "baseline"}
		for _, i := range rotated(b, len(names)) {
			name := names[i]
			b.Run("mix="+mix.name+"/impl="+name, func(b *testing.B) {
				var n atomic.Uint64
				srv := newBenchServer(b, recentRoute, func() answer {
					return mix.answers[(n.Add(1)-1)%uint64(len(mix.answers))]
				})
				var call func() error
				switch name {
				case "sdk":
					c, err := dmchamp.NewClient(dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithAPIKey(benchKey), dmchamp.WithRetryMax(0))
					if err != nil {
						b.Fatal(err)
					}
					opts := &dmchamp.RecentChatSessionsOptions{Hours: 48}
					call = func() error {
						_, err := c.ChatSessions.Recent(ctx, opts)
						var apiErr *dmchamp.APIError
						if errors.As(err, &apiErr) && failureStatus(apiErr.StatusCode) {
							return nil
						}
						return err
					}
				case "baseline":
					hc := httpClient()
					call = func() error {
						_, err := baselineRecent(ctx, hc, srv.URL, 48, false)
						var st *statusError
						if errors.As(err, &st) && failureStatus(st.status) {
							return nil
						}
						return err
					}
				}
				b.ReportAllocs()
				b.SetParallelism(goroutinesPerProc(64))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := call(); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.StopTimer()
				if got := n.Load(); got != uint64(b.N) {
					b.Fatalf("%d calls made %d requests", b.N, got)
				}
				b.ReportMetric(float64(srv.conns.Load()), "conns")
			})
		}
	}
}

// failureStatus reports whether status is one of the failures the server of
// BenchmarkFailureMix sends.
func failureStatus(status int) bool {
	return status == http.StatusNotFound || status == http.StatusBadRequest || status == http.StatusServiceUnavailable
}
