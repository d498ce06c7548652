package wecom_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/wecom"
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

	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	runtime.GC()
	go func() {
		defer close(done)
		var ms runtime.MemStats
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
			}
		}
	}()
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
	close(stop)
	<-done
	b.ReportMetric(float64(srv.Requests("")-before)/float64(b.N), "requests/op")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	require.Len(b, snap.Members, 10_000)
}
