package connectortest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// Compile-time checks: Source has every optional capability.
var (
	_ connector.Source            = (*Source)(nil)
	_ connector.DeltaSource       = (*Source)(nil)
	_ connector.DepartmentFetcher = (*Source)(nil)
)

// Options describe an in-memory source. The zero value is a DingTalk tenant "test-corp"
// with root department "1" owning DefaultFields.
type Options struct {
	// Platform the source pretends to be; empty means orgkit.DingTalk.
	Platform orgkit.Platform
	// TenantID; empty means "test-corp".
	TenantID string
	// Fields the source owns; nil means DefaultFields().
	Fields *connector.Fields
	// RootID is the upstream ID of the company; empty means "1".
	RootID string
	// NumericDepartmentIDs makes Generate and FromDirectory number departments from
	// 2 up ("2", "3", …), under the root "1", as WeCom and DingTalk do (the WeCom
	// fake server needs them).
	NumericDepartmentIDs bool
	// DerivedDepartments makes the source behave as Microsoft Graph's would, whose
	// departments exist only as the users' department strings: snapshots set
	// connector.Snapshot.DerivedDepartments and list only the departments the
	// members they list name (with their parents), deltas included, and never list
	// removed departments.
	DerivedDepartments bool
}

// DefaultFields are the fields an in-memory source owns: what DingTalk and WeCom give
// (names, contacts, job details, avatar URLs, departments, reporting line; department
// names, parents, order and leaders). Members' system names, extended fields, roles
// and the nodes' observers, group and isolation settings stay local.
func DefaultFields() connector.Fields {
	return connector.Fields{
		Member: []member.Field{member.FullNameField, member.MobileField, member.EmailField, member.JobTitleField, member.EmployeeNumberField,
			member.GenderField, member.HireDateField, member.WorkPlaceField, member.OfficePhoneField, member.AvatarField,
			member.PrimaryDepartmentField, member.SecondaryDepartmentsField, member.ReportingManagerField},
		Node: []orgtree.Field{orgtree.NameField, orgtree.ParentField, orgtree.OrderField, orgtree.ManagerField, orgtree.AssistantsField},
	}
}

// Source is an in-memory connector.Source whose departments and members tests edit
// between syncs. It supports deltas (FetchChanges with the cursor of an earlier fetch)
// and per-department fetches, and can be told to fail or return a partial snapshot.
// It is safe for concurrent use; everything it hands out is a copy.
type Source struct {
	mu       sync.Mutex
	platform orgkit.Platform
	tenant   string
	fields   connector.Fields
	rootID   string
	derived  bool
	numeric  bool

	depts    table[connector.Department]
	mems     table[connector.Member]
	departed map[string]connector.Member // removed members, for RestoreMember
	renamed  []rename                    // member ID changes, for deltas
	version  uint64

	failNext      error
	partialNext   bool
	fetches       int
	expiredBefore uint64         // cursors before this version are expired
	outOfScope    []string       // departments fetches cannot read
	withheld      []member.Field // member fields the app may not see
}

// rename is a member's ID change at a version.
type rename struct {
	old, new string
	version  uint64
}

// entry is a department or member with the version that last changed it; removed
// entries stay as tombstones so that deltas can report them.
type entry[T any] struct {
	v       T
	version uint64
	removed bool
}

// table holds the departments or the members by external ID, in insertion order.
type table[T any] struct {
	byID  map[string]*entry[T]
	order []string
}

func newTable[T any]() table[T] { return table[T]{byID: map[string]*entry[T]{}} }

// put adds or replaces (and revives) the entry with the external ID.
func (t *table[T]) put(ext string, v T, version uint64) {
	e, ok := t.byID[ext]
	if !ok {
		e = &entry[T]{}
		t.byID[ext] = e
		t.order = append(t.order, ext)
	}
	e.v, e.version, e.removed = v, version, false
}

// live returns the entry with the external ID unless it is missing or removed.
func (t *table[T]) live(ext string) (*entry[T], bool) {
	e, ok := t.byID[ext]
	return e, ok && !e.removed
}

