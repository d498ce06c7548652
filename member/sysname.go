package member

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/orgkit/orgkit"
)

// DeriveSystemName returns the system name of a member who has none: the full name,
// or else (when there is no full name, or the rules refuse it as a system name) id —
// an identifier of the member on its source, such as its external ID — either cut to
// the longest system name the rules accept. It returns "" when both are empty. Sync
// names upstream members this way, and imports name the rows of a sheet that has no
// system-name column; see SuffixedSystemName for a name another member holds.
func (r Rules) DeriveSystemName(fullName, id string) string {
	name := strings.TrimSpace(fullName)
	if name == "" {
		return cutName(strings.TrimSpace(id), maxNameLength)
	}
	name = cutName(name, maxNameLength)
	m := &Member{SystemName: orgkit.Name(name)}
	if vs := r.Normalize(m, []Field{SystemNameField}); len(vs) > 0 {
		return cutName(strings.TrimSpace(id), maxNameLength)
	}
	return name
}

// SuffixedSystemName returns name with the suffix " (id)", or " (id n)" for n > 1,
// the name cut so that the whole fits the longest system name the rules accept: the
// form a derived or upstream system name takes when another member already holds it
// (try n = 1, 2, … until a form is free). Without id the suffix is " (n)"; an id
// longer than a third of the limit is cut.
func SuffixedSystemName(name, id string, n int) string {
	id = cutName(strings.TrimSpace(id), maxNameLength/3) // room is left for the name
	var suffix string
	switch {
	case id == "" && n <= 1:
		suffix = " (1)"
	case id == "":
		suffix = fmt.Sprintf(" (%d)", n)
	case n <= 1:
		suffix = " (" + id + ")"
	default:
		suffix = fmt.Sprintf(" (%s %d)", id, n)
	}
	return cutName(name, maxNameLength-utf8.RuneCountInString(suffix)) + suffix
}

// cutName cuts s to at most runes runes, trimming the white space the cut leaves.
func cutName(s string, runes int) string {
	if runes <= 0 {
		return ""
	}
	i := 0
	for pos := range s {
		if i == runes {
			return strings.TrimSpace(s[:pos])
		}
		i++
	}
	return s
}
