package directory

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

// Set-valued fields (assistants, observers, whitelists, permissions) change in two
// ways. Intent commands add or remove entries and keep the others, so two writers
// who each add one entry both land. A whole-value replacement states the value it
// replaces (Replacing), and is refused when the snapshot the batch starts from no
// longer holds that value: retried on fresh state, it never silently drops someone
// else's change. What earlier commands of the same batch did to the value is the
// caller's own doing and does not count; a record the batch creates has no value to
// compare.

// sameSet reports whether a and b hold the same entries, ignoring order, repeats and
// zero values.
func sameSet[T comparable](a, b []T) bool {
	a, b = clean(a), clean(b)
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// added returns list with the entries of more it does not hold yet appended, in a
// new slice; zero values are dropped.
func added[T comparable](list, more []T) []T {
	return clean(append(slices.Clone(list), more...))
}

// removed returns list without the entries of less, in a new slice (nil when empty).
func removed[T comparable](list, less []T) []T {
	out := slices.DeleteFunc(slices.Clone(list), func(x T) bool { return slices.Contains(less, x) })
	if len(out) == 0 {
		return nil
	}
	return out
}

// checkReplacing checks a replacement of node n's set cur by next that claims to
// replace replacing: it passes when it changes nothing, when the node is new in the
// batch, or when the base snapshot's value (of) is still replacing; otherwise it
// reports code with the base value.
func (b *batch) checkReplacing(n *orgtree.Node, code string, field orgkit.FieldName, cur, next, replacing []orgkit.MemberID) bool {
	if sameSet(cur, next) {
		return true
	}
	old, ok := b.baseNode(n.ID)
	if !ok {
		return true
	}
	was := old.Assistants
	if code == orgkit.CodeNodeObserversChanged {
		was = old.Observers
	}
	if sameSet(was, replacing) {
		return true
	}
	now := make([]orgkit.Ref, len(was))
	for i, id := range was {
		now[i] = b.memberRef(id)
	}
	b.fail(code, nodeRecord(n), field, b.memberNames(was), now...)
	return false
}

// baseNode returns the record of node id in the snapshot the batch started from.
func (b *batch) baseNode(id orgkit.NodeID) (*orgtree.Node, bool) {
	if b.base.tree == nil {
		return nil, false
	}
	return b.base.tree.Shared().Record(id)
}

// memberNames renders members for a violation: their display names, "—" for none.
func (b *batch) memberNames(ids []orgkit.MemberID) string {
	if len(ids) == 0 {
		return "—"
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.String()
		if m, ok := b.member(id); ok {
			names[i] = m.DisplayName()
		}
	}
	return strings.Join(names, ", ")
}

// nodeNames renders nodes for a violation: their default names, "—" for none.
func (b *batch) nodeNames(ids []orgkit.NodeID) string {
	if len(ids) == 0 {
		return "—"
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.String()
		if n, ok := b.node(id); ok {
			names[i] = n.Name.Default
		}
	}
	return strings.Join(names, ", ")
}

// checkObservers refuses observers on the root.
func (b *batch) checkObservers(n *orgtree.Node, members []orgkit.MemberID) bool {
	if n.Parent.IsZero() && len(clean(members)) > 0 {
		b.fail(orgkit.CodeNodeObserverRoot, nodeRecord(n), "observers", "")
		return false
	}
	return true
}

// checkIsolationReplacing checks a SetIsolation's Replacing as checkReplacing does.
func (b *batch) checkIsolationReplacing(n *orgtree.Node, next, replacing orgtree.Isolation) bool {
	if b.sameIsolation(n.Isolation, next) {
		return true
	}
	old, ok := b.baseNode(n.ID)
	if !ok || b.sameIsolation(old.Isolation, replacing) {
		return true
	}
	iso := old.Isolation
	value := fmt.Sprintf("hide_from_outside=%t contact_view=%s reception=%s visibility_whitelist=[%s; %s] contact_whitelist=[%s; %s]",
		iso.HideFromOutside, iso.ContactView, iso.Reception,
		b.memberNames(iso.VisibilityWhitelist.Members), b.nodeNames(iso.VisibilityWhitelist.Nodes),
		b.memberNames(iso.ContactWhitelist.Members), b.nodeNames(iso.ContactWhitelist.Nodes))
	b.fail(orgkit.CodeNodeIsolationChanged, nodeRecord(n), "isolation", value)
	return false
}

// sameIsolation reports whether the stored isolation cur equals x given by a caller:
// the same settings and the same whitelist entries in any order (node entries of
// merged nodes resolved).
func (b *batch) sameIsolation(cur, x orgtree.Isolation) bool {
	x = b.cleanIsolation(x)
	return cur.HideFromOutside == x.HideFromOutside && cur.ContactView == x.ContactView && cur.Reception == x.Reception &&
		sameSet(cur.VisibilityWhitelist.Members, x.VisibilityWhitelist.Members) &&
		sameSet(cur.VisibilityWhitelist.Nodes, x.VisibilityWhitelist.Nodes) &&
		sameSet(cur.ContactWhitelist.Members, x.ContactWhitelist.Members) &&
		sameSet(cur.ContactWhitelist.Nodes, x.ContactWhitelist.Nodes)
}

// editWhitelist adds entries to (add) or removes them from one of a node's whitelists.
func (b *batch) editWhitelist(id orgkit.NodeID, list orgtree.WhitelistKind, members []orgkit.MemberID, nodes []orgkit.NodeID, add bool) {
	b.editNode(id, func(n *orgtree.Node) {
		wl := &n.Isolation.VisibilityWhitelist
		if list == orgtree.ContactList {
			wl = &n.Isolation.ContactWhitelist
		}
		given := b.cleanWhitelist(orgtree.Whitelist{Members: members, Nodes: nodes})
		if add {
			wl.Members, wl.Nodes = added(wl.Members, given.Members), added(wl.Nodes, given.Nodes)
		} else {
			wl.Members, wl.Nodes = removed(wl.Members, given.Members), removed(wl.Nodes, given.Nodes)
		}
	}, func(n *orgtree.Node) bool {
		if list != orgtree.VisibilityList && list != orgtree.ContactList {
			b.fail(orgkit.CodeFieldInvalid, nodeRecord(n), "list", strconv.Itoa(int(list)))
			return false
		}
		if add && n.Parent.IsZero() && (len(clean(members)) > 0 || len(clean(nodes)) > 0) {
			b.fail(orgkit.CodeNodeIsolationRoot, nodeRecord(n), orgkit.FieldName(list.String()), "")
			return false
		}
		return true
	})
}

// checkPermissionsReplacing checks a role.Update's Replacing as checkReplacing does.
func (b *batch) checkPermissionsReplacing(r *role.Role, next, replacing []string) bool {
	if sameSet(r.Permissions, cleanPermissions(next)) {
		return true
	}
	old, _ := find(b.base.roles, r.ID, roleID)
	if old == nil || sameSet(old.Permissions, cleanPermissions(replacing)) {
		return true
	}
	value := "—"
	if len(old.Permissions) > 0 {
		value = strings.Join(old.Permissions, ", ")
	}
	b.fail(orgkit.CodeRolePermissionsChanged, roleRecord(r), "permissions", value)
	return false
}

// editPermissions grants (add) or revokes permissions of a role.
func (b *batch) editPermissions(id orgkit.RoleID, permissions []string, add bool) {
	r, ok := b.liveRole(id, orgkit.RefTo(id, ""))
	if !ok {
		return
	}
	e := r.Clone()
	if add {
		for _, p := range permissions {
			if !b.checkText(roleRecord(r), "permissions", strings.TrimSpace(p)) {
				return
			}
		}
		e.Permissions = cleanPermissions(append(slices.Clone(r.Permissions), permissions...))
	} else {
		e.Permissions = cleanPermissions(removed(r.Permissions, cleanPermissions(permissions)))
	}
	b.putRole(e)
}
