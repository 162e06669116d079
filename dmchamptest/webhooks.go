package dmchamptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/webhook"
)

// The event types the server sends (see SendWebhooks). webhook.Event.Kind
// maps the first three to webhook.KindNewContact, KindTagApplied and
// KindMessageReceived; the last has no Kind and arrives under its type.
const (
	EventContactCreated    = "contact.created"
	EventTagApplied        = "tag.applied"
	EventMessageReceived   = "message.received"
	EventChatSessionClosed = "chat_session.closed"
)

// deliveryTimeout bounds each POST to a receiver.
const deliveryTimeout = 5 * time.Second

// deliveryQueue is how many deliveries may wait; past it a delivery is
// dropped and reported by WebhookFailures.
const deliveryQueue = 1024

// outbox delivers the server's outgoing POSTs (webhook events and
// custom-channel replies) one at a time, in order, from one goroutine.
type outbox struct {
	webhookURL string // guarded by Server.mu, as are the next three
	secret     []byte
	replyURL   string
	eventSeq   int

	once     sync.Once
	queue    chan delivery
	stop     chan struct{}
	done     chan struct{}
	client   *http.Client
	failMu   sync.Mutex
	failures []error
}

// A delivery is one POST, or (with url empty) a marker that
// FlushWebhooks waits for.
type delivery struct {
	url, signature string
	body           []byte
	flushed        chan struct{}
}

// SendWebhooks makes the server POST an event to url whenever its state
// changes, as DM Champ's webhook settings do: EventContactCreated when a
// contact is created (through the API, an incoming message or AddContact),
// EventTagApplied when a contact gets a tag it did not have,
// EventMessageReceived for every incoming custom-channel message, and
// EventChatSessionClosed when CloseChatSession ends a session.
//
// The body is {"event", "eventId", "timestamp", "data"}, with the contact
// in the API's own shape; with a secret it carries the webhook.SignatureHeader
// that webhook.HMACSHA256(secret) accepts. Deliveries run in order on one
// goroutine, each within 5 s, without retries and without following
// redirects; a delivery that fails or is not answered 2xx is reported by
// WebhookFailures. An empty url stops
// the deliveries.
func (s *Server) SendWebhooks(url string, secret []byte) {
	s.out.start()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.webhookURL, s.out.secret = url, bytes.Clone(secret)
}

// PushChannelReplies makes the server answer every incoming custom-channel
// message (dmchamp.Client.Messages.IncomingCustom) with an AI reply: the
// reply is stored in the contact's chat session and POSTed to url, as DM
// Champ posts replies to a custom channel's URL, in the flat shape that
// webhook.ParseChannelReply reads (messageSid, to, from, body, ...). The
// replies are signed as the events are, with the secret given to
// SendWebhooks, if any; their deliveries are those of SendWebhooks. An
// empty url stops the replies.
func (s *Server) PushChannelReplies(url string) {
	s.out.start()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.replyURL = url
}

// CloseChatSession ends the contact's open chat session now, as DM Champ
// does when a conversation concludes, and sends EventChatSessionClosed. It
// reports whether there was an open session to close.
func (s *Server) CloseChatSession(contactID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.contactByID(contactID)
	if c == nil || len(c.sessions) == 0 || c.sessions[len(c.sessions)-1].end != nil {
		return false
	}
	cs := c.sessions[len(c.sessions)-1]
	end := s.now()
	cs.end = &end
	s.sendEvent(EventChatSessionClosed, map[string]any{
		"chatSessionId": cs.id,
		"startDateTime": stamp(cs.start),
		"endDateTime":   stamp(end),
		"messageCount":  len(cs.messages),
		"contact":       contactJSON(c),
	})
	return true
}

