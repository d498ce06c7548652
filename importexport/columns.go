package importexport

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"github.com/orgkit/orgkit/internal/i18n"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// Sheets selects kinds of sheet: the member sheet, the department sheet, or both.
type Sheets uint8

const (
	// Members is the member sheet: one member per row.
	Members Sheets = 1 << iota
	// Departments is the department sheet: one node per row, keyed by code.
	Departments
)

// String returns "members", "departments", "members+departments" or "".
func (s Sheets) String() string {
	switch s {
	case Members:
		return "members"
	case Departments:
		return "departments"
	case Members | Departments:
		return "members+departments"
	}
	return ""
}

// Column names a column of a sheet by its stable name: the snake_case name of a member
// field ("mobile", "primary_department"), "roles", a department column ("code",
// "parent", "manager", …), or a language form of a multilingual name:
// "system_name:zh-Hant" on the member sheet, "name:en" on the department sheet.
// Headers are localized (see Column.Header); the stable name is also accepted as a
// header.
type Column string

// The columns of the member sheet that are not member fields.
const (
	// ColRoles holds role names separated by ";", the primary role first.
	ColRoles Column = "roles"
	// ColGivenName and ColFamilyName are read, on import only, into the full name of a
	// sheet that has no full-name column (Google Workspace's template has first and
	// last names only): the given name, a space and the family name — or family name
	// then given name without a space when both are written in Han script ("张" and
	// "伟" make "张伟"). A sheet with a full-name column ignores them.
	ColGivenName  Column = "given_name"
	ColFamilyName Column = "family_name"
)

// Columns an import recognizes without storing anything from them, on either sheet.
// ImportOptions.HeaderAliases may name them.
const (
	// ColIgnore is a known column whose cells are read and ignored: a platform
	// template's column that has no field here ("是否部门内领导", "Cost Center").
	ColIgnore Column = "ignore"
	// ColSecret is a column of secrets — the initial passwords of Microsoft Entra's
	// and Google Workspace's templates. Its cells are never stored, never put in a
	// report or an error, and blanked in the error workbook.
	ColSecret Column = "secret"
)

// The columns of the department sheet. Members are named by the import's key, nodes
// by code or path; lists are separated by ";".
const (
	ColCode              Column = "code"                             // the department's code: its key
	ColParent            Column = "parent"                           // the parent, by code or path; blank: the company
	ColName              Column = "name"                             // the default name; "name:<tag>" for a language
	ColKind              Column = "kind"                             // Company (the root's row), Organization or Department
	ColOrder             Column = "order"                            // sibling order, a whole number
	ColManager           Column = "manager"                          // the manager
	ColAssistants        Column = "assistants"                       // the assistants
	ColObservers         Column = "observers"                        // the observers
	ColIncludeSubMembers Column = "include_sub_members"              // group setting, yes/no
	ColIncludeIsolated   Column = "include_isolated_sub_members"     // group setting, yes/no
	ColHideFromOutside   Column = "hide_from_outside"                // isolation, yes/no
	ColVisibilityMembers Column = "visibility_whitelist_members"     // isolation: who may still see it
	ColVisibilityNodes   Column = "visibility_whitelist_departments" // isolation: which departments may
	ColContactView       Column = "contact_view"                     // isolation: what its people see
	ColContactMembers    Column = "contact_whitelist_members"        // isolation: exceptions, members
	ColContactNodes      Column = "contact_whitelist_departments"    // isolation: exceptions, departments
	ColReception         Column = "reception"                        // isolation: which messages reach it
	ColStatus            Column = "status"                           // Active or Inactive
	ColExternalID        Column = "external_id"                      // the ID on a synced platform
	colProblems          Column = "import_problems"                  // the error workbook's own column; ignored on import
)

const colMultilingualMarker = ":"

// FieldColumn returns the member sheet's column of a member field.
func FieldColumn(f member.Field) Column { return Column(f.String()) }

