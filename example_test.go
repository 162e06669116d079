package dmchamp_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/dmchamp-go/dmchamp"
	"github.com/jarcoal/httpmock"
)

// fakeAPI stands in for the DM Champ API (under /v1) and the Session API
// (under /api), answering with the recorded payloads of testdata/.
func fakeAPI() *httptest.Server {
	file := func(status int, name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write(b)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/chat-sessions/recent", file(200, "chatsessions/recent.json"))
	mux.Handle("GET /v1/chat-sessions/aB3dE5fG7hJ9kL1mN2pQ", file(200, "chatsessions/contact.json"))
	mux.Handle("GET /v1/chat-sessions/{id}", file(404, "chatsessions/error_404.json"))
	mux.Handle("POST /api/sessions", file(201, "sessions/create.json"))
	mux.Handle("POST /api/sessions/message", file(200, "sessions/add_message.json"))
	mux.Handle("POST /api/sessions/chat", file(200, "sessions/chat.json"))
	mux.Handle("POST /api/sessions/{id}/end", file(200, "sessions/end.json"))
	mux.HandleFunc("GET /api/sessions", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("skip") == "" {
			file(200, "sessions/list_page1.json")(w, r)
			return
		}
		file(200, "sessions/list_page2.json")(w, r)
	})
	return httptest.NewServer(mux)
}

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
	api := fakeAPI() // stands in for https://api.dmchamp.com/v1
	defer api.Close()

	c, err := dmchamp.NewClient(dmchamp.WithAPIKey("your-api-key"), dmchamp.WithBaseURL(api.URL+"/v1"))
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
	fmt.Printf("%d sessions in %d hours\n", recent.TotalSessions, recent.HoursAgo)
	for _, s := range recent.Sessions {
		fmt.Printf("%s  %-15s %s\n", s.StartDateTime.Format("Jan 02 15:04"), s.ContactName, s.Status)
	}
	// Output:
	// 3 sessions in 24 hours
	// Nov 20 09:14  Maria Gonzalez  ChatSessionClosed
	// Nov 20 17:02  James O'Connor  ChatSessionOpened
	// Nov 21 06:30  Priya Raman     ChatSessionOpened
}

func ExampleChatSessionsService_ForContact() {
	api := fakeAPI()
	defer api.Close()

	c, err := dmchamp.NewClient(dmchamp.WithAPIKey("your-api-key"), dmchamp.WithBaseURL(api.URL+"/v1"))
	if err != nil {
		log.Fatal(err)
	}
	history, err := c.ChatSessions.ForContact(context.Background(), "aB3dE5fG7hJ9kL1mN2pQ",
		&dmchamp.ContactChatSessionsOptions{IncludeMessages: true})
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
	// [outbound] ¡Hola Maria! Claro. Tenemos huecos el jueves a las 10:00 o el viernes a las 16:30. ¿Cuál te viene mejor?
}

func ExampleAPIError() {
	api := fakeAPI()
	defer api.Close()

	c, err := dmchamp.NewClient(dmchamp.WithAPIKey("your-api-key"), dmchamp.WithBaseURL(api.URL+"/v1"))
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

func ExampleSessionsService_Ask() {
	api := fakeAPI() // stands in for the Session API server
	defer api.Close()

	c, err := dmchamp.NewClient(
		dmchamp.WithSessionsBaseURL(api.URL+"/api"),
		dmchamp.WithSessionsToken("your-jwt"),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	session, err := c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{
		ChatbotID: "6650e8a1c3f4b2a1d0e9f871",
		ClientID:  "6650e9b7c3f4b2a1d0e9f8a2",
		Title:     "Weekly check-in",
	})
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
	fmt.Println(session.Status, "->", ended.Status)
	fmt.Println(reply.Role+":", reply.Content)
	// Output:
	// ACTIVE -> COMPLETED
	// assistant: A banana or a slice of toast with honey about 30 minutes before is plenty for an easy run. Keep water nearby.
}

func ExampleSessionsService_All() {
	api := fakeAPI()
	defer api.Close()

	c, err := dmchamp.NewClient(dmchamp.WithSessionsBaseURL(api.URL+"/api"), dmchamp.WithSessionsToken("your-jwt"))
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

// Code that uses the client can be tested with a mock transport: the
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
