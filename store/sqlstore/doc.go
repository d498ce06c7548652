// Package sqlstore keeps orgkit's directories in a SQL database: Postgres on
// PostgreSQL, for many app instances sharing one database, and SQLite in one file,
// for a single process (or a few on one machine) that must survive a restart. Both
// implement store.Store, store.Notifier, store.Eraser and store.Purger, and pass
// store/storetest and directory/directorytest.
//
//	pg, err := sqlstore.OpenPostgres(ctx, "postgres://orgkit@db.internal:5432/orgkit", sqlstore.PostgresOptions{})
//	lite, err := sqlstore.OpenSQLite(ctx, "/var/lib/myapp/orgkit.db", sqlstore.SQLiteOptions{})
//	svc := directory.New(directory.Options{Store: pg})
//
// The package is a module of its own (github.com/orgkit/orgkit/store/sqlstore), so
// that hosts of the core library do not download database drivers.
//
// # PostgreSQL
//
// OpenPostgres takes a DSN in URL or key=value form (see pgxpool.ParseConfig; pool
// sizes and TLS are set there); NewPostgres takes a pool the host configured. A
// search_path parameter puts the tables in a schema of the host's choice. The store
// uses pgx/v5 natively: a change set is written by one statement, a call of the
// function orgkit_commit that checks the ID and the base, appends the change set and
// its changes, replaces the records and notifies, in one round trip; from
// PostgresOptions.CopyThreshold changes (an import) it is streamed by COPY in a
// transaction. Load reads one consistent snapshot; from 16 MiB of records it reads
// them in two halves at once, the second on another connection of the pool that
// imports the first one's snapshot (when one is free within 20ms; else on one).
// Every argument is sent in a form any of pgx's query modes accepts,
// so a pool configured for PgBouncer (QueryExecModeExec) works as well. Commits are
// announced with NOTIFY on the channel orgkit_commits (payload
// "directory-id:version"), which Watch LISTENs to on a connection of its own.
//
// # SQLite
//
// OpenSQLite takes a file name. The file is in WAL mode, with synchronous=FULL,
// foreign keys and secure_delete on; reading connections map up to 256 MiB of it
// into memory (mmap_size), so that a load reads pages without a system call each.
// synchronous stays FULL, not NORMAL: with NORMAL a commit that returned could still
// be lost to a power cut or an operating-system crash (WAL mode syncs only at
// checkpoints), and a directory service must not tell a caller "done" for a change
// it may forget. What FULL costs, one fsync per commit, is a fraction of the store's
// commit (BenchmarkStoreCommitOne: about 1 ms on this project's 2-core machine). Every write is one BEGIN IMMEDIATE transaction on
// the store's single writing connection; reads use a few other connections, each read
// a consistent snapshot. Several processes may open the same file: SQLite serializes
// their writes (they wait up to SQLiteOptions.BusyTimeout), and Watch notices other
// processes' commits by asking PRAGMA data_version every SQLiteOptions.PollInterval,
// a check SQLite answers from memory, reading the heads only when the file changed.
// The file must be on a local disk (SQLite's WAL needs shared memory).
//
// The driver is modernc.org/sqlite, a translation of SQLite's C code to Go: no cgo,
// so hosts cross-compile as usual. The other maintained pure-Go driver,
// github.com/ncruces/go-sqlite3 (SQLite compiled to Wasm and translated to Go), was
// measured beside it on this project's machine (2 cores), writing and reading 100,000
// member-sized JSON rows: inserting them in one transaction took 2.8–4.0 s with
// modernc and 4.5–5.0 s with ncruces, reading them back 0.49–0.81 s against
// 1.0–1.1 s, and a one-row commit about 150 µs with either. modernc was faster on both
// bulk paths, which decide loading and importing, and is the more widely used.
//
// # Schema
//
// Each store creates its tables on open and brings them up to date: the schema is
// versioned (table orgkit_schema), each migration applied once, in one transaction,
// under a lock (a PostgreSQL advisory lock; SQLite's write lock), so instances that
// start at once are safe. A database whose schema is newer than the program is
// refused with orgkit.ErrPrecondition. Every directory is a row with its head
// version; every change set a row with its ID (the idempotency key, unique per
// directory), version, actor, reason, origin, time and metadata; every change a row
// with its record's kind and ID and its before- and after-image as JSON; and every
// record's latest image a row that Load reads, as JSON and in a compact binary form
// (the record's fields in order, lengths and varints, IDs as 16 bytes) that Load
// decodes without parsing text or reflecting on JSON tags. The compact form is headed
// by a fingerprint of the record types' fields: a program whose record types differ
// (a newer version with another field) reads those rows' JSON instead, so the JSON
// stays the truth and the compact form a cache of it.
//
// The tables are not an API. Hosts that query or report with SQL use these read-only
// views, whose columns stay:
//
//   - orgkit_directory: id, key, is_default, head, created_at, name, platform,
//     upstream_id, record (the settings as JSON).
//   - orgkit_node: directory_id, id, version (that last wrote it), kind (company,
//     organization, department), parent, name, code, sort_order, manager, status
//     (active, inactive, retired), external_id, record.
//   - orgkit_member: directory_id, id, version, system_name, full_name, mobile,
//     email, employee_number, job_title, primary_node, status, external_id, record.
//   - orgkit_role: directory_id, id, version, name, role_group, org_admin, status,
//     record.
//   - orgkit_assignment: directory_id, member_id, role_id, is_primary — one row per
//     role a member holds.
//   - orgkit_history: directory_id, version, change_set_id, at, actor, reason,
//     origin, kind (settings, node, member, role, role_group, assignment), record_id,
//     before, after — one row per change.
//   - orgkit_purge: directory_id, key, head, forced, actor, reason, at — one row per
//     purged directory.
//
// IDs are UUIDs (PostgreSQL uuid; text in SQLite), records JSON (PostgreSQL json;
// text in SQLite, where the JSON functions and operators read them). Nothing but the
// store may write to the tables.
//
// # Commits
//
// Commit is one transaction: it moves the directory's head from base to base+1 (or
// fails with orgkit.ErrConflict and the current head, changing nothing), appends the
// change set and its changes, and replaces the changed records. Committers on the
// same base, in any number of processes, get one winner; readers never see part of a
// change set. A change-set ID lands once per directory: committing it again is
// refused with store.ErrDuplicateID. When the connection to PostgreSQL fails, or the
// context is cancelled, after the statement that commits was sent and before its
// answer came, Commit returns an error matching store.ErrOutcomeUnknown (and the
// context's error, if that was the cause): the change set landed as version base+1
// or not at all, which version base+1's ID tells (directory.Service resolves it so).
// A cancelled context or a killed process leaves the database as it was before the
// transaction or after it.
//
// # Erasure and purge
//
// Erase redacts a member's personal fields in its record and in every image of the
// log, scrubs the erased values from the actor and reason of every change set of the
// directory (store.Scrubber), and records the erasure as a change set, in one
// transaction. The rows are
// updated in place; Compact then rewrites the tables (PostgreSQL VACUUM FULL;
// SQLite checkpoint and VACUUM) so that the old row versions are gone from the
// database files as well. Backups and PostgreSQL's write-ahead log archives are the
// host's to expire. Purge removes a whole directory (see store.Purger).
//
// # Testing
//
// The package's tests run SQLite always and PostgreSQL when the environment variable
// ORGKIT_POSTGRES_DSN names a database they may use (each test works in a schema of
// its own); without it they skip and say so.
package sqlstore
