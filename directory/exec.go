package directory

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/handoff"
	"github.com/orgkit/orgkit/internal/seal"
	"github.com/orgkit/orgkit/internal/textnorm"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
)

// batch runs one batch of commands against a working copy and collects violations.
type batch struct {
	*working
	rules      member.Rules
	origin     store.Origin
	violations []orgkit.Violation
	adminTouch bool            // an org admin's status or the admin role's holders changed
	normalized []normalized    // member.Create commands normalized ahead (normalizeCreates)
	ctx        context.Context // looked at every cancelPoll commands; nil: never
	ctxErr     error           // ctx's error, once the batch gave up on it

	// refused holds the IDs of the records whose create command this batch refused;
	// cascades are the indexes in violations of what those refusals caused (a
	// reference to the record not found): dropped once the batch has run, so one
	// mistake is reported once.
	refused  map[uuid.UUID]bool
	cascades []int
}

// refuse notes that the batch refused to create the record with the ID.
func (b *batch) refuse(id uuid.UUID) {
	if id == uuid.Nil {
		return
	}
	if b.refused == nil {
		b.refused = map[uuid.UUID]bool{}
	}
	b.refused[id] = true
}

// cascade marks the violation just reported, about a reference to id, as a
// consequence of a create refused earlier in the batch when it is one: it still
// stops its command, but is not reported, since the refused create is.
func (b *batch) cascade(id uuid.UUID) {
	if b.refused[id] {
		b.cascades = append(b.cascades, len(b.violations)-1)
	}
}

// dropCascades removes the violations cascade marked.
func (b *batch) dropCascades() {
	if len(b.cascades) == 0 {
		return
	}
	drop := make(map[int]bool, len(b.cascades))
	for _, i := range b.cascades {
		drop[i] = true
	}
	kept := b.violations[:0]
	for i, v := range b.violations {
		if !drop[i] {
			kept = append(kept, v)
		}
	}
	b.violations, b.cascades = kept, nil
}

// normalized is the member of a member.Create command, normalized, and the violations
// normalizing it found; m is nil for the other commands.
type normalized struct {
	m  *member.Member
	vs []orgkit.Violation
}

// fail reports a violation of the command being run: the rule, the record and field
// concerned, the offending value and the other records involved.
func (b *batch) fail(code string, record orgkit.Ref, field orgkit.FieldName, value string, related ...orgkit.Ref) {
	b.add(orgkit.Violation{Code: code, Record: record, Field: field, Value: value, Related: related})
}

// add reports v as a violation of the command being run.
func (b *batch) add(v orgkit.Violation) {
	v.Command = b.cmd
	b.violations = append(b.violations, v)
}

// failAt reports a violation found on the final state, blamed on the command that
// last touched the record.
func (b *batch) failAt(k changeKey, code string, record orgkit.Ref, field orgkit.FieldName, value string, related ...orgkit.Ref) {
	b.reportAt(k, orgkit.Violation{Code: code, Record: record, Field: field, Value: value, Related: related})
}

// reportAt reports v, found on the final state, blamed on the command that last
// touched the record k.
func (b *batch) reportAt(k changeKey, v orgkit.Violation) {
	v.Command = -1
	if t, ok := b.changed[k]; ok {
		v.Command = int(t.cmd)
	}
	b.violations = append(b.violations, v)
}

func (b *batch) failed(since int) bool { return len(b.violations) > since }

func nodeRecord(n *orgtree.Node) orgkit.Ref {
	if n == nil {
		return orgkit.Ref{Kind: orgkit.KindNode}
	}
	return n.Ref()
}

func nodeIDRecord(id orgkit.NodeID) orgkit.Ref { return orgkit.RefTo(id, "") }

func memberRecord(m *member.Member) orgkit.Ref { return m.Ref() }

func memberIDRecord(id orgkit.MemberID) orgkit.Ref { return orgkit.RefTo(id, "") }

func roleRecord(r *role.Role) orgkit.Ref { return r.Ref() }

// nodeRef names the node with the ID (following merges), or the ID alone when the
// batch does not know it.
func (b *batch) nodeRef(id orgkit.NodeID) orgkit.Ref {
	if n, ok := b.node(id); ok {
		return n.Ref()
	}
	return orgkit.RefTo(id, "")
}

