package connector

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// The safety rule's defaults.
const (
	DefaultMaxDeactivations     = 500
	DefaultMaxDeactivationShare = 0.20
)

// PlanOptions tune the planner. The zero value matches members by external ID only,
// refuses mass deactivations, and reads domestic mobile numbers as Chinese ones.
type PlanOptions struct {
	// MatchKeys are the member fields, in order, by which a first sync into a
	// populated directory matches upstream members to local members that have no
	// external ID yet: one of member.UniqueFields each (typically
	// member.ExternalIDField, member.MobileField, member.EmailField,
	// member.EmployeeNumberField). The external ID and Bindings are always tried
	// first. An upstream member that matches exactly one local member no other
	// upstream member matched is bound to it; several matches refuse the plan with an
	// *AmbiguousMatchError. An upstream member that matches no local member is
	// created — but on a first sync (no member bound to upstream yet), while active
	// local members were left unmatched too, the plan is refused with an
	// *UnmatchedError naming both sides, unless CreateUnmatched.
	MatchKeys []member.Field
	// Bindings bind upstream members (by external ID) to local members, before any
	// match key is tried: for first syncs where upstream gives no usable key (WeCom
	// apps made since 2022 see neither mobiles nor emails). The upstream member must
	// be in the snapshot and not bound to another local member; the local member must
	// exist, have no other external ID, and be bound once. Anything else refuses the
	// plan with orgkit.ErrInvalid, naming the binding.
	Bindings map[string]orgkit.MemberID
	// CreateUnmatched lets a first sync create the upstream members that matched no
	// local member even though active local members were left unmatched: they are
	// different people.
	CreateUnmatched bool
	// Force lets a plan go beyond the safety rule.
	Force bool
	// MaxDeactivations and MaxDeactivationShare are the safety rule, which counts
	// people and structure alike: a plan is refused unless Force when it would take
	// more than MaxDeactivations members, or more than MaxDeactivationShare of the
	// active members, out of active status; deactivate more than MaxDeactivations
	// departments, or more than MaxDeactivationShare of the active departments; or
	// leave more than MaxDeactivations active members, or more than
	// MaxDeactivationShare of them, without any department. Zero means
	// DefaultMaxDeactivations (500) and DefaultMaxDeactivationShare (20 %).
	MaxDeactivations     int
	MaxDeactivationShare float64
	// ResignMissing makes members who disappeared upstream resign (they also lose
	// their roles) instead of being deactivated. DingTalk, for one, drops resigned
	// users from its lists.
	ResignMissing bool
	// Rules are the member field rules (the directory service's: Sync uses
	// Service.Rules when this is the zero value).
	Rules member.Rules
}

