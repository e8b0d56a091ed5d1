//! Throughput of complete token exchanges on a store, for the store benches.

use crate::StoreUnderTest;
use airisk_auth::prelude::*;
use std::sync::{Arc, Barrier};

/// Complete token exchanges per second through an issuer on `store`, with
/// `callers` threads sharing it, `per_caller` exchanges each: for the store
/// benches (`scripts/bench-stores.sh`). Codes are issued before the clock
/// starts; each exchange is a full `POST /api/oauth2/Token` (parse, client and
/// code checks, the store's redemption, an HS256 token, the JSON answer).
///
/// # Panics
/// When an exchange does not answer 200.
#[must_use]
pub fn exchanges_per_second<S: StoreUnderTest + 'static>(
    store: &Arc<S>,
    callers: usize,
    per_caller: usize,
) -> f64 {
    let mut registry = MemoryRegistry::new();
    registry
        .add_client(Client::new("abc123", "s3cret", "https://localhost/callback").unwrap())
        .unwrap();
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k1"), &[7; 32]).unwrap()).unwrap());
    let issuer = Arc::new(
        Issuer::new(
            IssuerConfig::new("https://airisk.example"),
            keys,
            CodeKey::generate().unwrap(),
            Arc::new(registry),
            store.clone(),
        )
        .unwrap(),
    );
    let bodies: Vec<Vec<String>> = (0..callers)
        .map(|_| {
            (0..per_caller)
                .map(|_| {
                    let answer = issuer.authorize(
                        "client_id=abc123&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback",
                    );
                    let location = answer.header("Location").unwrap();
                    let code = location
                        .split("code=")
                        .nth(1)
                        .unwrap()
                        .split('&')
                        .next()
                        .unwrap();
                    format!(
                        "grant_type=authorization_code&client_id=abc123&client_secret=s3cret\
                         &redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&code={code}"
                    )
                })
                .collect()
        })
        .collect();
    let barrier = Arc::new(Barrier::new(callers + 1));
    let threads: Vec<_> = bodies
        .into_iter()
        .map(|bodies| {
            let (issuer, barrier) = (issuer.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                for body in bodies {
                    let answer = issuer.exchange(&Request::new(
                        Some("application/x-www-form-urlencoded"),
                        body.as_bytes(),
                    ));
                    assert_eq!(answer.status, 200, "{answer:?}");
                }
            })
        })
        .collect();
    barrier.wait();
    let start = std::time::Instant::now();
    for thread in threads {
        thread.join().unwrap();
    }
    let seconds = start.elapsed().as_secs_f64();
    let total = u32::try_from(callers * per_caller).map_or(f64::from(u32::MAX), f64::from);
    total / seconds
}
