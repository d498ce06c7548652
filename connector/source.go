package connector

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// Source is an upstream directory: DingTalk, WeCom, Microsoft Graph, or a fake.
//
// Fetch returns the whole upstream directory as a Snapshot. A Source that cannot
// get everything (a page failed, a permission is missing) returns an error or a
// Snapshot with Partial set: either way the sync applies nothing, because a member
// missing from an incomplete snapshot is indistinguishable from one who left. When
// only some departments failed, it lists them in Snapshot.PartialDepartments instead:
// the rest applies, and nothing inside them is deactivated.
type Source interface {
	// Platform is the platform the data comes from (orgkit.DingTalk, …).
	Platform() orgkit.Platform
	// TenantID is the tenant, corp or organization ID on that platform.
	TenantID() string
	// Fields declares the member and node fields the platform owns: the sync keeps
	// them up to date, and in the bound directory they are read-only to everyone else.
	// They must pass Fields.Validate. It is the most the platform can own: a source
	// that learns at run time which fields the app may actually see (platform
	// permissions; WeCom apps made since 2022 see no mobiles or emails) narrows it in
	// the snapshots it returns (Snapshot.Fields).
	Fields() Fields
	// Fetch reads the whole upstream directory.
	Fetch(ctx context.Context) (*Snapshot, error)
}

// DeltaSource is a Source that can also return only what changed since a cursor
// (Microsoft Graph's delta query, an event log). Sync uses it when
// SyncOptions.Cursor is set.
type DeltaSource interface {
	Source
	// FetchChanges returns the departments and members that changed after cursor,
	// with Delta set, RemovedDepartments and RemovedMembers listing what was
	// deleted, and Cursor set to the cursor of the next call. Departments and members
	// it does not mention are unchanged. A cursor the platform no longer knows gives
	// an error matching ErrCursorExpired (Sync then fetches everything).
	FetchChanges(ctx context.Context, cursor string) (*Snapshot, error)
}

// DepartmentFetcher is a Source that can read one department's direct members
// (DingTalk's and WeCom's per-department member lists). Sync uses it when
// SyncOptions.Departments is set, to refresh those departments' members only.
type DepartmentFetcher interface {
	Source
	// FetchDepartment returns the members directly in the department with the
	// external ID, or an error (orgkit.ErrNotFound for an unknown department).
	FetchDepartment(ctx context.Context, externalID string) ([]Member, error)
}

// Fields are the fields an upstream platform owns.
type Fields struct {
	Member []member.Field  // member fields the platform owns
	Node   []orgtree.Field // node fields the platform owns
}

// Normalized returns the fields the sync owns in fact: the declared ones plus the
// binding itself (member.ExternalIDField, member.StatusField, orgtree.ExternalIDField and
// orgtree.StatusField, since members and departments come and go with upstream),
// without duplicates and in canonical order. Bind declares these.
func (f Fields) Normalized() Fields {
	m := append(slices.Clone(f.Member), member.ExternalIDField, member.StatusField)
	n := append(slices.Clone(f.Node), orgtree.ExternalIDField, orgtree.StatusField)
	m = slices.DeleteFunc(m, func(x member.Field) bool { return !x.Valid() })
	n = slices.DeleteFunc(n, func(x orgtree.Field) bool { return x.String() == "unknown" })
	slices.Sort(m)
	slices.Sort(n)
	return Fields{Member: slices.Compact(m), Node: slices.Compact(n)}
}

