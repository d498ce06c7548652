package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/store"
)

// PostgresOptions configure a Postgres store. The zero value is ready to use.
type PostgresOptions struct {
	// Logger receives the store's rare notices (a lost notification connection, a
	// purge). Nil logs nothing.
	Logger *slog.Logger
	// CopyThreshold is the number of changes from which Commit streams a change set
	// with COPY in a transaction instead of sending it in one statement (one round
	// trip); 0 means 2,000.
	CopyThreshold int
}

// Postgres is a store.Store on a PostgreSQL database, through a pgx/v5 pool. Many
// processes may share one database: commits are serialized per directory by the
// database, and each store learns of the others' commits through LISTEN/NOTIFY.
// A Postgres is safe for concurrent use.
type Postgres struct {
	pool  *pgxpool.Pool
	owned bool
	opts  PostgresOptions
	log   *slog.Logger
	hub   *hub
	// splitPages is the size of orgkit_records, in pages, from which Load reads it
	// in two halves at once (pgSplitPages; tests lower it).
	splitPages int64
}

var _ store.Store = (*Postgres)(nil)

// OpenPostgres connects to the PostgreSQL database the DSN names (a URL such as
// "postgres://user:pass@host:5432/db" or a key=value string; see pgxpool.ParseConfig)
// and brings its schema up to date. Close releases the pool.
func OpenPostgres(ctx context.Context, dsn string, opts PostgresOptions) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: postgres: parse DSN: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: postgres: connect: %w", err)
	}
	p, err := NewPostgres(ctx, pool, opts)
	if err != nil {
		pool.Close()
		return nil, err
	}
	p.owned = true
	return p, nil
}

// NewPostgres returns a store on the host's pool and brings the database's schema up
// to date. Close does not close a pool given here.
func NewPostgres(ctx context.Context, pool *pgxpool.Pool, opts PostgresOptions) (*Postgres, error) {
	if opts.CopyThreshold <= 0 {
		opts.CopyThreshold = 2000
	}
	p := &Postgres{pool: pool, opts: opts, log: opts.Logger, splitPages: pgSplitPages}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if err := p.migrate(ctx); err != nil {
		return nil, err
	}
	p.hub = newHub(p.listen)
	return p, nil
}

// Pool returns the store's connection pool, for hosts that query the read-only
// views (see the package documentation) through it.
func (p *Postgres) Pool() *pgxpool.Pool { return p.pool }

// Close stops the store's notification listener and, when OpenPostgres made the
// pool, closes it.
func (p *Postgres) Close() {
	p.hub.close()
	if p.owned {
		p.pool.Close()
	}
}

// migrate applies the missing migrations in one transaction under an advisory lock,
// so that instances starting at once apply each migration once.
func (p *Postgres) migrate(ctx context.Context) error {
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return pgErr("migrate", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(pgLockKey)); err != nil {
		return pgErr("migrate: lock", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS orgkit_schema (
		version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return pgErr("migrate: schema table", err)
	}
	var have int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(max(version), 0) FROM orgkit_schema`).Scan(&have); err != nil {
		return pgErr("migrate: read version", err)
	}
	if have > len(pgMigrations) {
		return fmt.Errorf("sqlstore: postgres: the database's schema is version %d, newer than this program's %d: %w",
			have, len(pgMigrations), orgkit.ErrPrecondition)
	}
	for v := have; v < len(pgMigrations); v++ {
		if _, err := tx.Exec(ctx, pgMigrations[v]); err != nil {
			return pgErr(fmt.Sprintf("migrate: version %d", v+1), err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO orgkit_schema (version) VALUES ($1)`, v+1); err != nil {
			return pgErr("migrate: record version", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return pgErr("migrate: commit", err)
	}
	return nil
}

// CreateDirectory registers a new directory with head 0. It fails with
// orgkit.ErrInvalid when d.ID is zero or d.Key is empty, and with
// orgkit.ErrPrecondition when the ID or the key is taken, or when d.Default is set and
// the store already has a default directory.
func (p *Postgres) CreateDirectory(ctx context.Context, d store.DirectoryRecord) error {
	if err := checkNewDirectory(d); err != nil {
		return fmt.Errorf("sqlstore: postgres: create directory: %w", err)
	}
	rec, err := encodeRecord(&d)
	if err != nil {
		return fmt.Errorf("sqlstore: postgres: create directory %s: %w", d.ID, err)
	}
	_, err = p.pool.Exec(ctx, `INSERT INTO orgkit_directories (id, key, is_default, created_at, created, record)
		VALUES ($1, $2, $3, $4, $5, $5)`, d.ID.UUID(), d.Key, d.Default, d.CreatedAt, string(rec))
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return fmt.Errorf("sqlstore: postgres: create directory %s: %s: %w", d.ID, duplicateWhat(pe.ConstraintName, d), orgkit.ErrPrecondition)
		}
		return pgErr("create directory "+d.ID.String(), err)
	}
	return nil
}