// LanguageColumn returns the column of one language form of a multilingual name:
// LanguageColumn(FieldColumn(member.SystemNameField), "zh-Hant") or
// LanguageColumn(ColName, "en").
func LanguageColumn(base Column, tag string) Column {
	if t, err := language.Parse(tag); err == nil {
		tag = t.String()
	}
	return base + colMultilingualMarker + Column(tag)
}

// split returns the base column and the language tag of a language column.
func (c Column) split() (Column, string) {
	if i := strings.IndexByte(string(c), ':'); i >= 0 {
		return c[:i], string(c[i+1:])
	}
	return c, ""
}

// colType says how a column's cells are read and written.
type colType uint8

const (
	tText       colType = iota // single-line text
	tLongText                  // multi-line text (bio, work details)
	tNumText                   // text often typed as a number: keys, phones
	tDate                      // calendar date
	tBool                      // yes / no
	tEnum                      // one of a few values
	tInt                       // whole number
	tCode                      // node code
	tNodeRef                   // a node by code or path
	tNodeList                  // nodes by code or path, separated by ';'
	tMemberRef                 // a member by the import's key
	tMemberList                // members by key, separated by ';'
	tRoleList                  // role names, separated by ';'
	tTextList                  // texts separated by ';'
	tIgnored                   // read and ignored (the error workbook's problem column)
	tSecret                    // a secret: never stored nor shown, blanked in the error workbook
)

// colSpec describes one column.
type colSpec struct {
	col        Column
	sheet      Sheets
	typ        colType
	field      member.Field  // member sheet: the member field (0 for roles)
	node       orgtree.Field // department sheet: the node field it edits
	labels     [3]string
	synonyms   []string // more headers people use for it
	enum       *enumSpec
	lang       string // a language form of a multilingual name
	required   bool   // marked * in templates: required for new records
	importOnly bool   // recognized on import, never exported nor in templates
}

func (s *colSpec) multilingual() bool {
	return s.col == FieldColumn(member.SystemNameField) || s.col == ColName
}

