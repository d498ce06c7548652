package directory_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// stepClock is a clock that moves one hour per reading.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Hour)
	return c.now
}

func TestHistoryQuery(t *testing.T) {
	clock := &stepClock{now: time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC)}
	f := newFixtureWith(t, directory.Options{Clock: clock.Now})
	start := f.snap().Version()

	at := func(h int) time.Time { return time.Date(2025, time.March, 10, h, 0, 0, 0, time.UTC) }
	edits := []struct {
		actor string
		time  time.Time
		cmd   orgkit.Command
	}{
		{"hr", at(9), member.Update{ID: f.bob, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Engineer"}}},
		{"admin", at(10), orgtree.Rename{Node: f.qa, Name: orgkit.Name("Quality")}},
		{"hr", at(11), member.Update{ID: f.carol, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Tester"}}},
		{"admin", at(12), orgtree.SetManager{Node: f.qa, Member: f.bob}},
		{"hr", at(13), member.Update{ID: f.bob, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Lead"}}},
	}
	versions := make([]uint64, len(edits))
	for i, e := range edits {
		res, err := f.svc.Apply(f.ctx, f.dir, directory.Meta{Actor: e.actor, Time: e.time}, e.cmd)
		require.NoError(t, err)
		versions[i] = res.ChangeSet.Version
	}
	pick := func(idx ...int) []uint64 {
		out := []uint64{}
		for _, i := range idx {
			out = append(out, versions[i])
		}
		return out
	}
	for name, tc := range map[string]struct {
		q    directory.HistoryQuery
		want []uint64
	}{
		"member":              {directory.HistoryQuery{After: start, Member: f.bob}, pick(0, 4)},
		"node":                {directory.HistoryQuery{After: start, Node: f.qa}, pick(1, 3)},
		"member and node":     {directory.HistoryQuery{Member: f.carol, Node: f.qa}, []uint64{start}},
		"actor":               {directory.HistoryQuery{After: start, Actor: "admin"}, pick(1, 3)},
		"time range":          {directory.HistoryQuery{Since: at(10), Until: at(12)}, pick(1, 2)},
		"actor and since":     {directory.HistoryQuery{Actor: "hr", Since: at(11)}, pick(2, 4)},
		"after":               {directory.HistoryQuery{After: versions[2]}, pick(3, 4)},
		"member, actor, time": {directory.HistoryQuery{Member: f.bob, Actor: "hr", Until: at(10)}, pick(0)},
	} {
		got, err := history(f.svc.History(f.ctx, f.dir, tc.q))
		require.NoError(t, err, name)
		vs := []uint64{}
		for _, cs := range got {
			vs = append(vs, cs.Version)
		}
		assert.Equal(t, tc.want, vs, name)
	}

	// Stopping early stops reading.
	n := 0
	for cs, err := range f.svc.History(f.ctx, f.dir, directory.HistoryQuery{}) {
		require.NoError(t, err)
		assert.Equal(t, uint64(1), cs.Version)
		n++
		break
	}
	assert.Equal(t, 1, n)

	// The change sets are the caller's copies.
	for cs, err := range f.svc.History(f.ctx, f.dir, directory.HistoryQuery{After: versions[0] - 1}) {
		require.NoError(t, err)
		m, ok := cs.Changes[0].After().Member()
		require.True(t, ok)
		m.JobTitle = "Mallory"
		cs.Changes[0] = directory.Change{}
		break
	}
	got, err := history(f.svc.History(f.ctx, f.dir, directory.HistoryQuery{After: versions[0] - 1}))
	require.NoError(t, err)
	m, ok := got[0].Changes[0].After().Member()
	require.True(t, ok)
	assert.Equal(t, "Engineer", m.JobTitle)
	assert.Equal(t, "Lead", f.member(f.bob).JobTitle)

	_, err = history(f.svc.History(f.ctx, orgkit.NewDirectoryID(), directory.HistoryQuery{}))
	assert.ErrorIs(t, err, orgkit.ErrNotFound)
}

// A history longer than one page is read in full.
func TestHistoryPages(t *testing.T) {
	f := newFixture(t)
	for i := range 150 {
		f.apply(orgtree.Rename{Node: f.qa, Name: orgkit.Name("QA " + string(rune('A'+i%26)) + string(rune('a'+i/26)))})
	}
	got, err := history(f.svc.History(f.ctx, f.dir, directory.HistoryQuery{}))
	require.NoError(t, err)
	require.Len(t, got, int(f.snap().Version()))
	for i, cs := range got {
		assert.Equal(t, uint64(i+1), cs.Version)
	}
}
