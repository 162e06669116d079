package dmchamp

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// summariesGenerate is a call for the rows of invalidCalls.
func summariesGenerate(r *GenerateSummaryRequest) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.Summaries.Generate(ctx, r)) }
}

const summariesURL = testBaseURL + "/summaries"

func TestSummariesGenerate(t *testing.T) {
	cases := []struct {
		req  GenerateSummaryRequest
		body string
	}{
		{GenerateSummaryRequest{PhoneNumber: "+34612345678"}, `{"phoneNumber":"+34612345678"}`},
		{GenerateSummaryRequest{PhoneNumber: "447700900123"}, `{"phoneNumber":"447700900123"}`}, // sent as given: no "+" is added
		{GenerateSummaryRequest{Email: "maria.gonzalez@example.com"}, `{"email":"maria.gonzalez@example.com"}`},
	}
	for _, tc := range cases {
		t.Run(tc.body, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodPost, url: summariesURL, query: withKey(nil), body: tc.body, header: noAuth},
				reply(t, 200, "summaries/generate.json"))

			got, err := c.Summaries.Generate(t.Context(), &tc.req)
			require.NoError(t, err)
			assert.Equal(t, "Summary generation initiated successfully", got)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestSummariesErrorBodies(t *testing.T) {
	checkErrorFixtures(t, []errorFixture{
		{"Summaries.Generate", 400, "summaries/error_400.json", 0, "Either phoneNumber or email is required", ErrBadRequest, "", ""},
		{"Summaries.Generate", 401, "summaries/error_401.json", 0, "Invalid API key", ErrUnauthorized, "", ""},
		{"Summaries.Generate", 404, "summaries/error_404.json", 0, "Contact not found", ErrNotFound, "", ""},
		{"Summaries.Generate", 500, "summaries/error_500.json", 0, "Failed to publish summary request", ErrServer, "", ""},
		{"Summaries.Generate", 200, `{"success":false,"message":"Contact has no conversation to summarize"}`, 0,
			"Contact has no conversation to summarize", nil, "", ""},
	})
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
