# shellcheck shell=bash
# Shared by bench/gateway/run.sh and bench/soak/run.sh (source it; needs BIN and WORK set and
# PIDS declared): a tf-syncd on the demo's data and a tf-gateway in front of it, on free
# loopback ports, and a signed-in admin's token.
# After start_services: SYNC_PORT, GATEWAY_PORT, SYNC_PID, GATEWAY_PID, SERVICE_TOKEN, TOKEN,
# PASSWORD (the admin's, changed) and DATA.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() {
    for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "not healthy: $1" >&2; return 1
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

start_services() {
    DATA="$WORK/data"
    mkdir -p "$DATA"
    SYNC_PORT="$(free_port)"
    GATEWAY_PORT="$(free_port)"
    SERVICE_TOKEN="$(head -c 32 /dev/urandom | base64 | tr -d '/+=' | head -c 43)"
    export TF_SERVICE_TOKEN="$SERVICE_TOKEN"
    # The benchmarks measure the proxy path, not the limiter: rate limits off for this run only.
    export TF_RATE_LIMIT__PER_TOKEN_RPS=0 TF_RATE_LIMIT__PER_ADDRESS_RPS=0
    # wrk's 64 connections all come from 127.0.0.1, like nginx's upstream pool: lift the
    # per-address connection cap (default 64) on both services so no run is refused with 503.
    export TF_HTTP__MAX_CONNECTIONS_PER_ADDRESS=512

    # The demo's systems and pairs, on a new platform.
    "$BIN/tfctl" init --data-dir "$DATA" >/dev/null
    "$BIN/tfctl" demo install --data-dir "$DATA" >/dev/null

    "$BIN/tf-syncd" --data-dir "$DATA" --port "$SYNC_PORT" --bind 127.0.0.1 >"$WORK/syncd.log" 2>&1 &
    SYNC_PID=$!
    PIDS+=("$SYNC_PID")
    wait_up "http://127.0.0.1:$SYNC_PORT/health/ready"
    "$BIN/tf-gateway" --data-dir "$DATA" --port "$GATEWAY_PORT" --bind 127.0.0.1 --no-supervise-sync \
        --sync-url "http://127.0.0.1:$SYNC_PORT" >"$WORK/gateway.log" 2>&1 &
    GATEWAY_PID=$!
    PIDS+=("$GATEWAY_PID")
    wait_up "http://127.0.0.1:$GATEWAY_PORT/health/ready"

    for _ in $(seq 1 100); do [[ -s "$DATA/initial-admin-password" ]] && break; sleep 0.1; done
    local initial
    initial="$(cat "$DATA/initial-admin-password")"
    TOKEN="$(curl -fsS -H 'Content-Type: application/json' \
        -d "{\"username\":\"admin\",\"password\":\"$initial\"}" \
        "http://127.0.0.1:$GATEWAY_PORT/api/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
    PASSWORD="$initial-bench"
    # The first admin must change its password before the gateway answers anything else.
    curl -fsS -o /dev/null -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
        -d "{\"current_password\":\"$initial\",\"new_password\":\"$PASSWORD\"}" \
        "http://127.0.0.1:$GATEWAY_PORT/api/auth/password"
}
