-- 0009_verify_schedule: the next due time of each pair's verify_schedule (the expression is
-- in the pair's definition). Fired like next_run_at: a compare-and-set moves it, so each due
-- time queues one verify however many tf-syncd nodes tick.
ALTER TABLE sync_pairs ADD COLUMN next_verify_at TEXT;
