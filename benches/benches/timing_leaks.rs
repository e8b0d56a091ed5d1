//! A dudect-style check of the secret comparisons (issue 20.7): for each
//! comparison, inputs wrong in their first byte and inputs wrong in their last
//! byte are timed in random order, and Welch's t-statistic of the two timing
//! distributions is reported (Reparaz, Balasch, Verbauwhede, "Dude, is my code
//! constant time?", 2017). A comparison that stops at the first differing byte
//! shows |t| in the tens or hundreds within a second; dudect's threshold for
//! "a leak is likely" is |t| > 4.5 (10 for "definitely").
//!
//! This is a measurement, not a test: it prints, it never fails, because time
//! on a shared machine is noisy (a test that asserted a time would flap). The
//! control row times an early-exit `==` on the same bytes, to show that the
//! method does see a leak of this size on this machine.
//!
//! `cargo bench -p airisk-auth-benches --bench timing_leaks` (run by scripts/bench.sh).

// A bench that cannot build its fixture has nothing to measure: stop loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use airisk_auth::code::{CodeBinding, CodeKey};
use airisk_auth::keys::{Key, KeySet};
use airisk_auth::registry::Client;
use airisk_auth::token::{Claims, Policy, Verifier};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

/// Measurements per class and comparison.
const SAMPLES: usize = 1_000_000;
/// Measurements above this percentile of all are dropped (preemptions, interrupts).
const KEEP_PERCENT: usize = 95;
/// dudect's threshold: above it, a timing difference is likely.
const THRESHOLD: f64 = 4.5;

/// Running mean and variance (Welford).
#[derive(Default)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.n;
        self.m2 += delta * (x - self.mean);
    }
    fn variance(&self) -> f64 {
        if self.n > 1.0 {
            self.m2 / (self.n - 1.0)
        } else {
            0.0
        }
    }
}

/// Welch's t of the two classes' timings.
fn welch_t(a: &Moments, b: &Moments) -> f64 {
    let se = (a.variance() / a.n + b.variance() / b.n).sqrt();
    if se == 0.0 {
        0.0
    } else {
        (a.mean - b.mean) / se
    }
}

/// A small xorshift generator: the class order must be unpredictable to the
/// CPU's branch and prefetch machinery, not to an attacker.
struct Order(u64);

impl Order {
    fn next_bit(&mut self) -> bool {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 & 1 == 1
    }
}

/// Times `run` on `first` and on `last` (inputs of one length) in random order,
/// `SAMPLES` times each, and returns (t, mean ns of the first class, mean ns of
/// the last class).
///
/// Both classes are copied, before the clock starts, into one buffer that `run`
/// always reads: the two inputs then differ only in their bytes, not in their
/// address, alignment or cache lines (a difference of those shows as a few
/// tenths of a nanosecond, which a million samples are enough to detect).
fn measure(first: &str, last: &str, mut run: impl FnMut(&str) -> bool) -> (f64, f64, f64) {
    assert_eq!(
        first.len(),
        last.len(),
        "the classes differ in one byte only"
    );
    let mut input = String::with_capacity(first.len());
    let mut order = Order(0x9e37_79b9_7f4a_7c15);
    // Warm up caches and frequency.
    for i in 0..10_000 {
        input.clear();
        input.push_str(if i % 2 == 0 { first } else { last });
        black_box(run(black_box(&input)));
    }
    let mut timings: Vec<(bool, f64)> = Vec::with_capacity(2 * SAMPLES);
    let (mut firsts, mut lasts) = (0, 0);
    while firsts < SAMPLES || lasts < SAMPLES {
        let class = if firsts == SAMPLES {
            false
        } else if lasts == SAMPLES {
            true
        } else {
            order.next_bit()
        };
        input.clear();
        input.push_str(if class { first } else { last });
        let start = Instant::now();
        black_box(run(black_box(&input)));
        let elapsed = start.elapsed().as_secs_f64() * 1e9;
        timings.push((class, elapsed));
        if class {
            firsts += 1;
        } else {
            lasts += 1;
        }
    }
    let mut sorted: Vec<f64> = timings.iter().map(|&(_, t)| t).collect();
    sorted.sort_by(f64::total_cmp);
    let cut_index = sorted.len() * KEEP_PERCENT / 100;
    let cut = sorted[cut_index.min(sorted.len() - 1)];
    let (mut first, mut last) = (Moments::default(), Moments::default());
    for (class, t) in timings {
        if t <= cut {
            if class {
                first.push(t);
            } else {
                last.push(t);
            }
        }
    }
    (welch_t(&first, &last), first.mean, last.mean)
}

