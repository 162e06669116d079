package webhook

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// maxFormDepth bounds the nesting of bracketed form keys.
const maxFormDepth = 8

// formJSON turns form values into a JSON object, reading bracketed keys as
// nesting, as the qs and PHP conventions do (DM Champ's own chat widget
// posts customData[messageSid]=...): "system[contact][id]=c1" becomes
// {"system":{"contact":{"id":"c1"}}}. A key given more than once, or
// ending in "[]", becomes an array of strings; of two keys that conflict
// ("a=1&a[b]=2"), the first in sorted order is kept.
func formJSON(values url.Values) []byte {
	root := map[string]any{}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		vals := values[key]
		path, array := formPath(key)
		if len(vals) == 0 {
			continue
		}
		node := root
		for _, seg := range path[:len(path)-1] {
			child, ok := node[seg].(map[string]any)
			if !ok {
				if _, taken := node[seg]; taken {
					node = nil
					break
				}
				child = map[string]any{}
				node[seg] = child
			}
			node = child
		}
		last := path[len(path)-1]
		if node == nil {
			continue
		}
		if _, taken := node[last]; taken {
			continue
		}
		if array || len(vals) > 1 {
			node[last] = vals
		} else {
			node[last] = vals[0]
		}
	}
	b, _ := json.Marshal(root) // strings and maps only: cannot fail
	return b
}

// formPath splits "a[b][c]" into [a b c]; array reports a final "[]". A
// key that is not well formed is taken whole.
func formPath(key string) (path []string, array bool) {
	name, rest, found := strings.Cut(key, "[")
	if !found || name == "" {
		return []string{key}, false
	}
	path = []string{name}
	rest = "[" + rest
	for rest != "" {
		if rest[0] != '[' || len(path) > maxFormDepth {
			return []string{key}, false
		}
		seg, after, ok := strings.Cut(rest[1:], "]")
		if !ok {
			return []string{key}, false
		}
		if seg == "" {
			if after != "" {
				return []string{key}, false
			}
			return path, true
		}
		path = append(path, seg)
		rest = after
	}
	return path, false
}
