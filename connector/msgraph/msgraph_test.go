package msgraph_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/msgraph"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

const (
	tenantID = "11111111-2222-3333-4444-555555555555"
	clientID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	secret   = "s3cr3t~graph.client_secret"
)

// fixture is a generated tenant served by the fake Graph API, and a client of it.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	src    *connectortest.Source
	srv    *connectortest.GraphServer
	client *msgraph.Client
	sleeps *sleeps
	opts   msgraph.Options
}

// sleeps records the client's waits instead of waiting (no test depends on time).
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.d)
}

func extAttrs() map[string]member.Field {
	return map[string]member.Field{"extensionAttribute1": member.WorkPlaceField}
}

func newFixture(t *testing.T, gen connectortest.GenerateOptions, srvOpts connectortest.GraphOptions, opts msgraph.Options) *fixture {
	t.Helper()
	gen.Platform = orgkit.Teams
	src := connectortest.Generate(gen)
	srvOpts.ClientSecret = secret
	srv := connectortest.NewGraphServer(src, srvOpts)
	t.Cleanup(srv.Close)
	f := &fixture{t: t, ctx: context.Background(), src: src, srv: srv, sleeps: &sleeps{}}
	opts.LoginURL, opts.GraphURL, opts.HTTPClient, opts.Sleep = srv.URL(), srv.URL(), srv.Client(), f.sleeps.sleep
	if opts.ExtensionAttributes == nil {
		opts.ExtensionAttributes = extAttrs()
	}
	f.opts = opts
	f.client = f.newClient(msgraph.Config{TenantID: tenantID, ClientID: clientID, ClientSecret: connector.NewSecret(secret)}, opts)
	return f
}

func (f *fixture) newClient(cfg msgraph.Config, opts msgraph.Options) *msgraph.Client {
	f.t.Helper()
	c, err := msgraph.New(cfg, opts)
	require.NoError(f.t, err)
	return c
}

func small() connectortest.GenerateOptions {
	return connectortest.GenerateOptions{Seed: 13, Departments: 20, Members: 120, InactiveShare: 0.05}
}

// expected renders the source as the client should read it, with Options (company
// level or not), leaving out the guests.
func expected(src *connectortest.Source, companyLevel bool, guests ...string) []string {
	snap := src.Snapshot()
	byID := map[string]connector.Department{}
	for _, d := range snap.Departments {
		byID[d.ExternalID] = d
	}
	top := func(ext string) string {
		for hops := 0; hops < 100; hops++ {
			p := byID[ext].Parent
			if _, ok := byID[p]; !ok {
				return ext
			}
			ext = p
		}
		return ext
	}
	var out []string
	depts := map[string]string{}
	for _, m := range snap.Members {
		if slices.Contains(guests, m.ExternalID) {
			continue
		}
		var dept string
		if len(m.Departments) > 0 {
			d := byID[m.Departments[0]]
			company := ""
			if companyLevel {
				company = byID[top(d.ExternalID)].Name.Default
				depts[msgraph.CompanyID(company)] = "parent= name=" + company
			}
			dept = msgraph.DepartmentID(company, d.Name.Default)
			parent := ""
			if company != "" {
				parent = msgraph.CompanyID(company)
			}
			depts[dept] = "parent=" + parent + " name=" + d.Name.Default
		}
		out = append(out, line(m.ExternalID, m.Values, m.Status, dept, m.Manager, m.ExternalID+"@contoso.onmicrosoft.com"))
	}
	for ext, s := range depts {
		out = append(out, "dept "+ext+" "+s)
	}
	slices.Sort(out)
	return out
}

func line(ext string, v *member.Member, st connector.MemberStatus, dept, manager, upn string) string {
	return fmt.Sprintf("member %s status=%s dept=%s manager=%s name=%q mail=%s mobile=%s phone=%s title=%q number=%s hired=%s work=%s upn=%s",
		ext, st, dept, manager, v.FullName, v.Email, v.Mobile, v.OfficePhone, v.JobTitle, v.EmployeeNumber, v.HireDate, v.WorkPlace, upn)
}

// render renders what the client read.
func render(s *connector.Snapshot) []string {
	var out []string
	for _, m := range s.Members {
		var dept string
		if len(m.Departments) > 0 {
			dept = m.Departments[0]
		}
		out = append(out, line(m.ExternalID, m.Values, m.Status, dept, m.Manager, m.Values.SSOAccount))
	}
	for _, d := range s.Departments {
		out = append(out, "dept "+d.ExternalID+" parent="+d.Parent+" name="+d.Name.Default)
	}
	slices.Sort(out)
	return out
}

func TestFullFetchEqualsUpstream(t *testing.T) {
	for _, companyLevel := range []bool{false, true} {
		t.Run(fmt.Sprintf("CompanyLevel=%v", companyLevel), func(t *testing.T) {
			f := newFixture(t, small(), connectortest.GraphOptions{PageSize: 25}, msgraph.Options{CompanyLevel: companyLevel})
			got, err := f.client.Fetch(f.ctx)
			require.NoError(t, err)
			assert.Equal(t, expected(f.src, companyLevel), render(got))
			assert.Len(t, got.Members, 120)
			assert.True(t, got.DerivedDepartments)
			assert.NotEmpty(t, got.Cursor, "a full fetch gives the delta link to start from")
			assert.Equal(t, 5, f.srv.Requests("/v1.0/users"), "120 users in pages of at most 25, by nextLink")
			assert.Equal(t, 1, f.srv.Requests("/v1.0/users/delta"))
			assert.Equal(t, 1, f.srv.TokensIssued(), "one token for the whole fetch")
			for _, m := range got.Members {
				require.True(t, m.Has(member.PrimaryDepartmentField) && m.Has(member.ReportingManagerField) && !m.StatusAbsent, m.ExternalID)
			}
		})
	}
}

