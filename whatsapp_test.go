package dmchamp

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Calls for the rows of invalidCalls.
func whatsAppTemplatesSend(contactID, templateID string) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		return noResult(c.WhatsAppTemplates.Send(ctx, contactID, templateID))
	}
}

func whatsAppWebSend(phone, text string) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { return noResult(c.WhatsAppWeb.Send(ctx, phone, text)) }
}

const (
	waTemplatesURL    = testBaseURL + "/whatsapp-templates"
	waTemplateSendURL = testBaseURL + "/whatsapp-templates/send"
	waWebSendURL      = testBaseURL + "/whatsapp-web/send"

	waContactID  = "aB3dE5fG7hJ9kL1mN2pQ"
	waTemplateID = "Wt4Kp8Zr2Lx6Nq1Vb9Hd"
	waPhone      = "+34612345678"

	// waText is split by the server into three WhatsApp messages.
	waText = "Hola Maria 👋\n\nTu limpieza dental está confirmada para el jueves 26 de noviembre a las 10:00 en Clínica Dental Sonrisa, Calle Mayor 12 & Co.\n\nResponde CAMBIAR si necesitas otra hora."
)

func TestWhatsAppTemplatesList(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodGet,
		url:    waTemplatesURL,
		query:  withKey(nil),
		header: noAuth,
	}, reply(t, 200, "whatsapp/templates_list.json"))

	got, err := c.WhatsAppTemplates.List(t.Context())
	require.NoError(t, err)

	firestore := time.Date(2026, time.September, 14, 8, 5, 12, 250_000_000, time.UTC)
	assert.Equal(t, []WhatsAppTemplate{
		{
			ID:        "Wt4Kp8Zr2Lx6Nq1Vb9Hd",
			Name:      "appointment_reminder",
			Status:    "approved",
			Language:  "en_US",
			Category:  "UTILITY",
			CreatedAt: tsp("2026-10-02T11:24:37.512Z"),
		},
		{
			ID:        "Bf7Qs3Mn5Tc1Yw8Ej2Ra",
			Name:      "black_friday_offer",
			Status:    "pending",
			Language:  "en_US",
			Category:  "MARKETING",
			CreatedAt: &firestore, // {"_seconds":1789373112,"_nanoseconds":250000000}
		},
		{
			ID:       "Hp2Dv6Gk9Ux4Lz7Ci3Ns",
			Name:     "recordatorio_cita",
			Status:   "approved",
			Language: "es_ES",
			Category: "UTILITY",
			// createdAt: null
		},
		{
			ID:       "Ky5Ar1Te8Wm3Ob6Fq0Jl",
			Name:     "reactivacion_clientes",
			Status:   "pending",
			Language: "es_ES",
			Category: "MARKETING",
			// createdAt absent
		},
	}, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestWhatsAppTemplatesSend(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    waTemplateSendURL,
		query:  withKey(nil),
		body:   `{"contactId":"` + waContactID + `","whatsappTemplateId":"` + waTemplateID + `"}`,
		header: noAuth,
	}, reply(t, 200, "whatsapp/templates_send.json"))

	got, err := c.WhatsAppTemplates.Send(t.Context(), waContactID, waTemplateID)
	require.NoError(t, err)
	assert.Equal(t, "WhatsApp template message sent successfully", got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestWhatsAppTemplatesSendIDsSentAsGiven(t *testing.T) {
	// Ids go in the JSON body: nothing is escaped or rewritten.
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    waTemplateSendURL,
		query:  withKey(nil),
		body:   `{"contactId":"a/b?c d","whatsappTemplateId":".."}`,
	}, reply(t, 200, "whatsapp/templates_send.json"))

	_, err := c.WhatsAppTemplates.Send(t.Context(), "a/b?c d", "..")
	require.NoError(t, err)
}

func TestWhatsAppTemplatesSendWithoutConfirmationText(t *testing.T) {
	// The server said it sent the template: no text for it is no failure,
	// or a caller would send the template again.
	for _, body := range []string{string(fixture(t, "whatsapp/templates_send_no_data.json")), `{"success":true,"data":null}`,
		`{"success":true,"data":{"messageSid":"SM8f2c"}}`} {
		c, mt := setup(t)
		expect(t, mt, want{method: http.MethodPost, url: waTemplateSendURL, query: withKey(nil),
			body: `{"contactId":"` + waContactID + `","whatsappTemplateId":"` + waTemplateID + `"}`},
			jsonReply(200, body))

		got, err := c.WhatsAppTemplates.Send(t.Context(), waContactID, waTemplateID)
		require.NoError(t, err, body)
		assert.Empty(t, got, body)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	}
}

func waWebBody(phone, text string) string {
	return `{"phoneNumber":` + waQuoteJSON(phone) + `,"message":` + waQuoteJSON(text) + `}`
}

// waQuoteJSON returns s as a JSON string literal, written by hand so the
// expected body does not come from the code under test.
func waQuoteJSON(s string) string {
	out := []byte{'"'}
	for _, r := range s {
		switch r {
		case '"':
			out = append(out, '\\', '"')
		case '\\':
			out = append(out, '\\', '\\')
		case '\n':
			out = append(out, '\\', 'n')
		case '\t':
			out = append(out, '\\', 't')
		default:
			out = append(out, string(r)...)
		}
	}
	return string(append(out, '"'))
}

