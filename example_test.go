package dmchamp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
	"github.com/jarcoal/httpmock"
)

// The examples run against dmchamptest, an in-memory stand-in for
// https://api.dmchamp.com/v1 and the Session API: with a real account, build
// the client with dmchamp.WithAPIKey (and WithSessionsBaseURL and
// WithSessionsToken) instead of srv.ClientOptions().

func ExampleNewClient() {
	c, err := dmchamp.NewClient(
		dmchamp.WithAPIKey(os.Getenv("DMCHAMP_API_KEY")),
		dmchamp.WithUserAgent("acme-crm/2.1"),
		dmchamp.WithRetryMax(3),
	)
	if err != nil {
		// An empty DMCHAMP_API_KEY is an option error.
		fmt.Println(err)
		return
	}
	_ = c
}

func ExampleChatSessionsService_Recent() {
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}

	recent, err := c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{
		Hours:  24,
		Status: dmchamp.ChatSessionOpened,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d open sessions in the past %d hours\n", recent.TotalSessions, recent.HoursAgo)
	for _, s := range recent.Sessions {
		fmt.Printf("%-15s %s\n", s.ContactName, s.ContactPhone)
	}
	// Output:
	// 2 open sessions in the past 24 hours
	// Ahmed Hassan    +971501234567
	// James O'Connor  +447700900123
}

func ExampleChatSessionsService_ForContact() {
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	maria, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+34612345678"})
	if err != nil {
		log.Fatal(err)
	}

	history, err := c.ChatSessions.ForContact(ctx, maria.ContactID, &dmchamp.ContactChatSessionsOptions{IncludeMessages: true})
	if err != nil {
		log.Fatal(err)
	}
	last := history.Sessions[0]
	fmt.Printf("%s: %d sessions, the last one tagged %q\n", history.ContactName, history.TotalSessions, *last.Tag)
	for _, m := range last.Messages[:2] {
		fmt.Printf("[%s] %s\n", m.Direction, m.Body)
	}
	// Output:
	// Maria Gonzalez: 2 sessions, the last one tagged "appointment-booked"
	// [inbound] Hola, quería pedir cita para una limpieza dental
	// [outbound] ¡Hola Maria! Tenemos huecos el jueves a las 10:00 o el viernes a las 16:30. ¿Cuál te viene mejor?
}

func ExampleContactsService_Create() {
	srv := dmchamptest.NewServer()
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	_, err = c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{
		PhoneNumber: "+4915112345678",
		FirstName:   "Lena",
		LastName:    "Vogel",
		IsBotActive: dmchamp.Ptr(false), // a pointer: false is sent, nil is not
	})
	if err != nil {
		log.Fatal(err)
	}
	found, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+4915112345678"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(found.Contact.FirstName, found.Contact.LastName, "bot active:", found.Contact.IsBotActive)

	// DM Champ answers a duplicate with HTTP 200 and error_code 409.
	_, err = c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+4915112345678"})
	fmt.Println("duplicate:", errors.Is(err, dmchamp.ErrConflict))
	// Output:
	// Lena Vogel bot active: false
	// duplicate: true
}

func ExampleTagsService_Assign() {
	srv := dmchamptest.NewServer()
	defer srv.Close()
	srv.AddContact(dmchamp.Contact{PhoneNumber: "+34612345678", FirstName: "Maria"})
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	if _, err := c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "vip", PhoneNumber: "+34612345678"}); err != nil {
		log.Fatal(err)
	}
	tags, err := c.Tags.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tags)
	// Output:
	// [{vip }]
}

func ExampleChatExportsService_RecentText() {
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}

	body, err := c.ChatExports.RecentText(context.Background(), &dmchamp.ChatExportOptions{Hours: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer body.Close()
	// The export streams: copy it to a file, or here to stdout.
	var text strings.Builder
	if _, err := io.Copy(&text, body); err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Split(text.String(), "\n")[0])
	// Output:
	// DM Champ chat export: 2 contacts active in the past 1 hours
}