func newDirectory(t *testing.T, ctx context.Context) (*directory.Service, orgkit.DirectoryID) {
	t.Helper()
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Contoso")})
	require.NoError(t, err)
	return svc, dir.ID()
}

func TestSyncThroughClient(t *testing.T) {
	f := newFixture(t, small(), connectortest.GraphOptions{}, msgraph.Options{CompanyLevel: true})
	svc, dir := newDirectory(t, f.ctx)
	rep, err := connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
	require.NoError(t, err)
	require.True(t, rep.Committed)
	assert.Equal(t, 120, rep.Counts[connector.MemberCreate])
	assert.Positive(t, rep.Counts[connector.NodeCreate])
	snap, _ := svc.Snapshot(f.ctx, dir)
	assert.Equal(t, orgkit.Teams, snap.Settings().Platform)
	assert.Equal(t, tenantID, snap.Settings().UpstreamID)
	m, ok := snap.MemberBy(member.ExternalIDField, f.src.MemberIDs()[0])
	require.True(t, ok)
	assert.Equal(t, f.src.MemberIDs()[0]+"@contoso.onmicrosoft.com", m.SSOAccount)

	rep, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.True(t, rep.Plan.Empty(), "a second sync plans nothing: %s", rep.Plan)
}

func TestTokenRefreshedOnce(t *testing.T) {
	f := newFixture(t, small(), connectortest.GraphOptions{PageSize: 30}, msgraph.Options{})
	_, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, f.srv.TokensIssued())

	// the token expires between two fetches, and again in the middle of one
	f.srv.ExpireTokens()
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Len(t, got.Members, 120)
	assert.Equal(t, 2, f.srv.TokensIssued(), "one refresh for the refusal, no more")
	f.srv.FailAfter("/v1.0/users", 2, http.StatusUnauthorized, "InvalidAuthenticationToken") // the third page of four
	got, err = f.client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Len(t, got.Members, 120)
	assert.Equal(t, 3, f.srv.TokensIssued())
	assert.Empty(t, f.sleeps.all(), "a refresh is not a retry")

	// refused again right after a refresh: an error, not a loop
	f.srv.FailNext("/v1.0/users", http.StatusUnauthorized, "InvalidAuthenticationToken")
	f.srv.ExpireTokens()
	_, err = f.client.Fetch(f.ctx)
	require.NoError(t, err, "the expired token is refreshed once; the injected 401 uses that one refresh")

	// clients sharing a cache share the token
	cache := &connector.MemoryTokenCache{}
	before := f.srv.TokensIssued()
	for range 2 {
		opts := f.opts
		opts.Tokens = cache
		c := f.newClient(msgraph.Config{TenantID: tenantID, ClientID: clientID, ClientSecret: connector.NewSecret(secret)}, opts)
		_, err := c.Fetch(f.ctx)
		require.NoError(t, err)
	}
	assert.Equal(t, before+1, f.srv.TokensIssued())
}

func TestThrottledRetriedThenGivenUp(t *testing.T) {
	f := newFixture(t, small(), connectortest.GraphOptions{}, msgraph.Options{})
	f.srv.Throttle(2, http.StatusTooManyRequests, "2.128")
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Len(t, got.Members, 120)
	assert.Equal(t, []time.Duration{2128 * time.Millisecond, 2128 * time.Millisecond}, f.sleeps.all(), "Retry-After honoured, fractional seconds too")

	f.srv.Throttle(1, http.StatusServiceUnavailable, "")
	_, err = f.client.Fetch(f.ctx)
	require.NoError(t, err)
	require.Len(t, f.sleeps.all(), 3)
	assert.Positive(t, f.sleeps.all()[2], "503 without Retry-After: backoff with jitter")

	f.srv.Throttle(1000, http.StatusTooManyRequests, "7")
	_, err = f.client.Fetch(f.ctx)
	require.ErrorIs(t, err, connector.ErrRateLimited)
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, http.StatusTooManyRequests, pe.HTTPStatus)
	assert.Equal(t, "TooManyRequests", pe.Code)
	assert.Equal(t, orgkit.Teams, pe.Platform)
	assert.Equal(t, 7*time.Second, pe.RetryAfter)
	assert.NotEmpty(t, pe.RequestID)
	assert.NotEmpty(t, pe.ClientRequestID)
	assert.Contains(t, err.Error(), pe.RequestID)
	assert.Len(t, f.sleeps.all(), 3+3, "three retries, then it gives up")
	f.srv.Throttle(0, 0, "")
}

func TestBadCredentials(t *testing.T) {
	f := newFixture(t, small(), connectortest.GraphOptions{}, msgraph.Options{})
	opts := f.opts
	c := f.newClient(msgraph.Config{TenantID: tenantID, ClientID: clientID, ClientSecret: connector.NewSecret("wrong-" + secret)}, opts)
	_, err := c.Fetch(f.ctx)
	require.ErrorIs(t, err, connector.ErrBadCredentials)
	assert.Equal(t, 1, f.srv.Requests("/"+tenantID+"/oauth2/v2.0/token"), "never retried")
	assert.NotContains(t, err.Error(), secret)
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "invalid_client", pe.Code)
	assert.Equal(t, "AADSTS7000215", pe.SubCode)
	assert.NotEmpty(t, pe.RequestID, "the trace ID")

	for _, cfg := range []msgraph.Config{
		{TenantID: "99999999-2222-3333-4444-555555555555", ClientID: clientID, ClientSecret: connector.NewSecret(secret)},
		{TenantID: tenantID, ClientID: "99999999-bbbb-cccc-dddd-eeeeeeeeeeee", ClientSecret: connector.NewSecret(secret)},
	} {
		_, err = f.newClient(cfg, opts).Fetch(f.ctx)
		require.ErrorIs(t, err, connector.ErrBadCredentials, "%v", cfg)
	}
	assert.Empty(t, f.sleeps.all())
}

