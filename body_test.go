package dmchamp_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endlessSessions writes a {success, data} answer of n bytes whose list of
// sessions never seems to end, counting what it wrote, until n or until the
// client goes away.
func endlessSessions(n int64, written *atomic.Int64) http.HandlerFunc {
	const session = `{"session_id":"Qm7vT2xKp9LrW4sYc8Nd","contact_id":"aB3dE5fG7hJ9kL1mN2pQ","contact_name":"Maria Gonzalez","contact_phone":"+34612345678","contact_email":"maria@example.com","start_date_time":"2026-11-20T09:14:03.118Z","status":"ChatSessionOpened","tag":null},`
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		bw := bufio.NewWriterSize(w, 64<<10)
		m, _ := io.WriteString(bw, `{"success":true,"data":{"hours_ago":24,"sessions":[`)
		written.Add(int64(m))
		for written.Load() < n {
			m, err := io.WriteString(bw, session)
			written.Add(int64(m))
			if err != nil {
				return
			}
		}
		_, _ = io.WriteString(bw, `{}]}}`)
		_ = bw.Flush()
	}
}

// TestStreamedAnswerOverTheLimit sends a 100 MB answer of unknown length:
// the SDK decodes it as it streams in, stops at the client's limit with
// ErrInvalidResponse, closes the connection rather than reading the rest,
// and its heap never holds much more than the limit's worth.
func TestStreamedAnswerOverTheLimit(t *testing.T) {
	const limit = 4 << 20
	h := newFaultHarness(t)
	var written atomic.Int64
	srv := h.serve(endlessSessions(100<<20, &written))
	h.start()
	c := h.client(dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithMaxResponseSize(limit))

	var peak atomic.Uint64
	before := heapInUse()
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
				peak.Store(max(peak.Load(), heapInUse()))
			}
		}
	}()
	_, err := c.ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
	close(stop)
	assert.ErrorIs(t, err, dmchamp.ErrInvalidResponse)
	assert.ErrorContains(t, err, "exceeds the client's limit of 4194304 bytes")
	var ae *dmchamp.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 1, ae.Attempts, "not retried")
	assert.Less(t, int64(peak.Load())-int64(before), int64(48<<20), "the heap stays near the limit")
	time.Sleep(50 * time.Millisecond)
	assert.Less(t, written.Load(), int64(32<<20), "the connection was closed, not read to the end")
	h.checkNoLeaks()
}

func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// An announced length over the limit is refused before reading: the
// default limit is DefaultMaxResponseSize.
func TestAnnouncedAnswerOverTheLimit(t *testing.T) {
	h := newFaultHarness(t)
	var written atomic.Int64
	srv := h.serve(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(dmchamp.DefaultMaxResponseSize+1))
		endlessSessions(dmchamp.DefaultMaxResponseSize+1, &written)(w, r)
	})
	h.start()
	c := h.client(dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithBaseURL(srv.URL+"/v1"))
	start := time.Now()
	_, err := c.ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
	assert.ErrorIs(t, err, dmchamp.ErrInvalidResponse)
	assert.Less(t, time.Since(start), time.Second)
	h.checkNoLeaks()
}

// A side-effecting call's answer is read whole, up to the limit too.
func TestWholeAnswerOverTheLimit(t *testing.T) {
	h := newFaultHarness(t)
	var written atomic.Int64
	srv := h.serve(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(201)
		_, _ = io.WriteString(w, `{"success":true,"data":{"_id":"66510f3ad2e4c5b6a7f80912","title":"`)
		for written.Load() < 50<<20 {
			n, err := io.WriteString(w, strings.Repeat("x", 32<<10))
			if err != nil {
				return
			}
			written.Add(int64(n))
		}
	})
	h.start()
	c := h.client(dmchamp.WithSessionsBaseURL(srv.URL+"/api"), dmchamp.WithMaxResponseSize(1<<20))
	_, err := c.Sessions.Create(t.Context(), &dmchamp.CreateSessionRequest{ChatbotID: "b", ClientID: "c"})
	assert.ErrorIs(t, err, dmchamp.ErrInvalidResponse)
	assert.ErrorContains(t, err, "exceeds the client's limit")
	h.checkNoLeaks()
}

