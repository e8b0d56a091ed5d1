#!/usr/bin/env bash
# What a user installs, installed the way the README says, on release builds:
#  1. C: a DESTDIR-staged `scripts/install-c.sh` (nothing outside DESTDIR, the .pc naming
#     PREFIX) and its uninstall; the README's recipes themselves (pkg-config shared,
#     pkg-config --static, CMake) run in scripts/test-c.sh on the same release build;
#  2. Python: `pip install ./bindings/python` into a clean virtualenv, the module imported
#     and used there (its stores left out, refusing by name), the license files in its
#     metadata; `maturin build --release` and
#     `maturin sdist` (tools from .venv, scripts/python-venv.sh) with both license files;
#  3. the CLI: `cargo install --path crates/airisk-auth-cli` into a scratch root, and
#     with `--features serve,redis` (the server, refused by the default command);
#  4. Rust: `cargo package` of every publishable crate (--allow-dirty: a work tree with
#     edits is checked as it is; --no-verify: step 5 builds the same packaged sources), then
#  5. the packaged crates' own tests, all unpacked into one scratch workspace whose
#     [patch.crates-io] points each at its packaged sibling (the Redis and PostgreSQL
#     stores' against throwaway servers, scripts/redis.sh and scripts/postgres.sh);
#     Every relative link of the Markdown files resolves (scripts/check-links.py), the
#     packaged crates' inside their packages;
#  6. sizes: libairisk_auth.so, the wheel, the CLI (default features), printed beside
#     their goals; one over its goal fails;
#  7. the opt-in stores, installed as the READMEs print it: `FEATURES=redis,postgres
#     scripts/install-c.sh` (a C program linked through its .pc makes a Redis store and a
#     PostgreSQL store that migrates its schema on a throwaway server) and
#     `MATURIN_PEP517_ARGS="--features redis,postgres" pip install ./bindings/python` into
#     a clean virtualenv (RedisStore and PostgresStore ping those servers); their sizes
#     printed, without a goal.
# Ends with `package: N passed, F failed` and exits non-zero on any failure.
# Every release build goes to $CARGO_TARGET_DIR/<host triple>/release (CARGO_BUILD_TARGET),
# where cargo-c builds the C library anyway, so the C library, the Python module and the
# CLI share their dependencies' builds; the packaged tests share the dev ones.
# PACKAGE_PARTS="c python cli crates stores" (the default) selects parts, e.g. while working on one.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
triple="$(rustc -vV | sed -n 's/^host: //p')"

