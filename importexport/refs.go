package importexport

import (
	"slices"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/textnorm"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

// vnode is a node as the import will leave it: the directory's node with the changes
// of the department rows applied (names, parent), or a node a row creates.
type vnode struct {
	id     orgkit.NodeID
	parent orgkit.NodeID
	kind   orgtree.Kind
	names  orgkit.Names
	keys   []string // textnorm keys of the names, computed on demand
}

func (n *vnode) nameKeys() []string {
	if n.keys == nil {
		n.keys = []string{textnorm.Key(n.names.Default)}
		for _, t := range n.names.Tags() {
			if k := textnorm.Key(n.names.ByLang[t]); !slices.Contains(n.keys, k) {
				n.keys = append(n.keys, k)
			}
		}
	}
	return n.keys
}

// keyEntry is a member row of the import found by its key.
type keyEntry struct {
	id  orgkit.MemberID
	loc rowLoc
}

// refResult is a resolved reference: the ID, or why there is none.
type refResult struct {
	node      orgkit.NodeID
	ok        bool
	ambiguous string // the candidates, when several records match
}

// resolver resolves the references of an import's cells: nodes by code or path,
// members by the match key (or system name), roles by name. It sees the directory and
// the rows of the import.
type resolver struct {
	im       *importer
	root     orgkit.NodeID
	nodes    map[orgkit.NodeID]*vnode
	children map[orgkit.NodeID][]orgkit.NodeID
	codes    map[string]orgkit.NodeID // CodeKey → node (merged nodes' codes → their target)
	names    map[string][]orgkit.NodeID
	cache    map[string]refResult

	keyIdx map[string]keyEntry        // rows of the import by normalized key
	sysIdx map[string]orgkit.MemberID // rows of the import by system name key, built on demand
	// rowIdx are the rows of the import by the other key fields (not the import's
	// key, which keyIdx holds), built on demand; a key two rows share is ambiguous.
	rowIdx map[member.Field]map[string]orgkit.MemberID

	roleIdx map[string]orgkit.RoleID // name key → role; zero when ambiguous
}

// dropMemberIndexes lets the indexes of the import's member rows go once the batch is
// built — a large file's are several megabytes, held for nothing while the service
// validates and commits the batch. Members cannot be resolved afterwards; nodes can
// (problems name departments).
func (r *resolver) dropMemberIndexes() {
	r.keyIdx, r.sysIdx, r.rowIdx = nil, nil, nil
}

func newResolver(im *importer) *resolver {
	t := im.snap.Tree().Shared()
	tree := im.snap.Tree()
	r := &resolver{
		im: im, root: t.Root().ID,
		nodes:    make(map[orgkit.NodeID]*vnode, tree.Len()),
		children: make(map[orgkit.NodeID][]orgkit.NodeID, tree.Len()),
		codes:    make(map[string]orgkit.NodeID),
		cache:    map[string]refResult{},
		keyIdx:   map[string]keyEntry{},
	}
	for n := range t.All() {
		r.nodes[n.ID] = &vnode{id: n.ID, parent: n.Parent, kind: n.Kind, names: n.Name}
		if !n.Parent.IsZero() {
			r.children[n.Parent] = append(r.children[n.Parent], n.ID)
		}
	}
	for n := range t.Records() {
		if n.Code == "" {
			continue
		}
		if live, ok := t.Node(n.ID); ok && live.Status != orgkit.Retired {
			r.codes[orgtree.CodeKey(n.Code)] = live.ID
		}
	}
	return r
}

// setNode records a node as a department row leaves it.
func (r *resolver) setNode(id, parent orgkit.NodeID, kind orgtree.Kind, names orgkit.Names, code string) {
	n, ok := r.nodes[id]
	if !ok {
		n = &vnode{id: id}
		r.nodes[id] = n
	}
	if n.parent != parent {
		if !n.parent.IsZero() {
			r.children[n.parent] = slices.DeleteFunc(slices.Clone(r.children[n.parent]), func(c orgkit.NodeID) bool { return c == id })
		}
		if !parent.IsZero() {
			r.children[parent] = append(r.children[parent], id)
		}
		n.parent = parent
	}
	n.kind, n.names, n.keys = kind, names, nil
	if code != "" {
		r.codes[orgtree.CodeKey(code)] = id
	}
	r.names, r.cache = nil, map[string]refResult{}
}

// node resolves a department reference: a code; else a path of names from the root
// ("Acme/Beijing R&D", the root's name optional); else a name that only one node has.
// Names match any of a node's language forms after normalization.
func (r *resolver) node(ref string) refResult {
	if res, ok := r.cache[ref]; ok {
		return res
	}
	res := r.resolveNode(nfkc(ref))
	r.cache[ref] = res
	return res
}

func (r *resolver) resolveNode(ref string) refResult {
	ref = cleanCell(ref)
	if ref == "" {
		return refResult{}
	}
	if strings.Trim(ref, "/") == "" { // "/": the top of the tree (Google's org unit path)
		return refResult{node: r.root, ok: true}
	}
	if !strings.Contains(ref, "/") {
		if id, ok := r.codes[orgtree.CodeKey(ref)]; ok {
			return refResult{node: id, ok: true}
		}
	}
	parts := strings.Split(strings.Trim(ref, "/"), "/")
	if id, ok := r.walk(parts); ok {
		return refResult{node: id, ok: true}
	}
	if len(parts) == 1 {
		if r.names == nil {
			r.indexNames()
		}
		switch ids := r.names[textnorm.Key(parts[0])]; len(ids) {
		case 0:
		case 1:
			return refResult{node: ids[0], ok: true}
		default:
			var paths []string
			for _, id := range ids[:min(len(ids), 3)] {
				paths = append(paths, r.path(id))
			}
			return refResult{ambiguous: strings.Join(paths, ", ")}
		}
	}
	return refResult{}
}

// walk follows a path of names from the root; the root's own name may lead.
func (r *resolver) walk(parts []string) (orgkit.NodeID, bool) {
	cur := r.root
	if root := r.nodes[r.root]; slices.Contains(root.nameKeys(), textnorm.Key(parts[0])) {
		parts = parts[1:]
	}
	for _, p := range parts {
		k := textnorm.Key(p)
		next := orgkit.NodeID{}
		for _, c := range r.children[cur] {
			if slices.Contains(r.nodes[c].nameKeys(), k) {
				next = c
				break
			}
		}
		if next.IsZero() {
			return next, false
		}
		cur = next
	}
	return cur, true
}

func (r *resolver) indexNames() {
	r.names = make(map[string][]orgkit.NodeID, len(r.nodes))
	// in a stable order: by path
	ids := make([]orgkit.NodeID, 0, len(r.nodes))
	for id := range r.nodes {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b orgkit.NodeID) int { return a.Compare(b) })
	for _, id := range ids {
		if id == r.root {
			continue
		}
		for _, k := range r.nodes[id].nameKeys() {
			r.names[k] = append(r.names[k], id)
		}
	}
}

