package connectortest

import (
	"cmp"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/member"
)

// DingTalkOptions describe a fake DingTalk organization.
type DingTalkOptions struct {
	// AppKey and AppSecret are the credentials gettoken and the login's token
	// exchange accept, CorpID the organization's ID; empty means "ding-test-app",
	// "test-secret" and "ding-test-corp".
	AppKey, AppSecret, CorpID string
	// Extension names the extension attributes (the JSON object DingTalk calls
	// extension) that carry member fields DingTalk has no field for, e.g.
	// {member.ExtendedAField: "工牌"}; nil means none.
	Extension map[member.Field]string
}

// DingTalkServer serves a Source over HTTP as DingTalk's server API does, for
// clients to be tested against: gettoken, department/listsub and department/get
// (POST with a JSON body, the root "1"), user/list (pages of at most 100 with a
// cursor, has_more and next_cursor; a member listed under each of its departments,
// with the leader flag of the department asked), user/get and user/getbyunionid,
// and the QR-code login's token exchange and profile on the api host
// (/v1.0/oauth2/userAccessToken, /v1.0/contact/users/me). It answers with
// DingTalk's envelopes ({errcode, errmsg, request_id}, HTTP 200 even on failure)
// and field shapes: numeric department IDs, dept_id_list, mobiles apart from their
// country code (state_code; a source's "+852 91234567" is served as "91234567"
// and "852"), hired_date in epoch
// milliseconds at midnight China time, unset fields left out, members' unionid
// "union-" + userid; and error codes: 40089 for bad credentials, 40014 for an
// unknown token and 88 with sub_code 40014 for an expired one, 50004 for
// departments out of the app's scope (Source.SetOutOfScope), 60003 for unknown
// departments, 60121 for unknown users, 400002 for a page size over 100.
// Departments must have numeric IDs (Options.NumericDepartmentIDs) under the root
// "1"; members without departments are served in the root; fields the source
// withholds (Source.WithholdFields) are left out as DingTalk leaves out fields the
// app has no permission for. Faults are injected call by call: ExpireTokens,
// Throttle, TooManyRequests, Busy, DropConnections, FailNext, FailNth. It is safe
// for concurrent use.
type DingTalkServer struct {
	srv  *httptest.Server
	src  *Source
	opts DingTalkOptions

	fakeAPI
	throttle int
	tooMany  int    // HTTP 429 answers to give
	after    string // their Retry-After
	busy     int
	fail     map[string][]int // path → codes of its next calls (0: answer)
	codes    map[string]string
	userTok  map[string]string // login access token → unionid
	reqs     int
	index    *dingIndex
	version  uint64
}

// NewDingTalkServer starts serving src. Close it when done.
func NewDingTalkServer(src *Source, opts DingTalkOptions) *DingTalkServer {
	opts.AppKey = cmp.Or(opts.AppKey, "ding-test-app")
	opts.AppSecret = cmp.Or(opts.AppSecret, "test-secret")
	opts.CorpID = cmp.Or(opts.CorpID, "ding-test-corp")
	d := &DingTalkServer{src: src, opts: opts, fail: map[string][]int{},
		codes: map[string]string{}, userTok: map[string]string{}}
	d.initAPI()
	d.srv = httptest.NewServer(http.HandlerFunc(d.serve))
	return d
}

// URL is the server's base URL: the client's BaseURL, APIBaseURL and LoginURL.
func (d *DingTalkServer) URL() string { return d.srv.URL }

// Client is an HTTP client that talks to the server.
func (d *DingTalkServer) Client() *http.Client { return d.srv.Client() }

// Close stops the server.
func (d *DingTalkServer) Close() { d.srv.Close() }

// Requests returns how many requests the path ("/topapi/v2/user/list") got, or all
// requests for "".
func (d *DingTalkServer) Requests(path string) int {
	return d.requestCount(path)
}

// TokensIssued returns how many app access tokens the server has issued.
func (d *DingTalkServer) TokensIssued() int {
	return d.tokensIssued()
}

// ExpireTokens makes every token issued so far expire: calls with one answer 88
// with sub_code 40014, as DingTalk does.
func (d *DingTalkServer) ExpireTokens() {
	d.expireTokens()
}

