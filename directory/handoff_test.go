package directory_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/handoff"
	"github.com/orgkit/orgkit/member"
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
