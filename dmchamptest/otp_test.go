package dmchamptest_test

import (
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOTPAgreesWithTOTP(t *testing.T) {
	clk := newClock(now)
	srv := dmchamptest.NewServer(dmchamptest.WithClock(clk.Now))
	t.Cleanup(srv.Close)
	c := newClient(t, srv)

	// RFC 6238's SHA-1 vectors, cut to 6 digits.
	rfcSecret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		clk.Set(time.Unix(unix, 0))
		got, err := c.OTP.Generate(t.Context(), rfcSecret)
		require.NoError(t, err)
		assert.Equal(t, want, got.Code, "at %d", unix)
	}

	for _, at := range []time.Time{now, now.Add(29 * time.Second), now.Add(30 * time.Second), now.Add(47 * time.Second), now.Add(time.Hour + time.Second)} {
		clk.Set(at)
		for _, secret := range []string{"JBSWY3DPEHPK3PXP", "jbsw y3dp ehpk 3pxp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"} {
			got, err := c.OTP.Generate(t.Context(), secret)
			require.NoError(t, err)
			want, err := dmchamp.TOTP(secret, at)
			require.NoError(t, err)
			assert.Equal(t, want, got, "%s at %s", secret, at)
		}
	}

	// The SDK sends the secret as a query parameter: it is never recorded.
	for _, r := range srv.Requests() {
		assert.Equal(t, []string{"REDACTED"}, r.Query["secret"])
	}
}
