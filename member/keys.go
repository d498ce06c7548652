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
