package directory_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store/memstore"
)

// TestReplacingNeverLosesAnUpdate is issue 10's second report: two admins each add
// one assistant to R&D from the same snapshot, each by replacing the list with the
// one they read plus theirs. One addition silently disappeared. Now the second
// replacement, which states what it replaces, is refused; either way no write that
// succeeded is lost.
func TestReplacingNeverLosesAnUpdate(t *testing.T) {
	f := newFixture(t)
	read := f.node(f.rd) // both admins read R&D from the same snapshot
	first := orgtree.SetAssistants{Node: f.rd, Members: append(slices.Clone(read.Assistants), f.bob), Replacing: read.Assistants}
	second := orgtree.SetAssistants{Node: f.rd, Members: append(slices.Clone(read.Assistants), f.carol), Replacing: read.Assistants}
	_, err1 := f.svc.Apply(f.ctx, f.dir, directory.Meta{Actor: "admin 1"}, first)
	_, err2 := f.svc.Apply(f.ctx, f.dir, directory.Meta{Actor: "admin 2"}, second)
	require.NoError(t, err1)
	got := f.node(f.rd).Assistants
	assert.Contains(t, got, f.bob, "the first admin's assistant")
	if err2 == nil {
		assert.Contains(t, got, f.carol, "the second admin's assistant")
	} else {
		var inv *orgkit.InvalidError
		require.ErrorAs(t, err2, &inv)
		assert.Equal(t, []string{orgkit.CodeNodeAssistantsChanged}, codes(inv.Violations))
		assert.Contains(t, inv.Violations[0].Value, "Bob", "the violation shows the assistants as they are now")
	}

	// The same two admins with the intent command: both land.
	f.apply(orgtree.AddAssistants{Node: f.sales, Members: []orgkit.MemberID{f.bob}})
	f.apply(orgtree.AddAssistants{Node: f.sales, Members: []orgkit.MemberID{f.carol}})
	assert.ElementsMatch(t, []orgkit.MemberID{f.bob, f.carol}, f.node(f.sales).Assistants)
}

// TestConcurrentAdditionsAllLand runs N writers, spread over several services that
// share one store (so that commits also race in the store and are retried on fresh
// state), each adding one distinct assistant, observer, whitelist entry and
// permission. Every one of them lands.
func TestConcurrentAdditionsAllLand(t *testing.T) {
	n := 16
	if testing.Short() {
		n = 8
	}
	ctx := context.Background()
	st := memstore.New()
	opts := directory.Options{Store: st, MaxRetries: n}
	svcs := []*directory.Service{directory.New(opts), directory.New(opts), directory.New(opts)}
	snap, err := svcs[0].EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	require.NoError(t, err)
	dir, rd, sales, seller := snap.ID(), orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewRoleID()
	cmds := []orgkit.Command{
		orgtree.Create{ID: rd, Parent: snap.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D")},
		orgtree.Create{ID: sales, Parent: snap.Root(), Kind: orgtree.Department, Name: orgkit.Name("Sales")},
		role.Create{ID: seller, Name: orgkit.Name("Seller"), Permissions: []string{"crm.read"}},
	}
	ids := make([]orgkit.MemberID, n)
	for i := range ids {
		ids[i] = orgkit.NewMemberID()
		cmds = append(cmds, member.Create{ID: ids[i], SystemName: orgkit.Name(fmt.Sprint("m", i)), Mobile: fmt.Sprintf("139%08d", i+1), Primary: sales})
	}
	_, err = svcs[0].Apply(ctx, dir, directory.Meta{Actor: "setup"}, cmds...)
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = svcs[i%len(svcs)].Apply(ctx, dir, directory.Meta{Actor: fmt.Sprint("admin ", i)},
				orgtree.AddAssistants{Node: rd, Members: []orgkit.MemberID{ids[i]}},
				orgtree.AddObservers{Node: rd, Members: []orgkit.MemberID{ids[i]}},
				orgtree.AddToWhitelist{Node: rd, List: orgtree.ContactList, Members: []orgkit.MemberID{ids[i]}},
				role.AddPermissions{ID: seller, Permissions: []string{fmt.Sprint("perm.", i)}},
			)
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))

	for _, svc := range svcs {
		snap, err := svc.Snapshot(ctx, dir)
		require.NoError(t, err)
		node, _ := snap.Node(rd)
		assert.ElementsMatch(t, ids, node.Assistants, "every assistant added landed")
		assert.ElementsMatch(t, ids, node.Observers, "every observer added landed")
		assert.ElementsMatch(t, ids, node.Isolation.ContactWhitelist.Members, "every whitelist entry added landed")
		r, _ := snap.Role(seller)
		assert.Len(t, r.Permissions, n+1, "every permission granted landed")
	}
}

