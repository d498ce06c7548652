package pinyin

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	gopinyin "github.com/mozillazg/go-pinyin"

	"github.com/orgkit/orgkit/directory"
)

// The CJK Unified Ideographs block, where nearly every name character lies; its
// readings are cached in an array, the rest in a map.
const (
	blockFirst = 0x4E00
	blockLast  = 0x9FFF
)

// Transliterator gives the pinyin readings of Chinese characters: every reading of a
// polyphonic character, without tones, in lower-case ASCII letters ("ü" written "v",
// as in 吕 → lv). It implements directory.Transliterator and is safe for concurrent
// use. Each character's readings are computed on first use and cached.
type Transliterator struct {
	block [blockLast - blockFirst + 1]atomic.Pointer[[]string]
	other sync.Map // rune → []string
}

var _ directory.Transliterator = (*Transliterator)(nil)

// New returns a Transliterator. It does no work until used.
func New() *Transliterator { return &Transliterator{} }

// Readings returns, for each rune of s in order, its pinyin readings (most common
// first), or nil for a rune that is not a Chinese character.
func (t *Transliterator) Readings(s string) [][]string {
	out := make([][]string, 0, len(s)/3+1)
	for _, r := range s {
		out = append(out, t.Rune(r))
	}
	return out
}

var none = []string{}

// Rune returns the pinyin readings of one character (most common first), or nil.
func (t *Transliterator) Rune(r rune) []string {
	if r < utf8.RuneSelf {
		return nil
	}
	var rs []string
	if r >= blockFirst && r <= blockLast {
		p := &t.block[r-blockFirst]
		if v := p.Load(); v != nil {
			rs = *v
		} else {
			rs = readings(r)
			p.Store(&rs)
		}
	} else if v, ok := t.other.Load(r); ok {
		rs = v.([]string)
	} else {
		rs = readings(r)
		t.other.Store(r, rs)
	}
	if len(rs) == 0 {
		return nil
	}
	return rs
}

var args = gopinyin.Args{Style: gopinyin.Normal, Heteronym: true, Fallback: func(rune, gopinyin.Args) []string { return nil }}

// readings looks a character up in go-pinyin's dictionary.
func readings(r rune) []string {
	var out []string
	for _, p := range gopinyin.SinglePinyin(r, args) {
		p = ascii(p)
		if p == "" {
			continue
		}
		dup := false
		for _, q := range out {
			dup = dup || q == p
		}
		if !dup {
			out = append(out, p)
		}
	}
	if out == nil {
		return none
	}
	return out
}

// ascii keeps the lower-case ASCII letters of a toneless reading ("ü" becomes "v").
func ascii(p string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(p) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == 'ü':
			b.WriteByte('v')
		}
	}
	return b.String()
}
