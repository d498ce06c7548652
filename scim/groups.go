package scim

import (
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

// group is a SCIM Group as the directory holds it: a department or a role.
type group struct {
	id         uuid.UUID
	name       string
	externalID string
	node       *orgtree.Node // departments
	role       *role.Role    // roles
}

// groupOf returns the group an id names; 404 for an unknown id, an inactive
// department or a retired role (and the built-in org-admin role, never a Group).
func (rq *request) groupOf(s *directory.Snapshot, id string) (*group, error) {
	notFound := Errorf(http.StatusNotFound, "", "Group %q not found", id)
	if rq.opts.Groups == GroupsAsRoles {
		rid, err := orgkit.ParseRoleID(id)
		if err != nil {
			return nil, notFound
		}
		r, ok := s.Shared().Role(rid)
		if !ok || r.Status != orgkit.Active || rid == s.Settings().AdminRole {
			return nil, notFound
		}
		return &group{id: rid.UUID(), name: r.Name.Default, role: r}, nil
	}
	nid, err := orgkit.ParseNodeID(id)
	if err != nil {
		return nil, notFound
	}
	n, ok := s.Shared().Tree().Node(nid)
	if !ok || n.ID != nid || n.Kind != orgtree.Department || n.Status != orgkit.Active {
		return nil, notFound
	}
	return &group{id: nid.UUID(), name: n.Name.Default, externalID: n.ExternalID, node: n}, nil
}

// groupToWrite returns the group an id names for a write: 404 as groupOf, 412 when
// If-Match names another version.
func (rq *request) groupToWrite(s *directory.Snapshot, id string) (*group, error) {
	g, err := rq.groupOf(s, id)
	if err != nil {
		return nil, err
	}
	if err := rq.checkIfMatch(s, g.id); err != nil {
		return nil, err
	}
	return g, nil
}

// allGroups returns every Group of the directory.
func (rq *request) allGroups(s *directory.Snapshot) []*group {
	var out []*group
	if rq.opts.Groups == GroupsAsRoles {
		admin := s.Settings().AdminRole
		for r := range s.Shared().Roles() {
			if r.Status == orgkit.Active && r.ID != admin {
				out = append(out, &group{id: r.ID.UUID(), name: r.Name.Default, role: r})
			}
		}
		return out
	}
	for n := range s.Shared().Tree().All() {
		if n.Kind == orgtree.Department && n.Status == orgkit.Active {
			out = append(out, &group{id: n.ID.UUID(), name: n.Name.Default, externalID: n.ExternalID, node: n})
		}
	}
	return out
}

// members returns the Users in a group: for a department, the members affiliated to
// it (primary or secondary); for a role, its holders in the order they were created.
// Deprovisioned members are left out.
func (g *group) members(s *directory.Snapshot) []*member.Member {
	sh := s.Shared()
	var out []*member.Member
	if g.node != nil {
		for m := range sh.MembersAt(g.node.ID) {
			if !m.Deprovisioned {
				out = append(out, m)
			}
		}
		return out
	}
	for m := range sh.ListAll(directory.List{Role: g.role.ID}) { // in creation order
		if !m.Deprovisioned {
			out = append(out, m)
		}
	}
	return out
}

// renderGroup renders the attributes want holds of a group: a response's attributes
// (allAttrs, without members when the request excludes them: Entra ID reads groups
// with excludedAttributes=members), or those a filter names (filterAttrs). An
// attribute in want has the value it has in the full rendering; t is read only for
// meta.
func (rq *request) renderGroup(s *directory.Snapshot, g *group, t touch, want attrSet) map[string]any {
	res := make(map[string]any, 6)
	if want.has(groupSchemas) {
		res["schemas"] = []any{GroupSchema}
	}
	if want.has(groupID) {
		res["id"] = g.id.String()
	}
	if want.has(groupDisplayName) {
		res["displayName"] = g.name
	}
	if want.has(groupExternalID) && g.externalID != "" {
		res["externalId"] = g.externalID
	}
	if want.has(groupMembers) {
		ms := g.members(s)
		list := make([]any, 0, len(ms))
		for _, m := range ms {
			list = append(list, map[string]any{"value": m.ID.String(), "display": m.DisplayName(),
				"$ref": rq.base + "/Users/" + m.ID.String(), "type": "User"})
		}
		res["members"] = list
	}
	if want.has(groupMeta) {
		res["meta"] = rq.resourceMeta("Group", "/Groups/"+g.id.String(), createdAt(g.id), t)
	}
	return res
}

func (rq *request) groupResponse(w http.ResponseWriter, status int, s *directory.Snapshot, g *group) error {
	ti, err := rq.touches(s)
	if err != nil {
		return err
	}
	t := ti.of(g.id)
	return rq.writeResource(w, status, t, rq.base+"/Groups/"+g.id.String(), rq.renderGroup(s, g, t, rq.responseGroupAttrs()), rq.groups)
}

func (rq *request) getGroup(w http.ResponseWriter, id string) error {
	s, err := rq.snapshot()
	if err != nil {
		return err
	}
	g, err := rq.groupOf(s, id)
	if err != nil {
		return err
	}
	return rq.groupResponse(w, http.StatusOK, s, g)
}

// listGroups answers GET /Groups. `id eq` and (for departments) `externalId eq` are
// answered from indexes; any other filter is evaluated on every Group, on a rendering
// of only the attributes the filter names (filterAttrs): the members of a Group, the
// expensive part, are listed only for a filter that names members.
func (rq *request) listGroups(w http.ResponseWriter) error {
	q := rq.r.URL.Query()
	filter := q.Get("filter")
	l, err := rq.beginList(filter, q.Get("startIndex"), q.Get("count"), rq.groups)
	if err != nil {
		return err
	}
	f, s, ti := l.f, l.s, l.ti
	var cands []*group
	if v, ok := equalityValue(f, "id"); ok && f != nil {
		if g, err := rq.groupOf(s, v); err == nil {
			cands = append(cands, g)
		}
	} else if v, ok := equalityValue(f, "externalId"); ok && f != nil && rq.opts.Groups == GroupsAsDepartments {
		if n, ok := s.Shared().Tree().ByExternalID(v); ok {
			if g, err := rq.groupOf(s, n.ID.String()); err == nil {
				cands = append(cands, g)
			}
		}
	} else {
		cands = rq.allGroups(s)
	}
	want := filterAttrs(f, groupAttrNames, "")
	resp := rq.responseGroupAttrs()
	for _, g := range cands {
		if f != nil {
			var t touch
			if want.has(groupMeta) {
				t = ti.of(g.id)
			}
			if !matchFilter(f, rq.renderGroup(s, g, t, want), rq.groups) {
				continue
			}
		}
		if l.onPage() {
			l.page = append(l.page, rq.renderGroup(s, g, ti.of(g.id), resp))
		}
	}
	return rq.writeList(w, l.page, l.total, l.start, rq.groups)
}

// groupInput is what a Group resource asks: its name, external ID and members.
type groupInput struct {
	name       string
	externalID *string
	members    []orgkit.MemberID
	hasMembers bool
}

func parseGroup(res map[string]any) (*groupInput, error) {
	in := &groupInput{}
	var err error
	if in.name, err = stringAttr(res, "displayName"); err != nil {
		return nil, err
	}
	in.name = strings.TrimSpace(in.name)
	if v, ok := getKey(res, "externalId"); ok {
		s, err := stringAttr(res, "externalId")
		if err != nil {
			return nil, err
		}
		_ = v
		in.externalID = &s
	}
	if v, ok := getKey(res, "members"); ok && v != nil {
		in.hasMembers = true
		list, err := entries(res, "members")
		if err != nil {
			return nil, err
		}
		for _, e := range list {
			s, err := stringAttr(e, "value")
			if err != nil {
				return nil, err
			}
			id, err := orgkit.ParseMemberID(s)
			if err != nil {
				return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "member %q is not the id of a User", s)
			}
			if !slices.Contains(in.members, id) {
				in.members = append(in.members, id)
			}
		}
	}
	return in, nil
}

