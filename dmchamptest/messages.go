package dmchamptest

import (
	"cmp"
	"net/http"
	"strconv"

	"github.com/dmchamp-go/dmchamp"
)

func (s *Server) incomingCustom(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, false) {
		return
	}
	var in struct {
		MessageType string `json:"messageType"`
		CustomData  struct {
			MessageSid string `json:"messageSid"`
			FromID     string `json:"fromId"`
			Body       string `json:"body"`
			Status     string `json:"status"`
			Channel    string `json:"channel"`
		} `json:"customData"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if in.MessageType == "" || in.CustomData.FromID == "" {
		writeEnvelopeError(w, http.StatusBadRequest, "messageType and customData.fromId are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var c *contact
	for _, x := range s.st.contacts {
		if x.ExternalID == in.CustomData.FromID {
			c = x
		}
	}
	if c == nil {
		c = s.addContact(dmchamp.Contact{ExternalID: in.CustomData.FromID, Channel: "custom", CustomChannel: in.CustomData.Channel, IsBotActive: true})
	}
	m := s.addMessage(c, dmchamp.ChatMessage{
		ID: in.CustomData.MessageSid, Body: in.CustomData.Body, Direction: dmchamp.DirectionInbound,
		Type: in.MessageType, Channel: cmp.Or(in.CustomData.Channel, "custom"), Status: cmp.Or(in.CustomData.Status, "received"),
	})
	s.messageReceived(c, m)
	s.replyToCustom(c, m)
	s.st.pubsubID++
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "messageId": strconv.FormatInt(s.st.pubsubID, 10)})
}

func messageJSON(m dmchamp.ChatMessage) map[string]any {
	return map[string]any{
		"id": m.ID, "body": m.Body, "direction": m.Direction, "timestamp": stampPtr(m.Timestamp),
		"type": m.Type, "channel": m.Channel, "status": m.Status,
	}
}
