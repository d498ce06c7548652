package importexport

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/handoff"
	"github.com/orgkit/orgkit/internal/slab"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/role"
)

// cmdRef says where a command of the batch comes from: a row of a sheet, and the
// column its violations belong to when their field names none.
type cmdRef struct {
	sh  *sheetData
	row int // index of the data row; -1 for the header
	col int // binding index; -1 when none
}

type pending struct {
	cmd orgkit.Command
	ref cmdRef
}

type section []pending

func (s *section) add(c orgkit.Command, sh *sheetData, row, col int) {
	*s = append(*s, pending{c, cmdRef{sh, row, col}})
}

// batchPlan collects the commands of an import in the order the service must run
// them, and the counts of the report.
type batchPlan struct {
	deptCreate, memberFirst, members, deptPosts, deptDeactivate section
	mCounts, dCounts                                            Counts
	slab                                                        slab.Slab[member.Member] // where handOver puts the members
	creates                                                     int                      // members still to be created
}

func (p *batchPlan) count(rep *Report) {
	rep.Members, rep.Departments = p.mCounts, p.dCounts
}

// plan resolves every row and builds the batch: departments created, moved and
// renamed (parents first); members created with roles and inactive (so that nobody
// refers to them yet); the other members; department posts and isolation, which
// name members; department deactivations (children first).
func (im *importer) plan() *batchPlan {
	p := &batchPlan{}
	im.idRows = nil
	depts := im.prepareDepartments()
	members := im.prepareMembers()
	im.memberRows, im.deptRows = members, depts
	im.memberCommands(members, p)
	im.departmentCommands(depts, p)
	sections := []*section{&p.deptCreate, &p.memberFirst, &p.members, &p.deptPosts, &p.deptDeactivate}
	n := 0
	for _, s := range sections {
		n += len(*s)
	}
	im.cmds, im.refs = make([]orgkit.Command, 0, n), make([]cmdRef, 0, n)
	for _, s := range sections {
		for _, x := range *s {
			im.cmds = append(im.cmds, x.cmd)
			im.refs = append(im.refs, x.ref)
		}
		*s = nil // the batch holds them now
	}
	return p
}

// rowLoc is a row of the import, to name records in messages.
type rowLoc struct {
	sh  *sheetData
	row int
}

// memberRow is one row of a member sheet, matched.
type memberRow struct {
	sh  *sheetData
	row int
	id  orgkit.MemberID
	cur *member.Member // nil: the row creates a member
}

