-- 0008_maintenance: what the maintenance schedule needs of maintenance_runs (0002).
-- scheduled_for: the schedule slot a scheduled run fills (NULL for runs started by hand);
-- the unique index makes each slot fire once however many tf-syncd nodes tick at once.
-- node_id, heartbeat_at, progress, message: who runs it and how far it is; a running row
-- whose heartbeat stopped (its node died) is marked abandoned by the next claim of its kind.
ALTER TABLE maintenance_runs ADD COLUMN scheduled_for TEXT;
ALTER TABLE maintenance_runs ADD COLUMN node_id TEXT NOT NULL DEFAULT '';
ALTER TABLE maintenance_runs ADD COLUMN heartbeat_at TEXT;
ALTER TABLE maintenance_runs ADD COLUMN progress REAL NOT NULL DEFAULT 0;
ALTER TABLE maintenance_runs ADD COLUMN message TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX maintenance_runs_one_per_slot
    ON maintenance_runs (kind, scheduled_for) WHERE scheduled_for IS NOT NULL;
-- Nothing wrote maintenance_runs before this version; a stray 'running' row would block the
-- index below.
UPDATE maintenance_runs SET status = 'abandoned' WHERE status = 'running';
-- One running run per kind: a weekly run started by hand while the scheduled one runs is refused.
CREATE UNIQUE INDEX maintenance_runs_one_running_per_kind
    ON maintenance_runs (kind) WHERE status = 'running';
