package jsonkeys

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
)

// Unmarshal decodes the JSON object data into v, a pointer to a struct, as
// json.Unmarshal does, after renaming every top-level key that spells one
// of the struct's JSON keys differently (case and underscores ignored) to
// that key. A key spelled exactly wins over a legacy spelling of the same
// field. Data that is not an object (null, or a wrong type) is passed to
// json.Unmarshal unchanged, so its error is the usual one.
//
// Call it from an UnmarshalJSON method on a type without methods, to avoid
// recursion:
//
//	func (c *Config) UnmarshalJSON(b []byte) error {
//		type plain Config
//		return jsonkeys.Unmarshal(b, (*plain)(c))
//	}
func Unmarshal(data []byte, v any) error {
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return json.Unmarshal(data, v)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return json.Unmarshal(data, v) // the decoder's own error, with its offset
	}
	keys := fieldKeys(reflect.TypeOf(v).Elem())
	renamed := false
	for k, val := range obj {
		want, ok := keys[fold(k)]
		if !ok || want == k {
			continue
		}
		delete(obj, k)
		renamed = true
		if _, exact := obj[want]; !exact {
			obj[want] = val
		}
	}
	if renamed {
		b, err := json.Marshal(obj)
		if err != nil {
			return err // cannot happen: every value is valid JSON
		}
		data = b
	}
	return json.Unmarshal(data, v)
}

// fieldKeys maps the folded JSON key of each exported field of struct type
// t to the key itself.
func fieldKeys(t reflect.Type) map[string]string {
	keys := map[string]string{}
	if t.Kind() != reflect.Struct {
		return keys
	}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		keys[fold(name)] = name
	}
	return keys
}

// fold is the spelling-insensitive form of a key: lower case, no
// underscores.
func fold(k string) string { return strings.ReplaceAll(strings.ToLower(k), "_", "") }
