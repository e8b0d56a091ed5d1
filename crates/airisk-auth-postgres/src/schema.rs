//! The schema (its migration) and the statements, for one configured schema name.

use postgres::{Client, Statement};

/// Migration 1, as shipped in `migrations/0001_store.sql` for the schema `airisk`.
pub const MIGRATION_0001: &str = include_str!("../migrations/0001_store.sql");

/// Migration 2 (refresh tokens), as shipped in `migrations/0002_refresh.sql`.
pub const MIGRATION_0002: &str = include_str!("../migrations/0002_refresh.sql");

/// The schema version this crate reads and writes.
pub const SCHEMA_VERSION: i32 = 2;

/// Every statement's text, with the schema name in it.
pub(crate) struct Sql {
    pub(crate) migration: String,
    pub(crate) version: String,
    redeem: String,
    revoke: String,
    is_revoked: String,
    set_grant: String,
    grant: String,
    is_refused: String,
    refresh_insert: String,
    refresh_use: String,
    refresh_peek: String,
    pub(crate) delete_expired: [String; 4],
}

impl Sql {
    /// `schema` is validated (lower-case identifier) before it gets here.
    pub(crate) fn for_schema(schema: &str) -> Sql {
        let t = |table: &str| format!("{schema}.{table}");
        let (codes, revoked, grants, refresh) = (
            t("redeemed_codes"),
            t("revoked_tokens"),
            t("grant_not_before"),
            t("refresh_tokens"),
        );
        let in_schema = |migration: &str| {
            migration.replace("airisk.", &format!("{schema}.")).replace(
                "SCHEMA IF NOT EXISTS airisk;",
                &format!("SCHEMA IF NOT EXISTS {schema};"),
            )
        };
        let delete = |table: &str| {
            format!(
                "DELETE FROM {table} WHERE ctid = ANY(ARRAY(\
                 SELECT ctid FROM {table} WHERE expires_at <= $1 LIMIT $2))"
            )
        };
        Sql {
            migration: in_schema(MIGRATION_0001) + &in_schema(MIGRATION_0002),
            version: format!("SELECT max(version) FROM {schema}.schema_version"),
            // A dead row (expired, not yet cleaned up) is taken over as a first use; a
            // live one is left alone and returns no row: a replay. Two concurrent
            // inserts of one id serialise on the row: the second sees the first's live row.
            redeem: format!(
                "INSERT INTO {codes} (id, expires_at) VALUES ($1, $2) \
                 ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at \
                 WHERE {codes}.expires_at <= $3 RETURNING 1"
            ),
            // A second revocation never shortens the first.
            revoke: format!(
                "INSERT INTO {revoked} (jti, expires_at) VALUES ($1, $2) \
                 ON CONFLICT (jti) DO UPDATE SET expires_at = \
                 GREATEST({revoked}.expires_at, EXCLUDED.expires_at)"
            ),
            is_revoked: format!("SELECT 1 FROM {revoked} WHERE jti = $1 AND expires_at > $2"),
            // The later not-before wins, and the row lives as long as the longest-lived need.
            set_grant: format!(
                "INSERT INTO {grants} (client_id, userid, not_before, expires_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (client_id, userid) DO UPDATE SET \
                 not_before = GREATEST({grants}.not_before, EXCLUDED.not_before), \
                 expires_at = GREATEST({grants}.expires_at, EXCLUDED.expires_at)"
            ),
            grant: format!(
                "SELECT not_before FROM {grants} \
                 WHERE client_id = $1 AND userid = $2 AND expires_at > $3"
            ),
            // The bearer check's one statement: the jti and its refresh family
            // ($1, a text[]), and the grant ($3, $4; $3 NULL for none) against
            // the issue time ($5, NULL when unknown: refused).
            is_refused: format!(
                "SELECT EXISTS (SELECT 1 FROM {revoked} WHERE jti = ANY($1) AND expires_at > $2) \
                 OR EXISTS (SELECT 1 FROM {grants} WHERE client_id = $3 AND userid = $4 \
                 AND expires_at > $2 AND ($5::bigint IS NULL OR $5::bigint <= not_before))"
            ),
            // A live row is never overwritten (no row back: the caller refuses).
            refresh_insert: format!(
                "INSERT INTO {refresh} (digest, record, uses, expires_at) VALUES ($1, $2, 0, $3) \
                 ON CONFLICT (digest) DO UPDATE SET record = EXCLUDED.record, uses = 0, \
                 expires_at = EXCLUDED.expires_at WHERE {refresh}.expires_at <= $4"
            ),
            // One statement, the row locked: of concurrent callers exactly one reads uses = 1.
            refresh_use: format!(
                "UPDATE {refresh} SET uses = uses + 1 WHERE digest = $1 AND expires_at > $2 \
                 RETURNING record, uses"
            ),
            refresh_peek: format!(
                "SELECT record, uses FROM {refresh} WHERE digest = $1 AND expires_at > $2"
            ),
            delete_expired: [
                delete(&codes),
                delete(&revoked),
                delete(&grants),
                delete(&refresh),
            ],
        }
    }
}

/// The hot statements, prepared once per connection.
pub(crate) struct Statements {
    pub(crate) redeem: Statement,
    pub(crate) revoke: Statement,
    pub(crate) is_revoked: Statement,
    pub(crate) set_grant: Statement,
    pub(crate) grant: Statement,
    pub(crate) is_refused: Statement,
    pub(crate) refresh_insert: Statement,
    pub(crate) refresh_use: Statement,
    pub(crate) refresh_peek: Statement,
}

impl Statements {
    pub(crate) fn prepare(client: &mut Client, sql: &Sql) -> Result<Statements, postgres::Error> {
        Ok(Statements {
            redeem: client.prepare(&sql.redeem)?,
            revoke: client.prepare(&sql.revoke)?,
            is_revoked: client.prepare(&sql.is_revoked)?,
            set_grant: client.prepare(&sql.set_grant)?,
            grant: client.prepare(&sql.grant)?,
            is_refused: client.prepare(&sql.is_refused)?,
            refresh_insert: client.prepare(&sql.refresh_insert)?,
            refresh_use: client.prepare(&sql.refresh_use)?,
            refresh_peek: client.prepare(&sql.refresh_peek)?,
        })
    }
}