// memberColumnDefs lists the member sheet's columns in canonical order.
func memberColumnDefs() []*colSpec {
	f := func(fl member.Field, typ colType, syn ...string) *colSpec {
		return &colSpec{col: FieldColumn(fl), sheet: Members, typ: typ, field: fl, labels: fl.Labels(), synonyms: syn}
	}
	defs := []*colSpec{
		f(member.SystemNameField, tText, "nickname", "username", "user name", "昵称", "用户名", "暱稱", "使用者名稱"),
		f(member.FullNameField, tText, "name", "display name", "real name", "真实姓名", "员工姓名", "真實姓名", "員工姓名", "成员姓名", "成員姓名", "名字", "氏名", "名前"),
		f(member.EmployeeNumberField, tNumText, "employee no", "employee id", "staff number", "staff no", "工号", "员工工号", "工號", "員工工號", "员工号", "員工號", "社員番号", "従業員番号"),
		f(member.MobileField, tNumText, "mobile phone", "mobile number", "cell phone", "phone", "手机", "手机号码", "手機", "手機號碼", "手机号", "手機號", "联系手机", "聯繫手機", "电话号码", "電話號碼", "携帯電話", "携帯電話番号", "携帯番号"),
		f(member.EmailField, tText, "e-mail", "email address", "mail", "邮箱地址", "电子邮箱", "电子邮件", "電子郵件", "郵箱地址", "電子郵箱", "電郵", "个人邮箱", "個人郵箱", "工作邮箱", "工作郵箱", "メールアドレス", "メール"),
		f(member.GenderField, tEnum, "sex"),
		f(member.LoginMethodField, tEnum),
		f(member.LoginAccountField, tNumText, "account", "账号", "帐号", "帳號", "賬號", "账户", "帳戶", "登录名", "登入名"),
		f(member.SSOAccountField, tText, "sso"),
		f(member.StatusField, tEnum, "account status", "账号状态", "帳號狀態"),
		f(member.LoginBlockedField, tBool),
		f(member.PrimaryDepartmentField, tNodeRef, "department", "dept", "main department", "部门", "主部门", "所属部门", "所在部门", "部門", "主部門", "所屬部門", "所在部門", "部署", "所属部署"),
		f(member.SecondaryDepartmentsField, tNodeList, "other departments", "其他部门", "兼职部门", "其他部門", "兼職部門"),
		f(member.AffiliatedDepartmentField, tNodeRef),
		f(member.AffiliatedOrganizationField, tNodeRef),
		f(member.JobTitleField, tText, "title", "position", "employee title", "职务", "岗位", "職務", "崗位", "职称", "職稱", "役職"),
		f(member.ReportingManagerField, tMemberRef, "manager", "supervisor", "direct manager", "直属上级", "上级", "直屬上級", "上級"),
		f(member.HireDateField, tDate, "start date", "date of hire", "hired date", "入职时间", "入職時間", "入职日", "入社日"),
		f(member.EmploymentDateField, tDate, "参加工作时间", "參加工作時間"),
		f(member.ResponsibleLinesField, tTextList),
		f(member.BirthdayField, tDate, "date of birth", "birth date", "出生日期", "生年月日"),
		f(member.OfficePhoneField, tNumText, "work phone", "telephone", "座机", "办公电话号码", "座機"),
		f(member.ExtensionField, tNumText, "ext", "分机", "分機"),
		f(member.QQField, tNumText, "qq number", "qq号", "qq號"),
		f(member.WeChatField, tText, "wechat id", "微信号", "微信號"),
		f(member.LanguageField, tText),
		f(member.TimeZoneField, tText),
		f(member.RegionField, tText, "country", "国家", "國家"),
		f(member.BioField, tLongText),
		f(member.WorkDetailsField, tLongText),
		f(member.WorkPlaceField, tText, "office", "location", "工作地点", "工作地點", "办公地址", "辦公地址", "勤務地"),
		f(member.ExtendedAField, tText),
		f(member.ExtendedBField, tText),
		f(member.ExternalIDField, tText, "user id", "userid", "用户id", "用戶id", "成员userid", "成員userid", "员工userid", "員工userid"),
		{col: ColRoles, sheet: Members, typ: tRoleList, labels: [3]string{"Roles", "角色", "角色"}, synonyms: []string{"role"}},
	}
	for _, d := range defs {
		switch d.field {
		case member.SystemNameField:
			d.required = true
		case member.GenderField:
			d.enum = genderEnum
		case member.LoginMethodField:
			d.enum = loginMethodEnum
		case member.StatusField:
			d.enum = statusEnum
		}
	}
	return defs
}

