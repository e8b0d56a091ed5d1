//! TLS against a real `redis-server --tls-port` that requires client
//! certificates, with certificates `scripts/redis.sh start-tls` generated:
//! the right CA and client certificate work; every other way in fails closed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use airisk_auth::code::CodeId;
use airisk_auth::store::{Redemption, Store};
use airisk_auth::Error;
use airisk_auth_redis::{RedisConfig, RedisStore, TlsFiles};
use std::sync::Arc;
use support::{exchange_fresh_code, issuer, namespaced, tls_server};

fn store(config: RedisConfig, test: &str) -> Arc<RedisStore> {
    Arc::new(RedisStore::new(namespaced(config, test)).unwrap())
}

/// Every call of `store` fails closed, and an exchange on it answers 503.
fn refused(store: &Arc<RedisStore>, why: &str) {
    assert_eq!(store.ping(), Err(Error::LedgerUnavailable), "{why}");
    assert_eq!(
        store.redeem(&CodeId([3; 16]), u64::MAX / 4, 0),
        Err(Error::LedgerUnavailable),
        "{why}"
    );
    assert_eq!(
        store.is_revoked("jti", 0),
        Err(Error::LedgerUnavailable),
        "{why}"
    );
    let answer = exchange_fresh_code(&issuer(store.clone()));
    assert_eq!(answer.status, 503, "{why}: {answer:?}");
}

#[test]
fn mutual_tls_with_the_right_ca_works() {
    let Some(server) = tls_server("mutual_tls_with_the_right_ca_works") else {
        return;
    };
    let store = store(server.config(), "tls-ok");
    store.ping().unwrap();
    assert_eq!(
        store.redeem(&CodeId([1; 16]), 2_000_000_000, 1_000_000_000),
        Ok(Redemption::First)
    );
    assert_eq!(
        store.redeem(&CodeId([1; 16]), 2_000_000_000, 1_000_000_000),
        Ok(Redemption::Replayed)
    );
    let answer = exchange_fresh_code(&issuer(store));
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[test]
fn a_server_certificate_from_another_ca_is_refused() {
    let Some(server) = tls_server("a_server_certificate_from_another_ca_is_refused") else {
        return;
    };
    let mut config = server.config();
    config.tls.ca_file = Some(server.dir.join("other-ca.crt"));
    refused(&store(config, "tls-wrong-ca"), "wrong CA");
}

#[test]
fn the_system_roots_do_not_trust_a_private_ca() {
    let Some(server) = tls_server("the_system_roots_do_not_trust_a_private_ca") else {
        return;
    };
    let mut config = server.config();
    config.tls.ca_file = None;
    refused(&store(config, "tls-system-roots"), "system roots");
}

#[test]
fn a_server_certificate_for_another_name_is_refused() {
    let Some(server) = tls_server("a_server_certificate_for_another_name_is_refused") else {
        return;
    };
    // The certificate names IP 127.0.0.1 only; `localhost` reaches the same server.
    let mut config = server.config();
    config.url = format!("rediss://localhost:{}/0", server.port);
    refused(&store(config, "tls-wrong-name"), "wrong server name");
}

#[test]
fn without_a_client_certificate_the_server_refuses() {
    let Some(server) = tls_server("without_a_client_certificate_the_server_refuses") else {
        return;
    };
    let config = server
        .config()
        .with_tls(TlsFiles::default().with_ca_file(server.dir.join("ca.crt")));
    refused(
        &store(config, "tls-no-client-cert"),
        "no client certificate",
    );
}

#[test]
fn plain_tcp_to_the_tls_port_is_refused() {
    let Some(server) = tls_server("plain_tcp_to_the_tls_port_is_refused") else {
        return;
    };
    let config = RedisConfig::new(&format!("redis://127.0.0.1:{}/0", server.port));
    refused(&store(config, "tls-plain"), "plain TCP to a TLS port");
}

#[test]
fn tls_to_a_plain_port_is_refused() {
    let Some(server) = tls_server("tls_to_a_plain_port_is_refused") else {
        return;
    };
    let Some(url) = support::env_or_skip("AIRISK_REDIS_URL", "tls_to_a_plain_port_is_refused")
    else {
        return;
    };
    let mut config = server.config();
    config.url = url.replacen("redis://", "rediss://", 1);
    // The plain server waits for the end of a command line that never comes: each
    // attempt ends by the connect timeout.
    config.connect_timeout = std::time::Duration::from_secs(1);
    refused(&store(config, "tls-to-plain"), "TLS to a plain port");
}

#[test]
fn revocations_travel_over_tls() {
    let Some(server) = tls_server("revocations_travel_over_tls") else {
        return;
    };
    let store = store(server.config(), "tls-revoke");
    store.revoke("jti-1", 2_000_000_000, 1_000_000_000).unwrap();
    assert_eq!(store.is_revoked("jti-1", 1_000_000_000), Ok(true));
    assert_eq!(store.is_revoked("jti-2", 1_000_000_000), Ok(false));
}
