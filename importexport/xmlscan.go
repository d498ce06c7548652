package importexport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// xmlScanner splits the XML of one xlsx part into tokens as the part inflates, in
// memory bounded by the limits: a token (a tag with its attributes, a run of text, a
// comment, a processing instruction, a CDATA section) larger than
// Limits.MaxXMLToken, or nesting deeper than Limits.MaxXMLDepth, is refused as it is
// read, before it is held. It checks that tags nest and close (by a hash of each
// open element's name, so that memory does not grow with names), refuses document
// type declarations (the Open Packaging Conventions forbid them, and with them go
// entity expansion attacks) and honours cancellation at every refill of its buffer.
//
// It is not a validating parser: namespaces are reduced to local names (what
// spreadsheet parts are read by), and attribute values and text are decoded only
// when asked for. The slices it returns are valid until the next call of next.
type xmlScanner struct {
	ctx      context.Context
	src      io.Reader
	file     string
	part     string
	maxTok   int
	maxDepth int
	row      int // the worksheet row being read, for errors; 0 outside rows

	buf  []byte
	r, w int
	eof  bool  // the source is exhausted
	err  error // sticky

	stack []uint64 // hashes of the open elements' names
	end   bool     // a self-closing tag's end is due

	// The current token.
	name  []byte // local name of a start or end tag
	attrs []xmlAttr
	raw   []byte // undecoded text
	cdata bool   // raw is a CDATA section (no entities)

	scratch []byte
}

// xmlAttr is an attribute: its local name and undecoded value.
type xmlAttr struct {
	name, raw []byte
}

type xmlToken uint8

const (
	xmlEOF xmlToken = iota
	xmlStart
	xmlEnd
	xmlText
)

const xmlReadSize = 64 << 10

// newXMLScanner scans src, a part whose size is expected to be about sizeHint bytes
// (its buffer starts no larger).
func newXMLScanner(ctx context.Context, src io.Reader, sizeHint int64, lim Limits, file, part string) *xmlScanner {
	n := min(int64(xmlReadSize), int64(lim.MaxXMLToken)+1024, max(sizeHint+1, 512))
	return &xmlScanner{ctx: ctx, src: src, file: file, part: part, maxTok: lim.MaxXMLToken, maxDepth: lim.MaxXMLDepth,
		buf: make([]byte, n)}
}

// depth is the number of open elements.
func (s *xmlScanner) depth() int { return len(s.stack) }

// tooLarge is the error of a limit exceeded at the current row.
func (s *xmlScanner) tooLarge(limit string, max int) error {
	return &LimitError{Limit: limit, Max: int64(max), File: s.file, Part: s.part, Row: s.row}
}

// malformed is the error of a part that is not well-formed XML.
func (s *xmlScanner) malformed(format string, args ...any) error {
	where := s.part
	if s.row > 0 {
		where += ", row " + strconv.Itoa(s.row)
	}
	return fmt.Errorf("%w: %s: %s", ErrFormat, where, fmt.Sprintf(format, args...))
}

// more reads more of the source into the buffer, keeping the unread bytes; it fails
// once the token being read (the unread bytes) is over the limit. It reports false at
// the end of the source.
func (s *xmlScanner) more() bool {
	if s.err != nil {
		return false
	}
	if s.w-s.r > s.maxTok {
		s.err = s.tooLarge(LimitXMLToken, s.maxTok)
		return false
	}
	if s.eof {
		return false
	}
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return false
	}
	if s.r > 0 {
		s.w = copy(s.buf, s.buf[s.r:s.w])
		s.r = 0
	}
	if s.w == len(s.buf) {
		// The token fills the buffer: grow it, up to the token limit and a read.
		n := min(2*len(s.buf), s.maxTok+xmlReadSize)
		if n <= len(s.buf) {
			s.err = s.tooLarge(LimitXMLToken, s.maxTok)
			return false
		}
		nb := make([]byte, n)
		copy(nb, s.buf[:s.w])
		s.buf = nb
	}
	for tries := 0; ; tries++ {
		n, err := s.src.Read(s.buf[s.w:])
		s.w += n
		if err == io.EOF {
			s.eof = true
			return n > 0
		}
		if err != nil {
			s.err = s.readErr(err)
			return false
		}
		if n > 0 {
			return true
		}
		if tries == 100 {
			s.err = s.readErr(io.ErrNoProgress)
			return false
		}
	}
}

