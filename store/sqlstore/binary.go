package sqlstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
)

// The records' compact form.
//
// Load reads every record of a directory, and decoding JSON by reflection is most of
// its cost. So each record's latest image is also kept in a compact binary form
// (column bin), which Load decodes without parsing text: the record's fields in
// declaration order, integers as varints, strings and slices with their length (0
// for nil, n+1 otherwise, so nil and empty stay apart), IDs as their 16 bytes, times
// in their binary form. Decoding allocates one string per record, which every
// string field of the record shares.
//
// The JSON column stays the record's truth, which the views read. The compact form
// starts with a header: a format byte and a fingerprint of the record types' field
// lists (names, types, order). A program whose record types differ from those that
// wrote a row (a field added in a newer version) sees another fingerprint and reads
// that row's JSON instead, so the compact form never outlives the types it encodes.
// A record type with a field the compact form cannot express (an interface, a
// pointer, an unexported field) is kept as JSON only.

// binFormat is the compact form's format byte.
const binFormat = 1

// binPlan is how one struct type is encoded: one op per field, in order.
type binPlan struct {
	ops []binOp
}

// binOp encodes and decodes one value of a type.
type binOp struct {
	index  int     // the field's index in its struct; -1 for a slice element or map entry
	offset uintptr // the field's offset in its struct
	kind   reflect.Kind
	typ    reflect.Type
	elem   *binOp   // slice element, map value
	key    *binOp   // map key
	plan   *binPlan // struct
	time   bool     // time.Time
	id     bool     // an array of bytes (IDs)
}

var timeType = reflect.TypeFor[time.Time]()

// compileOp returns the op for values of type t, describing it into fp; ok is false
// when the compact form cannot express t.
func compileOp(t reflect.Type, index int, fp *[]byte) (op binOp, ok bool) {
	op = binOp{index: index, kind: t.Kind(), typ: t}
	*fp = append(*fp, t.String()...)
	*fp = append(*fp, ';')
	switch t.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return op, true
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			op.id = true
			*fp = fmt.Appendf(*fp, "[%d];", t.Len())
			return op, true
		}
	case reflect.Slice:
		e, ok := compileOp(t.Elem(), -1, fp)
		if ok {
			op.elem = &e
			return op, true
		}
	case reflect.Map:
		k, kok := compileOp(t.Key(), -1, fp)
		v, vok := compileOp(t.Elem(), -1, fp)
		if kok && vok {
			op.key, op.elem = &k, &v
			return op, true
		}
	case reflect.Struct:
		if t == timeType {
			op.time = true
			return op, true
		}
		p, ok := compilePlan(t, fp)
		if ok {
			op.plan = p
			return op, true
		}
	}
	return op, false
}

// compilePlan returns the plan of struct type t.
func compilePlan(t reflect.Type, fp *[]byte) (*binPlan, bool) {
	p := &binPlan{}
	*fp = append(*fp, '{')
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			return nil, false
		}
		*fp = append(*fp, f.Name...)
		*fp = append(*fp, ':')
		op, ok := compileOp(f.Type, i, fp)
		if !ok {
			return nil, false
		}
		op.offset = f.Offset
		p.ops = append(p.ops, op)
	}
	*fp = append(*fp, '}')
	return p, true
}

// binCodec is the compact form of every record kind that has one.
type binCodec struct {
	plans  map[store.RecordKind]*binPlan
	header string // format byte and fingerprint, 9 bytes
}

// codec returns the record kinds' plans, compiled once.
var codec = sync.OnceValue(func() *binCodec {
	c := &binCodec{plans: map[store.RecordKind]*binPlan{}}
	var fp []byte
	for _, kt := range []struct {
		k store.RecordKind
		t reflect.Type
	}{
		{store.KindNode, reflect.TypeFor[orgtree.Node]()},
		{store.KindMember, reflect.TypeFor[member.Member]()},
		{store.KindRole, reflect.TypeFor[role.Role]()},
		{store.KindRoleGroup, reflect.TypeFor[role.Group]()},
		{store.KindAssignment, reflect.TypeFor[role.Assignment]()},
	} {
		k, t := kt.k, kt.t
		fp = fmt.Appendf(fp, "%d=", k)
		if p, ok := compilePlan(t, &fp); ok {
			c.plans[k] = p
		} else {
			fp = append(fp, "json;"...)
		}
	}
	h := fnv.New64a()
	h.Write(fp)
	c.header = string(binary.BigEndian.AppendUint64([]byte{binFormat}, h.Sum64()))
	return c
})

