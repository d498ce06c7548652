package importexport

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// pinnedTemplate is a platform template as pinned in testdata/templates.
type pinnedTemplate struct {
	Platform   string `json:"platform"`
	Format     string `json:"format"`
	Confidence string `json:"confidence"`
	Sources    []struct {
		URL  string `json:"url"`
		Read string `json:"read"`
		What string `json:"what"`
	} `json:"sources"`
	Rows                    [][]string  `json:"rows"`
	HeaderRow               int         `json:"header_row"`
	Merges                  [][2]string `json:"merges"`
	Examples                [][]string  `json:"examples"`
	TraditionalHeader       []string    `json:"traditional_header"`
	TraditionalInstructions []string    `json:"traditional_instructions"` // the instruction row in the Traditional form
	DepartmentSeparator     string      `json:"department_separator"`
	// VariantCells maps header cells to the variant spellings sources show for them
	// (full-width parentheses, …): the template must import with either.
	VariantCells map[string]string `json:"variant_cells"`
	// Variants are other layouts of the same file sources show (a company with
	// business mail has one more column and one more rule): whole rows, header row
	// and merges of their own.
	Variants []struct {
		What      string      `json:"what"`
		Source    string      `json:"source"`
		Rows      [][]string  `json:"rows"`
		HeaderRow int         `json:"header_row"`
		Merges    [][2]string `json:"merges"`
	} `json:"variants"`
}

// variantLayout returns the template as its i-th variant lays it out.
func (p *pinnedTemplate) variantLayout(t *testing.T, i int) *pinnedTemplate {
	t.Helper()
	require.Less(t, i, len(p.Variants))
	v := p.Variants[i]
	require.NotEmpty(t, v.Source)
	require.True(t, v.HeaderRow >= 1 && v.HeaderRow <= len(v.Rows))
	q := *p
	q.Rows, q.HeaderRow, q.Merges, q.Variants = v.Rows, v.HeaderRow, v.Merges, nil
	return &q
}

// variant returns the header with every variant cell substituted, and the data with
// its keys renamed to match.
func (p *pinnedTemplate) variant(data []map[string]string) ([]string, []map[string]string) {
	h := slices.Clone(p.header())
	for i, c := range h {
		if v, ok := p.VariantCells[c]; ok {
			h[i] = v
		}
	}
	out := make([]map[string]string, len(data))
	for i, d := range data {
		out[i] = map[string]string{}
		for k, v := range d {
			if alt, ok := p.VariantCells[k]; ok {
				k = alt
			}
			out[i][k] = v
		}
	}
	return h, out
}

func loadTemplate(t *testing.T, name string) *pinnedTemplate {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "templates", name+".json"))
	require.NoError(t, err)
	var p pinnedTemplate
	require.NoError(t, json.Unmarshal(b, &p))
	require.NotEmpty(t, p.Sources, "%s: pinned with its sources", name)
	for _, s := range p.Sources {
		require.NotEmpty(t, s.URL)
		require.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, s.Read, "%s: the date the source was read", name)
	}
	require.True(t, p.HeaderRow >= 1 && p.HeaderRow <= len(p.Rows))
	return &p
}

// header returns the pinned header row.
func (p *pinnedTemplate) header() []string { return p.Rows[p.HeaderRow-1] }

// fill returns the template's rows (instructions, header, examples) and then data,
// each data row given as header → value.
func (p *pinnedTemplate) fill(header []string, data []map[string]string) [][]string {
	rows := append([][]string{}, p.Rows...)
	if header != nil {
		rows[p.HeaderRow-1] = header
	}
	rows = append(rows, p.Examples...)
	h := rows[p.HeaderRow-1]
	for _, d := range data {
		row := make([]string, len(h))
		for i, col := range h {
			row[i] = d[col]
		}
		for k := range d {
			require.Contains(nil, h, k, "data names a header the template has")
		}
		rows = append(rows, row)
	}
	return rows
}

