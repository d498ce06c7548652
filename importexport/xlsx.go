package importexport

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// xlsxBook is an xlsx workbook open for reading: its parts (not yet inflated), its
// sheets and date system. Parts are inflated as they are read, each at most once,
// and the XML of every part read goes through an xmlScanner, so that every limit is
// checked as the bytes arrive; nothing is written to disk. Cells are read raw:
// numbers as stored, text as written, shared strings looked up.
type xlsxBook struct {
	ctx  context.Context
	lim  Limits
	file string

	parts    map[string]*zip.File // by lower-cased name
	opened   map[string]bool      // parts read so far
	inflated int64                // bytes inflated so far, over every part

	sheets   []bookSheet
	date1904 bool

	sstPart string // "" when the workbook has no shared strings
	sst     *sharedStrings
}

// bookSheet is a sheet of the workbook, in the workbook's order.
type bookSheet struct {
	name    string
	part    string
	visible bool
}

// maxSheetRows and maxSheetColumns are a worksheet's bounds (Excel's).
const (
	maxSheetRows    = 1 << 20
	maxSheetColumns = 1 << 14
)

// openXLSX opens a workbook: its zip directory is checked (entries, declared sizes,
// duplicate names), then the package and workbook relationships and the workbook
// part are read for the sheets and the date system.
func openXLSX(ctx context.Context, r io.ReaderAt, size int64, lim Limits, file string) (*xlsxBook, error) {
	if n, ok := zipEntries(r, size); ok && n > lim.MaxZipEntries {
		return nil, &LimitError{Limit: LimitZipEntries, Max: int64(lim.MaxZipEntries), File: file}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if len(zr.File) > lim.MaxZipEntries {
		return nil, &LimitError{Limit: LimitZipEntries, Max: int64(lim.MaxZipEntries), File: file}
	}
	b := &xlsxBook{ctx: ctx, lim: lim, file: file, parts: make(map[string]*zip.File, len(zr.File)), opened: map[string]bool{}}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnzipSize) || f.UncompressedSize64 > uint64(lim.MaxUnzipSize) {
			return nil, &LimitError{Limit: LimitUnzipSize, Max: lim.MaxUnzipSize, File: file, Part: f.Name}
		}
		name := strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))
		if _, dup := b.parts[name]; dup {
			return nil, fmt.Errorf("%w: the zip holds part %s twice", ErrFormat, f.Name)
		}
		b.parts[name] = f
	}
	wbPart := "xl/workbook.xml"
	rels, err := b.rels("_rels/.rels", "")
	if err != nil {
		return nil, err
	}
	for _, rel := range rels {
		if strings.HasSuffix(rel.typ, "/officeDocument") {
			wbPart = rel.target
			break
		}
	}
	if b.parts[strings.ToLower(wbPart)] == nil {
		return nil, fmt.Errorf("%w: no workbook part (not an xlsx workbook)", ErrFormat)
	}
	dir, base := path.Split(wbPart)
	wbRels, err := b.rels(dir+"_rels/"+base+".rels", dir)
	if err != nil {
		return nil, err
	}
	byID := map[string]xlsxRel{}
	for _, rel := range wbRels {
		byID[rel.id] = rel
		if strings.HasSuffix(rel.typ, "/sharedStrings") {
			b.sstPart = rel.target
		}
	}
	if b.sstPart == "" && b.parts["xl/sharedstrings.xml"] != nil {
		b.sstPart = "xl/sharedStrings.xml"
	}
	if err := b.workbook(wbPart, byID); err != nil {
		return nil, err
	}
	return b, nil
}

// zipEntries reads the number of entries a zip's end of central directory record
// declares, so that a directory of too many entries is refused before the zip
// reader builds a record for each. It reports false when it cannot tell (no record
// found, or a zip64 count), leaving the zip reader to decide.
func zipEntries(r io.ReaderAt, size int64) (int, bool) {
	const eocdLen = 22
	tail := min(size, eocdLen+0xFFFF) // the record, then a comment of at most 64 KiB
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, false
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return 0, false
	}
	n := int(buf[i+10]) | int(buf[i+11])<<8 // total entries
	if n == 0xFFFF {
		return 0, false
	}
	return n, true
}