// path is a node's path of default names, for messages.
func (r *resolver) path(id orgkit.NodeID) string {
	var parts []string
	for hops := 0; !id.IsZero() && hops < 64; hops++ {
		n, ok := r.nodes[id]
		if !ok {
			break
		}
		parts = append(parts, n.names.Default)
		id = n.parent
	}
	slices.Reverse(parts)
	return strings.Join(parts, "/")
}

// nearestOrg is the organization or company at or above a node, as the import leaves
// the tree (the derived affiliated organization).
func (r *resolver) nearestOrg(id orgkit.NodeID) orgkit.NodeID {
	for hops := 0; !id.IsZero() && hops < 1024; hops++ {
		n, ok := r.nodes[id]
		if !ok {
			break
		}
		if n.kind != orgtree.Department {
			return n.id
		}
		id = n.parent
	}
	return r.root
}

// memberKey normalizes a cell naming a member by the key field; ok is false when the
// value cannot be a value of the field (an invalid mobile or email).
func (r *resolver) memberKey(f member.Field, raw string) (string, bool) {
	raw = cleanCell(raw)
	switch f {
	case member.MobileField:
		v, _ := parseNumberText(raw)
		e164, err := r.im.rules.NormalizeMobile(v)
		return e164, err == nil
	case member.EmailField:
		e, err := member.NormalizeEmail(raw)
		return e, err == nil
	case member.EmployeeNumberField, member.LoginAccountField:
		v, _ := parseNumberText(raw)
		return textnorm.Key(v), v != ""
	case member.ExternalIDField:
		return raw, raw != ""
	}
	return textnorm.Key(raw), raw != ""
}

