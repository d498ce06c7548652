package connector_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// TestSyncIsPathIndependent: for random pairs of upstream snapshots A and B, syncing A
// then B gives the same directory as syncing B into an empty one, and syncing B again
// changes nothing. Some pairs give their leaders as member flags instead of
// department lists (then the leaders' order is the directory's, and only the set is
// compared). Then, on the directory synced A then B:
//   - B with random fields left out (departments' names, parents, orders, leaders;
//     members' values, departments, managers, leader flags) plans nothing: absent
//     keeps the local value;
//   - reached instead as a delta from A's cursor, with some members' IDs changed on
//     the way, B gives the same directory as a fresh sync of B with those IDs, and the
//     renamed members keep their identity.
func TestSyncIsPathIndependent(t *testing.T) {
	runs := 40
	if testing.Short() {
		runs = 8
	}
	for seed := range uint64(runs) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 77))
			flags := seed%3 == 2
			a, b := randomUpstream(rng, seed*2+1, flags), randomUpstream(rng, seed*2+2, flags)
			opts := connector.SyncOptions{PlanOptions: connector.PlanOptions{Force: true}}

			ab := newEnv(t, a)
			ab.sync(opts)
			ab.src = b
			ab.sync(opts)

			fresh := newEnv(t, b)
			fresh.sync(opts)

			require.Equal(t, dumpOf(t, fresh.snap(), b, flags), dumpOf(t, ab.snap(), b, flags))
			for _, e := range []*env{ab, fresh} {
				rep := e.sync(opts)
				require.True(t, rep.Plan.Empty(), "syncing B again: %s", rep.Plan)
			}

			// absent keeps the local value
			before := dumpOf(t, ab.snap(), b, false)
			ab.src = withAbsentFields(rng, b)
			rep := ab.sync(opts)
			require.True(t, rep.Plan.Empty(), "B with fields left out: %s", rep.Plan)
			require.Equal(t, before, dumpOf(t, ab.snap(), b, false))

			// the same change as a delta, with upstream IDs changed on the way
			viaDelta := newEnv(t, randomUpstream(rand.New(rand.NewPCG(seed, 77)), seed*2+1, flags))
			cursor := viaDelta.sync(opts).Cursor
			replaceWith(viaDelta.src, b)
			target := b.Clone()
			renamed := map[string]orgkit.MemberID{}
			for _, ext := range b.MemberIDs() {
				if rng.IntN(6) != 0 {
					continue
				}
				if m, ok := viaDelta.snap().MemberBy(member.ExternalIDField, ext); ok && viaDelta.src.RenameMember(ext, ext+"-renamed") {
					require.True(t, target.RenameMember(ext, ext+"-renamed"))
					renamed[ext+"-renamed"] = m.ID
				}
			}
			rep = viaDelta.sync(connector.SyncOptions{PlanOptions: opts.PlanOptions, Cursor: cursor})
			require.NotEqual(t, cursor, rep.Cursor)
			freshTarget := newEnv(t, target)
			freshTarget.sync(opts)
			require.Equal(t, dumpOf(t, freshTarget.snap(), target, flags), dumpOf(t, viaDelta.snap(), target, flags))
			for ext, id := range renamed {
				require.Equal(t, id, viaDelta.member(ext).ID, "renamed %s keeps its identity", ext)
			}
			require.True(t, viaDelta.sync(connector.SyncOptions{PlanOptions: opts.PlanOptions, Cursor: rep.Cursor}).Plan.Empty())
			require.True(t, viaDelta.sync(opts).Plan.Empty())
		})
	}
}

