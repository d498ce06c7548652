package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/store"
)

var (
	_ store.Purger = (*Postgres)(nil)
	_ store.Purger = (*SQLite)(nil)
)

// Purge removes the directory and everything in it, in one transaction (see
// store.Purger): the default directory only with p.Force (else
// orgkit.ErrPrecondition); an unknown directory is orgkit.ErrNotFound. The purge is
// recorded in the orgkit_purge view and logged.
func (p *Postgres) Purge(ctx context.Context, dir orgkit.DirectoryID, pg store.Purge) error {
	if pg.Time.IsZero() {
		pg.Time = now()
	}
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return pgErr("purge: begin", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit it is a no-op
	d := dir.UUID()
	var key string
	var def bool
	var head int64
	err = tx.QueryRow(ctx, `SELECT key, is_default, head FROM orgkit_directories WHERE id = $1 FOR UPDATE`, d).Scan(&key, &def, &head)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("sqlstore: postgres: purge: directory %s: %w", dir, orgkit.ErrNotFound)
	}
	if err != nil {
		return pgErr("purge", err)
	}
	if def && !pg.Force {
		return fmt.Errorf("sqlstore: postgres: purge: directory %s is the default directory; purging it needs Force: %w", dir, orgkit.ErrPrecondition)
	}
	b := &pgx.Batch{}
	for _, t := range []string{"orgkit_changes", "orgkit_change_sets", "orgkit_records"} {
		b.Queue(`DELETE FROM `+t+` WHERE directory_id = $1`, d)
	}
	b.Queue(`DELETE FROM orgkit_directories WHERE id = $1`, d)
	b.Queue(`INSERT INTO orgkit_purges (directory_id, key, head, forced, actor, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		d, key, head, pg.Force, pg.Actor, pg.Reason, pg.Time)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return pgErr("purge", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return pgErr("purge: commit", err)
	}
	p.log.Info("sqlstore: postgres: purged a directory", "directory", dir, "key", key, "head", head, "actor", pg.Actor, "reason", pg.Reason, "forced", pg.Force)
	return nil
}

// Purge removes the directory and everything in it, in one transaction (see
// store.Purger): the default directory only with p.Force (else
// orgkit.ErrPrecondition); an unknown directory is orgkit.ErrNotFound. The purge is
// recorded in the orgkit_purge view and logged. With secure_delete on, the freed
// pages are zeroed; Compact shrinks the file.
func (s *SQLite) Purge(ctx context.Context, dir orgkit.DirectoryID, pg store.Purge) error {
	if pg.Time.IsZero() {
		pg.Time = now()
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return sqliteErr("purge: begin", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	d := dir.String()
	var key string
	var def bool
	var head int64
	err = tx.QueryRowContext(ctx, `SELECT key, is_default, head FROM orgkit_directories WHERE id = ?`, d).Scan(&key, &def, &head)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlstore: sqlite: purge: directory %s: %w", dir, orgkit.ErrNotFound)
	}
	if err != nil {
		return sqliteErr("purge", err)
	}
	if def && !pg.Force {
		return fmt.Errorf("sqlstore: sqlite: purge: directory %s is the default directory; purging it needs Force: %w", dir, orgkit.ErrPrecondition)
	}
	for _, q := range []string{
		`DELETE FROM orgkit_changes WHERE directory_id = ?`,
		`DELETE FROM orgkit_change_sets WHERE directory_id = ?`,
		`DELETE FROM orgkit_records WHERE directory_id = ?`,
		`DELETE FROM orgkit_directories WHERE id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, d); err != nil {
			return sqliteErr("purge", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO orgkit_purges (directory_id, key, head, forced, actor, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		d, key, head, pg.Force, pg.Actor, pg.Reason, sqliteTime(pg.Time)); err != nil {
		return sqliteErr("purge", err)
	}
	if err := tx.Commit(); err != nil {
		return sqliteErr("purge: commit", err)
	}
	s.log.Info("sqlstore: sqlite: purged a directory", "directory", dir, "key", key, "head", head, "actor", pg.Actor, "reason", pg.Reason, "forced", pg.Force)
	return nil
}
