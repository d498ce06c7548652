package scim

import (
	"strconv"
	"strings"
)

// pathExpr is an attribute path (RFC 7644 §3.10 and the PATCH "path" of §3.5.2):
//
//	[URN ":"] Attr ["." Sub]                    userName, name.givenName,
//	                                            urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager
//	[URN ":"] Attr "[" Filter "]" ["." Sub]     emails[type eq "work"].value, members[value eq "id"]
//
// Names keep the spelling they were written with; they are compared case-insensitively.
// Attribute paths inside a filter never carry a Filter (a filter's value path is a
// ValuePath node); a PATCH path may.
type pathExpr struct {
	// URN is the schema URN prefix, empty when the path has none.
	URN string
	// Attr is the top-level attribute name (in a value filter: the sub-attribute name).
	Attr string
	// Filter selects values of a multi-valued attribute (the "[…]" part), or nil.
	Filter filterExpr
	// Sub is the sub-attribute name, empty when the path names the whole attribute.
	Sub string
}

// String renders the path in the form ParsePath accepts.
func (p pathExpr) String() string {
	var b strings.Builder
	if p.URN != "" {
		b.WriteString(p.URN)
		b.WriteByte(':')
	}
	b.WriteString(p.Attr)
	if p.Filter != nil {
		b.WriteByte('[')
		b.WriteString(p.Filter.String())
		b.WriteByte(']')
	}
	if p.Sub != "" {
		b.WriteByte('.')
		b.WriteString(p.Sub)
	}
	return b.String()
}

// Is reports whether p names the attribute name with no URN (or a core schema URN), no
// filter and no sub-attribute, comparing case-insensitively: Path{Attr:"UserName"}.Is("userName").
func (p pathExpr) Is(name string) bool {
	return p.Filter == nil && p.Sub == "" && strings.EqualFold(p.Attr, name) && isCoreURN(p.URN)
}

// isCoreURN reports whether urn is empty or a core schema URN.
func isCoreURN(urn string) bool {
	const core = "urn:ietf:params:scim:schemas:core:"
	return urn == "" || len(urn) >= len(core) && strings.EqualFold(urn[:len(core)], core)
}

// DefaultMaxPathLength is the longest PATCH path or attribute name ParsePath accepts.
const DefaultMaxPathLength = 1024

// parsePath parses a PATCH operation path or an attribute path (RFC 7644 §3.5.2,
// §3.10): an attribute name with an optional schema URN prefix and sub-attribute, or
// a value path with a filter in brackets and an optional sub-attribute after it. A
// path longer than DefaultMaxPathLength, or whose filter is nested deeper than
// DefaultMaxFilterDepth, is refused before parsing. Errors are *Error values with
// status 400 and scimType invalidPath.
func parsePath(s string) (pathExpr, error) {
	return parseOptions{MaxLength: DefaultMaxPathLength}.ParsePath(s)
}

// ParsePath is ParsePath with the limits of o (MaxLength bounds the whole path).
func (o parseOptions) ParsePath(s string) (pathExpr, error) {
	p, err := o.parsePath(s)
	if err != nil {
		return pathExpr{}, badRequest(ErrorInvalidPath, "invalid path %s: %s", quoteInput(s), err.Error())
	}
	return p, nil
}

func (o parseOptions) parsePath(s string) (pathExpr, error) {
	if err := o.check(s); err != nil {
		return pathExpr{}, err
	}
	ps := &parser{lx: lexer{src: s}, maxDepth: o.maxDepth()}
	t := ps.next()
	if t.kind != tkWord {
		return pathExpr{}, ps.errAt(t, "expected an attribute name")
	}
	p, err := parseAttrPath(t)
	if err != nil {
		return pathExpr{}, err
	}
	t = ps.next()
	if t.kind == tkLBrack {
		if p.Sub != "" {
			return pathExpr{}, ps.errAt(t, "a value filter must follow the attribute name, not a sub-attribute")
		}
		f, err := ps.valueFilter(t)
		if err != nil {
			return pathExpr{}, err
		}
		p.Filter = f
		t = ps.next()
		if t.kind == tkWord && t.text[0] == '.' && t.pos == ps.lastEnd {
			sub := t.text[1:]
			if !validName(sub) {
				return pathExpr{}, ps.errAt(t, "invalid sub-attribute name")
			}
			p.Sub = sub
			t = ps.next()
		}
	}
	if t.kind != tkEOF {
		return pathExpr{}, ps.errAt(t, "unexpected text after the path")
	}
	return p, nil
}

// parseAttrPath parses an attribute path word: [URN ":"] name ["." sub].
func parseAttrPath(t token) (pathExpr, error) {
	w := t.text
	var p pathExpr
	if len(w) > 4 && strings.EqualFold(w[:4], "urn:") {
		i := strings.LastIndexByte(w, ':')
		p.URN, w = w[:i], w[i+1:]
		if strings.Count(p.URN, ":") < 2 {
			return pathExpr{}, t.err("invalid schema URN %q", p.URN)
		}
	}
	name, sub, dotted := strings.Cut(w, ".")
	if !validName(name) {
		return pathExpr{}, t.err("invalid attribute name %q", name)
	}
	if dotted && !validName(sub) {
		return pathExpr{}, t.err("invalid sub-attribute name %q", sub)
	}
	p.Attr, p.Sub = name, sub
	return p, nil
}

// validName reports whether s is an ATTRNAME of RFC 7643 §2.1 (ALPHA *(nameChar)), or
// "$ref".
func validName(s string) bool {
	if s == "$ref" {
		return true
	}
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// quoteInput quotes user input for an error detail, shortened to keep details small.
func quoteInput(s string) string {
	const max = 200
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return strconv.Quote(s)
}
