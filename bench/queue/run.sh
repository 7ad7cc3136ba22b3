#!/usr/bin/env bash
# tf-syncd queue and service overhead benchmarks (not part of ctest; see docs/performance.md,
# "tf-syncd queue and service overhead").
#   (a) operations per second the queue sustains with 1 and with 3 tf-syncd nodes on one
#       PostgreSQL control database (a throwaway cluster started here), for 200 pairs with
#       nothing to do; prints ops/s and the 3-node / 1-node ratio.
#   (b) the demo county (tfctl demo install, 12k parcels, four pairs) through tf-syncd against
#       `tfctl sync run`, as a ratio (goal: at most 1.05).
# Usage: bench/queue/run.sh [BUILD_DIR] [throughput|demo|all]   (BUILD_DIR default build-circuit,
#        a RelWithDebInfo build with tf-syncd and tfctl). Output: bench/queue/out/.
# Environment: PAIRS (200), REPS (3), PARCELS (12000), PG_BIN (newest /usr/lib/postgresql/*/bin).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${1:-$ROOT/build-circuit}"
WHAT="${2:-all}"
BIN="$BUILD/bin"
OUT="$HERE/out"
PAIRS="${PAIRS:-200}"
REPS="${REPS:-3}"
PARCELS="${PARCELS:-12000}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"

for program in tf-syncd tfctl; do
    [[ -x "$BIN/$program" ]] || { echo "missing $BIN/$program: build it first" >&2; exit 1; }
done
mkdir -p "$OUT"
DRIVER=(python3 "$HERE/queuebench.py")

echo "== $(date -Is) on $(hostname), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build: $BUILD ($(grep -m1 CMAKE_BUILD_TYPE "$BUILD/CMakeCache.txt" | cut -d= -f2))"

PG_DIR=""
stop_cluster() {
    if [[ -n "$PG_DIR" && -d "$PG_DIR" ]]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m fast >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
}
trap stop_cluster EXIT
as_postgres() {
    if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

throughput() {
    PG_DIR="$(mktemp -d)"
    [[ $EUID -eq 0 ]] && chown postgres "$PG_DIR"
    as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync >/dev/null
    local port=$((20000 + RANDOM % 20000))
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/log" start \
        -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null
    local admin="postgresql://postgres@127.0.0.1:$port"
    for nodes in 1 3; do
        psql -q "$admin/postgres" -c "CREATE DATABASE bench_nodes_$nodes" >/dev/null
        echo "== queue throughput: $nodes node(s), $PAIRS pairs, 2 workers per node (default settings)"
        "${DRIVER[@]}" throughput --bin "$BIN" --work "$OUT/throughput-$nodes" \
            --control "$admin/bench_nodes_$nodes" --nodes "$nodes" --pairs "$PAIRS" \
            | tee "$OUT/throughput-$nodes.txt"
    done
    python3 - "$OUT" <<'EOF'
import json, sys
r = {n: json.load(open(f"{sys.argv[1]}/throughput-{n}/result.json")) for n in (1, 3)}
for name in ("initial", "no-op", "no-op from first claim"):
    one, three = r[1][name]["ops_per_s"], r[3][name]["ops_per_s"]
    print(f"== {name:22}: 1 node {one:.1f} ops/s, 3 nodes {three:.1f} ops/s, ratio 3/1 = {three / one:.2f}")
EOF
    stop_cluster
    PG_DIR=""
}

demo() {
    echo "== demo county: $PARCELS parcels, four pairs in dependency order, $REPS repetitions"
    "${DRIVER[@]}" demo --bin "$BIN" --work "$OUT/demo" --reps "$REPS" --parcels "$PARCELS" \
        | tee "$OUT/demo.txt"
}

case "$WHAT" in
    throughput) throughput ;;
    demo) demo ;;
    all) throughput; demo ;;
    *) echo "unknown benchmark '$WHAT' (throughput, demo, all)" >&2; exit 2 ;;
esac
echo "== done; load: $(cut -d' ' -f1-3 /proc/loadavg)"
