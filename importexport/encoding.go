package importexport

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/orgkit/orgkit"
)

// Encoding is the character encoding of a CSV file.
type Encoding uint8

const (
	// EncodingAuto detects the encoding (see ImportOptions.Encoding).
	EncodingAuto Encoding = iota
	// UTF8 is UTF-8, with or without a byte order mark.
	UTF8
	// UTF16LE is UTF-16, little-endian: Excel's "Unicode Text". A byte order mark,
	// when present, decides the byte order.
	UTF16LE
	// UTF16BE is UTF-16, big-endian. A byte order mark, when present, decides the
	// byte order.
	UTF16BE
	// GB18030 is the Chinese national standard, which extends GBK and GB2312: what
	// Simplified-Chinese Excel saves as "CSV".
	GB18030
	// Big5 is Traditional-Chinese Big5 (with the HKSCS extensions): what
	// Traditional-Chinese Excel saves as "CSV".
	Big5
	// ShiftJIS is Shift_JIS (Windows code page 932): what Japanese Excel saves as
	// "CSV".
	ShiftJIS
)

// detectable are the encodings detection chooses among when a file has no byte order
// mark, in the order they are named.
var detectable = [...]Encoding{UTF8, GB18030, Big5, ShiftJIS}

// String returns the encoding's name: "auto", "UTF-8", "UTF-16LE", "UTF-16BE",
// "GB18030", "Big5" or "Shift_JIS".
func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "UTF-8"
	case UTF16LE:
		return "UTF-16LE"
	case UTF16BE:
		return "UTF-16BE"
	case GB18030:
		return "GB18030"
	case Big5:
		return "Big5"
	case ShiftJIS:
		return "Shift_JIS"
	case EncodingAuto:
		return "auto"
	}
	return fmt.Sprintf("Encoding(%d)", uint8(e))
}

// ParseEncoding reads an encoding's name as hosts and browsers write it, ignoring
// case, spaces, '-' and '_': "utf-8", "utf-16le", "utf-16be", "gb18030", "gbk",
// "gb2312", "cp936", "big5", "big5-hkscs", "cp950", "shift_jis", "sjis", "cp932",
// "windows-31j", and "" or "auto" for detection. Any other name is an error matching
// orgkit.ErrInvalid.
func ParseEncoding(name string) (Encoding, error) {
	k := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, name)
	switch k {
	case "", "auto":
		return EncodingAuto, nil
	case "utf8":
		return UTF8, nil
	case "utf16le", "utf16", "unicode":
		return UTF16LE, nil
	case "utf16be":
		return UTF16BE, nil
	case "gb18030", "gbk", "gb2312", "cp936", "windows936", "euccn":
		return GB18030, nil
	case "big5", "big5hkscs", "cp950", "windows950":
		return Big5, nil
	case "shiftjis", "sjis", "cp932", "windows31j", "mskanji":
		return ShiftJIS, nil
	}
	return EncodingAuto, fmt.Errorf("importexport: unknown encoding %q: %w", name, orgkit.ErrInvalid)
}

// xtext returns the x/text encoding that decodes e (nil for UTF-8).
func (e Encoding) xtext() encoding.Encoding {
	switch e {
	case UTF16LE:
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM)
	case UTF16BE:
		return xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM)
	case GB18030:
		return simplifiedchinese.GB18030
	case Big5:
		return traditionalchinese.Big5
	case ShiftJIS:
		return japanese.ShiftJIS
	}
	return nil
}

// EncodingError is the error of a CSV file refused for its text: a file whose
// encoding cannot be told (Candidates lists the encodings its text is valid in; set
// ImportOptions.Encoding to one of them), or whose text is not valid in the encoding
// it is read in (Encoding, at Line). It matches ErrFormat and orgkit.ErrInvalid.
type EncodingError struct {
	File string // the input's name, when it has one
	// Encoding is the encoding the file was read in; EncodingAuto when none could be
	// chosen.
	Encoding Encoding
	// Line is the 1-based line of the first invalid sequence, or of the first text
	// the encodings disagree on.
	Line int
	// Candidates are the encodings the file's text is valid in, when none could be
	// chosen among them; nil otherwise.
	Candidates []Encoding
	// Reason says what is wrong, in English.
	Reason string
}

