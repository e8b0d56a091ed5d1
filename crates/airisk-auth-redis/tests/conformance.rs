//! The store-conformance suite (`airisk-auth-store-tests`) against a plain
//! Redis, a Redis over TLS (mutual) and a Redis Cluster with `WAIT 1`, each
//! started by `scripts/test-redis.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use airisk_auth_redis::{RedisConfig, RedisStore};
use std::sync::Arc;
use support::{cluster_config, cluster_urls, env_or_skip, namespaced, tls_server};

fn run(name: &str, config: &RedisConfig) {
    airisk_auth_store_tests::run_all(name, &|| {
        Arc::new(RedisStore::new(namespaced(config.clone(), name)).unwrap())
    });
}

#[test]
fn plain_redis_keeps_the_store_contract() {
    let Some(url) = env_or_skip("AIRISK_REDIS_URL", "plain_redis_keeps_the_store_contract") else {
        return;
    };
    run("redis", &RedisConfig::new(&url));
}

#[test]
fn redis_over_tls_keeps_the_store_contract() {
    let Some(server) = tls_server("redis_over_tls_keeps_the_store_contract") else {
        return;
    };
    run("redis-tls", &server.config());
}

#[test]
fn redis_cluster_keeps_the_store_contract() {
    let Some(urls) = cluster_urls("redis_cluster_keeps_the_store_contract") else {
        return;
    };
    let config = cluster_config(&urls);
    assert_eq!(
        config.wait_replicas, 1,
        "the cluster default waits for a replica"
    );
    run("redis-cluster", &config);
}
