package dingtalk_test

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
	"github.com/orgkit/orgkit/connector/dingtalk"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

const (
	appKey = "ding-test-app"
	secret = "s3cr3t-dingtalk-app-secret"
	corpID = "ding-test-corp"
)

// fixture is a generated organization served by the fake DingTalk API, and a client
// of it.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	src    *connectortest.Source
	srv    *connectortest.DingTalkServer
	client *dingtalk.Client
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

func config(sec string) dingtalk.Config {
	return dingtalk.Config{AppKey: appKey, AppSecret: connector.NewSecret(sec), AgentID: "3000001", CorpID: corpID}
}

// extension is how the fake organization keeps members' badge numbers.
var extension = map[member.Field]string{member.ExtendedAField: "工牌"}

func newFixture(t *testing.T, gen connectortest.GenerateOptions, opts dingtalk.Options) *fixture {
	t.Helper()
	gen.NumericDepartmentIDs = true
	src := connectortest.Generate(gen)
	srv := connectortest.NewDingTalkServer(src, connectortest.DingTalkOptions{AppKey: appKey, AppSecret: secret, CorpID: corpID, Extension: extension})
	t.Cleanup(srv.Close)
	f := &fixture{t: t, ctx: context.Background(), src: src, srv: srv, sleeps: &sleeps{}}
	opts.BaseURL, opts.APIBaseURL, opts.LoginURL = srv.URL(), srv.URL(), srv.URL()
	opts.HTTPClient, opts.Sleep = srv.Client(), f.sleeps.sleep
	if opts.Extension == nil {
		opts.Extension = map[string]member.Field{"工牌": member.ExtendedAField}
	}
	c, err := dingtalk.New(config(secret), opts)
	require.NoError(t, err)
	f.client = c
	return f
}

func small() connectortest.GenerateOptions {
	return connectortest.GenerateOptions{Seed: 11, Departments: 25, Members: 150, SecondaryShare: 0.3}
}

// dingFields are the member fields DingTalk carries.
var dingFields = []member.Field{member.FullNameField, member.MobileField, member.EmailField, member.JobTitleField,
	member.EmployeeNumberField, member.HireDateField, member.WorkPlaceField, member.OfficePhoneField, member.AvatarField, member.ExtendedAField}

