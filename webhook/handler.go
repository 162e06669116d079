package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"
)

// A Receiver is the http.Handler returned by Handler and ChannelHandler.
// It answers:
//   - 405 to a method other than POST;
//   - 413 to a body past the cap (WithMaxBody), 408 to a body not received
//     within the read timeout (WithReadTimeout);
//   - 401 to a request its Verifier refuses, 400 to a body that is not a
//     JSON object;
//   - 200 once the function returned nil, 500 if it returned an error or
//     panicked, 503 if it did not return within WithTimeout; or, with
//     WithAsync, 202 once queued and 503 when the queue is full;
//   - with WithDedup, 200 to a duplicate and 409 to a duplicate still
//     being handled;
//   - 503 after Shutdown.
//
// Each answer is a short plain-text line; no error detail and no part of
// the request is echoed. A panic in the function is recovered and logged.
type Receiver struct {
	name   string // what it receives, for logs
	cfg    config
	verify Verifier
	parse  func(body []byte, now time.Time) (job, error)
	dedup  *dedupSet
	queue  chan job // nil unless WithAsync

	mu     sync.RWMutex // guards closed against sends on queue and wg.Add
	closed bool
	wg     sync.WaitGroup // function calls and workers
	base   context.Context
	cancel context.CancelFunc
	once   sync.Once
	done   chan struct{} // closed when wg is done after Shutdown
}

// A job is one decoded delivery.
type job struct {
	typ, id string // logged
	key     string // for WithDedup; "" for none
	run     func(context.Context) error
}

// Handler returns a handler for DM Champ's webhook deliveries: each POST is
// verified with v, decoded as Parse does, and passed to fn. fn runs before
// the answer, so that an error (500) lets DM Champ retry; WithAsync answers
// first. Events of unknown types are passed on too. See Receiver for the
// status codes. It panics if v or fn is nil.
func Handler(v Verifier, fn func(context.Context, *Event) error, opts ...Option) *Receiver {
	if fn == nil {
		panic("webhook: Handler: nil fn")
	}
	return newReceiver("event", v, opts, func(body []byte, now time.Time) (job, error) {
		e, err := parseEvent(body, now)
		if err != nil {
			return job{}, err
		}
		j := job{typ: e.Type, id: e.ID}
		if e.ID != "" {
			j.key = "event\x00" + e.Type + "\x00" + e.ID
		} else if id := e.messageID(); id != "" {
			j.key = "message\x00" + e.Type + "\x00" + id
			j.id = id
		}
		j.run = func(ctx context.Context) error { return fn(ctx, e) }
		return j, nil
	})
}

func newReceiver(name string, v Verifier, opts []Option, parse func([]byte, time.Time) (job, error)) *Receiver {
	if v == nil {
		panic("webhook: nil Verifier (use Unverified() to accept unsigned requests)")
	}
	h := &Receiver{name: name, cfg: newConfig(opts), verify: v, parse: parse, done: make(chan struct{})}
	h.base, h.cancel = context.WithCancel(context.Background())
	if h.cfg.dedup > 0 {
		h.dedup = newDedupSet(h.cfg.dedup, h.cfg.dedupSize, h.cfg.now)
	}
	if h.cfg.workers > 0 {
		h.queue = make(chan job, h.cfg.queue)
		h.wg.Add(h.cfg.workers)
		for range h.cfg.workers {
			go h.work()
		}
	}
	return h
}

// ServeHTTP handles one delivery.
func (h *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	a := answer{w: w, r: r, log: h.cfg.logger, name: h.name, start: start}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		a.send(http.StatusMethodNotAllowed, "method not allowed", nil)
		return
	}
	if h.isClosed() {
		a.unavailable("shutting down", nil)
		return
	}
	body, err := readVerified(w, r, h.verify, h.cfg.maxBody, h.cfg.readTimeout)
	if err != nil {
		status, msg := statusOf(err)
		a.send(status, msg, err)
		return
	}
	j, err := h.parse(body, h.cfg.now())
	if err != nil {
		a.send(http.StatusBadRequest, "body is not a JSON object", err)
		return
	}
	a.j = j
	if h.dedup != nil && j.key != "" {
		switch h.dedup.begin(j.key) {
		case dedupDone:
			a.send(http.StatusOK, "duplicate", nil)
			return
		case dedupHandling:
			a.send(http.StatusConflict, "a delivery of this event is being handled", nil)
			return
		}
	}
	if h.queue != nil {
		h.enqueue(a)
	} else {
		h.runNow(a)
	}
}

// statusOf maps a reading or verifying error to its answer.
func statusOf(err error) (int, string) {
	switch {
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "body too large"
	case errors.Is(err, ErrTimeout):
		return http.StatusRequestTimeout, "body not received in time"
	case errors.Is(err, ErrSignature):
		return http.StatusUnauthorized, "invalid signature"
	}
	return http.StatusBadRequest, "body could not be read"
}

