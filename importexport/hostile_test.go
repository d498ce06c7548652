package importexport

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/heappeak"
)

// The hostile-file suite: files built to exhaust memory or time, each refused with
// the error kind it deserves while the heap stays small. Each case asserts the error,
// a bound on the peak heap in use (sampled through runtime/metrics while the import
// runs) and a bound on the bytes allocated in all (/gc/heap/allocs:bytes); none
// asserts time. The tests build each file at a cheap size (the limit fires at the
// same place whatever the size); BenchmarkHostile builds them at full size, none
// over 1 MiB, and reports time, peak heap and allocation.

// spend is what one run cost: the peak of the heap in use above the heap before it,
// and the bytes allocated meanwhile.
type spend struct {
	peak, allocs uint64
}

// spendOf runs f, sampling the heap in use every millisecond (internal/heappeak).
func spendOf(f func()) spend {
	allocs := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(allocs)
	alloc0 := allocs[0].Value.Uint64()
	peak, base := heappeak.Of(f)
	metrics.Read(allocs)
	return spend{peak: peak - min(base, peak), allocs: allocs[0].Value.Uint64() - alloc0}
}

const mib = 1 << 20

// hostileCase is one hostile file and what refusing it may cost at most.
type hostileCase struct {
	name string
	// file builds the file: at full size (at most 1 MiB) for the benchmark, or at a
	// size cheap to build for the test.
	file   func(t testing.TB, full bool) []byte
	limits Limits // for the test; the benchmark uses the defaults
	kind   error  // ErrTooLarge, ErrFormat, orgkit.ErrInvalid (problems); nil for a file that imports
	limit  string // the LimitError's Limit, with ErrTooLarge
	part   string // the LimitError's Part, when it names one
	row    int    // the LimitError's Row, when it names one
	// problems is the number of problems reported, with orgkit.ErrInvalid.
	problems int
	// Bounds on the test's peak heap and allocation.
	peak, allocated uint64
}

// size picks the full or the cheap size.
func size(full bool, fullN, cheapN int) int {
	if full {
		return fullN
	}
	return cheapN
}

const (
	sheetPart = "xl/worksheets/sheet1.xml"
	sstPart   = "xl/sharedStrings.xml"
	// headerRow is a member sheet's header row as the first row of sheetData.
	headerRow = `<row r="1"><c r="A1" t="inlineStr"><is><t>System name</t></is></c><c r="B1" t="inlineStr"><is><t>Mobile</t></is></c></row>`
)