// Throttle makes the next n API calls answer 90018 (too many calls a second).
func (d *DingTalkServer) Throttle(n int) { d.set(&d.throttle, n) }

// TooManyRequests makes the next n API calls answer HTTP 429 with the Retry-After
// header retryAfter (seconds, possibly fractional; "" for none), as DingTalk's
// gateway does when an app floods it.
func (d *DingTalkServer) TooManyRequests(n int, retryAfter string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.tooMany, d.after = n, retryAfter
}

// Busy makes the next n API calls answer -1 (system busy).
func (d *DingTalkServer) Busy(n int) { d.set(&d.busy, n) }

// DropConnections makes the next n API calls close the connection without an answer.
func (d *DingTalkServer) DropConnections(n int) { d.set(&d.drop, n) }

// FailNext makes the next call of the path answer the error code.
func (d *DingTalkServer) FailNext(path string, code int) { d.FailNth(path, 1, code) }

// FailNth makes the n-th next call of the path (1 the next) answer the error code:
// FailNth("/topapi/v2/user/list", 2, 400002) fails the second page of a listing.
func (d *DingTalkServer) FailNth(path string, n, code int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	q := d.fail[path]
	for len(q) < n {
		q = append(q, 0)
	}
	q[n-1] = code
	d.fail[path] = q
}

// LoginCode returns a fresh authorization code, as DingTalk's login page hands one
// to the app's redirect address after the user with the unionid scans the QR code
// and consents. Members' unionids are "union-" + their userid; any other unionid is
// a DingTalk user outside the organization.
func (d *DingTalkServer) LoginCode(unionID string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	code := "code-" + rand.Text()
	d.codes[code] = unionID
	return code
}

// UnionID returns the unionid the server gives the member with the userid.
func UnionID(userID string) string { return "union-" + userID }

func (d *DingTalkServer) requestID() string {
	d.reqs++
	return fmt.Sprintf("fake-req-%d", d.reqs)
}

// failure answers a DingTalk error envelope. Call with d.mu held.
func (d *DingTalkServer) failure(rw http.ResponseWriter, code int, msg string, sub bool) {
	out := map[string]any{"errcode": code, "errmsg": msg, "request_id": d.requestID()}
	if sub {
		out["errcode"], out["errmsg"], out["sub_code"], out["sub_msg"] = 88, "sub error", strconv.Itoa(code), msg
	}
	writeJSON(rw, out)
}

