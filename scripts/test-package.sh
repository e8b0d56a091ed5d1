#!/usr/bin/env bash
# What a user installs, installed the way the README says, on release builds:
#  1. C: the README's recipes as printed (scripts/c-recipes.sh: pkg-config shared,
#     pkg-config --static, CMake) on a release `cargo cinstall`; then a DESTDIR-staged
#     install (nothing outside DESTDIR, the .pc naming PREFIX) and its uninstall;
#  2. Python: `pip install ./bindings/python` into a clean virtualenv, the module imported
#     and used there, the license files in its metadata; `maturin build --release` and
#     `maturin sdist` (tools from .venv, scripts/python-venv.sh) with both license files;
#  3. the CLI: `cargo install --path crates/airisk-auth-cli` into a scratch root;
#  4. Rust: `cargo package` of every publishable crate (--allow-dirty: a work tree with
#     edits is checked as it is), then the packaged crates' own
#     tests, run from the unpacked .crate files (the Redis ledger's against a throwaway
#     redis-server, scripts/redis.sh);
#  5. sizes: libairisk_auth.so <= 1.5 MB, the wheel <= 1.5 MB, the CLI <= 3 MB (printed).
# Ends with `package: N passed, F failed` and exits non-zero on any failure.
# Builds share the workspace target dir ($CARGO_TARGET_DIR or ./target).
# PACKAGE_PARTS="c python cli crates" (the default) selects parts, e.g. while working on one.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

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
redis_dir="$work/redis"
cleanup() {
    [ -f "$redis_dir/redis.pid" ] && bash "$root/scripts/redis.sh" stop "$redis_dir" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

parts=" ${PACKAGE_PARTS:-c python cli crates} "
part() { [[ "$parts" == *" $1 "* ]]; }
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
sizes=()
# size_check LABEL FILE LIMIT_BYTES
size_check() {
    local bytes mb
    bytes="$(stat -c %s "$2" 2>/dev/null || echo 0)"
    mb="$(awk -v b="$bytes" 'BEGIN { printf "%.2f MB", b / 1000000 }')"
    sizes+=("$(printf '%-24s %9s  (goal <= %s MB)' "$1" "$mb" "$(awk -v b="$3" 'BEGIN { printf "%.1f", b / 1000000 }')")")
    if [ "$bytes" -gt 0 ] && [ "$bytes" -le "$3" ]; then pass "size of $1: $mb"; else fail "size of $1: $mb (goal <= $3 bytes)"; fi
}

if part c; then
# ---- 1. C ----------------------------------------------------------------------------
# shellcheck source=scripts/c-recipes.sh
. "$root/scripts/c-recipes.sh"
PROFILE=release c_recipes "$work/c"
so="$(readlink -f "$work/c/home/.local/lib/libairisk_auth.so" 2>/dev/null)"
size_check "libairisk_auth.so" "${so:-/nonexistent}" 1500000

echo "== package: DESTDIR-staged install and uninstall"
stage="$work/stage"
if bash scripts/install-c.sh PREFIX=/usr/local DESTDIR="$stage" >"$work/destdir.log" 2>&1 &&
    [ -f "$stage/usr/local/lib/libairisk_auth.a" ] &&
    grep -qx 'prefix=/usr/local' "$stage/usr/local/lib/pkgconfig/airisk-auth.pc" &&
    [ ! -e /usr/local/lib/pkgconfig/airisk-auth.pc ] &&
    [ -z "$(find "$stage" -mindepth 1 -maxdepth 1 ! -name usr)" ]; then
    pass "install-c.sh DESTDIR=… PREFIX=/usr/local stages everything under DESTDIR, .pc says prefix=/usr/local"
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
if "$clean_py" -m pip install --quiet --disable-pip-version-check ./bindings/python >"$work/pip.log" 2>&1; then
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
if "$maturin" build --release --quiet -m bindings/python/Cargo.toml -i "$PY" -o "$work/wheels" >"$work/maturin.log" 2>&1; then
    wheel="$(ls "$work"/wheels/*.whl | head -1)"
    if unzip -l "$wheel" | grep -q 'dist-info/licenses/LICENSE-APACHE' &&
        unzip -l "$wheel" | grep -q 'dist-info/licenses/LICENSE-MIT'; then
        pass "wheel $(basename "$wheel") carries LICENSE-APACHE and LICENSE-MIT"
    else
        fail "wheel without license files: $(unzip -l "$wheel" | grep -i licen)"
    fi
    size_check "wheel" "$wheel" 1500000
else
    fail "maturin build: $(tail -20 "$work/maturin.log")"
fi
if "$maturin" sdist -m bindings/python/Cargo.toml -o "$work/sdist" >"$work/sdist.log" 2>&1; then
    sdist="$(ls "$work"/sdist/*.tar.gz | head -1)"
    listing="$(tar tzf "$sdist")"
    if printf '%s\n' "$listing" | grep -q '/LICENSE-APACHE$' && printf '%s\n' "$listing" | grep -q '/LICENSE-MIT$' &&
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
if cargo install --quiet --locked --path crates/airisk-auth-cli --root "$work/cli" >"$work/cli.log" 2>&1 &&
    "$work/cli/bin/airisk-auth" --version >/dev/null; then
    pass "cargo install --path crates/airisk-auth-cli: $("$work/cli/bin/airisk-auth" --version)"
    size_check "airisk-auth (CLI)" "$work/cli/bin/airisk-auth" 3000000
else
    fail "cargo install the CLI: $(tail -20 "$work/cli.log")"
fi
fi

if part crates; then
# ---- 4. cargo package ----------------------------------------------------------------
publishable="$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["packages"] if p["publish"] != []))')"
echo "== package: cargo package ($publishable)"
package_args=()
for crate in $publishable; do package_args+=(-p "$crate"); done
if cargo package --locked --allow-dirty "${package_args[@]}" >"$work/package.log" 2>&1; then
    pass "cargo package $publishable"
    redis_url=""
    for crate in $publishable; do
        file="$CARGO_TARGET_DIR/package/$crate-$(cargo metadata --format-version 1 --no-deps --locked |
            python3 -c "import json,sys; print(next(p['version'] for p in json.load(sys.stdin)['packages'] if p['name'] == '$crate'))").crate"
        mkdir -p "$work/unpacked"
        tar xzf "$file" -C "$work/unpacked"
        dir="$work/unpacked/$(basename "$file" .crate)"
        if [ "$crate" = airisk-auth-redis ] && [ -z "$redis_url" ]; then
            redis_url="redis://127.0.0.1:$(bash scripts/redis.sh start "$redis_dir")/0"
        fi
        # The unpacked crate is its own workspace; the shared target dir reuses the
        # registry dependencies already built. A packaged dependency on another
        # workspace crate resolves to the copy cargo package staged beside it.
        if (cd "$dir" && AIRISK_REDIS_URL="$redis_url" AIRISK_REDIS_REQUIRED="$([ "$crate" = airisk-auth-redis ] && echo 1 || echo 0)" \
            cargo test --quiet --config "patch.crates-io.airisk-auth.path=\"$work/unpacked/airisk-auth-0.1.0\"" \
            >"$work/test-$crate.log" 2>&1); then
            pass "packaged $crate: cargo test ($(grep -E '^test result: ok' "$work/test-$crate.log" | awk '{ n += $4 } END { print n }') tests)"
        else
            fail "packaged $crate: cargo test"; grep -E 'FAILED|panicked|error' "$work/test-$crate.log" | head -20
        fi
    done
else
    fail "cargo package: $(tail -20 "$work/package.log")"
fi
fi

echo
echo "sizes (release, stripped):"
[ ${#sizes[@]} -eq 0 ] || printf '  %s\n' "${sizes[@]}"
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
