package member

import (
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
	fieldCount
)

type fieldDef struct {
	name  string // stable snake_case name
	label [3]string
}

var fieldDefs = [fieldCount]fieldDef{
	SystemNameField:             {"system_name", [3]string{"System name", "系统名", "系統名"}},
	FullNameField:               {"full_name", [3]string{"Full name", "姓名", "姓名"}},
	LoginMethodField:            {"login_method", [3]string{"Login method", "登录方式", "登入方式"}},
	MobileField:                 {"mobile", [3]string{"Mobile", "手机号", "手機號"}},
	EmailField:                  {"email", [3]string{"Email", "邮箱", "郵箱"}},
	LoginAccountField:           {"login_account", [3]string{"Login account", "登录账号", "登入帳號"}},
	GenderField:                 {"gender", [3]string{"Gender", "性别", "性別"}},
	SSOAccountField:             {"sso_account", [3]string{"SSO account", "SSO 账号", "SSO 帳號"}},
	StatusField:                 {"status", [3]string{"Status", "状态", "狀態"}},
	LoginBlockedField:           {"login_blocked", [3]string{"Login blocked", "禁止登录", "禁止登入"}},
	ActivatedAtField:            {"activated_at", [3]string{"Activated at", "激活时间", "啟用時間"}},
	PrimaryDepartmentField:      {"primary_department", [3]string{"Primary department", "主属部门", "主屬部門"}},
	SecondaryDepartmentsField:   {"secondary_departments", [3]string{"Secondary departments", "附属部门", "附屬部門"}},
	AffiliatedDepartmentField:   {"affiliated_department", [3]string{"Affiliated department", "归属部门", "歸屬部門"}},
	AffiliatedOrganizationField: {"affiliated_organization", [3]string{"Affiliated organization", "归属组织", "歸屬組織"}},
	JobTitleField:               {"job_title", [3]string{"Job title", "职位", "職位"}},
	ReportingManagerField:       {"reporting_manager", [3]string{"Reporting manager", "汇报对象", "匯報對象"}},
	HireDateField:               {"hire_date", [3]string{"Hire date", "入职日期", "入職日期"}},
	EmploymentDateField:         {"employment_date", [3]string{"Employment date", "参加工作日期", "參加工作日期"}},
	EmployeeNumberField:         {"employee_number", [3]string{"Employee number", "员工编号", "員工編號"}},
	ResponsibleLinesField:       {"responsible_lines", [3]string{"Responsible lines", "负责业务线", "負責業務線"}},
	AvatarField:                 {"avatar", [3]string{"Avatar", "头像", "頭像"}},
	BirthdayField:               {"birthday", [3]string{"Birthday", "生日", "生日"}},
	OfficePhoneField:            {"office_phone", [3]string{"Office phone", "办公电话", "辦公電話"}},
	ExtensionField:              {"extension", [3]string{"Extension", "分机号", "分機號"}},
	QQField:                     {"qq", [3]string{"QQ", "QQ", "QQ"}},
	WeChatField:                 {"wechat", [3]string{"WeChat", "微信", "微信"}},
	LanguageField:               {"language", [3]string{"Language", "语言", "語言"}},
	TimeZoneField:               {"time_zone", [3]string{"Time zone", "时区", "時區"}},
	RegionField:                 {"region", [3]string{"Region", "地区", "地區"}},
	BioField:                    {"bio", [3]string{"Bio", "个人简介", "個人簡介"}},
	WorkDetailsField:            {"work_details", [3]string{"Work details", "工作详情", "工作詳情"}},
	WorkPlaceField:              {"work_place", [3]string{"Work place", "办公地点", "辦公地點"}},
	ExtendedAField:              {"extended_a", [3]string{"Extended field A", "扩展字段A", "擴展欄位A"}},
	ExtendedBField:              {"extended_b", [3]string{"Extended field B", "扩展字段B", "擴展欄位B"}},
	ExternalIDField:             {"external_id", [3]string{"External ID", "外部 ID", "外部 ID"}},
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
		if fieldDefs[f].name == name {
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
	return fieldDefs[f].name
}

// Label returns the field's label in the language best matching tag.
func (f Field) Label(tag language.Tag) string {
	if !f.Valid() {
		return ""
	}
	return fieldDefs[f].label[i18n.Match(tag)]
}

// Labels returns the field's labels in English, Simplified and Traditional Chinese.
func (f Field) Labels() [3]string { return fieldDefs[f].label }

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