// render describes a snapshot as DingTalk can carry it, line by line, sorted.
func render(s *connector.Snapshot, managers bool) []string {
	var out []string
	for _, d := range s.Departments {
		out = append(out, fmt.Sprintf("dept %s parent=%s name=%q order=%d leaders=%v", d.ExternalID, cmpOr(d.Parent, "1"),
			d.Name.Default, d.Order, d.Leaders))
	}
	for _, m := range s.Members {
		v := m.Values
		deps := m.Departments
		if len(deps) == 0 {
			deps = []string{dingtalk.RootID} // every DingTalk member is in a department
		}
		line := fmt.Sprintf("member %s status=%s departments=%v", m.ExternalID, m.Status, deps)
		if managers {
			line += " manager=" + m.Manager
		}
		for _, f := range dingFields {
			if !m.Has(f) {
				continue
			}
			w := &member.Member{}
			f.Copy(w, v)
			var val any
			switch f {
			case member.FullNameField:
				val = w.FullName
			case member.MobileField:
				val = w.Mobile
			case member.EmailField:
				val = w.Email
			case member.JobTitleField:
				val = w.JobTitle
			case member.EmployeeNumberField:
				val = w.EmployeeNumber
			case member.HireDateField:
				val = w.HireDate
			case member.WorkPlaceField:
				val = w.WorkPlace
			case member.OfficePhoneField:
				val = w.OfficePhone
			case member.AvatarField:
				val = w.Avatar.URI
			case member.ExtendedAField:
				val = w.ExtendedA
			}
			if val == "" || val == (member.Date{}) {
				continue // DingTalk does not tell unset from absent
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
	f := newFixture(t, small(), dingtalk.Options{PageSize: 7, ReportingManagers: true})
	ids := f.src.MemberIDs()
	f.src.EditMember(ids[2], func(m *connector.Member) {
		m.Values.ExtendedA = "badge-7"
		m.Present = append(m.Present, member.ExtendedAField)
	})
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	want := f.src.Snapshot()
	assert.Equal(t, render(want, true), render(got, true))
	assert.Len(t, got.Members, 150, "members listed under several departments appear once")
	assert.Equal(t, dingtalk.RootID, got.RootID)
	assert.Empty(t, got.PartialDepartments)
	assert.Equal(t, 26, f.srv.Requests("/topapi/v2/department/listsub"), "every department walked, the root too")
	assert.Equal(t, 25, f.srv.Requests("/topapi/v2/department/get"), "one call per department")
	assert.Greater(t, f.srv.Requests("/topapi/v2/user/list"), 26, "departments of more than 7 members take several pages")
	assert.Equal(t, 150, f.srv.Requests("/topapi/v2/user/get"), "one details call per member for the manager")
	assert.Equal(t, 1, f.srv.TokensIssued(), "one token for the whole fetch")
	multi := 0
	for _, m := range got.Members {
		if len(m.Departments) > 1 {
			multi++
		}
	}
	assert.Positive(t, multi, "some members are in several departments")
	assert.Contains(t, got.Fields.Member, member.ReportingManagerField)
	managed := 0
	for _, m := range got.Members {
		require.True(t, m.Has(member.ReportingManagerField), "%s: the manager is given", m.ExternalID)
		if m.Manager != "" {
			managed++
		}
	}
	assert.Positive(t, managed)

	// through the sync engine, the reporting lines land
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	rep, err := connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.Equal(t, managed, rep.Counts[connector.MemberManager], "%s", rep.Plan)
	rep, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.True(t, rep.Plan.Empty(), "%s", rep.Plan)
}

func TestSyncThroughClient(t *testing.T) {
	f := newFixture(t, small(), dingtalk.Options{})
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	rep, err := connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	require.True(t, rep.Committed)
	assert.Equal(t, 150, rep.Counts[connector.MemberCreate])
	assert.Equal(t, 25, rep.Counts[connector.NodeCreate])
	snap, _ := svc.Snapshot(f.ctx, dir.ID())
	assert.Equal(t, orgkit.DingTalk, snap.Settings().Platform)
	assert.Equal(t, corpID, snap.Settings().UpstreamID)
	assert.NotContains(t, snap.Settings().SyncedMemberFields, member.ReportingManagerField, "no manager without user/get")

	rep, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.True(t, rep.Plan.Empty(), "a second sync plans nothing: %s", rep.Plan)

	ids := f.src.MemberIDs()
	f.src.EditMember(ids[3], func(m *connector.Member) { m.Values.JobTitle = "Chief Tester" })
	f.src.RemoveMember(ids[4])
	rep, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberUpdate: 1, connector.MemberDeactivate: 1}, rep.Counts)
}

func TestTokenRefreshedOnce(t *testing.T) {
	f := newFixture(t, small(), dingtalk.Options{})
	_, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, f.srv.TokensIssued())

	// the token expires between two fetches (88 with sub_code 40014), and is refused
	// in the middle of one (40014 as errcode)
	f.srv.ExpireTokens()
	f.srv.FailNth("/topapi/v2/user/list", 3, 40014)
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Len(t, got.Members, 150)
	assert.Equal(t, 3, f.srv.TokensIssued(), "one refresh for each refusal, no more")
	assert.Zero(t, f.sleeps.count(), "a refresh is not a retry")

	// refused again right after the refresh: an error, not a loop
	f.srv.FailNth("/topapi/v2/department/listsub", 1, 40014)
	f.srv.FailNth("/topapi/v2/department/listsub", 2, 40014)
	_, err = f.client.Fetch(f.ctx)
	require.ErrorIs(t, err, connector.ErrPlatform)
	assert.Equal(t, 4, f.srv.TokensIssued())

	// clients sharing a cache share the token
	cache := &connector.MemoryTokenCache{}
	var clients []*dingtalk.Client
	for range 2 {
		c, err := dingtalk.New(config(secret), dingtalk.Options{BaseURL: f.srv.URL(), HTTPClient: f.srv.Client(), Tokens: cache})
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
	f := newFixture(t, small(), dingtalk.Options{ThrottleDelay: 2 * time.Second})
	f.srv.Throttle(2)
	f.srv.Busy(1)
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Len(t, got.Members, 150)
	require.Equal(t, 3, f.sleeps.count(), "two throttled answers and a busy one, each retried")
	assert.Equal(t, 2*time.Second, f.sleeps.d[0], "throttled: waits the throttle delay")

	// HTTP 429: waits what Retry-After asks (seconds, possibly fractional)
	f.srv.TooManyRequests(1, "3.25")
	_, err = f.client.Fetch(f.ctx)
	require.NoError(t, err)
	require.Equal(t, 4, f.sleeps.count())
	assert.Equal(t, 3250*time.Millisecond, f.sleeps.d[3], "at least the throttle delay, longer when asked")
	f.sleeps.d = f.sleeps.d[:3]

	for _, code := range []int{90006, 90005, 90002} {
		f.srv.FailNext("/topapi/v2/department/get", code)
		_, err = f.client.Fetch(f.ctx)
		require.NoError(t, err, "%d is retried", code)
	}
	assert.Equal(t, 6, f.sleeps.count())

	f.srv.Throttle(1000)
	_, err = f.client.Fetch(f.ctx)
	require.ErrorIs(t, err, connector.ErrRateLimited)
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "90018", pe.Code)
	assert.Equal(t, orgkit.DingTalk, pe.Platform)
	assert.NotEmpty(t, pe.RequestID)
	assert.Equal(t, 6+3, f.sleeps.count(), "three retries, then it gives up")
	f.srv.Throttle(0)

	// the monthly quota spent, or a permission missing: at once, never retried
	for code, kind := range map[int]error{90020: connector.ErrRateLimited, 60011: connector.ErrPermission} {
		f.srv.FailNext("/topapi/v2/department/listsub", code)
		_, err = f.client.Fetch(f.ctx)
		require.ErrorIs(t, err, kind, "%d", code)
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, fmt.Sprint(code), pe.Code)
		assert.NotEmpty(t, pe.RequestID)
		assert.Equal(t, 9, f.sleeps.count(), "%d: not retried", code)
	}
}

