//! Token exchanges per second with the in-memory ledger and with the Redis ledger.
//!
//! `scripts/test-redis.sh --bench` starts a throwaway Redis and runs this; by hand:
//! `AIRISK_REDIS_URL=redis://127.0.0.1:PORT/0 cargo bench -p airisk-auth-redis`.
//! Without `AIRISK_REDIS_URL` only the in-memory ledger is measured.
//!
//! Each iteration is one complete `POST /api/oauth2/Token` (parse, client
//! check, code check, redemption, minting an HS256 token, the JSON answer) on
//! a code issued beforehand, outside the measured time.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use airisk_auth::prelude::*;
use airisk_auth::store::{MemoryStore, Store};
use airisk_auth_redis::{RedisConfig, RedisStore};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const REDIRECT: &str = "https%3A%2F%2Flocalhost%2Fcallback";

fn issuer(store: Arc<dyn Store>) -> Issuer {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(Client::new("abc123", "s3cret", "https://localhost/callback").unwrap())
        .unwrap();
    registry
        .add_user(User::new("user_42", None).unwrap())
        .unwrap();
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k1"), &[7; 32]).unwrap()).unwrap());
    Issuer::new(
        IssuerConfig::new("https://airisk.example"),
        keys,
        CodeKey::generate().unwrap(),
        Arc::new(registry),
        store,
    )
    .unwrap()
}

/// A token request body for a fresh code.
fn request(issuer: &Issuer, now: u64) -> String {
    let answer = issuer.authorize_at(
        &format!("client_id=abc123&redirect_uri={REDIRECT}&userid=user_42"),
        now,
    );
    let location = answer.header("Location").unwrap();
    let code = location.split("code=").nth(1).unwrap();
    format!(
        "client_id=abc123&client_secret=s3cret&redirect_uri={REDIRECT}&code={code}&userid=user_42"
    )
}

fn bench_exchange(c: &mut Criterion, name: &str, issuer: &Issuer) {
    let mut group = c.benchmark_group("exchange");
    group.throughput(Throughput::Elements(1));
    group.bench_function(name, |b| {
        b.iter_batched(
            || {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap()
                    .as_secs();
                (request(issuer, now), now)
            },
            |(body, now)| {
                let answer = issuer.exchange_at(
                    &Request::new(Some("application/x-www-form-urlencoded"), body.as_bytes()),
                    now,
                );
                assert_eq!(answer.status, 200, "{answer:?}");
                answer
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

fn exchanges(c: &mut Criterion) {
    // Large enough never to fill during a run (codes live 60 s).
    let memory = Arc::new(MemoryStore::new(50_000_000));
    bench_exchange(c, "memory-ledger", &issuer(memory));

    match std::env::var("AIRISK_REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let config = RedisConfig::new(&url).with_prefixes(
                &format!("airisk-bench:{nanos}:c:"),
                &format!("airisk-bench:{nanos}:r:"),
            );
            let redis = Arc::new(RedisStore::new(config).unwrap());
            redis.ping().expect("Redis at AIRISK_REDIS_URL answers");
            bench_exchange(c, "redis-ledger", &issuer(redis));
        }
        _ => eprintln!(
            "exchange/redis-ledger SKIPPED: AIRISK_REDIS_URL is not set (scripts/test-redis.sh --bench sets it)"
        ),
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = exchanges
}
criterion_main!(benches);
