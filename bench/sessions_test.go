package bench

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// BenchmarkSessionsCreate posts a session to the Session API and decodes the
// created session. The Session API is not in the OpenAPI document, so there
// are no generated clients here.
func BenchmarkSessionsCreate(b *testing.B) {
	const (
		chatbotID = "6650e8a1c3f4b2a1d0e9f871"
		clientID  = "6650e9b7c3f4b2a1d0e9f8a2"
		title     = "Weekly check-in"
		wantID    = "66510f3ad2e4c5b6a7f80912"
	)
	rt := route{
		method: http.MethodPost,
		path:   "/api/sessions",
		body:   []byte(`{"chatbotId":"` + chatbotID + `","clientId":"` + clientID + `","title":"` + title + `"}`),
	}
	srv := serveAlways(b, rt, answer{status: http.StatusCreated, body: readFixture(b, "sessions/create.json")})
	ctx := context.Background()
	wantStart := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

	runs := []struct {
		name string
		run  func(b *testing.B)
	}{{"sdk", func(b *testing.B) {
		c := srv.sdk(b)
		in := &dmchamp.CreateSessionRequest{ChatbotID: chatbotID, ClientID: clientID, Title: title}
		s, err := c.Sessions.Create(ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		if s.ID != wantID || !s.StartTime.Equal(wantStart) || s.Chatbot.ID != chatbotID || s.Status != dmchamp.SessionActive {
			b.Fatalf("sdk decoded %+v", s)
		}
		b.ReportAllocs()
		conns := srv.conns.Load()
		for b.Loop() {
			if _, err := c.Sessions.Create(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(srv.conns.Load()-conns), "conns")
	}}, {"baseline", func(b *testing.B) {
		hc := httpClient()
		in := &plainCreateSession{ChatbotID: chatbotID, ClientID: clientID, Title: title}
		s, err := baselineCreate(ctx, hc, srv.URL, in)
		if err != nil {
			b.Fatal(err)
		}
		if s.ID != wantID || !s.StartTime.Equal(wantStart) || s.ChatbotID != chatbotID || s.Status != "ACTIVE" {
			b.Fatalf("baseline decoded %+v", s)
		}
		b.ReportAllocs()
		conns := srv.conns.Load()
		for b.Loop() {
			if _, err := baselineCreate(ctx, hc, srv.URL, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(srv.conns.Load()-conns), "conns")
	}}}
	for _, i := range rotated(b, len(runs)) {
		b.Run("impl="+runs[i].name, runs[i].run)
	}
}
