package member

import (
	"slices"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
)

// Field names one field of a Member. Fields drive partial updates (Update.Fields),
// read-only enforcement for synced directories, import/export columns and cards.
type Field uint8

// The member fields.
const (
	SystemName Field = iota + 1
	FullName
	LoginMethodField
	Mobile
	Email
	LoginAccount
	GenderField
	SSOAccount
	StatusField
	LoginBlocked
	ActivatedAt
	Primary
	Secondary
	AffiliatedDepartment
	AffiliatedOrganization
	JobTitle
	ReportingManager
	HireDate
	EmploymentDate
	EmployeeNumber
	ResponsibleLines
	AvatarField
	Birthday
	OfficePhone
	Extension
	QQ
	WeChat
	Language
	TimeZone
	Region
	Bio
	WorkDetails
	WorkPlace
	ExtendedA
	ExtendedB
	ExternalID
	fieldCount
)

type fieldDef struct {
	name  string // stable snake_case name
	label [3]string
}

var fieldDefs = [fieldCount]fieldDef{
	SystemName:             {"system_name", [3]string{"System name", "系统名", "系統名"}},
	FullName:               {"full_name", [3]string{"Full name", "姓名", "姓名"}},
	LoginMethodField:       {"login_method", [3]string{"Login method", "登录方式", "登入方式"}},
	Mobile:                 {"mobile", [3]string{"Mobile", "手机号", "手機號"}},
	Email:                  {"email", [3]string{"Email", "邮箱", "郵箱"}},
	LoginAccount:           {"login_account", [3]string{"Login account", "登录账号", "登入帳號"}},
	GenderField:            {"gender", [3]string{"Gender", "性别", "性別"}},
	SSOAccount:             {"sso_account", [3]string{"SSO account", "SSO 账号", "SSO 帳號"}},
	StatusField:            {"status", [3]string{"Status", "状态", "狀態"}},
	LoginBlocked:           {"login_blocked", [3]string{"Login blocked", "禁止登录", "禁止登入"}},
	ActivatedAt:            {"activated_at", [3]string{"Activated at", "激活时间", "啟用時間"}},
	Primary:                {"primary_department", [3]string{"Primary department", "主属部门", "主屬部門"}},
	Secondary:              {"secondary_departments", [3]string{"Secondary departments", "附属部门", "附屬部門"}},
	AffiliatedDepartment:   {"affiliated_department", [3]string{"Affiliated department", "归属部门", "歸屬部門"}},
	AffiliatedOrganization: {"affiliated_organization", [3]string{"Affiliated organization", "归属组织", "歸屬組織"}},
	JobTitle:               {"job_title", [3]string{"Job title", "职位", "職位"}},
	ReportingManager:       {"reporting_manager", [3]string{"Reporting manager", "汇报对象", "匯報對象"}},
	HireDate:               {"hire_date", [3]string{"Hire date", "入职日期", "入職日期"}},
	EmploymentDate:         {"employment_date", [3]string{"Employment date", "参加工作日期", "參加工作日期"}},
	EmployeeNumber:         {"employee_number", [3]string{"Employee number", "员工编号", "員工編號"}},
	ResponsibleLines:       {"responsible_lines", [3]string{"Responsible lines", "负责业务线", "負責業務線"}},
	AvatarField:            {"avatar", [3]string{"Avatar", "头像", "頭像"}},
	Birthday:               {"birthday", [3]string{"Birthday", "生日", "生日"}},
	OfficePhone:            {"office_phone", [3]string{"Office phone", "办公电话", "辦公電話"}},
	Extension:              {"extension", [3]string{"Extension", "分机号", "分機號"}},
	QQ:                     {"qq", [3]string{"QQ", "QQ", "QQ"}},
	WeChat:                 {"wechat", [3]string{"WeChat", "微信", "微信"}},
	Language:               {"language", [3]string{"Language", "语言", "語言"}},
	TimeZone:               {"time_zone", [3]string{"Time zone", "时区", "時區"}},
	Region:                 {"region", [3]string{"Region", "地区", "地區"}},
	Bio:                    {"bio", [3]string{"Bio", "个人简介", "個人簡介"}},
	WorkDetails:            {"work_details", [3]string{"Work details", "工作详情", "工作詳情"}},
	WorkPlace:              {"work_place", [3]string{"Work place", "办公地点", "辦公地點"}},
	ExtendedA:              {"extended_a", [3]string{"Extended field A", "扩展字段A", "擴展欄位A"}},
	ExtendedB:              {"extended_b", [3]string{"Extended field B", "扩展字段B", "擴展欄位B"}},
	ExternalID:             {"external_id", [3]string{"External ID", "外部 ID", "外部 ID"}},
}

// Fields returns every member field in their canonical order.
func Fields() []Field {
	out := make([]Field, 0, fieldCount-1)
	for f := SystemName; f < fieldCount; f++ {
		out = append(out, f)
	}
	return out
}

// FieldByName returns the field with the stable name (e.g. "employee_number").
func FieldByName(name string) (Field, bool) {
	for f := SystemName; f < fieldCount; f++ {
		if fieldDefs[f].name == name {
			return f, true
		}
	}
	return 0, false
}

// Valid reports whether f is a known field.
func (f Field) Valid() bool { return f >= SystemName && f < fieldCount }

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
	return fieldDefs[f].label[orgkit.MatchLanguage(tag)]
}

// Labels returns the field's labels in English, Simplified and Traditional Chinese.
func (f Field) Labels() [3]string { return fieldDefs[f].label }

