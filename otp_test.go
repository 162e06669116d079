package dmchamp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// otpSecret is the example secret of the DM Champ OTP docs.
const otpSecret = "JBSWY3DPEHPK3PXP"

const otpURL = testBaseURL + "/otp/generate"

// otpFixtureAt is the instant testdata/otp/generate.json was recorded at:
// 2026-11-21T10:15:07Z (Unix 1795256107, step counter 59841870, 7 s into the
// step). Its code was computed independently of this package (HMAC-SHA1 of
// the big-endian counter keyed with base32-decoded JBSWY3DPEHPK3PXP).
var otpFixtureAt = ts("2026-11-21T10:15:07Z")

// rfc6238Seed is the SHA1 seed of RFC 6238 appendix B, and rfc6238Base32
// its base32 form.
const (
	rfc6238Seed   = "12345678901234567890"
	rfc6238Base32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
)

// rfc6238Vectors are the SHA1 rows of RFC 6238 appendix B (8 digits).
var rfc6238Vectors = []struct {
	unix int64
	code string
}{
	{59, "94287082"},
	{1111111109, "07081804"},
	{1111111111, "14050471"},
	{1234567890, "89005924"},
	{2000000000, "69279037"},
	{20000000000, "65353130"},
}

func TestTOTPRFC6238Vectors(t *testing.T) {
	for _, v := range rfc6238Vectors {
		assert.Equal(t, v.code, totp([]byte(rfc6238Seed), uint64(v.unix/30), 8), "T=%d", v.unix)
	}
}

func TestTOTPPublicRFC6238(t *testing.T) {
	key, err := totpKey(rfc6238Base32)
	require.NoError(t, err)
	assert.Equal(t, []byte(rfc6238Seed), key)

	for _, v := range rfc6238Vectors {
		got, err := TOTP(rfc6238Base32, time.Unix(v.unix, 0))
		require.NoError(t, err, "T=%d", v.unix)
		assert.Equal(t, &OTP{
			Code:      v.code[2:], // 6 digits: the last six of the 8-digit vector
			ExpiresIn: time.Duration(30-v.unix%30) * time.Second,
		}, got, "T=%d", v.unix)
	}

	// The time zone of the instant does not matter.
	inTokyo := time.Unix(1111111109, 0).In(time.FixedZone("JST", 9*3600))
	got, err := TOTP(rfc6238Base32, inTokyo)
	require.NoError(t, err)
	assert.Equal(t, "081804", got.Code)
}

func TestTOTPMatchesRecordedFixture(t *testing.T) {
	var recorded struct {
		Success   bool   `json:"success"`
		Code      string `json:"current_otp"`
		ExpiresIn int    `json:"expires_in"`
	}
	require.NoError(t, json.Unmarshal(fixture(t, "otp/generate.json"), &recorded))
	require.True(t, recorded.Success)

	got, err := TOTP(otpSecret, otpFixtureAt)
	require.NoError(t, err)
	assert.Equal(t, &OTP{Code: recorded.Code, ExpiresIn: time.Duration(recorded.ExpiresIn) * time.Second}, got)
	assert.Equal(t, "353410", got.Code)
	assert.Equal(t, 23*time.Second, got.ExpiresIn)
}

func TestTOTPExpiresIn(t *testing.T) {
	key, err := totpKey(otpSecret)
	require.NoError(t, err)
	stepStart := ts("2026-11-21T10:15:00Z") // a multiple of 30 s
	counter := uint64(stepStart.Unix() / 30)
	require.Zero(t, stepStart.Unix()%30)

	cases := []struct {
		offset  time.Duration
		expires time.Duration
		counter uint64
	}{
		{0, 30 * time.Second, counter},
		{time.Second, 29 * time.Second, counter},
		{7 * time.Second, 23 * time.Second, counter},
		{15 * time.Second, 15 * time.Second, counter},
		{29 * time.Second, time.Second, counter},
		{29*time.Second + 999*time.Millisecond, time.Second, counter},
		{30 * time.Second, 30 * time.Second, counter + 1},
		{59 * time.Second, time.Second, counter + 1},
		{-time.Second, time.Second, counter - 1},
	}
	for _, tc := range cases {
		got, err := TOTP(otpSecret, stepStart.Add(tc.offset))
		require.NoError(t, err, "offset %s", tc.offset)
		assert.Equal(t, &OTP{Code: totp(key, tc.counter, 6), ExpiresIn: tc.expires}, got, "offset %s", tc.offset)
	}
	// Neighbouring steps have different codes for this secret, so the
	// counter assertions above can fail.
	assert.NotEqual(t, totp(key, counter, 6), totp(key, counter+1, 6))
	assert.NotEqual(t, totp(key, counter, 6), totp(key, counter-1, 6))
}