// touch returns the live entry with the external ID, stamped with the source's next
// version (it moves *version on); false, and no new version, when there is none.
func (t *table[T]) touch(ext string, version *uint64) (*entry[T], bool) {
	e, ok := t.live(ext)
	if !ok {
		return nil, false
	}
	*version++
	e.version = *version
	return e, true
}

// ids returns the external IDs of the live entries, in insertion order.
func (t *table[T]) ids() []string {
	var out []string
	for _, ext := range t.order {
		if !t.byID[ext].removed {
			out = append(out, ext)
		}
	}
	return out
}

// New returns an empty source.
func New(opts Options) *Source {
	s := &Source{
		platform: cmp.Or(opts.Platform, orgkit.DingTalk),
		tenant:   cmp.Or(opts.TenantID, "test-corp"),
		rootID:   cmp.Or(opts.RootID, "1"),
		derived:  opts.DerivedDepartments,
		numeric:  opts.NumericDepartmentIDs,
		depts:    newTable[connector.Department](),
		mems:     newTable[connector.Member](),
		departed: map[string]connector.Member{},
	}
	if opts.Fields != nil {
		s.fields = *opts.Fields
	} else {
		s.fields = DefaultFields()
	}
	return s
}

// Clone returns a new source with the same settings, departments and members — as
// they are now, without their history: its cursors start afresh, and removed
// departments and members are not kept. Injected failures are not copied.
func (s *Source) Clone() *Source {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := New(Options{Platform: s.platform, TenantID: s.tenant, Fields: &s.fields, RootID: s.rootID, DerivedDepartments: s.derived,
		NumericDepartmentIDs: s.numeric})
	c.fields = s.Fields()
	for _, ext := range s.depts.ids() {
		c.version++
		c.depts.put(ext, s.depts.byID[ext].v.Clone(), c.version)
	}
	for _, ext := range s.mems.ids() {
		c.putMember(s.mems.byID[ext].v.Clone())
	}
	c.outOfScope, c.withheld = slices.Clone(s.outOfScope), slices.Clone(s.withheld)
	return c
}

// Platform implements connector.Source.
func (s *Source) Platform() orgkit.Platform { return s.platform }

// TenantID implements connector.Source.
func (s *Source) TenantID() string { return s.tenant }

// Fields implements connector.Source.
func (s *Source) Fields() connector.Fields {
	return connector.Fields{Member: slices.Clone(s.fields.Member), Node: slices.Clone(s.fields.Node)}
}

// RootID is the upstream ID of the company.
func (s *Source) RootID() string { return s.rootID }

// Fetches returns how many fetches (of any kind) the source has answered.
func (s *Source) Fetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches
}

// FailNextFetch makes the next fetch of any kind return err.
func (s *Source) FailNextFetch(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = err
}

// PartialNextFetch makes the next Fetch or FetchChanges return a snapshot marked
// Partial that misses its last member (as a connector would after a failed page).
func (s *Source) PartialNextFetch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partialNext = true
}

// ExpireCursors makes every cursor handed out so far expire, as a platform forgets
// old delta tokens: FetchChanges refuses them with connector.ErrCursorExpired.
func (s *Source) ExpireCursors() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	s.expiredBefore = s.version
}

// WithholdFields makes fetches withhold the member fields, as a platform does with
// fields an app has no permission for (WeCom apps made since 2022 see neither mobiles
// nor emails), until the next call (none: everything visible again). Members come
// without them (not in Present), and snapshots declare the fields the app may see
// (connector.Snapshot.Fields: the source's fields without the withheld ones).
func (s *Source) WithholdFields(fields ...member.Field) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.withheld = slices.Clone(fields)
}

// withhold takes the withheld fields out of snap. Call with s.mu held.
func (s *Source) withhold(snap *connector.Snapshot) {
	out := func(f member.Field) bool { return slices.Contains(s.withheld, f) }
	snap.Fields.Member = slices.DeleteFunc(snap.Fields.Member, out)
	for i := range snap.Members {
		m := &snap.Members[i]
		m.Present = slices.DeleteFunc(m.Present, out)
		if m.Values != nil {
			for _, f := range s.withheld {
				f.Copy(m.Values, &member.Member{})
			}
		}
	}
}

