package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// PatchOpSchema is the schema URN of a PATCH request body (RFC 7644 §3.5.2).
const PatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

// patchRequest is a decoded PATCH request (RFC 7644 §3.5.2): operations applied in
// order, all or nothing.
type patchRequest struct {
	// Operations are the operations in request order.
	Operations []patchOperation
}

// patchOperation is one operation of a PATCH request.
type patchOperation struct {
	// Op is "add", "remove" or "replace", in lower case whatever the client sent
	// (Microsoft Entra ID sends "Add", "Replace" and "Remove").
	Op string
	// Path is the target path as sent, empty when the operation has none.
	Path string
	// Value is the decoded JSON value (numbers as json.Number), nil for JSON null.
	Value any
	// HasValue reports whether the operation carried a "value" member (null included).
	HasValue bool
}

// decodePatch decodes a PATCH request body. It checks the structure only: the schemas
// (when present) must include PatchOpSchema, there must be at least one operation,
// each op must be add, remove or replace (in any case), and add and replace must carry
// a value. Errors are 400 *Error values with scimType invalidSyntax or invalidValue.
// Paths and values are checked by Apply.
func decodePatch(body []byte) (*patchRequest, error) {
	var raw struct {
		Schemas    []string `json:"schemas"`
		Operations []struct {
			Op    string          `json:"op"`
			Path  string          `json:"path"`
			Value json.RawMessage `json:"value"`
		} `json:"Operations"`
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&raw); err != nil {
		return nil, badRequest(ErrorInvalidSyntax, "the PATCH body is not a PatchOp message: %v", err)
	}
	if d.More() {
		return nil, badRequest(ErrorInvalidSyntax, "the PATCH body has data after the JSON object")
	}
	if len(raw.Schemas) > 0 && !slices.ContainsFunc(raw.Schemas, func(s string) bool { return strings.EqualFold(s, PatchOpSchema) }) {
		return nil, badRequest(ErrorInvalidSyntax, "the PATCH body's schemas do not include %s", PatchOpSchema)
	}
	if len(raw.Operations) == 0 {
		return nil, badRequest(ErrorInvalidSyntax, "the PATCH body has no Operations")
	}
	req := &patchRequest{Operations: make([]patchOperation, len(raw.Operations))}
	for i, o := range raw.Operations {
		op := strings.ToLower(strings.TrimSpace(o.Op))
		switch op {
		case "add", "remove", "replace":
		default:
			return nil, badRequest(ErrorInvalidSyntax, "operation %d: unknown op %s (want add, remove or replace)", i+1, quoteInput(o.Op))
		}
		po := patchOperation{Op: op, Path: strings.TrimSpace(o.Path), HasValue: o.Value != nil}
		if po.HasValue {
			vd := json.NewDecoder(bytes.NewReader(o.Value))
			vd.UseNumber()
			if err := vd.Decode(&po.Value); err != nil {
				return nil, badRequest(ErrorInvalidSyntax, "operation %d: value: %v", i+1, err)
			}
		}
		if op != "remove" && !po.HasValue {
			return nil, badRequest(ErrorInvalidValue, "operation %d: %s needs a value", i+1, op)
		}
		req.Operations[i] = po
	}
	return req, nil
}

// patchResult is the outcome of patchRequest.Apply: the patched copy of the resource
// and what changed in it.
type patchResult struct {
	// Resource is the patched resource, a deep copy: the input is never modified.
	Resource map[string]any
	// Changes lists, sorted by Attribute, every attribute whose value differs between
	// the input and the patched resource. An operation that leaves a value as it was
	// (a retried add, the name-sync replace Okta sends before membership changes)
	// produces no change.
	Changes []attrChange
}

// Changed returns the change to the attribute named attr ("members", "name",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"),
// compared case-insensitively, and whether there is one.
func (r *patchResult) Changed(attr string) (attrChange, bool) {
	for _, c := range r.Changes {
		if strings.EqualFold(c.Attribute, attr) {
			return c, true
		}
	}
	return attrChange{}, false
}

// attrChange is the net change of one top-level attribute. For a multi-valued attribute
// Added and Removed list the values whose identity appears only after or only before
// the patch; identity is the "value" sub-attribute of complex values (a group
// member's ID), or the whole value. A server turns Added and Removed of "members" into
// add/remove intent commands, never into a whole-value replacement, whatever form the
// client used (add, remove with a filter, remove with a value list, or replace).
type attrChange struct {
	// Attribute is the attribute's name as its schema spells it; an extension
	// attribute is prefixed with its schema URN and a colon.
	Attribute string
	// Before and After are the attribute's values before and after the patch, nil when
	// absent. They share memory with the resources passed in and returned: read them,
	// do not modify them.
	Before, After any
	// Added and Removed are the values of a multi-valued attribute that were added and
	// removed; nil for a single-valued attribute.
	Added, Removed []any
}

// AddedValues returns the "value" sub-attributes of the added values that have one
// (for "members": the IDs of the added members), in order.
func (c attrChange) AddedValues() []string { return valueStrings(c.Added) }

// RemovedValues returns the "value" sub-attributes of the removed values that have one
// (for "members": the IDs of the removed members), in order.
func (c attrChange) RemovedValues() []string { return valueStrings(c.Removed) }

