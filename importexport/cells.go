package importexport

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/orgkit/orgkit/member"
)

// clearMarker empties a field on update.
const clearMarker = "#clear"

// isClear reports whether a cleaned cell is the #clear marker (any case, full-width too).
func isClear(s string) bool {
	if len(s) < len(clearMarker) || len(s) > 3*len(clearMarker) || (s[0] != '#' && !strings.HasPrefix(s, "＃")) {
		return false
	}
	return strings.EqualFold(s, clearMarker) || strings.EqualFold(norm.NFKC.String(s), clearMarker)
}

// spaceLike reports white space and the invisible characters spreadsheets and
// copy-paste leave around values (zero-width space, word joiner, byte order mark).
func spaceLike(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\u2060' || r == '\ufeff' || r == '\u180e'
}

// cleanCell trims white space and invisible characters around a value.
func cleanCell(s string) string {
	if s == "" {
		return s
	}
	if first, last := s[0], s[len(s)-1]; first > ' ' && first < utf8.RuneSelf && last > ' ' && last < utf8.RuneSelf {
		return s
	}
	return strings.TrimFunc(s, spaceLike)
}

// nfkc folds full-width digits, letters and punctuation to their ASCII forms.
func nfkc(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return norm.NFKC.String(s)
		}
	}
	return s
}

// excelErrors are the values a spreadsheet shows for a formula that failed.
var excelErrors = map[string]bool{
	"#NULL!": true, "#DIV/0!": true, "#VALUE!": true, "#REF!": true, "#NAME?": true, "#NUM!": true, "#N/A": true,
	"#GETTING_DATA": true, "#SPILL!": true, "#CALC!": true, "#FIELD!": true, "#BLOCKED!": true, "#UNKNOWN!": true,
	"#CONNECT!": true, "#BUSY!": true, "#PYTHON!": true,
}

func isExcelError(s string) bool { return len(s) > 1 && s[0] == '#' && excelErrors[strings.ToUpper(s)] }

// formulaStart reports whether a CSV value starting with c could be read as a formula
// by a spreadsheet: '=', '+', '-', '@', tab or carriage return.
func formulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// escapeCSV returns a value as CSV export writes it: a value starting with '=', '+',
// '-', '@', tab or carriage return gets a leading "'" so that no spreadsheet runs it
// as a formula. A value that already starts with "'" (one or more) followed by one of
// those gets one more "'", so that UnescapeCSV gives every value back exactly.
func escapeCSV(s string) string {
	if s != "" && (formulaStart(s[0]) || quotedFormula(s)) {
		return "'" + s
	}
	return s
}

// unescapeCSV undoes escapeCSV: it strips exactly one leading "'" when one of '=',
// '+', '-', '@', tab or carriage return follows it (after any further "'").
func unescapeCSV(s string) string {
	if quotedFormula(s) {
		return s[1:]
	}
	return s
}

// quotedFormula reports whether s is one or more "'" followed by a formula start.
func quotedFormula(s string) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	return i > 0 && i < len(s) && formulaStart(s[i])
}

