package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

var (
	_ store.Eraser = (*Postgres)(nil)
	_ store.Eraser = (*SQLite)(nil)
)

// redactor redacts the images of one member and remembers them, for the scrubber
// of free text.
type redactor struct {
	fields []member.Field
	seen   []*member.Member // the current record and every image, unredacted
}

func newRedactor(current *member.Member, fields []member.Field) *redactor {
	return &redactor{fields: fields, seen: []*member.Member{current}}
}

// image decodes a member image, redacts the fields and encodes it again.
func (r *redactor) image(data []byte) ([]byte, error) {
	var m member.Member
	if err := decodeRecord(data, &m); err != nil {
		return nil, err
	}
	r.seen = append(r.seen, &m)
	return encodeRecord(store.Redact(&m, r.fields))
}

// scrubber returns the scrubber of every value the redacted images held.
func (r *redactor) scrubber() *store.Scrubber { return store.NewScrubber(r.fields, r.seen...) }

// scrubMeta decodes a change set's metadata and scrubs its free text; changed is the
// new JSON, nil when nothing changed.
func scrubMeta(s *store.Scrubber, raw []byte) (meta store.Meta, changed []byte, err error) {
	if err := json.Unmarshal(raw, &meta); err != nil {
		return meta, nil, fmt.Errorf("decode meta: %w", err)
	}
	meta, ok := s.ScrubMeta(meta)
	if !ok {
		return meta, nil, nil
	}
	changed, err = json.Marshal(meta)
	return meta, changed, err
}

