#!/usr/bin/env bash
# A few-seconds smoke of the load-testing tools against live servers: every k6
# script (short settings) and the load generator on both transports and in
# 2026-07-28 stateless mode (plus a tiny idle-sessions run), against actix-mcp
# started here on free loopback ports (and the reference relay, briefly). No throughput assertions: every check must pass.
# Installs k6 (install-k6.sh) and builds what it needs; exits non-zero on any
# failure; stops every server it started, even on failure.
#
# PROFILE=debug (the default; what the test command uses, reusing its builds) or
# PROFILE=release. Logs: target/load-tests/smoke/. Takes ~30 s once things are built.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
cd "$REPO_ROOT"
# shellcheck source=load-tests/lib.sh
source "$SCRIPT_DIR/lib.sh"
trap stop_all_servers EXIT

log() { echo "smoke: $*" >&2; }

K6="$(bash "$SCRIPT_DIR/install-k6.sh")"
PROFILE="${PROFILE:-debug}"
case $PROFILE in
    debug) BUILD_FLAGS=() ;;
    release) BUILD_FLAGS=(--release) ;;
    *) echo "smoke: PROFILE must be debug or release" >&2; exit 2 ;;
esac
log "building ($PROFILE)"
cargo build "${BUILD_FLAGS[@]}" --locked --quiet -p actix-mcp -p loadgen -p relay
MCP=target/$PROFILE/actix-mcp
LOADGEN=target/$PROFILE/loadgen
RELAY=target/$PROFILE/relay

LOGDIR=target/load-tests/smoke
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"

# A: default (auto) response mode; short keep-alives, and an init timeout that ends
#    the soak's uninitialized streams after SOAK_HOLD seconds; stateless on (the
#    default), so the stateless steps run beside sessions on the same server.
# B: --response-mode sse, --stateless false (a stateless client must fail there).
# C: the relay.
SOAK_HOLD=4
PORT_A=$(free_port)
start_server "$LOGDIR/server-a.log" "$PORT_A" "$MCP" --port "$PORT_A" --log warn \
    --keep-alive-secs 1 --init-timeout-secs "$SOAK_HOLD"
PID_A=$SERVER_PID
PORT_B=$(free_port)
start_server "$LOGDIR/server-b.log" "$PORT_B" "$MCP" --port "$PORT_B" --log warn --response-mode sse \
    --stateless false
PORT_C=$(free_port)
start_server "$LOGDIR/relay.log" "$PORT_C" "$RELAY" --port "$PORT_C" --workers 1
A="http://127.0.0.1:$PORT_A"
B="http://127.0.0.1:$PORT_B"
C="http://127.0.0.1:$PORT_C"

FAILED=()
# step NAME CMD...: runs CMD (bounded by `timeout`), logs to $LOGDIR/NAME.log.
# With EXPECT=fail in the environment of the call, CMD must exit 1 instead.
step() {
    local name=$1 started=$SECONDS rc=0
    shift
    timeout 90 "$@" >"$LOGDIR/$name.log" 2>&1 || rc=$?
    if [[ "${EXPECT:-pass}" == fail ]]; then
        [[ $rc == 1 ]] && rc=0 || rc=${rc/#0/no-failure}
    fi
    if [[ $rc == 0 ]]; then
        log "ok   $name ($((SECONDS - started)) s)"
    else
        log "FAIL $name (exit $rc), log $LOGDIR/$name.log:"
        tail -25 "$LOGDIR/$name.log" >&2
        FAILED+=("$name")
    fi
}

LG=("$LOADGEN" --duration-limit 30 --call-timeout 5)
# No throughput assertions: latency thresholds only catch hangs.
LOOSE=(P95_MS=2000 P99_MS=5000)
step k6-streamable-json env "${LOOSE[@]}" MCP_URL="$A" MODE=json SMOKE=1 "$K6" run --quiet --no-color load-tests/k6/streamable.js
step k6-streamable-sse env "${LOOSE[@]}" MCP_URL="$B" MODE=sse SMOKE=1 "$K6" run --quiet --no-color load-tests/k6/streamable.js
step k6-stateless env "${LOOSE[@]}" MCP_URL="$A" MODE=json SMOKE=1 "$K6" run --quiet --no-color load-tests/k6/stateless.js
step k6-sse-soak env "${LOOSE[@]}" MCP_URL="$A" SMOKE=1 HOLD_SECS="$SOAK_HOLD" KEEPALIVE_SECS=1 "$K6" run --quiet --no-color load-tests/k6/sse_soak.js
step loadgen-sse "${LG[@]}" --url "$A" --transport sse --sessions 5 --calls 20 --server-pid "$PID_A"
step loadgen-streamable-json "${LG[@]}" --url "$A" --transport streamable --mode json --sessions 5 --calls 20
step loadgen-streamable-sse "${LG[@]}" --url "$B" --transport streamable --mode sse --sessions 5 --calls 20
step loadgen-stateless "${LG[@]}" --url "$A" --transport stateless --mode json --sessions 5 --calls 20 --server-pid "$PID_A"
step loadgen-idle-sse "${LG[@]}" --url "$A" --transport sse --idle-sessions 20 --hold-secs 1.5 --expect-keepalive --server-pid "$PID_A"
step loadgen-idle-streamable "${LG[@]}" --url "$A" --transport streamable --idle-sessions 20 --hold-secs 0.5 --server-pid "$PID_A"
EXPECT=fail step loadgen-wrong-mode-is-an-error "${LG[@]}" --url "$B" --transport streamable --mode json --sessions 1 --calls 1
EXPECT=fail step loadgen-stateless-without-the-flag-is-an-error "${LG[@]}" --url "$B" --transport stateless --sessions 1 --calls 1
step relay-sse "${LG[@]}" --url "$C" --transport sse --sessions 5 --calls 20
step relay-streamable "${LG[@]}" --url "$C" --transport streamable --sessions 5 --calls 20
step relay-stateless "${LG[@]}" --url "$C" --transport stateless --sessions 5 --calls 20

if ((${#FAILED[@]})); then
    log "FAILED: ${FAILED[*]}"
    exit 1
fi
log "all load-test smoke checks passed"
