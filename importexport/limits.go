package importexport

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/orgkit/orgkit"
)

// Limits bound what one import reads, against hostile or mistaken files. The zero
// value of each field takes the default given with it. Every limit is checked while
// the file streams in, before the memory it guards is spent: an xlsx part is read
// once, as it inflates, and a CSV record is measured before its fields are built.
// An import writes no temporary files. Exceeding a limit fails the import with a
// *LimitError (matching ErrTooLarge) that names the limit, the part and the row.
//
// The defaults are far above anything a spreadsheet program writes (Excel itself
// stops at 32,767 characters a cell and 16,384 columns), so that only hostile or
// broken files reach them.
type Limits struct {
	// MaxFileSize is the largest file accepted, in bytes. Zero means 32 MiB.
	MaxFileSize int64
	// MaxRows is the largest number of data rows (not counting headers and blank
	// rows) of one import, over all its files and sheets. Reading stops at the first
	// row over it. Zero means 200,000.
	MaxRows int
	// MaxColumns is the largest number of columns of any row: the fields of a CSV
	// record, counted as its separators are read, or the position of a worksheet
	// row's last non-blank cell. Zero means 256.
	MaxColumns int
	// MaxCellLength is the longest cell, in characters; a longer cell is a problem of
	// its row (import.cell.too_long), not a refusal. Zero means 10,000.
	MaxCellLength int
	// MaxRecordSize is the largest row, in bytes: a CSV record as read (quotes and
	// separators included), or the values of a worksheet row's cells together. Zero
	// means 1 MiB.
	MaxRecordSize int
	// MaxUnzipSize is the largest total uncompressed size of an xlsx file's parts, in
	// bytes: a zip bomb is refused from its central directory before anything is
	// inflated, and what a part really inflates to is counted as it is read. Zero
	// means 512 MiB.
	MaxUnzipSize int64
	// MaxZipEntries is the largest number of parts of an xlsx file. Zero means 10,000.
	MaxZipEntries int
	// MaxXMLDepth is the deepest nesting of elements in any XML part an import reads
	// (a worksheet nests about seven deep). Zero means 128.
	MaxXMLDepth int
	// MaxXMLToken is the largest single XML token, in bytes: a tag with its
	// attributes, a run of text, a comment or processing instruction, and the whole
	// of one shared or inline string (all its runs). Zero means 1 MiB.
	MaxXMLToken int
	// MaxSharedStrings is the largest number of entries of a workbook's shared
	// strings. Zero means 5,000,000.
	MaxSharedStrings int
	// MaxSharedStringsSize is the largest total size of a workbook's shared strings,
	// in bytes as decoded; they are held in memory while the workbook is read. Zero
	// means 64 MiB; at most 4 GiB.
	MaxSharedStringsSize int64
	// MaxProblems is the most problems an import reports: past it the import stops
	// collecting them (and skips the directory service's checks, which would find
	// more), and Report.Problems holds the first MaxProblems found and a last one,
	// import.problems.too_many, saying the list is cut short. The import is refused,
	// as with any problem. Zero means 10,000.
	MaxProblems int
	// MaxUnzipXMLSize was the size above which excelize inflated a worksheet or the
	// shared strings to a temporary file.
	//
	// Deprecated: imports stream every part and write no temporary files; the field
	// is ignored.
	MaxUnzipXMLSize int64
}

// The names a LimitError gives its Limit, one per field of Limits.
const (
	LimitFileSize          = "file size"           // MaxFileSize
	LimitRows              = "rows"                // MaxRows
	LimitColumns           = "columns"             // MaxColumns
	LimitRecordSize        = "record size"         // MaxRecordSize
	LimitUnzipSize         = "unzip size"          // MaxUnzipSize
	LimitZipEntries        = "zip entries"         // MaxZipEntries
	LimitXMLDepth          = "XML depth"           // MaxXMLDepth
	LimitXMLToken          = "XML token"           // MaxXMLToken
	LimitSharedStrings     = "shared strings"      // MaxSharedStrings
	LimitSharedStringsSize = "shared strings size" // MaxSharedStringsSize
)

