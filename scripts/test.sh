#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (the
# official Python MCP SDK into target/test-deps), then lints and runs every test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-test-deps.sh
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked
cargo test --doc --locked
