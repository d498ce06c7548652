package importexport

import (
	"sync"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/i18n"
)

// enumValue is one value of an enumerated column: its stable name, its labels in the
// three languages and other words people write for it.
type enumValue struct {
	name     string
	labels   [3]string
	synonyms []string
	v        int
}

// enumSpec is the set of values of an enumerated column.
type enumSpec struct {
	values []enumValue
	once   sync.Once      // the indexes are built on first use, not at package init
	exact  map[string]int // word as written → value
	index  map[string]int // normalized word → value
}

func newEnum(values ...enumValue) *enumSpec { return &enumSpec{values: values} }

func (e *enumSpec) build() {
	e.exact, e.index = map[string]int{}, map[string]int{}
	for _, v := range e.values {
		for _, w := range append(append([]string{v.name}, v.labels[:]...), v.synonyms...) {
			if _, taken := e.exact[w]; !taken {
				e.exact[w] = v.v
			}
			if k := enumKey(w); k != "" {
				if _, taken := e.index[k]; !taken {
					e.index[k] = v.v
				}
			}
		}
	}
}

// parse reads a cell: any label, synonym or stable name, compared after NFKC, case
// folding and removal of white space.
func (e *enumSpec) parse(s string) (int, bool) {
	e.once.Do(e.build)
	if v, ok := e.exact[s]; ok {
		return v, true
	}
	v, ok := e.index[enumKey(s)]
	return v, ok
}

// labelIn returns the label of value v in language li (an index into i18n.Languages()).
func (e *enumSpec) labelIn(v, li int) string {
	for _, x := range e.values {
		if x.v == v {
			return x.labels[li]
		}
	}
	return ""
}

// labels returns every value's label in the language best matching tag.
func (e *enumSpec) labelsIn(tag language.Tag) []string {
	out := make([]string, len(e.values))
	for i, x := range e.values {
		out[i] = x.labels[i18n.Match(tag)]
	}
	return out
}

func enumKey(s string) string { return headerKey(s) }

// The enumerated columns. Blank cells are "not set"; the values are the ints of the
// corresponding Go enums.
var (
	genderEnum = newEnum(
		enumValue{"male", [3]string{"Male", "男", "男"}, []string{"m", "男性", "man"}, 1},
		enumValue{"female", [3]string{"Female", "女", "女"}, []string{"f", "女性", "woman"}, 2},
		enumValue{"private", [3]string{"Prefer not to say", "保密", "保密"}, []string{"secret", "undisclosed", "不公开", "不公開"}, 3},
	)
	loginMethodEnum = newEnum(
		enumValue{"mobile", [3]string{"Mobile", "手机号", "手機號"}, []string{"phone", "mobile phone", "手机", "手機", "手机号码", "手機號碼"}, 0},
		enumValue{"email", [3]string{"Email", "邮箱", "郵箱"}, []string{"e-mail", "mail", "电子邮箱", "電子郵件", "电子邮件"}, 1},
		enumValue{"platform", [3]string{"Synced platform", "同步平台账号", "同步平台帳號"}, []string{"platform", "sso", "qr code", "扫码", "掃碼"}, 2},
		enumValue{"account", [3]string{"Login account", "登录账号", "登入帳號"}, []string{"account", "username", "user name", "用户名", "用戶名", "账号", "帳號"}, 3},
	)
	statusEnum = newEnum(
		enumValue{"active", [3]string{"Active", "启用", "啟用"}, []string{"enabled", "正常", "在职", "在職", "激活"}, int(orgkit.Active)},
		enumValue{"inactive", [3]string{"Inactive", "停用", "停用"}, []string{"disabled", "禁用", "离职", "離職", "deactivated"}, int(orgkit.Inactive)},
	)
	kindEnum = newEnum(
		enumValue{"company", [3]string{"Company", "公司", "公司"}, []string{"root", "企业", "企業", "集团", "集團"}, 1},
		enumValue{"organization", [3]string{"Organization", "组织", "組織"}, []string{"organisation", "org", "子公司", "分公司"}, 2},
		enumValue{"department", [3]string{"Department", "部门", "部門"}, []string{"dept"}, 3},
	)
	contactViewEnum = newEnum(
		enumValue{"unrestricted", [3]string{"Unrestricted", "不限制", "不限制"}, []string{"all", "全部"}, 0},
		enumValue{"within_node", [3]string{"Only within this department", "仅本部门内", "僅本部門內"}, []string{"within", "within department", "本部门", "本部門"}, 1},
		enumValue{"only_self", [3]string{"Only themselves", "仅自己", "僅自己"}, []string{"self", "only self", "自己"}, 2},
	)
	receptionEnum = newEnum(
		enumValue{"from_ancestors", [3]string{"Messages to any parent department", "接收所有上级的消息", "接收所有上級的訊息"}, []string{"all", "ancestors", "全部"}, 0},
		enumValue{"only_this_node", [3]string{"Only this department and below", "仅接收本部门及以下的消息", "僅接收本部門及以下的訊息"}, []string{"only this", "this department", "本部门", "本部門"}, 1},
	)
	yesNoEnum = newEnum(
		enumValue{"yes", [3]string{"Yes", "是", "是"}, []string{"y", "true", "1", "on", "x", "✓", "✔", "√", "对", "對"}, 1},
		enumValue{"no", [3]string{"No", "否", "否"}, []string{"n", "false", "0", "off", "不", "×", "✗", "错", "錯"}, 0},
	)
)

