package connectortest

import (
	"fmt"
	"net/http"
	"sync"
)

// fakeAPI is what the fake platforms share: the lock over their state, the access
// tokens they issued, the requests they counted and the connections they are to
// drop. Each server embeds one and keeps its own error shapes.
type fakeAPI struct {
	mu       sync.Mutex
	tokens   map[string]bool // issued access tokens: true while valid
	issued   int
	requests map[string]int
	drop     int
}

func (f *fakeAPI) initAPI() {
	f.tokens, f.requests = map[string]bool{}, map[string]int{}
}

// requestCount returns how many requests the path got, or all requests for "".
func (f *fakeAPI) requestCount(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if path != "" {
		return f.requests[path]
	}
	n := 0
	for _, c := range f.requests {
		n += c
	}
	return n
}

// tokensIssued returns how many access tokens were issued.
func (f *fakeAPI) tokensIssued() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issued
}

// expireTokens makes every token issued so far expire.
func (f *fakeAPI) expireTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for t := range f.tokens {
		f.tokens[t] = false
	}
}

// set sets a fault counter under the lock.
func (f *fakeAPI) set(p *int, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*p = n
}

// issueLocked issues a new valid token, prefix plus a number. Call with mu held.
func (f *fakeAPI) issueLocked(prefix string) string {
	f.issued++
	tok := fmt.Sprintf("%s%d", prefix, f.issued)
	f.tokens[tok] = true
	return tok
}

// dropLocked, when a dropped connection is due, unlocks mu, closes the connection
// without an answer (502 where it cannot) and reports true. Call with mu held; on
// false mu stays held.
func (f *fakeAPI) dropLocked(rw http.ResponseWriter) bool {
	if f.drop <= 0 {
		return false
	}
	f.drop--
	f.mu.Unlock()
	if hj, ok := rw.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return true
		}
	}
	rw.WriteHeader(http.StatusBadGateway)
	return true
}