// Erase redacts e.Fields of e.Member in the member's current record and in every
// image of the directory's log, and records the erasure as version base+1, all in
// one transaction (see store.Eraser). It fails with orgkit.ErrConflict when the head
// is not base, with orgkit.ErrNotFound for an unknown directory or member and with
// orgkit.ErrInvalid for an invalid request; then nothing changes.
//
// The rows are updated in place, which leaves their old versions in the table files
// until PostgreSQL reuses the space: call Compact afterwards to rewrite the tables
// so that no erased value is left in them. The write-ahead log, its archives and
// backups are the host's to expire.
func (p *Postgres) Erase(ctx context.Context, dir orgkit.DirectoryID, base uint64, e store.Erasure) (uint64, error) {
	if err := e.Validate(); err != nil {
		return 0, fmt.Errorf("sqlstore: postgres: %w", err)
	}
	version := base + 1
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return 0, pgErr("erase: begin", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit it is a no-op
	d, m := dir.UUID(), e.Member.UUID()
	if _, err := tx.Exec(ctx, `SELECT orgkit_check_id($1, $2)`, d, e.ID); err != nil {
		return p.commitFailed(dir, e.ID, base, err)
	}
	if _, err := tx.Exec(ctx, `SELECT orgkit_advance($1, $2)`, d, int64(base)); err != nil {
		return p.commitFailed(dir, e.ID, base, err)
	}
	var cur []byte
	err = tx.QueryRow(ctx, `SELECT record::text FROM orgkit_records WHERE directory_id = $1 AND kind = $2 AND record_id = $3`,
		d, int16(store.KindMember), m).Scan(&cur)
	if errors.Is(err, pgx.ErrNoRows) {
		return base, fmt.Errorf("sqlstore: postgres: erase: member %s is not in directory %s: %w", e.Member, dir, orgkit.ErrNotFound)
	}
	if err != nil {
		return 0, pgErr("erase", err)
	}
	var current member.Member
	if err := decodeRecord(cur, &current); err != nil {
		return 0, fmt.Errorf("sqlstore: postgres: erase: decode member %s: %w", e.Member, err)
	}

	// Every image of the member in the log.
	rows, err := tx.Query(ctx, `SELECT version, seq, before::text, after::text FROM orgkit_changes
		WHERE directory_id = $1 AND kind = $2 AND record_id = $3`, d, int16(store.KindMember), m)
	if err != nil {
		return 0, pgErr("erase", err)
	}
	type image struct {
		version       int64
		seq           int32
		before, after []byte
	}
	var images []image
	for rows.Next() {
		var im image
		if err := rows.Scan(&im.version, &im.seq, &im.before, &im.after); err != nil {
			return 0, pgErr("erase", err)
		}
		images = append(images, im)
	}
	if err := rows.Err(); err != nil {
		return 0, pgErr("erase", err)
	}
	red := newRedactor(&current, e.Fields)
	b := &pgx.Batch{}
	for _, im := range images {
		after, err := red.image(im.after)
		if err != nil {
			return 0, fmt.Errorf("sqlstore: postgres: erase: version %d: %w", im.version, err)
		}
		var before *string // JSON as text, so that any query mode sends it as json
		if im.before != nil {
			b, err := red.image(im.before)
			if err != nil {
				return 0, fmt.Errorf("sqlstore: postgres: erase: version %d: %w", im.version, err)
			}
			before = new(string(b))
		}
		b.Queue(`UPDATE orgkit_changes SET before = $4, after = $5 WHERE directory_id = $1 AND version = $2 AND seq = $3`,
			d, im.version, im.seq, before, string(after))
	}

	// The free text of every change set.
	scrub := red.scrubber()
	metas, err := tx.Query(ctx, `SELECT version, meta::text FROM orgkit_change_sets WHERE directory_id = $1 AND (actor <> '' OR reason <> '')`, d)
	if err != nil {
		return 0, pgErr("erase", err)
	}
	for metas.Next() {
		var v int64
		var raw []byte
		if err := metas.Scan(&v, &raw); err != nil {
			return 0, pgErr("erase", err)
		}
		meta, changed, err := scrubMeta(scrub, raw)
		if err != nil {
			return 0, fmt.Errorf("sqlstore: postgres: erase: change set %d: %w", v, err)
		}
		if changed != nil {
			b.Queue(`UPDATE orgkit_change_sets SET actor = $3, reason = $4, meta = $5 WHERE directory_id = $1 AND version = $2`,
				d, v, meta.Actor, meta.Reason, string(changed))
		}
	}
	if err := metas.Err(); err != nil {
		return 0, pgErr("erase", err)
	}
	e.Meta, _ = scrub.ScrubMeta(e.Meta)
	redacted := store.Redact(&current, e.Fields)
	cs := store.ErasureChangeSet(e, redacted)
	enc, err := encodeChangeSet(ctx, dir, cs)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: postgres: erase: %w", err)
	}
	c := enc.changes[0]
	b.Queue(`UPDATE orgkit_records SET version = $4, record = $5, bin = $6 WHERE directory_id = $1 AND kind = $2 AND record_id = $3`,
		d, int16(store.KindMember), m, int64(version), string(c.after), c.bin)
	b.Queue(`INSERT INTO orgkit_change_sets (directory_id, version, change_set_id, actor, reason, origin, at, change_count, meta)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)`,
		d, int64(version), cs.ID, cs.Meta.Actor, cs.Meta.Reason, string(cs.Meta.Origin), cs.Meta.Time, string(enc.meta))
	b.Queue(`INSERT INTO orgkit_changes (directory_id, version, seq, kind, record_id, before, after) VALUES ($1, $2, 0, $3, $4, $5, $6)`,
		d, int64(version), int16(store.KindMember), m, string(c.before), string(c.after))
	b.Queue(`SELECT pg_notify($1, $2)`, pgChannel, d.String()+":"+strconv.FormatUint(version, 10))
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return p.commitFailed(dir, e.ID, base, err)
	}
	if err := tx.Commit(ctx); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) || errors.Is(err, pgx.ErrTxClosed) {
			return 0, pgErr("erase: commit", err)
		}
		return 0, fmt.Errorf("sqlstore: postgres: erasure %s in %s as version %d: %w: %w", e.ID, dir, version, store.ErrOutcomeUnknown, err)
	}
	p.log.Info("sqlstore: postgres: erased a member's personal fields", "directory", dir, "member", e.Member, "version", version, "fields", len(e.Fields))
	p.hub.committed(dir, version)
	return version, nil
}