func TestPermissionDeniedAtOnce(t *testing.T) {
	f := newFixture(t, small(), connectortest.GraphOptions{}, msgraph.Options{})
	f.srv.FailNext("/v1.0/users", http.StatusForbidden, "Authorization_RequestDenied")
	_, err := f.client.Fetch(f.ctx)
	require.ErrorIs(t, err, connector.ErrPermission)
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "Authorization_RequestDenied", pe.Code)
	assert.Equal(t, http.StatusForbidden, pe.HTTPStatus)
	assert.Empty(t, f.sleeps.all(), "not retried")
}

func TestFailedPageAppliesNothing(t *testing.T) {
	f := newFixture(t, small(), connectortest.GraphOptions{PageSize: 40}, msgraph.Options{})
	svc, dir := newDirectory(t, f.ctx)
	_, err := connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
	require.NoError(t, err)
	snap, _ := svc.Snapshot(f.ctx, dir)
	v := snap.Version()

	ids := f.src.MemberIDs()
	f.src.EditMember(ids[0], func(m *connector.Member) { m.Values.JobTitle = "changed" })
	f.src.RemoveMember(ids[1])
	f.srv.FailNext("/v1.0/users", http.StatusBadRequest, "Request_BadRequest")
	_, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrPlatform)
	snap, _ = svc.Snapshot(f.ctx, dir)
	assert.Equal(t, v, snap.Version(), "nothing applied")

	// a page in the middle fails (the third of three): an error, nothing applied
	f.srv.FailAfter("/v1.0/users", 2, http.StatusForbidden, "Authorization_RequestDenied")
	_, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrPermission)
	snap, _ = svc.Snapshot(f.ctx, dir)
	assert.Equal(t, v, snap.Version(), "nothing applied")

	// connections dropped: retried; dropped for good: an error, and nothing applied
	f.srv.DropConnections(2)
	_, err = f.client.Fetch(f.ctx)
	require.NoError(t, err)
	f.srv.DropConnections(100)
	_, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrPlatform)
	assert.NotContains(t, err.Error(), "graph-token-", "no token in errors")
	assert.NotContains(t, err.Error(), "skiptoken", "no request address in errors")
	snap, _ = svc.Snapshot(f.ctx, dir)
	assert.Equal(t, v, snap.Version())
	f.srv.DropConnections(0)
}

func TestGuestsAndExcludedLeftOut(t *testing.T) {
	gen := small()
	src := connectortest.Generate(gen)
	plain := plainMembers(src)
	guest, room := plain[0], plain[1]
	f := newFixture(t, gen, connectortest.GraphOptions{}, msgraph.Options{Exclude: func(u msgraph.User) bool { return u.ID == room }})
	f.srv.SetGuest(true, guest)
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Equal(t, expected(f.src, false, guest, room), render(got))
}

// plainMembers are enabled members who lead and manage nobody: leaving them out
// changes nobody else.
func plainMembers(src *connectortest.Source) []string {
	snap := src.Snapshot()
	busy := map[string]bool{}
	for _, m := range snap.Members {
		busy[m.Manager] = true
	}
	var out []string
	for _, m := range snap.Members {
		if !busy[m.ExternalID] && m.Status == connector.Enabled {
			out = append(out, m.ExternalID)
		}
	}
	return out
}

func TestGroupLimitsTheDirectory(t *testing.T) {
	const group = "0f0f0f0f-1111-2222-3333-444444444444"
	f := newFixture(t, small(), connectortest.GraphOptions{PageSize: 7}, msgraph.Options{Group: group})
	ids := f.src.MemberIDs()
	f.srv.SetGroup(group, ids[:20]...)
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	var gotIDs []string
	for _, m := range got.Members {
		gotIDs = append(gotIDs, m.ExternalID)
	}
	assert.ElementsMatch(t, ids[:20], gotIDs)
	assert.Equal(t, 3, f.srv.Requests("/v1.0/groups/"+group+"/transitiveMembers/microsoft.graph.user"), "paged too")
	assert.Empty(t, got.Cursor, "the delta query cannot follow group membership")
	_, err = f.client.FetchChanges(f.ctx, "anything")
	assert.ErrorIs(t, err, connector.ErrCursorExpired)

	bad := f.opts
	bad.Group = "ffffffff-1111-2222-3333-444444444444"
	_, err = f.newClient(msgraph.Config{TenantID: tenantID, ClientID: clientID, ClientSecret: connector.NewSecret(secret)}, bad).Fetch(f.ctx)
	assert.ErrorIs(t, err, connector.ErrPlatform, "an unknown group")
}

