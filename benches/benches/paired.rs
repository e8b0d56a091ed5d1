//! Paired ratios: `cargo bench -p airisk-auth-benches --bench paired`.
//!
//! On a machine whose cores other processes share, two criterion benches run
//! seconds apart can see very different loads, so the ratio of their medians
//! drifts. Here each goal's two contenders alternate in batches of about a
//! millisecond, many times over; each round gives one ratio, and the median
//! round is reported. Load changes slower than a round cancel out.

// A bench that cannot build its fixture has nothing to measure: stop loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use airisk_auth::code::CodeKey;
use airisk_auth::flow::Request;
use airisk_auth::store::{Grant, MemoryStore, Store};
use airisk_auth_benches::{
    authorize_query, bench_issuer, exchange_body, issue_code, selected_by_filter, write_extra,
    Fixture, CODE_SECRET, HS256_SECRET,
};
use common::{jsonwebtoken_validation, split, PeerClaims};
use ring::{hmac, signature};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

const ROUNDS: usize = 201;
const BATCH: Duration = Duration::from_millis(1);

/// Runs an operation `n` times and returns the time those runs took
/// (any per-run preparation happens before the clock starts).
type Timed<'a> = Box<dyn FnMut(u32) -> Duration + 'a>;

fn timed_loop<'a>(mut op: impl FnMut() + 'a) -> Timed<'a> {
    Box::new(move |n| {
        let start = Instant::now();
        for _ in 0..n {
            op();
        }
        start.elapsed()
    })
}

/// How many runs make one batch of about [`BATCH`].
fn calibrate(op: &mut Timed<'_>) -> u32 {
    op(3); // warm up
    let mut n = 1u32;
    loop {
        let t = op(n);
        if t >= BATCH / 4 || n >= 1 << 20 {
            let per_run = t.as_secs_f64() / f64::from(n);
            // The result is a small positive count: truncation is intended.
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::as_conversions
            )]
            return ((BATCH.as_secs_f64() / per_run) as u32).max(1);
        }
        n *= 2;
    }
}

/// The median over rounds of (time per run of `numerator`) / (time per run of `denominator`).
fn paired_ratio(numerator: &mut Timed<'_>, denominator: &mut Timed<'_>) -> f64 {
    let n_num = calibrate(numerator);
    let n_den = calibrate(denominator);
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            // Alternate which goes first, so neither always follows the other.
            let (t_num, t_den) = if round % 2 == 0 {
                let a = numerator(n_num);
                (a, denominator(n_den))
            } else {
                let b = denominator(n_den);
                (numerator(n_num), b)
            };
            (t_num.as_secs_f64() / f64::from(n_num)) / (t_den.as_secs_f64() / f64::from(n_den))
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ROUNDS / 2]
}