// xlsxOf writes rows as the template's workbook: text cells, its merged instruction
// cells.
func (p *pinnedTemplate) xlsxOf(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range rows {
		cells := make([]any, len(row))
		for i, v := range row {
			if v != "" {
				cells[i] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		require.NoError(t, f.SetSheetRow("Sheet1", cell, &cells))
	}
	for _, m := range p.Merges {
		require.NoError(t, f.MergeCell("Sheet1", m[0], m[1]))
	}
	var buf bytes.Buffer
	_, err := f.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}

// csvOf writes rows as CSV (CRLF, as Excel saves it).
func csvOf(t *testing.T, rows [][]string) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	require.NoError(t, w.WriteAll(rows))
	return b.String()
}

// templateFixture is the fixture directory with departments the templates name.
func templateFixture(t *testing.T) *fixture {
	return templateFixtureWith(t, directory.Options{})
}

// loggedTemplateFixture is templateFixture whose service logs everything, at debug
// level, to the buffer it returns.
func loggedTemplateFixture(t *testing.T) (*fixture, *syncBuffer) {
	var log syncBuffer
	fx := templateFixtureWith(t, directory.Options{Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	return fx, &log
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func templateFixtureWith(t *testing.T, opts directory.Options) *fixture {
	fx := newFixtureWith(t, opts)
	_, err := fx.svc.Apply(fx.ctx, fx.dir, directory.Meta{},
		orgtree.Create{ID: orgkit.NewNodeID(), Parent: fx.root, Kind: orgtree.Department, Code: "2", Name: orgkit.Name("广州研发部")},
		orgtree.Create{ID: orgkit.NewNodeID(), Parent: fx.root, Kind: orgtree.Department, Code: "3", Name: orgkit.Name("台北研發")},
	)
	require.NoError(t, err)
	return fx
}

func (fx *fixture) nodeByCode(t *testing.T, code string) orgkit.NodeID {
	t.Helper()
	n, ok := fx.snap(t).Tree().ByCode(code)
	require.True(t, ok, code)
	return n.ID
}

// WeCom's member file (xlsx), as the console exports it for editing and imports it
// back: eight rule rows, each merged over the header, the header on row 9, 账号 for
// the account, 邮箱 the email, several departments in one cell separated by the
// full-width "；" its rule 4 documents (";" too), the first the primary; the status
// columns ignored; no system-name column, so system names are derived as sync
// derives them, a taken one suffixed with the row's account. The same with a company's
// business mail: one rule more, a 企业邮箱 column, the header on row 10.
func TestTemplateWeCom(t *testing.T) {
	p := loadTemplate(t, "wecom")
	require.Equal(t, []string{"姓名", "账号", "别名", "职务", "部门", "性别", "手机", "座机", "邮箱", "地址", "视频号", "激活状态", "禁用状态", "微信插件"},
		p.header(), "the header of the console's file")
	data := []map[string]string{
		{"姓名": "张伟", "账号": "zhangwei", "别名": "David", "职务": "工程师", "部门": "Acme/北京研发；Shanghai Sales", "性别": "男", "手机": "13800138001", "座机": "010-62345678",
			"地址": "望京", "激活状态": "已激活", "禁用状态": "未禁用", "微信插件": "已关注"},
		{"姓名": "张伟", "账号": "zhangwei2", "职务": "产品经理", "部门": "广州研发部", "性别": "男", "邮箱": "zw2@example.com", "激活状态": "未激活", "禁用状态": "未禁用", "微信插件": "未关注"},
		{"姓名": "ada", "账号": "ada2", "部门": "Acme/Beijing R&D/Product;广州研发部", "性别": "女", "手机": "13800138003", "视频号": "ada的视频号"},
	}
	for name, layout := range map[string]*pinnedTemplate{"pinned": p, "business mail": p.variantLayout(t, 0)} {
		t.Run(name, func(t *testing.T) {
			fx := templateFixture(t)
			rows := layout.fill(nil, data)
			rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(layout.xlsxOf(t, rows)), ImportOptions{})
			require.NoError(t, err, dumpProblems(rep))
			assert.Equal(t, "WeCom", rep.Sheets[0].Template)
			assert.Equal(t, layout.HeaderRow, rep.Sheets[0].HeaderRow, "below the rule rows")
			assert.Equal(t, 3, rep.Members.Created)

			zw := fx.member(t, member.LoginAccountField, "zhangwei")
			assert.Equal(t, "张伟", zw.SystemName.Default, "derived from the full name")
			assert.Equal(t, fx.rd, zw.Primary, "the first department is the primary")
			assert.Equal(t, []orgkit.NodeID{fx.sales}, zw.Secondary)
			assert.Equal(t, "工程师", zw.JobTitle)
			assert.Equal(t, member.Male, zw.Gender)
			assert.Equal(t, "010-62345678", zw.OfficePhone)
			assert.Equal(t, "望京", zw.WorkPlace)
			assert.Equal(t, orgkit.Active, zw.Status, "激活状态 is not imported")
			zw2 := fx.member(t, member.LoginAccountField, "zhangwei2")
			assert.Equal(t, "张伟 (zhangwei2)", zw2.SystemName.Default, "a taken name gets the row's account, as sync gives the external ID")
			assert.Equal(t, member.LoginByEmail, zw2.LoginMethod, "only an email: login by email")
			assert.Equal(t, "zw2@example.com", zw2.Email)
			ada2 := fx.member(t, member.LoginAccountField, "ada2")
			assert.Equal(t, "ada (ada2)", ada2.SystemName.Default, "an existing member holds \"ada\"")
			assert.Equal(t, fx.product, ada2.Primary)
			assert.Equal(t, []orgkit.NodeID{fx.nodeByCode(t, "2")}, ada2.Secondary)
		})
	}
}

// WeCom's contacts-API CSV template saved by Simplified-Chinese Excel: GBK, its
// header verbatim (禁用项说明 is an instruction in a header cell), departments by ID
// separated by ';'.
func TestTemplateWeComCSVInGBK(t *testing.T) {
	p := loadTemplate(t, "wecom-csv")
	fx := templateFixture(t)
	rows := p.fill(nil, []map[string]string{
		{"姓名": "王芳", "帐号": "wangfang", "手机号": "13800138011", "邮箱": "wangfang@example.com", "所在部门": "2;3", "职位": "测试工程师", "性别": "女", "是否部门内领导": "0;1", "排序": "10;20", "禁用": "0"},
		{"姓名": "刘洋", "帐号": "liuyang", "手机号": "13800138012", "所在部门": "3", "职位": "运维", "性别": "男", "地址": "广州市海珠区新港中路", "禁用": "1"},
	})
	data, err := simplifiedchinese.GBK.NewEncoder().String(csvOf(t, rows))
	require.NoError(t, err)
	rep, err := Import(fx.ctx, fx.svc, fx.dir, strings.NewReader(data), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, GB18030, rep.Sheets[0].Encoding)
	assert.Equal(t, "WeCom CSV", rep.Sheets[0].Template)
	assert.Equal(t, 2, rep.Members.Created)
	wf := fx.member(t, member.LoginAccountField, "wangfang")
	assert.Equal(t, "王芳", wf.FullName)
	assert.Equal(t, fx.nodeByCode(t, "2"), wf.Primary)
	assert.Equal(t, []orgkit.NodeID{fx.nodeByCode(t, "3")}, wf.Secondary)
	assert.False(t, wf.LoginBlocked)
	ly := fx.member(t, member.LoginAccountField, "liuyang")
	assert.True(t, ly.LoginBlocked, "禁用 1")
	assert.Equal(t, "广州市海珠区新港中路", ly.WorkPlace)
}

// DingTalk's member file (xlsx), as the console writes it: the rules in one cell
// merged over the sheet, a row of column groups (员工信息, 企业账号, 角色信息) merged
// above the header on row 3; departments in the file's own notation — levels
// separated by '-', several departments by ',' (its rule 4), the first the primary —
// and in the importer's; 直属主管UserID naming the manager by 员工UserID; 初始密码
// never stored, shown or logged.
func TestTemplateDingTalk(t *testing.T) {
	p := loadTemplate(t, "dingtalk")
	require.Equal(t, 3, p.HeaderRow)
	require.Equal(t, []string{"员工UserID", "姓名", "手机号", "部门", "职位", "工号", "是否此部门主管(是/否)", "直属主管UserID", "邮箱", "分机号", "办公地点",
		"备注", "入职时间", "企业邮箱", "激活状态", "版本类型", "归属组织", "登录名", "初始密码", "激活日期", "角色"}, p.header(), "the header of the console's file")
	const secret = "Ding-1nitial-pass"
	fx, log := loggedTemplateFixture(t)
	rows := p.fill(nil, []map[string]string{
		{"员工UserID": "manager7", "姓名": "赵敏", "手机号": "13800138021", "部门": "Acme-Beijing R&D", "职位": "总监", "工号": "D001", "是否此部门主管(是/否)": "是",
			"邮箱": "zhaomin@example.com", "分机号": "8001", "办公地点": "望京", "备注": "老员工", "入职时间": "2019-07-01", "激活状态": "已激活", "角色": "主管理员"},
		{"员工UserID": "user8", "姓名": "钱进", "手机号": "13800138022", "部门": "Beijing R&D,Shanghai Sales", "职位": "销售", "工号": "D002",
			"是否此部门主管(是/否)": "否,否", "直属主管UserID": "manager7", "入职时间": "2024/3/1", "激活状态": "未激活"},
		{"员工UserID": "user9", "姓名": "孙七", "手机号": "13800138023", "部门": "Acme/Beijing R&D/Product；广州研发部", "工号": "D003",
			"归属组织": "Acme", "登录名": "sunqi", "初始密码": secret, "版本类型": "专属帐号", "激活日期": "2024-05-01"},
	})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(p.xlsxOf(t, rows)), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, "DingTalk", rep.Sheets[0].Template)
	assert.Equal(t, 3, rep.Sheets[0].HeaderRow, "below the rules and the column groups")
	assert.Equal(t, member.EmployeeNumberField, rep.Key)
	assert.Equal(t, 3, rep.Members.Created)
	zm := fx.member(t, member.EmployeeNumberField, "D001")
	assert.Equal(t, "manager7", zm.ExternalID)
	assert.Equal(t, "赵敏", zm.SystemName.Default)
	assert.Equal(t, fx.rd, zm.Primary, "Acme-Beijing R&D: the levels separated by '-'")
	assert.Equal(t, "总监", zm.JobTitle)
	assert.Equal(t, "8001", zm.Extension)
	assert.Equal(t, "望京", zm.WorkPlace)
	assert.Equal(t, member.Date{Year: 2019, Month: 7, Day: 1}, zm.HireDate)
	qj := fx.member(t, member.EmployeeNumberField, "D002")
	assert.Equal(t, fx.rd, qj.Primary, "the first of the departments separated by ','")
	assert.Equal(t, []orgkit.NodeID{fx.sales}, qj.Secondary)
	assert.Equal(t, zm.ID, qj.ReportingManager, "直属主管UserID: the manager by 员工UserID")
	assert.Equal(t, member.Date{Year: 2024, Month: 3, Day: 1}, qj.HireDate)
	sq := fx.member(t, member.EmployeeNumberField, "D003")
	assert.Equal(t, fx.product, sq.Primary, "the importer's own notation still reads")
	assert.Equal(t, []orgkit.NodeID{fx.nodeByCode(t, "2")}, sq.Secondary)
	shown := secretsIn(t, fx, rep, err)
	assert.NotContains(t, shown, secret)
	require.Contains(t, log.String(), "committed", "the service logged the import's commit")
	assert.NotContains(t, log.String(), secret, "never logged")

	// A refused file: its error workbook copies the upload but blanks the password.
	rows[len(rows)-1][2] = "not-a-number"
	bad := p.xlsxOf(t, rows)
	fx, log = loggedTemplateFixture(t)
	rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(bad), ImportOptions{})
	require.Error(t, err)
	require.NotNil(t, rep)
	assert.Equal(t, []string{"C6 member.mobile.invalid"}, problemsOf(rep))
	assert.NotContains(t, secretsIn(t, fx, rep, err), secret)
	assert.NotContains(t, log.String(), secret, "never logged")
	var wb bytes.Buffer
	require.NoError(t, WriteErrorWorkbook(context.Background(), &wb, bytes.NewReader(bad), rep))
	text := workbookText(t, wb.Bytes())
	assert.Contains(t, text, "not-a-number", "the upload is copied")
	assert.NotContains(t, text, secret)
}

// DingTalk's older template layout (xlsx): instructions above, the header in the
// order two older public sources confirm (员工UserID first, then 部门 职位 姓名 …), 员工UserID as the
// external ID, 入职时间 as the hire date, the columns without a field here ignored;
// the same with the variant spelling 是否此部门主管（是/否） (full-width parentheses).
func TestTemplateDingTalkLegacy(t *testing.T) {
	p := loadTemplate(t, "dingtalk-legacy")
	require.Equal(t, []string{"员工UserID", "部门", "职位", "姓名", "性别", "工号", "是否此部门主管(是/否)", "手机号", "邮箱", "分机号", "办公地点", "备注"},
		p.header()[:12], "the confirmed header")
	data := []map[string]string{
		{"员工UserID": "manager7", "姓名": "赵敏", "手机号": "13800138021", "部门": "Acme/Beijing R&D", "职位": "总监", "性别": "女", "工号": "D001", "是否此部门主管(是/否)": "是", "邮箱": "zhaomin@example.com", "分机号": "8001", "办公地点": "望京", "备注": "老员工", "入职时间": "2019-07-01"},
		{"员工UserID": "user8", "姓名": "钱进", "手机号": "13800138022", "部门": "Beijing R&D；Shanghai Sales", "职位": "销售", "性别": "男", "工号": "D002", "是否此部门主管(是/否)": "否", "入职时间": "2024/3/1"},
	}
	vh, vdata := p.variant(data)
	require.NotEqual(t, p.header(), vh, "a variant is pinned")
	for name, rows := range map[string][][]string{"pinned": p.fill(nil, data), "variant": p.fill(vh, vdata)} {
		t.Run(name, func(t *testing.T) {
			fx := templateFixture(t)
			rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(p.xlsxOf(t, rows)), ImportOptions{})
			require.NoError(t, err, dumpProblems(rep))
			assert.Equal(t, "DingTalk", rep.Sheets[0].Template)
			assert.Equal(t, member.EmployeeNumberField, rep.Key)
			zm := fx.member(t, member.EmployeeNumberField, "D001")
			assert.Equal(t, "manager7", zm.ExternalID)
			assert.Equal(t, "赵敏", zm.SystemName.Default)
			assert.Equal(t, "总监", zm.JobTitle)
			assert.Equal(t, member.Female, zm.Gender)
			assert.Equal(t, "8001", zm.Extension)
			assert.Equal(t, "望京", zm.WorkPlace)
			assert.Equal(t, member.Date{Year: 2019, Month: 7, Day: 1}, zm.HireDate)
			qj := fx.member(t, member.EmployeeNumberField, "D002")
			assert.Equal(t, fx.rd, qj.Primary)
			assert.Equal(t, []orgkit.NodeID{fx.sales}, qj.Secondary)
		})
	}
}

