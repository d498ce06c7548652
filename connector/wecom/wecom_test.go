package wecom_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/wecom"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

const secret = "s3cr3t-wecom-app-secret"

// fixture is a generated enterprise served by the fake WeCom API, and a client of it.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	src    *connectortest.Source
	srv    *connectortest.WeComServer
	client *wecom.Client
	sleeps *sleeps
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

func (s *sleeps) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.d)
}

func extAttrs() map[string]member.Field {
	out := map[string]member.Field{}
	for f, name := range connectortest.DefaultWeComExtAttrs() {
		out[name] = f
	}
	return out
}

func newFixture(t *testing.T, gen connectortest.GenerateOptions, srvOpts connectortest.WeComOptions, opts wecom.Options) *fixture {
	t.Helper()
	gen.NumericDepartmentIDs = true
	src := connectortest.Generate(gen)
	srvOpts.Secret = secret
	srv := connectortest.NewWeComServer(src, srvOpts)
	t.Cleanup(srv.Close)
	f := &fixture{t: t, ctx: context.Background(), src: src, srv: srv, sleeps: &sleeps{}}
	opts.BaseURL, opts.HTTPClient, opts.Sleep = srv.URL(), srv.Client(), f.sleeps.sleep
	if opts.ExtAttrs == nil {
		opts.ExtAttrs = extAttrs()
	}
	c, err := wecom.New(wecom.Config{CorpID: "ww-test-corp", AgentID: "1000002", Secret: connector.NewSecret(secret)}, opts)
	require.NoError(t, err)
	f.client = c
	return f
}

func small() connectortest.GenerateOptions {
	return connectortest.GenerateOptions{Seed: 11, Departments: 25, Members: 150}
}

// render describes a snapshot as WeCom can carry it, line by line, sorted.
func render(s *connector.Snapshot) []string {
	var out []string
	for _, d := range s.Departments {
		out = append(out, fmt.Sprintf("dept %s parent=%s name=%q en=%q order=%d leaders=%v", d.ExternalID, cmpOr(d.Parent, "1"),
			d.Name.Default, d.Name.ByLang["en"], d.Order, d.Leaders))
	}
	for _, m := range s.Members {
		v := m.Values
		deps := m.Departments
		if len(deps) == 0 {
			deps = []string{wecom.RootID} // every WeCom member is in a department
		}
		line := fmt.Sprintf("member %s status=%s departments=%v manager=%s", m.ExternalID, m.Status, deps, m.Manager)
		for _, f := range []member.Field{member.FullNameField, member.MobileField, member.EmailField, member.JobTitleField,
			member.GenderField, member.AvatarField, member.OfficePhoneField, member.EmployeeNumberField, member.HireDateField, member.WorkPlaceField} {
			if !m.Has(f) {
				continue
			}
			var val any
			switch f {
			case member.FullNameField:
				val = v.FullName
			case member.MobileField:
				val = v.Mobile
			case member.EmailField:
				val = v.Email
			case member.JobTitleField:
				val = v.JobTitle
			case member.GenderField:
				val = v.Gender
				if v.Gender == member.GenderPrivate {
					val = member.Gender(0) // WeCom has no "private"
				}
			case member.AvatarField:
				val = v.Avatar.URI
			case member.OfficePhoneField:
				val = v.OfficePhone
			case member.EmployeeNumberField:
				val = v.EmployeeNumber
			case member.HireDateField:
				val = v.HireDate
			case member.WorkPlaceField:
				val = v.WorkPlace
			}
			line += fmt.Sprintf(" %s=%v", f, val)
		}
		out = append(out, line)
	}
	slices.Sort(out)
	return out
}

func cmpOr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func TestFullFetchEqualsUpstream(t *testing.T) {
	f := newFixture(t, small(), connectortest.WeComOptions{}, wecom.Options{})
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	want := f.src.Snapshot()
	assert.Equal(t, render(want), render(got))
	assert.Len(t, got.Members, 150, "members listed under several departments appear once")
	assert.Equal(t, wecom.RootID, got.RootID)
	assert.Empty(t, got.PartialDepartments)
	assert.Equal(t, 1, f.srv.Requests("/cgi-bin/department/simplelist"))
	assert.Equal(t, 25, f.srv.Requests("/cgi-bin/department/get"), "one call per department")
	assert.Equal(t, 26, f.srv.Requests("/cgi-bin/user/list"), "the root's members too")
	assert.Equal(t, 1, f.srv.TokensIssued(), "one token for the whole fetch")
	for _, m := range got.Members {
		require.True(t, m.LeaderInPresent, "%s: leader flags given", m.ExternalID)
	}
}

