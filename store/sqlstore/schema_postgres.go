package sqlstore

// pgLockKey is the advisory lock that serializes migrations between instances.
const pgLockKey = 0x6f72676b6974 // "orgkit"

// pgMigrations are the PostgreSQL schema's versions; migration i brings the schema
// from version i to version i+1. Never edit a released migration: append a new one.
var pgMigrations = []string{
	// 1: tables, indexes, the head-advancing function and the read-only views.
	`
CREATE TABLE orgkit_directories (
	id          uuid PRIMARY KEY,
	key         text NOT NULL UNIQUE,
	is_default  boolean NOT NULL DEFAULT false,
	head        bigint NOT NULL DEFAULT 0,
	created_at  timestamptz NOT NULL,
	created     json NOT NULL, -- the record as created: ID, key, default and creation time come from it
	record      json NOT NULL  -- the latest settings
);
CREATE UNIQUE INDEX orgkit_directories_one_default ON orgkit_directories (is_default) WHERE is_default;

CREATE TABLE orgkit_change_sets (
	directory_id    uuid NOT NULL REFERENCES orgkit_directories (id),
	version         bigint NOT NULL,
	change_set_id   uuid NOT NULL,
	actor           text NOT NULL,
	reason          text NOT NULL,
	origin          text NOT NULL,
	at              timestamptz NOT NULL,
	change_count    integer NOT NULL,
	meta            json NOT NULL,
	PRIMARY KEY (directory_id, version)
);
CREATE UNIQUE INDEX orgkit_change_sets_id ON orgkit_change_sets (directory_id, change_set_id);
CREATE INDEX orgkit_change_sets_at ON orgkit_change_sets (directory_id, at);

CREATE TABLE orgkit_changes (
	directory_id uuid NOT NULL,
	version      bigint NOT NULL,
	seq          integer NOT NULL,
	kind         smallint NOT NULL,
	record_id    uuid NOT NULL,
	before       json,
	after        json NOT NULL,
	PRIMARY KEY (directory_id, version, seq),
	FOREIGN KEY (directory_id, version) REFERENCES orgkit_change_sets (directory_id, version)
);
CREATE INDEX orgkit_changes_record ON orgkit_changes (directory_id, kind, record_id);

CREATE TABLE orgkit_records (
	directory_id uuid NOT NULL REFERENCES orgkit_directories (id),
	kind         smallint NOT NULL,
	record_id    uuid NOT NULL,
	version      bigint NOT NULL,
	record       json NOT NULL,
	PRIMARY KEY (directory_id, kind, record_id)
);

CREATE TABLE orgkit_purges (
	directory_id uuid NOT NULL,
	key          text NOT NULL,
	head         bigint NOT NULL,
	forced       boolean NOT NULL,
	actor        text NOT NULL,
	reason       text NOT NULL,
	at           timestamptz NOT NULL
);

-- orgkit_advance moves a directory's head from base to base+1, or raises OK404 (no
-- such directory) or OK409 (the head is not base; DETAIL holds the head).
CREATE FUNCTION orgkit_advance(dir uuid, base bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE h bigint;
BEGIN
	UPDATE orgkit_directories SET head = head + 1 WHERE id = dir AND head = base RETURNING head INTO h;
	IF h IS NULL THEN
		SELECT head INTO h FROM orgkit_directories WHERE id = dir;
		IF h IS NULL THEN
			RAISE EXCEPTION 'directory % does not exist', dir USING ERRCODE = 'OK404';
		END IF;
		RAISE EXCEPTION 'directory % is at version %, not %', dir, h, base USING ERRCODE = 'OK409', DETAIL = h::text;
	END IF;
	RETURN h;
END $$;
` + pgViews,

	// 2: a commit in one statement, so that committing a change set costs one round
	// trip; a change-set ID is checked before the base; the records' compact form.
	`
ALTER TABLE orgkit_records ADD COLUMN bin bytea; -- the compact form Load reads; NULL: read the JSON

-- orgkit_check_id raises OK412 when the directory's log holds the change set ID
-- already; DETAIL holds "version:head".
CREATE FUNCTION orgkit_check_id(dir uuid, csid uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE v bigint; h bigint;
BEGIN
	SELECT version INTO v FROM orgkit_change_sets WHERE directory_id = dir AND change_set_id = csid;
	IF v IS NOT NULL THEN
		SELECT head INTO h FROM orgkit_directories WHERE id = dir;
		RAISE EXCEPTION 'change set % was committed before, as version %', csid, v
			USING ERRCODE = 'OK412', DETAIL = v::text || ':' || h::text;
	END IF;
END $$;

-- orgkit_commit appends a change set as version base+1 and returns that version:
-- the ID check, the head's advance, the change set, its changes (kinds, ids,
-- befores, afters, bins: one element per change, in order), the records' latest
-- images and compact forms,
-- the settings and the notification. It raises what orgkit_check_id and
-- orgkit_advance raise.
CREATE FUNCTION orgkit_commit(dir uuid, base bigint, csid uuid, actor text, reason text, origin text, at timestamptz,
	meta json, kinds smallint[], ids uuid[], befores text[], afters text[], bins bytea[]) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE h bigint; settings text;
BEGIN
	PERFORM orgkit_check_id(dir, csid);
	h := orgkit_advance(dir, base);
	INSERT INTO orgkit_change_sets (directory_id, version, change_set_id, actor, reason, origin, at, change_count, meta)
		VALUES (dir, h, csid, actor, reason, origin, at, cardinality(kinds), meta);
	INSERT INTO orgkit_changes (directory_id, version, seq, kind, record_id, before, after)
		SELECT dir, h, t.n - 1, t.k, t.r, t.b::json, t.a::json
		FROM unnest(kinds, ids, befores, afters) WITH ORDINALITY AS t(k, r, b, a, n);
	INSERT INTO orgkit_records (directory_id, kind, record_id, version, record, bin)
		SELECT dir, t.k, t.r, h, t.a::json, t.c FROM unnest(kinds, ids, afters, bins) AS t(k, r, a, c) WHERE t.k <> 1
		ON CONFLICT (directory_id, kind, record_id) DO UPDATE SET version = excluded.version, record = excluded.record, bin = excluded.bin;
	SELECT t.a INTO settings FROM unnest(kinds, afters) AS t(k, a) WHERE t.k = 1;
	IF settings IS NOT NULL THEN
		UPDATE orgkit_directories SET record = settings::json WHERE id = dir;
	END IF;
	PERFORM pg_notify('orgkit_commits', dir::text || ':' || h::text);
	RETURN h;
END $$;
`,
}

