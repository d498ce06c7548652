package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

// Erase erases a departed member's personal data on request (GDPR, PIPL): the
// fields (store.PersonalFields when none are given) are redacted in the member's
// record and in every before- and after-image of the directory's history, and the
// erasure itself is recorded as a change set with origin OriginErase that
// says who asked (meta.Actor), why (meta.Reason), when (meta.Time, the service's
// clock when zero) and which fields (Meta.Erased) — never the values.
//
// The structure stays: the member keeps its ID, status, departments and reporting
// line, every version of the history stays, and the system name becomes a stable
// pseudonym (store.Pseudonym). The erased values are released, so another member
// may take the mobile or email. Where the erased values appear in the free text of
// any change set of the directory (its actor or reason, the erasure's own included)
// they are replaced by store.ErasedMark (store.Scrubber finds them, ignoring case,
// and mobiles in their national and punctuated forms too). Undo never brings them back: the history it reads
// no longer holds them. Other services on the same store see the erasure like any
// commit and refresh their snapshots.
//
// The member must be inactive (deactivated or resigned) first: orgkit.ErrPrecondition
// otherwise, and when the store does not implement store.Eraser. A structural field
// (departments, affiliations, reporting manager, status, login block) cannot be
// erased: orgkit.ErrInvalid. An unknown member is orgkit.ErrNotFound. A conflict with
// another writer is retried on fresh state unless meta.IfVersion pins the version.
// Erase returns the snapshot that includes the erasure.
func (s *Service) Erase(ctx context.Context, dir orgkit.DirectoryID, id orgkit.MemberID, m Meta, fields ...member.Field) (*Snapshot, error) {
	s.ready()
	meta := m.store()
	er, ok := s.store.(store.Eraser)
	if !ok {
		return nil, fmt.Errorf("directory: erase: the store (%T) cannot erase personal data (it does not implement store.Eraser): %w", s.store, orgkit.ErrPrecondition)
	}
	personal := store.PersonalFields()
	if len(fields) == 0 {
		fields = personal
	}
	for _, f := range fields {
		if !slices.Contains(personal, f) {
			return nil, fmt.Errorf("directory: erase: field %s of member %s is not a personal field that can be erased: %w", f, id, orgkit.ErrInvalid)
		}
	}
	if meta.Time.IsZero() {
		meta.Time = s.clock()
	}
	e := store.Erasure{ID: store.NewChangeSetID(), Member: id, Fields: slices.Clone(fields), Meta: meta}
	for attempt := 0; ; attempt++ {
		snap, err := s.Snapshot(ctx, dir)
		if err != nil {
			return nil, err
		}
		m, ok := snap.Member(id)
		if !ok {
			return nil, fmt.Errorf("directory: erase: member %s is not in directory %s: %w", id, dir, orgkit.ErrNotFound)
		}
		if m.Status == orgkit.Active {
			return nil, fmt.Errorf("directory: erase: member %s is active; deactivate or resign the member first: %w", id, orgkit.ErrPrecondition)
		}
		base := snap.Version()
		if meta.IfVersion != 0 && meta.IfVersion != base {
			return nil, fmt.Errorf("directory: %s is at version %d, not %d: %w", dir, base, meta.IfVersion, orgkit.ErrConflict)
		}
		_, err = er.Erase(ctx, dir, base, e)
		if errors.Is(err, store.ErrOutcomeUnknown) {
			err = s.resolveErasure(ctx, er, dir, base, e)
		}
		switch {
		case err == nil:
			s.log.Info("orgkit: erased a member's personal data", "directory", dir, "member", id, "fields", len(fields))
			return s.Snapshot(ctx, dir)
		case !errors.Is(err, orgkit.ErrConflict) || meta.IfVersion != 0 || attempt >= s.retries:
			return nil, err
		}
		e.ID = store.NewChangeSetID() // a new attempt on a new base is a new change set
	}
}

// resolveErasure finds out whether an erasure whose outcome was unknown landed as
// version base+1: nil when it did, an error matching orgkit.ErrConflict when another
// change set took that version, and else it retries the same erasure (same ID) at
// base, which only one commit can win.
func (s *Service) resolveErasure(ctx context.Context, er store.Eraser, dir orgkit.DirectoryID, base uint64, e store.Erasure) error {
	for attempt := 0; ; attempt++ {
		page, err := er.Changes(ctx, dir, base, 1)
		if err != nil {
			return err
		}
		if len(page) == 1 {
			if page[0].ID == e.ID {
				return nil
			}
			return fmt.Errorf("directory: erase: version %d of %s is another change set: %w", base+1, dir, orgkit.ErrConflict)
		}
		if attempt >= s.retries {
			return fmt.Errorf("directory: erase: the outcome of erasure %s stays unknown: %w", e.ID, store.ErrOutcomeUnknown)
		}
		_, err = er.Erase(ctx, dir, base, e)
		if err == nil || !errors.Is(err, store.ErrOutcomeUnknown) && !errors.Is(err, orgkit.ErrConflict) {
			return err
		}
	}
}
