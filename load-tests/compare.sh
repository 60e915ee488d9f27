#!/usr/bin/env bash
# Before/after figures for a change: several builds of actix-mcp and the reference
# relay, measured alternately in the same run (server pinned to core 0 with one
# HTTP worker, load generator to core 1), medians of $RUNS runs.
#
#   bash load-tests/compare.sh before=ff0a6a8 after=HEAD
#   bash load-tests/compare.sh after=HEAD experiment=/tmp/actix-mcp-patched
#
# Each NAME=WHAT: WHAT is an executable, or a git revision, which is built (release)
# from a detached worktree under $REVS_DIR (default ${TMPDIR:-/tmp}/actix-mcp-revs:
# outside this repository, or Cargo would take it for a member of this workspace);
# the binaries are kept in target/load-tests/revs/. The relay is always added.
# Env: TRANSPORT (sse | streamable; default sse), SESSIONS (50), CALLS (200),
# RUNS (5), SERVER_CORE (0), LOADGEN_CORE (1).
# Prints one line per measurement, then a table of medians with ratios against the
# relay. Context switches per call (all the server's threads) is the figure other
# processes on the machine disturb least; calls/s and CPU time swing with them.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
cd "$REPO_ROOT"
# shellcheck source=load-tests/lib.sh
source "$SCRIPT_DIR/lib.sh"
trap stop_all_servers EXIT

TRANSPORT="${TRANSPORT:-sse}"
SESSIONS="${SESSIONS:-50}"
CALLS="${CALLS:-200}"
RUNS="${RUNS:-5}"
SERVER_CORE="${SERVER_CORE:-0}"
LOADGEN_CORE="${LOADGEN_CORE:-1}"
OUT="target/load-tests/compare/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

log() { echo "compare: $*" >&2; }
die() { echo "compare: error: $*" >&2; exit 1; }
(($# > 0)) || die "usage: compare.sh NAME=REV_OR_BINARY ..."

cargo build --release --locked --quiet -p loadgen -p relay
LOADGEN="$REPO_ROOT/target/release/loadgen"

# binary_for WHAT: an executable as is, or the actix-mcp binary built at revision WHAT.
binary_for() {
    local what=$1
    if [[ -f $what && -x $what ]]; then
        echo "$what"
        return
    fi
    local commit dir bin
    commit=$(git rev-parse --verify --quiet "$what^{commit}") || die "$what is neither an executable nor a git revision"
    dir="${REVS_DIR:-${TMPDIR:-/tmp}/actix-mcp-revs}/$commit"
    bin="$REPO_ROOT/target/load-tests/revs/$commit.bin"
    mkdir -p "$REPO_ROOT/target/load-tests/revs"
    if [[ ! -x $bin ]]; then
        log "building actix-mcp at $what ($commit)"
        [[ -d $dir ]] || git worktree add --detach --force "$dir" "$commit" >&2
        # One target dir for every revision: dependencies are built once.
        CARGO_TARGET_DIR="$REPO_ROOT/target/load-tests/revs-target" \
            cargo build --release --locked --quiet --manifest-path "$dir/Cargo.toml" -p actix-mcp --bin actix-mcp
        cp "$REPO_ROOT/target/load-tests/revs-target/release/actix-mcp" "$bin"
    fi
    [[ -x $bin ]] || die "no binary for $what"
    echo "$bin"
}

NAMES=()
declare -A BINARY
for spec in "$@"; do
    [[ $spec == *=* ]] || die "$spec: expected NAME=REV_OR_BINARY"
    name=${spec%%=*}
    NAMES+=("$name")
    BINARY[$name]=$(binary_for "${spec#*=}") || exit 1
done
NAMES+=(relay)
BINARY[relay]="$REPO_ROOT/target/release/relay"

MODE_ARGS=()
[[ $TRANSPORT == streamable ]] && MODE_ARGS=(--mode json)
JSONL="$OUT/results.jsonl"
: >"$JSONL"

for run in $(seq 1 "$RUNS"); do
    # Rotate who goes first, so no build always gets the warmer machine.
    order=("${NAMES[@]:run % ${#NAMES[@]}}" "${NAMES[@]:0:run % ${#NAMES[@]}}")
    for name in "${order[@]}"; do
        port=$(free_port)
        server=(taskset -c "$SERVER_CORE" "${BINARY[$name]}" --port "$port" --workers 1)
        [[ $name == relay ]] || server+=(--log warn --response-mode json)
        start_server "$OUT/$name-$run.server.log" "$port" "${server[@]}"
        url="http://127.0.0.1:$port"
        taskset -c "$LOADGEN_CORE" "$LOADGEN" --url "$url" --transport "$TRANSPORT" "${MODE_ARGS[@]}" \
            --sessions 10 --calls 50 >"$OUT/$name-$run.warmup.log" 2>&1 || true
        rc=0
        taskset -c "$LOADGEN_CORE" "$LOADGEN" --url "$url" --transport "$TRANSPORT" "${MODE_ARGS[@]}" \
            --sessions "$SESSIONS" --calls "$CALLS" --server-pid "$SERVER_PID" \
            >"$OUT/$name-$run.log" 2>&1 || rc=$?
        stop_server "$SERVER_PID"
        result=$(result_of "$OUT/$name-$run.log" || true)
        [[ -n $result && $rc == 0 ]] || die "$name run $run failed (exit $rc); see $OUT/$name-$run.log"
        python3 -c 'import json, sys
d = json.loads(sys.argv[1]); d.update(name=sys.argv[2], run=int(sys.argv[3]))
print(json.dumps(d))' "$result" "$name" "$run" >>"$JSONL"
        log "$name run $run: $(python3 "$SCRIPT_DIR/report.py" --line "$result")"
    done
done

python3 - "$JSONL" "${NAMES[@]}" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
names = sys.argv[2:]
def med(name, key):
    values = [key(r) for r in rows if r["name"] == name]
    return statistics.median(values)
cps = lambda r: r["calls_per_sec"]
p99 = lambda r: r["latency_ms"]["p99"]
cpu = lambda r: r["server_cpu_pct"] / 100 * r["call_secs"] / r["calls_ok"] * 1e6
switches = lambda r: r.get("server_switches_per_call") or 0
ref = {"cps": med("relay", cps), "p99": med("relay", p99), "cpu": med("relay", cpu)}
first = rows[0]
print(f"\n{first['transport']}, {first['sessions']} sessions x {first['calls_per_session']} calls, "
      f"medians of {max(r['run'] for r in rows)} runs\n")
print("| build | calls/s | × relay | p99 ms | × relay | server CPU µs/call | × relay | context switches/call |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for name in names:
    c, p, u = med(name, cps), med(name, p99), med(name, cpu)
    print(f"| {name} | {c:,.0f} | {c / ref['cps']:.2f} | {p:.2f} | {p / ref['p99']:.2f} | "
          f"{u:.1f} | {u / ref['cpu']:.2f} | {med(name, switches):.3f} |")
PY
log "raw results: $JSONL"