func (d *DingTalkServer) serve(rw http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	q := r.URL.Query()
	d.mu.Lock()
	d.requests[path]++
	if d.dropLocked(rw) {
		return
	}
	if d.tooMany > 0 && path != "/gettoken" {
		d.tooMany--
		defer d.mu.Unlock()
		if d.after != "" {
			rw.Header().Set("Retry-After", d.after)
		}
		rw.WriteHeader(http.StatusTooManyRequests)
		return
	}
	switch {
	case path == "/gettoken":
		defer d.mu.Unlock()
		if q.Get("appkey") != d.opts.AppKey || q.Get("appsecret") != d.opts.AppSecret {
			d.failure(rw, 40089, "不合法的appKey或appSecret", false)
			return
		}
		tok := d.issueLocked("token-")
		writeJSON(rw, map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": 7200})
		return
	case strings.HasPrefix(path, "/v1.0/"):
		d.serveNew(rw, r) // unlocks
		return
	}
	var body map[string]any
	if r.Method != http.MethodPost || json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body) != nil {
		defer d.mu.Unlock()
		d.failure(rw, 400002, "无效的参数: a POST with a JSON body is expected", false)
		return
	}
	valid, known := d.tokens[q.Get("access_token")]
	code, sub := 0, false
	switch {
	case q.Get("access_token") == "" || !known:
		code = 40014
	case !valid:
		code, sub = 40014, true
	case d.throttle > 0:
		d.throttle--
		code = 90018
	case d.busy > 0:
		d.busy--
		code = -1
	case len(d.fail[path]) > 0:
		code = d.fail[path][0]
		d.fail[path] = d.fail[path][1:]
	}
	if code != 0 {
		defer d.mu.Unlock()
		d.failure(rw, code, fmt.Sprintf("fake error %d", code), sub)
		return
	}
	x := d.indexLocked()
	reqID := d.requestID()
	d.mu.Unlock()
	answer := func(result any, code int, msg string) {
		if code != 0 {
			writeJSON(rw, map[string]any{"errcode": code, "errmsg": msg, "request_id": reqID})
			return
		}
		writeJSON(rw, map[string]any{"errcode": 0, "errmsg": "ok", "result": result, "request_id": reqID})
	}
	num := func(key string) string {
		switch v := body[key].(type) {
		case float64:
			return strconv.FormatInt(int64(v), 10)
		case string:
			return v
		}
		return ""
	}
	switch path {
	case "/topapi/v2/department/listsub":
		id := cmp.Or(num("dept_id"), x.root)
		out, code := x.listsub(id)
		answer(out, code, "department "+id)
	case "/topapi/v2/department/get":
		id := num("dept_id")
		out, code := x.department(id)
		answer(out, code, "department "+id)
	case "/topapi/v2/user/list":
		id := num("dept_id")
		cursor, _ := strconv.Atoi(cmp.Or(num("cursor"), "0"))
		size, _ := strconv.Atoi(num("size"))
		out, code := x.users(id, cursor, size, d.opts)
		answer(out, code, "department "+id)
	case "/topapi/v2/user/get":
		id, _ := body["userid"].(string)
		m, ok := x.byID[id]
		if !ok {
			answer(nil, 60121, "找不到该用户")
			return
		}
		answer(x.user(m, "", true, d.opts), 0, "")
	case "/topapi/user/getbyunionid":
		u, _ := body["unionid"].(string)
		id, ok := strings.CutPrefix(u, "union-")
		if _, member := x.byID[id]; !ok || !member {
			answer(nil, 60121, "找不到该用户")
			return
		}
		answer(map[string]any{"contact_type": 0, "userid": id}, 0, "")
	default:
		answer(nil, 40058, "unknown API "+path) // DingTalk: 不合法的参数
	}
}

// serveNew serves the api host's login calls. Called with d.mu held; unlocks it.
func (d *DingTalkServer) serveNew(rw http.ResponseWriter, r *http.Request) {
	defer d.mu.Unlock()
	fail := func(status int, code, msg string) {
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(status)
		_ = json.NewEncoder(rw).Encode(map[string]any{"code": code, "message": msg, "requestid": d.requestID()})
	}
	switch r.URL.Path {
	case "/v1.0/oauth2/userAccessToken":
		var in struct{ ClientID, ClientSecret, Code, GrantType string }
		if r.Method != http.MethodPost || json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in) != nil {
			fail(http.StatusBadRequest, "MissingParameter", "a JSON body is expected")
			return
		}
		union, ok := d.codes[in.Code]
		switch {
		case in.ClientID != d.opts.AppKey || in.ClientSecret != d.opts.AppSecret:
			fail(http.StatusBadRequest, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
		case in.GrantType != "authorization_code":
			fail(http.StatusBadRequest, "invalidGrantType", "grantType must be authorization_code")
		case !ok:
			fail(http.StatusBadRequest, "invalidAuthCode", "不合法的临时授权码")
		default:
			delete(d.codes, in.Code) // a code is good once
			tok := "user-" + rand.Text()
			d.userTok[tok] = union
			writeJSON(rw, map[string]any{"accessToken": tok, "refreshToken": "refresh-" + rand.Text(), "expireIn": 7200, "corpId": d.opts.CorpID})
		}
	case "/v1.0/contact/users/me":
		union, ok := d.userTok[r.Header.Get("x-acs-dingtalk-access-token")]
		if !ok {
			fail(http.StatusUnauthorized, "InvalidAuthentication", "不合法的access_token")
			return
		}
		writeJSON(rw, map[string]any{"nick": "someone", "unionId": union, "openId": "open-" + union, "stateCode": "86"})
	default:
		fail(http.StatusNotFound, "NotFound", "unknown API "+r.URL.Path)
	}
}

