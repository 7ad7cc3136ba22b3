-- 0016_cdc_schema_changes (issue 17 item 4): a Relation message that changes a streamed table's
-- columns, types or identity stops a cdc pair, and the change is held here until a person
-- approves it (streaming continues from the held position, optionally with a new entity
-- definition) or rejects it (the pair stays stopped until it is re-snapshotted).
-- old_shape/new_shape: JSON text {"replica_identity": "d", "columns": [{"name", "type_oid",
-- "type_modifier", "key"}]}. relation_lsn: where the Relation message was read ("X/Y").
-- previous_definition: the pair's definition before an approval replaced it (JSON text): the
-- changes of the table before the schema change are still mapped with it.
-- status: pending -> approved -> applied (streamed past), pending -> rejected, and any of them
-- -> superseded when the pair is re-snapshotted.
CREATE TABLE cdc_schema_changes (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    pair_id             INTEGER NOT NULL REFERENCES sync_pairs (id) ON DELETE CASCADE,
    table_schema        TEXT NOT NULL,
    table_name          TEXT NOT NULL,
    old_shape           TEXT NOT NULL,
    new_shape           TEXT NOT NULL,
    relation_lsn        TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'approved', 'rejected', 'applied', 'superseded')),
    held_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    decided_at          TEXT,
    decided_by          TEXT,
    previous_definition TEXT
);
CREATE INDEX cdc_schema_changes_pair_idx ON cdc_schema_changes (pair_id, status);
-- The shape of each streamed table a cdc pair last accepted (at its first Relation message, or
-- by an approval): the first Relation message of a new replication session is compared with it,
-- so a table altered while the pair was stopped is held as well. Cleared by a new snapshot.
CREATE TABLE cdc_relation_shapes (
    pair_id      INTEGER NOT NULL REFERENCES sync_pairs (id) ON DELETE CASCADE,
    table_schema TEXT NOT NULL,
    table_name   TEXT NOT NULL,
    shape        TEXT NOT NULL,
    PRIMARY KEY (pair_id, table_schema, table_name)
);
