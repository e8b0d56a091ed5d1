-- airisk-auth PostgreSQL store, schema version 2: refresh tokens (issue 15).
-- Applied by PostgresStore::migrate() after 0001 (or by hand: replace airisk with your schema name).

-- Refresh tokens by the SHA-256 of the token (never the token): the record the core
-- serializes (RefreshRecord::to_json, at most 8192 bytes) and how often the token was
-- presented; uses = 1 after the one first use, more for every replay.
CREATE TABLE IF NOT EXISTS airisk.refresh_tokens (
    digest     bytea   PRIMARY KEY CHECK (octet_length(digest) = 32),
    record     text    NOT NULL CHECK (octet_length(record) <= 8192),
    uses       integer NOT NULL DEFAULT 0,
    expires_at bigint  NOT NULL
);
CREATE INDEX IF NOT EXISTS refresh_tokens_expires_at ON airisk.refresh_tokens (expires_at);

INSERT INTO airisk.schema_version (version) VALUES (2) ON CONFLICT DO NOTHING;
