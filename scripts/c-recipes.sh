# Sourced by scripts/test-c.sh and scripts/test-package.sh: runs the C install and build
# recipes of README.md exactly as printed and checks what they give. A recipe is the
# ```sh block that follows a `<!-- recipe: NAME -->` line. Install recipes run from the
# repository root, build recipes in a copy of examples/c (hello.c, CMakeLists.txt) with a
# keys.json and $TOKEN, all with HOME pointing at a scratch directory (so $HOME/.local is
# a fresh prefix). PROFILE (dev or release) is passed on to scripts/install-c.sh.
#
#   c_recipes WORK    needs the caller's pass/fail functions; uses WORK as scratch space
#
# The recipes: c-install (both libraries, pkg-config and CMake files into $HOME/.local),
# c-shared (cc with pkg-config, run), c-static-install + c-static (the archive alone,
# `pkg-config --static`), c-cmake (find_package: airisk_auth::airisk_auth and ::static).

# Prints the commands of recipe NAME from README.md (fails when there is none).
readme_recipe() {
    awk -v want="<!-- recipe: $1 -->" '
        $0 == want { armed = 1; next }
        armed && /^```sh$/ { on = 1; armed = 0; next }
        on && /^```$/ { exit }
        on { print; found = 1 }
        END { if (!found) exit 1 }' "$RECIPE_ROOT/README.md"
}

# Runs, in DIR and in one bash -euo pipefail with the scratch HOME, each ITEM in turn:
# NAME (a recipe), NAME:exports (only its `export` lines), or "run:COMMANDS" (literal).
run_recipes() {
    local dir="$1"; shift
    local script="set -euo pipefail"$'\n' item
    for item in "$@"; do
        case "$item" in
            run:*) script+="${item#run:}"$'\n' ;;
            *:exports) script+="$(exports_of "${item%:exports}")"$'\n' ;;
            *) script+="$(readme_recipe "$item")"$'\n' || { echo "README.md has no recipe $item"; return 1; } ;;
        esac
    done
    (cd "$dir" && env HOME="$RECIPE_HOME" CARGO_HOME="$RECIPE_CARGO_HOME" RUSTUP_HOME="$RECIPE_RUSTUP_HOME" \
        bash -c "$script")
}

exports_of() { readme_recipe "$1" | grep '^export ' || true; }

# Whether ELF file $1 needs libairisk_auth.so at run time.
# (readelf's output read whole first: `| grep -q` can fail under pipefail by SIGPIPE.)
needs_shared_lib() { local dynamic; dynamic="$(readelf -d "$1" 2>/dev/null)"; grep -q 'NEEDED.*libairisk_auth\.so' <<<"$dynamic"; }

c_recipes() {
    local work="$1"
    RECIPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    RECIPE_HOME="$work/home"
    RECIPE_CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
    RECIPE_RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
    local app="$work/app" prefix="$work/home/.local" out rc
    rm -rf "$RECIPE_HOME" "$app"
    mkdir -p "$RECIPE_HOME" "$app"
    cp "$RECIPE_ROOT/examples/c/hello.c" "$RECIPE_ROOT/examples/c/CMakeLists.txt" "$app/"
    printf '%s' '{"keys":[{"kty":"oct","kid":"k1","alg":"HS256","k":"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA"}]}' >"$app/keys.json"

    echo "== c: README recipe c-install (scripts/install-c.sh PROFILE=${PROFILE:-release})"
    if run_recipes "$RECIPE_ROOT" c-install >"$work/recipe-install.log" 2>&1; then
        pass "c-install: scripts/install-c.sh PREFIX=\$HOME/.local"
    else
        fail "c-install"; tail -20 "$work/recipe-install.log"; return
    fi
    local version soname
    version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$RECIPE_ROOT/Cargo.toml" | head -1)"
    soname="$(readelf -d "$prefix/lib/libairisk_auth.so" 2>/dev/null | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"
    if [ -f "$prefix/lib/libairisk_auth.so.$version" ] && [ -n "$soname" ] && [ -e "$prefix/lib/$soname" ] &&
        [ -f "$prefix/lib/libairisk_auth.a" ] && [ -f "$prefix/include/airisk_auth.h" ] &&
        [ -f "$prefix/include/airisk_auth.hpp" ] && [ -f "$prefix/lib/pkgconfig/airisk-auth.pc" ] &&
        [ -f "$prefix/lib/cmake/airisk_auth/airisk_authConfig.cmake" ]; then
        pass "installed: libairisk_auth.so.$version (SONAME $soname), .a, headers, .pc, CMake config"
    else
        fail "installed files: $(cd "$prefix" && find . -type f -o -type l | sort | tr '\n' ' ')"
    fi

    # A token for the examples, from tests/c/mint_now.c built the README's way.
    local token
    token="$(run_recipes "$app" c-install:exports \
        "run:cc '$RECIPE_ROOT/tests/c/mint_now.c' \$(pkg-config --cflags --libs airisk-auth) -o mint_now" \
        "run:./mint_now keys.json user_42" 2>"$work/mint.log")" || { fail "mint_now: $(cat "$work/mint.log")"; token=x; }
    export TOKEN="$token"

    echo "== c: README recipe c-shared (pkg-config, shared library)"
    out="$(run_recipes "$app" c-install:exports c-shared 2>&1)"
    rc=$?
    if [ "$rc" -eq 0 ] && [ "$out" = "userid: user_42" ] && needs_shared_lib "$app/hello"; then
        pass "c-shared: cc hello.c \$(pkg-config --cflags --libs airisk-auth); ./hello prints the userid"
    else
        fail "c-shared (exit $rc): $out"
    fi
    out="$(run_recipes "$app" c-install:exports "run:./hello keys.json not.a.token" 2>&1)"
    rc=$?
    if [ "$rc" -eq 1 ] && [ "$out" = "refused: MalformedToken (the token is not a well-formed compact JWS)" ]; then
        pass "hello refuses a bad token"
    else
        fail "hello on a bad token: exit $rc: $out"
    fi

    echo "== c: README recipes c-static-install, c-static (pkg-config --static, the archive alone)"
    if run_recipes "$RECIPE_ROOT" c-static-install >"$work/recipe-static.log" 2>&1; then
        out="$(run_recipes "$app" c-static-install:exports c-static 2>&1)"
        rc=$?
        if [ "$rc" -eq 0 ] && [ "$out" = "userid: user_42" ] && ! needs_shared_lib "$app/hello"; then
            pass "c-static: cc hello.c \$(pkg-config --static --cflags --libs airisk-auth), no libairisk_auth.so needed"
        else
            fail "c-static (exit $rc): $out"
        fi
    else
        fail "c-static-install"; tail -20 "$work/recipe-static.log"
    fi

    echo "== c: README recipe c-cmake (find_package(airisk_auth CONFIG))"
    out="$(run_recipes "$app" c-install:exports c-cmake 2>&1)"
    rc=$?
    if [ "$rc" -eq 0 ] && [ "$(printf '%s\n' "$out" | grep -c '^userid: user_42$')" -eq 2 ] &&
        needs_shared_lib "$app/build/hello" && ! needs_shared_lib "$app/build/hello_static"; then
        pass "c-cmake: airisk_auth::airisk_auth (shared) and airisk_auth::static"
    else
        fail "c-cmake (exit $rc): $(printf '%s\n' "$out" | tail -15)"
    fi
}
