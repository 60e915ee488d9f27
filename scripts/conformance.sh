#!/usr/bin/env bash
# Run the official MCP conformance suite (npm package @modelcontextprotocol/conformance)
# against a running MCP server:
#
#   scripts/conformance.sh http://127.0.0.1:8080/mcp                 # the active server suite
#   scripts/conformance.sh http://127.0.0.1:8080/mcp --scenario ping # extra args are passed on
#
# Installs the pinned package (idempotently; a stamp makes re-runs quick) into
# target/test-deps/conformance with the machine's npm running on the project's
# Node 22 (target/test-deps/node, from scripts/install-test-deps.sh, which is run
# first if that Node is missing), then runs
#   <node 22> <package bin> server --url "$1" --suite active "${@:2}"
# from target/conformance (override with CONFORMANCE_WORKDIR), saving each
# scenario's checks.json under target/conformance/results/ unless -o/--output-dir
# is given, so nothing lands in the repo. Exits with the suite's status; any
# install failure exits non-zero with a message. Extra args, e.g.
#   --scenario tools-call-with-progress   --verbose
#   --expected-failures <yaml with "server: [scenario, ...]">
set -euo pipefail

CONFORMANCE_VERSION="0.1.16" # latest non-alpha (npm dist-tag "latest")
PKG="@modelcontextprotocol/conformance"

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
NPM="${NPM:-npm}"
DEPS_DIR="$REPO_ROOT/target/test-deps"
NODE_PREFIX="$DEPS_DIR/node"
NODE="$NODE_PREFIX/bin/node" # keep in sync with scripts/install-test-deps.sh
PREFIX="$DEPS_DIR/conformance"
PKG_DIR="$PREFIX/node_modules/$PKG"
STAMP="$PREFIX/.actix-mcp-install"
WORKDIR="${CONFORMANCE_WORKDIR:-$REPO_ROOT/target/conformance}"

die() { echo "conformance: error: $*" >&2; exit 1; }
log() { echo "conformance: $*" >&2; }

if [[ $# -lt 1 || "$1" == -* ]]; then
    echo "usage: $0 <server url, e.g. http://127.0.0.1:8080/mcp> [extra conformance args...]" >&2
    exit 2
fi
URL="$1"
shift

# 1. The project's Node 22.
if [[ ! -x "$NODE" ]] || ! "$NODE" --version >/dev/null 2>&1; then
    log "Node 22 missing at $NODE; running scripts/install-test-deps.sh"
    bash "$SCRIPT_DIR/install-test-deps.sh" >/dev/null || die "scripts/install-test-deps.sh failed"
    [[ -x "$NODE" ]] || die "Node still missing at $NODE after scripts/install-test-deps.sh"
fi
NODE_VERSION="$("$NODE" --version 2>&1)" || die "Node at $NODE does not run: $NODE_VERSION"

# 2. The pinned conformance package.
pkg_bin() {
    # The "conformance" bin of the installed package, as a path under $PKG_DIR.
    "$NODE" -e '
        const p = require(process.argv[1] + "/package.json");
        const b = typeof p.bin === "string" ? p.bin : p.bin && p.bin.conformance;
        if (!b || p.version !== process.argv[2]) process.exit(1);
        console.log(require("path").join(process.argv[1], b));
    ' "$PKG_DIR" "$CONFORMANCE_VERSION" 2>/dev/null
}

WANT="$PKG@$CONFORMANCE_VERSION node-$NODE_VERSION"
BIN=""
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]] && BIN="$(pkg_bin)" && [[ -f "$BIN" ]]; then
    : # up to date
else
    command -v "$NPM" >/dev/null 2>&1 || die "'$NPM' not found on PATH (needed to install $PKG@$CONFORMANCE_VERSION)"
    log "installing $PKG@$CONFORMANCE_VERSION into $PREFIX (npm $("$NPM" --version 2>/dev/null) on Node $NODE_VERSION)"
    # Install into a scratch prefix and swap it in, so a failed install never
    # leaves a half-installed package behind.
    tmp="$PREFIX.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # shellcheck disable=SC2064 # expand $tmp now
    trap "rm -rf '$tmp'" EXIT
    echo '{"name":"actix-mcp-conformance","private":true}' >"$tmp/package.json"
    PATH="$NODE_PREFIX/bin:$PATH" "$NPM" install --prefix "$tmp" --save-exact --ignore-scripts \
        --no-audit --no-fund --loglevel=error "$PKG@$CONFORMANCE_VERSION" >&2 \
        || die "npm install $PKG@$CONFORMANCE_VERSION failed"
    rm -rf "$PREFIX"
    mv "$tmp" "$PREFIX"
    trap - EXIT
    BIN="$(pkg_bin)" || die "$PKG@$CONFORMANCE_VERSION is not installed correctly under $PKG_DIR"
    [[ -f "$BIN" ]] || die "$PKG@$CONFORMANCE_VERSION has no bin at $BIN"
    "$NODE" "$BIN" --help >/dev/null 2>&1 || die "$PKG@$CONFORMANCE_VERSION does not run on Node $NODE_VERSION"
    echo "$WANT" >"$STAMP"
    log "installed $PKG@$CONFORMANCE_VERSION"
fi

# 3. Run the active server suite from $WORKDIR. The suite writes per-scenario
# checks.json files only when given -o/--output-dir; default that to
# $WORKDIR/results unless the caller passed one.
mkdir -p "$WORKDIR"
cd "$WORKDIR"
out_args=(-o "$WORKDIR/results")
for arg in "$@"; do
    case "$arg" in
        -o | --output-dir | --output-dir=*) out_args=() ;;
    esac
done
log "running $PKG@$CONFORMANCE_VERSION against $URL (from $WORKDIR)"
set +e
"$NODE" "$BIN" server --url "$URL" --suite active "${out_args[@]}" "$@"
status=$?
set -e
exit "$status"
