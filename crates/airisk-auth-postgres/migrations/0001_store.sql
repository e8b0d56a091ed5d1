-- airisk-auth PostgreSQL store, schema version 1.
-- Applied by PostgresStore::migrate() (or by hand: replace airisk with your schema name).
-- Every time is a Unix time in seconds (bigint); a row is dead once expires_at <= now
-- and is deleted by PostgresStore::delete_expired in bounded batches.
CREATE SCHEMA IF NOT EXISTS airisk;

-- Redeemed authorization codes: the 16-byte random id of each code.
CREATE TABLE IF NOT EXISTS airisk.redeemed_codes (
    id         bytea  PRIMARY KEY CHECK (octet_length(id) = 16),
    expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS redeemed_codes_expires_at ON airisk.redeemed_codes (expires_at);

-- Revoked tokens, by jti, until the token would have expired anyway.
CREATE TABLE IF NOT EXISTS airisk.revoked_tokens (
    jti        text   PRIMARY KEY CHECK (octet_length(jti) BETWEEN 1 AND 1024),
    expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS revoked_tokens_expires_at ON airisk.revoked_tokens (expires_at);

-- Grant revocation (issue 15): tokens of (client_id, userid) issued before not_before are
-- refused; userid '' is the client's generic grant. Kept until the longest-lived token
-- issued before it has expired.
CREATE TABLE IF NOT EXISTS airisk.grant_not_before (
    client_id  text   NOT NULL CHECK (octet_length(client_id) BETWEEN 1 AND 1024),
    userid     text   NOT NULL CHECK (octet_length(userid) <= 1024),
    not_before bigint NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (client_id, userid)
);
CREATE INDEX IF NOT EXISTS grant_not_before_expires_at ON airisk.grant_not_before (expires_at);

CREATE TABLE IF NOT EXISTS airisk.schema_version (
    version    integer     PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO airisk.schema_version (version) VALUES (1) ON CONFLICT DO NOTHING;