// Feishu's template (xlsx) in Simplified Chinese, and Lark's in Traditional Chinese
// saved as CSV by Traditional-Chinese Excel: Big5. 直属上级 names the manager by user
// ID, a row of the same file.
func TestTemplateFeishuAndLarkBig5(t *testing.T) {
	p := loadTemplate(t, "feishu")
	t.Run("feishu xlsx", func(t *testing.T) {
		fx := templateFixture(t)
		rows := p.fill(nil, []map[string]string{
			{"姓名": "孙丽", "用户 ID": "ou_sunli", "手机号": "13800138031", "部门": "Acme/Shanghai Sales", "工号": "F001", "性别": "女", "人员类型": "正式", "入职日期": "2022-05-16", "职务": "销售总监", "工作城市": "上海"},
			{"姓名": "周杰", "用户 ID": "ou_zhoujie", "工作邮箱": "zhoujie@example.com", "部门": "Shanghai Sales;广州研发部", "工号": "F002", "性别": "男", "人员类型": "实习", "入职日期": "2024-07-01", "直属上级": "ou_sunli", "职务": "销售"},
		})
		rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(p.xlsxOf(t, rows)), ImportOptions{})
		require.NoError(t, err, dumpProblems(rep))
		assert.Equal(t, "Feishu", rep.Sheets[0].Template)
		sl := fx.member(t, member.EmployeeNumberField, "F001")
		zj := fx.member(t, member.EmployeeNumberField, "F002")
		assert.Equal(t, sl.ID, zj.ReportingManager, "the manager by user ID")
		assert.Equal(t, "ou_zhoujie", zj.ExternalID)
		assert.Equal(t, member.LoginByEmail, zj.LoginMethod)
		assert.Equal(t, []orgkit.NodeID{fx.nodeByCode(t, "2")}, zj.Secondary)
		assert.Equal(t, member.Date{Year: 2022, Month: 5, Day: 16}, sl.HireDate)
		assert.Equal(t, "上海", sl.WorkPlace)
	})
	t.Run("lark traditional csv in big5", func(t *testing.T) {
		fx := templateFixture(t)
		h := p.TraditionalHeader
		require.Len(t, h, len(p.header()))
		rows := p.fill(h, []map[string]string{
			{"姓名": "陳美玲", "用戶 ID": "ou_chen", "手機號": "13800138041", "部門": "台北研發", "工號": "L001", "性別": "女", "人員類型": "正式", "入職日期": "2021-09-01", "職務": "資深工程師", "工作城市": "台北"},
			{"姓名": "林志明", "用戶 ID": "ou_lin", "手機號": "13800138042", "部門": "台北研發；Shanghai Sales", "工號": "L002", "性別": "男", "人員類型": "正式", "入職日期": "2023-02-15", "直屬上級": "ou_chen", "職務": "工程師"},
		})
		rows[0] = p.TraditionalInstructions
		data, err := traditionalchinese.Big5.NewEncoder().String(csvOf(t, rows))
		require.NoError(t, err)
		rep, err := Import(fx.ctx, fx.svc, fx.dir, strings.NewReader(data), ImportOptions{})
		require.NoError(t, err, dumpProblems(rep))
		assert.Equal(t, Big5, rep.Sheets[0].Encoding)
		assert.Equal(t, "Feishu", rep.Sheets[0].Template)
		chen := fx.member(t, member.EmployeeNumberField, "L001")
		assert.Equal(t, "陳美玲", chen.FullName)
		assert.Equal(t, "陳美玲", chen.SystemName.Default)
		assert.Equal(t, "資深工程師", chen.JobTitle)
		lin := fx.member(t, member.EmployeeNumberField, "L002")
		assert.Equal(t, chen.ID, lin.ReportingManager)
		assert.Equal(t, fx.nodeByCode(t, "3"), lin.Primary)
		assert.Equal(t, []orgkit.NodeID{fx.sales}, lin.Secondary)
	})
}

