package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp/webhook"
)

func ExampleHandler() {
	secret := []byte("whsec_test_not_a_real_secret") // from your configuration
	h := webhook.Handler(webhook.HMACSHA256(secret), func(ctx context.Context, e *webhook.Event) error {
		switch e.Kind() {
		case webhook.KindNewContact:
			c, err := e.Contact()
			if err != nil {
				return err
			}
			fmt.Println("new contact:", c.Name, c.Phone)
		case webhook.KindMessageReceived:
			m, err := e.Message()
			if err != nil {
				return err
			}
			fmt.Printf("%s wrote: %s\n", m.Contact.Phone, m.Body)
		default:
			fmt.Println("unhandled event:", e.Type)
		}
		return nil
	}, webhook.WithDedup(time.Hour))
	defer h.Shutdown(context.Background())
	// http.Handle("/dmchamp/webhook", h)

	// What DM Champ would send:
	for _, body := range []string{
		`{"event":"new_contact","data":{"contactPhone":"+15555550123","contactFirstName":"María","contactLastName":"López"}}`,
		`{"event":"message.received","contact_id":"c-456","phone":"+15555550123","content":"Hi, can I get a quote?","message_id":"msg-1"}`,
		`{"event":"template_approved","data":{"name":"appointment_reminder"}}`,
	} {
		r := httptest.NewRequest(http.MethodPost, "/dmchamp/webhook", strings.NewReader(body))
		r.Header.Set(webhook.SignatureHeader, webhook.Sign(secret, []byte(body)))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// new contact: María López +15555550123
	// 200
	// +15555550123 wrote: Hi, can I get a quote?
	// 200
	// unhandled event: template_approved
	// 200
}

func ExampleParse() {
	secret := []byte("whsec_test_not_a_real_secret")
	verify := webhook.HMACSHA256(secret)
	hook := func(w http.ResponseWriter, r *http.Request) {
		e, err := webhook.Parse(r, verify)
		if err != nil {
			http.Error(w, "refused", http.StatusUnauthorized) // or 400, 413: see the errors
			return
		}
		t, err := e.Tag()
		if err == nil {
			fmt.Printf("tag %q applied to %s\n", t.Name, t.Contact.Phone)
		}
	}

	body := `{"event":"contact_tagged","data":{"contactPhone":"+15555550123","tag":"vip"}}`
	r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
	r.Header.Set(webhook.SignatureHeader, webhook.Sign(secret, []byte(body)))
	hook(httptest.NewRecorder(), r)
	// Output: tag "vip" applied to +15555550123
}

func ExampleSign() {
	body := []byte(`{"event":"new_contact","data":{"contactPhone":"+15555550123"}}`)
	// The same signature as: printf %s "$body" | openssl dgst -sha256 -hmac "$secret"
	fmt.Println(webhook.SignatureHeader + ": " + webhook.Sign([]byte("whsec_test_not_a_real_secret"), body))
	// Output: X-DmChamp-Signature: sha256=69f5b577ba22973583d1d9b98f35ac545bd563c74dfd53ebb7a111d6ec606777
}

func ExampleChannelHandler() {
	h := webhook.ChannelHandler(webhook.SharedSecret("whsec_test_not_a_real_secret"), func(ctx context.Context, m *webhook.ChannelReply) error {
		// Deliver the reply on your platform.
		fmt.Printf("to %s: %s\n", m.To, m.Body)
		return nil
	})
	defer h.Shutdown(context.Background())

	body := `{"customData":{"messageSid":"dmc_out_1","fromId":"business456","toId":"user123","body":"Your table is booked for 7 pm."},"messageType":"text"}`
	r := httptest.NewRequest(http.MethodPost, "/channel", strings.NewReader(body))
	r.Header.Set(webhook.SignatureHeader, "whsec_test_not_a_real_secret")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code)
	// Output:
	// to user123: Your table is booked for 7 pm.
	// 200
}

func ExampleFunctionHandler() {
	h := webhook.FunctionHandler(func(ctx context.Context, call *webhook.FunctionCall) (any, error) {
		order := call.Param("orderNumber")
		if call.System.Test {
			return map[string]string{"order": order, "status": "test run"}, nil
		}
		// Look the order up, within ctx's deadline (the AI's wait).
		return map[string]string{"order": order, "status": "shipped"}, nil
	}, webhook.WithTimeout(8*time.Second))

	body := `{"orderNumber":"A-10042","system":{"contact":{"id":"c-456"},"channel":"whatsapp","test":true}}`
	r := httptest.NewRequest(http.MethodPost, "/functions/order-status", strings.NewReader(body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body)
	// Output: 200 {"order":"A-10042","status":"test run"}
}