func TestDeltaAfterFullSync(t *testing.T) {
	f := newFixture(t, small(), connectortest.GraphOptions{PageSize: 10}, msgraph.Options{CompanyLevel: true})
	svc, dir := newDirectory(t, f.ctx)
	rep, err := connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
	require.NoError(t, err)
	cursor := rep.Cursor
	require.NotEmpty(t, cursor)

	// nothing changed: an empty delta, and the cursor moves on
	rep, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{Cursor: cursor})
	require.NoError(t, err)
	assert.True(t, rep.Plan.Empty(), "%s", rep.Plan)
	require.NotEmpty(t, rep.Cursor)
	cursor = rep.Cursor

	plain := plainMembers(f.src)
	ids := f.src.MemberIDs()
	f.src.EditMember(plain[0], func(m *connector.Member) { m.Values.JobTitle = "Chief Delta Officer" })
	f.src.RemoveMember(plain[1])
	f.srv.SetGuest(true, plain[2])
	f.src.EditMember(plain[3], func(m *connector.Member) { m.Manager = plain[4] })
	f.src.EditMember(plain[5], func(m *connector.Member) { m.Status = connector.Disabled })
	hire := connectortest.NewMember("u-new", "Grace Hopper", "13800000042", f.src.DepartmentIDs()[0])
	f.src.PutMember(hire)
	_ = ids

	delta, err := f.client.FetchChanges(f.ctx, cursor)
	require.NoError(t, err)
	assert.True(t, delta.Delta)
	assert.ElementsMatch(t, []string{plain[1], plain[2]}, delta.RemovedMembers, "a deleted user and one turned guest")
	var changed []string
	for _, m := range delta.Members {
		changed = append(changed, m.ExternalID)
	}
	assert.ElementsMatch(t, []string{plain[0], plain[3], plain[5], "u-new"}, changed)

	rep, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{Cursor: cursor})
	require.NoError(t, err)
	assert.False(t, rep.CursorExpired)
	assert.Equal(t, 1, rep.Counts[connector.MemberCreate])
	assert.Equal(t, 3, rep.Counts[connector.MemberDeactivate], "deleted, turned guest, disabled")
	assert.Equal(t, 1, rep.Counts[connector.MemberUpdate], "job title: %v", rep.Counts)
	assert.Equal(t, 1, rep.Counts[connector.MemberManager], "manager: %v", rep.Counts)
	snap, _ := svc.Snapshot(f.ctx, dir)
	m, _ := snap.MemberBy(member.ExternalIDField, plain[3])
	mgr, _ := snap.MemberBy(member.ExternalIDField, plain[4])
	assert.Equal(t, mgr.ID, m.ReportingManager, "manager@delta")

	// the delta leaves the directory as a full sync would
	full, err := connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{DryRun: true})
	require.NoError(t, err)
	assert.True(t, full.Plan.Empty(), "a full sync after the delta plans nothing: %s", full.Plan)
	cursor = rep.Cursor

	// a member moves into a new department, then leaves it empty: it is created,
	// then retired, in deltas too
	f.src.PutDepartment(connector.Department{ExternalID: "d-skunk", Name: orgkit.Name("Skunkworks"), Present: connector.DepartmentFields()})
	f.src.EditMember(plain[6], func(m *connector.Member) { m.Departments = []string{"d-skunk"} })
	rep, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{Cursor: cursor})
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Counts[connector.NodeCreate], "the company level and the department: %v", rep.Counts)
	first := f.src.DepartmentIDs()[0]
	f.src.EditMember(plain[6], func(m *connector.Member) { m.Departments = []string{first} })
	rep, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{Cursor: rep.Cursor})
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Counts[connector.NodeDeactivate], "both retired once empty: %v", rep.Counts)
	full, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{DryRun: true})
	require.NoError(t, err)
	assert.True(t, full.Plan.Empty(), "derived departments retired by the delta as a full sync would: %s", full.Plan)
}

func TestDeltaLinkExpired(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusGone} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			f := newFixture(t, small(), connectortest.GraphOptions{ExpiredStatus: status}, msgraph.Options{})
			svc, dir := newDirectory(t, f.ctx)
			rep, err := connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
			require.NoError(t, err)
			cursor := rep.Cursor
			f.srv.ExpireDeltaLinks()
			_, err = f.client.FetchChanges(f.ctx, cursor)
			require.ErrorIs(t, err, connector.ErrCursorExpired)
			var pe *connector.PlatformError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, status, pe.HTTPStatus)

			f.src.EditMember(f.src.MemberIDs()[0], func(m *connector.Member) { m.Values.JobTitle = "after expiry" })
			rep, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{Cursor: cursor})
			require.NoError(t, err)
			assert.True(t, rep.CursorExpired, "fell back to a full fetch")
			assert.Equal(t, 1, rep.Counts[connector.MemberUpdate])
			assert.NotEmpty(t, rep.Cursor)
			assert.NotEqual(t, cursor, rep.Cursor)
		})
	}
	f := newFixture(t, small(), connectortest.GraphOptions{}, msgraph.Options{})
	for _, c := range []string{"not a link", "https://evil.example.com/v1.0/users/delta?$deltatoken=x", f.srv.URL() + "/v1.0/groups/delta"} {
		_, err := f.client.FetchChanges(f.ctx, c)
		assert.ErrorIs(t, err, connector.ErrCursorExpired, "a cursor that is no delta link of this host: start afresh (%s)", c)
	}
	assert.Zero(t, f.srv.Requests("/v1.0/users/delta"), "the token never goes to another host")
}

// selfSigned makes a certificate and its key, as PEM.
func selfSigned(t *testing.T) (*x509.Certificate, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "orgkit test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return cert, append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})...)
}