// prepareMembers matches every member row by the key, assigns IDs to new members and
// indexes the rows by key and system name for references. Key problems (blank in
// update and upsert, unknown in update, taken in add, twice in the file) are reported
// here and their rows dropped.
func (im *importer) prepareMembers() []memberRow {
	n := 0
	for _, sh := range im.sheets {
		if sh.kind == Members {
			n += sh.rows()
		}
	}
	rows := make([]memberRow, 0, n) // values, in one allocation: a large file has many
	kf := im.key
	for _, sh := range im.sheets {
		if sh.kind != Members {
			continue
		}
		kb := sh.bindingOf(FieldColumn(kf))
		if kb < 0 && im.opts.Mode != Add {
			v := orgkit.Violation{Code: CodeColumnRequired, Command: -1, Record: im.sheetRecord(sh), Detail: detailKeyForUpdate.in(im.tag)}
			p := im.newProblem(sh, sh.header, "", "", "", v)
			p.Header = kf.Label(im.tag)
			v.Field = orgkit.FieldName(p.Header)
			p.Message = message(v, im.tag)
			im.addProblem(p)
			continue
		}
		for row := range sh.rows() {
			if im.cancelled() {
				return rows
			}
			raw := ""
			if kb >= 0 {
				raw = sh.cell(row, kb)
			}
			key, keyOK := "", false
			if raw != "" {
				key, keyOK = im.res.memberKey(kf, raw)
			}
			mr := memberRow{sh: sh, row: row}
			switch {
			case raw == "" && im.opts.Mode != Add:
				im.addProblem(im.cellProblem(sh, row, kb, orgkit.CodeFieldRequired, "", ""))
				continue
			case raw != "" && !keyOK && im.opts.Mode != Add:
				code := orgkit.CodeFieldInvalid
				switch kf {
				case member.MobileField:
					code = orgkit.CodeMemberMobileInvalid
				case member.EmailField:
					code = orgkit.CodeMemberEmailInvalid
				}
				im.addProblem(im.cellProblem(sh, row, kb, code, raw, ""))
				continue
			case keyOK:
				if prev, dup := im.res.keyIdx[key]; dup {
					im.addProblem(im.cellProblem(sh, row, kb, orgkit.CodeFieldDuplicate, raw, "", rowRecord(orgkit.KindMember, prev.loc)))
					continue
				}
				existing, found := im.memberBy(kf, key)
				switch {
				case found && im.opts.Mode == Add:
					im.addProblem(im.cellProblem(sh, row, kb, orgkit.CodeFieldDuplicate, raw, "", existing.Ref()))
					continue
				case !found && im.opts.Mode == Update:
					im.addProblem(im.cellProblem(sh, row, kb, orgkit.CodeReferenceNotFound, raw, ""))
					continue
				case found:
					mr.cur, mr.id = existing, existing.ID
				}
			}
			if mr.id.IsZero() {
				mr.id = orgkit.NewMemberID()
			}
			if keyOK {
				im.res.keyIdx[key] = keyEntry{mr.id, rowLoc{sh, row}}
			}
			rows = append(rows, mr)
		}
	}
	return rows
}

// memberCommands builds each member row's commands.
func (im *importer) memberCommands(rows []memberRow, p *batchPlan) {
	p.members = slices.Grow(p.members, len(rows)) // a command or two per row
	for i := range rows {
		if rows[i].cur == nil {
			p.creates++
		}
	}
	for i := range rows {
		if im.cancelled() {
			return
		}
		im.memberRowCommands(&rows[i], p)
	}
}

