#!/usr/bin/env bash
# The C and C++ suites of libairisk_auth (tests/c/, examples/c/), end to end:
#  1. run the README's C recipes as printed (scripts/c-recipes.sh): install with
#     scripts/install-c.sh (cargo cinstall) into a scratch $HOME/.local, build
#     examples/c/hello.c with pkg-config (shared), pkg-config --static (the archive
#     alone) and CMake (find_package(airisk_auth CONFIG), shared and static targets), run each;
#  2. build the library with the `test-hooks` feature and flatten the shared
#     vectors (tests/vectors/) for C;
#  3. compile every test with -Wall -Wextra -Werror -pedantic and
#     -fsanitize=address,undefined, and run it: the ABI contract (test_api),
#     the vectors (test_vectors), threads (test_threads), a ledger plugged in
#     through callbacks (test_ledger), the grant lifecycle on the memory and
#     callback stores (test_lifecycle), keys made in code (test_keys, with a secret
#     from an environment variable), C++ (test_cpp, test_ledger_cpp, test_keys_cpp), the
#     store-conformance suite on the memory and callback stores (test_store_conformance);
#  4. without sanitizers: test_secrets, the C twin of the core's tests/secrets.rs
#     (searches every freed heap block for the secrets the loaders were given);
#  5. compile again without sanitizers and run the C tests under valgrind.
# Ends with `c: N passed, F failed` (N counts assertions) and exits non-zero on any failure.
# Works with the default target dir or $CARGO_TARGET_DIR.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

need=()
for tool in gcc g++ valgrind pkg-config cmake; do
    command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ ${#need[@]} -ne 0 ]; then
    echo "== c: installing ${need[*]}"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}" >/dev/null || {
        echo "c: could not install ${need[*]}"; exit 1; }
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
target_dir="${CARGO_TARGET_DIR:-$root/target}"
lib="$target_dir/debug"
export RUST_BACKTRACE=0

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

# Runs a test program; adds up its `NAME: P passed, F failed` line, or counts
# one failure when it exits non-zero without reporting a failure itself.
run_suite() {
    local label="$1"; shift
    local log="$work/$label.log"
    "$@" >"$log" 2>&1
    local rc=$?
    local line p f
    line="$(grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)"
    if [ -n "$line" ]; then
        p="$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/')"
        f="$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/')"
        passed=$((passed + p))
        failed=$((failed + f))
    else
        p=0; f=0
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        failed=$((failed + 1))
    fi
    if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
        echo "FAIL $label (exit $rc)"; grep -E 'FAIL|ERROR|error|Sanitizer|definitely|Invalid' "$log" | head -40
    else
        echo "ok   $label: ${line:-no report}"
    fi
}

CFLAGS_STRICT=(-Wall -Wextra -Werror -pedantic -g)
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

echo "== c: the release profile must unwind (catch_unwind is the panic boundary)"
if grep -Eq '^[[:space:]]*panic[[:space:]]*=[[:space:]]*"abort"' Cargo.toml bindings/c/Cargo.toml; then
    fail "panic = \"abort\" is set: panics would abort C callers"
else
    pass "no panic = \"abort\" profile"
fi

echo "== c: the READMEs' example is examples/c/hello.c"
for readme in README.md bindings/c/README.md; do
    # The first C block only (a README may show other snippets after it).
    awk '/^```c$/ && !seen { on = 1; seen = 1; next } on && /^```$/ { exit } on' "$readme" \
        >"$work/readme_hello.c"
    if tail -n +4 examples/c/hello.c | cmp -s - "$work/readme_hello.c"; then
        pass "$readme shows examples/c/hello.c"
    else
        fail "$readme's C example differs from examples/c/hello.c (after its 3-line comment)"
    fi
done

# The README's install and build recipes as printed: pkg-config shared, pkg-config
# --static, CMake (scripts/c-recipes.sh), on the release build the README installs
# (cargo-c builds it in target/<host triple>/release; scripts/test-package.sh reuses it
# for its DESTDIR, uninstall and size checks).
# shellcheck source=scripts/c-recipes.sh
. "$root/scripts/c-recipes.sh"
PROFILE=release c_recipes "$work"
unset TOKEN
# C++ through the installed headers (the shared install of the c-install recipe):
# airisk_auth.hpp and the airisk_auth_keys.hpp and airisk_auth_store.hpp it includes.
prefix="$work/home/.local"
# shellcheck disable=SC2046
if c++ -std=c++17 "${CFLAGS_STRICT[@]}" tests/c/test_keys_cpp.cpp \
      $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs airisk-auth) \
      -o "$work/keys_cpp_installed" 2>"$work/keys_cpp_installed.log" &&
   LD_LIBRARY_PATH="$prefix/lib" "$work/keys_cpp_installed" >"$work/keys_cpp_installed.out" 2>&1; then
    pass "c++ test_keys_cpp.cpp with the installed headers"
else
    fail "c++ test_keys_cpp.cpp with the installed headers"; tail -20 "$work/keys_cpp_installed.log" "$work/keys_cpp_installed.out"
fi
# The default build leaves the Redis and PostgreSQL stores out (cargo features): their
# constructors refuse and name the feature.
# shellcheck disable=SC2046
if cc -std=c11 "${CFLAGS_STRICT[@]}" -Itests/c tests/c/test_default_build.c \
      $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs airisk-auth) \
      -o "$work/default_build" 2>"$work/default_build.build.log"; then
    LD_LIBRARY_PATH="$prefix/lib" run_suite "test_default_build (installed)" "$work/default_build"