func TestTOTPSecretForms(t *testing.T) {
	at := otpFixtureAt
	want, err := TOTP(otpSecret, at)
	require.NoError(t, err)
	for _, form := range []string{
		"jbswy3dpehpk3pxp",
		"jbsw y3dp ehpk 3pxp",
		"JBSW-Y3DP-EHPK-3PXP",
		"JBSWY3DPEHPK3PXP====",
		" JbSw Y3dP EhPk 3pXp ",
	} {
		got, err := TOTP(form, at)
		require.NoError(t, err, "%q", form)
		assert.Equal(t, want, got, "%q", form)
	}

	// A secret whose base32 form needs padding: "abcdef".
	key := []byte("abcdef")
	for _, form := range []string{"MFRGGZDFMY======", "MFRGGZDFMY", "mfrg gzdf my"} {
		got, err := TOTP(form, at)
		require.NoError(t, err, "%q", form)
		assert.Equal(t, totp(key, uint64(at.Unix()/30), 6), got.Code, "%q", form)
	}
}

// otpInvalidSecrets are secrets that are not base32; none is sent.
var otpInvalidSecrets = []struct {
	secret string
	reason string
}{
	{"", "must not be empty"},
	{"   ", "must not be empty"},
	{"====", "must not be empty"},
	{"1", "is not base32: its length is impossible"},
	{"JBS", "is not base32: its length is impossible"},
	{"JBSWY3", "is not base32: its length is impossible"},
	{"!!!!", "is not base32 (letters A-Z and digits 2-7)"},
	{"ABC8", "is not base32 (letters A-Z and digits 2-7)"},
	{"JBSWY3DPEHPK3PX0", "is not base32 (letters A-Z and digits 2-7)"},
	{"JBSWY3DP=EHPK3PXP", "is not base32: its length is impossible"},
	{"JBSWY3DP=EHPK3PX", "is not base32 (letters A-Z and digits 2-7)"},
}

func TestTOTPInvalidSecret(t *testing.T) {
	for _, tc := range otpInvalidSecrets {
		got, err := TOTP(tc.secret, otpFixtureAt)
		assert.Nil(t, got)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%q", tc.secret)
		assert.Equal(t, &ValidationError{Field: "secret", Reason: tc.reason}, ve, "%q", tc.secret)
		if len(tc.secret) > 1 {
			assert.NotContains(t, err.Error(), tc.secret, "the error repeats the secret")
		}
	}
}

func TestTOTPBefore1970(t *testing.T) {
	for _, at := range []time.Time{
		time.Unix(-1, 0),
		time.Unix(-1, 999_999_999),
		ts("1969-07-20T20:17:40Z"),
	} {
		got, err := TOTP(otpSecret, at)
		assert.Nil(t, got)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%s", at)
		assert.Equal(t, "at", ve.Field)
		assert.NotContains(t, err.Error(), otpSecret)
	}

	// The epoch itself is step 0.
	got, err := TOTP(rfc6238Base32, time.Unix(0, 0))
	require.NoError(t, err)
	assert.Equal(t, &OTP{Code: totp([]byte(rfc6238Seed), 0, 6), ExpiresIn: 30 * time.Second}, got)
}

