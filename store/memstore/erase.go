package memstore

import (
	"context"
	"fmt"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

var _ store.Eraser = (*Store)(nil)

// Erase redacts e.Fields of e.Member in the member's current record and in every
// image of the directory's log, and records the erasure as version base+1 (see
// store.Eraser). It fails with orgkit.ErrConflict when the head is not base, with
// orgkit.ErrNotFound for an unknown directory or member and with orgkit.ErrInvalid
// for an invalid request; then nothing changes. Replaced images are dropped, not
// overwritten in place: a change set a caller got from Changes earlier is the
// caller's copy and keeps what it held.
func (s *Store) Erase(ctx context.Context, dir orgkit.DirectoryID, base uint64, e store.Erasure) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := e.Validate(); err != nil {
		return 0, fmt.Errorf("memstore: %w", err)
	}
	d, err := s.dir(dir)
	if err != nil {
		return 0, err
	}
	d.mu.Lock()
	head := uint64(len(d.log))
	if err := d.checkID(dir, e.ID); err != nil {
		d.mu.Unlock()
		return head, fmt.Errorf("memstore: erase: %w", err)
	}
	if head != base {
		d.mu.Unlock()
		return head, fmt.Errorf("memstore: directory %s is at version %d, not %d: %w", dir, head, base, orgkit.ErrConflict)
	}
	cur, ok := d.members[e.Member]
	if !ok {
		d.mu.Unlock()
		return head, fmt.Errorf("memstore: erase: member %s is not in directory %s: %w", e.Member, dir, orgkit.ErrNotFound)
	}
	images := []*member.Member{cur}
	for _, cs := range d.log {
		for _, c := range cs.Changes {
			if c.Kind == store.KindMember && c.ID() == e.Member.UUID() {
				if b, ok := c.Before.(*member.Member); ok && b != nil {
					images = append(images, b)
				}
				images = append(images, c.After.(*member.Member))
			}
		}
	}
	scrub := store.NewScrubber(e.Fields, images...)
	redacted := store.Redact(cur, e.Fields)
	d.members[e.Member] = redacted
	for i, cs := range d.log {
		meta, scrubbed := scrub.ScrubMeta(cs.Meta)
		var copied bool
		copyOnWrite := func() { // the log's change sets are shared with no one, but copy on write all the same
			if !copied {
				cs = &store.ChangeSet{ID: cs.ID, Version: cs.Version, Meta: cs.Meta, Changes: append([]store.Change(nil), cs.Changes...)}
				d.log[i], copied = cs, true
			}
		}
		if scrubbed {
			copyOnWrite()
			cs.Meta = meta
		}
		for j, c := range cs.Changes {
			if c.Kind != store.KindMember || c.ID() != e.Member.UUID() {
				continue
			}
			copyOnWrite()
			if b, ok := c.Before.(*member.Member); ok && b != nil {
				c.Before = store.Redact(b, e.Fields)
			}
			c.After = store.Redact(c.After.(*member.Member), e.Fields)
			cs.Changes[j] = c
		}
	}
	e.Meta, _ = scrub.ScrubMeta(e.Meta)
	version := base + 1
	rec := store.ErasureChangeSet(e, redacted)
	rec.Version = version
	d.log = append(d.log, rec)
	d.ids[rec.ID] = version
	d.mu.Unlock()
	s.notify(store.Notice{Directory: dir, Head: version})
	return version, nil
}
