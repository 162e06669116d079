package dmchamp

import (
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"
)

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

func (s SessionStatus) validOrEmpty() bool { return s == "" || s.valid() }

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

// flexTime decodes a timestamp leniently, for models decoded a few at a time:
// an RFC 3339 string, a Firestore timestamp object ({"_seconds", "_nanoseconds"}
// or {"seconds", "nanos"}), or Unix seconds or milliseconds; null and ""
// mean absent.
type flexTime struct{ t *time.Time }

func (f *flexTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	b, err := dec.ReadValue()
	if err != nil {
		return err
	}
	opts := dec.Options()
	f.t = nil
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null" || string(b) == `""`:
		return nil
	case len(b) > 0 && b[0] == '"':
		t, err := timeValue(b)
		if err != nil {
			return err
		}
		f.t = &t
	case len(b) > 0 && b[0] == '{':
		var ts struct {
			Seconds      *int64 `json:"_seconds"`
			Nanoseconds  int64  `json:"_nanoseconds"`
			Seconds2     *int64 `json:"seconds"`
			Nanoseconds2 int64  `json:"nanos"`
		}
		if err := jsonv2.Unmarshal(b, &ts, opts); err != nil {
			return err
		}
		switch {
		case ts.Seconds != nil:
			f.set(time.Unix(*ts.Seconds, ts.Nanoseconds))
		case ts.Seconds2 != nil:
			f.set(time.Unix(*ts.Seconds2, ts.Nanoseconds2))
		default:
			return fmt.Errorf("dmchamp: timestamp object without seconds")
		}
	default:
		n, err := strconv.ParseFloat(string(b), 64)
		if err != nil || math.IsInf(n, 0) || math.Abs(n) > 1e15 {
			return fmt.Errorf("dmchamp: %.40q is not a timestamp", b)
		}
		if math.Abs(n) >= 1e11 { // milliseconds
			f.set(time.UnixMilli(int64(n)))
		} else {
			f.set(time.Unix(int64(n), 0))
		}
	}
	return nil
}

func (f *flexTime) set(t time.Time) {
	t = t.UTC()
	f.t = &t
}

func (f flexTime) value() time.Time {
	if f.t == nil {
		return time.Time{}
	}
	return *f.t
}