// Copy sets field f of dst to its value in src (slices and names are copied).
func (f Field) Copy(dst, src *Member) {
	switch f {
	case SystemName:
		dst.SystemName = src.SystemName.Clone()
	case FullName:
		dst.FullName = src.FullName
	case LoginMethodField:
		dst.LoginMethod = src.LoginMethod
	case Mobile:
		dst.Mobile = src.Mobile
	case Email:
		dst.Email = src.Email
	case LoginAccount:
		dst.LoginAccount = src.LoginAccount
	case GenderField:
		dst.Gender = src.Gender
	case SSOAccount:
		dst.SSOAccount = src.SSOAccount
	case LoginBlocked:
		dst.LoginBlocked = src.LoginBlocked
	case ActivatedAt:
		dst.ActivatedAt = src.ActivatedAt
	case JobTitle:
		dst.JobTitle = src.JobTitle
	case HireDate:
		dst.HireDate = src.HireDate
	case EmploymentDate:
		dst.EmploymentDate = src.EmploymentDate
	case EmployeeNumber:
		dst.EmployeeNumber = src.EmployeeNumber
	case ResponsibleLines:
		dst.ResponsibleLines = slices.Clone(src.ResponsibleLines)
	case AvatarField:
		dst.Avatar = src.Avatar
	case Birthday:
		dst.Birthday = src.Birthday
	case OfficePhone:
		dst.OfficePhone = src.OfficePhone
	case Extension:
		dst.Extension = src.Extension
	case QQ:
		dst.QQ = src.QQ
	case WeChat:
		dst.WeChat = src.WeChat
	case Language:
		dst.Language = src.Language
	case TimeZone:
		dst.TimeZone = src.TimeZone
	case Region:
		dst.Region = src.Region
	case Bio:
		dst.Bio = src.Bio
	case WorkDetails:
		dst.WorkDetails = src.WorkDetails
	case WorkPlace:
		dst.WorkPlace = src.WorkPlace
	case ExtendedA:
		dst.ExtendedA = src.ExtendedA
	case ExtendedB:
		dst.ExtendedB = src.ExtendedB
	case StatusField:
		dst.Status = src.Status
	case Primary:
		dst.Primary = src.Primary
	case Secondary:
		dst.Secondary = slices.Clone(src.Secondary)
	case AffiliatedDepartment:
		dst.AffiliatedDepartment = src.AffiliatedDepartment
	case AffiliatedOrganization:
		dst.AffiliatedOrganization = src.AffiliatedOrganization
	case ReportingManager:
		dst.ReportingManager = src.ReportingManager
	case ExternalID:
		dst.ExternalID = src.ExternalID
	}
}

// Equal reports whether a and b have the same value in field f (times compare as
// instants, nil and empty lists and names alike).
func (f Field) Equal(a, b *Member) bool {
	switch f {
	case SystemName:
		return a.SystemName.Equal(b.SystemName)
	case FullName:
		return a.FullName == b.FullName
	case LoginMethodField:
		return a.LoginMethod == b.LoginMethod
	case Mobile:
		return a.Mobile == b.Mobile
	case Email:
		return a.Email == b.Email
	case LoginAccount:
		return a.LoginAccount == b.LoginAccount
	case GenderField:
		return a.Gender == b.Gender
	case SSOAccount:
		return a.SSOAccount == b.SSOAccount
	case StatusField:
		return a.Status == b.Status
	case LoginBlocked:
		return a.LoginBlocked == b.LoginBlocked
	case ActivatedAt:
		return a.ActivatedAt.Equal(b.ActivatedAt)
	case Primary:
		return a.Primary == b.Primary
	case Secondary:
		return slices.Equal(a.Secondary, b.Secondary)
	case AffiliatedDepartment:
		return a.AffiliatedDepartment == b.AffiliatedDepartment
	case AffiliatedOrganization:
		return a.AffiliatedOrganization == b.AffiliatedOrganization
	case JobTitle:
		return a.JobTitle == b.JobTitle
	case ReportingManager:
		return a.ReportingManager == b.ReportingManager
	case HireDate:
		return a.HireDate == b.HireDate
	case EmploymentDate:
		return a.EmploymentDate == b.EmploymentDate
	case EmployeeNumber:
		return a.EmployeeNumber == b.EmployeeNumber
	case ResponsibleLines:
		return slices.Equal(a.ResponsibleLines, b.ResponsibleLines)
	case AvatarField:
		return a.Avatar == b.Avatar
	case Birthday:
		return a.Birthday == b.Birthday
	case OfficePhone:
		return a.OfficePhone == b.OfficePhone
	case Extension:
		return a.Extension == b.Extension
	case QQ:
		return a.QQ == b.QQ
	case WeChat:
		return a.WeChat == b.WeChat
	case Language:
		return a.Language == b.Language
	case TimeZone:
		return a.TimeZone == b.TimeZone
	case Region:
		return a.Region == b.Region
	case Bio:
		return a.Bio == b.Bio
	case WorkDetails:
		return a.WorkDetails == b.WorkDetails
	case WorkPlace:
		return a.WorkPlace == b.WorkPlace
	case ExtendedA:
		return a.ExtendedA == b.ExtendedA
	case ExtendedB:
		return a.ExtendedB == b.ExtendedB
	case ExternalID:
		return a.ExternalID == b.ExternalID
	}
	return false
}

// IsBlank reports whether field f of m holds no value.
func (f Field) IsBlank(m *Member) bool { return f.Equal(m, &Member{}) }

// Changed returns the fields in which a and b differ, in canonical order.
func Changed(a, b *Member) []Field {
	var out []Field
	for f := SystemName; f < fieldCount; f++ {
		if !f.Equal(a, b) {
			out = append(out, f)
		}
	}
	return out
}

// UniqueFields are the fields whose normalized values are unique in a directory.
var UniqueFields = []Field{SystemName, EmployeeNumber, Mobile, Email, LoginAccount, SSOAccount, ExternalID}