func (im *importer) memberRowCommands(mr *memberRow, p *batchPlan) {
	sh, row := mr.sh, mr.row
	var m member.Member
	if mr.cur != nil {
		m = *mr.cur.Clone()
	}
	m.ID = mr.id
	var fields []member.Field
	var want []orgkit.RoleID
	rolesSet := false
	rolesCol := -1
	var given, family string
	im.rowSecondary = nil
	for bi, b := range sh.binds {
		v := sh.cell(row, bi)
		if v == "" || b.readOnly {
			continue
		}
		clear := isClear(v)
		if clear && mr.cur == nil {
			continue // creating: #clear is blank
		}
		switch b.spec.col {
		case ColRoles:
			rolesCol = bi
			want, rolesSet = im.roleCell(sh, row, bi, v, clear)
			continue
		case ColGivenName:
			given = v
			continue
		case ColFamilyName:
			family = v
			continue
		}
		f := b.spec.field
		if f == 0 || (f == im.key && b.spec.lang == "" && mr.cur != nil) {
			continue // the key only matches
		}
		if im.memberCell(&m, sh, row, bi, v, clear) && mr.cur != nil && !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	// More departments in the primary department's cell: the first is the primary,
	// the others join the secondary ones.
	if len(im.rowSecondary) > 0 {
		// With no secondary departments of its own, the row's list replaces them.
		if sb := sh.bindingOf(FieldColumn(member.SecondaryDepartmentsField)); sb < 0 || sh.cell(row, sb) == "" {
			m.Secondary = nil
		}
		for _, id := range im.rowSecondary {
			if id != m.Primary && !slices.Contains(m.Secondary, id) {
				m.Secondary = append(m.Secondary, id)
			}
		}
		if mr.cur != nil && !slices.Contains(fields, member.SecondaryDepartmentsField) {
			fields = append(fields, member.SecondaryDepartmentsField)
		}
	}
	if name := joinName(given, family); name != "" && sh.bindingOf(FieldColumn(member.FullNameField)) < 0 {
		m.FullName = name
		if mr.cur != nil && !slices.Contains(fields, member.FullNameField) {
			fields = append(fields, member.FullNameField)
		}
	}
	if mr.cur == nil {
		im.deriveDefaults(&m, sh)
		p.mCounts.Created++
		if rolesSet && len(want) > 0 && m.Status != orgkit.Active {
			// Roles can only be given to an active member: create it active, give the
			// roles, then deactivate it, before any other row refers to it.
			m.Status = orgkit.Active
			p.memberFirst.add(p.handOver(m), sh, row, -1)
			p.memberFirst.add(role.Assign{Members: []orgkit.MemberID{m.ID}, Roles: want, Primary: want[0]}, sh, row, rolesCol)
			p.memberFirst.add(member.Deactivate{Members: []orgkit.MemberID{m.ID}}, sh, row, sh.bindingOf(FieldColumn(member.StatusField)))
			return
		}
		p.members.add(p.handOver(m), sh, row, -1)
		if rolesSet && len(want) > 0 {
			p.members.add(role.Assign{Members: []orgkit.MemberID{m.ID}, Roles: want, Primary: want[0]}, sh, row, rolesCol)
		}
		return
	}
	var roleCmds []orgkit.Command
	if rolesSet {
		a, _ := im.snap.Shared().Assignment(m.ID)
		roleCmds = roleCommands(m.ID, a, want)
	}
	slices.Sort(fields)
	changed := len(fields) > 0 && !im.memberUnchanged(mr.cur, &m, fields)
	if !changed && len(roleCmds) == 0 {
		p.mCounts.Unchanged++
		return
	}
	p.mCounts.Updated++
	addRoles := func() {
		for _, c := range roleCmds {
			p.members.add(c, sh, row, rolesCol)
		}
	}
	if mr.cur.Status == orgkit.Active {
		addRoles()
	}
	if changed {
		p.members.add(member.Update{ID: m.ID, Fields: fields, Value: m}, sh, row, -1)
	}
	if mr.cur.Status != orgkit.Active {
		addRoles()
	}
}

// handOver makes the command that creates m, handing the service a copy of m it may
// keep as the new record: the import builds each member once and never touches it
// again, so the batch normalizes that copy in place instead of copying it again. The
// copies are allocated together (internal/slab): a directory imported whole then
// keeps its members in few objects for the collector to mark, not one per member.
func (p *batchPlan) handOver(m member.Member) orgkit.Command {
	rec := p.slab.New(p.creates)
	p.creates--
	*rec = m
	return handoff.MemberCreate{M: rec}
}

// memberUnchanged reports whether updating the fields of cur to their values in m
// would change nothing (after the service's normalization).
func (im *importer) memberUnchanged(cur, m *member.Member, fields []member.Field) bool {
	cand := cur.Clone()
	for _, f := range fields {
		f.Copy(cand, m)
	}
	if vs := im.rules.Normalize(cand, fields); len(vs) > 0 {
		return false
	}
	if cand.AffiliatedDepartment == cand.Primary {
		cand.AffiliatedDepartment = orgkit.NodeID{}
	}
	if !cand.AffiliatedOrganization.IsZero() && cand.AffiliatedOrganization == im.res.nearestOrg(cand.Primary) {
		cand.AffiliatedOrganization = orgkit.NodeID{}
	}
	for _, f := range fields {
		if !f.Equal(cand, cur) {
			return false
		}
	}
	return true
}

// roleCommands are the commands that make a member's roles exactly want, want[0]
// primary (none when they already are).
func roleCommands(id orgkit.MemberID, a *role.Assignment, want []orgkit.RoleID) []orgkit.Command {
	var have []orgkit.RoleID
	var primary orgkit.RoleID
	if a != nil {
		have, primary = a.Roles, a.Primary
	}
	ids := []orgkit.MemberID{id}
	if len(want) == 0 {
		if len(have) == 0 {
			return nil
		}
		return []orgkit.Command{role.Unassign{Members: ids, Roles: slices.Clone(have)}}
	}
	var remove, add []orgkit.RoleID
	for _, r := range have {
		if !slices.Contains(want, r) {
			remove = append(remove, r)
		}
	}
	for _, r := range want {
		if !slices.Contains(have, r) {
			add = append(add, r)
		}
	}
	if len(remove) == 0 && len(add) == 0 && primary == want[0] {
		return nil
	}
	var cmds []orgkit.Command
	after := slices.DeleteFunc(slices.Clone(have), func(r orgkit.RoleID) bool { return slices.Contains(remove, r) })
	if len(remove) > 0 {
		cmds = append(cmds, role.Unassign{Members: ids, Roles: remove})
		if slices.Contains(remove, primary) {
			primary = orgkit.RoleID{}
			if len(after) > 0 {
				primary = after[0]
			}
		}
	}
	if len(add) > 0 {
		as := role.Assign{Members: ids, Roles: add}
		if add[0] == want[0] {
			as.Primary = want[0]
		}
		cmds = append(cmds, as)
		if primary.IsZero() {
			primary = append(after, add...)[0]
			if !as.Primary.IsZero() {
				primary = as.Primary
			}
		}
	}
	if primary != want[0] {
		cmds = append(cmds, role.SetPrimary{Member: id, Role: want[0]})
	}
	return cmds
}

// roleCell reads a roles cell: role names, the primary first.
func (im *importer) roleCell(sh *sheetData, row, bi int, v string, clear bool) ([]orgkit.RoleID, bool) {
	if clear {
		return nil, true
	}
	var out []orgkit.RoleID
	ok := true
	for _, name := range splitList(v) {
		id, found := im.res.role(name)
		if !found {
			im.addProblem(im.cellProblem(sh, row, bi, orgkit.CodeReferenceNotFound, name, ""))
			ok = false
			continue
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, ok
}

// memberCell sets the field of a cell on m; it reports false (after reporting a
// problem) when the cell cannot be read.
func (im *importer) memberCell(m *member.Member, sh *sheetData, row, bi int, v string, clear bool) bool {
	b := sh.binds[bi]
	f := b.spec.field
	bad := func(code, detail string) bool {
		im.addProblem(im.cellProblem(sh, row, bi, code, v, detail))
		return false
	}
	invalid := func() string { return orgkit.CodeFieldInvalid }
	switch b.spec.typ {
	case tText, tLongText, tNumText:
		s := v
		if clear {
			s = ""
		} else if b.spec.typ == tNumText {
			var rounded bool
			if s, rounded = parseNumberText(v); rounded {
				return bad(CodeCellRounded, "")
			}
		}
		if b.spec.lang != "" {
			m.SystemName = m.SystemName.WithForm(b.spec.lang, s)
			return true
		}
		setText(m, f, s)
	case tEnum:
		x := 0
		if !clear {
			var ok bool
			if x, ok = b.spec.enum.parse(v); !ok {
				return bad(invalid(), fmt.Sprintf(detailOneOf.in(im.tag), strings.Join(b.spec.enum.labelsIn(im.tag), ", ")))
			}
		}
		switch f {
		case member.GenderField:
			m.Gender = member.Gender(x)
		case member.LoginMethodField:
			m.LoginMethod = member.LoginMethod(x)
		case member.StatusField:
			m.Status = orgkit.Status(x)
		}
	case tBool:
		on := false
		if !clear {
			var ok bool
			if on, ok = parseBool(v); !ok {
				return bad(invalid(), fmt.Sprintf(detailOneOf.in(im.tag), wordYes.in(im.tag)+", "+wordNo.in(im.tag)))
			}
		}
		m.LoginBlocked = on
	case tDate:
		var d member.Date
		if !clear {
			var ok bool
			if d, ok = parseDate(v, im.dateOptions(sh)); !ok {
				return bad(invalid(), detailDateExample.in(im.tag))
			}
		}
		switch f {
		case member.HireDateField:
			m.HireDate = d
		case member.EmploymentDateField:
			m.EmploymentDate = d
		case member.BirthdayField:
			m.Birthday = d
		}
	case tNodeRef:
		var id orgkit.NodeID
		if !clear {
			r := im.res.node(v)
			if !r.ok && f == member.PrimaryDepartmentField {
				// Written in the template's own notation ("市场部-杭州分部,产品部").
				if alt, ok := templateNamed(sh.report.Template).departmentCell(v); ok {
					v, r = alt, im.res.node(alt)
				}
			}
			if !r.ok && f == member.PrimaryDepartmentField && len(splitList(v)) > 1 {
				// Several departments, the first the primary ("研发部；产品部"): a list
				// the platforms' templates write this way. A name holding the
				// separator itself was tried whole first.
				ids, ok := im.nodeList(sh, row, bi, v, orgkit.CodeReferenceNotFound)
				if !ok {
					return false
				}
				r = refResult{node: ids[0], ok: true}
				im.rowSecondary = ids[1:]
			}
			if !r.ok {
				if r.ambiguous != "" {
					return bad(CodeReferenceAmbiguous, r.ambiguous)
				}
				return bad(orgkit.CodeReferenceNotFound, "")
			}
			id = r.node
		}
		switch f {
		case member.PrimaryDepartmentField:
			m.Primary = id
		case member.AffiliatedDepartmentField:
			m.AffiliatedDepartment = id
		case member.AffiliatedOrganizationField:
			m.AffiliatedOrganization = id
		}
	case tNodeList:
		var ids []orgkit.NodeID
		if !clear {
			var ok bool
			if ids, ok = im.nodeList(sh, row, bi, v, orgkit.CodeReferenceNotFound); !ok {
				return false
			}
		}
		m.Secondary = ids
	case tMemberRef:
		var id orgkit.MemberID
		if !clear {
			var ok bool
			if id, ok = im.res.member(v); !ok {
				return bad(orgkit.CodeReferenceNotFound, "")
			}
		}
		m.ReportingManager = id
	case tTextList:
		var lines []string
		if !clear {
			lines = splitList(v)
		}
		m.ResponsibleLines = lines
	default:
		return false
	}
	return true
}

func (im *importer) dateOptions(sh *sheetData) dateOpts {
	o := dateOpts{MonthFirst: im.opts.MonthFirst}
	if sh.input < len(im.inputs) {
		o.Date1904 = im.inputs[sh.input].date1904
	}
	return o
}

// setText sets a text field of m.
func setText(m *member.Member, f member.Field, s string) {
	switch f {
	case member.SystemNameField:
		m.SystemName.Default = s
	case member.FullNameField:
		m.FullName = s
	case member.MobileField:
		m.Mobile = s
	case member.EmailField:
		m.Email = s
	case member.LoginAccountField:
		m.LoginAccount = s
	case member.SSOAccountField:
		m.SSOAccount = s
	case member.JobTitleField:
		m.JobTitle = s
	case member.EmployeeNumberField:
		m.EmployeeNumber = s
	case member.OfficePhoneField:
		m.OfficePhone = s
	case member.ExtensionField:
		m.Extension = s
	case member.QQField:
		m.QQ = s
	case member.WeChatField:
		m.WeChat = s
	case member.LanguageField:
		m.Language = s
	case member.TimeZoneField:
		m.TimeZone = s
	case member.RegionField:
		m.Region = s
	case member.BioField:
		m.Bio = s
	case member.WorkDetailsField:
		m.WorkDetails = s
	case member.WorkPlaceField:
		m.WorkPlace = s
	case member.ExtendedAField:
		m.ExtendedA = s
	case member.ExtendedBField:
		m.ExtendedB = s
	case member.ExternalIDField:
		m.ExternalID = s
	}
}

// textOf returns a text field of m.
func textOf(m *member.Member, f member.Field) string {
	switch f {
	case member.SystemNameField:
		return m.SystemName.Default
	case member.FullNameField:
		return m.FullName
	case member.MobileField:
		return m.Mobile
	case member.EmailField:
		return m.Email
	case member.LoginAccountField:
		return m.LoginAccount
	case member.SSOAccountField:
		return m.SSOAccount
	case member.JobTitleField:
		return m.JobTitle
	case member.EmployeeNumberField:
		return m.EmployeeNumber
	case member.OfficePhoneField:
		return m.OfficePhone
	case member.ExtensionField:
		return m.Extension
	case member.QQField:
		return m.QQ
	case member.WeChatField:
		return m.WeChat
	case member.LanguageField:
		return m.Language
	case member.TimeZoneField:
		return m.TimeZone
	case member.RegionField:
		return m.Region
	case member.BioField:
		return m.Bio
	case member.WorkDetailsField:
		return m.WorkDetails
	case member.WorkPlaceField:
		return m.WorkPlace
	case member.ExtendedAField:
		return m.ExtendedA
	case member.ExtendedBField:
		return m.ExtendedB
	case member.ExternalIDField:
		return m.ExternalID
	}
	return ""
}

// joinName joins a given and a family name into a full name: "Ada Lovelace", or
// "张伟" (family name first, no space) when both are written in Han script.
func joinName(given, family string) string {
	switch {
	case given == "" || family == "":
		return given + family
	case hanOnly(given) && hanOnly(family):
		return family + given
	}
	return given + " " + family
}

func hanOnly(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// deriveDefaults fills what a new member's row leaves to be derived when its sheet
// has no column for it: the system name, the way sync names upstream members (the
// full name, else an identifier of the row; a name someone holds gets " (id)"; see
// member.Rules.DeriveSystemName); and the login method, by email when the member has
// an email and no mobile.
func (im *importer) deriveDefaults(m *member.Member, sh *sheetData) {
	if m.SystemName.Default == "" && sh.bindingOf(FieldColumn(member.SystemNameField)) < 0 {
		m.SystemName.Default = im.derivedSystemName(m)
	}
	if sh.bindingOf(FieldColumn(member.LoginMethodField)) < 0 && m.Mobile == "" && m.Email != "" {
		m.LoginMethod = member.LoginByEmail
	}
}

// derivedSystemName returns a system name for m that no member of the directory and
// no other row of the import holds, and claims it.
func (im *importer) derivedSystemName(m *member.Member) string {
	id := cmp.Or(m.ExternalID, m.LoginAccount, m.SSOAccount, m.EmployeeNumber, m.Email, m.Mobile)
	name := im.rules.DeriveSystemName(m.FullName, id)
	if name == "" {
		return ""
	}
	if im.names == nil {
		im.names = map[string]bool{}
		for _, sh := range im.sheets {
			b := sh.bindingOf(FieldColumn(member.SystemNameField))
			if sh.kind != Members || b < 0 {
				continue
			}
			for row := range sh.rows() {
				if v := sh.cell(row, b); v != "" && !isClear(v) {
					im.names[member.UniqueKey(member.SystemNameField, &member.Member{SystemName: orgkit.Name(v)})] = true
				}
			}
		}
	}
	for n := 0; ; n++ {
		cand := name
		if n > 0 {
			cand = member.SuffixedSystemName(name, id, n)
		}
		key := member.UniqueKey(member.SystemNameField, &member.Member{SystemName: orgkit.Name(cand)})
		_, taken := im.snap.MemberBy(member.SystemNameField, cand)
		if (!taken && !im.names[key]) || n > 1000 {
			im.names[key] = true
			return cand
		}
	}
}
