package sqlstore

// sqliteMigrations are the SQLite schema's versions; migration i brings the schema
// from version i to version i+1. Never edit a released migration: append a new one.
// IDs are kept as canonical UUID text, records as JSON text.
var sqliteMigrations = []string{
	// 1: tables, indexes and the read-only views.
	`
CREATE TABLE orgkit_directories (
	id          TEXT PRIMARY KEY,
	key         TEXT NOT NULL UNIQUE,
	is_default  INTEGER NOT NULL DEFAULT 0,
	head        INTEGER NOT NULL DEFAULT 0,
	created_at  TEXT NOT NULL,
	created     TEXT NOT NULL, -- the record as created: ID, key, default and creation time come from it
	record      TEXT NOT NULL  -- the latest settings
);
CREATE UNIQUE INDEX orgkit_directories_one_default ON orgkit_directories (is_default) WHERE is_default;

CREATE TABLE orgkit_change_sets (
	directory_id    TEXT NOT NULL REFERENCES orgkit_directories (id),
	version         INTEGER NOT NULL,
	change_set_id   TEXT NOT NULL,
	actor           TEXT NOT NULL,
	reason          TEXT NOT NULL,
	origin          TEXT NOT NULL,
	at              TEXT NOT NULL,
	change_count    INTEGER NOT NULL,
	meta            TEXT NOT NULL,
	PRIMARY KEY (directory_id, version)
) WITHOUT ROWID;
CREATE UNIQUE INDEX orgkit_change_sets_id ON orgkit_change_sets (directory_id, change_set_id);
CREATE INDEX orgkit_change_sets_at ON orgkit_change_sets (directory_id, at);

CREATE TABLE orgkit_changes (
	directory_id TEXT NOT NULL,
	version      INTEGER NOT NULL,
	seq          INTEGER NOT NULL,
	kind         INTEGER NOT NULL,
	record_id    TEXT NOT NULL,
	before       TEXT,
	after        TEXT NOT NULL,
	PRIMARY KEY (directory_id, version, seq)
);
CREATE INDEX orgkit_changes_record ON orgkit_changes (directory_id, kind, record_id);

CREATE TABLE orgkit_records (
	directory_id TEXT NOT NULL REFERENCES orgkit_directories (id),
	kind         INTEGER NOT NULL,
	record_id    TEXT NOT NULL,
	version      INTEGER NOT NULL,
	record       TEXT NOT NULL,
	PRIMARY KEY (directory_id, kind, record_id)
);

CREATE TABLE orgkit_purges (
	directory_id TEXT NOT NULL,
	key          TEXT NOT NULL,
	head         INTEGER NOT NULL,
	forced       INTEGER NOT NULL,
	actor        TEXT NOT NULL,
	reason       TEXT NOT NULL,
	at           TEXT NOT NULL
);

CREATE VIEW orgkit_directory AS
SELECT id, key, is_default, head, created_at,
	record->'$.name'->>'$.default' AS name, record->>'$.platform' AS platform,
	record->>'$.upstream_id' AS upstream_id, record AS record
FROM orgkit_directories;

CREATE VIEW orgkit_node AS
SELECT directory_id, record_id AS id, version,
	CASE record->>'$.kind' WHEN 1 THEN 'company' WHEN 2 THEN 'organization' ELSE 'department' END AS kind,
	NULLIF(record->>'$.parent', '') AS parent,
	record->'$.name'->>'$.default' AS name, NULLIF(record->>'$.code', '') AS code,
	COALESCE(record->>'$.order', 0) AS sort_order,
	NULLIF(record->>'$.manager', '') AS manager,
	CASE COALESCE(record->>'$.status', 0) WHEN 0 THEN 'active' WHEN 1 THEN 'inactive' ELSE 'retired' END AS status,
	NULLIF(record->>'$.external_id', '') AS external_id,
	record AS record
FROM orgkit_records WHERE kind = 2;

CREATE VIEW orgkit_member AS
SELECT directory_id, record_id AS id, version,
	record->'$.system_name'->>'$.default' AS system_name, record->>'$.full_name' AS full_name,
	NULLIF(record->>'$.mobile', '') AS mobile, NULLIF(record->>'$.email', '') AS email,
	NULLIF(record->>'$.employee_number', '') AS employee_number,
	NULLIF(record->>'$.job_title', '') AS job_title,
	NULLIF(record->>'$.primary', '') AS primary_node,
	CASE COALESCE(record->>'$.status', 0) WHEN 0 THEN 'active' WHEN 1 THEN 'inactive' ELSE 'retired' END AS status,
	NULLIF(record->>'$.external_id', '') AS external_id,
	record AS record
FROM orgkit_records WHERE kind = 3;

CREATE VIEW orgkit_role AS
SELECT directory_id, record_id AS id, version,
	record->'$.name'->>'$.default' AS name, NULLIF(record->>'$.group', '') AS role_group,
	COALESCE(record->>'$.org_admin', 0) AS org_admin,
	CASE COALESCE(record->>'$.status', 0) WHEN 0 THEN 'active' WHEN 1 THEN 'inactive' ELSE 'retired' END AS status,
	record AS record
FROM orgkit_records WHERE kind = 4;

CREATE VIEW orgkit_assignment AS
SELECT r.directory_id, r.record_id AS member_id, j.value AS role_id,
	j.value = r.record->>'$.primary' AS is_primary
FROM orgkit_records r, json_each(COALESCE(r.record->'$.roles', '[]')) AS j
WHERE r.kind = 6;

CREATE VIEW orgkit_history AS
SELECT s.directory_id, s.version, s.change_set_id, s.at, s.actor, s.reason, s.origin,
	CASE c.kind WHEN 1 THEN 'settings' WHEN 2 THEN 'node' WHEN 3 THEN 'member'
		WHEN 4 THEN 'role' WHEN 5 THEN 'role_group' WHEN 6 THEN 'assignment' END AS kind,
	c.record_id, c.before, c.after
FROM orgkit_change_sets s JOIN orgkit_changes c ON c.directory_id = s.directory_id AND c.version = s.version;

CREATE VIEW orgkit_purge AS
SELECT directory_id, key, head, forced, actor, reason, at FROM orgkit_purges;
`,

	// 2: the records' compact form.
	`ALTER TABLE orgkit_records ADD COLUMN bin BLOB; -- the compact form Load reads; NULL: read the JSON`,
}