// runNow calls the function before answering, for at most cfg.timeout.
func (h *Receiver) runNow(a answer) {
	h.mu.RLock()
	if h.closed {
		h.mu.RUnlock()
		h.finish(a.j, false)
		a.unavailable("shutting down", nil)
		return
	}
	h.wg.Add(1)
	h.mu.RUnlock()

	ctx, cancel := context.WithTimeout(a.r.Context(), h.cfg.timeout)
	defer cancel()
	defer context.AfterFunc(h.base, cancel)() // a forced Shutdown cancels it too
	result := make(chan error, 1)
	go func() {
		defer h.wg.Done()
		err := h.call(ctx, a.j)
		h.finish(a.j, err == nil)
		result <- err
	}()
	select {
	case err := <-result:
		a.result(err)
	case <-ctx.Done():
		select {
		case err := <-result:
			a.result(err)
		default:
			a.unavailable("not handled in time", fmt.Errorf("the function did not return within %v", h.cfg.timeout))
		}
	}
}

// enqueue queues the delivery for a worker and answers 202, or 503 when
// the queue is full or the Receiver shut down.
func (h *Receiver) enqueue(a answer) {
	h.mu.RLock()
	queued := false
	if !h.closed {
		select {
		case h.queue <- a.j:
			queued = true
		default:
		}
	}
	closed := h.closed
	h.mu.RUnlock()
	h.finish(a.j, queued)
	switch {
	case queued:
		a.send(http.StatusAccepted, "accepted", nil)
	case closed:
		a.unavailable("shutting down", nil)
	default:
		a.unavailable("queue full", errors.New("the queue is full"))
	}
}

func (h *Receiver) work() {
	defer h.wg.Done()
	for j := range h.queue {
		attrs := []any{"receives", h.name, "type", cut(j.typ), "id", cut(j.id)}
		if h.base.Err() != nil {
			h.cfg.logger.Error("webhook: delivery dropped at shutdown", attrs...)
			continue
		}
		start := time.Now()
		ctx, cancel := context.WithTimeout(h.base, h.cfg.timeout)
		err := h.call(ctx, j)
		cancel()
		attrs = append(attrs, "duration", time.Since(start))
		if err != nil {
			h.cfg.logger.Error("webhook: delivery failed", append(attrs, "error", err.Error())...)
		} else {
			h.cfg.logger.Debug("webhook: delivery handled", attrs...)
		}
	}
}

// call runs j, turning a panic into an error (and a log line with the
// stack).
func (h *Receiver) call(ctx context.Context, j job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			h.cfg.logger.Error("webhook: panic in the handler function",
				"receives", h.name, "type", cut(j.typ), "id", cut(j.id), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = fmt.Errorf("webhook: the handler function panicked: %v", v)
		}
	}()
	return j.run(ctx)
}

func (h *Receiver) finish(j job, ok bool) {
	if h.dedup != nil && j.key != "" {
		h.dedup.finish(j.key, ok)
	}
}

func (h *Receiver) isClosed() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.closed
}

// Shutdown stops the Receiver: new deliveries are answered 503 (with
// Retry-After, so DM Champ retries), and it waits for every function call
// under way and, with WithAsync, for the queue to be drained. If ctx ends
// first, it cancels the context of the calls still running, logs each
// queued delivery it drops, and returns ctx.Err(). Call it after
// http.Server.Shutdown, which waits for the requests themselves. Calling it
// again waits again.
func (h *Receiver) Shutdown(ctx context.Context) error {
	h.once.Do(func() {
		h.mu.Lock()
		h.closed = true
		if h.queue != nil {
			close(h.queue)
		}
		h.mu.Unlock()
		go func() {
			h.wg.Wait()
			h.cancel()
			close(h.done)
		}()
	})
	select {
	case <-h.done:
		return nil
	case <-ctx.Done():
		h.cancel()
		return ctx.Err()
	}
}

// answer writes the response to one request and logs it.
type answer struct {
	w     http.ResponseWriter
	r     *http.Request
	log   *slog.Logger
	name  string // what the handler receives
	j     job
	start time.Time
}

func (a answer) result(err error) {
	if err != nil {
		a.send(http.StatusInternalServerError, "handler failed", err)
		return
	}
	a.send(http.StatusOK, "ok", nil)
}

func (a answer) unavailable(msg string, err error) {
	a.w.Header().Set("Retry-After", "5")
	a.send(http.StatusServiceUnavailable, msg, err)
}

func (a answer) send(status int, msg string, err error) {
	a.write(status, "text/plain; charset=utf-8", []byte(msg+"\n"))
	a.logged(status, msg, err)
}

func (a answer) write(status int, contentType string, body []byte) {
	h := a.w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	a.w.WriteHeader(status)
	a.w.Write(body)
}

// logged logs the answer: metadata only.
func (a answer) logged(status int, msg string, err error) {
	level := slog.LevelDebug
	switch {
	case status >= 500:
		level = slog.LevelError
	case status >= 400:
		level = slog.LevelWarn
	}
	attrs := []any{
		"receives", a.name, "method", a.r.Method, "path", a.r.URL.Path, "status", status,
		"type", cut(a.j.typ), "id", cut(a.j.id), "duration", time.Since(a.start),
	}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	a.log.Log(a.r.Context(), level, "webhook: "+msg, attrs...)
}
