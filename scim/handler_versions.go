package scim

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
)

// touch is when a resource last changed: the version of the change set and its time.
type touch struct {
	version uint64
	at      time.Time
}

// touchIndex remembers, for one directory, the last change set that touched each
// resource: a member record, a node record, or a group's membership (a member's
// affiliation to a department, a role assignment). It is read from the directory's
// log, so every instance serving the directory answers the same ETag.
type touchIndex struct {
	mu   sync.Mutex
	seen uint64 // the log is read up to this version
	last map[uuid.UUID]touch
}

// touches returns the directory's touch index, caught up with snapshot s.
func (rq *request) touches(s *directory.Snapshot) (*touchIndex, error) {
	ti := rq.touchIndexOf()
	ti.mu.Lock()
	defer ti.mu.Unlock()
	if ti.seen >= s.Version() {
		return ti, nil
	}
	for cs, err := range rq.svc.History(context.WithoutCancel(rq.ctx), rq.dir, directory.HistoryQuery{After: ti.seen}) {
		if err != nil {
			return nil, err
		}
		ti.record(cs)
		if cs.Version >= s.Version() {
			break
		}
	}
	return ti, nil
}

// record notes every resource the change set touched. Callers hold mu.
func (ti *touchIndex) record(cs *directory.ChangeSet) {
	t := touch{version: cs.Version, at: cs.Meta.Time}
	for _, c := range cs.Changes {
		id := c.Record().ID
		ti.last[id] = t
		if m, ok := c.After().Member(); ok {
			var before []orgkit.NodeID
			if b, ok := c.Before().Member(); ok {
				before = b.Affiliations()
			}
			for _, n := range symmetricDiff(before, m.Affiliations()) {
				ti.last[n.UUID()] = t
			}
		}
		if a, ok := c.After().Assignment(); ok {
			var before []orgkit.RoleID
			if b, ok := c.Before().Assignment(); ok {
				before = b.Roles
			}
			for _, r := range symmetricDiff(before, a.Roles) {
				ti.last[r.UUID()] = t
			}
		}
	}
	if cs.Version == ti.seen+1 {
		ti.seen = cs.Version
	}
}

// note records a change set the handler itself committed, so that its response
// carries the new version without reading the log.
func (rq *request) note(cs *directory.ChangeSet) {
	if cs == nil {
		return
	}
	ti := rq.touchIndexOf()
	ti.mu.Lock()
	ti.record(cs)
	ti.mu.Unlock()
}

// of returns when the resource last changed; the zero touch when the log never
// named it (a resource created before the log the store keeps).
func (ti *touchIndex) of(id uuid.UUID) touch {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	return ti.last[id]
}

// maxTouchIndexes bounds how many directories' touch indexes a handler keeps; the
// least recently used is dropped, and read again from the log when needed.
const maxTouchIndexes = 64

// touchIndexes holds the touch indexes of the directories a handler serves.
type touchIndexes struct {
	mu    sync.Mutex
	byDir map[orgkit.DirectoryID]*touchIndex
	order []orgkit.DirectoryID // least recently used first
}

// touchIndexOf returns the request's directory's touch index, made when missing.
func (rq *request) touchIndexOf() *touchIndex {
	t := &rq.Handler.touches
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byDir == nil {
		t.byDir = map[orgkit.DirectoryID]*touchIndex{}
	}
	ti, ok := t.byDir[rq.dir]
	if i := slices.Index(t.order, rq.dir); i >= 0 {
		t.order = slices.Delete(t.order, i, i+1)
	}
	t.order = append(t.order, rq.dir)
	if !ok {
		ti = &touchIndex{last: map[uuid.UUID]touch{}}
		t.byDir[rq.dir] = ti
		if len(t.order) > maxTouchIndexes {
			delete(t.byDir, t.order[0])
			t.order = t.order[1:]
		}
	}
	return ti
}

// etag renders a version as a weak entity tag.
func etag(version uint64) string { return `W/"` + strconv.FormatUint(version, 10) + `"` }

// symmetricDiff returns the elements in exactly one of a and b.
func symmetricDiff[T comparable](a, b []T) []T {
	var out []T
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}

// createdAt returns when a record was created: IDs are version-7 UUIDs, which carry
// their creation time.
func createdAt(id uuid.UUID) time.Time {
	sec, nsec := id.Time().UnixTime()
	return time.Unix(sec, nsec).UTC()
}