// Plan diffs the upstream snapshot against the directory snapshot and returns the
// plan that makes the directory match upstream. It never modifies up. See the package
// documentation for the rules it follows and the repairs it makes.
//
// Plan refuses (nothing would be applied) with ErrPartialFetch for a partial
// snapshot, ErrBoundElsewhere when the directory is bound to another platform or
// tenant, an *AmbiguousMatchError for ambiguous first-sync matches, and
// ErrTooManyDeactivations; with that last one the plan is returned too, so a host
// can show what it would have done.
func Plan(ctx context.Context, snap *directory.Snapshot, up *Snapshot, opts PlanOptions) (*SyncPlan, error) {
	if snap == nil || up == nil {
		return nil, fmt.Errorf("connector: Plan needs a directory snapshot and an upstream snapshot: %w", orgkit.ErrInvalid)
	}
	if up.Partial {
		return nil, ErrPartialFetch
	}
	if !up.Platform.Valid() || !up.Platform.Synced() {
		return nil, fmt.Errorf("connector: upstream platform %q is not a synced platform: %w", up.Platform, orgkit.ErrInvalid)
	}
	if err := up.Fields.Validate(); err != nil {
		return nil, err
	}
	for _, f := range opts.MatchKeys {
		if !slices.Contains(member.UniqueFields, f) {
			return nil, fmt.Errorf("connector: match key %s is not a unique member field: %w", f, orgkit.ErrInvalid)
		}
	}
	set := snap.Settings()
	if set.Platform.Synced() && (set.Platform != up.Platform || set.UpstreamID != up.TenantID) {
		return nil, fmt.Errorf("connector: directory %s is bound to %s %q, not %s %q: %w",
			set.ID, set.Platform, set.UpstreamID, up.Platform, up.TenantID, ErrBoundElsewhere)
	}
	renames, err := checkRenames(snap, up)
	if err != nil {
		return nil, err
	}
	if up.Delta {
		up = overlay(snap, up, renames)
	}
	var partialInside map[orgkit.NodeID]bool
	if len(up.PartialDepartments) > 0 {
		up, partialInside = keepPartial(snap, up, renames)
	}
	if up.DerivedDepartments {
		up = pruneDerived(snap, up, renames)
	}
	p := newPlanner(ctx, snap, up, opts)
	p.renames, p.partialInside = renames, partialInside
	for _, ext := range up.PartialDepartments {
		p.warn(WarnDepartmentPartial, ext, "the department could not be read completely: what it holds here is kept as it is")
	}
	for _, old := range slices.Sorted(maps.Keys(up.RenamedMembers)) {
		if _, ok := renames[strings.TrimSpace(old)]; !ok && strings.TrimSpace(old) != strings.TrimSpace(up.RenamedMembers[old]) {
			p.warn(WarnMemberRename, strings.ToValidUTF8(old, "\uFFFD"), "renamed to %q upstream, but no member here has the ID: nothing to rename", up.RenamedMembers[old])
		}
	}
	if err := p.run(); err != nil {
		return nil, err
	}
	out := p.assemble()
	if err := p.safety(out); err != nil {
		return out, err
	}
	return out, nil
}

// bindCommand is the directory.Bind that declares the upstream's fields.
func bindCommand(platform orgkit.Platform, tenant string, f Fields) directory.Bind {
	n := f.Normalized()
	return directory.Bind{Platform: platform, UpstreamID: tenant, MemberFields: n.Member, NodeFields: n.Node}
}

type planner struct {
	ctx      context.Context
	snap     *directory.Snapshot
	up       *Snapshot
	opts     PlanOptions
	fields   Fields
	tree     *orgtree.Tree
	treeRecs orgtree.Shared // the tree's records, read without copying
	root     *orgtree.Node
	rootID   string
	cc       string

	main sink // warnings, and the scratch space of work done outside parallel

	// departments
	depts     []*dept // valid upstream departments, top-down
	deptByExt map[string]*dept
	matched   map[orgkit.NodeID]*dept // local node → upstream department
	goneDeact map[orgkit.NodeID]bool  // synced nodes gone upstream, to deactivate
	goneKept  map[orgkit.NodeID]bool  // … kept active for their local sub-departments
	goneOrder []*orgtree.Node         // goneDeact, deepest first

	// members
	members       []*mem // valid upstream members, in snapshot order
	memByExt      map[string]*mem
	extra         map[orgkit.MemberID]*mem // upstream members new or matched by a key
	gone          []*member.Member         // local members whose external IDs are not upstream
	active        int
	boundLocal    int                      // local members with an external ID
	boundByCaller map[orgkit.MemberID]bool // local members PlanOptions.Bindings names
	renames       map[string]string        // upstream ID changes (old → new) of local members
	partialInside map[orgkit.NodeID]bool   // nodes inside departments upstream could not read
	claims        map[member.Field]map[string]orgkit.MemberID
	mgr           map[orgkit.MemberID]orgkit.MemberID // planned reporting managers
	strip         []*member.Member                    // local-only members losing gone departments
	released      map[orgkit.MemberID]*member.Member  // members gone upstream giving up unique values
	releaseOrder  []orgkit.MemberID

	// items, by phase
	bind, nodes, creates, binds, activations, updates, moves, managers, leaders, leaving, nodeDeact []Item
}

func newPlanner(ctx context.Context, snap *directory.Snapshot, up *Snapshot, opts PlanOptions) *planner {
	tree := snap.Tree()
	return &planner{
		ctx: ctx, snap: snap, up: up, opts: opts,
		fields:   up.Fields.Normalized(),
		tree:     tree,
		treeRecs: tree.Shared(),
		root:     tree.Shared().Root(),
		rootID:   strings.TrimSpace(up.RootID),
	}
}

