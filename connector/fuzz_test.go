package connector_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// FuzzSync builds an upstream from arbitrary bytes — odd names, external IDs, mobiles,
// parents, managers and leaders, departments that leave fields out, leader flags — and
// syncs it twice. The sync either applies (and then the second run plans nothing) or
// is refused with one of the documented preconditions; the directory's write path
// never rejects a plan. Then a delta in which a member's upstream ID changed and a
// department could not be read applies (or is refused with a precondition), a full
// sync after it plans nothing new on a second run, and everyone leaving at once is
// fine too.
func FuzzSync(f *testing.F) {
	f.Add([]byte("d1\x00R&D\x001\x00d2\x00Sales\x00d1\x00u1\x00Ada\x00d1\x0013900000001\x00u2\x00Bob\x00d2\x00bad"))
	f.Add([]byte("x\x00x\x00x\x00y\x00 \x00x\x00u\x00\x00y\x00+852 1234 5678\x00u\x00u\x00u\x00u"))
	f.Add([]byte("a\x00Ｓａｌｅｓ\x001\x00b\x00sales\x001\x00c\x00SALES \x001\x00m\x00\t\x00zz\x0013900000002"))
	f.Add([]byte("d1\x00R&D\x001\x00u1\x00d2\x00\x00d1\x00u2\x00u1\x00Ada\x00d1\x0013900000001\x00u2\x00u2\x00Bob\x00d2\x00\x00u1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parts := strings.Split(string(data), "\x00")
		if len(parts) > 60 {
			parts = parts[:60]
		}
		next := func() string {
			if len(parts) == 0 {
				return ""
			}
			s := parts[0]
			parts = parts[1:]
			return s
		}
		// which fields a department leaves out, from its name: a listing without
		// leaders, without names, without parents or orders
		present := func(name string) []orgtree.Field {
			h := 0
			for _, c := range []byte(name) {
				h = h*31 + int(c)
			}
			var out []orgtree.Field
			for i, fd := range connector.DepartmentFields() {
				if h>>i&1 == 0 || len(name)%5 != 0 {
					out = append(out, fd)
				}
			}
			return out
		}
		src := connectortest.New(connectortest.Options{})
		var depts, people []string
		for i := 0; len(parts) > 0 && i < 6; i++ {
			ext, name, parent := next(), next(), next()
			src.PutDepartment(connector.Department{Present: present(name), ExternalID: ext, Name: orgkit.Name(name), Parent: parent, Order: i, Leaders: []string{next()}})
			depts = append(depts, ext)
		}
		for i := 0; len(parts) > 0; i++ {
			ext, name, dept, mobile := next(), next(), next(), next()
			m := connectortest.NewMember(ext, name, mobile, dept)
			m.Values.Email = fmt.Sprintf("p%d@example.com", i)
			m.Present = append(m.Present, member.EmailField)
			m.Manager = next()
			m.LeaderIn, m.LeaderInPresent = depts, i%2 == 0
			src.PutMember(m)
			people = append(people, ext)
		}
		e := newEnv(t, src)
		opts := connector.SyncOptions{PlanOptions: connector.PlanOptions{Force: true}}
		_, err := connector.Sync(e.ctx, e.svc, e.dir, src, opts)
		if err != nil {
			require.True(t, errors.Is(err, orgkit.ErrPrecondition), "%v", err)
			return
		}
		rep, err := connector.Sync(e.ctx, e.svc, e.dir, src, opts)
		require.NoError(t, err)
		require.True(t, rep.Plan.Empty(), "%s", rep.Plan)

		// a changed upstream ID and a department out of scope, as a delta
		if len(people) > 0 {
			src.RenameMember(people[0], fmt.Sprintf("renamed-%d", len(data)))
		}
		if len(depts) > 0 {
			src.SetOutOfScope(depts[len(depts)-1])
		}
		delta := opts
		delta.Cursor = rep.Cursor
		if _, err := connector.Sync(e.ctx, e.svc, e.dir, src, delta); err != nil {
			require.True(t, errors.Is(err, orgkit.ErrPrecondition), "%v", err)
		}
		src.SetOutOfScope()
		_, err = connector.Sync(e.ctx, e.svc, e.dir, src, opts)
		require.NoError(t, err)
		rep, err = connector.Sync(e.ctx, e.svc, e.dir, src, opts)
		require.NoError(t, err)
		require.True(t, rep.Plan.Empty(), "%s", rep.Plan)

		// and everyone leaving at once is fine too
		for _, p := range src.MemberIDs() {
			src.RemoveMember(p)
		}
		for _, d := range depts {
			src.RemoveDepartment(d)
		}
		_, err = connector.Sync(e.ctx, e.svc, e.dir, src, opts)
		require.NoError(t, err)
	})
}
