package webhook

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// DefaultMaxBody is the largest body read: 1 MiB. Handlers take
// WithMaxBody; Parse, ParseChannelReply and ParseFunctionCall always use it
// (wrap r.Body in http.MaxBytesReader for a smaller cap).
const DefaultMaxBody = 1 << 20

var (
	// ErrTooLarge is returned (wrapped) for a body past the size cap.
	// Handlers answer it with 413.
	ErrTooLarge = errors.New("webhook: body too large")

	// ErrMalformed is returned (wrapped) for a body that is not a JSON
	// object (or, for a custom function, not a form either). Handlers
	// answer it with 400.
	ErrMalformed = errors.New("webhook: body is not a JSON object")

	// ErrTimeout is returned (wrapped) when the client did not send its
	// body within the read timeout (WithReadTimeout). Handlers answer it
	// with 408.
	ErrTimeout = errors.New("webhook: body not received in time")
)

var errNotObject = errors.New("not an object")

// readBody reads r's body, at most max bytes. With a ResponseWriter and a
// positive timeout it also sets a read deadline on the connection, so a
// client that stalls mid-body is cut off. net/http lifts the deadline once
// the body is read to its end, so it does not cancel the request while it
// is handled; after a failed read it stays, and the server does not wait
// for the rest of the body before answering.
func readBody(w http.ResponseWriter, r *http.Request, max int64, timeout time.Duration) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > max {
		return nil, fmt.Errorf("%w: %d bytes announced, the limit is %d", ErrTooLarge, r.ContentLength, max)
	}
	body := io.Reader(io.LimitReader(r.Body, max+1))
	if w != nil {
		body = http.MaxBytesReader(w, r.Body, max)
		if timeout > 0 {
			// A writer that cannot set deadlines (ErrNotSupported) leaves
			// the server's ReadTimeout as the only bound.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(timeout))
		}
	}
	b, err := io.ReadAll(body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge), err == nil && int64(len(b)) > max:
		return nil, fmt.Errorf("%w: the limit is %d bytes", ErrTooLarge, max)
	case errors.Is(err, os.ErrDeadlineExceeded):
		if w != nil {
			w.Header().Set("Connection", "close")
		}
		return nil, fmt.Errorf("%w: %w", ErrTimeout, err)
	case err != nil:
		return nil, fmt.Errorf("webhook: reading the body: %w", err)
	}
	return b, nil
}

// readVerified reads r's body and runs v over it.
func readVerified(w http.ResponseWriter, r *http.Request, v Verifier, max int64, timeout time.Duration) ([]byte, error) {
	body, err := readBody(w, r, max, timeout)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, errNoVerify
	}
	if err := v(r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// malformed wraps a decoding error in ErrMalformed.
func malformed(err error) error {
	if errors.Is(err, errNotObject) {
		return ErrMalformed
	}
	return fmt.Errorf("%w: %w", ErrMalformed, err)
}
