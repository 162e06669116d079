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
// against a server whose answers cycle through 404, 400, 200 and 200: errors
// that are not retried, so each call is one request. conns, the connections
// the server saw, stays near 64 when a failed call leaves the pool's other
// idle connections open; a client that closed them on every error would dial
// again and again.
func BenchmarkFailureMix(b *testing.B) {
	ok, _ := recentPayload(b, 100, 0)
	answers := []answer{
		{status: http.StatusNotFound, body: readFixture(b, "chatsessions/error_404.json")},
		{status: http.StatusBadRequest, body: readFixture(b, "chatsessions/error_400.json")},
		{status: http.StatusOK, body: ok},
		{status: http.StatusOK, body: ok},
	}
	ctx := context.Background()
	for _, name := range []string{"sdk", "baseline"} {
		b.Run("impl="+name, func(b *testing.B) {
			var n atomic.Uint64
			srv := newBenchServer(b, recentRoute, func() answer {
				return answers[(n.Add(1)-1)%uint64(len(answers))]
			})
			var call func() error
			switch name {
			case "sdk":
				c := srv.sdk(b)
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

// failureStatus reports whether status is one of the failures the server of
// BenchmarkFailureMix sends.
func failureStatus(status int) bool {
	return status == http.StatusNotFound || status == http.StatusBadRequest
}
