#!/usr/bin/env bash
# Where does actix-mcp's time go, compared with the relay? Samples each server
# (pinned to core 0, one worker) with `perf record -e cpu-clock --call-graph dwarf`
# while the load generator (core 1) runs CALLS calls on each transport, counts its
# syscalls with `strace -c -f` on a shorter run, and prints µs of server CPU per
# call by bucket (perf_summary.py). Needs perf (Debian: linux-perf) and strace.
# Output: target/load-tests/profile/. Env: SESSIONS (50), CALLS (600 per session).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
cd "$REPO_ROOT"
# shellcheck source=load-tests/lib.sh
source "$SCRIPT_DIR/lib.sh"
trap stop_all_servers EXIT

SESSIONS="${SESSIONS:-50}"
CALLS="${CALLS:-600}"
OUT=target/load-tests/profile
mkdir -p "$OUT"
command -v perf >/dev/null || { echo "profile: perf not found (Debian: apt-get install linux-perf)" >&2; exit 1; }

cargo build --release --locked --quiet -p actix-mcp
cargo build --release --locked --quiet -p loadgen -p relay
LOADGEN=target/release/loadgen

profile_server() {
    local kind=$1 port pid
    shift
    port=$(free_port)
    start_server "$OUT/$kind.server.log" "$port" taskset -c 0 "$@" --port "$port" --workers 1
    pid=$SERVER_PID
    for transport in sse streamable; do
        local name="$kind-$transport" url="http://127.0.0.1:$port"
        taskset -c 1 "$LOADGEN" --url "$url" --transport "$transport" --sessions 10 --calls 50 >/dev/null
        perf record -q -e cpu-clock -F 1999 --call-graph dwarf,16384 -p "$pid" -o "$OUT/$name.perf.data" \
            2>"$OUT/$name.perf.log" &
        local perf_pid=$!
        sleep 0.5
        taskset -c 1 "$LOADGEN" --url "$url" --transport "$transport" --sessions "$SESSIONS" --calls "$CALLS" \
            --server-pid "$pid" --duration-limit 120 | sed -n 3p | sed "s/^/$name: /"
        kill -INT "$perf_pid"
        wait "$perf_pid" || true
        perf script -i "$OUT/$name.perf.data" -F tid,comm,ip,sym 2>/dev/null >"$OUT/$name.script"
        if command -v strace >/dev/null; then
            timeout 120 strace -c -f -p "$pid" -o "$OUT/$name.strace.txt" 2>/dev/null &
            local strace_pid=$!
            sleep 0.5
            taskset -c 1 "$LOADGEN" --url "$url" --transport "$transport" --sessions 50 --calls 100 >/dev/null
            sleep 0.2
            kill -INT "$strace_pid"
            wait "$strace_pid" || true
            echo "$name: syscalls per call (strace, 5000 calls):" \
                "$(awk '$NF ~ /^(sendto|recvfrom|write|read|epoll_wait|futex)$/ {printf "%s %.2f  ", $NF, $4 / 5000}' "$OUT/$name.strace.txt")"
        fi
    done
    stop_server "$pid"
}

profile_server actix-mcp target/release/actix-mcp --log warn --response-mode json
profile_server relay target/release/relay
python3 "$SCRIPT_DIR/perf_summary.py" "$((SESSIONS * CALLS))" \
    "mcp-sse=$OUT/actix-mcp-sse.script" "relay-sse=$OUT/relay-sse.script" \
    "mcp-streamable=$OUT/actix-mcp-streamable.script" "relay-streamable=$OUT/relay-streamable.script"
