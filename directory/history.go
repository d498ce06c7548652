package directory

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/store"
)

// HistoryQuery selects change sets of a directory's history. Every field left at its
// zero value selects everything; the fields set must all match.
type HistoryQuery struct {
	// After selects the versions after this one.
	After uint64
	// Member selects the change sets that changed this member's record or role
	// assignment.
	Member orgkit.MemberID
	// Node selects the change sets that changed this node.
	Node orgkit.NodeID
	// Actor selects the change sets whose Meta.Actor is exactly this.
	Actor string
	// Since and Until select the change sets whose Meta.Time is at or after Since and
	// before Until.
	Since, Until time.Time
}

// matches reports whether cs is selected by q (After aside).
func (q *HistoryQuery) matches(cs *store.ChangeSet) bool {
	if q.Actor != "" && cs.Meta.Actor != q.Actor {
		return false
	}
	if !q.Since.IsZero() && cs.Meta.Time.Before(q.Since) {
		return false
	}
	if !q.Until.IsZero() && !cs.Meta.Time.Before(q.Until) {
		return false
	}
	if !q.Member.IsZero() && !touches(cs, store.KindMember, q.Member.UUID()) {
		return false
	}
	return q.Node.IsZero() || touches(cs, store.KindNode, q.Node.UUID())
}

// touches reports whether cs changed the record of kind (a member's assignment
// counting as the member) with the given ID.
func touches(cs *store.ChangeSet, kind store.RecordKind, id uuid.UUID) bool {
	for _, c := range cs.Changes {
		k := c.Kind
		if k == store.KindAssignment {
			k = store.KindMember
		}
		if k == kind && c.ID() == id {
			return true
		}
	}
	return false
}

// History iterates over the change sets of the directory that q selects, oldest
// first. It reads the log from the store page by page as the caller iterates, so
// stopping early reads no further, and a long history is never held at once; the
// store offers no index on members, actors or times, so a narrow query still reads
// every change set after q.After. Each change set yielded is the caller's own copy.
// An error (an unknown directory, a store failure, a log that is not contiguous) is
// yielded once, with a nil change set, and ends the iteration.
func (s *Service) History(ctx context.Context, dir orgkit.DirectoryID, q HistoryQuery) iter.Seq2[*ChangeSet, error] {
	s.ready()
	return func(yield func(*ChangeSet, error) bool) {
		after := q.After
		for {
			page, err := s.store.Changes(ctx, dir, after, changesPage)
			if err == nil {
				err = checkPage(dir, after, changesPage, page)
				if err != nil {
					err = fmt.Errorf("%w: %w", err, store.ErrContract)
				}
			}
			if err != nil {
				yield(nil, err)
				return
			}
			for _, cs := range page {
				if q.matches(cs) && !yield(viewOf(cs), nil) {
					return
				}
			}
			if len(page) < changesPage {
				return
			}
			after = page[len(page)-1].Version
		}
	}
}
