package connector

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/textnorm"
	"github.com/orgkit/orgkit/orgtree"
)

// maxNodeName is the longest node name the directory accepts, in runes.
const maxNodeName = 128

// dept is one valid upstream department and what the plan does with it.
type dept struct {
	src       *Department
	ext       string
	parentExt string
	parent    *dept // nil: directly under the root
	children  []*dept
	state     uint8 // cycle detection
	node      *orgtree.Node
	id        orgkit.NodeID
	name      orgkit.Names // the cleaned upstream name (the local one when upstream gave none)
	finalName orgkit.Names
	finalPar  orgkit.NodeID
	pathBound bool
	// hasName: upstream gave the name; keepParent: upstream gave no parent, so the
	// department keeps its local one; noParent: … and it is new (under the root).
	hasName, keepParent, noParent bool
}

func (p *planner) matchedOrNew(id orgkit.NodeID) (*dept, bool) {
	d, ok := p.matched[id]
	return d, ok
}

// planDepartments reads the upstream departments, repairs them, matches them to local
// nodes and plans the node items (all but leaders and deactivations).
func (p *planner) planDepartments() error {
	p.readDepartments()
	p.breakCycles()
	order := p.topDown()
	p.matchNodes(order)
	p.findGone()
	p.nameNodes(order)
	p.nodeItems(order)
	return p.ctx.Err()
}

func (p *planner) readDepartments() {
	p.deptByExt = make(map[string]*dept, len(p.up.Departments))
	backing := make([]dept, len(p.up.Departments))
	for i := range p.up.Departments {
		src := &p.up.Departments[i]
		ext := strings.TrimSpace(src.ExternalID)
		switch {
		case ext == "":
			p.warn(WarnDepartmentInvalid, "", "department %q has no external ID: skipped", src.Name.Default)
			continue
		case !validExternalID(ext):
			p.warn(WarnDepartmentInvalid, textnorm.Visible(ext, false), "external ID is not valid text (at most 128 characters, no control or invisible formatting characters): skipped")
			continue
		case ext == p.rootID:
			p.warn(WarnDepartmentInvalid, ext, "the root department is listed as a department: skipped")
			continue
		case p.deptByExt[ext] != nil:
			p.warn(WarnDepartmentInvalid, ext, "external ID listed twice: the second (%q) is skipped", src.Name.Default)
			continue
		}
		d := &backing[i]
		d.src, d.ext = src, ext
		local, _ := p.treeRecs.ByExternalID(ext)
		if local != nil && local.Parent.IsZero() {
			local = nil // the root is never an upstream department
		}
		switch d.hasName = src.Has(orgtree.NameField); {
		case d.hasName:
			var bad string
			d.name, bad = p.cleanDeptName(src.Name, ext)
			switch {
			case bad == "":
			case local != nil:
				d.name = local.Name
				p.warn(WarnDepartmentName, ext, "name %s, which names may not hold: local name kept", bad)
			default:
				p.warn(WarnDepartmentName, ext, "name %s, which names may not hold: the form is dropped (named %q)", bad, d.name.Default)
			}
		case local != nil:
			d.name = local.Name
		default:
			d.name, _ = p.cleanDeptName(orgkit.Names{}, ext)
		}
		switch {
		case src.Has(orgtree.ParentField):
			d.parentExt = strings.TrimSpace(src.Parent)
		case local != nil:
			d.keepParent = true
			if pn, ok := p.treeRecs.Node(local.Parent); ok && !pn.Parent.IsZero() {
				d.parentExt = pn.ExternalID // "" for a local node: kept all the same
			}
		default:
			d.noParent = true
		}
		p.depts = append(p.depts, d)
		p.deptByExt[ext] = d
	}
	for _, d := range p.depts {
		switch pe := d.parentExt; {
		case d.noParent:
			p.warn(WarnDepartmentParent, d.ext, "department %q has no parent upstream: placed under the root", d.name.Default)
		case pe == "" || pe == p.rootID:
		case d.keepParent && p.deptByExt[pe] == nil:
			// stays under its local parent, gone upstream or never synced
		case pe == d.ext:
			p.warn(WarnDepartmentCycle, d.ext, "department %q is its own parent: placed under the root", d.name.Default)
		case p.deptByExt[pe] == nil:
			p.warn(WarnDepartmentParent, d.ext, "parent %q of department %q is not upstream: placed under the root", pe, d.name.Default)
		default:
			d.parent = p.deptByExt[pe]
		}
	}
}

