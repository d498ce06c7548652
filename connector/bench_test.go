package connector_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/directory"
)

// BenchmarkPlan100k plans a sync of a 100,000-member upstream (10,000 departments up
// to 8 deep, 20 % of members with a secondary department, a third of the departments
// with leaders) against the directory synced from it, after a round of churn that
// changes 1 % of it across every kind of change. It runs only with -bench (and not
// with -short): its set-up syncs 100,000 members into a fresh directory.
func BenchmarkPlan100k(b *testing.B) {
	if testing.Short() {
		b.Skip("100k set-up")
	}
	benchPlan(b, 100_000, 10_000)
}

// BenchmarkPlan10k is BenchmarkPlan100k at a tenth of the size.
func BenchmarkPlan10k(b *testing.B) { benchPlan(b, 10_000, 1_000) }

func benchPlan(b *testing.B, members, departments int) {
	ctx := context.Background()
	t0 := time.Now()
	src := connectortest.Generate(connectortest.GenerateOptions{Seed: 42, Departments: departments, Members: members + 100})
	svc := directory.New(directory.Options{})
	d, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(b, err)
	rep, err := connector.Sync(ctx, svc, d.ID(), src, connector.SyncOptions{})
	require.NoError(b, err)
	require.Equal(b, members+100, rep.Counts[connector.MemberCreate])
	gone, closed := connectortest.Depart(src, 43, 100, 20)
	require.Equal(b, 100, gone)
	require.Equal(b, 20, closed)
	_, err = connector.Sync(ctx, svc, d.ID(), src, connector.SyncOptions{})
	require.NoError(b, err)
	want := connectortest.Churn(src, connectortest.ChurnOptions{Seed: 44, Share: 0.01})
	up := src.Snapshot()
	snap, err := svc.Snapshot(ctx, d.ID())
	require.NoError(b, err)
	b.Logf("set-up %s: %d upstream members, %d departments; directory %d members", time.Since(t0).Round(time.Millisecond),
		len(up.Members), len(up.Departments), snap.MemberCount())

	plan, err := connector.Plan(ctx, snap, up, connector.PlanOptions{})
	require.NoError(b, err)
	require.Equal(b, want, plan.Counts(), "%v", plan.Warnings)
	require.Empty(b, plan.Warnings)
	total := len(plan.Items)

	b.ResetTimer()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		plan, err = connector.Plan(ctx, snap, up, connector.PlanOptions{})
	}
	b.StopTimer()
	// the machine may be shared: CPU time says what the planner itself costs
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	require.NoError(b, err)
	require.Equal(b, want, plan.Counts())
	b.ReportMetric(float64(total), "items")

	// the plan is one the write path accepts, and afterwards there is nothing to do
	_, err = svc.Apply(ctx, d.ID(), directory.Meta{Origin: directory.OriginSync}, plan.Commands()...)
	require.NoError(b, err)
	snap, err = svc.Snapshot(ctx, d.ID())
	require.NoError(b, err)
	again, err := connector.Plan(ctx, snap, up, connector.PlanOptions{})
	require.NoError(b, err)
	require.True(b, again.Empty(), "%s", again)
}
