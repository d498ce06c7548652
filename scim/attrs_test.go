package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

const acmeSchema = "urn:example:params:scim:schemas:extension:acme:2.0:User"

// narrowEnv is a directory with varied members, served by two handlers: one with
// Groups as departments and a host extension, one with Groups as roles.
type narrowEnv struct {
	svc          *directory.Service
	dir          orgkit.DirectoryID
	depts, roles *Handler
}

// newNarrowEnv provisions, through the handlers, users with and without each
// attribute: names, emails, mobiles and office phones, titles, languages, time zones,
// external IDs and employee numbers, primary departments and secondary ones, an
// explicit organization, managers, inactive and deprovisioned users, department and
// role Groups with members.
func newNarrowEnv(t *testing.T, users int) *narrowEnv {
	t.Helper()
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Contoso"),
		Founder: &directory.Founder{Name: "Founder", Email: "founder@contoso.example"}})
	require.NoError(t, err)
	e := &narrowEnv{svc: svc, dir: snap.ID()}
	_, err = svc.Apply(ctx, e.dir, directory.Meta{Actor: "test"}, directory.SetMultiOrg{On: true},
		orgtree.Create{ID: orgkit.NewNodeID(), Parent: snap.Root(), Kind: orgtree.Organization, Name: orgkit.Name("Fabrikam")})
	require.NoError(t, err)
	opts := func(mode GroupMode) Options {
		return Options{
			Directory: func(*http.Request) (Target, error) { return Target{Service: svc, Directory: e.dir}, nil },
			Authorize: func(*http.Request, orgkit.DirectoryID) (string, error) { return "scim:test", nil },
			Groups:    mode,
		}
	}
	do := opts(GroupsAsDepartments)
	do.Custom = &CustomAttributes{
		Schema:     acmeSchema,
		Attributes: []*Attribute{{Name: "costCenter"}, {Name: "badge", Type: Integer}},
		Render: func(m *member.Member) map[string]any {
			if m.EmployeeNumber == "" || strings.HasSuffix(m.EmployeeNumber, "0") {
				return nil
			}
			return map[string]any{"costCenter": "CC-" + m.EmployeeNumber, "badge": len(m.EmployeeNumber)}
		},
	}
	e.depts, e.roles = NewHandler(do), NewHandler(opts(GroupsAsRoles))

	rnd := rand.New(rand.NewPCG(7, uint64(users)))
	var deptIDs, roleIDs []string
	for i, name := range []string{"Sales", "Engineering", "Support", "Legal"} {
		g := map[string]any{"schemas": []any{GroupSchema}, "displayName": name}
		if i%2 == 0 {
			g["externalId"] = "dept-" + strings.ToLower(name)
		}
		deptIDs = append(deptIDs, e.send(t, e.depts, "POST", "/Groups", g, http.StatusCreated)["id"].(string))
	}
	for _, name := range []string{"Approvers", "Auditors", "Buyers"} {
		g := map[string]any{"schemas": []any{GroupSchema}, "displayName": name}
		roleIDs = append(roleIDs, e.send(t, e.roles, "POST", "/Groups", g, http.StatusCreated)["id"].(string))
	}
	var ids, active []string
	maybe := func(p float64) bool { return rnd.Float64() < p }
	for i := range users {
		u := map[string]any{"schemas": []any{UserSchema, EnterpriseUserSchema}, "userName": fmt.Sprintf("User%d@Contoso.example", i)}
		if maybe(0.6) {
			u["externalId"] = fmt.Sprintf("ext-%d", i)
		}
		name := map[string]any{}
		if maybe(0.7) {
			name["givenName"] = []string{"Ana", "Bo", "Chen", "Dana", "Émile"}[rnd.IntN(5)]
		}
		if maybe(0.6) {
			name["familyName"] = []string{"Li", "Smith", "Ng", "O'Neil"}[rnd.IntN(4)]
		}
		if len(name) > 0 {
			u["name"] = name
		}
		if maybe(0.7) {
			u["displayName"] = fmt.Sprintf("User %d", i)
		}
		if maybe(0.5) {
			u["title"] = []string{"Engineer", "Manager", "Clerk"}[rnd.IntN(3)]
		}
		if maybe(0.4) {
			u["preferredLanguage"] = []string{"en-US", "zh-CN", "fr"}[rnd.IntN(3)]
		}
		if maybe(0.4) {
			u["timezone"] = []string{"Asia/Shanghai", "Europe/Paris"}[rnd.IntN(2)]
		}
		if maybe(0.7) {
			u["emails"] = []any{map[string]any{"value": fmt.Sprintf("User%d@Contoso.example", i), "type": "work", "primary": true}}
		}
		var phones []any
		if maybe(0.5) {
			phones = append(phones, map[string]any{"value": fmt.Sprintf("139 0000 %04d", i), "type": "mobile"})
		}
		if maybe(0.4) {
			phones = append(phones, map[string]any{"value": fmt.Sprintf("+1 425 555 %04d", i), "type": "work"})
		}
		if phones != nil {
			u["phoneNumbers"] = phones
		}
		inactive := maybe(0.2)
		if inactive {
			u["active"] = false
		}
		ent := map[string]any{}
		if maybe(0.6) {
			ent["employeeNumber"] = fmt.Sprint(1000 + i)
		}
		if maybe(0.7) {
			ent["department"] = []string{"Sales", "Engineering", "Support", "Legal"}[rnd.IntN(4)]
		}
		if maybe(0.2) {
			ent["organization"] = "Fabrikam"
		}
		if len(active) > 0 && maybe(0.5) {
			ent["manager"] = map[string]any{"value": active[rnd.IntN(len(active))]}
		}
		if len(ent) > 0 {
			u[EnterpriseUserSchema] = ent
		}
		ids = append(ids, e.send(t, e.depts, "POST", "/Users", u, http.StatusCreated)["id"].(string))
		if !inactive {
			active = append(active, ids[len(ids)-1])
		}
	}
	add := func(h *Handler, group string, members []string) {
		var vals []any
		for _, id := range members {
			vals = append(vals, map[string]any{"value": id})
		}
		e.send(t, h, "PATCH", "/Groups/"+group, map[string]any{"schemas": []any{PatchOpSchema},
			"Operations": []any{map[string]any{"op": "add", "path": "members", "value": vals}}}, http.StatusNoContent)
	}
	// addSome adds each of ids to group g with probability p.
	addSome := func(h *Handler, g string, ids []string, p float64) {
		var ms []string
		for _, id := range ids {
			if maybe(p) {
				ms = append(ms, id)
			}
		}
		if ms != nil {
			add(h, g, ms)
		}
	}
	for _, g := range deptIDs[:3] { // secondary departments (and Legal without extra members)
		addSome(e.depts, g, ids, 0.15)
	}
	for _, g := range roleIDs[:2] { // Buyers holds nobody; roles are held by active members
		addSome(e.roles, g, active, 0.3)
	}
	for _, id := range ids[len(ids)-2:] {
		e.send(t, e.depts, "DELETE", "/Users/"+id, nil, http.StatusNoContent)
	}
	return e
}

