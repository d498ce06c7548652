package importexport

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/internal/mobiles"
	"github.com/orgkit/orgkit/member"
)

// Mode says what an import does with rows that match an existing record.
type Mode uint8

const (
	// Add creates a record per row; a row whose key matches an existing record is a
	// problem. It is the default.
	Add Mode = iota
	// Update changes the records the rows match; a row matching none is a problem, and
	// so is a blank key. Blank cells leave fields unchanged; #clear empties them.
	Update
	// Upsert updates the records rows match and creates the others; a blank key is a
	// problem.
	Upsert
)

// String returns "add", "update" or "upsert".
func (m Mode) String() string {
	switch m {
	case Update:
		return "update"
	case Upsert:
		return "upsert"
	}
	return "add"
}

// ImportOptions configure Import and Plan. The zero value adds members from a file
// whose format and sheets are recognized automatically.
type ImportOptions struct {
	// Format of the file; FormatAuto sniffs it.
	Format Format
	// Encoding is the character encoding of CSV files. EncodingAuto (the zero value)
	// detects it: a byte order mark names UTF-8 or UTF-16; otherwise the text is
	// ASCII until its first non-ASCII byte, from where the candidates (UTF-8,
	// GB18030, Big5, Shift_JIS) are those the next 64 KiB are valid in; among
	// several, the one whose header row names the most known columns wins, then
	// UTF-8, then a candidate whose text reads as clearly more plausible (mostly
	// common characters) than every other's. A file that leaves more than one
	// candidate is refused with an *EncodingError naming them; set Encoding to read
	// it. Whatever the encoding, the whole file must be valid in it: the first
	// invalid sequence refuses the import (an *EncodingError naming its line).
	Encoding Encoding
	// Sheets restricts which sheets are read; zero reads every sheet recognized by its
	// name or headers (instruction sheets and the error workbook's problem sheet are
	// skipped). A CSV file holds one sheet, recognized by its headers.
	Sheets Sheets
	// Mode is Add, Update or Upsert.
	Mode Mode
	// Key is the member field rows are matched by, and by which reporting managers,
	// posts and whitelists name members: one of KeyFields. Zero picks the first of
	// KeyFields whose column the member sheets have with a value in every row, else
	// the system name.
	Key member.Field
	// AllowUnknownColumns ignores columns whose header names no known column; by
	// default each one is a problem.
	AllowUnknownColumns bool
	// Language is the language of problem messages; the zero value means English.
	Language language.Tag
	// MonthFirst reads ambiguous text dates such as 01/03/2024 month first (3 January
	// 2024); by default they are read day first (1 March 2024).
	MonthFirst bool
	// Meta is recorded on the change set (actor, reason); Origin is always "import".
	// Meta.IfVersion pins the import to a version of the directory.
	Meta directory.Meta
	// Limits bound what is read; zero fields take the defaults of Limits.
	Limits Limits
	// HeaderAliases name more headers a host's files use: header → column, compared
	// as headers are (case, width, spaces, '_', '-' and '*' ignored). They win over
	// the platform templates and the built-in headers. A column may be any column
	// of either sheet, ColIgnore (a known column whose cells are ignored), ColSecret
	// (a column of secrets, never stored nor shown) or ColGivenName/ColFamilyName.
	HeaderAliases map[string]Column
}

// Input is one file of a multi-file import (ImportFiles): a department CSV and a
// member CSV, say, imported as one change set.
type Input struct {
	// Name names the file in problems and errors (a file name, say).
	Name string
	// R reads the file.
	R io.Reader
	// Format of the file; FormatAuto sniffs it.
	Format Format
	// Encoding of a CSV file; EncodingAuto means ImportOptions.Encoding.
	Encoding Encoding
	// Sheets restricts which sheets are read; zero means ImportOptions.Sheets.
	Sheets Sheets
}

// Counts are the rows an import created, updated and left unchanged.
type Counts struct {
	Created   int
	Updated   int
	Unchanged int
}

// Report is what an import found and did.
type Report struct {
	// Mode and Key are the mode and the match key the import used.
	Mode Mode
	Key  member.Field
	// Language is the language of the messages.
	Language language.Tag
	// Sheets lists every sheet read, in the order read.
	Sheets []SheetReport
	// Members and Departments count the rows of member and department sheets.
	Members     Counts
	Departments Counts
	// Problems lists every problem, by input, sheet, row and column. When there is
	// any, nothing was written.
	Problems []Problem
	// Committed reports whether the import wrote its change set (never for Plan).
	Committed bool
	// Result is the directory service's result: the would-be snapshot and change set
	// of a Plan, or the committed ones of an Import. Nil when there were problems.
	Result *directory.Result

	inputs []inputInfo
	limits Limits
}

