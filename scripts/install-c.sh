#!/usr/bin/env bash
# Builds libairisk_auth and installs it for C/C++ projects:
#   PREFIX/lib/libairisk_auth.so, PREFIX/lib/libairisk_auth.a,
#   PREFIX/include/airisk_auth.h, PREFIX/include/airisk_auth.hpp (and airisk_auth_keys.hpp, airisk_auth_store.hpp, which it includes),
#   PREFIX/lib/pkgconfig/airisk-auth.pc
# so that `cc app.c $(pkg-config --cflags --libs airisk-auth)` works with
# PKG_CONFIG_PATH=PREFIX/lib/pkgconfig (and, for the shared library at run time,
# LD_LIBRARY_PATH=PREFIX/lib unless PREFIX/lib is a system library directory).
#
# Usage: scripts/install-c.sh PREFIX=/some/dir [PROFILE=release|dev] [FEATURES=...]
#    or: PREFIX=/some/dir scripts/install-c.sh
set -euo pipefail
for arg in "$@"; do
    case "$arg" in
        PREFIX=*|PROFILE=*|FEATURES=*) export "${arg?}" ;;
        *) echo "install-c: unknown argument $arg (want PREFIX=... PROFILE=... FEATURES=...)" >&2; exit 2 ;;
    esac
done
: "${PREFIX:?set PREFIX=/install/dir}"
PROFILE="${PROFILE:-release}"
FEATURES="${FEATURES:-}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

cargo build -p airisk-auth-c --profile "$PROFILE" ${FEATURES:+--features "$FEATURES"}
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$PROFILE" in dev) out="$target_dir/debug" ;; *) out="$target_dir/$PROFILE" ;; esac

version="$(sed -n 's/^#define AIRISK_AUTH_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' include/airisk_auth.h | paste -sd. -)"
mkdir -p "$PREFIX/lib/pkgconfig" "$PREFIX/include"
# The shared library under its full version, with the SONAME link (set by
# bindings/c/build.rs) for the loader and the unversioned link for the linker.
soname="$(objdump -p "$out/libairisk_auth.so" 2>/dev/null | sed -n 's/^ *SONAME *//p')"
soname="${soname:-libairisk_auth.so}"
install -m 0755 "$out/libairisk_auth.so" "$PREFIX/lib/libairisk_auth.so.$version"
rm -f "$PREFIX/lib/libairisk_auth.so"
ln -sf "libairisk_auth.so.$version" "$PREFIX/lib/libairisk_auth.so"
if [ "$soname" != "libairisk_auth.so" ] && [ "$soname" != "libairisk_auth.so.$version" ]; then
    ln -sf "libairisk_auth.so.$version" "$PREFIX/lib/$soname"
fi
install -m 0644 "$out/libairisk_auth.a" "$PREFIX/lib/libairisk_auth.a"
install -m 0644 include/airisk_auth.h include/airisk_auth.hpp include/airisk_auth_keys.hpp include/airisk_auth_store.hpp "$PREFIX/include/"
prefix_abs="$(cd "$PREFIX" && pwd)"
sed -e "s|@PREFIX@|$prefix_abs|" -e "s|@VERSION@|$version|" bindings/c/airisk-auth.pc.in \
    > "$PREFIX/lib/pkgconfig/airisk-auth.pc"
echo "install-c: airisk-auth $version installed in $prefix_abs"