func TestSyncThroughClient(t *testing.T) {
	f := newFixture(t, small(), connectortest.WeComOptions{}, wecom.Options{})
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	rep, err := connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	require.True(t, rep.Committed)
	assert.Equal(t, 150, rep.Counts[connector.MemberCreate])
	assert.Equal(t, 25, rep.Counts[connector.NodeCreate])
	snap, _ := svc.Snapshot(f.ctx, dir.ID())
	assert.Equal(t, orgkit.WeCom, snap.Settings().Platform)
	assert.Equal(t, "ww-test-corp", snap.Settings().UpstreamID)

	rep, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.True(t, rep.Plan.Empty(), "a second sync plans nothing: %s", rep.Plan)

	// a change upstream arrives through the API
	ids := f.src.MemberIDs()
	f.src.EditMember(ids[3], func(m *connector.Member) { m.Values.JobTitle = "Chief Tester" })
	f.src.RemoveMember(ids[4])
	rep, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberUpdate: 1, connector.MemberDeactivate: 1}, rep.Counts)
}

func TestTokenRefreshedOnce(t *testing.T) {
	f := newFixture(t, small(), connectortest.WeComOptions{}, wecom.Options{})
	_, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, f.srv.TokensIssued())

	// the token expires between two fetches (42001), and again in the middle of one
	f.srv.ExpireTokens()
	f.srv.FailNext("/cgi-bin/user/list", 40014)
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Len(t, got.Members, 150)
	assert.Equal(t, 3, f.srv.TokensIssued(), "one refresh for each refusal, no more")
	assert.Zero(t, f.sleeps.count(), "a refresh is not a retry")

	// clients sharing a cache share the token
	cache := &connector.MemoryTokenCache{}
	var clients []*wecom.Client
	for range 2 {
		c, err := wecom.New(wecom.Config{CorpID: "ww-test-corp", AgentID: "1000002", Secret: connector.NewSecret(secret)},
			wecom.Options{BaseURL: f.srv.URL(), HTTPClient: f.srv.Client(), Tokens: cache, ExtAttrs: extAttrs()})
		require.NoError(t, err)
		clients = append(clients, c)
	}
	before := f.srv.TokensIssued()
	for _, c := range clients {
		_, err := c.FetchDepartment(f.ctx, "2")
		require.NoError(t, err)
	}
	assert.Equal(t, before+1, f.srv.TokensIssued())
}

func TestThrottledRetriedThenGivenUp(t *testing.T) {
	f := newFixture(t, small(), connectortest.WeComOptions{}, wecom.Options{ThrottleDelay: 2 * time.Second})
	f.srv.Throttle(2)
	f.srv.Busy(1)
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Len(t, got.Members, 150)
	require.Equal(t, 3, f.sleeps.count(), "two throttled answers and a busy one, each retried")
	assert.Equal(t, 2*time.Second, f.sleeps.d[0], "throttled: waits the throttle delay")

	f.srv.Throttle(1000)
	_, err = f.client.Fetch(f.ctx)
	require.ErrorIs(t, err, connector.ErrRateLimited)
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "45009", pe.Code)
	assert.Equal(t, orgkit.WeCom, pe.Platform)
	assert.NotEmpty(t, pe.RequestID)
	assert.Equal(t, 3+3, f.sleeps.count(), "three retries, then it gives up")
	f.srv.Throttle(0)
}

func TestBadCredentials(t *testing.T) {
	f := newFixture(t, small(), connectortest.WeComOptions{}, wecom.Options{})
	c, err := wecom.New(wecom.Config{CorpID: "ww-test-corp", AgentID: "1000002", Secret: connector.NewSecret("wrong-" + secret)},
		wecom.Options{BaseURL: f.srv.URL(), HTTPClient: f.srv.Client(), Sleep: f.sleeps.sleep})
	require.NoError(t, err)
	_, err = c.Fetch(f.ctx)
	require.ErrorIs(t, err, connector.ErrBadCredentials)
	assert.Equal(t, 1, f.srv.Requests("/cgi-bin/gettoken"), "never retried")
	assert.NotContains(t, err.Error(), secret)
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "40001", pe.Code)

	c, err = wecom.New(wecom.Config{CorpID: "ww-other", AgentID: "1000002", Secret: connector.NewSecret(secret)},
		wecom.Options{BaseURL: f.srv.URL(), HTTPClient: f.srv.Client()})
	require.NoError(t, err)
	_, err = c.Fetch(f.ctx)
	require.ErrorIs(t, err, connector.ErrBadCredentials)
	assert.Zero(t, f.sleeps.count())
}

