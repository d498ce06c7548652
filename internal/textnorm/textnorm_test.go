package textnorm

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

func TestKey(t *testing.T) {
	cases := []struct{ a, b string }{
		{"Sales", " sales "},
		{"Sales", "Ｓａｌｅｓ"},
		{"R&D  Center", "r&d center"},
		{"Straße", "STRASSE"},
		{"研发\u3000中心", "研发 中心"},
		{"a\tb", "A B"},
	}
	for _, c := range cases {
		assert.Equal(t, Key(c.a), Key(c.b), "%q vs %q", c.a, c.b)
	}
	assert.NotEqual(t, Key("Sales"), Key("Sale"))
	assert.Equal(t, "sales", Key("sales"))
	assert.Equal(t, "", Key("   "))
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"Sales", " sales ", "Ｓａｌｅｓ", "研发中心", "a  b", "\u00a0x", "ǅ", "张伟 Li", "研发ABC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if utf8.ValidString(s) && Key(k) != k {
			t.Fatalf("Key not idempotent: %q → %q → %q", s, k, Key(k))
		}
		if slow := Collapse(cases.Fold().String(norm.NFKC.String(s))); utf8.ValidString(s) && k != slow {
			t.Fatalf("Key(%q) = %q, the definition gives %q", s, k, slow)
		}
		if k != Collapse(k) {
			t.Fatalf("Key(%q) = %q has untrimmed or repeated spaces", s, k)
		}
	})
}
