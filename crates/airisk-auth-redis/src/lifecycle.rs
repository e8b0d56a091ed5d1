//! The grant lifecycle on Redis: revoked grants, the bearer check's one
//! lookup, and refresh tokens. See the crate docs' table for the keys.

use crate::RedisStore;
use airisk_auth::refresh::{RefreshDigest, RefreshRecord, RefreshUse};
use airisk_auth::store::{Grant, Issued};
use airisk_auth::{Error, Result};
use redis::Value;

/// Records a grant's "not before" time, never moving it (or the key's
/// expiry) back; a key without expiry keeps none.
const REVOKE_GRANT_SCRIPT: &str = "local cur = tonumber(redis.call('GET', KEYS[1]) or '-1') \
    local nb = math.max(cur, tonumber(ARGV[1])) \
    local t = redis.call('TTL', KEYS[1]) \
    if t == -1 then redis.call('SET', KEYS[1], nb, 'KEEPTTL') return 1 end \
    redis.call('SET', KEYS[1], nb, 'EX', math.max(t, tonumber(ARGV[2]))) \
    return 1";

/// The bearer check's lookup in one round trip: any of the revoked-id keys
/// exists, or (when ARGV[1] is '1') the last key is a grant revoked at or
/// after the issue time ARGV[2] ('' when unknown: refused).
const IS_REFUSED_SCRIPT: &str = "local n = #KEYS \
    local g = ARGV[1] == '1' \
    local last = n \
    if g then last = n - 1 end \
    for i = 1, last do if redis.call('EXISTS', KEYS[i]) == 1 then return 1 end end \
    if g then \
      local nb = redis.call('GET', KEYS[n]) \
      if nb and (ARGV[2] == '' or tonumber(ARGV[2]) <= tonumber(nb)) then return 1 end \
    end \
    return 0";

/// Stores an unused refresh token with its record and expiry.
const REFRESH_INSERT_SCRIPT: &str = "redis.call('DEL', KEYS[1]) \
    redis.call('HSET', KEYS[1], 'rec', ARGV[1], 'used', 0) \
    redis.call('EXPIRE', KEYS[1], ARGV[2]) \
    return 1";

/// Consumes a refresh token atomically: its record and how many uses it has
/// now had (1: this caller was first), or nil for none.
const REFRESH_USE_SCRIPT: &str = "local r = redis.call('HGET', KEYS[1], 'rec') \
    if not r then return false end \
    return {r, redis.call('HINCRBY', KEYS[1], 'used', 1)}";

impl RedisStore {
    /// The key of a revoked grant: the client id's length makes it unambiguous.
    pub(crate) fn grant_key(&self, grant: &Grant<'_>) -> String {
        let client = grant.client_id;
        let user = grant
            .userid
            .map_or_else(|| "g".to_owned(), |u| format!("u:{u}"));
        format!(
            "{}grant:{}:{client}:{user}",
            self.config().code_prefix,
            client.len()
        )
    }

    /// The key of a refresh token (its digest in hex).
    pub(crate) fn refresh_key(&self, digest: &RefreshDigest) -> String {
        format!("{}refresh:{}", self.config().code_prefix, digest.to_hex())
    }

    pub(crate) fn revoke_grant_impl(
        &self,
        grant: &Grant<'_>,
        not_before: u64,
        until: u64,
        now: u64,
    ) -> Result<()> {
        let key = self.grant_key(grant);
        let ttl = self.seconds_until(until, now);
        let (reply, replicated) = self.pool.run(|con| {
            let reply = redis::cmd("EVAL")
                .arg(REVOKE_GRANT_SCRIPT)
                .arg(1)
                .arg(&key)
                .arg(not_before)
                .arg(ttl)
                .query::<Value>(con)?;
            Ok((reply, self.replicated(con)?))
        })?;
        match reply {
            Value::Int(1) if replicated => Ok(()),
            _ => Err(Error::LedgerUnavailable),
        }
    }

    pub(crate) fn is_refused_impl(&self, issued: &Issued<'_>, _now: u64) -> Result<bool> {
        let mut keys = Vec::with_capacity(3);
        if let Some(jti) = issued.jti {
            keys.push(self.revoked_key(jti));
            if let Some(family) = airisk_auth::refresh::family_of(jti) {
                keys.push(self.revoked_key(family));
            }
        }
        let grant = issued.grant.map(|g| self.grant_key(&g));
        if self.config().cluster {
            // Keys of different slots cannot meet in one script: one command each.
            return self.is_refused_key_by_key(&keys, grant.as_deref(), issued.issued_at);
        }
        let has_grant = grant.is_some();
        keys.extend(grant);
        if keys.is_empty() {
            return Ok(false);
        }
        let iat = issued.issued_at.map_or_else(String::new, |t| t.to_string());
        let reply = self.pool.run(|con| {
            redis::cmd("EVAL")
                .arg(IS_REFUSED_SCRIPT)
                .arg(keys.len())
                .arg(&keys)
                .arg(if has_grant { "1" } else { "0" })
                .arg(&iat)
                .query::<Value>(con)
        })?;
        match reply {
            Value::Int(0) => Ok(false),
            Value::Int(1) => Ok(true),
            _ => Err(Error::LedgerUnavailable),
        }
    }

