package importexport

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// csvReader reads CSV records from UTF-8 text in bounded memory: RFC 4180 quoting
// (a field in double quotes may hold separators, line breaks and doubled quotes),
// records ended by LF, CRLF or a bare CR, empty lines skipped. A record's fields are
// counted as its separators are read and its bytes as they arrive, so that a record
// over Limits.MaxColumns or Limits.MaxRecordSize is refused before its fields are
// built. Malformed quoting is read leniently, as encoding/csv's LazyQuotes does: a
// quote inside an unquoted field is kept, and so is a quote inside a quoted field
// that neither doubles nor closes it. Cancellation is checked at every refill of the
// buffer, so within a record.
//
// Encoding detection is not its business: it takes text already decoded to UTF-8
// (the separators are ASCII, so bytes can be scanned without decoding runes).
type csvReader struct {
	ctx  context.Context
	src  io.Reader
	sep  byte
	file string

	maxFields, maxBytes int

	buf      []byte
	pos, end int
	srcErr   error // the error that ended the source (io.EOF at its end)

	special csvSpecial // the bytes that interrupt an unquoted field

	line       int    // the line of the next unread byte, 1-based
	recordLine int    // the line the current record starts on
	rec        []byte // the current record's field bytes
	ends       []int  // the end of each field in rec
	nbytes     int    // bytes of the current record read so far
}

// csvSpecial marks the bytes that interrupt a field.
type csvSpecial [256]bool

// newCSVReader reads records from UTF-8 text separated by sep (',', ';' or '\t').
func newCSVReader(ctx context.Context, src io.Reader, sep byte, lim Limits, file string) *csvReader {
	c := &csvReader{ctx: ctx, src: src, sep: sep, file: file, maxFields: lim.MaxColumns, maxBytes: lim.MaxRecordSize,
		buf: make([]byte, min(64<<10, lim.MaxFileSize+1)), line: 1}
	c.special = csvQuotedSpecial
	c.special[sep] = true
	return c
}