// SetOutOfScope takes the departments (external IDs) out of the app's scope, as
// DingTalk (50004) and WeCom (60011) answer for departments an app may not read, until
// the next call (none: everything in scope again). Fetches still list each such
// department as its parent's listing shows it (without leaders), but not the
// departments below it nor the members only in its subtree, and name it in
// connector.Snapshot.PartialDepartments.
func (s *Source) SetOutOfScope(departments ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outOfScope = slices.Clone(departments)
}

// scopeOut removes from snap what the out-of-scope departments hide. Call with s.mu
// held.
func (s *Source) scopeOut(snap *connector.Snapshot) {
	hidden := func(ext string) bool { // strictly inside an out-of-scope department
		for hops := 0; ext != "" && ext != s.rootID && hops <= len(s.depts.order); hops++ {
			e, ok := s.depts.byID[ext]
			if !ok {
				return false
			}
			if slices.Contains(s.outOfScope, e.v.Parent) {
				return true
			}
			ext = e.v.Parent
		}
		return false
	}
	inside := func(ext string) bool { return slices.Contains(s.outOfScope, ext) || hidden(ext) }
	snap.Departments = slices.DeleteFunc(snap.Departments, func(d connector.Department) bool { return hidden(d.ExternalID) })
	for i := range snap.Departments {
		if d := &snap.Departments[i]; slices.Contains(s.outOfScope, d.ExternalID) {
			d.Leaders = nil
			d.Present = slices.DeleteFunc(d.Present, func(f orgtree.Field) bool {
				return f == orgtree.ManagerField || f == orgtree.AssistantsField
			})
		}
	}
	onlyInside := func(deps []string) bool {
		return len(deps) > 0 && !slices.ContainsFunc(deps, func(d string) bool { return !inside(d) })
	}
	snap.Members = slices.DeleteFunc(snap.Members, func(m connector.Member) bool { return onlyInside(m.Departments) })
	snap.RemovedMembers = slices.DeleteFunc(snap.RemovedMembers, func(ext string) bool {
		return onlyInside(s.mems.byID[ext].v.Departments)
	})
	snap.RemovedDepartments = slices.DeleteFunc(snap.RemovedDepartments, hidden)
	snap.PartialDepartments = slices.Clone(s.outOfScope)
}

// begin starts a fetch: it honors ctx and the injected failure. Call with s.mu held.
func (s *Source) begin(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.fetches++
	if err := s.failNext; err != nil {
		s.failNext = nil
		return err
	}
	return nil
}

// Fetch implements connector.Source: a copy of every department and member.
func (s *Source) Fetch(ctx context.Context) (*connector.Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	return s.snapshot(0), nil
}

