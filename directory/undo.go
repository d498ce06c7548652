package directory

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/seal"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
)

// UndoResult is what Undo returns: the committed result and the records that could
// not be restored.
type UndoResult struct {
	*Result
	// Skipped lists each record of the undone change set that was left as it is, and why.
	Skipped []UndoSkip
}

// UndoSkip is one record Undo left alone.
type UndoSkip struct {
	// Record names the record (as the undone change set left it).
	Record orgkit.Ref
	// Reason is "changed since" when a later change set touched the record, or the
	// violation that restoring it would cause.
	Reason    string
	Violation *orgkit.Violation
}

// Undo restores the before-images of the change set committed as version: every record
// it changed that has not changed since goes back to how it was; records it created
// are deactivated or retired (nothing is deleted). A restoration that would break a
// rule in today's directory (a manager post for a member who has left since, say) is
// skipped and reported; the rest commit as one change set with origin "undo".
func (s *Service) Undo(ctx context.Context, dir orgkit.DirectoryID, version uint64, meta Meta) (*UndoResult, error) {
	s.ready()
	css, err := s.store.Changes(ctx, dir, version-1, 1)
	if err != nil {
		return nil, err
	}
	if version == 0 || len(css) == 0 || css[0].Version != version {
		return nil, fmt.Errorf("directory: %s has no version %d: %w", dir, version, orgkit.ErrNotFound)
	}
	snap, err := s.Snapshot(ctx, dir)
	if err != nil {
		return nil, err
	}
	out := &UndoResult{}
	var cmds []orgkit.Command
	// newest first, so records created under others are retired before them
	for _, c := range backward(css[0].Changes) {
		if cur := current(snap, c); cur == nil || !sameRecord(cur, c.After) {
			out.Skipped = append(out.Skipped, UndoSkip{Record: refOf(c.After), Reason: "changed since"})
			continue
		}
		cmds = append(cmds, restore{c})
	}
	meta.Origin = OriginUndo
	if meta.Reason == "" {
		meta.Reason = fmt.Sprintf("undo version %d", version)
	}
	for round := 0; ; round++ {
		res, err := s.Apply(ctx, dir, meta, cmds...)
		var inv *orgkit.InvalidError
		if err == nil || round > 8 || !asInvalid(err, &inv) {
			out.Result = res
			return out, err
		}
		drop := map[int]*orgkit.Violation{}
		for i := range inv.Violations {
			v := &inv.Violations[i]
			if v.Command < 0 {
				return nil, err
			}
			drop[v.Command] = v
		}
		kept := cmds[:0:0]
		for i, c := range cmds {
			if v, ok := drop[i]; ok {
				ch := c.(restore).change
				out.Skipped = append(out.Skipped, UndoSkip{Record: refOf(ch.After), Reason: v.Message(), Violation: v})
				continue
			}
			kept = append(kept, c)
		}
		cmds = kept
	}
}

// sameRecord reports whether two images of one record hold the same values. Times
// compare as instants, so images that went through a store's encoding still match.
func sameRecord(a, b any) bool {
	switch a := a.(type) {
	case *member.Member:
		b, ok := b.(*member.Member)
		return ok && a.ID == b.ID && len(member.Changed(a, b)) == 0
	case *orgtree.Node:
		b, ok := b.(*orgtree.Node)
		return ok && a.ID == b.ID && a.Kind == b.Kind && len(orgtree.Changed(a, b)) == 0
	case *store.DirectoryRecord:
		b, ok := b.(*store.DirectoryRecord)
		if !ok {
			return false
		}
		x, y := a.Clone(), b.Clone()
		x.CreatedAt, y.CreatedAt = time.Time{}, time.Time{}
		return a.CreatedAt.Equal(b.CreatedAt) && reflect.DeepEqual(x, y)
	}
	return reflect.DeepEqual(a, b)
}

func asInvalid(err error, inv **orgkit.InvalidError) bool {
	e, ok := err.(*orgkit.InvalidError)
	*inv = e
	return ok
}

// current returns the snapshot's image of the record a change is about.
func current(s *Snapshot, c store.Change) any {
	switch a := c.After.(type) {
	case *store.DirectoryRecord:
		d := s.settings
		return &d
	case *orgtree.Node:
		if n, ok := s.tree.Shared().Record(a.ID); ok {
			return n
		}
	case *member.Member:
		if m, ok := s.member(a.ID); ok {
			return m
		}
	case *role.Role:
		if r, _ := find(s.roles, a.ID, roleID); r != nil {
			return r
		}
	case *role.Group:
		if g, _ := find(s.groups, a.ID, groupID); g != nil {
			return g
		}
	case *role.Assignment:
		if a := s.assignment(a.Member); a != nil {
			return a
		}
	}
	return nil
}

// restore puts back a change's before-image (or retires what it created).
type restore struct{ change store.Change }

func (restore) CommandName() string { return "undo.restore" }

func (c restore) Sealed(seal.Token) orgkit.Command { return c }

func (b *batch) restore(c store.Change) {
	switch before := c.Before.(type) {
	case *store.DirectoryRecord:
		b.putSettings(*before)
	case *orgtree.Node:
		b.putNode(before)
	case *member.Member:
		cur, _ := b.member(before.ID)
		b.putMember(before)
		if cur != nil && cur.Status == orgkit.Active && before.Status != orgkit.Active {
			b.leaveActive(before.ID, false)
		}
	case *role.Role:
		b.putRole(before)
	case *role.Group:
		b.putGroup(before)
	case *role.Assignment:
		if cur := b.assignment(before.Member); cur == nil || before.Holds(b.settings.AdminRole) != cur.Holds(b.settings.AdminRole) {
			b.adminTouch = true
		}
		b.putAssignment(before)
	case nil: // the change created the record: retire or deactivate it
		switch a := c.After.(type) {
		case *orgtree.Node:
			e := a.Clone()
			e.Status = orgkit.Retired
			b.putNode(e)
		case *member.Member:
			e := a.Clone()
			e.Status = orgkit.Inactive
			b.putMember(e)
			if a.Status == orgkit.Active {
				b.leaveActive(a.ID, false)
			}
			b.dropRoles(a.ID)
		case *role.Role:
			e := a.Clone()
			e.Status = orgkit.Retired
			b.putRole(e)
		case *role.Group:
			e := a.Clone()
			e.Status = orgkit.Retired
			b.putGroup(e)
		case *role.Assignment:
			if a.Holds(b.settings.AdminRole) {
				b.adminTouch = true
			}
			b.putAssignment(&role.Assignment{Member: a.Member})
		}
	}
}

func backward(cs []store.Change) []store.Change {
	out := make([]store.Change, len(cs))
	for i, c := range cs {
		out[len(cs)-1-i] = c
	}
	return out
}
