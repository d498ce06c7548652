package connectortest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
)

// ChurnOptions size a round of upstream changes.
type ChurnOptions struct {
	// Seed makes the round reproducible.
	Seed uint64
	// Share of the members the round changes, spread over every kind of change
	// (default 0.01: 1 %).
	Share float64
}

// Depart prepares a source for a churn round that re-hires people and brings
// departments back: it removes up to members plain members (see Churn) and up to
// departments leaf departments (their members move to the parent department). Sync
// once after it, so that the directory holds them inactive. It returns how many of
// each it removed.
func Depart(s *Source, seed uint64, members, departments int) (gone, closed int) {
	rng := rand.New(rand.NewPCG(seed, ^seed))
	snap := s.Snapshot()
	idx := indexSnapshot(snap)
	closing := map[string]bool{}
	for _, d := range shuffled(rng, idx.leaves()) {
		if closed == departments {
			break
		}
		for _, e := range idx.members[d] {
			closing[e] = true
		}
		idx.closeDepartment(s, d)
		closed++
	}
	for _, ext := range shuffled(rng, plain(snap)) {
		if gone == members {
			break
		}
		if !closing[ext] && s.RemoveMember(ext) {
			gone++
		}
	}
	return gone, closed
}

// Churn makes one round of upstream changes spread over every kind of change the
// planner knows — departments created, renamed, moved, reordered, deleted (with their
// members moved to the parent) and brought back (see Depart), leaders changed;
// members created, updated, moved to another department, given another reporting
// manager, disabled, removed, resigned and re-hired — choosing records so that no two
// changes interact. It returns how many items of each kind the next plan must have.
func Churn(s *Source, opts ChurnOptions) map[connector.ItemKind]int {
	share := defaultFloat(opts.Share, 0.01)
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5851f42d4c957f2d))
	snap := s.Snapshot()
	idx := indexSnapshot(snap)
	per := max(1, int(share*float64(len(snap.Members)))/14)
	exp := map[connector.ItemKind]int{}
	usedD := map[string]bool{}
	departed := s.Departed()
	for _, ext := range departed {
		m := s.departedMember(ext)
		for _, d := range m.Departments {
			usedD[d] = true // keep the departments of people who may come back
		}
	}

	pool := shuffled(rng, plain(snap))
	usedM := map[string]bool{}
	next := func() (string, bool) {
		for len(pool) > 0 {
			ext := pool[0]
			pool = pool[1:]
			if !usedM[ext] {
				usedM[ext] = true
				return ext, true
			}
		}
		return "", false
	}

	// departments deleted upstream: members move to the parent
	n := 0
	for _, d := range shuffled(rng, idx.leaves()) {
		if n == max(1, per/4) {
			break
		}
		if usedD[d] || slices.ContainsFunc(idx.members[d], func(e string) bool { return usedM[e] || !idx.isPlain(e) }) {
			continue
		}
		usedD[d], usedD[idx.parent[d]] = true, true
		for _, e := range idx.members[d] {
			usedM[e] = true
		}
		exp[connector.MemberMove] += idx.closeDepartment(s, d)
		exp[connector.NodeDeactivate]++
		n++
	}
	live := func() []string {
		var out []string
		for _, d := range s.DepartmentIDs() {
			if !usedD[d] {
				out = append(out, d)
			}
		}
		return shuffled(rng, out)
	}
	// departments renamed, reordered, moved
	cands := live()
	take := func() (string, bool) {
		for len(cands) > 0 {
			d := cands[0]
			cands = cands[1:]
			if !usedD[d] {
				usedD[d] = true
				return d, true
			}
		}
		return "", false
	}
	for range per {
		if d, ok := take(); ok {
			s.EditDepartment(d, func(x *connector.Department) { x.Name.Default += " renamed" })
			exp[connector.NodeRename]++
		}
		if d, ok := take(); ok {
			s.EditDepartment(d, func(x *connector.Department) { x.Order += 1000 })
			exp[connector.NodeReorder]++
		}
		if d, ok := take(); ok {
			for range 20 {
				p := idx.order[rng.IntN(len(idx.order))]
				if p == idx.parent[d] || idx.within(p, d) || !s.hasDepartment(p) || idx.nameTaken(p, d) {
					continue
				}
				s.EditDepartment(d, func(x *connector.Department) { x.Parent = p })
				idx.parent[d] = p
				idx.kids[p] = append(idx.kids[p], d)
				exp[connector.NodeMove]++
				break
			}
		}
	}
	// departments created, and brought back
	for i := range per {
		p := idx.order[rng.IntN(len(idx.order))]
		if !s.hasDepartment(p) {
			continue
		}
		ext := fmt.Sprintf("n%d-%05d", opts.Seed, i)
		s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: ext, Parent: p, Name: orgkit.Name(fmt.Sprintf("New %d-%d", opts.Seed, i))})
		exp[connector.NodeCreate]++
	}
	n = 0
	for _, ext := range s.RemovedDepartmentIDs() {
		if n == per {
			break
		}
		if !idx.deleted[ext] && s.RestoreDepartment(ext) {
			exp[connector.NodeReactivate]++
			n++
		}
	}
	// leaders changed: a plain member of the department becomes its first leader, or
	// replaces its second
	for _, d := range live() {
		if exp[connector.NodeManager]+exp[connector.NodeAssistants] >= per {
			break
		}
		leaders := idx.leaders[d]
		if len(leaders) == 0 {
			continue
		}
		i := slices.IndexFunc(idx.primary[d], func(e string) bool { return !usedM[e] && idx.isPlain(e) })
		if i < 0 {
			continue
		}
		nl := idx.primary[d][i]
		usedM[nl], usedD[d] = true, true
		k := connector.NodeManager
		pos := 0
		if len(leaders) > 1 && exp[connector.NodeAssistants] < per/2 {
			k, pos = connector.NodeAssistants, 1
		}
		s.EditDepartment(d, func(x *connector.Department) { x.Leaders[pos] = nl })
		exp[k]++
	}
	// members updated, moved, given another manager
	targets := live()
	var bosses []string
	for _, d := range idx.order {
		if ls := idx.leaders[d]; len(ls) > 0 && s.hasDepartment(d) {
			bosses = append(bosses, ls[0])
		}
	}
	for i := range per {
		if e, ok := next(); ok {
			s.EditMember(e, func(m *connector.Member) {
				m.Values.JobTitle = "Churned " + m.Values.JobTitle
				if i%4 == 0 {
					m.Values.Mobile = fmt.Sprintf("17%09d", int(opts.Seed%1000)*100000+i)
				}
			})
			exp[connector.MemberUpdate]++
		}
		if e, ok := next(); ok && len(targets) > 0 {
			m, _ := s.Member(e)
			for range 20 {
				t := targets[rng.IntN(len(targets))]
				if slices.Contains(m.Departments, t) {
					continue
				}
				s.EditMember(e, func(m *connector.Member) { m.Departments[0] = t })
				exp[connector.MemberMove]++
				break
			}
		}
		if e, ok := next(); ok && len(bosses) > 0 {
			m, _ := s.Member(e)
			if b := bosses[rng.IntN(len(bosses))]; b != m.Manager && b != e {
				s.EditMember(e, func(m *connector.Member) { m.Manager = b })
				exp[connector.MemberManager]++
			}
		}
	}
	// members leaving: disabled, removed, resigned
	for i := range per {
		if e, ok := next(); ok {
			if i%2 == 0 {
				s.EditMember(e, func(m *connector.Member) { m.Status = connector.Disabled })
			} else {
				s.RemoveMember(e)
			}
			exp[connector.MemberDeactivate]++
		}
		if e, ok := next(); ok {
			s.EditMember(e, func(m *connector.Member) { m.Status = connector.Resigned })
			exp[connector.MemberResign]++
		}
	}
	// people re-hired
	for _, ext := range departed[:min(per, len(departed))] {
		if s.RestoreMember(ext) {
			exp[connector.MemberActivate]++
		}
	}
	// people hired
	for i := range per {
		if len(targets) == 0 {
			break
		}
		d := targets[rng.IntN(len(targets))]
		seq := int(opts.Seed%1000)*100000 + i
		ext := fmt.Sprintf("c%d-%06d", opts.Seed, i)
		m := personAt(rng, seq, ext, []string{d})
		m.Values.Mobile = fmt.Sprintf("18%09d", seq)
		m.Values.EmployeeNumber = fmt.Sprintf("C%09d", seq)
		if ls := idx.leaders[d]; len(ls) > 0 {
			m.Manager = ls[0]
			exp[connector.MemberManager]++
		}
		s.PutMember(m)
		exp[connector.MemberCreate]++
	}
	return exp
}

