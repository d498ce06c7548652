package i18n

import (
	"regexp"
	"strings"
)

// fieldLabels are the labels of every field a message names, by the field's stable
// snake_case name: the member fields, the node fields, the directory settings, the
// role fields and the parts of commands a violation may point at. member.Field and
// orgtree.Field take their labels from here.
var fieldLabels = map[string][3]string{
	// member fields
	"system_name":             {"System name", "系统名", "系統名"},
	"full_name":               {"Full name", "姓名", "姓名"},
	"login_method":            {"Login method", "登录方式", "登入方式"},
	"mobile":                  {"Mobile", "手机号", "手機號"},
	"email":                   {"Email", "邮箱", "郵箱"},
	"login_account":           {"Login account", "登录账号", "登入帳號"},
	"gender":                  {"Gender", "性别", "性別"},
	"sso_account":             {"SSO account", "SSO 账号", "SSO 帳號"},
	"status":                  {"Status", "状态", "狀態"},
	"login_blocked":           {"Login blocked", "禁止登录", "禁止登入"},
	"activated_at":            {"Activated at", "激活时间", "啟用時間"},
	"primary_department":      {"Primary department", "主属部门", "主屬部門"},
	"secondary_departments":   {"Secondary departments", "附属部门", "附屬部門"},
	"affiliated_department":   {"Affiliated department", "归属部门", "歸屬部門"},
	"affiliated_organization": {"Affiliated organization", "归属组织", "歸屬組織"},
	"job_title":               {"Job title", "职位", "職位"},
	"reporting_manager":       {"Reporting manager", "汇报对象", "匯報對象"},
	"hire_date":               {"Hire date", "入职日期", "入職日期"},
	"employment_date":         {"Employment date", "参加工作日期", "參加工作日期"},
	"employee_number":         {"Employee number", "员工编号", "員工編號"},
	"responsible_lines":       {"Responsible lines", "负责业务线", "負責業務線"},
	"avatar":                  {"Avatar", "头像", "頭像"},
	"birthday":                {"Birthday", "生日", "生日"},
	"office_phone":            {"Office phone", "办公电话", "辦公電話"},
	"extension":               {"Extension", "分机号", "分機號"},
	"qq":                      {"QQ", "QQ", "QQ"},
	"wechat":                  {"WeChat", "微信", "微信"},
	"language":                {"Language", "语言", "語言"},
	"time_zone":               {"Time zone", "时区", "時區"},
	"region":                  {"Region", "地区", "地區"},
	"bio":                     {"Bio", "个人简介", "個人簡介"},
	"work_details":            {"Work details", "工作详情", "工作詳情"},
	"work_place":              {"Work place", "办公地点", "辦公地點"},
	"extended_a":              {"Extended field A", "扩展字段A", "擴展欄位A"},
	"extended_b":              {"Extended field B", "扩展字段B", "擴展欄位B"},
	"external_id":             {"External ID", "外部 ID", "外部 ID"},
	"given_name":              {"Given name", "名", "名"},
	"family_name":             {"Family name", "姓", "姓"},
	"mobile_as_written":       {"Mobile as written", "手机号原始写法", "手機號原始寫法"},
	"email_as_written":        {"Email as written", "邮箱原始写法", "郵箱原始寫法"},
	"deprovisioned":           {"Deprovisioned", "已取消预配", "已取消佈建"},
	// node fields and what node commands name
	"name":                 {"Name", "名称", "名稱"},
	"code":                 {"Code", "编码", "編碼"},
	"order":                {"Order", "排序", "排序"},
	"parent":               {"Parent", "上级", "上級"},
	"manager":              {"Manager", "负责人", "負責人"},
	"assistants":           {"Assistants", "助理", "助理"},
	"observers":            {"Observers", "观察者", "觀察者"},
	"group":                {"Group", "群组", "群組"},
	"isolation":            {"Isolation", "隔离设置", "隔離設置"},
	"kind":                 {"Kind", "类型", "類型"},
	"node":                 {"Node", "节点", "節點"},
	"target":               {"Merge target", "合并目标", "合併目標"},
	"sources":              {"Merge sources", "合并来源", "合併來源"},
	"whitelist":            {"Whitelist", "白名单", "白名單"},
	"visibility_whitelist": {"Visibility whitelist", "可见白名单", "可見白名單"},
	"contact_whitelist":    {"Contact whitelist", "通讯录白名单", "通訊錄白名單"},
	"hide_from_outside":    {"Hide from outside", "对外隐藏", "對外隱藏"},
	"contact_view":         {"Contact view", "通讯录查看范围", "通訊錄查看範圍"},
	"reception":            {"Work-info reception", "工作消息接收", "工作訊息接收"},
	"list":                 {"List", "名单", "名單"},
	// directory settings
	"key":         {"Key", "标识", "標識"},
	"platform":    {"Platform", "平台", "平台"},
	"upstream_id": {"Upstream ID", "上游 ID", "上游 ID"},
	"leader":      {"Leader", "负责人", "負責人"},
	"multi_org":   {"Multi-org", "多组织", "多組織"},
	"self_join":   {"Self-join", "自行加入", "自行加入"},
	"org_admin":   {"Org admin", "组织管理员", "組織管理員"},
	// role fields and what role and member commands name
	"role":           {"Role", "角色", "角色"},
	"roles":          {"Roles", "角色", "角色"},
	"primary":        {"Primary role", "主角色", "主角色"},
	"permissions":    {"Permissions", "权限", "權限"},
	"members":        {"Members", "成员", "成員"},
	"id":             {"ID", "ID", "ID"},
	"fields":         {"Fields", "字段", "欄位"},
	"secondary_mode": {"Secondary department mode", "附属部门处理方式", "附屬部門處理方式"},
	"departments":    {"Departments", "部门", "部門"},
}

