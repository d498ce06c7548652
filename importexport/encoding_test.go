package importexport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
)

// encode is s in the encoding e, the way a spreadsheet program saves it.
func encode(t testing.TB, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	require.NoError(t, err)
	return b
}

// A CSV file saved by Traditional-Chinese Excel (Big5) was decoded as GB18030 and
// committed as garbage. Its names read right now, whether the header is English (the
// text decides) or Traditional Chinese (the header decides).
func TestBig5CSV(t *testing.T) {
	for _, c := range []struct{ name, csv string }{
		{"english header", "Employee number,System name,Mobile,Full name,Job title\r\nT001,wang,13800000011,王大明,資深工程師\r\nT002,chen,13800000012,陳美玲,業務經理\r\n"},
		{"traditional header", "工號,系統名,手機號碼,姓名,職位\r\nT001,wang,13800000011,王大明,資深工程師\r\nT002,chen,13800000012,陳美玲,業務經理\r\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t)
			rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(encode(t, traditionalchinese.Big5, c.csv)), ImportOptions{})
			require.NoError(t, err, dumpProblems(rep))
			assert.Equal(t, Big5, rep.Sheets[0].Encoding)
			m := fx.member(t, member.EmployeeNumberField, "T001")
			assert.Equal(t, "王大明", m.FullName)
			assert.Equal(t, "資深工程師", m.JobTitle)
			assert.Equal(t, "陳美玲", fx.member(t, member.EmployeeNumberField, "T002").FullName)
		})
	}
}

// asciiRows are n member rows of ASCII text, about 60 bytes each.
func asciiRows(n int) string {
	var b strings.Builder
	b.WriteString("Employee number,System name,Mobile,Full name,Job title\r\n")
	for i := range n {
		fmt.Fprintf(&b, "A%05d,user%05d,1380001%04d,User Number %d,Engineer\r\n", i, i, i, i)
	}
	return b.String()
}

// A GBK file whose first 64 KiB are ASCII was read as UTF-8 and its first Chinese
// value blamed on the data ("job title … is not valid"). The encoding is now chosen
// where the first non-ASCII text is.
func TestGBKAfterLongASCII(t *testing.T) {
	fx := newFixture(t)
	head := asciiRows(1200)
	require.Greater(t, len(head), 64<<10)
	data := append([]byte(head), encode(t, simplifiedchinese.GBK, "G001,zhang,13900000001,张伟,高级工程师\r\nG002,li,13900000002,李娜,销售经理\r\n")...)
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, GB18030, rep.Sheets[0].Encoding)
	assert.Equal(t, 1202, rep.Members.Created)
	m := fx.member(t, member.EmployeeNumberField, "G001")
	assert.Equal(t, "张伟", m.FullName)
	assert.Equal(t, "高级工程师", m.JobTitle)
	assert.Equal(t, "李娜", fx.member(t, member.EmployeeNumberField, "G002").FullName)
}

// A file with bare-CR line endings (classic Mac, some exporters) was read as one
// header line.
func TestBareCRLineEndings(t *testing.T) {
	fx := newFixture(t)
	data := "System name,Mobile,Full name\rcr1,13800000021,\"Two\rLines\"\rcr2,13800000022,Cee Are\r"
	rep, err := Import(fx.ctx, fx.svc, fx.dir, strings.NewReader(data), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, 2, rep.Members.Created)
	assert.Equal(t, "Two Lines", fx.member(t, member.SystemNameField, "cr1").FullName, "one cell (a name's line break folds to a space)")
	assert.Equal(t, "Cee Are", fx.member(t, member.SystemNameField, "cr2").FullName)
	assert.Equal(t, 4, rep.Sheets[0].Rows+rep.Sheets[0].HeaderRow+1, "the second row starts on line 4")
}