// Error describes the problem and, for an undecidable file, the candidates.
func (e *EncodingError) Error() string {
	var b strings.Builder
	b.WriteString("importexport: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	switch {
	case e.Candidates != nil:
		names := make([]string, len(e.Candidates))
		for i, c := range e.Candidates {
			names[i] = c.String()
		}
		fmt.Fprintf(&b, "cannot tell the CSV file's encoding from line %d on: it is valid as %s; set ImportOptions.Encoding to the one it was saved in",
			e.Line, strings.Join(names, ", "))
	case e.Encoding == EncodingAuto:
		fmt.Fprintf(&b, "line %d: %s", e.Line, e.Reason)
	default:
		fmt.Fprintf(&b, "line %d is not valid %s: %s", e.Line, e.Encoding, e.Reason)
	}
	b.WriteString("; nothing was imported")
	return b.String()
}

// Is matches ErrFormat and orgkit.ErrInvalid.
func (e *EncodingError) Is(target error) bool {
	return target == ErrFormat || target == orgkit.ErrInvalid
}

// sniffWindow is how much of a file detection looks at: the first bytes for the
// byte order mark and the separator, and from the first non-ASCII byte on for the
// encoding.
const sniffWindow = 64 << 10

// csvText is a CSV file's text decoded to UTF-8, every line break a '\n' (CRLF and a
// bare CR both become one), and its separator.
type csvText struct {
	*textReader
	sep rune
}

// decodeCSV starts decoding a CSV file (see ImportOptions.Encoding): the encoding is
// enc, or else told by a byte order mark, or else chosen when the first non-ASCII
// text is met (the text before is ASCII, the same in every candidate). The separator
// is the one of ',', ';' and tab that splits a line among the first ten into the
// most known headers (else into the most cells). Text not valid in the encoding fails
// the read with an *EncodingError naming its line.
func decodeCSV(r io.Reader, enc Encoding, file string) (*csvText, error) {
	if enc > ShiftJIS {
		return nil, fmt.Errorf("importexport: unknown encoding %d: %w", enc, orgkit.ErrInvalid)
	}
	br := bufio.NewReaderSize(r, sniffWindow)
	head, err := br.Peek(sniffWindow)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		var le *LimitError
		if errors.As(err, &le) {
			return nil, le
		}
		return nil, err
	}
	atEOF := err == io.EOF
	t := &textReader{src: br, file: file, line: 1}
	bom := detectBOM(head)
	switch {
	case bom != 0 && (enc == EncodingAuto || bom == enc || (bom == UTF16BE || bom == UTF16LE) && (enc == UTF16BE || enc == UTF16LE)):
		if bom != UTF16LE && bom != UTF16BE { // UTF-16 decoders take their BOM themselves
			n := bomLen(bom)
			_, _ = br.Discard(n)
			head = head[n:]
		}
		t.setEncoding(bom)
	case enc != EncodingAuto:
		t.setEncoding(enc)
	case bytes.IndexByte(head, 0) >= 0:
		return nil, &EncodingError{File: file, Line: lineAt(head, bytes.IndexByte(head, 0)),
			Reason: "a NUL byte: UTF-16 without a byte order mark, or not a text file; set ImportOptions.Encoding if it is UTF-16"}
	default:
		if i := firstNonASCII(head); i >= 0 {
			chosen, err := chooseEncoding(head, i, atEOF, file, 1)
			if err != nil {
				return nil, err
			}
			t.setEncoding(chosen)
		}
	}
	// The separator, from the start of the text.
	text := head // all ASCII while no encoding is chosen
	if t.enc != EncodingAuto {
		text = decodePrefix(t.enc, head, atEOF)
	}
	return &csvText{textReader: t, sep: sniffSeparator(text)}, nil
}

// detectBOM returns the encoding a byte order mark at the start of b names.
func detectBOM(b []byte) Encoding {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return UTF8
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return UTF16LE
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return UTF16BE
	case bytes.HasPrefix(b, []byte{0x84, 0x31, 0x95, 0x33}):
		return GB18030
	}
	return EncodingAuto
}

func bomLen(e Encoding) int {
	switch e {
	case UTF8:
		return 3
	case GB18030:
		return 4
	}
	return 2
}

