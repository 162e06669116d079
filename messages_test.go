package dmchamp

import (
	"context"
	"net"
	"net/http"
	"syscall"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// incomingCustomChannel is a call for the rows of invalidCalls.
func incomingCustomChannel(m *CustomChannelMessage) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.Messages.IncomingCustomChannel(ctx, m)) }
}

const incomingCustomURL = testBaseURL + "/incoming-custom-channel-message"

func TestMessagesIncomingCustomChannel(t *testing.T) {
	cases := []struct {
		name string
		msg  CustomChannelMessage
		body string
	}{
		{"every field", CustomChannelMessage{MessageType: "text", CustomData: CustomChannelData{
			MessageSid: "tg_msg_58213", FromID: "telegram:482910377", ToID: "bot:clinic_helper",
			Body: "Can I move my appointment to Friday afternoon?", Status: "received", Channel: "custom",
			MediaURL: "https://cdn.example.com/uploads/2026/11/receipt-5821.jpg", MediaContentType: "image/jpeg", CampaignID: "cmp_9Kx2LmQ7",
		}}, `{"messageType": "text", "customData": {
			"messageSid": "tg_msg_58213", "fromId": "telegram:482910377", "toId": "bot:clinic_helper",
			"body": "Can I move my appointment to Friday afternoon?", "status": "received", "channel": "custom",
			"mediaUrl": "https://cdn.example.com/uploads/2026/11/receipt-5821.jpg", "mediaContentType": "image/jpeg", "campaignId": "cmp_9Kx2LmQ7"}}`},
		// The caller's message is not modified by the default.
		{"defaults to text", CustomChannelMessage{CustomData: CustomChannelData{FromID: "telegram:482910377", Body: "Hi!"}},
			`{"messageType":"text","customData":{"fromId":"telegram:482910377","body":"Hi!"}}`},
		{"other type", CustomChannelMessage{MessageType: "reaction", CustomData: CustomChannelData{
			MessageSid: "tg_msg_58214", FromID: "telegram:482910377", ToID: "bot:clinic_helper", Body: "👍", Channel: "custom",
		}}, `{"messageType":"reaction","customData":{"messageSid":"tg_msg_58214","fromId":"telegram:482910377","toId":"bot:clinic_helper","body":"👍","channel":"custom"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{method: http.MethodPost, url: incomingCustomURL, query: withKey(nil), body: tc.body, header: noAuth},
				reply(t, 200, "messages/incoming.json"))

			msg := tc.msg
			got, err := c.Messages.IncomingCustomChannel(t.Context(), &msg)
			require.NoError(t, err)
			assert.Equal(t, "1732183562981405", got)
			assert.Equal(t, tc.msg, msg, "the message is not modified")
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestMessagesErrorBodies(t *testing.T) {
	checkErrorFixtures(t, []errorFixture{
		{"Messages.IncomingCustomChannel", 400, "messages/error_400.json", 0, "customData.fromId is required", ErrBadRequest, "", ""},
		{"Messages.IncomingCustomChannel", 401, "messages/error_401.json", 0, "Invalid API key", ErrUnauthorized, "", ""},
		{"Messages.IncomingCustomChannel", 500, "messages/error_500.json", 0, "Failed to publish message to Pub/Sub", ErrServer, "", ""},
		{"Messages.IncomingCustomChannel", 200, `{"success":false,"error":"No campaign configured for custom channel"}`, 0,
			"No campaign configured for custom channel", nil, "", ""},
	})
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