// inputInfo is what the error workbook needs to know about an input.
type inputInfo struct {
	name     string
	format   Format
	encoding Encoding // CSV: the encoding it was read in
	date1904 bool
}

// SheetReport describes one sheet an import read.
type SheetReport struct {
	Input  int    // index of the input (0 for Import and Plan)
	File   string // the input's name
	Name   string // the sheet's name; "" for CSV
	Kind   Sheets // Members or Departments
	Format Format
	// Encoding is the encoding a CSV file was read in: as given, or detected
	// (EncodingAuto for a file that is all ASCII).
	Encoding Encoding
	// HeaderRow is the 1-based row of the header.
	HeaderRow int
	// Template names the platform template the member sheet was recognized as
	// ("WeCom", "WeCom CSV", "DingTalk", "Feishu", "Microsoft Entra", "Google
	// Workspace"; see the package documentation), or "".
	Template string
	// Rows is the number of data rows read (blank rows not counted).
	Rows int
	// Columns lists the columns found, in file order.
	Columns []ColumnReport

	width int             // the widest row seen, in columns
	types map[int]colType // physical column → type, for the error workbook
}

// ColumnReport is one column of a sheet.
type ColumnReport struct {
	Letter string // "A", "B", …
	Header string // as written in the file
	Column Column // the column it was recognized as; "" when ignored
}

// Problem is one thing wrong with an import. Problems with no row concern the whole
// file or a column (Row is then the header row, or 0).
type Problem struct {
	Input  int    // index of the input (0 for Import and Plan)
	File   string // the input's name
	Sheet  string // the sheet's name; "" for CSV
	Row    int    // 1-based row number; 0 when the problem is not tied to a row
	Column string // column letter ("C"); "" when the problem is not tied to a column
	Header string // the column's header as written in the file
	Value  string // the cell's value as read
	Code   string // the violation code, e.g. orgkit.CodeFieldInvalid
	// Message is the localized message (ImportOptions.Language).
	Message string
	// Violation is the underlying violation. Its Command is the index of the command
	// in the import's batch, or -1 when the problem was found before the batch ran.
	Violation orgkit.Violation
}

// String renders the problem as "sheet!C5: message".
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteString(": ")
	}
	if p.Sheet != "" {
		b.WriteString(p.Sheet)
		b.WriteString("!")
	}
	if p.Column != "" || p.Row > 0 {
		b.WriteString(p.Column)
		if p.Row > 0 {
			fmt.Fprint(&b, p.Row)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// String summarizes the report in English: counts, then each problem on a line.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s by %s: members %d created, %d updated, %d unchanged; departments %d created, %d updated, %d unchanged",
		r.Mode, r.Key, r.Members.Created, r.Members.Updated, r.Members.Unchanged,
		r.Departments.Created, r.Departments.Updated, r.Departments.Unchanged)
	if len(r.Problems) > 0 {
		fmt.Fprintf(&b, "; %d problem(s), nothing written", len(r.Problems))
		for _, p := range r.Problems {
			b.WriteString("\n  ")
			b.WriteString(p.String())
		}
	}
	return b.String()
}

// OK reports whether the import found no problem.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// ForInput returns the part of a multi-file report about input i (its sheets and
// problems, renumbered as input 0), for WriteErrorWorkbook.
func (r *Report) ForInput(i int) *Report {
	c := *r
	c.Sheets, c.Problems, c.inputs = nil, nil, nil
	for _, s := range r.Sheets {
		if s.Input == i {
			s.Input = 0
			c.Sheets = append(c.Sheets, s)
		}
	}
	for _, p := range r.Problems {
		if p.Input == i {
			p.Input = 0
			c.Problems = append(c.Problems, p)
		}
	}
	if i >= 0 && i < len(r.inputs) {
		c.inputs = []inputInfo{r.inputs[i]}
	}
	return &c
}

// problemsError is the error of an import with problems.
type problemsError struct {
	n        int
	readOnly bool
}

func (e *problemsError) Error() string {
	return fmt.Sprintf("importexport: %d problem(s) found; nothing was written (see Report.Problems)", e.n)
}

func (e *problemsError) Is(target error) bool {
	return target == orgkit.ErrInvalid || (target == orgkit.ErrReadOnly && e.readOnly)
}

// Import reads a member or department sheet (xlsx or CSV, or a workbook holding both)
// and writes it to the directory as one change set (origin "import"), or not at all.
//
// Every row is validated before anything is written: cell formats, duplicates inside
// the file, conflicts with existing members, references to departments, managers and
// roles, columns of fields a synced platform owns, and every rule the directory
// service checks. When anything is wrong nothing is written, the report lists every
// problem, and the error matches orgkit.ErrInvalid (and orgkit.ErrReadOnly when a
// problem is a read-only one). Files over a limit fail with a *LimitError, unreadable
// ones with ErrFormat; the report is then nil.
func Import(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, r io.Reader, opts ImportOptions) (*Report, error) {
	return run(ctx, svc, dir, []Input{{R: r, Format: opts.Format, Sheets: opts.Sheets}}, opts, true)
}

