package directory

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
)

// countdown is a context that is done from its after+1-th look on: a cancellation
// that arrives while a batch is being validated, at a point the test chooses.
type countdown struct {
	context.Context
	after int32
	looks atomic.Int32
}

func (c *countdown) Err() error {
	if c.looks.Add(1) > c.after {
		return context.Canceled
	}
	return nil
}

func cancelFixture(t *testing.T, n int) (*Service, orgkit.DirectoryID, []orgkit.Command) {
	t.Helper()
	s := New(Options{})
	snap, err := s.Create(context.Background(), NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	cmds := make([]orgkit.Command, n)
	for i := range cmds {
		cmds[i] = member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(fmt.Sprintf("user%d", i)),
			Mobile: fmt.Sprintf("1390000%04d", i), Primary: snap.Root()}
	}
	return s, snap.ID(), cmds
}

// A large batch looks at its context while it is validated: cancelled in the middle,
// Plan and Apply give up with the context's error at the next look, and nothing is
// written.
func TestPlanGivesUpWhenCancelledMidBatch(t *testing.T) {
	n := 3 * cancelPoll
	s, dir, cmds := cancelFixture(t, n)
	base, err := s.Snapshot(context.Background(), dir)
	require.NoError(t, err)

	// The plan looks once before it starts and once after normalizing the batch's
	// creates; the third look is the first inside the run of the commands.
	ctx := &countdown{Context: context.Background(), after: 2}
	res, err := s.plan(ctx, base, Meta{}.store(), cmds)
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, res)
	assert.Equal(t, int32(3), ctx.looks.Load(), "gave up at the first look inside the run")

	// Cancelled after the run: the batch is not finished either.
	ctx = &countdown{Context: context.Background(), after: 2 + int32(n/cancelPoll)}
	_, err = s.plan(ctx, base, Meta{}.store(), cmds)
	require.ErrorIs(t, err, context.Canceled)

	// Through Apply: nothing is committed.
	for _, after := range []int32{0, 1, 2, 3} {
		ctx := &countdown{Context: context.Background(), after: after}
		_, err := s.Apply(ctx, dir, Meta{}, cmds...)
		require.ErrorIs(t, err, context.Canceled, "cancelled after %d looks", after)
	}
	now, err := s.Snapshot(context.Background(), dir)
	require.NoError(t, err)
	assert.Equal(t, base.Version(), now.Version())
	assert.Zero(t, now.MemberCount())
}

// A context already done, cancelled or past its deadline, stops Plan and Apply
// before anything is validated or written.
func TestApplyWithDoneContextWritesNothing(t *testing.T) {
	s, dir, cmds := cancelFixture(t, 10)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	for _, c := range []struct {
		ctx  context.Context
		want error
	}{{cancelled, context.Canceled}, {expired, context.DeadlineExceeded}} {
		_, err := s.Apply(c.ctx, dir, Meta{}, cmds...)
		assert.ErrorIs(t, err, c.want)
		_, err = s.Plan(c.ctx, dir, Meta{}, cmds...)
		assert.ErrorIs(t, err, c.want)
	}
	snap, err := s.Snapshot(context.Background(), dir)
	require.NoError(t, err)
	assert.Zero(t, snap.MemberCount())
}