// fill reads more of the source; it reports false at its end or on an error (then in
// srcErr).
func (c *csvReader) fill() bool {
	if c.srcErr != nil {
		return false
	}
	if err := c.ctx.Err(); err != nil {
		c.srcErr = err
		return false
	}
	for range 100 {
		n, err := c.src.Read(c.buf)
		c.pos, c.end = 0, n
		if err != nil {
			c.srcErr = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
	c.srcErr = io.ErrNoProgress
	return false
}

// peek returns the next byte without consuming it; false at the end of the source.
func (c *csvReader) peek() (byte, bool) {
	if c.pos == c.end && !c.fill() {
		return 0, false
	}
	return c.buf[c.pos], true
}

// take consumes one byte, counting it in the record.
func (c *csvReader) take() error {
	c.pos++
	return c.count(1)
}

// count adds n bytes to the record's size.
func (c *csvReader) count(n int) error {
	c.nbytes += n
	if c.nbytes > c.maxBytes {
		return &LimitError{Limit: LimitRecordSize, Max: int64(c.maxBytes), File: c.file, Row: c.recordLine}
	}
	return nil
}

// endField closes the current field, refusing one field too many.
func (c *csvReader) endField(row int) error {
	if len(c.ends) == c.maxFields {
		return &LimitError{Limit: LimitColumns, Max: int64(c.maxFields), File: c.file, Row: row}
	}
	c.ends = append(c.ends, len(c.rec))
	return nil
}

// next returns the next record: the line it starts on and its fields, with CSV
// export's formula escape undone (UnescapeCSV).
func (c *csvReader) next() (int, []string, bool, error) {
	fields, err := c.read()
	if err != nil {
		var le *LimitError
		var ee *EncodingError
		switch {
		case errors.As(err, &le):
			return 0, nil, false, le
		case errors.As(err, &ee):
			return 0, nil, false, ee
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return 0, nil, false, err
		}
		return 0, nil, false, fmt.Errorf("%w: line %d: %v", ErrFormat, c.line, err)
	}
	if fields == nil {
		return 0, nil, false, nil
	}
	for i, s := range fields {
		fields[i] = unescapeCSV(s)
	}
	return c.recordLine, fields, true, nil
}

// read reads one record; nil at the end of the input.
func (c *csvReader) read() ([]string, error) {
	// Skip empty lines.
	for {
		b, ok := c.peek()
		if !ok {
			return nil, c.endErr()
		}
		if b == '\n' {
			c.pos++
			c.line++
			continue
		}
		if b == '\r' {
			c.pos++
			c.line++
			if b, ok := c.peek(); ok && b == '\n' {
				c.pos++
			}
			continue
		}
		break
	}
	c.recordLine = c.line
	c.rec, c.ends, c.nbytes = c.rec[:0], c.ends[:0], 0
	special := &c.special
	for {
		// A field starts here.
		b, ok := c.peek()
		if ok && b == '"' {
			if err := c.take(); err != nil {
				return nil, err
			}
			done, err := c.quoted()
			if err != nil {
				return nil, err
			}
			if done {
				return c.fields(), nil
			}
			continue
		}
		// Unquoted: copy up to the next separator, line end or end of input; a quote
		// here is data.
		for {
			if c.pos == c.end && !c.fill() {
				if err := c.endField(c.recordLine); err != nil {
					return nil, err
				}
				return c.fields(), c.endErr()
			}
			start := c.pos
			for c.pos < c.end && !special[c.buf[c.pos]] {
				c.pos++
			}
			if err := c.count(c.pos - start); err != nil {
				return nil, err
			}
			c.rec = append(c.rec, c.buf[start:c.pos]...)
			if c.pos == c.end {
				continue
			}
			switch b := c.buf[c.pos]; b {
			case '"':
				c.rec = append(c.rec, b)
				if err := c.take(); err != nil {
					return nil, err
				}
				continue
			case c.sep:
				if err := c.take(); err != nil {
					return nil, err
				}
				if err := c.endField(c.recordLine); err != nil {
					return nil, err
				}
			default: // a line end
				if err := c.endField(c.recordLine); err != nil {
					return nil, err
				}
				c.lineEnd()
				return c.fields(), nil
			}
			break
		}
	}
}

// quoted reads the rest of a quoted field, after its opening quote, and what ends
// it; it reports whether the record ended too.
func (c *csvReader) quoted() (bool, error) {
	for {
		if c.pos == c.end && !c.fill() {
			// The input ends inside quotes: the field ends there.
			if err := c.endField(c.recordLine); err != nil {
				return true, err
			}
			return true, c.endErr()
		}
		start := c.pos
		for c.pos < c.end && !csvQuotedSpecial[c.buf[c.pos]] {
			c.pos++
		}
		if err := c.count(c.pos - start); err != nil {
			return false, err
		}
		c.rec = append(c.rec, c.buf[start:c.pos]...)
		if c.pos == c.end {
			continue
		}
		b := c.buf[c.pos]
		if err := c.take(); err != nil {
			return false, err
		}
		switch b {
		case '\n':
			c.rec = append(c.rec, '\n')
			c.line++
		case '\r':
			c.line++
			if n, ok := c.peek(); ok && n == '\n' {
				c.rec = append(c.rec, '\n') // CRLF inside quotes reads as LF
				if err := c.take(); err != nil {
					return false, err
				}
			} else {
				c.rec = append(c.rec, '\r')
			}
		case '"':
			n, ok := c.peek()
			switch {
			case ok && n == '"': // a doubled quote
				c.rec = append(c.rec, '"')
				if err := c.take(); err != nil {
					return false, err
				}
			case ok && n == c.sep: // the field ends
				if err := c.take(); err != nil {
					return false, err
				}
				return false, c.endField(c.recordLine)
			case !ok || n == '\n' || n == '\r': // the record ends
				if err := c.endField(c.recordLine); err != nil {
					return true, err
				}
				if ok {
					c.lineEnd()
				}
				return true, c.endErr()
			default: // a stray quote: kept, the field stays quoted
				c.rec = append(c.rec, '"')
			}
		}
	}
}

// lineEnd consumes a line end (LF, CRLF or CR) at the current position.
func (c *csvReader) lineEnd() {
	b := c.buf[c.pos]
	c.pos++
	c.line++
	if b == '\r' {
		if n, ok := c.peek(); ok && n == '\n' {
			c.pos++
		}
	}
}

// endErr is the source's error, nil at its end.
func (c *csvReader) endErr() error {
	if c.srcErr == io.EOF {
		return nil
	}
	return c.srcErr
}

// fields builds the record's fields: one string, sliced.
func (c *csvReader) fields() []string {
	s := string(c.rec)
	out := make([]string, len(c.ends))
	prev := 0
	for i, e := range c.ends {
		out[i] = s[prev:e]
		prev = e
	}
	return out
}

// csvQuotedSpecial marks the bytes that interrupt a quoted field.
var csvQuotedSpecial = csvSpecial{'\n': true, '\r': true, '"': true}
