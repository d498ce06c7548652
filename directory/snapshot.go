package directory

import (
	"iter"
	"slices"
	"sync"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/dense"
	"github.com/orgkit/orgkit/internal/persist"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
)

// Snapshot is one directory at one version: settings, tree, members and roles. It is
// immutable and safe for concurrent use; every read answers from memory. A snapshot
// shares structure with its predecessor, so keeping several costs little.
type Snapshot struct {
	version  uint64
	settings store.DirectoryRecord
	tree     *orgtree.Tree
	rules    member.Rules // the service's: MemberBy normalizes with them

	members  persist.Vec[*member.Member]         // dense slots in creation order
	passes   persist.Vec[StatusFilter]           // by slot: the status filters the member passes
	slots    persist.Map[orgkit.MemberID, int32] // ID → slot
	unique   *uniqueIndex                        // built on first use for a snapshot loaded from records
	lazy     *derivedIndexes                     // list and search indexes, made on first use (see derivedIndexes)
	byNode   persist.Map[orgkit.NodeID, []int32] // node → slots of members affiliated (primary or secondary)
	reports  persist.Map[orgkit.MemberID, []orgkit.MemberID]
	assigned persist.Map[orgkit.MemberID, *role.Assignment]
	roles    []*role.Role
	groups   []*role.Group
}

const uniqueCount = 7 // len(member.UniqueFields)

// uniqueIndex maps each unique field's normalized values to their members. Only
// writes and MemberBy need it, so a snapshot loaded from records builds it on first
// use: read-only replicas never pay for it.
type uniqueIndex struct {
	once sync.Once
	maps [uniqueCount]persist.Map[string, orgkit.MemberID]
}

// uniqueMaps returns the unique-field indexes, building them on first use.
func (s *Snapshot) uniqueMaps() *[uniqueCount]persist.Map[string, orgkit.MemberID] {
	s.unique.once.Do(func() {
		var bs [uniqueCount]*persist.MapBuilder[string, orgkit.MemberID]
		for k := range bs {
			bs[k] = s.unique.maps[k].Edit()
			bs[k].Grow(s.members.Len())
		}
		for _, m := range s.members.All() {
			for k, f := range member.UniqueFields {
				if key := member.UniqueKey(f, m); key != "" {
					bs[k].SetNew(key, m.ID)
				}
			}
		}
		for k := range bs {
			s.unique.maps[k] = bs[k].Freeze()
		}
	})
	return &s.unique.maps
}

// Version is the store version this snapshot reflects (0 before genesis).
func (s *Snapshot) Version() uint64 { return s.version }

// ID returns the directory's ID.
func (s *Snapshot) ID() orgkit.DirectoryID { return s.settings.ID }

// Settings returns the directory's settings, a copy that is the caller's.
func (s *Snapshot) Settings() Settings { return settingsOf(s.settings) }

// Root returns the ID of the company root node.
func (s *Snapshot) Root() orgkit.NodeID { return s.settings.Root }

// Tree returns the org tree. Like the snapshot's own methods, its methods return
// copies; Tree().Shared() is its zero-copy path.
func (s *Snapshot) Tree() *orgtree.Tree { return s.tree }

// Node returns a copy of the node with the ID (following merge redirects).
func (s *Snapshot) Node(id orgkit.NodeID) (orgtree.Node, bool) { return s.tree.Node(id) }

// Member returns a copy of the member with the ID.
func (s *Snapshot) Member(id orgkit.MemberID) (member.Member, bool) {
	if m, ok := s.member(id); ok {
		return *m.Clone(), true
	}
	return member.Member{}, false
}

// member returns the member record with the ID, shared.
func (s *Snapshot) member(id orgkit.MemberID) (*member.Member, bool) {
	i, ok := s.slots.Get(id)
	if !ok {
		return nil, false
	}
	return s.members.At(int(i)), true
}

// MemberCount returns the number of members, inactive ones included.
func (s *Snapshot) MemberCount() int { return s.members.Len() }

// The snapshot as internal/dense shows its members to this module's packages: slots
// in [0, MemberCount()), stable across versions (a member keeps its slot forever),
// holding the snapshot's own records.
var _ = dense.LendMembers(func(s *Snapshot) dense.Members[*member.Member] { return dense.NewMembers(s.members, s.slots) })

// denseTree returns the dense view of a tree.
func denseTree(t *orgtree.Tree) *dense.Tree[*orgtree.Node] {
	return dense.TreeOf[*orgtree.Tree, *orgtree.Node](t)
}

// Members yields a copy of every member (active and inactive) in creation order.
func (s *Snapshot) Members() iter.Seq[member.Member] { return copies(s.Shared().Members()) }

