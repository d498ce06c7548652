package visibility_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/visibility"
)

// TestUpdate applies random edits of every kind (member moves, secondary
// departments, deactivation and reactivation, new members, org-admin grants, renames,
// posts, isolation) one at a time and checks that the updated index agrees with the
// reference on the new snapshot, while the previous index still agrees with the
// reference on the previous snapshot.
func TestUpdate(t *testing.T) {
	ctx := context.Background()
	worlds, steps := 6, 40
	if testing.Short() || raceEnabled {
		worlds, steps = 2, 15
	}
	for wi := range worlds {
		sp := spec{Seed: uint64(100 + wi), Nodes: 12, Members: 30}
		w := buildRandom(t, sp)
		r := rand.New(rand.NewPCG(sp.Seed, 99))
		x := visibility.Compile(w.snap)
		live := w.nodes[:len(w.nodes)-1]
		for step := range steps {
			snap := x.Snapshot()
			ms := w.members[:len(w.members)-1]
			m := ms[r.IntN(len(ms))]
			nd := live[r.IntN(len(live))]
			var cmd orgkit.Command
			switch r.IntN(9) {
			case 0:
				cmd = member.Update{ID: m, Fields: []member.Field{member.PrimaryDepartmentField}, Value: member.Member{Primary: nd}}
			case 1:
				cmd = member.Update{ID: m, Fields: []member.Field{member.SecondaryDepartmentsField}, Value: member.Member{Secondary: []orgkit.NodeID{nd}}}
			case 2:
				cmd = member.Deactivate{Members: []orgkit.MemberID{m}}
			case 3:
				cmd = member.Activate{Members: []orgkit.MemberID{m}}
			case 4:
				id := orgkit.NewMemberID()
				cmd = member.Create{ID: id, SystemName: orgkit.Name(fmt.Sprintf("new%d-%d", wi, step)), Email: fmt.Sprintf("new%d-%d@example.test", wi, step),
					LoginMethod: member.LoginByEmail, Primary: nd}
				w.members = append([]orgkit.MemberID{id}, w.members...)
			case 5:
				cmd = role.Assign{Members: []orgkit.MemberID{m}, Roles: []orgkit.RoleID{snap.Settings().AdminRole}}
			case 6:
				cmd = orgtree.Rename{Node: nd, Name: orgkit.Name(fmt.Sprintf("R%d", step))}
			case 7:
				cmd = orgtree.SetManager{Node: nd, Member: m}
			default:
				cmd = orgtree.SetIsolation{Node: nd, Isolation: orgtree.Isolation{HideFromOutside: true,
					VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{m}}}}
			}
			res, err := w.svc.Apply(ctx, snap.ID(), directory.Meta{Actor: "test"}, cmd)
			if err != nil {
				continue // refused by the service (e.g. the root's isolation): nothing changed
			}
			next := x.Update(res.Snapshot)
			if step%2 == 0 {
				next = x.UpdateWith(res.Snapshot, res.ChangeSet)
			}
			require.Same(t, res.Snapshot, next.Snapshot())
			if msg := disagreement(res.Snapshot, next, w.members, w.nodes, 300, uint64(step)); msg != "" {
				t.Fatalf("%s, after %s (step %d): %s\n%s", sp, cmd.CommandName(), step, msg, dump(res.Snapshot))
			}
			if msg := disagreement(snap, x, w.members, w.nodes, 100, uint64(step)); msg != "" {
				t.Fatalf("%s: the previous index changed after %s (step %d): %s", sp, cmd.CommandName(), step, msg)
			}
			x = next
		}
	}
}

// TestConcurrentReaders reads one index from several goroutines while updates derive
// new indexes from it — twice from the same base, so that copy-on-write is tested
// too. Run with -race.
func TestConcurrentReaders(t *testing.T) {
	ctx := context.Background()
	w := buildRandom(t, spec{Seed: 5, Nodes: 10, Members: 40})
	x := visibility.Compile(w.snap)
	done := make(chan struct{})
	errs := make(chan string, 4)
	for g := range 4 {
		go func() {
			defer func() { errs <- "" }()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for {
				select {
				case <-done:
					return
				default:
				}
				v, u := w.members[r.IntN(len(w.members))], w.members[r.IntN(len(w.members))]
				n := w.nodes[r.IntN(len(w.nodes))]
				_ = x.CanSee(v, u) || x.CanRead(v, n) || x.InGroup(n, u)
				for range x.Recipients(n) {
				}
				_ = x.ExplainCanSee(v, u).Text(orgkit.Languages()[g%3])
			}
		}()
	}
	base := x.Snapshot()
	var edits []*visibility.Index
	for i := range 6 {
		m := w.members[i]
		res, err := w.svc.Plan(ctx, base.ID(), directory.Meta{}, member.Update{ID: m, Fields: []member.Field{member.PrimaryDepartmentField},
			Value: member.Member{Primary: w.nodes[i%len(w.nodes)]}},
			member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(fmt.Sprint("c", i)), Email: fmt.Sprint("c", i, "@example.test"),
				LoginMethod: member.LoginByEmail})
		require.NoError(t, err)
		edits = append(edits, x.Update(res.Snapshot)) // every edit from the same base
	}
	close(done)
	for range 4 {
		<-errs
	}
	for _, y := range edits {
		if msg := disagreement(y.Snapshot(), y, w.members, w.nodes, 200, 1); msg != "" {
			t.Fatal(msg)
		}
	}
	if msg := disagreement(base, x, w.members, w.nodes, 200, 1); msg != "" {
		t.Fatal(msg)
	}
}