// pgViews are the documented read-only views (see the package documentation).
const pgViews = `
CREATE VIEW orgkit_directory AS
SELECT id, key, is_default, head, created_at,
	record->'name'->>'default' AS name, record->>'platform' AS platform,
	record->>'upstream_id' AS upstream_id, record AS record
FROM orgkit_directories;

CREATE VIEW orgkit_node AS
SELECT directory_id, record_id AS id, version,
	CASE record->>'kind' WHEN '1' THEN 'company' WHEN '2' THEN 'organization' ELSE 'department' END AS kind,
	NULLIF(record->>'parent', '')::uuid AS parent,
	record->'name'->>'default' AS name, NULLIF(record->>'code', '') AS code,
	COALESCE((record->>'order')::integer, 0) AS sort_order,
	NULLIF(record->>'manager', '')::uuid AS manager,
	CASE COALESCE(record->>'status', '0') WHEN '0' THEN 'active' WHEN '1' THEN 'inactive' ELSE 'retired' END AS status, NULLIF(record->>'external_id', '') AS external_id,
	record AS record
FROM orgkit_records WHERE kind = 2;

CREATE VIEW orgkit_member AS
SELECT directory_id, record_id AS id, version,
	record->'system_name'->>'default' AS system_name, record->>'full_name' AS full_name,
	NULLIF(record->>'mobile', '') AS mobile, NULLIF(record->>'email', '') AS email,
	NULLIF(record->>'employee_number', '') AS employee_number,
	NULLIF(record->>'job_title', '') AS job_title,
	NULLIF(record->>'primary', '')::uuid AS primary_node,
	CASE COALESCE(record->>'status', '0') WHEN '0' THEN 'active' WHEN '1' THEN 'inactive' ELSE 'retired' END AS status, NULLIF(record->>'external_id', '') AS external_id,
	record AS record
FROM orgkit_records WHERE kind = 3;

CREATE VIEW orgkit_role AS
SELECT directory_id, record_id AS id, version,
	record->'name'->>'default' AS name, NULLIF(record->>'group', '')::uuid AS role_group,
	COALESCE((record->>'org_admin')::boolean, false) AS org_admin,
	CASE COALESCE(record->>'status', '0') WHEN '0' THEN 'active' WHEN '1' THEN 'inactive' ELSE 'retired' END AS status, record AS record
FROM orgkit_records WHERE kind = 4;

CREATE VIEW orgkit_assignment AS
SELECT r.directory_id, r.record_id AS member_id, role_id::uuid AS role_id,
	role_id = r.record->>'primary' AS is_primary
FROM orgkit_records r, json_array_elements_text(COALESCE(r.record->'roles', '[]'::json)) AS role_id
WHERE r.kind = 6;

CREATE VIEW orgkit_history AS
SELECT s.directory_id, s.version, s.change_set_id, s.at, s.actor, s.reason, s.origin,
	CASE c.kind WHEN 1 THEN 'settings' WHEN 2 THEN 'node' WHEN 3 THEN 'member'
		WHEN 4 THEN 'role' WHEN 5 THEN 'role_group' WHEN 6 THEN 'assignment' END AS kind,
	c.record_id, c.before, c.after
FROM orgkit_change_sets s JOIN orgkit_changes c USING (directory_id, version);

CREATE VIEW orgkit_purge AS
SELECT directory_id, key, head, forced, actor, reason, at FROM orgkit_purges;
`