need=()
for tool in gcc pkg-config cmake readelf; do
    command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ ${#need[@]} -ne 0 ]; then
    pkgs=("${need[@]/readelf/binutils}")
    echo "== package: installing ${pkgs[*]}"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "${pkgs[@]}" >/dev/null || {
        echo "package: could not install ${pkgs[*]}"; exit 1; }
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/airisk-package.XXXXXX")"
# PostgreSQL runs as an unprivileged user when we are root: it must reach its directory.
chmod 711 "$work"
redis_dir="$work/redis"
pg_dir="$work/postgres"
cleanup() {
    [ -f "$redis_dir/redis.pid" ] && bash "$root/scripts/redis.sh" stop "$redis_dir" >/dev/null 2>&1
    [ -d "$pg_dir" ] && bash "$root/scripts/postgres.sh" stop "$pg_dir" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

parts=" ${PACKAGE_PARTS:-c python cli crates stores} "
part_started=$SECONDS
part_name=""
# part NAME: whether NAME is selected; prints how long the previous selected part took.
part() {
    [[ -z "$part_name" || "$parts" != *" $part_name "* ]] ||
        echo "(package: $part_name took $((SECONDS - part_started)) s)"
    part_name="$1"; part_started=$SECONDS
    [[ "$parts" == *" $1 "* ]]
}
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
sizes=()
variant_sizes=()
# size_without_goal LABEL FILE: an opt-in variant's size, printed after the goals.
size_without_goal() {
    local bytes
    bytes="$(stat -c %s "$(readlink -f "$2")" 2>/dev/null || echo 0)"
    variant_sizes+=("$(printf '%-24s %9s' "$1" "$(awk -v b="$bytes" 'BEGIN { printf "%.2f MB", b / 1000000 }')")")
}
# size_check LABEL FILE GOAL_BYTES: a missing file, or a size over its goal (issue 17:
# the default builds, without the opt-in stores and server), fails.
size_check() {
    local bytes mb goal
    bytes="$(stat -c %s "$2" 2>/dev/null || echo 0)"
    mb="$(awk -v b="$bytes" 'BEGIN { printf "%.2f MB", b / 1000000 }')"
    goal="$(awk -v b="$3" 'BEGIN { printf "%.1f", b / 1000000 }')"
    if [ "$bytes" -eq 0 ]; then
        fail "size of $1: no file $2"
    elif [ "$bytes" -le "$3" ]; then
        sizes+=("$(printf '%-24s %9s  goal <= %s MB: met' "$1" "$mb" "$goal")")
    else
        sizes+=("$(printf '%-24s %9s  goal <= %s MB: MISSED' "$1" "$mb" "$goal")")
        fail "size of $1: $mb, over its goal of $goal MB"
    fi
}

redis_port="" pg_port=""
# servers_up: a throwaway Redis and PostgreSQL on loopback (once; stopped on exit).
servers_up() {
    [ -z "$redis_port" ] || return 0
    redis_port="$(bash scripts/redis.sh start "$redis_dir")" || fail "redis.sh start"
    pg_port="$(bash scripts/postgres.sh start "$pg_dir")" || fail "postgres.sh start"
    redis_url="redis://127.0.0.1:$redis_port/0"
    pg_dsn="host=127.0.0.1 port=$pg_port user=airisk dbname=airisk_test"
}

if part c; then
# ---- 1. C ----------------------------------------------------------------------------
echo "== package: DESTDIR-staged install and uninstall"
stage="$work/stage"
if bash scripts/install-c.sh PREFIX=/usr/local DESTDIR="$stage" >"$work/destdir.log" 2>&1 &&
    [ -f "$stage/usr/local/lib/libairisk_auth.a" ] &&
    grep -qx 'prefix=/usr/local' "$stage/usr/local/lib/pkgconfig/airisk-auth.pc" &&
    [ ! -e /usr/local/lib/pkgconfig/airisk-auth.pc ] &&
    [ -z "$(find "$stage" -mindepth 1 -maxdepth 1 ! -name usr)" ]; then
    pass "install-c.sh DESTDIR=… PREFIX=/usr/local stages everything under DESTDIR, .pc says prefix=/usr/local"
    so="$(readlink -f "$stage/usr/local/lib/libairisk_auth.so")"
    size_check "libairisk_auth.so" "$so" 1500000
else
    fail "DESTDIR install: $(tail -5 "$work/destdir.log")"
fi
if bash scripts/install-c.sh uninstall PREFIX=/usr/local DESTDIR="$stage" >/dev/null 2>&1 &&
    [ -z "$(find "$stage" -type f -o -type l)" ]; then
    pass "install-c.sh uninstall leaves no file behind"
else
    fail "uninstall left: $(find "$stage" -type f -o -type l | tr '\n' ' ')"
fi
fi

if part python; then
# ---- 2. Python -----------------------------------------------------------------------
echo "== package: pip install ./bindings/python into a clean virtualenv"
python3 -m venv "$work/pyclean"
clean_py="$work/pyclean/bin/python"
if CARGO_BUILD_TARGET="$triple" "$clean_py" -m pip install --quiet --disable-pip-version-check ./bindings/python >"$work/pip.log" 2>&1; then
    pass "pip install ./bindings/python"
    # From a neutral directory, so the installed copy is imported.
    if out="$(cd "$work" && "$clean_py" - <<'PY' 2>&1
import importlib.metadata as md
import airisk_auth as aa

keys = aa.KeySet.generate_hs256("k1")
verifier = aa.Verifier(keys, aa.Policy("https://airisk.example"))
token = keys.mint(aa.Claims.user("https://airisk.example", "abc123", "user_42", 1_000, 60, "t-1"))
assert verifier.verify_at(token, 1_001).userid == "user_42"
dist = md.distribution("airisk-auth")
licenses = sorted(str(f).rsplit("/", 1)[-1] for f in dist.files if "licenses" in str(f))
assert licenses == ["LICENSE-APACHE", "LICENSE-MIT"], licenses
assert dist.metadata["License-Expression"] == "Apache-2.0 OR MIT", dist.metadata["License-Expression"]
# The default build leaves the stores out: their constructors refuse, naming the feature.
for store, arg in ((aa.RedisStore, "redis://127.0.0.1:6379/0"), (aa.PostgresStore, "host=127.0.0.1")):
    try:
        store(arg)
    except aa.InvalidConfigurationError as e:
        assert "--features" in str(e), e
    else:
        raise AssertionError(f"{store.__name__} built in a default install")
print("ok", aa.__name__, dist.version, licenses)
PY
)"; then
        pass "the installed module verifies a token; license files in the dist-info: $out"
    else
        fail "installed module: $out"
    fi
else
    fail "pip install ./bindings/python: $(tail -20 "$work/pip.log")"
fi

echo "== package: maturin build --release and maturin sdist (tools from .venv)"
# shellcheck source=scripts/python-venv.sh
. "$root/scripts/python-venv.sh"
ensure_venv "$root/.venv" requirements-dev.txt >/dev/null
maturin="$root/.venv/bin/maturin"
if CARGO_BUILD_TARGET="$triple" "$maturin" build --release --quiet -m bindings/python/Cargo.toml -i "$PY" -o "$work/wheels" >"$work/maturin.log" 2>&1; then
    wheel="$(ls "$work"/wheels/*.whl | head -1)"
    # The listing is read whole first: `unzip | grep -q` fails under pipefail when grep
    # exits at its match while unzip still writes (SIGPIPE).
    wheel_listing="$(unzip -l "$wheel")"
    if grep -q 'dist-info/licenses/LICENSE-APACHE' <<<"$wheel_listing" &&
        grep -q 'dist-info/licenses/LICENSE-MIT' <<<"$wheel_listing"; then
        pass "wheel $(basename "$wheel") carries LICENSE-APACHE and LICENSE-MIT"
    else
        fail "wheel without license files: $(grep -i licen <<<"$wheel_listing")"
    fi
    size_check "wheel" "$wheel" 1500000
else
    fail "maturin build: $(tail -20 "$work/maturin.log")"
fi
if "$maturin" sdist -m bindings/python/Cargo.toml -o "$work/sdist" >"$work/sdist.log" 2>&1; then
    sdist="$(ls "$work"/sdist/*.tar.gz | head -1)"
    listing="$(tar tzf "$sdist")"
    if grep -q '/LICENSE-APACHE$' <<<"$listing" && grep -q '/LICENSE-MIT$' <<<"$listing" &&
        [ "$(tar xzOf "$sdist" "$(printf '%s\n' "$listing" | grep -m1 '/LICENSE-MIT$')" | head -1)" = "MIT License" ]; then
        pass "sdist $(basename "$sdist") carries LICENSE-APACHE and LICENSE-MIT (the texts, not links)"
    else
        fail "sdist license files: $(printf '%s\n' "$listing" | grep -i licen)"
    fi
else
    fail "maturin sdist: $(tail -20 "$work/sdist.log")"
fi
fi

if part cli; then
# ---- 3. CLI --------------------------------------------------------------------------
echo "== package: cargo install --path crates/airisk-auth-cli"
if cargo install --quiet --locked --target "$triple" --path crates/airisk-auth-cli --root "$work/cli" >"$work/cli.log" 2>&1 &&
    "$work/cli/bin/airisk-auth" --version >/dev/null; then
    pass "cargo install --path crates/airisk-auth-cli: $("$work/cli/bin/airisk-auth" --version)"
    size_check "airisk-auth (CLI)" "$work/cli/bin/airisk-auth" 3000000
else
    fail "cargo install the CLI: $(tail -20 "$work/cli.log")"
fi
echo "== package: cargo install --path crates/airisk-auth-cli --features serve,redis"
# The default command refuses `serve` (exit 2, naming the features); this one has it.
# listens BIN: whether `BIN serve` on a free loopback port says where it listens within
# 10 s (its first stdout line); the server is stopped either way.
listens() {
    local log="$work/serve-$RANDOM.out" pid i
    "$1" serve --bind 127.0.0.1:0 >"$log" 2>/dev/null &
    pid=$!
    for i in $(seq 100); do
        grep -q '127\.0\.0\.1:' "$log" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    grep -q '127\.0\.0\.1:' "$log"
}
if cargo install --quiet --locked --target "$triple" --path crates/airisk-auth-cli --features serve,redis \
    --root "$work/cli-serve" >"$work/cli-serve.log" 2>&1 &&
    listens "$work/cli-serve/bin/airisk-auth" && ! listens "$work/cli/bin/airisk-auth"; then
    pass "cargo install --path crates/airisk-auth-cli --features serve,redis: it serves (the default command refuses to)"
    size_without_goal "airisk-auth serve,redis" "$work/cli-serve/bin/airisk-auth"
else
    fail "cargo install the CLI with serve,redis: $(tail -20 "$work/cli-serve.log")"
fi
fi

if part crates; then
# ---- 4. cargo package ----------------------------------------------------------------
publishable="$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json,sys; print(" ".join(p["name"] + "-" + p["version"] for p in json.load(sys.stdin)["packages"] if p["publish"] != []))')"
echo "== package: cargo package ($publishable)"
package_args=()
for crate in $publishable; do package_args+=(-p "${crate%-*}"); done
if cargo package --locked --allow-dirty --no-verify "${package_args[@]}" >"$work/package.log" 2>&1; then
    pass "cargo package $publishable"
    # ---- 5. the packaged crates' tests -----------------------------------------------
    # One scratch workspace of the unpacked .crate files, each dependency on a sibling
    # patched to the packaged copy (what crates.io would serve), the repository's lock
    # file for the same dependency versions.
    # At a fixed place: the test binaries keep the CARGO_MANIFEST_DIR they were built
    # with (the vectors are read from there), and cargo reuses them from one run to the next.
    ws="$CARGO_TARGET_DIR/package/workspace"
    rm -rf "$ws"
    mkdir -p "$ws"
    members="" patches=""
    for crate in $publishable; do
        # -m: the files get the time of extraction, so cargo rebuilds what it compiled
        # from an earlier extraction (whatever the crate's recorded times say).
        tar xzmf "$CARGO_TARGET_DIR/package/$crate.crate" -C "$ws"
        members+="\"$crate\", "
        patches+="${crate%-*} = { path = \"$crate\" }"$'\n'
    done
    printf '[workspace]\nresolver = "2"\nmembers = [%s]\n\n[patch.crates-io]\n%s' "${members%, }" "$patches" >"$ws/Cargo.toml"
    cp Cargo.lock "$ws/Cargo.lock"
    # Every relative link of the repository's Markdown resolves, and each packaged
    # crate's stays inside the package (as crates.io shows it).
    if out="$(python3 scripts/check-links.py . && python3 scripts/check-links.py "$ws"/*/)"; then
        pass "doc links resolve: $(printf '%s\n' "$out" | grep '^links:' | tr '\n' ' ')"
    else
        fail "doc links: $out"
    fi
    if [ -e "$ws/airisk-auth-0.1.0/tests/vectors/tokens.json" ] && [ ! -L "$ws/airisk-auth-0.1.0/tests/vectors" ]; then
        pass "the core's package holds a copy of the shared vectors"
    else
        fail "the core's package has no tests/vectors copy"
    fi
    servers_up
    # The plain Redis and PostgreSQL servers only: the TLS, cluster, failover and
    # stop-the-server tests skip here (not REQUIRED); test-redis.sh and test-postgres.sh
    # run them from the tree.
    if (cd "$ws" && env -u AIRISK_REDIS_REQUIRED -u AIRISK_PG_REQUIRED -u AIRISK_REDIS_TLS_PORT \
        -u AIRISK_REDIS_CLUSTER_PORTS -u AIRISK_PG_DIR -u AIRISK_PG_STOP_TEST AIRISK_REDIS_URL="$redis_url" \
        AIRISK_PG_URL="$pg_dsn" \
        AIRISK_PG_SOCKET="host=$pg_dir/sock port=$pg_port user=airisk dbname=airisk_test" \
        cargo test --workspace --no-fail-fast >"$work/test-packaged.log" 2>&1); then
        pass "packaged crates: cargo test ($(grep -E '^test result: ok' "$work/test-packaged.log" | awk '{ n += $4 } END { print n }') tests passed)"
    else
        fail "packaged crates: cargo test"; grep -E 'FAILED|panicked|^error' "$work/test-packaged.log" | head -30
    fi
else
    fail "cargo package: $(tail -20 "$work/package.log")"
fi
fi

if part stores; then
# ---- 7. the opt-in stores ------------------------------------------------------------
servers_up
echo "== package: FEATURES=redis,postgres scripts/install-c.sh"
cstores="$work/c-stores"
if bash scripts/install-c.sh PREFIX="$cstores" FEATURES=redis,postgres >"$work/c-stores.log" 2>&1; then
    pass "FEATURES=redis,postgres scripts/install-c.sh PREFIX=…"
    cat >"$work/stores.c" <<'C'
#include <airisk_auth.h>
#include <stdio.h>
/* Both stores of a FEATURES=redis,postgres install: a default build answers
 * AIRISK_INVALID_CONFIGURATION here; migrate makes the PostgreSQL store talk to its server. */
int main(int argc, char **argv) {
  if (argc != 3) return 2;
  airisk_store *redis = NULL, *postgres = NULL;
  airisk_result rc = airisk_store_redis_new(argv[1], NULL, &redis);
  if (rc != AIRISK_OK) { printf("redis: %d %s\n", (int)rc, airisk_last_error_detail()); return 1; }
  airisk_postgres_options options = {0};
  options.migrate = 1;
  rc = airisk_store_postgres_new(argv[2], &options, &postgres);
  if (rc != AIRISK_OK) { printf("postgres: %d %s\n", (int)rc, airisk_last_error_detail()); return 1; }
  airisk_store_free(redis);
  airisk_store_free(postgres);
  printf("both stores made, the PostgreSQL schema migrated\n");
  return 0;
}
C
    out=""
    # shellcheck disable=SC2046 # pkg-config's flags are words
    if cc -o "$work/stores" "$work/stores.c" $(PKG_CONFIG_PATH="$cstores/lib/pkgconfig" pkg-config --cflags --libs airisk-auth) \
        -Wl,-rpath,"$cstores/lib" >"$work/stores-cc.log" 2>&1 &&
        out="$("$work/stores" "$redis_url" "$pg_dsn" 2>&1)"; then
        pass "the installed library's stores: $out"
    else
        fail "C stores: $(cat "$work/stores-cc.log") ${out:-}"
    fi
    size_without_goal "libairisk_auth.so" "$cstores/lib/libairisk_auth.so"
else
    fail "FEATURES=redis,postgres install-c.sh: $(tail -20 "$work/c-stores.log")"
fi

echo "== package: MATURIN_PEP517_ARGS=\"--features redis,postgres\" pip install ./bindings/python"
python3 -m venv "$work/pystores"
if MATURIN_PEP517_ARGS="--features redis,postgres" CARGO_BUILD_TARGET="$triple" \
    "$work/pystores/bin/python" -m pip install --quiet --disable-pip-version-check ./bindings/python >"$work/pip-stores.log" 2>&1; then
    pass "MATURIN_PEP517_ARGS=\"--features redis,postgres\" pip install ./bindings/python"
    if out="$(cd "$work" && "$work/pystores/bin/python" - "$redis_url" "$pg_dsn" <<'PY' 2>&1
import sys
import airisk_auth as aa

aa.RedisStore(sys.argv[1]).ping()
aa.PostgresStore(sys.argv[2], migrate=True).ping()
print("RedisStore and PostgresStore ping their servers")
PY
)"; then
        pass "the installed module's stores: $out"
        native="$(find "$work/pystores/lib" -name '_native*.so' | head -1)"
        size_without_goal "_native (Python module)" "$native"
    else
        fail "Python stores: $out"
    fi
else
    fail "pip install with the stores: $(tail -20 "$work/pip-stores.log")"
fi
fi

part end
echo
echo "sizes (release, stripped):"
[ ${#sizes[@]} -eq 0 ] || printf '  %s\n' "${sizes[@]}"
if [ "${#variant_sizes[@]}" -ne 0 ]; then
    echo "with the opt-in stores and server (no goal):"
    printf '  %s\n' "${variant_sizes[@]}"
fi
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