// Compact rewrites the store's tables (VACUUM FULL), so that the old versions of
// rows that erasures updated are gone from the database files. It locks the tables
// while it runs: call it in a quiet moment after erasures.
func (p *Postgres) Compact(ctx context.Context) error {
	for _, t := range []string{"orgkit_changes", "orgkit_records", "orgkit_change_sets", "orgkit_directories"} {
		if _, err := p.pool.Exec(ctx, "VACUUM FULL "+t); err != nil {
			return pgErr("compact "+t, err)
		}
	}
	if _, err := p.pool.Exec(ctx, "CHECKPOINT"); err != nil {
		p.log.Info("sqlstore: postgres: compact: CHECKPOINT needs a superuser or pg_checkpoint; skipped", "error", err)
	}
	return nil
}

// Erase redacts e.Fields of e.Member in the member's current record and in every
// image of the directory's log, and records the erasure as version base+1, all in
// one transaction (see store.Eraser). It fails with orgkit.ErrConflict when the head
// is not base, with orgkit.ErrNotFound for an unknown directory or member and with
// orgkit.ErrInvalid for an invalid request; then nothing changes.
//
// The file has secure_delete on, so space SQLite frees is zeroed; after the commit
// the write-ahead log is checkpointed and truncated, so that the pages that held the
// values are overwritten in the database file (when another connection is reading
// at that moment, the next checkpoint does it). Compact rewrites the whole file.
func (s *SQLite) Erase(ctx context.Context, dir orgkit.DirectoryID, base uint64, e store.Erasure) (uint64, error) {
	if err := e.Validate(); err != nil {
		return 0, fmt.Errorf("sqlstore: sqlite: %w", err)
	}
	version := base + 1
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, sqliteErr("erase: begin", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	d, m := dir.String(), e.Member.String()
	var head int64
	err = tx.QueryRowContext(ctx, `SELECT head FROM orgkit_directories WHERE id = ?`, d).Scan(&head)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlstore: sqlite: erase: directory %s: %w", dir, orgkit.ErrNotFound)
	}
	if err != nil {
		return 0, sqliteErr("erase", err)
	}
	if err := sqliteCheckID(ctx, tx, dir, e.ID, uint64(head)); err != nil {
		return uint64(head), fmt.Errorf("sqlstore: sqlite: erase: %w", err)
	}
	if uint64(head) != base {
		return uint64(head), fmt.Errorf("sqlstore: sqlite: erase: directory %s is at version %d, not %d: %w", dir, head, base, orgkit.ErrConflict)
	}
	var cur []byte
	err = tx.QueryRowContext(ctx, `SELECT record FROM orgkit_records WHERE directory_id = ? AND kind = ? AND record_id = ?`,
		d, int(store.KindMember), m).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return base, fmt.Errorf("sqlstore: sqlite: erase: member %s is not in directory %s: %w", e.Member, dir, orgkit.ErrNotFound)
	}
	if err != nil {
		return 0, sqliteErr("erase", err)
	}
	var current member.Member
	if err := decodeRecord(cur, &current); err != nil {
		return 0, fmt.Errorf("sqlstore: sqlite: erase: decode member %s: %w", e.Member, err)
	}
	red := newRedactor(&current, e.Fields)

	rows, err := tx.QueryContext(ctx, `SELECT version, seq, before, after FROM orgkit_changes
		WHERE directory_id = ? AND kind = ? AND record_id = ?`, d, int(store.KindMember), m)
	if err != nil {
		return 0, sqliteErr("erase", err)
	}
	type image struct {
		version, seq  int64
		before, after []byte
	}
	var images []image
	for rows.Next() {
		var im image
		if err := rows.Scan(&im.version, &im.seq, &im.before, &im.after); err != nil {
			rows.Close()
			return 0, sqliteErr("erase", err)
		}
		images = append(images, im)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, sqliteErr("erase", err)
	}
	for _, im := range images {
		after, err := red.image(im.after)
		if err != nil {
			return 0, fmt.Errorf("sqlstore: sqlite: erase: version %d: %w", im.version, err)
		}
		var before any
		if im.before != nil {
			b, err := red.image(im.before)
			if err != nil {
				return 0, fmt.Errorf("sqlstore: sqlite: erase: version %d: %w", im.version, err)
			}
			before = string(b)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orgkit_changes SET before = ?, after = ? WHERE directory_id = ? AND version = ? AND seq = ?`,
			before, string(after), d, im.version, im.seq); err != nil {
			return 0, sqliteErr("erase", err)
		}
	}
	// The free text of every change set.
	scrub := red.scrubber()
	metas, err := tx.QueryContext(ctx, `SELECT version, meta FROM orgkit_change_sets WHERE directory_id = ? AND (actor <> '' OR reason <> '')`, d)
	if err != nil {
		return 0, sqliteErr("erase", err)
	}
	type scrubbed struct {
		version       int64
		actor, reason string
		meta          []byte
	}
	var updates []scrubbed
	for metas.Next() {
		var v int64
		var raw []byte
		if err := metas.Scan(&v, &raw); err != nil {
			metas.Close()
			return 0, sqliteErr("erase", err)
		}
		meta, changed, err := scrubMeta(scrub, raw)
		if err != nil {
			metas.Close()
			return 0, fmt.Errorf("sqlstore: sqlite: erase: change set %d: %w", v, err)
		}
		if changed != nil {
			updates = append(updates, scrubbed{v, meta.Actor, meta.Reason, changed})
		}
	}
	metas.Close()
	if err := metas.Err(); err != nil {
		return 0, sqliteErr("erase", err)
	}
	for _, u := range updates {
		if _, err := tx.ExecContext(ctx, `UPDATE orgkit_change_sets SET actor = ?, reason = ?, meta = ? WHERE directory_id = ? AND version = ?`,
			u.actor, u.reason, string(u.meta), d, u.version); err != nil {
			return 0, sqliteErr("erase", err)
		}
	}
	e.Meta, _ = scrub.ScrubMeta(e.Meta)
	redacted := store.Redact(&current, e.Fields)
	cs := store.ErasureChangeSet(e, redacted)
	enc, err := encodeChangeSet(ctx, dir, cs)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: sqlite: erase: %w", err)
	}
	c := enc.changes[0]
	for _, st := range []struct {
		q    string
		args []any
	}{
		{`UPDATE orgkit_records SET version = ?, record = ?, bin = ? WHERE directory_id = ? AND kind = ? AND record_id = ?`,
			[]any{int64(version), string(c.after), c.bin, d, int(store.KindMember), m}},
		{`INSERT INTO orgkit_change_sets (directory_id, version, change_set_id, actor, reason, origin, at, change_count, meta)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`,
			[]any{d, int64(version), cs.ID.String(), cs.Meta.Actor, cs.Meta.Reason, string(cs.Meta.Origin), sqliteTime(cs.Meta.Time), string(enc.meta)}},
		{`INSERT INTO orgkit_changes (directory_id, version, seq, kind, record_id, before, after) VALUES (?, ?, 0, ?, ?, ?, ?)`,
			[]any{d, int64(version), int(store.KindMember), m, string(c.before), string(c.after)}},
		{`UPDATE orgkit_directories SET head = ? WHERE id = ?`, []any{int64(version), d}},
	} {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return 0, sqliteErr("erase", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, sqliteErr("erase: commit", err)
	}
	s.log.Info("sqlstore: sqlite: erased a member's personal fields", "directory", dir, "member", e.Member, "version", version, "fields", len(e.Fields))
	s.hub.committed(dir, version)
	if _, err := s.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		s.log.Warn("sqlstore: sqlite: erase: checkpoint failed; the next one will do", "error", err)
	}
	return version, nil
}

// Compact checkpoints the write-ahead log and rewrites the database file (VACUUM),
// so that nothing erased or freed is left in the file. It takes the write lock for
// as long as it runs.
func (s *SQLite) Compact(ctx context.Context) error {
	for _, q := range []string{`PRAGMA wal_checkpoint(TRUNCATE)`, `VACUUM`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			return sqliteErr("compact: "+q, err)
		}
	}
	return nil
}