func firstNonASCII(b []byte) int {
	for i, c := range b {
		if c >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

// lineAt returns the 1-based line of byte i of b (lines counted as the text reader
// counts them).
func lineAt(b []byte, i int) int {
	line := 1
	for k := 0; k < i; k++ {
		switch b[k] {
		case '\n':
			line++
		case '\r':
			if k+1 >= len(b) || b[k+1] != '\n' {
				line++
			}
		}
	}
	return line
}

// decodePrefix decodes as much of b as forms whole characters in e (invalid
// sequences become U+FFFD).
func decodePrefix(e Encoding, b []byte, atEOF bool) []byte {
	x := e.xtext()
	if x == nil {
		if !atEOF {
			for k := 1; k < utf8.UTFMax && k <= len(b); k++ {
				if utf8.RuneStart(b[len(b)-k]) {
					if !utf8.FullRune(b[len(b)-k:]) {
						b = b[:len(b)-k]
					}
					break
				}
			}
		}
		return b
	}
	out := make([]byte, 0, len(b)*3/2+16)
	dec := x.NewDecoder()
	buf := make([]byte, 32<<10)
	for len(b) > 0 {
		nDst, nSrc, err := dec.Transform(buf, b, atEOF)
		out = append(out, buf[:nDst]...)
		b = b[nSrc:]
		if err == transform.ErrShortDst {
			continue
		}
		break // done, or a character cut at the window's end
	}
	return out
}

// invalidAt returns the offset in decoded text of the first character that shows the
// source was not valid text: U+FFFD (a decoder's replacement for an invalid sequence,
// or one already in the file), NUL, or invalid UTF-8; -1 when there is none.
func invalidAt(text []byte) (int, string) {
	if utf8.Valid(text) && bytes.IndexByte(text, 0) < 0 && !bytes.Contains(text, []byte("\uFFFD")) {
		return -1, ""
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return i, "a NUL character"
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return i, "an invalid byte sequence"
		case r == utf8.RuneError:
			return i, "an invalid byte sequence (or a U+FFFD replacement character left by an earlier conversion)"
		}
		i += size
	}
	return -1, ""
}

// chooseEncoding chooses the encoding of a file that has no byte order mark, from a
// window of its bytes whose byte first is its first non-ASCII byte (the bytes before
// are ASCII); line is the line of its start. The candidates are the encodings the window is valid in; among several, the
// one whose decoded header row names the most known columns wins; then UTF-8, unless
// another candidate reads as clearly more plausible text (see plausibility); then a
// candidate that reads as clearly more plausible than every other. Otherwise the file
// is refused, naming the candidates.
func chooseEncoding(window []byte, first int, atEOF bool, file string, line int) (Encoding, error) {
	type cand struct {
		enc     Encoding
		text    []byte
		headers int
		score   float64
	}
	// A candidate is an encoding the window is valid in; when none is, those valid
	// the furthest (by lines) stay, judged on their valid text, and the reader then
	// refuses the invalid sequence at its line.
	var cands []*cand
	furthest := -1
	for _, e := range detectable {
		text := decodePrefix(e, window, atEOF)
		reach := math.MaxInt
		if i, _ := invalidAt(text); i >= 0 {
			text, reach = text[:i], bytes.Count(text[:i], []byte{'\n'})+bytes.Count(text[:i], []byte{'\r'})
		}
		switch {
		case reach > furthest:
			cands, furthest = []*cand{{enc: e, text: text}}, reach
		case reach == furthest:
			cands = append(cands, &cand{enc: e, text: text})
		}
	}
	l := lineAt(window, first) + line - 1
	if firstNonASCII(cands[0].text[min(first, len(cands[0].text)):]) < 0 {
		names := make([]string, len(detectable))
		for i, e := range detectable {
			names[i] = e.String()
		}
		return 0, &EncodingError{File: file, Line: l,
			Reason: "the text is not valid in any of " + strings.Join(names, ", ") + "; set ImportOptions.Encoding if it was saved in another encoding"}
	}
	if len(cands) == 1 {
		return cands[0].enc, nil
	}
	// The header row decides.
	best, bestN, tie := -1, 0, false
	for i, c := range cands {
		c.headers = headerMatches(c.text)
		switch {
		case c.headers > bestN:
			best, bestN, tie = i, c.headers, false
		case c.headers == bestN && bestN > 0:
			tie = true
		}
	}
	if best >= 0 && !tie {
		return cands[best].enc, nil
	}
	// Then the text: UTF-8 unless clearly less plausible; else one clearly ahead.
	for _, c := range cands {
		c.score = plausibility(c.enc, c.text)
	}
	slices.SortStableFunc(cands, func(a, b *cand) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	top := cands[0]
	clearlyAhead := func(c *cand) bool {
		for _, o := range cands {
			if o != c && o.score > c.score-plausibleMargin {
				return false
			}
		}
		return c.score >= plausibleMin
	}
	for _, c := range cands {
		if c.enc == UTF8 && !(top.enc != UTF8 && clearlyAhead(top)) {
			return UTF8, nil
		}
	}
	if clearlyAhead(top) {
		return top.enc, nil
	}
	found := make([]Encoding, len(cands))
	for i, c := range cands {
		found[i] = c.enc
	}
	slices.Sort(found)
	return 0, &EncodingError{File: file, Line: l, Candidates: found}
}

// The thresholds of plausibility: a candidate is chosen over others when at least
// plausibleMin of its non-ASCII characters are common ones and every other
// candidate's share is at least plausibleMargin lower.
const (
	plausibleMin    = 0.75
	plausibleMargin = 0.25
)

// headerMatches returns the most cells of one line, among the first ten non-blank
// lines of text and the three separators, that name known member or department
// columns and contain non-ASCII text (ASCII headers read the same in every
// candidate).
func headerMatches(text []byte) int {
	best := 0
	for _, line := range firstLines(text, headerScan) {
		for _, sep := range []rune{',', ';', '\t'} {
			for _, kind := range []Sheets{Members, Departments} {
				n := 0
				for _, cell := range splitLine(line, sep) {
					if firstNonASCII([]byte(cell)) < 0 {
						continue
					}
					if knownHeader(kind, cell) {
						n++
					}
				}
				best = max(best, n)
			}
		}
	}
	return best
}

// firstLines returns up to n non-blank lines from the start of text (a last line
// without its break is left out unless it is the only text).
func firstLines(text []byte, n int) []string {
	var out []string
	s := string(text)
	for len(out) < n && s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			if len(out) == 0 {
				out = append(out, s)
			}
			break
		}
		if line := s[:i]; strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
		s = s[i+1:]
	}
	return out
}

