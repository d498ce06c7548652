package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
)

// OriginErase marks the change set that records an erasure (see Eraser).
const OriginErase Origin = "erase"

// Eraser is a Store that can erase a member's personal data: the one change to the
// past that personal-data laws (GDPR, PIPL) require, since nothing else is ever
// deleted from the log. Users find it by type assertion; directory.Service.Erase is
// how hosts call it.
//
// The contract:
//   - Erase(dir, base, e) succeeds only if the head equals base (else
//     orgkit.ErrConflict and the current head, changing nothing), and fails with ErrDuplicateID
//     (checked first) when the log already holds a change set with ID e.ID, with
//     orgkit.ErrNotFound for an unknown directory or member, and with
//     orgkit.ErrInvalid for a zero e.ID or e.Member or an empty or unknown field.
//   - In one atomic step it replaces the member's current record, and every before-
//     and after-image of the member anywhere in the log, by Redact(image, e.Fields),
//     and appends version base+1: the change set with ID e.ID and Meta e.Meta, with
//     Origin OriginErase and Erased e.Fields, holding one member change whose Before
//     and After are both the redacted record. No other record, version or change set
//     changes: IDs, versions and the member's department history stay.
//   - In the same step it scrubs the free text of every change set of the directory,
//     the erasure's own included: Meta.Actor and Meta.Reason become what
//     NewScrubber(e.Fields, images...).ScrubMeta makes of them, where images are the
//     member's current record and every image of it in the log before redaction, so
//     that "fix mobile 13900000001 of 张伟" becomes "fix mobile [erased] of [erased]".
//   - Afterwards nothing the store returns (Load, Changes, Directories) holds an
//     erased value, and the store keeps none where it could return it. Erasing again
//     is harmless.
//   - Notifier subscribers hear of version base+1 like of any commit, so that other
//     instances refresh their cached snapshots.
type Eraser interface {
	Store
	// Erase redacts e.Fields of e.Member in the current record and in the whole log,
	// and records the erasure as version base+1.
	Erase(ctx context.Context, dir orgkit.DirectoryID, base uint64, e Erasure) (head uint64, err error)
}

// Erasure is one request to erase a member's personal fields.
type Erasure struct {
	// ID identifies the change set that records the erasure, as ChangeSet.ID.
	ID uuid.UUID
	// Member is whose fields are erased.
	Member orgkit.MemberID
	// Fields are the fields erased (PersonalFields for everything personal).
	Fields []member.Field
	// Meta says who asked, why and when; the store sets Origin and Erased.
	Meta Meta
}

// PersonalFields returns the member fields that hold personal data: every field but
// the structural ones (departments, affiliations, reporting manager, status, the
// login block and the deprovisioned mark), which stay so that the directory's history keeps its shape.
func PersonalFields() []member.Field {
	keep := []member.Field{member.PrimaryDepartmentField, member.SecondaryDepartmentsField, member.AffiliatedDepartmentField,
		member.AffiliatedOrganizationField, member.ReportingManagerField, member.StatusField, member.LoginBlockedField,
		member.DeprovisionedField}
	var out []member.Field
	for _, f := range member.Fields() {
		if !slices.Contains(keep, f) {
			out = append(out, f)
		}
	}
	return out
}

// Pseudonym returns the system name an erased member keeps: stable (the same for
// every image and every erasure of the member) and unique in the directory.
func Pseudonym(id orgkit.MemberID) orgkit.Names {
	return orgkit.Name("erased-" + id.String())
}

// Redact returns a copy of m with fields erased: each set to its zero value, except
// the system name, which is required and unique and becomes Pseudonym(m.ID). A nil
// m gives nil.
func Redact(m *member.Member, fields []member.Field) *member.Member {
	if m == nil {
		return nil
	}
	c := m.Clone()
	var zero member.Member
	for _, f := range fields {
		f.Copy(c, &zero)
		if f == member.SystemNameField {
			c.SystemName = Pseudonym(m.ID)
		}
	}
	return c
}

// ErasureChangeSet returns the change set that records e, version-less: its ID and
// Meta (Origin OriginErase, Erased e.Fields) and one member change from redacted to
// redacted. Stores call it so that every store records erasures alike.
//
// Its actor and reason are e.Meta's as given: a store scrubs e.Meta before.
func ErasureChangeSet(e Erasure, redacted *member.Member) *ChangeSet {
	meta := e.Meta
	meta.Origin = OriginErase
	meta.Erased = slices.Clone(e.Fields)
	return &ChangeSet{ID: e.ID, Meta: meta, Changes: []Change{{Kind: KindMember, Before: redacted.Clone(), After: redacted.Clone()}}}
}

// Validate returns an error matching orgkit.ErrInvalid when e lacks an ID or a member,
// or names no field or an unknown one.
func (e Erasure) Validate() error {
	switch {
	case e.ID == uuid.Nil:
		return fmt.Errorf("store: erasure has no change-set ID: %w", orgkit.ErrInvalid)
	case e.Member.IsZero():
		return fmt.Errorf("store: erasure names no member: %w", orgkit.ErrInvalid)
	case len(e.Fields) == 0:
		return fmt.Errorf("store: erasure of member %s names no field: %w", e.Member, orgkit.ErrInvalid)
	}
	for _, f := range e.Fields {
		if !f.Valid() {
			return fmt.Errorf("store: erasure of member %s: unknown field %d: %w", e.Member, uint8(f), orgkit.ErrInvalid)
		}
	}
	return nil
}
