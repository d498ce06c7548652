package member

import (
	"fmt"
	"slices"

	"github.com/orgkit/orgkit/internal/i18n"
	"golang.org/x/text/language"
)

// Field names one field of a Member. Fields drive partial updates (Update.Fields),
// read-only enforcement for synced directories, import/export columns and cards.
type Field uint8

// The member fields. Every field constant of this package and of orgtree is named
// by one rule: the field's stable name (Field.String) in CamelCase, followed by
// Field — "mobile" is MobileField, "primary_department" PrimaryDepartmentField.
const (
	SystemNameField Field = iota + 1
	FullNameField
	LoginMethodField
	MobileField
	EmailField
	LoginAccountField
	GenderField
	SSOAccountField
	StatusField
	LoginBlockedField
	ActivatedAtField
	PrimaryDepartmentField
	SecondaryDepartmentsField
	AffiliatedDepartmentField
	AffiliatedOrganizationField
	JobTitleField
	ReportingManagerField
	HireDateField
	EmploymentDateField
	EmployeeNumberField
	ResponsibleLinesField
	AvatarField
	BirthdayField
	OfficePhoneField
	ExtensionField
	QQField
	WeChatField
	LanguageField
	TimeZoneField
	RegionField
	BioField
	WorkDetailsField
	WorkPlaceField
	ExtendedAField
	ExtendedBField
	ExternalIDField
	GivenNameField
	FamilyNameField
	DeprovisionedField
	MobileAsWrittenField
	EmailAsWrittenField
	fieldCount
)

// fieldNames are the fields' stable names; their labels are in internal/i18n, where
// messages find them too.
var fieldNames = [fieldCount]string{
	SystemNameField:             "system_name",
	FullNameField:               "full_name",
	LoginMethodField:            "login_method",
	MobileField:                 "mobile",
	EmailField:                  "email",
	LoginAccountField:           "login_account",
	GenderField:                 "gender",
	SSOAccountField:             "sso_account",
	StatusField:                 "status",
	LoginBlockedField:           "login_blocked",
	ActivatedAtField:            "activated_at",
	PrimaryDepartmentField:      "primary_department",
	SecondaryDepartmentsField:   "secondary_departments",
	AffiliatedDepartmentField:   "affiliated_department",
	AffiliatedOrganizationField: "affiliated_organization",
	JobTitleField:               "job_title",
	ReportingManagerField:       "reporting_manager",
	HireDateField:               "hire_date",
	EmploymentDateField:         "employment_date",
	EmployeeNumberField:         "employee_number",
	ResponsibleLinesField:       "responsible_lines",
	AvatarField:                 "avatar",
	BirthdayField:               "birthday",
	OfficePhoneField:            "office_phone",
	ExtensionField:              "extension",
	QQField:                     "qq",
	WeChatField:                 "wechat",
	LanguageField:               "language",
	TimeZoneField:               "time_zone",
	RegionField:                 "region",
	BioField:                    "bio",
	WorkDetailsField:            "work_details",
	WorkPlaceField:              "work_place",
	ExtendedAField:              "extended_a",
	ExtendedBField:              "extended_b",
	ExternalIDField:             "external_id",
	GivenNameField:              "given_name",
	FamilyNameField:             "family_name",
	DeprovisionedField:          "deprovisioned",
	MobileAsWrittenField:        "mobile_as_written",
	EmailAsWrittenField:         "email_as_written",
}

// Fields returns every member field in their canonical order.
func Fields() []Field {
	out := make([]Field, 0, fieldCount-1)
	for f := SystemNameField; f < fieldCount; f++ {
		out = append(out, f)
	}
	return out
}

// FieldByName returns the field with the stable name (e.g. "employee_number").
func FieldByName(name string) (Field, bool) {
	for f := SystemNameField; f < fieldCount; f++ {
		if fieldNames[f] == name {
			return f, true
		}
	}
	return 0, false
}

// Valid reports whether f is a known field.
func (f Field) Valid() bool { return f >= SystemNameField && f < fieldCount }

// String returns the field's stable snake_case name.
func (f Field) String() string {
	if !f.Valid() {
		return "unknown"
	}
	return fieldNames[f]
}