// plausibility returns the share of the non-ASCII characters of text (as decoded from
// e) that are common in text written in e: for GB18030 the punctuation and the first
// level of GB2312 hanzi; for Big5 its symbols and frequent characters; for Shift_JIS
// its punctuation, kana and first-level kanji; for UTF-8 letters of the scripts
// people write names in. The reading of a file in a wrong encoding is mostly rare
// characters, so the right one stands out once a file has a few words of text.
func plausibility(e Encoding, text []byte) float64 {
	var enc *encoding.Encoder
	if x := e.xtext(); x != nil {
		enc = x.NewEncoder()
	}
	var buf [8]byte
	total, common := 0, 0
	for _, r := range string(text) {
		if r < utf8.RuneSelf {
			continue
		}
		total++
		if enc == nil {
			if commonUnicode(r) {
				common++
			}
			continue
		}
		n := utf8.EncodeRune(buf[4:], r)
		nDst, _, err := enc.Transform(buf[:4], buf[4:4+n], true)
		enc.Reset()
		if err != nil || nDst != 2 {
			continue
		}
		if commonCode(e, uint16(buf[0])<<8|uint16(buf[1])) {
			common++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(common) / float64(total)
}

// commonCode reports whether a two-byte code of e is one of its common characters.
func commonCode(e Encoding, c uint16) bool {
	in := func(lo, hi uint16) bool { return c >= lo && c <= hi && c&0xFF >= lo&0xFF }
	switch e {
	case GB18030:
		return in(0xA1A1, 0xA3FE) || in(0xB0A1, 0xD7FE)
	case Big5:
		return (c >= 0xA140 && c <= 0xA3BF) || (c >= 0xA440 && c <= 0xC67E)
	case ShiftJIS:
		return (c >= 0x8140 && c <= 0x81AC) || (c >= 0x824F && c <= 0x82F1) ||
			(c >= 0x8340 && c <= 0x8396) || (c >= 0x889F && c <= 0x9872)
	}
	return false
}

// commonUnicode reports whether r is a letter or mark of the scripts names and
// departments are written in, or common punctuation.
func commonUnicode(r rune) bool {
	switch {
	case r >= 0x00C0 && r <= 0x024F, // Latin letters with accents
		r >= 0x0300 && r <= 0x036F, // combining accents (decomposed text)
		r >= 0x0370 && r <= 0x052F, // Greek, Cyrillic
		r >= 0x2000 && r <= 0x206F, // general punctuation
		r >= 0x3000 && r <= 0x30FF, // CJK punctuation, kana
		r >= 0xAC00 && r <= 0xD7A3, // Hangul
		r >= 0xFF01 && r <= 0xFF9F, // full-width forms, half-width kana
		r == 0x00A0 || r == 0x00B7 || r == 0x00D7:
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// textReader decodes a file to UTF-8 as it is read: bytes pass through while they are
// ASCII and no encoding is chosen; the first non-ASCII byte chooses it (see
// chooseEncoding). Line breaks are made '\n'; lines are counted for errors.
type textReader struct {
	src  *bufio.Reader
	file string
	enc  Encoding // EncodingAuto until chosen
	dec  transform.Transformer

	buf    []byte // read buffer
	in     []byte // bytes read from src, not yet decoded (may alias buf)
	inEOF  bool
	decBuf []byte
	out    []byte // decoded text not yet returned (may alias buf or decBuf)
	line   int    // line of the next byte returned
	cr     bool   // the last byte returned was a CR turned into '\n'
	err    error
}

func (t *textReader) setEncoding(e Encoding) {
	t.enc = e
	if x := e.xtext(); x != nil {
		t.dec = x.NewDecoder()
	}
}

// encoding returns the encoding the text is read in (EncodingAuto while it has been
// ASCII).
func (t *textReader) encoding() Encoding { return t.enc }

func (t *textReader) Read(p []byte) (int, error) {
	for len(t.out) == 0 {
		if t.err != nil {
			return 0, t.err
		}
		if err := t.fill(); err != nil {
			t.err = err
		}
	}
	return t.emit(p), nil
}

// emit copies decoded text to p, turning CRLF and bare CR into '\n' and counting
// lines.
func (t *textReader) emit(p []byte) int {
	n := 0
	for n < len(p) && len(t.out) > 0 {
		switch c := t.out[0]; {
		case c == '\n' && t.cr: // the LF of a CRLF already given as '\n'
			t.out = t.out[1:]
			t.cr = false
		case c == '\r':
			t.out = t.out[1:]
			p[n] = '\n'
			n++
			t.line++
			t.cr = true
		default: // the text up to the next CR
			chunk := t.out[:min(len(t.out), len(p)-n)]
			if i := bytes.IndexByte(chunk, '\r'); i >= 0 {
				chunk = chunk[:i]
			}
			k := copy(p[n:], chunk)
			t.line += bytes.Count(p[n:n+k], []byte{'\n'})
			t.out = t.out[k:]
			n += k
			t.cr = false
		}
	}
	return n
}

// read reads the next bytes of the file after the n undecoded bytes kept at the start
// of in.
func (t *textReader) read() error {
	if t.buf == nil {
		t.buf = make([]byte, 32<<10)
	}
	keep := copy(t.buf, t.in) // at most a cut character
	n, err := t.src.Read(t.buf[keep:])
	t.in = t.buf[:keep+n]
	if err == io.EOF {
		t.inEOF = true
		return nil
	}
	return err
}

// fill decodes the next text into out; it returns io.EOF at the end of the file.
func (t *textReader) fill() error {
	if len(t.in) == 0 {
		if t.inEOF {
			return io.EOF
		}
		if err := t.read(); err != nil {
			return err
		}
		if len(t.in) == 0 {
			return nil // nothing yet; the caller calls again
		}
	}
	if t.enc == EncodingAuto {
		i := firstNonASCII(t.in)
		if i != 0 {
			if i < 0 {
				i = len(t.in)
			}
			t.out, t.in = t.in[:i], t.in[i:]
			if k := bytes.IndexByte(t.out, 0); k >= 0 {
				return t.invalid(k, "a NUL byte: UTF-16 without a byte order mark, or not a text file")
			}
			return nil
		}
		// The first non-ASCII byte chooses the encoding from here on.
		window, atEOF, err := t.window()
		if err != nil {
			return err
		}
		e, err := chooseEncoding(window, 0, atEOF, t.file, t.line)
		if err != nil {
			return err
		}
		t.setEncoding(e)
	}
	if t.dec == nil { // UTF-8: checked, then passed through
		end := len(t.in)
		if !t.inEOF {
			end = completeUTF8(t.in)
			if end == 0 { // a character cut at the end of the buffer
				return t.read()
			}
		}
		t.out, t.in = t.in[:end], t.in[end:]
		if i, why := invalidAt(t.out); i >= 0 {
			return t.invalid(i, why)
		}
		return nil
	}
	if t.decBuf == nil {
		t.decBuf = make([]byte, 96<<10)
	}
	nDst, nSrc, err := t.dec.Transform(t.decBuf, t.in, t.inEOF)
	t.out, t.in = t.decBuf[:nDst], t.in[nSrc:]
	if i, why := invalidAt(t.out); i >= 0 {
		return t.invalid(i, why)
	}
	switch err {
	case nil, transform.ErrShortDst:
		return nil
	case transform.ErrShortSrc: // a character cut at the end of the buffer
		if len(t.out) > 0 {
			return nil // read on once out is given
		}
		return t.read()
	}
	return err
}

// window returns the undecoded bytes from the first non-ASCII byte on, up to
// sniffWindow of them, without consuming any, and whether they reach the end of the
// file.
func (t *textReader) window() ([]byte, bool, error) {
	if len(t.in) >= sniffWindow || t.inEOF {
		return t.in, t.inEOF, nil
	}
	more, err := t.src.Peek(min(sniffWindow-len(t.in), t.src.Size()))
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, false, err
	}
	w := make([]byte, 0, len(t.in)+len(more))
	w = append(append(w, t.in...), more...)
	return w, err == io.EOF, nil
}

// invalid returns the error for the invalid text at offset i of out, whose first byte
// is the next one to be returned.
func (t *textReader) invalid(i int, why string) error {
	line, cr := t.line, t.cr
	for _, c := range t.out[:i] {
		switch {
		case c == '\r':
			line++
			cr = true
		case c == '\n' && cr:
			cr = false
		case c == '\n':
			line++
		default:
			cr = false
		}
	}
	t.out = nil
	return &EncodingError{File: t.file, Encoding: t.enc, Line: line, Reason: why}
}

// completeUTF8 returns the length of the longest prefix of b that does not end in a
// cut character.
func completeUTF8(b []byte) int {
	for k := 1; k < utf8.UTFMax && k <= len(b); k++ {
		if utf8.RuneStart(b[len(b)-k]) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return len(b) - k
			}
			break
		}
	}
	return len(b)
}

// sniffSeparator chooses the separator of a CSV file from the start of its text: the
// one of ',', ';' and tab that splits a line among the first ten non-blank lines into
// the most known headers; among equals, the one that splits a line into the most
// cells; ',' when no line has any.
func sniffSeparator(text []byte) rune {
	lines := firstLines(text, headerScan)
	best, bestHeaders, bestCells := ',', 0, 1
	for _, sep := range []rune{',', ';', '\t'} {
		headers, cells := 0, 1
		for _, line := range lines {
			fields := splitLine(line, sep)
			cells = max(cells, len(fields))
			for _, kind := range []Sheets{Members, Departments} {
				n := 0
				for _, f := range fields {
					if f != "" && knownHeader(kind, f) {
						n++
					}
				}
				headers = max(headers, n)
			}
		}
		if headers > bestHeaders || headers == bestHeaders && cells > bestCells {
			best, bestHeaders, bestCells = sep, headers, cells
		}
	}
	return best
}

// splitLine splits a line of CSV on sep outside double quotes, unquoting the fields
// roughly (enough to read headers).
func splitLine(line string, sep rune) []string {
	var out []string
	var b strings.Builder
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == sep && !quoted:
			out = append(out, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteRune(r)
		}
	}
	return append(out, strings.TrimSpace(b.String()))
}