func TestFailedPageAppliesNothing(t *testing.T) {
	f := newFixture(t, small(), connectortest.WeComOptions{}, wecom.Options{})
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	_, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	snap, _ := svc.Snapshot(f.ctx, dir.ID())
	v := snap.Version()

	ids := f.src.MemberIDs()
	f.src.EditMember(ids[0], func(m *connector.Member) { m.Values.JobTitle = "changed" })
	f.srv.FailNext("/cgi-bin/user/list", 40058)
	_, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrPlatform)
	snap, _ = svc.Snapshot(f.ctx, dir.ID())
	assert.Equal(t, v, snap.Version(), "nothing applied")

	// connections dropped: retried; dropped for good: an error, and nothing applied
	f.srv.DropConnections(2)
	_, err = f.client.Fetch(f.ctx)
	require.NoError(t, err)
	f.srv.DropConnections(100)
	_, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrPlatform)
	assert.NotContains(t, err.Error(), "access_token", "no request address in errors")
	assert.NotContains(t, err.Error(), "token-")
	snap, _ = svc.Snapshot(f.ctx, dir.ID())
	assert.Equal(t, v, snap.Version())
	f.srv.DropConnections(0)
}

func TestDepartmentOutOfScope(t *testing.T) {
	f := newFixture(t, small(), connectortest.WeComOptions{}, wecom.Options{})
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	_, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)

	out := f.src.DepartmentIDs()[1]
	f.src.SetOutOfScope(out)
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{out}, got.PartialDepartments)
	rep, err := connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.True(t, rep.Plan.Empty(), "nothing inside is deactivated: %s", rep.Plan)
}

func TestNewAppWithheldFields(t *testing.T) {
	f := newFixture(t, small(), connectortest.WeComOptions{NewApp: true}, wecom.Options{})
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	for _, fd := range []member.Field{member.MobileField, member.EmailField, member.GenderField, member.AvatarField} {
		assert.NotContains(t, got.Fields.Member, fd, "the app may not see %s", fd)
		assert.False(t, got.Members[0].Has(fd))
	}
	assert.Contains(t, got.Fields.Member, member.FullNameField)

	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	rep, err := connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	require.True(t, rep.Committed)
	snap, _ := svc.Snapshot(f.ctx, dir.ID())
	assert.NotContains(t, snap.Settings().SyncedMemberFields, member.MobileField, "a field the app cannot see stays the directory's own")
	m, ok := snap.MemberBy(member.ExternalIDField, f.src.MemberIDs()[0])
	require.True(t, ok)
	assert.Equal(t, member.LoginByPlatform, m.LoginMethod, "no contacts: logs in through WeCom")
}

func TestConfigValidatedAndRedacted(t *testing.T) {
	_, err := wecom.New(wecom.Config{AgentID: "abc", Secret: connector.NewSecret("has space")}, wecom.Options{})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	for _, s := range []string{"CorpID", "AgentID", "Secret"} {
		assert.Contains(t, err.Error(), s)
	}
	_, err = wecom.New(wecom.Config{CorpID: "ww1", AgentID: "1", Secret: connector.NewSecret("x")}, wecom.Options{BaseURL: "ftp://x"})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	_, err = wecom.New(wecom.Config{CorpID: "ww1", AgentID: "1", Secret: connector.NewSecret("x")},
		wecom.Options{ExtAttrs: map[string]member.Field{"部门": member.PrimaryDepartmentField}})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	assert.Contains(t, err.Error(), "部门")

	cfg := wecom.Config{CorpID: "ww1", AgentID: "1000002", Secret: connector.NewSecret(secret)}
	c, err := wecom.New(cfg, wecom.Options{})
	require.NoError(t, err)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg)
	js, err := json.Marshal(cfg)
	require.NoError(t, err)
	for _, s := range []string{cfg.String(), fmt.Sprint(cfg), fmt.Sprintf("%+v %#v %s %q", cfg, cfg, cfg, cfg), string(js), logged.String(),
		fmt.Sprint(c), fmt.Sprintf("%+v", c)} {
		assert.NotContains(t, s, secret)
		assert.True(t, strings.Contains(s, "ww1") || strings.Contains(s, "0x"), s)
	}
}