// MarshalText returns the field's stable name (see String), so that a field — and a
// []Field, which would otherwise be base64 bytes — reads as its name in JSON and other
// text formats. An unknown field is an error.
func (f Field) MarshalText() ([]byte, error) {
	if !f.Valid() {
		return nil, fmt.Errorf("member: cannot marshal unknown field %d", uint8(f))
	}
	return []byte(fieldNames[f]), nil
}

// UnmarshalText sets f to the field with the stable name in text (see FieldByName);
// an unknown name is an error and leaves f unchanged.
func (f *Field) UnmarshalText(text []byte) error {
	g, ok := FieldByName(string(text))
	if !ok {
		return fmt.Errorf("member: unknown field name %q", text)
	}
	*f = g
	return nil
}

// Label returns the field's label in the language best matching tag.
func (f Field) Label(tag language.Tag) string {
	if !f.Valid() {
		return ""
	}
	return i18n.FieldLabel(fieldNames[f], i18n.Match(tag))
}

// Labels returns the field's labels in English, Simplified and Traditional Chinese.
func (f Field) Labels() [3]string {
	l, _ := i18n.FieldLabels(f.String())
	return l
}

// Copy sets field f of dst to its value in src (slices and names are copied).
func (f Field) Copy(dst, src *Member) {
	switch f {
	case SystemNameField:
		dst.SystemName = src.SystemName.Clone()
	case FullNameField:
		dst.FullName = src.FullName
	case LoginMethodField:
		dst.LoginMethod = src.LoginMethod
	case MobileField:
		dst.Mobile = src.Mobile
	case EmailField:
		dst.Email = src.Email
	case LoginAccountField:
		dst.LoginAccount = src.LoginAccount
	case GenderField:
		dst.Gender = src.Gender
	case SSOAccountField:
		dst.SSOAccount = src.SSOAccount
	case LoginBlockedField:
		dst.LoginBlocked = src.LoginBlocked
	case ActivatedAtField:
		dst.ActivatedAt = src.ActivatedAt
	case JobTitleField:
		dst.JobTitle = src.JobTitle
	case HireDateField:
		dst.HireDate = src.HireDate
	case EmploymentDateField:
		dst.EmploymentDate = src.EmploymentDate
	case EmployeeNumberField:
		dst.EmployeeNumber = src.EmployeeNumber
	case ResponsibleLinesField:
		dst.ResponsibleLines = slices.Clone(src.ResponsibleLines)
	case AvatarField:
		dst.Avatar = src.Avatar
	case BirthdayField:
		dst.Birthday = src.Birthday
	case OfficePhoneField:
		dst.OfficePhone = src.OfficePhone
	case ExtensionField:
		dst.Extension = src.Extension
	case QQField:
		dst.QQ = src.QQ
	case WeChatField:
		dst.WeChat = src.WeChat
	case LanguageField:
		dst.Language = src.Language
	case TimeZoneField:
		dst.TimeZone = src.TimeZone
	case RegionField:
		dst.Region = src.Region
	case BioField:
		dst.Bio = src.Bio
	case WorkDetailsField:
		dst.WorkDetails = src.WorkDetails
	case WorkPlaceField:
		dst.WorkPlace = src.WorkPlace
	case ExtendedAField:
		dst.ExtendedA = src.ExtendedA
	case ExtendedBField:
		dst.ExtendedB = src.ExtendedB
	case StatusField:
		dst.Status = src.Status
	case PrimaryDepartmentField:
		dst.Primary = src.Primary
	case SecondaryDepartmentsField:
		dst.Secondary = slices.Clone(src.Secondary)
	case AffiliatedDepartmentField:
		dst.AffiliatedDepartment = src.AffiliatedDepartment
	case AffiliatedOrganizationField:
		dst.AffiliatedOrganization = src.AffiliatedOrganization
	case ReportingManagerField:
		dst.ReportingManager = src.ReportingManager
	case ExternalIDField:
		dst.ExternalID = src.ExternalID
	case GivenNameField:
		dst.GivenName = src.GivenName
	case FamilyNameField:
		dst.FamilyName = src.FamilyName
	case DeprovisionedField:
		dst.Deprovisioned = src.Deprovisioned
	case MobileAsWrittenField:
		dst.MobileAsWritten = src.MobileAsWritten
	case EmailAsWrittenField:
		dst.EmailAsWritten = src.EmailAsWritten
	}
}

