package importexport

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
)

// Format is a file format.
type Format uint8

const (
	// FormatAuto: on import, xlsx when the file starts with a zip signature, CSV
	// otherwise; on export and for templates, xlsx.
	FormatAuto Format = iota
	// XLSX is an Office Open XML workbook (Excel 2007 and later, WPS, LibreOffice).
	XLSX
	// CSV is comma-separated values: UTF-8 (with or without a byte order mark),
	// UTF-16 with a byte order mark, GB18030/GBK, Big5 or Shift_JIS as Chinese and
	// Japanese Excel save it (see ImportOptions.Encoding); separated by commas,
	// semicolons or tabs; lines ending in LF, CRLF or a bare CR.
	CSV
)

// String returns "auto", "xlsx" or "csv".
func (f Format) String() string {
	switch f {
	case XLSX:
		return "xlsx"
	case CSV:
		return "csv"
	}
	return "auto"
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// rowSource yields the rows of one sheet: the 1-based row number and the cells (raw
// text, "" for blank cells; the slice may be shorter than the row).
type rowSource interface {
	next() (num int, cells []string, ok bool, err error)
}

// xlsxRows streams a worksheet (see sheetRows), read a few hundred rows ahead on a
// goroutine of its own (see ahead).
type xlsxRows struct {
	a   *ahead[xlsxRow]
	err error // why the sheet ended early
}

// xlsxRow is a row's number and cells, or why the sheet cannot be read further.
type xlsxRow struct {
	num   int
	cells []string
	err   error
}

// readXLSXRows starts reading a sheet's rows; the caller must call close.
func readXLSXRows(b *xlsxBook, sh bookSheet) *xlsxRows {
	return &xlsxRows{a: runAhead(func(emit func(xlsxRow) bool) {
		rows, err := b.sheet(sh)
		if err != nil {
			emit(xlsxRow{err: err})
			return
		}
		defer rows.close()
		for {
			num, cells, ok, err := rows.next()
			if err != nil {
				emit(xlsxRow{err: err})
				return
			}
			if !ok || !emit(xlsxRow{num: num, cells: cells}) {
				return
			}
		}
	})}
}

func (x *xlsxRows) next() (int, []string, bool, error) {
	if x.err != nil {
		return 0, nil, false, x.err
	}
	r, ok := x.a.next()
	if !ok {
		return 0, nil, false, nil
	}
	if r.err != nil {
		x.err = r.err
		return 0, nil, false, r.err
	}
	return r.num, r.cells, true, nil
}

// close stops the reading and waits for it to end.
func (x *xlsxRows) close() { x.a.close() }

// xlsxInput returns an xlsx file for random access, refusing more than max bytes: the
// caller's reader itself when it can seek and read at offsets (a *bytes.Reader, an
// *os.File), so that the file is not copied; else the file read into memory. br is
// the buffered reader over r that sniffed the format (it has consumed nothing).
func xlsxInput(br *bufio.Reader, r io.Reader, max int64, file string) (io.ReaderAt, int64, error) {
	if ra, ok := r.(interface {
		io.ReaderAt
		io.Seeker
	}); ok {
		cur, err1 := ra.Seek(0, io.SeekCurrent)
		end, err2 := ra.Seek(0, io.SeekEnd)
		if err1 == nil && err2 == nil {
			start := cur - int64(br.Buffered())
			size := end - start
			if size > max {
				return nil, 0, &LimitError{Limit: LimitFileSize, Max: max, File: file}
			}
			return io.NewSectionReader(ra, start, size), size, nil
		}
	}
	data, err := readLimited(br, max, file)
	if err != nil {
		return nil, 0, err
	}
	return bytes.NewReader(data), int64(len(data)), nil
}

// csvRows streams CSV records (see csvReader) from the text decoded to UTF-8 (see
// decodeCSV); row numbers are the records' first lines.
type csvRows struct {
	*csvReader
	text *csvText
}

// encoding returns the encoding the file was read in (EncodingAuto while all of it
// read so far is ASCII).
func (c *csvRows) encoding() Encoding { return c.text.encoding() }

// openCSV prepares a CSV stream: the file size limit, the text decoded to UTF-8 (see
// decodeCSV), the separator, and a bounded record reader.
func openCSV(ctx context.Context, r io.Reader, lim Limits, file string, enc Encoding) (*csvRows, error) {
	text, err := decodeCSV(&limitedReader{r: r, max: lim.MaxFileSize, file: file}, enc, file)
	if err != nil {
		return nil, err
	}
	return &csvRows{csvReader: newCSVReader(ctx, text, byte(text.sep), lim, file), text: text}, nil
}

// sniff tells xlsx from CSV by the first bytes; legacy .xls and encrypted workbooks
// (OLE compound files) are refused.
func sniff(head []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(head, zipMagic):
		return XLSX, nil
	case bytes.HasPrefix(head, oleMagic):
		return 0, fmt.Errorf("%w: a legacy .xls or encrypted workbook; save it as .xlsx or CSV", ErrFormat)
	}
	return CSV, nil
}
