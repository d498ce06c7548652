package importexport

import (
	"fmt"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
)

// platformTemplate is a platform's own member-import template, as administrators
// download it: the headers it has, what each means here, and how its rows look. A
// member sheet whose header row holds every header of the signature is read as that
// template: its headers mean what the template says (before the generic catalog's
// synonyms, which may read the same words otherwise), and its example row is skipped.
type platformTemplate struct {
	name   string // "WeCom", …
	source string // where the template is described
	// columns maps each header, as the template spells it (with its variants), to a
	// column. A key "[prop]" matches an Entra-style header "Item [prop] Required".
	columns map[string]Column
	// signature are headers (keys of columns, alternatives separated by '|') that
	// together identify the template.
	signature []string
	// example reports whether a data row, by its first non-blank cell, is the
	// template's own example row.
	example func(first string) bool
	// pathSeparator and listSeparator are how the template writes a department path
	// ("市场部-杭州分部") and several departments in one cell ("研发部,产品部"), where
	// it documents its own; "" where it writes them as the importer does ('/' between
	// levels, ';' or '；' between departments).
	pathSeparator, listSeparator string
}

// platformTemplates are the templates recognized, in the order they are tried. The
// header rows they are built from are pinned, with their sources, in
// testdata/templates.
var platformTemplates = []*platformTemplate{
	{
		name:   "WeCom",
		source: "WeCom admin console, 通讯录 → 批量导入/导出, sheet 成员列表 (see testdata/templates/wecom.json)",
		columns: map[string]Column{
			"姓名": FieldColumn(member.FullNameField), "帐号": FieldColumn(member.LoginAccountField),
			"账号": FieldColumn(member.LoginAccountField), "别名": ColIgnore, "职务": FieldColumn(member.JobTitleField),
			"部门": FieldColumn(member.PrimaryDepartmentField), "性别": FieldColumn(member.GenderField),
			"手机": FieldColumn(member.MobileField), "座机": FieldColumn(member.OfficePhoneField),
			"邮箱": FieldColumn(member.EmailField), "个人邮箱": FieldColumn(member.EmailField), "企业邮箱": ColIgnore,
			"地址": FieldColumn(member.WorkPlaceField), "对外职务": ColIgnore, "视频号": ColIgnore, "英文名": ColIgnore,
			"英文id": ColIgnore,
			// The exported file's status columns, which an import ignores.
			"激活状态": ColIgnore, "禁用状态": ColIgnore, "微信插件": ColIgnore,
			// Traditional-Chinese spellings (企業微信 in 繁體中文)
			"帳號": FieldColumn(member.LoginAccountField), "賬號": FieldColumn(member.LoginAccountField),
			"別名": ColIgnore, "職務": FieldColumn(member.JobTitleField), "部門": FieldColumn(member.PrimaryDepartmentField),
			"性別": FieldColumn(member.GenderField), "手機": FieldColumn(member.MobileField),
			"座機": FieldColumn(member.OfficePhoneField), "郵箱": FieldColumn(member.EmailField),
			"個人郵箱": FieldColumn(member.EmailField), "企業郵箱": ColIgnore, "對外職務": ColIgnore, "視頻號": ColIgnore,
			"激活狀態": ColIgnore, "禁用狀態": ColIgnore,
		},
		signature: []string{"姓名", "帐号|账号|帳號|賬號", "部门|部門", "别名|別名"},
		example:   chineseExample,
	},
	{
		// The CSV of WeCom's "batch/syncuser" and "batch/replaceuser" APIs
		// (batch_user_sample.csv): departments by ID, several separated by ';'.
		name:   "WeCom CSV",
		source: "https://developer.work.weixin.qq.com/document/path/90980 (batch_user_sample.csv)",
		columns: map[string]Column{
			"姓名": FieldColumn(member.FullNameField), "帐号": FieldColumn(member.LoginAccountField),
			"账号": FieldColumn(member.LoginAccountField), "微信号": FieldColumn(member.WeChatField),
			"手机号": FieldColumn(member.MobileField), "邮箱": FieldColumn(member.EmailField),
			"所在部门": FieldColumn(member.PrimaryDepartmentField), "职位": FieldColumn(member.JobTitleField),
			"性别": FieldColumn(member.GenderField), "是否部门内领导": ColIgnore, "排序": ColIgnore, "别名": ColIgnore,
			"地址": FieldColumn(member.WorkPlaceField), "座机": FieldColumn(member.OfficePhoneField),
			"禁用": FieldColumn(member.LoginBlockedField), "禁用项说明:(0启用;1禁用)": ColIgnore,
		},
		signature: []string{"姓名", "帐号|账号", "所在部门"},
	},
	{
		name:   "DingTalk",
		source: "DingTalk admin console, 通讯录 → 批量导入/导出, sheet 员工信息表1 (see testdata/templates/dingtalk.json)",
		columns: map[string]Column{
			"员工userid": FieldColumn(member.ExternalIDField), "userid": FieldColumn(member.ExternalIDField),
			"姓名": FieldColumn(member.FullNameField), "手机号": FieldColumn(member.MobileField),
			"手机": FieldColumn(member.MobileField), "部门": FieldColumn(member.PrimaryDepartmentField),
			"职位": FieldColumn(member.JobTitleField), "工号": FieldColumn(member.EmployeeNumberField),
			"是否此部门主管(是/否)": ColIgnore, "邮箱": FieldColumn(member.EmailField),
			"分机号": FieldColumn(member.ExtensionField), "办公地点": FieldColumn(member.WorkPlaceField),
			"备注": ColIgnore, "入职时间": FieldColumn(member.HireDateField), "企业邮箱": ColIgnore,
			"激活状态": ColIgnore, "角色": ColIgnore, "性别": FieldColumn(member.GenderField),
			"直属主管": FieldColumn(member.ReportingManagerField), "主管": FieldColumn(member.ReportingManagerField),
			"直属主管userid": FieldColumn(member.ReportingManagerField),
			// The current file's exclusive-account columns: 初始密码 is the initial
			// password of a new exclusive account, a secret.
			"初始密码": ColSecret, "登录名": ColIgnore, "归属组织": ColIgnore, "版本类型": ColIgnore, "激活日期": ColIgnore,
			// Traditional-Chinese spellings (釘釘 in 繁體中文)
			"員工userid": FieldColumn(member.ExternalIDField), "手機號": FieldColumn(member.MobileField),
			"手機": FieldColumn(member.MobileField), "部門": FieldColumn(member.PrimaryDepartmentField),
			"職位": FieldColumn(member.JobTitleField), "工號": FieldColumn(member.EmployeeNumberField),
			"是否此部門主管(是/否)": ColIgnore, "郵箱": FieldColumn(member.EmailField),
			"分機號": FieldColumn(member.ExtensionField), "辦公地點": FieldColumn(member.WorkPlaceField),
			"備註": ColIgnore, "入職時間": FieldColumn(member.HireDateField), "企業郵箱": ColIgnore,
			"激活狀態": ColIgnore, "啟用狀態": ColIgnore, "性別": FieldColumn(member.GenderField),
			"直屬主管": FieldColumn(member.ReportingManagerField), "直屬主管userid": FieldColumn(member.ReportingManagerField),
			"初始密碼": ColSecret, "登錄名": ColIgnore, "歸屬組織": ColIgnore, "版本類型": ColIgnore,
		},
		signature: []string{"姓名", "部门|部門", "分机号|分機號", "办公地点|辦公地點"},
		example:   chineseExample,
		// Its 填写须知: "上下级部门间用‘-’隔开 … 多部门和多部门主管都用英文的“,”隔开".
		pathSeparator: "-", listSeparator: ",",
	},
	{
		name:   "Feishu",
		source: "Feishu/Lark admin console, 成员与部门 → 批量导入/导出 (see testdata/templates/feishu.json)",
		columns: map[string]Column{
			"姓名": FieldColumn(member.FullNameField), "用户id": FieldColumn(member.ExternalIDField),
			"手机号": FieldColumn(member.MobileField), "工作邮箱": FieldColumn(member.EmailField),
			"企业邮箱": ColIgnore, "部门": FieldColumn(member.PrimaryDepartmentField),
			"工号": FieldColumn(member.EmployeeNumberField), "性别": FieldColumn(member.GenderField),
			"人员类型": ColIgnore, "入职日期": FieldColumn(member.HireDateField),
			"直属上级": FieldColumn(member.ReportingManagerField), "职务": FieldColumn(member.JobTitleField),
			"工作城市": FieldColumn(member.WorkPlaceField), "英文名": ColIgnore, "别名": ColIgnore, "座位号": ColIgnore,
			// Traditional-Chinese spellings (Lark in 繁體中文)
			"用戶id": FieldColumn(member.ExternalIDField), "手機號": FieldColumn(member.MobileField),
			"工作郵箱": FieldColumn(member.EmailField), "企業郵箱": ColIgnore, "部門": FieldColumn(member.PrimaryDepartmentField),
			"工號": FieldColumn(member.EmployeeNumberField), "性別": FieldColumn(member.GenderField),
			"人員類型": ColIgnore, "入職日期": FieldColumn(member.HireDateField),
			"直屬上級": FieldColumn(member.ReportingManagerField), "職務": FieldColumn(member.JobTitleField),
			"別名": ColIgnore, "座位號": ColIgnore,
		},
		signature: []string{"姓名", "部门|部門", "人员类型|人員類型", "入职日期|入職日期"},
		example:   chineseExample,
	},
	{
		name:   "Microsoft Entra",
		source: "https://learn.microsoft.com/entra/identity/users/users-bulk-add (Bulk create, version:v1.0)",
		columns: map[string]Column{
			"[displayname]": FieldColumn(member.FullNameField), "[userprincipalname]": FieldColumn(member.EmailField),
			"[passwordprofile]": ColSecret, "[accountenabled]": FieldColumn(member.LoginBlockedField),
			"[givenname]": ColGivenName, "[surname]": ColFamilyName, "[jobtitle]": FieldColumn(member.JobTitleField),
			"[department]": FieldColumn(member.PrimaryDepartmentField), "[usagelocation]": FieldColumn(member.RegionField),
			"[streetaddress]": ColIgnore, "[state]": ColIgnore, "[country]": ColIgnore, "[city]": ColIgnore,
			"[postalcode]": ColIgnore, "[physicaldeliveryofficename]": FieldColumn(member.WorkPlaceField),
			"[telephonenumber]": FieldColumn(member.OfficePhoneField), "[mobile]": FieldColumn(member.MobileField),
		},
		signature: []string{"[displayname]", "[userprincipalname]", "[passwordprofile]"},
		example:   func(first string) bool { return strings.HasPrefix(strings.ToLower(first), "example:") },
	},
	{
		name:   "Google Workspace",
		source: "https://support.google.com/a/answer/40057 (Bulk update users, blank CSV template)",
		columns: map[string]Column{
			"firstname": ColGivenName, "lastname": ColFamilyName, "emailaddress": FieldColumn(member.EmailField),
			"password": ColSecret, "passwordhashfunction": ColSecret,
			"orgunitpath": FieldColumn(member.PrimaryDepartmentField), "newprimaryemail": ColIgnore,
			"recoveryemail": ColIgnore, "homesecondaryemail": ColIgnore, "worksecondaryemail": ColIgnore,
			"recoveryphone": ColIgnore, "workphone": FieldColumn(member.OfficePhoneField), "homephone": ColIgnore,
			"mobilephone": FieldColumn(member.MobileField), "workaddress": FieldColumn(member.WorkPlaceField),
			"homeaddress": ColIgnore, "employeeid": FieldColumn(member.EmployeeNumberField), "employeetype": ColIgnore,
			"employeetitle": FieldColumn(member.JobTitleField), "manageremail": FieldColumn(member.ReportingManagerField),
			"department": ColIgnore, "costcenter": ColIgnore, "buildingid": ColIgnore, "floorname": ColIgnore,
			"floorsection": ColIgnore, "changepasswordatnextsignin": ColIgnore, "newstatus": ColIgnore,
			"newlicenses": ColIgnore, "advancedprotectionprogramenrollment": ColIgnore,
			// A downloaded user list's columns that Google itself does not upload
			// ("Status [READ ONLY]", "Last Sign In [READ ONLY]", …).
			"[readonly]": ColIgnore,
		},
		// The blank template has an org unit path; a downloaded user list of selected
		// columns may not, but has columns marked [READ ONLY].
		signature: []string{"firstname", "lastname", "emailaddress", "orgunitpath|[readonly]"},
	},
}