// hostileCases: each quoted failure of the limits issue, and the further cases found.
func hostileCases() []hostileCase {
	return []hostileCase{{
		name: "unclosed nesting of 10 million elements",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, openSheetXML(`<row r="2">`, "<a>", size(full, 10_000_000, 100_000)), nil)
		},
		kind: ErrTooLarge, limit: LimitXMLDepth, part: sheetPart, row: 2, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "closed nesting of 3 million levels",
		file: func(t testing.TB, full bool) []byte {
			n := size(full, 3_000_000, 100_000)
			return xlsxWith(t, func(w io.Writer) {
				openSheetXML(`<row r="2">`, "<a>", n)(w)
				repeat(w, "</a>", n)
				io.WriteString(w, "</row></sheetData></worksheet>")
			}, nil)
		},
		kind: ErrTooLarge, limit: LimitXMLDepth, part: sheetPart, row: 2, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "one inline cell of 400 MiB",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML(`<row r="2"><c r="A2" t="inlineStr"><is><t>`, "x", size(full, 400*mib, 4*mib), `</t></is></c></row>`), nil)
		},
		kind: ErrTooLarge, limit: LimitXMLToken, part: sheetPart, row: 2, peak: 16 * mib, allocated: 24 * mib,
	}, {
		name: "one shared string of 400 MiB",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML(`<row r="2"><c r="A2" t="s"><v>0</v></c></row>`, "", 0, ""),
				sstXML(`<si><t>`, "x", size(full, 400*mib, 4*mib), `</t></si>`))
		},
		kind: ErrTooLarge, limit: LimitXMLToken, part: sstPart, peak: 16 * mib, allocated: 24 * mib,
	}, {
		name: "one shared string of a million runs",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML(`<row r="2"><c r="A2" t="s"><v>0</v></c></row>`, "", 0, ""),
				sstXML(`<si>`, "<r><t>0123456789</t></r>", size(full, 1_000_000, 200_000), `</si>`))
		},
		kind: ErrTooLarge, limit: LimitXMLToken, part: sstPart, peak: 16 * mib, allocated: 24 * mib,
	}, {
		name: "an XML comment of 400 MiB",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML(`<row r="2"><!--`, "x", size(full, 400*mib, 4*mib), `--></row>`), nil)
		},
		kind: ErrTooLarge, limit: LimitXMLToken, part: sheetPart, row: 2, peak: 16 * mib, allocated: 24 * mib,
	}, {
		name: "an attribute of 400 MiB",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML(`<row r="2" spans="`, "x", size(full, 400*mib, 4*mib), `"></row>`), nil)
		},
		kind: ErrTooLarge, limit: LimitXMLToken, part: sheetPart, peak: 16 * mib, allocated: 24 * mib,
	}, {
		name: "25 million shared strings",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML(`<row r="2"><c r="A2" t="s"><v>0</v></c></row>`, "", 0, ""),
				sstXML(``, "<si><t>a</t></si>", size(full, 25_000_000, 20_000), ``))
		},
		limits: Limits{MaxSharedStrings: 10_000},
		kind:   ErrTooLarge, limit: LimitSharedStrings, part: sstPart, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "shared strings of 70 MiB",
		file: func(t testing.TB, full bool) []byte {
			one := strings.Repeat("y", size(full, 1_000_000, 100_000))
			return xlsxWith(t, sheetXML(`<row r="2"><c r="A2" t="s"><v>0</v></c></row>`, "", 0, ""),
				sstXML(``, "<si><t>"+one+"</t></si>", 70, ``))
		},
		limits: Limits{MaxSharedStringsSize: 4 * mib},
		kind:   ErrTooLarge, limit: LimitSharedStringsSize, part: sstPart, peak: 16 * mib, allocated: 16 * mib,
	}, {
		name: "a shared strings part declaring two billion entries",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML(`<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>13800000001</v></c></row>`, "", 0, ""),
				func(w io.Writer) {
					io.WriteString(w, xmlHead+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2000000000" uniqueCount="2000000000"><si><t>x</t></si></sst>`)
				})
		},
		peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "a row of a million cells",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML(`<row r="2">`, "<c><v>1</v></c>", size(full, 1_000_000, 100_000), `</row>`), nil)
		},
		kind: ErrTooLarge, limit: LimitColumns, part: sheetPart, row: 2, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "a row of a million empty cells",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML(`<row r="2">`, "<c/>", size(full, 1_000_000, 100_000), `</row>`), nil)
		},
		kind: ErrFormat, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "ten million empty rows",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML(``, "<row/>", size(full, 10_000_000, maxSheetRows+10), ``), nil)
		},
		kind: ErrTooLarge, limit: LimitRows, part: sheetPart, row: maxSheetRows + 1, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "a row of 256 references to a string of 900 KB",
		file: func(t testing.TB, full bool) []byte {
			one := strings.Repeat("z", size(full, 900_000, 90_000))
			return xlsxWith(t, sheetXML(`<row r="2">`, `<c t="s"><v>0</v></c>`, 256, `</row>`),
				sstXML(``, "<si><t>"+one+"</t></si>", 1, ``))
		},
		limits: Limits{MaxRecordSize: 1 << 20 / 10},
		kind:   ErrTooLarge, limit: LimitRecordSize, part: sheetPart, row: 2, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "every sheet reading the same worksheet part",
		file: func(t testing.TB, full bool) []byte {
			var sheets strings.Builder
			for i := range size(full, 5000, 50) {
				fmt.Fprintf(&sheets, `<sheet name="S%d" sheetId="%d" r:id="rId1"/>`, i, i+1)
			}
			return buildXLSX(t, map[string]func(io.Writer){
				"xl/workbook.xml": func(w io.Writer) {
					io.WriteString(w, xmlHead+`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`+sheets.String()+`</sheets></workbook>`)
				},
				sheetPart: sheetXML(`<row r="2">`, "<c><v>1</v></c>", 200, `</row>`),
			})
		},
		kind: ErrFormat, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "a document type declaring entities (billion laughs)",
		file: func(t testing.TB, full bool) []byte {
			return buildXLSX(t, map[string]func(io.Writer){
				"xl/workbook.xml": func(w io.Writer) {
					io.WriteString(w, xmlHead+`<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="&lol2;" sheetId="1" r:id="rId1"/></sheets></workbook>`)
				},
				sheetPart: sheetXML("", "", 0, ""),
			})
		},
		kind: ErrFormat, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "a zip declaring 8 GiB",
		file: func(t testing.TB, full bool) []byte {
			body := deflate(t, []byte(sheetHead+`<sheetData/></worksheet>`))
			h := &zip.FileHeader{Name: sheetPart, Method: zip.Deflate, CompressedSize64: uint64(len(body)), UncompressedSize64: 8 << 30}
			return minimalXLSX(t, nil, h, body)
		},
		kind: ErrTooLarge, limit: LimitUnzipSize, part: sheetPart, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "an honest zip bomb of 600 MiB",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML(`<row r="2"><!--`, "x", size(full, 600*mib, 24*mib), `--></row>`), nil)
		},
		limits: Limits{MaxUnzipSize: 4 * mib},
		kind:   ErrTooLarge, limit: LimitUnzipSize, part: sheetPart, peak: 2 * mib, allocated: 2 * mib,
	}, {
		name: "a zip part inflating to more than it declares",
		file: func(t testing.TB, full bool) []byte {
			plain := []byte(sheetHead + "<sheetData>" + strings.Repeat("<row/>", size(full, 100*mib, 4*mib)/6) + "</sheetData></worksheet>")
			body := deflate(t, plain)
			h := &zip.FileHeader{Name: sheetPart, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(plain),
				CompressedSize64: uint64(len(body)), UncompressedSize64: 1024}
			return minimalXLSX(t, nil, h, body)
		},
		kind: ErrFormat, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "a zip directory of 10,050 entries",
		file: func(t testing.TB, full bool) []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for i := range size(full, 10_050, 1000) {
				_, err := zw.CreateHeader(&zip.FileHeader{Name: strconv.Itoa(i), Method: zip.Store})
				require.NoError(t, err)
			}
			require.NoError(t, zw.Close())
			return buf.Bytes()
		},
		limits: Limits{MaxZipEntries: 100},
		kind:   ErrTooLarge, limit: LimitZipEntries, peak: 2 * mib, allocated: 2 * mib,
	}, {
		name: "200,000 identical rows (xlsx)",
		file: func(t testing.TB, full bool) []byte {
			return xlsxWith(t, sheetXML("", `<row><c t="s"><v>0</v></c><c><v>13800000001</v></c><c t="s"><v>1</v></c></row>`, size(full, 200_000, 20_000), ""),
				sstXML(`<si><t>ada</t></si><si><t>Ada Lovelace</t></si>`, "", 0, ""))
		},
		limits: Limits{MaxProblems: 1000},
		kind:   orgkit.ErrInvalid, problems: 1001, peak: 16 * mib, allocated: 64 * mib,
	}, {
		name: "200,000 identical rows (csv)",
		file: func(t testing.TB, full bool) []byte {
			return []byte("System name\n" + strings.Repeat("ada\n", size(full, 200_000, 20_000)))
		},
		limits: Limits{MaxProblems: 1000},
		kind:   orgkit.ErrInvalid, problems: 1001, peak: 16 * mib, allocated: 64 * mib,
	}, {
		name: "a csv line of 32 MiB of commas",
		file: func(t testing.TB, full bool) []byte {
			return []byte("System name,Mobile\n" + strings.Repeat(",", size(full, 32*mib, 4*mib)) + "\n")
		},
		kind: ErrTooLarge, limit: LimitColumns, row: 2, peak: 8 * mib, allocated: 8 * mib,
	}, {
		name: "a csv record of 8 MiB in quotes",
		file: func(t testing.TB, full bool) []byte {
			return []byte("System name,Mobile\n\"" + strings.Repeat("x,\n", size(full, 8*mib, 4*mib)/3) + "\n")
		},
		kind: ErrTooLarge, limit: LimitRecordSize, row: 2, peak: 8 * mib, allocated: 8 * mib,
	}}
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// repeat writes s n times.
func repeat(w io.Writer, s string, n int) {
	if n <= 0 || s == "" {
		return
	}
	per := max(1, (64<<10)/len(s))
	chunk := strings.Repeat(s, min(per, n))
	for n > 0 {
		k := min(per, n)
		io.WriteString(w, chunk[:k*len(s)])
		n -= k
	}
}

