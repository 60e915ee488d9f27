#!/usr/bin/env bash
# Install the third-party MCP clients used by the interop tests.
#
# Creates a Python venv at target/test-deps/venv (relative to the repo root)
# with the machine's python3 and installs the pinned packages listed in
# tests/clients/python/requirements.txt. Idempotent: if the venv already holds
# exactly this requirements file (stamp file = its sha256), nothing is done.
# Any failure exits non-zero.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"

PYTHON="${PYTHON:-python3}"
DEPS_DIR="$REPO_ROOT/target/test-deps"
VENV="$DEPS_DIR/venv"
REQ="$REPO_ROOT/tests/clients/python/requirements.txt"
STAMP="$VENV/.requirements.sha256"

die() { echo "install-test-deps: error: $*" >&2; exit 1; }
log() { echo "install-test-deps: $*" >&2; }

[[ -f "$REQ" ]] || die "requirements file not found: $REQ"
command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found on PATH"

if command -v sha256sum >/dev/null 2>&1; then
    REQ_HASH="$(sha256sum "$REQ" | cut -d' ' -f1)"
else
    REQ_HASH="$(shasum -a 256 "$REQ" | cut -d' ' -f1)"
fi

VENV_PY="$VENV/bin/python"

# Fast path: venv exists, works, and was installed from this exact file.
if [[ -x "$VENV_PY" && -f "$STAMP" && "$(cat "$STAMP")" == "$REQ_HASH" ]] \
    && "$VENV_PY" -c 'import importlib.util as u, sys; sys.exit(u.find_spec("mcp") is None)' >/dev/null 2>&1; then
    log "up to date ($VENV)"
    exit 0
fi

mkdir -p "$DEPS_DIR"

# (Re)create the venv if it is missing or broken (e.g. python3 was upgraded).
if [[ ! -x "$VENV_PY" ]] || ! "$VENV_PY" -c 'import sys' >/dev/null 2>&1; then
    log "creating venv at $VENV with $("$PYTHON" --version 2>&1)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" || die "could not create venv (is python3-venv installed?)"
fi

rm -f "$STAMP"
log "installing $REQ"
"$VENV_PY" -m pip install --disable-pip-version-check --no-input --quiet \
    -r "$REQ" || die "pip install failed"

# Sanity check: the SDK and its SSE client import.
"$VENV_PY" -c 'import mcp, mcp.client.sse, mcp.client.session' \
    || die "installed packages do not import"

echo "$REQ_HASH" >"$STAMP"
log "done ($("$VENV_PY" -m pip show mcp 2>/dev/null | sed -n 's/^Version: /mcp /p'))"
