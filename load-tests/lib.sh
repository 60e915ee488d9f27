# Helpers shared by smoke.sh and bench.sh (sourced, not run).
# Servers started here are tracked by PID and stopped by stop_all_servers.

STARTED_PIDS=()

# A TCP port on 127.0.0.1 that is free right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server LOGFILE PORT CMD... : starts CMD in the background (its PID in
# SERVER_PID) and waits until PORT accepts connections; fails if it exits first.
start_server() {
    local logfile=$1 port=$2
    shift 2
    "$@" >"$logfile" 2>&1 &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
    local i
    for i in $(seq 1 100); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "server exited during startup: $*" >&2
            tail -20 "$logfile" >&2
            return 1
        fi
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "server did not listen on port $port within 10 s: $*" >&2
    return 1
}

# stop_server PID: SIGTERM, then SIGKILL after 5 s.
stop_server() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

stop_all_servers() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        stop_server "$pid"
    done
    STARTED_PIDS=()
}

# The RESULT json of a loadgen log.
result_of() {
    grep '^RESULT ' "$1" | tail -1 | cut -c8-
}
