package dmchamp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Answers are decoded with github.com/go-json-experiment/json (the prototype
// of encoding/json/v2), which streams, and with these options:
//
//   - keys match exactly: "Status" beside "status" is ignored, as is a key
//     that differs from a field's name only by case;
//   - a repeated key's last value wins and invalid UTF-8 is replaced, as
//     encoding/json does;
//   - an integer may be written as any JSON number with no fraction (1.0,
//     2.4e1), as JSON Schema allows;
//   - a time.Time is RFC 3339 with "T" and "Z" in either case; a leap
//     second (23:59:60 UTC), which time.Time cannot hold, is read as the
//     next day's first second (00:00:00).
var decodeOptions = jsonv2.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	jsonv2.WithUnmarshalers(jsonv2.JoinUnmarshalers(
		jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *int) error {
			n, err := decodeInt(dec, strconv.IntSize)
			*v = int(n)
			return err
		}),
		jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *int64) error {
			n, err := decodeInt(dec, 64)
			*v = n
			return err
		}),
		jsonv2.UnmarshalFromFunc(decodeTime),
	)),
)

// unmarshal decodes a whole JSON value with decodeOptions.
func unmarshal(b []byte, v any) error { return jsonv2.Unmarshal(b, v, decodeOptions) }

// decodeInt reads a JSON number that is an integer of the given bit size.
// null leaves zero.
func decodeInt(dec *jsontext.Decoder, bits int) (int64, error) {
	val, err := dec.ReadValue()
	if err != nil {
		return 0, err
	}
	switch val.Kind() {
	case 'n':
		return 0, nil
	case '0':
	default:
		return 0, fmt.Errorf("JSON %s is not an integer", kindName(val.Kind()))
	}
	s := string(val)
	if n, err := strconv.ParseInt(s, 10, bits); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	limit := math.Ldexp(1, bits-1)
	if err != nil || f != math.Trunc(f) || f < -limit || f >= limit {
		return 0, fmt.Errorf("JSON number %.40s is not an integer of %d bits", s, bits)
	}
	return int64(f), nil
}

// decodeTime reads an RFC 3339 timestamp. null leaves the zero time; any
// other value, "" included, is an error.
func decodeTime(dec *jsontext.Decoder, t *time.Time) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	if val.Kind() == 'n' {
		*t = time.Time{}
		return nil
	}
	*t, err = timeValue(val)
	return err
}

// timeValue parses a JSON string holding an RFC 3339 timestamp.
func timeValue(val jsontext.Value) (time.Time, error) {
	if val.Kind() != '"' {
		return time.Time{}, fmt.Errorf("JSON %s is not a timestamp", kindName(val.Kind()))
	}
	var t time.Time
	if raw := val[1 : len(val)-1]; bytes.IndexByte(raw, '\\') < 0 && t.UnmarshalText(raw) == nil {
		return t, nil // the common form, parsed without a copy
	}
	s, err := jsontext.AppendUnquote(nil, val)
	if err != nil {
		return time.Time{}, err
	}
	return parseRFC3339(string(s))
}

// parseRFC3339 parses an RFC 3339 date-time: "T" and "Z" may be lower case,
// and a leap second (second 60) is the first instant of the next minute,
// which time.Time can represent.
func parseRFC3339(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		return t, nil
	}
	if len(s) < 20 || s[10] != 'T' && s[10] != 't' {
		return time.Time{}, fmt.Errorf("%.40q is not an RFC 3339 timestamp", s)
	}
	b := []byte(s)
	b[10] = 'T'
	if last := len(b) - 1; b[last] == 'z' {
		b[last] = 'Z'
	}
	leap := b[17] == '6' && b[18] == '0'
	if leap {
		b[17], b[18] = '5', '9'
	}
	t, err = time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return time.Time{}, fmt.Errorf("%.40q is not an RFC 3339 timestamp", s)
	}
	if leap {
		// RFC 3339: a leap second is 23:59:60 UTC, in any offset.
		if u := t.UTC(); u.Hour() != 23 || u.Minute() != 59 {
			return time.Time{}, fmt.Errorf("%.40q has second 60 outside a leap second", s)
		}
		t = t.Add(time.Second)
	}
	return t, nil
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

// envelope is the {"success", "data"} answer; the error fields are decoded
// in the same pass, for a "success": false on a 2xx.
type envelope[T any] struct {
	Data *T `json:"data"`
	errorBody
}