// readErr is the error of a failed read of the part: its limit, cancellation, or a
// damaged part.
func (s *xmlScanner) readErr(err error) error {
	var le *LimitError
	if errors.As(err, &le) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: part %s is damaged or inflates to more than it declares (%v)", ErrFormat, s.part, err)
}

// next reads the next token. At the end of the part it returns xmlEOF, with s.err
// set when the part is not whole.
func (s *xmlScanner) next() xmlToken {
	if s.end {
		s.end = false
		s.stack = s.stack[:len(s.stack)-1]
		return xmlEnd
	}
	for s.err == nil {
		if s.r == s.w && !s.more() {
			if s.err == nil && len(s.stack) > 0 {
				s.err = s.malformed("the part ends inside element %d levels deep", len(s.stack))
			}
			return xmlEOF
		}
		b := s.buf[s.r:s.w]
		if b[0] != '<' {
			i := bytes.IndexByte(b, '<')
			if i < 0 {
				if s.eof {
					i = len(b)
				} else {
					s.more()
					continue
				}
			}
			if i > s.maxTok {
				s.err = s.tooLarge(LimitXMLToken, s.maxTok)
				return xmlEOF
			}
			s.raw, s.cdata = b[:i], false
			s.r += i
			return xmlText
		}
		switch t, n := s.markup(b); {
		case n == 0:
			if !s.more() && s.err == nil {
				s.err = s.malformed("the part ends inside a tag")
			}
		case n > s.maxTok:
			s.err = s.tooLarge(LimitXMLToken, s.maxTok)
		case t == xmlEOF: // a comment or processing instruction: skipped
			s.r += n
		default:
			s.r += n
			if s.err == nil {
				return t
			}
		}
	}
	return xmlEOF
}

// markup reads the markup at the start of b and returns its kind and length; a
// length of 0 means more input is needed. Comments and processing instructions come
// back as xmlEOF with their length, to be skipped.
func (s *xmlScanner) markup(b []byte) (xmlToken, int) {
	if len(b) < 2 {
		return 0, 0
	}
	switch b[1] {
	case '/':
		i := bytes.IndexByte(b, '>')
		if i < 0 {
			return 0, 0
		}
		name := b[2:i]
		for len(name) > 0 && xmlSpace(name[len(name)-1]) {
			name = name[:len(name)-1]
		}
		if len(s.stack) == 0 || s.stack[len(s.stack)-1] != nameHash(name) {
			s.err = s.malformed("unexpected end tag </%s>", truncate(string(name), 40))
			return xmlEOF, i + 1
		}
		s.stack = s.stack[:len(s.stack)-1]
		s.name = localName(name)
		return xmlEnd, i + 1
	case '?':
		i := bytes.Index(b, []byte("?>"))
		if i < 0 {
			return 0, 0
		}
		if enc := declaredEncoding(b[:i]); enc != "" && !strings.EqualFold(enc, "UTF-8") {
			s.err = s.malformed("XML in %s is not supported (only UTF-8)", truncate(enc, 20))
		}
		return xmlEOF, i + 2
	case '!':
		switch {
		case bytes.HasPrefix(b, []byte("<!--")):
			i := bytes.Index(b[4:], []byte("-->"))
			if i < 0 {
				return 0, 0
			}
			return xmlEOF, i + 7
		case bytes.HasPrefix(b, []byte("<![CDATA[")):
			i := bytes.Index(b[9:], []byte("]]>"))
			if i < 0 {
				return 0, 0
			}
			s.raw, s.cdata = b[9:9+i], true
			return xmlText, i + 12
		case len(b) < 9 && (bytes.HasPrefix([]byte("<!--"), b) || bytes.HasPrefix([]byte("<![CDATA["), b)):
			return 0, 0
		}
		s.err = s.malformed("document type declarations are not allowed")
		return xmlEOF, 1
	}
	// A start tag: find its end outside quoted attribute values.
	end := -1
	var quote byte
	for i := 1; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			end = i
		case c == '<':
			s.err = s.malformed("'<' inside a tag")
			return xmlEOF, i
		}
		if end >= 0 {
			break
		}
	}
	if end < 0 {
		return 0, 0
	}
	if err := s.startTag(b[1:end]); err != nil {
		s.err = err
		return xmlEOF, end + 1
	}
	return xmlStart, end + 1
}

