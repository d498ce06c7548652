package member

import (
	"reflect"
	"slices"
	"sync"

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
	name   string // stable snake_case name
	goName string // Member struct field
	index  []int
	label  [3]string
}

var fieldDefs = [fieldCount]fieldDef{
	SystemName:             {"system_name", "SystemName", nil, [3]string{"System name", "系统名", "系統名"}},
	FullName:               {"full_name", "FullName", nil, [3]string{"Full name", "姓名", "姓名"}},
	LoginMethodField:       {"login_method", "LoginMethod", nil, [3]string{"Login method", "登录方式", "登入方式"}},
	Mobile:                 {"mobile", "Mobile", nil, [3]string{"Mobile", "手机号", "手機號"}},
	Email:                  {"email", "Email", nil, [3]string{"Email", "邮箱", "郵箱"}},
	LoginAccount:           {"login_account", "LoginAccount", nil, [3]string{"Login account", "登录账号", "登入帳號"}},
	GenderField:            {"gender", "Gender", nil, [3]string{"Gender", "性别", "性別"}},
	SSOAccount:             {"sso_account", "SSOAccount", nil, [3]string{"SSO account", "SSO 账号", "SSO 帳號"}},
	StatusField:            {"status", "Status", nil, [3]string{"Status", "状态", "狀態"}},
	LoginBlocked:           {"login_blocked", "LoginBlocked", nil, [3]string{"Login blocked", "禁止登录", "禁止登入"}},
	ActivatedAt:            {"activated_at", "ActivatedAt", nil, [3]string{"Activated at", "激活时间", "啟用時間"}},
	Primary:                {"primary_department", "Primary", nil, [3]string{"Primary department", "主属部门", "主屬部門"}},
	Secondary:              {"secondary_departments", "Secondary", nil, [3]string{"Secondary departments", "附属部门", "附屬部門"}},
	AffiliatedDepartment:   {"affiliated_department", "AffiliatedDepartment", nil, [3]string{"Affiliated department", "归属部门", "歸屬部門"}},
	AffiliatedOrganization: {"affiliated_organization", "AffiliatedOrganization", nil, [3]string{"Affiliated organization", "归属组织", "歸屬組織"}},
	JobTitle:               {"job_title", "JobTitle", nil, [3]string{"Job title", "职位", "職位"}},
	ReportingManager:       {"reporting_manager", "ReportingManager", nil, [3]string{"Reporting manager", "汇报对象", "匯報對象"}},
	HireDate:               {"hire_date", "HireDate", nil, [3]string{"Hire date", "入职日期", "入職日期"}},
	EmploymentDate:         {"employment_date", "EmploymentDate", nil, [3]string{"Employment date", "参加工作日期", "參加工作日期"}},
	EmployeeNumber:         {"employee_number", "EmployeeNumber", nil, [3]string{"Employee number", "员工编号", "員工編號"}},
	ResponsibleLines:       {"responsible_lines", "ResponsibleLines", nil, [3]string{"Responsible lines", "负责业务线", "負責業務線"}},
	AvatarField:            {"avatar", "Avatar", nil, [3]string{"Avatar", "头像", "頭像"}},
	Birthday:               {"birthday", "Birthday", nil, [3]string{"Birthday", "生日", "生日"}},
	OfficePhone:            {"office_phone", "OfficePhone", nil, [3]string{"Office phone", "办公电话", "辦公電話"}},
	Extension:              {"extension", "Extension", nil, [3]string{"Extension", "分机号", "分機號"}},
	QQ:                     {"qq", "QQ", nil, [3]string{"QQ", "QQ", "QQ"}},
	WeChat:                 {"wechat", "WeChat", nil, [3]string{"WeChat", "微信", "微信"}},
	Language:               {"language", "Language", nil, [3]string{"Language", "语言", "語言"}},
	TimeZone:               {"time_zone", "TimeZone", nil, [3]string{"Time zone", "时区", "時區"}},
	Region:                 {"region", "Region", nil, [3]string{"Region", "地区", "地區"}},
	Bio:                    {"bio", "Bio", nil, [3]string{"Bio", "个人简介", "個人簡介"}},
	WorkDetails:            {"work_details", "WorkDetails", nil, [3]string{"Work details", "工作详情", "工作詳情"}},
	WorkPlace:              {"work_place", "WorkPlace", nil, [3]string{"Work place", "办公地点", "辦公地點"}},
	ExtendedA:              {"extended_a", "ExtendedA", nil, [3]string{"Extended field A", "扩展字段A", "擴展欄位A"}},
	ExtendedB:              {"extended_b", "ExtendedB", nil, [3]string{"Extended field B", "扩展字段B", "擴展欄位B"}},
	ExternalID:             {"external_id", "ExternalID", nil, [3]string{"External ID", "外部 ID", "外部 ID"}},
}

var indexOnce sync.Once

// indexFields looks the struct fields up once, on first use (never at package init).
func indexFields() {
	t := reflect.TypeFor[Member]()
	for f := SystemName; f < fieldCount; f++ {
		sf, ok := t.FieldByName(fieldDefs[f].goName)
		if !ok {
			panic("member: no struct field " + fieldDefs[f].goName)
		}
		fieldDefs[f].index = sf.Index
	}
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

func (f Field) value(m *Member) reflect.Value {
	indexOnce.Do(indexFields)
	return reflect.ValueOf(m).Elem().FieldByIndex(fieldDefs[f].index)
}

// Copy sets field f of dst to its value in src (slices and names are copied).
func (f Field) Copy(dst, src *Member) {
	v := f.value(src)
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			f.value(dst).SetZero()
			return
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		f.value(dst).Set(c)
	default:
		if f == SystemName {
			dst.SystemName = src.SystemName.Clone()
			return
		}
		f.value(dst).Set(v)
	}
}

// Equal reports whether a and b have the same value in field f.
func (f Field) Equal(a, b *Member) bool {
	switch f {
	case SystemName:
		return a.SystemName.Equal(b.SystemName)
	case Secondary:
		return slices.Equal(a.Secondary, b.Secondary)
	case ResponsibleLines:
		return slices.Equal(a.ResponsibleLines, b.ResponsibleLines)
	case ActivatedAt:
		return a.ActivatedAt.Equal(b.ActivatedAt)
	}
	return f.value(a).Equal(f.value(b))
}

// IsBlank reports whether field f of m holds its zero value.
func (f Field) IsBlank(m *Member) bool {
	if f == SystemName {
		return m.SystemName.Default == "" && len(m.SystemName.ByLang) == 0
	}
	return f.value(m).IsZero() || (f.value(m).Kind() == reflect.Slice && f.value(m).Len() == 0)
}

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
