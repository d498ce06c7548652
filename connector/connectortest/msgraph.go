package connectortest

import (
	"cmp"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/member"
)

// GraphOptions describe a fake Microsoft Entra tenant.
type GraphOptions struct {
	// TenantID, ClientID and ClientSecret are the credentials the token endpoint
	// accepts; empty means "11111111-2222-3333-4444-555555555555",
	// "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" and "test-secret".
	TenantID, ClientID, ClientSecret string
	// Certificate, when set, is the app's certificate: the token endpoint also
	// accepts a client assertion signed with its key (PS256 or RS256).
	Certificate *x509.Certificate
	// PageSize is the most users a page holds, whatever $top asks (0: $top, or
	// Graph's default of 100 without it).
	PageSize int
	// Domain is the tenant's domain for users without a sign-in account
	// (userPrincipalName is the member's external ID @ Domain); empty means
	// "contoso.onmicrosoft.com".
	Domain string
	// ExtensionAttributes names the on-premises extension attributes that carry
	// member fields Graph has no property for; nil means
	// DefaultGraphExtensionAttributes.
	ExtensionAttributes map[member.Field]string
	// ExpiredStatus is the answer to an expired delta link: 400 (the default, with
	// code syncStateNotFound, as users/delta answers) or 410.
	ExpiredStatus int
	// TokenLifetime is the lifetime the token endpoint announces (0 means 3599 s).
	TokenLifetime time.Duration
}

// DefaultGraphExtensionAttributes are the extension attributes a fake tenant keeps
// the generated members' work places in.
func DefaultGraphExtensionAttributes() map[member.Field]string {
	return map[member.Field]string{member.WorkPlaceField: "extensionAttribute1"}
}

// GraphServer serves a Source over HTTP as Microsoft Graph and the Microsoft
// identity platform do, for clients to be tested against: the v2.0 token endpoint
// (client credentials with a secret or a certificate assertion; authorization
// codes for sign-in, which Authorize issues as the browser would get them),
// /v1.0/users with $select,
// $expand=manager and $top, paged by @odata.nextLink; /v1.0/users/delta
// (initial round, $deltatoken=latest, delta links, @removed users, manager@delta);
// /v1.0/groups/{id}/transitiveMembers; the tenant's OpenID configuration and
// signing keys (JWKS), with ID tokens signed RS256 (RotateSigningKey,
// TamperIDTokens and SignWithForeignKey for the refusals). Users are rendered from the source's members:
// department is the name of the member's first department, companyName the name of
// that department's top-level ancestor (itself at the top), accountEnabled false for
// members not enabled; properties not selected are left out, as Graph does.
// Errors have Graph's shape ({"error": {code, message, innerError: {date,
// request-id, client-request-id}}}) and the request-id header. Faults are injected
// one call at a time: ExpireTokens (401), Throttle (429 or 503 with Retry-After),
// DropConnections, FailNext, FailAfter, ExpireDeltaLinks. It is safe for concurrent use.
type GraphServer struct {
	srv  *httptest.Server
	src  *Source
	opts GraphOptions

	fakeAPI
	throttle  int
	throttled int // status of throttled answers
	retryAt   string
	fail      map[string]apiFault
	guests    map[string]bool
	groups    map[string][]string
	seq       int
	oidc      *oidcIssuer
	cached    *graphIndex
}

type apiFault struct {
	status int
	code   string
	after  int // calls that succeed first
}