// Plan is Import without the write: the same reading and validation, and the would-be
// change set in Report.Result (a preview).
func Plan(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, r io.Reader, opts ImportOptions) (*Report, error) {
	return run(ctx, svc, dir, []Input{{R: r, Format: opts.Format, Sheets: opts.Sheets}}, opts, false)
}

// ImportFiles imports several files as one change set: a department file and a member
// file whose members are those departments' managers, say. References resolve across
// the files. Problems name their input (Problem.Input, Problem.File).
func ImportFiles(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, inputs []Input, opts ImportOptions) (*Report, error) {
	return run(ctx, svc, dir, inputs, opts, true)
}

// PlanFiles is ImportFiles without the write.
func PlanFiles(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, inputs []Input, opts ImportOptions) (*Report, error) {
	return run(ctx, svc, dir, inputs, opts, false)
}

func run(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, inputs []Input, opts ImportOptions, commit bool) (*Report, error) {
	if opts.Key != 0 && !isKeyField(opts.Key) {
		return nil, fmt.Errorf("importexport: %s cannot be a match key (use one of KeyFields): %w", opts.Key, orgkit.ErrInvalid)
	}
	if opts.Encoding > ShiftJIS {
		return nil, fmt.Errorf("importexport: unknown encoding %d: %w", opts.Encoding, orgkit.ErrInvalid)
	}
	if opts.Mode > Upsert {
		return nil, fmt.Errorf("importexport: unknown mode %d: %w", opts.Mode, orgkit.ErrInvalid)
	}
	aliases, err := newAliases(opts.HeaderAliases)
	if err != nil {
		return nil, err
	}
	im := &importer{
		ctx: ctx, svc: svc, dir: dir, opts: opts, lim: opts.Limits.withDefaults(), aliases: aliases,
		tag: opts.Language, rules: svc.Rules(),
	}
	if im.tag == (language.Tag{}) {
		im.tag = language.English
	}
	defer func() { im.mobiles.finish() }()
	for i, in := range inputs {
		if err := im.read(i, in); err != nil {
			return nil, err
		}
	}
	im.mobiles.complete()
	for attempt := 0; ; attempt++ {
		rep, err := im.build(commit)
		if !errors.Is(err, orgkit.ErrConflict) || opts.Meta.IfVersion != 0 || attempt >= 3 {
			return rep, err
		}
	}
}

// importer holds one import: the sheets read, then the batch built from them.
type importer struct {
	ctx     context.Context
	svc     *directory.Service
	dir     orgkit.DirectoryID
	opts    ImportOptions
	lim     Limits
	tag     language.Tag
	rules   member.Rules
	aliases map[string]Column // ImportOptions.HeaderAliases by header key

	inputs   []inputInfo
	mobiles  *mobileWarmer // started at the first mobile number read
	warming  bool
	sheets   []*sheetData
	readErrs []Problem // problems found while reading (headers, cells)
	cutShort bool      // problems past Limits.MaxProblems were left out
	dataRows int

	// per build
	ctxErr     error // the context's error, once cancelled() has seen it
	polls      int   // calls of cancelled()
	snap       *directory.Snapshot
	key        member.Field
	problems   []Problem
	cmds       []orgkit.Command
	refs       []cmdRef
	rep        *Report
	res        *resolver
	idRows     map[uuid.UUID]rowLoc // IDs of the import's records → their rows, built on demand
	memberRows []memberRow
	deptRows   []*deptRow
	names      map[string]bool // system names held by rows or derived, by unique key
	// rowSecondary are the departments after the first in the primary department's
	// cell of the member row being built.
	rowSecondary []orgkit.NodeID
}

// sheetData is one sheet as read: its columns and its data rows' cells.
type sheetData struct {
	input  int
	file   string
	name   string
	format Format
	kind   Sheets
	header int         // 1-based header row
	binds  []binding   // the recognized columns
	nums   []int       // row numbers of the data rows
	cells  cellStore   // len(binds) cells per data row, cleaned
	report SheetReport // what the report says about it
	// example reports a platform template's example row by its first non-blank cell.
	example func(first string) bool
}

// binding is one recognized column of a sheet.
type binding struct {
	phys     int // 0-based physical column
	letter   string
	header   string
	spec     *colSpec
	readOnly bool // refused: a synced platform owns the field
}

func (s *sheetData) rows() int { return len(s.nums) }

func (s *sheetData) cell(row, b int) string { return s.cells.at(row, b) }

