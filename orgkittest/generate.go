package orgkittest

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
)

// Shape describes a directory to generate. Every zero field takes the default given
// with it; a negative share means none at all.
type Shape struct {
	// Departments is the number of Department nodes (the company root and the
	// organizations not counted). Zero means 30.
	Departments int
	// Members is the number of members, inactive ones included. Zero means 200.
	// About 0.3 % of them (at least one when there are 50 or more) have no primary
	// department, and 2 % have a Hong Kong (+852) mobile.
	Members int
	// MaxDepth is the depth of the deepest department below the company root (the
	// root has depth 0, its children depth 1). Levels are filled from the top, so the
	// tree reaches MaxDepth whenever there are at least MaxDepth departments. Zero
	// means 8.
	MaxDepth int
	// SecondaryShare is the share of members with one or two secondary departments.
	// Zero means 0.2.
	SecondaryShare float64
	// ManagerShare is the share of departments with a manager (the company root
	// always has one: the leader). Departments get their manager from their own
	// members, so a department with no active member stays without one. Zero means 1/3.
	ManagerShare float64
	// AssistantShare is the share of departments with one or two assistants. Zero
	// means 0.1.
	AssistantShare float64
	// ObserverShare is the share of departments with one to three observers. Zero
	// means 0.05.
	ObserverShare float64
	// IsolationShare is the least share of members that have an isolated node on the
	// path of one of their affiliations. Isolated nodes are chosen two to four levels
	// below the root until the share is reached; a third as many again are isolated
	// inside them (nested). Zero means 0.25.
	IsolationShare float64
	// WhitelistShare is the share of isolated nodes with whitelists (of members and
	// nodes) for the settings they restrict. Zero means 0.3.
	WhitelistShare float64
	// InactiveShare is the share of inactive members; a quarter of it is also the
	// share of departments that are inactive (empty leaves). Zero means 0.02.
	InactiveShare float64
	// Organizations is the number of Organization nodes under the company root and
	// under each other. Zero means none, and the directory is single-org; more turns
	// the directory's multi-org switch on.
	Organizations int
	// Seed drives every random choice: the same Shape always gives the same directory.
	Seed uint64
}

// LargeShape is the directory of the library's performance targets: 10,000
// departments up to 8 levels deep, 100,000 members, 20 % of them with secondary
// departments, a third of the departments with a manager, and isolation (nested)
// on the paths of at least a fifth of the members.
func LargeShape() Shape {
	return Shape{
		Departments:    10_000,
		Members:        100_000,
		MaxDepth:       8,
		SecondaryShare: 0.2,
		ManagerShare:   1.0 / 3,
		AssistantShare: 0.1,
		ObserverShare:  0.05,
		IsolationShare: 0.25,
		WhitelistShare: 0.3,
		InactiveShare:  0.02,
		Seed:           1,
	}
}

// SmallShape is a directory of about 30 departments and 200 members for property
// tests. Sizes, depth and the number of organizations (none, one or two) vary with
// the seed, and posts, isolation, whitelists and inactive members are denser than in
// LargeShape so that small directories exercise every rule.
func SmallShape(seed uint64) Shape {
	return Shape{
		Departments:    24 + int(seed%13),
		Members:        170 + int(seed*37%61),
		MaxDepth:       4 + int(seed%3),
		SecondaryShare: 0.2,
		ManagerShare:   0.5,
		AssistantShare: 0.2,
		ObserverShare:  0.15,
		IsolationShare: 0.3,
		WhitelistShare: 0.5,
		InactiveShare:  0.05,
		Organizations:  int(seed % 3),
		Seed:           seed,
	}
}

func share(v, def float64) float64 {
	switch {
	case v == 0:
		return def
	case v < 0 || math.IsNaN(v):
		return 0
	case v > 1:
		return 1
	}
	return v
}

// withDefaults fills in the zero fields.
func (s Shape) withDefaults() Shape {
	if s.Departments <= 0 {
		s.Departments = 30
	}
	if s.Members <= 0 {
		s.Members = 200
	}
	if s.MaxDepth <= 0 {
		s.MaxDepth = 8
	}
	s.SecondaryShare = share(s.SecondaryShare, 0.2)
	s.ManagerShare = share(s.ManagerShare, 1.0/3)
	s.AssistantShare = share(s.AssistantShare, 0.1)
	s.ObserverShare = share(s.ObserverShare, 0.05)
	s.IsolationShare = share(s.IsolationShare, 0.25)
	s.WhitelistShare = share(s.WhitelistShare, 0.3)
	s.InactiveShare = share(s.InactiveShare, 0.02)
	s.Organizations = max(s.Organizations, 0)
	return s
}

// Directory is a generated directory: its records and the lists tests pick from. It
// is immutable once generated and safe for concurrent use; do not modify Records (a
// store keeps them after Seed).
type Directory struct {
	// Records holds every record, as a store's Load would return them: nodes parents
	// first (root, organizations, then departments level by level), members, roles
	// (the org-admin role first), role groups and assignments, each in creation
	// order, which is also ID order.
	Records *store.Records

	shape         Shape
	depts, orgs   []orgkit.NodeID
	isolated      []orgkit.NodeID
	depth         []int32 // aligned with Records.Nodes
	active        []orgkit.MemberID
	inactive      []orgkit.MemberID
	admins        []orgkit.MemberID
	managers      []orgkit.MemberID
	postHolders   []orgkit.MemberID
	observers     []orgkit.MemberID
	businessRoles []orgkit.RoleID

	indexOnce sync.Once
	nodeIdx   map[orgkit.NodeID]int32
	memberIdx map[orgkit.MemberID]int32
}

// Shape returns the shape the directory was generated from, defaults filled in.
func (d *Directory) Shape() Shape { return d.shape }

// ID returns the directory's ID.
func (d *Directory) ID() orgkit.DirectoryID { return d.Records.Directory.ID }

// Root returns the ID of the company root.
func (d *Directory) Root() orgkit.NodeID { return d.Records.Directory.Root }

// AdminRole returns the ID of the built-in org-admin role.
func (d *Directory) AdminRole() orgkit.RoleID { return d.Records.Directory.AdminRole }

// Leader returns the directory's leader: the company root's manager and an org admin.
func (d *Directory) Leader() orgkit.MemberID { return d.Records.Directory.Leader }

// Departments returns the IDs of every department (inactive ones too), parents first.
func (d *Directory) Departments() []orgkit.NodeID { return slices.Clone(d.depts) }

// ActiveDepartments returns the IDs of the active departments, parents first.
func (d *Directory) ActiveDepartments() []orgkit.NodeID {
	d.index()
	out := make([]orgkit.NodeID, 0, len(d.depts))
	for _, id := range d.depts {
		if d.Records.Nodes[d.nodeIdx[id]].Status == orgkit.Active {
			out = append(out, id)
		}
	}
	return out
}

// Organizations returns the IDs of the organizations, parents first (none in a
// single-org directory).
func (d *Directory) Organizations() []orgkit.NodeID { return slices.Clone(d.orgs) }

// NodeIDs returns the IDs of every node, the root first and parents before children.
func (d *Directory) NodeIDs() []orgkit.NodeID {
	out := make([]orgkit.NodeID, len(d.Records.Nodes))
	for i, n := range d.Records.Nodes {
		out[i] = n.ID
	}
	return out
}

// IsolatedNodes returns the IDs of the isolated nodes, nested ones included.
func (d *Directory) IsolatedNodes() []orgkit.NodeID { return slices.Clone(d.isolated) }

// MemberIDs returns the IDs of every member, active and inactive, in creation order.
func (d *Directory) MemberIDs() []orgkit.MemberID {
	out := make([]orgkit.MemberID, len(d.Records.Members))
	for i, m := range d.Records.Members {
		out[i] = m.ID
	}
	return out
}

// ActiveMembers returns the IDs of the active members, in creation order.
func (d *Directory) ActiveMembers() []orgkit.MemberID { return slices.Clone(d.active) }