// tr is a text in English, Simplified and Traditional Chinese.
type tr [3]string

func (t tr) in(tag language.Tag) string { return t[i18n.Match(tag)] }

// Words used in reports, templates and the error workbook.
var (
	wordMembers  = tr{"Members", "成员", "成員"}
	wordDepts    = tr{"Departments", "部门", "部門"}
	wordInstr    = tr{"Instructions", "填写说明", "填寫說明"}
	wordProblems = tr{"Problems", "错误列表", "錯誤列表"}
	wordYes      = tr{"Yes", "是", "是"}
	wordNo       = tr{"No", "否", "否"}
)

// problemHeaders are the columns of the error workbook's problem sheet.
var problemHeaders = [...]tr{
	{"Sheet", "工作表", "工作表"},
	{"Row", "行", "列"},
	{"Column", "列", "欄"},
	{"Header", "表头", "表頭"},
	{"Value", "值", "值"},
	{"Code", "错误代码", "錯誤代碼"},
	{"Message", "说明", "說明"},
}

// The violation codes importexport reports itself, beyond orgkit's. Problems use these
// codes and orgkit's (orgkit.CodeFieldInvalid of a cell, orgkit.CodeFieldDuplicate of
// a key, orgkit.CodeReferenceNotFound of a reference, and the write path's own).
const (
	CodeHeaderNotFound     = "import.header.not_found"
	CodeColumnUnknown      = "import.column.unknown"
	CodeColumnDuplicate    = "import.column.duplicate"
	CodeColumnRequired     = "import.column.required"
	CodeColumnNoHeader     = "import.column.no_header"
	CodeCellTooLong        = "import.cell.too_long"
	CodeCellError          = "import.cell.error"
	CodeCellRounded        = "import.cell.rounded"
	CodeReferenceAmbiguous = "import.reference.ambiguous"
	CodeRowCycle           = "import.row.cycle"
	CodeRowRoot            = "import.row.root"
	// CodeTooManyProblems ends a list of problems cut short at Limits.MaxProblems.
	CodeTooManyProblems = "import.problems.too_many"
)

