#!/usr/bin/env bash
# The C bench of issues 7 and 18: the same HS256 verification through the C ABI
# (airisk_verifier_verify_at, claims freed each time; and the borrowed view
# airisk_verifier_verify_view_at), as Rust calls (Verifier::verify_at and verify_with in loops
# inside Rust: benches/c/rust-baseline) and with libjwt (Debian libjwt-dev), timed in
# one process in interleaved rounds; prints medians and ratios.
# Installs the release library into a private prefix (scripts/install-c.sh), builds the
# Rust baseline (a standalone cargo package), installs libjwt-dev with apt-get when it is
# missing (without it, or without apt-get, libjwt is left out and the others still run),
# and compiles benches/c/bench_verify.c with -O2. Not part of the test command.
# Extra arguments go to the bench: [ROUNDS=201] [MS_PER_SAMPLE=2] [CANDIDATE]
# (a CANDIDATE, one of rust, c_abi, rust_borrowed, c_view, libjwt, libjwt_checked,
# is timed alone: for perf).
# Needs cargo, a C compiler (cc) and pkg-config.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The baseline package has its own workspace: give it the root's target dir, never one
# of its own inside the source tree.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$CARGO_TARGET_DIR/bench-c"
PREFIX="$OUT/prefix"
CC="${CC:-cc}"
mkdir -p "$OUT"

if ! pkg-config --exists libjwt 2>/dev/null; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "== installing libjwt-dev (apt-get)"
        SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        { $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q libjwt-dev; } \
            > "$OUT.apt.log" 2>&1 || echo "bench-c: apt-get install libjwt-dev failed (see $OUT.apt.log)" >&2
    fi
fi
JWT_FLAGS=(-DNO_LIBJWT)
JWT_LIBS=()
if pkg-config --exists libjwt 2>/dev/null; then
    read -r -a JWT_FLAGS <<< "$(pkg-config --cflags libjwt)"
    read -r -a JWT_LIBS <<< "$(pkg-config --libs libjwt)"
    echo "== libjwt $(pkg-config --modversion libjwt)"
else
    echo "bench-c: libjwt not available: timing the Rust call and the C ABI only" >&2
fi

echo "== release library (scripts/install-c.sh PREFIX=$PREFIX PROFILE=release)"
bash scripts/install-c.sh PREFIX="$PREFIX" PROFILE=release

echo "== Rust baseline (benches/c/rust-baseline, release)"
cargo build --release --quiet --manifest-path benches/c/rust-baseline/Cargo.toml

echo "== compiling benches/c/bench_verify.c (-O2)"
"$CC" -O2 -std=c11 -Wall -Wextra -Werror benches/c/bench_verify.c \
    -I"$PREFIX/include" "${JWT_FLAGS[@]}" -o "$OUT/bench_verify" \
    "$CARGO_TARGET_DIR/release/libairisk_auth_bench_rust_baseline.a" \
    -L"$PREFIX/lib" -lairisk_auth -Wl,-rpath,"$PREFIX/lib" "${JWT_LIBS[@]}" \
    -lgcc_s -lutil -lrt -lpthread -lm -ldl

echo "== $OUT/bench_verify"
"$OUT/bench_verify" "$@"
