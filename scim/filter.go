package scim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// filterExpr is a parsed SCIM filter expression (RFC 7644 §3.4.2.2): one of *compareExpr,
// *andExpr, *orExpr, *notExpr and *valuePathExpr. The set is closed. Callers may inspect the tree (for
// example to answer `userName eq "x"` from an index, see equalityValue) and evaluate
// it with matchFilter.
type filterExpr interface {
	// String renders the filter in a form ParseFilter parses back to an equal tree.
	String() string
	isFilter()
}

// compareOp is a comparison operator of a filter, in lower case.
type compareOp string

// The attribute operators of RFC 7644 §3.4.2.2, table 3.
const (
	opEq compareOp = "eq" // equal
	opNe compareOp = "ne" // not equal
	opCo compareOp = "co" // contains
	opSw compareOp = "sw" // starts with
	opEw compareOp = "ew" // ends with
	opGt compareOp = "gt" // greater than
	opGe compareOp = "ge" // greater than or equal to
	opLt compareOp = "lt" // less than
	opLe compareOp = "le" // less than or equal to
	opPr compareOp = "pr" // present (has value); takes no comparison value
)

var ops = map[string]compareOp{"eq": opEq, "ne": opNe, "co": opCo, "sw": opSw, "ew": opEw, "gt": opGt, "ge": opGe, "lt": opLt, "le": opLe, "pr": opPr}

// compareExpr is an attribute expression: `Path Op Value`, or `Path pr`.
type compareExpr struct {
	// Path is the attribute compared; its Filter is always nil.
	Path pathExpr
	// Op is the operator.
	Op compareOp
	// Value is the comparison value: a string, a bool, nil (the literal null) or a
	// json.Number. It is nil for Pr.
	Value any
}

// andExpr is the logical conjunction `Left and Right`.
type andExpr struct {
	Left  filterExpr // the left operand
	Right filterExpr // the right operand
}

// orExpr is the logical disjunction `Left or Right`.
type orExpr struct {
	Left  filterExpr // the left operand
	Right filterExpr // the right operand
}

// notExpr is the negation `not (Filter)`.
type notExpr struct {
	Filter filterExpr // the negated filter
}

// valuePathExpr is a filter on the values of a multi-valued (or complex) attribute:
// `emails[type eq "work" and primary eq true]` matches a resource when one of its
// emails matches the inner filter, whose attribute paths name sub-attributes. The
// non-standard form `emails[type eq "work"].value eq "x"` (sent by Microsoft Entra ID)
// parses to valuePathExpr{emails, `type eq "work" and value eq "x"`}, which means the same.
type valuePathExpr struct {
	// Path names the attribute; its Filter and Sub are always empty.
	Path pathExpr
	// Filter applies to each value of the attribute.
	Filter filterExpr
}

func (*compareExpr) isFilter()   {}
func (*andExpr) isFilter()       {}
func (*orExpr) isFilter()        {}
func (*notExpr) isFilter()       {}
func (*valuePathExpr) isFilter() {}

// String renders `path op value`.
func (c *compareExpr) String() string {
	if c.Op == opPr {
		return c.Path.String() + " pr"
	}
	return c.Path.String() + " " + string(c.Op) + " " + literal(c.Value)
}

// String renders `left and right`, parenthesizing an Or operand and a right-hand And,
// so the tree parses back with the same shape.
func (a *andExpr) String() string {
	r := a.Right.String()
	switch a.Right.(type) {
	case *orExpr, *andExpr:
		r = "(" + r + ")"
	}
	return andOperand(a.Left) + " and " + r
}

// String renders `left or right`; an Or on the right is parenthesized so the tree
// parses back with the same shape.
func (o *orExpr) String() string {
	r := o.Right.String()
	if _, ok := o.Right.(*orExpr); ok {
		r = "(" + r + ")"
	}
	return o.Left.String() + " or " + r
}

// String renders `not (filter)`.
func (n *notExpr) String() string { return "not (" + n.Filter.String() + ")" }

// String renders `attr[filter]`.
func (v *valuePathExpr) String() string { return v.Path.String() + "[" + v.Filter.String() + "]" }

func andOperand(f filterExpr) string {
	switch f.(type) {
	case *orExpr:
		return "(" + f.String() + ")"
	}
	return f.String()
}