// FetchChanges implements connector.DeltaSource: what changed after the cursor (the
// Cursor of an earlier snapshot). A cursor from before ExpireCursors is refused with
// connector.ErrCursorExpired.
func (s *Source) FetchChanges(ctx context.Context, cursor string) (*connector.Snapshot, error) {
	after, err := strconv.ParseUint(cursor, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("connectortest: bad cursor %q: %w", cursor, orgkit.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	if after < s.expiredBefore {
		return nil, fmt.Errorf("connectortest: cursor %q: %w", cursor, connector.ErrCursorExpired)
	}
	snap := s.snapshot(after)
	snap.Delta = true
	return snap, nil
}

// snapshot copies what changed after version after (everything for 0). Call with
// s.mu held.
func (s *Source) snapshot(after uint64) *connector.Snapshot {
	snap := &connector.Snapshot{Platform: s.platform, TenantID: s.tenant, Fields: s.Fields(), RootID: s.rootID,
		Cursor: strconv.FormatUint(s.version, 10)}
	snap.Departments = make([]connector.Department, 0, len(s.depts.byID))
	for _, ext := range s.depts.order {
		e := s.depts.byID[ext]
		switch {
		case e.version <= after:
		case e.removed:
			if after > 0 {
				snap.RemovedDepartments = append(snap.RemovedDepartments, ext)
			}
		default:
			snap.Departments = append(snap.Departments, e.v.Clone())
		}
	}
	snap.Members = make([]connector.Member, 0, len(s.mems.byID))
	for _, ext := range s.mems.order {
		e := s.mems.byID[ext]
		switch {
		case e.version <= after:
		case e.removed:
			if after > 0 && !s.renamedAway(ext, after) {
				snap.RemovedMembers = append(snap.RemovedMembers, ext)
			}
		default:
			snap.Members = append(snap.Members, e.v.Clone())
		}
	}
	if after > 0 {
		snap.RenamedMembers = s.renamesAfter(after)
	}
	if len(s.outOfScope) > 0 {
		s.scopeOut(snap)
	}
	if len(s.withheld) > 0 {
		s.withhold(snap)
	}
	if s.derived {
		s.deriveDepartments(snap)
	}
	if s.partialNext {
		s.partialNext = false
		snap.Partial = true
		if n := len(snap.Members); n > 0 {
			snap.Members = snap.Members[:n-1]
		}
	}
	return snap
}

// deriveDepartments lists in snap, as a Graph source would, the departments its
// members name, with their parents, and no removed departments. Call with s.mu held.
func (s *Source) deriveDepartments(snap *connector.Snapshot) {
	named := map[string]bool{}
	for _, m := range snap.Members {
		for _, d := range m.Departments {
			for hops := 0; d != "" && d != s.rootID && !named[d] && hops <= len(s.depts.order); hops++ {
				e, ok := s.depts.live(d)
				if !ok {
					break
				}
				named[d] = true
				d = e.v.Parent
			}
		}
	}
	snap.Departments, snap.RemovedDepartments = snap.Departments[:0], nil
	for _, ext := range s.depts.order {
		if named[ext] {
			snap.Departments = append(snap.Departments, s.depts.byID[ext].v.Clone())
		}
	}
	snap.DerivedDepartments = true
}

// FetchDepartment implements connector.DepartmentFetcher: the members whose
// departments include ext.
func (s *Source) FetchDepartment(ctx context.Context, ext string) ([]connector.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	if _, ok := s.depts.live(ext); !ok && ext != s.rootID {
		return nil, fmt.Errorf("connectortest: department %q: %w", ext, orgkit.ErrNotFound)
	}
	var out []connector.Member
	for _, me := range s.mems.order {
		e := s.mems.byID[me]
		if !e.removed && slices.Contains(e.v.Departments, ext) {
			out = append(out, e.v.Clone())
		}
	}
	return out, nil
}

// Snapshot returns a copy of everything, as Fetch would, without counting as a fetch
// or triggering injected failures.
func (s *Source) Snapshot() *connector.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	partial := s.partialNext
	s.partialNext = false
	defer func() { s.partialNext = partial }()
	return s.snapshot(0)
}

// PutDepartment adds or replaces a department.
func (s *Source) PutDepartment(d connector.Department) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	s.depts.put(d.ExternalID, d.Clone(), s.version)
}

// Department returns a copy of the department.
func (s *Source) Department(ext string) (connector.Department, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.depts.live(ext); ok {
		return e.v.Clone(), true
	}
	return connector.Department{}, false
}

// EditDepartment changes a department in place; it reports whether it exists.
func (s *Source) EditDepartment(ext string, edit func(*connector.Department)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.depts.touch(ext, &s.version)
	if ok {
		edit(&e.v)
	}
	return ok
}

// RemoveDepartment deletes a department (its members keep listing it unless edited:
// the planner then drops it from their departments, with a warning).
func (s *Source) RemoveDepartment(ext string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.depts.touch(ext, &s.version)
	if ok {
		e.removed = true
	}
	return ok
}

func (s *Source) hasDepartment(ext string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.depts.live(ext)
	return ok
}

func (s *Source) departedMember(ext string) connector.Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.departed[ext]
}

// RestoreDepartment brings back a removed department as it was, if its parent is
// there.
func (s *Source) RestoreDepartment(ext string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.depts.byID[ext]
	if !ok || !e.removed {
		return false
	}
	if _, ok := s.depts.live(e.v.Parent); e.v.Parent != s.rootID && e.v.Parent != "" && !ok {
		return false
	}
	s.version++
	e.removed, e.version = false, s.version
	return true
}

// RemovedDepartmentIDs returns the external IDs of removed departments, sorted.
func (s *Source) RemovedDepartmentIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for ext, e := range s.depts.byID {
		if e.removed {
			out = append(out, ext)
		}
	}
	slices.Sort(out)
	return out
}

