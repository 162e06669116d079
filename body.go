package dmchamp

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Body limits.
const (
	maxWholeBody = 1 << 20               // a {success, data} GET answer up to this size is decoded whole; a larger one streams
	maxDrain     = 256 << 10             // what is read to reuse a connection before closing it
	drainTime    = 50 * time.Millisecond // how long closing a body may wait for the rest of it
)

// bodyBuffers holds the buffers answers up to maxWholeBody are read into.
var bodyBuffers = sync.Pool{New: func() any { return new([]byte) }}

// answer is a 2xx body as read so far.
type answer struct {
	buf  *[]byte   // from bodyBuffers; nil once released
	b    []byte    // what was read: the whole body, or its head when rest is set
	rest io.Reader // the rest of a body longer than what was read whole; nil at the end
}

// release returns the buffer to the pool. b must not be used after.
func (a *answer) release() {
	if a.buf != nil && cap(a.b) <= maxWholeBody {
		*a.buf = a.b[:0]
		bodyBuffers.Put(a.buf)
	}
	a.buf, a.b = nil, nil
}

// head returns a copy of what an error keeps of the body: its first
// maxErrorBody bytes, and the margin the redactor needs to see a credential
// that straddles that cut.
func (a *answer) head(margin int) []byte {
	if len(a.b) == 0 {
		return nil
	}
	return append([]byte(nil), a.b[:min(len(a.b), maxErrorBody+margin)]...)
}

// errTooLarge is the reason an answer over the client's limit is refused.
type errTooLarge int64

func (e errTooLarge) Error() string {
	return fmt.Sprintf("the body exceeds the client's limit of %d bytes (WithMaxResponseSize)", int64(e))
}

// read reads a 2xx body into a pooled buffer: whole, when it ends within
// maxWholeBody bytes (within the client's limit when whole is set); else
// its first maxWholeBody bytes, the rest being left in a.rest, bounded by
// the limit. When json is set, a body that does not start like JSON fails
// at its first byte (errNotJSON), without waiting for the rest.
func (cl *call) read(resp *http.Response, json, whole bool) (answer, error) {
	limit := cl.c.maxResponseSize
	n := resp.ContentLength
	if n > limit {
		return answer{}, errTooLarge(limit)
	}
	upTo := int64(maxWholeBody)
	if whole {
		upTo = limit
	}
	a := answer{buf: bodyBuffers.Get().(*[]byte)}
	b := (*a.buf)[:0]
	if n >= 0 && n <= upTo && int64(cap(b)) < n {
		b = make([]byte, 0, n)
	}
	checked := !json
	for {
		if n >= 0 && int64(len(b)) == n {
			break // the transport has seen the end of a body of announced length
		}
		if len(b) == cap(b) {
			if int64(len(b)) >= upTo {
				if whole {
					a.b = b
					return a, errTooLarge(limit)
				}
				a.b, a.rest = b, &limitedBody{r: resp.Body, left: limit - int64(len(b)), limit: limit}
				return a, nil
			}
			b = slices.Grow(b, min(max(len(b), 4<<10), int(upTo)-len(b)))
		}
		m, err := resp.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if !checked {
			if c := first(b); c != 0 {
				if !startsJSON(c) {
					a.b = b
					return a, errNotJSON
				}
				checked = true
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			a.b = b
			return a, err
		}
	}
	a.b = b
	return a, nil
}

// limitedBody reads the rest of a body, up to what is left of the limit.
type limitedBody struct {
	r     io.Reader
	left  int64
	limit int64
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, errTooLarge(l.limit)
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// readHead reads the head of an error body: what an APIError keeps, and the
// redactor's margin.
func readHead(body io.Reader, margin int) []byte {
	b, _ := io.ReadAll(io.LimitReader(body, int64(maxErrorBody+margin)))
	return b
}

// drainClose reads what is left of a body, at most maxDrain bytes and for at
// most drainTime, so that its connection can be reused, and closes it. A
// body slower than that is cut off by ending the attempt, which closes its
// connection.
func (cl *call) drainClose(body io.ReadCloser) {
	if cancel := cl.cancel; cancel != nil {
		t := time.AfterFunc(drainTime, cancel)
		_, _ = io.CopyN(io.Discard, body, maxDrain)
		t.Stop()
	}
	_ = body.Close()
}

// discard closes a body whose reading failed with err: drained, as far as
// drainClose goes, when the server sent something unwanted (it failed
// fast: the rest may be at hand); cut off when it is too large or the
// connection failed.
func (cl *call) discard(body io.ReadCloser, err error) {
	if errors.As(err, new(errTooLarge)) || readFailed(err) {
		cl.abort(body)
		return
	}
	cl.drainClose(body)
}

// abort closes a body that is not wanted any more without reading it:
// ending the attempt closes its connection at once.
func (cl *call) abort(body io.ReadCloser) {
	cl.endAttempt()
	_ = body.Close()
}