func (p *planner) warn(code, ext, format string, args ...any) {
	p.main.warn(code, ext, format, args...)
}

// sink collects one worker's warnings and holds its scratch space.
type sink struct {
	warnings []Warning
	affBuf   []orgkit.NodeID
}

func (s *sink) warn(code, ext, format string, args ...any) {
	s.warnings = append(s.warnings, Warning{Code: code, ExternalID: ext, Message: fmt.Sprintf(format, args...)})
}

func (p *planner) run() error {
	p.planBinding()
	if err := p.planDepartments(); err != nil {
		return err
	}
	if err := p.planMembers(); err != nil {
		return err
	}
	p.planLeaders()
	p.planNodeDeactivations()
	return p.ctx.Err()
}

// planBinding binds the directory in the same change set when it is not bound yet or
// the source now declares other fields.
func (p *planner) planBinding() {
	set := p.snap.Settings()
	want := bindCommand(p.up.Platform, p.up.TenantID, p.up.Fields)
	if set.Platform == want.Platform && set.UpstreamID == want.UpstreamID &&
		slices.Equal(set.SyncedMemberFields, want.MemberFields) && slices.Equal(set.SyncedNodeFields, want.NodeFields) {
		return
	}
	reason := fmt.Sprintf("bind to %s %q", want.Platform, want.UpstreamID)
	if len(set.SyncedMemberFields)+len(set.SyncedNodeFields) > 0 {
		reason = fmt.Sprintf("the %s source now declares other fields", want.Platform)
		p.warn(WarnDirectoryFieldsNew, "", "%s", reason)
	}
	p.bind = append(p.bind, Item{Kind: BindDirectory, Name: set.Name.Default, Reason: reason, Command: want})
}

// assemble puts the items in the order the write path accepts them.
func (p *planner) assemble() *SyncPlan {
	out := &SyncPlan{Warnings: p.main.warnings, ActiveMembers: p.active,
		UpstreamDepartments: len(p.up.Departments), UpstreamMembers: len(p.up.Members)}
	n := len(p.bind) + len(p.nodes) + len(p.creates) + len(p.binds) + len(p.activations) + len(p.updates) +
		len(p.moves) + len(p.managers) + len(p.leaders) + len(p.leaving) + len(p.nodeDeact)
	out.Items = make([]Item, 0, n)
	for _, items := range [][]Item{p.bind, p.nodes, p.creates, p.binds, p.activations, p.updates, p.moves,
		p.managers, p.leaders, p.leaving, p.nodeDeact} {
		out.Items = append(out.Items, items...)
	}
	leaving := map[orgkit.MemberID]bool{}
	for _, it := range p.leaving {
		if it.Kind == MemberDeactivate || it.Kind == MemberResign {
			if m, ok := p.snap.Shared().Member(it.Member); ok && m.Status == orgkit.Active {
				out.Deactivations++
				leaving[it.Member] = true
			}
		}
	}
	for n := range p.treeRecs.All() {
		if !n.Parent.IsZero() && n.Status == orgkit.Active {
			out.ActiveDepartments++
		}
	}
	out.DepartmentDeactivations = len(p.goneOrder) // every one active: see findGone
	out.Unassigned = p.unassigned(leaving)
	return out
}

// unassigned counts the active members in some department now who stay active and
// are in none after the plan: upstream members whose departments are all gone or
// who upstream lists in none, and local members whose departments are all gone.
func (p *planner) unassigned(leaving map[orgkit.MemberID]bool) int {
	placedBefore := func(l *member.Member) bool {
		return l != nil && l.Status == orgkit.Active && !leaving[l.ID] && (!l.Primary.IsZero() || len(l.Secondary) > 0)
	}
	n := 0
	for _, m := range p.members {
		if a := m.aff; a != nil && m.activeFinal && placedBefore(m.local) && a.primary.IsZero() && len(a.secondary) == 0 {
			n++
		}
	}
	for _, it := range p.moves {
		if u, ok := it.Command.(member.Update); ok && p.memOf(it.Member) == nil {
			if l, _ := p.snap.Shared().Member(it.Member); placedBefore(l) && u.Value.Primary.IsZero() && len(u.Value.Secondary) == 0 {
				n++
			}
		}
	}
	return n
}