// send serves one request and decodes the answer.
func (e *narrowEnv) send(t *testing.T, h *Handler, method, path string, body any, status int) map[string]any {
	t.Helper()
	var rd *strings.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		rd = strings.NewReader(string(raw))
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/scim+json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, status, rec.Code, "%s %s: %s", method, path, rec.Body)
	var out map[string]any
	if rec.Body.Len() > 0 {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	}
	return out
}

// request returns a request of h over the directory, as ServeHTTP makes one for the
// requests send serves.
func (e *narrowEnv) request(h *Handler) *request {
	return &request{Handler: h, ctx: context.Background(), svc: e.svc, dir: e.dir, base: baseURL(httptest.NewRequest("GET", "/Users", nil))}
}

// resources are the resources of one kind, rendered by one request: each
// evaluated in full and narrowed to a set of attributes.
type resources struct {
	rt     *resourceDef
	full   []map[string]any
	render func(i int, want attrSet) map[string]any
	names  []attrName
	custom string
	// members are the Users rendered (nil for Groups).
	members []*member.Member
}

// read returns a request of h, the directory's snapshot and its ETag index.
func (e *narrowEnv) read(t *testing.T, h *Handler) (*request, *directory.Snapshot, *touchIndex) {
	t.Helper()
	rq := e.request(h)
	s, err := e.svc.Snapshot(context.Background(), e.dir)
	require.NoError(t, err)
	ti, err := rq.touches(s)
	require.NoError(t, err)
	return rq, s, ti
}