// createGroup answers POST /Groups: a new department under the root (or a new
// role). A department of that name under the root that was deleted (inactive) is
// reactivated; an active one is a 409 uniqueness conflict.
func (rq *request) createGroup(w http.ResponseWriter) error {
	body, err := rq.readObject()
	if err != nil {
		return err
	}
	in, err := parseGroup(body)
	if err != nil {
		return err
	}
	if in.name == "" {
		return Errorf(http.StatusBadRequest, ErrorInvalidValue, "displayName is required")
	}
	return rq.writeRetrying(func(s *directory.Snapshot) (*write, error) {
		var cmds []orgkit.Command
		var g *group
		if rq.opts.Groups == GroupsAsRoles {
			id := orgkit.NewRoleID()
			cmds = append(cmds, role.Create{ID: id, Name: orgkit.Name(in.name), Kind: role.Business})
			g = &group{id: id.UUID(), role: &role.Role{ID: id}}
		} else {
			ext := ""
			if in.externalID != nil {
				ext = *in.externalID
			}
			if n, ok := childByName(s, s.Root(), in.name); ok {
				if n.Status == orgkit.Active {
					return nil, Errorf(http.StatusConflict, ErrorUniqueness, "a Group named %q exists: %s", in.name, n.ID)
				}
				cmds = append(cmds, orgtree.Reactivate{Node: n.ID})
				if n.ExternalID != ext {
					cmds = append(cmds, orgtree.SetExternalID{Node: n.ID, ExternalID: ext})
				}
				if n.Name.Default != in.name {
					cmds = append(cmds, orgtree.Rename{Node: n.ID, Name: renamed(n.Name, in.name)})
				}
				g = &group{id: n.ID.UUID(), node: n}
			} else {
				id := orgkit.NewNodeID()
				cmds = append(cmds, orgtree.Create{ID: id, Parent: s.Root(), Kind: orgtree.Department, Name: orgkit.Name(in.name), ExternalID: ext})
				g = &group{id: id.UUID(), node: &orgtree.Node{ID: id}}
			}
		}
		mc, pin, err := rq.membershipCommands(s, g, in.members, nil)
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, mc...)
		meta := rq.meta("scim: create Group " + in.name)
		if pin {
			meta.IfVersion = s.Version()
		}
		return &write{meta: meta, cmds: cmds, done: func(ns *directory.Snapshot) error {
			ng, err := rq.groupOf(ns, g.id.String())
			if err != nil {
				return err
			}
			return rq.groupResponse(w, http.StatusCreated, ns, ng)
		}}, nil
	})
}

