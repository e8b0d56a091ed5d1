//! The flow steps and the ledger: `cargo bench -p airisk-auth-benches --bench flow`.

// criterion_group! makes an undocumented public function.
#![allow(missing_docs)]
// A bench that cannot build its fixture has nothing to measure: stop loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use airisk_auth::code::{CodeId, CodeKey};
use airisk_auth::flow::Request;
use airisk_auth::store::{MemoryStore, Redemption, Store};
use airisk_auth_benches::{
    authorize_query, bench_issuer, exchange_body, issue_code, measurement_time, Fixture,
    CODE_SECRET,
};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::{Duration, Instant};

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
const LEDGER_CHUNK: u64 = 500_000;

/// A distinct code id per counter value.
fn code_id(n: u64) -> CodeId {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&n.to_le_bytes());
    id[8..].copy_from_slice(&n.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
    CodeId(id)
}

fn bench_flow(c: &mut Criterion) {
    let fx = Fixture::new().expect("fixture");
    let now = fx.now;
    let mut g = c.benchmark_group("flow");
    g.measurement_time(measurement_time()).sample_size(30);

    // New codes into fresh ledgers, so the map's growth is part of the
    // (amortized) cost, as in a service. A ledger takes at most LEDGER_CHUNK
    // codes: past its capacity (1,000,000) every redeem would sweep the whole
    // map looking for expired codes, and this bench would measure that instead.
    g.bench_function("ledger_redeem", |b| {
        b.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            let mut done = 0;
            while done < iters {
                let chunk = (iters - done).min(LEDGER_CHUNK);
                let ledger = MemoryStore::default();
                let ids: Vec<CodeId> = (done..done + chunk).map(code_id).collect();
                let start = Instant::now();
                for id in &ids {
                    black_box(ledger.redeem(black_box(id), now + 60, now)).ok();
                }
                elapsed += start.elapsed();
                assert_eq!(
                    ledger.redeem(&ids[0], now + 60, now),
                    Ok(Redemption::Replayed)
                );
                assert_eq!(ledger.outstanding_codes(), ids.len());
                done += chunk;
            }
            elapsed
        });
    });

    let issuer = bench_issuer(fx.hs256_keys.clone()).expect("issuer");
    let query = authorize_query();
    assert_eq!(issuer.authorize_at(&query, now).status, 302);
    g.bench_function("authorize", |b| {
        b.iter(|| issuer.authorize_at(black_box(&query), now));
    });

    // Every exchange needs a new code: issue them untimed, then time the
    // exchanges. A fresh issuer (and ledger) per chunk keeps its ledger below capacity.
    let code_key = CodeKey::from_bytes(&CODE_SECRET).expect("code key");
    g.bench_function("exchange", |b| {
        b.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            let mut done = 0;
            while done < iters {
                let chunk = (iters - done).min(LEDGER_CHUNK);
                let issuer = bench_issuer(fx.hs256_keys.clone()).expect("issuer");
                let bodies: Vec<String> = (0..chunk)
                    .map(|_| exchange_body(&issue_code(&code_key, now).expect("code")))
                    .collect();
                let mut refused = 0u64;
                let start = Instant::now();
                for body in &bodies {
                    let answer = issuer
                        .exchange_at(&Request::new(FORM, black_box(body.as_bytes())), now + 1);
                    refused += u64::from(answer.status != 200);
                    black_box(answer);
                }
                elapsed += start.elapsed();
                assert_eq!(refused, 0, "every exchange must succeed");
                done += chunk;
            }
            elapsed
        });
    });

    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(700));
    targets = bench_flow
}
criterion_main!(benches);