    fn is_refused_key_by_key(
        &self,
        revoked: &[String],
        grant: Option<&str>,
        issued_at: Option<u64>,
    ) -> Result<bool> {
        for key in revoked {
            match self
                .pool
                .run(|con| redis::cmd("EXISTS").arg(key).query::<Value>(con))?
            {
                Value::Int(0) => {}
                Value::Int(1) => return Ok(true),
                _ => return Err(Error::LedgerUnavailable),
            }
        }
        let Some(grant) = grant else {
            return Ok(false);
        };
        match self
            .pool
            .run(|con| redis::cmd("GET").arg(grant).query::<Value>(con))?
        {
            Value::Nil => Ok(false),
            Value::BulkString(bytes) => {
                let not_before = core::str::from_utf8(&bytes)
                    .ok()
                    .and_then(|s| s.parse::<u64>().ok())
                    .ok_or(Error::LedgerUnavailable)?;
                Ok(issued_at.is_none_or(|iat| iat <= not_before))
            }
            _ => Err(Error::LedgerUnavailable),
        }
    }

    pub(crate) fn refresh_insert_impl(
        &self,
        digest: &RefreshDigest,
        record: &RefreshRecord,
        now: u64,
    ) -> Result<()> {
        let key = self.refresh_key(digest);
        let json = record.to_json()?;
        let ttl = self.seconds_until(record.expires_at, now);
        let (reply, replicated) = self.pool.run(|con| {
            let reply = redis::cmd("EVAL")
                .arg(REFRESH_INSERT_SCRIPT)
                .arg(1)
                .arg(&key)
                .arg(&json)
                .arg(ttl)
                .query::<Value>(con)?;
            Ok((reply, self.replicated(con)?))
        })?;
        match reply {
            Value::Int(1) if replicated => Ok(()),
            _ => Err(Error::LedgerUnavailable),
        }
    }

    pub(crate) fn refresh_use_impl(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        let key = self.refresh_key(digest);
        let (reply, replicated) = self.pool.run(|con| {
            let reply = redis::cmd("EVAL")
                .arg(REFRESH_USE_SCRIPT)
                .arg(1)
                .arg(&key)
                .query::<Value>(con)?;
            // A first use must be on the replicas before a new pair leaves.
            let replicated = reply == Value::Nil || self.replicated(con)?;
            Ok((reply, replicated))
        })?;
        if !replicated {
            return Err(Error::LedgerUnavailable);
        }
        match reply {
            Value::Nil => Ok(RefreshUse::Unknown),
            Value::Array(items) => match items.as_slice() {
                [Value::BulkString(rec), Value::Int(uses)] if *uses >= 1 => {
                    answer(rec, *uses == 1, now)
                }
                _ => Err(Error::LedgerUnavailable),
            },
            _ => Err(Error::LedgerUnavailable),
        }
    }

    pub(crate) fn refresh_peek_impl(&self, digest: &RefreshDigest, now: u64) -> Result<RefreshUse> {
        let key = self.refresh_key(digest);
        let reply = self.pool.run(|con| {
            redis::cmd("HMGET")
                .arg(&key)
                .arg("rec")
                .arg("used")
                .query::<Value>(con)
        })?;
        let Value::Array(items) = reply else {
            return Err(Error::LedgerUnavailable);
        };
        match items.as_slice() {
            [Value::Nil, Value::Nil] => Ok(RefreshUse::Unknown),
            [Value::BulkString(rec), Value::BulkString(used)] => {
                answer(rec, used.as_slice() == b"0", now)
            }
            _ => Err(Error::LedgerUnavailable),
        }
    }
}

/// The answer for a stored record: unknown once it expired (Redis may keep
/// it `extra_retention` longer), else first or replayed.
fn answer(rec: &[u8], first: bool, now: u64) -> Result<RefreshUse> {
    let json = core::str::from_utf8(rec).map_err(|_| Error::LedgerUnavailable)?;
    let record = RefreshRecord::from_json(json)?;
    Ok(if record.expires_at <= now {
        RefreshUse::Unknown
    } else if first {
        RefreshUse::First(record)
    } else {
        RefreshUse::Replayed(record)
    })
}
