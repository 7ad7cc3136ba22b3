#!/usr/bin/env bash
# Soak through tf-gateway (issue 19 item 2; not part of ctest; see docs/performance.md, "Soak").
# N requests (default 1,000,000) at 64 connections through the gateway to tf-syncd on loopback:
# a mix of read routes (pairs, systems, operations, alerts, quarantine, status, changes), a
# sign-in every 1,000 requests, and beside it one sync start per second (the demo's pairs in
# turn). Prints transport errors (goal 0), answers by status, p99, the RSS of both services after
# the warm-up and at the end (goal: growth < 10 %), and "goals met" or "goals NOT met".
# Usage: bench/soak/run.sh [REQUESTS] [BUILD_DIR]   (default 1000000, build/release)
# Environment: CONNECTIONS (64), THREADS (2), WARMUP (requests, default REQUESTS/10 capped at
# 50,000), MAX_SECONDS (upper bound of the main run, default 1,800), SOAK_LOG_DIR (keep both
# services' logs there, with every request and its time: QT_LOGGING_RULES=http.server.debug=true).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
REQUESTS="${1:-1000000}"
BUILD="${2:-$ROOT/build/release}"
BIN="$BUILD/bin"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
MAX_SECONDS="${MAX_SECONDS:-1800}"
[[ "$REQUESTS" =~ ^[1-9][0-9]*$ ]] || { echo "REQUESTS must be a positive whole number, not '$REQUESTS'" >&2; exit 2; }
WARMUP="${WARMUP:-$(( REQUESTS / 10 < 50000 ? REQUESTS / 10 : 50000 ))}"
(( WARMUP >= THREADS )) || WARMUP="$THREADS"

for program in tf-syncd tf-gateway tfctl; do
    [[ -x "$BIN/$program" ]] || { echo "missing $BIN/$program: build it first" >&2; exit 1; }
done
"$HERE/../../scripts/install-deps.sh" --test >/dev/null || { echo "installing the packages failed (scripts/install-deps.sh --test)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/install-deps.sh --test)" >&2; exit 1; }

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ -n "${SOAK_LOG_DIR:-}" ]]; then
        mkdir -p "$SOAK_LOG_DIR"
        cp "$WORK"/*.log "$WORK"/*.txt "$SOAK_LOG_DIR"/ 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=../lib/services.sh
source "$HERE/../lib/services.sh"

echo "== $(date -Is) on $(hostname), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $REQUESTS requests (warm-up $WARMUP) at $CONNECTIONS connections; build: $BUILD"
[[ -n "${SOAK_LOG_DIR:-}" ]] && export QT_LOGGING_RULES="http.server.debug=true${QT_LOGGING_RULES:+;$QT_LOGGING_RULES}"
start_services
export SOAK_TOKEN="$TOKEN" SOAK_USER=admin SOAK_PASSWORD="$PASSWORD"
URL="http://127.0.0.1:$GATEWAY_PORT"

soak() { # requests seconds output
    local per_thread=$(( ($1 + THREADS - 1) / THREADS ))
    export SOAK_DONE_DIR="$WORK/done-$3"
    mkdir -p "$SOAK_DONE_DIR"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" --timeout 10s -s "$HERE/soak.lua" "$URL" -- "$per_thread" >"$WORK/$3" &
    local wrk_pid=$! started=$SECONDS next=10
    # wrk sleeps for the whole -d: interrupt it (it then prints its results) when every
    # thread has had its share of answers.
    while kill -0 "$wrk_pid" 2>/dev/null; do
        if (( $(find "$SOAK_DONE_DIR" -type f | wc -l) >= THREADS )); then
            kill -INT "$wrk_pid"
            break
        fi
        if (( SECONDS - started >= next )); then
            echo "   $(( SECONDS - started )) s; gateway RSS $(rss_kb "$GATEWAY_PID") kB, tf-syncd RSS $(rss_kb "$SYNC_PID") kB; load $(cut -d' ' -f1 /proc/loadavg)"
            next=$(( next + 10 ))
        fi
        sleep 0.2
    done
    wait "$wrk_pid"
}

# One sync start per second beside the load, the demo's pairs in turn, from the warm-up on
# (so that the workers' first allocations are in the baseline).
(
    pair=1
    while :; do
        code="$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
            -H 'Content-Type: application/json' -d "{\"pair_id\":$pair}" "$URL/api/sync-operations" || echo 000)"
        echo "$code" >>"$WORK/starts.txt"
        pair=$(( pair % 4 + 1 ))
        sleep 1
    done
) &
STARTER=$!
PIDS+=("$STARTER")

echo "-- warm-up: $WARMUP requests"
soak "$WARMUP" 300 warmup.txt
SYNC_RSS0="$(rss_kb "$SYNC_PID")"
GATEWAY_RSS0="$(rss_kb "$GATEWAY_PID")"

echo "-- main run: $REQUESTS requests (progress: a line every 10 s)"
soak "$REQUESTS" "$MAX_SECONDS" main.txt
kill "$STARTER" 2>/dev/null || true
SYNC_RSS1="$(rss_kb "$SYNC_PID")"
GATEWAY_RSS1="$(rss_kb "$GATEWAY_PID")"

python3 - "$WORK/main.txt" "$WORK/starts.txt" "$REQUESTS" "$GATEWAY_RSS0" "$GATEWAY_RSS1" "$SYNC_RSS0" "$SYNC_RSS1" <<'PY'
import collections, sys
main, starts, wanted = sys.argv[1], sys.argv[2], int(sys.argv[3])
g0, g1, s0, s1 = (int(v) for v in sys.argv[4:8])
codes, errors, values = {}, {}, {}
for line in open(main):
    parts = line.split()
    if not parts:
        continue
    if parts[0] == "status":
        codes[int(parts[1])] = int(parts[2])
    elif parts[0] == "errors":
        errors = {k: int(v) for k, v in (p.split("=") for p in parts[1:])}
    elif parts[0] in ("requests", "seconds", "p50_ms", "p99_ms"):
        values[parts[0]] = float(parts[1])
start_codes = collections.Counter(l.strip() for l in open(starts)) if __import__("os").path.exists(starts) else {}
answered = sum(codes.values())
transport = sum(errors.values())
non2xx = {c: n for c, n in sorted(codes.items()) if not 200 <= c < 300}
print(f"requests answered: {answered} of {wanted} in {values.get('seconds', 0):.1f} s ({answered / max(values.get('seconds', 1), 1e-9):.0f} req/s)")
print(f"transport errors: {transport} ({', '.join(f'{k} {v}' for k, v in errors.items())})  (goal 0)")
print(f"answers by status: {', '.join(f'{c}: {n}' for c, n in sorted(codes.items()))}")
print(f"non-2xx by status: {non2xx if non2xx else 'none'}")
print(f"p50 {values.get('p50_ms', -1):.2f} ms, p99 {values.get('p99_ms', -1):.2f} ms")
print(f"sync starts (one per second): {dict(sorted(start_codes.items()))}")
growth = lambda a, b: (b - a) * 100.0 / a
print(f"RSS tf-gateway: {g0} kB after warm-up -> {g1} kB at the end ({growth(g0, g1):+.1f} %)")
print(f"RSS tf-syncd:   {s0} kB after warm-up -> {s1} kB at the end ({growth(s0, s1):+.1f} %)")
met = transport == 0 and answered >= wanted and not non2xx and growth(g0, g1) < 10 and growth(s0, s1) < 10
print("goals met" if met else "goals NOT met")
PY
