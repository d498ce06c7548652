package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/store"
)

// SQLiteOptions configure a SQLite store. The zero value is ready to use.
type SQLiteOptions struct {
	// Logger receives the store's rare notices. Nil logs nothing.
	Logger *slog.Logger
	// PollInterval is how often the store asks SQLite whether another process
	// committed (PRAGMA data_version, a cheap in-memory check) while anyone
	// subscribes to notifications; 0 means 20ms.
	PollInterval time.Duration
	// BusyTimeout is how long a connection waits for another process's write lock
	// before failing; 0 means 30s.
	BusyTimeout time.Duration
	// Readers bounds the connections that read at once; 0 means 4.
	Readers int
}

// SQLite is a store.Store in one SQLite database file, through database/sql and the
// pure-Go driver modernc.org/sqlite (no cgo). Several processes may share the file:
// SQLite serializes their writes (each commit is a BEGIN IMMEDIATE transaction) and
// the store notices the others' commits through PRAGMA data_version. The file is in
// WAL mode with secure_delete on. A SQLite is safe for concurrent use.
type SQLite struct {
	w, r *sql.DB // w: one connection, immediate transactions; r: readers
	opts SQLiteOptions
	log  *slog.Logger
	path string
	hub  *hub
}

var _ store.Store = (*SQLite)(nil)