// DepartmentIDs returns the external IDs of the departments, in insertion order.
func (s *Source) DepartmentIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.depts.ids()
}

// PutMember adds or replaces a member.
func (s *Source) PutMember(m connector.Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putMember(m)
}

func (s *Source) putMember(m connector.Member) {
	s.version++
	s.mems.put(m.ExternalID, m.Clone(), s.version)
	delete(s.departed, m.ExternalID)
}

// Member returns a copy of the member.
func (s *Source) Member(ext string) (connector.Member, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.mems.live(ext); ok {
		return e.v.Clone(), true
	}
	return connector.Member{}, false
}

// EditMember changes a member in place; it reports whether it exists.
func (s *Source) EditMember(ext string, edit func(*connector.Member)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.mems.touch(ext, &s.version)
	if !ok {
		return false
	}
	if e.v.Values == nil {
		e.v.Values = &member.Member{}
	}
	edit(&e.v)
	return true
}

// RenameMember changes a member's upstream ID, as WeCom lets a userid change once:
// deltas (FetchChanges) report it in connector.Snapshot.RenamedMembers, as WeCom's
// change_contact callback does, and no longer list the old ID; full fetches only
// list the member under the new one, as the list APIs do. Reporting lines and
// department leaders naming the old ID name the new one. It reports whether the
// member exists and the new ID is free.
func (s *Source) RenameMember(old, new string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.mems.live(new); taken || old == new {
		return false
	}
	e, ok := s.mems.touch(old, &s.version)
	if !ok {
		return false
	}
	e.removed = true
	m := e.v.Clone()
	m.ExternalID = new
	s.mems.put(new, m, s.version)
	s.renamed = append(s.renamed, rename{old: old, new: new, version: s.version})
	// the platform's other records follow: reporting lines and leader lists
	for _, ext := range s.mems.ids() {
		if x := s.mems.byID[ext]; x.v.Manager == old {
			x, _ = s.mems.touch(ext, &s.version)
			x.v.Manager = new
		}
	}
	for _, ext := range s.depts.ids() {
		if x := s.depts.byID[ext]; slices.Contains(x.v.Leaders, old) {
			x, _ = s.depts.touch(ext, &s.version)
			x.v.Leaders = slices.Clone(x.v.Leaders)
			x.v.Leaders[slices.Index(x.v.Leaders, old)] = new
		}
	}
	return true
}

// renamedAway reports whether the member ID was removed by a rename after the
// version (and not put back since). Call with s.mu held.
func (s *Source) renamedAway(ext string, after uint64) bool {
	e := s.mems.byID[ext]
	for _, r := range s.renamed {
		if r.old == ext && r.version == e.version && r.version > after {
			return true
		}
	}
	return false
}

// renamesAfter composes the renames made after the version into one map (old →
// new), nil when there are none. Call with s.mu held.
func (s *Source) renamesAfter(after uint64) map[string]string {
	var out map[string]string
	for _, r := range s.renamed {
		if r.version <= after {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		from := r.old
		for o, n := range out {
			if n == r.old {
				from = o
				break
			}
		}
		if from == r.new {
			delete(out, from)
		} else {
			out[from] = r.new
		}
	}
	return out
}

// RemoveMember deletes a member, as platforms do with people who left; RestoreMember
// brings them back.
func (s *Source) RemoveMember(ext string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.mems.touch(ext, &s.version)
	if ok {
		e.removed = true
		s.departed[ext] = e.v.Clone()
	}
	return ok
}

// RestoreMember brings back a removed member as they were (a re-hire).
func (s *Source) RestoreMember(ext string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.departed[ext]
	if !ok {
		return false
	}
	s.putMember(m)
	return true
}

// Departed returns the external IDs of removed members that RestoreMember can bring
// back, sorted.
func (s *Source) Departed() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for ext := range s.departed {
		out = append(out, ext)
	}
	slices.Sort(out)
	return out
}

// MemberIDs returns the external IDs of the members, in insertion order.
func (s *Source) MemberIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mems.ids()
}

// Len returns the number of departments and members.
func (s *Source) Len() (departments, members int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.depts.byID {
		if !e.removed {
			departments++
		}
	}
	for _, e := range s.mems.byID {
		if !e.removed {
			members++
		}
	}
	return departments, members
}