// messages are the texts of importexport's own codes; %[1]s is where (a row or a
// sheet), %[2]s the column's header, %[3]s the value, %[4]s the detail.
var messages = i18n.NewTexts(
	i18n.Text{Key: CodeHeaderNotFound, Forms: [3]string{
		"%[1]s: no header row with known columns was found in the first %[4]s rows",
		"%[1]s：前 %[4]s 行中没有找到包含已知列的表头",
		"%[1]s：前 %[4]s 列中沒有找到包含已知欄位的表頭"}},
	i18n.Text{Key: CodeColumnUnknown, Forms: [3]string{
		"%[1]s: column %[3]q is not a known column",
		"%[1]s：无法识别的列「%[3]s」",
		"%[1]s：無法識別的欄位「%[3]s」"}},
	i18n.Text{Key: CodeColumnDuplicate, Forms: [3]string{
		"%[1]s: column %[3]q appears twice (also in column %[4]s)",
		"%[1]s：列「%[3]s」重复出现（另见 %[4]s 列）",
		"%[1]s：欄位「%[3]s」重複出現（另見 %[4]s 欄）"}},
	i18n.Text{Key: CodeColumnRequired, Forms: [3]string{
		"%[1]s: the column %[2]s is required%[4]s",
		"%[1]s：缺少必需的列「%[2]s」%[4]s",
		"%[1]s：缺少必需的欄位「%[2]s」%[4]s"}},
	i18n.Text{Key: CodeColumnNoHeader, Forms: [3]string{
		"%[1]s: column %[4]s holds values (such as %[3]q) but has no header",
		"%[1]s：%[4]s 列有内容（如「%[3]s」）但没有表头",
		"%[1]s：%[4]s 欄有內容（如「%[3]s」）但沒有表頭"}},
	i18n.Text{Key: CodeTooManyProblems, Forms: [3]string{
		"%[1]s: more than %[4]s problems were found; the first %[4]s are listed",
		"%[1]s：发现的问题超过 %[4]s 个，仅列出前 %[4]s 个",
		"%[1]s：發現的問題超過 %[4]s 個，僅列出前 %[4]s 個"}},
	i18n.Text{Key: CodeCellTooLong, Forms: [3]string{
		"%[1]s: %[2]s is longer than %[4]s characters",
		"%[1]s：%[2]s 超过 %[4]s 个字符",
		"%[1]s：%[2]s 超過 %[4]s 個字元"}},
	i18n.Text{Key: CodeCellError, Forms: [3]string{
		"%[1]s: %[2]s holds the spreadsheet error %[3]s",
		"%[1]s：%[2]s 是表格公式错误 %[3]s",
		"%[1]s：%[2]s 是表格公式錯誤 %[3]s"}},
	i18n.Text{Key: CodeCellRounded, Forms: [3]string{
		"%[1]s: %[2]s %[3]q looks like a number the spreadsheet rounded; format the column as text and enter the whole value",
		"%[1]s：%[2]s「%[3]s」像是被表格软件按科学计数法截断的数字；请把该列设为文本格式并填写完整",
		"%[1]s：%[2]s「%[3]s」像是被試算表以科學記號截斷的數字；請把該欄設為文字格式並填寫完整"}},
	i18n.Text{Key: CodeReferenceAmbiguous, Forms: [3]string{
		"%[1]s: %[2]s %[3]q matches several records (%[4]s); write a code or the full path",
		"%[1]s：%[2]s「%[3]s」匹配到多条记录（%[4]s）；请填写编码或完整路径",
		"%[1]s：%[2]s「%[3]s」匹配到多筆記錄（%[4]s）；請填寫編碼或完整路徑"}},
	i18n.Text{Key: CodeRowCycle, Forms: [3]string{
		"%[1]s: parent %[3]q makes a cycle (%[4]s)",
		"%[1]s：上级「%[3]s」形成循环（%[4]s）",
		"%[1]s：上級「%[3]s」形成循環（%[4]s）"}},
	i18n.Text{Key: CodeRowRoot, Forms: [3]string{
		"%[1]s: the company row%[4]s",
		"%[1]s：公司行%[4]s",
		"%[1]s：公司列%[4]s"}},
)

// message renders a violation in the language best matching tag: importexport's own
// codes from its table, every other code from orgkit's.
func message(v orgkit.Violation, tag language.Tag) string {
	if messages.Has(v.Code) {
		return messages.Sprintf(tag, v.Code, v.Record.Text(tag), string(v.Field), v.Value, v.Detail)
	}
	return v.Text(tag)
}

// Details used in problems, in the three languages.
var (
	detailKeyForUpdate = tr{" to match members in update and upsert mode", "（更新和新增或更新模式按它匹配成员）", "（更新和新增或更新模式按它匹配成員）"}
	detailDateExample  = tr{" (write a date such as 2024-03-01)", "（请填写日期，如 2024-03-01）", "（請填寫日期，如 2024-03-01）"}
	detailOneOf        = tr{" (one of: %s)", "（可选值：%s）", "（可選值：%s）"}
	detailWholeNumber  = tr{" (write a whole number)", "（请填写整数）", "（請填寫整數）"}
	detailRootParent   = tr{" cannot have a parent", "不能有上级", "不能有上級"}
	detailRootTwice    = tr{" appears twice", "重复出现", "重複出現"}
	detailKindChange   = tr{" (the kind of an existing node cannot change)", "（已有节点的类型不能修改）", "（已有節點的類型不能修改）"}
)

