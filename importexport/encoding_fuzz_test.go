package importexport

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// decodeAll reads a file through the CSV decoder.
func decodeAll(data []byte, enc Encoding) (out []byte, got Encoding, sep rune, err error) {
	text, err := decodeCSV(bytes.NewReader(data), enc, "")
	if err != nil {
		return nil, 0, 0, err
	}
	out, err = io.ReadAll(text)
	return out, text.encoding(), text.sep, err
}

// normalizeBreaks turns CRLF and bare CR into '\n', as the decoder does.
func normalizeBreaks(b []byte) []byte {
	return []byte(strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\r", "\n"))
}

// referenceDecode decodes data in e with x/text, the BOM of e stripped, and reports
// whether every byte was valid text (no invalid sequence, U+FFFD or NUL).
func referenceDecode(data []byte, e Encoding) ([]byte, bool) {
	switch e {
	case UTF8:
		data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	case GB18030:
		data = bytes.TrimPrefix(data, []byte{0x84, 0x31, 0x95, 0x33})
	}
	out := data
	if x := e.xtext(); x != nil {
		var err error
		if out, err = x.NewDecoder().Bytes(data); err != nil {
			return nil, false
		}
	}
	if i, _ := invalidAt(out); i >= 0 {
		return nil, false
	}
	return normalizeBreaks(out), true
}

// FuzzDetectEncoding holds the CSV decoder to its promises on any bytes: it returns
// text or an *EncodingError, never anything else; the text is valid UTF-8 without
// U+FFFD, NUL or CR; it is exactly the file decoded in the encoding the decoder
// reports, which the whole file is valid in; an explicit encoding reads a file if and
// only if the file is valid in it.
func FuzzDetectEncoding(f *testing.F) {
	seed := func(s string) { f.Add([]byte(s), uint8(0)) }
	seed("System name,Full name\nzhang,张伟\n")
	seed("\xef\xbb\xbfSystem name;Full name\r\nm,Müller\r\n")
	seed("Full name\tMobile\rA\t1\rB\t2\r")
	for _, s := range []string{"工号,系统名,手机号,姓名\n001,a,13800000001,张伟\n", "姓名,部门\n李明,研发部\n"} {
		b, _ := simplifiedchinese.GBK.NewEncoder().String(s)
		seed(b)
	}
	for _, s := range []string{"工號,系統名,手機號碼,姓名\nT1,w,13800000011,王大明\n", "Full name\n陳美玲\n"} {
		b, _ := traditionalchinese.Big5.NewEncoder().String(s)
		seed(b)
	}
	sj, _ := japanese.ShiftJIS.NewEncoder().String("社員番号,氏名\nJ1,山田太郎\n")
	seed(sj)
	u16, _ := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().String("System name\tFull name\nx\ty\n")
	seed(u16)
	f.Add([]byte("System name,Full name\nli,\xC0\xEE\xC3\xF7\n"), uint8(0)) // undecidable
	f.Add([]byte("a,b\n\xff\n"), uint8(4))                                  // given GB18030, invalid
	f.Fuzz(func(t *testing.T, data []byte, pick uint8) {
		if len(data) > 1<<16 {
			return
		}
		enc := Encoding(pick % 7)
		out, got, sep, err := decodeAll(data, enc)
		if err != nil {
			var ee *EncodingError
			if !errors.As(err, &ee) {
				t.Fatalf("%q: not an *EncodingError: %v", data, err)
			}
			if enc != EncodingAuto && ee.Candidates != nil {
				t.Fatalf("%q: given %s, still undecided: %v", data, enc, err)
			}
			if enc != EncodingAuto {
				if _, valid := referenceDecode(data, enc); valid && detectBOM(data) == EncodingAuto {
					t.Fatalf("%q: valid %s refused: %v", data, enc, err)
				}
			}
			return
		}
		if sep != ',' && sep != ';' && sep != '\t' {
			t.Fatalf("%q: separator %q", data, sep)
		}
		if !utf8.Valid(out) || bytes.ContainsAny(out, "\x00\r\uFFFD") {
			t.Fatalf("%q: decoded to %q", data, out)
		}
		if enc != EncodingAuto && got != enc && !(detectBOM(data) != EncodingAuto) {
			t.Fatalf("%q: given %s, read as %s", data, enc, got)
		}
		if got == EncodingAuto { // all ASCII
			if firstNonASCII(data) >= 0 || !bytes.Equal(out, normalizeBreaks(data)) {
				t.Fatalf("%q: read as ASCII to %q", data, out)
			}
			return
		}
		want, valid := referenceDecode(data, got)
		if !valid || !bytes.Equal(out, want) {
			t.Fatalf("%q: read as %s to %q, want %q (valid %v)", data, got, out, want, valid)
		}
	})
}

// FuzzEncodingNeverGarbage holds detection to "detected or refused, never guessed
// into garbage" on text people write: a CSV file whose values are common characters
// of the encoding it is saved in (names and departments, say) reads back as the
// same text, or is refused naming that encoding among the candidates — unless its
// bytes are also valid UTF-8, which wins a tie.
func FuzzEncodingNeverGarbage(f *testing.F) {
	for _, s := range []string{"张伟,北京研发中心", "李明", "陳志明,台北研發中心", "黃俊傑", "佐藤花子,営業部", "石", "Müller; José"} {
		for e := range uint8(4) {
			f.Add(s, e)
		}
	}
	f.Fuzz(func(t *testing.T, s string, pick uint8) {
		e := detectable[pick%4]
		if len(s) > 4096 || !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\r\n\"\uFFFD") {
			return
		}
		nonASCII := 0
		var enc *encodingEncoder
		if x := e.xtext(); x != nil {
			enc = x.NewEncoder()
		}
		for _, r := range s {
			if r < utf8.RuneSelf {
				continue
			}
			nonASCII++
			if !commonIn(e, r, enc) {
				return // not text people write in e
			}
		}
		if nonASCII == 0 {
			return
		}
		file := "System name,Full name\nx,\"" + s + "\"\n"
		data := []byte(file)
		if enc != nil {
			var err error
			if data, err = enc.Bytes(data); err != nil {
				return
			}
		}
		out, got, _, err := decodeAll(data, EncodingAuto)
		if err != nil {
			var ee *EncodingError
			if !errors.As(err, &ee) || ee.Candidates == nil {
				t.Fatalf("%s %q: refused without candidates: %v", e, s, err)
			}
			for _, c := range ee.Candidates {
				if c == e {
					return
				}
			}
			t.Fatalf("%s %q: refused, %s not among %v", e, s, e, ee.Candidates)
		}
		if got == e && string(out) == file {
			return
		}
		if got == UTF8 && utf8.Valid(data) {
			return // valid UTF-8 wins a tie: the documented limit of detection
		}
		t.Fatalf("%s %q: read as %s: %q", e, s, got, out)
	})
}

type encodingEncoder = encoding.Encoder

// commonIn reports whether r is one of the common characters of e (see
// plausibility).
func commonIn(e Encoding, r rune, enc *encodingEncoder) bool {
	if enc == nil {
		return commonUnicode(r)
	}
	b, err := enc.Bytes([]byte(string(r)))
	return err == nil && len(b) == 2 && commonCode(e, uint16(b[0])<<8|uint16(b[1]))
}