// secretsIn collects everything an import shows or keeps: the report, its problems,
// the change set and the members.
func secretsIn(t *testing.T, fx *fixture, rep *Report, err error) string {
	t.Helper()
	var b strings.Builder
	if rep != nil {
		b.WriteString(rep.String())
		for _, p := range rep.Problems {
			fmt.Fprintf(&b, "%+v\n", p)
		}
		if rep.Result != nil && rep.Result.ChangeSet != nil {
			fmt.Fprintf(&b, "%+v\n", *rep.Result.ChangeSet)
		}
	}
	if err != nil {
		b.WriteString(err.Error())
	}
	for m := range fx.snap(t).Members() {
		fmt.Fprintf(&b, "%+v\n", m)
	}
	return b.String()
}

// workbookText returns every cell of a workbook.
func workbookText(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var b strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		x, err := io.ReadAll(rc)
		require.NoError(t, err)
		_ = rc.Close()
		b.Write(x)
	}
	return b.String()
}

// Microsoft Entra's bulk-create CSV: the version row, the header, the example row
// (skipped), passwords never stored nor shown — not in the report, the problems,
// the change set, the members or the error workbook.
func TestTemplateEntra(t *testing.T) {
	p := loadTemplate(t, "entra")
	const secret1, secret2 = "Tr0ub4dor&3-entra", "c0rrect-h0rse-entra"
	rows := func(badMobile string) [][]string {
		return p.fill(nil, []map[string]string{
			{"Name [displayName] Required": "Ada King", "User name [userPrincipalName] Required": "ada.king@contoso.com", "Initial password [passwordProfile] Required": secret1,
				"Block sign in (Yes/No) [accountEnabled] Required": "No", "First name [givenName]": "Ada", "Last name [surname]": "King", "Job title [jobTitle]": "Analyst",
				"Department [department]": "Shanghai Sales", "Usage location [usageLocation]": "CN", "City [city]": "Shanghai", "Office [physicalDeliveryOfficeName]": "Tower A", "Mobile phone [mobile]": badMobile},
			{"Name [displayName] Required": "Grace Hopper", "User name [userPrincipalName] Required": "grace@contoso.com", "Initial password [passwordProfile] Required": secret2,
				"Block sign in (Yes/No) [accountEnabled] Required": "Yes", "Department [department]": "Beijing R&D", "Office phone [telephoneNumber]": "+86 10 6234 5678"},
		})
	}
	// A bad mobile: the import fails; no secret anywhere, the error workbook blanks
	// the column. The service logs everything it logs, at debug level.
	fx, log := loggedTemplateFixture(t)
	bad := csvOf(t, rows("not-a-number"))
	rep, err := Import(fx.ctx, fx.svc, fx.dir, strings.NewReader(bad), ImportOptions{})
	require.Error(t, err)
	require.NotNil(t, rep)
	assert.Equal(t, []string{"Q4 member.mobile.invalid"}, problemsOf(rep), "row 3 (the example row) skipped")
	shown := secretsIn(t, fx, rep, err)
	assert.NotContains(t, shown, secret1)
	assert.NotContains(t, shown, secret2)
	var wb bytes.Buffer
	require.NoError(t, WriteErrorWorkbook(context.Background(), &wb, strings.NewReader(bad), rep))
	text := workbookText(t, wb.Bytes())
	assert.Contains(t, text, "not-a-number", "the upload is copied")
	assert.NotContains(t, text, secret1)
	assert.NotContains(t, text, secret2)

	rep, err = Import(fx.ctx, fx.svc, fx.dir, strings.NewReader(csvOf(t, rows(""))), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, "Microsoft Entra", rep.Sheets[0].Template)
	assert.Equal(t, 2, rep.Members.Created, "the example row is not a member")
	ada := fx.member(t, member.EmailField, "ada.king@contoso.com")
	assert.Equal(t, "Ada King", ada.FullName)
	assert.Equal(t, "Ada King", ada.SystemName.Default)
	assert.Equal(t, member.LoginByEmail, ada.LoginMethod)
	assert.Equal(t, "Analyst", ada.JobTitle)
	assert.Equal(t, "CN", ada.Region)
	assert.Equal(t, "Tower A", ada.WorkPlace)
	assert.Equal(t, fx.sales, ada.Primary)
	assert.False(t, ada.LoginBlocked)
	grace := fx.member(t, member.EmailField, "grace@contoso.com")
	assert.True(t, grace.LoginBlocked, "Block sign in: Yes")
	assert.Equal(t, fx.rd, grace.Primary)
	shown = secretsIn(t, fx, rep, err)
	assert.NotContains(t, shown, secret1)
	assert.NotContains(t, shown, secret2)
	require.Contains(t, log.String(), "committed", "the service logged the import's commit")
	assert.NotContains(t, log.String(), secret1, "never logged")
	assert.NotContains(t, log.String(), secret2, "never logged")
}

