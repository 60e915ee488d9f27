#!/usr/bin/env bash
# Builds the `everything` example (every fixture the suite's scenarios call), serves it
# on a free loopback port, and runs the official MCP conformance suite's active server
# scenarios against its /mcp endpoint (scripts/conformance.sh). Exits with the suite's
# status; the server is stopped on every exit path.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cargo build --locked --example everything
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target/debug/examples/everything --port "$port" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        break
    fi
    sleep 0.1
done
# localhost, not 127.0.0.1: the dns-rebinding scenario needs a loopback *name*.
bash scripts/conformance.sh "http://localhost:$port/mcp"
