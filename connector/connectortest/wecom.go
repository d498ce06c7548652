package connectortest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/member"
)

// WeComOptions describe a fake WeCom enterprise.
type WeComOptions struct {
	// CorpID and Secret are the credentials the token endpoint accepts; empty means
	// "ww-test-corp" and "test-secret".
	CorpID, Secret string
	// NewApp serves as WeCom serves apps made since mid-2022: the member lists give
	// no mobile, email, gender or avatar.
	NewApp bool
	// ExtAttrs names the custom attributes (extattr, type text) that carry member
	// fields WeCom has no field for; nil means DefaultWeComExtAttrs.
	ExtAttrs map[member.Field]string
	// AgentID is the app's agent ID the login page accepts; empty means
	// DefaultWeComAgentID.
	AgentID string
}

// DefaultWeComAgentID is the agent ID a fake WeCom app has unless
// WeComOptions.AgentID says otherwise.
const DefaultWeComAgentID = "1000002"

// DefaultWeComExtAttrs are the custom attributes a fake WeCom enterprise keeps the
// generated members' employee numbers, hire dates and work places in.
func DefaultWeComExtAttrs() map[member.Field]string {
	return map[member.Field]string{member.EmployeeNumberField: "工号", member.HireDateField: "入职日期", member.WorkPlaceField: "办公地点"}
}

// WeComServer serves a Source over HTTP as WeCom's server API does, for clients to
// be tested against: gettoken, department/simplelist, department/get, user/list and
// the login code exchange auth/getuserinfo (LoginCode, OutsiderLoginCode,
// ExpireLoginCodes), plus WeCom's web login page /wwlogin/sso/login (ScanAs), with
// WeCom's envelopes ({errcode, errmsg}, HTTP 200 even on failure), field shapes
// (numeric department IDs, larger order first, gender as a string, leaders as flags
// parallel to the departments) and error codes: 40001/40013 for bad credentials,
// 41001/40014/42001 for missing, invalid or expired tokens, 60011 for departments
// out of the app's scope (Source.SetOutOfScope), 60003 for unknown ones, 40029 for
// an invalid, used or expired login code. Departments must have numeric IDs
// (Options.NumericDepartmentIDs) under the root "1"; members without departments
// are served in the root, genders WeCom lacks ("private") as undefined ("0"). Faults
// are injected one call at a time: ExpireTokens, Throttle, Busy, DropConnections,
// FailNext. It is safe for concurrent use.
type WeComServer struct {
	srv  *httptest.Server
	src  *Source
	opts WeComOptions

	fakeAPI
	throttle int
	busy     int
	fail     map[string]int
	index    *wecomIndex
	version  uint64
	login    wecomLogin
}

// NewWeComServer starts serving src. Close it when done.
func NewWeComServer(src *Source, opts WeComOptions) *WeComServer {
	opts.CorpID, opts.Secret = cmp.Or(opts.CorpID, "ww-test-corp"), cmp.Or(opts.Secret, "test-secret")
	if opts.ExtAttrs == nil {
		opts.ExtAttrs = DefaultWeComExtAttrs()
	}
	w := &WeComServer{src: src, opts: opts, fail: map[string]int{}}
	w.initAPI()
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	return w
}

// URL is the server's base URL (for the client's BaseURL).
func (w *WeComServer) URL() string { return w.srv.URL }

// Client is an HTTP client that talks to the server.
func (w *WeComServer) Client() *http.Client { return w.srv.Client() }

// Close stops the server.
func (w *WeComServer) Close() { w.srv.Close() }

// Requests returns how many requests the path ("/cgi-bin/user/list") got, or all
// requests for "".
func (w *WeComServer) Requests(path string) int {
	return w.requestCount(path)
}

// TokensIssued returns how many access tokens the server has issued.
func (w *WeComServer) TokensIssued() int {
	return w.tokensIssued()
}

// ExpireTokens makes every token issued so far expire: calls with one answer 42001.
func (w *WeComServer) ExpireTokens() {
	w.expireTokens()
}

// Throttle makes the next n API calls answer 45009 (rate limit).
func (w *WeComServer) Throttle(n int) { w.set(&w.throttle, n) }

// Busy makes the next n API calls answer -1 (system busy).
func (w *WeComServer) Busy(n int) { w.set(&w.busy, n) }

// DropConnections makes the next n API calls close the connection without an answer.
func (w *WeComServer) DropConnections(n int) { w.set(&w.drop, n) }

// FailNext makes the next call of the path answer the error code.
func (w *WeComServer) FailNext(path string, errcode int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fail[path] = errcode
}