func TestCertificateCredential(t *testing.T) {
	cert, bundle := selfSigned(t)
	f := newFixture(t, small(), connectortest.GraphOptions{Certificate: cert}, msgraph.Options{})
	c, err := msgraph.ParseCertificate(bundle)
	require.NoError(t, err)
	client := f.newClient(msgraph.Config{TenantID: tenantID, ClientID: clientID, Certificate: c}, f.opts)
	got, err := client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Len(t, got.Members, 120)
	assert.Contains(t, fmt.Sprint(client), c.Thumbprint())

	// another certificate's key: refused, never retried
	_, other := selfSigned(t)
	c2, err := msgraph.ParseCertificate(other)
	require.NoError(t, err)
	_, err = f.newClient(msgraph.Config{TenantID: tenantID, ClientID: clientID, Certificate: c2}, f.opts).Fetch(f.ctx)
	require.ErrorIs(t, err, connector.ErrBadCredentials)

	for _, bad := range [][]byte{nil, []byte("garbage"), bundle[:bytes.Index(bundle, []byte("-----BEGIN PRIVATE KEY"))], other[bytes.Index(other, []byte("-----BEGIN PRIVATE KEY")):],
		append(bundle[:bytes.Index(bundle, []byte("-----BEGIN PRIVATE KEY"))], other[bytes.Index(other, []byte("-----BEGIN PRIVATE KEY")):]...)} {
		_, err := msgraph.ParseCertificate(bad)
		assert.ErrorIs(t, err, orgkit.ErrInvalid)
	}
}

func TestConfigValidatedAndRedacted(t *testing.T) {
	_, err := msgraph.New(msgraph.Config{TenantID: "common", ClientID: "app", ClientSecret: connector.NewSecret(" padded ")}, msgraph.Options{})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	for _, s := range []string{"TenantID", "ClientID", "ClientSecret"} {
		assert.Contains(t, err.Error(), s)
	}
	_, err = msgraph.New(msgraph.Config{TenantID: tenantID, ClientID: clientID}, msgraph.Options{})
	assert.ErrorIs(t, err, orgkit.ErrInvalid, "no credential")
	_, bundle := selfSigned(t)
	cert, err := msgraph.ParseCertificate(bundle)
	require.NoError(t, err)
	_, err = msgraph.New(msgraph.Config{TenantID: tenantID, ClientID: clientID, ClientSecret: connector.NewSecret(secret), Certificate: cert}, msgraph.Options{})
	assert.ErrorIs(t, err, orgkit.ErrInvalid, "both credentials")
	good := msgraph.Config{TenantID: "contoso.onmicrosoft.com", ClientID: clientID, ClientSecret: connector.NewSecret(secret)}
	for _, o := range []msgraph.Options{{GraphURL: "ftp://x"}, {LoginURL: "https://login.example.com/?a=b"}, {PageSize: 1000},
		{ExtensionAttributes: map[string]member.Field{"extensionAttribute16": member.ExtendedAField}},
		{ExtensionAttributes: map[string]member.Field{"extensionAttribute2": member.PrimaryDepartmentField}}, {Group: "sales"}} {
		_, err := msgraph.New(good, o)
		assert.ErrorIs(t, err, orgkit.ErrInvalid, "%+v", o)
	}

	for _, cfg := range []msgraph.Config{good, {TenantID: tenantID, ClientID: clientID, Certificate: cert}} {
		c, err := msgraph.New(cfg, msgraph.Options{})
		require.NoError(t, err)
		var logged bytes.Buffer
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg)
		js, err := json.Marshal(cfg)
		require.NoError(t, err)
		for _, s := range []string{cfg.String(), fmt.Sprint(cfg), fmt.Sprintf("%+v %#v %s %q", cfg, cfg, cfg, cfg), string(js), logged.String(),
			fmt.Sprint(c), fmt.Sprintf("%+v", c)} {
			assert.NotContains(t, s, secret)
			assert.NotContains(t, s, "PRIVATE")
			assert.NotContains(t, s, "MII", "no key material")
			assert.True(t, strings.Contains(s, clientID) || strings.Contains(s, "0x"), s)
		}
	}
}

// TestLinksStayOnTheGraphHost: a next link pointing at another host is refused, so
// the token never leaves for it.
func TestLinksStayOnTheGraphHost(t *testing.T) {
	var elsewhere int
	evil := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { elsewhere++ }))
	defer evil.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/"+tenantID+"/oauth2/v2.0/token", func(rw http.ResponseWriter, r *http.Request) {
		_, _ = rw.Write([]byte(`{"token_type":"Bearer","expires_in":3599,"access_token":"tok"}`))
	})
	mux.HandleFunc("/v1.0/users/delta", func(rw http.ResponseWriter, r *http.Request) {
		_, _ = rw.Write([]byte(`{"value":[],"@odata.deltaLink":"` + "http://" + r.Host + `/v1.0/users/delta?$deltatoken=x"}`))
	})
	mux.HandleFunc("/v1.0/users", func(rw http.ResponseWriter, r *http.Request) {
		_, _ = rw.Write([]byte(`{"value":[{"id":"a","displayName":"A"}],"@odata.nextLink":"` + evil.URL + `/v1.0/users?$skiptoken=steal"}`))
	})
	graph := httptest.NewServer(mux)
	defer graph.Close()
	c, err := msgraph.New(msgraph.Config{TenantID: tenantID, ClientID: clientID, ClientSecret: connector.NewSecret(secret)},
		msgraph.Options{LoginURL: graph.URL, GraphURL: graph.URL})
	require.NoError(t, err)
	_, err = c.Fetch(context.Background())
	require.ErrorIs(t, err, connector.ErrPlatform)
	assert.Contains(t, err.Error(), "outside")
	assert.Zero(t, elsewhere)
}