// dingIndex is the source as DingTalk's APIs see it, rebuilt when the source changes.
type dingIndex struct {
	root     string
	depts    map[string]*connector.Department
	children map[string][]string // parent → children, in ID order
	hidden   map[string]bool     // below a department out of scope
	out      map[string]bool     // out of the app's scope
	members  map[string][]*connector.Member
	byID     map[string]*connector.Member
	leaders  map[string][]string // department → its leaders, in order
	withheld []member.Field
}

// indexLocked returns the index of the source as it is now. Call with d.mu held.
func (d *DingTalkServer) indexLocked() *dingIndex {
	d.src.mu.Lock()
	version, out, withheld := d.src.version, slices.Clone(d.src.outOfScope), slices.Clone(d.src.withheld)
	if d.index != nil && d.version == version && slices.Equal(mapKeys(d.index.out), sortedCopy(out)) &&
		slices.Equal(d.index.withheld, withheld) {
		d.src.mu.Unlock()
		return d.index
	}
	var snap connector.Snapshot
	for _, ext := range d.src.depts.ids() {
		snap.Departments = append(snap.Departments, d.src.depts.byID[ext].v.Clone())
	}
	for _, ext := range d.src.mems.ids() {
		snap.Members = append(snap.Members, d.src.mems.byID[ext].v.Clone())
	}
	root := d.src.rootID
	d.src.mu.Unlock()

	x := &dingIndex{root: root, depts: map[string]*connector.Department{}, children: map[string][]string{}, hidden: map[string]bool{},
		out: map[string]bool{}, members: map[string][]*connector.Member{}, byID: map[string]*connector.Member{},
		leaders: map[string][]string{}, withheld: withheld}
	for _, o := range out {
		x.out[o] = true
	}
	var ids []string
	for i := range snap.Departments {
		dep := &snap.Departments[i]
		x.depts[dep.ExternalID] = dep
		ids = append(ids, dep.ExternalID)
		x.leaders[dep.ExternalID] = slices.Clone(dep.Leaders)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(atoi(a), atoi(b)) })
	for _, id := range ids {
		p := cmp.Or(x.depts[id].Parent, root)
		x.children[p] = append(x.children[p], id)
		for p, hops := x.depts[id].Parent, 0; p != "" && p != root && hops <= len(ids); hops++ {
			if x.out[p] {
				x.hidden[id] = true
				break
			}
			dep, ok := x.depts[p]
			if !ok {
				break
			}
			p = dep.Parent
		}
	}
	for i := range snap.Members {
		m := &snap.Members[i]
		if len(m.Departments) == 0 {
			m.Departments = []string{root} // every DingTalk member is in a department
		}
		x.byID[m.ExternalID] = m
		for _, dep := range m.Departments {
			if !slices.Contains(x.members[dep], m) {
				x.members[dep] = append(x.members[dep], m)
			}
		}
		if m.LeaderInPresent {
			for _, dep := range m.LeaderIn {
				if !slices.Contains(x.leaders[dep], m.ExternalID) {
					x.leaders[dep] = append(x.leaders[dep], m.ExternalID)
				}
			}
		}
	}
	d.index, d.version = x, version
	return x
}

// readable reports whether the app may read the department: 0, or DingTalk's code.
func (x *dingIndex) readable(id string) int {
	if _, ok := x.depts[id]; !ok && id != x.root {
		return 60003
	}
	if x.out[id] || x.hidden[id] {
		return 50004
	}
	return 0
}

func (x *dingIndex) listsub(id string) ([]map[string]any, int) {
	if code := x.readable(id); code != 0 {
		return nil, code
	}
	out := []map[string]any{}
	for _, ch := range x.children[id] {
		dep := x.depts[ch]
		out = append(out, map[string]any{"dept_id": atoi(ch), "name": dep.Name.Default, "parent_id": atoi(cmp.Or(dep.Parent, x.root)),
			"create_dept_group": false, "auto_add_user": false})
	}
	return out, 0
}

