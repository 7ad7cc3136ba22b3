-- 0001_initial: the control tables (DESIGN.md section 5). Timestamps are timestamptz (UTC);
-- JSON is stored as compact text, the same as on SQLite, so repositories are backend-blind.

CREATE TABLE systems (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                   TEXT NOT NULL UNIQUE,
    kind                   TEXT NOT NULL,
    description            TEXT NOT NULL DEFAULT '',
    settings               TEXT NOT NULL DEFAULT '{}',
    credentials_encrypted  BYTEA,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE sync_pairs (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    description       TEXT NOT NULL DEFAULT '',
    source_system_id  BIGINT NOT NULL REFERENCES systems (id),
    source_entity     TEXT NOT NULL,
    target_system_id  BIGINT NOT NULL REFERENCES systems (id),
    target_entity     TEXT NOT NULL,
    definition        TEXT NOT NULL DEFAULT '{}',
    enabled           BOOLEAN NOT NULL DEFAULT TRUE,
    schedule          TEXT,
    next_run_at       TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX sync_pairs_source_system_idx ON sync_pairs (source_system_id);
CREATE INDEX sync_pairs_target_system_idx ON sync_pairs (target_system_id);

CREATE TABLE sync_operations (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pair_id           BIGINT NOT NULL REFERENCES sync_pairs (id) ON DELETE CASCADE,
    status            TEXT NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'running', 'completed', 'completed_with_errors',
                                        'failed', 'cancelled')),
    mode              TEXT NOT NULL DEFAULT 'hash',
    dry_run           BOOLEAN NOT NULL DEFAULT FALSE,
    trigger           TEXT NOT NULL DEFAULT 'manual',
    node_id           TEXT,
    attempt           INTEGER NOT NULL DEFAULT 0,
    progress          REAL NOT NULL DEFAULT 0,
    current_entity    TEXT,
    statistics        TEXT NOT NULL DEFAULT '{}',
    error             TEXT,
    lease_owner       TEXT,
    lease_expires_at  TIMESTAMPTZ,
    heartbeat_at      TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ
);
-- One running operation per pair, however many workers or nodes (DESIGN.md section 4).
CREATE UNIQUE INDEX sync_operations_one_running_per_pair
    ON sync_operations (pair_id) WHERE status = 'running';
CREATE INDEX sync_operations_status_created_idx ON sync_operations (status, created_at);
CREATE INDEX sync_operations_pair_created_idx ON sync_operations (pair_id, created_at);

CREATE TABLE audit_entries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    event_type      TEXT NOT NULL,
    severity        TEXT NOT NULL DEFAULT 'info',
    resource_type   TEXT,
    resource_id     TEXT,
    operation_id    BIGINT,
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
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    node        TEXT NOT NULL DEFAULT '',
    metric      TEXT NOT NULL,
    value       DOUBLE PRECISION NOT NULL,
    labels      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX system_metrics_metric_created_idx ON system_metrics (metric, created_at);

CREATE TABLE users (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username              TEXT NOT NULL UNIQUE,
    password_hash         TEXT NOT NULL,
    role                  TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'auditor', 'viewer')),
    disabled              BOOLEAN NOT NULL DEFAULT FALSE,
    must_change_password  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login_at         TIMESTAMPTZ
);

CREATE TABLE api_tokens (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    user_id       BIGINT REFERENCES users (id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'auditor', 'viewer', 'service')),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE alerts (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule             TEXT NOT NULL,
    severity         TEXT NOT NULL,
    message          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'raised'
                     CHECK (status IN ('raised', 'acknowledged', 'resolved')),
    details          TEXT NOT NULL DEFAULT '{}',
    raised_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    acknowledged_at  TIMESTAMPTZ,
    acknowledged_by  TEXT,
    resolved_at      TIMESTAMPTZ
);
CREATE INDEX alerts_status_raised_idx ON alerts (status, raised_at);

CREATE TABLE service_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    node        TEXT NOT NULL DEFAULT '',
    service     TEXT NOT NULL,
    event       TEXT NOT NULL,
    message     TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX service_events_service_created_idx ON service_events (service, created_at);