// DefaultLimits returns the limits an import uses when ImportOptions.Limits is zero.
func DefaultLimits() Limits { return Limits{}.withDefaults() }

func (l Limits) withDefaults() Limits {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	defi := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxFileSize, 32<<20)
	defi(&l.MaxRows, 200_000)
	defi(&l.MaxColumns, 256)
	defi(&l.MaxCellLength, 10_000)
	defi(&l.MaxRecordSize, 1<<20)
	def(&l.MaxUnzipSize, 512<<20)
	defi(&l.MaxZipEntries, 10_000)
	defi(&l.MaxXMLDepth, 128)
	defi(&l.MaxXMLToken, 1<<20)
	defi(&l.MaxSharedStrings, 5_000_000)
	def(&l.MaxSharedStringsSize, 64<<20)
	l.MaxSharedStringsSize = min(l.MaxSharedStringsSize, 1<<32-1)
	defi(&l.MaxProblems, 10_000)
	return l
}

// ErrTooLarge is matched (errors.Is) by the error of an import refused because a file
// exceeds one of its Limits. The error is a *LimitError, which also matches
// orgkit.ErrInvalid.
var ErrTooLarge = errors.New("importexport: file exceeds a limit")

// ErrFormat is matched (errors.Is) by the error of an import whose file is neither a
// readable xlsx workbook nor CSV (a damaged zip, malformed XML, a legacy .xls, an
// encrypted workbook). It also matches orgkit.ErrInvalid.
var ErrFormat error = invalidSentinel("importexport: unreadable file")

// invalidSentinel is a sentinel error that also matches orgkit.ErrInvalid.
type invalidSentinel string

func (e invalidSentinel) Error() string { return string(e) }

func (e invalidSentinel) Is(target error) bool { return target == orgkit.ErrInvalid }

// LimitError says which limit a file exceeds, and where.
type LimitError struct {
	Limit string // one of the Limit… names: "file size", "rows", "XML depth", …
	Max   int64  // the limit
	File  string // the input's name, when it has one
	Part  string // the part of an xlsx file ("xl/worksheets/sheet1.xml"); "" for CSV
	Row   int    // the 1-based row (CSV: the record's first line); 0 when not in a row
}

// Error describes the limit.
func (e *LimitError) Error() string {
	var b strings.Builder
	b.WriteString("importexport: the file")
	if e.File != "" {
		fmt.Fprintf(&b, " (%s)", e.File)
	}
	fmt.Fprintf(&b, " exceeds the %s limit of %d", e.Limit, e.Max)
	switch {
	case e.Part != "" && e.Row > 0:
		fmt.Fprintf(&b, " in %s, row %d", e.Part, e.Row)
	case e.Part != "":
		fmt.Fprintf(&b, " in %s", e.Part)
	case e.Row > 0:
		fmt.Fprintf(&b, " at row %d", e.Row)
	}
	b.WriteString("; nothing was imported")
	return b.String()
}

// Is matches ErrTooLarge and orgkit.ErrInvalid.
func (e *LimitError) Is(target error) bool {
	return target == ErrTooLarge || target == orgkit.ErrInvalid
}

// readLimited reads all of r, refusing more than max bytes.
func readLimited(r io.Reader, max int64, file string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &LimitError{Limit: LimitFileSize, Max: max, File: file}
	}
	return b, nil
}

// limitedReader is an io.Reader that fails with a *LimitError past max bytes, so that
// a streamed CSV is refused without being read to its end.
type limitedReader struct {
	r    io.Reader
	n    int64
	max  int64
	file string
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n > l.max {
		return 0, &LimitError{Limit: LimitFileSize, Max: l.max, File: l.file}
	}
	if rest := l.max + 1 - l.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		return n, &LimitError{Limit: LimitFileSize, Max: l.max, File: l.file}
	}
	return n, err
}