// cellStore holds a sheet's cells row by row: each row's texts packed into one string,
// with the end of each cell in it. A cell costs 4 bytes beside its text, rather than
// the 16 of a string of its own, for a sheet whose cells are all kept in memory until
// the import ends. Rows are kept in blocks, so that a large sheet is never copied as
// it grows (a slice grown by append would copy it several times over).
type cellStore struct {
	width int        // cells per row, set by the first row
	texts [][]string // blocks of rowBlock rows' packed texts
	ends  [][]uint32 // blocks of rowBlock×width cell ends, offsets into their row's text
	n     int        // rows
	buf   []byte     // where a row is packed
}

// rowBlock is the number of rows of a block.
const rowBlock = 1 << 10

// len returns the number of rows.
func (c *cellStore) len() int { return c.n }

// at returns the cell of the row at the column.
func (c *cellStore) at(row, col int) string {
	k, r := row/rowBlock, row%rowBlock
	ends := c.ends[k][r*c.width : (r+1)*c.width]
	lo := uint32(0)
	if col > 0 {
		lo = ends[col-1]
	}
	return c.texts[k][r][lo:ends[col]]
}

// appendRow adds a row of width cells (the first row sets the width), packing their
// texts into one string of the store's own.
func (c *cellStore) appendRow(cells []string) {
	if c.n == 0 {
		c.width = len(cells)
	}
	k := c.n / rowBlock
	if k == len(c.texts) {
		n := rowBlock
		if k == 0 {
			n = 16 // the first block grows from small: most sheets are small
		}
		c.texts = append(c.texts, make([]string, 0, n))
		c.ends = append(c.ends, make([]uint32, 0, n*c.width))
	}
	c.buf = c.buf[:0]
	for _, v := range cells[:c.width] {
		c.buf = append(c.buf, v...)
		c.ends[k] = append(c.ends[k], uint32(len(c.buf)))
	}
	c.texts[k] = append(c.texts[k], string(c.buf))
	c.n++
}

// bindingOf returns the binding of a column, or -1.
func (s *sheetData) bindingOf(col Column) int {
	for i, b := range s.binds {
		if b.spec.col == col {
			return i
		}
	}
	return -1
}

// read reads one input's sheets into memory (cells only), checking limits.
func (im *importer) read(idx int, in Input) error {
	if in.R == nil {
		return fmt.Errorf("importexport: input %d has no reader: %w", idx, orgkit.ErrInvalid)
	}
	kinds := cmp.Or(in.Sheets, im.opts.Sheets, Members|Departments)
	format := cmp.Or(in.Format, im.opts.Format)
	br := bufio.NewReaderSize(in.R, 4096)
	if format == FormatAuto {
		head, _ := br.Peek(8)
		var err error
		if format, err = sniff(head); err != nil {
			return err
		}
	}
	info := inputInfo{name: in.Name, format: format}
	switch format {
	case XLSX:
		ra, size, err := xlsxInput(br, in.R, im.lim.MaxFileSize, in.Name)
		if err != nil {
			return err
		}
		book, err := openXLSX(im.ctx, ra, size, im.lim, in.Name)
		if err != nil {
			return err
		}
		info.date1904 = book.date1904
		im.inputs = append(im.inputs, info)
		found := false
		for _, sh := range book.sheets {
			if !sh.visible || skipSheet(sh.name) {
				continue
			}
			kind := kinds
			if k := sheetKindByName(sh.name); k != 0 {
				if k&kinds == 0 {
					continue
				}
				kind = k
			}
			src := readXLSXRows(book, sh)
			ok, err := im.readSheet(idx, in.Name, sh.name, XLSX, kind, src)
			src.close()
			if err != nil {
				return err
			}
			found = found || ok
		}
		if !found {
			im.addReadErr(im.fileProblem(idx, in.Name, "", 1, CodeHeaderNotFound, "", fmt.Sprint(headerScan)))
		}
		return nil
	case CSV:
		im.inputs = append(im.inputs, info)
		rows, err := openCSV(im.ctx, br, im.lim, in.Name, cmp.Or(in.Encoding, im.opts.Encoding))
		if err != nil {
			return err
		}
		ok, err := im.readSheet(idx, in.Name, "", CSV, kinds, rows)
		enc := rows.encoding()
		im.inputs[len(im.inputs)-1].encoding = enc
		if ok {
			sh := im.sheets[len(im.sheets)-1]
			sh.report.Encoding = enc
		}
		if err == nil && !ok {
			im.addReadErr(im.fileProblem(idx, in.Name, "", 1, CodeHeaderNotFound, "", fmt.Sprint(headerScan)))
		}
		return err
	}
	return fmt.Errorf("importexport: unknown format %d: %w", format, orgkit.ErrInvalid)
}

