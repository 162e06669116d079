package dmchamp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// The benchmarks compare each SDK call with a baseline that makes the same
// call with plain net/http and encoding/json, decoding into the same structs,
// against the same loopback server. Both keep up to 64 idle connections per
// host (the SDK's default). Compare them with
//
//	go test -run '^$' -bench . -benchmem -count 10 > bench.txt
//	benchstat -col /impl bench.txt
//
// See BENCHMARKS.md.

const benchKey = "bench-api-key"

// benchServer serves body to every request and counts the connections made.
type benchServer struct {
	*httptest.Server
	conns atomic.Int64
}

func newBenchServer(b *testing.B, status int, body []byte) *benchServer {
	s := &benchServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	b.Cleanup(s.Close)
	return s
}

func (s *benchServer) sdk(b *testing.B) *dmchamp.Client {
	c, err := dmchamp.NewClient(
		dmchamp.WithBaseURL(s.URL+"/v1"),
		dmchamp.WithSessionsBaseURL(s.URL+"/api"),
		dmchamp.WithAPIKey(benchKey),
		dmchamp.WithSessionsToken(benchKey),
	)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func baselineClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t, Timeout: time.Minute}
}

// baselineRecent is ChatSessions.Recent written by hand.
func baselineRecent(ctx context.Context, hc *http.Client, base string, hours int) (*dmchamp.RecentChatSessions, error) {
	q := url.Values{"apiKey": {benchKey}, "hours": {strconv.Itoa(hours)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/chat-sessions/recent?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var env struct {
		Success bool                        `json:"success"`
		Data    *dmchamp.RecentChatSessions `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, err
	}
	return env.Data, nil
}

// baselineCreate is Sessions.Create written by hand.
func baselineCreate(ctx context.Context, hc *http.Client, base string, in *dmchamp.CreateSessionRequest) (*dmchamp.Session, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/sessions", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+benchKey)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var env struct {
		Success bool             `json:"success"`
		Data    *dmchamp.Session `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, err
	}
	return env.Data, nil
}

// recentPayload returns a Recent answer of n sessions taken, round robin,
// from the recorded large answer; without messages unless asked.
func recentPayload(b *testing.B, n int, messages bool) []byte {
	raw, err := os.ReadFile("testdata/chatsessions/recent_messages_large.json")
	if err != nil {
		b.Fatal(err)
	}
	var env struct {
		Data struct {
			Sessions []map[string]json.RawMessage `json:"sessions"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, `{"success":true,"data":{"hours_ago":48,"total_sessions":%d,"sessions":[`, n)
	for i := range n {
		s := env.Data.Sessions[i%len(env.Data.Sessions)]
		if !messages {
			delete(s, "messages")
		}
		b, _ := json.Marshal(s)
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(b)
	}
	out.WriteString("]}}")
	return out.Bytes()
}

// benchRecent runs Recent against body, with the SDK and with the baseline.
func benchRecent(b *testing.B, body []byte, memory bool) {
	srv := newBenchServer(b, http.StatusOK, body)
	ctx := context.Background()
	c := srv.sdk(b)
	hc := baselineClient()
	impls := []struct {
		name string
		call func() (*dmchamp.RecentChatSessions, error)
	}{
		{"sdk", func() (*dmchamp.RecentChatSessions, error) {
			return c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 48})
		}},
		{"baseline", func() (*dmchamp.RecentChatSessions, error) { return baselineRecent(ctx, hc, srv.URL, 48) }},
	}
	for _, impl := range impls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := impl.call(); err != nil {
					b.Fatal(err)
				}
			}
			if memory {
				peak, decoded := peakMemory(b, func() any {
					r, err := impl.call()
					if err != nil {
						b.Fatal(err)
					}
					return r
				})
				b.ReportMetric(float64(peak)/float64(decoded), "peak/decoded")
				b.ReportMetric(float64(decoded)/1e6, "decoded-MB")
			}
		})
	}
}

// BenchmarkRecent100 fetches 100 sessions without messages (about 30 kB).
func BenchmarkRecent100(b *testing.B) {
	benchRecent(b, recentPayload(b, 100, false), false)
}

// BenchmarkRecent2000Messages fetches 2,000 sessions with their messages
// (about 6.7 MB), and reports the peak heap growth during one call relative to
// the size of the decoded result.
func BenchmarkRecent2000Messages(b *testing.B) {
	benchRecent(b, recentPayload(b, 2000, true), true)
}

// BenchmarkSessionsCreate posts a session and decodes the created session.
func BenchmarkSessionsCreate(b *testing.B) {
	body, err := os.ReadFile("testdata/sessions/create.json")
	if err != nil {
		b.Fatal(err)
	}
	srv := newBenchServer(b, http.StatusCreated, body)
	ctx := context.Background()
	c := srv.sdk(b)
	hc := baselineClient()
	in := &dmchamp.CreateSessionRequest{ChatbotID: "6650e8a1c3f4b2a1d0e9f871", ClientID: "6650e9b7c3f4b2a1d0e9f8a2", Title: "Weekly check-in"}
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Sessions.Create(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := baselineCreate(ctx, hc, srv.URL, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRecent100Parallel runs BenchmarkRecent100 from 64 goroutines
// sharing one client, and reports the connections the server saw.
func BenchmarkRecent100Parallel(b *testing.B) {
	body := recentPayload(b, 100, false)
	ctx := context.Background()
	for _, name := range []string{"sdk", "baseline"} {
		b.Run("impl="+name, func(b *testing.B) {
			srv := newBenchServer(b, http.StatusOK, body)
			c := srv.sdk(b)
			hc := baselineClient()
			call := func() error {
				_, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 48})
				return err
			}
			if name == "baseline" {
				call = func() error {
					_, err := baselineRecent(ctx, hc, srv.URL, 48)
					return err
				}
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.SetParallelism((64 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := call(); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(srv.conns.Load()), "conns")
		})
	}
}

// peakMemory calls f once and returns how far the live heap grew during the
// call above its level before, and how much of it the result keeps. The
// garbage collector runs often meanwhile, so the samples track live memory.
func peakMemory(b *testing.B, f func() any) (peak, decoded uint64) {
	b.Helper()
	old := debug.SetGCPercent(5)
	defer debug.SetGCPercent(old)
	runtime.GC()
	base := heapObjects()
	var high atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if h := heapObjects(); h > high.Load() {
				high.Store(h)
			}
			time.Sleep(20 * time.Microsecond)
		}
	}()
	result := f()
	close(stop)
	<-done
	runtime.GC()
	decoded = heapObjects() - base
	runtime.KeepAlive(result)
	return high.Load() - base, decoded
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
