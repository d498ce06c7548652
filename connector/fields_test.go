package connector_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// TestFieldsValidated: a source may own only fields the sync writes; one that
// declares others (a node's code or isolation, which the planner never writes and
// which would stay read-only for ever) is refused before anything is bound.
func TestFieldsValidated(t *testing.T) {
	for name, c := range map[string]struct {
		fields connector.Fields
		want   string
	}{
		"node code":             {connector.Fields{Node: []orgtree.Field{orgtree.NameField, orgtree.CodeField}}, "code"},
		"node isolation":        {connector.Fields{Node: []orgtree.Field{orgtree.IsolationField}}, "isolation"},
		"node observers":        {connector.Fields{Node: []orgtree.Field{orgtree.ObserversField}}, "observers"},
		"affiliated department": {connector.Fields{Member: []member.Field{member.AffiliatedDepartmentField}}, "affiliated_department"},
		"unknown member field":  {connector.Fields{Member: []member.Field{200}}, "200"},
	} {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, c.fields.Validate(), orgkit.ErrInvalid)
			src := smallSource()
			e := newEnv(t, connectortest.New(connectortest.Options{Fields: &c.fields}))
			for _, d := range src.Snapshot().Departments {
				e.src.PutDepartment(d)
			}
			v := e.snap().Version()
			_, err := connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{})
			require.ErrorIs(t, err, orgkit.ErrInvalid)
			assert.Contains(t, err.Error(), c.want)
			_, err = connector.Bind(e.ctx, e.svc, e.dir, e.src)
			require.ErrorIs(t, err, orgkit.ErrInvalid)
			up := e.src.Snapshot()
			_, err = connector.Plan(e.ctx, e.snap(), up, connector.PlanOptions{})
			require.ErrorIs(t, err, orgkit.ErrInvalid)
			assert.Equal(t, v, e.snap().Version(), "nothing bound")
		})
	}
	assert.NoError(t, connectortest.DefaultFields().Validate())
}

// TestRuntimeFields: a source learns at run time which fields the app may see (a
// WeCom app made since 2022 gets no mobiles or emails) and says so in its snapshot:
// the directory is bound to those only, so the others stay editable here.
func TestRuntimeFields(t *testing.T) {
	e := newEnv(t, smallSource())
	e.src.WithholdFields(member.MobileField, member.EmailField)
	rep := e.sync(connector.SyncOptions{})
	require.True(t, rep.Committed)
	set := e.snap().Settings()
	assert.NotContains(t, set.SyncedMemberFields, member.MobileField)
	assert.NotContains(t, set.SyncedMemberFields, member.EmailField)
	assert.Contains(t, set.SyncedMemberFields, member.FullNameField)
	assert.Empty(t, e.member("u4").Mobile, "withheld: not synced")

	_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{Actor: "admin"},
		member.Update{ID: e.member("u4").ID, Fields: []member.Field{member.MobileField}, Value: member.Member{Mobile: "13700000000"}})
	require.NoError(t, err, "a field the app cannot see is the directory's own")
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())

	// the app is granted the fields later: they are bound, and synced
	e.src.WithholdFields()
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, 1, rep.Counts[connector.BindDirectory])
	assert.Contains(t, e.snap().Settings().SyncedMemberFields, member.MobileField)
	assert.Equal(t, "+8613900000003", e.member("u4").Mobile)

	// a snapshot may not claim fields its source does not declare
	up := e.src.Snapshot()
	up.Fields.Member = append(up.Fields.Member, member.BioField)
	_, err = connector.SyncSnapshot(e.ctx, e.svc, e.dir, e.src, up, connector.SyncOptions{})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	assert.Contains(t, err.Error(), "bio")
}