// FlushWebhooks waits until every delivery queued so far has been made, or
// ctx is done.
func (s *Server) FlushWebhooks(ctx context.Context) error {
	s.out.start()
	d := delivery{flushed: make(chan struct{})}
	select {
	case s.out.queue <- d:
	case <-s.out.stop:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-d.flushed:
		return nil
	case <-s.out.stop:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WebhookFailures returns the deliveries that failed so far, oldest first:
// a receiver that could not be reached, took more than 5 s, or answered
// other than 2xx, and deliveries dropped because too many were waiting.
func (s *Server) WebhookFailures() []error {
	s.out.failMu.Lock()
	defer s.out.failMu.Unlock()
	return append([]error(nil), s.out.failures...)
}

// sendEvent queues an event for the webhook URL, if one is set. The caller
// holds s.mu, so data is a consistent snapshot.
func (s *Server) sendEvent(event string, data map[string]any) {
	if s.out.webhookURL == "" {
		return
	}
	s.out.eventSeq++
	body, err := json.Marshal(map[string]any{
		"event":     event,
		"eventId":   fmt.Sprintf("evt_%06d", s.out.eventSeq),
		"timestamp": stamp(s.now()),
		"data":      data,
	})
	if err != nil {
		s.out.fail(fmt.Errorf("dmchamptest: encoding %s event: %w", event, err))
		return
	}
	s.out.enqueue(delivery{url: s.out.webhookURL, signature: s.out.sign(body), body: body})
}

// contactCreated, tagApplied and messageReceived send the events of those
// changes; the caller holds s.mu.
func (s *Server) contactCreated(c *contact) {
	s.sendEvent(EventContactCreated, contactJSON(c))
}

func (s *Server) tagApplied(c *contact, tag string) {
	s.sendEvent(EventTagApplied, map[string]any{"tag": tag, "contact": contactJSON(c)})
}

func (s *Server) messageReceived(c *contact, m dmchamp.ChatMessage) {
	s.sendEvent(EventMessageReceived, map[string]any{"message": messageJSON(m), "contact": contactJSON(c)})
}

// replyToCustom stores an AI reply to an incoming custom-channel message
// and queues it for the reply URL, if one is set; the caller holds s.mu.
func (s *Server) replyToCustom(c *contact, in dmchamp.ChatMessage) {
	if s.out.replyURL == "" {
		return
	}
	m := s.addMessage(c, dmchamp.ChatMessage{
		Body:      fmt.Sprintf("Thanks! We received your message: %q", in.Body),
		Direction: dmchamp.DirectionOutbound, Type: "text", Channel: in.Channel, Status: "sent",
	})
	body, err := json.Marshal(map[string]any{
		"messageSid":  m.ID,
		"messageType": m.Type,
		"to":          c.ExternalID,
		"from":        "dmchamp",
		"body":        m.Body,
		"channel":     c.CustomChannel,
		"contactId":   c.ID,
		"status":      m.Status,
		"timestamp":   stamp(*m.Timestamp),
	})
	if err != nil {
		s.out.fail(fmt.Errorf("dmchamptest: encoding a channel reply: %w", err))
		return
	}
	s.out.enqueue(delivery{url: s.out.replyURL, signature: s.out.sign(body), body: body})
}

// sign returns the signature header of body, or "" without a secret; the
// caller holds Server.mu.
func (o *outbox) sign(body []byte) string {
	if len(o.secret) == 0 {
		return ""
	}
	return webhook.Sign(o.secret, body)
}

// start starts the delivery goroutine, once.
func (o *outbox) start() {
	o.once.Do(func() {
		o.queue = make(chan delivery, deliveryQueue)
		o.stop = make(chan struct{})
		o.done = make(chan struct{})
		o.client = &http.Client{
			Timeout:       deliveryTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, // a 3xx is a failure
		}
		go o.run()
	})
}

// close stops the deliveries: the one in progress is cut off and those
// still queued are dropped.
func (o *outbox) close() {
	o.once.Do(func() { // never started: nothing to stop, and never start
		o.stop, o.done = make(chan struct{}), make(chan struct{})
		close(o.done)
	})
	close(o.stop)
	<-o.done
}

// enqueue queues d without blocking: the caller holds Server.mu.
func (o *outbox) enqueue(d delivery) {
	select {
	case <-o.stop:
		o.fail(fmt.Errorf("dmchamptest: POST %s dropped: the server is closed", d.url))
		return
	default:
	}
	select {
	case o.queue <- d:
	default:
		o.fail(fmt.Errorf("dmchamptest: POST %s dropped: %d deliveries already waiting", d.url, deliveryQueue))
	}
}

func (o *outbox) run() {
	defer close(o.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-o.stop
		cancel()
	}()
	for {
		select {
		case <-o.stop:
			return
		case d := <-o.queue:
			if d.flushed != nil {
				close(d.flushed)
				continue
			}
			if err := o.post(ctx, d); err != nil {
				o.fail(err)
			}
		}
	}
}

func (o *outbox) post(ctx context.Context, d delivery) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return fmt.Errorf("dmchamptest: POST %s: %w", d.url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "dmchamptest")
	if d.signature != "" {
		req.Header.Set(webhook.SignatureHeader, d.signature)
	}
	resp, err := o.client.Do(req)
	if err != nil {
		return fmt.Errorf("dmchamptest: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("dmchamptest: POST %s: the receiver answered %s", d.url, resp.Status)
	}
	return nil
}

func (o *outbox) fail(err error) {
	o.failMu.Lock()
	defer o.failMu.Unlock()
	o.failures = append(o.failures, err)
}