func valueStrings(vs []any) []string {
	var out []string
	for _, v := range vs {
		if m, ok := v.(map[string]any); ok {
			if s, ok := getKey(m, "value"); ok {
				if s, ok := s.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// Apply applies the operations, in order, to a deep copy of res using rt's attribute
// definitions (rt may be nil: then any attribute is accepted, as it comes), and
// returns the patched copy and the changes. On error nothing is returned and res is
// untouched. The rules are those of RFC 7644 §3.5.2, plus what Microsoft Entra ID and
// Okta send:
//
//   - add and replace without a path take an object whose keys are attribute paths:
//     plain names, "name.givenName", `emails[type eq "work"].value`, or an extension
//     URN whose value is an object of the extension's attributes (or a key with the
//     URN prefix, "urn:…:User:manager").
//   - A null value, or an empty string, unsets the attribute (or sub-attribute).
//   - Booleans may arrive as the strings "True" and "False" (any case).
//   - A complex attribute given a plain string sets its "value" sub-attribute
//     (Entra sets the enterprise manager with the manager's ID).
//   - add on `phoneNumbers[type eq "mobile"].value` when no value matches creates
//     {"type":"mobile","value":…}: the equality terms of the filter seed the new value.
//   - add to a multi-valued attribute skips values already present (by "value"); a
//     value added or replaced with "primary": true clears primary on the others.
//   - remove on a multi-valued attribute with a value list removes only the listed
//     values (Entra's Remove on "members"); remove on a single-valued attribute with a
//     value removes it only when it is the current value; a remove whose filter
//     matches nothing changes nothing, so retries succeed.
//   - replace on a complex single-valued attribute merges the given sub-attributes.
//
// Errors are 400 *Error values: invalidPath for a malformed path or an unknown
// attribute, invalidValue for a value of the wrong type or a removed required
// attribute, noTarget for a remove without a path and for a replace whose value
// filter matches nothing, and mutability for a change to a readOnly attribute, or to
// an immutable one that has a value (a value equal to the current one is no change:
// Okta sends the group's id with each name sync).
func (r *patchRequest) Apply(res map[string]any, rt *resourceDef) (*patchResult, error) {
	a := &applier{rt: rt, doc: cloneJSON(res).(map[string]any)}
	if a.doc == nil {
		a.doc = map[string]any{}
	}
	for i, op := range r.Operations {
		a.opIndex = i + 1
		if err := a.apply(op); err != nil {
			return nil, err
		}
	}
	a.syncSchemas()
	if err := a.checkMutability(res); err != nil {
		return nil, err
	}
	return &patchResult{Resource: a.doc, Changes: diff(res, a.doc, rt)}, nil
}

// applier holds the resource being patched.
type applier struct {
	rt      *resourceDef
	doc     map[string]any
	opIndex int
	current map[string]any // Replace: the resource replaced
}

func (a *applier) errorf(t ErrorType, format string, args ...any) *Error {
	if a.opIndex == 0 {
		return badRequest(t, format, args...)
	}
	return badRequest(t, "operation %d: %s", a.opIndex, fmt.Sprintf(format, args...))
}

func (a *applier) apply(op patchOperation) error {
	if op.Path == "" {
		if op.Op == "remove" {
			return a.errorf(ErrorNoTarget, "remove needs a path")
		}
		obj, ok := op.Value.(map[string]any)
		if !ok {
			return a.errorf(ErrorInvalidValue, "%s without a path needs an object value", op.Op)
		}
		return a.applyObject(op.Op, "", obj)
	}
	p, err := parsePath(op.Path)
	if err != nil {
		return a.errorf(ErrorInvalidPath, "%s", err.(*Error).Detail)
	}
	return a.applyPath(op.Op, p, op.Value, op.HasValue)
}

// applyObject applies add or replace for each key of a value object; urn is the
// extension the object belongs to ("" at the top level).
func (a *applier) applyObject(op, urn string, obj map[string]any) error {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic; "name" sorts before "name.givenName"
	for _, k := range keys {
		v := obj[k]
		if urn == "" && strings.EqualFold(k, "schemas") {
			continue
		}
		if ext := a.extension(k); ext != "" && urn == "" {
			if v == nil {
				delete(a.doc, foldKey(a.doc, ext))
				continue
			}
			m, ok := v.(map[string]any)
			if !ok {
				return a.errorf(ErrorInvalidValue, "the value of %s must be an object of its attributes", ext)
			}
			if err := a.applyObject(op, ext, m); err != nil {
				return err
			}
			continue
		}
		if urn == "" && a.rt != nil && strings.EqualFold(k, a.rt.Schema.ID) {
			m, ok := v.(map[string]any)
			if !ok {
				return a.errorf(ErrorInvalidValue, "the value of %s must be an object of its attributes", k)
			}
			if err := a.applyObject(op, "", m); err != nil {
				return err
			}
			continue
		}
		key := k
		if urn != "" && !(len(k) > 4 && strings.EqualFold(k[:4], "urn:")) {
			key = urn + ":" + k
		}
		p, err := parsePath(key)
		if err != nil {
			return a.errorf(ErrorInvalidPath, "value key %s: %s", quoteInput(k), err.(*Error).Detail)
		}
		if err := a.applyPath(op, p, v, true); err != nil {
			return err
		}
	}
	return nil
}

// extension returns the canonical URN when s names a schema extension of the
// resource type (any URN other than a core schema when there is no resource type).
func (a *applier) extension(s string) string {
	if a.rt != nil {
		if e := a.rt.Extension(s); e != nil {
			return e.ID
		}
		return ""
	}
	if len(s) > 4 && strings.EqualFold(s[:4], "urn:") && !isCoreURN(s) && !strings.Contains(s[strings.LastIndexByte(s, ':'):], ".") {
		if _, ok := getKey(a.doc, s); ok {
			return s
		}
	}
	return ""
}

// target resolves the map holding the attribute p names, the attribute's key there
// and its definition. create makes a missing extension object.
func (a *applier) target(p pathExpr, create bool) (map[string]any, string, *Attribute, error) {
	container, urn := a.doc, ""
	var def *Attribute
	if a.rt != nil {
		def, urn = a.rt.lookup(p)
		if def == nil {
			return nil, "", nil, a.errorf(ErrorInvalidPath, "%s is not an attribute of %s", quoteInput(p.String()), a.rt.Name)
		}
	} else if p.URN != "" && !isCoreURN(p.URN) {
		urn = p.URN
	}
	if urn != "" {
		k := foldKey(a.doc, urn)
		m, ok := a.doc[k].(map[string]any)
		if !ok {
			if !create {
				return nil, "", def, nil
			}
			m = map[string]any{}
			delete(a.doc, k)
			a.doc[urn] = m
		}
		container = m
	}
	name := p.Attr
	if def != nil {
		name = def.Name
	} else {
		name = foldKey(container, name)
	}
	return container, name, def, nil
}

// foldKey returns the key of m equal to key case-insensitively, or key.
func foldKey(m map[string]any, key string) string {
	if _, ok := m[key]; ok {
		return key
	}
	for k := range m {
		if strings.EqualFold(k, key) {
			return k
		}
	}
	return key
}

// put sets m[key] = v replacing any key spelled differently; nil deletes.
func put(m map[string]any, key string, v any) {
	if k := foldKey(m, key); k != key {
		delete(m, k)
	}
	if v == nil {
		delete(m, key)
		return
	}
	m[key] = v
}

func (a *applier) applyPath(op string, p pathExpr, v any, hasValue bool) error {
	// a path naming a whole extension: urn:…:2.0:User
	if p.Filter == nil && p.Sub == "" && p.URN != "" {
		if ext := a.extension(p.URN + ":" + p.Attr); ext != "" {
			if op == "remove" || v == nil {
				delete(a.doc, foldKey(a.doc, ext))
				return nil
			}
			m, ok := v.(map[string]any)
			if !ok {
				return a.errorf(ErrorInvalidValue, "the value of %s must be an object of its attributes", ext)
			}
			return a.applyObject(op, ext, m)
		}
	}
	c, key, def, err := a.target(p, op != "remove")
	if err != nil {
		return err
	}
	if c == nil { // remove in an absent extension
		return nil
	}
	cur, _ := getKey(c, key)
	multi := def != nil && def.MultiValued || def == nil && isList(cur)
	switch {
	case p.Filter != nil:
		if def != nil && def.typ() != Complex {
			return a.errorf(ErrorInvalidPath, "%s: a value filter needs a complex attribute", quoteInput(p.String()))
		}
		return a.filtered(op, c, key, def, p, cur, v)
	case p.Sub != "":
		return a.sub(op, c, key, def, p, cur, v, multi)
	case op == "remove":
		if hasValue && v != nil && multi {
			return a.removeListed(c, key, def, cur, v)
		}
		if hasValue && v != nil && cur != nil {
			// a single value removed by value: only when it is the current one, so a
			// Remove of the old manager after the Add of the new one keeps the new one
			nv, err := a.coerce(def, p.String(), firstOf(v), false)
			if err != nil {
				return err
			}
			if nv != nil && identityKey(nv, def) != identityKey(cur, def) {
				return nil
			}
		}
		put(c, key, nil)
		return nil
	}
	nv, err := a.coerce(def, p.String(), v, multi)
	if err != nil {
		return err
	}
	switch {
	case nv == nil && op == "add" && multi && isList(v):
		// adding no values changes nothing
	case nv == nil:
		put(c, key, nil)
	case multi:
		list := nv.([]any)
		if op == "add" {
			list = addValues(asList(cur), list, def)
		}
		put(c, key, nonEmpty(fixPrimary(list, nv.([]any), def)))
	case def != nil && def.typ() == Complex || def == nil && isMap(nv) && isMap(cur):
		put(c, key, merge(cur, nv.(map[string]any)))
	default:
		put(c, key, nv)
	}
	return nil
}

// sub handles a path with a sub-attribute and no filter.
func (a *applier) sub(op string, c map[string]any, key string, def *Attribute, p pathExpr, cur, v any, multi bool) error {
	var sd *Attribute
	if def != nil {
		if def.typ() != Complex {
			return a.errorf(ErrorInvalidPath, "%s: %s has no sub-attributes", quoteInput(p.String()), def.Name)
		}
		if sd = def.Sub(p.Sub); sd == nil {
			return a.errorf(ErrorInvalidPath, "%s: %s has no sub-attribute %s", quoteInput(p.String()), def.Name, quoteInput(p.Sub))
		}
	}
	subKey := p.Sub
	if sd != nil {
		subKey = sd.Name
	}
	var nv any
	if op != "remove" {
		var err error
		if nv, err = a.coerce(sd, p.String(), v, sd != nil && sd.MultiValued); err != nil {
			return err
		}
	}
	if multi {
		list := asList(cur)
		if len(list) == 0 {
			if nv != nil {
				put(c, key, []any{map[string]any{subKey: nv}})
			}
			return nil
		}
		for _, e := range list {
			if m, ok := e.(map[string]any); ok {
				put(m, subKey, nv)
			}
		}
		put(c, key, nonEmpty(dropEmptyMaps(list)))
		return nil
	}
	m, ok := cur.(map[string]any)
	if !ok {
		if cur != nil && def == nil {
			return a.errorf(ErrorInvalidPath, "%s: %s is not complex", quoteInput(p.String()), key)
		}
		if nv == nil {
			return nil
		}
		m = map[string]any{}
	}
	put(m, subKey, nv)
	if len(m) == 0 {
		put(c, key, nil)
	} else {
		put(c, key, m)
	}
	return nil
}

// filtered handles a path with a value filter.
func (a *applier) filtered(op string, c map[string]any, key string, def *Attribute, p pathExpr, cur, v any) error {
	var subs []*Attribute
	if def != nil {
		subs = def.SubAttributes
	}
	var sd *Attribute
	subKey := p.Sub
	if p.Sub != "" && def != nil {
		if sd = def.Sub(p.Sub); sd == nil {
			return a.errorf(ErrorInvalidPath, "%s: %s has no sub-attribute %s", quoteInput(p.String()), def.Name, quoteInput(p.Sub))
		}
		subKey = sd.Name
	}
	list := asList(cur)
	if m, ok := cur.(map[string]any); ok {
		list = []any{m}
	}
	var matched []map[string]any
	var kept []any
	for _, e := range list {
		m, ok := e.(map[string]any)
		if ok && (scope{obj: m, attrs: subs}).match(p.Filter) {
			matched = append(matched, m)
			if op == "remove" && subKey == "" {
				continue
			}
		}
		kept = append(kept, e)
	}
	_, single := cur.(map[string]any)
	if op == "remove" {
		if subKey != "" {
			for _, m := range matched {
				put(m, subKey, nil)
			}
			kept = dropEmptyMaps(kept)
		}
		if single {
			if len(kept) == 0 {
				put(c, key, nil)
			}
			return nil
		}
		put(c, key, nonEmpty(kept))
		return nil
	}
	// add or replace
	var nv any
	var err error
	if subKey != "" {
		nv, err = a.coerce(sd, p.String(), v, sd != nil && sd.MultiValued)
	} else {
		var single *Attribute
		if def != nil {
			d := *def
			d.MultiValued = false
			single = &d
		}
		nv, err = a.coerce(single, p.String(), v, false)
		if err == nil && nv != nil && !isMap(nv) {
			err = a.errorf(ErrorInvalidValue, "%s needs an object value", quoteInput(p.String()))
		}
	}
	if err != nil {
		return err
	}
	if len(matched) == 0 {
		if op == "replace" {
			return a.errorf(ErrorNoTarget, "no value of %s matches %s", key, p.Filter.String())
		}
		seed, ok := seedFromFilter(p.Filter, subs)
		if !ok {
			return a.errorf(ErrorNoTarget, "no value of %s matches %s, and the filter does not say what value to create", key, p.Filter.String())
		}
		if nv == nil {
			return nil
		}
		if def != nil {
			d := *def
			d.MultiValued = false
			cs, err := a.coerce(&d, p.String(), seed, false)
			if err != nil {
				return err
			}
			seed, _ = cs.(map[string]any)
			if seed == nil {
				seed = map[string]any{}
			}
		}
		if subKey != "" {
			seed[subKey] = nv
		} else {
			for k, x := range nv.(map[string]any) {
				put(seed, k, cloneJSON(x))
			}
		}
		if def != nil && !def.MultiValued {
			put(c, key, seed)
			return nil
		}
		list = append(list, seed)
		put(c, key, fixPrimary(list, []any{seed}, def))
		return nil
	}
	var touched []any
	for _, m := range matched {
		switch {
		case subKey != "":
			put(m, subKey, nv)
		case nv == nil:
			clear(m)
		case op == "replace":
			clear(m)
			for k, x := range nv.(map[string]any) {
				m[k] = cloneJSON(x)
			}
		default:
			for k, x := range nv.(map[string]any) {
				m[k] = cloneJSON(x)
			}
		}
		touched = append(touched, m)
	}
	if def != nil && !def.MultiValued {
		if len(list[0].(map[string]any)) == 0 {
			put(c, key, nil)
		}
		return nil
	}
	put(c, key, nonEmpty(fixPrimary(dropEmptyMaps(list), touched, def)))
	return nil
}

// seedFromFilter turns a filter made of `sub eq literal` terms joined by and into the
// object those terms describe: `type eq "mobile"` → {"type":"mobile"}.
func seedFromFilter(f filterExpr, subs []*Attribute) (map[string]any, bool) {
	out := map[string]any{}
	var walk func(filterExpr) bool
	walk = func(f filterExpr) bool {
		switch f := f.(type) {
		case *andExpr:
			return walk(f.Left) && walk(f.Right)
		case *compareExpr:
			if f.Op != opEq || f.Path.Sub != "" || f.Value == nil {
				return false
			}
			name := f.Path.Attr
			if d := findAttr(subs, name); d != nil {
				name = d.Name
			} else if subs != nil {
				return false
			}
			out[name] = f.Value
			return true
		}
		return false
	}
	if !walk(f) {
		return nil, false
	}
	return out, true
}

// firstOf returns the only element of a one-element list, else v.
func firstOf(v any) any {
	if l, ok := v.([]any); ok && len(l) == 1 {
		return l[0]
	}
	return v
}

// removeListed removes from a multi-valued attribute the values listed in v.
func (a *applier) removeListed(c map[string]any, key string, def *Attribute, cur, v any) error {
	var single *Attribute
	if def != nil {
		d := *def
		d.MultiValued = false
		single = &d
	}
	var drop []any
	for _, x := range asList(v) {
		nx, err := a.coerce(single, key, x, false)
		if err != nil {
			return err
		}
		if nx != nil {
			drop = append(drop, nx)
		}
	}
	gone := make(map[string]bool, len(drop))
	for _, d := range drop {
		gone[identityKey(d, def)] = true
	}
	var kept []any
	for _, e := range asList(cur) {
		if !gone[identityKey(e, def)] {
			kept = append(kept, e)
		}
	}
	put(c, key, nonEmpty(kept))
	return nil
}

// identityKey identifies a value of a multi-valued attribute: its "value"
// sub-attribute when it is an object that has one (compared case-insensitively unless
// that sub-attribute is caseExact), else the value itself (JSON, keys sorted).
func identityKey(v any, def *Attribute) string {
	kind := "w"
	if m, ok := v.(map[string]any); ok {
		if x, ok := getKey(m, "value"); ok {
			kind, v, def = "v", x, def.Sub("value")
		}
	}
	if s, ok := v.(string); ok {
		if def == nil || !def.CaseExact {
			s = strings.ToLower(s)
		}
		return kind + "s" + s
	}
	if n, ok := number(v); ok {
		return kind + "n" + strconv.FormatFloat(n, 'g', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return kind + fmt.Sprintf("?%v", v)
	}
	return kind + "j" + string(b)
}

// addValues appends the values of add not already in list (same "value"); a value
// already present is merged with the new one.
func addValues(list, add []any, def *Attribute) []any {
	out := slices.Clone(list)
	at := make(map[string]int, len(out))
	for i, e := range out {
		if _, dup := at[identityKey(e, def)]; !dup {
			at[identityKey(e, def)] = i
		}
	}
	for _, v := range add {
		k := identityKey(v, def)
		i, ok := at[k]
		if !ok {
			at[k] = len(out)
			out = append(out, v)
			continue
		}
		if em, ok := out[i].(map[string]any); ok {
			if vm, ok := v.(map[string]any); ok {
				for k, x := range vm {
					put(em, k, x)
				}
			}
		}
	}
	return out
}

// fixPrimary clears "primary" on every value but the written ones when a written
// value is primary (RFC 7643 §2.4: at most one primary value). Values are told apart
// by identity (see identityKey).
func fixPrimary(list, written []any, def *Attribute) []any {
	isPrimary := func(e any) bool {
		m, ok := e.(map[string]any)
		if !ok {
			return false
		}
		p, _ := getKey(m, "primary")
		return p == true
	}
	var prim []any
	for _, w := range written {
		if isPrimary(w) {
			prim = append(prim, w)
		}
	}
	if len(prim) == 0 {
		return list
	}
	keep := make(map[string]bool, len(prim))
	for _, w := range prim {
		keep[identityKey(w, def)] = true
	}
	for _, e := range list {
		if isPrimary(e) && !keep[identityKey(e, def)] {
			put(e.(map[string]any), "primary", false)
		}
	}
	return list
}

func dropEmptyMaps(list []any) []any {
	return slices.DeleteFunc(list, func(e any) bool {
		m, ok := e.(map[string]any)
		return ok && len(m) == 0
	})
}

// nonEmpty returns nil for an empty list, so the attribute is removed.
func nonEmpty(list []any) any {
	if len(list) == 0 {
		return nil
	}
	return list
}

func isMap(v any) bool  { _, ok := v.(map[string]any); return ok }
func isList(v any) bool { _, ok := v.([]any); return ok }

// merge sets the entries of add into a copy of cur (when cur is an object); nil
// entries delete. An empty result is nil.
func merge(cur any, add map[string]any) any {
	out := map[string]any{}
	if m, ok := cur.(map[string]any); ok {
		for k, v := range m {
			out[k] = v
		}
	}
	for k, v := range add {
		put(out, k, cloneJSON(v))
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// coerce checks v against def and returns the value to store: booleans from the
// strings "true"/"false", a complex value from a plain string (its "value"), a list
// from a single value of a multi-valued attribute, canonical sub-attribute names;
// nil (unset) for null and "". multi says whether v is the whole value of a
// multi-valued attribute.
func (a *applier) coerce(def *Attribute, path string, v any, multi bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	if s, ok := v.(string); ok && s == "" {
		return nil, nil
	}
	if multi {
		var out []any
		for _, e := range asList(v) {
			var single *Attribute
			if def != nil {
				d := *def
				d.MultiValued = false
				single = &d
			}
			ne, err := a.coerce(single, path, e, false)
			if err != nil {
				return nil, err
			}
			if ne != nil {
				out = append(out, ne)
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	}
	if def == nil {
		return cloneJSON(v), nil
	}
	bad := func(want string) error {
		shown := describe(v)
		if def.Returned == Never || def.Mutability == WriteOnly {
			shown = "the value given"
		}
		return a.errorf(ErrorInvalidValue, "%s: %s is not %s", quoteInput(path), shown, want)
	}
	switch def.typ() {
	case Boolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
		}
		return nil, bad("a boolean")
	case Integer, Decimal:
		var n json.Number
		switch x := v.(type) {
		case json.Number:
			n = x
		case float64:
			n = json.Number(fmt.Sprint(x))
		default:
			return nil, bad("a number")
		}
		if def.typ() == Integer {
			if _, err := n.Int64(); err != nil {
				return nil, bad("an integer")
			}
		}
		return n, nil
	case DateTime:
		s, ok := v.(string)
		if !ok {
			return nil, bad("a dateTime")
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return nil, bad("a dateTime (RFC 3339, e.g. 2024-05-13T04:42:34Z)")
		}
		return s, nil
	case Complex:
		m, ok := v.(map[string]any)
		if !ok {
			if vd := def.Sub("value"); vd != nil {
				if _, isObj := v.([]any); !isObj {
					nv, err := a.coerce(vd, path+".value", v, false)
					if err != nil || nv == nil {
						return nil, err
					}
					return map[string]any{vd.Name: nv}, nil
				}
			}
			return nil, bad("an object")
		}
		out := map[string]any{}
		for k, x := range m {
			sd := def.Sub(k)
			if sd == nil {
				if x == nil {
					continue // {"$ref": null} and the like
				}
				return nil, a.errorf(ErrorInvalidValue, "%s: %s has no sub-attribute %s", quoteInput(path), def.Name, quoteInput(k))
			}
			if sd.Mutability == ReadOnly && def.Mutability != ReadOnly {
				continue // ignored, as in PUT (RFC 7643 §7): the server computes it
			}
			nx, err := a.coerce(sd, path+"."+sd.Name, x, sd.MultiValued)
			if err != nil {
				return nil, err
			}
			if nx != nil {
				out[sd.Name] = nx
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	default: // string, reference, binary
		s, ok := v.(string)
		if !ok {
			return nil, bad("a string")
		}
		return s, nil
	}
}

// describe renders a value for an error detail, bounded.
func describe(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%T", v)
	}
	return quoteInputRaw(string(b))
}

func quoteInputRaw(s string) string {
	const max = 100
	if len(s) > max {
		return strings.ToValidUTF8(s[:max], "") + "…"
	}
	return s
}

// syncSchemas keeps the resource's "schemas" list in step with the extension objects
// present, when the resource has one.
func (a *applier) syncSchemas() {
	if a.rt == nil {
		return
	}
	k := foldKey(a.doc, "schemas")
	raw, ok := a.doc[k].([]any)
	if !ok {
		return
	}
	var out []any
	for _, s := range raw {
		if str, ok := s.(string); ok && a.rt.Extension(str) != nil {
			if m, ok := getKey(a.doc, str); !ok || !present(m) {
				continue
			}
		}
		out = append(out, s)
	}
	for _, e := range a.rt.Extensions {
		if m, ok := getKey(a.doc, e.Schema.ID); ok && present(m) {
			if !slices.ContainsFunc(out, func(s any) bool { str, _ := s.(string); return strings.EqualFold(str, e.Schema.ID) }) {
				out = append(out, e.Schema.ID)
			}
		} else if ok {
			delete(a.doc, foldKey(a.doc, e.Schema.ID))
		}
	}
	a.doc[k] = out
}

// checkMutability refuses changes to readOnly attributes, to immutable attributes
// that had a value, and the removal of required attributes.
func (a *applier) checkMutability(before map[string]any) error {
	if a.rt == nil {
		return nil
	}
	check := func(urn string, defs []*Attribute) error {
		for _, d := range defs {
			bv, av := attrValue(before, urn, d.Name), attrValue(a.doc, urn, d.Name)
			name := d.Name
			if urn != "" {
				name = urn + ":" + d.Name
			}
			if err := mutable(d, name, bv, av); err != nil {
				return err
			}
			if d.Required && present(bv) && !present(av) {
				return badRequest(ErrorInvalidValue, "%s is required and cannot be removed", name)
			}
			if d.typ() == Complex && !d.MultiValued {
				bm, _ := bv.(map[string]any)
				am, _ := av.(map[string]any)
				for _, sd := range d.SubAttributes {
					sb, _ := getKey(bm, sd.Name)
					sa, _ := getKey(am, sd.Name)
					if !present(sa) {
						continue // removed with its parent, or never written
					}
					if err := mutable(sd, name+"."+sd.Name, sb, sa); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	if err := check("", commonAttributes); err != nil {
		return err
	}
	if err := check("", a.rt.Schema.Attributes); err != nil {
		return err
	}
	for _, e := range a.rt.Extensions {
		if err := check(e.Schema.ID, e.Schema.Attributes); err != nil {
			return err
		}
	}
	return nil
}

func mutable(d *Attribute, name string, before, after any) error {
	switch d.Mutability {
	case ReadOnly:
		if !jsonEqual(before, after) {
			return badRequest(ErrorMutability, "%s is readOnly", name)
		}
	case Immutable:
		if present(before) && !jsonEqual(before, after) {
			return badRequest(ErrorMutability, "%s is immutable and already has a value", name)
		}
	}
	return nil
}

// attrValue returns a resource's value of an attribute (under urn for extensions).
func attrValue(res map[string]any, urn, name string) any {
	if urn != "" {
		ext, _ := getKey(res, urn)
		m, _ := ext.(map[string]any)
		res = m
	}
	v, _ := getKey(res, name)
	return v
}

// diff lists the changed attributes between two resources.
func diff(before, after map[string]any, rt *resourceDef) []attrChange {
	var out []attrChange
	type attr struct {
		urn, name string
		def       *Attribute
	}
	seen := map[string]bool{}
	var attrs []attr
	addKeys := func(res map[string]any) {
		for k, v := range res {
			if strings.EqualFold(k, "schemas") {
				continue
			}
			if ext := extensionOf(rt, k, v); ext != "" {
				m, _ := v.(map[string]any)
				for sk := range m {
					def, name := rt.named(ext, sk)
					id := strings.ToLower(ext + ":" + name)
					if !seen[id] {
						seen[id] = true
						attrs = append(attrs, attr{ext, name, def})
					}
				}
				continue
			}
			def, name := rt.named("", k)
			if id := strings.ToLower(name); !seen[id] {
				seen[id] = true
				attrs = append(attrs, attr{"", name, def})
			}
		}
	}
	addKeys(before)
	addKeys(after)
	for _, at := range attrs {
		bv, av := attrValue(before, at.urn, at.name), attrValue(after, at.urn, at.name)
		if jsonEqual(bv, av) {
			continue
		}
		c := attrChange{Attribute: at.name, Before: bv, After: av}
		if at.urn != "" {
			c.Attribute = at.urn + ":" + at.name
		}
		if at.def != nil && at.def.MultiValued || isList(bv) || isList(av) {
			bl, al := asList(bv), asList(av)
			inBefore := make(map[string]bool, len(bl))
			for _, y := range bl {
				inBefore[identityKey(y, at.def)] = true
			}
			inAfter := make(map[string]bool, len(al))
			for _, x := range al {
				k := identityKey(x, at.def)
				inAfter[k] = true
				if !inBefore[k] {
					c.Added = append(c.Added, cloneJSON(x))
				}
			}
			for _, y := range bl {
				if !inAfter[identityKey(y, at.def)] {
					c.Removed = append(c.Removed, cloneJSON(y))
				}
			}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Attribute < out[j].Attribute })
	return out
}

// extensionOf returns the extension URN when key k with value v is an extension object.
func extensionOf(rt *resourceDef, k string, v any) string {
	if rt != nil {
		if e := rt.Extension(k); e != nil {
			return e.ID
		}
		return ""
	}
	if _, ok := v.(map[string]any); ok && len(k) > 4 && strings.EqualFold(k[:4], "urn:") {
		return k
	}
	return ""
}

// cloneJSON copies a JSON value (maps, slices, scalars).
func cloneJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if v == nil {
			return map[string]any(nil)
		}
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = cloneJSON(x)
		}
		return out
	case []any, []map[string]any, []string:
		l := asList(v)
		out := make([]any, len(l))
		for i, x := range l {
			out[i] = cloneJSON(x)
		}
		return out
	}
	return v
}

// jsonEqual compares two JSON values; numbers compare numerically, and absent, null,
// "" and empty lists and objects are all "no value".
func jsonEqual(x, y any) bool {
	if !present(x) || !present(y) {
		return !present(x) && !present(y)
	}
	switch xv := x.(type) {
	case map[string]any:
		yv, ok := y.(map[string]any)
		if !ok {
			return false
		}
		for k, a := range xv {
			b, _ := getKey(yv, k)
			if !jsonEqual(a, b) {
				return false
			}
		}
		for k, b := range yv {
			if _, ok := getKey(xv, k); !ok && present(b) {
				return false
			}
		}
		return true
	case []any:
		yv := asList(y)
		if len(xv) != len(yv) {
			return false
		}
		for i := range xv {
			if !jsonEqual(xv[i], yv[i]) {
				return false
			}
		}
		return true
	}
	if xn, ok := number(x); ok {
		yn, ok := number(y)
		return ok && xn == yn
	}
	return x == y
}

// replaceResult is the outcome of Replace.
type replaceResult struct {
	// patchResult holds the new resource and the changes from current to it.
	patchResult
	// Ignored lists the attributes of the request that were left out: readOnly
	// attributes (id, meta, groups, …) and attributes or extensions the resource type
	// does not define, as "name" or "urn:…:name". A server may log them.
	Ignored []string
}

// replaceResource computes the resource a PUT (RFC 7644 §3.5.1) or a POST (current nil)
// asserts: the incoming attributes, checked and normalized as PATCH values are
// (string booleans, a plain string for a complex attribute's value, null and "" as
// unset, canonical names), with readOnly attributes taken from current whatever the
// request says, writeOnly and readWrite attributes the request omits cleared, and
// immutable attributes kept when omitted and refused (mutability) when changed. A
// required attribute left without a value is a 400 invalidValue *Error. Changes are
// computed as for Apply, so a group PUT still yields the members added and removed.
// Neither input is modified.
func replaceResource(current, incoming map[string]any, rt *resourceDef) (*replaceResult, error) {
	a := &applier{rt: rt, doc: map[string]any{}, current: current}
	out := &replaceResult{}
	if k := foldKey(incoming, "schemas"); incoming[k] != nil {
		a.doc["schemas"] = cloneJSON(incoming[k])
	} else if rt != nil {
		a.doc["schemas"] = stringsAny(rt.Schemas())
	}
	for k, v := range incoming {
		if strings.EqualFold(k, "schemas") {
			continue
		}
		urn := a.extension(k)
		if urn == "" && rt == nil {
			urn = extensionOf(nil, k, v)
		}
		if urn != "" {
			m, ok := v.(map[string]any)
			if v == nil {
				continue
			}
			if !ok {
				return nil, badRequest(ErrorInvalidValue, "the value of %s must be an object of its attributes", urn)
			}
			for sk, sv := range m {
				if err := a.put(urn, sk, sv, out); err != nil {
					return nil, err
				}
			}
			continue
		}
		if len(k) > 4 && strings.EqualFold(k[:4], "urn:") && strings.Count(k, ":") >= 2 && !isMap(v) {
			i := strings.LastIndexByte(k, ':')
			if ext := a.extension(k[:i]); ext != "" {
				if err := a.put(ext, k[i+1:], v, out); err != nil {
					return nil, err
				}
				continue
			}
		}
		if err := a.put("", k, v, out); err != nil {
			return nil, err
		}
	}
	if rt != nil {
		keep := func(urn string, defs []*Attribute) error {
			for _, d := range defs {
				cur := attrValue(current, urn, d.Name)
				now := attrValue(a.doc, urn, d.Name)
				switch d.Mutability {
				case ReadOnly:
					a.set(urn, d.Name, cloneJSON(cur))
				case Immutable:
					if present(cur) && present(now) && !jsonEqual(cur, now) {
						return badRequest(ErrorMutability, "%s is immutable and already has a value", qualified(urn, d.Name))
					}
					if !present(now) {
						a.set(urn, d.Name, cloneJSON(cur))
					}
				}
				if d.Required && !present(attrValue(a.doc, urn, d.Name)) {
					return badRequest(ErrorInvalidValue, "%s is required", qualified(urn, d.Name))
				}
			}
			return nil
		}
		if err := keep("", commonAttributes); err != nil {
			return nil, err
		}
		if err := keep("", rt.Schema.Attributes); err != nil {
			return nil, err
		}
		for _, e := range rt.Extensions {
			if err := keep(e.Schema.ID, e.Schema.Attributes); err != nil {
				return nil, err
			}
		}
		a.syncSchemas()
	}
	sort.Strings(out.Ignored)
	out.Resource = a.doc
	out.Changes = diff(current, a.doc, rt)
	return out, nil
}

func qualified(urn, name string) string {
	if urn == "" {
		return name
	}
	return urn + ":" + name
}

// set stores v as attribute name (under extension urn), nil deleting it.
func (a *applier) set(urn, name string, v any) {
	c := a.doc
	if urn != "" {
		m, ok := a.doc[foldKey(a.doc, urn)].(map[string]any)
		if !ok {
			if v == nil {
				return
			}
			m = map[string]any{}
			a.doc[urn] = m
		}
		c = m
	}
	put(c, name, v)
}

// put checks and stores one incoming attribute of a Replace.
func (a *applier) put(urn, name string, v any, out *replaceResult) error {
	var def *Attribute
	if a.rt != nil {
		if urn == "" {
			def, _ = a.rt.lookup(pathExpr{Attr: name})
		} else {
			def = a.rt.Extension(urn).Attribute(name)
		}
		if def == nil || def.Mutability == ReadOnly {
			if def == nil || !jsonEqual(v, attrValue(a.current, urn, def.Name)) {
				out.Ignored = append(out.Ignored, qualified(urn, name))
			}
			return nil
		}
		name = def.Name
	}
	nv, err := a.coerce(def, qualified(urn, name), v, def != nil && def.MultiValued || def == nil && isList(v))
	if err != nil {
		return err
	}
	a.set(urn, name, nv)
	return nil
}