// duplicateWhat says which uniqueness rule a new directory broke.
func duplicateWhat(constraint string, d store.DirectoryRecord) string {
	switch constraint {
	case "orgkit_directories_key_key":
		return fmt.Sprintf("key %q is taken", d.Key)
	case "orgkit_directories_one_default":
		return "the store already has a default directory"
	}
	return "the ID is taken"
}

// checkNewDirectory refuses a directory record no store may create.
func checkNewDirectory(d store.DirectoryRecord) error {
	if d.ID.IsZero() {
		return fmt.Errorf("directory ID is zero: %w", orgkit.ErrInvalid)
	}
	if d.Key == "" {
		return fmt.Errorf("directory %s has no key: %w", d.ID, orgkit.ErrInvalid)
	}
	return nil
}

// Directories lists every directory's latest settings, ordered by ID.
func (p *Postgres) Directories(ctx context.Context) ([]store.DirectoryRecord, error) {
	rows, err := p.pool.Query(ctx, `SELECT created::text, record::text FROM orgkit_directories ORDER BY id`)
	if err != nil {
		return nil, pgErr("directories", err)
	}
	var out []store.DirectoryRecord
	for rows.Next() {
		var created, rec []byte
		if err := rows.Scan(&created, &rec); err != nil {
			return nil, pgErr("directories", err)
		}
		d, err := decodeSettings(created, rec)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: postgres: directories: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, pgErr("directories", err)
	}
	return out, nil
}

// decodeSettings decodes a directory's latest settings and keeps the ID, key, default
// flag and creation time it was created with.
func decodeSettings(created, latest []byte) (store.DirectoryRecord, error) {
	var c, d store.DirectoryRecord
	if err := decodeRecord(created, &c); err != nil {
		return d, fmt.Errorf("decode directory: %w", err)
	}
	if err := decodeRecord(latest, &d); err != nil {
		return d, fmt.Errorf("decode directory %s: %w", c.ID, err)
	}
	d.ID, d.Key, d.Default, d.CreatedAt = c.ID, c.Key, c.Default, c.CreatedAt
	return d, nil
}

// readTx runs f in a read-only repeatable-read transaction: one consistent view.
func (p *Postgres) readTx(ctx context.Context, f func(tx pgx.Tx) error) error {
	tx, err := p.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// head returns the directory's head and its settings rows (orgkit.ErrNotFound when
// there is no such directory).
func pgHead(ctx context.Context, q pgx.Tx, dir orgkit.DirectoryID) (head uint64, created, latest []byte, err error) {
	var h int64
	err = q.QueryRow(ctx, `SELECT head, created::text, record::text FROM orgkit_directories WHERE id = $1`, dir.UUID()).
		Scan(&h, &created, &latest)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, nil, fmt.Errorf("directory %s: %w", dir, orgkit.ErrNotFound)
	}
	return uint64(h), created, latest, err
}

// Load returns every record of the directory at its head, read in one consistent
// view and decoded on every processor while it is read (orgkit.ErrNotFound for an
// unknown directory).
func (p *Postgres) Load(ctx context.Context, dir orgkit.DirectoryID) (*store.Records, error) {
	var (
		b               *recordsBuilder
		head            uint64
		created, latest []byte
	)
	err := p.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		if head, created, latest, err = pgHead(ctx, tx, dir); err != nil {
			return err
		}
		// A large table is read in two halves of its pages at once, the second on
		// another connection in the same snapshot (pg_export_snapshot): two server
		// processes scan and send, and the records are decoded as they come.
		var pages int64
		var snapshot string
		if err := tx.QueryRow(ctx, `SELECT pg_relation_size('orgkit_records') / current_setting('block_size')::bigint, pg_export_snapshot()`).
			Scan(&pages, &snapshot); err != nil {
			return err
		}
		var second pgx.Tx // the second half's transaction, in the same snapshot
		if pages >= p.splitPages {
			tx2, release, err := p.snapshotTx(ctx, snapshot)
			if err != nil {
				return err
			}
			defer release()
			second = tx2
		}
		parts := 1
		if second != nil {
			parts = 2
		}
		b, err = decodeStream(ctx, parts, func(part int, emit func(rawRecord)) error {
			switch {
			case second == nil:
				return pgScanRecords(ctx, tx, dir, "", emit)
			case part == 0:
				return pgScanRecords(ctx, tx, dir, fmt.Sprintf("AND ctid < '(%d,0)'::tid", pages/2), emit)
			}
			return pgScanRecords(ctx, second, dir, fmt.Sprintf("AND ctid >= '(%d,0)'::tid", pages/2), emit)
		})
		return err
	})
	if err != nil {
		return nil, pgErr("load "+dir.String(), err)
	}
	b.Head = head
	if b.Directory, err = decodeSettings(created, latest); err != nil {
		return nil, fmt.Errorf("sqlstore: postgres: load %s: %w", dir, err)
	}
	return &b.Records, nil
}

