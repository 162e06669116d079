package dmchamp

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// checkRetry is the call's retry policy, go-retryablehttp's CheckRetry,
// called after every attempt. It also records the attempt's answer: the
// status, the headers and Retry-After parsed once, and the head of an
// error body, read once.
//
// Idempotent calls (GET, PUT, DELETE) are retried on connection errors and on
// 429, 500, 502, 503 and 504. POST calls are retried only when the connection
// was never made, unless retrying them was asked for: the API has no
// idempotency keys, so a POST that may have reached the server is not sent
// again. A Retry-After longer than the client's limit, or than the time left
// before the context's deadline, ends the call with the server's error.
func (cl *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	cl.attempts++
	if resp != nil {
		cl.record(resp)
	}
	retry, checkErr := cl.shouldRetry(ctx, resp, err)
	if retry || resp == nil || !is2xx(resp.StatusCode) {
		// Nothing of this attempt is read any more.
		cl.endAttempt()
	}
	return retry, checkErr
}

func (cl *call) shouldRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	mayRetry := cl.ep.method == http.MethodGet || cl.ep.method == http.MethodHead ||
		cl.ep.method == http.MethodPut || cl.ep.method == http.MethodDelete || cl.cfg.retryNonIdempotent
	if err != nil {
		if errors.Is(err, errCredentialInRedirect) {
			return false, nil
		}
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
	if cl.ep.api() == sessionAPI && resp.StatusCode == http.StatusInternalServerError && notFoundMessage(cl.errorBody().message()) {
		return false, nil // the Session API's permanent 500s
	}
	if cl.hasRetryAfter {
		if cl.retryAfter > cl.c.maxRetryAfter {
			return false, nil
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < cl.retryAfter {
			return false, nil
		}
	}
	return true, nil
}

// record keeps what the call needs of an attempt's response. An error
// body's head is read here, and the body drained and closed, so that the
// connection can serve a retry: go-retryablehttp drains only 4 KiB.
func (cl *call) record(resp *http.Response) {
	cl.status, cl.header = resp.StatusCode, resp.Header
	cl.retryAfter, cl.hasRetryAfter = retryAfter(resp.Header, time.Now())
	cl.errBody, cl.errParsed = nil, nil
	if !is2xx(resp.StatusCode) {
		cl.errBody = readHead(resp.Body, cl.red.margin())
		cl.drainClose(resp.Body)
		resp.Body = http.NoBody
	}
}

// errorBody returns the last error body, parsed once.
func (cl *call) errorBody() *errorBody {
	if cl.errParsed == nil {
		cl.errParsed = parseErrorBody(cl.errBody)
		if cl.errParsed == nil {
			cl.errParsed = &errorBody{}
		}
	}
	return cl.errParsed
}

func is2xx(status int) bool { return status >= 200 && status <= 299 }

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

// backoff is go-retryablehttp's Backoff: the wait before the next attempt.
// It is the server's Retry-After when it sent one (checkRetry has bounded
// it), else d = lo·2^attempt, capped at hi, plus up to half of d of random
// jitter, still capped at hi.
func (cl *call) backoff(lo, hi time.Duration, attempt int, _ *http.Response) time.Duration {
	d := cl.retryAfter
	if !cl.hasRetryAfter {
		d = jitteredBackoff(lo, hi, attempt)
	}
	if cl.c.wait != nil {
		return cl.c.wait(d)
	}
	return d
}

func jitteredBackoff(lo, hi time.Duration, attempt int) time.Duration {
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