func (e *narrowEnv) users(t *testing.T, h *Handler) resources {
	rq, s, ti := e.read(t, h)
	var ms []*member.Member
	for m := range s.Shared().Members() {
		ms = append(ms, m)
	}
	scratch := map[string]any{} // narrowed renderings reuse one map, as queryUsers does
	r := resources{rt: rq.users, names: userAttrNames, members: ms,
		render: func(i int, want attrSet) map[string]any {
			var t touch
			if want.has(userMeta) {
				t = ti.of(ms[i].ID.UUID())
			}
			if want == allAttrs {
				return rq.renderUserFor(s, ms[i], t, want)
			}
			clear(scratch)
			return rq.renderUserInto(scratch, s, ms[i], t, want)
		}}
	if c := h.opts.Custom; c != nil {
		r.custom = c.Schema
	}
	for i := range ms {
		r.full = append(r.full, r.render(i, allAttrs))
	}
	return r
}

func (e *narrowEnv) groups(t *testing.T, h *Handler) resources {
	rq, s, ti := e.read(t, h)
	gs := rq.allGroups(s)
	r := resources{rt: rq.groups, names: groupAttrNames,
		render: func(i int, want attrSet) map[string]any {
			var t touch
			if want.has(groupMeta) {
				t = ti.of(gs[i].id)
			}
			return rq.renderGroup(s, gs[i], t, want)
		}}
	for i := range gs {
		r.full = append(r.full, r.render(i, allAttrs))
	}
	return r
}

// filterGen makes random filters over a resource type's attributes, with comparison
// values drawn mostly from the resources' own values, so that filters select some
// resources and not others.
type filterGen struct {
	rnd *rand.Rand
	rt  *resourceDef
	res []map[string]any
}

// mixCase changes the case of some letters of s ("$ref" only parses as written).
func (g *filterGen) mixCase(s string) string {
	if g.rnd.IntN(2) == 0 || strings.Contains(s, "$ref") {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if g.rnd.IntN(3) == 0 {
			switch {
			case c >= 'a' && c <= 'z':
				b[i] = c - 'a' + 'A'
			case c >= 'A' && c <= 'Z':
				b[i] = c - 'A' + 'a'
			}
		}
	}
	return string(b)
}

// attribute picks a top-level attribute: its path (URN-qualified or not) and its
// definition (nil for one the resource type does not define).
func (g *filterGen) attribute() (pathExpr, *Attribute) {
	type cand struct {
		urn string
		def *Attribute
	}
	var cands []cand
	for _, a := range commonAttributes {
		cands = append(cands, cand{"", a})
	}
	for _, a := range g.rt.Schema.Attributes {
		cands = append(cands, cand{"", a})
	}
	for _, ext := range g.rt.Extensions {
		for _, a := range ext.Schema.Attributes {
			// extension attributes are picked three times as often: there are few
			for range 3 {
				cands = append(cands, cand{ext.Schema.ID, a})
			}
		}
	}
	cands = append(cands, cand{"", &Attribute{Name: "schemas", MultiValued: true}}, cand{"", &Attribute{Name: "nickName"}})
	c := cands[g.rnd.IntN(len(cands))]
	p := pathExpr{Attr: g.mixCase(c.def.Name)}
	switch {
	case c.urn != "" && g.rnd.IntN(8) != 0: // an extension attribute without its URN reads nothing
		p.URN = g.mixCase(c.urn)
	case c.urn == "" && g.rnd.IntN(4) == 0:
		p.URN = g.mixCase(g.rt.Schema.ID)
	}
	return p, c.def
}