// scripted is one answer of a scriptedServer: a status with a body and headers, or
// a connection closed without an answer (drop).
type scripted struct {
	status     int
	body       string
	retryAfter string
	drop       bool
}

// scriptedServer answers each path from a script (the last answer repeats) and
// records the client-request-id of every request.
type scriptedServer struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	script  map[string][]scripted
	crids   map[string][]string
	tokenNo int
}

const tokenPath = "/" + tenantID + "/oauth2/v2.0/token"

func newScriptedServer(t *testing.T) *scriptedServer {
	s := &scriptedServer{t: t, script: map[string][]scripted{}, crids: map[string][]string{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	s.set(tokenPath)
	s.set("/v1.0/users/delta")
	return s
}

// set scripts the path's answers; none means success.
func (s *scriptedServer) set(path string, answers ...scripted) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script[path], s.crids[path] = answers, nil
}

// sent returns the client-request-ids the path's requests carried.
func (s *scriptedServer) sent(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.crids[path]...)
}

func (s *scriptedServer) serve(rw http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	path := r.URL.Path
	crid := r.Header.Get("client-request-id")
	s.crids[path] = append(s.crids[path], crid)
	n := len(s.crids[path])
	var a scripted
	if as := s.script[path]; len(as) > 0 {
		a = as[min(n, len(as))-1]
	} else {
		a.status = http.StatusOK
		switch path {
		case tokenPath:
			s.tokenNo++
			a.body = fmt.Sprintf(`{"token_type":"Bearer","expires_in":3599,"access_token":"graph-token-%d"}`, s.tokenNo)
		default:
			a.body = `{"value":[],"@odata.deltaLink":"` + s.srv.URL + `/v1.0/users/delta?$deltatoken=next"}`
		}
	}
	s.mu.Unlock()
	if a.drop {
		conn, _, err := rw.(http.Hijacker).Hijack()
		require.NoError(s.t, err)
		_ = conn.Close()
		return
	}
	reqID := fmt.Sprintf("req-%s-%d", strings.ReplaceAll(strings.Trim(path, "/"), "/", "-"), n)
	rw.Header().Set("request-id", reqID)
	if crid != "" {
		rw.Header().Set("client-request-id", crid)
	}
	if a.retryAfter != "" {
		rw.Header().Set("Retry-After", a.retryAfter)
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(a.status)
	_, _ = rw.Write([]byte(a.body))
}

func (s *scriptedServer) client(t *testing.T, sl *sleeps) *msgraph.Client {
	c, err := msgraph.New(msgraph.Config{TenantID: tenantID, ClientID: clientID, ClientSecret: connector.NewSecret(secret)},
		// no kept-alive connections: the transport would resend a GET dropped on one itself
		msgraph.Options{LoginURL: s.srv.URL, GraphURL: s.srv.URL, HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
			Sleep: sl.sleep})
	require.NoError(t, err)
	return c
}

// graphBody is Graph's error body.
func graphBody(code, inner, msg string) string {
	return fmt.Sprintf(`{"error":{"code":%q,"message":%q,"innerError":{"code":%q,"date":"2026-12-06T00:00:00","request-id":"inner-req","client-request-id":"inner-crid"}}}`,
		code, msg, inner)
}

// tokenBody is the identity platform's error body.
func tokenBody(code string, aadsts int) string {
	return fmt.Sprintf(`{"error":%q,"error_description":"AADSTS%d: refused.","error_codes":[%d],"trace_id":"trace-1","correlation_id":"corr-1"}`,
		code, aadsts, aadsts)
}

// TestGraphAnswers: what each answer of Microsoft Graph makes of a call (a delta
// link followed): a refused token is refreshed once, then the credentials are bad;
// 403 is a permission error; an expired delta link (410, or 400 syncStateNotFound
// or resyncRequired) expires the cursor; 429, 5xx and dropped connections are
// retried, and the error after the last retry carries Graph's code, message,
// request IDs and the Retry-After asked.
func TestGraphAnswers(t *testing.T) {
	const delta = "/v1.0/users/delta"
	for _, tc := range []struct {
		name    string
		answers []scripted
		kind    error
		calls   int // Graph requests
		tokens  int // token requests
		sleeps  int
		check   func(t *testing.T, pe *connector.PlatformError)
	}{
		{name: "refused token refreshed once, then bad credentials",
			answers: []scripted{{status: 401, body: graphBody("InvalidAuthenticationToken", "", "Access token has expired.")}},
			kind:    connector.ErrBadCredentials, calls: 2, tokens: 2,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "InvalidAuthenticationToken", pe.Code)
				assert.Equal(t, "Access token has expired.", pe.Message)
			}},
		{name: "refused token, refreshed, then served",
			answers: []scripted{{status: 401, body: graphBody("InvalidAuthenticationToken", "", "expired")}, {status: 200,
				body: `{"value":[],"@odata.deltaLink":"http://x/"}`}},
			calls: 2, tokens: 2},
		{name: "403", answers: []scripted{{status: 403, body: graphBody("Authorization_RequestDenied", "", "Insufficient privileges.")}},
			kind: connector.ErrPermission, calls: 1, tokens: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "Authorization_RequestDenied", pe.Code)
				assert.Equal(t, "inner-req", pe.RequestID, "the innerError's request-id")
				assert.Equal(t, "inner-crid", pe.ClientRequestID)
			}},
		{name: "410", answers: []scripted{{status: 410, body: graphBody("resyncRequired", "", "resync")}},
			kind: connector.ErrCursorExpired, calls: 1, tokens: 1},
		{name: "400 syncStateNotFound", answers: []scripted{{status: 400, body: graphBody("syncStateNotFound", "", "gone")}},
			kind: connector.ErrCursorExpired, calls: 1, tokens: 1},
		{name: "400 resyncRequired", answers: []scripted{{status: 400, body: graphBody("resyncRequired", "", "gone")}},
			kind: connector.ErrCursorExpired, calls: 1, tokens: 1},
		{name: "400 inner syncStateNotFound", answers: []scripted{{status: 400, body: graphBody("BadRequest", "syncStateNotFound", "gone")}},
			kind: connector.ErrCursorExpired, calls: 1, tokens: 1},
		{name: "400 other", answers: []scripted{{status: 400, body: graphBody("Request_BadRequest", "", "Invalid request.")}},
			kind: connector.ErrPlatform, calls: 1, tokens: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "Request_BadRequest", pe.Code)
				assert.Equal(t, "Invalid request.", pe.Message)
			}},
		{name: "404 without a body", answers: []scripted{{status: 404}},
			kind: connector.ErrPlatform, calls: 1, tokens: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "Not Found", pe.Message)
				assert.Equal(t, "req-v1.0-users-delta-1", pe.RequestID, "the request-id header")
			}},
		{name: "503 until retries run out",
			answers: []scripted{{status: 503, retryAfter: "3", body: graphBody("serviceNotAvailable", "", "The service is temporarily unavailable.")}},
			kind:    connector.ErrPlatform, calls: 4, tokens: 1, sleeps: 3,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, http.StatusServiceUnavailable, pe.HTTPStatus)
				assert.Equal(t, "serviceNotAvailable", pe.Code)
				assert.Equal(t, "The service is temporarily unavailable.", pe.Message)
				assert.Equal(t, "inner-req", pe.RequestID)
				assert.Equal(t, "inner-crid", pe.ClientRequestID)
				assert.Equal(t, 3*time.Second, pe.RetryAfter)
			}},
		{name: "429 until retries run out",
			answers: []scripted{{status: 429, retryAfter: "2", body: graphBody("TooManyRequests", "", "Too many requests.")}},
			kind:    connector.ErrRateLimited, calls: 4, tokens: 1, sleeps: 3,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "TooManyRequests", pe.Code)
				assert.Equal(t, "Too many requests.", pe.Message)
				assert.Equal(t, "inner-req", pe.RequestID)
				assert.Equal(t, 2*time.Second, pe.RetryAfter)
			}},
		{name: "502 without a body until retries run out", answers: []scripted{{status: 502}},
			kind: connector.ErrPlatform, calls: 4, tokens: 1, sleeps: 3,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "Bad Gateway", pe.Message)
				assert.Equal(t, "req-v1.0-users-delta-4", pe.RequestID, "the last answer's request-id header")
			}},
		{name: "dropped until retries run out", answers: []scripted{{drop: true}},
			kind: connector.ErrPlatform, calls: 4, tokens: 1, sleeps: 3,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "no answer", pe.Message)
				assert.Zero(t, pe.HTTPStatus)
				assert.NotNil(t, pe.Err, "the transport's error")
			}},
		{name: "dropped, then served", answers: []scripted{{drop: true}, {drop: true}, {status: 200, body: `{"value":[],"@odata.deltaLink":"http://x/"}`}},
			calls: 3, tokens: 1, sleeps: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScriptedServer(t)
			sl := &sleeps{}
			c := s.client(t, sl)
			s.set(delta, tc.answers...)
			_, err := c.FetchChanges(context.Background(), s.srv.URL+delta+"?$deltatoken=old")
			assert.Len(t, s.sent(delta), tc.calls, "Graph requests")
			assert.Len(t, s.sent(tokenPath), tc.tokens, "token requests")
			assert.Len(t, sl.all(), tc.sleeps, "waits between retries")
			if tc.kind == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.kind)
			assert.NotContains(t, err.Error(), "graph-token-", "no token in errors")
			assert.NotContains(t, err.Error(), "deltatoken", "no request address in errors")
			assert.NotContains(t, err.Error(), secret)
			var pe *connector.PlatformError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, orgkit.Teams, pe.Platform)
			assert.Equal(t, delta, pe.Op)
			if tc.check != nil {
				tc.check(t, pe)
			}
		})
	}
}

