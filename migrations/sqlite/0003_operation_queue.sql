-- 0003_operation_queue: what the operation queue of tf-syncd needs beside 0001's lease
-- columns. On SQLite (one node) claims are serialised in-process and by BEGIN IMMEDIATE;
-- sync_operations_one_running_per_pair (0001) stays the final guard.

-- full_resync: run every entity in full mode. cancel_requested: a running operation stops at
-- its next heartbeat. not_before: a transient failure waits for its backoff before the next
-- claim. retry_of: the failed or cancelled operation a retry was made from. changes: a dry
-- run's change set (JSON array text).
ALTER TABLE sync_operations ADD COLUMN full_resync INTEGER NOT NULL DEFAULT 0 CHECK (full_resync IN (0, 1));
ALTER TABLE sync_operations ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1));
ALTER TABLE sync_operations ADD COLUMN not_before TEXT;
ALTER TABLE sync_operations ADD COLUMN retry_of INTEGER;
ALTER TABLE sync_operations ADD COLUMN changes TEXT;

CREATE INDEX sync_operations_queued_idx ON sync_operations (created_at, id) WHERE status = 'queued';
CREATE INDEX sync_operations_running_lease_idx ON sync_operations (lease_expires_at) WHERE status = 'running';

-- What happened to an operation, line by line (started, entity done, retry, finished).
CREATE TABLE operation_logs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    operation_id  INTEGER NOT NULL REFERENCES sync_operations (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    line          TEXT NOT NULL
);
CREATE INDEX operation_logs_operation_idx ON operation_logs (operation_id, id);