// pgSplitPages is the size of orgkit_records, in pages, from which Load reads it in
// two halves at once.
const pgSplitPages = 2048

// pgSplitWait is how long Load waits for a second connection before it reads the
// whole table on its first one: it holds a connection while it waits, so it must
// not wait for ever on a pool that other loads have used up.
const pgSplitWait = 20 * time.Millisecond

// snapshotTx returns a read-only transaction on a second connection that sees the
// exported snapshot, or nil when no connection comes within pgSplitWait. release
// ends it.
func (p *Postgres) snapshotTx(ctx context.Context, snapshot string) (tx pgx.Tx, release func(), err error) {
	wait, cancel := context.WithTimeout(ctx, pgSplitWait)
	conn, err := p.pool.Acquire(wait)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, func() {}, nil // the pool is busy: one connection does
	}
	tx, err = conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		conn.Release()
		return nil, nil, err
	}
	release = func() {
		tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
		conn.Release()
	}
	if _, err := tx.Exec(ctx, "SET TRANSACTION SNAPSHOT '"+strings.ReplaceAll(snapshot, "'", "")+"'"); err != nil {
		release()
		return nil, nil, err
	}
	return tx, release, nil
}

// pgScanRecords emits every record of the directory that the condition (on ctid)
// selects: the compact form where it is this program's, else the JSON.
func pgScanRecords(ctx context.Context, tx pgx.Tx, dir orgkit.DirectoryID, cond string, emit func(rawRecord)) error {
	rows, err := tx.Query(ctx, `SELECT kind, bin, CASE WHEN bin IS NULL OR substring(bin FROM 1 FOR $2) <> $3 THEN record::text END
		FROM orgkit_records WHERE directory_id = $1 `+cond, dir.UUID(), len(codec().header), []byte(codec().header))
	if err != nil {
		return err
	}
	defer rows.Close()
	var kind int16
	var bin, data []byte
	raw := rows.FieldDescriptions()[1].Format == pgx.BinaryFormatCode
	for rows.Next() {
		if !raw { // a text result (the simple protocol): let pgx decode it
			if err := rows.Scan(&kind, &bin, &data); err != nil {
				return err
			}
			emit(rawRecord{kind: store.RecordKind(kind), bin: string(bin), data: data})
			continue
		}
		if err := rows.Scan(&kind, nil, &data); err != nil {
			return err
		}
		// The compact form as it came, valid until the next row: copied once.
		emit(rawRecord{kind: store.RecordKind(kind), bin: string(rows.RawValues()[1]), data: data})
	}
	return rows.Err()
}

// Commit appends cs as version base+1 in one transaction, sets cs.Version and returns
// the new head. It fails with orgkit.ErrConflict (and the current head) when the
// head is not base, with orgkit.ErrInvalid when cs is empty or malformed, and with
// orgkit.ErrNotFound for an unknown directory; then nothing is written. When the
// connection fails while the transaction commits, the outcome is unknown and the
// error says so (see ErrOutcomeUnknown).
func (p *Postgres) Commit(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	enc, err := encodeChangeSet(ctx, dir, cs)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: postgres: commit to %s: %w", dir, err)
	}
	if len(enc.changes) < p.opts.CopyThreshold {
		return p.commitOne(ctx, dir, base, cs, enc)
	}
	return p.commitLarge(ctx, dir, base, cs, enc)
}

