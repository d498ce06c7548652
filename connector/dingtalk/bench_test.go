package dingtalk_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/dingtalk"
	"github.com/orgkit/orgkit/internal/heappeak"
	"github.com/orgkit/orgkit/member"
)

// BenchmarkFetch10k fetches a fake organization of 10,000 members in 1,000
// departments (a fifth of the members in several) over HTTP on loopback, pacing
// off: the walk and the member lists, and with managers one user/get per member
// too. It reports the requests one fetch makes and the peak heap of the process
// (client and fake server) during a fetch, sampled every millisecond.
func BenchmarkFetch10k(b *testing.B) {
	src := connectortest.Generate(connectortest.GenerateOptions{Seed: 5, Departments: 1000, Members: 10_000,
		Options: connectortest.Options{NumericDepartmentIDs: true}})
	srv := connectortest.NewDingTalkServer(src, connectortest.DingTalkOptions{AppKey: appKey, AppSecret: secret, CorpID: corpID,
		Extension: extension})
	defer srv.Close()
	for _, managers := range []bool{false, true} {
		name := "lists"
		if managers {
			name = "with-managers"
		}
		b.Run(name, func(b *testing.B) {
			c, err := dingtalk.New(config(secret), dingtalk.Options{BaseURL: srv.URL(), HTTPClient: srv.Client(),
				ReportingManagers: managers, Extension: map[string]member.Field{"工牌": member.ExtendedAField}})
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
		})
	}
}
