package connector_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/member"
)

// TestUpstreamIDChangeKeepsMember: WeCom lets a userid change once, and only its
// change_contact callback says old → new. With the rename the member stays the same
// (same ID, posts, reporting lines); a delta carries it, and so does a snapshot the
// host's callback handler builds.
func TestUpstreamIDChangeKeepsMember(t *testing.T) {
	e := newEnv(t, connectortest.New(connectortest.Options{Platform: orgkit.WeCom, TenantID: "ww1"}))
	for _, d := range smallSource().Snapshot().Departments {
		e.src.PutDepartment(d)
	}
	for _, m := range smallSource().Snapshot().Members {
		e.src.PutMember(m)
	}
	cursor := e.sync(connector.SyncOptions{}).Cursor
	u3 := e.member("u3")
	count := e.snap().MemberCount()

	require.True(t, e.src.RenameMember("u3", "grace"))
	delta, err := e.src.FetchChanges(e.ctx, cursor)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"u3": "grace"}, delta.RenamedMembers)
	assert.Empty(t, delta.RemovedMembers, "a renamed member is not gone")

	rep := e.sync(connector.SyncOptions{Cursor: cursor})
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberBind: 1}, rep.Counts, "%s", rep.Plan)
	assert.Equal(t, u3.ID, e.member("grace").ID, "the same member")
	assert.Equal(t, count, e.snap().MemberCount(), "no duplicate")
	assert.Equal(t, u3.ID, e.node("be").Manager, "posts stay")
	assert.Equal(t, u3.ID, e.member("u4").ReportingManager, "reporting lines stay")
	_, ok := e.snap().MemberBy(member.ExternalIDField, "u3")
	assert.False(t, ok)
	full := e.sync(connector.SyncOptions{})
	assert.True(t, full.Plan.Empty(), "a full sync agrees: %s", full.Plan)

	// the host's callback handler passes the rename on at once, in a snapshot of its own
	u5 := e.member("u5")
	require.True(t, e.src.RenameMember("u5", "barbara"))
	rep, err = connector.SyncSnapshot(e.ctx, e.svc, e.dir, e.src,
		&connector.Snapshot{Delta: true, RenamedMembers: map[string]string{"u5": "barbara"}}, connector.SyncOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberBind: 1}, rep.Counts, "%s", rep.Plan)
	assert.Equal(t, u5.ID, e.member("barbara").ID)
	full = e.sync(connector.SyncOptions{})
	assert.True(t, full.Plan.Empty(), "the full list agrees: %s", full.Plan)

	// two IDs swapped in one go
	e.src.RenameMember("u7", "tmp")
	e.src.RenameMember("u8", "u7")
	e.src.RenameMember("tmp", "u8")
	u7, u8 := e.member("u7").ID, e.member("u8").ID
	rep = e.sync(connector.SyncOptions{Cursor: full.Cursor})
	require.True(t, rep.Committed, "%s", rep.Plan)
	assert.Equal(t, u7, e.member("u8").ID)
	assert.Equal(t, u8, e.member("u7").ID)
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

// TestUpstreamIDChangeRefused: renames that cannot hold refuse the plan, naming them.
func TestUpstreamIDChangeRefused(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	v := e.snap().Version()
	for name, c := range map[string]struct {
		renames map[string]string
		target  error
		want    string
	}{
		"new ID bound to another member": {map[string]string{"u3": "u4"}, orgkit.ErrPrecondition, `"u4"`},
		"old ID still listed":            {map[string]string{"u3": "grace"}, orgkit.ErrInvalid, `"u3"`},
		"two members to one ID":          {map[string]string{"u3": "x", "u4": "x"}, orgkit.ErrInvalid, `"x"`},
		"blank new ID":                   {map[string]string{"u3": " "}, orgkit.ErrInvalid, `"u3"`},
	} {
		t.Run(name, func(t *testing.T) {
			up := e.src.Snapshot()
			up.RenamedMembers = c.renames
			if name != "old ID still listed" {
				up.Delta, up.Members, up.Departments = true, nil, nil
			}
			_, err := connector.SyncSnapshot(e.ctx, e.svc, e.dir, e.src, up, connector.SyncOptions{})
			require.ErrorIs(t, err, c.target)
			assert.Contains(t, err.Error(), c.want)
			assert.Equal(t, v, e.snap().Version())
		})
	}
}

// TestStatusAbsent: a change event that does not say a member's status (WeCom's
// callbacks name only what changed) leaves it as it is.
func TestStatusAbsent(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	e.src.EditMember("u6", func(m *connector.Member) { m.Status = connector.Disabled })
	e.sync(connector.SyncOptions{})
	require.Equal(t, orgkit.Inactive, e.member("u6").Status)

	moved := connector.Member{ExternalID: "u6", Departments: []string{"sales"}, StatusAbsent: true,
		Present: []member.Field{member.PrimaryDepartmentField, member.SecondaryDepartmentsField}}
	hired := connector.Member{ExternalID: "u11", Departments: []string{"sales"}, StatusAbsent: true,
		Values: &member.Member{FullName: "Alan Kay"}, Present: []member.Field{member.FullNameField, member.PrimaryDepartmentField}}
	rep, err := connector.SyncSnapshot(e.ctx, e.svc, e.dir, e.src, &connector.Snapshot{Delta: true, Members: []connector.Member{moved, hired}},
		connector.SyncOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberMove: 1, connector.MemberCreate: 1}, rep.Counts, "%s", rep.Plan)
	assert.Equal(t, orgkit.Inactive, e.member("u6").Status, "still disabled")
	assert.Equal(t, e.node("sales").ID, e.member("u6").Primary)
	assert.Equal(t, orgkit.Active, e.member("u11").Status, "a new member is enabled")
}
