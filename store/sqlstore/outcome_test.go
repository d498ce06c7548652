package sqlstore

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

// dropper is a TCP proxy in front of the PostgreSQL server that, once armed, cuts the
// first connection that sends the statement that commits (COMMIT, or the one-statement
// commit): either after the server got it (the commit lands, the client never hears)
// or instead of forwarding it (nothing lands).
type dropper struct {
	ln      net.Listener
	server  string
	armed   atomic.Int32 // 0: pass everything; dropAfter or dropBefore: cut the next COMMIT
	dropped atomic.Int32
	mu      sync.Mutex
	conns   []net.Conn
}

const (
	dropAfter  = 1
	dropBefore = 2
)

func newDropper(t *testing.T, server string) *dropper {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	d := &dropper{ln: ln, server: server}
	go d.serve()
	t.Cleanup(d.close)
	return d
}

func (d *dropper) serve() {
	for {
		c, err := d.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", d.server)
		if err != nil {
			c.Close()
			continue
		}
		d.mu.Lock()
		d.conns = append(d.conns, c, s)
		d.mu.Unlock()
		var cut atomic.Bool
		go func() { // the server's bytes reach the client until the connection is cut
			defer c.Close()
			buf := make([]byte, 64<<10)
			for {
				n, err := s.Read(buf)
				if cut.Load() {
					return
				}
				if n > 0 {
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
		go d.forward(c, s, &cut)
	}
}

// forward copies the client's bytes to the server, cutting the connection at COMMIT
// when armed.
func (d *dropper) forward(c, s net.Conn, cut *atomic.Bool) {
	defer s.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if mode := d.armed.Load(); mode != 0 && commits(chunk) && d.armed.CompareAndSwap(mode, 0) {
				cut.Store(true)
				d.dropped.Add(1)
				if mode == dropAfter {
					s.Write(chunk)                     //nolint:errcheck // the server gets COMMIT…
					time.Sleep(200 * time.Millisecond) // …and commits
				}
				c.Close() // the client never hears
				return
			}
			if _, err := s.Write(chunk); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// commits reports whether the client's bytes hold the statement that commits: a
// COMMIT, or the call of orgkit_commit that is a transaction of its own.
func commits(chunk []byte) bool {
	lower := bytes.ToLower(chunk)
	return bytes.Contains(lower, []byte("commit\x00")) || bytes.Contains(lower, []byte("orgkit_commit("))
}

func (d *dropper) close() {
	d.ln.Close()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.conns {
		c.Close()
	}
}

// proxied opens a store whose connections go through a dropper.
func proxied(t *testing.T, dsn string) (*Postgres, *dropper) {
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(t, err)
	d := newDropper(t, net.JoinHostPort(cfg.ConnConfig.Host, fmt.Sprint(cfg.ConnConfig.Port)))
	addr := d.ln.Addr().(*net.TCPAddr)
	cfg.ConnConfig.Host, cfg.ConnConfig.Port = addr.IP.String(), uint16(addr.Port)
	// Statements are sent as text each time, in one message with their arguments, so
	// that the proxy sees the statement that commits and the server runs it when it
	// gets it.
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
	for _, f := range cfg.ConnConfig.Fallbacks { // sslmode=prefer: with TLS, then without
		f.Host, f.Port = addr.IP.String(), uint16(addr.Port)
	}
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	p, err := NewPostgres(t.Context(), pool, PostgresOptions{})
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p, d
}

func TestPostgresOutcomeUnknown(t *testing.T) {
	dsn := freshSchemaDSN(t)
	p, drop := proxied(t, dsn)
	direct := newPostgresOn(t, dsn)
	ctx := t.Context()
	d := store.DirectoryRecord{ID: orgkit.NewDirectoryID(), Name: orgkit.Name("Outcome"), Root: orgkit.NewNodeID(),
		AdminRole: orgkit.NewRoleID(), CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	d.Key = "outcome-" + d.ID.String()
	require.NoError(t, p.CreateDirectory(ctx, d))
	commit := func(base uint64, name string) (*store.ChangeSet, error) {
		cs := &store.ChangeSet{ID: store.NewChangeSetID(), Meta: store.Meta{Actor: "test"},
			Changes: []store.Change{{Kind: store.KindMember, After: &member.Member{ID: orgkit.NewMemberID(), FullName: name}}}}
		_, err := p.Commit(ctx, d.ID, base, cs)
		return cs, err
	}

	// Cut after the server got COMMIT: the change set landed, the client cannot know.
	drop.armed.Store(dropAfter)
	cs, err := commit(0, "landed")
	require.ErrorIs(t, err, store.ErrOutcomeUnknown, "a connection lost at COMMIT")
	assert.NotErrorIs(t, err, orgkit.ErrConflict)
	require.Equal(t, int32(1), drop.dropped.Load(), "the proxy cut the connection at COMMIT")
	page, err := direct.Changes(ctx, d.ID, 0, 1)
	require.NoError(t, err)
	require.Len(t, page, 1, "version base+1 tells the outcome")
	assert.Equal(t, cs.ID, page[0].ID, "the change set landed")

	// Cut instead of forwarding COMMIT: nothing landed, and nothing ever will.
	drop.armed.Store(dropBefore)
	_, err = commit(1, "lost")
	require.ErrorIs(t, err, store.ErrOutcomeUnknown)
	page, err = direct.Changes(ctx, d.ID, 1, 1)
	require.NoError(t, err)
	assert.Empty(t, page, "the transaction was rolled back")
	_, err = commit(1, "next")
	require.NoError(t, err, "the store works on after a lost connection")
}

func TestPostgresServiceResolvesUnknownOutcome(t *testing.T) {
	dsn := freshSchemaDSN(t)
	p, drop := proxied(t, dsn)
	ctx := t.Context()
	svc := directory.New(directory.Options{Store: p})
	snap, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	require.NoError(t, err)
	for i, mode := range []int32{dropAfter, dropBefore} {
		drop.armed.Store(mode)
		id := orgkit.NewMemberID()
		res, err := svc.Apply(ctx, snap.ID(), directory.Meta{Actor: "test"},
			member.Create{ID: id, SystemName: orgkit.Name(fmt.Sprintf("m%d", i)), FullName: "M", Mobile: fmt.Sprintf("1390000000%d", i+1), Primary: snap.Root()})
		require.NoError(t, err, "the service resolves an unknown outcome (mode %d)", mode)
		require.Equal(t, int32(i+1), drop.dropped.Load(), "the proxy cut the connection at COMMIT")
		hist, err := newPostgresOn(t, dsn).Changes(ctx, snap.ID(), 0, 1000)
		require.NoError(t, err)
		n := 0
		for _, cs := range hist {
			if cs.ID == res.ChangeSet.ID {
				n++
				assert.Equal(t, res.ChangeSet.Version, cs.Version)
			}
		}
		assert.Equal(t, 1, n, "the change set is in the log exactly once (mode %d)", mode)
		assert.Equal(t, uint64(len(hist)), res.ChangeSet.Version, "nothing was committed after it")
	}
}

// newPostgresOn opens a store on a DSN, closed when the test ends.
func newPostgresOn(t *testing.T, dsn string) *Postgres {
	p, err := OpenPostgres(context.Background(), dsn, PostgresOptions{})
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}