// memberRef names the member with the ID, or the ID alone when the batch does not
// know it.
func (b *batch) memberRef(id orgkit.MemberID) orgkit.Ref {
	if m, ok := b.member(id); ok {
		return m.Ref()
	}
	return orgkit.RefTo(id, "")
}

// roleRef names the role with the ID, or the ID alone when the batch does not know it.
func (b *batch) roleRef(id orgkit.RoleID) orgkit.Ref {
	if r, i := b.role(id); i >= 0 {
		return r.Ref()
	}
	return orgkit.RefTo(id, "")
}

// directoryRecord names the directory being changed.
func (b *batch) directoryRecord() orgkit.Ref {
	return orgkit.Ref{Kind: orgkit.KindDirectory, ID: b.settings.ID.UUID(), Name: b.settings.Name.Default}
}

// cancelPoll is how many commands a batch runs between looks at its context.
const cancelPoll = 1024

// run executes the commands in order. It stops early, with ctxErr set, once the
// batch's context is done.
func (b *batch) run(cmds []orgkit.Command) {
	for i, c := range cmds {
		if i%cancelPoll == cancelPoll-1 && b.done() {
			b.cmd = -1
			return
		}
		b.cmd = i
		b.exec(c)
	}
	b.cmd = -1
	if len(cmds) >= cancelPoll && b.done() {
		return
	}
	b.finish()
	b.dropCascades()
}

// done reports whether the batch's context is done, noting its error.
func (b *batch) done() bool {
	if b.ctx != nil && b.ctxErr == nil {
		b.ctxErr = b.ctx.Err()
	}
	return b.ctxErr != nil
}

