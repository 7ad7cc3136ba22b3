-- 0002_sync_engine: what the sync engine and the operations work keep in the control
-- database. sync_state / sync_checkpoints use IF NOT EXISTS because ControlDbStateStore also
-- creates them on its own (it may run before this migration on an older database).

-- Sync state of pairs whose target is not transactional (files); transactional targets keep
-- theirs inside the target so it commits with the data.
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

-- Rows that failed mapping or validation: kept, visible, replayable (DESIGN.md section 4).
-- One entry per (pair, entity, source key): re-detecting a broken row updates its entry.
-- source_hash is the hash the row's sync state gets when a replay lands.
CREATE TABLE quarantine (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pair_id          TEXT NOT NULL,
    operation_id     BIGINT,
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
    created_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (pair_id, entity, source_key)
);
CREATE INDEX quarantine_pair_status_idx ON quarantine (pair_id, status, id);

CREATE TABLE backups (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_name       TEXT NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    size_bytes      BIGINT NOT NULL DEFAULT 0,
    sha256          TEXT NOT NULL DEFAULT '',
    schema_version  INTEGER NOT NULL DEFAULT 0,
    row_counts      TEXT NOT NULL DEFAULT '{}',
    verified        BOOLEAN NOT NULL DEFAULT FALSE,
    kind            TEXT NOT NULL DEFAULT 'manual'
);
CREATE INDEX backups_created_idx ON backups (created_at);

CREATE TABLE maintenance_runs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    finished_at   TIMESTAMPTZ,
    status        TEXT NOT NULL DEFAULT 'running',
    report        TEXT NOT NULL DEFAULT '{}',
    triggered_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX maintenance_runs_kind_started_idx ON maintenance_runs (kind, started_at);
