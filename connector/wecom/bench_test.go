package wecom_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/wecom"
	"github.com/orgkit/orgkit/internal/heappeak"
)

// BenchmarkFetch10k fetches a fake enterprise of 10,000 members in 1,000 departments
// over HTTP on loopback, pacing off. It reports the requests one fetch makes and the
// peak heap of the process (client and fake server) during a fetch, sampled every
// millisecond.
func BenchmarkFetch10k(b *testing.B) {
	src := connectortest.Generate(connectortest.GenerateOptions{Seed: 5, Departments: 1000, Members: 10_000,
		Options: connectortest.Options{NumericDepartmentIDs: true}})
	srv := connectortest.NewWeComServer(src, connectortest.WeComOptions{Secret: secret})
	defer srv.Close()
	c, err := wecom.New(wecom.Config{CorpID: "ww-test-corp", AgentID: "1000002", Secret: connector.NewSecret(secret)},
		wecom.Options{BaseURL: srv.URL(), HTTPClient: srv.Client(), ExtAttrs: extAttrs()})
	require.NoError(b, err)
	ctx := context.Background()
	snap, err := c.Fetch(ctx) // warm: the token, the server's index
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