// value picks a comparison value for the values vals of an attribute.
func (g *filterGen) value(op compareOp, vals []any) any {
	if len(vals) > 0 && g.rnd.IntN(5) != 0 {
		v := vals[g.rnd.IntN(len(vals))]
		switch x := v.(type) {
		case string:
			if len(x) > 2 && (op == opSw || op == opCo || op == opEw || g.rnd.IntN(4) == 0) {
				i := g.rnd.IntN(len(x) / 2)
				switch op {
				case opSw:
					x = x[:len(x)-i]
				case opEw:
					x = x[i:]
				default:
					x = x[i : len(x)-i/2]
				}
			}
			return g.mixCase(x)
		case bool:
			return x
		case int:
			return json.Number(fmt.Sprint(x + g.rnd.IntN(3) - 1))
		}
		return fmt.Sprint(v)
	}
	switch g.rnd.IntN(5) {
	case 0:
		return g.rnd.IntN(2) == 0
	case 1:
		return nil
	case 2:
		return json.Number(fmt.Sprint(g.rnd.IntN(2000)))
	case 3:
		return "2020-01-01T00:00:00Z"
	}
	return "zz"
}

// compare makes `path op value` for a top-level attribute.
func (g *filterGen) compare() filterExpr {
	p, def := g.attribute()
	if def.typ() == Complex && len(def.SubAttributes) > 0 && g.rnd.IntN(3) != 0 {
		p.Sub = g.mixCase(def.SubAttributes[g.rnd.IntN(len(def.SubAttributes))].Name)
	}
	if def.typ() == Complex && def.MultiValued && g.rnd.IntN(3) == 0 {
		return g.valuePath(p, def)
	}
	op := []compareOp{opEq, opEq, opEq, opNe, opCo, opSw, opEw, opGt, opGe, opLt, opLe, opPr, opPr}[g.rnd.IntN(13)]
	if op == opPr {
		return &compareExpr{Path: p, Op: opPr}
	}
	vals, _ := scope{obj: g.res[g.rnd.IntN(len(g.res))], rt: g.rt, top: true}.values(p, new([1]any))
	return &compareExpr{Path: p, Op: op, Value: g.value(op, vals)}
}

// valuePath makes `attr[sub op value (and|or sub op value)]`.
func (g *filterGen) valuePath(p pathExpr, def *Attribute) filterExpr {
	p.Sub = ""
	var elems []map[string]any
	for range 4 {
		raw, _ := scope{obj: g.res[g.rnd.IntN(len(g.res))], rt: g.rt, top: true}.attr(p)
		for _, v := range asList(raw) {
			if m, ok := v.(map[string]any); ok {
				elems = append(elems, m)
			}
		}
	}
	term := func() filterExpr {
		sub := def.SubAttributes[g.rnd.IntN(len(def.SubAttributes))]
		sp := pathExpr{Attr: g.mixCase(sub.Name)}
		op := []compareOp{opEq, opEq, opNe, opCo, opSw, opPr}[g.rnd.IntN(6)]
		if op == opPr {
			return &compareExpr{Path: sp, Op: opPr}
		}
		var vals []any
		if len(elems) > 0 {
			if v, ok := getKey(elems[g.rnd.IntN(len(elems))], sub.Name); ok {
				vals = asList(v)
			}
		}
		return &compareExpr{Path: sp, Op: op, Value: g.value(op, vals)}
	}
	inner := term()
	switch g.rnd.IntN(3) {
	case 0:
		inner = &andExpr{Left: inner, Right: term()}
	case 1:
		inner = &orExpr{Left: inner, Right: term()}
	}
	return &valuePathExpr{Path: p, Filter: inner}
}

