#!/usr/bin/env bash
# Rust: formatting, lints and every test of the workspace (core, CLI, C ABI crate, Python crate, benches).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== rust: fmt" && cargo fmt --all -- --check
echo "== rust: clippy" && cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== rust: test" && cargo test --workspace --locked --no-fail-fast
