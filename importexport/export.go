package importexport

import (
	"archive/zip"
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/internal/i18n"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// ExportOptions configure Export. The zero value writes every member of the directory
// with every column to an xlsx member sheet with English headers.
type ExportOptions struct {
	// Format is XLSX (the default) or CSV.
	Format Format
	// Sheets is Members (the default), Departments, or both (xlsx only: one workbook
	// with a member sheet and a department sheet, which Import reads back together).
	Sheets Sheets
	// Language of headers and of enumerated values (Yes/No, Male, Active, …); the
	// zero value means English.
	Language language.Tag
	// Columns of the member sheet, in order; nil means MemberColumns() with a column
	// per language form of system names in use.
	Columns []Column
	// DepartmentColumns of the department sheet, in order; nil means
	// DepartmentColumns() with a column per language form of names in use.
	DepartmentColumns []Column
	// Key is the member field by which reporting managers, posts and whitelists name
	// members (a member with no value in it is named by system name). Zero means the
	// first of KeyFields among the member columns that every exported member has a
	// value in, or the system name — the same choice Import makes, so that an export
	// imports back as it is.
	Key member.Field
	// Node limits the export to a node's subtree: the node and the departments below
	// it, and the members affiliated (primary or secondary department) at or below
	// it. Zero means the whole directory: every department, and every member
	// (members with no department included).
	Node orgkit.NodeID
	// IDs selects the members to export, in that order (overrides Node for members).
	IDs []orgkit.MemberID
	// Members exports any list of members, in its order: a directory.Snapshot.ListAll
	// query (by status, role, …) or a search result (overrides IDs and Node).
	Members iter.Seq[member.Member]
}

// Export writes members and/or departments of a snapshot as an xlsx workbook (through
// excelize's StreamWriter: memory does not grow with the number of rows) or CSV.
//
// Every value is written as text: in xlsx as a string cell, so that no value is ever
// a formula; in CSV with a "'" before a leading '=', '+', '-', '@', tab or CR (see
// Formula safety in the package documentation). Derived defaults (an affiliated
// department or organization that follows the primary department) are left blank;
// departments are named by code, or by path when they have none. Writing the same
// snapshot with the same options gives the same bytes, so an export imported into an
// empty directory exports again to an identical file.
func Export(ctx context.Context, w io.Writer, snap *directory.Snapshot, opts ExportOptions) error {
	ex, err := newExporter(snap, opts)
	if err != nil {
		return err
	}
	if ex.format == CSV {
		return ex.writeCSV(ctx, w)
	}
	return ex.writeXLSX(ctx, w)
}

type exporter struct {
	snap   *directory.Snapshot
	opts   ExportOptions
	tag    language.Tag
	li     int // index of the language in i18n.Languages()
	format Format
	sheets Sheets
	key    member.Field

	members []*member.Member
	nodes   []*orgtree.Node
	mcols   []*colSpec
	dcols   []*colSpec

	nodeRefs map[orgkit.NodeID]string
	roleName map[orgkit.RoleID]string
	buf      []string
}

func newExporter(snap *directory.Snapshot, opts ExportOptions) (*exporter, error) {
	ex := &exporter{snap: snap, opts: opts, tag: opts.Language, format: cmp.Or(opts.Format, XLSX),
		sheets: cmp.Or(opts.Sheets, Members), nodeRefs: map[orgkit.NodeID]string{}, roleName: map[orgkit.RoleID]string{}}
	if ex.tag == (language.Tag{}) {
		ex.tag = language.English
	}
	ex.li = i18n.Match(ex.tag)
	if ex.format == CSV && ex.sheets != Members && ex.sheets != Departments {
		return nil, fmt.Errorf("importexport: a CSV file holds one sheet; export members and departments separately: %w", orgkit.ErrInvalid)
	}
	if ex.sheets&^(Members|Departments) != 0 {
		return nil, fmt.Errorf("importexport: unknown sheets %d: %w", ex.sheets, orgkit.ErrInvalid)
	}
	if opts.Key != 0 && !isKeyField(opts.Key) {
		return nil, fmt.Errorf("importexport: %s cannot be a key (use one of KeyFields): %w", opts.Key, orgkit.ErrInvalid)
	}
	root := snap.Root()
	if !opts.Node.IsZero() {
		n, ok := snap.Shared().Node(opts.Node)
		if !ok || n.Status == orgkit.Retired {
			return nil, fmt.Errorf("importexport: node %s: %w", opts.Node, orgkit.ErrNotFound)
		}
		root = n.ID
	}
	if ex.sheets&Members != 0 {
		var seq iter.Seq[*member.Member]
		switch {
		case opts.Members != nil:
			seq = func(yield func(*member.Member) bool) {
				for m := range opts.Members {
					if !yield(&m) {
						return
					}
				}
			}
		case opts.IDs != nil:
			seq = func(yield func(*member.Member) bool) {
				for _, id := range opts.IDs {
					if m, ok := snap.Shared().Member(id); ok && !yield(m) {
						return
					}
				}
			}
		case opts.Node.IsZero():
			seq = snap.Shared().Members()
		default:
			seq = snap.Shared().ListAll(directory.List{Node: root})
		}
		for m := range seq {
			if m != nil {
				ex.members = append(ex.members, m)
			}
		}
		var err error
		ex.mcols, err = sheetColumns(Members, opts.Columns, MemberColumns(), FieldColumn(member.SystemNameField), ex.members,
			func(m *member.Member) orgkit.Names { return m.SystemName })
		if err != nil {
			return nil, err
		}
	}
	if ex.sheets&Departments != 0 {
		for n := range snap.Tree().Shared().Subtree(root) {
			ex.nodes = append(ex.nodes, n)
		}
		var err error
		ex.dcols, err = sheetColumns(Departments, opts.DepartmentColumns, DepartmentColumns(), ColName, ex.nodes,
			func(n *orgtree.Node) orgkit.Names { return n.Name })
		if err != nil {
			return nil, err
		}
	}
	ex.key = opts.Key
	if ex.key == 0 {
		ex.key = member.SystemNameField
		if ex.sheets&Members != 0 {
		found:
			for _, f := range keyFields {
				for _, s := range ex.mcols {
					if s.col == FieldColumn(f) && !slices.ContainsFunc(ex.members, func(m *member.Member) bool { return textOf(m, f) == "" }) {
						ex.key = f
						break found
					}
				}
			}
		}
	}
	return ex, nil
}

// sheetColumns returns the columns of a sheet of the kind: the given ones, or the
// defaults with a column after base for each language form the items' names use.
func sheetColumns[T any](kind Sheets, given, defaults []Column, base Column, items []T,
	names func(T) orgkit.Names) ([]*colSpec, error) {
	if given == nil {
		given = withLanguageColumns(defaults, base, func(yield func(orgkit.Names) bool) {
			for _, it := range items {
				if !yield(names(it)) {
					return
				}
			}
		})
	}
	return specsOf(kind, given)
}

// withLanguageColumns inserts after base a column per language form in use, sorted.
func withLanguageColumns(cols []Column, base Column, names iter.Seq[orgkit.Names]) []Column {
	tags := map[string]bool{}
	for n := range names {
		for t := range n.ByLang {
			tags[t] = true
		}
	}
	if len(tags) == 0 {
		return cols
	}
	i := slices.Index(cols, base) + 1
	var extra []Column
	for _, t := range slices.Sorted(func(yield func(string) bool) {
		for t := range tags {
			if !yield(t) {
				return
			}
		}
	}) {
		extra = append(extra, LanguageColumn(base, t))
	}
	return slices.Insert(cols, i, extra...)
}

func specsOf(kind Sheets, cols []Column) ([]*colSpec, error) {
	out := make([]*colSpec, 0, len(cols))
	for _, c := range cols {
		s := cat().spec(kind, c)
		if s == nil || s.typ == tIgnored || s.importOnly {
			return nil, fmt.Errorf("importexport: the %s sheet has no column %q: %w", kind, c, orgkit.ErrInvalid)
		}
		out = append(out, s)
	}
	return out, nil
}

// nodeRef names a node by code, or by its path when it has none.
func (ex *exporter) nodeRef(id orgkit.NodeID) string {
	if id.IsZero() {
		return ""
	}
	if s, ok := ex.nodeRefs[id]; ok {
		return s
	}
	s := ""
	if n, ok := ex.snap.Shared().Node(id); ok {
		if n.Code != "" {
			s = n.Code
		} else {
			s = ex.snap.Tree().PathString(n.ID, ex.tag)
		}
	}
	ex.nodeRefs[id] = s
	return s
}

func (ex *exporter) nodeList(ids []orgkit.NodeID) string {
	parts := make([]string, 0, len(ids))
	for _, id := range ids {
		parts = append(parts, ex.nodeRef(id))
	}
	return strings.Join(parts, listSeparator)
}

// memberRef names a member by the key, or by system name when the key is blank.
func (ex *exporter) memberRef(id orgkit.MemberID) string {
	if id.IsZero() {
		return ""
	}
	m, ok := ex.snap.Shared().Member(id)
	if !ok {
		return ""
	}
	if s := textOf(m, ex.key); s != "" {
		return s
	}
	return m.SystemName.Default
}

func (ex *exporter) memberList(ids []orgkit.MemberID) string {
	parts := make([]string, 0, len(ids))
	for _, id := range ids {
		parts = append(parts, ex.memberRef(id))
	}
	return strings.Join(parts, listSeparator)
}

func (ex *exporter) yesNo(b bool) string {
	if b {
		return wordYes[ex.li]
	}
	return wordNo[ex.li]
}

// memberRow fills ex.buf with a member's cells.
func (ex *exporter) memberRow(m *member.Member) []string {
	return rowOf(ex, m, ex.mcols, ex.memberValue)
}

func (ex *exporter) memberValue(m *member.Member, s *colSpec) string {
	if s.col == ColRoles {
		a, ok := ex.snap.Shared().Assignment(m.ID)
		if !ok || len(a.Roles) == 0 {
			return ""
		}
		names := make([]string, 0, len(a.Roles))
		if !a.Primary.IsZero() {
			names = append(names, ex.role(a.Primary))
		}
		for _, r := range a.Roles {
			if r != a.Primary {
				names = append(names, ex.role(r))
			}
		}
		return strings.Join(names, listSeparator)
	}
	f := s.field
	switch s.typ {
	case tText, tLongText, tNumText:
		if s.lang != "" {
			return m.SystemName.ByLang[s.lang]
		}
		return textOf(m, f)
	case tEnum:
		switch f {
		case member.GenderField:
			if m.Gender == member.GenderUnspecified {
				return ""
			}
			return s.enum.labelIn(int(m.Gender), ex.li)
		case member.LoginMethodField:
			return s.enum.labelIn(int(m.LoginMethod), ex.li)
		case member.StatusField:
			return s.enum.labelIn(int(m.Status), ex.li)
		}
	case tBool:
		return ex.yesNo(m.LoginBlocked)
	case tDate:
		switch f {
		case member.HireDateField:
			return dateString(m.HireDate)
		case member.EmploymentDateField:
			return dateString(m.EmploymentDate)
		case member.BirthdayField:
			return dateString(m.Birthday)
		}
	case tNodeRef:
		switch f {
		case member.PrimaryDepartmentField:
			return ex.nodeRef(m.Primary)
		case member.AffiliatedDepartmentField:
			return ex.nodeRef(m.AffiliatedDepartment)
		case member.AffiliatedOrganizationField:
			return ex.nodeRef(m.AffiliatedOrganization)
		}
	case tNodeList:
		return ex.nodeList(m.Secondary)
	case tMemberRef:
		return ex.memberRef(m.ReportingManager)
	case tTextList:
		return strings.Join(m.ResponsibleLines, listSeparator)
	}
	return ""
}

func (ex *exporter) role(id orgkit.RoleID) string {
	if s, ok := ex.roleName[id]; ok {
		return s
	}
	s := ""
	if r, ok := ex.snap.Role(id); ok {
		s = r.Name.Default
	}
	ex.roleName[id] = s
	return s
}

// nodeRow fills ex.buf with a node's cells.
func (ex *exporter) nodeRow(n *orgtree.Node) []string { return rowOf(ex, n, ex.dcols, ex.nodeValue) }

func (ex *exporter) nodeValue(n *orgtree.Node, s *colSpec) string {
	iso := n.Isolation
	switch s.col {
	case ColCode:
		return n.Code
	case ColParent:
		return ex.nodeRef(n.Parent)
	case ColName:
		return n.Name.Default
	case ColKind:
		return kindEnum.labelIn(int(n.Kind), ex.li)
	case ColOrder:
		return strconv.Itoa(n.Order)
	case ColManager:
		return ex.memberRef(n.Manager)
	case ColAssistants:
		return ex.memberList(n.Assistants)
	case ColObservers:
		return ex.memberList(n.Observers)
	case ColIncludeSubMembers:
		return ex.yesNo(n.Group.IncludeSubMembers)
	case ColIncludeIsolated:
		return ex.yesNo(n.Group.IncludeIsolatedSubMembers)
	case ColHideFromOutside:
		return ex.yesNo(iso.HideFromOutside)
	case ColVisibilityMembers:
		return ex.memberList(iso.VisibilityWhitelist.Members)
	case ColVisibilityNodes:
		return ex.nodeList(iso.VisibilityWhitelist.Nodes)
	case ColContactView:
		return contactViewEnum.labelIn(int(iso.ContactView), ex.li)
	case ColContactMembers:
		return ex.memberList(iso.ContactWhitelist.Members)
	case ColContactNodes:
		return ex.nodeList(iso.ContactWhitelist.Nodes)
	case ColReception:
		return receptionEnum.labelIn(int(iso.Reception), ex.li)
	case ColStatus:
		return statusEnum.labelIn(int(n.Status), ex.li)
	case ColExternalID:
		return n.ExternalID
	}
	if s.lang != "" {
		return n.Name.ByLang[s.lang]
	}
	return ""
}

func headers(specs []*colSpec, tag language.Tag) []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.header(tag, false)
	}
	return out
}

