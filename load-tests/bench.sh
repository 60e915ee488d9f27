#!/usr/bin/env bash
# The whole benchmark in one command; writes load-tests/RESULTS.md.
#
# actix-mcp and the reference relay (load-tests/relay) are measured in the same run,
# interleaved, each freshly started for every measurement, with the server pinned to
# core $SERVER_CORE (one HTTP worker) and the load generator to core $LOADGEN_CORE
# (one thread), both via taskset:
#   (a) 50 sessions x 200 sequential tools/call, (b) 500 sessions x 20, on legacy
#       HTTP+SSE, on Streamable HTTP (actix-mcp --response-mode json vs the relay's
#       JSON endpoint) and as 2026-07-28 stateless requests (50 / 500 clients, each
#       on its own connection, no session; actix-mcp (stateless on, the default) vs the same relay
#       JSON endpoint, which answers them like any POST); $RUNS runs each (default
#       5), medians;
#   (c) server VmRSS with 1,000 and 10,000 idle initialized sessions, legacy SSE and
#       Streamable; $IDLE_RUNS runs each (default 3), medians.
# Before each measurement it waits (up to $QUIET_WAIT s) for the machine to be
# quiet, since other processes on a 2-core box distort the figures; the CPU other
# processes used during each call phase is recorded, and a call measurement in
# which they used more than $NOISE_PCT % of a core is repeated (up to $ATTEMPTS).
#
# Servers and load generator also run at nice $NICE (default -10, when permitted) so
# that other processes disturb them less; both servers get the same treatment.
#
# Env: RUNS, IDLE_RUNS, IDLE_COUNTS ("1000 10000"), CALL_CELLS (which call cells,
# default all: "50x200-sse 50x200-streamable 50x200-stateless 500x20-sse ..."; for a
# focused comparison, with RESULTS pointing elsewhere), SERVER_CORE (0), LOADGEN_CORE
# (1), ATTEMPTS (3), NOISE_PCT (25), QUIET_WAIT (60), QUIET_PCT (busy % of the
# whole machine that counts as quiet, 15), NICE (-10; 0 to disable), RESULTS
# (output file, default load-tests/RESULTS.md).
# Raw logs and results.jsonl: target/load-tests/bench/<timestamp>/.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
cd "$REPO_ROOT"
# shellcheck source=load-tests/lib.sh
source "$SCRIPT_DIR/lib.sh"
trap stop_all_servers EXIT

RUNS="${RUNS:-5}"
IDLE_RUNS="${IDLE_RUNS:-3}"
IDLE_COUNTS="${IDLE_COUNTS:-1000 10000}"
CALL_CELLS="${CALL_CELLS:-50x200-sse 50x200-streamable 50x200-stateless 500x20-sse 500x20-streamable 500x20-stateless}"
SERVER_CORE="${SERVER_CORE:-0}"
LOADGEN_CORE="${LOADGEN_CORE:-1}"
QUIET_WAIT="${QUIET_WAIT:-60}"
NICE="${NICE:--10}"
ATTEMPTS="${ATTEMPTS:-3}"
NOISE_PCT="${NOISE_PCT:-25}"
QUIET_PCT="${QUIET_PCT:-15}"
RESULTS="${RESULTS:-$SCRIPT_DIR/RESULTS.md}"
OUT="target/load-tests/bench/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
JSONL="$OUT/results.jsonl"
: >"$JSONL"

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

command -v taskset >/dev/null || die "taskset not found (util-linux)"
(( $(nproc) >= 2 )) || die "needs 2 cores (server and load generator pinned apart)"

# File descriptors: the server and the load generator each hold one socket per
# idle legacy session, plus pools.
max_idle=0
for n in $IDLE_COUNTS; do (( n > max_idle )) && max_idle=$n; done
need=$(( max_idle + 1000 ))
if (( $(ulimit -n) < need )); then
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    (( $(ulimit -n) >= need )) || ulimit -n "$need" 2>/dev/null \
        || die "ulimit -n is $(ulimit -n); $max_idle idle sessions need $need (raise the hard limit)"
fi
log "ulimit -n $(ulimit -n)"

PRIO=()
if [[ $NICE != 0 ]] && nice -n "$NICE" true 2>/dev/null; then
    PRIO=(nice -n "$NICE")
fi
log "priority: ${PRIO[*]:-default}"

log "building (release)"
cargo build --release --locked --quiet -p actix-mcp
cargo build --release --locked --quiet -p loadgen -p relay
MCP="$REPO_ROOT/target/release/actix-mcp"
RELAY="$REPO_ROOT/target/release/relay"
LOADGEN="$REPO_ROOT/target/release/loadgen"

# Machine busy % (of all cores) over one second.
busy_pct() {
    local a b
    read -r -a a < <(head -1 /proc/stat)
    sleep 1
    read -r -a b < <(head -1 /proc/stat)
    local total=0 i
    for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
    local idle=$(( b[4] - a[4] + b[5] - a[5] ))
    echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}

NOISY_WAITS=0
wait_quiet() {
    local waited=0 busy
    while busy=$(busy_pct); (( busy > QUIET_PCT )); do
        if (( waited == 0 )); then log "machine busy (${busy}% of all cores); waiting up to ${QUIET_WAIT}s"; fi
        waited=$(( waited + 1 ))
        if (( waited >= QUIET_WAIT )); then
            log "still busy (${busy}%); measuring anyway"
            NOISY_WAITS=$(( NOISY_WAITS + 1 ))
            return 0
        fi
    done
}