func TestBadCredentials(t *testing.T) {
	f := newFixture(t, small(), dingtalk.Options{})
	c, err := dingtalk.New(config("wrong-"+secret), dingtalk.Options{BaseURL: f.srv.URL(), HTTPClient: f.srv.Client(), Sleep: f.sleeps.sleep})
	require.NoError(t, err)
	_, err = c.Fetch(f.ctx)
	require.ErrorIs(t, err, connector.ErrBadCredentials)
	assert.Equal(t, 1, f.srv.Requests("/gettoken"), "never retried")
	assert.NotContains(t, err.Error(), secret)
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "40089", pe.Code)
	assert.Equal(t, 40089, dingtalk.CodeOf(err))
	assert.Zero(t, f.sleeps.count())
}

func TestFailedPageAppliesNothing(t *testing.T) {
	f := newFixture(t, small(), dingtalk.Options{PageSize: 5})
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	_, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	snap, _ := svc.Snapshot(f.ctx, dir.ID())
	v := snap.Version()

	ids := f.src.MemberIDs()
	f.src.EditMember(ids[0], func(m *connector.Member) { m.Values.JobTitle = "changed" })
	f.src.RemoveMember(ids[1])
	f.srv.FailNth("/topapi/v2/user/list", 2, 400002) // a page in the middle
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
	f := newFixture(t, small(), dingtalk.Options{})
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	_, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)

	var out string
	for _, id := range f.src.DepartmentIDs() { // a department with sub-departments
		for _, other := range f.src.DepartmentIDs() {
			if d, _ := f.src.Department(other); d.Parent == id && out == "" {
				out = id
			}
		}
	}
	require.NotEmpty(t, out)
	f.src.SetOutOfScope(out)
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{out}, got.PartialDepartments)
	assert.True(t, slices.ContainsFunc(got.Departments, func(d connector.Department) bool { return d.ExternalID == out }),
		"listed with what its parent's listing says")
	rep, err := connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.True(t, rep.Plan.Empty(), "nothing inside is deactivated: %s", rep.Plan)
}

