#!/usr/bin/env bash
# Run the official MCP conformance suite (npm package @modelcontextprotocol/conformance)
# against a running MCP server, or install it:
#
#   scripts/conformance.sh http://127.0.0.1:8080/mcp                 # the active server suite
#   scripts/conformance.sh http://127.0.0.1:8080/mcp --scenario ping # extra args are passed on
#   CONFORMANCE_VERSION=0.2.0-alpha.12 scripts/conformance.sh URL --requirements 2026-07-28
#   scripts/conformance.sh --install                                 # install every pin, run nothing
#   CONFORMANCE_VERSION=0.2.0-alpha.12 scripts/conformance.sh --cli list --requirements 2026-07-28
#
# Every version we run is pinned with its whole dependency tree: tests/conformance/<version>/
# holds a package.json naming the exact version and the package-lock.json that `npm ci`
# installs (with integrity hashes), into target/test-deps/conformance-<version>, using the
# machine's npm running on the project's Node 22 (target/test-deps/node, from
# scripts/install-test-deps.sh, which is run first if that Node is missing). The pins sit
# side by side; CONFORMANCE_VERSION picks one (default 0.1.16, the latest non-alpha). An
# install is checked (the installed package reports the pinned version and its CLI runs)
# and stamped, so re-runs are quick; any install failure exits non-zero with a message.
#
# Running: <node 22> <package bin> server --url "$1" "${@:2}", plus `--suite active` unless
# the extra args choose what to run (--suite, --scenario or --requirements; 0.2 refuses
# --requirements next to --suite). From target/conformance (override with
# CONFORMANCE_WORKDIR), saving each scenario's checks.json under target/conformance/results/
# unless -o/--output-dir is given, so nothing lands in the repo. Exits with the suite's status.
# Extra args, e.g.
#   --scenario tools-call-with-progress   --verbose
#   --expected-failures <yaml with "server: [scenario or scenario:check-id, ...]">
set -euo pipefail

PKG="@modelcontextprotocol/conformance"
DEFAULT_VERSION="0.1.16" # latest non-alpha (npm dist-tag "latest")

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
PINS_DIR="$REPO_ROOT/tests/conformance"
NPM="${NPM:-npm}"
DEPS_DIR="$REPO_ROOT/target/test-deps"
NODE_PREFIX="$DEPS_DIR/node"
NODE="$NODE_PREFIX/bin/node" # keep in sync with scripts/install-test-deps.sh
WORKDIR="${CONFORMANCE_WORKDIR:-$REPO_ROOT/target/conformance}"

die() { echo "conformance: error: $*" >&2; exit 1; }
log() { echo "conformance: $*" >&2; }

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        cat -- "$@" | sha256sum | cut -d' ' -f1
    else
        cat -- "$@" | shasum -a 256 | cut -d' ' -f1
    fi
}

