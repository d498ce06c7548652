package importexport

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/orgtree"
)

// deptRow is one row of a department sheet, matched by its code (or, for the company
// row, to the root).
type deptRow struct {
	sh        *sheetData
	row       int
	id        orgkit.NodeID
	cur       *orgtree.Node // nil: the row creates a node
	root      bool
	code      string
	kind      orgtree.Kind
	names     orgkit.Names
	parent    orgkit.NodeID
	parentRaw string // the parent cell, until resolved
	moved     bool   // the row sets the parent
	skip      bool
	depth     int
}

// prepareDepartments matches the department rows by code, assigns IDs to new nodes,
// resolves parents (by code or path, among the directory and the rows, in any order)
// and orders the rows parents first. The resolver then sees the tree as the import
// will leave it.
func (im *importer) prepareDepartments() []*deptRow {
	var rows []*deptRow
	seen := map[string]rowLoc{}
	rootSeen := false
	tree := im.snap.Tree().Shared()
	for _, sh := range im.sheets {
		if sh.kind != Departments {
			continue
		}
		cb, kb, pb := sh.bindingOf(ColCode), sh.bindingOf(ColKind), sh.bindingOf(ColParent)
		if cb < 0 && im.opts.Mode != Add {
			v := orgkit.Violation{Code: CodeColumnRequired, Command: -1, Record: im.sheetRecord(sh)}
			p := im.newProblem(sh, sh.header, "", "", "", v)
			p.Header = ColCode.Header(Departments, im.tag)
			v.Field = orgkit.FieldName(p.Header)
			p.Message = message(v, im.tag)
			im.addProblem(p)
			continue
		}
		for row := range sh.rows() {
			if im.cancelled() {
				return nil
			}
			dr := &deptRow{sh: sh, row: row, kind: orgtree.Department}
			if cb >= 0 {
				if c := sh.cell(row, cb); c != "" && !isClear(c) {
					dr.code = nfkc(c)
				}
			}
			if kb >= 0 {
				if v := sh.cell(row, kb); v != "" && !isClear(v) {
					k, ok := kindEnum.parse(v)
					if !ok {
						im.addProblem(im.cellProblem(sh, row, kb, orgkit.CodeNodeKindInvalid, v, fmt.Sprintf(detailOneOf.in(im.tag), strings.Join(kindEnum.labelsIn(im.tag), ", "))))
						continue
					}
					dr.kind = orgtree.Kind(k)
				}
			}
			if pb >= 0 {
				dr.parentRaw = sh.cell(row, pb)
				if isClear(dr.parentRaw) {
					dr.parentRaw = ""
				}
			}
			if dr.kind == orgtree.Company {
				if rootSeen {
					im.addProblem(im.cellProblem(sh, row, kb, CodeRowRoot, sh.cell(row, kb), detailRootTwice.in(im.tag)))
					continue
				}
				rootSeen = true
				if dr.parentRaw != "" {
					im.addProblem(im.cellProblem(sh, row, pb, CodeRowRoot, dr.parentRaw, detailRootParent.in(im.tag)))
					dr.parentRaw = ""
				}
				dr.root, dr.cur = true, tree.Root()
			} else if dr.code != "" {
				key := orgtree.CodeKey(dr.code)
				if prev, dup := seen[key]; dup {
					im.addProblem(im.cellProblem(sh, row, cb, orgkit.CodeNodeCodeDuplicate, dr.code, "", rowRecord(orgkit.KindDepartment, prev)))
					continue
				}
				seen[key] = rowLoc{sh, row}
				existing, found := tree.ByCode(dr.code)
				switch {
				case found && (im.opts.Mode == Add || existing.Status == orgkit.Retired):
					im.addProblem(im.cellProblem(sh, row, cb, orgkit.CodeNodeCodeDuplicate, dr.code, fmt.Sprintf("%s %q", existing.Kind, existing.Name.Default)))
					continue
				case !found && im.opts.Mode == Update:
					im.addProblem(im.cellProblem(sh, row, cb, orgkit.CodeReferenceNotFound, dr.code, ""))
					continue
				case found:
					dr.cur = existing
					dr.root = existing.Parent.IsZero()
				}
			} else if im.opts.Mode != Add {
				im.addProblem(im.cellProblem(sh, row, cb, orgkit.CodeFieldRequired, "", ""))
				continue
			}
			if dr.cur != nil {
				dr.id = dr.cur.ID
				dr.names = dr.cur.Name.Clone()
				if kb >= 0 && sh.cell(row, kb) != "" && dr.kind != dr.cur.Kind {
					im.addProblem(im.cellProblem(sh, row, kb, orgkit.CodeNodeKindInvalid, sh.cell(row, kb), detailKindChange.in(im.tag)))
				}
				dr.kind = dr.cur.Kind
				dr.parent = dr.cur.Parent
			} else {
				dr.id = orgkit.NewNodeID()
				dr.parent = im.res.root
			}
			im.deptNames(dr)
			rows = append(rows, dr)
		}
	}
	// Register every row as it stands (parents by code or path come next), so that
	// codes and names of new rows resolve.
	for _, dr := range rows {
		if dr.parentRaw != "" {
			dr.moved = true
		}
		parent := dr.parent
		if dr.moved && dr.cur == nil {
			parent = orgkit.NodeID{} // not placed until its parent resolves
		}
		im.res.setNode(dr.id, parent, dr.kind, dr.names, dr.code)
	}
	// Resolve parents until nothing more resolves: a path may run through rows whose
	// own parents are given by path.
	for progress := true; progress; {
		progress = false
		for _, dr := range rows {
			if dr.parentRaw == "" {
				continue
			}
			if r := im.res.node(dr.parentRaw); r.ok {
				dr.parent, dr.parentRaw, progress = r.node, "", true
				im.res.setNode(dr.id, dr.parent, dr.kind, dr.names, dr.code)
			}
		}
	}
	for _, dr := range rows {
		if dr.parentRaw == "" {
			continue
		}
		pb := dr.sh.bindingOf(ColParent)
		if r := im.res.node(dr.parentRaw); r.ambiguous != "" {
			im.addProblem(im.cellProblem(dr.sh, dr.row, pb, CodeReferenceAmbiguous, dr.parentRaw, r.ambiguous))
		} else {
			im.addProblem(im.cellProblem(dr.sh, dr.row, pb, orgkit.CodeReferenceNotFound, dr.parentRaw, ""))
		}
		dr.skip = dr.cur == nil
		dr.moved = false
	}
	// Depths (parents first); a cycle through the rows is a problem of each row on it.
	for _, dr := range rows {
		if dr.skip {
			continue
		}
		id, depth, cycle := dr.id, 0, false
		for {
			n, ok := im.res.nodes[id]
			if !ok || n.parent.IsZero() {
				break
			}
			id, depth = n.parent, depth+1
			if id == dr.id || depth > len(im.res.nodes) {
				cycle = true
				break
			}
		}
		if cycle {
			pb := dr.sh.bindingOf(ColParent)
			im.addProblem(im.cellProblem(dr.sh, dr.row, pb, CodeRowCycle, dr.sh.cellOr(dr.row, pb), im.res.path(dr.parent)))
			dr.skip = true
			continue
		}
		dr.depth = depth
	}
	slices.SortStableFunc(rows, func(a, b *deptRow) int { return a.depth - b.depth })
	// A new node under a node that cannot be created cannot be created either; its
	// parent's problem is reported.
	skipped := map[orgkit.NodeID]bool{}
	for _, dr := range rows {
		if dr.skip && dr.cur == nil {
			skipped[dr.id] = true
		} else if !dr.skip && dr.cur == nil && skipped[dr.parent] {
			dr.skip = true
			skipped[dr.id] = true
		}
	}
	return rows
}