// MemberBy returns a copy of the member whose unique field f (one of
// member.UniqueFields) has the value. The value may be given in any form the write
// path accepts: it is normalized as the member's own value was (member.Rules.KeyOf,
// with the service's default region), so "139 0000 0001" finds the member stored
// with "+8613900000001", and "Alice@Example.com" the one with "alice@example.com".
func (s *Snapshot) MemberBy(f member.Field, value string) (member.Member, bool) {
	if m, ok := s.memberBy(f, value); ok {
		return *m.Clone(), true
	}
	return member.Member{}, false
}

// memberBy is MemberBy without the copy.
func (s *Snapshot) memberBy(f member.Field, value string) (*member.Member, bool) {
	k := slices.Index(member.UniqueFields, f)
	if k < 0 {
		return nil, false
	}
	idx := &s.uniqueMaps()[k]
	// The stored form of the value (what callers that normalized it give) is found
	// without normalizing it again.
	key := member.UniqueKey(f, probe(f, value))
	id, ok := idx.Get(key)
	if !ok {
		if norm := s.rules.KeyOf(f, value); norm != key {
			id, ok = idx.Get(norm)
		}
	}
	if !ok {
		return nil, false
	}
	return s.member(id)
}

// probe returns a member whose field f (a string or names field) holds value.
func probe(f member.Field, value string) *member.Member {
	m := &member.Member{}
	switch f {
	case member.SystemNameField:
		m.SystemName = orgkit.Name(value)
	case member.EmployeeNumberField:
		m.EmployeeNumber = value
	case member.MobileField:
		m.Mobile = value
	case member.EmailField:
		m.Email = value
	case member.LoginAccountField:
		m.LoginAccount = value
	case member.SSOAccountField:
		m.SSOAccount = value
	case member.ExternalIDField:
		m.ExternalID = value
	}
	return m
}

// MembersAt yields a copy of every member affiliated to the node itself (primary or
// secondary), in creation order.
func (s *Snapshot) MembersAt(node orgkit.NodeID) iter.Seq[member.Member] {
	return copies(s.Shared().MembersAt(node))
}

// copies yields a copy of every record seq yields.
func copies[T any, P interface {
	*T
	Clone() *T
}](seq iter.Seq[P]) iter.Seq[T] {
	return func(yield func(T) bool) {
		for r := range seq {
			if !yield(*r.Clone()) {
				return
			}
		}
	}
}

// AffiliatedDepartment returns the member's data-owning department: the explicit one,
// or derived, the primary department.
func (s *Snapshot) AffiliatedDepartment(m *member.Member) orgkit.NodeID {
	id, _ := s.tree.Resolve(derivedDepartment(m)) // an old ID of a merged node
	return id
}

// AffiliatedOrganization returns the member's data-owning organization: the explicit
// one, or derived, the nearest organization or company at or above the primary
// department (the company root when the primary is unassigned).
func (s *Snapshot) AffiliatedOrganization(m *member.Member) orgkit.NodeID {
	if !m.AffiliatedOrganization.IsZero() {
		id, _ := s.tree.Resolve(m.AffiliatedOrganization)
		return id
	}
	return nearestOrganization(s.tree, m.Primary, s.settings.Root)
}

func derivedDepartment(m *member.Member) orgkit.NodeID {
	if !m.AffiliatedDepartment.IsZero() {
		return m.AffiliatedDepartment
	}
	return m.Primary
}

func nearestOrganization(t *orgtree.Tree, from, root orgkit.NodeID) orgkit.NodeID {
	if from.IsZero() {
		return root
	}
	path := t.Shared().Path(from)
	for i := len(path) - 1; i >= 0; i-- {
		if path[i].Kind != orgtree.Department {
			return path[i].ID
		}
	}
	return root
}

// Reports returns the members whose reporting manager is m.
func (s *Snapshot) Reports(m orgkit.MemberID) []orgkit.MemberID {
	r, _ := s.reports.Get(m)
	return slices.Clone(r)
}

// Roles yields a copy of every role (retired ones too).
func (s *Snapshot) Roles() iter.Seq[role.Role] { return copies(s.Shared().Roles()) }

// Role returns a copy of the role with the ID.
func (s *Snapshot) Role(id orgkit.RoleID) (role.Role, bool) {
	if r, _ := find(s.roles, id, roleID); r != nil {
		return *r.Clone(), true
	}
	return role.Role{}, false
}

// RoleGroups yields a copy of every role group (retired ones too).
func (s *Snapshot) RoleGroups() iter.Seq[role.Group] { return copies(slices.Values(s.groups)) }

