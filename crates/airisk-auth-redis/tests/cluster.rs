//! Redis Cluster: a local 3-primary / 3-replica cluster started by
//! `scripts/redis.sh start-cluster`. Keys land on every primary (so the store
//! follows the slot map and its redirections), every write is confirmed by a
//! replica (`WAIT 1`), and a wait that cannot be met fails closed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use airisk_auth::code::CodeId;
use airisk_auth::store::{Redemption, Store};
use airisk_auth::Error;
use airisk_auth_redis::RedisStore;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{cluster_config, cluster_urls, exchange_fresh_code, issuer, namespaced, unique};

/// The number of keys under `prefix` held by each node that holds any.
fn keys_per_node(urls: &[String], prefix: &str) -> Vec<usize> {
    urls.iter()
        .map(|url| {
            let mut con = redis::Client::open(url.as_str())
                .unwrap()
                .get_connection()
                .unwrap();
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{prefix}*"))
                .query(&mut con)
                .unwrap();
            keys.len()
        })
        .filter(|&n| n > 0)
        .collect()
}

#[test]
fn codes_spread_over_every_primary_and_each_is_redeemed_once() {
    let Some(urls) = cluster_urls("codes_spread_over_every_primary") else {
        return;
    };
    let ns = unique("cluster-spread");
    let config = cluster_config(&urls[..1]).with_prefixes(&format!("{ns}c:"), &format!("{ns}r:"));
    // Seeded with one node only: the others are learnt from the slot map.
    let store = RedisStore::new(config).unwrap();
    for i in 0..60u8 {
        assert_eq!(
            store.redeem(&CodeId([i; 16]), 2_000_000_000, 1_000_000_000),
            Ok(Redemption::First)
        );
        assert_eq!(
            store.redeem(&CodeId([i; 16]), 2_000_000_000, 1_000_000_000),
            Ok(Redemption::Replayed)
        );
    }
    // Three primaries hold them, and WAIT 1 put a copy on each one's replica.
    let held = keys_per_node(&urls, &format!("{ns}c:"));
    assert_eq!(held.len(), 6, "keys per node: {held:?}");
    assert_eq!(held.iter().sum::<usize>(), 120, "keys per node: {held:?}");
    store.revoke("jti-x", 2_000_000_000, 1_000_000_000).unwrap();
    assert_eq!(store.is_revoked("jti-x", 1_000_000_000), Ok(true));
}

#[test]
fn an_issuer_on_the_cluster_works() {
    let Some(urls) = cluster_urls("an_issuer_on_the_cluster_works") else {
        return;
    };
    let store =
        Arc::new(RedisStore::new(namespaced(cluster_config(&urls), "cluster-issuer")).unwrap());
    let issuer = issuer(store);
    for _ in 0..5 {
        let answer = exchange_fresh_code(&issuer);
        assert_eq!(answer.status, 200, "{answer:?}");
    }
}

#[test]
fn a_write_the_replicas_cannot_confirm_fails_closed() {
    let Some(urls) = cluster_urls("a_write_the_replicas_cannot_confirm_fails_closed") else {
        return;
    };
    // Each primary has one replica: two can never confirm.
    let config = namespaced(cluster_config(&urls), "cluster-wait-2")
        .with_wait(2, Duration::from_millis(100));
    let store = Arc::new(RedisStore::new(config).unwrap());
    let start = Instant::now();
    assert_eq!(
        store.redeem(&CodeId([9; 16]), 2_000_000_000, 1_000_000_000),
        Err(Error::LedgerUnavailable)
    );
    assert!(
        start.elapsed() >= Duration::from_millis(100),
        "WAIT gave up early"
    );
    assert_eq!(
        store.revoke("jti", 2_000_000_000, 1_000_000_000),
        Err(Error::LedgerUnavailable)
    );
    let answer = exchange_fresh_code(&issuer(store));
    assert_eq!(answer.status, 503, "{answer:?}");
}
