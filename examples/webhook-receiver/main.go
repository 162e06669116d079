// Command webhook-receiver receives what DM Champ sends to your server and
// prints it: webhook events on /webhook, custom-channel replies on
// /channel, and custom-function calls on /function (an order-status
// lookup).
//
//	DMCHAMP_WEBHOOK_SECRET=... go run ./examples/webhook-receiver -addr :8080
//
// Events and replies must carry X-DmChamp-Signature: sha256=<hex
// HMAC-SHA256 of the body under the secret>. With -demo it listens on a
// free local port, posts a few signed sample requests to itself, prints them
// and exits; without -demo or DMCHAMP_WEBHOOK_SECRET it exits with status 2.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp/webhook"
)

func main() {
	os.Exit(run())
}

func run() int {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	demo := flag.Bool("demo", false, "post sample requests to itself, print them and exit")
	flag.Parse()

	secret := []byte(os.Getenv("DMCHAMP_WEBHOOK_SECRET"))
	if len(secret) == 0 && !*demo {
		fmt.Fprintln(os.Stderr, "webhook-receiver: set DMCHAMP_WEBHOOK_SECRET, or add -demo to post sample requests to itself")
		return 2
	}
	if *demo {
		secret = []byte(rand.Text()) // a secret of the demo's own
		*addr = "127.0.0.1:0"
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// One worker keeps the events in order; DM Champ gets its 202 at once.
	events := webhook.Handler(webhook.HMACSHA256(secret), printEvent,
		webhook.WithAsync(1), webhook.WithDedup(time.Hour), webhook.WithLogger(logger))
	replies := webhook.ChannelHandler(webhook.HMACSHA256(secret), printReply, webhook.WithLogger(logger))
	mux := http.NewServeMux()
	mux.Handle("/webhook", events)
	mux.Handle("/channel", replies)
	mux.Handle("/function", webhook.FunctionHandler(orderStatus, webhook.WithTimeout(8*time.Second), webhook.WithLogger(logger)))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "webhook-receiver:", err)
		return 1
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	go srv.Serve(ln)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *demo {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		postSamples(ctx, "http://"+ln.Addr().String(), secret)
	} else {
		fmt.Fprintf(os.Stderr, "webhook-receiver: listening on http://%s (Ctrl-C to stop)\n", ln.Addr())
		<-ctx.Done()
	}

	// Stop taking requests, then let the queued events finish.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = errors.Join(srv.Shutdown(ctx), events.Shutdown(ctx), replies.Shutdown(ctx))
	if err != nil {
		fmt.Fprintln(os.Stderr, "webhook-receiver:", err)
		return 1
	}
	return 0
}

func printEvent(ctx context.Context, e *webhook.Event) error {
	switch e.Kind() {
	case webhook.KindNewContact, webhook.KindContactUpdated:
		c, err := e.Contact()
		if err != nil {
			return err
		}
		fmt.Printf("event %s: contact %q %s\n", e.Type, c.Name, c.Phone)
	case webhook.KindMessageReceived, webhook.KindMessageSent:
		m, err := e.Message()
		if err != nil {
			return err
		}
		fmt.Printf("event %s: %s message from/to %s: %q\n", e.Type, m.Direction, m.Contact.Phone, m.Body)
	case webhook.KindTagApplied:
		t, err := e.Tag()
		if err != nil {
			return err
		}
		fmt.Printf("event %s: tag %q on %s\n", e.Type, t.Name, t.Contact.Phone)
	default:
		fmt.Printf("event %s: %s\n", e.Type, e.Data)
	}
	return nil
}

func printReply(ctx context.Context, r *webhook.ChannelReply) error {
	fmt.Printf("channel reply %s to %s: %q\n", r.MessageSID, r.To, r.Body)
	return nil
}

func orderStatus(ctx context.Context, call *webhook.FunctionCall) (any, error) {
	fmt.Printf("function call: order %s for contact %s (test run: %v)\n", call.Param("orderNumber"), call.System.Contact.ID, call.System.Test)
	return map[string]string{"order": call.Param("orderNumber"), "status": "shipped", "eta": "Monday"}, nil
}

// postSamples posts what DM Champ would, and prints each answer.
func postSamples(ctx context.Context, base string, secret []byte) {
	contact := `{"event":"new_contact","id":"evt_1","data":{"contactPhone":"+15555550123","contactFirstName":"María","contactLastName":"López"}}`
	samples := []struct{ method, path, body string }{
		{"POST", "/webhook", contact},
		{"POST", "/webhook", `{"event":"message.received","contact_id":"c-456","phone":"+15555550123","content":"Hi, can I get a quote?","message_id":"msg-1"}`},
		{"POST", "/webhook", `{"event":"contact_tagged","data":{"contactPhone":"+15555550123","tag":"hot-lead"}}`},
		{"POST", "/webhook", `{"event":"template_approved","id":"evt_2","data":{"name":"appointment_reminder","status":"approved"}}`},
		{"POST", "/webhook", contact}, // a redelivery: dropped
		{"POST", "/channel", `{"customData":{"messageSid":"dmc_out_1","fromId":"business456","toId":"user123","body":"Your quote is on its way."},"messageType":"text"}`},
		{"GET", "/function?orderNumber=A-10042&system[contact][id]=c-456&system[channel]=whatsapp&system[test]=true", ""},
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, s := range samples {
		req, err := http.NewRequestWithContext(ctx, s.method, base+s.path, strings.NewReader(s.body))
		if err != nil {
			fmt.Fprintln(os.Stderr, "webhook-receiver:", err)
			return
		}
		if s.body != "" {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(webhook.SignatureHeader, webhook.Sign(secret, []byte(s.body)))
		}
		resp, err := client.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, "webhook-receiver:", err)
			return
		}
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		resp.Body.Close()
		fmt.Printf("  %s %s -> %d %s\n", s.method, strings.SplitN(s.path, "?", 2)[0], resp.StatusCode, strings.TrimSpace(string(answer)))
	}
}