// membershipCommands returns the intent commands that add and remove members of a
// group, and whether they must be pinned to the snapshot's version (a department
// becoming or ceasing to be someone's primary one is decided on what the snapshot
// says). Adding to a department makes it the member's primary department when the
// member has none, else a secondary one; removing takes it away as either.
func (rq *request) membershipCommands(s *directory.Snapshot, g *group, add, remove []orgkit.MemberID) ([]orgkit.Command, bool, error) {
	sh := s.Shared()
	live := func(id orgkit.MemberID) (*member.Member, error) {
		m, ok := sh.Member(id)
		if !ok || m.Deprovisioned {
			return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "member %q is not the id of a User", id.String())
		}
		return m, nil
	}
	var cmds []orgkit.Command
	if g.role != nil {
		var a, r []orgkit.MemberID
		for _, id := range add {
			if _, err := live(id); err != nil {
				return nil, false, err
			}
			a = append(a, id)
		}
		for _, id := range remove {
			if _, ok := sh.Member(id); ok {
				r = append(r, id)
			}
		}
		if len(a) > 0 {
			cmds = append(cmds, role.Assign{Members: a, Roles: []orgkit.RoleID{g.role.ID}})
		}
		if len(r) > 0 {
			cmds = append(cmds, role.Unassign{Members: r, Roles: []orgkit.RoleID{g.role.ID}})
		}
		return cmds, false, nil
	}
	node := g.node.ID
	var secondary, primary, dropSecondary, dropPrimary []orgkit.MemberID
	for _, id := range add {
		m, err := live(id)
		if err != nil {
			return nil, false, err
		}
		switch {
		case m.Primary == node || slices.Contains(m.Secondary, node):
		case m.Primary.IsZero():
			primary = append(primary, id)
		default:
			secondary = append(secondary, id)
		}
	}
	for _, id := range remove {
		m, ok := sh.Member(id)
		switch {
		case !ok:
		case m.Primary == node:
			dropPrimary = append(dropPrimary, id)
		case slices.Contains(m.Secondary, node):
			dropSecondary = append(dropSecondary, id)
		}
	}
	if len(primary) > 0 {
		cmds = append(cmds, member.SetDepartments{Members: primary, SetPrimary: true, Primary: node})
	}
	if len(secondary) > 0 {
		cmds = append(cmds, member.SetDepartments{Members: secondary, Secondary: []orgkit.NodeID{node}, SecondaryMode: member.AddSecondary})
	}
	if len(dropPrimary) > 0 {
		cmds = append(cmds, member.SetDepartments{Members: dropPrimary, SetPrimary: true})
	}
	if len(dropSecondary) > 0 {
		cmds = append(cmds, member.SetDepartments{Members: dropSecondary, Secondary: []orgkit.NodeID{node}, SecondaryMode: member.RemoveSecondary})
	}
	return cmds, len(primary) > 0 || len(dropPrimary) > 0, nil
}