func TestOTPUnmarshalJSON(t *testing.T) {
	valid := []struct {
		body string
		want OTP
	}{
		{`{"success":true,"current_otp":"123456","expires_in":15}`, OTP{Code: "123456", ExpiresIn: 15 * time.Second}},
		{`{"current_otp":"004217","expires_in":0}`, OTP{Code: "004217"}},
		{`{"current_otp":"987654","expires_in":30}`, OTP{Code: "987654", ExpiresIn: 30 * time.Second}},
		{`{"current_otp":"987654","expires_in":12.5}`, OTP{Code: "987654", ExpiresIn: 12500 * time.Millisecond}},
		{`{"current_otp":"987654"}`, OTP{Code: "987654"}},
	}
	for _, tc := range valid {
		var got OTP
		require.NoError(t, json.Unmarshal([]byte(tc.body), &got), tc.body)
		assert.Equal(t, tc.want, got, tc.body)
	}

	invalid := []string{
		`{"success":true,"expires_in":15}`,
		`{"current_otp":"","expires_in":15}`,
		`{"current_otp":null,"expires_in":15}`,
		`{"current_otp":123456,"expires_in":15}`,
		`{"current_otp":"123456","expires_in":31}`,
		`{"current_otp":"123456","expires_in":-1}`,
		`{"current_otp":"123456","expires_in":"soon"}`,
		`{"current_otp":"123456","expires_in":true}`,
		`["123456",15]`,
		`{"success":true,"current_otp":"123456","expires_in":-5}`,
		`<html>OTP</html>`,
	}
	for _, body := range invalid {
		got := OTP{Code: "keep", ExpiresIn: time.Second}
		assert.Error(t, json.Unmarshal([]byte(body), &got), body)
		assert.Equal(t, OTP{Code: "keep", ExpiresIn: time.Second}, got, "a failed decode leaves the value alone: %s", body)
		// The request path refuses it too, and the answer reports no failure.
		failed, err := decodeAnswer([]byte(body), epOTPGenerate.shape, new(OTP))
		assert.Error(t, err, body)
		assert.Nil(t, failed, body)
	}
}