// Equal reports whether a and b have the same value in field f (times compare as
// instants, nil and empty lists and names alike).
func (f Field) Equal(a, b *Member) bool {
	switch f {
	case SystemNameField:
		return a.SystemName.Equal(b.SystemName)
	case FullNameField:
		return a.FullName == b.FullName
	case LoginMethodField:
		return a.LoginMethod == b.LoginMethod
	case MobileField:
		return a.Mobile == b.Mobile
	case EmailField:
		return a.Email == b.Email
	case LoginAccountField:
		return a.LoginAccount == b.LoginAccount
	case GenderField:
		return a.Gender == b.Gender
	case SSOAccountField:
		return a.SSOAccount == b.SSOAccount
	case StatusField:
		return a.Status == b.Status
	case LoginBlockedField:
		return a.LoginBlocked == b.LoginBlocked
	case ActivatedAtField:
		return a.ActivatedAt.Equal(b.ActivatedAt)
	case PrimaryDepartmentField:
		return a.Primary == b.Primary
	case SecondaryDepartmentsField:
		return slices.Equal(a.Secondary, b.Secondary)
	case AffiliatedDepartmentField:
		return a.AffiliatedDepartment == b.AffiliatedDepartment
	case AffiliatedOrganizationField:
		return a.AffiliatedOrganization == b.AffiliatedOrganization
	case JobTitleField:
		return a.JobTitle == b.JobTitle
	case ReportingManagerField:
		return a.ReportingManager == b.ReportingManager
	case HireDateField:
		return a.HireDate == b.HireDate
	case EmploymentDateField:
		return a.EmploymentDate == b.EmploymentDate
	case EmployeeNumberField:
		return a.EmployeeNumber == b.EmployeeNumber
	case ResponsibleLinesField:
		return slices.Equal(a.ResponsibleLines, b.ResponsibleLines)
	case AvatarField:
		return a.Avatar == b.Avatar
	case BirthdayField:
		return a.Birthday == b.Birthday
	case OfficePhoneField:
		return a.OfficePhone == b.OfficePhone
	case ExtensionField:
		return a.Extension == b.Extension
	case QQField:
		return a.QQ == b.QQ
	case WeChatField:
		return a.WeChat == b.WeChat
	case LanguageField:
		return a.Language == b.Language
	case TimeZoneField:
		return a.TimeZone == b.TimeZone
	case RegionField:
		return a.Region == b.Region
	case BioField:
		return a.Bio == b.Bio
	case WorkDetailsField:
		return a.WorkDetails == b.WorkDetails
	case WorkPlaceField:
		return a.WorkPlace == b.WorkPlace
	case ExtendedAField:
		return a.ExtendedA == b.ExtendedA
	case ExtendedBField:
		return a.ExtendedB == b.ExtendedB
	case ExternalIDField:
		return a.ExternalID == b.ExternalID
	case GivenNameField:
		return a.GivenName == b.GivenName
	case FamilyNameField:
		return a.FamilyName == b.FamilyName
	case DeprovisionedField:
		return a.Deprovisioned == b.Deprovisioned
	case MobileAsWrittenField:
		return a.MobileAsWritten == b.MobileAsWritten
	case EmailAsWrittenField:
		return a.EmailAsWritten == b.EmailAsWritten
	}
	return false
}

// IsBlank reports whether field f of m holds no value.
func (f Field) IsBlank(m *Member) bool { return f.Equal(m, &Member{}) }

// Changed returns the fields in which a and b differ, in canonical order.
func Changed(a, b *Member) []Field {
	var out []Field
	for f := SystemNameField; f < fieldCount; f++ {
		if !f.Equal(a, b) {
			out = append(out, f)
		}
	}
	return out
}

// UniqueFields are the fields whose normalized values are unique in a directory.
var UniqueFields = []Field{SystemNameField, EmployeeNumberField, MobileField, EmailField, LoginAccountField, SSOAccountField, ExternalIDField}
