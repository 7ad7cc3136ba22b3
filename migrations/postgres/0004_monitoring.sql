-- Monitoring: alerts keyed by where their condition was seen, one open alert per rule and
-- source; system_metrics rows that are hourly averages of older raw samples.

-- The host (for CPU, memory, disk, response time) or '' for cluster-wide rules (failed
-- operations, restarts); event alerts (permanent sync failures) carry a digest of the message.
ALTER TABLE alerts ADD COLUMN source TEXT NOT NULL DEFAULT '';
-- Raised and acknowledged alerts are open: the database refuses a second open alert for the
-- same rule and source, however many nodes evaluate the rules.
CREATE UNIQUE INDEX alerts_one_open_per_rule ON alerts (rule, source) WHERE status <> 'resolved';

-- 0: a raw sample; 3600: the average of the raw samples of one hour (sample_count of them).
ALTER TABLE system_metrics ADD COLUMN resolution_s INTEGER NOT NULL DEFAULT 0;
ALTER TABLE system_metrics ADD COLUMN sample_count INTEGER NOT NULL DEFAULT 1;
CREATE INDEX system_metrics_resolution_created_idx ON system_metrics (resolution_s, created_at);

-- Failures in the last hour, per pair, without scanning every failed operation ever run.
CREATE INDEX sync_operations_status_finished_idx ON sync_operations (status, finished_at);
