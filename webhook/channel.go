package webhook

import (
	"context"
	"net/http"
	"time"
)

// A ChannelReply is a message DM Champ sends to a custom channel: every AI
// or human reply to a custom-channel contact is POSTed to the URL set for
// the channel, for your platform to deliver. It mirrors the message your
// platform sends to /incoming-custom-channel-message.
//
// Two shapes are accepted: the fields at the top level, and the fields in
// a "customData" object (the shape of the incoming-message API, with
// "messageType" beside it).
type ChannelReply struct {
	// MessageSID is the message's id: "messageSid", "messageId",
	// "message_id" or "id".
	MessageSID string
	// To is the recipient, the contact's id on your platform: "to",
	// "toId", "to_id".
	To string
	// From is the sender, your side of the conversation: "from",
	// "fromId", "from_id".
	From string
	// Body is the text: "body", "message", "text" or "content".
	Body string
	// MediaURL: "mediaUrl", "media_url". MediaContentType:
	// "mediaContentType", "media_content_type".
	MediaURL, MediaContentType string
	// Type: "messageType" or "type" ("text", "reaction", ...).
	Type string
	// Channel, Status, CampaignID ("campaignId") and ContactID
	// ("contactId"), when sent.
	Channel, Status, CampaignID, ContactID string
	// Timestamp: "timestamp", "createdAt" or "sentAt" (see
	// Message.Timestamp). Zero when absent.
	Timestamp time.Time
	// Raw is the body exactly as received.
	Raw []byte
	// ReceivedAt is when the body was read.
	ReceivedAt time.Time
}

// ParseChannelReply reads, verifies and decodes a custom-channel reply, as
// Parse does an event: at most DefaultMaxBody bytes, v run over the raw
// body first, any JSON object accepted. Errors match ErrSignature,
// ErrTooLarge or ErrMalformed.
func ParseChannelReply(r *http.Request, v Verifier) (*ChannelReply, error) {
	body, err := readVerified(nil, r, v, DefaultMaxBody, 0)
	if err != nil {
		return nil, err
	}
	return parseChannelReply(body, time.Now())
}

func parseChannelReply(body []byte, now time.Time) (*ChannelReply, error) {
	top, err := decodeObject(body)
	if err != nil {
		return nil, malformed(err)
	}
	d, _, ok := top.obj("customData", "custom_data")
	if !ok {
		d = top
	}
	get := func(keys ...string) string {
		if s := d.str(keys...); s != "" {
			return s
		}
		return top.str(keys...)
	}
	return &ChannelReply{
		MessageSID:       get("messageSid", "messageSID", "messageId", "message_id", "id"),
		To:               get("to", "toId", "to_id"),
		From:             get("from", "fromId", "from_id"),
		Body:             get("body", "message", "text", "content"),
		MediaURL:         get("mediaUrl", "mediaURL", "media_url"),
		MediaContentType: get("mediaContentType", "media_content_type"),
		Type:             get("messageType", "message_type", "type"),
		Channel:          get("channel"),
		Status:           get("status"),
		CampaignID:       get("campaignId", "campaign_id"),
		ContactID:        get("contactId", "contact_id"),
		Timestamp:        d.time("timestamp", "createdAt", "created_at", "sentAt"),
		Raw:              body,
		ReceivedAt:       now,
	}, nil
}

// ChannelHandler returns a handler for the replies DM Champ pushes to a
// custom channel. It behaves as Handler does (methods, size cap, status
// codes, WithAsync, WithDedup keyed by MessageSID, Shutdown), calling fn
// with each reply. It panics if v or fn is nil.
func ChannelHandler(v Verifier, fn func(context.Context, *ChannelReply) error, opts ...Option) *Receiver {
	if fn == nil {
		panic("webhook: ChannelHandler: nil fn")
	}
	return newReceiver("channel reply", v, opts, func(body []byte, now time.Time) (job, error) {
		reply, err := parseChannelReply(body, now)
		if err != nil {
			return job{}, err
		}
		j := job{typ: reply.Type, id: reply.MessageSID}
		if reply.MessageSID != "" {
			j.key = "message\x00" + reply.MessageSID
		}
		j.run = func(ctx context.Context) error { return fn(ctx, reply) }
		return j, nil
	})
}