// chineseExample reports the example rows the Chinese platforms' templates may keep
// under their headers ("示例", "例：张三").
func chineseExample(first string) bool {
	return strings.HasPrefix(first, "示例") || strings.HasPrefix(first, "例:") || strings.HasPrefix(first, "例：")
}

// templateNamed returns the recognized template of the name, or nil.
func templateNamed(name string) *platformTemplate {
	for _, t := range platformTemplates {
		if t.name == name {
			return t
		}
	}
	return nil
}

// departmentCell rewrites a department cell written in the template's own notation
// into the importer's: levels separated by '/', departments by ';'. It reports false
// when the template has no notation of its own or the cell reads the same either way.
// Callers try a cell as it is first, so a name holding the template's separators
// still resolves whole.
func (t *platformTemplate) departmentCell(v string) (string, bool) {
	if t == nil || (t.pathSeparator == "" && t.listSeparator == "") {
		return v, false
	}
	items := []string{v}
	if t.listSeparator != "" {
		items = strings.Split(v, t.listSeparator)
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		if t.pathSeparator != "" {
			levels := strings.Split(item, t.pathSeparator)
			for i, l := range levels {
				levels[i] = strings.TrimSpace(l)
			}
			item = strings.Join(levels, "/")
		}
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	alt := strings.Join(out, ";")
	return alt, alt != v
}

// templateKeys returns the keys a header may be found under in a template's columns:
// its headerKey; the property names in square brackets ("Name [displayName]
// Required" → "[displayname]"); and the header without its bracketed notes and
// "required" marks ("First Name [Required]" → "firstname").
func templateKeys(header string) []string {
	k := headerKey(header)
	keys := []string{k}
	if !strings.Contains(k, "[") {
		return keys
	}
	var bare strings.Builder
	for rest := k; rest != ""; {
		i := strings.IndexByte(rest, '[')
		if i < 0 {
			bare.WriteString(rest)
			break
		}
		bare.WriteString(rest[:i])
		j := strings.IndexByte(rest[i:], ']')
		if j < 0 {
			break
		}
		inner := rest[i+1 : i+j]
		switch inner {
		case "required", "uploadonly", "optional":
		default:
			if !strings.Contains(inner, "format") {
				keys = append(keys, "["+inner+"]")
			}
		}
		rest = rest[i+j+1:]
	}
	b := strings.TrimSuffix(bare.String(), "required")
	return append(keys, b)
}

// lookup returns the column the template gives a header.
func (t *platformTemplate) lookup(header string) (Column, bool) {
	for _, k := range templateKeys(header) {
		if c, ok := t.columns[k]; ok {
			return c, true
		}
	}
	return "", false
}

// recognizeTemplate returns the platform template whose signature the header texts
// hold, or nil.
func recognizeTemplate(texts []string) *platformTemplate {
	for _, t := range platformTemplates {
		found := map[string]bool{}
		for _, h := range texts {
			for _, k := range templateKeys(h) {
				found[k] = true
			}
		}
		all := true
		for _, s := range t.signature {
			any := false
			for _, alt := range strings.Split(s, "|") {
				any = any || found[alt]
			}
			all = all && any
		}
		if all {
			return t
		}
	}
	return nil
}

// knownHeader reports whether a header names a column of a sheet of the kind in the
// generic catalog or in any platform template: what finds header rows, encodings
// and separators.
func knownHeader(kind Sheets, header string) bool {
	if s := cat().match(kind, header); s != nil && s.typ != tIgnored {
		return true
	}
	if kind == Members {
		for _, t := range platformTemplates {
			if _, ok := t.lookup(header); ok {
				return true
			}
		}
	}
	return false
}

// headerMatcher resolves the headers of one sheet: the host's aliases first, then
// the recognized platform template, then the generic catalog.
type headerMatcher struct {
	aliases map[string]Column // headerKey → column
	tmpl    *platformTemplate
}

// newAliases checks and indexes ImportOptions.HeaderAliases.
func newAliases(given map[string]Column) (map[string]Column, error) {
	if len(given) == 0 {
		return nil, nil
	}
	out := make(map[string]Column, len(given))
	for h, c := range given {
		k := headerKey(h)
		if k == "" {
			return nil, fmt.Errorf("importexport: header alias %q is blank: %w", h, orgkit.ErrInvalid)
		}
		if cat().spec(Members, c) == nil && cat().spec(Departments, c) == nil {
			return nil, fmt.Errorf("importexport: header alias %q names no column %q: %w", h, c, orgkit.ErrInvalid)
		}
		out[k] = c
	}
	return out, nil
}

// match returns the column a header names on a sheet of the kind, or nil.
func (m *headerMatcher) match(kind Sheets, header string) *colSpec {
	if c, ok := m.aliases[headerKey(header)]; ok {
		if s := cat().spec(kind, c); s != nil {
			return s
		}
	}
	if m.tmpl != nil && kind == Members {
		if c, ok := m.tmpl.lookup(header); ok {
			if s := cat().spec(kind, c); s != nil {
				return s
			}
		}
	}
	return cat().match(kind, header)
}

// known reports whether a header names a column, for finding the header row.
func (m *headerMatcher) known(kind Sheets, header string) bool {
	if c, ok := m.aliases[headerKey(header)]; ok && cat().spec(kind, c) != nil {
		return true
	}
	return knownHeader(kind, header)
}