// replaceGroup answers PUT /Groups/{id}: the name, external ID and members become
// those given (members as additions and removals of the difference).
func (rq *request) replaceGroup(w http.ResponseWriter, id string) error {
	body, err := rq.readObject()
	if err != nil {
		return err
	}
	return rq.writeGroup(w, id, "scim: replace Group", func(*directory.Snapshot, *group, map[string]any) (map[string]any, error) {
		return body, nil
	})
}

// patchGroup answers PATCH /Groups/{id}. Membership changes become intent commands
// (an add lands whatever others add meanwhile); Okta's name sync `replace {id,
// displayName}` with the current name changes nothing. It answers 204 unless the
// request asks for attributes.
func (rq *request) patchGroup(w http.ResponseWriter, id string) error {
	p, err := rq.readPatch()
	if err != nil {
		return err
	}
	return rq.writeGroup(w, id, "scim: patch Group", func(s *directory.Snapshot, g *group, cur map[string]any) (map[string]any, error) {
		res, err := p.Apply(cur, rq.groups)
		if err != nil {
			return nil, err
		}
		return res.Resource, nil
	})
}

func (rq *request) writeGroup(w http.ResponseWriter, id, reason string, want func(*directory.Snapshot, *group, map[string]any) (map[string]any, error)) error {
	return rq.writeRetrying(func(s *directory.Snapshot) (*write, error) {
		g, err := rq.groupToWrite(s, id)
		if err != nil {
			return nil, err
		}
		cur := rq.renderGroup(s, g, touch{}, allAttrs)
		res, err := want(s, g, cur)
		if err != nil {
			return nil, err
		}
		if v, ok := getKey(res, "id"); ok && v != cur["id"] {
			return nil, Errorf(http.StatusBadRequest, ErrorMutability, "the id of a Group cannot change")
		}
		in, err := parseGroup(res)
		if err != nil {
			return nil, err
		}
		var cmds []orgkit.Command
		if in.name == "" {
			return nil, Errorf(http.StatusBadRequest, ErrorInvalidValue, "displayName is required")
		}
		if in.name != g.name {
			if g.role != nil {
				cmds = append(cmds, role.Update{ID: g.role.ID, Name: renamed(g.role.Name, in.name), Kind: g.role.Kind,
					Group: g.role.Group, Permissions: g.role.Permissions, Replacing: g.role.Permissions})
			} else {
				cmds = append(cmds, orgtree.Rename{Node: g.node.ID, Name: renamed(g.node.Name, in.name)})
			}
		}
		if g.node != nil {
			ext := ""
			if in.externalID != nil {
				ext = *in.externalID
			}
			if ext != g.node.ExternalID && (in.externalID != nil || g.node.ExternalID != "") {
				cmds = append(cmds, orgtree.SetExternalID{Node: g.node.ID, ExternalID: ext})
			}
		}
		var add, remove []orgkit.MemberID
		if in.hasMembers || len(g.members(s)) > 0 {
			have := map[orgkit.MemberID]bool{}
			for _, m := range g.members(s) {
				have[m.ID] = true
			}
			for _, m := range in.members {
				if !have[m] {
					add = append(add, m)
				}
				delete(have, m)
			}
			for m := range have {
				remove = append(remove, m)
			}
			slices.SortFunc(remove, func(a, b orgkit.MemberID) int { return a.Compare(b) })
		}
		mc, pin, err := rq.membershipCommands(s, g, add, remove)
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, mc...)
		if len(cmds) == 0 {
			return nil, rq.groupDone(w, s, g)
		}
		meta := rq.meta(reason + " " + g.name)
		if pin || rq.conditional() {
			meta.IfVersion = s.Version()
		}
		return &write{meta: meta, cmds: cmds, done: func(ns *directory.Snapshot) error {
			ng, err := rq.groupOf(ns, id)
			if err != nil {
				return err
			}
			return rq.groupDone(w, ns, ng)
		}}, nil
	})
}