// literal renders a comparison value as a JSON literal.
func literal(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case string:
		b, _ := json.Marshal(v) // strings always marshal
		return string(b)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Parse limits applied when parseOptions leaves them zero.
const (
	// DefaultMaxFilterLength is the longest filter, in bytes, ParseFilter accepts.
	DefaultMaxFilterLength = 4096
	// DefaultMaxFilterDepth is the deepest nesting of parentheses, brackets and
	// "not" ParseFilter accepts.
	DefaultMaxFilterDepth = 16
)

// parseOptions bounds what the filter and path parsers accept. The zero value means
// DefaultMaxFilterLength and DefaultMaxFilterDepth. Both limits are checked before
// the input is parsed, so a hostile filter costs one linear scan.
type parseOptions struct {
	// MaxLength is the longest input in bytes; ≤ 0 means the default.
	MaxLength int
	// MaxDepth is the deepest nesting of "(", "[" and "not"; ≤ 0 means the default.
	MaxDepth int
}

func (o parseOptions) maxLength() int {
	if o.MaxLength <= 0 {
		return DefaultMaxFilterLength
	}
	return o.MaxLength
}

func (o parseOptions) maxDepth() int {
	if o.MaxDepth <= 0 {
		return DefaultMaxFilterDepth
	}
	return o.MaxDepth
}

// check applies the length and bracket-depth bounds without parsing: one scan that
// skips string literals.
func (o parseOptions) check(s string) error {
	if len(s) > o.maxLength() {
		return fmt.Errorf("longer than the limit of %d bytes", o.maxLength())
	}
	depth, max := 0, o.maxDepth()
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case '(', '[':
			depth++
			if depth > max {
				return fmt.Errorf("nested deeper than the limit of %d", max)
			}
		case ')', ']':
			depth--
		}
	}
	return nil
}

// parseFilter parses a filter expression of RFC 7644 §3.4.2.2 with the default limits
// (see parseOptions). Attribute names, operators and the keywords and, or, not, true,
// false and null are case-insensitive; "and" binds tighter than "or"; string literals
// are JSON strings (escapes included). Errors are *Error values with status 400 and
// scimType invalidFilter, whose detail gives the offset of the problem.
func parseFilter(s string) (filterExpr, error) { return parseOptions{}.ParseFilter(s) }

// ParseFilter is ParseFilter with the limits of o.
func (o parseOptions) ParseFilter(s string) (filterExpr, error) {
	f, err := o.parseFilter(s)
	if err != nil {
		return nil, badRequest(ErrorInvalidFilter, "invalid filter %s: %s", quoteInput(s), err.Error())
	}
	return f, nil
}

func (o parseOptions) parseFilter(s string) (filterExpr, error) {
	if err := o.check(s); err != nil {
		return nil, err
	}
	ps := &parser{lx: lexer{src: s}, maxDepth: o.maxDepth()}
	f, err := ps.or(false)
	if err != nil {
		return nil, err
	}
	if t := ps.next(); t.kind != tkEOF {
		return nil, ps.errAt(t, "unexpected %s", t.describe())
	}
	return f, nil
}

// ---- lexer

type tokenKind int

const (
	tkEOF tokenKind = iota
	tkWord
	tkString
	tkLParen
	tkRParen
	tkLBrack
	tkRBrack
)

type token struct {
	kind tokenKind
	text string // the word, or the decoded string literal
	pos  int    // byte offset of the token
	end  int    // byte offset just past the token
}

func (t token) err(format string, args ...any) error {
	return fmt.Errorf("at offset %d: %s", t.pos, fmt.Sprintf(format, args...))
}

func (t token) describe() string {
	switch t.kind {
	case tkEOF:
		return "end of input"
	case tkString:
		return "string " + quoteInput(t.text)
	case tkWord:
		return quoteInput(t.text)
	}
	return quoteInput(t.text)
}