// FieldLabel returns the label of the field with the stable name in language li (an
// index into Languages), or the name itself when it has none.
func FieldLabel(name string, li int) string {
	if l, ok := fieldLabels[name]; ok {
		return l[li]
	}
	return name
}

// FieldLabels returns the labels of the field with the stable name; ok is false when
// it has none.
func FieldLabels(name string) (labels [3]string, ok bool) {
	labels, ok = fieldLabels[name]
	return labels, ok
}

// terms are words that stand for values of closed sets — kinds, statuses, actions,
// card kinds — as messages say them.
var terms = map[string][3]string{
	// node kinds, and what cannot be done to the company root
	"company":      {"company", "公司", "公司"},
	"organization": {"organization", "组织", "組織"},
	"department":   {"department", "部门", "部門"},
	"moved":        {"moved", "移动", "移動"},
	"deactivated":  {"deactivated", "停用", "停用"},
	"merged":       {"merged", "合并", "合併"},
	// what cannot be done to the built-in org-admin role
	"changed": {"changed", "修改", "修改"},
	"retired": {"retired", "归档", "歸檔"},
	// statuses and switches
	"active":   {"active", "启用", "啟用"},
	"inactive": {"inactive", "停用", "停用"},
	"off":      {"off", "关闭", "關閉"},
	"on":       {"on", "开启", "開啟"},
	"keep":     {"keep", "保留", "保留"},
	// the default form of a multilingual name
	"default": {"default", "默认", "預設"},
	// login methods
	"platform": {"platform", "平台账号", "平台帳號"},
	"account":  {"account", "登录账号", "登入帳號"},
	// role kinds
	"business": {"business", "业务", "業務"},
	"admin":    {"admin", "管理", "管理"},
	// card kinds
	"hover_card":   {"hover card", "悬浮卡片", "懸浮卡片"},
	"profile_page": {"profile page", "个人详情页", "個人詳情頁"},
}

// Term returns word as messages say it in language li: a term of a closed set
// ("department", "moved", "hover_card"), else a field's label ("mobile"), else word
// itself.
func Term(word string, li int) string {
	if t, ok := terms[word]; ok {
		return t[li]
	}
	if l, ok := fieldLabels[word]; ok {
		if li == 0 {
			return strings.ToLower(l[0][:1]) + l[0][1:]
		}
		return l[li]
	}
	return word
}

// Terms returns the forms of a term; ok is false when word is none.
func Terms(word string) (forms [3]string, ok bool) {
	forms, ok = terms[word]
	return forms, ok
}

var listSeps = [3]string{", ", "、", "、"}

// Join joins items as a list in language li: "a, b, c" or "a、b、c".
func Join(items []string, li int) string { return strings.Join(items, listSeps[li]) }

// latin finds words in Latin letters.
var latin = regexp.MustCompile(`[A-Za-z]+`)

// LatinAllowed are the Latin words a Chinese text may hold: names of things that
// have no Chinese name (ID, SSO, QQ, image formats) and the letters of the extended
// fields A and B.
var LatinAllowed = map[string]bool{"ID": true, "SSO": true, "QQ": true, "JPEG": true, "GIF": true, "PNG": true, "A": true, "B": true, "CSV": true, "xlsx": true}

// LatinWords returns the words of s in Latin letters that LatinAllowed does not
// allow: what a Chinese text must not hold.
func LatinWords(s string) []string {
	var out []string
	for _, w := range latin.FindAllString(s, -1) {
		if !LatinAllowed[w] {
			out = append(out, w)
		}
	}
	return out
}

// LatinInChinese renders every text of the table in Simplified and Traditional
// Chinese with args and returns, by key, the Latin words the renderings hold that
// LatinAllowed does not allow. Tests call it with Chinese arguments: whatever it
// returns is a word the table failed to translate.
func (t *Texts) LatinInChinese(args ...any) map[string][]string {
	out := map[string][]string{}
	for _, e := range t.entries {
		for _, tag := range languages[1:] {
			if w := LatinWords(t.Sprintf(tag, e.Key, args...)); len(w) > 0 {
				out[e.Key] = append(out[e.Key], w...)
			}
		}
	}
	return out
}
