package importexport

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/internal/i18n"
	"github.com/orgkit/orgkit/orgtree"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-03-01", "2024/3/1", "2024年3月1日", "01/03/2024", "45352", "45352.5", "1 Mar 2024", "March 1, 2024", "20240301", "2024-03-01T00:00:00Z", "60", "2024", "-1", "1e9"} {
		f.Add(s, false, false)
	}
	f.Fuzz(func(t *testing.T, s string, date1904, monthFirst bool) {
		d, ok := parseDate(s, dateOpts{Date1904: date1904, MonthFirst: monthFirst})
		if !ok {
			if !d.IsZero() {
				t.Fatalf("%q: refused but %v", s, d)
			}
			return
		}
		if d.IsZero() || !d.Valid() || d.Year < 1 || d.Year > 9999 {
			t.Fatalf("%q: %v", s, d)
		}
		// The ISO form reads back as the same date.
		if again, ok := parseDate(d.String(), dateOpts{}); !ok || again != d {
			t.Fatalf("%q: %v does not read back (%v)", s, d, again)
		}
	})
}

func FuzzParseNumberText(f *testing.F) {
	for _, s := range []string{"13912345678", "000123", "1.39E+10", "1.3912345678E+10", "１３９", "13900000000.0", "+852-12345678", "1e", "-1.5E-3", "E1001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, rounded := parseNumberText(s)
		if rounded {
			return
		}
		if again, r2 := parseNumberText(v); again != v || r2 {
			t.Fatalf("%q → %q → %q", s, v, again)
		}
		if utf8.ValidString(s) && !utf8.ValidString(v) {
			t.Fatalf("%q → invalid UTF-8 %q", s, v)
		}
	})
}

func FuzzEnumCells(f *testing.F) {
	for _, s := range []string{"Yes", "否", "男", "Prefer not to say", "启用", "Organization", "仅自己", "only_this_node", "", " Y "} {
		f.Add(s)
	}
	enums := []*enumSpec{genderEnum, loginMethodEnum, statusEnum, kindEnum, contactViewEnum, receptionEnum, yesNoEnum}
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range enums {
			v, ok := e.parse(s)
			if !ok {
				continue
			}
			// whatever was read has a label, and the label reads back as it
			for i := range 3 {
				l := e.values[0].labels[i]
				for _, x := range e.values {
					if x.v == v {
						l = x.labels[i]
					}
				}
				if back, ok := e.parse(l); !ok || back != v {
					t.Fatalf("%q → %d, label %q → %d", s, v, l, back)
				}
			}
		}
		_, _ = parseBool(s)
		_, _ = parseInt(s)
		_ = splitList(s)
		_ = isClear(cleanCell(s))
	})
}

func FuzzCSVEscape(f *testing.F) {
	for _, s := range []string{"=cmd", "+86", "-1", "@x", "\tx", "\rx", "'=x", "''=x", "'", "plain", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := escapeCSV(s)
		if e != "" && formulaStart(e[0]) {
			t.Fatalf("%q escapes to %q", s, e)
		}
		if unescapeCSV(e) != s {
			t.Fatalf("%q → %q → %q", s, e, unescapeCSV(e))
		}
	})
}

// fuzzFixture is a small directory shared by the whole-sheet fuzz targets (they only
// plan, so it never changes).
func fuzzFixture(t testing.TB) (*directory.Service, orgkit.DirectoryID) {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Apply(ctx, snap.ID(), directory.Meta{},
		orgtree.Create{ID: orgkit.NewNodeID(), Parent: snap.Root(), Kind: orgtree.Department, Code: "RD", Name: orgkit.Name("R&D")})
	if err != nil {
		t.Fatal(err)
	}
	return svc, snap.ID()
}

// fuzzLimits are small, so that the fuzzer spends its time on many small inputs
// rather than on a few large ones, and so that a small input reaches every limit.
var fuzzLimits = Limits{
	MaxFileSize: 8 << 10, MaxRows: 40, MaxColumns: 16, MaxCellLength: 200, MaxRecordSize: 1 << 10,
	MaxUnzipSize: 256 << 10, MaxZipEntries: 16, MaxXMLDepth: 12, MaxXMLToken: 1 << 10,
	MaxSharedStrings: 64, MaxSharedStringsSize: 2 << 10, MaxProblems: 20,
}

// checkOutcome: a plan of random input ends in a report or an error, never a panic;
// with a report, problems have messages and sane positions.
func checkOutcome(t *testing.T, rep *Report, err error) {
	if bad := outcomeProblem(rep, err); bad != "" {
		t.Fatal(bad)
	}
}