func ExampleSummariesService_Generate() {
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}

	// The summary is produced asynchronously; the call only starts it.
	_, err = c.Summaries.Generate(context.Background(), &dmchamp.GenerateSummaryRequest{Email: "maria.gonzalez@example.com"})
	fmt.Println("started:", err == nil)
	// Output:
	// started: true
}

func ExampleWhatsAppTemplatesService_Send() {
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	templates, err := c.WhatsAppTemplates.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	maria, err := c.Contacts.Get(ctx, &dmchamp.GetContactOptions{PhoneNumber: "+34612345678"})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range templates {
		if t.Name == "appointment_reminder" {
			confirmation, err := c.WhatsAppTemplates.Send(ctx, maria.ContactID, t.ID)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println(confirmation)
		}
	}
	// Output:
	// WhatsApp template message sent successfully
}

func ExampleWhatsAppWebService_Send() {
	srv := dmchamptest.NewServer(dmchamptest.WithCredits(1))
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Blank lines split the text into separate messages; the call costs 1 credit.
	sent, err := c.WhatsAppWeb.Send(ctx, "+14155550123", "Your order has shipped!\n\nTrack it at https://example.com/t/42")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sent.MessagesSent, "messages,", sent.CreditsUsed, "credit")

	_, err = c.WhatsAppWeb.Send(ctx, "+14155550123", "One more")
	fmt.Println("out of credits:", errors.Is(err, dmchamp.ErrPaymentRequired))
	// Output:
	// 2 messages, 1 credit
	// out of credits: true
}

func ExampleMessagesService_IncomingCustomChannel() {
	srv := dmchamptest.NewServer()
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}

	id, err := c.Messages.IncomingCustomChannel(context.Background(), &dmchamp.CustomChannelMessage{
		CustomData: dmchamp.CustomChannelData{
			MessageSid: "tg-1042",
			FromID:     "telegram:4815",
			Body:       "Hi, are you open on Sunday?",
			Channel:    "telegram",
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("queued:", id != "")
	// Output:
	// queued: true
}

func ExampleSubAccountsService_Create() {
	srv := dmchamptest.NewServer(dmchamptest.WithCredits(5000))
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...) // an agency's API key
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	created, err := c.SubAccounts.Create(ctx, &dmchamp.CreateSubAccountRequest{
		Email:        "owner@harborview.example",
		FirstName:    "Noah",
		LastName:     "Castellanos",
		BusinessName: "Harborview Veterinary Clinic",
		UsageLimits:  dmchamp.SubAccountLimits{MonthlyCredits: 1000, Credits: 300},
	})
	if err != nil {
		log.Fatal(err)
	}
	added, err := c.SubAccounts.AddCredits(ctx, &dmchamp.AddCreditsRequest{Email: created.Email, Amount: 200})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(created.BusinessName, "balance:", added.NewBalance, "agency credits left:", srv.Credits())
	// Output:
	// Harborview Veterinary Clinic balance: 500 agency credits left: 4500
}

func ExampleAgencyService_UsageExport() {
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}

	// Rows stream in as the loop asks for them.
	credits := map[string]float64{}
	for row, err := range c.Agency.UsageExport(context.Background(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		credits[row.SubAccountName] += row.Amount
	}
	fmt.Println(credits)
	// Output:
	// map[Diego Fernandez:12 Elena Marsh:12]
}

func ExampleTOTP() {
	// Computed locally: the secret is never sent.
	otp, err := dmchamp.TOTP("JBSWY3DPEHPK3PXP", time.Date(2026, 11, 21, 10, 15, 7, 0, time.UTC))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(otp.Code, otp.ExpiresIn)
	// Output:
	// 353410 23s
}

func ExampleOTPService_Generate() {
	at := time.Date(2026, 11, 21, 10, 15, 7, 0, time.UTC)
	srv := dmchamptest.NewServer(dmchamptest.WithClock(func() time.Time { return at }))
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}

	otp, err := c.OTP.Generate(context.Background(), "JBSWY3DPEHPK3PXP")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(otp.Code, otp.ExpiresIn)
	// Output:
	// 353410 23s
}

