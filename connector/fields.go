package connector

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/orgkit/orgkit/member"
)

// structural member fields are not copied from Values: the planner derives them from
// Departments, Manager, Status and the external ID.
func structural(f member.Field) bool {
	switch f {
	case member.PrimaryDepartmentField, member.SecondaryDepartmentsField, member.AffiliatedDepartmentField, member.AffiliatedOrganizationField,
		member.ReportingManagerField, member.StatusField, member.ExternalIDField:
		return true
	}
	return false
}

// sameAsStored reports, cheaply, whether the raw upstream value of f in raw would
// normalize to the stored value in local. False means "maybe not": the caller then
// normalizes and compares again. Stored values are normalized, and normalization is
// idempotent, so equal values need no normalization; mobiles and emails have a
// further fast path because platforms give them in other forms (a domestic
// "13900000000" for "+8613900000000", "Alice@Example.com").
func (p *planner) sameAsStored(f member.Field, raw, local *member.Member) bool {
	if f.Equal(raw, local) {
		return true
	}
	switch f {
	case member.MobileField:
		return p.sameMobile(raw.Mobile, local.Mobile)
	case member.EmailField:
		s := strings.TrimSpace(raw.Email)
		return local.Email != "" && isASCII(s) && strings.EqualFold(s, local.Email)
	}
	return false
}

// sameMobile reports whether raw, written with the usual separators, is the stored
// E.164 number, or the stored number's national form in the default region.
func (p *planner) sameMobile(raw, stored string) bool {
	if stored == "" || raw == "" {
		return false
	}
	var b [32]byte
	n := 0
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c >= '0' && c <= '9' || c == '+' && n == 0:
			if n == len(b) {
				return false
			}
			b[n] = c
			n++
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.':
		default:
			return false
		}
	}
	compact := string(b[:n])
	if compact == stored {
		return true
	}
	if n == 0 || b[0] == '+' || b[0] == '0' {
		return false
	}
	cc := p.callingCode()
	return len(stored) == 1+len(cc)+n && stored[0] == '+' && stored[1:1+len(cc)] == cc && stored[1+len(cc):] == compact
}

func (p *planner) callingCode() string {
	if p.cc == "" {
		region := strings.ToUpper(strings.TrimSpace(p.opts.Rules.DefaultRegion))
		if region == "" {
			region = "CN"
		}
		if code := phonenumbers.GetCountryCodeForRegion(region); code > 0 {
			p.cc = strconv.Itoa(code)
		} else {
			p.cc = "-" // matches nothing
		}
	}
	return p.cc
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
