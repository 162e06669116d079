package bench

import (
	"context"
	"net/http"
	"runtime"
	"testing"
)

var recentRoute = route{method: http.MethodGet, path: "/v1/chat-sessions/recent"}

// BenchmarkRecent1 fetches one session without messages.
func BenchmarkRecent1(b *testing.B) {
	body, want := recentPayload(b, 1, 0)
	benchRecent(b, answer{status: http.StatusOK, body: body}, want, false)
}

// BenchmarkRecent100 fetches 100 sessions without messages.
func BenchmarkRecent100(b *testing.B) {
	body, want := recentPayload(b, 100, 0)
	benchRecent(b, answer{status: http.StatusOK, body: body}, want, false)
}

// BenchmarkRecent100Chunked is BenchmarkRecent100 with the answer sent
// chunked, without Content-Length.
func BenchmarkRecent100Chunked(b *testing.B) {
	body, want := recentPayload(b, 100, 0)
	benchRecent(b, answer{status: http.StatusOK, body: body, chunked: true}, want, false)
}

// BenchmarkRecent2000Messages fetches 2,000 sessions of 10 messages each,
// and also reports the peak heap growth during one call.
func BenchmarkRecent2000Messages(b *testing.B) {
	body, want := recentPayload(b, 2000, 10)
	benchRecent(b, answer{status: http.StatusOK, body: body}, want, true)
}

// benchRecent runs one sub-benchmark per impl against one server giving a,
// after checking that each impl decodes it to want. messages asks for the
// sessions' messages, and measures the peak heap.
func benchRecent(b *testing.B, a answer, want digest, messages bool) {
	srv := serveAlways(b, recentRoute, a)
	ctx := context.Background()
	impls := recentImpls(b, srv, messages)
	for _, i := range rotated(b, len(impls)) {
		impl := impls[i]
		b.Run("impl="+impl.name, func(b *testing.B) {
			checkRecent(b, ctx, impl, want)
			b.SetBytes(int64(len(a.body)))
			b.ReportAllocs()
			conns := srv.conns.Load()
			for b.Loop() {
				if _, err := impl.call(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(srv.conns.Load()-conns), "conns")
			if messages {
				peak, decoded := peakMemory(func() any {
					v, err := impl.call(ctx)
					if err != nil {
						b.Fatal(err)
					}
					return v
				})
				b.ReportMetric(float64(peak), "peak-B")
				b.ReportMetric(float64(decoded), "decoded-B")
				b.ReportMetric(float64(peak)/float64(decoded), "peak/decoded")
			}
		})
	}
}

// BenchmarkRecent100Parallel runs BenchmarkRecent100 from 64 goroutines
// sharing one client, and reports the connections the server saw.
func BenchmarkRecent100Parallel(b *testing.B) {
	body, want := recentPayload(b, 100, 0)
	ctx := context.Background()
	names := []string{"sdk", "baseline", "oapi-codegen", "ogen"}
	for _, i := range rotated(b, len(names)) {
		name := names[i]
		b.Run("impl="+name, func(b *testing.B) {
			// A new server and client for each b.N, so that conns counts
			// the connections of this run only.
			srv := serveAlways(b, recentRoute, answer{status: http.StatusOK, body: body})
			impl := recentImpls(b, srv, false)[i]
			if impl.name != name {
				b.Fatalf("impl %d is %s, not %s", i, impl.name, name)
			}
			checkRecent(b, ctx, impl, want)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.SetParallelism(goroutinesPerProc(64))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := impl.call(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(srv.conns.Load()), "conns")
		})
	}
}

// checkRecent fails b unless impl decodes the server's answer to want.
func checkRecent(b *testing.B, ctx context.Context, impl recentImpl, want digest) {
	b.Helper()
	v, err := impl.call(ctx)
	if err != nil {
		b.Fatalf("%s: %v", impl.name, err)
	}
	if got := impl.digest(v); got != want {
		b.Fatalf("%s decoded\n%+v\nwant\n%+v", impl.name, got, want)
	}
}

// goroutinesPerProc is the b.SetParallelism that runs n goroutines, or a
// few more when GOMAXPROCS does not divide n.
func goroutinesPerProc(n int) int {
	p := runtime.GOMAXPROCS(0)
	return (n + p - 1) / p
}
