package store_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store"
)

// TestValidateNamesTheChange checks that each refusal names the change (by index),
// its kind and the rule broken, and matches orgkit.ErrInvalid; the storetest
// sub-test InvalidChanges checks that stores refuse the same change sets.
func TestValidateNamesTheChange(t *testing.T) {
	dir := orgkit.NewDirectoryID()
	m := &member.Member{ID: orgkit.NewMemberID()}
	n := &orgtree.Node{ID: orgkit.NewNodeID()}
	other := &store.DirectoryRecord{ID: orgkit.NewDirectoryID()}
	for _, c := range []struct {
		changes []store.Change
		want    string
	}{
		{nil, "store: empty change set"},
		{[]store.Change{{Kind: store.KindNode, After: n}, {Kind: store.KindMember, After: &member.Member{}}}, "store: change 1 (member): record ID is zero"},
		{[]store.Change{{Kind: store.KindNode, After: m}}, "store: change 0 (node): after-image is *member.Member, want a non-nil *orgtree.Node"},
		{[]store.Change{{Kind: store.KindMember, Before: n, After: m}}, "store: change 0 (member): before-image is *orgtree.Node, want nil or a *member.Member"},
		{[]store.Change{{Kind: store.KindMember, Before: &member.Member{ID: orgkit.NewMemberID()}, After: m}}, "store: change 0 (member): before-image is record"},
		{[]store.Change{{Kind: store.KindMember, After: m}, {Kind: store.KindNode, After: n}, {Kind: store.KindMember, After: m}}, fmt.Sprintf("store: changes 0 and 2 are both about member %s", m.ID)},
		{[]store.Change{{Kind: store.KindSettings, After: other}}, fmt.Sprintf("store: change 0: settings of directory %s committed to directory %s", other.ID, dir)},
		{[]store.Change{{Kind: 42, After: m}}, "kind 42 is unknown"},
	} {
		err := (&store.ChangeSet{ID: store.NewChangeSetID(), Changes: c.changes}).Validate(dir)
		assert.ErrorIs(t, err, orgkit.ErrInvalid, c.want)
		assert.ErrorContains(t, err, c.want)
	}
	assert.ErrorContains(t, (&store.ChangeSet{Changes: []store.Change{{Kind: store.KindMember, After: m}}}).Validate(dir),
		"store: change set has no ID")
	assert.ErrorContains(t, (*store.ChangeSet)(nil).Validate(dir), "store: empty change set")
	var none *member.Member
	assert.NoError(t, (&store.ChangeSet{ID: store.NewChangeSetID(), Changes: []store.Change{
		{Kind: store.KindMember, Before: none, After: m}, {Kind: store.KindNode, Before: n, After: n.Clone()},
	}}).Validate(dir))
}

// A store of a host's own checks a change set with Validate before writing it.
func ExampleChangeSet_Validate() {
	dir := orgkit.NewDirectoryID()
	m := &member.Member{ID: orgkit.NewMemberID(), FullName: "Ada"}
	cs := &store.ChangeSet{ID: store.NewChangeSetID(), Changes: []store.Change{
		{Kind: store.KindMember, After: m},
		{Kind: store.KindNode, After: m}, // a member where a node belongs
	}}
	fmt.Println(cs.Validate(dir))
	// Output:
	// store: change 1 (node): after-image is *member.Member, want a non-nil *orgtree.Node: orgkit: invalid
}
