#!/usr/bin/env bash
# Runs every Rust bench of airisk-auth and prints the ratio table of issue 7.
#
#   bash scripts/bench.sh            # all benches (about 3 minutes on 2 cores, after the build)
#   bash scripts/bench.sh verify     # only benches whose name contains "verify" (criterion filter)
#
# What runs (benches/, crate airisk-auth-benches):
#   verify         criterion: the HMAC and Ed25519 floors, our Verifier, jsonwebtoken, jwt-simple
#   flow           criterion: MemoryLedger::redeem, Issuer::authorize_at, Issuer::exchange_at
#   paired         each goal's two contenders alternated in ~1 ms batches: ratios robust to load drift
#   threads        2 threads on one shared Verifier against 1 (and the same for bare HMAC, as a control)
#   ledger_memory  bytes held by a MemoryLedger with 1,000,000 outstanding codes (counting allocator)
#   timing_leaks   dudect-style Welch t of secret comparisons, wrong first vs last byte (printed, never asserted)
# then bench-report reads target/criterion and prints "bench, median, x floor" and every goal, met or not.
#
# Absolute times drift on a shared machine; compare the ratios, which are taken in the same run.
# Results go where criterion puts them: $CRITERION_HOME, else $CARGO_TARGET_DIR/criterion, else target/criterion.
# The Python and C benches are separate (see BENCHMARKS.md) and land with their bindings.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo bench -p airisk-auth-benches --benches -- "$@"
echo
cargo run --quiet --release -p airisk-auth-benches --bin bench-report