// A streamed text export is bounded by the limit as it is read.
func TestDownloadOverTheLimit(t *testing.T) {
	h := newFaultHarness(t)
	srv := h.serve(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for range 10 << 10 {
			if _, err := io.WriteString(w, strings.Repeat("- hi\n", 200)); err != nil {
				return
			}
		}
	})
	h.start()
	c := h.client(dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithMaxResponseSize(1<<20))
	body, err := c.ChatExports.RecentText(t.Context(), &dmchamp.ChatExportOptions{Hours: 24})
	require.NoError(t, err)
	n, err := io.Copy(io.Discard, body)
	assert.ErrorIs(t, err, dmchamp.ErrInvalidResponse)
	assert.Equal(t, int64(1<<20), n, "everything up to the limit is delivered")
	require.NoError(t, body.Close())
	h.checkNoLeaks()
}

// stall writes head, then waits for the client to go away.
func stall(contentType, head string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, head)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
}

// TestFailFastOnANonJSONAnswer: a 2xx answer that is HTML from its first
// byte fails at once, without waiting for the rest or for the timeout.
func TestFailFastOnANonJSONAnswer(t *testing.T) {
	h := newFaultHarness(t)
	srv := h.serve(stall("text/html", "<!DOCTYPE html><html><body>Maintenance"))
	h.start()
	c := h.client(dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithTimeout(0))
	start := time.Now()
	_, err := c.ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
	assert.Less(t, time.Since(start), time.Second)
	assert.ErrorIs(t, err, dmchamp.ErrInvalidResponse)
	var ae *dmchamp.APIError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, string(ae.Body), "<!DOCTYPE html>", "what arrived is kept")
	h.checkNoLeaks()
}

// TestCloseDoesNotBlock: closing a streamed export, or leaving the usage
// report's loop early, while the server stalls returns promptly, even with
// no per-attempt timeout.
func TestCloseDoesNotBlock(t *testing.T) {
	t.Run("RecentText", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := h.serve(stall("text/plain", "=== Maria Gonzalez (+34612345678) ===\n"))
		h.start()
		c := h.client(dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithTimeout(0))
		body, err := c.ChatExports.RecentText(t.Context(), &dmchamp.ChatExportOptions{Hours: 24})
		require.NoError(t, err)
		line, err := bufio.NewReader(body).ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, "=== Maria Gonzalez (+34612345678) ===\n", line)
		start := time.Now()
		require.NoError(t, body.Close())
		assert.Less(t, time.Since(start), 500*time.Millisecond)
		_, err = body.Read(make([]byte, 1))
		assert.Error(t, err, "a closed body reads nothing")
		h.checkNoLeaks()
	})
	t.Run("UsageExport", func(t *testing.T) {
		h := newFaultHarness(t)
		srv := h.serve(stall("text/csv", "Sub Account ID,Sub Account Email,Sub Account Name,Date,Amount,Reason,Campaign Name,Contact Name,Credit Type,Custom Keys Used,Description,AI Model\n"+
			"sa1,ops@acme.example,Acme,2026-10-01,1.5,AI reply,,Maria,monthly,no,,gpt-4o\n"))
		h.start()
		c := h.client(dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithTimeout(0))
		start := time.Now()
		rows := 0
		for row, err := range c.Agency.UsageExport(t.Context(), nil) {
			require.NoError(t, err)
			assert.Equal(t, "sa1", row.SubAccountID)
			rows++
			start = time.Now()
			break
		}
		assert.Equal(t, 1, rows)
		assert.Less(t, time.Since(start), 500*time.Millisecond)
		h.checkNoLeaks()
	})
}

// An answer whose head arrives and whose rest never does is cut off by the
// per-attempt timeout while being read: a *RequestError, not retried.
func TestStallMidAnswer(t *testing.T) {
	h := newFaultHarness(t)
	srv := h.serve(stall("application/json", `{"success":true,"data":{"sessions":[`))
	h.start()
	c := h.client(dmchamp.WithAPIKey(faultAPIKey), dmchamp.WithBaseURL(srv.URL+"/v1"), dmchamp.WithTimeout(100*time.Millisecond))
	_, err := c.ChatSessions.Recent(t.Context(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
	var re *dmchamp.RequestError
	require.ErrorAs(t, err, &re)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), err)
	h.checkNoLeaks()
}