// Google Workspace's bulk-upload CSV: first and last names make the full name, the
// org unit path is the department ("/" the top), the manager by email, passwords
// (and their hash function) never kept or shown.
func TestTemplateGoogle(t *testing.T) {
	p := loadTemplate(t, "google")
	fx, log := loggedTemplateFixture(t)
	const secret = "S3cr3t-google-pass"
	rows := p.fill(nil, []map[string]string{
		{"First Name [Required]": "Lin", "Last Name [Required]": "Wei", "Email Address [Required]": "lin.wei@example.com", "Password [Required]": secret,
			"Org Unit Path [Required]": "/", "Employee ID": "G001", "Employee Title": "CEO", "Department": "Management", "Change Password at Next Sign-In": "TRUE"},
		{"First Name [Required]": "伟", "Last Name [Required]": "张", "Email Address [Required]": "zhang.wei@example.com", "Password [Required]": "****",
			"Password Hash Function [UPLOAD ONLY]": "SHA-1", "Org Unit Path [Required]": "/Beijing R&D/Product", "Mobile Phone": "13800138051",
			"Employee ID": "G002", "Manager Email": "lin.wei@example.com", "Work Phone": "010-87654321", "Cost Center": "CC-7"},
	})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, strings.NewReader(csvOf(t, rows)), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, "Google Workspace", rep.Sheets[0].Template)
	lin := fx.member(t, member.EmployeeNumberField, "G001")
	assert.Equal(t, "Lin Wei", lin.FullName, "given name, space, family name")
	assert.Equal(t, "Lin Wei", lin.SystemName.Default)
	assert.Equal(t, fx.root, lin.Primary, "org unit '/' is the top")
	assert.Equal(t, member.LoginByEmail, lin.LoginMethod)
	assert.Equal(t, "CEO", lin.JobTitle)
	zw := fx.member(t, member.EmployeeNumberField, "G002")
	assert.Equal(t, "张伟", zw.FullName, "Han names: family name first, no space")
	assert.Equal(t, fx.product, zw.Primary)
	assert.Equal(t, lin.ID, zw.ReportingManager)
	assert.Equal(t, member.LoginByMobile, zw.LoginMethod)
	assert.Equal(t, "010-87654321", zw.OfficePhone)
	shown := secretsIn(t, fx, rep, err)
	assert.NotContains(t, shown, secret)
	assert.NotContains(t, shown, "SHA-1")
	require.Contains(t, log.String(), "committed", "the service logged the import's commit")
	assert.NotContains(t, log.String(), secret, "never logged")
}