// groupDone answers a group write: 204 for PATCH unless attributes are asked for,
// else the group.
func (rq *request) groupDone(w http.ResponseWriter, s *directory.Snapshot, g *group) error {
	if rq.r.Method == http.MethodPatch && rq.r.URL.Query().Get("attributes") == "" {
		if ti, err := rq.touches(s); err == nil {
			setETag(w, ti.of(g.id))
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return rq.groupResponse(w, http.StatusOK, s, g)
}

// deleteGroup answers DELETE /Groups/{id}. A department: its members lose it (as
// a secondary department, or as the primary one, leaving them unassigned) and it is
// deactivated, in one change set; a department with active sub-departments is
// refused. A role is retired: its holders lose it. Either way the Group is gone:
// GET answers 404.
func (rq *request) deleteGroup(w http.ResponseWriter, id string) error {
	return rq.writeRetrying(func(s *directory.Snapshot) (*write, error) {
		g, err := rq.groupToWrite(s, id)
		if err != nil {
			return nil, err
		}
		var cmds []orgkit.Command
		meta := rq.meta("scim: delete Group " + g.name)
		if g.role != nil {
			cmds = append(cmds, role.Retire{ID: g.role.ID})
		} else {
			var all []orgkit.MemberID
			for m := range s.Shared().MembersAt(g.node.ID) {
				all = append(all, m.ID)
			}
			mc, _, err := rq.membershipCommands(s, g, nil, all)
			if err != nil {
				return nil, err
			}
			cmds = append(mc, orgtree.Deactivate{Node: g.node.ID})
			meta.IfVersion = s.Version()
		}
		return &write{meta: meta, cmds: cmds, done: noContent(w)}, nil
	})
}

// renamed returns names with a new default form (the language forms kept).
func renamed(n orgkit.Names, def string) orgkit.Names {
	c := n.Clone()
	c.Default = def
	return c
}
