package importexport

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-03-01", "2024/3/1", "2024年3月1日", "01/03/2024", "45352", "45352.5", "1 Mar 2024", "March 1, 2024", "20240301", "2024-03-01T00:00:00Z", "60", "2024", "-1", "1e9"} {
		f.Add(s, false, false)
	}
	f.Fuzz(func(t *testing.T, s string, date1904, monthFirst bool) {
		d, ok := ParseDate(s, DateOptions{Date1904: date1904, MonthFirst: monthFirst})
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
		if again, ok := ParseDate(d.String(), DateOptions{}); !ok || again != d {
			t.Fatalf("%q: %v does not read back (%v)", s, d, again)
		}
	})
}

func FuzzParseNumberText(f *testing.F) {
	for _, s := range []string{"13912345678", "000123", "1.39E+10", "1.3912345678E+10", "１３９", "13900000000.0", "+852-12345678", "1e", "-1.5E-3", "E1001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, rounded := ParseNumberText(s)
		if rounded {
			return
		}
		if again, r2 := ParseNumberText(v); again != v || r2 {
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
		_, _ = ParseBool(s)
		_, _ = ParseInt(s)
		_ = splitList(s)
		_ = isClear(cleanCell(s))
	})
}

func FuzzCSVEscape(f *testing.F) {
	for _, s := range []string{"=cmd", "+86", "-1", "@x", "\tx", "\rx", "'=x", "''=x", "'", "plain", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := EscapeCSV(s)
		if e != "" && formulaStart(e[0]) {
			t.Fatalf("%q escapes to %q", s, e)
		}
		if UnescapeCSV(e) != s {
			t.Fatalf("%q → %q → %q", s, e, UnescapeCSV(e))
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
	_, err = svc.Apply(ctx, snap.ID(), store.Meta{},
		orgtree.Create{ID: orgkit.NewNodeID(), Parent: snap.Root(), Kind: orgtree.Department, Code: "RD", Name: orgkit.Name("R&D")})
	if err != nil {
		t.Fatal(err)
	}
	return svc, snap.ID()
}

var fuzzLimits = Limits{MaxFileSize: 1 << 20, MaxRows: 200, MaxColumns: 64, MaxCellLength: 500}

// checkOutcome: a plan of random input ends in a report or an error, never a panic;
// with a report, problems have messages and sane positions.
func checkOutcome(t *testing.T, rep *Report, err error) {
	if err == nil && rep == nil {
		t.Fatal("neither a report nor an error")
	}
	if rep == nil {
		return
	}
	if (err != nil) != (len(rep.Problems) > 0) && err != nil && !strings.Contains(err.Error(), "problem") {
		t.Fatalf("report with %d problems and error %v", len(rep.Problems), err)
	}
	for _, p := range rep.Problems {
		if p.Message == "" || p.Code == "" || p.Row < 0 || strings.Contains(p.Message, "%!") {
			t.Fatalf("bad problem %+v", p)
		}
	}
}

func FuzzImportCSV(f *testing.F) {
	f.Add([]byte("System name,Mobile,Hire date,Primary department\nx,13800000001,2024-03-01,RD\n"))
	f.Add([]byte("工号,系统名,手机号,汇报对象\n001,a,13800000001,002\n002,b,+852-12345678,\n"))
	f.Add([]byte("Code,Name,Parent,Manager\nA,A,RD,\nB,B,A,\n"))
	f.Add([]byte("\xef\xbb\xbfEmail;Full name\n'=cmd@x.example;'@x\n"))
	f.Add([]byte("Employee number\tSystem name\n#clear\t\n"))
	svc, dir := fuzzFixture(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mode := range []Mode{Add, Upsert} {
			rep, err := Plan(context.Background(), svc, dir, bytes.NewReader(data), ImportOptions{Format: CSV, Mode: mode, Limits: fuzzLimits})
			checkOutcome(t, rep, err)
		}
	})
}

// FuzzImportXLSX writes the fuzzer's cells into a small workbook ("|" separates
// cells, newlines rows; numbers become number cells) and plans its import.
func FuzzImportXLSX(f *testing.F) {
	f.Add("系统名|手机号|入职日期|主属部门\na|13800000001|45352|RD\nb|1.39E+10|2024/3/1|Acme/R&D")
	f.Add("Code|Name|Parent|Kind\nA|A||Company\nB|B|A|Department")
	f.Add("title\n\nSystem name|Mobile|Roles\nx|+852 1234 5678|Org admin")
	svc, dir := fuzzFixture(f)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		x := excelize.NewFile()
		defer x.Close()
		for r, line := range strings.Split(s, "\n") {
			if r >= 50 {
				break
			}
			for c, v := range strings.Split(line, "|") {
				if c >= 30 || v == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					_ = x.SetCellFloat("Sheet1", cell, n, -1, 64)
				} else {
					_ = x.SetCellStr("Sheet1", cell, v)
				}
			}
		}
		var buf bytes.Buffer
		if _, err := x.WriteTo(&buf); err != nil {
			return
		}
		rep, err := Plan(context.Background(), svc, dir, bytes.NewReader(buf.Bytes()), ImportOptions{Mode: Upsert, Limits: fuzzLimits})
		checkOutcome(t, rep, err)
	})
}

// FuzzImportBytes feeds raw bytes (sniffed as xlsx or CSV), a damaged workbook
// included.
func FuzzImportBytes(f *testing.F) {
	x := excelize.NewFile()
	_ = x.SetSheetRow("Sheet1", "A1", &[]any{"System name", "Mobile"})
	_ = x.SetSheetRow("Sheet1", "A2", &[]any{"x", 13800000001})
	var buf bytes.Buffer
	_, _ = x.WriteTo(&buf)
	_ = x.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("System name\nx\n"))
	svc, dir := fuzzFixture(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Plan(context.Background(), svc, dir, bytes.NewReader(data), ImportOptions{Limits: fuzzLimits})
		checkOutcome(t, rep, err)
	})
}
