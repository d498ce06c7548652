package importexport

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/orgkit/orgkit/member"
)

func TestParseDate(t *testing.T) {
	d := func(y, m, day int) member.Date { return member.Date{Year: y, Month: timeMonth(m), Day: day} }
	cases := []struct {
		in   string
		o    dateOpts
		want member.Date
		ok   bool
	}{
		{"2024-03-01", dateOpts{}, d(2024, 3, 1), true},
		{"2024/3/1", dateOpts{}, d(2024, 3, 1), true},
		{"2024.03.01", dateOpts{}, d(2024, 3, 1), true},
		{"20240301", dateOpts{}, d(2024, 3, 1), true},
		{"2024年3月1日", dateOpts{}, d(2024, 3, 1), true},
		{"２０２４－０３－０１", dateOpts{}, d(2024, 3, 1), true},
		{" 2024-03-01T08:30:00Z ", dateOpts{}, d(2024, 3, 1), true},
		{"2024/3/1 8:30", dateOpts{}, d(2024, 3, 1), true},
		{"01/03/2024", dateOpts{}, d(2024, 3, 1), true},
		{"01/03/2024", dateOpts{MonthFirst: true}, d(2024, 1, 3), true},
		{"13/03/2024", dateOpts{MonthFirst: true}, d(2024, 3, 13), true},
		{"03/13/2024", dateOpts{}, d(2024, 3, 13), true},
		{"1 Mar 2024", dateOpts{}, d(2024, 3, 1), true},
		{"March 1, 2024", dateOpts{}, d(2024, 3, 1), true},
		{"01-Mar-2024", dateOpts{}, d(2024, 3, 1), true},
		{"45352", dateOpts{}, d(2024, 3, 1), true},
		{"45352.75", dateOpts{}, d(2024, 3, 1), true},
		{"43890", dateOpts{Date1904: true}, d(2024, 3, 1), true},
		{"0", dateOpts{Date1904: true}, d(1904, 1, 1), true},
		{"1", dateOpts{}, d(1900, 1, 1), true},
		{"59", dateOpts{}, d(1900, 2, 28), true},
		{"60", dateOpts{}, member.Date{}, false}, // Excel's 1900-02-29
		{"61", dateOpts{}, d(1900, 3, 1), true},
		{"2024", dateOpts{}, member.Date{}, false},
		{"24/3/1", dateOpts{}, member.Date{}, false},
		{"2024-02-30", dateOpts{}, member.Date{}, false},
		{"2024-13-01", dateOpts{}, member.Date{}, false},
		{"-5", dateOpts{}, member.Date{}, false},
		{"1e5", dateOpts{}, member.Date{}, false},
		{"NaN", dateOpts{}, member.Date{}, false},
		{"tomorrow", dateOpts{}, member.Date{}, false},
		{"", dateOpts{}, member.Date{}, false},
		{"99999999", dateOpts{}, member.Date{}, false},
	}
	for _, c := range cases {
		got, ok := parseDate(c.in, c.o)
		assert.Equal(t, c.ok, ok, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

func TestParseNumberText(t *testing.T) {
	cases := []struct {
		in, want string
		rounded  bool
	}{
		{"13912345678", "13912345678", false},
		{"000123", "000123", false},
		{"１３９１２３４５６７８", "13912345678", false},
		{"1.3912345678E+10", "13912345678", false},
		{"1.39E+10", "13900000000", true},
		{"1.2345678901234567E+19", "12345678901234567000", true},
		{"13900000000.0", "13900000000", false},
		{"1.5", "1.5", false},
		{"E1001", "E1001", false},
		{"+852-12345678", "+852-12345678", false},
		{"1e", "1e", false},
	}
	for _, c := range cases {
		got, rounded := parseNumberText(c.in)
		assert.Equal(t, c.want, got, c.in)
		assert.Equal(t, c.rounded, rounded, c.in)
	}
}

func TestParseBoolAndEnums(t *testing.T) {
	for _, s := range []string{"Yes", "yes", "是", "TRUE", "1", "Ｙ", "✓"} {
		v, ok := parseBool(s)
		assert.True(t, ok && v, s)
	}
	for _, s := range []string{"No", "否", "false", "0", "off"} {
		v, ok := parseBool(s)
		assert.True(t, ok && !v, s)
	}
	_, ok := parseBool("maybe")
	assert.False(t, ok)
	for _, e := range []*enumSpec{genderEnum, loginMethodEnum, statusEnum, kindEnum, contactViewEnum, receptionEnum, yesNoEnum} {
		for _, v := range e.values {
			for _, l := range append(v.labels[:], v.name) {
				got, ok := e.parse(" " + l + " ")
				assert.True(t, ok, l)
				assert.Equal(t, v.v, got, l)
			}
		}
	}
}

func TestCSVEscape(t *testing.T) {
	cases := map[string]string{
		"=cmd":     "'=cmd",
		"+8613900": "'+8613900",
		"-5":       "'-5",
		"@SUM(A1)": "'@SUM(A1)",
		"\tx":      "'\tx",
		"\rx":      "'\rx",
		"'=x":      "''=x",
		"''=x":     "'''=x",
		"'plain":   "'plain",
		"plain":    "plain",
		"":         "",
		"a=b":      "a=b",
		"'":        "'",
	}
	for in, want := range cases {
		assert.Equal(t, want, escapeCSV(in), in)
		assert.Equal(t, in, unescapeCSV(escapeCSV(in)), in)
	}
	assert.Equal(t, "=x", unescapeCSV("'=x"))
	assert.Equal(t, "'x", unescapeCSV("'x"))
}

func TestHeaderMatching(t *testing.T) {
	c := cat()
	cases := map[string]Column{
		"*System name":                      FieldColumn(member.SystemNameField),
		"系统名*":                              FieldColumn(member.SystemNameField),
		"系統名":                               FieldColumn(member.SystemNameField),
		"system_name":                       FieldColumn(member.SystemNameField),
		"SystemName":                        FieldColumn(member.SystemNameField),
		"工号":                                FieldColumn(member.EmployeeNumberField),
		"Hire date (YYYY-MM-DD)":            FieldColumn(member.HireDateField),
		"入职日期（必填）":                          FieldColumn(member.HireDateField),
		"系统名（英文）":                           LanguageColumn(FieldColumn(member.SystemNameField), "en"),
		"System name (Traditional Chinese)": LanguageColumn(FieldColumn(member.SystemNameField), "zh-Hant"),
		"system_name:ja":                    LanguageColumn(FieldColumn(member.SystemNameField), "ja"),
		"Ｍｏｂｉｌｅ":                            FieldColumn(member.MobileField),
	}
	for h, want := range cases {
		s := c.match(Members, h)
		if assert.NotNil(t, s, h) {
			assert.Equal(t, want, s.col, h)
		}
	}
	assert.Nil(t, c.match(Members, "Shoe size"))
	assert.Equal(t, LanguageColumn(ColName, "zh-Hans"), c.match(Departments, "名称（简体中文）").col)
	assert.Equal(t, ColManager, c.match(Departments, "部门负责人").col)
}

func timeMonth(m int) (out monthT) { return monthT(m) }

type monthT = time.Month
