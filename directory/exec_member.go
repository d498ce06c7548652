package directory

import (
	"slices"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/handoff"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

// normalize runs the member's field rules and attaches the command index.
func (b *batch) normalize(m *member.Member, fields []member.Field) bool {
	vs := b.rules.Normalize(m, fields)
	b.report(vs)
	return len(vs) == 0
}

// report adds violations of the current command.
func (b *batch) report(vs []orgkit.Violation) {
	for i := range vs {
		vs[i].Command = b.cmd
	}
	b.violations = append(b.violations, vs...)
}

// resolveAffiliations rewrites the member's node references to live nodes (following
// redirects) and checks their structure; per-state rules are checked on the final state.
func (b *batch) resolveAffiliations(m *member.Member) bool {
	ok := true
	rec := memberRecord(m)
	res := func(id *orgkit.NodeID, field orgkit.FieldName) {
		if id.IsZero() {
			return
		}
		n, found := b.node(*id)
		if !found || n.Status == orgkit.Retired {
			b.fail(orgkit.CodeReferenceNotFound, rec, field, id.String())
			b.cascade(id.UUID())
			ok = false
			return
		}
		*id = n.ID
	}
	res(&m.Primary, "primary_department")
	res(&m.AffiliatedDepartment, "affiliated_department")
	res(&m.AffiliatedOrganization, "affiliated_organization")
	for i := range m.Secondary {
		res(&m.Secondary[i], "secondary_departments")
	}
	m.Secondary = clean(m.Secondary)
	if !m.Primary.IsZero() && slices.Contains(m.Secondary, m.Primary) {
		b.fail(orgkit.CodeMemberSecondaryPrimary, rec, "secondary_departments", m.Primary.String(), b.nodeRef(m.Primary))
		ok = false
	}
	if m.ReportingManager == m.ID && !m.ID.IsZero() {
		b.fail(orgkit.CodeMemberManagerSelf, rec, "reporting_manager", m.ID.String())
		ok = false
	}
	if ok {
		b.underive(m)
	}
	return ok
}

// createMember runs a member.Create: the member created is a copy of the command's
// (the host may reuse the command), normalized — ahead of the batch for a large one
// (normalizeCreates).
func (b *batch) createMember(c member.Create) {
	if pre := b.preNormalized(); pre != nil {
		b.addMember(pre.m, pre.vs, true)
		return
	}
	b.addMember((*member.Member)(&c).Clone(), nil, false)
}

// createOwned runs a handoff.MemberCreate: its member, handed over by one of this
// module's packages, is the record created, normalized in place.
func (b *batch) createOwned(c handoff.MemberCreate) {
	if c.M == nil {
		b.fail(orgkit.CodeCommandNil, orgkit.Ref{Kind: orgkit.KindCommand}, "", "")
		return
	}
	if pre := b.preNormalized(); pre != nil {
		b.addMember(pre.m, pre.vs, true)
		return
	}
	b.addMember(c.M, nil, false)
}

// preNormalized returns the member of the command being run as normalizeCreates
// normalized it, or nil.
func (b *batch) preNormalized() *normalized {
	if b.cmd >= 0 && b.cmd < len(b.normalized) && b.normalized[b.cmd].m != nil {
		return &b.normalized[b.cmd]
	}
	return nil
}

// addMember creates m, a member the batch owns: normalized already (with the
// violations vs normalizing it found) or normalized here.
func (b *batch) addMember(m *member.Member, vs []orgkit.Violation, normalized bool) {
	since := len(b.violations)
	if m.ID.IsZero() {
		b.fail(orgkit.CodeIDZero, memberRecord(m), "id", "")
	} else if _, exists := b.member(m.ID); exists {
		b.fail(orgkit.CodeRecordExists, memberRecord(m), "id", m.ID.String())
	}
	if m.Status == orgkit.Retired {
		b.fail(orgkit.CodeFieldInvalid, memberRecord(m), "status", m.Status.String())
	}
	if normalized {
		b.report(vs)
	} else {
		b.normalize(m, member.Fields())
	}
	b.resolveAffiliations(m)
	if b.failed(since) {
		if _, exists := b.member(m.ID); !exists {
			b.refuse(m.ID.UUID())
		}
		return
	}
	b.putMember(m)
}

func (b *batch) liveMember(id orgkit.MemberID, record orgkit.Ref, field orgkit.FieldName) (*member.Member, bool) {
	if id.IsZero() {
		b.fail(orgkit.CodeIDZero, record, field, "")
		return nil, false
	}
	m, ok := b.member(id)
	if !ok {
		b.fail(orgkit.CodeReferenceNotFound, record, field, id.String())
		b.cascade(id.UUID())
	}
	return m, ok
}

func (b *batch) updateMember(c member.Update) {
	since := len(b.violations)
	cur, ok := b.liveMember(c.ID, memberIDRecord(c.ID), "member")
	if !ok {
		return
	}
	m := cur.Clone()
	for _, f := range c.Fields {
		if !f.Valid() {
			b.fail(orgkit.CodeFieldInvalid, memberRecord(cur), "fields", f.String())
			continue
		}
		f.Copy(m, &c.Value)
	}
	if m.Status == orgkit.Retired {
		b.fail(orgkit.CodeFieldInvalid, memberRecord(m), "status", m.Status.String())
	}
	b.normalize(m, c.Fields)
	b.resolveAffiliations(m)
	if b.failed(since) {
		return
	}
	leaving := cur.Status == orgkit.Active && m.Status != orgkit.Active
	b.putMember(m)
	if leaving {
		b.leaveActive(m.ID, false)
	}
}

func (b *batch) deactivateMembers(c member.Deactivate, resign bool) {
	since := len(b.violations)
	ms := b.liveMembers(c.Members)
	if b.failed(since) {
		return
	}
	for _, m := range ms {
		if resign {
			b.dropRoles(m.ID)
		}
		if m.Status != orgkit.Active {
			continue
		}
		e := m.Clone()
		e.Status = orgkit.Inactive
		b.putMember(e)
		b.leaveActive(e.ID, c.HandOverReports)
	}
}

func (b *batch) activateMembers(c member.Activate) {
	since := len(b.violations)
	ms := b.liveMembers(c.Members)
	if b.failed(since) {
		return
	}
	for _, m := range ms {
		if m.Status == orgkit.Active {
			continue
		}
		e := m.Clone()
		e.Status = orgkit.Active
		b.putMember(e)
	}
}

// leaveActive removes a member who left active status from every post, whitelist and
// incoming reporting line, and as the directory's leader. Each removal is a change of
// the record it touched, so the change set shows it and can undo it.
func (b *batch) leaveActive(id orgkit.MemberID, handOver bool) {
	if a := b.assignment(id); a != nil && a.Holds(b.settings.AdminRole) {
		b.adminTouch = true
	}
	drop := func(ids []orgkit.MemberID) ([]orgkit.MemberID, bool) {
		if !slices.Contains(ids, id) {
			return ids, false
		}
		out := slices.DeleteFunc(slices.Clone(ids), func(x orgkit.MemberID) bool { return x == id })
		if len(out) == 0 {
			out = nil
		}
		return out, true
	}
	var edits []*orgtree.Node
	for n := range b.nodeRecords {
		if n.Status == orgkit.Retired || !namesMember(n, id) {
			continue
		}
		e := n.Clone()
		hit := false
		if e.Manager == id {
			e.Manager = orgkit.MemberID{}
			hit = true
		}
		var h bool
		e.Assistants, h = drop(e.Assistants)
		hit = hit || h
		e.Observers, h = drop(e.Observers)
		hit = hit || h
		e.Isolation.VisibilityWhitelist.Members, h = drop(e.Isolation.VisibilityWhitelist.Members)
		hit = hit || h
		e.Isolation.ContactWhitelist.Members, h = drop(e.Isolation.ContactWhitelist.Members)
		hit = hit || h
		if hit {
			edits = append(edits, e)
		}
	}
	for _, e := range edits {
		b.putNode(e)
	}
	leaver, _ := b.member(id)
	reports, _ := b.reports.Get(id)
	for _, r := range slices.Clone(reports) {
		rm, _ := b.member(r)
		e := rm.Clone()
		e.ReportingManager = orgkit.MemberID{}
		if handOver && leaver.ReportingManager != r {
			e.ReportingManager = leaver.ReportingManager
		}
		b.putMember(e)
	}
	if b.settings.Leader == id {
		d := b.settings
		d.Leader = orgkit.MemberID{}
		b.putSettings(d)
	}
}

// namesMember reports whether the node names the member in a post or a whitelist.
func namesMember(n *orgtree.Node, id orgkit.MemberID) bool {
	return n.Manager == id || slices.Contains(n.Assistants, id) || slices.Contains(n.Observers, id) ||
		slices.Contains(n.Isolation.VisibilityWhitelist.Members, id) || slices.Contains(n.Isolation.ContactWhitelist.Members, id)
}

// dropRoles takes every role from the member (resignation).
func (b *batch) dropRoles(id orgkit.MemberID) {
	a := b.assignment(id)
	if a == nil || len(a.Roles) == 0 {
		return
	}
	if a.Holds(b.settings.AdminRole) {
		b.adminTouch = true
	}
	b.putAssignment(&role.Assignment{Member: id})
}
