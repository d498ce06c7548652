package msgraph_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/msgraph"
	"github.com/orgkit/orgkit/internal/heappeak"
)

// BenchmarkFetch10k fetches a fake tenant of 10,000 members in 1,000 departments
// over HTTP on loopback, pacing off, 999 users a page. It reports the requests one
// fetch makes and the peak heap of the process (client and fake server) during a
// fetch, sampled every millisecond.
func BenchmarkFetch10k(b *testing.B) {
	src := connectortest.Generate(connectortest.GenerateOptions{Seed: 5, Departments: 1000, Members: 10_000})
	srv := connectortest.NewGraphServer(src, connectortest.GraphOptions{ClientSecret: secret})
	defer srv.Close()
	c, err := msgraph.New(msgraph.Config{TenantID: srv.TenantID(), ClientID: srv.ClientID(), ClientSecret: connector.NewSecret(secret)},
		msgraph.Options{LoginURL: srv.URL(), GraphURL: srv.URL(), HTTPClient: srv.Client(), CompanyLevel: true, ExtensionAttributes: extAttrs()})
	require.NoError(b, err)
	ctx := context.Background()
	snap, err := c.Fetch(ctx) // warm: the token, the connections
	require.NoError(b, err)
	require.Len(b, snap.Members, 10_000)

	stopSampling := heappeak.Start()
	before := srv.Requests("")
	b.ResetTimer()
	b.ReportAllocs()
	for b.Loop() {
		snap, err = c.Fetch(ctx)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	peak, _ := stopSampling()
	b.ReportMetric(float64(srv.Requests("")-before)/float64(b.N), "requests/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	require.Len(b, snap.Members, 10_000)
}
