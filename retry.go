package dmchamp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// checkRetry is the retry policy, called after every attempt.
//
// Idempotent calls (GET, PUT, DELETE) are retried on connection errors and on
// 429, 500, 502, 503 and 504. POST calls are retried only when the connection
// was never made, unless WithRetryNonIdempotent is set: the API has no
// idempotency keys, so a POST that may have reached the server is not sent
// again. A Retry-After longer than the client's limit, or than the time left
// before the context's deadline, ends the call with the server's error.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	cl := callFrom(ctx)
	if cl != nil {
		cl.attempts++
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	mayRetry := cl == nil || cl.idempotent || c.retryNonIdempotent
	if err != nil {
		// A POST may go again only if no server has seen it: the
		// connection was refused, and no earlier hop (a redirect) answered.
		if !mayRetry && (!neverConnected(err) || cl.reached) {
			return false, nil
		}
		// go-retryablehttp's policy knows which transport errors are
		// permanent (bad scheme, TLS trust, redirect loops).
		return retryablehttp.DefaultRetryPolicy(ctx, nil, err)
	}
	if !mayRetry || !retryableStatus(resp.StatusCode) {
		return false, nil
	}
	if cl != nil && cl.api == sessionAPI && resp.StatusCode == http.StatusInternalServerError && permanentSessionError(resp) {
		return false, nil
	}
	if wait, ok := retryAfter(resp.Header, time.Now()); ok {
		if wait > c.maxRetryAfter {
			return false, nil
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return false, nil
		}
	}
	bufferBody(resp)
	return true, nil
}

// bufferBody keeps the head of a body that is about to be retried in memory
// and drains and closes the body itself, so that the connection can serve
// the retry: go-retryablehttp drains only 4 KiB. The head is what the error
// reports if this was the last attempt.
func bufferBody(resp *http.Response) {
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	drainClose(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(head))
}

// permanentSessionError reports whether a Session API 500 is one of its
// backend's permanent errors, which another attempt would only repeat: a
// missing document ("Session not found") or a malformed id (Mongoose's "Cast
// to ObjectId failed"). It puts the body it reads back in place.
func permanentSessionError(resp *http.Response) bool {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), resp.Body), resp.Body}
	_, msg, _ := parseErrorBody(b)
	return notFoundMessage(msg) || strings.HasPrefix(strings.ToLower(msg), "cast to objectid failed")
}

func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// neverConnected reports whether err shows the request never left the
// client: the connection could not be established.
func neverConnected(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff returns the wait before the next attempt: the server's Retry-After
// when it sent one (checkRetry has bounded it), else d = lo·2^attempt,
// capped at hi, plus up to half of d of random jitter, still capped at hi.
func (c *Client) backoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := retryAfter(resp.Header, time.Now()); ok {
			return wait
		}
	}
	d := lo
	for i := 0; i < attempt && d < hi; i++ {
		if d > hi/2 {
			d = hi
			break
		}
		d *= 2
	}
	d = min(d, hi)
	if d <= 0 {
		return 0
	}
	return d + rand.N(min(d/2, hi-d)+1)
}

// maxRetryAfterSeconds bounds a parsed Retry-After so the conversion to a
// Duration cannot overflow.
const maxRetryAfterSeconds = 1 << 32

// retryAfter parses a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, maxRetryAfterSeconds)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
