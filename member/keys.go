package member

import (
	"strings"

	"github.com/orgkit/orgkit/internal/textnorm"
)

// UniqueKey returns the normalized value of a unique field (see UniqueFields) that is
// compared for uniqueness, or "" when the field is blank.
func UniqueKey(f Field, m *Member) string {
	switch f {
	case SystemName:
		return textnorm.Key(m.SystemName.Default)
	case EmployeeNumber:
		return textnorm.Key(m.EmployeeNumber)
	case Mobile:
		return strings.TrimSpace(m.Mobile)
	case Email:
		return strings.ToLower(strings.TrimSpace(m.Email))
	case LoginAccount:
		return textnorm.Key(m.LoginAccount)
	case SSOAccount:
		return textnorm.Key(m.SSOAccount)
	case ExternalID:
		return m.ExternalID
	}
	return ""
}
