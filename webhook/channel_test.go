package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp/webhook"
)

func TestParseChannelReplyShapes(t *testing.T) {
	tests := []struct {
		file string
		want webhook.ChannelReply
	}{
		{"channel/flat.json", webhook.ChannelReply{
			MessageSID: "dmc_out_8f3a2c", To: "visitor-4821", From: "widget-main",
			Body:     "Thanks! Your table for two is booked for 7 pm.",
			MediaURL: "https://cdn.example.com/menus/dinner.pdf", MediaContentType: "application/pdf",
			Type: "text", Channel: "custom", Status: "sent",
			Timestamp: time.Date(2026, 1, 1, 18, 2, 11, 250e6, time.UTC),
		}},
		{"channel/customdata.json", webhook.ChannelReply{
			MessageSID: "dmc_out_8f3a2d", To: "user123", From: "business456", Body: "Hello from DM Champ",
			Type: "text", Channel: "custom", Status: "sent", CampaignID: "cmp_spring",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := fixture(t, tt.file)
			got, err := webhook.ParseChannelReply(post(body, webhook.Sign(testSecret, body)), webhook.HMACSHA256(testSecret))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Raw, body) || got.ReceivedAt.IsZero() {
				t.Errorf("Raw or ReceivedAt not set")
			}
			got.Raw, got.ReceivedAt = nil, time.Time{}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got\n  %+v\nwant\n  %+v", *got, tt.want)
			}
		})
	}
}

func TestParseChannelReplyFieldNames(t *testing.T) {
	body := `{"customData":{"body":"hi"},"messageId":"m-1","to_id":"u-1","from_id":"b-1","type":"reaction","contactId":"c-1","text":"ignored: body is set"}`
	got, err := webhook.ParseChannelReply(post([]byte(body), ""), webhook.Unverified())
	if err != nil {
		t.Fatal(err)
	}
	if got.MessageSID != "m-1" || got.To != "u-1" || got.From != "b-1" || got.Body != "hi" || got.Type != "reaction" || got.ContactID != "c-1" {
		t.Errorf("got %+v", got)
	}
}

func TestParseChannelReplyErrors(t *testing.T) {
	if _, err := webhook.ParseChannelReply(post([]byte(`[]`), ""), webhook.Unverified()); !errors.Is(err, webhook.ErrMalformed) {
		t.Errorf("err = %v, want ErrMalformed", err)
	}
	if _, err := webhook.ParseChannelReply(post([]byte(`{}`), "sha256=00"), webhook.HMACSHA256(testSecret)); !errors.Is(err, webhook.ErrSignature) {
		t.Errorf("err = %v, want ErrSignature", err)
	}
}

func TestChannelHandler(t *testing.T) {
	body := fixture(t, "channel/customdata.json")
	got := make(chan *webhook.ChannelReply, 2)
	h := webhook.ChannelHandler(webhook.HMACSHA256(testSecret), func(_ context.Context, r *webhook.ChannelReply) error {
		got <- r
		return nil
	}, webhook.WithDedup(time.Hour))
	defer h.Shutdown(context.Background())

	if w := serve(h, post(body, webhook.Sign(testSecret, body))); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	if r := <-got; r.MessageSID != "dmc_out_8f3a2d" || r.Body != "Hello from DM Champ" {
		t.Errorf("got %+v", r)
	}
	// The same message again, keyed by messageSid.
	w := serve(h, post(body, webhook.Sign(testSecret, body)))
	if w.Code != http.StatusOK || w.Body.String() != "duplicate\n" || len(got) != 0 {
		t.Errorf("duplicate: status %d %q, %d calls", w.Code, w.Body, len(got))
	}
	if w := serve(h, post(body, "")); w.Code != http.StatusUnauthorized {
		t.Errorf("unsigned: status %d", w.Code)
	}
}