// InactiveMembers returns the IDs of the inactive members, in creation order.
func (d *Directory) InactiveMembers() []orgkit.MemberID { return slices.Clone(d.inactive) }

// Admins returns the members holding the built-in org-admin role (all active), the
// leader first.
func (d *Directory) Admins() []orgkit.MemberID { return slices.Clone(d.admins) }

// Managers returns the members who manage a node (each manages exactly one), the
// leader (the root's manager) first.
func (d *Directory) Managers() []orgkit.MemberID { return slices.Clone(d.managers) }

// PostHolders returns the members who manage or assist at least one node: those with
// a data scope beyond their own.
func (d *Directory) PostHolders() []orgkit.MemberID { return slices.Clone(d.postHolders) }

// Observers returns the members who observe at least one node.
func (d *Directory) Observers() []orgkit.MemberID { return slices.Clone(d.observers) }

// BusinessRoles returns the IDs of the generated roles (every role but the built-in
// org-admin role).
func (d *Directory) BusinessRoles() []orgkit.RoleID { return slices.Clone(d.businessRoles) }

func (d *Directory) index() {
	d.indexOnce.Do(func() {
		d.nodeIdx = make(map[orgkit.NodeID]int32, len(d.Records.Nodes))
		for i, n := range d.Records.Nodes {
			d.nodeIdx[n.ID] = int32(i)
		}
		d.memberIdx = make(map[orgkit.MemberID]int32, len(d.Records.Members))
		for i, m := range d.Records.Members {
			d.memberIdx[m.ID] = int32(i)
		}
	})
}

// Node returns the node record with the ID.
func (d *Directory) Node(id orgkit.NodeID) (*orgtree.Node, bool) {
	d.index()
	i, ok := d.nodeIdx[id]
	if !ok {
		return nil, false
	}
	return d.Records.Nodes[i], true
}

// Member returns the member record with the ID.
func (d *Directory) Member(id orgkit.MemberID) (*member.Member, bool) {
	d.index()
	i, ok := d.memberIdx[id]
	if !ok {
		return nil, false
	}
	return d.Records.Members[i], true
}

// Depth returns the node's depth (the root has 0), or -1 for an unknown node.
func (d *Directory) Depth(id orgkit.NodeID) int {
	d.index()
	i, ok := d.nodeIdx[id]
	if !ok {
		return -1
	}
	return int(d.depth[i])
}

// Stats are the counts that describe a generated directory, computed from its records.
type Stats struct {
	Departments         int // every department, inactive ones too
	InactiveDepartments int
	Organizations       int
	MaxDepth            int // depth of the deepest node (the root has 0)
	Members             int // every member, inactive ones too
	InactiveMembers     int
	Unassigned          int // members with no primary department
	WithSecondary       int // members with at least one secondary department
	ManagedDepartments  int // departments with a manager
	WithAssistants      int // nodes with assistants
	WithObservers       int // nodes with observers
	IsolatedNodes       int
	NestedIsolated      int // isolated nodes below another isolated node
	WithWhitelist       int // isolated nodes with a non-empty whitelist
	// UnderIsolation counts the members with an isolated node on the path (root to
	// node, both included) of at least one affiliation.
	UnderIsolation     int
	WithReportingLine  int // members with a reporting manager
	Admins             int // holders of the org-admin role
	WithBusinessRoles  int // members holding at least one other role
	MultiOrg           bool
	DistinctMobiles    int
	InternationalPhone int // mobiles outside +86
}

// Stats computes the directory's counts from its records.
func (d *Directory) Stats() Stats {
	d.index()
	recs := d.Records
	st := Stats{Members: len(recs.Members), MultiOrg: recs.Directory.MultiOrg}
	under := make([]bool, len(recs.Nodes)) // an isolated node at or above
	for i, n := range recs.Nodes {         // parents come first
		iso := n.Isolation.Isolated()
		above := false
		if !n.Parent.IsZero() {
			above = under[d.nodeIdx[n.Parent]]
		}
		under[i] = iso || above
		st.MaxDepth = max(st.MaxDepth, int(d.depth[i]))
		switch n.Kind {
		case orgtree.Department:
			st.Departments++
			if n.Status != orgkit.Active {
				st.InactiveDepartments++
			}
			if !n.Manager.IsZero() {
				st.ManagedDepartments++
			}
		case orgtree.Organization:
			st.Organizations++
		}
		if len(n.Assistants) > 0 {
			st.WithAssistants++
		}
		if len(n.Observers) > 0 {
			st.WithObservers++
		}
		if iso {
			st.IsolatedNodes++
			if above {
				st.NestedIsolated++
			}
			if !n.Isolation.VisibilityWhitelist.IsEmpty() || !n.Isolation.ContactWhitelist.IsEmpty() {
				st.WithWhitelist++
			}
		}
	}
	mobiles := make(map[string]struct{}, len(recs.Members))
	for _, m := range recs.Members {
		if m.Status != orgkit.Active {
			st.InactiveMembers++
		}
		if m.Primary.IsZero() {
			st.Unassigned++
		}
		if len(m.Secondary) > 0 {
			st.WithSecondary++
		}
		if !m.ReportingManager.IsZero() {
			st.WithReportingLine++
		}
		if m.Mobile != "" {
			mobiles[m.Mobile] = struct{}{}
			if !strings.HasPrefix(m.Mobile, "+86") {
				st.InternationalPhone++
			}
		}
		for _, a := range m.Affiliations() {
			if under[d.nodeIdx[a]] {
				st.UnderIsolation++
				break
			}
		}
	}
	st.DistinctMobiles = len(mobiles)
	for _, a := range recs.Assignments {
		if a.Holds(recs.Directory.AdminRole) {
			st.Admins++
		}
		if len(a.Roles) > 0 && (len(a.Roles) > 1 || !a.Holds(recs.Directory.AdminRole)) {
			st.WithBusinessRoles++
		}
	}
	return st
}

// Seed writes the directory into st: CreateDirectory, then every record as one
// change set (after-images only, origin import) committed at base 0. Seeding the
// same Directory twice into one store fails (its ID and key are taken: the store's
// CreateDirectory refuses them); into different stores it is fine, and the stores
// share the records.
func (d *Directory) Seed(ctx context.Context, st store.Store) error {
	rec := d.Records.Directory
	if err := st.CreateDirectory(ctx, rec); err != nil {
		return fmt.Errorf("orgkittest: %w", err)
	}
	r := d.Records
	cs := &store.ChangeSet{
		ID:      store.NewChangeSetID(),
		Meta:    store.Meta{Actor: "orgkittest", Reason: "seed a generated directory", Origin: store.OriginImport, Time: rec.CreatedAt},
		Changes: make([]store.Change, 0, 1+len(r.Nodes)+len(r.Members)+len(r.Roles)+len(r.RoleGroups)+len(r.Assignments)),
	}
	cs.Changes = append(cs.Changes, store.Change{Kind: store.KindSettings, After: &rec})
	for _, n := range r.Nodes {
		cs.Changes = append(cs.Changes, store.Change{Kind: store.KindNode, After: n})
	}
	for _, m := range r.Members {
		cs.Changes = append(cs.Changes, store.Change{Kind: store.KindMember, After: m})
	}
	for _, g := range r.RoleGroups {
		cs.Changes = append(cs.Changes, store.Change{Kind: store.KindRoleGroup, After: g})
	}
	for _, x := range r.Roles {
		cs.Changes = append(cs.Changes, store.Change{Kind: store.KindRole, After: x})
	}
	for _, a := range r.Assignments {
		cs.Changes = append(cs.Changes, store.Change{Kind: store.KindAssignment, After: a})
	}
	if _, err := st.Commit(ctx, rec.ID, 0, cs); err != nil {
		return fmt.Errorf("orgkittest: %w", err)
	}
	return nil
}