type lexer struct {
	src string
	pos int
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// next returns the next token; a malformed string literal is an error.
func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) && isSpace(l.src[l.pos]) {
		l.pos++
	}
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tkEOF, pos: start, end: start}, nil
	}
	c := l.src[l.pos]
	var k tokenKind
	switch c {
	case '(':
		k = tkLParen
	case ')':
		k = tkRParen
	case '[':
		k = tkLBrack
	case ']':
		k = tkRBrack
	}
	if k != tkEOF {
		l.pos++
		return token{kind: k, text: l.src[start:l.pos], pos: start, end: l.pos}, nil
	}
	if c == '"' {
		i := l.pos + 1
		for ; i < len(l.src) && l.src[i] != '"'; i++ {
			if l.src[i] == '\\' {
				i++
			}
		}
		if i >= len(l.src) {
			return token{}, fmt.Errorf("at offset %d: unterminated string", start)
		}
		l.pos = i + 1
		if s, ok := plainString(l.src[start+1 : i]); ok {
			return token{kind: tkString, text: s, pos: start, end: l.pos}, nil
		}
		var s string
		if err := json.Unmarshal([]byte(l.src[start:l.pos]), &s); err != nil {
			return token{}, fmt.Errorf("at offset %d: invalid string literal %s", start, quoteInput(l.src[start:l.pos]))
		}
		return token{kind: tkString, text: s, pos: start, end: l.pos}, nil
	}
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if isSpace(c) || c == '(' || c == ')' || c == '[' || c == ']' || c == '"' {
			break
		}
		l.pos++
	}
	return token{kind: tkWord, text: l.src[start:l.pos], pos: start, end: l.pos}, nil
}

// plainString returns s when it is a JSON string body needing no decoding: no escapes,
// no control characters, valid UTF-8.
func plainString(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\\' || c < 0x20 {
			return "", false
		}
	}
	return s, utf8.ValidString(s)
}

// ---- parser

type parser struct {
	lx       lexer
	peeked   *token
	err      error
	depth    int
	maxDepth int
	lastEnd  int // end offset of the previous token
}

// next consumes a token; after a lexing error it returns tkEOF and p.err is set.
func (p *parser) next() token {
	if p.peeked != nil {
		t := *p.peeked
		p.peeked = nil
		return t
	}
	p.lastEnd = p.lx.pos
	t, err := p.lx.next()
	if err != nil {
		p.err = err
		return token{kind: tkEOF, pos: p.lx.pos, end: p.lx.pos}
	}
	return t
}

func (p *parser) peek() token {
	if p.peeked == nil {
		t := p.next()
		p.peeked = &t
	}
	return *p.peeked
}

// errAt reports a parse error at t, or the earlier lexing error.
func (p *parser) errAt(t token, format string, args ...any) error {
	if p.err != nil {
		return p.err
	}
	return t.err(format, args...)
}

func (p *parser) enter(t token) error {
	p.depth++
	if p.depth > p.maxDepth {
		return t.err("nested deeper than the limit of %d", p.maxDepth)
	}
	return nil
}

func keyword(t token, kw string) bool { return t.kind == tkWord && strings.EqualFold(t.text, kw) }

// or parses orExp = andExp *("or" andExp). inValue: inside a value filter's brackets.
func (p *parser) or(inValue bool) (filterExpr, error) {
	left, err := p.and(inValue)
	if err != nil {
		return nil, err
	}
	for keyword(p.peek(), "or") {
		p.next()
		right, err := p.and(inValue)
		if err != nil {
			return nil, err
		}
		left = &orExpr{Left: left, Right: right}
	}
	return left, nil
}

// and parses andExp = term *("and" term).
func (p *parser) and(inValue bool) (filterExpr, error) {
	left, err := p.term(inValue)
	if err != nil {
		return nil, err
	}
	for keyword(p.peek(), "and") {
		p.next()
		right, err := p.term(inValue)
		if err != nil {
			return nil, err
		}
		left = &andExpr{Left: left, Right: right}
	}
	return left, nil
}

// term parses "not" term | "(" filter ")" | attrExp | valuePath.
func (p *parser) term(inValue bool) (filterExpr, error) {
	t := p.next()
	switch {
	case t.kind == tkLParen:
		if err := p.enter(t); err != nil {
			return nil, err
		}
		f, err := p.or(inValue)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tkRParen {
			return nil, p.errAt(c, "expected \")\" to close the \"(\" at offset %d, found %s", t.pos, c.describe())
		}
		p.depth--
		return f, nil
	case keyword(t, "not") && !isOperator(p.peek()): // an attribute named "not" is followed by an operator
		if err := p.enter(t); err != nil {
			return nil, err
		}
		f, err := p.term(inValue)
		if err != nil {
			return nil, err
		}
		p.depth--
		return &notExpr{Filter: f}, nil
	case t.kind == tkWord:
		return p.attrExp(t, inValue)
	}
	return nil, p.errAt(t, "expected an attribute name, \"(\" or \"not\", found %s", t.describe())
}

func isOperator(t token) bool {
	if t.kind != tkWord {
		return false
	}
	_, ok := ops[strings.ToLower(t.text)]
	return ok
}