// OpenSQLite opens (creating it when missing) the SQLite database at path and brings
// its schema up to date. Close releases it.
func OpenSQLite(ctx context.Context, path string, opts SQLiteOptions) (*SQLite, error) {
	if opts.PollInterval <= 0 {
		opts.PollInterval = 20 * time.Millisecond
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 30 * time.Second
	}
	if opts.Readers <= 0 {
		opts.Readers = 4
	}
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlstore: sqlite: path %q: want a file name without '?' or '#': %w", path, orgkit.ErrInvalid)
	}
	s := &SQLite{opts: opts, log: opts.Logger, path: path}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if s.w, err = sql.Open("sqlite", s.dsn("immediate")); err != nil {
		return nil, fmt.Errorf("sqlstore: sqlite: open %s: %w", path, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetConnMaxIdleTime(0)
	if s.r, err = sql.Open("sqlite", s.dsn("deferred")); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("sqlstore: sqlite: open %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(opts.Readers)
	s.r.SetMaxIdleConns(opts.Readers)
	if err := s.migrate(ctx); err != nil {
		s.w.Close()
		s.r.Close()
		return nil, err
	}
	s.hub = newHub(s.listen)
	return s, nil
}

// dsn returns the driver's DSN for the store's file, with transactions of the given
// locking mode ("immediate" or "deferred").
func (s *SQLite) dsn(lock string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", s.opts.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "secure_delete(ON)")
	q.Add("_pragma", "foreign_keys(ON)")
	if lock == "deferred" { // readers map the file: a load reads pages without a system call each
		q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", sqliteMmap))
	}
	q.Set("_txlock", lock)
	q.Set("_time_format", "sqlite")
	return "file:" + s.path + "?" + q.Encode()
}

// sqliteMmap is how much of the file the reading connections map into memory.
const sqliteMmap = 256 << 20

// DB returns a handle for reading the database, for hosts that query the read-only
// views (see the package documentation). Writing through it breaks the store.
func (s *SQLite) DB() *sql.DB { return s.r }

// Close stops the store's polling and closes the database.
func (s *SQLite) Close() error {
	s.hub.close()
	return errors.Join(s.w.Close(), s.r.Close())
}

// migrate applies the missing migrations in one immediate transaction, so that
// processes opening the file at once apply each migration once.
func (s *SQLite) migrate(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return sqliteErr("migrate", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS orgkit_schema (
		version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return sqliteErr("migrate: schema table", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(version), 0) FROM orgkit_schema`).Scan(&have); err != nil {
		return sqliteErr("migrate: read version", err)
	}
	if have > len(sqliteMigrations) {
		return fmt.Errorf("sqlstore: sqlite: the database's schema is version %d, newer than this program's %d: %w",
			have, len(sqliteMigrations), orgkit.ErrPrecondition)
	}
	for v := have; v < len(sqliteMigrations); v++ {
		if _, err := tx.ExecContext(ctx, sqliteMigrations[v]); err != nil {
			return sqliteErr(fmt.Sprintf("migrate: version %d", v+1), err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO orgkit_schema (version, applied_at) VALUES (?, ?)`,
			v+1, now().Format(time.RFC3339Nano)); err != nil {
			return sqliteErr("migrate: record version", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return sqliteErr("migrate: commit", err)
	}
	return nil
}

// CreateDirectory registers a new directory with head 0. It fails with
// orgkit.ErrInvalid when d.ID is zero or d.Key is empty, and with
// orgkit.ErrPrecondition when the ID or the key is taken, or when d.Default is set and
// the store already has a default directory.
func (s *SQLite) CreateDirectory(ctx context.Context, d store.DirectoryRecord) error {
	if err := checkNewDirectory(d); err != nil {
		return fmt.Errorf("sqlstore: sqlite: create directory: %w", err)
	}
	rec, err := encodeRecord(&d)
	if err != nil {
		return fmt.Errorf("sqlstore: sqlite: create directory %s: %w", d.ID, err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO orgkit_directories (id, key, is_default, created_at, created, record)
		VALUES (?, ?, ?, ?, ?, ?)`, d.ID.String(), d.Key, d.Default, sqliteTime(d.CreatedAt), string(rec), string(rec))
	if err != nil {
		var se *sqlite.Error
		if errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
			what := "the ID is taken"
			switch msg := se.Error(); {
			case strings.Contains(msg, "orgkit_directories.key"):
				what = fmt.Sprintf("key %q is taken", d.Key)
			case strings.Contains(msg, "orgkit_directories.is_default"):
				what = "the store already has a default directory"
			}
			return fmt.Errorf("sqlstore: sqlite: create directory %s: %s: %w", d.ID, what, orgkit.ErrPrecondition)
		}
		return sqliteErr("create directory "+d.ID.String(), err)
	}
	return nil
}

// Directories lists every directory's latest settings, ordered by ID.
func (s *SQLite) Directories(ctx context.Context) ([]store.DirectoryRecord, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT created, record FROM orgkit_directories ORDER BY id`)
	if err != nil {
		return nil, sqliteErr("directories", err)
	}
	defer rows.Close()
	var out []store.DirectoryRecord
	for rows.Next() {
		var created, rec []byte
		if err := rows.Scan(&created, &rec); err != nil {
			return nil, sqliteErr("directories", err)
		}
		d, err := decodeSettings(created, rec)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: sqlite: directories: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, sqliteErr("directories", err)
	}
	return out, nil
}

// readTx runs f in one read transaction: one consistent snapshot of the file.
func (s *SQLite) readTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// sqliteHead returns the directory's head and settings rows (orgkit.ErrNotFound when
// there is no such directory).
func sqliteHead(ctx context.Context, tx *sql.Tx, dir orgkit.DirectoryID) (head uint64, created, latest []byte, err error) {
	var h int64
	err = tx.QueryRowContext(ctx, `SELECT head, created, record FROM orgkit_directories WHERE id = ?`, dir.String()).
		Scan(&h, &created, &latest)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil, fmt.Errorf("directory %s: %w", dir, orgkit.ErrNotFound)
	}
	return uint64(h), created, latest, err
}

// Load returns every record of the directory at its head, read in one snapshot and
// decoded on every processor while it is read (orgkit.ErrNotFound for an unknown
// directory).
func (s *SQLite) Load(ctx context.Context, dir orgkit.DirectoryID) (*store.Records, error) {
	var (
		b               *recordsBuilder
		head            uint64
		created, latest []byte
	)
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if head, created, latest, err = sqliteHead(ctx, tx, dir); err != nil {
			return err
		}
		// The compact form where it is this program's, else the JSON.
		rows, err := tx.QueryContext(ctx, `SELECT kind, bin, CASE WHEN bin IS NULL OR substr(bin, 1, ?) <> ? THEN record END
			FROM orgkit_records WHERE directory_id = ?`, len(codec().header), []byte(codec().header), dir.String())
		if err != nil {
			return err
		}
		defer rows.Close()
		b, err = decodeStream(ctx, 1, func(_ int, emit func(rawRecord)) error {
			var kind int
			var bin, data sql.RawBytes // valid until the next row: copied once
			for rows.Next() {
				if err := rows.Scan(&kind, &bin, &data); err != nil {
					return err
				}
				r := rawRecord{kind: store.RecordKind(kind), bin: string(bin)}
				if data != nil {
					r.data = bytes.Clone(data)
				}
				emit(r)
			}
			return rows.Err()
		})
		return err
	})
	if err != nil {
		return nil, sqliteErr("load "+dir.String(), err)
	}
	b.Head = head
	if b.Directory, err = decodeSettings(created, latest); err != nil {
		return nil, fmt.Errorf("sqlstore: sqlite: load %s: %w", dir, err)
	}
	return &b.Records, nil
}

// sqliteBatch is how many rows one INSERT statement carries.
const sqliteBatch = 128

// Commit appends cs as version base+1 in one immediate transaction, sets cs.Version
// and returns the new head. It fails with orgkit.ErrConflict (and the current head)
// when the head is not base, with orgkit.ErrInvalid when cs is empty or malformed,
// and with orgkit.ErrNotFound for an unknown directory; then nothing is written.
func (s *SQLite) Commit(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	enc, err := encodeChangeSet(ctx, dir, cs)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: sqlite: commit to %s: %w", dir, err)
	}
	version := base + 1
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, sqliteErr("commit: begin", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	d := dir.String()
	var head int64
	err = tx.QueryRowContext(ctx, `SELECT head FROM orgkit_directories WHERE id = ?`, d).Scan(&head)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlstore: sqlite: commit: directory %s: %w", dir, orgkit.ErrNotFound)
	}
	if err != nil {
		return 0, sqliteErr("commit to "+d, err)
	}
	if err := sqliteCheckID(ctx, tx, dir, cs.ID, uint64(head)); err != nil {
		return uint64(head), fmt.Errorf("sqlstore: sqlite: commit: %w", err)
	}
	if uint64(head) != base {
		return uint64(head), fmt.Errorf("sqlstore: sqlite: commit: directory %s is at version %d, not %d: %w", dir, head, base, orgkit.ErrConflict)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO orgkit_change_sets (directory_id, version, change_set_id, actor, reason, origin, at, change_count, meta)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d, int64(version), cs.ID.String(), cs.Meta.Actor, cs.Meta.Reason,
		string(origin(cs.Meta)), sqliteTime(cs.Meta.Time), len(enc.changes), string(enc.meta)); err != nil {
		return 0, sqliteErr("commit to "+d, err)
	}
	if err := insertRows(ctx, tx, `INSERT INTO orgkit_changes (directory_id, version, seq, kind, record_id, before, after) VALUES `,
		7, len(enc.changes), func(i int, args []any) []any {
			c := enc.changes[i]
			var before any
			if c.before != nil {
				before = string(c.before)
			}
			return append(args, d, int64(version), i, int(c.kind), c.id.String(), before, string(c.after))
		}, ""); err != nil {
		return 0, sqliteErr("commit to "+d, err)
	}
	var settings []byte
	recs := make([]encodedChange, 0, len(enc.changes))
	for _, c := range enc.changes {
		if c.kind == store.KindSettings {
			settings = c.after
		} else {
			recs = append(recs, c)
		}
	}
	if err := insertRows(ctx, tx, `INSERT INTO orgkit_records (directory_id, kind, record_id, version, record, bin) VALUES `,
		6, len(recs), func(i int, args []any) []any {
			c := recs[i]
			return append(args, d, int(c.kind), c.id.String(), int64(version), string(c.after), c.bin)
		}, ` ON CONFLICT (directory_id, kind, record_id) DO UPDATE SET version = excluded.version, record = excluded.record, bin = excluded.bin`); err != nil {
		return 0, sqliteErr("commit to "+d, err)
	}
	if settings != nil {
		_, err = tx.ExecContext(ctx, `UPDATE orgkit_directories SET head = ?, record = ? WHERE id = ?`, int64(version), string(settings), d)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE orgkit_directories SET head = ? WHERE id = ?`, int64(version), d)
	}
	if err != nil {
		return 0, sqliteErr("commit to "+d, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, sqliteErr("commit to "+d, err)
	}
	cs.Version = version
	s.hub.committed(dir, version)
	return version, nil
}

// sqliteCheckID refuses a change-set ID the directory's log already holds.
func sqliteCheckID(ctx context.Context, tx *sql.Tx, dir orgkit.DirectoryID, id uuid.UUID, head uint64) error {
	var landed int64
	err := tx.QueryRowContext(ctx, `SELECT version FROM orgkit_change_sets WHERE directory_id = ? AND change_set_id = ?`, dir.String(), id.String()).Scan(&landed)
	switch {
	case err == nil:
		return fmt.Errorf("directory %s (at version %d): change set %s was committed before, as version %d: %w: %w",
			dir, head, id, landed, store.ErrDuplicateID, orgkit.ErrPrecondition)
	case errors.Is(err, sql.ErrNoRows):
		return nil
	}
	return err
}

// insertRows inserts n rows of cols columns, sqliteBatch rows per statement; row
// appends row i's values to args.
func insertRows(ctx context.Context, tx *sql.Tx, prefix string, cols, n int, row func(i int, args []any) []any, suffix string) error {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	var full *sql.Stmt
	args := make([]any, 0, cols*sqliteBatch)
	for start := 0; start < n; start += sqliteBatch {
		end := min(start+sqliteBatch, n)
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		if end-start == sqliteBatch {
			if full == nil {
				var err error
				full, err = tx.PrepareContext(ctx, prefix+strings.TrimSuffix(strings.Repeat(one+", ", sqliteBatch), ", ")+suffix)
				if err != nil {
					return err
				}
				defer full.Close()
			}
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return err
			}
			continue
		}
		q := prefix + strings.TrimSuffix(strings.Repeat(one+", ", end-start), ", ") + suffix
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// Changes returns the change sets committed after version after, ascending and
// contiguous, at most limit of them (exactly limit unless the head comes first), read
// in one snapshot. It fails with orgkit.ErrInvalid when limit < 1 and with
// orgkit.ErrNotFound for an unknown directory.
func (s *SQLite) Changes(ctx context.Context, dir orgkit.DirectoryID, after uint64, limit int) ([]*store.ChangeSet, error) {
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("sqlstore: sqlite: %w", err)
	}
	var out []*store.ChangeSet
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		head, _, _, err := sqliteHead(ctx, tx, dir)
		if err != nil || after >= head {
			return err
		}
		head = pageEnd(after, limit, head)
		rows, err := tx.QueryContext(ctx, `SELECT change_set_id, version, change_count, meta FROM orgkit_change_sets
			WHERE directory_id = ? AND version > ? AND version <= ? ORDER BY version`, dir.String(), int64(after), int64(head))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v int64
			var n int
			var meta []byte
			var id string
			if err := rows.Scan(&id, &v, &n, &meta); err != nil {
				return err
			}
			uid, err := uuid.Parse(id)
			if err != nil {
				return fmt.Errorf("change set %d: ID %q: %w", v, id, err)
			}
			cs, err := decodeMeta(uid, uint64(v), n, meta)
			if err != nil {
				return err
			}
			out = append(out, cs)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT version, kind, before, after FROM orgkit_changes
			WHERE directory_id = ? AND version > ? AND version <= ? ORDER BY version, seq`, dir.String(), int64(after), int64(head))
		if err != nil {
			return err
		}
		defer rows.Close()
		var raw []rawChange
		for rows.Next() {
			var rc rawChange
			var v int64
			var k int
			if err := rows.Scan(&v, &k, &rc.before, &rc.after); err != nil {
				return err
			}
			rc.version, rc.kind = uint64(v), store.RecordKind(k)
			raw = append(raw, rc)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return fillChanges(ctx, out, after, raw)
	})
	if err != nil {
		return nil, sqliteErr(fmt.Sprintf("changes of %s after %d", dir, after), err)
	}
	return out, nil
}

// sqliteTime formats a time as sortable UTC text.
func sqliteTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

// sqliteErr wraps a database error with the operation, keeping orgkit's sentinels and
// the context's errors matchable.
func sqliteErr(op string, err error) error {
	return fmt.Errorf("sqlstore: sqlite: %s: %w", op, err)
}