// index is what Churn and Depart need to know about a snapshot.
type index struct {
	order    []string
	parent   map[string]string
	children map[string]int
	members  map[string][]string // department → members listing it
	primary  map[string][]string // department → members with it as primary, sorted
	leaders  map[string][]string
	names    map[string][]string // department → its names, lower-cased
	kids     map[string][]string // department → its sub-departments
	plain    map[string]bool
	deleted  map[string]bool
	root     string
	snap     *connector.Snapshot
}

func indexSnapshot(snap *connector.Snapshot) *index {
	x := &index{parent: map[string]string{}, children: map[string]int{}, members: map[string][]string{},
		primary: map[string][]string{}, leaders: map[string][]string{}, plain: map[string]bool{}, deleted: map[string]bool{},
		names: map[string][]string{}, kids: map[string][]string{},
		root: snap.RootID, snap: snap}
	for _, d := range snap.Departments {
		x.order = append(x.order, d.ExternalID)
		x.parent[d.ExternalID] = d.Parent
		x.children[d.Parent]++
		x.leaders[d.ExternalID] = d.Leaders
		x.kids[d.Parent] = append(x.kids[d.Parent], d.ExternalID)
		x.names[d.ExternalID] = append(x.names[d.ExternalID], strings.ToLower(d.Name.Default))
		for _, n := range d.Name.ByLang {
			x.names[d.ExternalID] = append(x.names[d.ExternalID], strings.ToLower(n))
		}
	}
	for _, m := range snap.Members {
		for i, d := range m.Departments {
			x.members[d] = append(x.members[d], m.ExternalID)
			if i == 0 {
				x.primary[d] = append(x.primary[d], m.ExternalID)
			}
		}
	}
	for _, e := range plain(snap) {
		x.plain[e] = true
	}
	return x
}

