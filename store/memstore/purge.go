package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/store"
)

var _ store.Purger = (*Store)(nil)

// PurgeRecord is memstore's record of a purged directory.
type PurgeRecord struct {
	Directory orgkit.DirectoryID
	Key       string
	Head      uint64
	Purge     store.Purge
}

// Purge removes the directory and everything in it (see store.Purger): the default
// directory only with p.Force (else orgkit.ErrPrecondition); an unknown directory is
// orgkit.ErrNotFound. Purges lists what was purged.
func (s *Store) Purge(ctx context.Context, dir orgkit.DirectoryID, p store.Purge) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.dirs[dir]
	if !ok {
		return fmt.Errorf("memstore: purge: directory %s: %w", dir, orgkit.ErrNotFound)
	}
	if s.def == dir && !p.Force {
		return fmt.Errorf("memstore: purge: directory %s is the default directory; purging it needs Force: %w", dir, orgkit.ErrPrecondition)
	}
	if p.Time.IsZero() {
		p.Time = time.Now().UTC()
	}
	d.mu.Lock()
	rec := PurgeRecord{Directory: dir, Key: d.settings.Key, Head: uint64(len(d.log)), Purge: p}
	d.mu.Unlock()
	delete(s.dirs, dir)
	delete(s.keys, rec.Key)
	if s.def == dir {
		s.def = orgkit.DirectoryID{}
	}
	s.purges = append(s.purges, rec)
	return nil
}

// Purges returns the record of every purge, oldest first.
func (s *Store) Purges() []PurgeRecord {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]PurgeRecord(nil), s.purges...)
}