// sheetXML writes a worksheet: the header row, then head, body n times and tail
// inside sheetData.
func sheetXML(head, body string, n int, tail string) func(io.Writer) {
	return func(w io.Writer) {
		openSheetXML(head, body, n)(w)
		io.WriteString(w, tail+"</sheetData></worksheet>")
	}
}

// openSheetXML writes a worksheet that stops after the header row, head and body n
// times.
func openSheetXML(head, body string, n int) func(io.Writer) {
	return func(w io.Writer) {
		io.WriteString(w, xmlHead+`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+headerRow+head)
		repeat(w, body, n)
	}
}

// sstXML writes a shared strings part: head, body n times and tail inside <sst>.
func sstXML(head, body string, n int, tail string) func(io.Writer) {
	return func(w io.Writer) {
		io.WriteString(w, xmlHead+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+head)
		repeat(w, body, n)
		io.WriteString(w, tail+`</sst>`)
	}
}

// xlsxWith builds a one-sheet workbook with the given worksheet and, when sst is not
// nil, shared strings.
func xlsxWith(t testing.TB, sheet, sst func(io.Writer)) []byte {
	parts := map[string]func(io.Writer){sheetPart: sheet}
	if sst != nil {
		parts[sstPart] = sst
	}
	return buildXLSX(t, parts)
}

// buildXLSX builds a workbook of the minimal parts, replaced or completed by parts.
func buildXLSX(t testing.TB, parts map[string]func(io.Writer)) []byte {
	t.Helper()
	str := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	all := map[string]func(io.Writer){
		"[Content_Types].xml": str(xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`),
		"_rels/.rels":         str(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		"xl/workbook.xml":     str(xmlHead + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Members" sheetId="1" r:id="rId1"/></sheets></workbook>`),
		"xl/_rels/workbook.xml.rels": str(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`),
	}
	for name, f := range parts {
		all[name] = f
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", sheetPart, sstPart} {
		if f := all[name]; f != nil {
			w, err := zw.Create(name)
			require.NoError(t, err)
			f(w)
		}
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestHostileFiles(t *testing.T) {
	for _, hc := range hostileCases() {
		t.Run(hc.name, func(t *testing.T) {
			fx := newFixture(t)
			data := hc.file(t, false)
			var err error
			var rep *Report
			sp := spendOf(func() {
				rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Limits: hc.limits})
			})
			checkHostile(t, hc, err)
			if hc.problems > 0 {
				require.Len(t, rep.Problems, hc.problems)
				assert.Equal(t, CodeTooManyProblems, rep.Problems[len(rep.Problems)-1].Code)
			}
			assert.Less(t, sp.peak, hc.peak, "peak heap")
			assert.Less(t, sp.allocs, hc.allocated, "allocated")
			t.Logf("%d KiB file: %v; peak heap +%.1f MiB, %.1f MiB allocated", len(data)>>10, err,
				float64(sp.peak)/mib, float64(sp.allocs)/mib)
		})
	}
}

// checkHostile checks the error of a hostile import.
func checkHostile(t testing.TB, hc hostileCase, err error) {
	t.Helper()
	if hc.kind == nil {
		require.NoError(t, err)
		return
	}
	require.ErrorIs(t, err, hc.kind)
	if hc.kind == orgkit.ErrInvalid {
		assert.NotErrorIs(t, err, ErrTooLarge)
		assert.NotErrorIs(t, err, ErrFormat)
	}
	if hc.kind == ErrTooLarge {
		var le *LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, hc.limit, le.Limit)
		assert.Equal(t, hc.part, le.Part)
		if hc.row != 0 {
			assert.Equal(t, hc.row, le.Row)
		}
	}
}

// countdown is a context that reports itself cancelled once Err has been asked n
// times: cancellation at a point of the read that does not depend on timing.
type countdown struct {
	context.Context
	n atomic.Int64
}

func newCountdown(n int64) *countdown {
	c := &countdown{Context: context.Background()}
	c.n.Store(n)
	return c
}

func (c *countdown) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// A cancelled import stops within the row it is reading: here a single cell of 256
// MiB (limits raised so that nothing else stops it) and a CSV record of the same
// size. The read stops after a few buffers, long before the row ends.
func TestCancelWithinARow(t *testing.T) {
	big := Limits{MaxXMLToken: 1 << 30, MaxRecordSize: 1 << 30, MaxFileSize: 1 << 30, MaxCellLength: 1 << 30}
	rowSize := 256 * mib
	if testing.Short() {
		rowSize = 32 * mib
	}
	for name, data := range map[string][]byte{
		"xlsx": xlsxWith(t, sheetXML(`<row r="2"><c r="A2" t="inlineStr"><is><t>`, "x", rowSize, `</t></is></c></row>`), nil),
		"csv":  []byte("System name\n" + strings.Repeat("x", rowSize) + "\n"),
	} {
		t.Run(name, func(t *testing.T) {
			fx := newFixture(t)
			var err error
			sp := spendOf(func() {
				_, err = Import(newCountdown(20), fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Limits: big})
			})
			require.ErrorIs(t, err, context.Canceled)
			assert.Less(t, sp.allocs, uint64(16*mib), "stopped after a few buffers of the %d MiB row", rowSize/mib)
			t.Logf("cancelled after %.1f MiB allocated", float64(sp.allocs)/mib)
		})
	}
}

// BenchmarkHostile imports each hostile file at full size with the default limits,
// and reports the file's size (file-KiB), the time (ms/op), the peak heap above the
// start (peak-MiB) and the bytes allocated (alloc-MiB/op). The goal: every refused
// file of at most 1 MiB (all but the CSV cases, built at the sizes the issue quotes)
// under 128 MiB of heap and 2 s.
//
//	go test -run '^$' -bench Hostile -benchtime 3x ./importexport/
func BenchmarkHostile(b *testing.B) {
	for _, hc := range hostileCases() {
		b.Run(benchName(hc.name), func(b *testing.B) {
			data := hc.file(b, true)
			var worst spend
			var total time.Duration
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				fx := newFixture(b) // a file that imports would find itself the next time
				b.StartTimer()
				var err error
				t0 := time.Now()
				sp := spendOf(func() {
					_, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
				})
				total += time.Since(t0)
				b.StopTimer()
				checkHostile(b, hc, err)
				worst.peak, worst.allocs = max(worst.peak, sp.peak), max(worst.allocs, sp.allocs)
				b.StartTimer()
			}
			b.ReportMetric(float64(len(data))/1024, "file-KiB")
			b.ReportMetric(float64(worst.peak)/mib, "peak-MiB")
			b.ReportMetric(float64(worst.allocs)/mib, "alloc-MiB/op")
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/op")
		})
	}
}

// BenchmarkHostileCancel imports each hostile file once to time it, then starts it
// again and cancels its context halfway through that time, so that every case is
// cancelled while it reads, and reports how long Import took to return after the
// cancellation (cancel-ms, the worst of the runs; the goal is 100 ms), the delay
// (delay-ms) and the fraction of runs that ended with context.Canceled (cancelled:
// an import that ended before the cancellation, or finished regardless of it,
// counts 0; the latter's time to return still counts in cancel-ms).
func BenchmarkHostileCancel(b *testing.B) {
	for _, hc := range hostileCases() {
		b.Run(benchName(hc.name), func(b *testing.B) {
			data := hc.file(b, true)
			fx := newFixture(b)
			t0 := time.Now()
			_, _ = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
			delay := max(time.Since(t0)/2, 50*time.Microsecond)
			var worst time.Duration
			cancelled := 0
			b.ResetTimer()
			for range b.N {
				ctx, cancel := context.WithCancel(context.Background())
				var at time.Time
				timer := time.AfterFunc(delay, func() {
					at = time.Now()
					cancel()
				})
				_, err := Import(ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
				end := time.Now()
				if !timer.Stop() {
					// Cancelled while it ran: the time to return counts, whatever
					// the import returned.
					worst = max(worst, end.Sub(at))
					if errors.Is(err, context.Canceled) {
						cancelled++
					}
				}
				cancel()
			}
			b.ReportMetric(float64(worst.Microseconds())/1000, "cancel-ms")
			b.ReportMetric(float64(delay.Microseconds())/1000, "delay-ms")
			b.ReportMetric(float64(cancelled)/float64(b.N), "cancelled")
		})
	}
}

// benchName shortens a case's name for a benchmark.
func benchName(s string) string {
	s = strings.NewReplacer(" ", "_", "(", "", ")", "", "'", "").Replace(s)
	return s
}

// A cancelled import stops while it resolves the rows it has read, not only while it
// reads: the context here is cancelled once the whole file has been read (the
// countdown outlasts the reading), and the import returns context.Canceled, not a
// report of the rows' problems.
func TestCancelWhileResolvingRows(t *testing.T) {
	fx := newFixture(t)
	data := []byte("System name\n" + strings.Repeat("ada\n", 20_000))
	// Count the context's checks while the file is read alone.
	probe := newCountdown(1 << 40)
	_, err := Plan(probe, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Limits: Limits{MaxProblems: 1 << 20}})
	require.Error(t, err)
	total := 1<<40 - probe.n.Load()
	require.Greater(t, total, int64(20), "the rows' loops check the context too")
	// Cancel after the reading's checks but before the rows are resolved.
	reading := readingChecks(t, data)
	require.Less(t, reading, total)
	_, err = Plan(newCountdown(reading+1), fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Limits: Limits{MaxProblems: 1 << 20}})
	require.ErrorIs(t, err, context.Canceled)
}

// readingChecks counts how often reading the CSV alone checks the context.
func readingChecks(t *testing.T, data []byte) int64 {
	t.Helper()
	c := newCountdown(1 << 40)
	rows, err := openCSV(c, bytes.NewReader(data), DefaultLimits(), "", EncodingAuto)
	require.NoError(t, err)
	for {
		_, _, ok, err := rows.next()
		require.NoError(t, err)
		if !ok {
			break
		}
	}
	return 1<<40 - c.n.Load()
}
