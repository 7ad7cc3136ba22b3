#!/usr/bin/env bash
# Starts a scratch tf-gateway (with the tf-syncd it supervises) in a temporary data
# directory, records its answers along tests/api/record-answers.mjs's tour, stops it, and
# checks the answers against resources/openapi.yaml with validate-answers.mjs.
#
#   tests/api/record-answers.sh [--bin-dir build/release/bin] [--out answers.json] [--strict]
#                               [--tools DIR]
#
# --tools: where check-openapi.sh installed the npm tools (default build/api-tools).
# Exit code: validate-answers.mjs's (0 every answer matches, 1 some do not), 2 on bad use.
# ctest runs it as tst_api_answers (tests/api/api.cmake).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
bin_dir="$ROOT/build/release/bin"
tools="${TF_API_TOOLS_DIR:-$ROOT/build/api-tools}"
out=""
strict=()
while (($#)); do
    case "$1" in
        --bin-dir) bin_dir="${2:?--bin-dir needs a folder}"; shift 2 ;;
        --out) out="${2:?--out needs a file}"; shift 2 ;;
        --tools) tools="${2:?--tools needs a folder}"; shift 2 ;;
        --strict) strict=(--strict); shift ;;
        *) printf 'record-answers.sh: unknown argument "%s"\n' "$1" >&2; exit 2 ;;
    esac
done
[[ -x "$bin_dir/tf-gateway" && -x "$bin_dir/tf-syncd" ]] || { echo "record-answers.sh: no tf-gateway and tf-syncd in $bin_dir (build them first)" >&2; exit 2; }
[[ -d "$tools/node_modules" ]] || { echo "record-answers.sh: no npm tools in $tools (run tests/api/check-openapi.sh first)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tf-record.XXXXXX")"
gateway_pid=""
# shellcheck disable=SC2317  # reached through the trap below
cleanup() {
    if [[ -n "$gateway_pid" ]] && kill -0 "$gateway_pid" 2>/dev/null; then
        kill -TERM "$gateway_pid" 2>/dev/null || true
        wait "$gateway_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
for name in $(env | sed -n 's/^\(DATABASE_URL\|PG[A-Z_]*\|TF_[A-Z0-9_]*\|XDG_[A-Z_]*\)=.*/\1/p'); do
    unset "$name"
done
export HOME="$work/home" TF_DATA_DIR="$work/data"
TF_GATEWAY__PORT="$(free_port)"
TF_GATEWAY__SYNC_PORT="$(free_port)"
export TF_GATEWAY__PORT TF_GATEWAY__SYNC_PORT TF_AUTH__PBKDF2_ITERATIONS=1000
mkdir -p "$HOME"
PATH="$bin_dir:$PATH" "$bin_dir/tf-gateway" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
base="http://127.0.0.1:$TF_GATEWAY__PORT"
for _ in $(seq 100); do
    curl -sf "$base/health/ready" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -sf "$base/health/ready" >/dev/null || { tail -n 30 "$work/gateway.log" >&2; echo "record-answers.sh: the gateway did not get ready" >&2; exit 1; }

answers="${out:-$work/answers.json}"
node "$HERE/record-answers.mjs" --base "$base" --password-file "$TF_DATA_DIR/initial-admin-password" --out "$answers"
rc=0
NODE_PATH="$tools/node_modules" node "$HERE/validate-answers.mjs" "${strict[@]}" --spec "$ROOT/resources/openapi.yaml" "$answers" || rc=$?
exit "$rc"