func TestWithheldContacts(t *testing.T) {
	f := newFixture(t, small(), dingtalk.Options{})
	f.src.WithholdFields(member.MobileField, member.EmailField)
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	for _, fd := range []member.Field{member.MobileField, member.EmailField} {
		assert.NotContains(t, got.Fields.Member, fd, "the app may not see %s", fd)
		for _, m := range got.Members {
			require.False(t, m.Has(fd))
		}
	}
	assert.Contains(t, got.Fields.Member, member.FullNameField)
}

func TestMemberMapping(t *testing.T) {
	f := newFixture(t, connectortest.GenerateOptions{Seed: 3, Departments: 3, Members: 10}, dingtalk.Options{})
	id := f.src.MemberIDs()[0]
	f.src.EditMember(id, func(m *connector.Member) {
		m.Values.HireDate = member.Date{Year: 2021, Month: time.March, Day: 1}
		m.Values.OfficePhone = ""
	})
	abroad := f.src.MemberIDs()[1]
	f.src.EditMember(abroad, func(m *connector.Member) { m.Values.Mobile = "+852 91234567" })
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	i := slices.IndexFunc(got.Members, func(m connector.Member) bool { return m.ExternalID == id })
	require.GreaterOrEqual(t, i, 0)
	m := got.Members[i]
	assert.Equal(t, member.Date{Year: 2021, Month: time.March, Day: 1}, m.Values.HireDate,
		"midnight in China is still the first of March, though it is February in UTC")
	assert.True(t, m.Has(member.OfficePhoneField), "left out by DingTalk: empty, as other members give it")
	assert.Empty(t, m.Values.OfficePhone)
	assert.Equal(t, connector.Enabled, m.Status)
	up, _ := f.src.Member(id)
	assert.Equal(t, up.Departments[0], m.Departments[0], "the first of dept_id_list is the primary")
	i = slices.IndexFunc(got.Members, func(m connector.Member) bool { return m.ExternalID == abroad })
	assert.Equal(t, "+852 91234567", got.Members[i].Values.Mobile, "state_code 852 kept with the number")

	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	_, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	snap, _ := svc.Snapshot(f.ctx, dir.ID())
	hk, ok := snap.MemberBy(member.ExternalIDField, abroad)
	require.True(t, ok)
	assert.Equal(t, "+85291234567", hk.Mobile)
	rep, err := connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.True(t, rep.Plan.Empty(), "%s", rep.Plan)
}

func TestConfigValidatedAndRedacted(t *testing.T) {
	_, err := dingtalk.New(dingtalk.Config{AgentID: "abc", AppSecret: connector.NewSecret("has space")}, dingtalk.Options{})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	for _, s := range []string{"AppKey", "AppSecret", "AgentID", "CorpID"} {
		assert.Contains(t, err.Error(), s)
	}
	_, err = dingtalk.New(config("x"), dingtalk.Options{BaseURL: "ftp://x"})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	_, err = dingtalk.New(config("x"), dingtalk.Options{PageSize: 101})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	_, err = dingtalk.New(config("x"), dingtalk.Options{Extension: map[string]member.Field{"部门": member.PrimaryDepartmentField}})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	assert.Contains(t, err.Error(), "部门")

	cfg := config(secret)
	c, err := dingtalk.New(cfg, dingtalk.Options{})
	require.NoError(t, err)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg)
	js, err := json.Marshal(cfg)
	require.NoError(t, err)
	for _, s := range []string{cfg.String(), fmt.Sprint(cfg), fmt.Sprintf("%+v %#v %s %q", cfg, cfg, cfg, cfg), string(js), logged.String(),
		fmt.Sprint(c), fmt.Sprintf("%+v", c)} {
		assert.NotContains(t, s, secret)
		assert.True(t, strings.Contains(s, appKey) || strings.Contains(s, "0x"), s)
	}
}

