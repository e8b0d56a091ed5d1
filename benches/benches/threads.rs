//! Two threads verifying on one shared `Verifier` against one thread:
//! `cargo bench -p airisk-auth-benches --bench threads`.
//!
//! Each thread verifies a fixed number of tokens; the wall time of the pair is
//! compared with one thread doing its share alone. Printed, never asserted: on
//! a machine whose cores other processes use, the ratio says as much about
//! them as about us. So the same measure is taken of ring's bare HMAC, which
//! shares nothing between threads: its ratio is what the machine allows.

// A bench that cannot build its fixture has nothing to measure: stop loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use airisk_auth_benches::{selected_by_filter, write_extra, Fixture, HS256_SECRET};
use ring::hmac;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

const ITERATIONS: u32 = 200_000;
const ROUNDS: usize = 5;

fn run_many(op: &(impl Fn() + Sync)) -> Duration {
    let start = Instant::now();
    for _ in 0..ITERATIONS {
        op();
    }
    start.elapsed()
}

/// Seconds for one thread's `ITERATIONS`, and the wall seconds for two threads
/// doing `ITERATIONS` each: medians of the rounds.
fn scaling(op: &(impl Fn() + Sync)) -> (f64, f64) {
    run_many(op); // warm up
    let mut one = Vec::with_capacity(ROUNDS);
    let mut two = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        one.push(run_many(op));
        let barrier = Barrier::new(2);
        let wall = std::thread::scope(|s| {
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        let start = Instant::now();
                        run_many(op);
                        start
                    })
                })
                .collect();
            let starts: Vec<Instant> = workers.into_iter().map(|w| w.join().unwrap()).collect();
            starts.iter().min().copied().unwrap().elapsed()
        });
        two.push(wall);
    }
    one.sort();
    two.sort();
    (one[ROUNDS / 2].as_secs_f64(), two[ROUNDS / 2].as_secs_f64())
}

fn main() {
    if !selected_by_filter("threads", std::env::args()) {
        return;
    }
    let fx = Fixture::new().expect("fixture");
    let now = fx.verify_time();
    let verifier = fx.hs256_user_verifier();
    let token = fx.hs256_user.as_str();
    let n = f64::from(ITERATIONS);
    let (one, two) = scaling(&|| {
        black_box(verifier.verify_at(black_box(token), now)).expect("valid token");
    });
    let ratio = 2.0 * one / two;
    println!(
        "threads: 1 thread {:.0} ns/verify; 2 threads {:.0} ns wall/verify; throughput ratio {ratio:.2} (goal >= 1.8)",
        one * 1e9 / n,
        two * 1e9 / (2.0 * n)
    );

    let key = hmac::Key::new(hmac::HMAC_SHA256, &HS256_SECRET);
    let (input, _) = token.rsplit_once('.').expect("token");
    let tag = hmac::sign(&key, input.as_bytes());
    let (c_one, c_two) = scaling(&|| {
        black_box(hmac::verify(
            &key,
            black_box(input.as_bytes()),
            tag.as_ref(),
        ))
        .expect("tag");
    });
    let control = 2.0 * c_one / c_two;
    println!("threads: control (ring HMAC alone, nothing shared) throughput ratio {control:.2}");

    let mut out = BTreeMap::new();
    out.insert("ratio", ratio);
    out.insert("control_ratio", control);
    out.insert("one_thread_ns_per_verify", one * 1e9 / n);
    out.insert("two_threads_ns_per_verify", two * 1e9 / (2.0 * n));
    out.insert("iterations_per_thread", n);
    let path = write_extra("threads", &out).expect("write result");
    println!("written: {}", path.display());
}