// departmentColumnDefs lists the department sheet's columns in canonical order.
func departmentColumnDefs() []*colSpec {
	c := func(col Column, typ colType, node orgtree.Field, labels [3]string, syn ...string) *colSpec {
		return &colSpec{col: col, sheet: Departments, typ: typ, node: node, labels: labels, synonyms: syn}
	}
	defs := []*colSpec{
		c(ColCode, tCode, orgtree.CodeField, [3]string{"Code", "编码", "編碼"}, "department code", "dept code", "部门编码", "部门代码", "代码", "部門編碼", "部門代碼", "代碼"),
		c(ColParent, tNodeRef, orgtree.ParentField, [3]string{"Parent", "上级", "上級"}, "parent department", "parent code", "上级部门", "上级部门编码", "父部门", "上級部門", "上級部門編碼", "父部門"),
		c(ColName, tText, orgtree.NameField, [3]string{"Name", "名称", "名稱"}, "department name", "dept name", "部门名称", "部门", "部門名稱", "部門"),
		c(ColKind, tEnum, 0, [3]string{"Kind", "类型", "類型"}, "type"),
		c(ColOrder, tInt, orgtree.OrderField, [3]string{"Order", "排序", "排序"}, "sort", "sort order", "顺序", "順序"),
		c(ColManager, tMemberRef, orgtree.ManagerField, [3]string{"Manager", "负责人", "負責人"}, "head", "leader", "主管", "部门负责人", "部門負責人"),
		c(ColAssistants, tMemberList, orgtree.AssistantsField, [3]string{"Assistants", "助理", "助理"}),
		c(ColObservers, tMemberList, orgtree.ObserversField, [3]string{"Observers", "观察者", "觀察者"}),
		c(ColIncludeSubMembers, tBool, orgtree.GroupField, [3]string{"Group includes sub-department members", "群组包含下级部门成员", "群組包含下級部門成員"}),
		c(ColIncludeIsolated, tBool, orgtree.GroupField, [3]string{"Group includes isolated sub-department members", "群组包含隔离的下级部门成员", "群組包含隔離的下級部門成員"}),
		c(ColHideFromOutside, tBool, orgtree.IsolationField, [3]string{"Hidden from outside", "对外隐藏", "對外隱藏"}),
		c(ColVisibilityMembers, tMemberList, orgtree.IsolationField, [3]string{"Visible to members", "可见成员白名单", "可見成員白名單"}),
		c(ColVisibilityNodes, tNodeList, orgtree.IsolationField, [3]string{"Visible to departments", "可见部门白名单", "可見部門白名單"}),
		c(ColContactView, tEnum, orgtree.IsolationField, [3]string{"Contact view", "通讯录查看范围", "通訊錄查看範圍"}),
		c(ColContactMembers, tMemberList, orgtree.IsolationField, [3]string{"Contact whitelist members", "通讯录白名单成员", "通訊錄白名單成員"}),
		c(ColContactNodes, tNodeList, orgtree.IsolationField, [3]string{"Contact whitelist departments", "通讯录白名单部门", "通訊錄白名單部門"}),
		c(ColReception, tEnum, orgtree.IsolationField, [3]string{"Message reception", "工作消息接收范围", "工作訊息接收範圍"}),
		c(ColStatus, tEnum, orgtree.StatusField, [3]string{"Status", "状态", "狀態"}),
		c(ColExternalID, tText, orgtree.ExternalIDField, [3]string{"External ID", "外部 ID", "外部 ID"}),
	}
	for _, d := range defs {
		switch d.col {
		case ColName:
			d.required = true
		case ColKind:
			d.enum = kindEnum
		case ColContactView:
			d.enum = contactViewEnum
		case ColReception:
			d.enum = receptionEnum
		case ColStatus:
			d.enum = statusEnum
		}
	}
	return defs
}

// problemsColumnDef is the column the error workbook adds; importing ignores it.
var problemsColumnDef = &colSpec{col: colProblems, typ: tIgnored, labels: [3]string{"Problems", "错误信息", "錯誤訊息"}}

// importOnlyDefs are the columns an import recognizes that are not fields of the
// sheet: ignored and secret columns (both sheets), and the parts of a name (member
// sheet).
func importOnlyDefs(kind Sheets) []*colSpec {
	defs := []*colSpec{
		{col: ColIgnore, sheet: kind, typ: tIgnored, importOnly: true, labels: [3]string{"Ignored", "忽略", "忽略"}},
		{col: ColSecret, sheet: kind, typ: tSecret, importOnly: true, labels: [3]string{"Password", "密码", "密碼"},
			synonyms: []string{"initial password", "初始密码", "初始密碼", "登录密码", "登錄密碼"}},
	}
	if kind == Members {
		defs = append(defs,
			&colSpec{col: ColGivenName, sheet: Members, typ: tText, importOnly: true, labels: [3]string{"Given name", "名", "名"},
				synonyms: []string{"first name", "givenname", "forename"}},
			&colSpec{col: ColFamilyName, sheet: Members, typ: tText, importOnly: true, labels: [3]string{"Family name", "姓", "姓"},
				synonyms: []string{"last name", "surname"}},
		)
	}
	return defs
}

// catalog is the lazily built index of every column and header.
type catalog struct {
	members, departments []*colSpec
	byCol                map[Sheets]map[Column]*colSpec
	byHeader             map[Sheets]map[string]*colSpec
	langs                map[string]string // normalized language label → tag
}