// parseNumberText reads a cell that holds a number typed as text or stored as a
// number (a mobile, an employee number, a QQ number): full-width digits become ASCII,
// and a number in scientific notation ("1.3912345678E+10", as spreadsheets store and
// sometimes export large numbers) is written out in full. rounded reports a value in
// scientific notation that has fewer significant digits than its whole part, such as
// "1.39E+10": the spreadsheet shortened the number and the digits are lost. Values
// that are not numbers come back as given (after NFKC), so leading zeros of text
// cells ("000123") are kept.
func parseNumberText(s string) (v string, rounded bool) {
	s = nfkc(s)
	mant, ok := splitExponent(s)
	if !ok {
		return trimZeroFraction(s), false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.Abs(f) >= 1e30 {
		return s, false
	}
	v = strconv.FormatFloat(f, 'f', -1, 64)
	sig := significantDigits(mant)
	whole := len(strings.TrimLeft(strings.SplitN(strings.TrimPrefix(v, "-"), ".", 2)[0], "0"))
	return v, sig < whole
}

// splitExponent recognizes "d.dddE+dd" (the sign of the exponent optional, 'e' or 'E').
func splitExponent(s string) (mant string, ok bool) {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || i == len(s)-1 {
		return "", false
	}
	mant, e := s[:i], s[i+1:]
	m := strings.TrimPrefix(mant, "-")
	if m == "" || m[0] == '.' || strings.Count(m, ".") > 1 || strings.HasSuffix(m, ".") {
		return "", false
	}
	for _, c := range []byte(strings.Replace(m, ".", "", 1)) {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	if _, err := strconv.Atoi(e); err != nil {
		return "", false
	}
	return mant, true
}

// significantDigits counts a mantissa's significant digits.
func significantDigits(mant string) int {
	d := strings.TrimLeft(strings.Replace(strings.TrimPrefix(mant, "-"), ".", "", 1), "0")
	return len(strings.TrimRight(d, "0"))
}

// trimZeroFraction turns "13900000000.0" (a number cell some writers store with a
// fraction) into "13900000000"; anything else is returned as is.
func trimZeroFraction(s string) string {
	i := strings.IndexByte(s, '.')
	if i <= 0 || i == len(s)-1 {
		return s
	}
	for _, c := range []byte(s[:i]) {
		if c < '0' || c > '9' {
			return s
		}
	}
	for _, c := range []byte(s[i+1:]) {
		if c != '0' {
			return s
		}
	}
	return s[:i]
}

// parseBool reads a yes/no cell: Yes/No, 是/否, true/false, 1/0, y/n, on/off, ✓/✗
// (any case, full-width too).
func parseBool(s string) (bool, bool) {
	v, ok := yesNoEnum.parse(s)
	return v == 1, ok
}

// dateOpts say how ambiguous text dates are read.
type dateOpts struct {
	// Date1904 reads serial numbers in the 1904 date system (serial 0 is 1904-01-01),
	// as workbooks made on old Macs store them; the default is the 1900 system.
	Date1904 bool
	// MonthFirst reads D/M/YYYY-or-M/D/YYYY dates whose first two numbers are both at
	// most 12 ("01/03/2024") month first, as in the United States; the default is day
	// first (1 March 2024), as in most of the world. When one of the two numbers is
	// over 12 the only possible reading wins.
	MonthFirst bool
}

// parseDate reads a calendar date from a cell:
//
//   - a spreadsheet serial number ("45352", also with a time fraction "45352.5"), in
//     the 1900 date system (Excel's, where serial 60 is the non-existent 1900-02-29 and
//     is refused) or the 1904 system; whole numbers from 1900 to 2100 are refused,
//     since they are years, not dates;
//   - ISO and common text forms: 2024-03-01, 2024/3/1, 2024.3.1, 20240301,
//     2024年3月1日, 2024-03-01T00:00:00Z or with a time after a space;
//   - D/M/YYYY (also with '-' or '.'), read as DateOptions.MonthFirst says;
//   - with an English month name: 1 Mar 2024, 1-Mar-2024, March 1, 2024.
//
// Two-digit years are refused. Full-width digits and separators are accepted.
func parseDate(s string, o dateOpts) (member.Date, bool) {
	s = strings.ToLower(cleanCell(nfkc(s)))
	if s == "" {
		return member.Date{}, false
	}
	if d, ok := parseSerialText(s, o.Date1904); ok {
		return d, true
	}
	return parseDateText(s, o.MonthFirst)
}

// parseSerialText reads a number as a serial date, except 8-digit YYYYMMDD forms.
func parseSerialText(s string, date1904 bool) (member.Date, bool) {
	if len(s) == 8 && allDigits(s) {
		return member.Date{}, false // YYYYMMDD: read as text
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '.' {
			return member.Date{}, false // not a plain number (avoids ParseFloat's error)
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "eEinfINFxX_") || f != f {
		return member.Date{}, false
	}
	if f == math.Trunc(f) && f >= 1900 && f <= 2100 {
		return member.Date{}, false
	}
	return serialDate(f, date1904)
}

// serialDate converts a spreadsheet serial number to a calendar date: in the 1900
// date system serial 1 is 1900-01-01 and serial 60 is the fictitious 1900-02-29
// (refused); in the 1904 system serial 0 is 1904-01-01. The fraction (the time of day)
// is dropped. Serials outside 1 (0 for 1904) … 9999-12-31 are refused.
func serialDate(serial float64, date1904 bool) (member.Date, bool) {
	if math.IsNaN(serial) || math.IsInf(serial, 0) || serial < 0 || serial > 2958466 {
		return member.Date{}, false
	}
	n := int(math.Floor(serial))
	var t time.Time
	switch {
	case date1904:
		t = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	case n < 1 || n == 60:
		return member.Date{}, false
	case n < 60:
		t = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	default:
		t = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	}
	d := member.DateOf(t)
	if d.Year > 9999 {
		return member.Date{}, false
	}
	return d, true
}

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// parseDateText reads the text forms of parseDate (s is NFKC, lower-case, trimmed).
func parseDateText(s string, monthFirst bool) (member.Date, bool) {
	// Drop a time: "2024-03-01t08:00:00z", "2024/3/1 8:00".
	if i := strings.IndexByte(s, ':'); i > 0 {
		j := strings.LastIndexAny(s[:i], " t")
		if j <= 0 {
			return member.Date{}, false
		}
		s = strings.TrimSpace(s[:j])
	}
	var numBuf [4]string
	nums := numBuf[:0]
	month := 0
	tok := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			nums = append(nums, s[i:j])
			i = j
			tok++
		case c >= 'a' && c <= 'z':
			j := i
			for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
				j++
			}
			m, ok := monthNames[strings.TrimSuffix(s[i:j], ".")]
			if !ok || month != 0 {
				return member.Date{}, false
			}
			month = m
			i = j
			tok++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch r {
			case '-', '/', '.', ',', ' ', '年', '月', '日', '号':
			default:
				return member.Date{}, false
			}
			i += size
		}
		if tok > 3 {
			return member.Date{}, false
		}
	}
	var y, m, d int
	switch {
	case month != 0 && len(nums) == 2:
		yi := -1
		for k, n := range nums {
			if len(n) == 4 {
				yi = k
			}
		}
		if yi < 0 || len(nums[1-yi]) > 2 {
			return member.Date{}, false
		}
		y, m, d = atoi(nums[yi]), month, atoi(nums[1-yi])
	case month == 0 && len(nums) == 1 && len(nums[0]) == 8:
		y, m, d = atoi(nums[0][:4]), atoi(nums[0][4:6]), atoi(nums[0][6:])
	case month == 0 && len(nums) == 3 && len(nums[0]) == 4:
		if len(nums[1]) > 2 || len(nums[2]) > 2 {
			return member.Date{}, false
		}
		y, m, d = atoi(nums[0]), atoi(nums[1]), atoi(nums[2])
	case month == 0 && len(nums) == 3 && len(nums[2]) == 4:
		if len(nums[0]) > 2 || len(nums[1]) > 2 {
			return member.Date{}, false
		}
		a, b := atoi(nums[0]), atoi(nums[1])
		y = atoi(nums[2])
		switch {
		case a > 12:
			d, m = a, b
		case b > 12:
			m, d = a, b
		case monthFirst:
			m, d = a, b
		default:
			d, m = a, b
		}
	default:
		return member.Date{}, false
	}
	date := member.Date{Year: y, Month: time.Month(m), Day: d}
	if y < 1 || date.IsZero() || !date.Valid() {
		return member.Date{}, false
	}
	return date, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// parseInt reads a whole number ("3", "３", "3.0", " -2 ").
func parseInt(s string) (int, bool) {
	s = trimZeroFraction(cleanCell(nfkc(s)))
	n, err := strconv.Atoi(s)
	if err != nil || n < -1_000_000_000 || n > 1_000_000_000 {
		return 0, false
	}
	return n, true
}

// splitList splits a list cell at ';', full-width '；' and line breaks, trimming each
// item and dropping blank ones.
func splitList(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexAny(s, ";；\n\r")
		var item string
		if i < 0 {
			item, s = s, ""
		} else {
			_, size := utf8.DecodeRuneInString(s[i:])
			item, s = s[:i], s[i+size:]
		}
		if item = cleanCell(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// listSeparator joins list items on export.
const listSeparator = ";"
