package msgraph_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/msgraph"
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