// cleanDeptName returns the name as the directory would store it, repaired: a blank
// name becomes the external ID, a name over 128 characters is cut, forms in invalid
// languages are dropped. A form holding a character the directory refuses in every
// name (textnorm.Forbidden) is dropped too — a bad default form is replaced by the
// external ID — and the first such form is described (`"销售\uFFFD" (zh) holds
// U+202E`) for the caller's warning.
func (p *planner) cleanDeptName(n orgkit.Names, ext string) (orgkit.Names, string) {
	bad := ""
	forbidden := func(s, tag string) bool {
		r, found := textnorm.Forbidden(s, false)
		if found && bad == "" {
			bad = fmt.Sprintf("%q holds %s", textnorm.Visible(s, false), textnorm.CodePoint(r))
			if tag != "" {
				bad = fmt.Sprintf("%q (%s) holds %s", textnorm.Visible(s, false), textnorm.Visible(tag, false), textnorm.CodePoint(r))
			}
		}
		return found
	}
	out := orgkit.Names{Default: textnorm.Collapse(n.Default)}
	if forbidden(out.Default, "") {
		out.Default = ""
	} else if out.Default == "" {
		p.warn(WarnDepartmentName, ext, "department has no name: named after its external ID")
	}
	if out.Default == "" {
		out.Default = textnorm.Collapse(ext)
	}
	if utf8.RuneCountInString(out.Default) > maxNodeName {
		p.warn(WarnDepartmentName, ext, "name %q is longer than %d characters: cut", out.Default, maxNodeName)
		out.Default = truncate(out.Default, maxNodeName)
	}
	for _, tag := range n.Tags() {
		s := textnorm.Collapse(n.ByLang[tag])
		if s == "" || forbidden(s, tag) {
			continue
		}
		t, err := language.Parse(tag)
		if err != nil {
			p.warn(WarnDepartmentName, ext, "name in language %q: not a valid language tag, dropped", textnorm.Visible(tag, false))
			continue
		}
		if out.ByLang == nil {
			out.ByLang = map[string]string{}
		}
		if _, dup := out.ByLang[t.String()]; dup {
			continue // two tags with one canonical form: the first (sorted) wins
		}
		out.ByLang[t.String()] = s
	}
	return out, bad
}

// validExternalID reports whether an external ID is valid UTF-8 text of at most 128
// characters (the member rules' limit) without a character the directory refuses
// (textnorm.Forbidden).
func validExternalID(s string) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 128 {
		return false
	}
	_, bad := textnorm.Forbidden(s, false)
	return !bad
}

func truncate(s string, runes int) string {
	if runes <= 0 {
		return ""
	}
	i := 0
	for pos := range s {
		if i == runes {
			return strings.TrimSpace(s[:pos])
		}
		i++
	}
	return s
}

// breakCycles detaches, in every parent cycle, the department with the greatest
// external ID and places it under the root.
func (p *planner) breakCycles() {
	const (
		unseen = iota
		onPath
		done
	)
	var path []*dept
	for _, d := range p.depts {
		path = path[:0]
		cur := d
		for cur != nil && cur.state == unseen {
			cur.state = onPath
			path = append(path, cur)
			cur = cur.parent
		}
		if cur != nil && cur.state == onPath {
			cyc := path[slices.Index(path, cur):]
			brk := slices.MaxFunc(cyc, func(a, b *dept) int { return strings.Compare(a.ext, b.ext) })
			p.warn(WarnDepartmentCycle, brk.ext, "departments %s form a parent cycle: %q placed under the root",
				joinExt(cyc), brk.name.Default)
			brk.parent, brk.keepParent = nil, false
		}
		for _, x := range path {
			x.state = done
		}
	}
}

func joinExt(ds []*dept) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.ext
	}
	return strings.Join(s, " → ")
}

// topDown returns the departments parents first, siblings by external ID.
func (p *planner) topDown() []*dept {
	var tops []*dept
	for _, d := range p.depts {
		if d.parent == nil {
			tops = append(tops, d)
		} else {
			d.parent.children = append(d.parent.children, d)
		}
	}
	byExt := func(a, b *dept) int { return strings.Compare(a.ext, b.ext) }
	order := make([]*dept, 0, len(p.depts))
	slices.SortFunc(tops, byExt)
	stack := slices.Clone(tops)
	slices.Reverse(stack)
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		order = append(order, d)
		slices.SortFunc(d.children, byExt)
		for i := len(d.children) - 1; i >= 0; i-- {
			stack = append(stack, d.children[i])
		}
	}
	return order
}