// cellOr is the cell, or "" without a column.
func (s *sheetData) cellOr(row, b int) string {
	if b < 0 {
		return ""
	}
	return s.cell(row, b)
}

// deptNames applies the name cells of a row: the default and the language forms.
func (im *importer) deptNames(dr *deptRow) {
	sh := dr.sh
	for bi, b := range sh.binds {
		if b.spec.col != ColName && !strings.HasPrefix(string(b.spec.col), string(ColName)+":") || b.readOnly {
			continue
		}
		v := sh.cell(dr.row, bi)
		if v == "" || (isClear(v) && dr.cur == nil) {
			continue
		}
		if isClear(v) {
			v = ""
		}
		if b.spec.lang == "" {
			dr.names.Default = v
			continue
		}
		dr.names = dr.names.WithForm(b.spec.lang, v)
	}
}

// departmentCommands builds each department row's commands into the plan's sections.
func (im *importer) departmentCommands(rows []*deptRow, p *batchPlan) {
	var deactivate []*deptRow
	for _, dr := range rows {
		if im.cancelled() {
			return
		}
		if dr.skip {
			continue
		}
		if im.deptRowCommands(dr, p) {
			deactivate = append(deactivate, dr)
		}
	}
	// children before parents
	for i := len(deactivate) - 1; i >= 0; i-- {
		dr := deactivate[i]
		p.deptDeactivate.add(orgtree.Deactivate{Node: dr.id}, dr.sh, dr.row, dr.sh.bindingOf(ColStatus))
	}
}

