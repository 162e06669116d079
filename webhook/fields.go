package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// object is a JSON object, its members kept raw, read through the tolerant
// getters below: each takes the names a field has been seen under and
// returns the first usable one.
type object map[string]json.RawMessage

// decodeObject decodes b when it is exactly one JSON object.
func decodeObject(b []byte) (object, error) {
	var o object
	if err := json.Unmarshal(b, &o); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, fmt.Errorf("a JSON %s, not an object", typeErr.Value)
		}
		return nil, err
	}
	if o == nil { // the body was null
		return nil, errNotObject
	}
	return o, nil
}

// str returns the first member that is a non-blank string, or a number (as
// written: ids are sometimes numbers).
func (o object) str(keys ...string) string {
	for _, k := range keys {
		if s, ok := text(o[k]); ok {
			return s
		}
	}
	return ""
}

// text returns raw as text when it is a non-blank string or a number.
func text(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil || strings.TrimSpace(s) == "" {
			return "", false
		}
		return s, true
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return "", false
		}
		return n.String(), true
	}
	return "", false
}

// obj returns the first member that is a JSON object.
func (o object) obj(keys ...string) (object, json.RawMessage, bool) {
	for _, k := range keys {
		raw := bytes.TrimSpace(o[k])
		if len(raw) == 0 || raw[0] != '{' {
			continue
		}
		if sub, err := decodeObject(raw); err == nil {
			return sub, raw, true
		}
	}
	return nil, nil, false
}

// boolean returns the first member that reads as a boolean: true/false, the
// strings "true"/"false"/"1"/"0"/"yes"/"no", or the numbers 1 and 0.
func (o object) boolean(keys ...string) (value, ok bool) {
	for _, k := range keys {
		raw := bytes.TrimSpace(o[k])
		var s string
		switch {
		case len(raw) == 0:
			continue
		case raw[0] == '"':
			if json.Unmarshal(raw, &s) != nil {
				continue
			}
		default:
			s = string(raw)
		}
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "1", "yes":
			return true, true
		case "false", "0", "no":
			return false, true
		}
	}
	return false, false
}

// time returns the first member that reads as a timestamp (see parseTime).
func (o object) time(keys ...string) time.Time {
	for _, k := range keys {
		if t, ok := parseTime(o[k]); ok {
			return t
		}
	}
	return time.Time{}
}

// strings returns a member that is an array of strings, or of objects with
// a name ({"name": "vip"}), as seen for contact tags.
func (o object) strings(key string) []string {
	var items []json.RawMessage
	if json.Unmarshal(o[key], &items) != nil {
		return nil
	}
	var out []string
	for _, item := range items {
		if s, ok := text(item); ok {
			out = append(out, s)
			continue
		}
		if sub, err := decodeObject(item); err == nil {
			if s := sub.str("name", "tag", "title"); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// members returns a member that is an object, as a map of raw values.
func (o object) members(keys ...string) map[string]json.RawMessage {
	sub, _, ok := o.obj(keys...)
	if !ok || len(sub) == 0 {
		return nil
	}
	return sub
}

// fill sets *dst to v when *dst is empty.
func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// cut shortens s for an error message or a log line.
func cut(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "..."
}
