package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/webhook"
)

// envWebhookSecret is the default of listen --secret.
const envWebhookSecret = "DMCHAMP_WEBHOOK_SECRET"

// Paths listen serves: webhook events on every path but channelPath.
const channelPath = "/channel"

// forwardTimeout bounds each POST to --forward, below the handlers' own
// limit (webhook.DefaultTimeout), so that a forward that hangs is answered
// as a failed forward (500).
const forwardTimeout = webhook.DefaultTimeout - 2*time.Second

// listen defines "dmchamp listen".
func listen(fs *flag.FlagSet) action {
	port := fs.Int("port", 0, "listen on this `port` (default: a free one, printed)")
	addr := fs.String("addr", "127.0.0.1", "listen on this `host`; 0.0.0.0 accepts other machines")
	secret := fs.String("secret", "", "webhook `secret`, or - to read it from standard input (default $"+envWebhookSecret+"; none: accept unsigned)")
	verify := fs.String("verify", "hmac", "how the secret is checked: `hmac` (X-DmChamp-Signature: sha256=<HMAC of the body>) or shared (the secret itself)")
	forward := fs.String("forward", "", "POST each request received, unchanged, to this `URL` too")
	return func(x *env, args []string) error {
		if err := wantArgs(args); err != nil {
			return err
		}
		if *port < 0 || *port > 65535 {
			return usagef("--port must be between 0 and 65535")
		}
		if *verify != "hmac" && *verify != "shared" {
			return usagef("--verify must be hmac or shared")
		}
		if *forward != "" {
			u, err := url.Parse(*forward)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return usagef("--forward must be an http or https URL")
			}
			if *verify == "shared" && u.Scheme == "http" && !loopback(u.Hostname()) {
				return usagef("--forward: with --verify shared the forwarded signature is the secret itself: use https, or a loopback address")
			}
		}
		key, err := x.webhookSecret(*secret)
		if err != nil {
			return err
		}
		if x.g.demo && len(key) == 0 {
			key = []byte(rand.Text()) // the demo signs with a secret of its own
		}
		var v webhook.Verifier
		switch {
		case len(key) == 0:
			fmt.Fprintln(x.stderr, "dmchamp: no --secret: accepting unsigned requests from anyone who can reach the port")
			v = webhook.Unverified()
		case *verify == "hmac":
			v = webhook.HMACSHA256(key)
		default:
			v = webhook.SharedSecret(string(key))
		}
		if x.g.demo && *verify != "hmac" {
			return usagef("--demo signs with HMAC: leave --verify out")
		}

		ln, err := net.Listen("tcp", net.JoinHostPort(*addr, strconv.Itoa(*port)))
		if err != nil {
			return err
		}
		l := &listener{x: x, forward: *forward, client: forwardClient()}
		srv := &http.Server{Handler: l.handler(v), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		base := "http://" + ln.Addr().String()
		fmt.Fprintf(x.stderr, "dmchamp: listening on %s: events on /, custom-channel replies on %s\n", base, channelPath)

		if x.g.demo {
			err = l.demo(base, key)
		} else {
			fmt.Fprintln(x.stderr, "dmchamp: press Ctrl-C to stop")
			select {
			case <-x.ctx.Done():
			case err = <-served:
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		return err
	}
}

// forwardClient posts to --forward. It follows no redirect: the signature
// header (with --verify shared, the secret itself) goes to that URL only,
// and a redirect is a failed forward.
func forwardClient() *http.Client {
	return &http.Client{
		Timeout:       forwardTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// loopback reports whether host is localhost or a loopback address.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// webhookSecret returns the secret of --secret (read from stdin for "-"),
// else of the environment.
func (x *env) webhookSecret(flagValue string) ([]byte, error) {
	if flagValue == "-" {
		line, err := bufio.NewReader(x.stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("reading the secret: %w", err)
		}
		if line = strings.TrimSpace(line); line == "" {
			return nil, usagef("--secret -: standard input is empty")
		}
		return []byte(line), nil
	}
	return []byte(x.setting(flagValue, envWebhookSecret)), nil
}

// listener prints (and forwards) what it receives.
type listener struct {
	x       *env
	forward string
	client  *http.Client

	mu            sync.Mutex // serialises output; guards the counts
	events, reply int
}

type headerKey struct{}

// handler verifies and decodes every request with v. The request's headers
// travel in the context, for forward.
func (l *listener) handler(v webhook.Verifier) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", webhook.Handler(v, l.event))
	mux.Handle(channelPath, webhook.ChannelHandler(v, l.channelReply))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), headerKey{}, r.Header)))
	})
}

// eventLine is an event as listen --json prints it, one a line.
type eventLine struct {
	Kind       string          `json:"kind"` // "event" or "channel_reply"
	Type       string          `json:"type,omitempty"`
	ID         string          `json:"id,omitempty"`
	ReceivedAt time.Time       `json:"received_at"`
	Summary    string          `json:"summary"`
	Body       json.RawMessage `json:"body"`
}

func (l *listener) event(ctx context.Context, e *webhook.Event) error {
	line := eventLine{Kind: "event", Type: e.Type, ID: e.ID, ReceivedAt: e.ReceivedAt, Summary: summary(e), Body: e.Raw}
	return l.handle(ctx, line, e.Kind(), &l.events)
}

