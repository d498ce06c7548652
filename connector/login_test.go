package connector_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// loginEnv is smallSource synced into a directory, with u4 disabled upstream, u5
// resigned upstream and u6 blocked from logging in here.
func loginEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	e.src.EditMember("u4", func(m *connector.Member) { m.Status = connector.Disabled })
	e.src.EditMember("u5", func(m *connector.Member) { m.Status = connector.Resigned })
	e.sync(connector.SyncOptions{})
	_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{Actor: "admin"},
		member.SetLoginBlocked{Members: []orgkit.MemberID{e.member("u6").ID}, Blocked: true})
	require.NoError(t, err)
	return e
}

func (e *env) identity(user string) connector.LoginIdentity {
	return connector.LoginIdentity{Platform: e.src.Platform(), TenantID: e.src.TenantID(), UserID: user}
}

// TestResolveLogin: a platform user ID resolves to the member sync bound to it; an
// unknown ID, an inactive (disabled or resigned) member and a blocked member are
// refused, each with its own error that names the upstream user, and all of them
// as refused logins.
func TestResolveLogin(t *testing.T) {
	e := loginEnv(t)
	snap := e.snap()

	m, err := connector.ResolveLogin(snap, e.identity("u1"))
	require.NoError(t, err)
	assert.Equal(t, e.member("u1").ID, m.ID)
	assert.Equal(t, "Ada Lovelace", m.FullName)

	m, err = connector.ResolveLogin(snap, e.identity(" u2\n"))
	require.NoError(t, err, "white space around the ID is ignored, as sync does")
	assert.Equal(t, e.member("u2").ID, m.ID)

	m, err = connector.ResolveLoginIn(e.ctx, e.svc, e.dir, e.identity("u3"))
	require.NoError(t, err)
	assert.Equal(t, e.member("u3").ID, m.ID)

	for _, tc := range []struct {
		user      string
		kind      error
		memberExt string // the member the error names, if any
		detail    string
	}{
		{"nobody", connector.ErrLoginUnknown, "", ""},
		{"U1", connector.ErrLoginUnknown, "", ""}, // IDs match exactly, as sync binds them
		{"", connector.ErrLoginUnknown, "", "no user ID"},
		{"u4", connector.ErrLoginInactive, "u4", "inactive"},
		{"u5", connector.ErrLoginInactive, "u5", "inactive"},
		{"u6", connector.ErrLoginBlocked, "u6", ""},
	} {
		t.Run(fmt.Sprintf("%q", tc.user), func(t *testing.T) {
			m, err := connector.ResolveLogin(snap, e.identity(tc.user))
			require.Error(t, err)
			assert.Zero(t, m, "no member with a refusal")
			assert.ErrorIs(t, err, tc.kind)
			assert.ErrorIs(t, err, connector.ErrLoginRefused)
			assert.ErrorIs(t, err, orgkit.ErrPrecondition)
			for _, other := range []error{connector.ErrLoginUnknown, connector.ErrLoginInactive, connector.ErrLoginBlocked, connector.ErrLoginState, connector.ErrBoundElsewhere} {
				if other != tc.kind {
					assert.NotErrorIs(t, err, other)
				}
			}
			var le *connector.LoginError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tc.user, le.Identity.UserID)
			assert.Equal(t, orgkit.DingTalk, le.Identity.Platform)
			if tc.memberExt != "" {
				assert.Equal(t, e.member(tc.memberExt).ID, le.Member)
				assert.Contains(t, err.Error(), le.Member.String())
			} else {
				assert.True(t, le.Member.IsZero())
			}
			if tc.user != "" {
				assert.Contains(t, err.Error(), fmt.Sprintf("%q", tc.user), "the message names the upstream user")
			}
			assert.Contains(t, err.Error(), tc.detail)
		})
	}
}

