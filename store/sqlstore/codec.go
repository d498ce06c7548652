package sqlstore

import (
	"bytes"
	"encoding/json"

	"fmt"
	gojson "github.com/goccy/go-json"
	"reflect"
	"strings"
	"sync"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
)

// emptyKey is the JSON member, added to a record's JSON only when needed, that lists
// the fields holding an empty (not nil) slice or map. The records' JSON tags omit
// empty slices and maps, which would otherwise come back nil: the store promises to
// return records exactly as given.
const emptyKey = "$empty"

// emptyField is a slice or map field that JSON omits when empty: its index path and
// its dotted name in the list.
type emptyField struct {
	index []int
	name  string
}

// emptyFields caches, per record type, the fields that JSON omits when empty.
var emptyFields sync.Map // reflect.Type → []emptyField

// omittable returns the fields of struct type t (at any depth of nested structs)
// whose JSON tag omits them when they are an empty slice or map.
func omittable(t reflect.Type) []emptyField {
	if v, ok := emptyFields.Load(t); ok {
		return v.([]emptyField)
	}
	var out []emptyField
	var walk func(t reflect.Type, index []int, prefix string)
	walk = func(t reflect.Type, index []int, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			idx := append(append([]int(nil), index...), i)
			name := prefix + f.Name
			switch f.Type.Kind() {
			case reflect.Slice, reflect.Map:
				if strings.Contains(tag, ",omitempty") {
					out = append(out, emptyField{idx, name})
				}
			case reflect.Struct:
				if _, custom := reflect.PointerTo(f.Type).MethodByName("UnmarshalJSON"); custom {
					continue
				}
				if _, custom := reflect.PointerTo(f.Type).MethodByName("UnmarshalText"); custom {
					continue
				}
				walk(f.Type, idx, name+".")
			}
		}
	}
	walk(t, nil, "")
	emptyFields.Store(t, out)
	return out
}

// encodeRecord returns the JSON of a record (a pointer to a struct), with the
// empty-field list when any omittable slice or map is empty but not nil.
func encodeRecord(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	rv := reflect.ValueOf(v).Elem()
	var empties []string
	for _, f := range omittable(rv.Type()) {
		fv := rv.FieldByIndex(f.index)
		if !fv.IsNil() && fv.Len() == 0 {
			empties = append(empties, f.name)
		}
	}
	if len(empties) == 0 {
		return b, nil
	}
	extra, _ := json.Marshal(empties)
	b = b[:len(b)-1] // the closing brace
	if len(b) > 1 {
		b = append(b, ',')
	}
	b = append(b, `"`+emptyKey+`":`...)
	b = append(b, extra...)
	return append(b, '}'), nil
}

// decodeRecord decodes JSON written by encodeRecord into v (a pointer to a struct).
func decodeRecord(data []byte, v any) error {
	if err := gojson.Unmarshal(data, v); err != nil {
		return err
	}
	if !bytes.Contains(data, []byte(`"`+emptyKey+`"`)) {
		return nil
	}
	var side map[string]json.RawMessage
	if err := json.Unmarshal(data, &side); err != nil {
		return err
	}
	var empties []string
	if err := json.Unmarshal(side[emptyKey], &empties); err != nil {
		return fmt.Errorf("%s: %w", emptyKey, err)
	}
	rv := reflect.ValueOf(v).Elem()
	for _, name := range empties {
		for _, f := range omittable(rv.Type()) {
			if f.name != name {
				continue
			}
			fv := rv.FieldByIndex(f.index)
			if fv.Kind() == reflect.Slice {
				fv.Set(reflect.MakeSlice(fv.Type(), 0, 0))
			} else {
				fv.Set(reflect.MakeMap(fv.Type()))
			}
		}
	}
	return nil
}

// newImage returns a fresh, empty record of the kind's type.
func newImage(k store.RecordKind) (any, error) {
	switch k {
	case store.KindSettings:
		return new(store.DirectoryRecord), nil
	case store.KindNode:
		return new(orgtree.Node), nil
	case store.KindMember:
		return new(member.Member), nil
	case store.KindRole:
		return new(role.Role), nil
	case store.KindRoleGroup:
		return new(role.Group), nil
	case store.KindAssignment:
		return new(role.Assignment), nil
	}
	return nil, fmt.Errorf("unknown record kind %d: %w", uint8(k), orgkit.ErrInvalid)
}

// decodeImage decodes a record image of kind k.
func decodeImage(k store.RecordKind, data []byte) (any, error) {
	v, err := newImage(k)
	if err != nil {
		return nil, err
	}
	if err := decodeRecord(data, v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", k, err)
	}
	return v, nil
}
