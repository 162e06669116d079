package dmchamp

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// typedMethods calls every typed method once with valid arguments.
var typedMethods = []struct {
	name   string
	method string // the HTTP method the call must use
	call   func(ctx context.Context, c *Client) error
}{
	{"Contacts.Get", http.MethodGet, func(ctx context.Context, c *Client) error {
		_, err := c.Contacts.Get(ctx, &GetContactOptions{PhoneNumber: "+34612345678"})
		return err
	}},
	{"Contacts.Create", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.Contacts.Create(ctx, &CreateContactRequest{PhoneNumber: "+34612345678"})
		return err
	}},
	{"Contacts.Update", http.MethodPut, func(ctx context.Context, c *Client) error {
		_, err := c.Contacts.Update(ctx, "aB3dE5fG7hJ9kL1mN2pQ", &UpdateContactRequest{FirstName: Ptr("Maria")})
		return err
	}},
	{"Contacts.AddToList", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.Contacts.AddToList(ctx, "aB3dE5fG7hJ9kL1mN2pQ", "Lst8Hq2Wn4Xc6Vb1Mz3K")
		return err
	}},
	{"Contacts.Tags", http.MethodGet, func(ctx context.Context, c *Client) error {
		_, err := c.Contacts.Tags(ctx, "aB3dE5fG7hJ9kL1mN2pQ")
		return err
	}},
	{"Tags.List", http.MethodGet, func(ctx context.Context, c *Client) error {
		_, err := c.Tags.List(ctx)
		return err
	}},
	{"Tags.Assign", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.Tags.Assign(ctx, &AssignTagRequest{Tag: "vip", Email: "maria@example.com"})
		return err
	}},
	{"ChatSessions.Recent", http.MethodGet, func(ctx context.Context, c *Client) error {
		_, err := c.ChatSessions.Recent(ctx, &RecentChatSessionsOptions{Hours: 24})
		return err
	}},
	{"ChatSessions.ForContact", http.MethodGet, func(ctx context.Context, c *Client) error {
		_, err := c.ChatSessions.ForContact(ctx, "aB3dE5fG7hJ9kL1mN2pQ", nil)
		return err
	}},
	{"ChatExports.Recent", http.MethodGet, func(ctx context.Context, c *Client) error {
		_, err := c.ChatExports.Recent(ctx, &ChatExportOptions{Hours: 24})
		return err
	}},
	{"ChatExports.RecentText", http.MethodGet, func(ctx context.Context, c *Client) error {
		body, err := c.ChatExports.RecentText(ctx, &ChatExportOptions{Hours: 24})
		if err == nil {
			_, err = io.Copy(io.Discard, body)
			_ = body.Close()
		}
		return err
	}},
	{"Summaries.Generate", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.Summaries.Generate(ctx, &GenerateSummaryRequest{PhoneNumber: "+34612345678"})
		return err
	}},
	{"WhatsAppTemplates.List", http.MethodGet, func(ctx context.Context, c *Client) error {
		_, err := c.WhatsAppTemplates.List(ctx)
		return err
	}},
	{"WhatsAppTemplates.Send", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.WhatsAppTemplates.Send(ctx, "aB3dE5fG7hJ9kL1mN2pQ", "tpl_welcome_01")
		return err
	}},
	{"WhatsAppWeb.Send", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.WhatsAppWeb.Send(ctx, "+34612345678", "Hola")
		return err
	}},
	{"Messages.IncomingCustomChannel", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.Messages.IncomingCustomChannel(ctx, &CustomChannelMessage{CustomData: CustomChannelData{FromID: "visitor-1"}})
		return err
	}},
	{"SubAccounts.Get", http.MethodGet, func(ctx context.Context, c *Client) error {
		_, err := c.SubAccounts.Get(ctx, "ops@acme.example")
		return err
	}},
	{"SubAccounts.Create", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.SubAccounts.Create(ctx, &CreateSubAccountRequest{
			Email: "ops@acme.example", FirstName: "Ana", LastName: "Ruiz", UsageLimits: SubAccountLimits{MonthlyCredits: 100},
		})
		return err
	}},
	{"SubAccounts.Delete", http.MethodDelete, func(ctx context.Context, c *Client) error {
		_, err := c.SubAccounts.Delete(ctx, "ops@acme.example")
		return err
	}},
	{"SubAccounts.AddCredits", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.SubAccounts.AddCredits(ctx, &AddCreditsRequest{Email: "ops@acme.example", Amount: 500})
		return err
	}},
	{"Agency.UsageExport", http.MethodGet, func(ctx context.Context, c *Client) error {
		for _, err := range c.Agency.UsageExport(ctx, nil) {
			if err != nil {
				return err
			}
		}
		return nil
	}},
	{"OTP.Generate", http.MethodGet, func(ctx context.Context, c *Client) error {
		_, err := c.OTP.Generate(ctx, "JBSWY3DPEHPK3PXP")
		return err
	}},
	{"Sessions.Create", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.Sessions.Create(ctx, &CreateSessionRequest{ChatbotID: chatbotID, ClientID: clientID})
		return err
	}},
	{"Sessions.Get", http.MethodGet, func(ctx context.Context, c *Client) error {
		_, err := c.Sessions.Get(ctx, sessionID)
		return err
	}},
	{"Sessions.Update", http.MethodPut, func(ctx context.Context, c *Client) error {
		_, err := c.Sessions.Update(ctx, sessionID, &UpdateSessionRequest{Title: Ptr("x")})
		return err
	}},
	{"Sessions.End", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.Sessions.End(ctx, sessionID)
		return err
	}},
	{"Sessions.AddMessage", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.Sessions.AddMessage(ctx, sessionID, &SessionMessage{Role: RoleUser, Content: "hi"})
		return err
	}},
	{"Sessions.Chat", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.Sessions.Chat(ctx, sessionID, "hi")
		return err
	}},
	{"Sessions.Ask", http.MethodPost, func(ctx context.Context, c *Client) error {
		_, err := c.Sessions.Ask(ctx, sessionID, "hi")
		return err
	}},
	{"Sessions.List", http.MethodGet, func(ctx context.Context, c *Client) error {
		_, err := c.Sessions.List(ctx, nil)
		return err
	}},
	{"Sessions.All", http.MethodGet, func(ctx context.Context, c *Client) error {
		for _, err := range c.Sessions.All(ctx, nil) {
			if err != nil {
				return err
			}
		}
		return nil
	}},
}

