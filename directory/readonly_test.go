package directory_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// TestReadResultsCannotCorrupt is issue 10's first report: a handler that set
// m.Mobile on a member it read changed the member in later snapshots and in the
// store, while the uniqueness index kept the old value, so two members ended up with
// the same mobile. Whatever a host does to what it reads must change nothing shared.
func TestReadResultsCannotCorrupt(t *testing.T) {
	f := newFixture(t)
	snap := f.snap()
	bob, ok := snap.Member(f.bob)
	require.True(t, ok)
	dave, ok := snap.Member(f.dave)
	require.True(t, ok)
	bob.Mobile = dave.Mobile // the host's edit of what it read
	rd, ok := snap.Node(f.rd)
	require.True(t, ok)
	rd.Name.Default = "Hacked"
	rd.Manager = f.dave

	// the snapshot read from, the next one, and one after an unrelated edit
	f.apply(orgtree.SetOrder{Node: f.sales, Order: 3})
	for _, s := range []*directory.Snapshot{snap, f.snap()} {
		m, _ := s.Member(f.bob)
		assert.Equal(t, "+8613900000002", m.Mobile, "version %d", s.Version())
		n, _ := s.Node(f.rd)
		assert.Equal(t, "R&D", n.Name.Default, "version %d", s.Version())
		assert.Equal(t, f.alice, n.Manager, "version %d", s.Version())
		found, ok := s.MemberBy(member.MobileField, "+8613900000004")
		require.True(t, ok)
		assert.Equal(t, f.dave, found.ID, "version %d", s.Version())
		mobiles := map[string]orgkit.MemberID{}
		for m := range s.Members() {
			if other, dup := mobiles[m.Mobile]; dup {
				t.Errorf("version %d: %s and %s share mobile %s", s.Version(), other, m.ID, m.Mobile)
			}
			mobiles[m.Mobile] = m.ID
		}
	}

	// the store
	recs, err := f.svc.Store().Load(f.ctx, f.dir)
	require.NoError(t, err)
	for _, m := range recs.Members {
		if m.ID == f.bob {
			assert.Equal(t, "+8613900000002", m.Mobile, "the store's record")
		}
	}
	for _, n := range recs.Nodes {
		if n.ID == f.rd {
			assert.Equal(t, "R&D", n.Name.Default, "the store's record")
		}
	}

	// the uniqueness index still works: Bob's own mobile is his, Dave's is taken
	f.apply(member.Update{ID: f.bob, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "QA"}})
	vs := f.refuse(member.Update{ID: f.bob, Fields: []member.Field{member.MobileField}, Value: member.Member{Mobile: "13900000004"}})
	assert.Contains(t, codes(vs), "field.duplicate")
}