// attrExp parses attrPath op value | attrPath "pr" | valuePath ["." sub op value].
func (p *parser) attrExp(t token, inValue bool) (filterExpr, error) {
	path, err := parseAttrPath(t)
	if err != nil {
		return nil, err
	}
	if p.peek().kind == tkLBrack {
		lb := p.next()
		if inValue {
			return nil, lb.err("a value filter cannot contain another value filter")
		}
		if path.Sub != "" {
			return nil, lb.err("a value filter must follow the attribute name, not a sub-attribute")
		}
		inner, err := p.valueFilter(lb)
		if err != nil {
			return nil, err
		}
		vp := &valuePathExpr{Path: path, Filter: inner}
		// Entra ID form: emails[type eq "work"].value eq "x"
		if n := p.peek(); n.kind == tkWord && n.text[0] == '.' && n.pos == p.lastEnd {
			p.next()
			sub := n.text[1:]
			if !validName(sub) {
				return nil, n.err("invalid sub-attribute name %q", sub)
			}
			c, err := p.comparison(pathExpr{Attr: sub}, n)
			if err != nil {
				return nil, err
			}
			vp.Filter = &andExpr{Left: inner, Right: c}
		}
		return vp, nil
	}
	return p.comparison(path, t)
}

// valueFilter parses the inside of "[…]" and the closing bracket; lb is the "[".
func (p *parser) valueFilter(lb token) (filterExpr, error) {
	if err := p.enter(lb); err != nil {
		return nil, err
	}
	inner, err := p.or(true)
	if err != nil {
		return nil, err
	}
	if c := p.next(); c.kind != tkRBrack {
		return nil, p.errAt(c, "expected \"]\" to close the \"[\" at offset %d, found %s", lb.pos, c.describe())
	}
	p.depth--
	return inner, nil
}

// comparison parses the operator and value after path (at token at).
func (p *parser) comparison(path pathExpr, at token) (filterExpr, error) {
	o := p.next()
	if o.kind != tkWord {
		return nil, p.errAt(o, "expected an operator after %q, found %s", path.String(), o.describe())
	}
	op, ok := ops[strings.ToLower(o.text)]
	if !ok {
		return nil, p.errAt(o, "unknown operator %s after %q", quoteInput(o.text), path.String())
	}
	if op == opPr {
		return &compareExpr{Path: path, Op: opPr}, nil
	}
	v := p.next()
	var val any
	switch v.kind {
	case tkString:
		val = v.text
	case tkWord:
		switch {
		case strings.EqualFold(v.text, "true"):
			val = true
		case strings.EqualFold(v.text, "false"):
			val = false
		case strings.EqualFold(v.text, "null"):
			val = nil
		case isJSONNumber(v.text):
			val = json.Number(v.text)
		default:
			return nil, p.errAt(v, "invalid comparison value %s (strings need double quotes)", quoteInput(v.text))
		}
	default:
		return nil, p.errAt(v, "expected a comparison value after %q %s, found %s", path.String(), op, v.describe())
	}
	return &compareExpr{Path: path, Op: op, Value: val}, nil
}

// isJSONNumber reports whether s is a number in JSON syntax (RFC 8259 §6).
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// equalityValue reports the string value v when f is `attr eq "v"` (attr named
// without a sub-attribute, with no URN or a core schema URN, compared
// case-insensitively), or an And whose operands include such a term. A server uses it
// to narrow the candidates of a filter through an index (userName, externalId,
// displayName) before evaluating the whole filter on each candidate with matchFilter.
func equalityValue(f filterExpr, attr string) (string, bool) {
	switch f := f.(type) {
	case *compareExpr:
		if f.Op == opEq && f.Path.Is(attr) {
			s, ok := f.Value.(string)
			return s, ok
		}
	case *andExpr:
		if v, ok := equalityValue(f.Left, attr); ok {
			return v, true
		}
		return equalityValue(f.Right, attr)
	}
	return "", false
}

// ---- evaluation