func (b *batch) exec(c orgkit.Command) {
	switch c := c.(type) {
	case orgtree.Create:
		b.createNode(c)
	case orgtree.Rename:
		b.renameNode(c)
	case orgtree.SetCode:
		b.editNode(c.Node, func(n *orgtree.Node) { n.Code = strings.TrimSpace(c.Code) }, func(n *orgtree.Node) bool {
			return b.checkCode(n, c.Code)
		})
	case orgtree.SetOrder:
		b.editNode(c.Node, func(n *orgtree.Node) { n.Order = c.Order }, nil)
	case orgtree.SetExternalID:
		b.editNode(c.Node, func(n *orgtree.Node) { n.ExternalID = strings.TrimSpace(c.ExternalID) }, func(n *orgtree.Node) bool {
			return b.checkText(nodeRecord(n), "external_id", strings.TrimSpace(c.ExternalID))
		})
	case orgtree.SetManager:
		b.editNode(c.Node, func(n *orgtree.Node) { n.Manager = c.Member }, nil)
	case orgtree.SetAssistants:
		b.editNode(c.Node, func(n *orgtree.Node) { n.Assistants = clean(c.Members) }, func(n *orgtree.Node) bool {
			return b.checkReplacing(n, orgkit.CodeNodeAssistantsChanged, "assistants", n.Assistants, c.Members, c.Replacing)
		})
	case orgtree.AddAssistants:
		b.editNode(c.Node, func(n *orgtree.Node) { n.Assistants = added(n.Assistants, c.Members) }, nil)
	case orgtree.RemoveAssistants:
		b.editNode(c.Node, func(n *orgtree.Node) { n.Assistants = removed(n.Assistants, c.Members) }, nil)
	case orgtree.SetObservers:
		b.editNode(c.Node, func(n *orgtree.Node) { n.Observers = clean(c.Members) }, func(n *orgtree.Node) bool {
			return b.checkObservers(n, c.Members) &&
				b.checkReplacing(n, orgkit.CodeNodeObserversChanged, "observers", n.Observers, c.Members, c.Replacing)
		})
	case orgtree.AddObservers:
		b.editNode(c.Node, func(n *orgtree.Node) { n.Observers = added(n.Observers, c.Members) }, func(n *orgtree.Node) bool {
			return b.checkObservers(n, c.Members)
		})
	case orgtree.RemoveObservers:
		b.editNode(c.Node, func(n *orgtree.Node) { n.Observers = removed(n.Observers, c.Members) }, nil)
	case orgtree.SetGroup:
		b.editNode(c.Node, func(n *orgtree.Node) { n.Group = c.Group }, nil)
	case orgtree.SetIsolation:
		b.editNode(c.Node, func(n *orgtree.Node) { n.Isolation = b.cleanIsolation(c.Isolation) }, func(n *orgtree.Node) bool {
			return b.checkIsolation(n, c.Isolation) && b.checkIsolationReplacing(n, c.Isolation, c.Replacing)
		})
	case orgtree.AddToWhitelist:
		b.editWhitelist(c.Node, c.List, c.Members, c.Nodes, true)
	case orgtree.RemoveFromWhitelist:
		b.editWhitelist(c.Node, c.List, c.Members, c.Nodes, false)
	case orgtree.Move:
		b.moveNode(c)
	case orgtree.Deactivate:
		b.deactivateNode(c)
	case orgtree.Reactivate:
		b.reactivateNode(c)
	case orgtree.Merge:
		b.mergeNodes(c)
	case member.Create:
		b.createMember(c)
	case handoff.MemberCreate:
		b.createOwned(c)
	case member.Update:
		b.updateMember(c)
	case member.Deactivate:
		b.deactivateMembers(c, false)
	case member.Resign:
		b.deactivateMembers(member.Deactivate(c), true)
	case member.Activate:
		b.activateMembers(c)
	case member.SetLoginBlocked:
		b.setLoginBlocked(c)
	case member.SetReportingManager:
		b.setReportingManager(c)
	case member.SetDepartments:
		b.setDepartments(c)
	case join:
		b.join(c)
	case role.Create:
		b.createRole(c)
	case role.Update:
		b.updateRole(c)
	case role.AddPermissions:
		b.editPermissions(c.ID, c.Permissions, true)
	case role.RemovePermissions:
		b.editPermissions(c.ID, c.Permissions, false)
	case role.Retire:
		b.retireRole(c)
	case role.CreateGroup:
		b.createGroup(c)
	case role.RenameGroup:
		b.renameGroup(c)
	case role.RetireGroup:
		b.retireGroup(c)
	case role.Assign:
		b.assign(c)
	case role.Unassign:
		b.unassign(c)
	case role.SetPrimary:
		b.setPrimary(c)
	case Rename:
		if !b.checkNames(b.directoryRecord(), c.Name) {
			return
		}
		d := b.settings
		d.Name = cleanNames(c.Name)
		b.putSettings(d)
	case Bind:
		if !c.Platform.Valid() {
			b.fail(orgkit.CodeFieldInvalid, b.directoryRecord(), "platform", textnorm.Visible(string(c.Platform), false))
			return
		}
		if !b.checkText(b.directoryRecord(), "upstream_id", c.UpstreamID) {
			return
		}
		d := b.settings
		d.Platform, d.UpstreamID = c.Platform, c.UpstreamID
		d.SyncedMemberFields, d.SyncedNodeFields = clean(c.MemberFields), clean(c.NodeFields)
		if !c.Platform.Synced() {
			d.Platform, d.UpstreamID, d.SyncedMemberFields, d.SyncedNodeFields = orgkit.Generic, "", nil, nil
		}
		b.putSettings(d)
	case SetCardLayout:
		b.setCardLayout(c.Layout)
	case SetLeader:
		d := b.settings
		d.Leader = c.Member
		b.putSettings(d)
	case SetSelfJoin:
		d := b.settings
		d.DisallowSelfJoin = !c.Allowed
		b.putSettings(d)
	case SetMultiOrg:
		d := b.settings
		d.MultiOrg = c.On
		b.putSettings(d)
	case restore:
		b.restore(c.change)
	case genesis:
		b.genesis(c.rec)
	default:
		// nil, a pointer to a command, or a type embedding one: run the command it
		// stands for. Every other Command is a case above (see orgkit.Command).
		own, ok := sealed(c)
		switch {
		case !ok:
			b.fail(orgkit.CodeCommandNil, orgkit.Ref{Kind: orgkit.KindCommand}, "", "")
		case reflect.TypeOf(own) == reflect.TypeOf(c):
			panic(fmt.Sprintf("directory: command %T has no case in batch.exec", c)) // TestEveryCommandRuns
		default:
			b.exec(own)
		}
	}
}

