#!/usr/bin/env bash
# tf-gateway overhead benchmark (not part of ctest; see docs/performance.md, "Gateway").
# One run, four wrk measurements at the same concurrency against one tf-syncd:
#   direct   wrk -> tf-syncd GET /sync-pairs                  (the floor)
#   nginx    wrk -> nginx -> tf-syncd GET /sync-pairs         (the reference proxy)
#   gateway  wrk -> tf-gateway GET /api/sync-pairs -> tf-syncd (auth, roles, audit-free read)
#   status   wrk -> tf-gateway GET /api/status                (gateway, syncd and DB probes)
#   uncached wrk -> a second tf-gateway with [gateway] read_cache = false (every read asks tf-syncd)
# Prints requests/s and latency percentiles for each and the ratios the issue asks for:
# gateway/nginx throughput (goal >= 0.8), gateway/nginx p99 (goal <= 1.5) and the gateway's
# added p50 over calling tf-syncd directly (goal <= 1 ms).
# The added latency is also measured with one connection, where nothing queues.
# Usage: bench/gateway/run.sh [BUILD_DIR]   (default build/release)
# Environment: CONNECTIONS (64), DURATION (10s), THREADS (2), PAIRS (50).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
BIN="$BUILD/bin"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
PAIRS="${PAIRS:-50}"
OUT="$HERE/out"
mkdir -p "$OUT"

for program in tf-syncd tf-gateway tfctl; do
    [[ -x "$BIN/$program" ]] || { echo "missing $BIN/$program: build it first" >&2; exit 1; }
done
"$HERE/../../scripts/install-deps.sh" --test >/dev/null || { echo "installing the packages failed (scripts/install-deps.sh --test)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/install-deps.sh --test)" >&2; exit 1; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$NGINX" ]] || { echo "nginx is not installed (scripts/install-deps.sh --test)" >&2; exit 1; }

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ -f "$WORK/nginx.pid" ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=../lib/services.sh
source "$HERE/../lib/services.sh"

echo "== $(date -Is) on $(hostname), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION; build: $BUILD"

start_services
NGINX_PORT="$(free_port)"

cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx-body;
    proxy_temp_path $WORK/nginx-proxy;
    fastcgi_temp_path $WORK/nginx-fastcgi;
    uwsgi_temp_path $WORK/nginx-uwsgi;
    scgi_temp_path $WORK/nginx-scgi;
    upstream syncd { server 127.0.0.1:$SYNC_PORT; keepalive 64; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location /api/ {
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer $SERVICE_TOKEN";
            proxy_pass http://syncd/;
        }
    }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK"
wait_up "http://127.0.0.1:$NGINX_PORT/api/health/live"

# The same gateway without its read cache (the proxy path alone), on the same data and tf-syncd.
UNCACHED_PORT="$(free_port)"
TF_GATEWAY__READ_CACHE=false "$BIN/tf-gateway" --data-dir "$DATA" --port "$UNCACHED_PORT" --bind 127.0.0.1 \
    --no-supervise-sync --sync-url "http://127.0.0.1:$SYNC_PORT" >"$WORK/gateway-uncached.log" 2>&1 &
PIDS+=("$!")
wait_up "http://127.0.0.1:$UNCACHED_PORT/health/ready"

run_wrk() { # name url [header] [connections]
    local name="$1" url="$2" header="${3:-}" connections="${4:-$CONNECTIONS}"
    local threads="$THREADS"
    (( connections < threads )) && threads="$connections"
    local args=(-t"$threads" -c"$connections" -d"$DURATION" --latency)
    [[ -n "$header" ]] && args+=(-H "$header")
    wrk "${args[@]}" "$url" >"$OUT/gateway-$name.txt"
    python3 - "$name" "$OUT/gateway-$name.txt" <<'PY'
import re, sys
name, path = sys.argv[1], sys.argv[2]
text = open(path).read()
def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
pct = {m.group(1): ms(m.group(2), m.group(3)) for m in re.finditer(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)", text, re.M)}
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
socket_errors = re.search(r"Socket errors: (.*)", text)
print(f"{name} {rps:.0f} {pct['50']:.3f} {pct['90']:.3f} {pct['99']:.3f} {errors.group(1) if errors else 0} {'socket:' + socket_errors.group(1).replace(' ', '') if socket_errors else ''}")
PY
}

RESULTS="$OUT/gateway-summary.txt"
{
    run_wrk direct "http://127.0.0.1:$SYNC_PORT/sync-pairs" "Authorization: Bearer $SERVICE_TOKEN"
    run_wrk nginx "http://127.0.0.1:$NGINX_PORT/api/sync-pairs"
    run_wrk gateway "http://127.0.0.1:$GATEWAY_PORT/api/sync-pairs" "Authorization: Bearer $TOKEN"
    run_wrk status "http://127.0.0.1:$GATEWAY_PORT/api/status" "Authorization: Bearer $TOKEN"
    run_wrk uncached "http://127.0.0.1:$UNCACHED_PORT/api/sync-pairs" "Authorization: Bearer $TOKEN"
    # One connection: the latency each hop adds when nothing queues.
    run_wrk direct1 "http://127.0.0.1:$SYNC_PORT/sync-pairs" "Authorization: Bearer $SERVICE_TOKEN" 1
    run_wrk nginx1 "http://127.0.0.1:$NGINX_PORT/api/sync-pairs" "" 1
    run_wrk gateway1 "http://127.0.0.1:$GATEWAY_PORT/api/sync-pairs" "Authorization: Bearer $TOKEN" 1
    run_wrk uncached1 "http://127.0.0.1:$UNCACHED_PORT/api/sync-pairs" "Authorization: Bearer $TOKEN" 1
} >"$RESULTS"

python3 - "$RESULTS" "$CONNECTIONS" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    parts = line.split()
    rows[parts[0]] = dict(rps=float(parts[1]), p50=float(parts[2]), p90=float(parts[3]), p99=float(parts[4]), non2xx=int(parts[5]), extra=" ".join(parts[6:]))
print(f"{'route':<10}{'req/s':>10}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}{'non-2xx':>9}")
for name in ("direct", "nginx", "gateway", "status", "uncached", "direct1", "nginx1", "gateway1", "uncached1"):
    r = rows[name]
    print(f"{name:<10}{r['rps']:>10.0f}{r['p50']:>10.3f}{r['p90']:>10.3f}{r['p99']:>10.3f}{r['non2xx']:>9} {r['extra']}")
g, n, d = rows["gateway"], rows["nginx"], rows["direct"]
print()
print(f"gateway/nginx throughput: {g['rps'] / n['rps']:.2f}x  (goal >= 0.80)")
print(f"gateway/nginx p99:        {g['p99'] / n['p99']:.2f}x  (goal <= 1.50)")
print(f"gateway added p50 over direct at {sys.argv[2]} connections: {g['p50'] - d['p50']:.3f} ms; nginx added {n['p50'] - d['p50']:.3f} ms")
g1, n1, d1 = rows["gateway1"], rows["nginx1"], rows["direct1"]
print(f"gateway added p50 over direct at 1 connection: {g1['p50'] - d1['p50']:.3f} ms  (goal <= 1 ms); nginx added {n1['p50'] - d1['p50']:.3f} ms")
u, u1 = rows["uncached"], rows["uncached1"]
print(f"without the read cache: throughput {u['rps'] / n['rps']:.2f}x nginx, p99 {u['p99'] / n['p99']:.2f}x nginx, "
      f"added p50 {u['p50'] - d['p50']:.3f} ms at {sys.argv[2]} connections, {u1['p50'] - d1['p50']:.3f} ms at 1")
PY
