//! The grant lifecycle on PostgreSQL: revoked grants, the bearer check's one
//! statement, and refresh tokens. See the crate docs' table.

use crate::{db_time, PostgresStore};
use airisk_auth::refresh::{family_of, RefreshDigest, RefreshRecord, RefreshUse};
use airisk_auth::store::{Grant, Issued};
use airisk_auth::{Error, Result};
use postgres::Row;

impl PostgresStore {
    pub(crate) fn revoke_grant_impl(
        &self,
        grant: &Grant<'_>,
        not_before: u64,
        until: u64,
    ) -> Result<()> {
        let (client_id, userid) = (grant.client_id, grant.userid.unwrap_or(""));
        let (not_before, expires) = (db_time(not_before), self.expiry(until));
        self.pool.run(|con| {
            con.client
                .execute(
                    &con.statements.set_grant,
                    &[&client_id, &userid, &not_before, &expires],
                )
                .map(drop)
        })
    }

    pub(crate) fn is_refused_impl(&self, issued: &Issued<'_>, now: u64) -> Result<bool> {
        let mut jtis: Vec<&str> = Vec::with_capacity(2);
        if let Some(jti) = issued.jti {
            jtis.push(jti);
            jtis.extend(family_of(jti));
        }
        let client_id: Option<&str> = issued.grant.map(|g| g.client_id);
        let userid: &str = issued.grant.and_then(|g| g.userid).unwrap_or("");
        let issued_at: Option<i64> = issued.issued_at.map(db_time);
        let now = db_time(now);
        let row = self.pool.run(|con| {
            con.client.query_one(
                &con.statements.is_refused,
                &[&jtis, &now, &client_id, &userid, &issued_at],
            )
        })?;
        row.try_get::<_, bool>(0)
            .map_err(|_| Error::LedgerUnavailable)
    }

    pub(crate) fn refresh_insert_impl(
        &self,
        digest: &RefreshDigest,
        record: &RefreshRecord,
        now: u64,
    ) -> Result<()> {
        let key: &[u8] = &digest.0;
        let json = record.to_json()?;
        let (expires, now) = (self.expiry(record.expires_at), db_time(now));
        let inserted = self.pool.run(|con| {
            con.client.execute(
                &con.statements.refresh_insert,
                &[&key, &json, &expires, &now],
            )
        })?;
        // 0: a live token with this digest exists (2^-256): never overwrite it.
        if inserted == 1 {
            Ok(())
        } else {
            Err(Error::LedgerUnavailable)
        }
    }

    pub(crate) fn refresh_use_impl(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        let key: &[u8] = &digest.0;
        let db_now = db_time(now);
        let row = self.pool.run(|con| {
            con.client
                .query_opt(&con.statements.refresh_use, &[&key, &db_now])
        })?;
        answer(row.as_ref(), now)
    }

    pub(crate) fn refresh_peek_impl(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        let key: &[u8] = &digest.0;
        let db_now = db_time(now);
        let row = self.pool.run(|con| {
            con.client
                .query_opt(&con.statements.refresh_peek, &[&key, &db_now])
        })?;
        // Peeking reads the uses so far: 0 means a use would be the first.
        match row {
            None => Ok(RefreshUse::Unknown),
            Some(row) => {
                let uses: i32 = row.try_get(1).map_err(|_| Error::LedgerUnavailable)?;
                decode(&row, uses == 0, now)
            }
        }
    }
}

/// The answer of a use: no row is unknown; `uses` 1 is the first use.
fn answer(row: Option<&Row>, now: u64) -> Result<RefreshUse> {
    let Some(row) = row else {
        return Ok(RefreshUse::Unknown);
    };
    let uses: i32 = row.try_get(1).map_err(|_| Error::LedgerUnavailable)?;
    if uses < 1 {
        return Err(Error::LedgerUnavailable);
    }
    decode(row, uses == 1, now)
}

/// The record of a row: unknown once it expired (the row may be kept
/// `extra_retention` longer), else first or replayed.
fn decode(row: &Row, first: bool, now: u64) -> Result<RefreshUse> {
    let json: &str = row.try_get(0).map_err(|_| Error::LedgerUnavailable)?;
    let record = RefreshRecord::from_json(json)?;
    Ok(if record.expires_at <= now {
        RefreshUse::Unknown
    } else if first {
        RefreshUse::First(record)
    } else {
        RefreshUse::Replayed(record)
    })
}