// withAbsentFields returns a copy of s in which random fields are left out: of the
// departments their names, parents, orders or leaders; of the members some values,
// their departments, reporting managers or leader flags.
func withAbsentFields(rng *rand.Rand, s *connectortest.Source) *connectortest.Source {
	c := s.Clone()
	for _, ext := range c.DepartmentIDs() {
		c.EditDepartment(ext, func(d *connector.Department) {
			d.Present = slices.DeleteFunc(d.Present, func(orgtree.Field) bool { return rng.IntN(2) == 0 })
		})
	}
	for _, ext := range c.MemberIDs() {
		c.EditMember(ext, func(m *connector.Member) {
			m.Present = slices.DeleteFunc(m.Present, func(member.Field) bool { return rng.IntN(3) == 0 })
			if rng.IntN(3) == 0 {
				m.LeaderIn, m.LeaderInPresent = nil, false
			}
		})
	}
	return c
}

// replaceWith edits s, as an administrator would, until it lists what b lists:
// departments and members put again or removed.
func replaceWith(s, b *connectortest.Source) {
	up := b.Snapshot()
	keepD, keepM := map[string]bool{}, map[string]bool{}
	for _, d := range up.Departments {
		keepD[d.ExternalID] = true
		s.PutDepartment(d)
	}
	for _, m := range up.Members {
		keepM[m.ExternalID] = true
		s.PutMember(m)
	}
	for _, ext := range s.MemberIDs() {
		if !keepM[ext] {
			s.RemoveMember(ext)
		}
	}
	for _, ext := range s.DepartmentIDs() {
		if !keepD[ext] {
			s.RemoveDepartment(ext)
		}
	}
}

// randomUpstream generates a small upstream and breaks some of its rules.
func randomUpstream(rng *rand.Rand, seed uint64, flags bool) *connectortest.Source {
	s := connectortest.Generate(connectortest.GenerateOptions{
		Seed: seed, Departments: 2 + rng.IntN(10), Members: 4 + rng.IntN(30),
		MaxDepth: 1 + rng.IntN(4), CollisionShare: rng.Float64() / 2, LeaderShare: 0.5, LeaderFlags: flags,
	})
	ids := s.MemberIDs()
	depts := s.DepartmentIDs()
	pick := func() string { return ids[rng.IntN(len(ids))] }
	for range rng.IntN(4) { // disabled and resigned people
		st := connector.Disabled
		if rng.IntN(2) == 0 {
			st = connector.Resigned
		}
		s.EditMember(pick(), func(m *connector.Member) { m.Status = st })
	}
	for range rng.IntN(3) { // duplicate mobiles (the later member may be left with no contact)
		x, y := pick(), pick()
		mx, _ := s.Member(x)
		s.EditMember(y, func(m *connector.Member) { m.Values.Mobile = mx.Values.Mobile })
	}
	for range rng.IntN(2) { // reporting cycles
		x, y := pick(), pick()
		s.EditMember(x, func(m *connector.Member) { m.Manager = y })
		s.EditMember(y, func(m *connector.Member) { m.Manager = x })
	}
	if rng.IntN(3) == 0 { // a department no longer upstream
		s.EditMember(pick(), func(m *connector.Member) { m.Departments = append(m.Departments, "gone") })
	}
	if len(depts) > 2 && rng.IntN(3) == 0 { // a parent cycle
		x, y := depts[rng.IntN(len(depts))], depts[rng.IntN(len(depts))]
		s.EditDepartment(x, func(d *connector.Department) { d.Parent = y })
		s.EditDepartment(y, func(d *connector.Department) { d.Parent = x })
	}
	if rng.IntN(3) == 0 { // a leader who is not upstream, or not enabled
		d := depts[rng.IntN(len(depts))]
		s.EditDepartment(d, func(d *connector.Department) { d.Leaders = append(d.Leaders, "nobody", pick()) })
	}
	return s
}

