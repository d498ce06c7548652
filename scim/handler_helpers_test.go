package scim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
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

const testToken = "secret-token"

// env is a SCIM endpoint over a fresh directory, served by httptest.
type env struct {
	t   *testing.T
	svc *directory.Service
	dir orgkit.DirectoryID
	srv *httptest.Server
}

func newEnv(t *testing.T, mod ...func(*scim.Options)) *env {
	t.Helper()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(context.Background(), directory.NewDirectory{Name: orgkit.Name("Contoso"),
		Founder: &directory.Founder{Name: "Founder", Email: "founder@contoso.example"}})
	require.NoError(t, err)
	e := &env{t: t, svc: svc, dir: snap.ID()}
	opts := scim.Options{
		Directory: func(*http.Request) (scim.Target, error) { return scim.Target{Service: svc, Directory: e.dir}, nil },
		Authorize: func(r *http.Request, _ orgkit.DirectoryID) (string, error) {
			if r.Header.Get("Authorization") != "Bearer "+testToken {
				return "", errors.New("bad token")
			}
			return "scim:test-idp", nil
		},
	}
	for _, m := range mod {
		m(&opts)
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", scim.NewHandler(opts)))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// response is an answer: status, headers and the decoded body.
type response struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// do sends a request with a JSON body (a string, or any value to marshal) and headers
// given as "Name: value".
func (e *env) do(method, path string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(e.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+"/scim/v2"+path, rd)
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	if rd != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	out := response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	if len(raw) > 0 {
		require.NoError(e.t, json.Unmarshal(raw, &out.Body), "body: %s", raw)
	}
	return out
}

// snapshot returns the directory's current snapshot.
func (e *env) snapshot() *directory.Snapshot {
	e.t.Helper()
	s, err := e.svc.Snapshot(context.Background(), e.dir)
	require.NoError(e.t, err)
	return s
}

// member returns the member a SCIM id names.
func (e *env) member(id string) member.Member {
	e.t.Helper()
	mid, err := orgkit.ParseMemberID(id)
	require.NoError(e.t, err)
	m, ok := e.snapshot().Member(mid)
	require.True(e.t, ok, "no member %s", id)
	return m
}

// q escapes a filter for a query string.
func q(filter string) string { return url.QueryEscape(filter) }

// str digs a string out of a decoded body by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}
