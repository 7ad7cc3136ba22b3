-- Authentication: login sessions and API tokens share api_tokens. A session belongs to a user
-- and expires; an API token is for a program, bound to a role, and may expire. Only the
-- SHA-256 of a token is stored; prefix keeps its first characters so lists can name it.
ALTER TABLE api_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api_token'
    CHECK (kind IN ('session', 'api_token', 'service'));
ALTER TABLE api_tokens ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN created_by TEXT;
CREATE INDEX api_tokens_kind_created_idx ON api_tokens (kind, created_at);
