package webhook

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// layouts are the textual timestamps accepted, tried in order. Those without
// a zone are read as UTC.
var layouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// msThreshold separates unix seconds from unix milliseconds: 1e11 seconds
// is the year 5138, 1e11 milliseconds is March 1973.
const msThreshold = 1e11

// parseTime reads a timestamp in any of the forms seen: an RFC 3339 string
// (or one of layouts), unix seconds or milliseconds as a number or a string
// of digits, and a Firestore timestamp object ({"_seconds", "_nanoseconds"}
// or {"seconds", "nanos"}). Zero and out-of-range values are not
// timestamps.
func parseTime(raw json.RawMessage) (time.Time, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return time.Time{}, false
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return time.Time{}, false
		}
		s = strings.TrimSpace(s)
		if n, err := strconv.ParseFloat(s, 64); err == nil {
			return unixTime(n)
		}
		for _, layout := range layouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true
			}
		}
	case '{':
		o, err := decodeObject(raw)
		if err != nil {
			return time.Time{}, false
		}
		for _, pair := range [][2]string{{"_seconds", "_nanoseconds"}, {"seconds", "nanos"}, {"seconds", "nanoseconds"}} {
			sec, err := strconv.ParseInt(o.str(pair[0]), 10, 64)
			if err != nil {
				continue
			}
			nsec, _ := strconv.ParseInt(o.str(pair[1]), 10, 64)
			if sec <= 0 || sec >= msThreshold || nsec < 0 || nsec >= 1e9 {
				return time.Time{}, false
			}
			return time.Unix(sec, nsec).UTC(), true
		}
	default:
		var n float64
		if json.Unmarshal(raw, &n) == nil {
			return unixTime(n)
		}
	}
	return time.Time{}, false
}

// unixTime reads n as unix seconds, or milliseconds past msThreshold.
func unixTime(n float64) (time.Time, bool) {
	if math.IsNaN(n) || n <= 0 || n >= msThreshold*1000 {
		return time.Time{}, false
	}
	if n >= msThreshold {
		n /= 1000
	}
	sec, frac := math.Modf(n)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), true
}