// matchFilter reports whether the resource res (a JSON object as decoded by encoding/json)
// matches f, using rt's attribute definitions; rt may be nil, in which case every
// string comparison is case-insensitive. The rules of RFC 7644 §3.4.2.2:
//
//   - Attribute names match case-insensitively; a schema URN prefix selects the
//     extension object the attribute lives in.
//   - String comparisons honour the attribute's caseExact; dateTime values compare as
//     instants; numbers as numbers; booleans support only eq and ne.
//   - A multi-valued attribute matches when any of its values matches; a complex
//     attribute compared without a sub-attribute compares its "value" sub-attribute
//     (`emails co "example.com"`).
//   - A missing attribute matches no comparison except ne (which is "no value equals")
//     and `eq null`; pr matches a value that is not null, "", [] or {}.
//   - Values of different types never compare equal.
func matchFilter(f filterExpr, res map[string]any, rt *resourceDef) bool {
	return scope{obj: res, rt: rt, top: true}.match(f)
}

// scope is where attribute paths are resolved: the resource (top) or one value of a
// multi-valued complex attribute inside a value filter.
type scope struct {
	obj   map[string]any
	rt    *resourceDef
	top   bool
	attrs []*Attribute // the sub-attribute definitions, inside a value filter
}

func (s scope) match(f filterExpr) bool {
	switch f := f.(type) {
	case *andExpr:
		return s.match(f.Left) && s.match(f.Right)
	case *orExpr:
		return s.match(f.Left) || s.match(f.Right)
	case *notExpr:
		return !s.match(f.Filter)
	case *compareExpr:
		var one [1]any
		vals, def := s.values(f.Path, &one)
		return compareAll(vals, def, f.Op, f.Value)
	case *valuePathExpr:
		raw, def := s.attr(f.Path)
		var subs []*Attribute
		if def != nil {
			subs = def.SubAttributes
		}
		for _, v := range asList(raw) {
			if m, ok := v.(map[string]any); ok && (scope{obj: m, attrs: subs}).match(f.Filter) {
				return true
			}
		}
	}
	return false
}

// attr returns the raw value of the top-level attribute p names and its definition.
func (s scope) attr(p pathExpr) (any, *Attribute) {
	if !s.top {
		v, _ := getKey(s.obj, p.Attr)
		return v, findAttr(s.attrs, p.Attr)
	}
	var def *Attribute
	if s.rt != nil {
		def, _ = s.rt.lookup(p)
	}
	container := s.obj
	if p.URN != "" {
		if ext, ok := getKey(s.obj, p.URN); ok {
			if m, ok := ext.(map[string]any); ok {
				container = m
			}
		} else if !isCoreURN(p.URN) && (s.rt == nil || !strings.EqualFold(p.URN, s.rt.Schema.ID)) {
			return nil, def
		}
	}
	v, _ := getKey(container, p.Attr)
	return v, def
}

// values returns the flattened values p names, and the definition of the attribute
// compared (the sub-attribute, or "value" of a complex attribute). A single plain
// value is returned in one, the caller's: comparing it allocates no list.
func (s scope) values(p pathExpr, one *[1]any) ([]any, *Attribute) {
	raw, def := s.attr(p)
	sub := p.Sub
	if sub == "" && (def != nil && def.typ() == Complex || def == nil && isObjects(raw)) {
		sub = "value"
	}
	if sub == "" {
		return listIn(raw, one), def
	}
	var out []any
	for _, v := range asList(raw) {
		if m, ok := v.(map[string]any); ok {
			if sv, ok := getKey(m, sub); ok {
				out = append(out, asList(sv)...)
			}
		}
	}
	return out, def.Sub(sub)
}

// isObjects reports whether v is an object or a list whose first element is one.
func isObjects(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		return true
	case []any:
		if len(v) > 0 {
			_, ok := v[0].(map[string]any)
			return ok
		}
	}
	return false
}

// asList returns v as a list of values: nil for nil, the elements of an array, or v.
func asList(v any) []any { return listIn(v, new([1]any)) }

// listIn is asList returning a single value in one.
func listIn(v any, one *[1]any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	case []map[string]any:
		out := make([]any, len(v))
		for i, m := range v {
			out[i] = m
		}
		return out
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	}
	one[0] = v
	return one[:]
}

// present reports whether v counts as a value for pr.
func present(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return v != ""
	case []any:
		for _, e := range v {
			if present(e) {
				return true
			}
		}
		return false
	case map[string]any:
		for _, e := range v {
			if present(e) {
				return true
			}
		}
		return false
	}
	return true
}

// compareAll applies op to the values: any value matching matches, except ne, which
// matches when no value is equal.
func compareAll(vals []any, def *Attribute, op compareOp, lit any) bool {
	switch {
	case op == opPr:
		for _, v := range vals {
			if present(v) {
				return true
			}
		}
		return false
	case lit == nil: // eq null / ne null
		has := compareAll(vals, def, opPr, nil)
		switch op {
		case opEq:
			return !has
		case opNe:
			return has
		}
		return false
	case op == opNe:
		return !compareAll(vals, def, opEq, lit)
	}
	for _, v := range vals {
		if compareOne(v, def, op, lit) {
			return true
		}
	}
	return false
}