// matchNodes finds each department's local node: by external ID, else (a local node
// not bound yet) by its path of names under a matched parent; the rest are new.
func (p *planner) matchNodes(order []*dept) {
	p.matched = make(map[orgkit.NodeID]*dept, len(order))
	var kids map[orgkit.NodeID][]*orgtree.Node // lazily: children of parents, for path matching
	for _, d := range order {
		if n, ok := p.treeRecs.ByExternalID(d.ext); ok && !n.Parent.IsZero() {
			d.node = n
		} else if parent := p.localParent(d); parent != nil && d.hasName && !d.noParent {
			if kids == nil {
				kids = map[orgkit.NodeID][]*orgtree.Node{}
			}
			cs, ok := kids[parent.ID]
			if !ok {
				cs = slices.Collect(p.treeRecs.Children(parent.ID))
				kids[parent.ID] = cs
			}
			key := textnorm.Key(d.name.Default)
			for _, c := range cs {
				if c.ExternalID == "" && p.matched[c.ID] == nil && textnorm.Key(c.Name.Default) == key {
					d.node, d.pathBound = c, true
					break
				}
			}
		}
		if d.node != nil {
			d.id = d.node.ID
		} else {
			d.id = orgkit.NewNodeID()
		}
		p.matched[d.id] = d
	}
	for _, d := range order {
		d.finalPar = p.root.ID
		if d.parent != nil {
			d.finalPar = d.parent.id
		}
		if d.node != nil && (!p.fields.OwnsNode(orgtree.ParentField) || d.keepParent) {
			d.finalPar = d.node.Parent
		}
	}
}

// localParent is the local node of d's upstream parent, when it exists already.
func (p *planner) localParent(d *dept) *orgtree.Node {
	if d.parent == nil {
		return p.root
	}
	return d.parent.node
}

// findGone finds the synced nodes no longer upstream. Each is deactivated, unless it
// still has active sub-departments that are local (never synced) or kept themselves:
// then it is kept active, with a warning, until someone moves them.
func (p *planner) findGone() {
	p.goneDeact, p.goneKept = map[orgkit.NodeID]bool{}, map[orgkit.NodeID]bool{}
	var gone []*orgtree.Node
	for n := range p.treeRecs.All() {
		if n.ExternalID != "" && !n.Parent.IsZero() && p.matched[n.ID] == nil && n.Status == orgkit.Active {
			gone = append(gone, n)
		}
	}
	if len(gone) == 0 {
		return
	}
	// children before parents: All is in pre-order
	for i := len(gone) - 1; i >= 0; i-- {
		n := gone[i]
		var holds []string
		for c := range p.treeRecs.Children(n.ID) {
			stays := false
			if d := p.matched[c.ID]; d != nil {
				stays = d.finalPar == n.ID
			} else if c.ExternalID == "" {
				stays = c.Status == orgkit.Active
			} else {
				stays = p.goneKept[c.ID]
			}
			if stays {
				holds = append(holds, c.Name.Default)
			}
		}
		if len(holds) > 0 {
			p.goneKept[n.ID] = true
			p.warn(WarnDepartmentKept, n.ExternalID, "department %q is gone upstream but kept active: it still holds %s",
				n.Name.Default, strings.Join(holds, ", "))
			continue
		}
		p.goneDeact[n.ID] = true
		p.goneOrder = append(p.goneOrder, n)
	}
	slices.SortStableFunc(p.goneOrder, func(a, b *orgtree.Node) int {
		if da, db := p.tree.Depth(a.ID), p.tree.Depth(b.ID); da != db {
			return db - da
		}
		return strings.Compare(a.ExternalID, b.ExternalID)
	})
}

// nodeActiveFinal reports whether the node is active once the plan is applied.
func (p *planner) nodeActiveFinal(id orgkit.NodeID) bool {
	if p.matched[id] != nil || id == p.root.ID {
		return true
	}
	if p.goneDeact[id] {
		return false
	}
	n, ok := p.treeRecs.Node(id)
	return ok && n.Status == orgkit.Active
}