func TestWhatsAppWebSend(t *testing.T) {
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    waWebSendURL,
		query:  withKey(nil),
		body:   waWebBody(waPhone, waText),
		header: noAuth,
	}, reply(t, 200, "whatsapp/web_send.json"))

	got, err := c.WhatsAppWeb.Send(t.Context(), waPhone, waText)
	require.NoError(t, err)
	assert.Equal(t, &WhatsAppWebResult{
		ContactID:    "aB3dE5fG7hJ9kL1mN2pQ",
		MessagesSent: 3,
		TotalChunks:  3,
		MessageIDs: []string{
			"wamid.HBgLMzQ2MTIzNDU2NzgVAgARGBIzRUIwQzc2N0QyNkExRDdGNUEA",
			"wamid.HBgLMzQ2MTIzNDU2NzgVAgARGBJBRjQ5QjAxRTc3QzI5RDhFMTIA",
			"wamid.HBgLMzQ2MTIzNDU2NzgVAgARGBI0QzE4NkJGRTBEOTJBNTYwM0YA",
		},
		CreditsUsed: 1,
	}, got)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestWhatsAppWebSendTextSentAsIs(t *testing.T) {
	// Leading and trailing blank lines, tabs, quotes and backslashes are
	// kept: the server, not the SDK, splits the text.
	text := "\n\n  \"Quoted\"\tC:\\path\n\n\n\nlast line \n\n"
	c, mt := setup(t)
	expect(t, mt, want{
		method: http.MethodPost,
		url:    waWebSendURL,
		query:  withKey(nil),
		body:   waWebBody("+14155550123", text),
	}, reply(t, 200, "whatsapp/web_send_new_contact.json"))

	got, err := c.WhatsAppWeb.Send(t.Context(), "+14155550123", text)
	require.NoError(t, err)
	assert.Equal(t, &WhatsAppWebResult{
		ContactID:    "Nw8Rt2Yu6Io0Pa4Sd9Fg",
		MessagesSent: 1,
		TotalChunks:  1,
		MessageIDs:   []string{"wamid.HBgLMTQxNTU1NTAxMjMVAgARGBI5QTdEMkUzRjRCNUM2RDdFOEYA"},
		CreditsUsed:  1,
	}, got)
}

func TestWhatsAppWebSendAcceptsE164(t *testing.T) {
	for _, phone := range []string{
		"+14155550123",
		"+34612345678",
		"+447700900123",
		"+12",              // shortest: country digit + 1
		"+123456789012345", // longest: 15 digits
	} {
		t.Run(phone, func(t *testing.T) {
			c, mt := setup(t)
			expect(t, mt, want{
				method: http.MethodPost,
				url:    waWebSendURL,
				query:  withKey(nil),
				body:   waWebBody(phone, "Hi"),
			}, reply(t, 200, "whatsapp/web_send_new_contact.json"))

			_, err := c.WhatsAppWeb.Send(t.Context(), phone, "Hi")
			require.NoError(t, err)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestWhatsAppErrorBodies(t *testing.T) {
	checkErrorFixtures(t, []errorFixture{
		{"WhatsAppTemplates.List", 400, "whatsapp/templates_error_400.json", 0,
			"Invalid request: template Hp2Dv6Gk9Ux4Lz7Ci3Ns is not approved by Meta", ErrBadRequest, "", ""},
		{"WhatsAppTemplates.List", 500, "whatsapp/templates_error_500.json", 0,
			"Failed to fetch WhatsApp templates", ErrServer, `{"code":"internal","message":"Failed to fetch WhatsApp templates"}`, ""},
		{"WhatsAppTemplates.Send", 400, "whatsapp/templates_error_400.json", 0,
			"Invalid request: template Hp2Dv6Gk9Ux4Lz7Ci3Ns is not approved by Meta", ErrBadRequest, "", ""},
		{"WhatsAppTemplates.Send", 403, "whatsapp/templates_error_403.json", 403, "Twilio credentials not found", ErrForbidden, "", ""},
		{"WhatsAppTemplates.Send", 500, "whatsapp/templates_send_error_500.json", 500, "Failed to send WhatsApp template message", ErrServer, "", ""},
		{"WhatsAppWeb.Send", 400, "whatsapp/web_error_400.json", 0,
			"Bad request - invalid input: no active WhatsApp Web connection for this account", ErrBadRequest, "", ""},
		{"WhatsAppWeb.Send", 401, "whatsapp/web_error_401.json", 0, "Unauthorized - invalid API key", ErrUnauthorized, "", ""},
		{"WhatsAppWeb.Send", 402, "whatsapp/web_error_402.json", 402, "Insufficient credits", ErrPaymentRequired, `{"credits":0,"required":1}`, ""},
		{"WhatsAppWeb.Send", 500, "whatsapp/web_error_500.json", 500, "Internal server error", ErrServer, "", ""},
		// A failure on 200 matches no status sentinel.
		{"WhatsAppWeb.Send", 200, "whatsapp/web_send_not_connected.json", 0,
			"WhatsApp Web is not connected. Scan the QR code in Settings > WhatsApp Web to reconnect.", nil, "", ""},
	})
}

// TestWhatsAppTemplatesDecoding decodes answers of WhatsAppTemplates.List
// as the request path does ({success, data}); a nil want is an answer
// refused.
func TestWhatsAppTemplatesDecoding(t *testing.T) {
	cases := []struct {
		name string
		json string
		want []WhatsAppTemplate
	}{
		{"empty", string(fixture(t, "whatsapp/templates_empty.json")), []WhatsAppTemplate{}},
		{"data missing", `{"success":true}`, nil},
		{"data not a list", `{"success":true,"data":{"id":"Wt4Kp8Zr2Lx6Nq1Vb9Hd"}}`, nil},
		{"bad createdAt", `{"success":true,"data":[{"id":"Wt4Kp8Zr2Lx6Nq1Vb9Hd","createdAt":"last tuesday"}]}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []WhatsAppTemplate
			failed, err := decodeAnswer([]byte(tc.json), inData, &got)
			assert.Nil(t, failed)
			if tc.want == nil {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