// Every supported encoding, separator and line ending reads the same rows.
func TestEncodingsSeparatorsLineEndings(t *testing.T) {
	type enc struct {
		name string
		want Encoding
		e    encoding.Encoding
	}
	encs := []enc{
		{"utf-8", UTF8, xunicode.UTF8},
		{"utf-8 bom", UTF8, xunicode.UTF8BOM},
		{"utf-16le bom", UTF16LE, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM)},
		{"utf-16be bom", UTF16BE, xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM)},
		{"gbk", GB18030, simplifiedchinese.GBK},
		{"gb18030", GB18030, simplifiedchinese.GB18030},
		{"big5", Big5, traditionalchinese.Big5},
	}
	for _, e := range encs {
		for _, sep := range []string{",", ";", "\t"} {
			for _, eol := range []string{"\n", "\r\n", "\r"} {
				t.Run(fmt.Sprintf("%s %q %q", e.name, sep, eol), func(t *testing.T) {
					fx := newFixture(t)
					name := "张伟"
					if e.want == Big5 {
						name = "張偉"
					}
					rows := [][]string{
						{"Employee number", "System name", "Mobile", "Full name", "Job title"},
						{"E1", "u1", "13800000031", name, "Müller, Hans; " + name},
						{"E2", "u2", "13800000032", name + "二", "Engineer"},
					}
					if e.want == GB18030 || e.want == Big5 {
						rows[1][4] = "工程师, " + name
						if e.want == Big5 {
							rows[1][4] = "工程師, " + name
						}
					}
					var b strings.Builder
					for _, r := range rows {
						for i, c := range r {
							if i > 0 {
								b.WriteString(sep)
							}
							if strings.Contains(c, sep) {
								c = `"` + c + `"`
							}
							b.WriteString(c)
						}
						b.WriteString(eol)
					}
					rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(encode(t, e.e, b.String())), ImportOptions{})
					require.NoError(t, err, dumpProblems(rep))
					assert.Equal(t, e.want, rep.Sheets[0].Encoding)
					m := fx.member(t, member.EmployeeNumberField, "E1")
					assert.Equal(t, name, m.FullName)
					assert.Equal(t, rows[1][4], m.JobTitle)
					assert.Equal(t, name+"二", fx.member(t, member.EmployeeNumberField, "E2").FullName)
				})
			}
		}
	}
}

// Japanese Excel saves Shift_JIS; its headers are recognized.
func TestShiftJISCSV(t *testing.T) {
	fx := newFixture(t)
	data := encode(t, japanese.ShiftJIS, "社員番号,System name,氏名,携帯電話,メールアドレス,役職\r\nJ001,yamada,山田太郎,13800000041,yamada@example.jp,エンジニア\r\n")
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Key: member.EmployeeNumberField})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, ShiftJIS, rep.Sheets[0].Encoding)
	m := fx.member(t, member.EmployeeNumberField, "J001")
	assert.Equal(t, "山田太郎", m.FullName)
	assert.Equal(t, "エンジニア", m.JobTitle)
}

// A file whose text is valid in several encodings and that neither its header nor
// its text decides is refused, naming the candidates; the Encoding option reads it.
func TestUndecidableEncodingRefused(t *testing.T) {
	fx := newFixture(t)
	before := fx.snap(t).Version()
	// "李明" in GBK is C0EE C3F7: as Big5 two frequent characters, as GBK two
	// frequent ones. Nothing tells them apart.
	data := append([]byte("System name,Mobile,Full name\nli,13800000051,"), encode(t, simplifiedchinese.GBK, "李明\n")...)
	_, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrFormat)
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
	var ee *EncodingError
	require.True(t, errors.As(err, &ee), "%v", err)
	assert.Equal(t, []Encoding{GB18030, Big5}, ee.Candidates)
	assert.Equal(t, 2, ee.Line)
	assert.Contains(t, err.Error(), "GB18030, Big5")
	assert.Equal(t, before, fx.snap(t).Version(), "nothing written")

	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Encoding: GB18030})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, "李明", fx.member(t, member.SystemNameField, "li").FullName)
}