func (x *dingIndex) department(id string) (map[string]any, int) {
	if code := x.readable(id); code != 0 {
		return nil, code
	}
	if id == x.root {
		return map[string]any{"dept_id": 1, "name": "Company", "order": 0}, 0
	}
	dep := x.depts[id]
	out := map[string]any{"dept_id": atoi(id), "name": dep.Name.Default, "parent_id": atoi(cmp.Or(dep.Parent, x.root)), "order": dep.Order,
		"outer_dept": false, "hide_dept": false}
	if l := x.leaders[id]; len(l) > 0 { // DingTalk leaves the list out when there is no leader
		out["dept_manager_userid_list"] = slices.Clone(l)
	}
	return out, 0
}

func (x *dingIndex) users(id string, cursor, size int, opts DingTalkOptions) (map[string]any, int) {
	if size < 1 || size > 100 || cursor < 0 {
		return nil, 400002
	}
	if code := x.readable(id); code != 0 {
		return nil, code
	}
	all := x.members[id]
	end := min(cursor+size, len(all))
	list := []map[string]any{}
	for _, m := range all[min(cursor, len(all)):end] {
		list = append(list, x.user(m, id, false, opts))
	}
	out := map[string]any{"has_more": end < len(all), "list": list}
	if end < len(all) {
		out["next_cursor"] = end
	}
	return out, 0
}

// user renders a member as user/list (listed in dept) or user/get (details) does.
func (x *dingIndex) user(m *connector.Member, dept string, details bool, opts DingTalkOptions) map[string]any {
	v := m.Values
	if v == nil {
		v = &member.Member{}
	}
	u := map[string]any{"userid": m.ExternalID, "unionid": UnionID(m.ExternalID), "active": m.Status == connector.Enabled,
		"admin": false, "boss": false, "hide_mobile": false, "real_authed": true}
	put := func(f member.Field, key string, value string) {
		if m.Has(f) && value != "" && !slices.Contains(x.withheld, f) { // DingTalk leaves unset fields out
			u[key] = value
		}
	}
	put(member.FullNameField, "name", v.FullName)
	put(member.JobTitleField, "title", v.JobTitle)
	put(member.EmployeeNumberField, "job_number", v.EmployeeNumber)
	put(member.OfficePhoneField, "telephone", v.OfficePhone)
	put(member.WorkPlaceField, "work_place", v.WorkPlace)
	put(member.EmailField, "email", v.Email)
	put(member.AvatarField, "avatar", v.Avatar.URI)
	if mob := v.Mobile; m.Has(member.MobileField) && mob != "" && !slices.Contains(x.withheld, member.MobileField) {
		u["mobile"], u["state_code"] = strings.TrimPrefix(mob, "+86"), "86"
		if cc, rest, ok := strings.Cut(mob, " "); ok && strings.HasPrefix(cc, "+") { // "+852 91234567"
			u["mobile"], u["state_code"] = rest, cc[1:]
		}
	}
	if m.Has(member.HireDateField) && !v.HireDate.IsZero() {
		at := time.Date(v.HireDate.Year, v.HireDate.Month, v.HireDate.Day, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
		u["hired_date"] = at.UnixMilli()
	}
	deps := []int{}
	for _, dep := range m.Departments {
		deps = append(deps, atoi(dep))
	}
	u["dept_id_list"] = deps
	if dept != "" {
		u["leader"] = slices.Contains(x.leaders[dept], m.ExternalID)
		u["dept_order"] = 0
	}
	if details {
		var lead []map[string]any
		for _, dep := range m.Departments {
			lead = append(lead, map[string]any{"dept_id": atoi(dep), "leader": slices.Contains(x.leaders[dep], m.ExternalID)})
		}
		u["leader_in_dept"] = lead
		if m.Manager != "" {
			u["manager_userid"] = m.Manager
		}
	}
	ext := map[string]string{}
	for f, name := range opts.Extension {
		if !m.Has(f) {
			continue
		}
		var text string
		switch f {
		case member.ExtendedAField:
			text = v.ExtendedA
		case member.ExtendedBField:
			text = v.ExtendedB
		case member.BioField:
			text = v.Bio
		case member.BirthdayField:
			if !v.Birthday.IsZero() {
				text = v.Birthday.String()
			}
		default:
			continue
		}
		if text != "" {
			ext[name] = text
		}
	}
	if len(ext) > 0 {
		b, _ := json.Marshal(ext)
		u["extension"] = string(b) // a JSON object in a string, as DingTalk gives it
	}
	return u
}