// skipSheet reports sheets that are never data: instructions, the problem list.
func skipSheet(name string) bool {
	k := headerKey(name)
	for _, t := range []tr{wordInstr, wordProblems, {"Readme", "说明", "說明"}} {
		for _, s := range t {
			if headerKey(s) == k {
				return true
			}
		}
	}
	return false
}

// sheetKindByName recognizes "Members", "成员", "Departments", "部门"… as sheet names.
func sheetKindByName(name string) Sheets {
	k := headerKey(name)
	for _, s := range append(wordMembers[:], "员工", "員工", "employees", "people", "人员", "人員", "通讯录", "通訊錄") {
		if headerKey(s) == k {
			return Members
		}
	}
	for _, s := range append(wordDepts[:], "组织架构", "組織架構", "departments", "部门列表", "部門列表", "nodes") {
		if headerKey(s) == k {
			return Departments
		}
	}
	return 0
}

// headerScan is how many leading non-blank rows may precede and include the header.
const headerScan = 10

type bufRow struct {
	num   int
	cells []string
}

// readSheet finds a sheet's header among its first non-blank rows, binds the columns
// and reads the data rows. It reports whether the sheet was recognized.
func (im *importer) readSheet(idx int, file, name string, format Format, kinds Sheets, src rowSource) (bool, error) {
	var buf []bufRow
	for len(buf) < headerScan {
		num, cells, ok, err := src.next()
		if err != nil {
			return false, err
		}
		if !ok {
			break
		}
		if len(cells) > im.lim.MaxColumns {
			return false, &LimitError{Limit: LimitColumns, Max: int64(im.lim.MaxColumns), File: file, Row: num}
		}
		if blankRow(cells) {
			continue
		}
		buf = append(buf, bufRow{num, cells})
	}
	hm := &headerMatcher{aliases: im.aliases}
	h, kind := detectHeader(buf, kinds, hm.known)
	if h < 0 {
		return false, nil
	}
	sh := &sheetData{input: idx, file: file, name: name, format: format, kind: kind, header: buf[h].num}
	sh.report = SheetReport{Input: idx, File: file, Name: name, Kind: kind, Format: format, HeaderRow: buf[h].num,
		types: map[int]colType{}}
	// Header texts: a blank header cell takes the nearest text above it (a header
	// merged over several rows keeps its text in the top cell).
	width := 0
	for _, r := range buf[:h+1] {
		width = max(width, len(r.cells))
	}
	texts := headerTexts(buf, h, width)
	if kind == Members {
		hm.tmpl = recognizeTemplate(texts)
	}
	if hm.tmpl != nil {
		sh.report.Template = hm.tmpl.name
		sh.example = hm.tmpl.example
	}
	seen := map[Column]int{}
	var noHeader []int // columns without a header: their values are problems
	for c := 0; c < width; c++ {
		text := texts[c]
		letter, _ := excelize.ColumnNumberToName(c + 1)
		if text == "" {
			noHeader = append(noHeader, c)
			continue
		}
		spec := hm.match(kind, text)
		cr := ColumnReport{Letter: letter, Header: text}
		switch {
		case spec == nil:
			if !im.opts.AllowUnknownColumns {
				im.addReadErr(im.columnProblem(sh, letter, text, CodeColumnUnknown, text, ""))
			}
		case spec.typ == tIgnored:
		case spec.typ == tSecret:
			sh.report.types[c] = tSecret // never read, blanked in the error workbook
		default:
			if first, dup := seen[spec.col]; dup {
				im.addReadErr(im.columnProblem(sh, letter, text, CodeColumnDuplicate, text, sh.binds[first].letter))
				break
			}
			seen[spec.col] = len(sh.binds)
			sh.binds = append(sh.binds, binding{phys: c, letter: letter, header: text, spec: spec})
			sh.report.types[c] = spec.typ
			cr.Column = spec.col
		}
		sh.report.Columns = append(sh.report.Columns, cr)
	}
	sh.report.width = width
	im.sheets = append(im.sheets, sh)
	reported := map[int]bool{}
	headerless := func(num, c int, cells []string) {
		if reported[c] || im.opts.AllowUnknownColumns {
			return
		}
		if v := cleanCell(cells[c]); v != "" {
			reported[c] = true
			letter, _ := excelize.ColumnNumberToName(c + 1)
			p := im.columnProblem(sh, letter, "", CodeColumnNoHeader, truncate(v, 200), letter)
			p.Row = num
			im.addReadErr(p)
		}
	}
	var vals []string // a row's cells, cleaned, before the store packs them
	add := func(num int, cells []string) error {
		if len(cells) > max(width, im.lim.MaxColumns) {
			return &LimitError{Limit: LimitColumns, Max: int64(im.lim.MaxColumns), File: file, Row: num}
		}
		if sh.example != nil && sh.example(firstCell(cells)) {
			return nil // the platform template's example row
		}
		sh.report.width = max(sh.report.width, len(cells))
		for _, c := range noHeader {
			if c < len(cells) {
				headerless(num, c, cells)
			}
		}
		for c := width; c < len(cells); c++ {
			headerless(num, c, cells)
		}
		blank := true
		vals = vals[:0]
		for _, b := range sh.binds {
			v := ""
			if b.phys < len(cells) {
				v = cleanCell(cells[b.phys])
			}
			if v != "" {
				blank = false
			}
			vals = append(vals, v)
		}
		if blank {
			return nil
		}
		im.dataRows++
		if im.dataRows > im.lim.MaxRows {
			return &LimitError{Limit: LimitRows, Max: int64(im.lim.MaxRows), File: file, Row: num}
		}
		sh.nums = append(sh.nums, num)
		row := len(sh.nums) - 1
		for i, v := range vals {
			switch {
			case v == "":
			case len(v) > im.lim.MaxCellLength && utf8RuneCountOver(v, im.lim.MaxCellLength):
				im.addReadErr(im.cellProblem(sh, row, i, CodeCellTooLong, truncate(v, 200), fmt.Sprint(im.lim.MaxCellLength)))
				vals[i] = ""
			case isExcelError(v):
				im.addReadErr(im.cellProblem(sh, row, i, CodeCellError, v, ""))
				vals[i] = ""
			}
		}
		sh.cells.appendRow(vals)
		if format != XLSX || kind != Members {
			return nil
		}
		for i, b := range sh.binds {
			if v := sh.cell(row, i); v != "" && b.spec.field == member.MobileField && b.spec.lang == "" && !isClear(v) {
				// the stored cell: the number the warmer remembers is the one
				// memberCell gives the batch, and holds on to no text of the row as read
				if m, rounded := parseNumberText(v); !rounded {
					im.warm(m)
				}
			}
		}
		return nil
	}
	for _, r := range buf[h+1:] {
		if err := add(r.num, r.cells); err != nil {
			return true, err
		}
	}
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := im.ctx.Err(); err != nil {
				return true, err
			}
		}
		num, cells, ok, err := src.next()
		if err != nil {
			return true, err
		}
		if !ok {
			break
		}
		if err := add(num, cells); err != nil {
			return true, err
		}
	}
	sh.report.Rows = len(sh.nums)
	return true, nil
}

