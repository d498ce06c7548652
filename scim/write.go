package scim

import (
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
)

// maxWriteAttempts bounds how often a write pinned to the version it read is planned
// again after losing a race with another writer.
const maxWriteAttempts = 32

// write is one planned change of a resource: the change set's metadata and commands,
// and how to answer once they are applied.
type write struct {
	meta directory.Meta
	cmds []orgkit.Command
	done func(*directory.Snapshot) error // answers with the snapshot after the write
}

// writeRetrying plans a write on the current snapshot and applies it; when another
// writer came first (orgkit.ErrConflict, for a write pinned by meta.IfVersion) it is
// planned again on the newer snapshot, up to maxWriteAttempts times. A plan that
// returns a nil write has answered already (nothing to change).
func (rq *request) writeRetrying(plan func(*directory.Snapshot) (*write, error)) error {
	for attempt := 0; ; attempt++ {
		s, err := rq.snapshot()
		if err != nil {
			return err
		}
		wr, err := plan(s)
		if err != nil || wr == nil {
			return err
		}
		res, err := rq.svc.Apply(rq.ctx, rq.dir, wr.meta, wr.cmds...)
		if errors.Is(err, orgkit.ErrConflict) && attempt < maxWriteAttempts {
			continue
		}
		if err != nil {
			return err
		}
		rq.note(res.ChangeSet)
		return wr.done(res.Snapshot)
	}
}

// noContent answers 204 No Content.
func noContent(w http.ResponseWriter) func(*directory.Snapshot) error {
	return func(*directory.Snapshot) error {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// checkIfMatch checks a request's If-Match against the ETag of the resource id in
// s: 412 when it names neither "*" nor that ETag; nil without If-Match.
func (rq *request) checkIfMatch(s *directory.Snapshot, id uuid.UUID) error {
	if !rq.conditional() {
		return nil
	}
	ti, err := rq.touches(s)
	if err != nil {
		return err
	}
	return rq.ifMatch(etag(ti.of(id).version))
}

// setETag sets the ETag header of a resource last touched at t (none for a resource
// no change set has touched).
func setETag(w http.ResponseWriter, t touch) {
	if t.version > 0 {
		w.Header().Set("ETag", etag(t.version))
	}
}

// writeResource answers with a rendered resource last touched at t: its ETag, its
// Location when created, and the attributes the request asks for.
func (rq *request) writeResource(w http.ResponseWriter, status int, t touch, location string, res map[string]any, rt *resourceDef) error {
	setETag(w, t)
	if status == http.StatusCreated {
		w.Header().Set("Location", location)
	}
	out, err := rq.project(res, rt)
	if err != nil {
		return err
	}
	return writeJSON(w, status, out)
}

// listFilter parses and checks a list request's filter against rt; nil for none.
func (rq *request) listFilter(filter string, rt *resourceDef) (filterExpr, error) {
	if strings.TrimSpace(filter) == "" {
		return nil, nil
	}
	f, err := rq.parse.ParseFilter(filter)
	if err != nil {
		return nil, err
	}
	if err := validateFilter(f, rt); err != nil {
		return nil, err
	}
	return f, nil
}

// listing is a list request under way: its filter, the snapshot and ETag index it
// reads, and the page it collects.
type listing struct {
	f            filterExpr
	s            *directory.Snapshot
	ti           *touchIndex
	start, count int
	total        int
	page         []map[string]any
}

// beginList reads a list request's paging and filter (checked against rt) and the
// snapshot it lists from.
func (rq *request) beginList(filter, startParam, countParam string, rt *resourceDef) (*listing, error) {
	start, count, err := rq.paging(startParam, countParam)
	if err != nil {
		return nil, err
	}
	f, err := rq.listFilter(filter, rt)
	if err != nil {
		return nil, err
	}
	s, err := rq.snapshot()
	if err != nil {
		return nil, err
	}
	ti, err := rq.touches(s)
	if err != nil {
		return nil, err
	}
	return &listing{f: f, s: s, ti: ti, start: start, count: count}, nil
}

// onPage counts a resource the filter selects and reports whether it belongs on the
// page (startIndex is 1-based; the page holds at most count resources).
func (l *listing) onPage() bool {
	l.total++
	return l.total >= l.start && len(l.page) < l.count
}
