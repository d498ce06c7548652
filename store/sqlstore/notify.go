package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/store"
)

var (
	_ store.Notifier = (*Postgres)(nil)
	_ store.Notifier = (*SQLite)(nil)
)

// Watch calls notify with the directory and its new head after every commit to the
// database, this process's and every other's, until ctx is done (see
// store.Notifier). The store's own commits are announced before Commit returns;
// other processes' arrive through LISTEN/NOTIFY on a connection of the store's own,
// opened by the first Watch (which returns once it listens, or once the first
// attempt failed). When that connection is lost, subscribers get a notice with
// Interrupted set, and a notice with a zero Directory once it listens again: then
// they catch up from the log.
func (p *Postgres) Watch(ctx context.Context, notify func(store.Notice)) error {
	if err := p.hub.watch(ctx, notify); err != nil {
		return pgErr("watch", err)
	}
	return nil
}

// listen holds a connection that LISTENs to the commit channel until ctx is done,
// reconnecting with a growing pause when it is lost.
func (p *Postgres) listen(ctx context.Context, h *hub, ready chan<- struct{}) {
	signal := func() {
		if ready != nil {
			close(ready)
			ready = nil
		}
	}
	defer signal()
	interrupted := false
	pause := 50 * time.Millisecond
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, p.pool.Config().ConnConfig.Copy())
		if err == nil {
			if _, err = conn.Exec(ctx, "LISTEN "+pgChannel); err != nil {
				conn.Close(context.Background())
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if !interrupted {
				interrupted = true
				p.log.Warn("sqlstore: postgres: cannot listen for commits; retrying", "error", err)
				h.send(store.Notice{Interrupted: true})
			}
			signal()
			select {
			case <-ctx.Done():
				return
			case <-time.After(pause):
			}
			pause = min(2*pause, 5*time.Second)
			continue
		}
		if interrupted {
			interrupted = false
			p.log.Info("sqlstore: postgres: listening for commits again")
			h.send(store.Notice{}) // resumed: subscribers re-check what they cache
		}
		pause = 50 * time.Millisecond
		signal()
		for {
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				break
			}
			if dir, head, ok := parseNotice(n.Payload); ok {
				h.send(store.Notice{Directory: dir, Head: head})
			}
		}
		conn.Close(context.Background())
		if ctx.Err() == nil {
			interrupted = true
			p.log.Warn("sqlstore: postgres: lost the connection that listens for commits; reconnecting")
			h.send(store.Notice{Interrupted: true})
		}
	}
}

// parseNotice reads a NOTIFY payload "directory:version".
func parseNotice(payload string) (orgkit.DirectoryID, uint64, bool) {
	d, v, ok := strings.Cut(payload, ":")
	if !ok {
		return orgkit.DirectoryID{}, 0, false
	}
	dir, err := orgkit.ParseDirectoryID(d)
	if err != nil {
		return orgkit.DirectoryID{}, 0, false
	}
	head, err := strconv.ParseUint(v, 10, 64)
	return dir, head, err == nil
}

// Watch calls notify with the directory and its new head after every commit to the
// file, this process's and every other's, until ctx is done (see store.Notifier).
// The store's own commits are announced before Commit returns; other processes' are
// noticed by asking SQLite every PollInterval whether the file changed (PRAGMA
// data_version, answered from memory), and only then reading the heads. A failing
// poll sends a notice with Interrupted set, and a notice with a zero Directory once
// polling works again.
func (s *SQLite) Watch(ctx context.Context, notify func(store.Notice)) error {
	if err := s.hub.watch(ctx, notify); err != nil {
		return sqliteErr("watch", err)
	}
	return nil
}

// listen polls the file for other processes' commits until ctx is done.
func (s *SQLite) listen(ctx context.Context, h *hub, ready chan<- struct{}) {
	defer func() {
		if ready != nil {
			close(ready)
		}
	}()
	db, err := sql.Open("sqlite", s.dsn("deferred"))
	if err != nil {
		h.send(store.Notice{Interrupted: true})
		return
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	var (
		version     int64 = -1
		heads             = map[string]uint64{}
		interrupted bool
		first       = true
	)
	poll := func() error {
		var v int64
		if err := db.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
			return err
		}
		if v == version {
			return nil
		}
		rows, err := db.QueryContext(ctx, `SELECT id, head FROM orgkit_directories`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var head int64
			if err := rows.Scan(&id, &head); err != nil {
				return err
			}
			if uint64(head) > heads[id] {
				if !first {
					if dir, err := orgkit.ParseDirectoryID(id); err == nil {
						h.send(store.Notice{Directory: dir, Head: uint64(head)})
					}
				}
				heads[id] = uint64(head)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		version, first = v, false
		return nil
	}
	tick := time.NewTicker(s.opts.PollInterval)
	defer tick.Stop()
	for {
		err := poll()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !interrupted:
			interrupted = true
			s.log.Warn("sqlstore: sqlite: cannot poll for commits; retrying", "error", err)
			h.send(store.Notice{Interrupted: true})
		case err == nil && interrupted:
			interrupted = false
			h.send(store.Notice{})
		}
		if ready != nil {
			close(ready)
			ready = nil
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