// part opens a part for reading, once.
func (b *xlsxBook) part(name string) (*xmlScanner, func(), error) {
	key := strings.ToLower(name)
	f := b.parts[key]
	if f == nil {
		return nil, nil, fmt.Errorf("%w: the workbook refers to part %s, which it does not hold", ErrFormat, name)
	}
	if b.opened[key] {
		return nil, nil, fmt.Errorf("%w: part %s is read twice (the workbook refers to it twice)", ErrFormat, name)
	}
	b.opened[key] = true
	rc, err := f.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: part %s: %v", ErrFormat, name, err)
	}
	m := &inflateMeter{r: rc, b: b, part: f.Name}
	return newXMLScanner(b.ctx, m, int64(min(f.UncompressedSize64, 1<<40)), b.lim, b.file, f.Name), func() { _ = rc.Close() }, nil
}

// inflateMeter counts what a part inflates to against Limits.MaxUnzipSize, over
// every part of the workbook.
type inflateMeter struct {
	r    io.Reader
	b    *xlsxBook
	part string
}

func (m *inflateMeter) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.b.inflated += int64(n)
	if m.b.inflated > m.b.lim.MaxUnzipSize {
		return n, &LimitError{Limit: LimitUnzipSize, Max: m.b.lim.MaxUnzipSize, File: m.b.file, Part: m.part}
	}
	return n, err
}

// xlsxRel is a relationship, its target resolved to a part name.
type xlsxRel struct {
	id, typ, target string
}