// commitOne commits a change set in one statement, one round trip: orgkit_commit
// does it all in the statement's transaction.
func (p *Postgres) commitOne(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet, enc *encoded) (uint64, error) {
	n := len(enc.changes)
	kinds, ids := make([]int16, n), make([]string, n)
	befores, afters, bins := make([]*string, n), make([]string, n), make([][]byte, n)
	for i, c := range enc.changes {
		kinds[i], ids[i], afters[i], bins[i] = int16(c.kind), c.id.String(), string(c.after), c.bin
		if c.before != nil {
			b := string(c.before)
			befores[i] = &b
		}
	}
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return 0, pgErr(fmt.Sprintf("commit to %s", dir), err)
	}
	defer conn.Release()
	var version int64
	err = conn.QueryRow(ctx, `SELECT orgkit_commit($1::uuid, $2::bigint, $3::uuid, $4::text, $5::text, $6::text, $7::timestamptz, $8::json,
		$9::smallint[], $10::uuid[], $11::text[], $12::text[], $13::bytea[])`,
		dir.String(), int64(base), cs.ID.String(), cs.Meta.Actor, cs.Meta.Reason, string(origin(cs.Meta)), cs.Meta.Time, string(enc.meta),
		kinds, ids, befores, afters, bins).Scan(&version)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) || pgconn.SafeToRetry(err) {
			return p.commitFailed(dir, cs.ID, base, err) // the statement failed, or was never sent
		}
		return 0, fmt.Errorf("sqlstore: postgres: commit of change set %s to %s as version %d: %w: %w", cs.ID, dir, base+1, store.ErrOutcomeUnknown, err)
	}
	if uint64(version) != base+1 {
		return 0, fmt.Errorf("sqlstore: postgres: commit to %s on base %d made version %d: %w", dir, base, version, store.ErrContract)
	}
	cs.Version = uint64(version)
	p.hub.committed(dir, cs.Version)
	return cs.Version, nil
}

