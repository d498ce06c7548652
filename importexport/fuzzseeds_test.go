package importexport

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
)

// The whole-import fuzz targets start from seed corpora (testdata/fuzz) of small
// valid workbooks and CSV files, and of files that reach each limit's error path
// under fuzzLimits. The seeds are made here; TestFuzzSeedCorpus checks that the
// files in testdata are these seeds and that together they reach every limit.
// Regenerate them with: go test -run TestFuzzSeedCorpus -update-fuzz-seeds ./importexport/

var updateFuzzSeeds = flag.Bool("update-fuzz-seeds", false, "rewrite the whole-import fuzz seed corpora in testdata/fuzz")

// fuzzSeed is a named seed: the fuzz target's arguments.
type fuzzSeed struct {
	name string
	args [][]byte
}

// storedXLSX builds an uncompressed workbook around a worksheet and shared strings
// (left out when empty), so that a fuzzer's byte mutations land in the XML.
func storedXLSX(sheet, sst []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, body []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err == nil {
			_, _ = w.Write(body)
		}
	}
	put("[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`))
	put("_rels/.rels", []byte(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	put("xl/workbook.xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Members" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	put("xl/_rels/workbook.xml.rels", []byte(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`))
	put(sheetPart, sheet)
	if len(sst) > 0 {
		put(sstPart, sst)
	}
	_ = zw.Close()
	return buf.Bytes()
}

// seedSheet is a worksheet of the given rows (their XML).
func seedSheet(rows ...string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		strings.Join(rows, "") + `</sheetData></worksheet>`)
}

// seedSST is a shared strings part of the given strings.
func seedSST(strs ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(strs), len(strs))
	for _, s := range strs {
		fmt.Fprintf(&b, "<si><t>%s</t></si>", s)
	}
	b.WriteString("</sst>")
	return []byte(b.String())
}

// is is an inline string cell.
func is(ref, s string) string {
	return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, s)
}

// row is a row of cells.
func row(n int, cells ...string) string {
	return fmt.Sprintf(`<row r="%d">%s</row>`, n, strings.Join(cells, ""))
}

// xlsxSeeds are FuzzImportXLSX's seeds: worksheet and shared strings.
func xlsxSeeds() []fuzzSeed {
	header := row(1, `<c r="A1" t="s"><v>0</v></c>`, `<c r="B1" t="s"><v>1</v></c>`, is("C1", "Primary department"), is("D1", "Hire date"))
	sst := seedSST("System name", "Mobile", "RD")
	manyRows := []string{header}
	for i := range 41 {
		manyRows = append(manyRows, row(i+2, is("A"+strconv.Itoa(i+2), "u"+strconv.Itoa(i)), fmt.Sprintf(`<c r="B%d"><v>%d</v></c>`, i+2, 13800000000+i)))
	}
	many := make([]string, 65)
	for i := range many {
		many[i] = "s" + strconv.Itoa(i)
	}
	seeds := []fuzzSeed{
		{"members", [][]byte{seedSheet(header,
			row(2, is("A2", "ada"), `<c r="B2"><v>13800000001</v></c>`, `<c r="C2" t="s"><v>2</v></c>`, `<c r="D2"><v>45352</v></c>`),
			row(3, is("A3", "bob"), is("B3", "1.39E+10"), is("C3", "Acme/R&amp;D"), is("D3", "2024/3/1"))), sst}},
		{"departments", [][]byte{seedSheet(row(1, is("A1", "Code"), is("B1", "Name"), is("C1", "Parent")),
			row(2, is("A2", "A"), is("B2", "A"), is("C2", "RD")), row(3, is("A3", "B"), is("B3", "B"), is("C3", "A"))), nil}},
		{"title-and-rich-text", [][]byte{seedSheet(row(1, is("A1", "成员名单")),
			row(3, is("A3", "系统名"), `<c r="B3" t="inlineStr"><is><r><t>手机</t></r><r><t>号</t></r><rPh><t>x</t></rPh></is></c>`),
			row(4, is("A4", "x"), `<c r="B4" t="str"><f>A1</f><v>+852 1234 5678</v></c>`)), nil}},
		{"cell-too-long", [][]byte{seedSheet(header, row(2, is("A2", strings.Repeat("长", 201)))), sst}},
		{"limit-xml-depth", [][]byte{seedSheet(header, row(2, strings.Repeat("<x>", 13)+strings.Repeat("</x>", 13))), sst}},
		{"limit-xml-token", [][]byte{seedSheet(header, row(2, is("A2", strings.Repeat("t", 1100)))), sst}},
		{"limit-shared-strings", [][]byte{seedSheet(header), seedSST(many...)}},
		{"limit-shared-strings-size", [][]byte{seedSheet(header), seedSST(strings.Repeat("a", 800), strings.Repeat("b", 800), strings.Repeat("c", 800))}},
		{"limit-columns", [][]byte{seedSheet(header, row(2, is("A2", "x"), `<c r="Q2"><v>1</v></c>`)), sst}},
		{"limit-record-size", [][]byte{seedSheet(header, row(2, is("A2", strings.Repeat("r", 600)), is("B2", strings.Repeat("s", 600)))), sst}},
		{"limit-rows", [][]byte{seedSheet(manyRows...), sst}},
		{"limit-rows-past-excel", [][]byte{seedSheet(header, row(1048577, is("A1048577", "x"))), sst}},
		{"malformed", [][]byte{seedSheet(header, `<row r="2"><c><v>1</c></v></row>`), sst}},
	}
	return seeds
}

// csvSeeds are FuzzImportCSV's seeds.
func csvSeeds() []fuzzSeed {
	var rows strings.Builder
	rows.WriteString("System name,Mobile\n")
	for i := range 41 {
		fmt.Fprintf(&rows, "u%d,1380000%04d\n", i, i)
	}
	return []fuzzSeed{
		{"members", [][]byte{[]byte("System name,Mobile,Hire date,Primary department\nx,13800000001,2024-03-01,RD\n")}},
		{"chinese-headers", [][]byte{[]byte("工号,系统名,手机号,汇报对象\n001,a,13800000001,002\n002,b,+852-12345678,\n")}},
		{"departments", [][]byte{[]byte("Code,Name,Parent,Manager\nA,A,RD,\nB,B,A,\n")}},
		{"bom-semicolons-escapes", [][]byte{[]byte("\xef\xbb\xbfEmail;Full name\n'=cmd@x.example;'@x\n")}},
		{"tabs-clear", [][]byte{[]byte("Employee number\tSystem name\n#clear\t\n")}},
		{"quotes-and-cr", [][]byte{[]byte("System name,Full name\r\"a,b\",\"say \"\"hi\"\"\r\nthere\"\rc,d\r")}},
		{"percent-bang", [][]byte{[]byte("System name,Mobile\nx,%!d(MISSING)\n")}},
		{"cell-too-long", [][]byte{[]byte("System name,Full name\nx," + strings.Repeat("y", 201) + "\n")}},
		{"limit-columns", [][]byte{[]byte("System name,Mobile\nx" + strings.Repeat(",", 16) + "\n")}},
		{"limit-record-size", [][]byte{[]byte("System name,Mobile\n\"" + strings.Repeat("q", 1100) + "\"\n")}},
		{"limit-rows", [][]byte{[]byte(rows.String())}},
		{"limit-file-size", [][]byte{[]byte("System name\n" + strings.Repeat("n\n", 4200))}},
		{"too-many-problems", [][]byte{[]byte("System name,Mobile\n" + strings.Repeat("x,bad\n", 25))}},
	}
}

// bytesSeeds are FuzzImportBytes's seeds: whole files of either format.
func bytesSeeds() []fuzzSeed {
	var out []fuzzSeed
	for _, s := range xlsxSeeds() {
		switch s.name {
		case "members", "limit-xml-depth", "limit-shared-strings", "malformed":
			out = append(out, fuzzSeed{"xlsx-" + s.name, [][]byte{storedXLSX(s.args[0], s.args[1])}})
		}
	}
	for _, s := range csvSeeds() {
		switch s.name {
		case "members", "limit-columns":
			out = append(out, fuzzSeed{"csv-" + s.name, s.args})
		}
	}
	// Zip entries: more parts than the limit.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range 17 {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("x/%d.xml", i), Method: zip.Store})
		_, _ = w.Write([]byte("<x/>"))
	}
	_ = zw.Close()
	out = append(out, fuzzSeed{"limit-zip-entries", [][]byte{buf.Bytes()}})
	// Unzip size: a part declaring more than the limit.
	body := []byte("<worksheet/>")
	buf.Reset()
	zw = zip.NewWriter(&buf)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: sheetPart, Method: zip.Store, CompressedSize64: uint64(len(body)), UncompressedSize64: 1 << 20})
	_, _ = w.Write(body)
	_ = zw.Close()
	out = append(out, fuzzSeed{"limit-unzip-size", [][]byte{buf.Bytes()}})
	out = append(out, fuzzSeed{"truncated-zip", [][]byte{storedXLSX(seedSheet(), nil)[:300]}})
	return out
}

// directorySvc is the directory the fuzz targets plan against.
type directorySvc struct {
	svc *directory.Service
	dir orgkit.DirectoryID
}

// fuzzTargets are the whole-import fuzz targets: their seeds and how they plan one
// input (what the target does with it).
var fuzzTargets = []struct {
	name  string
	seeds func() []fuzzSeed
	plan  func(svc *directorySvc, args [][]byte) (*Report, error)
}{
	{"FuzzImportXLSX", xlsxSeeds, func(s *directorySvc, a [][]byte) (*Report, error) {
		return Plan(context.Background(), s.svc, s.dir, bytes.NewReader(storedXLSX(a[0], a[1])), ImportOptions{Mode: Upsert, Limits: fuzzLimits})
	}},
	{"FuzzImportBytes", bytesSeeds, func(s *directorySvc, a [][]byte) (*Report, error) {
		return Plan(context.Background(), s.svc, s.dir, bytes.NewReader(a[0]), ImportOptions{Limits: fuzzLimits})
	}},
	{"FuzzImportCSV", csvSeeds, func(s *directorySvc, a [][]byte) (*Report, error) {
		return Plan(context.Background(), s.svc, s.dir, bytes.NewReader(a[0]), ImportOptions{Format: CSV, Mode: Upsert, Limits: fuzzLimits})
	}},
	{"FuzzCSVReader", csvReaderSeeds, nil}, // the record reader alone: its files are only checked
}

// csvReaderSeeds are FuzzCSVReader's seeds.
func csvReaderSeeds() []fuzzSeed {
	var out []fuzzSeed
	for i, s := range []string{"a,b\nc,d\n", "\"a\"\"b\",c\r\nd", "a\"b,\"c\"d\n\n", "\"x\ny\",", ";;\t", "a,b\rc\r\r", strings.Repeat(",", 40)} {
		out = append(out, fuzzSeed{fmt.Sprintf("seed%d", i), [][]byte{[]byte(s)}})
	}
	return out
}

// encodeSeed renders a seed in the fuzz corpus file format.
func encodeSeed(args [][]byte) []byte {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		fmt.Fprintf(&b, "[]byte(%s)\n", strconv.Quote(string(a)))
	}
	return b.Bytes()
}

// decodeSeed reads a fuzz corpus file of []byte arguments.
func decodeSeed(data []byte) ([][]byte, error) {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) == 0 || lines[0] != "go test fuzz v1" {
		return nil, errors.New("not a fuzz corpus file")
	}
	var out [][]byte
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "[]byte(") || !strings.HasSuffix(l, ")") {
			return nil, fmt.Errorf("not a []byte value: %.40s", l)
		}
		s, err := strconv.Unquote(l[len("[]byte(") : len(l)-1])
		if err != nil {
			return nil, err
		}
		out = append(out, []byte(s))
	}
	return out, nil
}

// limitOutcomes maps every field of Limits to the outcome its error path has: the
// LimitError naming it, or the problem it reports. TestFuzzSeedCorpus fails for a
// field not listed here, so a new limit cannot be added without a seed that reaches
// it. A field without an error path is listed with "" and the reason.
var limitOutcomes = map[string]string{
	"MaxFileSize":          "limit " + LimitFileSize,
	"MaxRows":              "limit " + LimitRows,
	"MaxColumns":           "limit " + LimitColumns,
	"MaxCellLength":        "cell too long",
	"MaxRecordSize":        "limit " + LimitRecordSize,
	"MaxUnzipSize":         "limit " + LimitUnzipSize,
	"MaxZipEntries":        "limit " + LimitZipEntries,
	"MaxXMLDepth":          "limit " + LimitXMLDepth,
	"MaxXMLToken":          "limit " + LimitXMLToken,
	"MaxSharedStrings":     "limit " + LimitSharedStrings,
	"MaxSharedStringsSize": "limit " + LimitSharedStringsSize,
	"MaxProblems":          "too many problems",
	// Deprecated and ignored: an import writes no temporary files at all
	// (TestImportWritesNoTemporaryFiles), so there is no temporary disk to bound.
	"MaxUnzipXMLSize": "",
}

// TestFuzzSeedCorpus checks the seed corpora in testdata against the seeds made
// here, and that the corpora together reach every limit's error path, a problem of
// a cell too long, a list of problems cut short and a malformed file.
func TestFuzzSeedCorpus(t *testing.T) {
	svc, dir := fuzzFixture(t)
	ds := &directorySvc{svc, dir}
	reached := map[string]string{} // outcome → the seed that reached it
	for _, target := range fuzzTargets {
		root := filepath.Join("testdata", "fuzz", target.name)
		if *updateFuzzSeeds {
			require.NoError(t, os.MkdirAll(root, 0o755))
			for _, s := range target.seeds() {
				require.NoError(t, os.WriteFile(filepath.Join(root, s.name), encodeSeed(s.args), 0o644))
			}
		}
		for _, s := range target.seeds() {
			data, err := os.ReadFile(filepath.Join(root, s.name))
			require.NoError(t, err, "seed %s/%s is missing: run with -update-fuzz-seeds", target.name, s.name)
			assert.Equal(t, string(encodeSeed(s.args)), string(data), "seed %s/%s is stale: run with -update-fuzz-seeds", target.name, s.name)
		}
		if target.plan == nil {
			continue
		}
		files, err := os.ReadDir(root)
		require.NoError(t, err)
		for _, fi := range files {
			data, err := os.ReadFile(filepath.Join(root, fi.Name()))
			require.NoError(t, err)
			args, err := decodeSeed(data)
			require.NoError(t, err, fi.Name())
			rep, err := target.plan(ds, args)
			require.Empty(t, outcomeProblem(rep, err), "%s/%s", target.name, fi.Name())
			var le *LimitError
			switch {
			case errors.As(err, &le):
				reached["limit "+le.Limit] = fi.Name()
			case errors.Is(err, ErrFormat):
				reached["malformed"] = fi.Name()
			case rep != nil:
				for _, p := range rep.Problems {
					switch p.Code {
					case CodeCellTooLong:
						reached["cell too long"] = fi.Name()
					case CodeTooManyProblems:
						reached["too many problems"] = fi.Name()
					}
				}
				if len(rep.Problems) == 0 {
					reached["imports"] = fi.Name()
				}
			}
		}
	}
	want := []string{"imports", "malformed"}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[Limits]()) {
		outcome, ok := limitOutcomes[f.Name]
		if !assert.True(t, ok, "Limits.%s has no error path listed in limitOutcomes: add a seed that reaches it and list it", f.Name) {
			continue
		}
		if outcome != "" {
			want = append(want, outcome)
		}
	}
	var missing []string
	for _, w := range want {
		if reached[w] == "" {
			missing = append(missing, w)
		}
	}
	assert.Empty(t, missing, "outcomes no seed reaches (reached: %v)", reached)
	t.Logf("reached: %v", reached)
}