// firstCell returns the first non-blank cell of a row, cleaned.
func firstCell(cells []string) string {
	for _, c := range cells {
		if v := cleanCell(c); v != "" {
			return v
		}
	}
	return ""
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if cleanCell(c) != "" {
			return false
		}
	}
	return true
}

// detectHeader picks the buffered row whose headers name the most known columns (the
// first of equals), and the kind of sheet they name. A blank header cell takes the
// nearest text above it, as a header merged over several rows keeps its text in its
// top cell.
func detectHeader(buf []bufRow, kinds Sheets, known func(Sheets, string) bool) (int, Sheets) {
	best, bestKind, bestN := -1, Sheets(0), 0
	width := 0
	for i, r := range buf {
		width = max(width, len(r.cells))
		texts := headerTexts(buf, i, width)
		for _, kind := range []Sheets{Members, Departments} {
			if kinds&kind == 0 {
				continue
			}
			n := 0
			for _, t := range texts {
				if t != "" && known(kind, t) {
					n++
				}
			}
			if n > bestN {
				best, bestKind, bestN = i, kind, n
			}
		}
	}
	return best, bestKind
}

// headerTexts are the header texts of row h: each column's nearest non-blank text at
// or above it.
func headerTexts(buf []bufRow, h, width int) []string {
	out := make([]string, width)
	for c := range out {
		for k := h; k >= 0 && out[c] == ""; k-- {
			if c < len(buf[k].cells) {
				out[c] = cleanCell(buf[k].cells[c])
			}
		}
	}
	return out
}

func utf8RuneCountOver(s string, limit int) bool {
	n := 0
	for range s {
		n++
		if n > limit {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return s[:k] + "…"
		}
		i++
	}
	return s
}