// TestDepartmentGoneDuringWalk: a department deleted between its parent's listing
// and its own reading (60003), or whose members the app may not read (60011), is
// partial, not a failed fetch.
func TestDepartmentGoneDuringWalk(t *testing.T) {
	f := newFixture(t, small(), dingtalk.Options{})
	f.srv.FailNext("/topapi/v2/department/get", 60003)
	got, err := f.client.Fetch(f.ctx)
	require.NoError(t, err)
	require.Len(t, got.PartialDepartments, 1)
	assert.True(t, slices.ContainsFunc(got.Departments, func(d connector.Department) bool { return d.ExternalID == got.PartialDepartments[0] }))

	f.srv.FailNth("/topapi/v2/user/list", 2, 60011) // the first department after the root
	got, err = f.client.Fetch(f.ctx)
	require.NoError(t, err)
	assert.Len(t, got.PartialDepartments, 1)

	// the root itself is never partial: without it there is nothing
	f.srv.FailNext("/topapi/v2/user/list", 50004)
	_, err = f.client.Fetch(f.ctx)
	require.ErrorIs(t, err, connector.ErrPermission)
}

func TestFetchDepartment(t *testing.T) {
	f := newFixture(t, small(), dingtalk.Options{PageSize: 3})
	want := 0
	for _, id := range f.src.MemberIDs() {
		if m, _ := f.src.Member(id); slices.Contains(m.Departments, "2") {
			want++
		}
	}
	got, err := f.client.FetchDepartment(f.ctx, "2")
	require.NoError(t, err)
	assert.Len(t, got, want)
	_, err = f.client.FetchDepartment(f.ctx, "99999")
	require.ErrorIs(t, err, orgkit.ErrNotFound)
	_, err = f.client.FetchDepartment(f.ctx, "d00001")
	require.ErrorIs(t, err, orgkit.ErrNotFound)
}

// TestExtensionMapping: extension keys map onto member fields, dates included, and
// a key left out of a member's extension clears the field.
func TestExtensionMapping(t *testing.T) {
	src := connectortest.Generate(connectortest.GenerateOptions{Seed: 9, Departments: 3, Members: 6,
		Options: connectortest.Options{NumericDepartmentIDs: true}})
	ids := src.MemberIDs()
	set := func(id, badge string, birthday member.Date) {
		src.EditMember(id, func(m *connector.Member) {
			m.Values.ExtendedA, m.Values.Birthday = badge, birthday
			m.Present = append(m.Present, member.ExtendedAField, member.BirthdayField)
		})
	}
	set(ids[0], "B-1", member.Date{Year: 1990, Month: time.May, Day: 4})
	set(ids[1], "B-2", member.Date{})
	srv := connectortest.NewDingTalkServer(src, connectortest.DingTalkOptions{AppKey: appKey, AppSecret: secret, CorpID: corpID,
		Extension: map[member.Field]string{member.ExtendedAField: "工牌", member.BirthdayField: "生日"}})
	defer srv.Close()
	c, err := dingtalk.New(config(secret), dingtalk.Options{BaseURL: srv.URL(), HTTPClient: srv.Client(),
		Extension: map[string]member.Field{"工牌": member.ExtendedAField, "生日": member.BirthdayField}})
	require.NoError(t, err)
	got, err := c.Fetch(context.Background())
	require.NoError(t, err)
	assert.Contains(t, got.Fields.Member, member.BirthdayField)
	byID := map[string]connector.Member{}
	for _, m := range got.Members {
		byID[m.ExternalID] = m
	}
	assert.Equal(t, member.Date{Year: 1990, Month: time.May, Day: 4}, byID[ids[0]].Values.Birthday)
	assert.Equal(t, "B-1", byID[ids[0]].Values.ExtendedA)
	second, third := byID[ids[1]], byID[ids[2]]
	assert.True(t, second.Has(member.BirthdayField), "the extension given without the key: cleared")
	assert.True(t, second.Values.Birthday.IsZero())
	assert.True(t, third.Has(member.ExtendedAField), "no extension at all: empty, as others give the field")

	_, err = dingtalk.New(config(secret), dingtalk.Options{Extension: map[string]member.Field{"生日": member.FullNameField}})
	require.ErrorIs(t, err, orgkit.ErrInvalid, "a field the lists give cannot come from the extension")
}