var (
	errNoData     = errors.New(`"data" is missing`)
	errNotAnswer  = errors.New("the answer holds none of the endpoint's result fields")
	errNotJSON    = errors.New("the body is not JSON")
	errNotObject  = errors.New("the body is not a JSON object")
	errNotSuccess = errors.New(`"success" is neither true nor false`)
)

// decodeAnswer decodes a whole 2xx body of the given shape into out. It
// returns the body's error envelope when the body reports a failure.
func decodeAnswer[T any](b []byte, sh shape, out *T) (*errorBody, error) {
	switch sh {
	case inData:
		var env envelope[T]
		if err := unmarshal(b, &env); err != nil {
			return failureIn(b), err
		}
		return env.result(out)
	case flat:
		return decodeFlat(b, out)
	}
	if err := unmarshal(b, out); err != nil {
		return failureIn(b), err
	}
	return nil, nil
}

// decodeFlat decodes a JSON object into out after checking that it does not
// report a failure.
func decodeFlat(b []byte, out any) (*errorBody, error) {
	if first(b) != '{' {
		return nil, errNotObject
	}
	var eb errorBody
	if err := unmarshal(b, &eb); err != nil {
		return nil, err
	}
	if failed, err := eb.status(); err != nil || failed {
		return failedOrNot(&eb, failed), err
	}
	return nil, unmarshal(b, out)
}

func failedOrNot(eb *errorBody, failed bool) *errorBody {
	if failed {
		return eb
	}
	return nil
}

// decodeStream decodes a {"success", "data"} body from r as it arrives:
// the decoder holds one value at a time, never the whole body.
func decodeStream[T any](r io.Reader, out *T) (*errorBody, error) {
	var env envelope[T]
	if err := jsonv2.UnmarshalRead(r, &env, decodeOptions); err != nil {
		return nil, err
	}
	return env.result(out)
}

// result moves the envelope's data into out, or returns its failure.
func (env *envelope[T]) result(out *T) (*errorBody, error) {
	if failed, err := env.status(); err != nil || failed {
		return failedOrNot(&env.errorBody, failed), err
	}
	if env.Data == nil {
		return nil, errNoData
	}
	*out = *env.Data
	return nil, nil
}

// hasResult reports whether the object b, or its "data" object when inData,
// holds at least one of the given keys with a value other than null. A
// side-effecting call whose answer holds none of its documented fields has
// not shown that it succeeded. Where "data" repeats, its last value counts,
// as in decoding. b is scanned once, without a copy.
func hasResult(b []byte, inData bool, keys []string) bool {
	dec := jsontext.NewDecoder(bytes.NewBuffer(b), decodeOptions)
	if !inData {
		found, err := holdsKey(dec, keys)
		return found && err == nil
	}
	found := false
	err := eachMember(dec, func(name []byte) (err error) {
		if string(name) != "data" {
			return dec.SkipValue()
		}
		found, err = holdsKey(dec, keys)
		return err
	})
	return found && err == nil
}

// holdsKey reads the object at dec and reports whether it holds one of keys
// with a value other than null. A value that is not an object holds none.
func holdsKey(dec *jsontext.Decoder, keys []string) (bool, error) {
	if dec.PeekKind() != '{' {
		return false, dec.SkipValue()
	}
	found := false
	err := eachMember(dec, func(name []byte) error {
		if !found && slices.ContainsFunc(keys, func(k string) bool { return k == string(name) }) && dec.PeekKind() != 'n' {
			found = true
		}
		return dec.SkipValue()
	})
	return found, err
}

// memberName returns the name a JSON string spells, without a copy when it
// has no escapes.
func memberName(quoted jsontext.Value) []byte {
	if raw := quoted[1 : len(quoted)-1]; bytes.IndexByte(raw, '\\') < 0 {
		return raw
	}
	b, _ := jsontext.AppendUnquote(nil, quoted)
	return b
}

// eachMember reads the object at dec, calling f with each member's name
// before its value, which f must read. name is valid until f reads on.
func eachMember(dec *jsontext.Decoder, f func(name []byte) error) error {
	if tok, err := dec.ReadToken(); err != nil {
		return err
	} else if tok.Kind() != '{' {
		return errNotObject
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if err := f(memberName(name)); err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

// first returns the first byte of b that is not JSON white space, or 0.
func first(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

// startsJSON reports whether c can begin a JSON value.
func startsJSON(c byte) bool {
	return strings.IndexByte(`{["-0123456789tfn`, c) >= 0
}
