package dmchamp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
)

// download is a streamed 2xx body (a text export, a CSV report), read by
// the caller. Reading past the client's limit, or a read that fails, gives
// the SDK's error types. Close returns promptly: it reads what is left for
// at most a short while, so the connection can be reused, and otherwise
// closes the connection.
type download struct {
	r      io.Reader
	body   io.ReadCloser
	cl     *call
	closed bool
}

// streamCall performs a call whose 2xx body the caller reads and closes. A
// JSON answer reporting a failure is an *APIError, as elsewhere.
func streamCall(ctx context.Context, c *Client, ep *endpoint, r *request, opts []CallOption) (*download, error) {
	cl, req, err := c.newCall(ctx, ep, r, opts)
	if err != nil {
		return nil, err
	}
	resp, err := cl.send(req)
	if err != nil {
		cl.done()
		return nil, err
	}
	cl.respond() // the attempt stays open until Close
	limit := c.maxResponseSize
	if resp.ContentLength > limit {
		cl.abort(resp.Body)
		return nil, cl.invalidResponse(nil, errTooLarge(limit))
	}
	d := &download{r: &limitedBody{r: resp.Body, left: limit, limit: limit}, body: resp.Body, cl: cl}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/json" {
		head := readHead(d.r, 0)
		if eb := failureIn(head); eb != nil {
			d.close()
			return nil, cl.apiError(head, eb)
		}
		d.r = io.MultiReader(bytes.NewReader(head), d.r)
	}
	return d, nil
}

func (d *download) Read(p []byte) (int, error) {
	if d.closed {
		return 0, errors.New("dmchamp: read of a closed body")
	}
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = d.fail(err)
	}
	return n, err
}

// Close releases the body and its connection. It never blocks for long.
func (d *download) Close() error {
	d.close()
	return nil
}

func (d *download) close() {
	if d.closed {
		return
	}
	d.closed = true
	d.cl.drainClose(d.body)
	d.cl.endAttempt()
}

// fail returns the error for a body that could not be read or understood:
// a *RequestError when the connection failed, else an *APIError matching
// ErrInvalidResponse. Errors that are already the SDK's pass unchanged.
func (d *download) fail(err error) error {
	var re *RequestError
	var ae *APIError
	switch {
	case errors.As(err, &re), errors.As(err, &ae):
		return err
	case readFailed(err):
		return d.cl.requestError(err)
	}
	return d.cl.invalidResponse(nil, err)
}