// encodeBinary returns the compact form of a record, nil when its kind has none or
// the record holds a value the form cannot express (a time whose zone offset the
// time package cannot encode): such a record is read from its JSON.
func encodeBinary(kind store.RecordKind, v any) (b []byte) {
	c := codec()
	p, ok := c.plans[kind]
	if !ok {
		return nil
	}
	defer func() {
		if recover() != nil {
			b = nil
		}
	}()
	b = make([]byte, 0, 512)
	b = append(b, c.header...)
	return p.encode(b, reflect.ValueOf(v).Elem())
}

func (p *binPlan) encode(b []byte, v reflect.Value) []byte {
	for i := range p.ops {
		op := &p.ops[i]
		b = op.encode(b, v.Field(op.index))
	}
	return b
}

func (op *binOp) encode(b []byte, v reflect.Value) []byte {
	switch {
	case op.time:
		t := v.Interface().(time.Time)
		if t.IsZero() && t.Location() == time.UTC {
			return append(b, 0)
		}
		tb, err := t.MarshalBinary()
		if err != nil { // an offset that is not whole minutes: not expressible
			panic(err)
		}
		b = binary.AppendUvarint(b, uint64(len(tb))+1)
		return append(b, tb...)
	case op.id:
		if v.CanAddr() {
			return append(b, v.Bytes()...)
		}
		for i := range v.Len() {
			b = append(b, byte(v.Index(i).Uint()))
		}
		return b
	case op.plan != nil:
		return op.plan.encode(b, v)
	}
	switch op.kind {
	case reflect.Bool:
		if v.Bool() {
			return append(b, 1)
		}
		return append(b, 0)
	case reflect.String:
		s := v.String()
		b = binary.AppendUvarint(b, uint64(len(s)))
		return append(b, s...)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return binary.AppendVarint(b, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return binary.AppendUvarint(b, v.Uint())
	case reflect.Float32, reflect.Float64:
		return binary.BigEndian.AppendUint64(b, math.Float64bits(v.Float()))
	case reflect.Slice:
		if v.IsNil() {
			return append(b, 0)
		}
		b = binary.AppendUvarint(b, uint64(v.Len())+1)
		for i := range v.Len() {
			b = op.elem.encode(b, v.Index(i))
		}
		return b
	case reflect.Map:
		if v.IsNil() {
			return append(b, 0)
		}
		b = binary.AppendUvarint(b, uint64(v.Len())+1)
		it := v.MapRange()
		for it.Next() {
			b = op.key.encode(b, it.Key())
			b = op.elem.encode(b, it.Value())
		}
		return b
	}
	panic(fmt.Sprintf("sqlstore: compact form of %s", op.typ))
}

// errBinary reports a compact form that does not decode.
var errBinary = errors.New("malformed compact record")

// binReader reads a compact record from one string, which the decoded strings share.
type binReader struct {
	s   string
	pos int
	err error
}

func (r *binReader) fail() {
	if r.err == nil {
		r.err = errBinary
	}
	r.pos = len(r.s)
}

func (r *binReader) uvarint() uint64 {
	var x uint64
	var shift uint
	for i := 0; i < binary.MaxVarintLen64; i++ {
		if r.pos >= len(r.s) {
			r.fail()
			return 0
		}
		c := r.s[r.pos]
		r.pos++
		if c < 0x80 {
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	r.fail()
	return 0
}

func (r *binReader) varint() int64 {
	u := r.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (r *binReader) take(n uint64) string {
	if n > uint64(len(r.s)-r.pos) {
		r.fail()
		return ""
	}
	s := r.s[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s
}

// decodeBinary decodes a compact record of kind k; ok is false when data is not in
// this program's compact form (another header), and then the JSON must be read.
// The decoded strings share data's one copy.
func decodeBinary(k store.RecordKind, data string) (v any, ok bool, err error) {
	c := codec()
	p, has := c.plans[k]
	if !has || !strings.HasPrefix(data, c.header) {
		return nil, false, nil
	}
	v, err = newImage(k)
	if err != nil {
		return nil, true, err
	}
	return v, true, p.decodeRecord(k, data, reflect.ValueOf(v).UnsafePointer())
}

// decodeRecord decodes data, which starts with the header, into the record at ptr
// (a pointer to the zero value of the plan's struct type).
func (p *binPlan) decodeRecord(k store.RecordKind, data string, ptr unsafe.Pointer) error {
	r := &binReader{s: data, pos: len(codec().header)}
	p.decode(r, ptr)
	if r.err == nil && r.pos != len(r.s) {
		r.err = errBinary
	}
	if r.err != nil {
		return fmt.Errorf("decode %s: %w", k, r.err)
	}
	return nil
}

// decode decodes a struct at ptr. Fields are written through their offsets: this is
// the hot loop of Load, and reflect's setters cost several times as much.
func (p *binPlan) decode(r *binReader, ptr unsafe.Pointer) {
	for i := range p.ops {
		op := &p.ops[i]
		op.decode(r, unsafe.Add(ptr, op.offset))
	}
}

// decode decodes one value into the memory at ptr, which holds a zero value of
// op.typ.
func (op *binOp) decode(r *binReader, ptr unsafe.Pointer) {
	switch {
	case op.time:
		n := r.uvarint()
		if n == 0 || r.err != nil {
			return
		}
		if err := (*time.Time)(ptr).UnmarshalBinary([]byte(r.take(n - 1))); err != nil {
			*(*time.Time)(ptr) = time.Time{}
			r.fail()
		}
		return
	case op.id:
		n := int(op.typ.Len())
		s := r.take(uint64(n))
		if len(s) == n {
			copy(unsafe.Slice((*byte)(ptr), n), s)
		}
		return
	case op.plan != nil:
		op.plan.decode(r, ptr)
		return
	}
	switch op.kind {
	case reflect.Bool:
		*(*bool)(ptr) = r.take(1) == "\x01"
	case reflect.String:
		*(*string)(ptr) = r.take(r.uvarint())
	case reflect.Int:
		*(*int)(ptr) = int(r.varint())
	case reflect.Int8:
		*(*int8)(ptr) = int8(r.varint())
	case reflect.Int16:
		*(*int16)(ptr) = int16(r.varint())
	case reflect.Int32:
		*(*int32)(ptr) = int32(r.varint())
	case reflect.Int64:
		*(*int64)(ptr) = r.varint()
	case reflect.Uint:
		*(*uint)(ptr) = uint(r.uvarint())
	case reflect.Uint8:
		*(*uint8)(ptr) = uint8(r.uvarint())
	case reflect.Uint16:
		*(*uint16)(ptr) = uint16(r.uvarint())
	case reflect.Uint32:
		*(*uint32)(ptr) = uint32(r.uvarint())
	case reflect.Uint64:
		*(*uint64)(ptr) = r.uvarint()
	case reflect.Float32, reflect.Float64:
		s := r.take(8)
		if len(s) == 8 {
			f := math.Float64frombits(binary.BigEndian.Uint64([]byte(s)))
			if op.kind == reflect.Float32 {
				*(*float32)(ptr) = float32(f)
			} else {
				*(*float64)(ptr) = f
			}
		}
	case reflect.Slice:
		n := r.uvarint()
		if n == 0 || r.err != nil {
			return
		}
		n--
		if n > uint64(len(r.s)-r.pos) { // every element takes at least a byte
			r.fail()
			return
		}
		sl := reflect.MakeSlice(op.typ, int(n), int(n))
		base, size := sl.UnsafePointer(), op.typ.Elem().Size()
		for i := range uintptr(n) {
			op.elem.decode(r, unsafe.Add(base, i*size))
		}
		reflect.NewAt(op.typ, ptr).Elem().Set(sl)
	case reflect.Map:
		n := r.uvarint()
		if n == 0 || r.err != nil {
			return
		}
		n--
		if n > uint64(len(r.s)-r.pos) {
			r.fail()
			return
		}
		m := reflect.MakeMapWithSize(op.typ, int(n))
		for range n {
			k := reflect.New(op.typ.Key())
			op.key.decode(r, k.UnsafePointer())
			e := reflect.New(op.typ.Elem())
			op.elem.decode(r, e.UnsafePointer())
			m.SetMapIndex(k.Elem(), e.Elem())
		}
		reflect.NewAt(op.typ, ptr).Elem().Set(m)
	}
}

// The record types the compact form covers; a test checks that each has a plan.
var _ = []any{orgtree.Node{}, member.Member{}, role.Role{}, role.Group{}, role.Assignment{}}