// NewGraphServer starts serving src. Close it when done.
func NewGraphServer(src *Source, opts GraphOptions) *GraphServer {
	opts.TenantID = cmp.Or(opts.TenantID, "11111111-2222-3333-4444-555555555555")
	opts.ClientID = cmp.Or(opts.ClientID, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
	opts.ClientSecret = cmp.Or(opts.ClientSecret, "test-secret")
	opts.Domain = cmp.Or(opts.Domain, "contoso.onmicrosoft.com")
	if opts.ExtensionAttributes == nil {
		opts.ExtensionAttributes = DefaultGraphExtensionAttributes()
	}
	opts.ExpiredStatus = cmp.Or(opts.ExpiredStatus, http.StatusBadRequest)
	opts.TokenLifetime = cmp.Or(opts.TokenLifetime, 3599*time.Second)
	g := &GraphServer{src: src, opts: opts, fail: map[string]apiFault{},
		guests: map[string]bool{}, groups: map[string][]string{}}
	g.initAPI()
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	return g
}

// URL is the server's base URL: both the login host and the Graph host.
func (g *GraphServer) URL() string { return g.srv.URL }

// Client is an HTTP client that talks to the server.
func (g *GraphServer) Client() *http.Client { return g.srv.Client() }

// Close stops the server.
func (g *GraphServer) Close() { g.srv.Close() }

// TenantID and ClientID are the tenant's and the app's IDs.
func (g *GraphServer) TenantID() string { return g.opts.TenantID }

// ClientID is the app's client ID.
func (g *GraphServer) ClientID() string { return g.opts.ClientID }

// Requests returns how many requests the path ("/v1.0/users") got, or all requests
// for "".
func (g *GraphServer) Requests(path string) int {
	return g.requestCount(path)
}

// TokensIssued returns how many app-only access tokens the server has issued.
func (g *GraphServer) TokensIssued() int {
	return g.tokensIssued()
}

// ExpireTokens makes every access token issued so far expire: calls with one
// answer 401 InvalidAuthenticationToken.
func (g *GraphServer) ExpireTokens() {
	g.expireTokens()
}

// Throttle makes the next n Graph calls answer status (429 or 503) with the
// Retry-After value retryAfter ("" for none; "2.128" for fractional seconds).
func (g *GraphServer) Throttle(n, status int, retryAfter string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.throttle, g.throttled, g.retryAt = n, status, retryAfter
}

// DropConnections makes the next n calls (token requests included) close the
// connection without an answer.
func (g *GraphServer) DropConnections(n int) { g.set(&g.drop, n) }

// FailNext makes the next Graph call of the path ("/v1.0/users") answer the HTTP
// status with the error code (403 Authorization_RequestDenied, say).
func (g *GraphServer) FailNext(path string, status int, code string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.fail[path] = apiFault{status: status, code: code}
}

// FailAfter lets the next after calls of the path succeed and makes the one after
// them answer the HTTP status with the error code: a page in the middle of a
// listing that fails.
func (g *GraphServer) FailAfter(path string, after, status int, code string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.fail[path] = apiFault{status: status, code: code, after: after}
}

// ExpireDeltaLinks makes every delta link handed out so far expire (the source's
// cursors too): they answer 400 syncStateNotFound (or GraphOptions.ExpiredStatus).
func (g *GraphServer) ExpireDeltaLinks() { g.src.ExpireCursors() }

// SetGuest marks members (external IDs) as guests (userType Guest), or as members
// again with guest false: the source's members stay as they are.
func (g *GraphServer) SetGuest(guest bool, ids ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, id := range ids {
		if guest {
			g.guests[id] = true
		} else {
			delete(g.guests, id)
		}
	}
	g.src.mu.Lock()
	defer g.src.mu.Unlock()
	for _, id := range ids { // a change of userType is a change of the user
		g.src.mems.touch(id, &g.src.version)
	}
}

// SetGroup defines a group (its object ID) with the members (external IDs) it holds,
// nested groups' members included.
func (g *GraphServer) SetGroup(id string, members ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.groups[id] = slices.Clone(members)
}

func (g *GraphServer) serve(rw http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.seq++
	reqID := fmt.Sprintf("00000000-0000-4000-8000-%012d", g.seq)
	path := r.URL.Path
	g.requests[path]++
	if g.dropLocked(rw) {
		return
	}
	rw.Header().Set("request-id", reqID)
	if crid := r.Header.Get("client-request-id"); crid != "" {
		rw.Header().Set("client-request-id", crid)
	}
	tenant := "/" + g.opts.TenantID
	switch {
	case path == tenant+"/oauth2/v2.0/token" && r.Method == http.MethodPost:
		defer g.mu.Unlock()
		g.token(rw, r, reqID)
		return
	case path == tenant+"/v2.0/.well-known/openid-configuration" || path == tenant+"/discovery/v2.0/keys":
		g.mu.Unlock()
		g.serveOIDC(rw, r)
		return
	case strings.HasSuffix(path, "/oauth2/v2.0/token"):
		g.mu.Unlock()
		tokenFail(rw, http.StatusBadRequest, "invalid_request", 90002, "Tenant '"+strings.Split(path, "/")[1]+"' not found.", reqID)
		return
	}
	auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	valid, known := g.tokens[auth]
	errAnswer := func(status int, code, msg string) {
		g.mu.Unlock()
		graphFail(rw, r, status, code, msg, reqID)
	}
	switch {
	case auth == "" || !known:
		errAnswer(http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty or invalid.")
		return
	case !valid:
		errAnswer(http.StatusUnauthorized, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
		return
	case g.throttle > 0:
		g.throttle--
		if g.retryAt != "" {
			rw.Header().Set("Retry-After", g.retryAt)
		}
		if g.throttled == http.StatusServiceUnavailable {
			errAnswer(g.throttled, "serviceNotAvailable", "The service is temporarily unavailable.")
		} else {
			errAnswer(http.StatusTooManyRequests, "TooManyRequests", "Too many requests.")
		}
		return
	}
	if f, ok := g.fail[path]; ok {
		if f.after > 0 {
			f.after--
			g.fail[path] = f
		} else {
			delete(g.fail, path)
			errAnswer(f.status, f.code, "fake error "+f.code)
			return
		}
	}
	guests := maps(g.guests)
	groups := g.groups
	g.mu.Unlock()

	q := r.URL.Query()
	switch {
	case path == "/v1.0/users":
		g.users(rw, r, q, guests, reqID)
	case path == "/v1.0/users/delta":
		g.delta(rw, r, q, guests, reqID)
	case strings.HasPrefix(path, "/v1.0/groups/") && (strings.HasSuffix(path, "/transitiveMembers/microsoft.graph.user") || strings.HasSuffix(path, "/transitiveMembers")):
		id := strings.Split(path, "/")[3]
		g.mu.Lock()
		members, ok := groups[id]
		g.mu.Unlock()
		if !ok {
			graphFail(rw, r, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+id+"' does not exist.", reqID)
			return
		}
		g.groupMembers(rw, r, q, members, reqID)
	default:
		graphFail(rw, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+path+"'.", reqID)
	}
}

func maps(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// graphFail answers Graph's error body.
func graphFail(rw http.ResponseWriter, r *http.Request, status int, code, msg, reqID string) {
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(status)
	_ = json.NewEncoder(rw).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg,
		"innerError": map[string]any{"date": "2026-12-06T00:00:00", "request-id": reqID, "client-request-id": r.Header.Get("client-request-id")}}})
}

// tokenFail answers the identity platform's error body.
func tokenFail(rw http.ResponseWriter, status int, code string, aadsts int, msg, reqID string) {
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(status)
	_ = json.NewEncoder(rw).Encode(map[string]any{"error": code, "error_description": fmt.Sprintf("AADSTS%d: %s", aadsts, msg),
		"error_codes": []int{aadsts}, "timestamp": "2026-12-06 00:00:00Z", "trace_id": reqID, "correlation_id": "corr-" + reqID})
}

// token serves the token endpoint. Call with g.mu held.
func (g *GraphServer) token(rw http.ResponseWriter, r *http.Request, reqID string) {
	if err := r.ParseForm(); err != nil {
		tokenFail(rw, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.", reqID)
		return
	}
	f := r.PostForm
	if f.Get("client_id") != g.opts.ClientID {
		tokenFail(rw, http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '"+f.Get("client_id")+"' was not found in the directory.", reqID)
		return
	}
	if f.Get("grant_type") == "authorization_code" {
		g.redeemCode(rw, r, f, reqID)
		return
	}
	if f.Get("grant_type") != "client_credentials" || !strings.HasSuffix(f.Get("scope"), "/.default") {
		tokenFail(rw, http.StatusBadRequest, "invalid_request", 70011, "The provided request must include a 'scope' input parameter ending in /.default.", reqID)
		return
	}
	switch {
	case f.Get("client_secret") != "":
		if f.Get("client_secret") != g.opts.ClientSecret {
			tokenFail(rw, http.StatusUnauthorized, "invalid_client", 7000215, "Invalid client secret provided.", reqID)
			return
		}
	case f.Get("client_assertion") != "":
		aud := "http://" + r.Host + r.URL.Path
		if f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || !g.assertionValid(f.Get("client_assertion"), aud) {
			tokenFail(rw, http.StatusUnauthorized, "invalid_client", 700027, "Client assertion failed signature validation.", reqID)
			return
		}
	default:
		tokenFail(rw, http.StatusUnauthorized, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", reqID)
		return
	}
	tok := g.issueLocked("graph-token-")
	writeJSON(rw, map[string]any{"token_type": "Bearer", "expires_in": int(g.opts.TokenLifetime / time.Second), "ext_expires_in": 3599, "access_token": tok})
}

// assertionValid checks a client assertion as Microsoft Entra does: signed with the
// certificate's key, the certificate's thumbprint in the header, the app as issuer
// and subject, the token endpoint as audience, not expired.
func (g *GraphServer) assertionValid(jwt, aud string) bool {
	if g.opts.Certificate == nil {
		return false
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return false
	}
	var h struct {
		Alg, X5t string
		S256     string `json:"x5t#S256"`
	}
	var c struct {
		Aud, Iss, Sub, Jti string
		Exp, Nbf           int64
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	cb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &h) != nil || json.Unmarshal(cb, &c) != nil {
		return false
	}
	sum := sha256.Sum256(g.opts.Certificate.Raw)
	if h.S256 != base64.RawURLEncoding.EncodeToString(sum[:]) {
		return false
	}
	pub, ok := g.opts.Certificate.PublicKey.(*rsa.PublicKey)
	if !ok {
		return false
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch h.Alg {
	case "PS256":
		err1 = rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, nil)
	case "RS256":
		err1 = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
	default:
		return false
	}
	now := time.Now().Unix()
	return err1 == nil && c.Aud == aud && c.Iss == g.opts.ClientID && c.Sub == g.opts.ClientID && c.Jti != "" && c.Exp > now && c.Nbf <= now+300
}

// graphIndex is the source as Graph shows it.
type graphIndex struct {
	version  uint64
	expired  uint64
	users    []graphUser // live members, in insertion order
	removed  []graphUser // removed members (tombstones), with their versions
	deptName map[string]string
	deptTop  map[string]string
	deptVer  map[string]uint64 // the version that last changed a department or its ancestors
}

type graphUser struct {
	m       connector.Member
	version uint64
}

// index copies the source as it is now (again only when it changed).
func (g *GraphServer) index() *graphIndex {
	s := g.src
	g.mu.Lock()
	defer g.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if x := g.cached; x != nil && x.version == s.version && x.expired == s.expiredBefore {
		return x
	}
	x := &graphIndex{version: s.version, expired: s.expiredBefore, deptName: map[string]string{}, deptTop: map[string]string{}, deptVer: map[string]uint64{}}
	for _, ext := range s.depts.ids() {
		e := s.depts.byID[ext]
		x.deptName[ext] = e.v.Name.Default
		top, ver := ext, e.version
		for hops := 0; hops <= len(s.depts.order); hops++ {
			p := s.depts.byID[top].v.Parent
			pe, ok := s.depts.live(p)
			if p == "" || p == s.rootID || !ok {
				break
			}
			top, ver = p, max(ver, pe.version)
		}
		x.deptTop[ext], x.deptVer[ext] = top, ver
	}
	for _, ext := range s.mems.order {
		e := s.mems.byID[ext]
		if e.removed {
			x.removed = append(x.removed, graphUser{m: connector.Member{ExternalID: ext}, version: e.version})
		} else {
			x.users = append(x.users, graphUser{m: e.v.Clone(), version: e.version})
		}
	}
	g.cached = x
	return x
}

// user renders a member as Graph does, with the selected properties.
func (g *GraphServer) user(x *graphIndex, m *connector.Member, sel map[string]bool, expandManager, delta, guest bool) map[string]any {
	v := m.Values
	if v == nil {
		v = &member.Member{}
	}
	u := map[string]any{"id": m.ExternalID}
	put := func(key string, value any) {
		if sel[key] {
			u[key] = value
		}
	}
	str := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	put("displayName", str(v.FullName))
	put("mail", str(v.Email))
	put("userPrincipalName", cmp.Or(v.SSOAccount, m.ExternalID+"@"+g.opts.Domain))
	put("mobilePhone", str(v.Mobile))
	phones := []string{}
	if v.OfficePhone != "" {
		phones = append(phones, v.OfficePhone)
	}
	put("businessPhones", phones)
	put("jobTitle", str(v.JobTitle))
	put("employeeId", str(v.EmployeeNumber))
	var hire any
	if !v.HireDate.IsZero() {
		hire = v.HireDate.String() + "T00:00:00Z"
	}
	put("employeeHireDate", hire)
	put("accountEnabled", m.Status == connector.Enabled)
	put("userType", map[bool]string{false: "Member", true: "Guest"}[guest])
	put("preferredLanguage", str(v.Language))
	put("givenName", nil)
	put("surname", nil)
	put("officeLocation", nil)
	var dept, company any
	if len(m.Departments) > 0 {
		if name, ok := x.deptName[m.Departments[0]]; ok {
			dept, company = name, x.deptName[x.deptTop[m.Departments[0]]]
		}
	}
	put("department", dept)
	put("companyName", company)
	if sel["onPremisesExtensionAttributes"] {
		attrs := map[string]any{}
		for i := 1; i <= 15; i++ {
			attrs["extensionAttribute"+strconv.Itoa(i)] = nil
		}
		for f, name := range g.opts.ExtensionAttributes {
			if !m.Has(f) {
				continue
			}
			w := &member.Member{}
			f.Copy(w, v)
			switch f {
			case member.WorkPlaceField:
				attrs[name] = str(w.WorkPlace)
			case member.EmployeeNumberField:
				attrs[name] = str(w.EmployeeNumber)
			case member.ExtendedAField:
				attrs[name] = str(w.ExtendedA)
			case member.ExtendedBField:
				attrs[name] = str(w.ExtendedB)
			}
		}
		u["onPremisesExtensionAttributes"] = attrs
	}
	mgr := map[string]any{"@odata.type": "#microsoft.graph.user", "id": m.Manager}
	switch {
	case delta && sel["manager"] && m.Manager != "":
		u["manager@delta"] = []any{mgr}
	case delta && sel["manager"]:
		u["manager@delta"] = []any{}
	case expandManager && m.Manager != "":
		u["manager"] = mgr
	}
	return u
}

// defaultSelect is what Graph gives of a user without $select.
var defaultSelect = []string{"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation",
	"preferredLanguage", "surname", "userPrincipalName"}

func selection(s string) map[string]bool {
	out := map[string]bool{}
	if s == "" {
		for _, k := range defaultSelect {
			out[k] = true
		}
		return out
	}
	for _, k := range strings.Split(s, ",") {
		out[strings.TrimSpace(k)] = true
	}
	return out
}

// pageState is what a skip token carries.
type pageState struct {
	Select  string `json:"s"`
	Expand  string `json:"e"`
	Top     int    `json:"t"`
	Offset  int    `json:"o"`
	Version uint64 `json:"v"` // delta: the version the round shows
	After   uint64 `json:"a"` // delta: changes after this version
}

func encodeState(p pageState) string {
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeState(s string) (pageState, bool) {
	var p pageState
	b, err := base64.RawURLEncoding.DecodeString(s)
	return p, err == nil && json.Unmarshal(b, &p) == nil
}

// top settles the page size from $top and the server's own limit; 0 and false for
// a $top Graph refuses.
func (g *GraphServer) top(q url.Values, st *pageState) bool {
	if st.Top == 0 {
		st.Top = 100
		if t := q.Get("$top"); t != "" {
			n, err := strconv.Atoi(t)
			if err != nil || n < 1 || n > 999 {
				return false
			}
			st.Top = n
		}
	}
	return true
}

func (g *GraphServer) pageLimit(st pageState) int {
	if g.opts.PageSize > 0 {
		return min(st.Top, g.opts.PageSize)
	}
	return st.Top
}

func (g *GraphServer) users(rw http.ResponseWriter, r *http.Request, q url.Values, guests map[string]bool, reqID string) {
	st := pageState{Select: q.Get("$select"), Expand: q.Get("$expand")}
	if tok := q.Get("$skiptoken"); tok != "" {
		var ok bool
		if st, ok = decodeState(tok); !ok {
			graphFail(rw, r, http.StatusBadRequest, "Directory_ExpiredPageToken", "The specified page token value has expired.", reqID)
			return
		}
	}
	if !g.top(q, &st) {
		graphFail(rw, r, http.StatusBadRequest, "Request_UnsupportedQuery", "Invalid page size specified: '"+q.Get("$top")+"'. Must be between 1 and 999 inclusive.", reqID)
		return
	}
	x := g.index()
	sel := selection(st.Select)
	end := min(st.Offset+g.pageLimit(st), len(x.users))
	value := []any{}
	for i := st.Offset; i < end; i++ {
		value = append(value, g.user(x, &x.users[i].m, sel, strings.HasPrefix(st.Expand, "manager"), false, guests[x.users[i].m.ExternalID]))
	}
	out := map[string]any{"@odata.context": g.srv.URL + "/v1.0/$metadata#users", "value": value}
	if end < len(x.users) {
		st.Offset = end
		out["@odata.nextLink"] = g.srv.URL + "/v1.0/users?$skiptoken=" + encodeState(st)
	}
	writeJSON(rw, out)
}

func (g *GraphServer) delta(rw http.ResponseWriter, r *http.Request, q url.Values, guests map[string]bool, reqID string) {
	x := g.index()
	st := pageState{Select: q.Get("$select"), Version: x.version}
	switch {
	case q.Get("$deltatoken") == "latest":
		writeJSON(rw, map[string]any{"@odata.context": g.srv.URL + "/v1.0/$metadata#users", "value": []any{},
			"@odata.deltaLink": g.srv.URL + "/v1.0/users/delta?$deltatoken=" + encodeState(pageState{Select: st.Select, After: x.version})})
		return
	case q.Get("$deltatoken") != "":
		p, ok := decodeState(q.Get("$deltatoken"))
		if !ok || p.After < x.expired {
			if g.opts.ExpiredStatus == http.StatusGone {
				graphFail(rw, r, http.StatusGone, "resyncRequired", "The delta token has expired; resync is required.", reqID)
			} else {
				graphFail(rw, r, http.StatusBadRequest, "syncStateNotFound", "The sync state generation is not found. Delta tokens may expire after a period of time, and the client is expected to restart the sync process from the beginning.", reqID)
			}
			return
		}
		st = pageState{Select: p.Select, After: p.After, Version: x.version}
	case q.Get("$skiptoken") != "":
		p, ok := decodeState(q.Get("$skiptoken"))
		if !ok || p.After > 0 && p.After < x.expired {
			graphFail(rw, r, http.StatusBadRequest, "syncStateNotFound", "The sync state generation is not found.", reqID)
			return
		}
		st = p
	}
	if !g.top(q, &st) {
		graphFail(rw, r, http.StatusBadRequest, "Request_UnsupportedQuery", "Invalid page size specified.", reqID)
		return
	}
	// the users that changed after st.After: their own record, or a department
	// whose name they carry; and the removed ones
	var changed []any
	sel := selection(st.Select)
	for i := range x.users {
		u := &x.users[i]
		ver := u.version
		if len(u.m.Departments) > 0 {
			ver = max(ver, x.deptVer[u.m.Departments[0]])
		}
		if ver > st.After {
			changed = append(changed, g.user(x, &u.m, sel, false, true, guests[u.m.ExternalID]))
		}
	}
	if st.After > 0 {
		for _, u := range x.removed {
			if u.version > st.After {
				changed = append(changed, map[string]any{"id": u.m.ExternalID, "@removed": map[string]any{"reason": "changed"}})
			}
		}
	}
	end := min(st.Offset+g.pageLimit(st), len(changed))
	value := []any{}
	if st.Offset < end {
		value = changed[st.Offset:end]
	}
	out := map[string]any{"@odata.context": g.srv.URL + "/v1.0/$metadata#users", "value": value}
	if end < len(changed) {
		next := st
		next.Offset = end
		out["@odata.nextLink"] = g.srv.URL + "/v1.0/users/delta?$skiptoken=" + encodeState(next)
	} else {
		out["@odata.deltaLink"] = g.srv.URL + "/v1.0/users/delta?$deltatoken=" + encodeState(pageState{Select: st.Select, After: st.Version})
	}
	writeJSON(rw, out)
}

func (g *GraphServer) groupMembers(rw http.ResponseWriter, r *http.Request, q url.Values, members []string, reqID string) {
	st := pageState{}
	if tok := q.Get("$skiptoken"); tok != "" {
		var ok bool
		if st, ok = decodeState(tok); !ok {
			graphFail(rw, r, http.StatusBadRequest, "Directory_ExpiredPageToken", "The specified page token value has expired.", reqID)
			return
		}
	}
	if !g.top(q, &st) {
		graphFail(rw, r, http.StatusBadRequest, "Request_UnsupportedQuery", "Invalid page size specified.", reqID)
		return
	}
	end := min(st.Offset+g.pageLimit(st), len(members))
	value := []any{}
	for _, id := range members[st.Offset:end] {
		value = append(value, map[string]any{"@odata.type": "#microsoft.graph.user", "id": id})
	}
	out := map[string]any{"value": value}
	if end < len(members) {
		st.Offset = end
		out["@odata.nextLink"] = g.srv.URL + r.URL.Path + "?$skiptoken=" + encodeState(st)
	}
	writeJSON(rw, out)
}