// outcomeProblem says what is wrong with the outcome of a plan, or "".
func outcomeProblem(rep *Report, err error) string {
	if err == nil && rep == nil {
		return "neither a report nor an error"
	}
	if rep == nil {
		return ""
	}
	if (err != nil) != (len(rep.Problems) > 0) && err != nil && !strings.Contains(err.Error(), "problem") {
		return fmt.Sprintf("report with %d problems and error %v", len(rep.Problems), err)
	}
	for _, p := range rep.Problems {
		if p.Message == "" || p.Code == "" || p.Row < 0 || badFormatting(p, rep.Language) {
			return fmt.Sprintf("bad problem %+v", p)
		}
	}
	return ""
}

// badFormatting reports a message whose formatting failed ("%!v(MISSING)", "%!(EXTRA
// …)"). The values a message quotes come from the file and may hold "%!" themselves,
// so the message is formatted again, by the same catalog and template, from neutral
// values: a "%!" then can only come from the template and its arguments.
func badFormatting(p Problem, tag language.Tag) bool {
	return neutralHasPercentBang(p.Violation, func(v orgkit.Violation) string { return message(v, tag) })
}

func neutralHasPercentBang(v orgkit.Violation, render func(orgkit.Violation) string) bool {
	v.Record, v.Field, v.Value, v.Detail = orgkit.Ref{Kind: orgkit.KindRow, Row: 1}, "f", "v", "d"
	if len(v.Related) > 0 {
		v.Related = []orgkit.Ref{{Kind: orgkit.KindMember, Name: "r"}}
	}
	return strings.Contains(render(v), "%!")
}

// A user's own value holding "%!" is not a formatting error (the fuzzer reported one).
func TestOutcomeCheckAcceptsPercentBang(t *testing.T) {
	svc, dir := fuzzFixture(t)
	for _, in := range []string{
		"System name,Mobile,Hire date\nx,%!d(MISSING),%!(EXTRA)\n",
		"System name,Primary department\n%!s,%!v(MISSING)\n",
	} {
		rep, err := Plan(context.Background(), svc, dir, strings.NewReader(in), ImportOptions{Limits: fuzzLimits})
		if err == nil || len(rep.Problems) == 0 {
			t.Fatalf("%q: expected problems, got %v", in, err)
		}
		if bad := outcomeProblem(rep, err); bad != "" {
			t.Fatalf("%q: %s", in, bad)
		}
		// The values are shown as the user wrote them, not hidden or altered.
		shown := false
		for _, p := range rep.Problems {
			if strings.Contains(p.Value, "%!") && strings.Contains(p.Message, p.Value) {
				shown = true
			}
		}
		if !shown {
			t.Fatalf("%q: no problem quotes the value holding %%!: %+v", in, rep.Problems)
		}
	}
	// A template whose verbs do not match its arguments is still caught.
	broken := i18n.NewTexts(i18n.Text{Key: "k", Forms: [3]string{"%[5]d of %[1]s", "%[5]d", "%[5]d"}})
	if !neutralHasPercentBang(orgkit.Violation{Code: "k"}, func(v orgkit.Violation) string {
		return broken.Sprintf(language.English, v.Code, v.Record, v.Field, v.Value, v.Detail)
	}) {
		t.Fatal("a formatting failure passed")
	}
}

func FuzzImportCSV(f *testing.F) {
	svc, dir := fuzzFixture(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mode := range []Mode{Add, Upsert} {
			rep, err := Plan(context.Background(), svc, dir, bytes.NewReader(data), ImportOptions{Format: CSV, Mode: mode, Limits: fuzzLimits})
			checkOutcome(t, rep, err)
		}
	})
}

// FuzzImportXLSX puts the fuzzer's worksheet and shared strings XML into an
// uncompressed workbook and plans its import: the fuzzer mutates the XML itself.
func FuzzImportXLSX(f *testing.F) {
	svc, dir := fuzzFixture(f)
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		if len(sheet)+len(sst) > 16<<10 {
			return
		}
		rep, err := Plan(context.Background(), svc, dir, bytes.NewReader(storedXLSX(sheet, sst)), ImportOptions{Mode: Upsert, Limits: fuzzLimits})
		checkOutcome(t, rep, err)
	})
}

// FuzzImportBytes feeds raw bytes (sniffed as xlsx or CSV): uncompressed workbooks,
// damaged ones, CSV.
func FuzzImportBytes(f *testing.F) {
	svc, dir := fuzzFixture(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Plan(context.Background(), svc, dir, bytes.NewReader(data), ImportOptions{Limits: fuzzLimits})
		checkOutcome(t, rep, err)
	})
}