var (
	catalogOnce sync.Once
	theCatalog  *catalog
)

func cat() *catalog {
	catalogOnce.Do(func() {
		c := &catalog{
			members:     memberColumnDefs(),
			departments: departmentColumnDefs(),
			byCol:       map[Sheets]map[Column]*colSpec{Members: {}, Departments: {}},
			byHeader:    map[Sheets]map[string]*colSpec{Members: {}, Departments: {}},
			langs:       map[string]string{},
		}
		add := func(kind Sheets, s *colSpec) {
			c.byCol[kind][s.col] = s
			h := c.byHeader[kind]
			keys := append([]string{string(s.col)}, s.labels[:]...)
			keys = append(keys, s.synonyms...)
			for _, k := range keys {
				if nk := headerKey(k); nk != "" {
					if _, taken := h[nk]; !taken {
						h[nk] = s
					}
				}
			}
		}
		for _, s := range c.members {
			add(Members, s)
		}
		for _, s := range c.departments {
			add(Departments, s)
		}
		add(Members, problemsColumnDef)
		add(Departments, problemsColumnDef)
		for _, kind := range []Sheets{Members, Departments} {
			for _, s := range importOnlyDefs(kind) {
				add(kind, s)
			}
		}
		for i, tag := range langTags {
			for _, l := range langLabels[i] {
				c.langs[headerKey(l)] = tag
			}
			c.langs[headerKey(tag)] = tag
		}
		theCatalog = c
	})
	return theCatalog
}

// spec returns the description of column col of a sheet kind, language forms
// included; nil when the column does not exist.
func (c *catalog) spec(kind Sheets, col Column) *colSpec {
	if s, ok := c.byCol[kind][col]; ok {
		return s
	}
	base, tag := col.split()
	s, ok := c.byCol[kind][base]
	if !ok || !s.multilingual() || tag == "" {
		return nil
	}
	t, err := language.Parse(tag)
	if err != nil || t == language.Und {
		return nil
	}
	ls := *s
	ls.col = LanguageColumn(base, t.String())
	ls.lang = t.String()
	ls.required = false
	ls.synonyms = nil
	return &ls
}

// langTags are the tags of i18n.Languages() as written in names.
var langTags = [3]string{"en", "zh-Hans", "zh-Hant"}

// langLabels are each language's name in English, Simplified and Traditional Chinese.
var langLabels = [3][3]string{
	{"English", "英文", "英文"},
	{"Simplified Chinese", "简体中文", "簡體中文"},
	{"Traditional Chinese", "繁体中文", "繁體中文"},
}

// headerKey is the comparison form of a header: NFKC, case folded, without white
// space, '_', '-', '*' and the marks people add to say a column is required.
func headerKey(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '_' || r == '-' || r == '*' || r == '\u00a0' || r == '\u3000' || r == '\u200b' || r == '\ufeff':
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	for _, mark := range []string{"(required)", "(必填)", "(必填项)", "(必填項)", "(optional)", "(选填)", "(選填)"} {
		out = strings.TrimSuffix(out, mark)
	}
	return out
}

// match finds the column a header names on a sheet of the kind: a label in any of the
// three languages, a common synonym, the stable name, or a multilingual name's
// language form ("Name (English)", "名称（英文）", "name:en"). A trailing note in
// parentheses ("Hire date (YYYY-MM-DD)") is ignored.
func (c *catalog) match(kind Sheets, header string) *colSpec {
	k := headerKey(header)
	if k == "" {
		return nil
	}
	if s, ok := c.byHeader[kind][k]; ok {
		return s
	}
	// "system_name:en"
	if i := strings.IndexByte(k, ':'); i > 0 {
		if s, ok := c.byHeader[kind][k[:i]]; ok && s.multilingual() {
			if ls := c.spec(kind, LanguageColumn(s.col, c.langTag(k[i+1:]))); ls != nil {
				return ls
			}
		}
	}
	// "Name (English)", or a note in parentheses
	if strings.HasSuffix(k, ")") {
		if i := strings.LastIndexByte(k, '('); i > 0 {
			base, inner := k[:i], k[i+1:len(k)-1]
			if s, ok := c.byHeader[kind][base]; ok {
				if s.multilingual() {
					if tag := c.langTag(inner); tag != "" {
						if ls := c.spec(kind, LanguageColumn(s.col, tag)); ls != nil {
							return ls
						}
					}
				}
				return s
			}
		}
	}
	return nil
}