fn flip(bytes: &[u8], index: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[index] ^= 0x01;
    out
}

fn report(what: &str, (t, first, last): (f64, f64, f64)) {
    let verdict = if t.abs() > THRESHOLD {
        "timing differs (|t| > 4.5)"
    } else {
        "no difference found"
    };
    println!("{what:<44} {t:>9.2} {first:>10.1} {last:>10.1}  {verdict}");
}

fn main() {
    // `cargo bench -- <filter>` passes the filter here too: run only when it matches.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !filters.is_empty() && !filters.iter().any(|f| "timing_leaks".contains(f.as_str())) {
        return;
    }
    println!(
        "timing of secret comparisons: wrong first byte vs wrong last byte, {SAMPLES} runs each"
    );
    println!(
        "{:<44} {:>9} {:>10} {:>10}",
        "comparison", "t", "first ns", "last ns"
    );

    // 1. The HS256 signature of a token (HMAC verified by ring, constant time).
    let keys = Arc::new(KeySet::single(Key::hs256(Some("k"), &[7; 32]).unwrap()).unwrap());
    let token = keys
        .mint(&Claims::generic(
            "https://airisk.example",
            "abc123",
            1_000,
            3_600,
            "j",
        ))
        .unwrap();
    let (head, sig) = token.rsplit_once('.').unwrap();
    let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
    let wrong = |i: usize| format!("{head}.{}", URL_SAFE_NO_PAD.encode(flip(&sig, i)));
    let (first, last) = (wrong(0), wrong(sig.len() - 1));
    let verifier = Verifier::new(keys, Policy::new("https://airisk.example"));
    report(
        "HS256 token signature (Verifier::verify_at)",
        measure(&first, &last, |token| {
            verifier.verify_at(token, 1_001).is_ok()
        }),
    );

    // 2. A client secret presented at the token endpoint.
    let secret = "client-secret-0123456789abcdef-0123456789abcdef";
    let client = Client::new("abc123", secret, "https://localhost/callback").unwrap();
    let first = String::from_utf8(flip(secret.as_bytes(), 0)).unwrap();
    let last = String::from_utf8(flip(secret.as_bytes(), secret.len() - 1)).unwrap();
    report(
        "client secret (Client::check_secret)",
        measure(&first, &last, |presented| client.check_secret(presented)),
    );

    // 3. The MAC of an authorization code.
    let code_key = CodeKey::from_bytes(&[9; 32]).unwrap();
    let binding = CodeBinding::new("abc123", "https://localhost/callback", None, None);
    let code = code_key.issue(&binding, 1_000, 60).unwrap().code;
    let raw = URL_SAFE_NO_PAD.decode(&code).unwrap();
    // The MAC is the last 16 bytes of the code.
    let mac_start = raw.len() - 16;
    let first = URL_SAFE_NO_PAD.encode(flip(&raw, mac_start));
    let last = URL_SAFE_NO_PAD.encode(flip(&raw, raw.len() - 1));
    report(
        "authorization code MAC (CodeKey::check)",
        measure(&first, &last, |code| {
            code_key.check(code, &binding, None, 1_001).is_ok()
        }),
    );

    // Control: an early-exit comparison of the same secret, which must show.
    let long_secret = "Z".repeat(4096);
    let first = String::from_utf8(flip(long_secret.as_bytes(), 0)).unwrap();
    let last = String::from_utf8(flip(long_secret.as_bytes(), long_secret.len() - 1)).unwrap();
    report(
        "control: == on 4 KiB (early exit, must leak)",
        measure(&first, &last, |presented| {
            black_box(long_secret.as_str()) == black_box(presented)
        }),
    );
}