// dumpOf renders what upstream owns in the directory, keyed by external IDs: every
// active synced department, and every member upstream lists. With leaderSets, a
// department's leaders are rendered as a set (manager and assistants together, sorted).
func dumpOf(t *testing.T, snap *directory.Snapshot, src *connectortest.Source, leaderSets bool) string {
	t.Helper()
	tree := snap.Tree()
	ext := func(id orgkit.NodeID) string {
		if id == snap.Root() {
			return "ROOT"
		}
		n, ok := tree.Node(id)
		require.True(t, ok)
		return n.ExternalID
	}
	mext := func(id orgkit.MemberID) string {
		if id.IsZero() {
			return ""
		}
		m, ok := snap.Member(id)
		require.True(t, ok)
		return m.ExternalID
	}
	var lines []string
	for n := range tree.All() {
		if n.ExternalID == "" || n.Parent.IsZero() || n.Status != orgkit.Active {
			continue
		}
		var asst []string
		for _, a := range n.Assistants {
			asst = append(asst, mext(a))
		}
		if leaderSets {
			leaders := append(asst, mext(n.Manager))
			slices.Sort(leaders)
			lines = append(lines, fmt.Sprintf("node %s parent=%s name=%q %v order=%d leaders=%v",
				n.ExternalID, ext(n.Parent), n.Name.Default, n.Name.ByLang, n.Order, slices.DeleteFunc(leaders, func(s string) bool { return s == "" })))
			continue
		}
		lines = append(lines, fmt.Sprintf("node %s parent=%s name=%q %v order=%d manager=%s assistants=%v",
			n.ExternalID, ext(n.Parent), n.Name.Default, n.Name.ByLang, n.Order, mext(n.Manager), asst))
	}
	fields := src.Fields().Member
	for _, e := range src.MemberIDs() {
		m, ok := snap.MemberBy(member.ExternalIDField, e)
		if !ok {
			lines = append(lines, "member "+e+" absent")
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "member %s status=%s", e, m.Status)
		for _, f := range fields {
			switch f {
			case member.PrimaryDepartmentField:
				if !m.Primary.IsZero() {
					fmt.Fprintf(&b, " primary=%s", ext(m.Primary))
				}
			case member.SecondaryDepartmentsField:
				for _, s := range m.Secondary {
					fmt.Fprintf(&b, " secondary=%s", ext(s))
				}
			case member.ReportingManagerField:
				if m.Status == orgkit.Active {
					fmt.Fprintf(&b, " manager=%s", mext(m.ReportingManager))
				}
			default:
				fmt.Fprintf(&b, " %s=%v", f, fieldText(f, &m))
			}
		}
		lines = append(lines, b.String())
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func fieldText(f member.Field, m *member.Member) string {
	switch f {
	case member.FullNameField:
		return m.FullName
	case member.MobileField:
		return m.Mobile
	case member.EmailField:
		return m.Email
	case member.JobTitleField:
		return m.JobTitle
	case member.EmployeeNumberField:
		return m.EmployeeNumber
	case member.GenderField:
		return m.Gender.String()
	case member.HireDateField:
		return m.HireDate.String()
	case member.WorkPlaceField:
		return m.WorkPlace
	case member.OfficePhoneField:
		return m.OfficePhone
	case member.AvatarField:
		return m.Avatar.URI
	}
	return "?" + f.String()
}

// TestParallelPlanningIsDeterministic plans the same upstream with the member work
// split over workers and not: the plans (commands aside, which hold fresh IDs) agree.
func TestParallelPlanningIsDeterministic(t *testing.T) {
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 99))
		a, b := randomUpstream(rng, seed*2+1, false), randomUpstream(rng, seed*2+2, false)
		e := newEnv(t, a)
		e.sync(connector.SyncOptions{PlanOptions: connector.PlanOptions{Force: true}})
		up, err := connector.Fetch(e.ctx, b)
		require.NoError(t, err)
		render := func() string {
			plan, err := connector.Plan(e.ctx, e.snap(), up, connector.PlanOptions{Force: true})
			require.NoError(t, err)
			var sb strings.Builder
			for _, it := range plan.Items {
				fmt.Fprintf(&sb, "%s %s %s %v\n", it.Kind, it.ExternalID, it.Reason, it.Fields)
			}
			for _, w := range plan.Warnings {
				fmt.Fprintln(&sb, w)
			}
			return sb.String()
		}
		serial := render()
		old := connector.SetParallelChunk(2)
		parallel := render()
		connector.SetParallelChunk(old)
		require.Equal(t, serial, parallel)
	}
}