// The explicit Encoding wins over detection: the same bytes read as Big5 or as GBK.
func TestEncodingOptionOverrides(t *testing.T) {
	gbk := encode(t, simplifiedchinese.GBK, "李明")
	data := append(append([]byte("System name,Mobile,Full name\nx,13800000061,"), gbk...), '\n')
	for _, c := range []struct {
		enc  Encoding
		want string
	}{{GB18030, "李明"}, {Big5, string(mustDecode(t, traditionalchinese.Big5, gbk))}} {
		fx := newFixture(t)
		rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Encoding: c.enc})
		require.NoError(t, err, dumpProblems(rep))
		assert.Equal(t, c.enc, rep.Sheets[0].Encoding)
		assert.Equal(t, c.want, fx.member(t, member.SystemNameField, "x").FullName)
	}
	// Input.Encoding wins over ImportOptions.Encoding.
	fx := newFixture(t)
	rep, err := ImportFiles(fx.ctx, fx.svc, fx.dir, []Input{{Name: "m.csv", R: bytes.NewReader(data), Encoding: GB18030}}, ImportOptions{Encoding: Big5})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, "李明", fx.member(t, member.SystemNameField, "x").FullName)
}

func mustDecode(t testing.TB, e encoding.Encoding, b []byte) []byte {
	t.Helper()
	out, err := e.NewDecoder().Bytes(b)
	require.NoError(t, err)
	return out
}

// The whole file must be valid in the chosen encoding: a stray byte far down a UTF-8
// file, or in a file read as GBK, refuses the import at its line, and nothing is
// written.
func TestInvalidSequenceRefusedAtItsLine(t *testing.T) {
	valid := asciiRows(3000) // about 180 KB: past every buffer
	utf8Valid := strings.Replace(valid, "User Number 0,", "Zoë Number 0,", 1)
	cases := []struct {
		name string
		data []byte
		opts ImportOptions
		enc  Encoding
		line int
	}{
		{"utf-8 then a lone byte", append([]byte(utf8Valid), "Z1,z1,13900000003,Zoë,\xff\r\n"...), ImportOptions{}, UTF8, 3002},
		{"ascii, then utf-8 text, then a lone byte", append([]byte(valid), "Z1,z1,13900000003,Zoë,\xff\r\n"...), ImportOptions{}, UTF8, 3002},
		{"ascii, then a byte valid in no candidate", append([]byte(valid), "Z1,z1,13900000003,\xff\r\n"...), ImportOptions{}, EncodingAuto, 3002},
		{"utf-8 bom then a cut character", append([]byte("\xEF\xBB\xBF"+valid), "Z1,z1,13900000003,Zo\xC3"...), ImportOptions{}, UTF8, 3002},
		{"gbk then a byte gbk never uses", append(append([]byte(valid), encode(t, simplifiedchinese.GBK, "Z0,z0,13900000002,张伟,工程师\r\n")...), "Z1,z1,13900000003,\xff\r\n"...), ImportOptions{}, GB18030, 3003},
		{"given big5, a byte big5 never uses", append([]byte(valid), "Z1,z1,13900000003,\xA4\x20\r\n"...), ImportOptions{Encoding: Big5}, Big5, 3002},
		{"a replacement character", append([]byte(utf8Valid), "Z1,z1,13900000003,\xEF\xBF\xBD\r\n"...), ImportOptions{}, UTF8, 3002},
		{"utf-16 with an unpaired surrogate", encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), "System name,Full name\nok,ok\n")[:0:0], ImportOptions{}, UTF16LE, 3},
	}
	// The UTF-16 case: a valid file with a lone high surrogate on line 3.
	u16 := encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), "System name,Full name\nok,Okay\nbad,")
	u16 = append(u16, 0x00, 0xD8, 'x', 0, '\n', 0)
	cases[len(cases)-1].data = u16
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t)
			before := fx.snap(t).Version()
			_, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(c.data), c.opts)
			require.Error(t, err)
			var ee *EncodingError
			require.True(t, errors.As(err, &ee), "%v", err)
			assert.Equal(t, c.enc, ee.Encoding)
			assert.Equal(t, c.line, ee.Line, err.Error())
			assert.Contains(t, err.Error(), fmt.Sprintf("line %d", c.line))
			assert.ErrorIs(t, err, ErrFormat)
			assert.Equal(t, before, fx.snap(t).Version(), "nothing written")
		})
	}
}

