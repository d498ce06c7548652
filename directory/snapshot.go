package directory

import (
	"iter"
	"slices"
	"sync"

	"github.com/orgkit/orgkit"
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

	members  persist.Vec[*member.Member]         // dense slots in creation order
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

// Settings returns the directory's settings record.
func (s *Snapshot) Settings() store.DirectoryRecord { return s.settings }

// Root returns the ID of the company root node.
func (s *Snapshot) Root() orgkit.NodeID { return s.settings.Root }

// Tree returns the org tree.
func (s *Snapshot) Tree() *orgtree.Tree { return s.tree }

// Node returns the node with the ID (following merge redirects).
func (s *Snapshot) Node(id orgkit.NodeID) (*orgtree.Node, bool) { return s.tree.Node(id) }

// Member returns the member with the ID.
func (s *Snapshot) Member(id orgkit.MemberID) (*member.Member, bool) {
	i, ok := s.slots.Get(id)
	if !ok {
		return nil, false
	}
	return s.members.At(int(i)), true
}

// MemberCount returns the number of members, inactive ones included.
func (s *Snapshot) MemberCount() int { return s.members.Len() }

// MemberSlot returns the member's dense index in [0, MemberCount()). Slots are stable
// across versions: a member keeps its slot forever.
func (s *Snapshot) MemberSlot(id orgkit.MemberID) (int, bool) {
	i, ok := s.slots.Get(id)
	return int(i), ok
}

// MemberAt returns the member in slot i.
func (s *Snapshot) MemberAt(i int) *member.Member { return s.members.At(i) }

// Members yields every member (active and inactive) in creation order.
func (s *Snapshot) Members() iter.Seq[*member.Member] {
	return func(yield func(*member.Member) bool) {
		for _, m := range s.members.All() {
			if !yield(m) {
				return
			}
		}
	}
}

// MemberBy returns the member whose unique field f (one of member.UniqueFields) has
// the value, compared after normalization ("13900000000" finds "+8613900000000" only
// when given in the stored E.164 form; normalize input with member.Rules first).
func (s *Snapshot) MemberBy(f member.Field, value string) (*member.Member, bool) {
	k := slices.Index(member.UniqueFields, f)
	if k < 0 {
		return nil, false
	}
	id, ok := s.uniqueMaps()[k].Get(member.UniqueKey(f, valueOf(f, value)))
	if !ok {
		return nil, false
	}
	return s.Member(id)
}

// valueOf returns a member whose field f holds value (f a string or names field).
func valueOf(f member.Field, value string) *member.Member {
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

// MembersAt yields the members affiliated to the node itself (primary or secondary),
// in creation order.
func (s *Snapshot) MembersAt(node orgkit.NodeID) iter.Seq[*member.Member] {
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
	path := t.Path(from)
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

// Roles yields every role (retired ones too).
func (s *Snapshot) Roles() iter.Seq[*role.Role] { return slices.Values(s.roles) }

// Role returns the role with the ID.
func (s *Snapshot) Role(id orgkit.RoleID) (*role.Role, bool) {
	r, _ := find(s.roles, id, roleID)
	return r, r != nil
}

// RoleGroups yields every role group (retired ones too).
func (s *Snapshot) RoleGroups() iter.Seq[*role.Group] { return slices.Values(s.groups) }

// RoleGroup returns the role group with the ID.
func (s *Snapshot) RoleGroup(id orgkit.RoleGroupID) (*role.Group, bool) {
	g, _ := find(s.groups, id, groupID)
	return g, g != nil
}

// Assignment returns the roles the member holds (nil when none ever).
func (s *Snapshot) Assignment(m orgkit.MemberID) *role.Assignment {
	a, _ := s.assigned.Get(m)
	return a
}

// Assignments yields every member's role assignment.
func (s *Snapshot) Assignments() iter.Seq[*role.Assignment] {
	return func(yield func(*role.Assignment) bool) {
		for _, a := range s.assigned.All() {
			if !yield(a) {
				return
			}
		}
	}
}

// IsOrgAdmin reports whether the member is active and holds the built-in org-admin role.
func (s *Snapshot) IsOrgAdmin(id orgkit.MemberID) bool {
	m, ok := s.Member(id)
	if !ok || m.Status != orgkit.Active {
		return false
	}
	a := s.Assignment(id)
	return a != nil && a.Holds(s.settings.AdminRole)
}
