package textnorm

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Forbidden returns the first character of s that no name, code or other text
// entering orgkit may hold, and true; or 0 and false when s has none. It is the one
// text-hygiene rule of the library: member fields, node, directory, role and role
// group names, codes, keys, external IDs and permissions all obey it, whichever path
// they come by (the write path, import or sync).
//
// Refused are the characters that are invisible or that change how the text around
// them is displayed, so that two names that look the same could differ, or a name
// could show as something else than it is:
//
//   - control characters (Unicode category Cc): C0 (U+0000–U+001F, NUL and ESC
//     among them), DEL (U+007F) and C1 (U+0080–U+009F). In multi-line texts tab,
//     line feed and carriage return are allowed;
//   - format characters (category Cf): the bidirectional embeddings and overrides
//     U+202A–U+202E and isolates U+2066–U+2069, the marks U+200E, U+200F and U+061C,
//     zero-width space U+200B, word joiner U+2060, byte order mark U+FEFF, soft
//     hyphen U+00AD, the tag characters U+E0000–U+E007F and the rest of the
//     category — except zero-width non-joiner U+200C and zero-width joiner U+200D,
//     which Persian, Indic scripts and emoji sequences need, and the Mongolian vowel
//     separator U+180E, which Mongolian spelling needs;
//   - noncharacters (U+FDD0–U+FDEF and the last two code points of every plane,
//     such as U+FFFE and U+FFFF), which XML (and so xlsx) cannot carry;
//   - in single-line texts, the line and paragraph separators U+2028 and U+2029.
//
// Private-use characters (rare Chinese characters in names are often encoded there)
// and code points not yet assigned by the Unicode version Go knows are allowed.
// Invalid UTF-8 is not this function's concern: callers check it first
// (utf8.ValidString); an invalid byte is never reported here.
//
// White space that single-line texts collapse (tab, line feed, …; see Collapse) is
// refused only when it is still there: collapse first, then check.
func Forbidden(s string, multiline bool) (rune, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			// An invalid byte ranges as U+FFFD, which the rule allows: never reported.
			for _, r := range s[i:] {
				if uint32(r)-0x2070 < 0xfdd0-0x2070 || uint32(r)-0x20 < 0x7f-0x20 {
					continue // CJK and most symbols, printable ASCII: the common cases
				}
				if forbiddenRune(r, multiline) {
					return r, true
				}
			}
			break
		}
		if (c < 0x20 || c == 0x7f) && forbiddenRune(rune(c), multiline) {
			return rune(c), true
		}
	}
	return 0, false
}

// forbiddenRune applies the rule of Forbidden to one character.
func forbiddenRune(r rune, multiline bool) bool {
	switch {
	case r >= 0x2070 && r < 0xfdd0, r >= 0xff00 && r < 0xfff9: // CJK, full width, …
		return false
	case r < 0x20:
		return !multiline || r != '\t' && r != '\n' && r != '\r'
	case r < 0x7f:
		return false
	case r <= 0x9f: // DEL and the C1 controls
		return true
	case r == 0xad: // soft hyphen
		return true
	case r < 0x600: // Latin, Greek, Cyrillic, Hebrew, …: no format characters
		return false
	case r == 0x200c, r == 0x200d, r == 0x180e:
		return false
	case r == 0x2028, r == 0x2029:
		return !multiline
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Noncharacter_Code_Point, r)
}

// CodePoint names a character the way violations show it: "U+202E".
func CodePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

// Visible returns s with every character Forbidden refuses, and every invalid byte,
// replaced by U+FFFD, so that a refused value can be shown (in a message, a log, a
// spreadsheet cell) without the very effects it was refused for.
func Visible(s string, multiline bool) string {
	if _, bad := Forbidden(s, multiline); !bad && utf8.ValidString(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if forbiddenRune(r, multiline) {
			return utf8.RuneError
		}
		return r
	}, s)
}