// TestClientRequestIDPerAttempt: every attempt of a call carries a client-request-id
// of its own (a UUID), and the error names the last attempt's when Graph's body
// names none.
func TestClientRequestIDPerAttempt(t *testing.T) {
	const delta = "/v1.0/users/delta"
	s := newScriptedServer(t)
	sl := &sleeps{}
	c := s.client(t, sl)
	s.set(delta, scripted{status: 503}, scripted{drop: true}, scripted{status: 429})
	_, err := c.FetchChanges(context.Background(), s.srv.URL+delta+"?$deltatoken=old")
	require.ErrorIs(t, err, connector.ErrRateLimited)
	sent := s.sent(delta)
	require.Len(t, sent, 4)
	seen := map[string]bool{}
	for _, id := range sent {
		_, perr := uuid.Parse(id)
		assert.NoError(t, perr, "a UUID: %q", id)
		assert.False(t, seen[id], "a fresh ID for each attempt: %q", id)
		seen[id] = true
	}
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, sent[len(sent)-1], pe.ClientRequestID, "the last attempt's, as Graph returned it")

	// the token endpoint's attempts too; a dropped call names the ID it sent
	s.set(tokenPath, scripted{drop: true})
	c = s.client(t, sl)
	_, err = c.Fetch(context.Background())
	require.ErrorIs(t, err, connector.ErrPlatform)
	sent = s.sent(tokenPath)
	require.Len(t, sent, 4)
	assert.Len(t, map[string]bool{sent[0]: true, sent[1]: true, sent[2]: true, sent[3]: true}, 4)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, sent[3], pe.ClientRequestID, "the ID the last attempt sent")
	assert.NotContains(t, err.Error(), secret)
}

