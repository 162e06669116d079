package dmchamp

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// decodeEnvelope decodes a {"success": ..., "data": ...} body from dec into
// data and eb, streaming: the elements of a list in data (the sessions of
// an answer, or of a page) are decoded one at a time, so the body is never
// held in memory whole. It reports whether the last "data" was present
// and not null.
//
// It gives the result json.Unmarshal gives for the same body: keys match
// case-insensitively, a repeated key's last value wins, a repeated list is
// decoded into the earlier list's elements, and anything but space after the
// body is refused.
func decodeEnvelope(dec *json.Decoder, data any, eb *errorBody) (bool, error) {
	if err := expectDelim(dec, '{'); err != nil {
		return false, err
	}
	found := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false, err
		}
		var dst any
		switch envelopeFields.canonical(key.(string)) {
		case "data":
			if found, err = decodeStreaming(dec, data); err != nil {
				return false, err
			}
			continue
		case "success":
			dst = &eb.Success
		case "error_code":
			dst = &eb.ErrorCode
		case "error":
			dst = &eb.Error
		case "message":
			dst = &eb.Message
		case "errors":
			dst = &eb.Errors
		default:
			dst = new(json.RawMessage)
		}
		if err := dec.Decode(dst); err != nil {
			return false, err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return false, err
	}
	if tok, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = fmt.Errorf("json: %v after top-level value", tok)
		}
		return false, err
	}
	return found, nil
}

// decodeStreaming decodes the next value into v, a pointer. A list, or a
// struct's list fields, are decoded element by element; anything else, and
// any type with its own UnmarshalJSON, is decoded whole by encoding/json. It
// reports false for null.
func decodeStreaming(dec *json.Decoder, v any) (bool, error) {
	rv := reflect.ValueOf(v).Elem()
	if !streamable(rv.Type()) {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return false, err
		}
		if string(raw) == "null" {
			return false, nil
		}
		return true, json.Unmarshal(raw, v)
	}
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return false, err
	}
	if rv.Kind() == reflect.Slice {
		if tok != json.Delim('[') {
			return false, typeError(tok, rv.Type())
		}
		return true, decodeElements(dec, rv)
	}
	if tok != json.Delim('{') {
		return false, typeError(tok, rv.Type())
	}
	fields := fieldsOf(rv.Type())
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false, err
		}
		f, ok := fields.lookup(key.(string))
		if !ok {
			if err := dec.Decode(new(json.RawMessage)); err != nil {
				return false, err
			}
			continue
		}
		fv := rv.Field(f.index)
		if !f.list {
			if err := dec.Decode(fv.Addr().Interface()); err != nil {
				return false, err
			}
			continue
		}
		switch tok, err := dec.Token(); {
		case err != nil:
			return false, err
		case tok == nil:
			fv.SetZero()
		case tok != json.Delim('['):
			return false, typeError(tok, fv.Type())
		default:
			if err := decodeElements(dec, fv); err != nil {
				return false, err
			}
		}
	}
	return true, expectDelim(dec, '}')
}

// decodeElements decodes the elements of a JSON array, whose '[' was read,
// into the slice s, one at a time, and reads the closing ']'. As
// encoding/json does, it decodes into the elements s already has.
func decodeElements(dec *json.Decoder, s reflect.Value) error {
	i := 0
	for ; dec.More(); i++ {
		if i == s.Cap() {
			s.Grow(1)
		}
		if i == s.Len() {
			s.SetLen(i + 1)
		}
		if err := dec.Decode(s.Index(i).Addr().Interface()); err != nil {
			return err
		}
	}
	if i == 0 {
		s.Set(reflect.MakeSlice(s.Type(), 0, 0))
	} else {
		s.SetLen(i)
	}
	return expectDelim(dec, ']')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("json: expected %q, found %v", want, tok)
	}
	return nil
}

func typeError(tok json.Token, t reflect.Type) error {
	return &json.UnmarshalTypeError{Value: fmt.Sprintf("%v", tok), Type: t}
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// streamable reports whether decodeStreaming walks values of t itself: a
// slice, or a struct whose fields its matching handles, without an
// UnmarshalJSON of its own. Anything else is left to encoding/json.
func streamable(t reflect.Type) bool {
	switch {
	case reflect.PointerTo(t).Implements(unmarshalerType):
		return false
	case t.Kind() == reflect.Slice:
		return t.Elem().Kind() != reflect.Uint8
	case t.Kind() == reflect.Struct:
		return fieldsOf(t) != nil
	}
	return false
}

// structFields maps the JSON names of a struct's fields to the fields.
type structFields struct {
	byName map[string]field
	all    []field
}

type field struct {
	name  string
	index int
	list  bool // a slice whose elements are decoded one at a time
}

// lookup finds a field as encoding/json does: by exact name, else
// case-insensitively.
func (sf *structFields) lookup(name string) (field, bool) {
	if f, ok := sf.byName[name]; ok {
		return f, true
	}
	for _, f := range sf.all {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return field{}, false
}

// canonical returns the name of the field a key matches, or "".
func (sf *structFields) canonical(key string) string {
	f, _ := sf.lookup(key)
	return f.name
}

// envelopeFields are the keys decodeEnvelope reads.
var envelopeFields = func() *structFields {
	sf := &structFields{byName: map[string]field{}}
	for _, name := range []string{"data", "success", "error_code", "error", "message", "errors"} {
		sf.byName[name] = field{name: name}
		sf.all = append(sf.all, field{name: name})
	}
	return sf
}()

var fieldCache sync.Map // reflect.Type -> *structFields

// fieldsOf returns the JSON fields of a struct type, or nil when it has an
// embedded field or a ",string" option, which the matching does not handle.
func fieldsOf(t reflect.Type) *structFields {
	if sf, ok := fieldCache.Load(t); ok {
		return sf.(*structFields)
	}
	sf := &structFields{byName: map[string]field{}}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous || slices.Contains(strings.Split(opts, ","), "string") {
			sf = nil
			break
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fd := field{name: name, index: i, list: f.Type.Kind() == reflect.Slice && streamable(f.Type)}
		sf.byName[name] = fd
		sf.all = append(sf.all, fd)
	}
	actual, _ := fieldCache.LoadOrStore(t, sf)
	return actual.(*structFields)
}