// startTag parses a start tag's name and attributes (the text between '<' and '>').
func (s *xmlScanner) startTag(t []byte) error {
	empty := len(t) > 0 && t[len(t)-1] == '/'
	if empty {
		t = t[:len(t)-1]
	}
	i := 0
	for i < len(t) && !xmlSpace(t[i]) {
		i++
	}
	if i == 0 {
		return s.malformed("a tag without a name")
	}
	qname := t[:i]
	s.name = localName(qname)
	s.attrs = s.attrs[:0]
	for {
		for i < len(t) && xmlSpace(t[i]) {
			i++
		}
		if i == len(t) {
			break
		}
		n := i
		for i < len(t) && t[i] != '=' && !xmlSpace(t[i]) {
			i++
		}
		name := t[n:i]
		for i < len(t) && xmlSpace(t[i]) {
			i++
		}
		if i == len(t) || t[i] != '=' {
			return s.malformed("attribute %s of <%s> has no value", truncate(string(name), 40), truncate(string(qname), 40))
		}
		i++
		for i < len(t) && xmlSpace(t[i]) {
			i++
		}
		if i == len(t) || (t[i] != '"' && t[i] != '\'') {
			return s.malformed("attribute %s of <%s> is not quoted", truncate(string(name), 40), truncate(string(qname), 40))
		}
		q := t[i]
		j := bytes.IndexByte(t[i+1:], q)
		if j < 0 {
			return s.malformed("attribute %s of <%s> is not closed", truncate(string(name), 40), truncate(string(qname), 40))
		}
		s.attrs = append(s.attrs, xmlAttr{name: localName(name), raw: t[i+1 : i+1+j]})
		i += j + 2
	}
	if len(s.stack) == s.maxDepth {
		return s.tooLarge(LimitXMLDepth, s.maxDepth)
	}
	s.stack = append(s.stack, nameHash(qname))
	s.end = empty
	return nil
}

func xmlSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// localName drops a namespace prefix.
func localName(qname []byte) []byte {
	if i := bytes.IndexByte(qname, ':'); i >= 0 {
		return qname[i+1:]
	}
	return qname
}

