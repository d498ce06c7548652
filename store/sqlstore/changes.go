package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/store"
)

// rawChange is one change read from the database, not yet decoded.
type rawChange struct {
	version       uint64
	kind          store.RecordKind
	before, after []byte
}

// decodeMeta returns a change set with its ID, version and metadata and room for n
// changes.
func decodeMeta(id uuid.UUID, version uint64, n int, meta []byte) (*store.ChangeSet, error) {
	cs := &store.ChangeSet{ID: id, Version: version, Changes: make([]store.Change, 0, n)}
	if err := json.Unmarshal(meta, &cs.Meta); err != nil {
		return nil, fmt.Errorf("decode change set %d: %w", version, err)
	}
	return cs, nil
}

// fillChanges decodes the raw changes, ordered by version and sequence, into the
// change sets sets (versions after+1, after+2, …).
func fillChanges(ctx context.Context, sets []*store.ChangeSet, after uint64, raw []rawChange) error {
	changes := make([]store.Change, len(raw))
	err := parallel(ctx, len(raw), func(i int) error {
		r := raw[i]
		c := store.Change{Kind: r.kind}
		var err error
		if c.After, err = decodeImage(r.kind, r.after); err != nil {
			return fmt.Errorf("change set %d: %w", r.version, err)
		}
		if r.before != nil {
			if c.Before, err = decodeImage(r.kind, r.before); err != nil {
				return fmt.Errorf("change set %d: %w", r.version, err)
			}
		}
		changes[i] = c
		return nil
	})
	if err != nil {
		return err
	}
	for i, r := range raw {
		j := int(r.version - after - 1)
		if j < 0 || j >= len(sets) || sets[j].Version != r.version {
			return fmt.Errorf("change of version %d has no change set", r.version)
		}
		sets[j].Changes = append(sets[j].Changes, changes[i])
	}
	for _, cs := range sets {
		if len(cs.Changes) != cap(cs.Changes) {
			return fmt.Errorf("change set %d holds %d changes, %d expected", cs.Version, len(cs.Changes), cap(cs.Changes))
		}
	}
	return nil
}

// checkLimit refuses a Changes page size below 1.
func checkLimit(limit int) error {
	if limit < 1 {
		return fmt.Errorf("changes limit %d: want at least 1: %w", limit, orgkit.ErrInvalid)
	}
	return nil
}

// pageEnd returns the last version of the page of at most limit change sets after
// version after, when the head is head.
func pageEnd(after uint64, limit int, head uint64) uint64 {
	return min(head, after+uint64(limit))
}
