//! A tight loop of one verify, for a profiler:
//! `cargo build --release -p airisk-auth-benches --example profile_verify` then
//! `perf record -g target/release/examples/profile_verify hs256_user 3000000` (or
//! `valgrind --tool=callgrind … 200000`). Kinds: `hs256_generic`, `hs256_user`,
//! `hs256_user_borrowed` (`verify_with`, reading the userid), `eddsa`, `floor_hmac`,
//! `authorize`. `scripts/bench.sh` runs it under callgrind for instructions per verify.

use airisk_auth_benches::{Fixture, HS256_SECRET};
use std::hint::black_box;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let kind = args.next().unwrap_or_else(|| "hs256_user".to_owned());
    let count: u32 = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let Ok(fx) = Fixture::new() else {
        eprintln!("fixture failed");
        return ExitCode::FAILURE;
    };
    if kind == "floor_hmac" {
        return floor_hmac(&fx.hs256_user, count);
    }
    if kind == "authorize" {
        return authorize(&fx, count);
    }
    if kind == "hs256_user_borrowed" {
        let verifier = fx.hs256_user_verifier();
        let now = fx.verify_time();
        let start = std::time::Instant::now();
        let mut refused = 0u32;
        for _ in 0..count {
            let read = verifier.verify_with(black_box(&fx.hs256_user), now, |c| {
                c.userid().map_or(0, str::len)
            });
            refused += u32::from(black_box(read).is_err());
        }
        return report(&kind, count, refused, start.elapsed());
    }
    let (verifier, token) = match kind.as_str() {
        "hs256_generic" => (fx.hs256_verifier(), fx.hs256_generic.as_str()),
        "hs256_user" => (fx.hs256_user_verifier(), fx.hs256_user.as_str()),
        "eddsa" => (fx.eddsa_verifier(), fx.eddsa_generic.as_str()),
        other => {
            eprintln!(
                "unknown kind {other:?}: hs256_generic, hs256_user, hs256_user_borrowed, eddsa, \
                 floor_hmac or authorize"
            );
            return ExitCode::FAILURE;
        }
    };
    let now = fx.verify_time();
    let start = std::time::Instant::now();
    let mut refused = 0u32;
    for _ in 0..count {
        refused += u32::from(black_box(verifier.verify_at(black_box(token), now)).is_err());
    }
    report(&kind, count, refused, start.elapsed())
}

fn floor_hmac(token: &str, count: u32) -> ExitCode {
    use ring::hmac;
    let key = hmac::Key::new(hmac::HMAC_SHA256, &HS256_SECRET);
    let Some((input, signature)) = token.rsplit_once('.') else {
        return ExitCode::FAILURE;
    };
    let Ok(signature) = decode_b64url(signature) else {
        return ExitCode::FAILURE;
    };
    let start = std::time::Instant::now();
    let mut refused = 0;
    for _ in 0..count {
        refused += u32::from(
            hmac::verify(&key, black_box(input.as_bytes()), black_box(&signature)).is_err(),
        );
    }
    report("floor_hmac", count, refused, start.elapsed())
}

fn authorize(fx: &Fixture, count: u32) -> ExitCode {
    let Ok(issuer) = airisk_auth_benches::bench_issuer(fx.hs256_keys.clone()) else {
        return ExitCode::FAILURE;
    };
    let query = airisk_auth_benches::authorize_query();
    let start = std::time::Instant::now();
    let mut refused = 0;
    for _ in 0..count {
        refused += u32::from(issuer.authorize_at(black_box(&query), fx.now).status != 302);
    }
    report("authorize", count, refused, start.elapsed())
}

fn decode_b64url(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text)
}

fn report(kind: &str, count: u32, refused: u32, elapsed: std::time::Duration) -> ExitCode {
    println!(
        "{kind}: {count} verifies, {refused} refused, {:.0} ns each",
        elapsed.as_secs_f64() * 1e9 / f64::from(count.max(1))
    );
    if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
