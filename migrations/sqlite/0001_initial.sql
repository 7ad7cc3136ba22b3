-- 0001_initial: the control tables (DESIGN.md section 5), same logical schema as
-- postgres/0001_initial.sql. Timestamps are TEXT 'yyyy-MM-ddTHH:mm:ss.zzzZ' (UTC, fixed width so
-- text order is time order); booleans INTEGER 0/1; JSON compact text.

CREATE TABLE systems (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    name                   TEXT NOT NULL UNIQUE,
    kind                   TEXT NOT NULL,
    description            TEXT NOT NULL DEFAULT '',
    settings               TEXT NOT NULL DEFAULT '{}',
    credentials_encrypted  BLOB,
    created_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE sync_pairs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL UNIQUE,
    description       TEXT NOT NULL DEFAULT '',
    source_system_id  INTEGER NOT NULL REFERENCES systems (id),
    source_entity     TEXT NOT NULL,
    target_system_id  INTEGER NOT NULL REFERENCES systems (id),
    target_entity     TEXT NOT NULL,
    definition        TEXT NOT NULL DEFAULT '{}',
    enabled           INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    schedule          TEXT,
    next_run_at       TEXT,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX sync_pairs_source_system_idx ON sync_pairs (source_system_id);
CREATE INDEX sync_pairs_target_system_idx ON sync_pairs (target_system_id);

CREATE TABLE sync_operations (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    pair_id           INTEGER NOT NULL REFERENCES sync_pairs (id) ON DELETE CASCADE,
    status            TEXT NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'running', 'completed', 'completed_with_errors',
                                        'failed', 'cancelled')),
    mode              TEXT NOT NULL DEFAULT 'hash',
    dry_run           INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
    trigger           TEXT NOT NULL DEFAULT 'manual',
    node_id           TEXT,
    attempt           INTEGER NOT NULL DEFAULT 0,
    progress          REAL NOT NULL DEFAULT 0,
    current_entity    TEXT,
    statistics        TEXT NOT NULL DEFAULT '{}',
    error             TEXT,
    lease_owner       TEXT,
    lease_expires_at  TEXT,
    heartbeat_at      TEXT,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    started_at        TEXT,
    finished_at       TEXT
);
-- One running operation per pair, however many workers or nodes (DESIGN.md section 4).
CREATE UNIQUE INDEX sync_operations_one_running_per_pair
    ON sync_operations (pair_id) WHERE status = 'running';
CREATE INDEX sync_operations_status_created_idx ON sync_operations (status, created_at);
CREATE INDEX sync_operations_pair_created_idx ON sync_operations (pair_id, created_at);

CREATE TABLE audit_entries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    event_type      TEXT NOT NULL,
    severity        TEXT NOT NULL DEFAULT 'info',
    resource_type   TEXT,
    resource_id     TEXT,
    operation_id    INTEGER,
    description     TEXT NOT NULL DEFAULT '',
    previous_state  TEXT,
    new_state       TEXT,
    username        TEXT,
    ip_address      TEXT,
    user_agent      TEXT,
    correlation_id  TEXT,
    prev_hash       TEXT NOT NULL DEFAULT '',
    entry_hash      TEXT NOT NULL
);
CREATE INDEX audit_entries_created_idx ON audit_entries (created_at);
CREATE INDEX audit_entries_event_created_idx ON audit_entries (event_type, created_at);
CREATE INDEX audit_entries_resource_idx ON audit_entries (resource_type, resource_id);

CREATE TABLE system_metrics (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    node        TEXT NOT NULL DEFAULT '',
    metric      TEXT NOT NULL,
    value       REAL NOT NULL,
    labels      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX system_metrics_metric_created_idx ON system_metrics (metric, created_at);

CREATE TABLE users (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    username              TEXT NOT NULL UNIQUE,
    password_hash         TEXT NOT NULL,
    role                  TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'auditor', 'viewer')),
    disabled              INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    must_change_password  INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_login_at         TEXT
);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    user_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'auditor', 'viewer', 'service')),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at    TEXT,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE alerts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    rule             TEXT NOT NULL,
    severity         TEXT NOT NULL,
    message          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'raised'
                     CHECK (status IN ('raised', 'acknowledged', 'resolved')),
    details          TEXT NOT NULL DEFAULT '{}',
    raised_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    acknowledged_at  TEXT,
    acknowledged_by  TEXT,
    resolved_at      TEXT
);
CREATE INDEX alerts_status_raised_idx ON alerts (status, raised_at);

CREATE TABLE service_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    node        TEXT NOT NULL DEFAULT '',
    service     TEXT NOT NULL,
    event       TEXT NOT NULL,
    message     TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX service_events_service_created_idx ON service_events (service, created_at);