// A file with NUL bytes and no byte order mark (UTF-16 saved without one, or not text
// at all) is refused rather than read as text.
func TestNULBytesRefused(t *testing.T) {
	fx := newFixture(t)
	u16 := encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), "System name,Mobile,Full name\nx,13800000071,y\n")
	_, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(u16), ImportOptions{Format: CSV})
	var ee *EncodingError
	require.True(t, errors.As(err, &ee), "%v", err)
	assert.Contains(t, ee.Reason, "NUL")
	// Named, it reads.
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(u16), ImportOptions{Format: CSV, Encoding: UTF16LE})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, "y", fx.member(t, member.SystemNameField, "x").FullName)
}

func TestParseEncoding(t *testing.T) {
	for name, want := range map[string]Encoding{
		"": EncodingAuto, "auto": EncodingAuto, "UTF-8": UTF8, "utf8": UTF8, "UTF-16LE": UTF16LE, "utf-16be": UTF16BE,
		"GBK": GB18030, "gb2312": GB18030, "CP936": GB18030, "GB18030": GB18030, "Big5": Big5, "big5-hkscs": Big5,
		"Shift_JIS": ShiftJIS, "sjis": ShiftJIS, "Windows-31J": ShiftJIS, "cp932": ShiftJIS,
	} {
		got, err := ParseEncoding(name)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
	for _, e := range []Encoding{UTF8, UTF16LE, UTF16BE, GB18030, Big5, ShiftJIS} {
		got, err := ParseEncoding(e.String())
		require.NoError(t, err)
		assert.Equal(t, e, got)
	}
	_, err := ParseEncoding("EBCDIC")
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
}

// Detection on text alone: names and departments of a few words in GBK, Big5 and
// Shift_JIS, after an ASCII header, are each read in their own encoding.
func TestDetectionFromText(t *testing.T) {
	cases := []struct {
		e    encoding.Encoding
		want Encoding
		text string
	}{
		{simplifiedchinese.GBK, GB18030, "张伟,北京研发中心\n王芳,上海销售部\n"},
		{simplifiedchinese.GBK, GB18030, "刘洋,人力资源部\n"},
		{traditionalchinese.Big5, Big5, "陳志明,台北研發中心\n林淑芬,業務部\n"},
		{traditionalchinese.Big5, Big5, "黃俊傑,財務部\n"},
		{japanese.ShiftJIS, ShiftJIS, "佐藤花子,営業部\n鈴木一郎,開発部\n"},
	}
	for _, c := range cases {
		data := append([]byte("Full name,Department\n"), encode(t, c.e, c.text)...)
		text, err := decodeCSV(bytes.NewReader(data), EncodingAuto, "")
		require.NoError(t, err, c.text)
		out, err := io.ReadAll(text)
		require.NoError(t, err, c.text)
		assert.Equal(t, c.want, text.encoding(), c.text)
		assert.Equal(t, "Full name,Department\n"+c.text, string(out))
	}
}

// The separator is the one that splits a line into known headers, whatever a title
// row above holds.
func TestSeparatorFromHeaderRow(t *testing.T) {
	for _, c := range []struct {
		name string
		data string
	}{
		{"title with commas, semicolons below", "Members, exported 2024-03-01, by admin, for HR\nSystem name;Mobile;Full name\nsemi;13800000101;Semi, Colon\n"},
		{"title with semicolons, tabs below", "说明;请勿修改表头;谢谢\nSystem name\tMobile\tFull name\nsemi\t13800000101\tSemi, Colon\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t)
			rep, err := Import(fx.ctx, fx.svc, fx.dir, strings.NewReader(c.data), ImportOptions{})
			require.NoError(t, err, dumpProblems(rep))
			assert.Equal(t, 2, rep.Sheets[0].HeaderRow)
			assert.Equal(t, "Semi, Colon", fx.member(t, member.SystemNameField, "semi").FullName)
		})
	}
}