// writeCSV writes the one sheet as UTF-8 CSV with a byte order mark (so that Excel
// reads it as UTF-8) and CRLF line ends.
func (ex *exporter) writeCSV(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	var err error
	if ex.sheets == Members {
		err = csvSheet(ctx, cw, headers(ex.mcols, ex.tag), ex.members, ex.memberRow)
	} else {
		err = csvSheet(ctx, cw, headers(ex.dcols, ex.tag), ex.nodes, ex.nodeRow)
	}
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// fixedDocProps make workbooks byte-for-byte reproducible.
var fixedDocProps = &excelize.DocProperties{
	Creator: "orgkit", LastModifiedBy: "orgkit", Created: "2000-01-01T00:00:00Z", Modified: "2000-01-01T00:00:00Z",
}

// headerStyle is the style of header rows.
func headerStyle(f *excelize.File) (int, error) {
	return f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	})
}

// writeXLSX streams the sheets.
func (ex *exporter) writeXLSX(ctx context.Context, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDocProps(fixedDocProps); err != nil {
		return err
	}
	hs, err := headerStyle(f)
	if err != nil {
		return err
	}
	first := true
	sheet := func(name string) (*excelize.StreamWriter, error) {
		if first {
			first = false
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		return f.NewStreamWriter(name)
	}
	if ex.sheets&Members != 0 {
		sw, err := sheet(wordMembers.in(ex.tag))
		if err != nil {
			return err
		}
		if err := xlsxSheet(ctx, sw, headers(ex.mcols, ex.tag), hs, ex.members, ex.memberRow); err != nil {
			return err
		}
	}
	if ex.sheets&Departments != 0 {
		sw, err := sheet(wordDepts.in(ex.tag))
		if err != nil {
			return err
		}
		if err := xlsxSheet(ctx, sw, headers(ex.dcols, ex.tag), hs, ex.nodes, ex.nodeRow); err != nil {
			return err
		}
	}
	return writeWorkbook(f, w, ex.sheets == Members|Departments)
}

// csvSheet writes the header and a row per item, formula-safe (escapeCSV).
func csvSheet[T any](ctx context.Context, cw *csv.Writer, header []string, items []T, row func(T) []string) error {
	escaped := func(cells []string) []string {
		for i, s := range cells {
			cells[i] = escapeCSV(s)
		}
		return cells
	}
	if err := cw.Write(escaped(header)); err != nil {
		return err
	}
	for i, it := range items {
		if err := checkEvery(ctx, i); err != nil {
			return err
		}
		if err := cw.Write(escaped(row(it))); err != nil {
			return err
		}
	}
	return nil
}

// xlsxSheet writes the header and a row per item, formatted ahead (rowsAhead), and
// flushes the sheet.
func xlsxSheet[T any](ctx context.Context, sw *excelize.StreamWriter, header []string, style int, items []T, row func(T) []string) error {
	if err := startSheet(sw, header, style); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, r := range rowsAhead(items, row) {
		if err := checkEvery(ctx, i); err != nil {
			return err
		}
		for k, s := range r {
			cells[k] = s
		}
		if err := sw.SetRow(cellName(1, i+2), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// checkEvery returns ctx's error every 1,024 rows.
func checkEvery(ctx context.Context, row int) error {
	if row%1024 == 0 {
		return ctx.Err()
	}
	return nil
}

// rowsAhead yields the cells of each item's row with its index, formatted a few
// hundred rows ahead on a goroutine of its own (see ahead), which alone calls row;
// row may reuse the slice it returns.
func rowsAhead[T any](items []T, row func(T) []string) iter.Seq2[int, []string] {
	return func(yield func(int, []string) bool) {
		a := runAhead(func(emit func([]string) bool) {
			var cells []string // rows are copied here, a few hundred to an allocation
			for _, it := range items {
				r := row(it)
				if cap(cells)-len(cells) < len(r) {
					cells = make([]string, 0, aheadChunk*len(r))
				}
				start := len(cells)
				cells = append(cells, r...)
				if !emit(cells[start:len(cells):len(cells)]) {
					return
				}
			}
		})
		defer a.close()
		for i := 0; ; i++ {
			cells, ok := a.next()
			if !ok || !yield(i, cells) {
				return
			}
		}
	}
}

// startSheet sets column widths, freezes the header row and writes it.
func startSheet(sw *excelize.StreamWriter, hdr []string, style int) error {
	if len(hdr) > 0 {
		if err := sw.SetColWidth(1, len(hdr), 18); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	row := make([]any, len(hdr))
	for i, h := range hdr {
		row[i] = excelize.Cell{StyleID: style, Value: h}
	}
	return sw.SetRow("A1", row)
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// writeWorkbook writes f to w. excelize writes the parts of several streamed sheets
// in map order; reorder reorders them by name so that the bytes are reproducible.
func writeWorkbook(f *excelize.File, w io.Writer, reorder bool) error {
	if !reorder {
		_, err := f.WriteTo(w)
		return err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	return sortZip(buf.Bytes(), w)
}

// sortZip copies a zip archive with its entries sorted by name ([Content_Types].xml
// first), without recompressing them.
func sortZip(data []byte, w io.Writer) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int {
		ka, kb := a.Name != "[Content_Types].xml", b.Name != "[Content_Types].xml"
		if ka != kb {
			if !ka {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	zw := zip.NewWriter(w)
	for _, zf := range files {
		h := zf.FileHeader
		dst, err := zw.CreateRaw(&h)
		if err != nil {
			return err
		}
		src, err := zf.OpenRaw()
		if err != nil {
			return err
		}
		if _, err := io.Copy(dst, src); err != nil {
			return err
		}
	}
	return zw.Close()
}

// dateString is member.Date.String ("YYYY-MM-DD", "" for the zero date) without fmt.
func dateString(d member.Date) string {
	if d.IsZero() || d.Year < 0 || d.Year > 9999 {
		return d.String()
	}
	b := make([]byte, 0, 10)
	b = appendPadded(b, d.Year, 4)
	b = append(b, '-')
	b = appendPadded(b, int(d.Month), 2)
	b = append(b, '-')
	b = appendPadded(b, d.Day, 2)
	return string(b)
}

func appendPadded(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// rowOf fills ex.buf with the value of each column for x.
func rowOf[T any](ex *exporter, x T, cols []*colSpec, value func(T, *colSpec) string) []string {
	ex.buf = ex.buf[:0]
	for _, c := range cols {
		ex.buf = append(ex.buf, value(x, c))
	}
	return ex.buf
}
