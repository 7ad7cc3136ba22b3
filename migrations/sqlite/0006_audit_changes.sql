-- 0006_audit_changes: an append-only audit trail and the change feed behind /api/changes
-- (same logical schema as postgres/0006_audit_changes.sql).

-- Audit trail retention. The retention job (AuditRepository::purgeOlderThan) deletes a prefix
-- of the chain (oldest ids first) and records here the last id it removed and that entry's
-- hash: the oldest remaining entry's prev_hash must equal anchor_hash, so the rest of the chain
-- stays verifiable, and removing old entries any other way is still detected.
-- active: the bypass of the append-only triggers. SQLite has no session variables, so the
-- retention job sets it to 1 inside its own write transaction (BEGIN IMMEDIATE: no other
-- writer runs meanwhile) and back to 0 before committing; nobody else ever sees it at 1.
CREATE TABLE audit_retention (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    active          INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    purged_through  INTEGER NOT NULL DEFAULT 0,
    anchor_hash     TEXT NOT NULL DEFAULT '',
    purged_at       TEXT
);
INSERT INTO audit_retention (id) VALUES (1);

-- Keyset paging (newest first, id < cursor) under each equality filter stays on an index.
CREATE INDEX audit_entries_event_id_idx ON audit_entries (event_type, id);
CREATE INDEX audit_entries_severity_id_idx ON audit_entries (severity, id);
CREATE INDEX audit_entries_username_id_idx ON audit_entries (username, id);
CREATE INDEX audit_entries_resource_id_idx ON audit_entries (resource_type, resource_id, id);
-- It makes 0001's (resource_type, resource_id) index redundant.
DROP INDEX audit_entries_resource_idx;

-- Entries are append-only: UPDATE is always refused; DELETE only while the retention job
-- holds the bypass. (Whoever can drop the trigger can still edit the file; the hash chain is
-- what makes such an edit visible.)
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only: UPDATE refused');
END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
    WHEN (SELECT active FROM audit_retention WHERE id = 1) IS NOT 1
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only: DELETE refused');
END;

-- The change feed: one row per change of a resource, for consoles polling /api/changes
-- ("what changed since N" is "rows with id > N", collapsed per resource when read). Insert-only,
-- so a trigger costs one small INSERT; ChangeFeedRepository::prune keeps it to a day and a
-- row cap. AUTOINCREMENT: ids are never reused, even after the newest rows are pruned.
CREATE TABLE change_feed (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    resource_type  TEXT NOT NULL,
    resource_id    TEXT NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('created', 'updated', 'deleted'))
);

-- pruned_through: the highest id pruning removed; a client behind it must reload everything.
CREATE TABLE change_feed_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO change_feed_state (id) VALUES (1);

