package scim_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/scim"
)

// benchHandler returns a handler over a fresh directory, with no authorization cost.
func benchHandler(b *testing.B) (*scim.Handler, *directory.Service, orgkit.DirectoryID) {
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(context.Background(), directory.NewDirectory{Name: orgkit.Name("Bench")})
	require.NoError(b, err)
	h := scim.NewHandler(scim.Options{
		Directory: func(*http.Request) (scim.Target, error) { return scim.Target{Service: svc, Directory: snap.ID()}, nil },
		Authorize: func(*http.Request, orgkit.DirectoryID) (string, error) { return "bench", nil },
	})
	return h, svc, snap.ID()
}

// BenchmarkProvision10kUsers provisions 10,000 users one POST /Users at a time through
// the handler (ServeHTTP, no network): each request is a committed change set. It
// reports requests per second; under -short, 1,000 users.
func BenchmarkProvision10kUsers(b *testing.B) {
	n := 10_000
	if testing.Short() {
		n = 1_000
	}
	bodies := make([]string, n)
	for i := range bodies {
		bodies[i] = fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"user%d@contoso.example",`+
			`"externalId":"ext-%d","name":{"givenName":"Given%d","familyName":"Family"},"displayName":"Given%d Family",`+
			`"emails":[{"value":"User%d@Contoso.example","type":"work","primary":true}],"active":true,"password":"p"}`, i, i, i, i, i)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		h, svc, dir := benchHandler(b)
		b.StartTimer()
		for _, body := range bodies {
			req := httptest.NewRequest("POST", "/Users", strings.NewReader(body))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
		b.StopTimer()
		s, err := svc.Snapshot(context.Background(), dir)
		require.NoError(b, err)
		require.Equal(b, uint64(n+1), s.Version(), "one change set per request")
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "requests/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/request")
}

// BenchmarkFilterUserName100k answers GET /Users?filter=userName eq "…" on a directory
// of 100,000 members (10,000 under -short), through the handler: the answer comes
// from the login-account index. The filter by displayName beside it is evaluated on
// every member, for comparison.
func BenchmarkFilterUserName100k(b *testing.B) {
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	h, svc, dir := benchHandler(b)
	ctx := context.Background()
	for start := 0; start < n; start += 10_000 {
		cmds := make([]orgkit.Command, 0, 10_000)
		for i := start; i < min(start+10_000, n); i++ {
			cmds = append(cmds, member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(fmt.Sprintf("user%d", i)),
				FullName: fmt.Sprintf("User %d", i), LoginMethod: member.LoginByAccount, LoginAccount: fmt.Sprintf("user%d@contoso.example", i)})
		}
		_, err := svc.Apply(ctx, dir, directory.Meta{Actor: "bench"}, cmds...)
		require.NoError(b, err)
	}
	get := func(b *testing.B, filter string, want int) {
		req := httptest.NewRequest("GET", "/Users?filter="+url.QueryEscape(filter), nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), fmt.Sprintf(`"totalResults":%d`, want)) {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	get(b, `userName eq "warm-up"`, 0) // reads the log once for the ETags
	b.Run("userName", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			get(b, fmt.Sprintf(`userName eq "user%d@contoso.example"`, (i*7919)%n), 1)
			i++
		}
	})
	b.Run("displayName-evaluated", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			get(b, fmt.Sprintf(`displayName eq "User %d"`, (i*7919)%n), 1)
			i++
		}
	})
}