// NewService generates a directory of the given shape, seeds it into a new in-memory
// store and returns a directory service over that store, the loaded snapshot and the
// generated Directory.
func NewService(ctx context.Context, shape Shape) (*directory.Service, *directory.Snapshot, *Directory, error) {
	d := Generate(shape)
	st := memstore.New()
	if err := d.Seed(ctx, st); err != nil {
		return nil, nil, nil, err
	}
	svc := directory.New(directory.Options{Store: st})
	snap, err := svc.Snapshot(ctx, d.ID())
	if err != nil {
		return nil, nil, nil, err
	}
	return svc, snap, d, nil
}

// SeedGenesis writes only what directory.Service.Create writes for a directory
// without a founder — its settings (no leader yet), the bare company root and the
// built-in org-admin role — under this directory's IDs, so that Commands can then be
// applied to it with directory.Service.Apply.
func (d *Directory) SeedGenesis(ctx context.Context, st store.Store) error {
	rec := d.Records.Directory
	rec.Leader = orgkit.MemberID{}
	if err := st.CreateDirectory(ctx, rec); err != nil {
		return fmt.Errorf("orgkittest: %w", err)
	}
	var admin *role.Role
	for _, r := range d.Records.Roles {
		if r.ID == rec.AdminRole {
			admin = r
		}
	}
	cs := &store.ChangeSet{
		ID:   store.NewChangeSetID(),
		Meta: store.Meta{Actor: "orgkittest", Reason: "create directory", Origin: store.OriginAPI, Time: rec.CreatedAt},
		Changes: []store.Change{
			{Kind: store.KindSettings, After: &rec},
			{Kind: store.KindNode, After: &orgtree.Node{ID: rec.Root, Kind: orgtree.Company, Name: rec.Name}},
			{Kind: store.KindRole, After: admin},
		},
	}
	if _, err := st.Commit(ctx, rec.ID, 0, cs); err != nil {
		return fmt.Errorf("orgkittest: %w", err)
	}
	return nil
}

// Commands returns the directory as one batch of commands for directory.Service.Apply
// on a directory made by SeedGenesis: orgtree.Create for every node (parents first),
// the root's code and group settings, member.Create for every member (inactive ones
// created inactive), the posts (SetManager, SetAssistants, SetObservers), isolation
// (SetIsolation), orgtree.Deactivate for the inactive departments, then the role
// groups, roles and assignments. The leader is not set (directory.SetLeader lives in
// package directory): append directory.SetLeader{Member: d.Leader()}. Applied, the
// batch yields exactly the records Seed writes. Meant for small shapes: it is one
// command per record.
func (d *Directory) Commands() []orgkit.Command {
	r := d.Records
	cmds := make([]orgkit.Command, 0, 2*len(r.Nodes)+len(r.Members)+len(r.Roles)+len(r.RoleGroups)+len(r.Assignments)+4)
	var root *orgtree.Node
	for _, n := range r.Nodes {
		if n.Parent.IsZero() {
			root = n
			continue
		}
		cmds = append(cmds, orgtree.Create{ID: n.ID, Parent: n.Parent, Kind: n.Kind, Name: n.Name.Clone(), Code: n.Code,
			Order: n.Order, Group: n.Group, ExternalID: n.ExternalID})
	}
	if root.Code != "" {
		cmds = append(cmds, orgtree.SetCode{Node: root.ID, Code: root.Code})
	}
	if root.Group != (orgtree.GroupSettings{}) {
		cmds = append(cmds, orgtree.SetGroup{Node: root.ID, Group: root.Group})
	}
	for _, m := range r.Members {
		cmds = append(cmds, member.Create(*m.Clone()))
	}
	for _, n := range r.Nodes {
		if !n.Manager.IsZero() {
			cmds = append(cmds, orgtree.SetManager{Node: n.ID, Member: n.Manager})
		}
		if len(n.Assistants) > 0 {
			cmds = append(cmds, orgtree.SetAssistants{Node: n.ID, Members: slices.Clone(n.Assistants)})
		}
		if len(n.Observers) > 0 {
			cmds = append(cmds, orgtree.SetObservers{Node: n.ID, Members: slices.Clone(n.Observers)})
		}
		if n.Isolation.Isolated() {
			cmds = append(cmds, orgtree.SetIsolation{Node: n.ID, Isolation: n.Isolation.Clone()})
		}
	}
	for _, n := range r.Nodes {
		if n.Status == orgkit.Inactive {
			cmds = append(cmds, orgtree.Deactivate{Node: n.ID})
		}
	}
	for _, g := range r.RoleGroups {
		cmds = append(cmds, role.CreateGroup{ID: g.ID, Name: g.Name.Clone()})
	}
	for _, x := range r.Roles {
		if x.OrgAdmin {
			continue
		}
		cmds = append(cmds, role.Create{ID: x.ID, Name: x.Name.Clone(), Kind: x.Kind, Group: x.Group, Permissions: slices.Clone(x.Permissions)})
	}
	// One Assign per distinct (roles, primary), members in creation order.
	type key struct{ roles, primary string }
	groups := map[key]int{}
	for _, a := range r.Assignments {
		if len(a.Roles) == 0 {
			continue
		}
		var b strings.Builder
		for _, id := range a.Roles {
			b.WriteString(id.String())
		}
		k := key{b.String(), a.Primary.String()}
		if i, ok := groups[k]; ok {
			as := cmds[i].(role.Assign)
			as.Members = append(as.Members, a.Member)
			cmds[i] = as
			continue
		}
		groups[k] = len(cmds)
		cmds = append(cmds, role.Assign{Members: []orgkit.MemberID{a.Member}, Roles: slices.Clone(a.Roles), Primary: a.Primary})
	}
	return cmds
}

// ---------------------------------------------------------------------------------
// Generation.

// epoch is the time every generated directory is created at; IDs are version-7
// UUIDs counting milliseconds from it, so they sort in creation order.
var epoch = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

type gen struct {
	s Shape
	r *rand.Rand

	seq uint64 // ID counter

	// nodes, parents first; index 0 is the root
	nodes  []*orgtree.Node
	parent []int32
	depth  []int32
	level  []int32 // department level (1 = first departments below root/organization); 0 otherwise
	kids   [][]int32
	isDept []bool
	orgs   []int32
	depts  []int32

	// members, creation order
	members []*member.Member
	primary []int32 // node index, -1 when unassigned
	manages []int32 // node index the member manages, -1
	active  []int32 // member indexes of active members

	byPrimary [][]int32 // node → active members with that primary (not the leader)

	roles       []*role.Role
	groups      []*role.Group
	assignments []*role.Assignment

	dir *Directory
}

// Generate builds a directory of the given shape. It is deterministic: the same shape
// (Seed included) gives the same directory, IDs and all.
func Generate(shape Shape) *Directory {
	s := shape.withDefaults()
	g := &gen{
		s:   s,
		r:   rand.New(rand.NewPCG(s.Seed, s.Seed^0x9E3779B97F4A7C15)),
		dir: &Directory{shape: s},
	}
	rec := g.settings()
	g.tree(rec)
	g.names()
	g.people()
	g.posts()
	g.reporting()
	g.isolation()
	g.roleRecords(rec)
	g.finish(rec)
	return g.dir
}

// uuid returns the next version-7 UUID: milliseconds since epoch counting up by one
// per ID (so IDs sort in creation order), random bits from the seeded generator.
func (g *gen) uuid() uuid.UUID {
	g.seq++
	ms := uint64(epoch.UnixMilli()) + g.seq
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[8:], g.r.Uint64())
	binary.BigEndian.PutUint16(u[6:], uint16(g.r.Uint32()))
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | u[6]&0x0f
	u[8] = 0x80 | u[8]&0x3f
	return u
}