// TestResolveLoginOtherDirectory: a user of another platform or tenant, or a
// directory that is not bound, never resolves, even to a member with the same
// external ID.
func TestResolveLoginOtherDirectory(t *testing.T) {
	e := loginEnv(t)
	snap := e.snap()

	id := e.identity("u1")
	id.TenantID = strings.ToUpper(id.TenantID)
	_, err := connector.ResolveLogin(snap, id)
	require.NoError(t, err, "tenant IDs compare ignoring case (Entra tenant GUIDs)")

	for _, id := range []connector.LoginIdentity{
		{Platform: orgkit.WeCom, TenantID: e.src.TenantID(), UserID: "u1"},
		{Platform: e.src.Platform(), TenantID: "other-corp", UserID: "u1"},
		{Platform: e.src.Platform(), UserID: "u1"},
		{UserID: "u1"},
	} {
		_, err := connector.ResolveLogin(snap, id)
		assert.ErrorIs(t, err, connector.ErrBoundElsewhere, "%v", id)
		assert.ErrorIs(t, err, connector.ErrLoginRefused, "%v", id)
		assert.NotErrorIs(t, err, connector.ErrLoginUnknown, "%v", id)
		assert.Contains(t, err.Error(), `"test-corp"`, "names the directory's binding")
	}

	// an unbound directory with a local member whose external ID happens to be u1
	plain := newEnv(t, smallSource())
	_, err = plain.svc.Apply(plain.ctx, plain.dir, directory.Meta{Actor: "admin"},
		member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("local"), FullName: "Local", Mobile: "13900000099", ExternalID: "u1"})
	require.NoError(t, err)
	_, err = connector.ResolveLogin(plain.snap(), plain.identity("u1"))
	assert.ErrorIs(t, err, connector.ErrBoundElsewhere)

	_, err = connector.ResolveLogin(nil, id)
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
	_, err = connector.ResolveLoginIn(e.ctx, nil, e.dir, id)
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
	_, err = connector.ResolveLoginIn(e.ctx, e.svc, orgkit.NewDirectoryID(), id)
	assert.ErrorIs(t, err, orgkit.ErrNotFound)
}

// TestLoginState: state values are fresh and URL-safe; only the very value comes
// back through the check, and the error never shows either value.
func TestLoginState(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s := connector.NewLoginState()
		require.Len(t, s, 26)
		require.Equal(t, "", strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), "URL-safe characters only")
		require.False(t, seen[s], "fresh each time")
		seen[s] = true
	}

	want := connector.NewLoginState()
	assert.NoError(t, connector.CheckLoginState(want, want))
	for _, got := range []string{"", connector.NewLoginState(), want[:25], want + "A", strings.ToLower(want), " " + want} {
		err := connector.CheckLoginState(want, got)
		require.Error(t, err, "%q", got)
		assert.ErrorIs(t, err, connector.ErrLoginState)
		assert.ErrorIs(t, err, connector.ErrLoginRefused)
		assert.NotContains(t, err.Error(), want)
		if got != "" {
			assert.NotContains(t, err.Error(), got)
		}
	}
	assert.ErrorIs(t, connector.CheckLoginState("", ""), connector.ErrLoginState, "an empty state is never accepted")
}

// TestLoginCodeIsARefusedLogin: a client reports a refused code as a *PlatformError
// of kind ErrLoginCode, which the host sees as a refused login.
func TestLoginCodeIsARefusedLogin(t *testing.T) {
	var err error = &connector.PlatformError{Platform: orgkit.WeCom, Op: "/cgi-bin/auth/getuserinfo", Code: "40029", Message: "invalid code", Kind: connector.ErrLoginCode}
	assert.ErrorIs(t, err, connector.ErrLoginCode)
	assert.ErrorIs(t, err, connector.ErrLoginRefused)
	assert.ErrorIs(t, err, orgkit.ErrPrecondition)
	assert.NotErrorIs(t, err, connector.ErrPlatform)
	err = fmt.Errorf("wrapped: %w", &connector.PlatformError{Platform: orgkit.WeCom, Kind: connector.ErrRateLimited})
	assert.NotErrorIs(t, err, connector.ErrLoginRefused, "a platform failure is not a refused login")
	assert.True(t, errors.Is(err, connector.ErrRateLimited))
}

// FuzzCheckLoginState: the state check accepts exactly the value the login started
// with, and never an empty one.
func FuzzCheckLoginState(f *testing.F) {
	f.Add("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	f.Add("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
	f.Add("", "")
	f.Add("state", "state\x00")
	f.Fuzz(func(t *testing.T, want, got string) {
		err := connector.CheckLoginState(want, got)
		if want != "" && want == got {
			require.NoError(t, err)
			return
		}
		require.ErrorIs(t, err, connector.ErrLoginState)
	})
}
