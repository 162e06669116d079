package webhook

import "time"

// WithClock sets the clock of the dedup window and of ReceivedAt.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithDedupSize sets how many handled deliveries WithDedup remembers.
func WithDedupSize(n int) Option {
	return func(c *config) { c.dedupSize = n }
}

// SwapEqual replaces the constant-time comparison of the verifiers until
// restore is called.
func SwapEqual(f func(a, b []byte) bool) (restore func()) {
	old := equal
	equal = f
	return func() { equal = old }
}