func (x *index) isPlain(ext string) bool { return x.plain[ext] }

// nameTaken reports whether a name of department d is a name of a sub-department of p.
func (x *index) nameTaken(p, d string) bool {
	for _, k := range x.kids[p] {
		for _, n := range x.names[k] {
			if slices.Contains(x.names[d], n) {
				return true
			}
		}
	}
	return false
}

// leaves are the departments without sub-departments and without leaders.
func (x *index) leaves() []string {
	var out []string
	for _, d := range x.order {
		if x.children[d] == 0 && len(x.leaders[d]) == 0 {
			out = append(out, d)
		}
	}
	return out
}

// within reports whether department d lies in the subtree of a.
func (x *index) within(d, a string) bool {
	for hops := 0; d != "" && d != x.root && hops <= len(x.order); hops++ {
		if d == a {
			return true
		}
		d = x.parent[d]
	}
	return false
}

// closeDepartment removes a leaf department upstream, moving its members to the
// parent; it returns how many members moved.
func (x *index) closeDepartment(s *Source, d string) int {
	p := x.parent[d]
	moved := 0
	for _, e := range x.members[d] {
		if s.EditMember(e, func(m *connector.Member) {
			out := make([]string, 0, len(m.Departments))
			for _, dd := range m.Departments {
				if dd == d {
					dd = p
				}
				if !slices.Contains(out, dd) {
					out = append(out, dd)
				}
			}
			m.Departments = out
		}) {
			moved++
		}
	}
	s.RemoveDepartment(d)
	x.deleted[d] = true
	x.children[p]--
	return moved
}

func shuffled(rng *rand.Rand, s []string) []string {
	out := slices.Clone(s)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
