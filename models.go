package dmchamp

// Ptr returns a pointer to v, for optional fields: Ptr("title").
func Ptr[T any](v T) *T { return &v }

// ChatSessionStatus is the status of a DM Champ chat session. Values the SDK
// does not know still decode.
type ChatSessionStatus string

// Chat session statuses.
const (
	ChatSessionOpened ChatSessionStatus = "ChatSessionOpened"
	ChatSessionClosed ChatSessionStatus = "ChatSessionClosed"
)

func (s ChatSessionStatus) valid() bool {
	return s == ChatSessionOpened || s == ChatSessionClosed
}

// MessageDirection tells whether a DM Champ message came from the contact
// (inbound) or was sent to the contact (outbound).
type MessageDirection string

// Message directions.
const (
	DirectionInbound  MessageDirection = "inbound"
	DirectionOutbound MessageDirection = "outbound"
)

// SessionStatus is the status of a Session API session.
type SessionStatus string

// Session API statuses.
const (
	SessionActive     SessionStatus = "ACTIVE"
	SessionCompleted  SessionStatus = "COMPLETED"
	SessionTerminated SessionStatus = "TERMINATED"
	SessionScheduled  SessionStatus = "SCHEDULED"
)

func (s SessionStatus) valid() bool {
	switch s {
	case SessionActive, SessionCompleted, SessionTerminated, SessionScheduled:
		return true
	}
	return false
}

// MessageRole is the author of a Session API message.
type MessageRole string

// Session API message roles.
const (
	RoleUser      MessageRole = "user"
	RoleAssistant MessageRole = "assistant"
	RoleSystem    MessageRole = "system"
)

func (r MessageRole) valid() bool {
	return r == RoleUser || r == RoleAssistant || r == RoleSystem
}
