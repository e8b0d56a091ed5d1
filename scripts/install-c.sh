#!/usr/bin/env bash
# Builds libairisk_auth with cargo-c (`cargo cinstall`) and installs it for C/C++ projects:
#   PREFIX/lib/libairisk_auth.so.X.Y.Z, its SONAME link and libairisk_auth.so,
#   PREFIX/lib/libairisk_auth.a,
#   PREFIX/include/airisk_auth.h, PREFIX/include/airisk_auth.hpp (and airisk_auth_keys.hpp,
#   airisk_auth_store.hpp, which it includes),
#   PREFIX/lib/pkgconfig/airisk-auth.pc (Libs.private: what a static link needs),
#   PREFIX/lib/cmake/airisk_auth/airisk_auth{Config,ConfigVersion}.cmake
# so that `cc app.c $(pkg-config --cflags --libs airisk-auth)` works with
# PKG_CONFIG_PATH=PREFIX/lib/pkgconfig, and `find_package(airisk_auth CONFIG)` with
# CMAKE_PREFIX_PATH=PREFIX (targets airisk_auth::shared, airisk_auth::static,
# airisk_auth::airisk_auth).
#
# Usage: scripts/install-c.sh PREFIX=/some/dir [DESTDIR=/staging] [PROFILE=release|dev]
#                             [LIBS=both|shared|static] [FEATURES=...]
#        scripts/install-c.sh uninstall PREFIX=/some/dir [DESTDIR=/staging]
#    (or the same settings as environment variables)
# DESTDIR stages the files under DESTDIR/PREFIX (for packagers); the .pc and CMake files
# still name PREFIX. LIBS=static installs the archive alone, so that
# `pkg-config --static --libs airisk-auth` gives a fully static link of the library.
# Installs cargo-c (`cargo install cargo-c --locked`, version $CARGO_C_VERSION) when
# `cargo cinstall` is missing.
set -euo pipefail
action=install
for arg in "$@"; do
    case "$arg" in
        install | uninstall) action="$arg" ;;
        PREFIX=* | DESTDIR=* | PROFILE=* | LIBS=* | FEATURES=*) export "${arg?}" ;;
        *)
            echo "install-c: unknown argument $arg (want [uninstall] PREFIX=... DESTDIR=... PROFILE=... LIBS=... FEATURES=...)" >&2
            exit 2
            ;;
    esac
done
: "${PREFIX:?set PREFIX=/install/dir}"
DESTDIR="${DESTDIR:-}"
PROFILE="${PROFILE:-release}"
LIBS="${LIBS:-both}"
FEATURES="${FEATURES:-}"
# The newest cargo-c that builds with the workspace's toolchain (0.10.25 on need rustc 1.97).
CARGO_C_VERSION="${CARGO_C_VERSION:-0.10.24}"
# A relative PREFIX or DESTDIR is taken from the caller's directory.
case "$PREFIX" in /*) ;; *) PREFIX="$PWD/$PREFIX" ;; esac
case "$DESTDIR" in /* | "") ;; *) DESTDIR="$PWD/$DESTDIR" ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
stage="$DESTDIR$PREFIX"

if [ "$action" = uninstall ]; then
    # Exactly the files an install puts there; directories only when left empty.
    rm -f "$stage"/lib/libairisk_auth.so "$stage"/lib/libairisk_auth.so.* "$stage/lib/libairisk_auth.a" \
        "$stage/include/airisk_auth.h" "$stage/include/airisk_auth.hpp" \
        "$stage/include/airisk_auth_keys.hpp" "$stage/include/airisk_auth_store.hpp" \
        "$stage/lib/pkgconfig/airisk-auth.pc" \
        "$stage/lib/cmake/airisk_auth/airisk_authConfig.cmake" \
        "$stage/lib/cmake/airisk_auth/airisk_authConfigVersion.cmake"
    rmdir "$stage/lib/cmake/airisk_auth" "$stage/lib/cmake" "$stage/lib/pkgconfig" 2>/dev/null || true
    echo "install-c: airisk-auth removed from $stage"
    exit 0
fi

if ! cargo cinstall --version >/dev/null 2>&1; then
    echo "install-c: installing cargo-c $CARGO_C_VERSION (cargo install cargo-c --locked)" >&2
    # A build tool needs no speed: unoptimised, many codegen units, no LTO, no debug info
    # builds it in a fraction of the release time (this once; cargo cinstall then spends
    # its time on our library, built with our own release profile).
    CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 \
        CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_INCREMENTAL=false \
        cargo install cargo-c --locked --version "$CARGO_C_VERSION"
fi

case "$LIBS" in
    both) library_types=(--library-type cdylib --library-type staticlib) ;;
    shared) library_types=(--library-type cdylib) ;;
    static) library_types=(--library-type staticlib) ;;
    *) echo "install-c: LIBS=$LIBS: want both, shared or static" >&2; exit 2 ;;
esac
case "$PROFILE" in
    release) profile=(--release) ;;
    *) profile=(--profile "$PROFILE") ;;
esac

# --libdir lib: cargo-c would pick lib/<triplet> on Debian; the .pc and CMake files
# name PREFIX/lib. --target pins the build directory (target/<triple>/<profile>),
# which cargo-c keeps apart from plain `cargo build` anyway.
triple="$(rustc -vV | sed -n 's/^host: //p')"
cargo cinstall --locked -p airisk-auth-c "${profile[@]}" "${library_types[@]}" \
    --target "$triple" --prefix "$PREFIX" --libdir lib ${DESTDIR:+--destdir "$DESTDIR"} \
    ${FEATURES:+--features "$FEATURES"}

version="$(sed -n 's/^Version: //p' "$stage/lib/pkgconfig/airisk-auth.pc")"
major="${version%%.*}"
minor="${version#*.}"
minor="${minor%%.*}"
if [ "$major" = 0 ]; then soname="libairisk_auth.so.0.$minor"; else soname="libairisk_auth.so.$major"; fi
# The system libraries of a static link, as cargo-c found them (rustc's native-static-libs).
static_libs="$(sed -n 's/^Libs.private: //p' "$stage/lib/pkgconfig/airisk-auth.pc")"
if [ "$LIBS" = static ]; then
    static_libs="$(sed -n 's/^Libs: //p' "$stage/lib/pkgconfig/airisk-auth.pc" | sed 's/-L[^ ]*//g; s/-lairisk_auth\b//g')"
fi
cmake_libs="$(for flag in $static_libs; do printf '%s;' "${flag#-l}"; done)"
cmake_libs="${cmake_libs%;}"

pointer_bytes=$(($(rustc --print cfg --target "$triple" | sed -n 's/^target_pointer_width="\(.*\)"/\1/p') / 8))
mkdir -p "$stage/lib/cmake/airisk_auth"
for file in airisk_authConfig airisk_authConfigVersion; do
    sed -e "s|@VERSION@|$version|g" -e "s|@VERSION_MAJOR@|$major|g" -e "s|@VERSION_MINOR@|$minor|g" \
        -e "s|@SONAME@|$soname|g" -e "s|@STATIC_LIBS@|$cmake_libs|g" -e "s|@SIZEOF_VOID_P@|$pointer_bytes|g" \
        "cmake/$file.cmake.in" >"$stage/lib/cmake/airisk_auth/$file.cmake"
done
echo "install-c: airisk-auth $version installed in $stage${DESTDIR:+ (for PREFIX=$PREFIX)}"
