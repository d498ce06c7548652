package importexport

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
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

// xlsxRows streams a worksheet through excelize's row iterator, decoded a few hundred
// rows ahead on a goroutine of its own (see ahead).
type xlsxRows struct {
	a   *ahead[xlsxRow]
	n   int
	err error // why the sheet ended early
}

// xlsxRow is a row's cells, or why the sheet cannot be read further.
type xlsxRow struct {
	cells []string
	err   error
}

// readXLSXRows starts decoding the rows; the caller must call close before closing
// rows.
func readXLSXRows(rows *excelize.Rows) *xlsxRows {
	return &xlsxRows{a: runAhead(func(emit func(xlsxRow) bool) {
		for n := 1; rows.Next(); n++ {
			cells, err := rows.Columns()
			if err != nil {
				emit(xlsxRow{err: fmt.Errorf("%w: row %d: %v", ErrFormat, n, err)})
				return
			}
			if !emit(xlsxRow{cells: cells}) {
				return
			}
		}
		if err := rows.Error(); errors.Is(err, excelize.ErrMaxRows) {
			emit(xlsxRow{err: &LimitError{Limit: "rows", Max: excelize.TotalRows}})
		} else if err != nil {
			emit(xlsxRow{err: fmt.Errorf("%w: %v", ErrFormat, err)})
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
	x.n++
	return x.n, r.cells, true, nil
}

// close stops the decoding and waits for it to end.
func (x *xlsxRows) close() { x.a.close() }

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

// checkZip looks at an xlsx file's central directory before excelize inflates
// anything: too many parts or a declared uncompressed size over the limit is refused.
// Then every part is inflated once to nowhere, so that a part that inflates to more
// than it declares (a lying zip bomb: the zip reader stops at the declared size) or is
// damaged (its checksum fails) is refused as ErrFormat, rather than read truncated —
// excelize ignores such read errors and would import the rows before the damage.
func checkZip(data []byte, lim Limits, file string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if len(zr.File) > lim.MaxZipEntries {
		return &LimitError{Limit: "zip entries", Max: int64(lim.MaxZipEntries), File: file}
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnzipSize) || f.UncompressedSize64 > uint64(lim.MaxUnzipSize) {
			return &LimitError{Limit: "unzip size", Max: lim.MaxUnzipSize, File: file}
		}
	}
	buf := make([]byte, 32<<10)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrFormat, f.Name, err)
		}
		_, err = io.CopyBuffer(io.Discard, rc, buf)
		_ = rc.Close()
		if err != nil {
			return fmt.Errorf("%w: part %s is damaged or inflates to more than it declares (%v)", ErrFormat, f.Name, err)
		}
	}
	return nil
}

// openXLSX opens a workbook with the limits as excelize options, reading cells raw
// (numbers as stored, not as formatted) so that dates, leading zeros and long numbers
// are read exactly.
func openXLSX(data []byte, lim Limits, file string) (*excelize.File, error) {
	if err := checkZip(data, lim, file); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), xlsxOptions(lim))
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		if strings.Contains(err.Error(), "unzip size") {
			return nil, &LimitError{Limit: "unzip size", Max: lim.MaxUnzipSize, File: file}
		}
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return f, nil
}

// xlsxOptions are the excelize options an import reads with.
func xlsxOptions(lim Limits) excelize.Options {
	return excelize.Options{RawCellValue: true, UnzipSizeLimit: lim.MaxUnzipSize, UnzipXMLSizeLimit: lim.MaxUnzipXMLSize}
}

// date1904 reports whether the workbook counts dates from 1904.
func date1904(f *excelize.File) bool {
	p, err := f.GetWorkbookProps()
	return err == nil && p.Date1904 != nil && *p.Date1904
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