// safety refuses plans that deactivate too many members or departments, or leave too
// many members without any department, naming every count over its limit.
func (p *planner) safety(out *SyncPlan) error {
	if p.opts.Force {
		return nil
	}
	limit := cmp.Or(p.opts.MaxDeactivations, DefaultMaxDeactivations)
	share := p.opts.MaxDeactivationShare
	if share <= 0 {
		share = DefaultMaxDeactivationShare
	}
	over := func(n, of int) bool { return n > 0 && (n > limit || float64(n) > share*float64(of)) }
	var what []string
	if over(out.Deactivations, out.ActiveMembers) {
		what = append(what, fmt.Sprintf("deactivate %d of %d active members", out.Deactivations, out.ActiveMembers))
	}
	if over(out.DepartmentDeactivations, out.ActiveDepartments) {
		what = append(what, fmt.Sprintf("deactivate %d of %d active departments", out.DepartmentDeactivations, out.ActiveDepartments))
	}
	if over(out.Unassigned, out.ActiveMembers) {
		what = append(what, fmt.Sprintf("leave %d of %d active members without any department", out.Unassigned, out.ActiveMembers))
	}
	if len(what) == 0 {
		return nil
	}
	return fmt.Errorf("connector: the plan would %s (limit %d or %g %% each); use Force to apply it: %w",
		strings.Join(what, ", and "), limit, share*100, ErrTooManyDeactivations)
}

// nodeName is a node's default name for messages.
func (p *planner) nodeName(id orgkit.NodeID) string {
	if id.IsZero() {
		return "(unassigned)"
	}
	if d, ok := p.matchedOrNew(id); ok {
		return d.finalName.Default
	}
	if n, ok := p.treeRecs.Node(id); ok {
		return n.Name.Default
	}
	return id.String()
}

// checkRenames validates the snapshot's renames of members here and returns them
// (old → new, trimmed). Renames of IDs no member here has are left out (Plan warns
// about them).
func checkRenames(snap *directory.Snapshot, up *Snapshot) (map[string]string, error) {
	if len(up.RenamedMembers) == 0 {
		return nil, nil
	}
	listed := make(map[string]bool, len(up.Members))
	for i := range up.Members {
		listed[strings.TrimSpace(up.Members[i].ExternalID)] = true
	}
	var errs []error
	bad := func(target error, old, nw, format string, args ...any) {
		errs = append(errs, fmt.Errorf("connector: upstream member %q renamed to %q: %s: %w", old, nw, fmt.Sprintf(format, args...), target))
	}
	out := map[string]string{}
	to := map[string]string{}
	for _, o := range slices.Sorted(maps.Keys(up.RenamedMembers)) {
		old, nw := strings.TrimSpace(o), strings.TrimSpace(up.RenamedMembers[o])
		if _, ok := snap.MemberBy(member.ExternalIDField, old); !ok || old == "" || old == nw {
			continue
		}
		switch {
		case nw == "" || !validExternalID(nw):
			bad(orgkit.ErrInvalid, old, nw, "the new ID is blank or not valid text")
		case to[nw] != "":
			bad(orgkit.ErrInvalid, old, nw, "%q is renamed to it too", to[nw])
		default:
			to[nw] = old
			out[old] = nw
		}
	}
	for _, old := range slices.Sorted(maps.Keys(out)) {
		nw := out[old]
		if listed[old] {
			if _, back := to[old]; !back {
				bad(orgkit.ErrInvalid, old, nw, "the old ID is still listed upstream")
			}
		}
		if l, ok := snap.MemberBy(member.ExternalIDField, nw); ok {
			if _, away := out[nw]; !away {
				bad(orgkit.ErrPrecondition, old, nw, "the new ID is bound to member %s (%s) already", l.ID, l.DisplayName())
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