func TestIntentCommands(t *testing.T) {
	f := newFixture(t)
	f.apply(
		orgtree.AddAssistants{Node: f.rd, Members: []orgkit.MemberID{f.bob, f.carol, f.bob, {}}},
		orgtree.AddObservers{Node: f.rd, Members: []orgkit.MemberID{f.dave}},
		orgtree.AddToWhitelist{Node: f.qa, List: orgtree.VisibilityList, Members: []orgkit.MemberID{f.dave}, Nodes: []orgkit.NodeID{f.sales}},
		orgtree.AddToWhitelist{Node: f.qa, List: orgtree.ContactList, Members: []orgkit.MemberID{f.alice}},
	)
	rd, qa := f.node(f.rd), f.node(f.qa)
	assert.Equal(t, []orgkit.MemberID{f.bob, f.carol}, rd.Assistants, "repeats and zero IDs dropped, order kept")
	assert.Equal(t, []orgkit.MemberID{f.dave}, rd.Observers)
	assert.Equal(t, orgtree.Whitelist{Members: []orgkit.MemberID{f.dave}, Nodes: []orgkit.NodeID{f.sales}}, qa.Isolation.VisibilityWhitelist)
	assert.Equal(t, orgtree.Whitelist{Members: []orgkit.MemberID{f.alice}}, qa.Isolation.ContactWhitelist)

	// adding what is there and removing what is not change nothing
	res := f.apply(
		orgtree.AddAssistants{Node: f.rd, Members: []orgkit.MemberID{f.carol}},
		orgtree.RemoveObservers{Node: f.rd, Members: []orgkit.MemberID{f.bob}},
		orgtree.RemoveFromWhitelist{Node: f.qa, List: orgtree.ContactList, Members: []orgkit.MemberID{f.dave}},
	)
	assert.Nil(t, res.ChangeSet, "a batch of no-ops commits nothing")

	f.apply(
		orgtree.RemoveAssistants{Node: f.rd, Members: []orgkit.MemberID{f.bob}},
		orgtree.RemoveObservers{Node: f.rd, Members: []orgkit.MemberID{f.dave}},
		orgtree.RemoveFromWhitelist{Node: f.qa, List: orgtree.VisibilityList, Nodes: []orgkit.NodeID{f.sales}},
	)
	rd, qa = f.node(f.rd), f.node(f.qa)
	assert.Equal(t, []orgkit.MemberID{f.carol}, rd.Assistants)
	assert.Nil(t, rd.Observers, "the last observer removed leaves none")
	assert.Equal(t, orgtree.Whitelist{Members: []orgkit.MemberID{f.dave}}, qa.Isolation.VisibilityWhitelist)

	// the rules of the replacements hold for the intents too
	vs := f.refuse(orgtree.AddObservers{Node: f.root, Members: []orgkit.MemberID{f.bob}})
	assert.Equal(t, []string{orgkit.CodeNodeObserverRoot}, codes(vs))
	vs = f.refuse(orgtree.AddToWhitelist{Node: f.root, List: orgtree.ContactList, Members: []orgkit.MemberID{f.bob}})
	assert.Equal(t, []string{orgkit.CodeNodeIsolationRoot}, codes(vs))
	vs = f.refuse(orgtree.AddToWhitelist{Node: f.qa, Members: []orgkit.MemberID{f.bob}})
	assert.Equal(t, []string{orgkit.CodeFieldInvalid}, codes(vs), "the whitelist must be named")
	f.apply(member.Deactivate{Members: []orgkit.MemberID{f.dave}})
	vs = f.refuse(orgtree.AddAssistants{Node: f.rd, Members: []orgkit.MemberID{f.dave}})
	assert.Equal(t, []string{orgkit.CodeNodePostInactive}, codes(vs), "an inactive member holds no post")
	vs = f.refuse(orgtree.AddAssistants{Node: orgkit.NewNodeID(), Members: []orgkit.MemberID{f.bob}})
	assert.Equal(t, []string{"field.reference.not_found"}, codes(vs))

	// permissions
	r := orgkit.NewRoleID()
	f.apply(role.Create{ID: r, Name: orgkit.Name("Seller"), Permissions: []string{"crm.read"}})
	f.apply(role.AddPermissions{ID: r, Permissions: []string{" crm.write ", "crm.read", ""}})
	got, _ := f.snap().Role(r)
	assert.Equal(t, []string{"crm.read", "crm.write"}, got.Permissions, "trimmed, repeats and blanks dropped")
	f.apply(role.RemovePermissions{ID: r, Permissions: []string{"crm.read", "crm.delete"}})
	got, _ = f.snap().Role(r)
	assert.Equal(t, []string{"crm.write"}, got.Permissions)
	vs = f.refuse(role.AddPermissions{ID: r, Permissions: []string{"crm\u202e"}})
	assert.Equal(t, []string{orgkit.CodeTextForbidden}, codes(vs))
}