// compareOne compares one value with the literal.
func compareOne(v any, def *Attribute, op compareOp, lit any) bool {
	switch l := lit.(type) {
	case bool:
		b, ok := v.(bool)
		return ok && op == opEq && b == l
	case json.Number:
		x, ok := number(v)
		if !ok {
			return false
		}
		y, err := l.Float64()
		if err != nil {
			return false
		}
		return ordered(op, cmpFloat(x, y))
	case string:
		s, ok := v.(string)
		if !ok {
			if t, ok := v.(interface{ Format(string) string }); ok && def.typ() == DateTime {
				s = t.Format(timeLayout)
			} else {
				return false
			}
		}
		if def.typ() == DateTime {
			if c, ok := cmpTimes(s, l); ok {
				return ordered(op, c)
			}
		}
		if def == nil || !def.CaseExact {
			if op == opEq {
				return strings.EqualFold(s, l) // no allocation on the common lookup
			}
			s, l = strings.ToLower(s), strings.ToLower(l)
		}
		switch op {
		case opCo:
			return strings.Contains(s, l)
		case opSw:
			return strings.HasPrefix(s, l)
		case opEw:
			return strings.HasSuffix(s, l)
		}
		return ordered(op, strings.Compare(s, l))
	}
	return false
}

// ordered applies an equality or ordering operator to a comparison result.
func ordered(op compareOp, c int) bool {
	switch op {
	case opEq:
		return c == 0
	case opGt:
		return c > 0
	case opGe:
		return c >= 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	}
	return false
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// number converts the numeric types encoding/json (and hand-built resources) produce.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case uint32:
		return float64(n), true
	case float32:
		return float64(n), true
	}
	return 0, false
}

// validateFilter checks a parsed filter against rt's attribute definitions, as RFC 7644
// §3.4.2.2 requires: gt, ge, lt and le on a boolean or binary attribute, a value
// filter on an attribute that is not complex, and a comparison on an attribute that is
// never returned (a password) are refused with a 400 invalidFilter *Error. Attributes
// the resource type does not define are allowed: they match nothing. A nil rt accepts
// every filter.
func validateFilter(f filterExpr, rt *resourceDef) error {
	if rt == nil {
		return nil
	}
	return checkFilter(f, rt, nil, false)
}

func checkFilter(f filterExpr, rt *resourceDef, subs []*Attribute, inValue bool) error {
	switch f := f.(type) {
	case *andExpr:
		if err := checkFilter(f.Left, rt, subs, inValue); err != nil {
			return err
		}
		return checkFilter(f.Right, rt, subs, inValue)
	case *orExpr:
		if err := checkFilter(f.Left, rt, subs, inValue); err != nil {
			return err
		}
		return checkFilter(f.Right, rt, subs, inValue)
	case *notExpr:
		return checkFilter(f.Filter, rt, subs, inValue)
	case *valuePathExpr:
		def, _ := rt.lookup(f.Path)
		if def == nil {
			return nil
		}
		if def.typ() != Complex {
			return badRequest(ErrorInvalidFilter, "invalid filter: %s is not complex and has no values to filter with [%s]", def.Name, f.Filter)
		}
		return checkFilter(f.Filter, rt, def.SubAttributes, true)
	case *compareExpr:
		var def *Attribute
		if inValue {
			def = findAttr(subs, f.Path.Attr)
		} else {
			def, _ = rt.lookup(f.Path)
		}
		if def != nil && def.Returned == Never {
			return badRequest(ErrorInvalidFilter, "invalid filter: %s cannot be filtered on", def.Name)
		}
		if def != nil && (f.Path.Sub != "" || def.typ() == Complex) {
			sub := f.Path.Sub
			if sub == "" {
				sub = "value"
			}
			def = def.Sub(sub)
		}
		if def == nil {
			return nil
		}
		switch f.Op {
		case opGt, opGe, opLt, opLe:
			if t := def.typ(); t == Boolean || t == Binary {
				return badRequest(ErrorInvalidFilter, "invalid filter: %s is %s and cannot be compared with %s", f.Path.String(), t, f.Op)
			}
		}
	}
	return nil
}
