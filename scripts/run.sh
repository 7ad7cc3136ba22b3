#!/usr/bin/env bash
# README command 1: build the release preset and run tf-gateway in the foreground with the
# embedded defaults (SQLite control database in the data directory; the gateway starts and
# supervises tf-syncd). Extra arguments go to tf-gateway, e.g. scripts/run.sh --port 5050.
#   TF_USE_ENV_DB=1  keep DATABASE_URL / PG* from this shell (e.g. to run against PostgreSQL)
#   TF_DATA_DIR=DIR  data directory (default: the program's own, see docs/operations.md)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# ccache: paths relative to the checkout, so a fresh clone in another folder reuses the cache.
export CCACHE_BASEDIR="$ROOT"
export CCACHE_NOHASHDIR=1 # clones in other folders reuse the cache (see scripts/test.sh)
cd "$ROOT"

log() { printf '==> %s\n' "$*"; }

bash scripts/install-deps.sh

log "configuring (preset release)"
cmake --preset release >/dev/null
log "building (preset release)"
cmake --build --preset release -j"$(nproc)"

if [[ "${TF_USE_ENV_DB:-0}" != "1" ]]; then
    # The embedded default: nothing from the shell may point the gateway at another database.
    unset DATABASE_URL
    while IFS= read -r name; do
        unset "$name"
    done < <(compgen -e | grep '^PG' || true)
fi

# Show the URLs the gateway will really use when --port/--bind/--sync-port are given.
gateway_port=5000 sync_port=8080 bind=127.0.0.1
data_dir_args=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    next="${args[i + 1]:-}"
    case "${args[i]}" in
        --port) gateway_port="$next" ;;
        --port=*) gateway_port="${args[i]#*=}" ;;
        --sync-port) sync_port="$next" ;;
        --sync-port=*) sync_port="${args[i]#*=}" ;;
        --bind) bind="$next" ;;
        --bind=*) bind="${args[i]#*=}" ;;
        --data-dir) data_dir_args=(--data-dir "$next") ;;
        --data-dir=*) data_dir_args=(--data-dir "${args[i]#*=}") ;;
    esac
done
[[ "$bind" == "0.0.0.0" || "$bind" == "::" ]] && bind=127.0.0.1
url_host="$bind"
[[ "$bind" == *:* ]] && url_host="[$bind]" # an IPv6 address in a URL

if [[ -n "${DATABASE_URL:-}${PGHOST:-}${PGDATABASE:-}" ]]; then
    log "database: from DATABASE_URL / PG* in the environment (TF_USE_ENV_DB=1)"
else
    log "database: embedded SQLite in the data directory"
fi
log "data dir: ${TF_DATA_DIR:-the program default (see docs/operations.md)}"
log "gateway:  http://${bind}:${gateway_port}/api/status"
log "syncd:    http://127.0.0.1:${sync_port}/health"
# First start: the PACS to CAMA demo (generated legacy data, CAMA schema, four pairs) and the
# GIS demo beside it (a parcel layer this gateway serves at /demo/ogcapi, an ogcapi system and
# a fifth pair; docs/demo-gis.md). Set TF_NO_DEMO=1 to start with an empty platform.
if [[ "${TF_NO_DEMO:-0}" != "1" ]]; then
    log "demo data: tfctl init --if-missing; tfctl demo install --if-missing --gis"
    "$ROOT/build/release/bin/tfctl" init --if-missing "${data_dir_args[@]}"
    # The layer's URL: this gateway's --port/--bind when given, else tfctl reads the port from
    # the configuration ([gateway] port, 5000) itself.
    gis_url_args=()
    [[ "$*" == *--port* || "$*" == *--bind* ]] && gis_url_args=(--gis-url "http://${url_host}:${gateway_port}/demo/ogcapi")
    "$ROOT/build/release/bin/tfctl" demo install --if-missing --gis "${gis_url_args[@]}" "${data_dir_args[@]}"
    log "try: $ROOT/build/release/bin/tfctl sync run 1 ${data_dir_args[*]}   (then 2, 3, 4; 5 is the GIS layer)"
    log "     $ROOT/build/release/bin/tfctl demo report ${data_dir_args[*]}   (parcels in only one of GIS and PACS, after 1 and 5)"
fi
log "starting tf-gateway (Ctrl+C stops it and the tf-syncd it supervises)"
exec "$ROOT/build/release/bin/tf-gateway" "$@"