// TestServerErrorRetriedOnlyWhenIdempotent calls every typed method against
// a server that always answers 500: GET, PUT and DELETE calls are sent
// 1+RetryMax times, POST calls once.
func TestServerErrorRetriedOnlyWhenIdempotent(t *testing.T) {
	for _, m := range typedMethods {
		t.Run(m.name, func(t *testing.T) {
			c, mt := setup(t)
			var methods []string
			mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
				methods = append(methods, req.Method)
				return jsonReply(500, `{"success":false,"error_code":500,"error":"Internal server error"}`)(req)
			})

			err := m.call(t.Context(), c)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 500, apiErr.StatusCode)
			assert.ErrorIs(t, err, ErrServer)

			want := 1
			if m.method != http.MethodPost {
				want = 1 + DefaultRetryMax
			}
			assert.Equal(t, want, apiErr.Attempts)
			require.Len(t, methods, want)
			for _, got := range methods {
				assert.Equal(t, m.method, got)
			}
		})
	}
}

// TestEveryTypedMethodHonoursContext checks that no typed method sends a
// request once its context is done.
func TestEveryTypedMethodHonoursContext(t *testing.T) {
	for _, m := range typedMethods {
		c, mt := setup(t)
		ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
		err := m.call(ctx, c)
		cancel()
		assert.ErrorIs(t, err, context.DeadlineExceeded, m.name)
		assert.Zero(t, mt.GetTotalCallCount(), m.name)
	}
}

// TestEveryDMChampMethodNeedsCredential checks that every DM Champ method,
// but the public OTP endpoint, refuses to send without a credential.
func TestEveryDMChampMethodNeedsCredential(t *testing.T) {
	for _, m := range typedMethods {
		if strings.HasPrefix(m.name, "Sessions.") || m.name == "OTP.Generate" {
			continue
		}
		c, mt := setupBare(t)
		err := m.call(t.Context(), c)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, m.name)
		assert.Equal(t, "credentials", ve.Field, m.name)
		assert.Zero(t, mt.GetTotalCallCount(), m.name)
	}
}