-- One trigger per table and event. Operations: lease renewals and heartbeats alone are not
-- news. Users and tokens: a login (last_login_at) or a token's use (last_used_at, a sliding
-- session expiry) is not a change to show.
CREATE TRIGGER change_feed_systems_insert AFTER INSERT ON systems BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('system', CAST(NEW.id AS TEXT), 'created');
END;
CREATE TRIGGER change_feed_systems_update AFTER UPDATE ON systems
BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('system', CAST(NEW.id AS TEXT), 'updated');
END;
CREATE TRIGGER change_feed_systems_delete AFTER DELETE ON systems BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('system', CAST(OLD.id AS TEXT), 'deleted');
END;
CREATE TRIGGER change_feed_sync_pairs_insert AFTER INSERT ON sync_pairs BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('sync_pair', CAST(NEW.id AS TEXT), 'created');
END;
CREATE TRIGGER change_feed_sync_pairs_update AFTER UPDATE ON sync_pairs
BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('sync_pair', CAST(NEW.id AS TEXT), 'updated');
END;
CREATE TRIGGER change_feed_sync_pairs_delete AFTER DELETE ON sync_pairs BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('sync_pair', CAST(OLD.id AS TEXT), 'deleted');
END;
CREATE TRIGGER change_feed_alerts_insert AFTER INSERT ON alerts BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('alert', CAST(NEW.id AS TEXT), 'created');
END;
CREATE TRIGGER change_feed_alerts_update AFTER UPDATE ON alerts
BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('alert', CAST(NEW.id AS TEXT), 'updated');
END;
CREATE TRIGGER change_feed_alerts_delete AFTER DELETE ON alerts BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('alert', CAST(OLD.id AS TEXT), 'deleted');
END;
CREATE TRIGGER change_feed_quarantine_insert AFTER INSERT ON quarantine BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('quarantine_entry', CAST(NEW.id AS TEXT), 'created');
END;
CREATE TRIGGER change_feed_quarantine_update AFTER UPDATE ON quarantine
BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('quarantine_entry', CAST(NEW.id AS TEXT), 'updated');
END;
CREATE TRIGGER change_feed_quarantine_delete AFTER DELETE ON quarantine BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('quarantine_entry', CAST(OLD.id AS TEXT), 'deleted');
END;
CREATE TRIGGER change_feed_backups_insert AFTER INSERT ON backups BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('backup', CAST(NEW.id AS TEXT), 'created');
END;
CREATE TRIGGER change_feed_backups_update AFTER UPDATE ON backups
BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('backup', CAST(NEW.id AS TEXT), 'updated');
END;
CREATE TRIGGER change_feed_backups_delete AFTER DELETE ON backups BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('backup', CAST(OLD.id AS TEXT), 'deleted');
END;
CREATE TRIGGER change_feed_maintenance_runs_insert AFTER INSERT ON maintenance_runs BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('maintenance_run', CAST(NEW.id AS TEXT), 'created');
END;
CREATE TRIGGER change_feed_maintenance_runs_update AFTER UPDATE ON maintenance_runs
BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('maintenance_run', CAST(NEW.id AS TEXT), 'updated');
END;
CREATE TRIGGER change_feed_maintenance_runs_delete AFTER DELETE ON maintenance_runs BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('maintenance_run', CAST(OLD.id AS TEXT), 'deleted');
END;
CREATE TRIGGER change_feed_sync_operations_insert AFTER INSERT ON sync_operations BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('sync_operation', CAST(NEW.id AS TEXT), 'created');
END;
CREATE TRIGGER change_feed_sync_operations_update AFTER UPDATE ON sync_operations
    WHEN OLD.status IS NOT NEW.status OR OLD.progress IS NOT NEW.progress OR
         OLD.current_entity IS NOT NEW.current_entity OR
         OLD.statistics IS NOT NEW.statistics OR OLD.error IS NOT NEW.error OR
         OLD.started_at IS NOT NEW.started_at OR OLD.finished_at IS NOT NEW.finished_at OR
         OLD.cancel_requested IS NOT NEW.cancel_requested OR OLD.attempt IS NOT NEW.attempt OR
         OLD.changes IS NOT NEW.changes
BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('sync_operation', CAST(NEW.id AS TEXT), 'updated');
END;
CREATE TRIGGER change_feed_sync_operations_delete AFTER DELETE ON sync_operations BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('sync_operation', CAST(OLD.id AS TEXT), 'deleted');
END;
CREATE TRIGGER change_feed_users_insert AFTER INSERT ON users BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('user', CAST(NEW.id AS TEXT), 'created');
END;
CREATE TRIGGER change_feed_users_update AFTER UPDATE ON users
    WHEN OLD.username IS NOT NEW.username OR OLD.role IS NOT NEW.role OR
         OLD.disabled IS NOT NEW.disabled OR
         OLD.must_change_password IS NOT NEW.must_change_password OR
         OLD.password_hash IS NOT NEW.password_hash
BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('user', CAST(NEW.id AS TEXT), 'updated');
END;
CREATE TRIGGER change_feed_users_delete AFTER DELETE ON users BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('user', CAST(OLD.id AS TEXT), 'deleted');
END;
CREATE TRIGGER change_feed_api_tokens_insert AFTER INSERT ON api_tokens BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('api_token', CAST(NEW.id AS TEXT), 'created');
END;
CREATE TRIGGER change_feed_api_tokens_update AFTER UPDATE ON api_tokens
    WHEN OLD.name IS NOT NEW.name OR OLD.role IS NOT NEW.role OR
         OLD.revoked_at IS NOT NEW.revoked_at OR OLD.user_id IS NOT NEW.user_id
BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('api_token', CAST(NEW.id AS TEXT), 'updated');
END;
CREATE TRIGGER change_feed_api_tokens_delete AFTER DELETE ON api_tokens BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('api_token', CAST(OLD.id AS TEXT), 'deleted');
END;
CREATE TRIGGER change_feed_audit_entries_insert AFTER INSERT ON audit_entries BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action) VALUES ('audit_entry', CAST(NEW.id AS TEXT), 'created');
END;