// sibling is one name in a group of final siblings.
type sibling struct {
	names orgkit.Names
	ext   string
	node  *orgtree.Node // yielding: a gone, inactive node that may be renamed
}

// nameNodes gives every department its final name. Sibling names must be unique
// (after normalization, in every language a sibling uses), so in each group of final
// siblings: local nodes (never synced) and gone nodes kept active keep their names;
// the upstream departments, by external ID, keep theirs unless taken, else get the
// suffix " (<external ID>)"; gone, inactive nodes whose names an upstream department
// now wants are renamed the same way. The result depends only on the names and
// external IDs, so it is the same on every run.
func (p *planner) nameNodes(order []*dept) {
	groups := map[orgkit.NodeID][]*dept{}
	var parents []orgkit.NodeID
	for _, d := range order {
		if _, ok := groups[d.finalPar]; !ok {
			parents = append(parents, d.finalPar)
		}
		groups[d.finalPar] = append(groups[d.finalPar], d)
		d.finalName = d.name
		if d.node != nil && !p.fields.OwnsNode(orgtree.NameField) {
			d.finalName = d.node.Name
		}
	}
	taken := map[string]bool{}
	for _, parent := range parents {
		ups := groups[parent]
		// A group where every department keeps its place and its local name is valid
		// already (the directory keeps sibling names unique): nothing to check. A
		// suffixed department is never such, as its upstream name differs.
		if !slices.ContainsFunc(ups, func(d *dept) bool {
			return d.node == nil || d.node.Parent != parent || !d.finalName.Equal(d.node.Name)
		}) {
			continue
		}
		var fixed, yielding []sibling
		if _, exists := p.treeRecs.Node(parent); exists {
			for c := range p.treeRecs.Children(parent) {
				switch {
				case p.matched[c.ID] != nil:
				case c.ExternalID == "" || p.goneKept[c.ID]:
					fixed = append(fixed, sibling{names: c.Name, ext: c.ExternalID, node: c})
				default:
					yielding = append(yielding, sibling{names: c.Name, ext: c.ExternalID, node: c})
				}
			}
		}
		if len(ups)+len(fixed)+len(yielding) < 2 {
			continue
		}
		var tags []string
		addTags := func(n orgkit.Names) {
			for t := range n.ByLang {
				if !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
			}
		}
		for _, s := range fixed {
			addTags(s.names)
		}
		for _, s := range yielding {
			addTags(s.names)
		}
		for _, d := range ups {
			addTags(d.finalName)
		}
		slices.Sort(tags)
		clear(taken)
		claim := func(n orgkit.Names) {
			for _, k := range nameKeys(n, tags) {
				taken[k] = true
			}
		}
		free := func(n orgkit.Names) bool {
			for _, k := range nameKeys(n, tags) {
				if taken[k] {
					return false
				}
			}
			return true
		}
		for _, s := range fixed {
			claim(s.names)
		}
		ups = slices.Clone(ups)
		slices.SortFunc(ups, func(a, b *dept) int { return strings.Compare(a.ext, b.ext) })
		notOurs := func(d *dept) bool { return d.node != nil && !p.fields.OwnsNode(orgtree.NameField) }
		for _, d := range ups {
			if notOurs(d) {
				claim(d.finalName)
			}
		}
		for _, d := range ups {
			if notOurs(d) {
				continue
			}
			if !free(d.finalName) {
				want := d.finalName
				d.finalName = suffixed(want, d.ext, free)
				p.warn(WarnNameCollision, d.ext, "name %q is taken under %q: named %q", want.Default, p.nodeName(parent), d.finalName.Default)
			}
			claim(d.finalName)
		}
		slices.SortFunc(yielding, func(a, b sibling) int { return strings.Compare(a.ext, b.ext) })
		for _, s := range yielding {
			if free(s.names) {
				claim(s.names)
				continue
			}
			to := suffixed(s.names, s.ext, free)
			claim(to)
			p.nodes = append(p.nodes, Item{Kind: NodeRename, ExternalID: s.ext, Node: s.node.ID, Name: s.node.Name.Default,
				Reason:  "gone upstream; its name " + quote(s.node.Name.Default) + " is now an upstream department's: renamed " + quote(to.Default),
				Command: orgtree.Rename{Node: s.node.ID, Name: to}})
		}
	}
}