// A user list downloaded from Google Workspace (selected columns): no org unit path,
// columns marked [READ ONLY] ignored as Google ignores them on upload.
func TestTemplateGoogleDownload(t *testing.T) {
	p := loadTemplate(t, "google-download")
	fx := templateFixture(t)
	rows := p.fill(nil, []map[string]string{
		{"First Name [Required]": "Joan", "Last Name [Required]": "Clarke", "Email Address [Required]": "joan@example.com", "Status [READ ONLY]": "Suspended",
			"Last Sign In [READ ONLY]": "2024-01-15T09:30:00.000Z", "Email Usage [READ ONLY]": "1.2GB"},
		{"First Name [Required]": "Alan", "Last Name [Required]": "Turing", "Email Address [Required]": "alan@example.com", "Status [READ ONLY]": "Active",
			"Last Sign In [READ ONLY]": "Never logged in", "Email Usage [READ ONLY]": "0.0GB"},
	})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, strings.NewReader(csvOf(t, rows)), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, "Google Workspace", rep.Sheets[0].Template)
	assert.Equal(t, 2, rep.Members.Created)
	joan := fx.member(t, member.EmailField, "joan@example.com")
	assert.Equal(t, "Joan Clarke", joan.FullName)
	assert.Equal(t, orgkit.Active, joan.Status, "Status [READ ONLY] is not imported")
	assert.True(t, joan.Primary.IsZero(), "no org unit path: no department")
}

