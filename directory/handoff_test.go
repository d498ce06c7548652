package directory_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/internal/handoff"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
)

// The importers hand the service the members they build (handoff.MemberCreate): the
// batch keeps each one as its record instead of copying it, and otherwise creates and
// validates it exactly as member.Create — in a small batch and in a large one, whose
// creates are normalized ahead in parallel.
func TestHandOffCreatesAsMemberCreate(t *testing.T) {
	for _, n := range []int{3, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			byValue, handed := newFixture(t), newFixture(t)
			raw := func(i int, dept orgkit.NodeID) member.Member {
				return member.Member{ID: ids[i], SystemName: orgkit.Name(fmt.Sprintf("  user %d ", i)),
					FullName: fmt.Sprintf("User  %d", i), Mobile: fmt.Sprintf("139 1000 %04d", i),
					Email: fmt.Sprintf("User%d@Example.COM", i), Primary: dept, ResponsibleLines: []string{" east ", "east"}}
			}
			var values, owned []orgkit.Command
			var given []*member.Member
			for i := range n {
				values = append(values, member.Create(raw(i, byValue.rd)))
				m := raw(i, handed.rd)
				given = append(given, &m)
				owned = append(owned, handoff.MemberCreate{M: &m})
			}
			byValue.apply(values...)
			handed.apply(owned...)
			for i := range n {
				want, got := byValue.member(ids[i]), handed.member(ids[i])
				assert.Equal(t, handed.rd, got.Primary)
				want.Primary = got.Primary
				assert.Equal(t, want, got)
				assert.Equal(t, fmt.Sprintf("+861391000%04d", i), got.Mobile)
				rec, ok := handed.snap().Shared().Member(ids[i])
				require.True(t, ok)
				assert.Same(t, given[i], rec, "the member handed over is the record")
			}
		})
	}
}

var ids = func() []orgkit.MemberID {
	out := make([]orgkit.MemberID, 300)
	for i := range out {
		out[i] = orgkit.NewMemberID()
	}
	return out
}()

// A handed-over member is refused as member.Create's would be, at its command's
// index, and a nil one as a nil command; the batch writes nothing.
func TestHandOffRefused(t *testing.T) {
	f := newFixture(t)
	before := f.snap().Version()
	bad := &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("eve"), Email: "not an email", LoginMethod: member.LoginByEmail, Primary: f.rd}
	vs := f.refuse(
		handoff.MemberCreate{M: &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("fred"), Mobile: "13900000099", Primary: f.rd}},
		handoff.MemberCreate{M: bad},
		handoff.MemberCreate{},
	)
	codes := map[int]string{}
	for _, v := range vs {
		codes[v.Command] = v.Code
	}
	assert.Equal(t, map[int]string{1: orgkit.CodeMemberEmailInvalid, 2: orgkit.CodeCommandNil}, codes)
	assert.Equal(t, before, f.snap().Version())
}

// racingStore commits a rival's change just before the first commit it is asked
// for, so that commit loses the race (orgkit.ErrConflict) and the service plans the
// batch again on fresh state.
type racingStore struct {
	store.Store
	rival func()
	raced bool
}

func (s *racingStore) Commit(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet) (uint64, error) {
	if !s.raced {
		s.raced = true
		s.rival()
	}
	return s.Store.Commit(ctx, dir, base, cs)
}

// A batch of hand-overs that loses a race is planned again with the same members,
// which the first plan normalized in place and later commands of the batch edited:
// the retry creates them exactly as a batch of member.Create planned once does — in a
// small batch and in a large one.
func TestHandOffSurvivesARetry(t *testing.T) {
	for _, n := range []int{3, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rs := &racingStore{Store: memstore.New(), raced: true} // the fixture's own setup commits freely
			handed := newFixtureWith(t, directory.Options{Store: rs})
			rival := directory.New(directory.Options{Store: rs})
			rs.rival = func() {
				_, err := rival.Apply(handed.ctx, handed.dir, directory.Meta{Actor: "rival"},
					orgtree.Rename{Node: handed.sales, Name: orgkit.Name("Sales APAC")})
				require.NoError(t, err)
			}
			byValue := newFixture(t)
			batch := func(f *fixture, owned bool) []orgkit.Command {
				var cmds []orgkit.Command
				for i := range n {
					m := member.Member{ID: ids[i], SystemName: orgkit.Name(fmt.Sprintf(" user %d", i)), FullName: fmt.Sprintf("User  %d", i),
						Mobile: fmt.Sprintf("139 2000 %04d", i), Email: fmt.Sprintf("U%d@Example.com", i), Primary: f.rd}
					if owned {
						cmds = append(cmds, handoff.MemberCreate{M: &m})
					} else {
						cmds = append(cmds, member.Create(m))
					}
				}
				// later commands edit the members just created
				return append(cmds,
					member.SetReportingManager{Members: ids[1:n], Manager: ids[0]},
					member.SetDepartments{Members: ids[:1], SetPrimary: true, Primary: f.qa},
					member.Update{ID: ids[n-1], Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Lead"}})
			}
			byValue.apply(batch(byValue, false)...)
			rs.raced = false
			handed.apply(batch(handed, true)...)
			require.True(t, rs.raced)
			assert.Equal(t, "Sales APAC", handed.node(handed.sales).Name.Default, "the rival's change landed first")
			for i := range n {
				want, got := byValue.member(ids[i]), handed.member(ids[i])
				for _, m := range []*member.Member{&want, &got} { // the fixtures' departments differ
					m.Primary, m.AffiliatedDepartment, m.AffiliatedOrganization = orgkit.NodeID{}, orgkit.NodeID{}, orgkit.NodeID{}
				}
				assert.Equal(t, want, got, "member %d", i)
			}
			assert.Equal(t, handed.qa, handed.member(ids[0]).Primary)
			assert.Equal(t, ids[0], handed.member(ids[1]).ReportingManager)
		})
	}
}