// commitLarge commits a large change set (an import) in a transaction that streams
// the images with COPY.
func (p *Postgres) commitLarge(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet, enc *encoded) (uint64, error) {
	version := base + 1
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return 0, pgErr("commit: begin", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit it is a no-op

	d := dir.UUID()
	b := &pgx.Batch{}
	b.Queue(`SELECT orgkit_check_id($1, $2)`, d, cs.ID)
	b.Queue(`SELECT orgkit_advance($1, $2)`, d, int64(base))
	b.Queue(`INSERT INTO orgkit_change_sets (directory_id, version, change_set_id, actor, reason, origin, at, change_count, meta)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		d, int64(version), cs.ID, cs.Meta.Actor, cs.Meta.Reason, string(origin(cs.Meta)), cs.Meta.Time, len(enc.changes), string(enc.meta))
	var settings []byte
	for _, c := range enc.changes {
		if c.kind == store.KindSettings {
			settings = c.after
		}
	}
	if settings != nil {
		b.Queue(`UPDATE orgkit_directories SET record = $2 WHERE id = $1`, d, string(settings))
	}
	b.Queue(`SELECT pg_notify($1, $2)`, pgChannel, d.String()+":"+strconv.FormatUint(version, 10))
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return p.commitFailed(dir, cs.ID, base, err)
	}
	if err := p.copyChanges(ctx, tx, d, version, enc.changes); err != nil {
		return 0, pgErr(fmt.Sprintf("commit to %s", dir), err)
	}
	if err := tx.Commit(ctx); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) || errors.Is(err, pgx.ErrTxClosed) {
			return 0, pgErr(fmt.Sprintf("commit to %s", dir), err)
		}
		return 0, fmt.Errorf("sqlstore: postgres: commit of change set %s to %s as version %d: %w: %w", cs.ID, dir, version, store.ErrOutcomeUnknown, err)
	}
	cs.Version = version
	p.hub.committed(dir, version)
	return version, nil
}

// commitFailed turns the failure of a commit's statements into the store's errors:
// a conflict with the current head, an unknown directory, or the database's error.
func (p *Postgres) commitFailed(dir orgkit.DirectoryID, id uuid.UUID, base uint64, err error) (uint64, error) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "OK404":
			return 0, fmt.Errorf("sqlstore: postgres: commit: directory %s: %w", dir, orgkit.ErrNotFound)
		case "OK409":
			head, _ := strconv.ParseUint(pe.Detail, 10, 64)
			return head, fmt.Errorf("sqlstore: postgres: commit: directory %s is at version %d, not %d: %w", dir, head, base, orgkit.ErrConflict)
		case "OK412":
			version, head, _ := strings.Cut(pe.Detail, ":")
			h, _ := strconv.ParseUint(head, 10, 64)
			return h, fmt.Errorf("sqlstore: postgres: commit to %s: change set %s was committed before, as version %s: %w: %w",
				dir, id, version, store.ErrDuplicateID, orgkit.ErrPrecondition)
		case "23505":
			if pe.ConstraintName == "orgkit_change_sets_id" {
				return 0, fmt.Errorf("sqlstore: postgres: commit to %s: change set %s was committed before: %w: %w", dir, id, store.ErrDuplicateID, orgkit.ErrPrecondition)
			}
		}
	}
	return 0, pgErr(fmt.Sprintf("commit to %s", dir), err)
}

// copyChanges streams a large change set's images with COPY: the changes straight
// into their table, the records through a temporary table merged into theirs.
func (p *Postgres) copyChanges(ctx context.Context, tx pgx.Tx, d uuid.UUID, version uint64, changes []encodedChange) error {
	v := int64(version)
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"orgkit_changes"},
		[]string{"directory_id", "version", "seq", "kind", "record_id", "before", "after"},
		pgx.CopyFromSlice(len(changes), func(i int) ([]any, error) {
			c := changes[i]
			var before any
			if c.before != nil {
				before = string(c.before)
			}
			return []any{d, v, int32(i), int16(c.kind), c.id, before, string(c.after)}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy changes: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE orgkit_incoming (kind smallint, record_id uuid, record json, bin bytea) ON COMMIT DROP`); err != nil {
		return err
	}
	recs := make([]encodedChange, 0, len(changes))
	for _, c := range changes {
		if c.kind != store.KindSettings {
			recs = append(recs, c)
		}
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"orgkit_incoming"}, []string{"kind", "record_id", "record", "bin"},
		pgx.CopyFromSlice(len(recs), func(i int) ([]any, error) {
			return []any{int16(recs[i].kind), recs[i].id, string(recs[i].after), recs[i].bin}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy records: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO orgkit_records (directory_id, kind, record_id, version, record, bin)
		SELECT $1, kind, record_id, $2, record, bin FROM orgkit_incoming
		ON CONFLICT (directory_id, kind, record_id) DO UPDATE SET version = excluded.version, record = excluded.record, bin = excluded.bin`, d, v)
	return err
}

// origin returns the change set's origin, OriginAPI when empty.
func origin(m store.Meta) store.Origin {
	if m.Origin == "" {
		return store.OriginAPI
	}
	return m.Origin
}

// Changes returns the change sets committed after version after, ascending and
// contiguous, at most limit of them (exactly limit unless the head comes first), read
// in one consistent view. It fails with orgkit.ErrInvalid when limit < 1 and with
// orgkit.ErrNotFound for an unknown directory.
func (p *Postgres) Changes(ctx context.Context, dir orgkit.DirectoryID, after uint64, limit int) ([]*store.ChangeSet, error) {
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("sqlstore: postgres: %w", err)
	}
	var out []*store.ChangeSet
	err := p.readTx(ctx, func(tx pgx.Tx) error {
		head, _, _, err := pgHead(ctx, tx, dir)
		if err != nil || after >= head {
			return err
		}
		head = pageEnd(after, limit, head)
		rows, err := tx.Query(ctx, `SELECT change_set_id, version, change_count, meta::text FROM orgkit_change_sets
			WHERE directory_id = $1 AND version > $2 AND version <= $3 ORDER BY version`, dir.UUID(), int64(after), int64(head))
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int64
			var n int32
			var meta []byte
			var id uuid.UUID
			if err := rows.Scan(&id, &v, &n, &meta); err != nil {
				return err
			}
			cs, err := decodeMeta(id, uint64(v), int(n), meta)
			if err != nil {
				return err
			}
			out = append(out, cs)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT version, kind, before::text, after::text FROM orgkit_changes
			WHERE directory_id = $1 AND version > $2 AND version <= $3 ORDER BY version, seq`, dir.UUID(), int64(after), int64(head))
		if err != nil {
			return err
		}
		var raw []rawChange
		for rows.Next() {
			var rc rawChange
			var v int64
			var k int16
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
		return nil, pgErr(fmt.Sprintf("changes of %s after %d", dir, after), err)
	}
	return out, nil
}

// pgChannel is the NOTIFY channel of commits; the payload is "directory:version".
const pgChannel = "orgkit_commits"

// pgErr wraps a database error with the operation, keeping orgkit's sentinels and
// the context's errors matchable.
func pgErr(op string, err error) error {
	return fmt.Errorf("sqlstore: postgres: %s: %w", op, err)
}

// now is the store's clock for what it records itself (purges, erasures).
var now = func() time.Time { return time.Now().UTC() }
