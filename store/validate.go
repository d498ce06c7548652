package store

import (
	"fmt"
	"reflect"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

// Validate checks the change set a store is asked to commit to directory dir, before
// anything is written: it has an ID and at least one change; every change is of a
// known kind, with an After of that kind's type, not nil, with a non-zero ID (dir's
// own for settings); a Before that is nil, a nil pointer of that type, or a record
// of the same type and ID; and no two changes are about the same record.
//
// Every store calls it first in Commit (memstore and sqlstore do), so that all of
// them refuse the same change sets with the same errors; a store of a host's own
// should too. The error names the change by its index and matches orgkit.ErrInvalid.
func (cs *ChangeSet) Validate(dir orgkit.DirectoryID) error {
	if cs == nil || len(cs.Changes) == 0 {
		return fmt.Errorf("store: empty change set: %w", orgkit.ErrInvalid)
	}
	if cs.ID == uuid.Nil {
		return fmt.Errorf("store: change set has no ID: %w", orgkit.ErrInvalid)
	}
	type recordKey struct {
		kind RecordKind
		id   uuid.UUID
	}
	seen := make(map[recordKey]int, len(cs.Changes))
	for i, c := range cs.Changes {
		after, ok := imageOf(c.Kind, c.After)
		if !ok {
			return fmt.Errorf("store: change %d (%s): after-image is %T, want a non-nil %s: %w",
				i, c.Kind, c.After, typeName(c.Kind), orgkit.ErrInvalid)
		}
		if after == uuid.Nil {
			return fmt.Errorf("store: change %d (%s): record ID is zero: %w", i, c.Kind, orgkit.ErrInvalid)
		}
		if c.Kind == KindSettings && after != dir.UUID() {
			return fmt.Errorf("store: change %d: settings of directory %s committed to directory %s: %w",
				i, after, dir, orgkit.ErrInvalid)
		}
		if c.Before != nil {
			before, ok := imageOf(c.Kind, c.Before)
			switch {
			case !ok && !isTypedNil(c.Kind, c.Before):
				return fmt.Errorf("store: change %d (%s): before-image is %T, want nil or a %s: %w",
					i, c.Kind, c.Before, typeName(c.Kind), orgkit.ErrInvalid)
			case ok && before != after:
				return fmt.Errorf("store: change %d (%s): before-image is record %s, after-image record %s: %w",
					i, c.Kind, before, after, orgkit.ErrInvalid)
			}
		}
		k := recordKey{c.Kind, after}
		if j, dup := seen[k]; dup {
			return fmt.Errorf("store: changes %d and %d are both about %s %s: %w", j, i, c.Kind, after, orgkit.ErrInvalid)
		}
		seen[k] = i
	}
	return nil
}

// imageOf returns the ID of v when v is a non-nil record of the type kind stands for.
func imageOf(kind RecordKind, v any) (uuid.UUID, bool) {
	k, id, ok := Identify(v)
	return id, ok && k == kind
}

// imageTypes are the Go types of each kind's images.
var imageTypes = map[RecordKind]reflect.Type{
	KindSettings:   reflect.TypeFor[*DirectoryRecord](),
	KindNode:       reflect.TypeFor[*orgtree.Node](),
	KindMember:     reflect.TypeFor[*member.Member](),
	KindRole:       reflect.TypeFor[*role.Role](),
	KindRoleGroup:  reflect.TypeFor[*role.Group](),
	KindAssignment: reflect.TypeFor[*role.Assignment](),
}

// isTypedNil reports whether v is a nil pointer of the type kind stands for, which a
// before-image may be (a caller wrote Before: old with old == nil).
func isTypedNil(kind RecordKind, v any) bool {
	rv := reflect.ValueOf(v)
	return rv.IsValid() && rv.Type() == imageTypes[kind] && rv.IsNil()
}

// typeName names the Go type of kind's images, for error messages.
func typeName(kind RecordKind) string {
	if t, ok := imageTypes[kind]; ok {
		return t.String()
	}
	return fmt.Sprintf("record of a known kind (kind %d is unknown)", uint8(kind))
}
