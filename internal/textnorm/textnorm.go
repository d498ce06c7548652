// Package textnorm normalizes text for comparison: names, codes and keys that must be
// unique "after normalization" compare equal when they look the same to a person.
package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Key returns the comparison form of s: Unicode NFKC (so full-width "Ｓａｌｅｓ" becomes
// "Sales"), case folded, trimmed, and with every run of inner white space collapsed to
// one space. Two names collide when their keys are equal.
func Key(s string) string {
	if isSimpleASCII(s) {
		return s
	}
	if k, ok := simpleKey(s); ok {
		return k
	}
	if isASCII(s) { // NFKC changes nothing and folding is lower-casing
		return Collapse(strings.ToLower(s))
	}
	s = norm.NFKC.String(s)
	s = cases.Fold().String(s)
	return Collapse(s)
}

// Collapse trims s and collapses each run of inner white space to one space.
func Collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isSimpleASCII reports whether s is already in key form: ASCII lower-case letters,
// digits and punctuation with single inner spaces and no leading or trailing space.
func isSimpleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80, c >= 'A' && c <= 'Z', c < 0x20, c == 0x7f:
			return false
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return false
			}
		}
	}
	return true
}

// simpleKey handles the common names that NFKC and case folding leave alone but for
// ASCII upper case: ASCII and CJK unified ideographs, with clean single spaces.
func simpleKey(s string) (string, bool) {
	b := make([]byte, 0, len(s))
	for i, r := range s {
		switch {
		case r >= 0x4E00 && r <= 0x9FFF:
			b = utf8.AppendRune(b, r)
		case r >= 'A' && r <= 'Z':
			b = append(b, byte(r)+'a'-'A')
		case r == ' ':
			if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return "", false
			}
			b = append(b, ' ')
		case r < 0x80 && r > 0x20 && r != 0x7f:
			b = append(b, byte(r))
		default:
			return "", false
		}
	}
	return string(b), true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
