-- 0003_operation_queue: what the operation queue of tf-syncd needs beside 0001's lease
-- columns (DESIGN.md section 7). Workers on any node claim queued operations with
-- FOR UPDATE SKIP LOCKED; sync_operations_one_running_per_pair (0001) stays the final guard.

-- full_resync: run every entity in full mode. cancel_requested: a running operation stops at
-- its next heartbeat. not_before: a transient failure waits for its backoff before the next
-- claim. retry_of: the failed or cancelled operation a retry was made from. changes: a dry
-- run's change set (JSON array text).
ALTER TABLE sync_operations ADD COLUMN full_resync BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sync_operations ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sync_operations ADD COLUMN not_before TIMESTAMPTZ;
ALTER TABLE sync_operations ADD COLUMN retry_of BIGINT;
ALTER TABLE sync_operations ADD COLUMN changes TEXT;

-- The claim scans queued operations oldest first; the reaper scans running ones by expiry.
CREATE INDEX sync_operations_queued_idx ON sync_operations (created_at, id) WHERE status = 'queued';
CREATE INDEX sync_operations_running_lease_idx ON sync_operations (lease_expires_at) WHERE status = 'running';

-- What happened to an operation, line by line (started, entity done, retry, finished).
CREATE TABLE operation_logs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operation_id  BIGINT NOT NULL REFERENCES sync_operations (id) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    line          TEXT NOT NULL
);
CREATE INDEX operation_logs_operation_idx ON operation_logs (operation_id, id);