func (w *WeComServer) serve(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.mu.Lock()
	w.requests[r.URL.Path]++
	if r.URL.Path == "/wwlogin/sso/login" {
		w.mu.Unlock()
		w.serveLoginPage(rw, r)
		return
	}
	if r.URL.Path == "/cgi-bin/gettoken" {
		defer w.mu.Unlock()
		switch {
		case q.Get("corpid") != w.opts.CorpID:
			writeJSON(rw, map[string]any{"errcode": 40013, "errmsg": "invalid corpid"})
		case q.Get("corpsecret") != w.opts.Secret:
			writeJSON(rw, map[string]any{"errcode": 40001, "errmsg": "invalid credential, hint: [1700000000_1_fake]"})
		default:
			tok := w.issueLocked("token-")
			writeJSON(rw, map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": 7200})
		}
		return
	}
	valid, known := w.tokens[q.Get("access_token")]
	code := 0
	switch {
	case w.dropLocked(rw): // unlocks
		return
	case q.Get("access_token") == "":
		code = 41001
	case !known:
		code = 40014
	case !valid:
		code = 42001
	case w.throttle > 0:
		w.throttle--
		code = 45009
	case w.busy > 0:
		w.busy--
		code = -1
	case w.fail[r.URL.Path] != 0:
		code = w.fail[r.URL.Path]
		delete(w.fail, r.URL.Path)
	}
	if code != 0 {
		w.mu.Unlock()
		writeJSON(rw, map[string]any{"errcode": code, "errmsg": fmt.Sprintf("fake error %d, hint: [1700000000_%d_fake]", code, code)})
		return
	}
	x := w.indexLocked()
	w.mu.Unlock()
	switch r.URL.Path {
	case "/cgi-bin/department/simplelist":
		writeJSON(rw, map[string]any{"errcode": 0, "errmsg": "ok", "department_id": x.simplelist()})
	case "/cgi-bin/department/get":
		d, code := x.department(q.Get("id"))
		if code != 0 {
			writeJSON(rw, map[string]any{"errcode": code, "errmsg": fmt.Sprintf("department %s: error %d", q.Get("id"), code)})
			return
		}
		writeJSON(rw, map[string]any{"errcode": 0, "errmsg": "ok", "department": d})
	case "/cgi-bin/user/list":
		users, code := x.users(q.Get("department_id"), w.opts)
		if code != 0 {
			writeJSON(rw, map[string]any{"errcode": code, "errmsg": fmt.Sprintf("department %s: error %d", q.Get("department_id"), code)})
			return
		}
		writeJSON(rw, map[string]any{"errcode": 0, "errmsg": "ok", "userlist": users})
	case "/cgi-bin/auth/getuserinfo":
		writeJSON(rw, w.exchangeLoginCode(q.Get("code")))
	default:
		writeJSON(rw, map[string]any{"errcode": 40058, "errmsg": "unknown API " + r.URL.Path})
	}
}

func writeJSON(rw http.ResponseWriter, v any) {
	rw.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(rw).Encode(v)
}

// wecomIndex is the source as WeCom's APIs see it, rebuilt when the source changes.
type wecomIndex struct {
	root     string
	depts    map[string]*connector.Department
	order    []string // department IDs, ascending
	hidden   map[string]bool
	out      map[string]bool // out of the app's scope
	members  map[string][]*connector.Member
	leaderOf map[string][]string // department → its leaders
}

// indexLocked returns the index of the source as it is now. Call with w.mu held.
func (w *WeComServer) indexLocked() *wecomIndex {
	w.src.mu.Lock()
	version, out := w.src.version, slices.Clone(w.src.outOfScope)
	if w.index != nil && w.version == version && slices.Equal(mapKeys(w.index.out), sortedCopy(out)) {
		w.src.mu.Unlock()
		return w.index
	}
	var snap connector.Snapshot
	for _, ext := range w.src.depts.ids() {
		snap.Departments = append(snap.Departments, w.src.depts.byID[ext].v.Clone())
	}
	for _, ext := range w.src.mems.ids() {
		snap.Members = append(snap.Members, w.src.mems.byID[ext].v.Clone())
	}
	root := w.src.rootID
	w.src.mu.Unlock()

	x := &wecomIndex{root: root, depts: map[string]*connector.Department{}, hidden: map[string]bool{}, out: map[string]bool{},
		members: map[string][]*connector.Member{}, leaderOf: map[string][]string{}}
	for _, o := range out {
		x.out[o] = true
	}
	for i := range snap.Departments {
		d := &snap.Departments[i]
		x.depts[d.ExternalID] = d
		x.order = append(x.order, d.ExternalID)
		x.leaderOf[d.ExternalID] = d.Leaders
	}
	slices.SortFunc(x.order, func(a, b string) int { return cmp.Compare(atoi(a), atoi(b)) })
	for _, id := range x.order {
		for p, hops := x.depts[id].Parent, 0; p != "" && p != root && hops <= len(x.order); hops++ {
			if x.out[p] {
				x.hidden[id] = true
				break
			}
			d, ok := x.depts[p]
			if !ok {
				break
			}
			p = d.Parent
		}
	}
	for i := range snap.Members {
		m := &snap.Members[i]
		if len(m.Departments) == 0 {
			m.Departments = []string{root} // every WeCom member is in a department
		}
		for _, d := range m.Departments {
			x.members[d] = append(x.members[d], m)
		}
	}
	w.index, w.version = x, version
	return x
}

func mapKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return math.MaxInt
	}
	return n
}

