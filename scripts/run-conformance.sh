#!/usr/bin/env bash
# Builds the `everything` example (every fixture the suite's scenarios call), serves it
# on a free loopback port, and runs the official MCP conformance suite against its /mcp
# endpoint (scripts/conformance.sh), with both pinned versions:
#
#  1. 0.1.16, the active server suite (the stateful revisions; must pass outright);
#  2. 0.2.0-alpha.12, `--suite active` (the same wire, the newer suite);
#  3. 0.2.0-alpha.12, `--requirements 2026-07-28`: the scenarios the stateless revision
#     requires, at its wire;
#  4. 0.2.0-alpha.12, every server scenario that run 3 also runs but does not score (the
#     pending http-header-validation, http-custom-header-server-validation and
#     json-schema-2020-12, and the tasks-* extension), one `--scenario` at a time at the
#     2026-07-28 wire, exactly as run 3 runs them (`--spec-version 2026-07-28 --force`).
#     They get their own runs because in run 3 they cannot fail the run, and the CLI
#     applies --expected-failures to scored scenarios only.
#
# Runs 2-4 pass a baseline of known failures (tests/conformance/expected-failures-*.yaml;
# the CLI's --expected-failures): a failing check not in it fails the run, and so does a
# listed one that passes (the entry is stale), so the baseline can only shrink as features
# land. Run 4 prints one summary line per scenario (its full output goes to a log, shown
# when that scenario's run fails). Every run happens even if an earlier one failed; exits
# non-zero if any failed. The server is stopped on every exit path.
#
# Env: PROFILE=debug (default: reuses the test command's build) or release; PORT (default:
# a free one). Results (checks.json per scenario, logs): target/conformance/results/<run>/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

V01=0.1.16
V02=0.2.0-alpha.12
REVISION=2026-07-28
# Absolute: scripts/conformance.sh runs the CLI from target/conformance.
BASELINES="$PWD/tests/conformance"
RESULTS="$PWD/target/conformance/results"

PROFILE="${PROFILE:-debug}"
case $PROFILE in
    debug) cargo build --locked --example everything ;;
    release) cargo build --locked --release --example everything ;;
    *) echo "run-conformance: PROFILE must be debug or release" >&2; exit 2 ;;
esac
port="${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
"target/$PROFILE/examples/everything" --port "$port" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        break
    fi
    sleep 0.1
done
# localhost, not 127.0.0.1: the dns-rebinding scenario needs a loopback *name*.
url="http://localhost:$port/mcp"

failed=()
summary=()
# run NAME VERSION ARGS...: one scripts/conformance.sh run, its results in $RESULTS/NAME.
run() {
    local name=$1 version=$2 started=$SECONDS rc=0
    shift 2
    echo "=== conformance $version: $name ===" >&2
    rm -rf "${RESULTS:?}/$name"
    CONFORMANCE_VERSION=$version bash scripts/conformance.sh "$url" -o "$RESULTS/$name" "$@" || rc=$?
    ((rc == 0)) || failed+=("$name")
    summary+=("$(printf '%-4s %-28s %s (%d s)' "$([[ $rc == 0 ]] && echo ok || echo FAIL)" "$name" "$version $*" $((SECONDS - started)))")
}

run active-0.1.16 "$V01" --suite active
run active-0.2 "$V02" --suite active --expected-failures "$BASELINES/expected-failures-active.yaml"
run "requirements-$REVISION" "$V02" --requirements "$REVISION" \
    --expected-failures "$BASELINES/expected-failures-$REVISION.yaml"

# Run 4: the not-scored server scenarios, as the pinned CLI lists them.
started=$SECONDS
mapfile -t not_scored < <(CONFORMANCE_VERSION=$V02 bash scripts/conformance.sh --cli list --requirements "$REVISION" |
    sed -n 's/^    - \(.*\) \[server\]$/\1/p')
((${#not_scored[@]})) || { echo "run-conformance: no not-scored server scenarios listed for $REVISION" >&2; exit 1; }
name="not-scored-$REVISION"
rm -rf "${RESULTS:?}/$name"
mkdir -p "$RESULTS/$name"
echo "=== conformance $V02: $name (${#not_scored[@]} scenarios, one at a time) ===" >&2
bad=()
for scenario in "${not_scored[@]}"; do
    log="$RESULTS/$name/$scenario.log"
    rc=0
    CONFORMANCE_VERSION=$V02 bash scripts/conformance.sh "$url" -o "$RESULTS/$name" \
        --scenario "$scenario" --spec-version "$REVISION" --force \
        --expected-failures "$BASELINES/expected-failures-$REVISION.yaml" >"$log" 2>&1 || rc=$?
    # The CLI's own lines: "Passed: x/y, n failed, w warnings" and its baseline verdict.
    out=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
    checks=$(sed -n 's/^Passed: //p' <<<"$out" | tail -1)
    if ((rc == 0)); then
        verdict="as the baseline expects"
        [[ $out == *"Expected failures (in baseline)"* ]] && verdict="failures all in the baseline"
        echo "  ok   $scenario: ${checks:-no checks line} - $verdict" >&2
    else
        bad+=("$scenario")
        echo "  FAIL $scenario: ${checks:-no checks line} (exit $rc); its output:" >&2
        cat "$log" >&2
    fi
done
echo "$name: ${#not_scored[@]} scenarios, $((${#not_scored[@]} - ${#bad[@]})) as the baseline expects, ${#bad[@]} not${bad[*]:+: ${bad[*]}}" >&2
((${#bad[@]} == 0)) || failed+=("$name")
summary+=("$(printf '%-4s %-28s %s (%d s)' "$( ((${#bad[@]} == 0)) && echo ok || echo FAIL)" "$name" "$V02 --scenario <each> --spec-version $REVISION --force --expected-failures" $((SECONDS - started)))")

echo "=== conformance summary ===" >&2
printf '%s\n' "${summary[@]}" >&2
if ((${#failed[@]})); then
    echo "run-conformance: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "run-conformance: all conformance runs as expected" >&2
