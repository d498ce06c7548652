package member

import (
	"strings"

	"github.com/orgkit/orgkit/internal/textnorm"
)

// UniqueKey returns the normalized value of a unique field (see UniqueFields) that is
// compared for uniqueness, or "" when the field is blank.
func UniqueKey(f Field, m *Member) string {
	switch f {
	case SystemNameField:
		return textnorm.Key(m.SystemName.Default)
	case EmployeeNumberField:
		return textnorm.Key(m.EmployeeNumber)
	case MobileField:
		return strings.TrimSpace(m.Mobile)
	case EmailField:
		return strings.ToLower(strings.TrimSpace(m.Email))
	case LoginAccountField:
		return textnorm.Key(m.LoginAccount)
	case SSOAccountField:
		return textnorm.Key(m.SSOAccount)
	case ExternalIDField:
		return m.ExternalID
	}
	return ""
}

// KeyOf returns the key UniqueKey gives a member whose unique field f was written as
// value: value is first normalized as Normalize stores it, so every form the write
// path accepts gives the key of the stored form. A domestic mobile ("139 0000 0001",
// read in the rules' default region) and an international one ("+86-139-0000-0001")
// key as their E.164 form; an email as its NFKC-folded, lower-cased address; names,
// employee numbers and accounts ignoring case, width and spacing; an external ID
// without surrounding white space. KeyOf returns "" for a blank value, for a mobile or
// email that Normalize would refuse (no member is stored with one), and for fields
// that are not unique.
func (r Rules) KeyOf(f Field, value string) string {
	switch f {
	case SystemNameField, EmployeeNumberField, LoginAccountField, SSOAccountField:
		return textnorm.Key(value)
	case MobileField:
		e164, _ := r.NormalizeMobile(value)
		return e164
	case EmailField:
		addr, _ := NormalizeEmail(value)
		return addr
	case ExternalIDField:
		return strings.TrimSpace(value)
	}
	return ""
}