func (g *gen) settings() *store.DirectoryRecord {
	return &store.DirectoryRecord{
		ID:  orgkit.DirectoryID(g.uuid()),
		Key: "orgkittest-" + strconv.FormatUint(g.s.Seed, 10),
		Name: orgkit.Names{Default: "示例科技集团", ByLang: map[string]string{
			"en": "Example Technology Group", "zh-Hans": "示例科技集团", "zh-Hant": "示例科技集團"}},
		Platform:  orgkit.Generic,
		MultiOrg:  g.s.Organizations > 0,
		Root:      orgkit.NodeID(g.uuid()),
		AdminRole: orgkit.RoleID(g.uuid()),
		CreatedAt: epoch,
	}
}

func (g *gen) addNode(n *orgtree.Node, parent int32, level int32) int32 {
	i := int32(len(g.nodes))
	g.nodes = append(g.nodes, n)
	g.parent = append(g.parent, parent)
	d := int32(0)
	if parent >= 0 {
		d = g.depth[parent] + 1
		g.kids[parent] = append(g.kids[parent], i)
	}
	g.depth = append(g.depth, d)
	g.level = append(g.level, level)
	g.kids = append(g.kids, nil)
	g.isDept = append(g.isDept, n.Kind == orgtree.Department)
	return i
}

// tree makes the root, the organizations and the departments (names come later).
func (g *gen) tree(rec *store.DirectoryRecord) {
	s := g.s
	nodes := make([]orgtree.Node, 1+s.Organizations+s.Departments)
	next := func() *orgtree.Node { n := &nodes[0]; nodes = nodes[1:]; return n }

	root := next()
	*root = orgtree.Node{ID: rec.Root, Kind: orgtree.Company, Name: rec.Name, Code: "HQ"}
	g.addNode(root, -1, 0)

	// Organizations: under the root, or (when the tree is deep enough) under an
	// organization of depth 1.
	orgDepth := int32(0)
	var tops []int32 // organizations of depth 1
	for i := 0; i < s.Organizations; i++ {
		p := int32(0)
		if len(tops) > 0 && s.MaxDepth >= 3 && g.r.Float64() < 0.35 {
			p = tops[g.r.IntN(len(tops))]
		}
		n := next()
		*n = orgtree.Node{ID: orgkit.NodeID(g.uuid()), Kind: orgtree.Organization, Parent: g.nodes[p].ID,
			Code: fmt.Sprintf("ORG%02d", i+1)}
		j := g.addNode(n, p, 0)
		g.orgs = append(g.orgs, j)
		if p == 0 {
			tops = append(tops, j)
		}
		orgDepth = max(orgDepth, g.depth[j])
	}
	if int(orgDepth) >= s.MaxDepth { // no room for departments below organizations
		orgDepth = 0
	}

	// Departments, level by level: level 1 under the root or an organization, level
	// l under a random department of level l-1.
	levels := levelSizes(s.Departments, s.MaxDepth-int(orgDepth))
	prev := []int32{0}
	for _, o := range g.orgs {
		if int(g.depth[o]) < s.MaxDepth {
			prev = append(prev, o)
		}
	}
	code := 0
	for l, size := range levels {
		cur := make([]int32, 0, size)
		for range size {
			p := prev[g.r.IntN(len(prev))]
			n := next()
			code++
			*n = orgtree.Node{ID: orgkit.NodeID(g.uuid()), Kind: orgtree.Department, Parent: g.nodes[p].ID}
			if g.r.Float64() < 0.9 {
				n.Code = fmt.Sprintf("D%05d", code)
			}
			if g.r.Float64() < 0.3 {
				n.Group.IncludeSubMembers = true
				n.Group.IncludeIsolatedSubMembers = g.r.Float64() < 0.3
			}
			cur = append(cur, g.addNode(n, p, int32(l+1)))
		}
		g.depts = append(g.depts, cur...)
		prev = cur
	}
	root.Group.IncludeSubMembers = true

	// A few empty leaves are inactive (never on level 1).
	k := int(math.Round(float64(s.Departments) * s.InactiveShare / 4))
	if k == 0 && s.InactiveShare > 0 && s.Departments >= 20 {
		k = 1
	}
	for _, i := range g.perm(len(g.depts)) {
		if k == 0 {
			break
		}
		d := g.depts[i]
		if len(g.kids[d]) == 0 && g.level[d] > 1 {
			g.nodes[d].Status = orgkit.Inactive
			k--
		}
	}
}

// levelSizes splits n departments over the given number of levels: a few on level
// 1, the rest in a bell shape over the deeper levels, at least one per level.
func levelSizes(n, levels int) []int {
	levels = max(1, min(levels, n))
	if levels == 1 {
		return []int{n}
	}
	top := int(math.Round(math.Sqrt(float64(n)) / 4))
	top = max(1, min(max(top, 2), 30, n-(levels-1)))
	rest := n - top
	// binomial weights C(levels-2, k), k = 0 … levels-2
	w := make([]float64, levels-1)
	sum := 0.0
	for k := range w {
		w[k] = binomial(levels-2, k)
		sum += w[k]
	}
	sizes := make([]int, levels)
	sizes[0] = top
	total := top
	largest := 1
	for k := range w {
		sizes[k+1] = max(1, int(float64(rest)*w[k]/sum))
		total += sizes[k+1]
		if sizes[k+1] > sizes[largest] {
			largest = k + 1
		}
	}
	sizes[largest] += n - total
	return sizes
}

func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// perm returns a random permutation of [0, n).
func (g *gen) perm(n int) []int { return g.r.Perm(n) }

// names names every node: siblings get distinct stems from the table of their level
// (a repeated stem gets " 2", " 3", …), so that their names differ in every language.
func (g *gen) names() {
	for p := range g.nodes {
		kids := g.kids[p]
		if len(kids) == 0 {
			continue
		}
		var orgs, depts []int32
		for _, k := range kids {
			if g.isDept[k] {
				depts = append(depts, k)
			} else {
				orgs = append(orgs, k)
			}
		}
		g.nameSiblings(orgs, orgNames)
		if len(depts) > 0 {
			table := deptNamesTop
			switch l := g.level[depts[0]]; {
			case l >= 4:
				table = deptNamesTeam
			case l >= 2:
				table = deptNamesMid
			}
			g.nameSiblings(depts, table)
		}
	}
	for p := range g.nodes {
		for k, c := range g.kids[p] {
			g.nodes[c].Order = 10 * (k + 1)
		}
	}
}

func (g *gen) nameSiblings(sibs []int32, table [][2]string) {
	if len(sibs) == 0 {
		return
	}
	order := g.perm(len(table))
	for k, i := range sibs {
		stem := table[order[k%len(table)]]
		zh, en := stem[0], stem[1]
		if round := k / len(table); round > 0 {
			suffix := " " + strconv.Itoa(round+1)
			zh, en = zh+suffix, en+suffix
		}
		var name orgkit.Names
		switch x := g.r.Float64(); {
		case x < 0.6:
			name = orgkit.Names{Default: zh}
		case x < 0.8:
			name = orgkit.Names{Default: zh, ByLang: map[string]string{"en": en}}
		case x < 0.9:
			name = orgkit.Names{Default: en, ByLang: map[string]string{"zh-Hans": zh}}
		default:
			name = orgkit.Names{Default: en}
		}
		g.nodes[i].Name = name
	}
}

// memberStyle is the style of a member's name and contacts.
type memberStyle uint8

const (
	styleChinese   memberStyle = iota // 张伟
	styleRomanized                    // Zhang Wei
	styleWestern                      // Emma Wilson
)

