package webhook_test

import (
	"testing"
	"time"

	"github.com/dmchamp-go/dmchamp/webhook"
)

// Timestamps are read through Message.Timestamp.
func TestTimestampForms(t *testing.T) {
	want := time.Date(2026, 1, 1, 9, 15, 2, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Time
	}{
		{`"2026-01-01T09:15:02Z"`, want},
		{`"2026-01-01T10:15:02+01:00"`, want},
		{`"2026-01-01T09:15:02.250Z"`, want.Add(250 * time.Millisecond)},
		{`"2026-01-01T09:15:02"`, want},
		{`"2026-01-01 09:15:02"`, want},
		{`"2026-01-01 09:15:02Z"`, want},
		{`"2026-01-01"`, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{`1767258902`, want},
		{`1767258902.5`, want.Add(500 * time.Millisecond)},
		{`1767258902000`, want},
		{`1767258902250`, want.Add(250 * time.Millisecond)},
		{`"1767258902"`, want},
		{`"1767258902000"`, want},
		{`{"_seconds":1767258902,"_nanoseconds":5000}`, want.Add(5 * time.Microsecond)},
		{`{"seconds":"1767258902","nanos":0}`, want},
		// Not timestamps.
		{`0`, time.Time{}},
		{`-5`, time.Time{}},
		{`1e300`, time.Time{}},
		{`""`, time.Time{}},
		{`"yesterday"`, time.Time{}},
		{`null`, time.Time{}},
		{`true`, time.Time{}},
		{`[1767258902]`, time.Time{}},
		{`{"_seconds":-1}`, time.Time{}},
		{`{"_seconds":1767258902,"_nanoseconds":2000000000}`, time.Time{}},
		{`{"other":1}`, time.Time{}},
	}
	for _, tt := range tests {
		body := `{"event":"new_message","data":{"timestamp":` + tt.value + `}}`
		e, err := webhook.Parse(post([]byte(body), ""), webhook.Unverified())
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.Message()
		if err != nil {
			t.Fatal(err)
		}
		if !m.Timestamp.Equal(tt.want) {
			t.Errorf("timestamp %s = %v, want %v", tt.value, m.Timestamp, tt.want)
		}
	}
}

func TestTimestampFallbackKeys(t *testing.T) {
	body := `{"event":"new_message","data":{"timestamp":"soon","createdAt":1767258902}}`
	e, _ := webhook.Parse(post([]byte(body), ""), webhook.Unverified())
	m, _ := e.Message()
	if want := time.Unix(1767258902, 0); !m.Timestamp.Equal(want) {
		t.Errorf("Timestamp = %v, want %v from createdAt", m.Timestamp, want)
	}
}
