-- 0013_operation_chunks (issue 16 item 5): a large initial or full load of one entity split
-- into key-range chunks, each its own leased unit of work. Any tf-syncd worker of any node
-- claims a chunk (under BEGIN IMMEDIATE on SQLite, one node; with the same lease and heartbeat rules as an
-- operation) while its operation is running; a chunk whose lease expired is claimable again
-- and resumes after checkpoint_key, the last key whose batch committed in the target.
-- key_from/key_to: the half-open range from <= key < to (NULL: unbounded). max_workers: the
-- pair's workers_per_pair when the chunks were planned (at most that many run at once).
-- estimate: the entity's estimated rows (progress). sweep: after every chunk is done, the
-- state keys the source no longer holds are deleted (a full resync).
-- statistics: the chunk's EntityStats as JSON text.
CREATE TABLE operation_chunks (
    operation_id   INTEGER NOT NULL REFERENCES sync_operations (id) ON DELETE CASCADE,
    entity         TEXT NOT NULL,
    chunk_no       INTEGER NOT NULL,
    chunk_count    INTEGER NOT NULL,
    key_from       TEXT,
    key_to         TEXT,
    status         TEXT NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'done', 'failed')),
    node_id        TEXT,
    lease_until    TEXT,
    not_before     TEXT,
    attempt        INTEGER NOT NULL DEFAULT 0,
    checkpoint_key TEXT,
    rows_done      INTEGER NOT NULL DEFAULT 0,
    estimate       INTEGER NOT NULL DEFAULT 0,
    max_workers    INTEGER NOT NULL DEFAULT 1,
    sweep          INTEGER NOT NULL DEFAULT 0 CHECK (sweep IN (0, 1)),
    statistics     TEXT,
    error          TEXT,
    PRIMARY KEY (operation_id, entity, chunk_no)
);
CREATE INDEX operation_chunks_open_idx ON operation_chunks (operation_id, chunk_no)
    WHERE status IN ('queued', 'running');
