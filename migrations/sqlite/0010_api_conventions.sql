-- 0010_api_conventions: optimistic concurrency and idempotent starts (issue 13).
-- `version` names the editable fields of a system or sync pair; every change of them
-- increments it, and it is the ETag the API answers with. PUT, PATCH and DELETE compare
-- and set it (UPDATE ... WHERE id = ? AND version = ?), so a stale If-Match changes nothing.
ALTER TABLE systems ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sync_pairs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- The first answer to a POST with an Idempotency-Key, per caller, for 24 hours. The
-- primary key makes the insert that claims a key the one decision between two racing
-- requests; status 0 marks a claim whose answer is not stored yet.
CREATE TABLE idempotency_keys (
    scope         TEXT NOT NULL,
    key           TEXT NOT NULL,
    caller        TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    body          TEXT,
    location      TEXT,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (scope, caller, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