if [[ $# -lt 1 || ("$1" == -* && "$1" != --install && "$1" != --cli) ]]; then
    echo "usage: $0 <server url, e.g. http://127.0.0.1:8080/mcp> [extra conformance args...]" >&2
    echo "       $0 --install" >&2
    echo "       $0 --cli <conformance CLI args...>   (the pinned CLI as is, e.g. list)" >&2
    exit 2
fi

# 1. The project's Node 22.
if [[ ! -x "$NODE" ]] || ! "$NODE" --version >/dev/null 2>&1; then
    log "Node 22 missing at $NODE; running scripts/install-test-deps.sh"
    bash "$SCRIPT_DIR/install-test-deps.sh" >/dev/null || die "scripts/install-test-deps.sh failed"
    [[ -x "$NODE" ]] || die "Node still missing at $NODE after scripts/install-test-deps.sh"
fi
NODE_VERSION="$("$NODE" --version 2>&1)" || die "Node at $NODE does not run: $NODE_VERSION"

# 2. A pinned version, installed from its lockfile.
pkg_bin() { # VERSION: the "conformance" bin of the installed package (path), if it is that version
    "$NODE" -e '
        const p = require(process.argv[1] + "/package.json");
        const b = typeof p.bin === "string" ? p.bin : p.bin && p.bin.conformance;
        if (!b || p.version !== process.argv[2]) process.exit(1);
        console.log(require("path").join(process.argv[1], b));
    ' "$DEPS_DIR/conformance-$1/node_modules/$PKG" "$1" 2>/dev/null
}

install_version() { # VERSION; sets BIN
    local version=$1
    local pin="$PINS_DIR/$version"
    local prefix="$DEPS_DIR/conformance-$version"
    local stamp="$prefix/.actix-mcp-install"
    [[ -f "$pin/package.json" && -f "$pin/package-lock.json" ]] \
        || die "no pin for $PKG@$version (want $pin/package.json and package-lock.json; pins: $(ls "$PINS_DIR" | tr '\n' ' '))"
    local want
    want="$(sha256_of "$pin/package.json" "$pin/package-lock.json") node-$NODE_VERSION"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && BIN="$(pkg_bin "$version")" && [[ -f "$BIN" ]]; then
        return 0 # up to date
    fi
    command -v "$NPM" >/dev/null 2>&1 || die "'$NPM' not found on PATH (needed to install $PKG@$version)"
    log "installing $PKG@$version into $prefix (npm ci of $pin; npm $("$NPM" --version 2>/dev/null) on Node $NODE_VERSION)"
    # Install into a scratch prefix and swap it in, so a failed install never leaves a
    # half-installed package behind.
    local tmp="$prefix.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # shellcheck disable=SC2064 # expand $tmp now
    trap "rm -rf '$tmp'" EXIT
    cp "$pin/package.json" "$pin/package-lock.json" "$tmp/"
    (cd "$tmp" && PATH="$NODE_PREFIX/bin:$PATH" "$NPM" ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) \
        || die "npm ci of $pin failed"
    rm -rf "$prefix"
    mv "$tmp" "$prefix"
    trap - EXIT
    BIN="$(pkg_bin "$version")" || die "$PKG@$version is not installed correctly under $prefix"
    [[ -f "$BIN" ]] || die "$PKG@$version has no bin at $BIN"
    local reported
    reported="$("$NODE" "$BIN" --version 2>&1)" || die "$PKG@$version does not run on Node $NODE_VERSION: $reported"
    [[ "$reported" == "$version" ]] || die "the installed CLI reports version '$reported', expected $version"
    echo "$want" >"$stamp"
    log "installed $PKG@$version"
}

if [[ "$1" == --install ]]; then
    for pin in "$PINS_DIR"/*/package.json; do
        version="$(basename "$(dirname "$pin")")"
        install_version "$version"
        log "$PKG@$version: ready"
    done
    exit 0
fi

VERSION="${CONFORMANCE_VERSION:-$DEFAULT_VERSION}"
BIN=""
install_version "$VERSION"
if [[ "$1" == --cli ]]; then
    shift
    exec "$NODE" "$BIN" "$@"
fi
URL="$1"
shift

# 3. Run from $WORKDIR. The suite writes per-scenario checks.json files only when given
# -o/--output-dir; default that to $WORKDIR/results unless the caller passed one.
mkdir -p "$WORKDIR"
cd "$WORKDIR"
out_args=(-o "$WORKDIR/results")
suite_args=(--suite active)
for arg in "$@"; do
    case "$arg" in
        -o | --output-dir | --output-dir=*) out_args=() ;;
        --suite | --suite=* | --scenario | --scenario=* | --requirements | --requirements=*) suite_args=() ;;
    esac
done
log "running $PKG@$VERSION against $URL (from $WORKDIR)"
set +e
"$NODE" "$BIN" server --url "$URL" "${suite_args[@]}" "${out_args[@]}" "$@"
status=$?
set -e
exit "$status"