// TestTokenEndpointAnswers: a refusal of the app's credentials or request is
// ErrBadCredentials, at once, with the AADSTS code, trace and correlation IDs; 429,
// 5xx and dropped connections are retried.
func TestTokenEndpointAnswers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers []scripted
		kind    error
		calls   int
		check   func(t *testing.T, pe *connector.PlatformError)
	}{
		{name: "invalid_client", answers: []scripted{{status: 401, body: tokenBody("invalid_client", 7000215)}},
			kind: connector.ErrBadCredentials, calls: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "invalid_client", pe.Code)
				assert.Equal(t, "AADSTS7000215", pe.SubCode)
				assert.Equal(t, "AADSTS7000215: refused.", pe.Message)
				assert.Equal(t, "trace-1", pe.RequestID)
				assert.Equal(t, "corr-1", pe.ClientRequestID)
				assert.Equal(t, http.StatusUnauthorized, pe.HTTPStatus)
			}},
		{name: "unauthorized_client", answers: []scripted{{status: 400, body: tokenBody("unauthorized_client", 700016)}}, kind: connector.ErrBadCredentials, calls: 1},
		{name: "invalid_request", answers: []scripted{{status: 400, body: tokenBody("invalid_request", 90002)}}, kind: connector.ErrBadCredentials, calls: 1},
		{name: "invalid_grant", answers: []scripted{{status: 400, body: tokenBody("invalid_grant", 70008)}}, kind: connector.ErrBadCredentials, calls: 1},
		{name: "invalid_scope", answers: []scripted{{status: 400, body: tokenBody("invalid_scope", 70011)}}, kind: connector.ErrBadCredentials, calls: 1},
		{name: "invalid_resource", answers: []scripted{{status: 400, body: tokenBody("invalid_resource", 500011)}}, kind: connector.ErrBadCredentials, calls: 1},
		{name: "no code", answers: []scripted{{status: 400, body: `{}`}}, kind: connector.ErrBadCredentials, calls: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "Bad Request", pe.Message)
				assert.Equal(t, "req-"+strings.ReplaceAll(strings.Trim(tokenPath, "/"), "/", "-")+"-1", pe.RequestID)
			}},
		{name: "another refusal", answers: []scripted{{status: 400, body: tokenBody("interaction_required", 50076)}}, kind: connector.ErrPlatform, calls: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.NotErrorIs(t, pe, connector.ErrBadCredentials)
				assert.Equal(t, "AADSTS50076", pe.SubCode)
			}},
		{name: "throttled, then served", answers: []scripted{{status: 429, retryAfter: "1"}, {status: 503}, {drop: true},
			{status: 200, body: `{"token_type":"Bearer","expires_in":"3599","access_token":"graph-token-x"}`}}, calls: 4},
		{name: "throttled until retries run out", answers: []scripted{{status: 429, retryAfter: "4", body: tokenBody("temporarily_unavailable", 50196)}},
			kind: connector.ErrRateLimited, calls: 4,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, 4*time.Second, pe.RetryAfter)
				assert.Equal(t, http.StatusTooManyRequests, pe.HTTPStatus)
				assert.Equal(t, "temporarily_unavailable", pe.Code, "what the last answer's body says")
				assert.Equal(t, "AADSTS50196", pe.SubCode)
				assert.Equal(t, "trace-1", pe.RequestID)
				assert.Equal(t, "corr-1", pe.ClientRequestID)
			}},
		{name: "unavailable until retries run out", answers: []scripted{{status: 503, body: tokenBody("temporarily_unavailable", 50196)}},
			kind: connector.ErrPlatform, calls: 4},
		{name: "no bearer token", answers: []scripted{{status: 200, body: `{"token_type":"Bearer","expires_in":3599}`}}, kind: connector.ErrPlatform, calls: 1},
		{name: "not JSON", answers: []scripted{{status: 200, body: `<html>`}}, kind: connector.ErrPlatform, calls: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Contains(t, pe.Message, "unexpected answer")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScriptedServer(t)
			s.set(tokenPath, tc.answers...)
			sl := &sleeps{}
			_, err := s.client(t, sl).FetchChanges(context.Background(), s.srv.URL+"/v1.0/users/delta?$deltatoken=old")
			assert.Len(t, s.sent(tokenPath), tc.calls, "token requests")
			assert.Len(t, sl.all(), tc.calls-1, "a wait before each retry")
			if tc.kind == nil {
				require.NoError(t, err)
				return
			}
			assert.Empty(t, s.sent("/v1.0/users/delta"), "no token, no Graph call")
			require.ErrorIs(t, err, tc.kind)
			assert.NotContains(t, err.Error(), secret)
			var pe *connector.PlatformError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, orgkit.Teams, pe.Platform)
			assert.Equal(t, "/oauth2/v2.0/token", pe.Op)
			if tc.check != nil {
				tc.check(t, pe)
			}
		})
	}
}
