-- 0006_audit_changes: an append-only audit trail and the change feed behind /api/changes.

-- Audit trail retention. The retention job (AuditRepository::purgeOlderThan) deletes a prefix
-- of the chain (oldest ids first) and records here the last id it removed and that entry's
-- hash: the oldest remaining entry's prev_hash must equal anchor_hash, so the rest of the chain
-- stays verifiable, and removing old entries any other way is still detected.
CREATE TABLE audit_retention (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    purged_through  BIGINT NOT NULL DEFAULT 0,
    anchor_hash     TEXT NOT NULL DEFAULT '',
    purged_at       TIMESTAMPTZ
);
INSERT INTO audit_retention (id) VALUES (1);

-- Keyset paging (newest first, id < cursor) under each equality filter stays on an index.
CREATE INDEX audit_entries_event_id_idx ON audit_entries (event_type, id);
CREATE INDEX audit_entries_severity_id_idx ON audit_entries (severity, id);
CREATE INDEX audit_entries_username_id_idx ON audit_entries (username, id);
CREATE INDEX audit_entries_resource_id_idx ON audit_entries (resource_type, resource_id, id);
-- It makes 0001's (resource_type, resource_id) index redundant.
DROP INDEX audit_entries_resource_idx;

-- Entries are append-only: UPDATE is always refused; DELETE only inside the retention job's
-- transaction, which runs SET LOCAL terrafusion.audit_retention = 'on'. (A database superuser
-- can still disable the trigger; the hash chain is what makes such an edit visible.)
CREATE FUNCTION audit_entries_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('terrafusion.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change();
CREATE FUNCTION audit_entries_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_entries is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_truncate();

-- The change feed: one row per change of a resource, for consoles polling /api/changes
-- ("what changed since N" is "rows with id > N", collapsed per resource when read). Insert-only,
-- so a trigger costs one small INSERT; ChangeFeedRepository::prune keeps it to a day and a
-- row cap. created_at is clock_timestamp(): when the row was written, not when its
-- transaction began (the reader uses it to tell an uncommitted id from a rolled-back one).
CREATE TABLE change_feed (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    resource_type  TEXT NOT NULL,
    resource_id    TEXT NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('created', 'updated', 'deleted'))
);

-- pruned_through: the highest id pruning removed; a client behind it must reload everything.
CREATE TABLE change_feed_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO change_feed_state (id) VALUES (1);

-- Row triggers: TG_ARGV[0] is the resource type the API names.
CREATE FUNCTION change_feed_note() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rid TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        rid := OLD.id::text;
    ELSE
        rid := NEW.id::text;
    END IF;
    INSERT INTO change_feed (resource_type, resource_id, action)
    VALUES (TG_ARGV[0], rid,
            CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END);
    RETURN NULL;
END
$$;

CREATE TRIGGER change_feed_systems AFTER INSERT OR UPDATE OR DELETE ON systems
    FOR EACH ROW EXECUTE FUNCTION change_feed_note('system');
CREATE TRIGGER change_feed_sync_pairs AFTER INSERT OR UPDATE OR DELETE ON sync_pairs
    FOR EACH ROW EXECUTE FUNCTION change_feed_note('sync_pair');
CREATE TRIGGER change_feed_alerts AFTER INSERT OR UPDATE OR DELETE ON alerts
    FOR EACH ROW EXECUTE FUNCTION change_feed_note('alert');
CREATE TRIGGER change_feed_quarantine AFTER INSERT OR UPDATE OR DELETE ON quarantine
    FOR EACH ROW EXECUTE FUNCTION change_feed_note('quarantine_entry');
CREATE TRIGGER change_feed_backups AFTER INSERT OR UPDATE OR DELETE ON backups
    FOR EACH ROW EXECUTE FUNCTION change_feed_note('backup');
CREATE TRIGGER change_feed_maintenance_runs AFTER INSERT OR UPDATE OR DELETE ON maintenance_runs
    FOR EACH ROW EXECUTE FUNCTION change_feed_note('maintenance_run');

-- Operations: lease renewals and heartbeats alone are not news; progress, status and the rest are.
CREATE TRIGGER change_feed_sync_operations AFTER INSERT OR DELETE ON sync_operations
    FOR EACH ROW EXECUTE FUNCTION change_feed_note('sync_operation');
CREATE TRIGGER change_feed_sync_operations_update AFTER UPDATE ON sync_operations
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.progress IS DISTINCT FROM NEW.progress
          OR OLD.current_entity IS DISTINCT FROM NEW.current_entity
          OR OLD.statistics IS DISTINCT FROM NEW.statistics OR OLD.error IS DISTINCT FROM NEW.error
          OR OLD.started_at IS DISTINCT FROM NEW.started_at
          OR OLD.finished_at IS DISTINCT FROM NEW.finished_at
          OR OLD.cancel_requested IS DISTINCT FROM NEW.cancel_requested
          OR OLD.attempt IS DISTINCT FROM NEW.attempt OR OLD.changes IS DISTINCT FROM NEW.changes)
    EXECUTE FUNCTION change_feed_note('sync_operation');

-- Users and tokens: a login (last_login_at) or a token's use (last_used_at, a sliding session
-- expiry) is not a change to show.
CREATE TRIGGER change_feed_users AFTER INSERT OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION change_feed_note('user');
CREATE TRIGGER change_feed_users_update AFTER UPDATE ON users
    FOR EACH ROW
    WHEN (OLD.username IS DISTINCT FROM NEW.username OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.disabled IS DISTINCT FROM NEW.disabled
          OR OLD.must_change_password IS DISTINCT FROM NEW.must_change_password
          OR OLD.password_hash IS DISTINCT FROM NEW.password_hash)
    EXECUTE FUNCTION change_feed_note('user');
CREATE TRIGGER change_feed_api_tokens AFTER INSERT OR DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION change_feed_note('api_token');
CREATE TRIGGER change_feed_api_tokens_update AFTER UPDATE ON api_tokens
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.user_id IS DISTINCT FROM NEW.user_id)
    EXECUTE FUNCTION change_feed_note('api_token');

-- Audit entries are only ever inserted, often many at once: one statement-level trigger.
CREATE FUNCTION change_feed_note_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO change_feed (resource_type, resource_id, action)
    SELECT 'audit_entry', id::text, 'created' FROM inserted_entries ORDER BY id;
    RETURN NULL;
END
$$;
CREATE TRIGGER change_feed_audit_entries AFTER INSERT ON audit_entries
    REFERENCING NEW TABLE AS inserted_entries
    FOR EACH STATEMENT EXECUTE FUNCTION change_feed_note_audit();
