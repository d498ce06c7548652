package textnorm

import (
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// slowForbidden is the rule of Forbidden read literally from its documentation.
func slowForbidden(r rune, multiline bool) bool {
	switch {
	case multiline && (r == '\t' || r == '\n' || r == '\r'):
		return false
	case unicode.IsControl(r):
		return true
	case unicode.Is(unicode.Cf, r):
		return r != 0x200c && r != 0x200d && r != 0x180e
	case unicode.Is(unicode.Noncharacter_Code_Point, r):
		return true
	}
	return !multiline && (r == 0x2028 || r == 0x2029)
}

// TestForbiddenEveryCodePoint checks the fast paths of the rule against its literal
// reading on every code point, in single- and multi-line texts.
func TestForbiddenEveryCodePoint(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue // surrogates: not in valid UTF-8
		}
		for _, multi := range []bool{false, true} {
			want := slowForbidden(r, multi)
			if got := forbiddenRune(r, multi); got != want {
				t.Fatalf("U+%04X (multiline %v): forbidden %v, want %v", r, multi, got, want)
			}
			for _, s := range []string{string(r), "é" + string(r)} { // the ASCII and the non-ASCII loop
				if _, got := Forbidden(s, multi); got != want {
					t.Fatalf("Forbidden(%q, %v) = %v, want %v", s, multi, got, want)
				}
			}
		}
	}
}

func TestForbidden(t *testing.T) {
	cases := []struct {
		s         string
		multiline bool
		want      rune
		bad       bool
	}{
		{"R&D", false, 0, false},
		{"研发中心", false, 0, false},
		{"Ｓａｌｅｓ", false, 0, false},
		{"Zoë O'Brien-Smith", false, 0, false},
		{"\u0645\u0647\u200c\u0631\u0627\u0646", false, 0, false}, // Persian with ZWNJ
		{"👨\u200d👩\u200d👧", false, 0, false},                      // emoji ZWJ sequence
		{"\u182a\u180e\u1820", false, 0, false},                   // Mongolian vowel separator
		{"\ue000 private use", false, 0, false},
		{"\U000e0100 variation selector 17", false, 0, false}, // Mn, not Cf
		{"R&D\x00", false, 0, true},
		{"\x1b[31mred", false, 0x1b, true},
		{"a\x7fb", false, 0x7f, true},
		{"a\u0085b", false, 0x85, true}, // NEL, a C1 control
		{"a\tb", false, '\t', true},
		{"a\tb\nc\r\n", true, 0, false},
		{"a\vb", true, '\v', true},
		{"evil\u202egnp.exe", false, 0x202e, true},
		{"\u2066isolate\u2069", false, 0x2066, true},
		{"Sales\u200e", false, 0x200e, true},
		{"Sales\u200f", false, 0x200f, true},
		{"\u061cx", false, 0x61c, true},
		{"Sa\u200bles", false, 0x200b, true},
		{"\ufeffSales", false, 0xfeff, true},
		{"Sa\u00adles", false, 0xad, true},
		{"tag\U000e0041", false, 0xe0041, true},
		{"x\uffff", false, 0xffff, true},
		{"x\ufdd0", false, 0xfdd0, true},
		{"line\u2028sep", false, 0x2028, true},
		{"line\u2028sep", true, 0, false},
		{"bad \xff byte", false, 0, false}, // invalid UTF-8 is the caller's to report
		{"\xff\u202e", false, 0x202e, true},
	}
	for _, c := range cases {
		r, found := Forbidden(c.s, c.multiline)
		assert.Equal(t, c.bad, found, "%q (multiline %v)", c.s, c.multiline)
		assert.Equal(t, c.want, r, "%q (multiline %v): got %s", c.s, c.multiline, CodePoint(r))
	}
	assert.Equal(t, "U+202E", CodePoint(0x202e))
	assert.Equal(t, "U+0000", CodePoint(0))
	assert.Equal(t, "U+E0041", CodePoint(0xe0041))
}

func TestVisible(t *testing.T) {
	assert.Equal(t, "R&D", Visible("R&D", false))
	assert.Equal(t, "R\uFFFDD", Visible("R\x00D", false))
	assert.Equal(t, "\uFFFDgnp.exe", Visible("\u202egnp.exe", false))
	assert.Equal(t, "a\tb\uFFFD", Visible("a\tb\x1b", true))
	assert.Equal(t, "a\uFFFDb", Visible("a\xffb", false))
}

// FuzzForbidden checks the rule against its literal reading, and that Visible and
// Collapse give texts it accepts.
func FuzzForbidden(f *testing.F) {
	for _, s := range []string{"R&D", "研发中心", "a\x00b", "\x1b[0m", "evil\u202egnp", "\u2066x\u2069", "Sales\u200e",
		"\ufeffx", "\U000e0041", "\uffff", "a\tb\nc", "\u0085", "\xff\xfe", "👨\u200d👩", "line\u2028"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		r, found := Forbidden(s, multiline)
		var want rune
		wantFound := false
		for i, x := range s {
			if x == utf8.RuneError {
				if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
					continue
				}
			}
			if slowForbidden(x, multiline) {
				want, wantFound = x, true
				break
			}
		}
		if found != wantFound || r != want {
			t.Fatalf("Forbidden(%q, %v) = %s, %v; the rule gives %s, %v", s, multiline, CodePoint(r), found, CodePoint(want), wantFound)
		}
		v := Visible(s, multiline)
		if _, bad := Forbidden(v, multiline); bad || !utf8.ValidString(v) {
			t.Fatalf("Visible(%q) = %q still has a refused character or invalid UTF-8", s, v)
		}
		if !found && utf8.ValidString(s) && v != s {
			t.Fatalf("Visible changed the clean text %q to %q", s, v)
		}
		// collapsing takes every white-space control out of a single-line text
		if r, bad := Forbidden(Collapse(s), false); bad && unicode.IsSpace(r) {
			t.Fatalf("Collapse(%q) still holds white space %s", s, CodePoint(r))
		}
	})
}

// controlOnly is the check member fields used before the one rule: valid UTF-8 and no
// control characters. The benchmark compares the rule with it.
func controlOnly(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func BenchmarkForbidden(b *testing.B) {
	for _, c := range []struct{ name, s string }{
		{"ascii", "Beijing Research & Development Center"},
		{"cjk", "北京研发中心第二产品部"},
		{"mixed", "Zoë O'Brien 张伟 Ｓａｌｅｓ"},
	} {
		b.Run(c.name+"/rule", func(b *testing.B) {
			for b.Loop() {
				if _, bad := Forbidden(c.s, false); bad || !utf8.ValidString(c.s) {
					b.Fatal("refused")
				}
			}
		})
		b.Run(c.name+"/control-only", func(b *testing.B) {
			for b.Loop() {
				if !controlOnly(c.s) {
					b.Fatal("refused")
				}
			}
		})
	}
}