// TestOTPGenerate sends the secret alone: the endpoint needs no credential,
// and the client's, whichever it holds, is not sent.
func TestOTPGenerate(t *testing.T) {
	clients := map[string]func(t *testing.T) (*Client, *httpmock.MockTransport){
		"API key":       func(t *testing.T) (*Client, *httpmock.MockTransport) { return setup(t) },
		"no credential": func(t *testing.T) (*Client, *httpmock.MockTransport) { return setupBare(t) },
		"user id":       func(t *testing.T) (*Client, *httpmock.MockTransport) { return setupBare(t, WithUserID(testUserID)) },
	}
	for name, client := range clients {
		t.Run(name, func(t *testing.T) {
			c, mt := client(t)
			expect(t, mt, want{
				method: http.MethodGet,
				url:    otpURL,
				query:  url.Values{"secret": {otpSecret}},
				header: noAuth,
			}, reply(t, 200, "otp/generate.json"))

			got, err := c.OTP.Generate(t.Context(), otpSecret)
			require.NoError(t, err)
			assert.Equal(t, &OTP{Code: "353410", ExpiresIn: 23 * time.Second}, got)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

// TestOTPGenerateNoSecretLeak drives the failures in which a secret could
// escape: the secret is in the query the transport sends, and the servers
// and transports below echo it.
func TestOTPGenerateNoSecretLeak(t *testing.T) {
	// Each secret is checked as given and in its escaped forms.
	secrets := []string{otpSecret, "jbsw y3dp ehpk 3pxp"}

	type mode struct {
		name     string
		respond  func(t *testing.T, secret string) httpmock.Responder
		echoed   bool // the secret was echoed: REDACTED must show
		attempts int
		check    func(t *testing.T, err error)
	}
	modes := []mode{
		{
			name: "dial error",
			respond: func(*testing.T, string) httpmock.Responder {
				return httpmock.NewErrorResponder(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
			},
			attempts: 1 + DefaultRetryMax,
			check: func(t *testing.T, err error) {
				var reqErr *RequestError
				require.ErrorAs(t, err, &reqErr)
				assert.Equal(t, "/v1/otp/generate", reqErr.Path)
				assert.Equal(t, 1+DefaultRetryMax, reqErr.Attempts)
				assert.ErrorIs(t, err, syscall.ECONNREFUSED)
			},
		},
		{
			name: "400 echoing the secret",
			respond: func(_ *testing.T, secret string) httpmock.Responder {
				return jsonReply(400, fmt.Sprintf(
					`{"success":false,"message":"Invalid secret parameter: %s","error":"GET /v1/otp/generate?secret=%s rejected","data":{"secret":%q}}`,
					secret, url.QueryEscape(secret), secret))
			},
			echoed:   true,
			attempts: 1,
			check: func(t *testing.T, err error) {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 400, apiErr.StatusCode)
				assert.ErrorIs(t, err, ErrBadRequest)
				assert.Contains(t, apiErr.Message, "Invalid secret parameter: "+redacted)
				assert.Contains(t, string(apiErr.Details), redacted)
				assert.Contains(t, string(apiErr.Body), redacted)
			},
		},
		{
			name: "transport error naming the URL",
			respond: func(t *testing.T, secret string) httpmock.Responder {
				return func(req *http.Request) (*http.Response, error) {
					// The transport below the retry layer does see the secret.
					assert.Equal(t, secret, req.URL.Query().Get("secret"))
					return nil, fmt.Errorf("refused %s", req.URL)
				}
			},
			echoed:   true,
			attempts: 1 + DefaultRetryMax,
			check: func(t *testing.T, err error) {
				var reqErr *RequestError
				require.ErrorAs(t, err, &reqErr)
				assert.Equal(t, 1+DefaultRetryMax, reqErr.Attempts)
				assert.Contains(t, err.Error(), "secret="+redacted)
			},
		},
	}

	for _, secret := range secrets {
		for _, m := range modes {
			t.Run(secret+"/"+m.name, func(t *testing.T) {
				var logs logBuffer
				c, mt := setup(t, WithLogger(debugLogger(&logs)))
				// The secret is sent normalized; the server echoes that form.
				sent := normalizeSecret(secret)
				expect(t, mt, want{
					method: http.MethodGet,
					url:    otpURL,
					query:  url.Values{"secret": {sent}},
				}, m.respond(t, sent))

				got, err := c.OTP.Generate(t.Context(), secret)
				assert.Nil(t, got)
				require.Error(t, err)
				m.check(t, err)
				assert.Equal(t, m.attempts, mt.GetTotalCallCount())

				outputs := map[string]string{
					"Error()": err.Error(),
					"%v":      fmt.Sprintf("%v", err),
					"%+v":     fmt.Sprintf("%+v", err),
					"%#v":     fmt.Sprintf("%#v", err),
					"log":     logs.String(),
				}
				var apiErr *APIError
				if errors.As(err, &apiErr) {
					outputs["Body"] = string(apiErr.Body)
					outputs["Message"] = apiErr.Message
					outputs["Details"] = string(apiErr.Details)
				}
				for where, out := range outputs {
					for _, form := range []string{secret, sent, url.QueryEscape(secret), url.PathEscape(secret)} {
						assert.NotContains(t, out, form, "%s leaks the secret", where)
					}
					assert.NotContains(t, out, testAPIKey, "%s leaks the API key", where)
				}
				assert.Contains(t, logs.String(), "dmchamp: http attempt", "the log was written")
				assert.Contains(t, logs.String(), "/v1/otp/generate")
				if m.echoed {
					assert.Contains(t, err.Error()+string(bodyOf(err)), redacted, "the echoed secret was redacted")
				}
			})
		}
	}
}

func TestOTPJSONRoundTrip(t *testing.T) {
	in := OTP{Code: "050471", ExpiresIn: 17 * time.Second}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"current_otp":"050471","expires_in":17}`, string(b))
	var out OTP
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in, out)
}

// otpGenerate is a call of invalidCalls.
func otpGenerate(secret string) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.OTP.Generate(ctx, secret)) }
}
