package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The baseline is what a careful hand-written client does: net/http and
// encoding/json, decoding into plain structs with the wire format's JSON
// tags, time.Time fields and no UnmarshalJSON methods of their own.

type plainRecent struct {
	HoursAgo      int                  `json:"hours_ago"`
	TotalSessions int                  `json:"total_sessions"`
	Sessions      []plainRecentSession `json:"sessions"`
}

type plainRecentSession struct {
	SessionID     string         `json:"session_id"`
	ContactID     string         `json:"contact_id"`
	ContactName   string         `json:"contact_name"`
	ContactPhone  string         `json:"contact_phone"`
	ContactEmail  string         `json:"contact_email"`
	StartDateTime time.Time      `json:"start_date_time"`
	EndDateTime   *time.Time     `json:"end_date_time"`
	Status        string         `json:"status"`
	Tag           *string        `json:"tag"`
	Messages      []plainMessage `json:"messages"`
}

type plainMessage struct {
	ID        string     `json:"id"`
	Body      string     `json:"body"`
	Direction string     `json:"direction"`
	Timestamp *time.Time `json:"timestamp"`
	Type      string     `json:"type"`
	Channel   string     `json:"channel"`
	Status    string     `json:"status"`
}

type plainCreateSession struct {
	ChatbotID string `json:"chatbotId"`
	ClientID  string `json:"clientId"`
	Title     string `json:"title,omitempty"`
}

type plainSession struct {
	ID        string             `json:"_id"`
	ChatbotID string             `json:"chatbotId"`
	ClientID  string             `json:"clientId"`
	Title     string             `json:"title"`
	StartTime time.Time          `json:"startTime"`
	EndTime   *time.Time         `json:"endTime"`
	Status    string             `json:"status"`
	Messages  []plainSessionText `json:"messages"`
	Metadata  map[string]any     `json:"metadata"`
	CreatedAt time.Time          `json:"createdAt"`
	UpdatedAt time.Time          `json:"updatedAt"`
}

type plainSessionText struct {
	ID        string    `json:"_id"`
	Role      string    `json:"role"`
	Content   string    `json:"content"`
	Timestamp time.Time `json:"timestamp"`
}

// statusError is the baseline's error for an unexpected status.
type statusError struct {
	status int
	body   []byte
}

func (e *statusError) Error() string { return fmt.Sprintf("status %d: %s", e.status, e.body) }

// baselineRecent is ChatSessions.Recent written by hand.
func baselineRecent(ctx context.Context, hc *http.Client, base string, hours int, messages bool) (*plainRecent, error) {
	q := url.Values{"apiKey": {benchKey}, "hours": {strconv.Itoa(hours)}}
	if messages {
		q.Set("includeMessages", "true")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/chat-sessions/recent?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	var env struct {
		Success bool         `json:"success"`
		Data    *plainRecent `json:"data"`
	}
	if err := baselineDo(hc, req, http.StatusOK, &env); err != nil {
		return nil, err
	}
	return env.Data, nil
}

// baselineCreate is Sessions.Create written by hand.
func baselineCreate(ctx context.Context, hc *http.Client, base string, in *plainCreateSession) (*plainSession, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/sessions", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+benchKey)
	var env struct {
		Success bool          `json:"success"`
		Data    *plainSession `json:"data"`
	}
	if err := baselineDo(hc, req, http.StatusCreated, &env); err != nil {
		return nil, err
	}
	return env.Data, nil
}

// baselineDo sends req and decodes the answer into v if its status is want.
// Any other status is a *statusError with the start of the body, read so
// that the connection can serve the next request.
func baselineDo(hc *http.Client, req *http.Request, want int, v any) error {
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return &statusError{resp.StatusCode, body}
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return err
	}
	// The decoder stops at the value's end: read on to EOF, or a chunked
	// answer's connection is closed instead of reused.
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