// langTag reads a language label ("English", "繁体中文") or a BCP 47 tag.
func (c *catalog) langTag(s string) string {
	if tag, ok := c.langs[s]; ok {
		return tag
	}
	if t, err := language.Parse(s); err == nil && t != language.Und {
		return t.String()
	}
	return ""
}

// header returns the column's header in the language best matching tag; required
// columns get a leading "*" when mark is set.
func (s *colSpec) header(tag language.Tag, mark bool) string {
	i := i18n.Match(tag)
	h := s.labels[i]
	if s.lang != "" {
		h += langSuffix(s.lang, i)
	}
	if mark && s.required {
		h = "*" + h
	}
	return h
}

// langSuffix is " (English)" or "（英文）" for a language form's header.
func langSuffix(tag string, lang int) string {
	label := tag
	for k, t := range langTags {
		if t == tag {
			label = langLabels[k][lang]
		}
	}
	if lang == 0 {
		return " (" + label + ")"
	}
	return "（" + label + "）"
}

// Header returns the column's header on a sheet of the kind in the language best
// matching tag, or "" when the sheet has no such column.
func (c Column) Header(kind Sheets, tag language.Tag) string {
	s := cat().spec(kind, c)
	if s == nil {
		return ""
	}
	return s.header(tag, false)
}

// MemberColumns returns every column of the member sheet in canonical order (member
// fields, then roles). Avatar and activation time are not imported or exported.
func MemberColumns() []Column { return columnsOf(cat().members) }

// DepartmentColumns returns every column of the department sheet in canonical order.
func DepartmentColumns() []Column { return columnsOf(cat().departments) }

func columnsOf(specs []*colSpec) []Column {
	out := make([]Column, len(specs))
	for i, s := range specs {
		out[i] = s.col
	}
	return out
}

// TemplateMemberColumns are the columns of the default member template: the ones most
// imports need.
func TemplateMemberColumns() []Column {
	return []Column{
		FieldColumn(member.SystemNameField), FieldColumn(member.FullNameField), FieldColumn(member.EmployeeNumberField),
		FieldColumn(member.MobileField), FieldColumn(member.EmailField), FieldColumn(member.GenderField),
		FieldColumn(member.LoginMethodField), FieldColumn(member.PrimaryDepartmentField), FieldColumn(member.SecondaryDepartmentsField),
		FieldColumn(member.JobTitleField), FieldColumn(member.ReportingManagerField), FieldColumn(member.HireDateField),
		FieldColumn(member.StatusField), FieldColumn(member.WorkPlaceField), ColRoles,
	}
}

// TemplateDepartmentColumns are the columns of the default department template.
func TemplateDepartmentColumns() []Column {
	return []Column{ColCode, ColName, ColParent, LanguageColumn(ColName, "en"), ColKind, ColOrder, ColManager, ColStatus}
}

// keyFields are the member fields an import may match members by, in the order the
// automatic choice tries them.
var keyFields = [...]member.Field{member.EmployeeNumberField, member.MobileField, member.EmailField, member.SystemNameField, member.LoginAccountField, member.ExternalIDField}

// KeyFields returns the member fields an import may match members by (employee
// number, mobile, email, system name, login account, external ID), in the order the
// automatic choice of ImportOptions.Key tries them.
func KeyFields() []member.Field { return slices.Clone(keyFields[:]) }

func isKeyField(f member.Field) bool {
	for _, k := range keyFields {
		if k == f {
			return true
		}
	}
	return false
}
