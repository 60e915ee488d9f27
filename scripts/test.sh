#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (the official
# Python and TypeScript MCP SDK clients, Node 22, the conformance suite — all into
# target/test-deps), then lints, runs every test, runs the conformance suite, and a
# few-seconds smoke of the k6 scripts and the load generator (load-tests/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-test-deps.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --all-targets --locked
cargo test --doc --locked
# The official MCP conformance suite, every active server scenario.
bash scripts/run-conformance.sh
# The k6 scripts and the load generator against live servers (no throughput checks).
bash load-tests/smoke.sh