// filter makes a filter of at most depth levels of and, or and not.
func (g *filterGen) filter(depth int) filterExpr {
	if depth == 0 || g.rnd.IntN(2) == 0 {
		return g.compare()
	}
	switch g.rnd.IntN(3) {
	case 0:
		return &andExpr{Left: g.filter(depth - 1), Right: g.filter(depth - 1)}
	case 1:
		return &orExpr{Left: g.filter(depth - 1), Right: g.filter(depth - 1)}
	}
	return &notExpr{Filter: g.filter(depth - 1)}
}

// disagreement is a filter whose result on a narrowed rendering differs from its
// result on the full one.
type disagreement struct {
	filter          string
	resource        int
	full, narrowed  bool
	narrowedPayload map[string]any
}

// checkNarrowing evaluates n random filters on every resource, rendered in full and
// narrowed to narrow(filter), and returns the disagreements, how many filters
// selected some resources but not all, and how many (filter, resource) pairs matched.
// With stop, it returns at the first disagreement.
func checkNarrowing(t *testing.T, r resources, seed uint64, n int, stop bool, narrow func(filterExpr) attrSet) (bad []disagreement, discriminating, matched int) {
	t.Helper()
	g := &filterGen{rnd: rand.New(rand.NewPCG(seed, 99)), rt: r.rt, res: r.full}
	for range n {
		gen := g.filter(3)
		f, err := parseFilter(gen.String()) // what a client sends: the text, parsed
		require.NoError(t, err, "generated filter %s", gen)
		want := narrow(f)
		hits := 0
		for i, full := range r.full {
			fm := matchFilter(f, full, r.rt)
			nres := r.render(i, want)
			nm := matchFilter(f, nres, r.rt)
			if fm {
				hits++
			}
			if fm != nm {
				bad = append(bad, disagreement{filter: f.String(), resource: i, full: fm, narrowed: nm, narrowedPayload: maps.Clone(nres)})
				if stop {
					return bad, discriminating, matched
				}
			}
		}
		matched += hits
		if hits > 0 && hits < len(r.full) {
			discriminating++
		}
	}
	return bad, discriminating, matched
}

// TestNarrowedRenderingMatchesAsFull checks that a filter matches a User or Group
// rendered with only the attributes the filter names (as list requests evaluate it)
// exactly when it matches the full rendering, for random filters over every attribute
// of the resource types: URN-qualified and mixed-case names, pr, not, value filters,
// sub-attributes, the enterprise extension and a host's extension, groups, members
// and meta.
func TestNarrowedRenderingMatchesAsFull(t *testing.T) {
	users, filters := 60, 3000
	if testing.Short() {
		users, filters = 30, 800
	}
	e := newNarrowEnv(t, users)
	for _, c := range []struct {
		name string
		res  resources
	}{
		{"Users, Groups as departments, host extension", e.users(t, e.depts)},
		{"Users, Groups as roles", e.users(t, e.roles)},
		{"Groups as departments", e.groups(t, e.depts)},
		{"Groups as roles", e.groups(t, e.roles)},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad, discriminating, matched := checkNarrowing(t, c.res, 1, filters, false, func(f filterExpr) attrSet {
				return filterAttrs(f, c.res.names, c.res.custom)
			})
			for _, d := range bad[:min(len(bad), 5)] {
				t.Errorf("%s on resource %d: %v in full, %v narrowed to %v", d.filter, d.resource, d.full, d.narrowed, d.narrowedPayload)
			}
			assert.Zero(t, len(bad), "filters answered differently on the narrowed rendering")
			t.Logf("%d filters on %d resources: %d selected some but not all; %d matches", filters, len(c.res.full), discriminating, matched)
			// The filters are worth something: many select some resources and not others.
			assert.Greater(t, discriminating, filters/10, "filters selecting some resources but not all")
			assert.Greater(t, matched, 0)
		})
	}
}

