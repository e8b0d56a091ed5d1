//! Single use under contention: each of many codes is redeemed by two threads
//! at once, through the whole token exchange; exactly one wins per code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use airisk_auth::prelude::*;
use airisk_auth::store::MemoryStore;
use std::sync::{Arc, Barrier};

const CODES: usize = 2_000;
const NOW: u64 = 1_800_000_000;

#[test]
fn each_code_is_redeemed_exactly_once_across_two_threads() {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(Client::new("abc123", "s3cret", "https://localhost/callback").unwrap())
        .unwrap();
    let keys = Arc::new(KeySet::single(Key::generate_hs256("k").unwrap()).unwrap());
    let issuer = Arc::new(
        Issuer::new(
            IssuerConfig::new("https://airisk.example"),
            keys,
            CodeKey::generate().unwrap(),
            Arc::new(registry),
            Arc::new(MemoryStore::default()),
        )
        .unwrap(),
    );
    let codes: Arc<Vec<String>> = Arc::new(
        (0..CODES)
            .map(|_| {
                let r = issuer.authorize_at(
                    "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback",
                    NOW,
                );
                assert_eq!(r.status, 302);
                let location = r.header("Location").unwrap();
                location.split("code=").nth(1).unwrap().to_owned()
            })
            .collect(),
    );
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let (issuer, codes, barrier) = (issuer.clone(), codes.clone(), barrier.clone());
            std::thread::spawn(move || {
                codes
                    .iter()
                    .map(|code| {
                        barrier.wait();
                        let body = format!("client_id=abc123&client_secret=s3cret&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}");
                        let r = issuer.exchange_at(&Request::new(Some("application/x-www-form-urlencoded"), body.as_bytes()), NOW + 1);
                        match r.status {
                            200 => true,
                            400 => {
                                assert_eq!(r.reason, Some(Error::CodeAlreadyRedeemed));
                                false
                            }
                            other => panic!("unexpected status {other}: {r:?}"),
                        }
                    })
                    .collect::<Vec<bool>>()
            })
        })
        .collect();
    let results: Vec<Vec<bool>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    for (i, (first, second)) in results[0].iter().zip(&results[1]).enumerate() {
        assert!(
            first ^ second,
            "code {i}: first thread {first}, second thread {second}"
        );
    }
    let wins = results[0].iter().filter(|w| **w).count();
    // Both threads won some races: the test really raced (not one thread always first).
    assert!(
        wins > 0 && wins < CODES,
        "first thread won {wins} of {CODES}"
    );
}

/// Issue 20.7: 32 threads replay every code at once. Exactly one exchange per
/// code succeeds, every other one is `CodeAlreadyRedeemed`, and the token the
/// winner got is revoked by the replays.
#[test]
fn each_code_is_redeemed_exactly_once_across_32_threads_and_its_token_revoked() {
    const THREADS: usize = 32;
    const RACED: usize = 100;
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(Client::new("abc123", "s3cret", "https://localhost/callback").unwrap())
        .unwrap();
    let keys = Arc::new(KeySet::single(Key::generate_hs256("k").unwrap()).unwrap());
    let issuer = Arc::new(
        Issuer::new(
            IssuerConfig::new("https://airisk.example"),
            keys,
            CodeKey::generate().unwrap(),
            Arc::new(registry),
            Arc::new(MemoryStore::default()),
        )
        .unwrap(),
    );
    let codes: Arc<Vec<String>> = Arc::new(
        (0..RACED)
            .map(|_| {
                let r = issuer.authorize_at(
                    "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback",
                    NOW,
                );
                let location = r.header("Location").unwrap();
                location.split("code=").nth(1).unwrap().to_owned()
            })
            .collect(),
    );
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (issuer, codes, barrier) = (issuer.clone(), codes.clone(), barrier.clone());
            std::thread::spawn(move || {
                codes
                    .iter()
                    .map(|code| {
                        barrier.wait();
                        let body = format!("client_id=abc123&client_secret=s3cret&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}");
                        let r = issuer.exchange_at(&Request::new(Some("application/x-www-form-urlencoded"), body.as_bytes()), NOW + 1);
                        match r.status {
                            200 => {
                                let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
                                Some(body["access_token"].as_str().unwrap().to_owned())
                            }
                            400 => {
                                assert_eq!(r.reason, Some(Error::CodeAlreadyRedeemed));
                                None
                            }
                            other => panic!("unexpected status {other}: {r:?}"),
                        }
                    })
                    .collect::<Vec<Option<String>>>()
            })
        })
        .collect();
    let results: Vec<Vec<Option<String>>> =
        handles.into_iter().map(|h| h.join().unwrap()).collect();
    let verifier = issuer.verifier();
    let mut winners = std::collections::HashSet::new();
    for i in 0..RACED {
        let won: Vec<(usize, &String)> = results
            .iter()
            .enumerate()
            .filter_map(|(t, r)| r[i].as_ref().map(|token| (t, token)))
            .collect();
        assert_eq!(won.len(), 1, "code {i}: {} winners", won.len());
        winners.insert(won[0].0);
        assert_eq!(
            verifier.verify_at(won[0].1, NOW + 2).err(),
            Some(Error::TokenRevoked),
            "code {i}: the winner's token survived {} replays",
            THREADS - 1
        );
    }
    // More than one thread won some race: the threads really raced.
    assert!(winners.len() > 1, "one thread won every race: {winners:?}");
}
