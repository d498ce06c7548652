package store_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

// ChangeSet.Clone copies every image deeply — the members of a large change set too,
// which it keeps in shared allocations: changing one copy changes neither its
// original nor any other copy.
func TestChangeSetCloneIsDeep(t *testing.T) {
	var cs store.ChangeSet
	for i := range 600 {
		m := &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(fmt.Sprint("m", i)),
			Secondary: []orgkit.NodeID{orgkit.NewNodeID()}, ResponsibleLines: []string{"east"}}
		var before any = (*member.Member)(nil)
		if i%3 == 0 {
			before = m.Clone()
		}
		cs.Changes = append(cs.Changes, store.Change{Kind: store.KindMember, Before: before, After: m})
	}
	c := cs.Clone()
	require.Len(t, c.Changes, len(cs.Changes))
	for i, ch := range c.Changes {
		orig := cs.Changes[i].After.(*member.Member)
		cp := ch.After.(*member.Member)
		require.NotSame(t, orig, cp)
		require.Equal(t, orig, cp)
		cp.FullName = "changed"
		cp.SystemName.Default = "changed"
		cp.Secondary[0] = orgkit.NodeID{}
		cp.ResponsibleLines[0] = "west"
		assert.Empty(t, orig.FullName)
		assert.Equal(t, fmt.Sprint("m", i), orig.SystemName.Default)
		assert.False(t, orig.Secondary[0].IsZero())
		assert.Equal(t, "east", orig.ResponsibleLines[0])
		if b, ok := cs.Changes[i].Before.(*member.Member); ok && b != nil {
			assert.NotSame(t, b, ch.Before.(*member.Member))
			assert.Equal(t, b.ID, ch.Before.(*member.Member).ID)
		}
	}
	for i, ch := range c.Changes { // the copies did not overwrite each other
		assert.Equal(t, cs.Changes[i].After.(*member.Member).ID, ch.After.(*member.Member).ID)
	}
}