// TestReplacementsStateWhatTheyReplace: SetAssistants, SetObservers, SetIsolation and
// role.Update pass when Replacing is the value the batch starts from (in any order),
// or when they change nothing, and are refused otherwise, naming the current value.
// Earlier commands of the same batch do not count against Replacing.
func TestReplacementsStateWhatTheyReplace(t *testing.T) {
	f := newFixture(t)
	f.apply(orgtree.AddAssistants{Node: f.rd, Members: []orgkit.MemberID{f.bob, f.carol}})

	vs := f.refuse(orgtree.SetAssistants{Node: f.rd, Members: []orgkit.MemberID{f.dave}})
	assert.Equal(t, []string{orgkit.CodeNodeAssistantsChanged}, codes(vs), "no Replacing: the node had none, says the caller")
	assert.Equal(t, "Bob, Carol", vs[0].Value)
	f.apply(orgtree.SetAssistants{Node: f.rd, Members: []orgkit.MemberID{f.bob, f.carol}}) // changes nothing: passes
	f.apply(orgtree.SetAssistants{Node: f.rd, Members: []orgkit.MemberID{f.dave}, Replacing: []orgkit.MemberID{f.carol, f.bob}})
	assert.Equal(t, []orgkit.MemberID{f.dave}, f.node(f.rd).Assistants)
	// within one batch: an intent before the replacement is the caller's own doing
	f.apply(
		orgtree.AddAssistants{Node: f.rd, Members: []orgkit.MemberID{f.bob}},
		orgtree.SetAssistants{Node: f.rd, Members: []orgkit.MemberID{f.carol}, Replacing: []orgkit.MemberID{f.dave}},
	)
	assert.Equal(t, []orgkit.MemberID{f.carol}, f.node(f.rd).Assistants)

	f.apply(orgtree.SetObservers{Node: f.rd, Members: []orgkit.MemberID{f.bob}})
	vs = f.refuse(orgtree.SetObservers{Node: f.rd, Members: []orgkit.MemberID{f.carol}, Replacing: []orgkit.MemberID{f.dave}})
	assert.Equal(t, []string{orgkit.CodeNodeObserversChanged}, codes(vs))
	assert.Equal(t, "Bob", vs[0].Value)

	iso := orgtree.Isolation{HideFromOutside: true, VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{f.dave, f.alice}}}
	f.apply(orgtree.SetIsolation{Node: f.qa, Isolation: iso})
	vs = f.refuse(orgtree.SetIsolation{Node: f.qa, Isolation: orgtree.Isolation{ContactView: orgtree.OnlySelf}})
	assert.Equal(t, []string{orgkit.CodeNodeIsolationChanged}, codes(vs))
	assert.Contains(t, vs[0].Value, "Dave, Alice")
	reordered := orgtree.Isolation{HideFromOutside: true, VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{f.alice, f.dave}}}
	f.apply(orgtree.SetIsolation{Node: f.qa, Isolation: orgtree.Isolation{ContactView: orgtree.OnlySelf}, Replacing: reordered})
	assert.Equal(t, orgtree.OnlySelf, f.node(f.qa).Isolation.ContactView)

	r := orgkit.NewRoleID()
	f.apply(role.Create{ID: r, Name: orgkit.Name("Seller"), Permissions: []string{"a", "b"}})
	vs = f.refuse(role.Update{ID: r, Name: orgkit.Name("Sales")})
	assert.Equal(t, []string{orgkit.CodeRolePermissionsChanged}, codes(vs), "a rename that forgets the permissions would drop them")
	assert.Equal(t, "a, b", vs[0].Value)
	f.apply(role.Update{ID: r, Name: orgkit.Name("Sales"), Permissions: []string{"b", "a"}})
	f.apply(role.Update{ID: r, Name: orgkit.Name("Sales"), Permissions: []string{"c"}, Replacing: []string{"b", "a"}})
	got, _ := f.snap().Role(r)
	assert.Equal(t, []string{"c"}, got.Permissions)
}
