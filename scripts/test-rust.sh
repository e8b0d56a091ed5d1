#!/usr/bin/env bash
# Rust: formatting, lints, the API docs (every intra-doc link must resolve: -D warnings)
# and every test of the workspace (core, CLI, C ABI crate, Python crate, benches).
# Lints and tests run on the builds with every optional part (the CLI's server and Redis
# store, the C library's and the Python module's stores), then on the default builds of
# the crates that have such features (what `cargo install`, install-c.sh and pip build:
# the stand-ins that refuse, naming the feature).
set -euo pipefail
cd "$(dirname "$0")/.."
full=airisk-auth-cli/full,airisk-auth-c/redis,airisk-auth-c/postgres,airisk-auth-python/redis,airisk-auth-python/postgres
defaults=(-p airisk-auth-cli -p airisk-auth-c -p airisk-auth-python)
echo "== rust: fmt" && cargo fmt --all -- --check
echo "== rust: clippy" && cargo clippy --workspace --all-targets --locked --features "$full" -- -D warnings
echo "== rust: clippy (default features)" && cargo clippy "${defaults[@]}" --all-targets --locked -- -D warnings
echo "== rust: doc" && RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
echo "== rust: test" && cargo test --workspace --locked --no-fail-fast --features airisk-auth-cli/full
echo "== rust: test (the CLI's default features)" && cargo test -p airisk-auth-cli --locked --no-fail-fast