func ExampleAPIError() {
	srv := dmchamptest.NewServer()
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}

	_, err = c.ChatSessions.ForContact(context.Background(), "no-such-contact", nil)
	var apiErr *dmchamp.APIError
	switch {
	case errors.Is(err, dmchamp.ErrNotFound) && errors.As(err, &apiErr):
		fmt.Println("not found:", apiErr.StatusCode, apiErr.Message)
	case err != nil:
		log.Fatal(err)
	}
	// Output:
	// not found: 404 Contact not found
}

func ExampleClient_Do() {
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}

	// An endpoint without a typed method, with the client's credential,
	// retries and error decoding; the whole JSON body lands in out.
	var out struct {
		Success bool `json:"success"`
		Data    struct {
			TotalSessions int `json:"total_sessions"`
		} `json:"data"`
	}
	err = c.Do(context.Background(), &dmchamp.Request{
		Method: http.MethodGet,
		Path:   "/chat-sessions/recent",
		Query:  url.Values{"hours": {"24"}},
	}, &out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Success, out.Data.TotalSessions)
	// Output:
	// true 5
}

func ExampleSessionsService_Ask() {
	srv := dmchamptest.NewServer() // stands in for the Session API server
	defer srv.Close()
	chatbotID := srv.AddChatbot("Julia – Nutrition Coach", "Helps clients plan balanced meals")
	clientID := srv.AddSessionClient("Tom Becker", "tom.becker@example.com")
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	session, err := c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{ChatbotID: chatbotID, ClientID: clientID, Title: "Weekly check-in"})
	if err != nil {
		log.Fatal(err)
	}
	reply, err := c.Sessions.Ask(ctx, session.ID, "What should I eat before a morning run?")
	if err != nil {
		log.Fatal(err)
	}
	ended, err := c.Sessions.End(ctx, session.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(session.Status, "->", ended.Status, "with", len(ended.Messages), "messages")
	fmt.Println(reply.Role+":", reply.Content)
	// Output:
	// ACTIVE -> COMPLETED with 2 messages
	// assistant: This is Julia – Nutrition Coach. You said: "What should I eat before a morning run?". Tell me more, and we will work on it together.
}

func ExampleSessionsService_All() {
	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	c, err := dmchamp.NewClient(srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}

	// Pages of two sessions are fetched as the loop needs them.
	for s, err := range c.Sessions.All(context.Background(), &dmchamp.ListSessionsOptions{Limit: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-18s %-10s %s\n", s.Title, s.Status, s.Client.Name)
	}
	// Output:
	// Weekly check-in    ACTIVE     Tom Becker
	// Meal plan review   COMPLETED  Amara Okafor
	// Bedtime routine    TERMINATED Tom Becker
}

// Code that uses the client can also be tested with a mock transport: the
// credential is added before the transport sees the request.
func Example_testingWithHTTPMock() {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponderWithQuery(http.MethodGet, "https://api.dmchamp.com/v1/chat-sessions/recent",
		"apiKey=test-key&hours=24",
		httpmock.NewStringResponder(200, `{"success":true,"data":{"hours_ago":24,"total_sessions":0,"sessions":[]}}`))

	c, err := dmchamp.NewClient(
		dmchamp.WithAPIKey("test-key"),
		dmchamp.WithHTTPClient(&http.Client{Transport: mt}),
		dmchamp.WithRetryWait(0, 0), // no real waits in tests
	)
	if err != nil {
		log.Fatal(err)
	}
	recent, err := c.ChatSessions.Recent(context.Background(), &dmchamp.RecentChatSessionsOptions{Hours: 24})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(recent.TotalSessions, mt.GetTotalCallCount())
	// Output:
	// 0 1
}
