package connector

import (
	"slices"
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
	case member.Primary, member.Secondary, member.AffiliatedDepartment, member.AffiliatedOrganization,
		member.ReportingManager, member.StatusField, member.ExternalID:
		return true
	}
	return false
}

// fieldEqual reports whether a and b hold the same value in f, without reflection
// (member.Field.Equal reflects, which costs too much across 100,000 members).
func fieldEqual(f member.Field, a, b *member.Member) bool {
	switch f {
	case member.SystemName:
		return a.SystemName.Equal(b.SystemName)
	case member.FullName:
		return a.FullName == b.FullName
	case member.LoginMethodField:
		return a.LoginMethod == b.LoginMethod
	case member.Mobile:
		return a.Mobile == b.Mobile
	case member.Email:
		return a.Email == b.Email
	case member.LoginAccount:
		return a.LoginAccount == b.LoginAccount
	case member.GenderField:
		return a.Gender == b.Gender
	case member.SSOAccount:
		return a.SSOAccount == b.SSOAccount
	case member.StatusField:
		return a.Status == b.Status
	case member.LoginBlocked:
		return a.LoginBlocked == b.LoginBlocked
	case member.ActivatedAt:
		return a.ActivatedAt.Equal(b.ActivatedAt)
	case member.Primary:
		return a.Primary == b.Primary
	case member.Secondary:
		return slices.Equal(a.Secondary, b.Secondary)
	case member.AffiliatedDepartment:
		return a.AffiliatedDepartment == b.AffiliatedDepartment
	case member.AffiliatedOrganization:
		return a.AffiliatedOrganization == b.AffiliatedOrganization
	case member.JobTitle:
		return a.JobTitle == b.JobTitle
	case member.ReportingManager:
		return a.ReportingManager == b.ReportingManager
	case member.HireDate:
		return a.HireDate == b.HireDate
	case member.EmploymentDate:
		return a.EmploymentDate == b.EmploymentDate
	case member.EmployeeNumber:
		return a.EmployeeNumber == b.EmployeeNumber
	case member.ResponsibleLines:
		return slices.Equal(a.ResponsibleLines, b.ResponsibleLines)
	case member.AvatarField:
		return a.Avatar == b.Avatar
	case member.Birthday:
		return a.Birthday == b.Birthday
	case member.OfficePhone:
		return a.OfficePhone == b.OfficePhone
	case member.Extension:
		return a.Extension == b.Extension
	case member.QQ:
		return a.QQ == b.QQ
	case member.WeChat:
		return a.WeChat == b.WeChat
	case member.Language:
		return a.Language == b.Language
	case member.TimeZone:
		return a.TimeZone == b.TimeZone
	case member.Region:
		return a.Region == b.Region
	case member.Bio:
		return a.Bio == b.Bio
	case member.WorkDetails:
		return a.WorkDetails == b.WorkDetails
	case member.WorkPlace:
		return a.WorkPlace == b.WorkPlace
	case member.ExtendedA:
		return a.ExtendedA == b.ExtendedA
	case member.ExtendedB:
		return a.ExtendedB == b.ExtendedB
	case member.ExternalID:
		return a.ExternalID == b.ExternalID
	}
	return f.Equal(a, b)
}

// copyField sets field f of dst to its value in src.
func copyField(f member.Field, dst, src *member.Member) {
	switch f {
	case member.SystemName:
		dst.SystemName = src.SystemName.Clone()
	case member.FullName:
		dst.FullName = src.FullName
	case member.LoginMethodField:
		dst.LoginMethod = src.LoginMethod
	case member.Mobile:
		dst.Mobile = src.Mobile
	case member.Email:
		dst.Email = src.Email
	case member.LoginAccount:
		dst.LoginAccount = src.LoginAccount
	case member.GenderField:
		dst.Gender = src.Gender
	case member.SSOAccount:
		dst.SSOAccount = src.SSOAccount
	case member.LoginBlocked:
		dst.LoginBlocked = src.LoginBlocked
	case member.ActivatedAt:
		dst.ActivatedAt = src.ActivatedAt
	case member.JobTitle:
		dst.JobTitle = src.JobTitle
	case member.HireDate:
		dst.HireDate = src.HireDate
	case member.EmploymentDate:
		dst.EmploymentDate = src.EmploymentDate
	case member.EmployeeNumber:
		dst.EmployeeNumber = src.EmployeeNumber
	case member.ResponsibleLines:
		dst.ResponsibleLines = slices.Clone(src.ResponsibleLines)
	case member.AvatarField:
		dst.Avatar = src.Avatar
	case member.Birthday:
		dst.Birthday = src.Birthday
	case member.OfficePhone:
		dst.OfficePhone = src.OfficePhone
	case member.Extension:
		dst.Extension = src.Extension
	case member.QQ:
		dst.QQ = src.QQ
	case member.WeChat:
		dst.WeChat = src.WeChat
	case member.Language:
		dst.Language = src.Language
	case member.TimeZone:
		dst.TimeZone = src.TimeZone
	case member.Region:
		dst.Region = src.Region
	case member.Bio:
		dst.Bio = src.Bio
	case member.WorkDetails:
		dst.WorkDetails = src.WorkDetails
	case member.WorkPlace:
		dst.WorkPlace = src.WorkPlace
	case member.ExtendedA:
		dst.ExtendedA = src.ExtendedA
	case member.ExtendedB:
		dst.ExtendedB = src.ExtendedB
	default:
		f.Copy(dst, src)
	}
}

// sameAsStored reports, cheaply, whether the raw upstream value of f in raw would
// normalize to the stored value in local. False means "maybe not": the caller then
// normalizes and compares again. Stored values are normalized, and normalization is
// idempotent, so equal values need no normalization; mobiles and emails have a
// further fast path because platforms give them in other forms (a domestic
// "13900000000" for "+8613900000000", "Alice@Example.com").
func (p *planner) sameAsStored(f member.Field, raw, local *member.Member) bool {
	if fieldEqual(f, raw, local) {
		return true
	}
	switch f {
	case member.Mobile:
		return p.sameMobile(raw.Mobile, local.Mobile)
	case member.Email:
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