// Instructions: what each kind of column holds.
var typeHelp = map[colType]tr{
	tText:       {"Text.", "文本。", "文字。"},
	tLongText:   {"Text; may span several lines.", "文本，可以换行。", "文字，可以換行。"},
	tNumText:    {"Text. Format the column as Text so that leading zeros are kept.", "文本。请把该列设为文本格式，以保留开头的 0。", "文字。請把該欄設為文字格式，以保留開頭的 0。"},
	tDate:       {"A date: 2024-03-01, 2024/3/1, 2024年3月1日 or a date cell. D/M/YYYY is read day first.", "日期：2024-03-01、2024/3/1、2024年3月1日 或日期单元格。D/M/YYYY 按日在前读取。", "日期：2024-03-01、2024/3/1、2024年3月1日 或日期儲存格。D/M/YYYY 按日在前讀取。"},
	tBool:       {"Yes or No.", "是 或 否。", "是 或 否。"},
	tEnum:       {"One of: %s.", "可选值：%s。", "可選值：%s。"},
	tInt:        {"A whole number; smaller numbers sort first.", "整数，越小越靠前。", "整數，越小越靠前。"},
	tCode:       {"The department's code: letters, digits, '-', '_' or '.'. It identifies the department.", "部门编码：字母、数字、-、_ 或 .，用于识别部门。", "部門編碼：字母、數字、-、_ 或 .，用於識別部門。"},
	tNodeRef:    {"A department code, or a path such as Acme/Beijing R&D.", "部门编码，或路径，如 Acme/北京研发。", "部門編碼，或路徑，如 Acme/北京研發。"},
	tNodeList:   {"Department codes or paths, separated by ;", "部门编码或路径，用 ; 分隔", "部門編碼或路徑，用 ; 分隔"},
	tMemberRef:  {"The %s of another member, in the directory or in this file.", "另一成员的%s（已有成员或本文件中的成员）。", "另一成員的%s（已有成員或本檔案中的成員）。"},
	tMemberList: {"%s of members, separated by ;", "成员的%s，用 ; 分隔", "成員的%s，用 ; 分隔"},
	tRoleList:   {"Role names separated by ; — the first is the primary role.", "角色名称，用 ; 分隔，第一个为主角色。", "角色名稱，用 ; 分隔，第一個為主角色。"},
	tTextList:   {"Values separated by ;", "多个值用 ; 分隔", "多個值用 ; 分隔"},
}

// instructions are the general notes of a template's instruction sheet.
var instructions = []tr{
	{"Fill in one record per row below the header. Columns may be in any order; headers in English, Simplified or Traditional Chinese are recognized, and columns you do not need may be deleted.",
		"在表头下方每行填写一条记录。列的顺序不限；英文、简体中文和繁体中文的表头都能识别，不需要的列可以删除。",
		"在表頭下方每列填寫一筆記錄。欄位順序不限；英文、簡體中文和繁體中文的表頭都能識別，不需要的欄位可以刪除。"},
	{"Columns marked * are required for new records.", "标 * 的列在新增记录时必填。", "標 * 的欄位在新增記錄時必填。"},
	{"When updating, a blank cell leaves the value unchanged and #clear empties it.", "更新时，空白单元格表示不修改，填写 #clear 表示清空。", "更新時，空白儲存格表示不修改，填寫 #clear 表示清空。"},
	{"Nothing is written unless every row is valid: every problem is reported with its row and column.", "只有所有行都正确时才会写入；每个错误都会标明所在的行和列。", "只有所有列都正確時才會寫入；每個錯誤都會標明所在的列和欄。"},
}

// instruction sheet headers
var instrHeaders = [...]tr{
	{"Column", "列", "欄位"},
	{"Required", "必填", "必填"},
	{"What to write", "填写说明", "填寫說明"},
}
