package dmchamp

import (
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"time"
)

// Session is a Session API chat session between a chatbot and a client.
//
// The backend sends "_id"; the documented "id" is accepted too.
type Session struct {
	ID        string           `json:"_id"`                // MongoDB ObjectId
	Chatbot   Ref              `json:"chatbotId"`          // the chatbot, populated by Get and List
	Client    Ref              `json:"clientId"`           // the client, populated by Get and List
	Title     string           `json:"title,omitempty"`    // optional
	StartTime time.Time        `json:"startTime"`          // when the session started
	EndTime   *time.Time       `json:"endTime,omitempty"`  // nil until the session ends
	Status    SessionStatus    `json:"status"`             // ACTIVE, COMPLETED, TERMINATED or SCHEDULED
	Messages  []SessionMessage `json:"messages"`           // oldest first
	Metadata  map[string]any   `json:"metadata,omitempty"` // free-form
	Feedback  *Feedback        `json:"feedback,omitempty"` // nil until rated
	CreatedAt time.Time        `json:"createdAt"`          // record creation
	UpdatedAt time.Time        `json:"updatedAt"`          // last change
}

// SessionMessage is a message of a Session API session.
type SessionMessage struct {
	ID        string      `json:"_id,omitempty"`      // set by the server
	Role      MessageRole `json:"role"`               // user, assistant or system
	Content   string      `json:"content"`            // the text
	Timestamp time.Time   `json:"timestamp,omitzero"` // set by the server when zero
}

// Feedback is a client's rating of a session.
type Feedback struct {
	Rating  float64 `json:"rating,omitempty"`  // 1 to 5; 0 means not rated
	Comment string  `json:"comment,omitempty"` // free text
}

// Ref is a reference to a chatbot or a client. The Session API sends the bare
// id on create, update, end and add-message, and the populated object on get
// and list: both decode here. Object holds the populated object as sent (nil
// when only the id was sent, compacted), for the fields Ref does not name.
type Ref struct {
	ID     string          // the referenced document's id
	Name   string          // its name, when populated
	Object json.RawMessage // the populated object, or nil
}

// UnmarshalJSONFrom accepts an id string, an object with "_id" (or "id") and
// "name", or null.
func (r *Ref) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case 'n':
		*r = Ref{}
		_, err := dec.ReadToken()
		return err
	case '"':
		var id string
		if err := jsonv2.UnmarshalDecode(dec, &id); err != nil {
			return err
		}
		*r = Ref{ID: id}
		return nil
	}
	b, err := dec.ReadValue()
	if err != nil {
		return err
	}
	if b.Kind() != '{' {
		return fmt.Errorf("dmchamp: reference is neither an id string nor an object: %.40s", b)
	}
	var obj struct {
		ID    string `json:"_id"`
		AltID string `json:"id"`
		Name  string `json:"name"`
	}
	if err := jsonv2.Unmarshal(b, &obj, dec.Options()); err != nil {
		return err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, b); err != nil {
		return err
	}
	*r = Ref{ID: cmp.Or(obj.ID, obj.AltID), Name: obj.Name, Object: compact.Bytes()}
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (r *Ref) UnmarshalJSON(b []byte) error { return unmarshal(b, r) }

// MarshalJSON writes the populated object when there is one, else the id.
func (r Ref) MarshalJSON() ([]byte, error) {
	if r.Object != nil {
		return r.Object, nil
	}
	return json.Marshal(r.ID)
}

// PaginatorInfo describes a page of sessions. The Session API has been seen
// with two shapes, the documented one (Count ... Total) and its backend
// framework's (Skip ... PageSize): both decode, and every field is optional.
type PaginatorInfo struct {
	Count        int  `json:"count,omitempty"`        // sessions on this page
	CurrentPage  int  `json:"currentPage,omitempty"`  // 1-based page number
	HasMorePages bool `json:"hasMorePages,omitempty"` // a later page exists
	LastPage     int  `json:"lastPage,omitempty"`     // number of the last page
	Limit        int  `json:"limit,omitempty"`        // page size asked for
	PerPage      int  `json:"perPage,omitempty"`      // page size used
	Total        int  `json:"total,omitempty"`        // sessions matching, all pages

	Skip         int  `json:"skip,omitempty"`         // sessions skipped before this page
	Pages        int  `json:"pages,omitempty"`        // number of pages
	HasNextPage  bool `json:"hasNextPage,omitempty"`  // a later page exists
	TotalRecords int  `json:"totalRecords,omitempty"` // sessions matching, all pages
	PageSize     int  `json:"pageSize,omitempty"`     // sessions on this page
}

// SessionPage is one page of List.
type SessionPage struct {
	Sessions      []Session     `json:"results"`       // this page's sessions
	PaginatorInfo PaginatorInfo `json:"paginatorInfo"` // as sent by the server

	// HasMore reports whether sessions follow this page: either flag of
	// PaginatorInfo is set, or the sessions skipped and returned so far are
	// fewer than its total.
	HasMore bool `json:"-"`
}

func (p *SessionPage) hasMore(skip int) bool {
	pi := p.PaginatorInfo
	if pi.HasMorePages || pi.HasNextPage {
		return true
	}
	total := max(pi.Total, pi.TotalRecords)
	return skip >= 0 && skip < total && len(p.Sessions) < total-skip
}

// UnmarshalJSONFrom decodes a session: the id from "_id" or "id", and null or ""
// timestamps as absent.
func (s *Session) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain Session
	aux := struct {
		*plain
		AltID     string   `json:"id"`
		StartTime flexTime `json:"startTime"`
		EndTime   flexTime `json:"endTime"`
		CreatedAt flexTime `json:"createdAt"`
		UpdatedAt flexTime `json:"updatedAt"`
	}{plain: (*plain)(s)}
	if err := jsonv2.UnmarshalDecode(dec, &aux); err != nil {
		return err
	}
	s.ID = cmp.Or(s.ID, aux.AltID)
	s.StartTime, s.EndTime = aux.StartTime.value(), aux.EndTime.t
	s.CreatedAt, s.UpdatedAt = aux.CreatedAt.value(), aux.UpdatedAt.value()
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (s *Session) UnmarshalJSON(b []byte) error { return unmarshal(b, s) }

// UnmarshalJSONFrom decodes a message: the id from "_id" or "id", and a null or
// "" timestamp as zero.
func (m *SessionMessage) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain SessionMessage
	aux := struct {
		*plain
		AltID     string   `json:"id"`
		Timestamp flexTime `json:"timestamp"`
	}{plain: (*plain)(m)}
	if err := jsonv2.UnmarshalDecode(dec, &aux); err != nil {
		return err
	}
	m.ID = cmp.Or(m.ID, aux.AltID)
	m.Timestamp = aux.Timestamp.value()
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom, for encoding/json.
func (m *SessionMessage) UnmarshalJSON(b []byte) error { return unmarshal(b, m) }
