package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"
)

// field is one member of a JSON object, kept in the order of the recording.
type field struct {
	name  string
	value json.RawMessage
}

// recordedSessions returns the sessions of the recorded large Recent answer,
// each as its fields in wire order.
func recordedSessions(b *testing.B) [][]field {
	raw, err := os.ReadFile("../testdata/chatsessions/recent_messages_large.json")
	if err != nil {
		b.Fatal(err)
	}
	var env struct {
		Data struct {
			Sessions []json.RawMessage `json:"sessions"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		b.Fatal(err)
	}
	out := make([][]field, len(env.Data.Sessions))
	for i, s := range env.Data.Sessions {
		if out[i], err = objectFields(s); err != nil {
			b.Fatal(err)
		}
	}
	return out
}

func objectFields(obj json.RawMessage) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	var fields []field
	for dec.More() {
		name, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		fields = append(fields, field{name.(string), v})
	}
	return fields, nil
}

// digest sums up a decoded Recent answer. Every impl's answer must give the
// payload's digest, so that an impl that decodes less cannot look fast.
type digest struct {
	sessions       int    // sessions in the list
	total          int    // total_sessions
	firstID        string // session_id of the first session
	firstStart     int64  // start_date_time of the first session, Unix ms
	open           int    // sessions without end_date_time
	untagged       int    // sessions with a null tag
	messages       int    // messages of all sessions
	untimed        int    // messages with a null timestamp
	lastMessageID  string // id of the last message of the last session
	lastMessageDir string // its direction
}

// recentPayload builds a Recent answer of n sessions taken round robin from
// the recording: without messages when perSession is 0, else with exactly
// perSession messages each (the session's own, repeated when it has fewer).
// It returns the body and the digest any correct decoding of it gives.
func recentPayload(b *testing.B, n, perSession int) ([]byte, digest) {
	recorded := recordedSessions(b)
	var out bytes.Buffer
	fmt.Fprintf(&out, `{"success":true,"data":{"hours_ago":48,"total_sessions":%d,"sessions":[`, n)
	want := digest{sessions: n, total: n}
	for i := range n {
		if i > 0 {
			out.WriteByte(',')
		}
		out.WriteByte('{')
		hasEnd := false
		for j, f := range recorded[i%len(recorded)] {
			value := f.value
			switch f.name {
			case "messages":
				if perSession == 0 {
					continue
				}
				value = repeatMessages(b, f.value, perSession, &want)
			case "end_date_time":
				hasEnd = true
			case "tag":
				if string(f.value) == "null" {
					want.untagged++
				}
			case "session_id":
				if i == 0 {
					want.firstID = unquote(b, f.value)
				}
			case "start_date_time":
				if i == 0 {
					t, err := time.Parse(time.RFC3339Nano, unquote(b, f.value))
					if err != nil {
						b.Fatal(err)
					}
					want.firstStart = t.UnixMilli()
				}
			}
			if j > 0 {
				out.WriteByte(',')
			}
			name, _ := json.Marshal(f.name)
			out.Write(name)
			out.WriteByte(':')
			out.Write(value)
		}
		if !hasEnd {
			want.open++
		}
		out.WriteByte('}')
	}
	out.WriteString("]}}")
	if !json.Valid(out.Bytes()) {
		b.Fatal("recentPayload built invalid JSON")
	}
	return out.Bytes(), want
}

// repeatMessages returns a list of n messages cycling through list, and adds
// them to want.
func repeatMessages(b *testing.B, list json.RawMessage, n int, want *digest) json.RawMessage {
	var msgs []json.RawMessage
	if err := json.Unmarshal(list, &msgs); err != nil || len(msgs) == 0 {
		b.Fatalf("recorded messages: %v (%d)", err, len(msgs))
	}
	var out bytes.Buffer
	out.WriteByte('[')
	for k := range n {
		if k > 0 {
			out.WriteByte(',')
		}
		m := msgs[k%len(msgs)]
		out.Write(m)
		var v struct {
			ID        string  `json:"id"`
			Direction string  `json:"direction"`
			Timestamp *string `json:"timestamp"`
		}
		if err := json.Unmarshal(m, &v); err != nil {
			b.Fatal(err)
		}
		want.messages++
		if v.Timestamp == nil {
			want.untimed++
		}
		want.lastMessageID, want.lastMessageDir = v.ID, v.Direction
	}
	out.WriteByte(']')
	return out.Bytes()
}

func unquote(b *testing.B, v json.RawMessage) string {
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		b.Fatal(err)
	}
	return s
}

// readFixture returns a file of the root module's testdata.
func readFixture(b *testing.B, name string) []byte {
	body, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		b.Fatal(err)
	}
	return body
}
