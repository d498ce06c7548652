package orgtree

import "strings"

// MaxCodeLen is the longest code accepted.
const MaxCodeLen = 64

// ValidCode reports whether code is a valid node code: 1 to 64 ASCII letters, digits,
// '-', '_' or '.', not starting with '-' or '.' (so it is never read as a formula or a
// path).
func ValidCode(code string) bool {
	if len(code) == 0 || len(code) > MaxCodeLen || code[0] == '-' || code[0] == '.' {
		return false
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// CodeKey returns the comparison form of a code: codes are unique case-insensitively.
func CodeKey(code string) string { return strings.ToLower(strings.TrimSpace(code)) }