// nameHash is FNV-1a of a qualified name.
func nameHash(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// declaredEncoding returns the encoding named by an XML declaration ("<?xml … ?").
func declaredEncoding(pi []byte) string {
	if !bytes.HasPrefix(pi, []byte("<?xml")) || len(pi) > 5 && !xmlSpace(pi[5]) {
		return ""
	}
	i := bytes.Index(pi, []byte("encoding"))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(pi[i+len("encoding"):], " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return ""
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	j := bytes.IndexByte(rest[1:], rest[0])
	if j < 0 {
		return ""
	}
	return string(rest[1 : 1+j])
}

// is reports whether the current tag's local name is name.
func (s *xmlScanner) is(name string) bool { return string(s.name) == name }

// attr returns the undecoded value of the current start tag's attribute.
func (s *xmlScanner) attr(name string) ([]byte, bool) {
	for _, a := range s.attrs {
		if string(a.name) == name {
			return a.raw, true
		}
	}
	return nil, false
}

// attrString returns the decoded value of the current start tag's attribute.
func (s *xmlScanner) attrString(name string) (string, bool, error) {
	raw, ok := s.attr(name)
	if !ok {
		return "", false, nil
	}
	v, err := s.decode(raw, false)
	return string(v), true, err
}

// text returns the current text token decoded: entities and character references
// replaced, line ends normalized to '\n'. The slice is valid until the next call of
// next or text.
func (s *xmlScanner) text() ([]byte, error) { return s.decode(s.raw, s.cdata) }

// decode decodes text or an attribute value; invalid UTF-8 is refused.
func (s *xmlScanner) decode(raw []byte, cdata bool) ([]byte, error) {
	if bytes.IndexByte(raw, '\r') < 0 && (cdata || bytes.IndexByte(raw, '&') < 0) {
		if !utf8.Valid(raw) {
			return nil, s.malformed("text is not valid UTF-8")
		}
		return raw, nil
	}
	out := s.scratch[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\r':
			out = append(out, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		case c == '&' && !cdata:
			j := bytes.IndexByte(raw[i:], ';')
			if j < 0 || j > 12 {
				return nil, s.malformed("an unterminated entity")
			}
			ent := raw[i+1 : i+j]
			i += j
			switch string(ent) {
			case "lt":
				out = append(out, '<')
			case "gt":
				out = append(out, '>')
			case "amp":
				out = append(out, '&')
			case "quot":
				out = append(out, '"')
			case "apos":
				out = append(out, '\'')
			default:
				r, ok := charRef(ent)
				if !ok {
					return nil, s.malformed("unknown entity &%s;", truncate(string(ent), 12))
				}
				out = utf8.AppendRune(out, r)
			}
		default:
			out = append(out, c)
		}
	}
	s.scratch = out
	if !utf8.Valid(out) {
		return nil, s.malformed("text is not valid UTF-8")
	}
	return out, nil
}

// charRef decodes "#123" or "#x7B".
func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	v, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || v == 0 || v > utf8.MaxRune || (v >= 0xD800 && v < 0xE000) {
		return 0, false
	}
	return rune(v), true
}

// skip skips the rest of the element whose start tag was just read.
func (s *xmlScanner) skip() {
	d := len(s.stack)
	for len(s.stack) >= d {
		if s.next() == xmlEOF {
			return
		}
	}
}

// The forms of a plain string's text element, and its end with the string's.
var (
	plainT         = []byte("<t>")
	plainTPreserve = []byte(`<t xml:space="preserve">`)
	plainEnd       = []byte("</t></si>")
	siHash         = nameHash([]byte("si"))
)

// plainString reads, right after the start tag <si>, a string of the commonest
// form — <t>text</t></si>, the text without entities, line ends or _xHHHH_ escapes,
// all of it in the buffer — without tokenizing it: the shared strings of a large
// workbook are mostly so. It returns the text (valid until the next call of next)
// and consumes the string up to and including </si>; otherwise it returns false
// and consumes nothing, and the string is read token by token (richText).
func (s *xmlScanner) plainString() ([]byte, bool) {
	if s.end || len(s.stack) == 0 || s.stack[len(s.stack)-1] != siHash || len(s.stack) >= s.maxDepth {
		return nil, false
	}
	b := s.buf[s.r:s.w]
	var open int
	switch {
	case bytes.HasPrefix(b, plainT):
		open = len(plainT)
	case bytes.HasPrefix(b, plainTPreserve):
		open = len(plainTPreserve)
	default:
		return nil, false
	}
	i := bytes.IndexByte(b[open:], '<')
	if i < 0 || i > s.maxTok || !bytes.HasPrefix(b[open+i:], plainEnd) {
		return nil, false
	}
	text := b[open : open+i]
	if bytes.IndexByte(text, '&') >= 0 || bytes.IndexByte(text, '\r') >= 0 || bytes.Contains(text, []byte("_x")) || !utf8.Valid(text) {
		return nil, false
	}
	s.r += open + i + len(plainEnd)
	s.stack = s.stack[:len(s.stack)-1] // the <si> ends
	return text, true
}
