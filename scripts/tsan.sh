#!/usr/bin/env bash
# ThreadSanitizer runs (slow: not part of test-all.sh). Needs the nightly toolchain with
# rust-src (installed with rustup when missing) for -Zsanitizer=thread -Zbuild-std; the C
# test is instrumented by gcc and linked with the toolchain's TSan runtime. Builds into
# target/tsan.
#
#   1. the store-conformance suite on the in-memory store (8 threads racing per check);
#   2. the conformance suite on the Redis store (the connection pool shared by 8 threads),
#      against a throwaway redis-server;
#   3. tests/c/test_threads.c linked with the C library, both instrumented.
#
# Any report fails the run (halt_on_error=1). Measured 2026-12-04 under load ~18 on 2 cores:
# ~25 minutes, nearly all of it building the standard library and the dependencies
# instrumented (the runs: 60 s, 1.3 s and a few seconds); no report in any of the three.
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-unknown-linux-gnu
rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src' \
    || rustup component add rust-src --toolchain nightly
export RUSTFLAGS="-Zsanitizer=thread -Cforce-frame-pointers=yes"
export RUSTDOCFLAGS="$RUSTFLAGS"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 history_size=4"
nightly=(cargo +nightly)
common=(-Zbuild-std --target "$target" --target-dir target/tsan)

work=$(mktemp -d "${TMPDIR:-/tmp}/airisk-tsan.XXXXXX")
cleanup() { bash scripts/redis.sh stop "$work/redis" || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== tsan: store-conformance suite, in-memory store"
"${nightly[@]}" test "${common[@]}" -p airisk-auth-store-tests --lib

echo "== tsan: store-conformance suite, Redis store"
port=$(bash scripts/redis.sh start "$work/redis")
AIRISK_REDIS_URL="redis://127.0.0.1:$port/0" \
    "${nightly[@]}" test "${common[@]}" -p airisk-auth-redis --test conformance plain_redis

echo "== tsan: C threads test"
"${nightly[@]}" build "${common[@]}" -p airisk-auth-c --features test-hooks
lib="target/tsan/$target/debug/libairisk_auth_c.a"
# gcc instruments the C side; the runtime linked is the nightly toolchain's (LLVM) one:
# gcc 12's libtsan lacks the __tsan_memcpy/memset/memmove entry points rustc emits.
rt="$(rustc +nightly --print sysroot)/lib/rustlib/$target/lib/librustc-nightly_rt.tsan.a"
cc -std=c11 -g -O1 -fsanitize=thread -fno-omit-frame-pointer -DAIRISK_TEST_HOOKS -Iinclude -pthread \
    -c tests/c/test_threads.c -o "$work/test_threads.o"
cc -pthread "$work/test_threads.o" "$lib" -Wl,--whole-archive "$rt" -Wl,--no-whole-archive \
    -lpthread -ldl -lm -lstdc++ -o "$work/test_threads"
"$work/test_threads"
echo "tsan: no report"