// Validate checks that the sync can keep every field f declares up to date: a known
// member field other than the affiliated department and organization (derived here,
// never given upstream), and among the node fields only the name, parent, order,
// manager, assistants, external ID and status — the planner never writes a node's
// code, observers, group or isolation, which would stay read-only for ever. The
// error, matching orgkit.ErrInvalid, names every field refused.
func (f Fields) Validate() error {
	var bad []string
	for _, x := range f.Member {
		switch {
		case !x.Valid():
			bad = append(bad, "member field "+strconv.Itoa(int(x))+" (unknown)")
		case x == member.AffiliatedDepartmentField || x == member.AffiliatedOrganizationField:
			bad = append(bad, "member field "+x.String()+" (derived here, never given upstream)")
		}
	}
	for _, x := range f.Node {
		switch x {
		case orgtree.NameField, orgtree.ParentField, orgtree.OrderField, orgtree.ManagerField, orgtree.AssistantsField,
			orgtree.ExternalIDField, orgtree.StatusField:
		default:
			name := x.String()
			if name == "unknown" {
				name = strconv.Itoa(int(x)) + " (unknown)"
			}
			bad = append(bad, "node field "+name)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("connector: the sync never writes %s, which would stay read-only for ever: %w", strings.Join(bad, ", "), orgkit.ErrInvalid)
	}
	return nil
}

// notIn lists the fields of f (normalized) that g (normalized) lacks.
func (f Fields) notIn(g Fields) []string {
	f, g = f.Normalized(), g.Normalized()
	var out []string
	for _, x := range f.Member {
		if !g.OwnsMember(x) {
			out = append(out, "member field "+x.String())
		}
	}
	for _, x := range f.Node {
		if !g.OwnsNode(x) {
			out = append(out, "node field "+x.String())
		}
	}
	return out
}

// Clone returns a copy of f that shares no memory with it.
func (f Fields) Clone() Fields {
	return Fields{Member: slices.Clone(f.Member), Node: slices.Clone(f.Node)}
}

// IsZero reports whether f declares no field.
func (f Fields) IsZero() bool { return len(f.Member) == 0 && len(f.Node) == 0 }

// OwnsMember reports whether f lists the member field.
func (f Fields) OwnsMember(x member.Field) bool { return slices.Contains(f.Member, x) }

// OwnsNode reports whether f lists the node field.
func (f Fields) OwnsNode(x orgtree.Field) bool { return slices.Contains(f.Node, x) }

// Snapshot is the upstream directory as a Source read it.
type Snapshot struct {
	// Platform, TenantID and Fields describe where the snapshot comes from. Sync
	// fills Platform and TenantID from the Source; callers of Plan set them. Fields
	// are the fields the source owns: a Source leaves them empty to own all it
	// declares (Source.Fields), or sets fewer of those, having learned at run time
	// which fields the app may see; a delta that leaves them empty keeps the fields
	// the directory is bound to. The directory is bound to them, so the fields left
	// out stay editable here.
	Platform orgkit.Platform
	TenantID string
	Fields   Fields
	// RootID is the upstream ID of the company itself (DingTalk's and WeCom's
	// department 1), if the platform has one: it maps to the directory's root node,
	// departments whose Parent is RootID sit directly under the root, and members
	// listing it belong to the root. It is not listed in Departments.
	RootID string
	// Departments in any order; parents need not come before children.
	Departments []Department
	// Members in any order. A member appears once (connectors deduplicate members
	// listed under several departments).
	Members []Member
	// Partial marks a snapshot the Source knows to be incomplete: nothing is applied.
	Partial bool
	// PartialDepartments are the departments (external IDs) the Source could not
	// read completely — out of the app's scope (DingTalk 50004, WeCom 60011), or a
	// page of their members failed — while the rest of the snapshot is complete.
	// The rest applies; inside each of them (the department, the departments below
	// it here, and the members here in any of those) nothing upstream did not list
	// is deactivated or changed, and members listed elsewhere keep their affiliations
	// to them (a platform may leave departments it does not show the app out of a
	// member's list). The departments themselves may be listed, with the fields the
	// Source knows.
	PartialDepartments []string
	// DerivedDepartments marks departments that exist only because members name
	// them (Microsoft Graph has no department entity: its sources derive departments
	// from the users' department and companyName strings). A department that no
	// enabled member belongs to, directly or through a sub-department, is gone —
	// in a delta too, where the members the delta does not mention count with their
	// departments in the directory. Derived departments need not be listed in
	// RemovedDepartments.
	DerivedDepartments bool
	// Delta marks a snapshot of changes only (DeltaSource.FetchChanges): departments
	// and members it does not list are unchanged, and only those in
	// RemovedDepartments and RemovedMembers are gone.
	Delta              bool
	RemovedDepartments []string
	RemovedMembers     []string
	// RenamedMembers maps upstream member IDs that changed to their new IDs (old →
	// new; WeCom lets a userid change once, and only its change_contact callback
	// says so — the list APIs never do). The member bound to the old ID keeps its
	// identity, posts and reporting lines, and is bound to the new one. Renames take
	// effect together, so two IDs may swap. The old ID must not be listed in Members
	// (unless another member is renamed to it), the new one must not be bound to a
	// member here that keeps its ID; a rename whose old ID no member has is ignored,
	// with a warning.
	RenamedMembers map[string]string
	// Cursor, when the Source supports deltas, is where the next FetchChanges starts
	// (a full Fetch sets it too). Sync hands it on in Report.Cursor only once the
	// snapshot has been applied.
	Cursor string
}

// Department is one upstream department.
type Department struct {
	// ExternalID is the department's ID upstream; required and unique.
	ExternalID string
	// Parent is the parent's external ID; "" or the snapshot's RootID for a department
	// directly under the company.
	Parent string
	// Name is the department's name (the default form plus any languages).
	Name orgkit.Names
	// Order sorts siblings, smaller first (connectors convert platforms that sort the
	// other way).
	Order int
	// Leaders are the external IDs of the department's leaders, in order: the first
	// becomes the node's manager, the others its assistants. Members flagged with
	// LeaderIn for the department are added after them.
	Leaders []string
	// Present lists the fields upstream supplied: orgtree.NameField (Name),
	// orgtree.ParentField (Parent), orgtree.OrderField (Order), and
	// orgtree.ManagerField or orgtree.AssistantsField (Leaders). A field that is
	// absent keeps the local value — a listing without leaders (DingTalk's listsub,
	// WeCom's simplelist) keeps the managers and assistants, one without names the
	// names; a present, empty value clears it (present, empty Leaders: no manager
	// and no assistants). A new department without a name is named after its
	// external ID; one without a parent sits under the root. DepartmentFields lists
	// them all.
	Present []orgtree.Field
}

// DepartmentFields returns the department fields a Source can supply (for
// Department.Present): name, parent, order and leaders (manager and assistants).
func DepartmentFields() []orgtree.Field {
	return []orgtree.Field{orgtree.NameField, orgtree.ParentField, orgtree.OrderField, orgtree.ManagerField, orgtree.AssistantsField}
}

// Has reports whether upstream supplied field f of the department (ManagerField and
// AssistantsField both stand for Leaders).
func (d *Department) Has(f orgtree.Field) bool {
	if f == orgtree.ManagerField || f == orgtree.AssistantsField {
		return d.hasLeaders()
	}
	return slices.Contains(d.Present, f)
}

func (d *Department) hasLeaders() bool {
	return slices.Contains(d.Present, orgtree.ManagerField) || slices.Contains(d.Present, orgtree.AssistantsField)
}

// Member is one upstream member.
type Member struct {
	// ExternalID is the member's ID upstream (DingTalk userid, WeCom userid, Graph id);
	// required and unique.
	ExternalID string
	// Values holds the member's field values. Only the fields listed in Present are
	// read; ID, ExternalID, Status, the affiliations and ReportingManager are ignored
	// (Departments, Manager and Status below say those).
	Values *member.Member
	// Present lists the fields upstream supplied. A field that is absent keeps the
	// local value; a present, empty value clears it. member.PrimaryDepartmentField or
	// member.SecondaryDepartmentsField in Present means Departments was supplied, and
	// member.ReportingManagerField that Manager was.
	Present []member.Field
	// Departments are the external IDs of the member's departments, the primary one
	// first. The snapshot's RootID stands for the root.
	Departments []string
	// LeaderIn lists departments (external IDs) the member leads (DingTalk's leader
	// flags, WeCom's is_leader_in_dept). It is read only when LeaderInPresent is
	// set: then a department listed here gets the member as a leader (after the
	// department's own Leaders), and one not listed whose Leaders upstream did not
	// give loses the member as its manager or assistant — so a delta can take a
	// leader's post away.
	LeaderIn []string
	// LeaderInPresent reports that upstream said which departments the member leads
	// (LeaderIn, possibly empty).
	LeaderInPresent bool
	// Manager is the external ID of the member's reporting manager.
	Manager string
	// Status is the member's status upstream.
	Status MemberStatus
	// StatusAbsent reports that upstream did not say the member's status (a change
	// event that names only what changed): the local status stays, and a new member
	// is enabled.
	StatusAbsent bool
}

// Has reports whether upstream supplied field f.
func (m *Member) Has(f member.Field) bool { return slices.Contains(m.Present, f) }

func (m *Member) hasDepartments() bool {
	return m.Has(member.PrimaryDepartmentField) || m.Has(member.SecondaryDepartmentsField)
}

// MemberStatus is a member's status upstream.
type MemberStatus uint8

const (
	// Enabled members are active here.
	Enabled MemberStatus = iota
	// Disabled members are deactivated here (member.Deactivate).
	Disabled
	// Resigned members are deactivated and lose their roles here (member.Resign).
	Resigned
)

// String returns "enabled", "disabled" or "resigned".
func (s MemberStatus) String() string {
	switch s {
	case Enabled:
		return "enabled"
	case Disabled:
		return "disabled"
	case Resigned:
		return "resigned"
	}
	return "unknown"
}

// Clone returns a deep copy of the snapshot: a Source that keeps its snapshot hands
// out clones, and the planner never modifies what it is given.
func (s *Snapshot) Clone() *Snapshot {
	c := *s
	c.Fields = Fields{Member: slices.Clone(s.Fields.Member), Node: slices.Clone(s.Fields.Node)}
	c.Departments = make([]Department, len(s.Departments))
	for i, d := range s.Departments {
		c.Departments[i] = d.Clone()
	}
	c.Members = make([]Member, len(s.Members))
	for i := range s.Members {
		c.Members[i] = s.Members[i].Clone()
	}
	c.RemovedDepartments = slices.Clone(s.RemovedDepartments)
	c.RemovedMembers = slices.Clone(s.RemovedMembers)
	c.PartialDepartments = slices.Clone(s.PartialDepartments)
	c.RenamedMembers = maps.Clone(s.RenamedMembers)
	return &c
}

// Clone returns a deep copy of d.
func (d Department) Clone() Department {
	d.Name = d.Name.Clone()
	d.Leaders = slices.Clone(d.Leaders)
	d.Present = slices.Clone(d.Present)
	return d
}

// Clone returns a deep copy of m.
func (m Member) Clone() Member {
	if m.Values != nil {
		m.Values = m.Values.Clone()
	}
	m.Present = slices.Clone(m.Present)
	m.Departments = slices.Clone(m.Departments)
	m.LeaderIn = slices.Clone(m.LeaderIn)
	return m
}
