-- 0002_sync_engine: same logical schema as postgres/0002_sync_engine.sql. sync_state /
-- sync_checkpoints use IF NOT EXISTS because ControlDbStateStore also creates them.

CREATE TABLE IF NOT EXISTS sync_state (
    pair_id     TEXT,
    entity      TEXT,
    source_key  TEXT,
    hash        TEXT,
    target_key  TEXT,
    PRIMARY KEY (pair_id, entity, source_key)
);

CREATE TABLE IF NOT EXISTS sync_checkpoints (
    pair_id       TEXT,
    entity        TEXT,
    cursor_value  TEXT,
    cursor_type   TEXT,
    key_text      TEXT,
    updated_at    TEXT,
    PRIMARY KEY (pair_id, entity)
);

CREATE TABLE quarantine (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    pair_id          TEXT NOT NULL,
    operation_id     INTEGER,
    entity           TEXT NOT NULL,
    source_key       TEXT NOT NULL,
    source_row       TEXT NOT NULL DEFAULT '{}',
    transformed_row  TEXT NOT NULL DEFAULT '{}',
    source_hash      TEXT NOT NULL DEFAULT '',
    rule             TEXT NOT NULL DEFAULT '',
    field            TEXT NOT NULL DEFAULT '',
    message          TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'replayed', 'discarded')),
    attempts         INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (pair_id, entity, source_key)
);
CREATE INDEX quarantine_pair_status_idx ON quarantine (pair_id, status, id);

CREATE TABLE backups (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name       TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    size_bytes      INTEGER NOT NULL DEFAULT 0,
    sha256          TEXT NOT NULL DEFAULT '',
    schema_version  INTEGER NOT NULL DEFAULT 0,
    row_counts      TEXT NOT NULL DEFAULT '{}',
    verified        INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    kind            TEXT NOT NULL DEFAULT 'manual'
);
CREATE INDEX backups_created_idx ON backups (created_at);

CREATE TABLE maintenance_runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    started_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at   TEXT,
    status        TEXT NOT NULL DEFAULT 'running',
    report        TEXT NOT NULL DEFAULT '{}',
    triggered_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX maintenance_runs_kind_started_idx ON maintenance_runs (kind, started_at);