// sealed returns the command c stands for as a value of its own type; ok is false
// when c is nil or a nil pointer to a command.
func sealed(c orgkit.Command) (own orgkit.Command, ok bool) {
	if c == nil {
		return nil, false
	}
	defer func() {
		if recover() != nil { // a nil pointer: the command's value method cannot run
			own, ok = nil, false
		}
	}()
	return c.Sealed(seal.Token{}), true
}

// clean drops zero IDs and duplicates, keeping the first occurrence.
func clean[T comparable](ids []T) []T {
	var zero T
	out := make([]T, 0, len(ids))
	seen := make(map[T]bool, len(ids))
	for _, id := range ids {
		if id == zero || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// cleanNames trims every form and writes language tags canonically.
func cleanNames(n orgkit.Names) orgkit.Names {
	out := orgkit.Names{Default: textnorm.Collapse(n.Default)}
	for tag, s := range n.ByLang {
		s = textnorm.Collapse(s)
		if s == "" {
			continue
		}
		if t, err := language.Parse(tag); err == nil {
			tag = t.String()
		}
		if out.ByLang == nil {
			out.ByLang = map[string]string{}
		}
		out.ByLang[tag] = s
	}
	return out
}

// checkNames reports a missing default name and the other faults nameViolations finds.
func (b *batch) checkNames(record orgkit.Ref, n orgkit.Names) bool {
	vs := nameViolations(record, n, b.cmd)
	b.violations = append(b.violations, vs...)
	return len(vs) == 0
}

// maxName is the longest name (of a node, the directory, a role or a role group) in
// characters.
const maxName = 128

// nameViolations reports a missing default name, forms over 128 characters or
// holding a forbidden character (textnorm.Forbidden, after trimming and collapsing
// white space), and invalid language tags, for the command at index cmd.
func nameViolations(record orgkit.Ref, n orgkit.Names, cmd int) []orgkit.Violation {
	var vs []orgkit.Violation
	fail := func(code, value, detail string) {
		vs = append(vs, orgkit.Violation{Code: code, Command: cmd, Record: record, Field: "name", Value: value, Detail: detail})
	}
	def := textnorm.Collapse(n.Default)
	if def == "" {
		fail(orgkit.CodeNodeNameRequired, "", "")
	}
	if len([]rune(n.Default)) > maxName {
		fail(orgkit.CodeFieldTooLong, n.Default, strconv.Itoa(maxName))
	}
	if r, bad := textnorm.Forbidden(def, false); bad {
		fail(orgkit.CodeTextForbidden, textnorm.Visible(def, false), textnorm.CodePoint(r))
	}
	for _, tag := range n.Tags() { // sorted: violations in a stable order
		if _, err := language.Parse(tag); err != nil {
			fail(orgkit.CodeNodeNameLanguage, textnorm.Visible(tag, false), "")
		}
		if r, bad := textnorm.Forbidden(textnorm.Collapse(n.ByLang[tag]), false); bad {
			fail(orgkit.CodeTextForbidden, textnorm.Visible(textnorm.Collapse(n.ByLang[tag]), false), textnorm.CodePoint(r))
		}
	}
	return vs
}

// checkText reports a code, key, external ID or other one-line text that holds a
// forbidden character (textnorm.Forbidden).
func (b *batch) checkText(record orgkit.Ref, field orgkit.FieldName, s string) bool {
	if v, bad := textViolation(record, field, s, b.cmd); bad {
		b.violations = append(b.violations, v)
		return false
	}
	return true
}

// textViolation is the violation of a one-line text holding a forbidden character.
func textViolation(record orgkit.Ref, field orgkit.FieldName, s string, cmd int) (orgkit.Violation, bool) {
	r, bad := textnorm.Forbidden(s, false)
	if !bad {
		return orgkit.Violation{}, false
	}
	return orgkit.Violation{Code: orgkit.CodeTextForbidden, Command: cmd, Record: record, Field: field, Value: textnorm.Visible(s, false),
		Detail: textnorm.CodePoint(r)}, true
}