// Every pinned template is recognized from its header row, and each of its headers
// is known (none is refused as unknown).
func TestPinnedTemplatesRecognized(t *testing.T) {
	want := map[string]string{"wecom": "WeCom", "wecom-csv": "WeCom CSV", "dingtalk": "DingTalk", "dingtalk-legacy": "DingTalk", "feishu": "Feishu", "entra": "Microsoft Entra", "google": "Google Workspace", "google-download": "Google Workspace"}
	for file, name := range want {
		p := loadTemplate(t, file)
		headers := [][]string{p.header()}
		if p.TraditionalHeader != nil {
			headers = append(headers, p.TraditionalHeader)
		}
		if p.VariantCells != nil {
			vh, _ := p.variant(nil)
			headers = append(headers, vh)
		}
		for i := range p.Variants {
			headers = append(headers, p.variantLayout(t, i).header())
		}
		assert.Contains(t, []string{"verbatim", "copy", "header", "fields"}, p.Confidence, "%s: confidence as testdata/templates/README.md defines it", file)
		for _, h := range headers {
			tmpl := recognizeTemplate(h)
			require.NotNil(t, tmpl, file)
			assert.Equal(t, name, tmpl.name, file)
			m := &headerMatcher{tmpl: tmpl}
			for _, x := range h {
				assert.NotNil(t, m.match(Members, x), "%s: %q", file, x)
			}
		}
	}
}