func (l *listener) channelReply(ctx context.Context, r *webhook.ChannelReply) error {
	s := "to " + r.To + ": " + r.Body
	if r.MediaURL != "" {
		s += " [" + r.MediaURL + "]"
	}
	line := eventLine{Kind: "channel_reply", Type: r.Type, ID: r.MessageSID, ReceivedAt: r.ReceivedAt, Summary: s, Body: r.Raw}
	return l.handle(ctx, line, "channel_reply", &l.reply)
}

// handle prints line, then forwards the body; an error (500 to DM Champ,
// which may retry) when the forward fails.
func (l *listener) handle(ctx context.Context, line eventLine, kind string, count *int) error {
	var fwd error
	status := ""
	if l.forward != "" {
		status, fwd = l.forwardBody(ctx, line.Body)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	*count++
	if l.x.g.json {
		if err := json.NewEncoder(l.x.stdout).Encode(line); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(l.x.stdout, "%s  %-20s  %-24s  %s\n", line.ReceivedAt.Local().Format("2006-01-02 15:04:05 MST"),
			cell(kind), cell(line.ID), cell(truncate(line.Summary, 100)))
	}
	switch {
	case fwd != nil:
		fmt.Fprintf(l.x.stderr, "dmchamp: forward: %s\n", fwd)
	case status != "":
		fmt.Fprintf(l.x.stderr, "dmchamp: forward: %s\n", status)
	}
	return fwd
}

// forwardBody POSTs body to --forward with the headers that came with it
// (Content-Type and the signature), and returns the answer's status.
func (l *listener) forwardBody(ctx context.Context, body []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.forward, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	if h, ok := ctx.Value(headerKey{}).(http.Header); ok {
		for _, k := range []string{"Content-Type", webhook.SignatureHeader} {
			if v := h.Get(k); v != "" {
				req.Header.Set(k, v)
			}
		}
	}
	resp, err := l.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is the user's own: no need to repeat it
		}
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fmt.Errorf("answered %s", resp.Status) // the URL may hold a token of its own
	}
	return resp.Status, nil
}

// summary describes an event in a few words.
func summary(e *webhook.Event) string {
	switch e.Kind() {
	case webhook.KindNewContact, webhook.KindContactUpdated:
		if c, err := e.Contact(); err == nil {
			return contactText(c)
		}
	case webhook.KindTagApplied:
		if t, err := e.Tag(); err == nil {
			return fmt.Sprintf("%q on %s", t.Name, contactText(&t.Contact))
		}
	case webhook.KindMessageReceived, webhook.KindMessageSent:
		if m, err := e.Message(); err == nil {
			arrow := "<-"
			if m.Direction == "outbound" {
				arrow = "->"
			}
			return fmt.Sprintf("%s %s %s", contactText(&m.Contact), arrow, m.Body)
		}
	}
	return string(e.Data)
}

func contactText(c *webhook.Contact) string {
	var parts []string
	for _, s := range []string{c.Name, c.Phone, c.ID} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "a contact"
	}
	return strings.Join(parts, " ")
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// demo makes the built-in demo server send events to the listener at base,
// signed with key: a contact created and tagged, an incoming custom-channel
// message and its AI reply, and a chat session closed. It returns when all
// were delivered.
func (l *listener) demo(base string, key []byte) error {
	c, err := l.x.client()
	if err != nil {
		return err
	}
	srv := l.x.srv
	srv.SendWebhooks(base+"/", key)
	srv.PushChannelReplies(base + channelPath)
	ctx := l.x.ctx
	open, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 48, Status: dmchamp.ChatSessionOpened, Limit: 1})
	if err != nil {
		return err
	}
	if _, err := c.Contacts.Create(ctx, &dmchamp.CreateContactRequest{PhoneNumber: "+14155550100", FirstName: "Grace", LastName: "Hopper", Email: "grace@example.com"}); err != nil {
		return err
	}
	if _, err := c.Tags.Assign(ctx, &dmchamp.AssignTagRequest{Tag: "demo", PhoneNumber: "+14155550100"}); err != nil {
		return err
	}
	if _, err := c.Messages.IncomingCustomChannel(ctx, &dmchamp.CustomChannelMessage{
		MessageType: "text",
		CustomData:  dmchamp.CustomChannelData{MessageSid: "demo-msg-1", FromID: "web-user-1", Body: "Hi! Do you ship to Spain?", Channel: "demo-chat"},
	}); err != nil {
		return err
	}
	for _, s := range open.Sessions {
		srv.CloseChatSession(s.ContactID)
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := srv.FlushWebhooks(wait); err != nil {
		return err
	}
	if failed := srv.WebhookFailures(); len(failed) > 0 {
		return fmt.Errorf("--demo: %d deliveries failed, the first: %w", len(failed), failed[0])
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	replies := "1 channel reply"
	if l.reply != 1 {
		replies = strconv.Itoa(l.reply) + " channel replies"
	}
	fmt.Fprintf(l.x.stderr, "dmchamp: --demo: received %s and %s\n", plural(l.events, "event"), replies)
	return nil
}
