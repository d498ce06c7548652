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
)

// TestSyncIsPathIndependent: for random pairs of upstream snapshots A and B, syncing A
// then B gives the same directory as syncing B into an empty one, and syncing B again
// changes nothing.
func TestSyncIsPathIndependent(t *testing.T) {
	runs := 40
	if testing.Short() {
		runs = 8
	}
	for seed := range uint64(runs) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 77))
			a, b := randomUpstream(rng, seed*2+1), randomUpstream(rng, seed*2+2)
			opts := connector.SyncOptions{PlanOptions: connector.PlanOptions{Force: true}}

			ab := newEnv(t, a)
			ab.sync(opts)
			ab.src = b
			ab.sync(opts)

			fresh := newEnv(t, b)
			fresh.sync(opts)

			require.Equal(t, dump(t, fresh.snap(), b), dump(t, ab.snap(), b))
			for _, e := range []*env{ab, fresh} {
				rep := e.sync(opts)
				require.True(t, rep.Plan.Empty(), "syncing B again: %s", rep.Plan)
			}
		})
	}
}

// randomUpstream generates a small upstream and breaks some of its rules.
func randomUpstream(rng *rand.Rand, seed uint64) *connectortest.Source {
	s := connectortest.Generate(connectortest.GenerateOptions{
		Seed: seed, Departments: 2 + rng.IntN(10), Members: 4 + rng.IntN(30),
		MaxDepth: 1 + rng.IntN(4), CollisionShare: rng.Float64() / 2, LeaderShare: 0.5,
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

// dump renders what upstream owns in the directory, keyed by external IDs: every
// active synced department, and every member upstream lists.
func dump(t *testing.T, snap *directory.Snapshot, src *connectortest.Source) string {
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
		a, b := randomUpstream(rng, seed*2+1), randomUpstream(rng, seed*2+2)
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
