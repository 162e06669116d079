package webhook

import (
	"fmt"
	"log/slog"
	"time"
)

// Defaults of the handlers' options.
const (
	// DefaultReadTimeout bounds the time a client may take to send its
	// body (WithReadTimeout).
	DefaultReadTimeout = 10 * time.Second
	// DefaultTimeout bounds each call of the handler's function, and is
	// the wait budget of a custom function (WithTimeout).
	DefaultTimeout = 10 * time.Second
	// DefaultDedupSize is the most deliveries WithDedup remembers.
	DefaultDedupSize = 100_000
	// queuePerWorker sizes the WithAsync queue when WithQueueSize is not
	// given.
	queuePerWorker = 64
)

// An Option configures Handler, ChannelHandler or FunctionHandler. Each
// option says which it applies to; the others ignore it. An option given a
// value outside its range panics, when the handler is built.
type Option func(*config)

type config struct {
	maxBody     int64
	readTimeout time.Duration
	timeout     time.Duration
	workers     int
	queue       int
	dedup       time.Duration
	dedupSize   int
	logger      *slog.Logger
	verifier    Verifier
	now         func() time.Time
}

func newConfig(opts []Option) config {
	c := config{
		maxBody:     DefaultMaxBody,
		readTimeout: DefaultReadTimeout,
		timeout:     DefaultTimeout,
		dedupSize:   DefaultDedupSize,
		now:         time.Now,
	}
	for _, opt := range opts {
		opt(&c)
	}
	if c.queue == 0 {
		c.queue = queuePerWorker * c.workers
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func check(ok bool, format string, args ...any) {
	if !ok {
		panic(fmt.Sprintf("webhook: "+format, args...))
	}
}

// WithMaxBody caps the body at n bytes (default DefaultMaxBody); a larger
// body is answered with 413 unread. All handlers. n must be positive.
func WithMaxBody(n int64) Option {
	check(n > 0, "WithMaxBody(%d): the cap must be positive", n)
	return func(c *config) { c.maxBody = n }
}

// WithReadTimeout bounds the time from the start of the handler to the end
// of the body (default DefaultReadTimeout), by setting a read deadline on
// the connection; a client too slow is answered with 408. Zero leaves the
// bound to the http.Server's ReadTimeout, which you should then set. All
// handlers.
func WithReadTimeout(d time.Duration) Option {
	check(d >= 0, "WithReadTimeout(%v): the timeout must not be negative", d)
	return func(c *config) { c.readTimeout = d }
}

// WithTimeout bounds each call of the handler's function (default
// DefaultTimeout): its context is cancelled then. For Handler and
// ChannelHandler without WithAsync, the request is answered 503 at that
// point even if the function has not returned, so that DM Champ may retry;
// with WithAsync the bound applies to each queued call. For
// FunctionHandler it is the AI's wait budget: at the deadline the call is
// answered 504 with a short JSON error the AI can read. Set it below
// DM Champ's own wait to leave room for the network. d must be positive.
func WithTimeout(d time.Duration) Option {
	check(d > 0, "WithTimeout(%v): the timeout must be positive", d)
	return func(c *config) { c.timeout = d }
}

// WithAsync answers each delivery 202 as soon as it is verified and
// decoded, and calls the function later on one of n worker goroutines.
// When the queue (WithQueueSize) is full the delivery is answered 503 with
// Retry-After, never dropped in silence. Call Receiver.Shutdown to drain
// the queue when the server stops. Handler and ChannelHandler. n must be
// at least 1.
func WithAsync(n int) Option {
	check(n >= 1, "WithAsync(%d): at least one worker is needed", n)
	return func(c *config) { c.workers = n }
}

// WithQueueSize sets how many deliveries WithAsync holds waiting for a
// worker (default 64 per worker). Each holds its body, so the queue takes
// at most n times WithMaxBody of memory. Handler and ChannelHandler. n
// must be at least 1.
func WithQueueSize(n int) Option {
	check(n >= 1, "WithQueueSize(%d): the queue must hold at least one delivery", n)
	return func(c *config) { c.queue = n }
}

// WithDedup drops a delivery already handled within the window d: it is
// answered 200 and the function is not called. Deliveries are keyed by
// the event's ID (with its Type), else by the id of the message it is
// about; one with neither is never dropped. A delivery whose function
// failed is forgotten, so DM Champ's retry is handled; one still being
// handled is answered 409, so the retry comes back later. At most
// DefaultDedupSize deliveries are remembered, the oldest forgotten first;
// memory stays bounded. Handler and ChannelHandler. d must be positive.
func WithDedup(d time.Duration) Option {
	check(d > 0, "WithDedup(%v): the window must be positive", d)
	return func(c *config) { c.dedup = d }
}

// WithLogger logs each delivery handled and each failure: method, path (no
// query), status, event type and id, duration, and the function's error.
// Bodies, headers and secrets are never logged. All handlers.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithVerifier checks each custom-function call with v before it is
// decoded; a refused call is answered 401. By default FunctionHandler
// verifies nothing (DM Champ is not known to sign these calls): protect
// the endpoint with a header or a URL secret of your own, checked here.
// FunctionHandler only (Handler and ChannelHandler take their Verifier as
// an argument).
func WithVerifier(v Verifier) Option {
	check(v != nil, "WithVerifier(nil)")
	return func(c *config) { c.verifier = v }
}