// TestFilteredListsMatchFullEvaluation sends random filters to GET /Users and checks
// the answer against the live Users whose full rendering the filter matches: the same
// ids in directory order, the same totalResults, and the same pages (startIndex, count).
func TestFilteredListsMatchFullEvaluation(t *testing.T) {
	users, filters := 40, 300
	if testing.Short() {
		users, filters = 20, 100
	}
	e := newNarrowEnv(t, users)
	for _, h := range []*Handler{e.depts, e.roles} {
		r := e.users(t, h)
		g := &filterGen{rnd: rand.New(rand.NewPCG(3, 5)), rt: r.rt, res: r.full}
		for range filters {
			f := g.filter(2)
			if validateFilter(f, r.rt) != nil {
				continue
			}
			var want []any
			for i, m := range r.members {
				if !m.Deprovisioned && matchFilter(f, r.full[i], r.rt) {
					want = append(want, m.ID.String())
				}
			}
			got := e.send(t, h, "GET", "/Users?count=1000&filter="+url.QueryEscape(f.String()), nil, http.StatusOK)
			var ids []any
			for _, res := range got["Resources"].([]any) {
				ids = append(ids, res.(map[string]any)["id"])
			}
			assert.Equal(t, want, ids, f.String())
			assert.EqualValues(t, len(want), got["totalResults"], f.String())
			// A page of it.
			start, count := 1+g.rnd.IntN(len(want)+1), g.rnd.IntN(4)
			page := e.send(t, h, "GET", fmt.Sprintf("/Users?startIndex=%d&count=%d&filter=%s", start, count, url.QueryEscape(f.String())), nil, http.StatusOK)
			ids = []any{}
			for _, res := range page["Resources"].([]any) {
				ids = append(ids, res.(map[string]any)["id"])
			}
			assert.Equal(t, append([]any{}, want[min(start-1, len(want)):min(start-1+count, len(want))]...), ids, "startIndex=%d count=%d %s", start, count, f)
			assert.EqualValues(t, len(want), page["totalResults"], f.String())
		}
	}
}

// TestNarrowingCheckCatchesAMissingAttribute drops each attribute in turn from the
// narrowed rendering and checks that TestNarrowedRenderingMatchesAsFull's check then
// finds a filter it answers wrongly: the random filters reach every attribute.
func TestNarrowingCheckCatchesAMissingAttribute(t *testing.T) {
	users, filters := 40, 1500
	if testing.Short() {
		users, filters = 30, 800
	}
	e := newNarrowEnv(t, users)
	ud, ur := e.users(t, e.depts), e.users(t, e.roles)
	gd, gr := e.groups(t, e.depts), e.groups(t, e.roles)
	for _, c := range []struct {
		res  []resources
		bits []attrSet
	}{
		{[]resources{ud, ur}, nil},
		{[]resources{gd, gr}, nil},
	} {
		seen := map[attrSet]bool{}
		for _, n := range c.res[0].names {
			for b := attrSet(1); b != 0 && b <= n.bit; b <<= 1 {
				if n.bit.has(b) && !seen[b] {
					seen[b] = true
					c.bits = append(c.bits, b)
				}
			}
		}
		if c.res[0].custom != "" {
			c.bits = append(c.bits, userCustom)
		}
		for _, b := range c.bits {
			caught := false
			for _, r := range c.res {
				if caught {
					break
				}
				bad, _, _ := checkNarrowing(t, r, 2, filters, true, func(f filterExpr) attrSet {
					return filterAttrs(f, r.names, r.custom) &^ b
				})
				caught = caught || len(bad) > 0
			}
			assert.True(t, caught, "dropping attribute bit %#x from the narrowed rendering goes unnoticed", uint32(b))
		}
	}
}