// build resolves the rows against the latest snapshot, runs the batch (a plan, or the
// commit) and fills the report.
func (im *importer) build(commit bool) (*Report, error) {
	snap, err := im.svc.Snapshot(im.ctx, im.dir)
	if err != nil {
		return nil, err
	}
	im.snap = snap
	im.problems = slices.Clone(im.readErrs)
	im.cmds, im.refs = nil, nil
	im.names = nil
	im.rep = &Report{Mode: im.opts.Mode, Language: im.tag, inputs: im.inputs, limits: im.lim}
	for _, sh := range im.sheets {
		im.rep.Sheets = append(im.rep.Sheets, sh.report)
	}
	im.key = im.chooseKey()
	im.rep.Key = im.key
	im.markReadOnly()
	im.res = newResolver(im)
	plan := im.plan()
	im.res.dropMemberIndexes() // the batch is built: nothing resolves members any more
	if im.ctxErr != nil {
		return nil, im.ctxErr
	}
	if err := im.ctx.Err(); err != nil {
		return nil, err
	}
	meta := im.opts.Meta
	meta.Origin = directory.OriginImport
	if meta.IfVersion == 0 {
		meta.IfVersion = snap.Version()
	}
	if len(im.problems) > 0 {
		// Run the batch anyway (a plan), so that the rules only the directory service
		// checks are reported together with the rest, unless the report is full.
		if im.full() {
			return im.fail()
		}
		if _, err := im.svc.Plan(im.ctx, im.dir, meta, im.cmds...); err != nil {
			if !im.absorb(err) {
				return nil, err
			}
		}
		return im.fail()
	}
	var res *directory.Result
	if commit {
		res, err = im.svc.Apply(im.ctx, im.dir, meta, im.cmds...)
	} else {
		res, err = im.svc.Plan(im.ctx, im.dir, meta, im.cmds...)
	}
	if err != nil {
		if errors.Is(err, orgkit.ErrConflict) && im.opts.Meta.IfVersion == 0 {
			return nil, err
		}
		if !im.absorb(err) {
			return nil, err
		}
		return im.fail()
	}
	plan.count(im.rep)
	im.rep.Result = res
	im.rep.Committed = commit && res.ChangeSet != nil
	return im.rep, nil
}

// cancelled reports whether the import's context is done, looking every 256 calls
// (once per row of the loops that build the batch), so that cancellation is
// honoured while a large file's rows are resolved, not only while it is read. It
// records the context's error for build to return.
func (im *importer) cancelled() bool {
	if im.ctxErr == nil {
		if im.polls++; im.polls%256 == 0 {
			im.ctxErr = im.ctx.Err()
		}
	}
	return im.ctxErr != nil
}

// absorb turns the service's violations into problems; it reports false for any other
// error. A violation at a cell that already has a problem of its own is a consequence
// of it (the cell was left out) and is dropped.
func (im *importer) absorb(err error) bool {
	var inv *orgkit.InvalidError
	if !errors.As(err, &inv) {
		return false
	}
	type at struct {
		input      int
		sheet, col string
		row        int
	}
	own := map[at]bool{}
	for _, p := range im.problems {
		if p.Column != "" {
			own[at{p.Input, p.Sheet, p.Column, p.Row}] = true
		}
	}
	for _, v := range inv.Violations {
		p := im.fromViolation(v)
		if p.Column != "" && own[at{p.Input, p.Sheet, p.Column, p.Row}] {
			continue
		}
		im.addProblem(p)
	}
	return true
}

// fail finishes a report with problems.
func (im *importer) fail() (*Report, error) {
	ps := im.problems
	order := map[*sheetData]int{}
	for i, sh := range im.sheets {
		order[sh] = i
	}
	sheetIdx := func(p Problem) int {
		for i, sh := range im.sheets {
			if sh.input == p.Input && sh.name == p.Sheet {
				return i
			}
		}
		return -1
	}
	colIdx := func(p Problem) int {
		n, _ := excelize.ColumnNameToNumber(p.Column)
		return n
	}
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Input, b.Input), cmp.Compare(sheetIdx(a), sheetIdx(b)), cmp.Compare(a.Row, b.Row), cmp.Compare(colIdx(a), colIdx(b)))
	})
	ps = slices.CompactFunc(ps, func(a, b Problem) bool {
		return a.Input == b.Input && a.Sheet == b.Sheet && a.Row == b.Row && a.Column == b.Column && a.Code == b.Code && a.Message == b.Message
	})
	if im.cutShort {
		file := ""
		if len(im.inputs) > 0 {
			file = im.inputs[0].name
		}
		ps = append(ps, im.fileProblem(0, file, "", 0, CodeTooManyProblems, "", strconv.Itoa(im.lim.MaxProblems)))
	}
	im.rep.Problems = ps
	ro := false
	for _, p := range ps {
		ro = ro || p.Code == orgkit.CodeFieldReadOnly
	}
	return im.rep, &problemsError{n: len(ps), readOnly: ro}
}

