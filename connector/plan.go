package connector

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
)

// ItemKind says what one item of a plan does.
type ItemKind string

// The kinds of plan items, in the order a plan applies them.
const (
	BindDirectory    ItemKind = "directory.bind"    // bind the directory to the upstream
	NodeCreate       ItemKind = "node.create"       // a department new upstream
	NodeBind         ItemKind = "node.bind"         // a local department matched by its path of names
	NodeMove         ItemKind = "node.move"         // a department moved upstream
	NodeReactivate   ItemKind = "node.reactivate"   // a department back upstream
	NodeRename       ItemKind = "node.rename"       // a department renamed upstream (or making room for one)
	NodeReorder      ItemKind = "node.order"        // a department's sibling order changed upstream
	MemberCreate     ItemKind = "member.create"     // a member new upstream
	MemberBind       ItemKind = "member.bind"       // a local member matched by a key
	MemberActivate   ItemKind = "member.activate"   // a member back upstream (re-hired, re-enabled)
	MemberUpdate     ItemKind = "member.update"     // member fields changed upstream
	MemberMove       ItemKind = "member.move"       // a member's departments changed
	MemberManager    ItemKind = "member.manager"    // a member's reporting manager changed
	NodeManager      ItemKind = "node.manager"      // a department's first leader changed
	NodeAssistants   ItemKind = "node.assistants"   // a department's other leaders changed
	MemberDeactivate ItemKind = "member.deactivate" // a member disabled or gone upstream
	MemberResign     ItemKind = "member.resign"     // a member resigned upstream
	NodeDeactivate   ItemKind = "node.deactivate"   // a department gone upstream
)

// ItemKinds lists every kind in the order a plan applies them.
var ItemKinds = []ItemKind{BindDirectory, NodeCreate, NodeBind, NodeMove, NodeReactivate, NodeRename, NodeReorder,
	MemberCreate, MemberBind, MemberActivate, MemberUpdate, MemberMove, MemberManager, NodeManager, NodeAssistants,
	MemberDeactivate, MemberResign, NodeDeactivate}

// Item is one step of a plan: one command for the directory's write path and why.
type Item struct {
	// Kind says what the item does.
	Kind ItemKind
	// ExternalID is the upstream ID of the department or member concerned ("" for
	// the directory itself and for local records).
	ExternalID string
	// Node or Member is the local record concerned.
	Node   orgkit.NodeID
	Member orgkit.MemberID
	// Name is the record's display name.
	Name string
	// Fields are the member fields an update changes.
	Fields []member.Field
	// Reason says why, in English.
	Reason string
	// Command is what the directory service runs.
	Command orgkit.Command
}

// String renders the item on one line: kind, name, external ID and reason.
func (it Item) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-17s %s", it.Kind, it.Name)
	if it.ExternalID != "" {
		fmt.Fprintf(&b, " [%s]", it.ExternalID)
	}
	if it.Reason != "" {
		b.WriteString(": ")
		b.WriteString(it.Reason)
	}
	return b.String()
}

// Warning codes: upstream data the planner repaired (see the package documentation
// for each rule).
const (
	WarnDepartmentInvalid  = "sync.department.invalid"         // no, bad or duplicate external ID, or the root listed: skipped
	WarnDepartmentParent   = "sync.department.parent_missing"  // parent not upstream: placed under the root
	WarnDepartmentCycle    = "sync.department.cycle"           // parent cycle: broken under the root
	WarnDepartmentName     = "sync.department.name"            // blank, too long, bad language or forbidden character: repaired
	WarnNameCollision      = "sync.department.name_collision"  // sibling names collide: suffixed
	WarnDepartmentKept     = "sync.department.kept"            // gone upstream but still holding local sub-departments
	WarnDepartmentPartial  = "sync.department.partial"         // could not be read completely: its contents kept
	WarnLeaderDropped      = "sync.department.leader_dropped"  // leader not an active upstream member
	WarnMemberInvalid      = "sync.member.invalid"             // no, bad or duplicate external ID: skipped
	WarnMemberRename       = "sync.member.rename_unknown"      // a renamed upstream ID no member has: ignored
	WarnMemberValue        = "sync.member.value_dropped"       // a value the rules refuse: local value kept
	WarnMemberDuplicate    = "sync.member.duplicate_value"     // a unique value another member holds: dropped
	WarnMemberDepartment   = "sync.member.department_missing"  // a department not upstream: dropped
	WarnMemberAffiliation  = "sync.member.affiliation_dropped" // an affiliation to an inactive department: dropped
	WarnManagerDropped     = "sync.member.manager_dropped"     // reporting manager not an active upstream member
	WarnManagerCycle       = "sync.member.manager_cycle"       // reporting cycle: broken
	WarnMemberLoginMethod  = "sync.member.login_method"        // login method without its contact: switched
	WarnDirectoryFieldsNew = "sync.directory.fields_changed"   // the source declares other fields than the binding
)

// Warning is one repair the planner made to upstream data.
type Warning struct {
	Code       string // one of the Warn… codes
	ExternalID string // the upstream department or member concerned
	Message    string // what was wrong and what the planner did, in English
}

// String renders the warning on one line.
func (w Warning) String() string {
	if w.ExternalID == "" {
		return w.Code + ": " + w.Message
	}
	return w.Code + " [" + w.ExternalID + "]: " + w.Message
}

// SyncPlan is what a sync would do: items in the order the directory's write path accepts
// them (parents before children, members created before they hold posts,
// deactivations last), warnings about repaired upstream data, and the figures the
// safety rule looked at.
type SyncPlan struct {
	// Items in the order they apply; Commands gives their commands as one batch.
	Items []Item
	// Warnings are the repairs made to upstream data.
	Warnings []Warning
	// Deactivations is the number of active members the plan takes out of active
	// status; ActiveMembers the number of active members before it.
	Deactivations int
	ActiveMembers int
	// DepartmentDeactivations is the number of active departments (and
	// organizations) the plan deactivates; ActiveDepartments the number of active
	// ones, the company root aside, before it.
	DepartmentDeactivations int
	ActiveDepartments       int
	// Unassigned is the number of active members who are in some department before
	// the plan and, still active, in none after it.
	Unassigned int
	// UpstreamDepartments and UpstreamMembers count what the snapshot held.
	UpstreamDepartments int
	UpstreamMembers     int
}

// Empty reports whether the plan changes nothing.
func (p *SyncPlan) Empty() bool { return len(p.Items) == 0 }

// Commands returns the items' commands in order: one batch for directory.Service.Apply.
func (p *SyncPlan) Commands() []orgkit.Command {
	out := make([]orgkit.Command, len(p.Items))
	for i, it := range p.Items {
		out[i] = it.Command
	}
	return out
}

// Counts returns the number of items of each kind.
func (p *SyncPlan) Counts() map[ItemKind]int {
	out := map[ItemKind]int{}
	for _, it := range p.Items {
		out[it.Kind]++
	}
	return out
}

// String renders the plan: one line per item, then the warnings.
func (p *SyncPlan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plan: %d item(s), %d warning(s)\n", len(p.Items), len(p.Warnings))
	for _, it := range p.Items {
		b.WriteString("  ")
		b.WriteString(it.String())
		b.WriteByte('\n')
	}
	for _, w := range p.Warnings {
		b.WriteString("  warning ")
		b.WriteString(w.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// countsString renders counts in ItemKinds order ("node.create 3, member.create 10").
func countsString(c map[ItemKind]int) string {
	var parts []string
	for _, k := range ItemKinds {
		if n := c[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c)) {
		if !slices.Contains(ItemKinds, k) && c[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, c[k]))
		}
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}