// TestFilterAttrs pins what a few filters name.
func TestFilterAttrs(t *testing.T) {
	for _, c := range []struct {
		filter string
		want   attrSet
	}{
		{`displayName eq "x"`, userDisplayName},
		{`DISPLAYNAME eq "x" and not (active eq true)`, userDisplayName | userActive},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName sw "a"`, userUserName},
		{`emails[type eq "work" and value co "x"]`, userEmails},
		{`name.givenName pr or title eq "x"`, userNameParts | userTitle},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"`, userManager},
		{`URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:Department eq "x"`, userDepartment},
		{`department eq "x"`, 0}, // without its URN an extension attribute reads nothing
		{`groups.value eq "x" or meta.lastModified gt "2020-01-01T00:00:00Z"`, userGroups | userMeta},
		{`schemas eq "x"`, userSchemas | userCustom},
		{acmeSchema + `:costCenter eq "x"`, userCustom},
		{`nickName pr`, 0},
	} {
		f, err := parseFilter(c.filter)
		require.NoError(t, err, c.filter)
		assert.Equal(t, c.want, filterAttrs(f, userAttrNames, acmeSchema), c.filter)
	}
	f, err := parseFilter(`displayName eq "Sales" and not (members pr)`)
	require.NoError(t, err)
	assert.Equal(t, groupDisplayName|groupMembers, filterAttrs(f, groupAttrNames, ""))
}

// projectionPaths are the paths a random attributes or excludedAttributes list draws
// from: every attribute of rt, with its URN for extension attributes, some
// sub-attributes, whole extensions, schemas and an attribute rt does not define.
func projectionPaths(rt *resourceDef) []string {
	out := []string{"schemas", "nickName"}
	add := func(urn string, a *Attribute) {
		p := a.Name
		if urn != "" {
			p = urn + ":" + a.Name
		}
		out = append(out, p)
		for _, sub := range a.SubAttributes {
			out = append(out, p+"."+sub.Name)
		}
	}
	for _, a := range commonAttributes {
		add("", a)
	}
	for _, a := range rt.Schema.Attributes {
		add("", a)
		if len(out)%3 == 0 {
			add(rt.Schema.ID, a)
		}
	}
	for _, ext := range rt.Extensions {
		out = append(out, ext.Schema.ID)
		for _, a := range ext.Schema.Attributes {
			add(ext.Schema.ID, a)
		}
	}
	return out
}

// sortMembers orders the members of a rendered Group: a role's holders are listed in
// no fixed order.
func sortMembers(res map[string]any) map[string]any {
	if l, ok := res["members"].([]any); ok {
		l = slices.Clone(l)
		slices.SortFunc(l, func(a, b any) int {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			return strings.Compare(string(ja), string(jb))
		})
		res["members"] = l
	}
	return res
}

// TestResponseRenderingMatchesProjectedFull checks that a response rendered with only
// the attributes a request's attributes and excludedAttributes let through
// (responseAttrs) projects to the same JSON as the full rendering, for random
// projections of every User and Group in both group modes.
func TestResponseRenderingMatchesProjectedFull(t *testing.T) {
	users, projections := 30, 250
	if testing.Short() {
		users, projections = 20, 100
	}
	e := newNarrowEnv(t, users)
	for _, r := range []resources{e.users(t, e.depts), e.users(t, e.roles), e.groups(t, e.depts), e.groups(t, e.roles)} {
		g := &filterGen{rnd: rand.New(rand.NewPCG(4, 6)), rt: r.rt}
		paths := projectionPaths(r.rt)
		list := func(max int) string {
			var out []string
			for range g.rnd.IntN(max + 1) {
				out = append(out, g.mixCase(paths[g.rnd.IntN(len(paths))]))
			}
			return strings.Join(out, ",")
		}
		narrowed := 0
		for range projections {
			attributes, excluded := list(3), list(2)
			if g.rnd.IntN(2) == 0 {
				attributes = ""
			} else if g.rnd.IntN(2) == 0 {
				excluded = ""
			}
			pr, err := parseProjection(attributes, excluded)
			require.NoError(t, err)
			want := responseAttrs(pr, r.rt, r.names)
			if want != allAttrs {
				narrowed++
			}
			for i, full := range r.full {
				a, err := json.Marshal(sortMembers(pr.Apply(full, r.rt)))
				require.NoError(t, err)
				b, err := json.Marshal(sortMembers(pr.Apply(maps.Clone(r.render(i, want)), r.rt)))
				require.NoError(t, err)
				require.Equal(t, string(a), string(b), "attributes=%s excludedAttributes=%s", attributes, excluded)
			}
		}
		assert.Greater(t, narrowed, projections/2, "projections that narrow the rendering")
	}
}