// rels reads a relationships part (an absent one has none); targets are resolved
// against dir. External targets are left out.
func (b *xlsxBook) rels(name, dir string) ([]xlsxRel, error) {
	if b.parts[strings.ToLower(name)] == nil {
		return nil, nil
	}
	s, done, err := b.part(name)
	if err != nil {
		return nil, err
	}
	defer done()
	var out []xlsxRel
	for {
		switch s.next() {
		case xmlEOF:
			return out, s.err
		case xmlStart:
			if !s.is("Relationship") {
				continue
			}
			if mode, _, _ := s.attrString("TargetMode"); strings.EqualFold(mode, "External") {
				continue
			}
			id, _, err1 := s.attrString("Id")
			typ, _, err2 := s.attrString("Type")
			target, _, err3 := s.attrString("Target")
			if err := firstErr(err1, err2, err3); err != nil {
				return nil, err
			}
			target = strings.ReplaceAll(target, "\\", "/")
			if strings.HasPrefix(target, "/") {
				target = path.Clean(target)[1:]
			} else {
				target = path.Join(dir, target)
			}
			out = append(out, xlsxRel{id: id, typ: typ, target: target})
		}
	}
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// workbook reads the workbook part: the date system and the sheets.
func (b *xlsxBook) workbook(name string, rels map[string]xlsxRel) error {
	s, done, err := b.part(name)
	if err != nil {
		return err
	}
	defer done()
	for {
		switch s.next() {
		case xmlEOF:
			return s.err
		case xmlStart:
			switch {
			case s.is("workbookPr"):
				v, _, err := s.attrString("date1904")
				if err != nil {
					return err
				}
				b.date1904 = v == "1" || strings.EqualFold(v, "true")
			case s.is("sheet"):
				sheetName, _, err1 := s.attrString("name")
				state, _, err2 := s.attrString("state")
				id, _, err3 := s.attrString("id")
				if err := firstErr(err1, err2, err3); err != nil {
					return err
				}
				rel, ok := rels[id]
				if !ok {
					return fmt.Errorf("%w: sheet %q has no part", ErrFormat, sheetName)
				}
				if !strings.HasSuffix(rel.typ, "/worksheet") {
					continue // a chart sheet, a dialog sheet: no cells
				}
				b.sheets = append(b.sheets, bookSheet{name: sheetName, part: rel.target, visible: state == "" || state == "visible"})
			}
		}
	}
}

// sharedStrings holds a workbook's shared strings in a few large strings: entry i is
// the text between offs[i] and offs[i+1] of their concatenation, within one chunk.
type sharedStrings struct {
	chunks []string
	bases  []uint32 // where each chunk starts in the concatenation
	offs   offsets
	cur    []byte // the chunk being filled
	size   uint32 // the concatenation's length

	chunkCap int // the capacity of a chunk
}

// offsets is a list of offsets kept in blocks, so that it is never copied as it
// grows.
type offsets struct {
	blocks [][]uint32
	n      int
}

const offsetBlock = 1 << 16

func (o *offsets) len() int { return o.n }

func (o *offsets) at(i int) uint32 { return o.blocks[i/offsetBlock][i%offsetBlock] }

// grow makes room for n offsets in the first block (a hint: they may be more).
func (o *offsets) grow(n int) {
	if len(o.blocks) == 1 && n > cap(o.blocks[0]) {
		o.blocks[0] = append(make([]uint32, 0, min(n, offsetBlock)), o.blocks[0]...)
	}
}

func (o *offsets) append(v uint32) {
	k := o.n / offsetBlock
	if k == len(o.blocks) {
		n := offsetBlock
		if k == 0 {
			n = 64
		}
		o.blocks = append(o.blocks, make([]uint32, 0, n))
	}
	o.blocks[k] = append(o.blocks[k], v)
	o.n++
}

// sstChunk is the size of a chunk of shared strings.
const sstChunk = 1 << 20

func (t *sharedStrings) add(v []byte) {
	if len(t.cur)+len(v) > cap(t.cur) && len(t.cur) > 0 {
		t.flush()
	}
	if t.cur == nil {
		t.cur = make([]byte, 0, max(t.chunkCap, len(v)))
	}
	t.cur = append(t.cur, v...)
	t.size += uint32(len(v))
	t.offs.append(t.size)
}

func (t *sharedStrings) flush() {
	if len(t.cur) == 0 {
		return
	}
	t.bases = append(t.bases, t.size-uint32(len(t.cur)))
	t.chunks = append(t.chunks, string(t.cur))
	t.cur = t.cur[:0]
}

func (t *sharedStrings) len() int { return t.offs.len() - 1 }

func (t *sharedStrings) get(i int) string {
	lo, hi := t.offs.at(i), t.offs.at(i+1)
	if lo == hi {
		return ""
	}
	k := sort.Search(len(t.bases), func(k int) bool { return t.bases[k] > lo }) - 1
	return t.chunks[k][lo-t.bases[k] : hi-t.bases[k]]
}

// sharedStrings reads the shared strings, the first time a cell needs them.
func (b *xlsxBook) sharedStrings(row int) (*sharedStrings, error) {
	if b.sst != nil {
		return b.sst, nil
	}
	if b.sstPart == "" {
		return nil, fmt.Errorf("%w: row %d refers to shared strings, which the workbook does not have", ErrFormat, row)
	}
	s, done, err := b.part(b.sstPart)
	if err != nil {
		return nil, err
	}
	defer done()
	declared := b.parts[strings.ToLower(b.sstPart)].UncompressedSize64
	t := &sharedStrings{chunkCap: int(min(max(declared, 4<<10), sstChunk))}
	t.offs.append(0)
	tooLarge := func(limit string, max int64) error {
		return &LimitError{Limit: limit, Max: max, File: b.file, Part: s.part}
	}
	var text []byte
	for {
		switch s.next() {
		case xmlEOF:
			if s.err != nil {
				return nil, s.err
			}
			t.flush()
			t.cur = nil
			b.sst = t
			return t, nil
		case xmlStart:
			switch {
			case s.is("sst"):
				// Room for the entries it declares, as many as its size allows (an
				// entry takes at least five bytes: <si/>), up to a block.
				if n, err := strconv.Atoi(string(attrOr(s, "uniqueCount"))); err == nil && n > 0 {
					t.offs.grow(int(min(uint64(n), uint64(b.lim.MaxSharedStrings), declared/5)) + 1)
				}
			case s.is("si"):
				if t.len() == b.lim.MaxSharedStrings {
					return nil, tooLarge(LimitSharedStrings, int64(b.lim.MaxSharedStrings))
				}
				v, plain := s.plainString()
				if !plain {
					if text, err = richText(s, text[:0]); err != nil {
						return nil, err
					}
					v = text
				}
				if int64(t.size)+int64(len(v)) > b.lim.MaxSharedStringsSize {
					return nil, tooLarge(LimitSharedStringsSize, b.lim.MaxSharedStringsSize)
				}
				t.add(v)
			}
		}
	}
}

func attrOr(s *xmlScanner, name string) []byte {
	v, _ := s.attr(name)
	return v
}

// richText reads the text of a shared or inline string (after its start tag): its
// <t> elements, directly or in runs, without phonetic runs (<rPh>), escapes such as
// _x000D_ decoded. The whole string counts as one token against Limits.MaxXMLToken.
func richText(s *xmlScanner, dst []byte) ([]byte, error) {
	start := len(dst)
	base := s.depth()
	inT := false
	for {
		switch s.next() {
		case xmlEOF:
			return dst, cmpErr(s.err, s.malformed("a string is not closed"))
		case xmlStart:
			switch {
			case s.is("rPh"):
				s.skip()
			case s.is("t"):
				inT = true
			}
		case xmlEnd:
			if s.depth() < base {
				return bstrDecode(dst, start), nil
			}
			if s.is("t") {
				inT = false
			}
		case xmlText:
			if !inT {
				continue
			}
			v, err := s.text()
			if err != nil {
				return dst, err
			}
			if len(dst)-start+len(v) > s.maxTok {
				return dst, s.tooLarge(LimitXMLToken, s.maxTok)
			}
			dst = append(dst, v...)
		}
	}
}

func cmpErr(err, def error) error {
	if err != nil {
		return err
	}
	return def
}

// bstrDecode decodes, in b[start:], the escapes _xHHHH_ spreadsheets write for
// characters XML cannot hold (_x000D_ for a carriage return; _x005F_ for "_").
func bstrDecode(b []byte, start int) []byte {
	i := bytes.Index(b[start:], []byte("_x"))
	if i < 0 {
		return b
	}
	w := start + i
	for r := start + i; r < len(b); {
		if b[r] == '_' && r+7 <= len(b) && b[r+1] == 'x' && b[r+6] == '_' {
			if v, err := strconv.ParseUint(string(b[r+2:r+6]), 16, 16); err == nil && (v < 0xD800 || v >= 0xE000) {
				w += utf8.EncodeRune(b[w:], rune(v)) // at most 3 bytes for 7 read
				r += 7
				continue
			}
		}
		b[w] = b[r]
		w++
		r++
	}
	return b[:w]
}

// sheetRows reads the rows of a worksheet, each once, in order; a row's number is
// its own (rows the sheet leaves out are not returned). Blank cells are "" and
// trailing blank cells are left out.
type sheetRows struct {
	b    *xlsxBook
	s    *xmlScanner
	done func()

	prev   int    // the previous row's number
	vals   []byte // the current row's text values
	cells  []cellSpan
	vbuf   []byte
	inData bool
	ended  bool
}

// cellSpan is a non-blank cell of the current row: its text in vals, or a shared
// string.
type cellSpan struct {
	col    int
	lo, hi int
	sst    int // -1 for text in vals
}

func (b *xlsxBook) sheet(sh bookSheet) (*sheetRows, error) {
	s, done, err := b.part(sh.part)
	if err != nil {
		return nil, err
	}
	return &sheetRows{b: b, s: s, done: done}, nil
}

func (r *sheetRows) close() {
	if r.done != nil {
		r.done()
		r.done = nil
	}
}

// next returns the next row that has a non-blank cell.
func (r *sheetRows) next() (int, []string, bool, error) {
	s := r.s
	for !r.ended {
		switch s.next() {
		case xmlEOF:
			r.ended = true
			if s.err != nil {
				return 0, nil, false, s.err
			}
		case xmlStart:
			switch {
			case s.is("sheetData"):
				r.inData = true
			case r.inData && s.is("row"):
				num, cells, err := r.row()
				if err != nil {
					return 0, nil, false, err
				}
				if len(cells) > 0 {
					return num, cells, true, nil
				}
			}
		case xmlEnd:
			if s.is("sheetData") {
				r.inData = false
			}
		}
	}
	return 0, nil, false, nil
}

// row reads a row after its start tag.
func (r *sheetRows) row() (int, []string, error) {
	s := r.s
	num := r.prev + 1
	if v, ok := s.attr("r"); ok {
		n, err := strconv.Atoi(string(v))
		if err != nil || n < 1 {
			return 0, nil, s.malformed("row number %q", truncate(string(v), 20))
		}
		num = n
	}
	s.row = num
	if num <= r.prev {
		return 0, nil, s.malformed("row %d follows row %d", num, r.prev)
	}
	if num > maxSheetRows {
		return 0, nil, &LimitError{Limit: LimitRows, Max: maxSheetRows, File: r.b.file, Part: s.part, Row: num}
	}
	r.prev = num
	r.vals, r.cells = r.vals[:0], r.cells[:0]
	base := s.depth()
	col, size := 0, 0
	for {
		switch s.next() {
		case xmlEOF:
			return 0, nil, cmpErr(s.err, s.malformed("the row is not closed"))
		case xmlEnd:
			if s.depth() < base {
				s.row = 0
				return num, r.build(), nil
			}
		case xmlStart:
			if !s.is("c") {
				s.skip()
				continue
			}
			c, err := r.cell(col)
			if err != nil {
				return 0, nil, err
			}
			col = c.col
			if c.hi == c.lo && c.sst < 0 {
				continue
			}
			n := c.hi - c.lo
			if c.sst >= 0 {
				n = len(r.b.sst.get(c.sst))
				if n == 0 {
					continue
				}
			}
			if col > r.b.lim.MaxColumns {
				return 0, nil, &LimitError{Limit: LimitColumns, Max: int64(r.b.lim.MaxColumns), File: r.b.file, Part: s.part, Row: num}
			}
			if size += n; size > r.b.lim.MaxRecordSize {
				return 0, nil, &LimitError{Limit: LimitRecordSize, Max: int64(r.b.lim.MaxRecordSize), File: r.b.file, Part: s.part, Row: num}
			}
			r.cells = append(r.cells, c)
		}
	}
}

// cell reads a cell after its start tag; prev is the previous cell's column.
func (r *sheetRows) cell(prev int) (cellSpan, error) {
	s := r.s
	c := cellSpan{col: prev + 1, sst: -1}
	if ref, ok := s.attr("r"); ok {
		col, ok := columnOf(ref)
		if !ok {
			return c, s.malformed("cell reference %q", truncate(string(ref), 20))
		}
		c.col = col
	}
	if c.col <= prev || c.col > maxSheetColumns {
		return c, s.malformed("cell in column %d after column %d", c.col, prev)
	}
	typ := string(attrOr(s, "t"))
	base := s.depth()
	r.vbuf = r.vbuf[:0]
	hasIS := false
	c.lo = len(r.vals)
	for {
		switch s.next() {
		case xmlEOF:
			return c, cmpErr(s.err, s.malformed("the cell is not closed"))
		case xmlEnd:
			if s.depth() >= base {
				continue
			}
			// The cell ends.
			switch {
			case typ == "s":
				if len(r.vbuf) == 0 {
					c.hi = c.lo
					return c, nil
				}
				i, err := strconv.Atoi(string(bytes.TrimSpace(r.vbuf)))
				sst, err2 := r.b.sharedStrings(r.s.row)
				if err2 != nil {
					return c, err2
				}
				if err != nil || i < 0 || i >= sst.len() {
					return c, s.malformed("shared string %q does not exist", truncate(string(r.vbuf), 20))
				}
				c.sst = i
			case typ == "inlineStr" && hasIS:
			default:
				r.vals = append(r.vals, r.vbuf...)
			}
			c.hi = len(r.vals)
			return c, nil
		case xmlStart:
			switch {
			case s.is("v"):
				var err error
				if r.vbuf, err = plainText(s, r.vbuf); err != nil {
					return c, err
				}
			case s.is("is") && typ == "inlineStr":
				hasIS = true
				var err error
				if r.vals, err = richText(s, r.vals); err != nil {
					return c, err
				}
			default:
				s.skip()
			}
		}
	}
}

// plainText reads the text of an element without children (after its start tag),
// as one token.
func plainText(s *xmlScanner, dst []byte) ([]byte, error) {
	start := len(dst)
	base := s.depth()
	for {
		switch s.next() {
		case xmlEOF:
			return dst, cmpErr(s.err, s.malformed("an element is not closed"))
		case xmlStart:
			s.skip()
		case xmlEnd:
			if s.depth() < base {
				return dst, nil
			}
		case xmlText:
			v, err := s.text()
			if err != nil {
				return dst, err
			}
			if len(dst)-start+len(v) > s.maxTok {
				return dst, s.tooLarge(LimitXMLToken, s.maxTok)
			}
			dst = append(dst, v...)
		}
	}
}

// build makes the current row's cells: one string holds every text value.
func (r *sheetRows) build() []string {
	if len(r.cells) == 0 {
		return nil
	}
	text := string(r.vals)
	out := make([]string, r.cells[len(r.cells)-1].col)
	for _, c := range r.cells {
		if c.sst >= 0 {
			out[c.col-1] = r.b.sst.get(c.sst)
		} else {
			out[c.col-1] = text[c.lo:c.hi]
		}
	}
	return out
}

// columnOf returns the column of a cell reference ("AB12" → 28).
func columnOf(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
		if col > maxSheetColumns {
			return 0, false
		}
	}
	if i == 0 || i == len(ref) {
		return 0, false
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	return col, true
}
