package scim

import (
	"math/bits"
	"net/http"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// lookupUser returns the member a User id names; 404 for an unknown id and for a
// deprovisioned member.
func lookupUser(s *directory.Snapshot, id string) (*member.Member, error) {
	mid, err := orgkit.ParseMemberID(id)
	if err != nil {
		return nil, Errorf(http.StatusNotFound, "", "User %q not found", id)
	}
	m, ok := s.Shared().Member(mid)
	if !ok || m.Deprovisioned {
		return nil, Errorf(http.StatusNotFound, "", "User %q not found", id)
	}
	return m, nil
}

// userToWrite returns the member a User id names for a write: 404 as lookupUser,
// 412 when If-Match names another version.
func (rq *request) userToWrite(s *directory.Snapshot, id string) (*member.Member, error) {
	m, err := lookupUser(s, id)
	if err != nil {
		return nil, err
	}
	if err := rq.checkIfMatch(s, m.ID.UUID()); err != nil {
		return nil, err
	}
	return m, nil
}

// readUser reads a request body as a User resource.
func (rq *request) readUser() (*userInput, error) {
	body, err := rq.readObject()
	if err != nil {
		return nil, err
	}
	return rq.parseUser(body, nil)
}

// userResponse renders the member as the response to a request, with its ETag.
func (rq *request) userResponse(w http.ResponseWriter, status int, s *directory.Snapshot, m *member.Member) error {
	ti, err := rq.touches(s)
	if err != nil {
		return err
	}
	t := ti.of(m.ID.UUID())
	return rq.writeResource(w, status, t, rq.base+"/Users/"+m.ID.String(), rq.renderUserFor(s, m, t, rq.responseUserAttrs()), rq.users)
}

func (rq *request) getUser(w http.ResponseWriter, id string) error {
	s, err := rq.snapshot()
	if err != nil {
		return err
	}
	m, err := lookupUser(s, id)
	if err != nil {
		return err
	}
	return rq.userResponse(w, http.StatusOK, s, m)
}

// createUser answers POST /Users. A userName or externalId held by a live User is a
// 409 uniqueness conflict (so a retried create never makes a duplicate); held by a
// deprovisioned member, that member is provisioned again (same id) with the request's
// attributes.
func (rq *request) createUser(w http.ResponseWriter) error {
	in, err := rq.readUser()
	if err != nil {
		return err
	}
	return rq.writeRetrying(func(s *directory.Snapshot) (*write, error) {
		var cur *member.Member
		sh := s.Shared()
		for _, key := range []struct {
			f member.Field
			v string
		}{{member.LoginAccountField, in.m.LoginAccount}, {member.ExternalIDField, in.m.ExternalID}} {
			if key.v == "" {
				continue
			}
			o, ok := sh.MemberBy(key.f, key.v)
			if !ok {
				continue
			}
			if !o.Deprovisioned {
				name := "userName"
				if key.f == member.ExternalIDField {
					name = "externalId"
				}
				return nil, Errorf(http.StatusConflict, ErrorUniqueness, "%s %q is already taken by User %s", name, key.v, o.ID)
			}
			if cur != nil && cur.ID != o.ID {
				return nil, Errorf(http.StatusConflict, ErrorUniqueness,
					"userName %q and externalId %q belong to two different deprovisioned Users", in.m.LoginAccount, in.m.ExternalID)
			}
			cur = o
		}
		id := orgkit.NewMemberID()
		if cur != nil {
			id = cur.ID
			if in.active == nil {
				t := true
				in.active = &t
			}
		}
		cmds, err := rq.planUser(s, cur, id, in)
		if err != nil {
			return nil, err
		}
		meta := rq.meta("scim: create User " + in.m.LoginAccount)
		meta.IfVersion = s.Version()
		return &write{meta: meta, cmds: cmds, done: func(ns *directory.Snapshot) error {
			m, _ := ns.Shared().Member(id)
			return rq.userResponse(w, http.StatusCreated, ns, m)
		}}, nil
	})
}

// replaceUser answers PUT /Users/{id}: the attributes given replace the member's
// (absent ones are cleared), except the enterprise department, organization and
// manager, which a PUT without them leaves as they are.
func (rq *request) replaceUser(w http.ResponseWriter, id string) error {
	in, err := rq.readUser()
	if err != nil {
		return err
	}
	return rq.writeUser(w, id, "scim: replace User", func(*directory.Snapshot, *member.Member) (*userInput, error) { return in, nil })
}

// patchUser answers PATCH /Users/{id}: the operations apply to the User as it is,
// and the result is written as a PUT would write it.
func (rq *request) patchUser(w http.ResponseWriter, id string) error {
	p, err := rq.readPatch()
	if err != nil {
		return err
	}
	return rq.writeUser(w, id, "scim: patch User", func(s *directory.Snapshot, m *member.Member) (*userInput, error) {
		cur := rq.renderUser(s, m, touch{})
		res, err := p.Apply(cur, rq.users)
		if err != nil {
			return nil, err
		}
		return rq.parseUser(res.Resource, cur)
	})
}

// writeUser plans and applies a change of one User, pinned to the version it read
// and planned again when another writer came first.
func (rq *request) writeUser(w http.ResponseWriter, id, reason string, input func(*directory.Snapshot, *member.Member) (*userInput, error)) error {
	return rq.writeRetrying(func(s *directory.Snapshot) (*write, error) {
		m, err := rq.userToWrite(s, id)
		if err != nil {
			return nil, err
		}
		in, err := input(s, m)
		if err != nil {
			return nil, err
		}
		if in.m.LoginAccount == "" || m.LoginAccount == "" && in.m.LoginAccount == m.SystemName.Default {
			// No userName, or the system name shown as the userName of a member
			// without a login account: the login account stays as it is.
			in.m.LoginAccount = m.LoginAccount
		}
		cmds, err := rq.planUser(s, m, m.ID, in)
		if err != nil {
			return nil, err
		}
		if len(cmds) == 0 {
			return nil, rq.userResponse(w, http.StatusOK, s, m)
		}
		meta := rq.meta(reason + " " + userName(m))
		meta.IfVersion = s.Version()
		return &write{meta: meta, cmds: cmds, done: func(ns *directory.Snapshot) error {
			nm, _ := ns.Shared().Member(m.ID)
			return rq.userResponse(w, http.StatusOK, ns, nm)
		}}, nil
	})
}

// deleteUser answers DELETE /Users/{id}: the member resigns (inactive, posts, roles
// and reporting lines removed, as the change set records) and is marked
// deprovisioned, which hides it from SCIM: GET answers 404 and filters do not find
// it. Nothing is deleted from the log.
func (rq *request) deleteUser(w http.ResponseWriter, id string) error {
	return rq.writeRetrying(func(s *directory.Snapshot) (*write, error) {
		m, err := rq.userToWrite(s, id)
		if err != nil {
			return nil, err
		}
		meta := rq.meta("scim: delete User " + userName(m))
		meta.IfVersion = s.Version()
		return &write{meta: meta, cmds: []orgkit.Command{
			member.Resign{Members: []orgkit.MemberID{m.ID}},
			member.Update{ID: m.ID, Fields: []member.Field{member.DeprovisionedField}, Value: member.Member{Deprovisioned: true}},
		}, done: noContent(w)}, nil
	})
}

// listUsers answers GET /Users.
func (rq *request) listUsers(w http.ResponseWriter) error {
	q := rq.r.URL.Query()
	return rq.queryUsers(w, q.Get("filter"), q.Get("startIndex"), q.Get("count"))
}

// searchUsers answers POST /Users/.search (RFC 7644 §3.4.3).
func (rq *request) searchUsers(w http.ResponseWriter) error {
	body, err := rq.readObject()
	if err != nil {
		return err
	}
	f, _ := stringAttr(body, "filter")
	start, _ := stringAttr(body, "startIndex")
	count, _ := stringAttr(body, "count")
	return rq.queryUsers(w, f, start, count)
}

// queryUsers lists the Users a filter selects, a page at a time. `userName eq`,
// `externalId eq`, `id eq` and `emails[type eq "work"].value eq` (alone or in an
// `and`) are answered from the directory's unique-value indexes: only the members the
// index returns are rendered and the whole filter evaluated on them. Any other filter
// is evaluated on every member, on a rendering of only the attributes the filter names
// (filterAttrs): `displayName eq "x"` reads each member's full name and formats no
// ID, looks up no department or manager and reads no ETag. The Users on the page are
// then rendered, in the directory's member order, with the attributes the request's
// attributes and excludedAttributes let through (responseAttrs).
func (rq *request) queryUsers(w http.ResponseWriter, filter, startParam, countParam string) error {
	l, err := rq.beginList(filter, startParam, countParam, rq.users)
	if err != nil {
		return err
	}
	f, s, ti := l.f, l.s, l.ti
	sh := s.Shared()
	resp := rq.responseUserAttrs()
	var want attrSet
	var scratch map[string]any // the narrowed rendering, reused from member to member
	if f != nil {
		custom := ""
		if c := rq.opts.Custom; c != nil {
			custom = c.Schema
		}
		want = filterAttrs(f, userAttrNames, custom)
		scratch = make(map[string]any, bits.OnesCount32(uint32(want)))
	}
	consider := func(m *member.Member) {
		if m.Deprovisioned {
			return
		}
		if f != nil {
			var t touch
			if want.has(userMeta) {
				t = ti.of(m.ID.UUID())
			}
			clear(scratch)
			if !matchFilter(f, rq.renderUserInto(scratch, s, m, t, want), rq.users) {
				return
			}
		}
		if l.onPage() {
			var t touch
			if resp.has(userMeta) {
				t = ti.of(m.ID.UUID())
			}
			l.page = append(l.page, rq.renderUserFor(s, m, t, resp))
		}
	}
	if cands, indexed := userCandidates(sh, f); indexed {
		for _, m := range cands {
			consider(m)
		}
	} else {
		for m := range sh.Members() {
			consider(m)
		}
	}
	return rq.writeList(w, l.page, l.total, l.start, rq.users)
}

// userCandidates returns the members an indexed filter can select, when the filter
// has an equality on an indexed attribute.
func userCandidates(sh directory.Shared, f filterExpr) ([]*member.Member, bool) {
	if f == nil {
		return nil, false
	}
	var out []*member.Member
	add := func(fld member.Field, v string) {
		if m, ok := sh.MemberBy(fld, v); ok {
			for _, o := range out {
				if o.ID == m.ID {
					return
				}
			}
			out = append(out, m)
		}
	}
	if v, ok := equalityValue(f, "userName"); ok {
		add(member.LoginAccountField, v)
		add(member.SystemNameField, v)
		return out, true
	}
	if v, ok := equalityValue(f, "externalId"); ok {
		add(member.ExternalIDField, v)
		return out, true
	}
	if v, ok := equalityValue(f, "id"); ok {
		if id, err := orgkit.ParseMemberID(v); err == nil {
			if m, ok := sh.Member(id); ok {
				out = append(out, m)
			}
		}
		return out, true
	}
	if v, ok := emailEquality(f); ok {
		add(member.EmailField, v)
		return out, true
	}
	return nil, false
}

// emailEquality finds `emails[… value eq "v" …]` or `emails.value eq "v"` as the
// filter or as an operand of its top-level and.
func emailEquality(f filterExpr) (string, bool) {
	switch f := f.(type) {
	case *andExpr:
		if v, ok := emailEquality(f.Left); ok {
			return v, true
		}
		return emailEquality(f.Right)
	case *valuePathExpr:
		if !strings.EqualFold(f.Path.Attr, "emails") {
			return "", false
		}
		return equalityValue(f.Filter, "value")
	case *compareExpr:
		if f.Op == opEq && strings.EqualFold(f.Path.Attr, "emails") && (f.Path.Sub == "" || strings.EqualFold(f.Path.Sub, "value")) && f.Path.Filter == nil {
			s, ok := f.Value.(string)
			return s, ok
		}
	}
	return "", false
}