// RoleGroup returns a copy of the role group with the ID.
func (s *Snapshot) RoleGroup(id orgkit.RoleGroupID) (role.Group, bool) {
	if g, _ := find(s.groups, id, groupID); g != nil {
		return *g.Clone(), true
	}
	return role.Group{}, false
}

// Assignment returns a copy of the roles the member holds: an Assignment of the
// member with no roles when the member never held one.
func (s *Snapshot) Assignment(m orgkit.MemberID) role.Assignment {
	if a, ok := s.assigned.Get(m); ok {
		return *a.Clone()
	}
	return role.Assignment{Member: m}
}

// assignment returns the member's assignment record, shared; nil when none.
func (s *Snapshot) assignment(m orgkit.MemberID) *role.Assignment {
	a, _ := s.assigned.Get(m)
	return a
}

// Assignments yields a copy of every member's role assignment, in no particular order
// (it may differ between calls): sort by Member for a stable one, or list a role's
// holders in creation order with List{Role: …}.
func (s *Snapshot) Assignments() iter.Seq[role.Assignment] {
	return copies(s.Shared().Assignments())
}

// Shared is the zero-copy way to read a Snapshot, for loops over many records where
// copying each one would cost (an export, a sync plan, an index of your own): the
// pointers it hands out are the snapshot's own records, shared with every later
// snapshot and with the store, and read by other goroutines without locks. Never
// modify such a record or anything it references (names' ByLang maps, slices such
// as Secondary, Assistants or Permissions), not even for a moment; Clone it to get
// a record of your own. Its methods otherwise answer as the Snapshot's do. Every
// other read of a Snapshot returns copies the caller may change freely.
type Shared struct{ s *Snapshot }

// Shared returns the snapshot's zero-copy read path; see Shared.
func (s *Snapshot) Shared() Shared { return Shared{s} }

// Tree returns the tree's zero-copy read path.
func (sh Shared) Tree() orgtree.Shared { return sh.s.tree.Shared() }

// Node returns the record of the node with the ID (following merge redirects).
func (sh Shared) Node(id orgkit.NodeID) (*orgtree.Node, bool) { return sh.s.tree.Shared().Node(id) }

// Member returns the record of the member with the ID.
func (sh Shared) Member(id orgkit.MemberID) (*member.Member, bool) { return sh.s.member(id) }

// MemberBy returns the record of the member whose unique field f has the value, as
// Snapshot.MemberBy finds it.
func (sh Shared) MemberBy(f member.Field, value string) (*member.Member, bool) {
	return sh.s.memberBy(f, value)
}

// Members yields every member record in creation order.
func (sh Shared) Members() iter.Seq[*member.Member] {
	return func(yield func(*member.Member) bool) {
		for _, m := range sh.s.members.All() {
			if !yield(m) {
				return
			}
		}
	}
}

// MembersAt yields the records of the members affiliated to the node itself, in
// creation order.
func (sh Shared) MembersAt(node orgkit.NodeID) iter.Seq[*member.Member] {
	s := sh.s
	return func(yield func(*member.Member) bool) {
		id, ok := s.tree.Resolve(node)
		if !ok {
			return
		}
		slotsAt, _ := s.byNode.Get(id)
		for _, i := range slotsAt {
			if !yield(s.members.At(int(i))) {
				return
			}
		}
	}
}

// ListAll yields the records of every member the query selects, as Snapshot.ListAll.
func (sh Shared) ListAll(q List) iter.Seq[*member.Member] { return sh.s.listAll(q) }

// Role returns the record of the role with the ID.
func (sh Shared) Role(id orgkit.RoleID) (*role.Role, bool) {
	r, _ := find(sh.s.roles, id, roleID)
	return r, r != nil
}

// Roles yields every role record (retired ones too).
func (sh Shared) Roles() iter.Seq[*role.Role] { return slices.Values(sh.s.roles) }

// Assignment returns the member's assignment record; false when the member never held
// a role.
func (sh Shared) Assignment(m orgkit.MemberID) (*role.Assignment, bool) {
	return sh.s.assigned.Get(m)
}

// Assignments yields every assignment record, in no particular order (see
// Snapshot.Assignments).
func (sh Shared) Assignments() iter.Seq[*role.Assignment] {
	return func(yield func(*role.Assignment) bool) {
		for _, a := range sh.s.assigned.All() {
			if !yield(a) {
				return
			}
		}
	}
}

// IsOrgAdmin reports whether the member is active and holds the built-in org-admin role.
func (s *Snapshot) IsOrgAdmin(id orgkit.MemberID) bool {
	m, ok := s.member(id)
	if !ok || m.Status != orgkit.Active {
		return false
	}
	a := s.assignment(id)
	return a != nil && a.Holds(s.settings.AdminRole)
}
