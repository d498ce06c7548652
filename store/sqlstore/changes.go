package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/orgkit/orgkit/store"
)

// ErrOutcomeUnknown is matched (errors.Is) by a Commit error when the connection
// failed while the transaction committed: the change set may or may not be in the
// log.
var ErrOutcomeUnknown = errors.New("outcome unknown")

// rawChange is one change read from the database, not yet decoded.
type rawChange struct {
	version       uint64
	kind          store.RecordKind
	before, after []byte
}

// decodeMeta returns a change set with its version and metadata and room for n
// changes.
func decodeMeta(version uint64, n int, meta []byte) (*store.ChangeSet, error) {
	cs := &store.ChangeSet{Version: version, Changes: make([]store.Change, 0, n)}
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