// nameKeys are the comparison keys of a name among siblings using the language tags:
// the default form and the form resolved in each tag, normalized.
func nameKeys(n orgkit.Names, tags []string) []string {
	if len(tags) == 0 {
		return []string{textnorm.Key(n.Default)}
	}
	keys := make([]string, 0, 1+len(tags))
	keys = append(keys, textnorm.Key(n.Default))
	for _, t := range tags {
		keys = append(keys, t+"\x00"+textnorm.Key(n.In(language.Make(t))))
	}
	return keys
}

// suffixed appends " (<ext>)" to every form of the name (cutting it to fit), then
// " (<ext> 2)", " (<ext> 3)", … until free says the name is free.
func suffixed(n orgkit.Names, ext string, free func(orgkit.Names) bool) orgkit.Names {
	for i := 1; ; i++ {
		suffix := " (" + ext + ")"
		if i > 1 {
			suffix = " (" + ext + " " + strconv.Itoa(i) + ")"
		}
		out := orgkit.Names{Default: withSuffix(n.Default, suffix)}
		for t, s := range n.ByLang {
			if out.ByLang == nil {
				out.ByLang = make(map[string]string, len(n.ByLang))
			}
			out.ByLang[t] = withSuffix(s, suffix)
		}
		if free(out) || i > 1000 {
			return out
		}
	}
}

func withSuffix(s, suffix string) string {
	return truncate(s, maxNodeName-utf8.RuneCountInString(suffix)) + suffix
}

func quote(s string) string { return "\"" + s + "\"" }

// nodeItems plans, parents first, each department's create, binding, move,
// reactivation, rename and order change.
func (p *planner) nodeItems(order []*dept) {
	var items []Item
	if p.rootID != "" && p.root.ExternalID != p.rootID {
		items = append(items, Item{Kind: NodeBind, ExternalID: p.rootID, Node: p.root.ID, Name: p.root.Name.Default,
			Reason: "the root is upstream's company", Command: orgtree.SetExternalID{Node: p.root.ID, ExternalID: p.rootID}})
	}
	for _, d := range order {
		n := d.node
		it := Item{ExternalID: d.ext, Node: d.id, Name: d.finalName.Default}
		add := func(k ItemKind, reason string, c orgkit.Command) {
			it.Kind, it.Reason, it.Command = k, reason, c
			items = append(items, it)
		}
		if n == nil {
			order := 0
			if d.src.Has(orgtree.OrderField) {
				order = d.src.Order
			}
			add(NodeCreate, "new upstream under "+quote(p.nodeName(d.finalPar)), orgtree.Create{
				ID: d.id, Parent: d.finalPar, Kind: orgtree.Department, Name: d.finalName, Order: order, ExternalID: d.ext})
			continue
		}
		if d.pathBound {
			add(NodeBind, "matched by its path of names", orgtree.SetExternalID{Node: n.ID, ExternalID: d.ext})
		}
		if d.finalPar != n.Parent {
			add(NodeMove, "moved upstream from "+quote(p.nodeName(n.Parent))+" to "+quote(p.nodeName(d.finalPar)),
				orgtree.Move{Node: n.ID, Parent: d.finalPar})
		}
		if n.Status != orgkit.Active {
			add(NodeReactivate, "back upstream", orgtree.Reactivate{Node: n.ID})
		}
		if p.fields.OwnsNode(orgtree.NameField) && !d.finalName.Equal(n.Name) {
			add(NodeRename, "renamed upstream from "+quote(n.Name.Default), orgtree.Rename{Node: n.ID, Name: d.finalName})
		}
		if p.fields.OwnsNode(orgtree.OrderField) && d.src.Has(orgtree.OrderField) && d.src.Order != n.Order {
			add(NodeReorder, "order "+strconv.Itoa(n.Order)+" → "+strconv.Itoa(d.src.Order), orgtree.SetOrder{Node: n.ID, Order: d.src.Order})
		}
	}
	p.nodes = append(items, p.nodes...) // yielding renames (from nameNodes) after
}

// planNodeDeactivations deactivates the departments gone upstream, deepest first,
// after their members have left them.
func (p *planner) planNodeDeactivations() {
	for _, n := range p.goneOrder {
		p.nodeDeact = append(p.nodeDeact, Item{Kind: NodeDeactivate, ExternalID: n.ExternalID, Node: n.ID, Name: n.Name.Default,
			Reason: "gone upstream", Command: orgtree.Deactivate{Node: n.ID}})
	}
}
