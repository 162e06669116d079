package dmchamp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// summariesGenerate is a call for the rows of invalidCalls.
func summariesGenerate(r *GenerateSummaryRequest) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { _, err := c.Summaries.Generate(ctx, r); return err }
}

const summariesURL = testBaseURL + "/summaries"

func TestSummariesGeneratePhone(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    summariesURL,
		query:  withKey(nil),
		body:   `{"phoneNumber":"+34612345678"}`,
		header: noAuth,
	}, reply(t, 200, "summaries/generate.json"))

	got, err := c.Summaries.Generate(t.Context(), &GenerateSummaryRequest{PhoneNumber: "+34612345678"})
	require.NoError(t, err)
	assert.Equal(t, "Summary generation initiated successfully", got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestSummariesGeneratePhoneWithoutPlus(t *testing.T) {
	c, mt := setup(t)
	// Sent as given: no "+" is added.
	expect(t, mt, want{
		method: http.MethodPost,
		url:    summariesURL,
		query:  withKey(nil),
		body:   `{"phoneNumber":"447700900123"}`,
	}, reply(t, 200, "summaries/generate.json"))

	got, err := c.Summaries.Generate(t.Context(), &GenerateSummaryRequest{PhoneNumber: "447700900123"})
	require.NoError(t, err)
	assert.Equal(t, "Summary generation initiated successfully", got)
}

func TestSummariesGenerateEmail(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    summariesURL,
		query:  withKey(nil),
		body:   `{"email":"maria.gonzalez@example.com"}`,
		header: noAuth,
	}, reply(t, 200, "summaries/generate.json"))

	got, err := c.Summaries.Generate(t.Context(), &GenerateSummaryRequest{Email: "maria.gonzalez@example.com"})
	require.NoError(t, err)
	assert.Equal(t, "Summary generation initiated successfully", got)
}

func TestSummariesGenerateWithUserID(t *testing.T) {
	c, mt := setupBare(t, WithUserID(testUserID))
	expect(t, mt, want{
		method: http.MethodPost,
		url:    summariesURL,
		query:  url.Values{"userId": {testUserID}},
		body:   `{"email":"priya.r@example.in"}`,
	}, reply(t, 200, "summaries/generate.json"))

	got, err := c.Summaries.Generate(t.Context(), &GenerateSummaryRequest{Email: "priya.r@example.in"})
	require.NoError(t, err)
	assert.Equal(t, "Summary generation initiated successfully", got)
}

func TestSummariesGenerateEmptyAnswer(t *testing.T) {
	for status, ok := range map[int]bool{204: true, 200: false} {
		c, mt := setup(t)
		expect(t, mt, want{
			method: http.MethodPost,
			url:    summariesURL,
			query:  withKey(nil),
			body:   `{"phoneNumber":"+34612345678"}`,
		}, httpmock.NewStringResponder(status, ""))

		got, err := c.Summaries.Generate(t.Context(), &GenerateSummaryRequest{PhoneNumber: "+34612345678"})
		if ok {
			require.NoError(t, err, "204 No Content confirms")
		} else {
			require.ErrorIs(t, err, ErrInvalidResponse, "an empty 200 confirms nothing")
		}
		assert.Empty(t, got)
	}
}

func TestSummariesGenerateFailureOn200(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    summariesURL,
		query:  withKey(nil),
		body:   `{"phoneNumber":"+34612345678"}`,
	}, jsonReply(200, `{"success":false,"message":"Contact has no conversation to summarize"}`))

	got, err := c.Summaries.Generate(t.Context(), &GenerateSummaryRequest{PhoneNumber: "+34612345678"})
	assert.Empty(t, got)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 200, apiErr.StatusCode)
	assert.Equal(t, "Contact has no conversation to summarize", apiErr.Message)
	assert.NotErrorIs(t, err, ErrInvalidResponse)
}

func TestSummariesGenerateInvalidResponse(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    summariesURL,
		query:  withKey(nil),
		body:   `{"phoneNumber":"+34612345678"}`,
	}, jsonReply(200, `{"success":true,"message":["queued"]}`))

	_, err := c.Summaries.Generate(t.Context(), &GenerateSummaryRequest{PhoneNumber: "+34612345678"})
	assert.ErrorIs(t, err, ErrInvalidResponse)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestSummariesGenerateErrors(t *testing.T) {
	cases := []struct {
		status  int
		fixture string
		target  error
		message string
	}{
		{400, "summaries/error_400.json", ErrBadRequest, "Either phoneNumber or email is required"},
		{401, "summaries/error_401.json", ErrUnauthorized, "Invalid API key"},
		{404, "summaries/error_404.json", ErrNotFound, "Contact not found"},
		{500, "summaries/error_500.json", ErrServer, "Failed to publish summary request"},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodPost,
				url:    summariesURL,
				query:  withKey(nil),
				body:   `{"email":"maria.gonzalez@example.com"}`,
			}, reply(t, tc.status, tc.fixture))

			got, err := c.Summaries.Generate(t.Context(), &GenerateSummaryRequest{Email: "maria.gonzalez@example.com"})
			assert.Empty(t, got)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Zero(t, apiErr.Code)
			assert.Equal(t, tc.message, apiErr.Message)
			assert.Equal(t, http.MethodPost, apiErr.Method)
			assert.Equal(t, "/v1/summaries", apiErr.Path)
			assert.Equal(t, 1, apiErr.Attempts)
			assert.Equal(t, string(fixture(t, tc.fixture)), string(apiErr.Body))
			assert.ErrorIs(t, err, tc.target)
			for _, other := range []error{ErrBadRequest, ErrUnauthorized, ErrNotFound, ErrServer, ErrInvalidResponse} {
				if !errors.Is(other, tc.target) {
					assert.NotErrorIs(t, err, other)
				}
			}
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a POST is sent once")
		})
	}
}

func TestSummariesGenerateBareStringErrorMessage(t *testing.T) {
	// The bare string bodies of 400 and 401 become the error's message.
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    summariesURL,
		query:  withKey(nil),
		body:   `{"phoneNumber":"+34612345678"}`,
	}, reply(t, 401, "summaries/error_401.json"))

	_, err := c.Summaries.Generate(t.Context(), &GenerateSummaryRequest{PhoneNumber: "+34612345678"})
	require.Error(t, err)
	assert.Equal(t, "dmchamp: POST /v1/summaries: HTTP 401 Unauthorized: Invalid API key", err.Error())
	assert.NotContains(t, err.Error(), testAPIKey)
}

func TestSummariesGenerateConnectionRefusedIsRetried(t *testing.T) {
	// A POST that never reached the server is safe to send again.
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    summariesURL,
		query:  withKey(nil),
		body:   `{"phoneNumber":"+34612345678"}`,
	}, httpmock.NewErrorResponder(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}).
		Then(reply(t, 200, "summaries/generate.json")))

	got, err := c.Summaries.Generate(t.Context(), &GenerateSummaryRequest{PhoneNumber: "+34612345678"})
	require.NoError(t, err)
	assert.Equal(t, "Summary generation initiated successfully", got)
	assert.Equal(t, 2, mt.GetTotalCallCount())
}