else
    fail "compile test_default_build.c"; head -20 "$work/default_build.build.log"
fi

echo "== c: library with test hooks and the stores, and the vectors flattened for C"
# The same features as scripts/store-conformance.sh, so the two share one build.
if ! cargo build -q -p airisk-auth-c --features test-hooks,redis,postgres; then
    fail "cargo build -p airisk-auth-c --features test-hooks,redis,postgres"
fi
if cargo run -q -p airisk-auth-c --example flatten_vectors -- tests/vectors "$work/vectors.txt"; then
    pass "vectors flattened ($(wc -l <"$work/vectors.txt") records)"
else
    fail "flatten_vectors"
fi
# The Rust library's own archive (its name is airisk_auth_c; cargo-c names the installed one).
staticlib="$lib/libairisk_auth_c.a"
LIBS=(-lpthread -ldl -lm)

build() { # build NAME COMPILER STD [extra flags...] SOURCE
    local out="$1" compiler="$2" std="$3"; shift 3
    if "$compiler" "-std=$std" "${CFLAGS_STRICT[@]}" -DAIRISK_TEST_HOOKS -Iinclude "$@" \
        "$staticlib" "${LIBS[@]}" -o "$work/$out" 2>"$work/$out.build.log"; then
        return 0
    fi
    fail "compile $out"; head -30 "$work/$out.build.log"; return 1
}

echo "== c: tests with -fsanitize=address,undefined"
build test_api cc c11 "${SAN[@]}" tests/c/test_api.c && run_suite "test_api (asan,ubsan)" "$work/test_api"
build test_vectors cc c11 "${SAN[@]}" -pthread tests/c/test_vectors.c &&
    run_suite "test_vectors (asan,ubsan)" "$work/test_vectors" "$work/vectors.txt"
build test_threads cc c11 "${SAN[@]}" -pthread tests/c/test_threads.c &&
    run_suite "test_threads (asan,ubsan)" "$work/test_threads"
build test_ledger cc c11 "${SAN[@]}" -pthread tests/c/test_ledger.c &&
    run_suite "test_ledger (asan,ubsan)" "$work/test_ledger"
build test_lifecycle cc c11 "${SAN[@]}" -pthread tests/c/test_lifecycle.c &&
    run_suite "test_lifecycle (asan,ubsan)" "$work/test_lifecycle"
build test_cpp c++ c++17 "${SAN[@]}" tests/c/test_cpp.cpp &&
    run_suite "test_cpp (asan,ubsan)" "$work/test_cpp" "$work/vectors.txt"
build test_ledger_cpp c++ c++17 "${SAN[@]}" tests/c/test_ledger_cpp.cpp &&
    run_suite "test_ledger_cpp (asan,ubsan)" "$work/test_ledger_cpp"
build test_keys cc c11 "${SAN[@]}" tests/c/test_keys.c && run_suite "test_keys (asan,ubsan)" "$work/test_keys"
build test_keys_cpp c++ c++17 "${SAN[@]}" tests/c/test_keys_cpp.cpp &&
    run_suite "test_keys_cpp (asan,ubsan)" "$work/test_keys_cpp"
# The store-conformance suite against the memory and callback stores (the Redis and
# PostgreSQL ones: scripts/test-redis.sh and scripts/test-postgres.sh run it with servers).
build test_store_conformance cc c11 "${SAN[@]}" -pthread tests/c/test_store_conformance.c &&
    run_suite "test_store_conformance (asan,ubsan)" env -u AIRISK_REDIS_URL -u AIRISK_PG_URL \
        -u AIRISK_REDIS_TLS_PORT -u AIRISK_REDIS_CLUSTER_PORTS "$work/test_store_conformance"

echo "== c: secrets wiped before the heap frees them (test_secrets replaces free/realloc: no sanitizer, no valgrind)"
build test_secrets cc c11 tests/c/test_secrets.c && run_suite "test_secrets (freed heap)" "$work/test_secrets"

echo "== c: tests under valgrind memcheck"
VALGRIND=(valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect,possible
          --error-exitcode=1)
build test_api_vg cc c11 tests/c/test_api.c && run_suite "test_api (valgrind)" "${VALGRIND[@]}" "$work/test_api_vg"
build test_vectors_vg cc c11 -pthread tests/c/test_vectors.c &&
    run_suite "test_vectors (valgrind)" "${VALGRIND[@]}" "$work/test_vectors_vg" "$work/vectors.txt"
build test_keys_vg cc c11 tests/c/test_keys.c && run_suite "test_keys (valgrind)" "${VALGRIND[@]}" "$work/test_keys_vg"
build test_threads_vg cc c11 -pthread tests/c/test_threads.c &&
    run_suite "test_threads (valgrind)" "${VALGRIND[@]}" "$work/test_threads_vg"
build test_ledger_vg cc c11 -pthread tests/c/test_ledger.c &&
    run_suite "test_ledger (valgrind)" "${VALGRIND[@]}" "$work/test_ledger_vg"
build test_lifecycle_vg cc c11 -pthread tests/c/test_lifecycle.c &&
    run_suite "test_lifecycle (valgrind)" "${VALGRIND[@]}" "$work/test_lifecycle_vg"
build test_store_conformance_vg cc c11 -pthread tests/c/test_store_conformance.c &&
    run_suite "test_store_conformance (valgrind)" env -u AIRISK_REDIS_URL -u AIRISK_PG_URL \
        -u AIRISK_REDIS_TLS_PORT -u AIRISK_REDIS_CLUSTER_PORTS "${VALGRIND[@]}" \
        "$work/test_store_conformance_vg"

echo "c: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
