package importexport

import (
	"errors"
	"fmt"
	"io"

	"github.com/orgkit/orgkit"
)

// Limits bound what one import reads, against hostile or mistaken files. The zero
// value of each field takes the default given with it.
type Limits struct {
	// MaxFileSize is the largest file accepted, in bytes. Zero means 32 MiB.
	MaxFileSize int64
	// MaxRows is the largest number of data rows (not counting headers and blank
	// rows) of one import, over all its files and sheets. Reading stops at the first
	// row over it. Zero means 200,000.
	MaxRows int
	// MaxColumns is the largest number of columns of a header row. Zero means 256.
	MaxColumns int
	// MaxCellLength is the longest cell, in characters; a longer cell is a problem of
	// its row (import.cell.too_long). Zero means 10,000.
	MaxCellLength int
	// MaxUnzipSize is the largest total uncompressed size of an xlsx file's parts, in
	// bytes: a zip bomb is refused before anything is inflated. Zero means 512 MiB.
	MaxUnzipSize int64
	// MaxUnzipXMLSize is the size above which a worksheet or the shared strings are
	// inflated to a temporary file rather than memory (excelize's UnzipXMLSizeLimit).
	// Zero means 16 MiB.
	MaxUnzipXMLSize int64
	// MaxZipEntries is the largest number of parts of an xlsx file. Zero means 10,000.
	MaxZipEntries int
}

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
	def(&l.MaxUnzipSize, 512<<20)
	def(&l.MaxUnzipXMLSize, 16<<20)
	defi(&l.MaxZipEntries, 10_000)
	return l
}

// ErrTooLarge is matched (errors.Is) by the error of an import refused because a file
// exceeds one of its Limits. The error is a *LimitError, which also matches
// orgkit.ErrInvalid.
var ErrTooLarge = errors.New("importexport: file exceeds a limit")

// ErrFormat is matched (errors.Is) by the error of an import whose file is neither a
// readable xlsx workbook nor CSV (a damaged zip, a legacy .xls, an encrypted
// workbook). It also matches orgkit.ErrInvalid.
var ErrFormat error = invalidSentinel("importexport: unreadable file")

// invalidSentinel is a sentinel error that also matches orgkit.ErrInvalid.
type invalidSentinel string

func (e invalidSentinel) Error() string { return string(e) }

func (e invalidSentinel) Is(target error) bool { return target == orgkit.ErrInvalid }

// LimitError says which limit a file exceeds.
type LimitError struct {
	Limit string // "file size", "rows", "columns", "unzip size", "zip entries"
	Max   int64  // the limit
	File  string // the input's name, when it has one
}

// Error describes the limit.
func (e *LimitError) Error() string {
	where := ""
	if e.File != "" {
		where = " (" + e.File + ")"
	}
	return fmt.Sprintf("importexport: the file%s exceeds the %s limit of %d; nothing was imported", where, e.Limit, e.Max)
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
		return nil, &LimitError{Limit: "file size", Max: max, File: file}
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
		return 0, &LimitError{Limit: "file size", Max: l.max, File: l.file}
	}
	if rest := l.max + 1 - l.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		return n, &LimitError{Limit: "file size", Max: l.max, File: l.file}
	}
	return n, err
}
