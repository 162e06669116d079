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

// incomingCustomChannel is a call for the rows of invalidCalls.
func incomingCustomChannel(m *CustomChannelMessage) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		_, err := c.Messages.IncomingCustomChannel(ctx, m)
		return err
	}
}

const incomingCustomURL = testBaseURL + "/incoming-custom-channel-message"

func TestMessagesIncomingCustomChannelAllFields(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    incomingCustomURL,
		query:  withKey(nil),
		body: `{
			"messageType": "text",
			"customData": {
				"messageSid": "tg_msg_58213",
				"fromId": "telegram:482910377",
				"toId": "bot:clinic_helper",
				"body": "Can I move my appointment to Friday afternoon?",
				"status": "received",
				"channel": "custom",
				"mediaUrl": "https://cdn.example.com/uploads/2026/11/receipt-5821.jpg",
				"mediaContentType": "image/jpeg",
				"campaignId": "cmp_9Kx2LmQ7"
			}
		}`,
		header: noAuth,
	}, reply(t, 200, "messages/incoming.json"))

	msg := &CustomChannelMessage{
		MessageType: "text",
		CustomData: CustomChannelData{
			MessageSid:       "tg_msg_58213",
			FromID:           "telegram:482910377",
			ToID:             "bot:clinic_helper",
			Body:             "Can I move my appointment to Friday afternoon?",
			Status:           "received",
			Channel:          "custom",
			MediaURL:         "https://cdn.example.com/uploads/2026/11/receipt-5821.jpg",
			MediaContentType: "image/jpeg",
			CampaignID:       "cmp_9Kx2LmQ7",
		},
	}
	got, err := c.Messages.IncomingCustomChannel(t.Context(), msg)
	require.NoError(t, err)
	assert.Equal(t, "1732183562981405", got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestMessagesIncomingCustomChannelDefaultsToText(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    incomingCustomURL,
		query:  withKey(nil),
		body:   `{"messageType":"text","customData":{"fromId":"telegram:482910377","body":"Hi!"}}`,
	}, reply(t, 200, "messages/incoming.json"))

	msg := &CustomChannelMessage{CustomData: CustomChannelData{FromID: "telegram:482910377", Body: "Hi!"}}
	got, err := c.Messages.IncomingCustomChannel(t.Context(), msg)
	require.NoError(t, err)
	assert.Equal(t, "1732183562981405", got)
	assert.Equal(t, &CustomChannelMessage{CustomData: CustomChannelData{FromID: "telegram:482910377", Body: "Hi!"}}, msg,
		"the caller's message is not modified by the default")
}

func TestMessagesIncomingCustomChannelOtherType(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    incomingCustomURL,
		query:  withKey(nil),
		body:   `{"messageType":"reaction","customData":{"messageSid":"tg_msg_58214","fromId":"telegram:482910377","toId":"bot:clinic_helper","body":"👍","channel":"custom"}}`,
	}, reply(t, 200, "messages/incoming.json"))

	got, err := c.Messages.IncomingCustomChannel(t.Context(), &CustomChannelMessage{
		MessageType: "reaction",
		CustomData: CustomChannelData{
			MessageSid: "tg_msg_58214",
			FromID:     "telegram:482910377",
			ToID:       "bot:clinic_helper",
			Body:       "👍",
			Channel:    "custom",
		},
	})
	require.NoError(t, err)
	assert.Equal(t, "1732183562981405", got)
}

func TestMessagesIncomingCustomChannelWithUserID(t *testing.T) {
	c, mt := setupBare(t, WithUserID(testUserID))
	expect(t, mt, want{
		method: http.MethodPost,
		url:    incomingCustomURL,
		query:  url.Values{"userId": {testUserID}},
		body:   `{"messageType":"text","customData":{"fromId":"sms:+14155550123"}}`,
	}, reply(t, 200, "messages/incoming.json"))

	got, err := c.Messages.IncomingCustomChannel(t.Context(), &CustomChannelMessage{
		CustomData: CustomChannelData{FromID: "sms:+14155550123"},
	})
	require.NoError(t, err)
	assert.Equal(t, "1732183562981405", got)
}

func TestMessagesIncomingCustomChannelErrors(t *testing.T) {
	cases := []struct {
		status  int
		fixture string
		target  error
		message string
	}{
		{400, "messages/error_400.json", ErrBadRequest, "customData.fromId is required"},
		{401, "messages/error_401.json", ErrUnauthorized, "Invalid API key"},
		{500, "messages/error_500.json", ErrServer, "Failed to publish message to Pub/Sub"},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodPost,
				url:    incomingCustomURL,
				query:  withKey(nil),
				body:   `{"messageType":"text","customData":{"fromId":"telegram:482910377","body":"Hi!"}}`,
			}, reply(t, tc.status, tc.fixture))

			got, err := c.Messages.IncomingCustomChannel(t.Context(), &CustomChannelMessage{
				CustomData: CustomChannelData{FromID: "telegram:482910377", Body: "Hi!"},
			})
			assert.Empty(t, got)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.message, apiErr.Message)
			assert.Equal(t, http.MethodPost, apiErr.Method)
			assert.Equal(t, "/v1/incoming-custom-channel-message", apiErr.Path)
			assert.Equal(t, 1, apiErr.Attempts)
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

func TestMessagesIncomingCustomChannelFailureOn200(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    incomingCustomURL,
		query:  withKey(nil),
		body:   `{"messageType":"text","customData":{"fromId":"telegram:482910377"}}`,
	}, jsonReply(200, `{"success":false,"error":"No campaign configured for custom channel"}`))

	got, err := c.Messages.IncomingCustomChannel(t.Context(), &CustomChannelMessage{
		CustomData: CustomChannelData{FromID: "telegram:482910377"},
	})
	assert.Empty(t, got)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 200, apiErr.StatusCode)
	assert.Equal(t, "No campaign configured for custom channel", apiErr.Message)
	assert.NotErrorIs(t, err, ErrInvalidResponse)
}

func TestMessagesIncomingCustomChannelInvalidResponse(t *testing.T) {
	for _, body := range []string{`{"success":true,"messageId":1732183562981405}`, `{"success":true}`, `{"success":true,"messageId":""}`, `not json`, ``} {
		t.Run(body, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodPost,
				url:    incomingCustomURL,
				query:  withKey(nil),
				body:   `{"messageType":"text","customData":{"fromId":"telegram:482910377"}}`,
			}, jsonReply(200, body))

			got, err := c.Messages.IncomingCustomChannel(t.Context(), &CustomChannelMessage{
				CustomData: CustomChannelData{FromID: "telegram:482910377"},
			})
			assert.Empty(t, got)
			assert.ErrorIs(t, err, ErrInvalidResponse)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestMessagesIncomingCustomChannelConnectionLost(t *testing.T) {
	// The request may have reached the server: a POST is not sent again.
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    incomingCustomURL,
		query:  withKey(nil),
		body:   `{"messageType":"text","customData":{"fromId":"telegram:482910377"}}`,
	}, httpmock.NewErrorResponder(&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}))

	_, err := c.Messages.IncomingCustomChannel(t.Context(), &CustomChannelMessage{
		CustomData: CustomChannelData{FromID: "telegram:482910377"},
	})
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1, reqErr.Attempts)
	assert.ErrorIs(t, err, syscall.ECONNRESET)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}
