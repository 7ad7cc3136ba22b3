#!/usr/bin/env bash
# The console's benchmarks (issue 14): chart first paint with 30 days of minute samples,
# a table refresh without a reset against a rebuild, and memory after an hour of live
# updates. Figures are printed against a baseline run in the same invocation (this machine
# is noisy). Not part of ctest.
#
#   bench/console/run.sh          the figures of issue 14 (tf-bench-console)
#   bench/console/run.sh audit    the Audit trail page over 1,000,000 entries (tf-bench-audit;
#                                 ENTRIES and JUMP_SECONDS override its defaults)
#
# Binary: $TF_BIN_DIR/tf-bench-console, else build/release/bin/tf-bench-console (the
# release preset is built first; a no-op when it is up to date).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${TF_BIN_DIR:-$ROOT/build/release/bin}"
if [[ -z "${TF_BIN_DIR:-}" ]]; then
    (cd "$ROOT" && cmake --preset release >/dev/null && cmake --build --preset release --target tf-bench-console tf-bench-audit >/dev/null)
fi
if [[ "${1:-}" == audit ]]; then
    exec "$BIN/tf-bench-audit"
fi
exec "$BIN/tf-bench-console"