// wecomOrder turns the directory's order (smaller first) into WeCom's (larger first).
func wecomOrder(o int) int64 { return math.MaxUint32 - int64(min(max(o, 0), math.MaxUint32)) }

// visible reports whether the app may read the department.
func (x *wecomIndex) visible(id string) bool {
	_, ok := x.depts[id]
	return (ok || id == x.root) && !x.hidden[id] && !x.out[id]
}

func (x *wecomIndex) simplelist() []map[string]any {
	out := []map[string]any{{"id": 1, "parentid": 0, "order": 100000000}}
	for _, id := range x.order {
		if x.hidden[id] {
			continue
		}
		d := x.depts[id]
		out = append(out, map[string]any{"id": atoi(id), "parentid": atoi(cmp.Or(d.Parent, x.root)), "order": wecomOrder(d.Order)})
	}
	return out
}

func (x *wecomIndex) department(id string) (map[string]any, int) {
	d, ok := x.depts[id]
	switch {
	case id == x.root:
		return map[string]any{"id": 1, "name": "Company", "parentid": 0, "order": 100000000, "department_leader": []string{}}, 0
	case !ok:
		return nil, 60003
	case !x.visible(id):
		return nil, 60011
	}
	out := map[string]any{"id": atoi(id), "name": d.Name.Default, "parentid": atoi(cmp.Or(d.Parent, x.root)), "order": wecomOrder(d.Order),
		"department_leader": append([]string{}, d.Leaders...)}
	if en := d.Name.ByLang["en"]; en != "" {
		out["name_en"] = en
	}
	return out, 0
}

func (x *wecomIndex) users(id string, opts WeComOptions) ([]map[string]any, int) {
	if _, ok := x.depts[id]; !ok && id != x.root {
		return nil, 60003
	}
	if !x.visible(id) {
		return nil, 60011
	}
	out := []map[string]any{}
	for _, m := range x.members[id] {
		out = append(out, x.user(m, opts))
	}
	return out, 0
}

// user renders a member as user/list does.
func (x *wecomIndex) user(m *connector.Member, opts WeComOptions) map[string]any {
	v := m.Values
	if v == nil {
		v = &member.Member{}
	}
	u := map[string]any{"userid": m.ExternalID}
	put := func(f member.Field, key string, value any) {
		if m.Has(f) {
			u[key] = value
		}
	}
	put(member.FullNameField, "name", v.FullName)
	put(member.JobTitleField, "position", v.JobTitle)
	put(member.OfficePhoneField, "telephone", v.OfficePhone)
	if !opts.NewApp {
		put(member.MobileField, "mobile", v.Mobile)
		put(member.EmailField, "email", v.Email)
		put(member.AvatarField, "avatar", v.Avatar.URI)
		gender := "0" // WeCom has no "private": undefined
		if v.Gender == member.Male || v.Gender == member.Female {
			gender = strconv.Itoa(int(v.Gender))
		}
		put(member.GenderField, "gender", gender)
	}
	var deps []int
	var leads []int
	for _, d := range m.Departments {
		if !x.visible(d) {
			continue // WeCom lists only the departments the app may see
		}
		deps = append(deps, atoi(d))
		lead := slices.Contains(x.leaderOf[d], m.ExternalID)
		if m.LeaderInPresent {
			lead = slices.Contains(m.LeaderIn, d)
		}
		leads = append(leads, map[bool]int{false: 0, true: 1}[lead])
	}
	u["department"], u["is_leader_in_dept"] = deps, leads
	if len(deps) > 0 {
		u["main_department"] = deps[0]
	}
	if m.Has(member.ReportingManagerField) {
		var leaders []string
		if m.Manager != "" {
			leaders = append(leaders, m.Manager)
		}
		u["direct_leader"] = append([]string{}, leaders...)
	}
	switch m.Status {
	case connector.Disabled:
		u["status"] = 2
	case connector.Resigned:
		u["status"] = 5
	default:
		u["status"] = 1
	}
	var attrs []map[string]any
	for _, f := range slices.Sorted(func(yield func(member.Field) bool) {
		for f := range opts.ExtAttrs {
			if !yield(f) {
				return
			}
		}
	}) {
		if !m.Has(f) {
			continue
		}
		var text string
		switch f {
		case member.EmployeeNumberField:
			text = v.EmployeeNumber
		case member.WorkPlaceField:
			text = v.WorkPlace
		case member.HireDateField:
			if !v.HireDate.IsZero() {
				text = v.HireDate.String()
			}
		default:
			continue
		}
		attrs = append(attrs, map[string]any{"type": 0, "name": opts.ExtAttrs[f], "text": map[string]any{"value": text}})
	}
	if attrs != nil {
		u["extattr"] = map[string]any{"attrs": attrs}
	}
	return u
}