// chooseKey returns ImportOptions.Key, or the first key field whose column every
// member sheet has with a value in every row, or the system name. A column blank in
// some row cannot match that row (an export writes the columns of fields no member
// has), so it is no key.
func (im *importer) chooseKey() member.Field {
	if im.opts.Key != 0 {
		return im.opts.Key
	}
	for _, f := range keyFields {
		complete, found := true, false
		for _, sh := range im.sheets {
			if sh.kind != Members {
				continue
			}
			found = true
			b := sh.bindingOf(FieldColumn(f))
			for row := range sh.rows() {
				if b < 0 || sh.cell(row, b) == "" {
					complete = false
					break
				}
			}
		}
		if found && complete {
			return f
		}
	}
	return member.SystemNameField
}

// markReadOnly refuses the columns of fields the directory's upstream platform owns
// (DirectoryRecord.SyncedMemberFields and SyncedNodeFields of a synced directory),
// except the match key used only to find rows. One problem per column; the column is
// then ignored so that its rows are not reported again.
func (im *importer) markReadOnly() {
	d := im.snap.Settings()
	if !d.Platform.Synced() {
		return
	}
	for _, sh := range im.sheets {
		for i := range sh.binds {
			b := &sh.binds[i]
			b.readOnly = false
			owned := false
			switch sh.kind {
			case Members:
				isKey := b.spec.field == im.key && b.spec.lang == "" && im.opts.Mode != Add
				owned = b.spec.field != 0 && !isKey && slices.Contains(d.SyncedMemberFields, b.spec.field)
			case Departments:
				isKey := b.spec.col == ColCode && im.opts.Mode != Add
				owned = b.spec.node != 0 && !isKey && slices.Contains(d.SyncedNodeFields, b.spec.node)
			}
			if owned {
				b.readOnly = true
				v := orgkit.Violation{Code: orgkit.CodeFieldReadOnly, Command: -1, Record: im.sheetRecord(sh), Field: orgkit.FieldName(b.spec.col)}
				im.addProblem(im.newProblem(sh, sh.header, b.letter, b.header, b.header, v))
			}
		}
	}
}

// mobileWarmer normalizes the mobile numbers of xlsx member sheets on another
// goroutine while the file is read (an XML decode on one processor; a CSV file is
// read too fast for it to matter): the service's rules remember the results
// (see internal/mobiles), so the batch finds those numbers done instead of parsing
// them after the read. It never holds the reader up; once the read ends, complete
// parses the numbers it did not reach, in parallel, before the batch is built.
// Parsing a number allocates several kilobytes that are garbage at once: done while
// little more than the file's cells is live, rather than while the batch holds the
// new members and their indexes, that garbage does not raise the import's peak heap.
type mobileWarmer struct {
	rules member.Rules
	buf   []string
	all   []string // every number handed over, for complete
	ch    chan []string
	quit  chan struct{}
	done  chan struct{}
}

const warmChunk = 1024

// warm hands a mobile number to the warmer, starting it the first time.
func (im *importer) warm(m string) {
	if !im.warming {
		im.warming = true
		im.mobiles = newMobileWarmer(im.rules)
	}
	im.mobiles.add(m)
}

func newMobileWarmer(rules member.Rules) *mobileWarmer {
	if runtime.GOMAXPROCS(0) < 2 {
		return nil
	}
	w := idleMobileWarmer(rules)
	go w.run()
	return w
}

// idleMobileWarmer is a warmer whose goroutine is not started.
func idleMobileWarmer(rules member.Rules) *mobileWarmer {
	return &mobileWarmer{rules: rules, ch: make(chan []string, 256), quit: make(chan struct{}), done: make(chan struct{})}
}

// run normalizes the numbers queued until quit is closed.
func (w *mobileWarmer) run() {
	defer close(w.done)
	for {
		select {
		case <-w.quit:
			return
		case chunk := <-w.ch:
			for _, m := range chunk {
				select {
				case <-w.quit:
					return
				default:
					_, _ = w.rules.NormalizeMobile(m) // remembered by the rules
				}
			}
		}
	}
}

func (w *mobileWarmer) add(m string) {
	if w == nil {
		return
	}
	w.all = append(w.all, m)
	if w.buf = append(w.buf, m); len(w.buf) == warmChunk {
		select {
		case w.ch <- w.buf:
		default: // the warmer is behind: the batch will parse these
		}
		w.buf = make([]string, 0, warmChunk)
	}
}

// complete stops the warmer and parses the numbers it did not reach, in parallel on
// every processor (numbers it did are not parsed again).
func (w *mobileWarmer) complete() {
	if w == nil {
		return
	}
	w.finish()
	if len(w.all) > 0 {
		mobiles.Prepare(w.rules, w.all)
	}
	w.all, w.buf, w.ch = nil, nil, nil // and the chunks it did not take
}

// finish stops the warmer and waits for it; it may be called again.
func (w *mobileWarmer) finish() {
	if w == nil || w.quit == nil {
		return
	}
	close(w.quit)
	<-w.done
	w.quit = nil
}