// people makes the members: identity, contacts, primary and secondary departments,
// status. Member 0 is the leader.
func (g *gen) people() {
	s := g.s
	n := s.Members
	backing := make([]member.Member, n)
	g.members = make([]*member.Member, n)
	g.primary = make([]int32, n)
	g.manages = make([]int32, n)

	// where members go: active departments, leaves weigh more
	var targets []int32
	var cum []float64
	var level1 []int32
	total := 0.0
	for _, d := range g.depts {
		if g.nodes[d].Status != orgkit.Active {
			continue
		}
		w := 0.5 + g.r.ExpFloat64()
		if len(g.kids[d]) == 0 {
			w = 2 + 2*g.r.ExpFloat64()
		}
		total += w
		targets = append(targets, d)
		cum = append(cum, total)
		if g.level[d] == 1 {
			level1 = append(level1, d)
		}
	}
	sample := func() int32 {
		x := g.r.Float64() * total
		i, _ := slices.BinarySearch(cum, x)
		return targets[min(i, len(targets)-1)]
	}

	// exact shares: choose subsets by permutation
	unassigned := g.subset(n, int(math.Round(float64(n)*0.003)), 1)
	if n >= 50 && countTrue(unassigned) == 0 {
		unassigned[1+g.r.IntN(n-1)] = true
	}
	inactive := g.subset(n, int(math.Round(float64(n)*s.InactiveShare)), 1)
	secondary := g.subset(n, int(math.Round(float64(n)*s.SecondaryShare)), 0)
	hk := g.subset(n, int(math.Round(float64(n)*0.02)), 1)

	sysNames := make(map[string]uint32, n)
	locals := make(map[string]uint32, n)
	mobileOffset := g.r.Uint64N(1e8)
	hkOffset := g.r.Uint64N(1e7)
	var buf []byte
	for i := range n {
		m := &backing[i]
		g.members[i] = m
		g.manages[i] = -1
		m.ID = orgkit.MemberID(g.uuid())

		// identity
		style := styleChinese
		switch x := g.r.Float64(); {
		case x < 0.10:
			style = styleWestern
		case x < 0.22:
			style = styleRomanized
		}
		full, local, gender := g.personName(style)
		m.FullName = full
		m.Gender = gender
		if g.r.Float64() < 0.03 {
			m.Gender = member.GenderPrivate
		}
		c := sysNames[full]
		sysNames[full] = c + 1
		sys := full
		if c > 0 {
			sys = full + strconv.Itoa(int(c)+1)
		}
		m.SystemName = orgkit.Names{Default: sys}
		if style == styleChinese && g.r.Float64() < 0.1 {
			m.SystemName.ByLang = map[string]string{"en": romanName(local)}
		}
		lc := locals[local]
		locals[local] = lc + 1
		if lc > 0 {
			local += strconv.Itoa(int(lc) + 1)
		}

		// contacts
		region := "CN"
		if hk[i] {
			region = "HK"
		}
		x := (uint64(i)*7919 + mobileOffset) % 1e8
		if region == "HK" {
			x = (uint64(i)*7919 + hkOffset) % 1e7
			buf = append(buf[:0], "+852"...)
			buf = append(buf, "569"[g.r.IntN(3)])
			buf = appendPadded(buf, x, 7)
		} else {
			buf = append(buf[:0], "+86"...)
			buf = append(buf, cnPrefixes[g.r.IntN(len(cnPrefixes))]...)
			buf = appendPadded(buf, x, 8)
		}
		m.Mobile = string(buf)
		domain := "@example.com"
		if region == "HK" {
			domain = "@example.com.hk"
		}
		if g.r.Float64() < 0.9 || i == 0 {
			m.Email = local + domain
		}
		if g.r.Float64() < 0.03 && i != 0 {
			m.LoginMethod = member.LoginByEmail
			m.Email = local + domain
			if g.r.Float64() < 0.5 {
				m.Mobile = ""
			}
		}
		m.EmployeeNumber = "E" + padded(uint64(i+1), 6)
		if g.r.Float64() < 0.2 {
			m.LoginAccount = strings.ToLower(m.EmployeeNumber)
		}
		if g.r.Float64() < 0.1 {
			m.SSOAccount = "sso-" + strings.ToLower(m.EmployeeNumber)
		}

		// work
		if style == styleChinese {
			m.JobTitle = titlesZH[g.r.IntN(len(titlesZH))]
		} else {
			m.JobTitle = titlesEN[g.r.IntN(len(titlesEN))]
		}
		hire := member.Date{Year: 2008 + g.r.IntN(18), Month: time.Month(1 + g.r.IntN(12)), Day: 1 + g.r.IntN(28)}
		m.HireDate = hire
		if g.r.Float64() < 0.6 {
			m.EmploymentDate = member.Date{Year: hire.Year - g.r.IntN(9), Month: time.Month(1 + g.r.IntN(12)), Day: 1 + g.r.IntN(28)}
			if m.EmploymentDate.Year == hire.Year {
				m.EmploymentDate = hire
			}
		}
		if g.r.Float64() < 0.7 {
			m.Birthday = member.Date{Year: 1965 + g.r.IntN(38), Month: time.Month(1 + g.r.IntN(12)), Day: 1 + g.r.IntN(28)}
		}
		if g.r.Float64() < 0.85 {
			m.ActivatedAt = time.Date(max(hire.Year, 2016), hire.Month, hire.Day, 9+g.r.IntN(9), g.r.IntN(60), g.r.IntN(60), 0, time.UTC)
		}
		if region == "HK" {
			m.WorkPlace, m.TimeZone, m.Region, m.Language = "香港", "Asia/Hong_Kong", "HK", "zh-Hant"
		} else {
			m.WorkPlace, m.TimeZone, m.Region = cities[g.r.IntN(len(cities))], "Asia/Shanghai", "CN"
			m.Language = "zh-Hans"
			if style == styleWestern {
				m.Language = "en"
			}
		}
		if g.r.Float64() < 0.3 {
			m.OfficePhone = "+86 10 6" + padded(g.r.Uint64N(1e7), 7)
			m.Extension = padded(8000+g.r.Uint64N(2000), 4)
		}
		if g.r.Float64() < 0.1 {
			m.ResponsibleLines = []string{regions[g.r.IntN(len(regions))]}
			if r2 := regions[g.r.IntN(len(regions))]; r2 != m.ResponsibleLines[0] {
				m.ResponsibleLines = append(m.ResponsibleLines, r2)
			}
		}
		if g.r.Float64() < 0.2 {
			m.WeChat = "wx_" + strings.ReplaceAll(local, ".", "_")
		}
		if g.r.Float64() < 0.1 {
			m.QQ = strconv.FormatUint(10000+g.r.Uint64N(3_000_000_000), 10)
		}
		if g.r.Float64() < 0.05 {
			m.Bio = bios[g.r.IntN(len(bios))]
		}
		if g.r.Float64() < 0.05 {
			m.ExtendedA = "成本中心 CC" + padded(g.r.Uint64N(1000), 3)
		}
		if g.r.Float64() < 0.2 {
			m.Avatar = member.Avatar{URI: "https://avatars.example.com/" + strings.ToLower(m.EmployeeNumber) + ".png",
				MIMEType: "image/png", Size: 20_000 + g.r.Int64N(200_000), SHA256: g.hex(32)}
		}

		// affiliations and status
		g.primary[i] = -1
		switch {
		case i == 0 && len(level1) > 0:
			g.primary[i] = level1[g.r.IntN(len(level1))]
		case unassigned[i] || len(targets) == 0:
		default:
			g.primary[i] = sample()
		}
		if p := g.primary[i]; p >= 0 {
			m.Primary = g.nodes[p].ID
			if secondary[i] && len(targets) > 1 {
				k := 1
				if g.r.Float64() < 0.25 && len(targets) > 2 {
					k = 2
				}
				for len(m.Secondary) < k {
					t := g.nodes[sample()].ID
					if t != m.Primary && !slices.Contains(m.Secondary, t) {
						m.Secondary = append(m.Secondary, t)
					}
				}
				if g.r.Float64() < 0.05 {
					m.AffiliatedDepartment = m.Secondary[0]
				}
			}
			if len(g.orgs) > 0 && g.r.Float64() < 0.02 && g.nearestOrg(p) != 0 {
				m.AffiliatedOrganization = g.nodes[0].ID // explicitly the company
			}
		}
		if inactive[i] {
			m.Status = orgkit.Inactive
		} else {
			g.active = append(g.active, int32(i))
		}
	}
	// active members by primary department (the leader excluded: he manages the root)
	g.byPrimary = make([][]int32, len(g.nodes))
	for _, i := range g.active {
		if p := g.primary[i]; p >= 0 && i != 0 {
			g.byPrimary[p] = append(g.byPrimary[p], i)
		}
	}
}

