-- 0011_versions_admin_jobs (issue 13): optimistic concurrency and lasting admin jobs.
-- version: the version of a user's / an API token's editable fields. The gateway answers it
-- as the ETag and changes them only with UPDATE ... WHERE id = ? AND version = ?, so a change
-- made from a stale read is refused (412) instead of silently overwriting another one.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE api_tokens ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- Long admin actions (backup, restore, maintenance, restart) polled with GET /api/jobs/<id>.
-- Ids are handed out by the gateway (MAX(id) + 1), so a job started while the database was
-- briefly away keeps its id when it is written later. A row found 'queued' or 'running' when
-- the gateway starts is marked failed ('interrupted'): the process that ran it is gone.
CREATE TABLE admin_jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    progress REAL NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    result TEXT,
    error TEXT,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT
);
CREATE INDEX admin_jobs_status_idx ON admin_jobs (status);