#[allow(clippy::too_many_lines)] // one measured sequence, read top to bottom
fn main() {
    if !selected_by_filter("paired", std::env::args()) {
        return;
    }
    let fx = Fixture::new().expect("fixture");
    let now = fx.verify_time();
    let user = fx.hs256_user_verifier();
    let generic = fx.hs256_verifier();
    let eddsa = fx.eddsa_verifier();
    let hs_key = hmac::Key::new(hmac::HMAC_SHA256, &HS256_SECRET);
    let (hs_input, hs_sig) = split(&fx.hs256_user).expect("token");
    let ed_public = signature::UnparsedPublicKey::new(&signature::ED25519, fx.ed25519_public);
    let (ed_input, ed_sig) = split(&fx.eddsa_generic).expect("token");
    let jwt_key = jsonwebtoken::DecodingKey::from_secret(&HS256_SECRET);
    let jwt_validation = jsonwebtoken_validation(jsonwebtoken::Algorithm::HS256);

    let floor = || {
        timed_loop(|| {
            black_box(hmac::verify(
                &hs_key,
                black_box(hs_input.as_bytes()),
                black_box(&hs_sig),
            ))
            .unwrap();
        })
    };
    let full_policy = || {
        timed_loop(|| {
            black_box(user.verify_at(black_box(&fx.hs256_user), now)).unwrap();
        })
    };
    let issuer = bench_issuer(fx.hs256_keys.clone()).expect("issuer");
    let query = authorize_query();
    let code_key = CodeKey::from_bytes(&CODE_SECRET).expect("code key");

    let mut results: BTreeMap<&str, f64> = BTreeMap::new();
    let mut record = |name: &'static str, ratio: f64| {
        println!("paired: {name:<40} {ratio:.2}");
        results.insert(name, ratio);
    };
    record(
        "hs256_full_policy_over_floor",
        paired_ratio(&mut full_policy(), &mut floor()),
    );
    record(
        "hs256_full_policy_borrowed_over_floor",
        paired_ratio(
            &mut timed_loop(|| {
                black_box(user.verify_with(black_box(&fx.hs256_user), now, |c| {
                    c.userid().map_or(0, str::len)
                }))
                .unwrap();
            }),
            &mut floor(),
        ),
    );
    record(
        "hs256_generic_over_floor",
        paired_ratio(
            &mut timed_loop(|| {
                black_box(generic.verify_at(black_box(&fx.hs256_generic), now)).unwrap();
            }),
            &mut floor(),
        ),
    );
    record(
        "jsonwebtoken_over_hs256_full_policy",
        paired_ratio(
            &mut timed_loop(|| {
                black_box(jsonwebtoken::decode::<PeerClaims>(
                    black_box(&fx.hs256_user),
                    &jwt_key,
                    &jwt_validation,
                ))
                .unwrap();
            }),
            &mut full_policy(),
        ),
    );
    record(
        "eddsa_over_ring_ed25519",
        paired_ratio(
            &mut timed_loop(|| {
                black_box(eddsa.verify_at(black_box(&fx.eddsa_generic), now)).unwrap();
            }),
            &mut timed_loop(|| {
                black_box(ed_public.verify(black_box(ed_input.as_bytes()), black_box(&ed_sig)))
                    .unwrap();
            }),
        ),
    );
    record(
        "authorize_over_hs256_full_policy",
        paired_ratio(
            &mut timed_loop(|| {
                assert_eq!(issuer.authorize_at(black_box(&query), fx.now).status, 302);
            }),
            &mut full_policy(),
        ),
    );
    // Each exchange needs a new code: made before the clock starts. The issuer
    // (and its ledger) is shared by all rounds: a few hundred thousand codes at most.
    let mut exchange: Timed<'_> = Box::new(|n| {
        let bodies: Vec<String> = (0..n)
            .map(|_| exchange_body(&issue_code(&code_key, fx.now).expect("code")))
            .collect();
        let form = Some("application/x-www-form-urlencoded");
        let start = Instant::now();
        for body in &bodies {
            let answer =
                issuer.exchange_at(&Request::new(form, black_box(body.as_bytes())), fx.now + 1);
            assert_eq!(answer.status, 200, "{:?}", answer.reason);
        }
        start.elapsed()
    });
    record(
        "exchange_over_hs256_full_policy",
        paired_ratio(&mut exchange, &mut full_policy()),
    );
    // The bearer check's one store call (revoked jti + revoked grant) with an
    // in-memory store holding 10,000 revoked tokens and 10,000 revoked grants
    // (of other users of the same client, so the token's lookup walks the
    // grant map and is accepted), against the same verify without a store.
    let store = Arc::new(MemoryStore::default());
    for i in 0..10_000 {
        let userid = format!("user_{i}_other");
        let grant = Grant::new("abc123", Some(&userid));
        store
            .revoke(&format!("jti-{i}"), now + 3600, now)
            .expect("revoke");
        store
            .revoke_grant(&grant, now, now + 3600, now)
            .expect("revoke grant");
    }
    let with_store = fx.hs256_user_verifier().with_store(store);
    record(
        "hs256_full_policy_with_store_over_without",
        paired_ratio(
            &mut timed_loop(|| {
                black_box(with_store.verify_at(black_box(&fx.hs256_user), now)).unwrap();
            }),
            &mut full_policy(),
        ),
    );
    let path = write_extra("paired", &results).expect("write result");
    println!("written: {}", path.display());
}
