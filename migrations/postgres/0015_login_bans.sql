-- 0015_login_bans (issue 19): failed-login bans in the control database, so that every
-- tf-gateway sharing it enforces them (each gateway kept its own in memory before). subject:
-- 'u:' + the username (lower-cased, at most 64 characters) or 'a:' + the client address.
-- Times are milliseconds since 1970 (UTC) from the clock of the gateway that wrote them.
CREATE TABLE login_failures (
    subject TEXT NOT NULL,
    failed_at_ms BIGINT NOT NULL
);
CREATE INDEX login_failures_subject_idx ON login_failures (subject, failed_at_ms);
CREATE TABLE login_bans (
    subject TEXT PRIMARY KEY,
    banned_until_ms BIGINT NOT NULL
);
