#!/usr/bin/env bash
# Rust: formatting, lints, the API docs (every intra-doc link must resolve: -D warnings)
# and every test of the workspace (core, CLI, C ABI crate, Python crate, benches).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== rust: fmt" && cargo fmt --all -- --check
echo "== rust: clippy" && cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== rust: doc" && RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
echo "== rust: test" && cargo test --workspace --locked --no-fail-fast