// deptRowCommands adds a row's commands; it reports whether the node is then to be
// deactivated.
func (im *importer) deptRowCommands(dr *deptRow, p *batchPlan) (deactivate bool) {
	sh, row := dr.sh, dr.row
	cur := dr.cur
	base := &orgtree.Node{Kind: dr.kind}
	if cur != nil {
		base = cur
	}
	order, group, iso, ext := base.Order, base.Group, base.Isolation.Clone(), base.ExternalID
	manager, assistants, observers := base.Manager, slices.Clone(base.Assistants), slices.Clone(base.Observers)
	status := base.Status
	var postsSet, isoSet bool
	col := func(c Column) int { return sh.bindingOf(c) }
	for bi, b := range sh.binds {
		v := sh.cell(row, bi)
		if v == "" || b.readOnly {
			continue
		}
		clear := isClear(v)
		if clear && cur == nil {
			continue
		}
		bad := func(code, detail string) {
			im.addProblem(im.cellProblem(sh, row, bi, code, v, detail))
		}
		invalid := orgkit.CodeFieldInvalid
		oneOf := func(e *enumSpec) string {
			return fmt.Sprintf(detailOneOf.in(im.tag), strings.Join(e.labelsIn(im.tag), ", "))
		}
		switch b.spec.col {
		case ColOrder:
			if clear {
				order = 0
			} else if n, ok := parseInt(v); ok {
				order = n
			} else {
				bad(invalid, detailWholeNumber.in(im.tag))
			}
		case ColIncludeSubMembers, ColIncludeIsolated, ColHideFromOutside:
			on := false
			if !clear {
				var ok bool
				if on, ok = parseBool(v); !ok {
					bad(invalid, oneOf(yesNoEnum))
					continue
				}
			}
			switch b.spec.col {
			case ColIncludeSubMembers:
				group.IncludeSubMembers = on
			case ColIncludeIsolated:
				group.IncludeIsolatedSubMembers = on
			default:
				iso.HideFromOutside, isoSet = on, true
			}
		case ColContactView, ColReception, ColStatus:
			x := 0
			if !clear {
				var ok bool
				if x, ok = b.spec.enum.parse(v); !ok {
					bad(invalid, oneOf(b.spec.enum))
					continue
				}
			}
			switch b.spec.col {
			case ColContactView:
				iso.ContactView, isoSet = orgtree.ContactView(x), true
			case ColReception:
				iso.Reception, isoSet = orgtree.Reception(x), true
			default:
				status = orgkit.Status(x)
			}
		case ColExternalID:
			if clear {
				ext = ""
			} else {
				ext = v
			}
		case ColManager:
			manager = orgkit.MemberID{}
			if !clear {
				id, ok := im.res.member(v)
				if !ok {
					bad(orgkit.CodeReferenceNotFound, "")
					continue
				}
				manager = id
			}
			postsSet = true
		case ColAssistants, ColObservers, ColVisibilityMembers, ColContactMembers:
			var ids []orgkit.MemberID
			ok := true
			if !clear {
				for _, item := range splitList(v) {
					id, found := im.res.member(item)
					if !found {
						im.addProblem(im.cellProblem(sh, row, bi, orgkit.CodeReferenceNotFound, item, ""))
						ok = false
						continue
					}
					ids = append(ids, id)
				}
			}
			if !ok {
				continue
			}
			switch b.spec.col {
			case ColAssistants:
				assistants, postsSet = ids, true
			case ColObservers:
				observers, postsSet = ids, true
			case ColVisibilityMembers:
				iso.VisibilityWhitelist.Members, isoSet = ids, true
			default:
				iso.ContactWhitelist.Members, isoSet = ids, true
			}
		case ColVisibilityNodes, ColContactNodes:
			var ids []orgkit.NodeID
			if !clear {
				var ok bool
				if ids, ok = im.nodeList(sh, row, bi, v, orgkit.CodeReferenceNotFound); !ok {
					continue
				}
			}
			if b.spec.col == ColVisibilityNodes {
				iso.VisibilityWhitelist.Nodes = ids
			} else {
				iso.ContactWhitelist.Nodes = ids
			}
			isoSet = true
		}
	}
	changed := false
	if cur == nil {
		p.dCounts.Created++
		p.deptCreate.add(orgtree.Create{ID: dr.id, Parent: dr.parent, Kind: dr.kind, Name: dr.names, Code: dr.code,
			Order: order, Group: group, ExternalID: ext}, sh, row, -1)
		if !manager.IsZero() {
			p.deptPosts.add(orgtree.SetManager{Node: dr.id, Member: manager}, sh, row, col(ColManager))
		}
		if len(assistants) > 0 {
			p.deptPosts.add(orgtree.SetAssistants{Node: dr.id, Members: assistants}, sh, row, col(ColAssistants))
		}
		if len(observers) > 0 {
			p.deptPosts.add(orgtree.SetObservers{Node: dr.id, Members: observers}, sh, row, col(ColObservers))
		}
		if isoSet && !isolationEmpty(iso) {
			p.deptPosts.add(orgtree.SetIsolation{Node: dr.id, Isolation: iso}, sh, row, firstCol(sh, isolationCols))
		}
		return status == orgkit.Inactive
	}
	add := func(s *section, c orgkit.Command, at int) {
		s.add(c, sh, row, at)
		changed = true
	}
	if status == orgkit.Active && cur.Status == orgkit.Inactive {
		add(&p.deptCreate, orgtree.Reactivate{Node: dr.id}, col(ColStatus))
	}
	if !dr.names.Equal(cur.Name) {
		add(&p.deptCreate, orgtree.Rename{Node: dr.id, Name: dr.names}, col(ColName))
	}
	if dr.root && dr.code != "" && dr.code != cur.Code {
		add(&p.deptCreate, orgtree.SetCode{Node: dr.id, Code: dr.code}, col(ColCode))
	}
	if order != cur.Order {
		add(&p.deptCreate, orgtree.SetOrder{Node: dr.id, Order: order}, col(ColOrder))
	}
	if dr.moved && dr.parent != cur.Parent {
		add(&p.deptCreate, orgtree.Move{Node: dr.id, Parent: dr.parent}, col(ColParent))
	}
	if group != cur.Group {
		add(&p.deptCreate, orgtree.SetGroup{Node: dr.id, Group: group}, firstCol(sh, []Column{ColIncludeSubMembers, ColIncludeIsolated}))
	}
	if ext != cur.ExternalID {
		add(&p.deptCreate, orgtree.SetExternalID{Node: dr.id, ExternalID: ext}, col(ColExternalID))
	}
	if postsSet {
		if manager != cur.Manager {
			add(&p.deptPosts, orgtree.SetManager{Node: dr.id, Member: manager}, col(ColManager))
		}
		if !slices.Equal(assistants, cur.Assistants) {
			add(&p.deptPosts, orgtree.SetAssistants{Node: dr.id, Members: assistants, Replacing: cur.Assistants}, col(ColAssistants))
		}
		if !slices.Equal(observers, cur.Observers) {
			add(&p.deptPosts, orgtree.SetObservers{Node: dr.id, Members: observers, Replacing: cur.Observers}, col(ColObservers))
		}
	}
	if isoSet && !isolationEqual(iso, cur.Isolation) {
		add(&p.deptPosts, orgtree.SetIsolation{Node: dr.id, Isolation: iso, Replacing: cur.Isolation}, firstCol(sh, isolationCols))
	}
	deactivate = status == orgkit.Inactive && cur.Status == orgkit.Active
	if changed || deactivate {
		p.dCounts.Updated++
	} else {
		p.dCounts.Unchanged++
	}
	return deactivate
}

var isolationCols = []Column{ColHideFromOutside, ColVisibilityMembers, ColVisibilityNodes, ColContactView, ColContactMembers, ColContactNodes, ColReception}

func firstCol(sh *sheetData, cols []Column) int {
	for _, c := range cols {
		if b := sh.bindingOf(c); b >= 0 {
			return b
		}
	}
	return -1
}

func isolationEmpty(i orgtree.Isolation) bool {
	return !i.Isolated() && i.VisibilityWhitelist.IsEmpty() && i.ContactWhitelist.IsEmpty()
}

func isolationEqual(a, b orgtree.Isolation) bool {
	return a.HideFromOutside == b.HideFromOutside && a.ContactView == b.ContactView && a.Reception == b.Reception &&
		slices.Equal(a.VisibilityWhitelist.Members, b.VisibilityWhitelist.Members) && slices.Equal(a.VisibilityWhitelist.Nodes, b.VisibilityWhitelist.Nodes) &&
		slices.Equal(a.ContactWhitelist.Members, b.ContactWhitelist.Members) && slices.Equal(a.ContactWhitelist.Nodes, b.ContactWhitelist.Nodes)
}
