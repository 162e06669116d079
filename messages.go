package dmchamp

import (
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"cmp"
	"context"
	"errors"
	"net/http"
)

// MessagesService feeds messages from custom channels (a channel DM Champ
// does not connect to itself) to the AI agent.
type MessagesService struct {
	client *Client
}

// CustomChannelMessage is an inbound message of a custom channel.
type CustomChannelMessage struct {
	MessageType string            `json:"messageType"` // e.g. "text", "reaction"; "text" when empty
	CustomData  CustomChannelData `json:"customData"`  // the message
}

// CustomChannelData is the content of a custom channel message. Campaign
// assignment: CampaignID if set, else keyword matching, else the default
// campaign.
type CustomChannelData struct {
	MessageSid       string `json:"messageSid,omitempty"`       // the message's id in the channel
	FromID           string `json:"fromId"`                     // the sender; required
	ToID             string `json:"toId,omitempty"`             // the recipient
	Body             string `json:"body,omitempty"`             // the text
	Status           string `json:"status,omitempty"`           // e.g. "received"
	Channel          string `json:"channel,omitempty"`          // e.g. "custom"
	MediaURL         string `json:"mediaUrl,omitempty"`         // attached media
	MediaContentType string `json:"mediaContentType,omitempty"` // e.g. "image/jpeg"
	CampaignID       string `json:"campaignId,omitempty"`       // explicit campaign
}

var epMessagesIncomingCustomChannel = register(endpoint{name: "Messages.IncomingCustomChannel", method: http.MethodPost, route: "/incoming-custom-channel-message", shape: flat, result: []string{"messageId"}})

// IncomingCustomChannel hands an inbound custom-channel message to DM Champ,
// which queues it for the AI agent, and returns the queued message's id. An
// answer without that id is an *APIError matching ErrInvalidResponse.
//
// API: POST /incoming-custom-channel-message
func (s *MessagesService) IncomingCustomChannel(ctx context.Context, msg *CustomChannelMessage, opts ...CallOption) (string, error) {
	if msg == nil {
		return "", invalid("message", "must not be nil")
	}
	if err := required("CustomData.FromID", msg.CustomData.FromID); err != nil {
		return "", err
	}
	body := *msg
	body.MessageType = cmp.Or(body.MessageType, "text")
	out, err := callJSON[queuedMessage](ctx, s.client, epMessagesIncomingCustomChannel, &request{body: body}, opts)
	if err != nil {
		return "", err
	}
	return out.MessageID, nil
}

// queuedMessage is the answer of IncomingCustomChannel.
type queuedMessage struct {
	MessageID string `json:"messageId"`
}

var errNoMessageID = errors.New("no messageId in the answer")

func (q *queuedMessage) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain queuedMessage
	if err := jsonv2.UnmarshalDecode(dec, (*plain)(q)); err != nil {
		return err
	}
	if q.MessageID == "" {
		return errNoMessageID
	}
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (q *queuedMessage) UnmarshalJSON(b []byte) error { return unmarshal(b, q) }