// nearestOrg returns the index of the organization or company at or above node i.
func (g *gen) nearestOrg(i int32) int32 {
	for ; i > 0 && g.isDept[i]; i = g.parent[i] {
	}
	return max(i, 0)
}

// subset marks k random indexes of [from, n).
func (g *gen) subset(n, k, from int) []bool {
	out := make([]bool, n)
	if n <= from {
		return out
	}
	k = min(k, n-from)
	for _, i := range g.r.Perm(n - from)[:k] {
		out[from+i] = true
	}
	return out
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func (g *gen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 2*n)
	for i := 0; i < n; i++ {
		x := g.r.Uint32()
		b[2*i], b[2*i+1] = digits[x&15], digits[x>>4&15]
	}
	return string(b)
}

func appendPadded(b []byte, x uint64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendUint(tmp[:0], x, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func padded(x uint64, width int) string { return string(appendPadded(nil, x, width)) }

// personName returns a full name, the ASCII local part of the email it suggests
// ("wei.zhang", "emma.wilson") and a gender.
func (g *gen) personName(style memberStyle) (full, local string, gender member.Gender) {
	if style == styleWestern {
		gender = member.Male
		firsts := westernMale
		if g.r.IntN(2) == 0 {
			gender, firsts = member.Female, westernFemale
		}
		first, last := firsts[g.r.IntN(len(firsts))], westernLast[g.r.IntN(len(westernLast))]
		return first + " " + last, strings.ToLower(first) + "." + strings.ToLower(last), gender
	}
	sur := surnames[g.r.IntN(len(surnames))]
	gender = member.Male
	given := givenMale
	if g.r.IntN(2) == 0 {
		gender, given = member.Female, givenFemale
	}
	a := given[g.r.IntN(len(given))]
	zh, py := a[0], a[1]
	if g.r.Float64() < 0.6 {
		b := given[g.r.IntN(len(given))]
		zh, py = zh+b[0], py+b[1]
	}
	local = py + "." + sur[1]
	if style == styleRomanized {
		return capitalize(sur[1]) + " " + capitalize(py), local, gender
	}
	return sur[0] + zh, local, gender
}

// romanName turns "wei.zhang" into "Wei Zhang".
func romanName(local string) string {
	given, sur, _ := strings.Cut(local, ".")
	return capitalize(given) + " " + capitalize(sur)
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// posts gives the root to the leader (member 0), and managers, assistants and
// observers to departments.
func (g *gen) posts() {
	s := g.s
	root := g.nodes[0]
	var managers, holders, observers []int32
	if len(g.members) > 0 {
		root.Manager = g.members[0].ID
		g.manages[0] = 0
		g.members[0].JobTitle = "首席执行官"
		managers = append(managers, 0)
		holders = append(holders, 0)
	}
	// a root assistant
	if len(g.active) > 1 {
		a := g.active[1+g.r.IntN(len(g.active)-1)]
		root.Assistants = []orgkit.MemberID{g.members[a].ID}
		g.members[a].JobTitle = "总裁助理"
		holders = append(holders, a)
	}

	var activeDepts []int32
	for _, d := range g.depts {
		if g.nodes[d].Status == orgkit.Active {
			activeDepts = append(activeDepts, d)
		}
	}
	want := int(math.Round(float64(s.Departments) * s.ManagerShare))
	for _, k := range g.perm(len(activeDepts)) {
		if want == 0 {
			break
		}
		d := activeDepts[k]
		cands := g.byPrimary[d]
		if len(cands) == 0 {
			continue
		}
		m := cands[g.r.IntN(len(cands))]
		g.nodes[d].Manager = g.members[m].ID
		g.manages[m] = d
		managers = append(managers, m)
		holders = append(holders, m)
		if g.members[m].Language == "en" {
			g.members[m].JobTitle = managerTitlesEN[g.r.IntN(len(managerTitlesEN))]
		} else {
			g.members[m].JobTitle = managerTitlesZH[g.r.IntN(len(managerTitlesZH))]
		}
		want--
	}

	want = int(math.Round(float64(s.Departments) * s.AssistantShare))
	for _, k := range g.perm(len(activeDepts)) {
		if want == 0 {
			break
		}
		d := activeDepts[k]
		var cands []int32
		for _, m := range g.byPrimary[d] {
			if g.manages[m] != d {
				cands = append(cands, m)
			}
		}
		if len(cands) == 0 {
			continue
		}
		n := min(1+g.r.IntN(2), len(cands))
		for _, j := range g.perm(len(cands))[:n] {
			g.nodes[d].Assistants = append(g.nodes[d].Assistants, g.members[cands[j]].ID)
			holders = append(holders, cands[j])
		}
		want--
	}

	want = int(math.Round(float64(s.Departments) * s.ObserverShare))
	if len(g.active) > 0 {
		for _, k := range g.perm(len(activeDepts)) {
			if want == 0 {
				break
			}
			d := activeDepts[k]
			for range 1 + g.r.IntN(3) {
				m := g.active[g.r.IntN(len(g.active))]
				id := g.members[m].ID
				if !slices.Contains(g.nodes[d].Observers, id) {
					g.nodes[d].Observers = append(g.nodes[d].Observers, id)
					observers = append(observers, m)
				}
			}
			want--
		}
	}
	g.dir.managers = g.memberIDs(managers)
	g.dir.postHolders = g.memberIDs(dedupe(holders))
	g.dir.observers = g.memberIDs(dedupe(observers))
}

func dedupe(xs []int32) []int32 {
	slices.Sort(xs)
	return slices.Compact(xs)
}

func (g *gen) memberIDs(xs []int32) []orgkit.MemberID {
	out := make([]orgkit.MemberID, len(xs))
	for i, x := range xs {
		out[i] = g.members[x].ID
	}
	return out
}

// reporting sets reporting managers: a member reports to the manager of the nearest
// node at or above the primary department (a manager: strictly above the node they
// manage); the leader reports to nobody. Each step up a reporting line climbs to a
// strictly higher node, so the lines form a forest. A few members have no line yet.
func (g *gen) reporting() {
	nearest := make([]int32, len(g.nodes)) // member managing the node or the nearest above; -1
	for i, n := range g.nodes {
		nearest[i] = -1
		if !n.Manager.IsZero() {
			nearest[i] = g.managerOf(int32(i))
		} else if g.parent[i] >= 0 {
			nearest[i] = nearest[g.parent[i]]
		}
	}
	for i, m := range g.members {
		if i == 0 {
			continue
		}
		var boss int32 = -1
		switch q := g.manages[i]; {
		case q > 0:
			boss = nearest[g.parent[q]]
		case g.primary[i] >= 0:
			boss = nearest[g.primary[i]]
			if g.r.Float64() < 0.03 {
				boss = -1
			}
		default:
			boss = nearest[0]
		}
		if boss >= 0 && boss != int32(i) {
			m.ReportingManager = g.members[boss].ID
		}
	}
}

// managerOf returns the member index of the node's manager.
func (g *gen) managerOf(node int32) int32 {
	if node == 0 {
		return 0
	}
	id := g.nodes[node].Manager
	for _, m := range g.byPrimary[node] {
		if g.members[m].ID == id {
			return m
		}
	}
	panic("orgkittest: manager not found")
}

// isolation isolates nodes two to four levels down until IsolationShare of the
// members have one on their primary department's path, then isolates a third as many
// again inside them, and gives some of them whitelists.
func (g *gen) isolation() {
	s := g.s
	if s.IsolationShare == 0 || len(g.nodes) < 2 {
		return
	}
	// primary members per subtree
	sub := make([]int, len(g.nodes))
	for _, p := range g.primary {
		if p >= 0 {
			sub[p]++
		}
	}
	covered := make([]bool, len(g.nodes))
	maxDepth := slices.Max(g.depth)
	lo := min(int32(2), maxDepth)
	hi := max(lo, min(int32(4), maxDepth))
	var cands []int32
	for _, d := range g.depts {
		if g.nodes[d].Status == orgkit.Active && g.depth[d] >= lo && g.depth[d] <= hi {
			cands = append(cands, d)
		}
	}
	target := int(math.Ceil(float64(len(g.members)) * s.IsolationShare))
	got := 0
	var isolated []int32
	var mark func(i int32)
	mark = func(i int32) {
		if !covered[i] {
			covered[i] = true
			got += sub[i]
		}
		for _, k := range g.kids[i] {
			mark(k)
		}
	}
	for _, k := range g.perm(len(cands)) {
		if got >= target {
			break
		}
		c := cands[k]
		if covered[c] {
			continue
		}
		isolated = append(isolated, c)
		mark(c)
	}
	// nested: below an isolated node
	var inner []int32
	for _, d := range g.depts {
		if covered[d] && g.nodes[d].Status == orgkit.Active && !slices.Contains(isolated, d) {
			inner = append(inner, d)
		}
	}
	nested := min(len(inner), max(1, len(isolated)/3))
	for _, k := range g.perm(len(inner))[:nested] {
		isolated = append(isolated, inner[k])
	}

	var activeDepts []int32
	for _, d := range g.depts {
		if g.nodes[d].Status == orgkit.Active {
			activeDepts = append(activeDepts, d)
		}
	}
	for _, i := range isolated {
		n := g.nodes[i]
		var iso orgtree.Isolation
		iso.HideFromOutside = g.r.Float64() < 0.6
		switch x := g.r.Float64(); {
		case x < 0.05:
			iso.ContactView = orgtree.OnlySelf
		case x < 0.4:
			iso.ContactView = orgtree.WithinNode
		}
		if g.r.Float64() < 0.3 {
			iso.Reception = orgtree.OnlyThisNode
		}
		if !iso.Isolated() {
			iso.HideFromOutside = true
		}
		if g.r.Float64() < s.WhitelistShare && len(g.active) > 0 {
			if iso.HideFromOutside {
				iso.VisibilityWhitelist = g.whitelist(activeDepts)
			}
			if iso.ContactView != orgtree.Unrestricted {
				iso.ContactWhitelist = g.whitelist(activeDepts)
			}
		}
		n.Isolation = iso
	}
	slices.Sort(isolated)
	g.dir.isolated = make([]orgkit.NodeID, len(isolated))
	for k, i := range isolated {
		g.dir.isolated[k] = g.nodes[i].ID
	}
}

func (g *gen) whitelist(depts []int32) orgtree.Whitelist {
	var w orgtree.Whitelist
	for range 1 + g.r.IntN(4) {
		id := g.members[g.active[g.r.IntN(len(g.active))]].ID
		if !slices.Contains(w.Members, id) {
			w.Members = append(w.Members, id)
		}
	}
	if g.r.Float64() < 0.5 && len(depts) > 0 {
		for range 1 + g.r.IntN(2) {
			id := g.nodes[depts[g.r.IntN(len(depts))]].ID
			if !slices.Contains(w.Nodes, id) {
				w.Nodes = append(w.Nodes, id)
			}
		}
	}
	return w
}

// roleRecords makes the org-admin role, role groups, business roles and assignments.
func (g *gen) roleRecords(rec *store.DirectoryRecord) {
	g.roles = append(g.roles, &role.Role{ID: rec.AdminRole, Name: orgkit.Names{Default: "Org admin",
		ByLang: map[string]string{"en": "Org admin", "zh-Hans": "组织管理员", "zh-Hant": "組織管理員"}},
		Kind: role.Admin, OrgAdmin: true, Permissions: []string{"*"}})
	groupIDs := make([]orgkit.RoleGroupID, len(roleGroupNames))
	for i, names := range roleGroupNames {
		groupIDs[i] = orgkit.RoleGroupID(g.uuid())
		g.groups = append(g.groups, &role.Group{ID: groupIDs[i], Name: orgkit.Names{Default: names[0], ByLang: map[string]string{"en": names[1]}}})
	}
	for _, def := range roleDefs {
		r := &role.Role{ID: orgkit.RoleID(g.uuid()), Name: orgkit.Names{Default: def.zh, ByLang: map[string]string{"en": def.en}},
			Kind: def.kind, Permissions: slices.Clone(def.perms)}
		if def.group >= 0 {
			r.Group = groupIDs[def.group]
		}
		g.roles = append(g.roles, r)
		g.dir.businessRoles = append(g.dir.businessRoles, r.ID)
	}
	if len(g.active) == 0 {
		return
	}
	held := make(map[int32][]orgkit.RoleID)
	var order []int32
	give := func(m int32, r orgkit.RoleID) {
		if _, ok := held[m]; !ok {
			order = append(order, m)
		}
		if !slices.Contains(held[m], r) {
			held[m] = append(held[m], r)
		}
	}
	// org admins: the leader and a few others
	nAdmins := min(len(g.active), 3+len(g.members)/25_000)
	admins := []int32{0}
	give(0, rec.AdminRole)
	for _, k := range g.perm(len(g.active)) {
		if len(admins) == nAdmins {
			break
		}
		if m := g.active[k]; m != 0 {
			admins = append(admins, m)
			give(m, rec.AdminRole)
		}
	}
	g.dir.admins = g.memberIDs(admins)
	// business roles for 30 % of the active members
	biz := g.dir.businessRoles
	for _, k := range g.perm(len(g.active))[:int(math.Round(float64(len(g.active))*0.3))] {
		m := g.active[k]
		give(m, biz[g.r.IntN(len(biz))])
		if g.r.Float64() < 0.3 {
			give(m, biz[g.r.IntN(len(biz))])
		}
	}
	slices.Sort(order)
	for _, m := range order {
		roles := held[m]
		primary := roles[0]
		if roles[0] != rec.AdminRole {
			primary = roles[g.r.IntN(len(roles))]
		}
		g.assignments = append(g.assignments, &role.Assignment{Member: g.members[m].ID, Roles: roles, Primary: primary})
	}
}

func (g *gen) finish(rec *store.DirectoryRecord) {
	if len(g.members) > 0 {
		rec.Leader = g.members[0].ID
	}
	d := g.dir
	d.Records = &store.Records{
		Head:        1,
		Directory:   *rec,
		Nodes:       g.nodes,
		Members:     g.members,
		Roles:       g.roles,
		RoleGroups:  g.groups,
		Assignments: g.assignments,
	}
	d.depth = g.depth
	for _, o := range g.orgs {
		d.orgs = append(d.orgs, g.nodes[o].ID)
	}
	d.depts = make([]orgkit.NodeID, len(g.depts))
	for k, i := range g.depts {
		d.depts[k] = g.nodes[i].ID
	}
	d.active = g.memberIDs(g.active)
	for _, m := range g.members {
		if m.Status != orgkit.Active {
			d.inactive = append(d.inactive, m.ID)
		}
	}
}

// ---------------------------------------------------------------------------------
// Tables. Stems of node names are distinct in every language across all tables and
// never end in a digit, so "stem" and "stem N" never collide.

var orgNames = [][2]string{
	{"北京分公司", "Beijing Branch"}, {"上海分公司", "Shanghai Branch"}, {"深圳分公司", "Shenzhen Branch"},
	{"杭州分公司", "Hangzhou Branch"}, {"成都分公司", "Chengdu Branch"}, {"武汉分公司", "Wuhan Branch"},
	{"香港公司", "Hong Kong Company"}, {"新加坡公司", "Singapore Company"},
}

var deptNamesTop = [][2]string{
	{"研发中心", "R&D Center"}, {"销售中心", "Sales Center"}, {"市场中心", "Marketing Center"},
	{"财务中心", "Finance Center"}, {"人力资源中心", "Human Resources Center"}, {"运营中心", "Operations Center"},
	{"客户成功中心", "Customer Success Center"}, {"供应链中心", "Supply Chain Center"}, {"法务合规部", "Legal & Compliance"},
	{"总裁办", "CEO Office"}, {"战略投资部", "Strategy & Investment"}, {"信息技术中心", "IT Center"},
	{"品牌公关部", "Brand & PR"}, {"质量管理中心", "Quality Center"}, {"国际业务部", "International Business"},
	{"云服务事业部", "Cloud Business Unit"},
}

var deptNamesMid = [][2]string{
	{"华东区", "East China"}, {"华南区", "South China"}, {"华北区", "North China"}, {"西南区", "Southwest China"},
	{"西北区", "Northwest China"}, {"华中区", "Central China"}, {"东北区", "Northeast China"}, {"平台部", "Platform"},
	{"产品部", "Product"}, {"设计部", "Design"}, {"测试部", "Testing"}, {"架构部", "Architecture"},
	{"大客户部", "Key Accounts"}, {"渠道部", "Channels"}, {"招聘部", "Recruiting"}, {"薪酬福利部", "Compensation & Benefits"},
	{"培训部", "Training"}, {"会计部", "Accounting"}, {"税务部", "Tax"}, {"采购部", "Procurement"},
	{"物流部", "Logistics"}, {"客服部", "Customer Service"}, {"安全部", "Security"}, {"数据部", "Data"},
	{"基础设施部", "Infrastructure"},
}

var deptNamesTeam = [][2]string{
	{"前端组", "Frontend Team"}, {"后端组", "Backend Team"}, {"移动端组", "Mobile Team"}, {"算法组", "Algorithms Team"},
	{"运维组", "SRE Team"}, {"测试组", "QA Team"}, {"增长组", "Growth Team"}, {"内容组", "Content Team"},
	{"商务组", "Business Team"}, {"支持组", "Support Team"}, {"交付组", "Delivery Team"}, {"实施组", "Implementation Team"},
	{"售前组", "Presales Team"}, {"风控组", "Risk Team"}, {"结算组", "Settlement Team"}, {"审核组", "Review Team"},
	{"数据分析组", "Analytics Team"}, {"搜索组", "Search Team"}, {"推荐组", "Recommendation Team"}, {"支付组", "Payments Team"},
	{"账号组", "Accounts Team"}, {"中台组", "Middle Platform Team"}, {"质量组", "Quality Team"}, {"体验组", "UX Team"},
}

var surnames = [][2]string{
	{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"}, {"黄", "huang"},
	{"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"}, {"徐", "xu"}, {"孙", "sun"}, {"马", "ma"}, {"朱", "zhu"},
	{"胡", "hu"}, {"郭", "guo"}, {"何", "he"}, {"林", "lin"}, {"罗", "luo"}, {"高", "gao"}, {"郑", "zheng"},
	{"梁", "liang"}, {"谢", "xie"}, {"宋", "song"}, {"唐", "tang"}, {"韩", "han"}, {"冯", "feng"}, {"邓", "deng"},
	{"曹", "cao"}, {"彭", "peng"}, {"欧阳", "ouyang"}, {"司马", "sima"},
}

var givenMale = [][2]string{
	{"伟", "wei"}, {"强", "qiang"}, {"磊", "lei"}, {"军", "jun"}, {"勇", "yong"}, {"杰", "jie"}, {"涛", "tao"},
	{"明", "ming"}, {"超", "chao"}, {"刚", "gang"}, {"平", "ping"}, {"辉", "hui"}, {"鹏", "peng"}, {"华", "hua"},
	{"飞", "fei"}, {"鑫", "xin"}, {"波", "bo"}, {"斌", "bin"}, {"宇", "yu"}, {"浩", "hao"}, {"凯", "kai"},
	{"健", "jian"}, {"俊", "jun"}, {"帆", "fan"}, {"旭", "xu"}, {"宁", "ning"}, {"龙", "long"}, {"阳", "yang"},
}

var givenFemale = [][2]string{
	{"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"}, {"艳", "yan"}, {"娟", "juan"},
	{"霞", "xia"}, {"秀", "xiu"}, {"玲", "ling"}, {"英", "ying"}, {"婷", "ting"}, {"雪", "xue"}, {"慧", "hui"},
	{"琳", "lin"}, {"晶", "jing"}, {"颖", "ying"}, {"倩", "qian"}, {"洁", "jie"}, {"佳", "jia"}, {"欣", "xin"},
	{"悦", "yue"}, {"璐", "lu"}, {"萍", "ping"}, {"红", "hong"}, {"燕", "yan"}, {"梅", "mei"}, {"雯", "wen"},
}

var westernMale = []string{"James", "John", "Robert", "Michael", "David", "William", "Richard", "Thomas",
	"Daniel", "Matthew", "Andrew", "Kevin", "Brian", "Jason", "Ryan", "Peter"}

var westernFemale = []string{"Mary", "Jennifer", "Linda", "Emma", "Olivia", "Sophia", "Emily", "Sarah",
	"Jessica", "Laura", "Anna", "Grace", "Chloe", "Lucy", "Amy", "Helen"}

var westernLast = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
	"Anderson", "Taylor", "Moore", "Martin", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker"}

// cnPrefixes are mainland mobile prefixes valid in libphonenumber's metadata.
var cnPrefixes = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
	"155", "156", "157", "158", "159", "186", "187", "188", "189"}

var titlesZH = []string{"工程师", "高级工程师", "资深工程师", "产品经理", "设计师", "测试工程师", "销售代表",
	"客户经理", "会计", "人事专员", "行政专员", "运营专员", "数据分析师", "实施顾问", "客服专员", "架构师"}

var titlesEN = []string{"Software Engineer", "Senior Engineer", "Staff Engineer", "Product Manager", "Designer",
	"QA Engineer", "Sales Representative", "Account Manager", "Accountant", "HR Specialist", "Operations Specialist",
	"Data Analyst", "Consultant", "Support Specialist", "Architect"}

var managerTitlesZH = []string{"部门经理", "总监", "高级经理", "组长"}

var managerTitlesEN = []string{"Department Manager", "Director", "Senior Manager", "Team Lead"}

var cities = []string{"北京", "上海", "深圳", "杭州", "广州", "成都", "武汉", "南京", "西安"}

var regions = []string{"华东", "华南", "华北", "西南", "海外", "大客户", "中小企业"}

var bios = []string{"热爱开源，喜欢跑步。", "十年企业软件经验。", "Coffee first, then code.",
	"负责华东区渠道拓展。", "Loves hiking and board games."}

var roleGroupNames = [][2]string{{"销售角色", "Sales roles"}, {"服务角色", "Service roles"}, {"职能角色", "Staff roles"}}

var roleDefs = []struct {
	zh, en string
	kind   role.Kind
	group  int
	perms  []string
}{
	{"销售代表", "Sales representative", role.Business, 0, []string{"crm.lead.read", "crm.lead.write", "crm.customer.read"}},
	{"销售经理", "Sales manager", role.Business, 0, []string{"crm.lead.read", "crm.lead.write", "crm.customer.read", "crm.customer.write", "crm.report.read"}},
	{"客服专员", "Support agent", role.Business, 1, []string{"ticket.read", "ticket.write"}},
	{"客服主管", "Support lead", role.Business, 1, []string{"ticket.read", "ticket.write", "ticket.assign"}},
	{"财务专员", "Finance specialist", role.Business, 2, []string{"finance.invoice.read", "finance.invoice.write"}},
	{"人事专员", "HR specialist", role.Business, 2, []string{"hr.profile.read", "hr.profile.write"}},
	{"审计员", "Auditor", role.Business, -1, []string{"audit.read"}},
	{"数据分析师", "Data analyst", role.Business, -1, []string{"report.read", "report.export"}},
	{"系统管理员", "System administrator", role.Admin, -1, []string{"directory.member.write", "directory.node.write"}},
}