// member resolves a member reference: by the import's key among the rows of the
// import, then in the directory; failing that by any other key field (export writes
// the system name of a member who has no value in the key field), when exactly one
// member matches.
func (r *resolver) member(raw string) (orgkit.MemberID, bool) {
	f := r.im.key
	if k, ok := r.memberKey(f, raw); ok {
		if e, ok := r.keyIdx[k]; ok {
			return e.id, true
		}
		if m, ok := r.im.memberBy(f, k); ok {
			return m.ID, true
		}
	}
	var found orgkit.MemberID
	if f != member.SystemNameField {
		if r.sysIdx == nil {
			r.indexSystemNames()
		}
		if id, ok := r.sysIdx[textnorm.Key(cleanCell(raw))]; ok {
			found = id
		}
	}
	for _, g := range keyFields {
		if g == f {
			continue
		}
		k, ok := r.memberKey(g, raw)
		if !ok {
			continue
		}
		if m, ok := r.im.memberBy(g, k); ok {
			if !found.IsZero() && found != m.ID {
				return orgkit.MemberID{}, false // ambiguous
			}
			found = m.ID
		}
		if r.rowIdx == nil {
			r.indexRowKeys()
		}
		if id, ok := r.rowIdx[g][k]; ok {
			if id.IsZero() || (!found.IsZero() && found != id) {
				return orgkit.MemberID{}, false // ambiguous
			}
			found = id
		}
	}
	return found, !found.IsZero()
}

// indexRowKeys indexes the rows of the import by every key field but the import's
// own key: a member may be named by its email or external ID while the rows are
// matched by employee number (Feishu's direct manager is a user ID).
func (r *resolver) indexRowKeys() {
	r.rowIdx = map[member.Field]map[string]orgkit.MemberID{}
	for _, g := range keyFields {
		if g == r.im.key || g == member.SystemNameField {
			continue
		}
		idx := map[string]orgkit.MemberID{}
		for _, mr := range r.im.memberRows {
			b := mr.sh.bindingOf(FieldColumn(g))
			if b < 0 {
				continue
			}
			raw := mr.sh.cell(mr.row, b)
			if raw == "" || isClear(raw) {
				continue
			}
			if k, ok := r.memberKey(g, raw); ok {
				if prev, taken := idx[k]; taken && prev != mr.id {
					idx[k] = orgkit.MemberID{} // two rows: ambiguous
				} else {
					idx[k] = mr.id
				}
			}
		}
		r.rowIdx[g] = idx
	}
}

// role resolves a role by name: its default name, or else one of its language forms
// when only one live role has it.
func (r *resolver) role(name string) (orgkit.RoleID, bool) {
	if r.roleIdx == nil {
		r.roleIdx = map[string]orgkit.RoleID{}
		forms := map[string]orgkit.RoleID{}
		amb := map[string]bool{}
		var live []*role.Role
		for x := range r.im.snap.Shared().Roles() {
			if x.Status != orgkit.Retired {
				live = append(live, x)
				r.roleIdx[textnorm.Key(x.Name.Default)] = x.ID
			}
		}
		for _, x := range live {
			for _, t := range x.Name.Tags() {
				k := textnorm.Key(x.Name.ByLang[t])
				if _, isDefault := r.roleIdx[k]; isDefault {
					continue
				}
				if id, taken := forms[k]; taken && id != x.ID {
					amb[k] = true
				}
				forms[k] = x.ID
			}
		}
		for k, id := range forms {
			if !amb[k] {
				r.roleIdx[k] = id
			}
		}
	}
	id, ok := r.roleIdx[textnorm.Key(cleanCell(name))]
	return id, ok
}

// memberBy finds a member of the directory by a normalized unique field value.
// (Snapshot.MemberBy allocates two members per lookup; an empty directory needs none.)
func (im *importer) memberBy(f member.Field, key string) (*member.Member, bool) {
	if im.snap.MemberCount() == 0 {
		return nil, false
	}
	return im.snap.Shared().MemberBy(f, key)
}

// indexSystemNames indexes the member rows of the import by system name (the first
// row of a name wins).
func (r *resolver) indexSystemNames() {
	r.sysIdx = map[string]orgkit.MemberID{}
	for _, mr := range r.im.memberRows {
		sb := mr.sh.bindingOf(FieldColumn(member.SystemNameField))
		if sb < 0 {
			continue
		}
		if s := mr.sh.cell(mr.row, sb); s != "" && !isClear(s) {
			if k := textnorm.Key(s); k != "" {
				if _, taken := r.sysIdx[k]; !taken {
					r.sysIdx[k] = mr.id
				}
			}
		}
	}
}