# server_cmd KIND PORT KEEPALIVE SCENARIO: the pinned server command line: the default
# configuration (2026-07-28 stateless requests served beside sessions) in every cell.
server_cmd() {
    local kind=$1 port=$2 keepalive=$3
    case $kind in
        actix-mcp) echo "${PRIO[@]}" taskset -c "$SERVER_CORE" "$MCP" --port "$port" --workers 1 --log warn \
            --response-mode json --keep-alive-secs "$keepalive" ;;
        relay) echo "${PRIO[@]}" taskset -c "$SERVER_CORE" "$RELAY" --port "$port" --workers 1 --keep-alive-secs "$keepalive" ;;
    esac
}

# measure_once KIND SCENARIO RUN KEEPALIVE WARMUP LOADGEN-ARGS...: a fresh pinned
# server, an optional warm-up, one load-generator run, the server stopped; the
# result (JSON, with scenario/server/run/exit added) in MEASURED.
measure_once() {
    local kind=$1 scenario=$2 run=$3 keepalive=$4 warmup=$5
    shift 5
    local port logbase rc=0
    port=$(free_port)
    logbase="$OUT/$scenario-$kind-$run"
    # shellcheck disable=SC2046
    start_server "$logbase.server.log" "$port" $(server_cmd "$kind" "$port" "$keepalive" "$scenario") \
        || die "could not start $kind"
    local pid=$SERVER_PID url="http://127.0.0.1:$port"
    if [[ $warmup == warmup ]]; then
        "${PRIO[@]}" taskset -c "$LOADGEN_CORE" "$LOADGEN" --url "$url" "$@" --sessions 10 --calls 50 \
            --duration-limit 60 >"$logbase.warmup.log" 2>&1 || true
    fi
    wait_quiet
    "${PRIO[@]}" taskset -c "$LOADGEN_CORE" "$LOADGEN" --url "$url" --server-pid "$pid" --label "$scenario" "$@" \
        >"$logbase.log" 2>&1 || rc=$?
    stop_server "$pid"
    local result
    result=$(result_of "$logbase.log" || true)
    [[ -n $result ]] || result='{"errors": 1, "ok": false, "error_kinds": {"no-result": 1}}'
    MEASURED=$(python3 -c 'import json, sys
d = json.loads(sys.argv[1])
d.update(scenario=sys.argv[2], server=sys.argv[3], run=int(sys.argv[4]), exit=int(sys.argv[5]))
print(json.dumps(d))' "$result" "$scenario" "$kind" "$run" "$rc")
}

# measure ...: measure_once, repeated (up to $ATTEMPTS times) while other processes
# used more than $NOISE_PCT % of a core during the call phase; the last is kept.
measure() {
    local attempt other
    for attempt in $(seq 1 "$ATTEMPTS"); do
        measure_once "$@"
        other=$(python3 -c 'import json, sys; print(int(json.loads(sys.argv[1]).get("other_cpu_pct") or 0))' "$MEASURED")
        if (( other <= NOISE_PCT || attempt == ATTEMPTS )); then
            break
        fi
        log "$2 $1 run $3: other processes used ${other}% of a core; measuring again"
    done
    MEASURED=$(python3 -c 'import json, sys; d = json.loads(sys.argv[1]); d["attempts"] = int(sys.argv[2]); print(json.dumps(d))' "$MEASURED" "$attempt")
    echo "$MEASURED" >>"$JSONL"
    log "$2 $1 run $3: $(python3 "$SCRIPT_DIR/report.py" --line "$MEASURED")"
}

servers_in_order() {
    # Alternate who goes first, so neither always gets the warmer machine.
    if (( $1 % 2 )); then echo actix-mcp relay; else echo relay actix-mcp; fi
}

started=$SECONDS
for run in $(seq 1 "$RUNS"); do
    for shape in "50 200" "500 20"; do
        read -r sessions calls <<<"$shape"
        for transport in sse streamable stateless; do
            scenario="calls-${sessions}x${calls}-$transport"
            [[ " $CALL_CELLS " == *" ${scenario#calls-} "* ]] || continue
            for kind in $(servers_in_order "$run"); do
                measure "$kind" "$scenario" "$run" 15 warmup \
                    --transport "$transport" --mode json --threads 1 \
                    --sessions "$sessions" --calls "$calls" \
                    --duration-limit 120 --call-timeout 10
            done
        done
    done
done

for run in $(seq 1 "$IDLE_RUNS"); do
    for n in $IDLE_COUNTS; do
        for transport in sse streamable; do
            scenario="idle-$n-$transport"
            extra=()
            [[ $transport == sse ]] && extra=(--expect-keepalive)
            for kind in $(servers_in_order "$run"); do
                measure "$kind" "$scenario" "$run" 2 no-warmup \
                    --transport "$transport" --threads 1 --idle-sessions "$n" \
                    --hold-secs 5 --call-timeout 60 --duration-limit 300 "${extra[@]}"
            done
        done
    done
done
log "measurements took $(( SECONDS - started )) s"

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
dirty=$([[ -n "$(git status --porcelain 2>/dev/null)" ]] && echo " + uncommitted changes" || true)
findings=()
[[ -f $SCRIPT_DIR/FINDINGS.md ]] && findings=(--findings "$SCRIPT_DIR/FINDINGS.md")
python3 "$SCRIPT_DIR/report.py" "$JSONL" \
    --commit "$commit$dirty" \
    --nproc "$(nproc)" \
    --cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
    --kernel "$(uname -srm)" \
    --memory "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)" \
    --rustc "$(rustc --version)" \
    --runs "$RUNS" --idle-runs "$IDLE_RUNS" --priority "${PRIO[*]:-default}" \
    --noisy-waits "$NOISY_WAITS" \
    "${findings[@]}" \
    --raw "$JSONL" >"$RESULTS"
log "wrote $RESULTS (raw: $OUT)"
