#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build, run and test TerraFusion SyncService.
# Idempotent: asks dpkg which packages are missing and installs only those, so a second run
# is a fast no-op. Set TF_SKIP_DEPS=1 to skip it entirely (e.g. on a machine without sudo
# where everything is already in place).
set -euo pipefail

PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config file dpkg-dev help2man librsvg2-bin
    qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-charts-dev qt6-websockets-dev qtkeychain-qt6-dev libsecret-1-0
    libqt6opengl6-dev libqt6sql6-psql libqt6sql6-sqlite libqt6sql6-mysql libqt6sql6-odbc unixodbc libqt6svg6 qt6-qpa-plugins libxcursor1
    libgl-dev libssl-dev libpq-dev libsqlite3-dev libldap-dev libmariadb-dev libjemalloc-dev
    postgresql postgresql-client
    xvfb xauth curl
)
# libxcursor1: Qt's xcb platform plugin loads it when present (cursor themes); listed so the
# console behaves the same on every machine (scripts/check-deps.sh saw it loaded).
# libmariadb-dev: the MySQL connector's full read streams one SELECT through libmariadb's C API
# (mysql_use_result, shared/sync/connectors/mysqlstream.cpp); the packages then depend on libmariadb3.
# libjemalloc-dev: tf-syncd, tf-gateway and tfctl allocate through jemalloc (TF_JEMALLOC); the
# server package then depends on libjemalloc2.
# qtkeychain-qt6-dev: the console's "Remember me" keeps its token in the system keychain
# (TF_CONSOLE_KEYCHAIN); QtKeychain loads libsecret-1-0 at run time to reach the Secret Service.

# Only the test command needs these: promtool (Debian's prometheus package) checks the
# Prometheus text that /metrics serves; lintian, appstreamcli and desktop-file-validate check
# the packages; xwininfo (x11-utils) finds the installed console's window under Xvfb;
# systemd brings systemd-analyze for the unit checks (man-db for the units' man: links); jq
# reads the API answers in the install test and the admin guide's examples; bash-completion runs
# the tfctl completion; sqlite3 prepares target tables in the admin guide's examples.
# nodejs runs the OpenAPI checks (tests/api/check-openapi.sh: redocly, openapi-typescript, ajv,
# pinned in tests/api/package-lock.json and installed by npm ci into the build tree); npm
# installs them; iproute2 brings ss, with which the install test finds the process on the
# gateway's port. Debian 12 ships npm as its own package; a nodejs from elsewhere (NodeSource)
# brings its own npm and conflicts with Debian's, so npm is only named when it is missing.
# dbus (dbus-run-session) and gnome-keyring give the "Remember me" test a real, private Secret
# Service (tests/console/with-secret-service.sh).
# openssl makes the TLS tests' certificates and checks the services' TLS suites from outside
# (openssl s_client in tst_tlsprofile). mariadb-server-core gives the MySQL connector's
# tests a throwaway MariaDB (tests/support/mariadbserver.h) and mariadb-client-core the
# `mariadb --batch` pipe bench/run.sh (bench/mariadbstep.sh) compares MariaDB -> PostgreSQL runs with;
# libqt6sql6-mysql above is the QMYSQL driver the connector itself loads (kind: mysql).
# wrk and nginx-light: the gateway benchmarks (bench/gateway/run.sh puts nginx beside the
# gateway as the reference proxy; bench/soak/run.sh drives its mix of routes with wrk's Lua).
# slapd and ldap-utils (ldapmodify) give the directory sign-in test a throwaway OpenLDAP server
# (tests/support/slapdserver.h); libldap-dev above is what tf-gateway's [ldap] client links.
# libqt6sql6-odbc and unixodbc above are QODBC and the driver manager the ODBC connector loads
# (kind: odbc, sqlserver); its tests run it against psqlODBC (odbc-postgresql) on the test
# PostgreSQL and against SQLite ODBC (libsqliteodbc), and load FreeTDS (tdsodbc, kind: sqlserver).
# nodejs/npm also run Koop (tests/gis/package-lock.json: @koopjs/koop-core and
# provider-file-geojson), the real FeatureServer the ArcGIS connector's test syncs from.
# cgi-mapserver (the mapserv CGI) and mapserver-bin are MapServer 8, the OGC API Features server
# the ogcapi connector's test runs; gdal-bin's ogr2ogr makes its UTF-8 shapefile and GeoPackage.
TEST_PACKAGES=(cgi-mapserver mapserver-bin gdal-bin mariadb-server-core mariadb-client-core odbc-postgresql libsqliteodbc tdsodbc prometheus lintian appstream desktop-file-utils x11-utils systemd man-db jq bash-completion sqlite3 nodejs iproute2 dbus gnome-keyring openssl wrk nginx-light slapd ldap-utils)
if ! command -v npm >/dev/null 2>&1; then
    TEST_PACKAGES+=(npm)
fi

# Only the fuzz build (tests/fuzz, preset "fuzz": bench/fuzz/run.sh and scripts/test.sh
# --sanitize) needs these: clang++-14, and libFuzzer's runtime with the ASan/UBSan runtimes for
# clang (libclang_rt.fuzzer*, libclang_rt.asan*), which libclang-rt-14-dev ships. The ordinary
# build stays on GCC and replays the fuzz corpora without libFuzzer.
FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)

# Only the benchmarks need these (bench/run.sh installs them with --test --bench): pgloader is the
# comparison tool of the full-load step, time (/usr/bin/time -v) measures each step's peak RSS and
# CPU, and linux-perf gives `perf record` for bench/run.sh --perf and bench/profile scripts.
BENCH_PACKAGES=(pgloader time linux-perf)

# --list [--test] [--fuzz] [--bench]: print the package names, one per line, and install nothing. The dependency
# check (scripts/check-deps.sh) reads this list, so the two cannot drift apart.
list_only=0
for arg in "$@"; do
    case "$arg" in
        --test) PACKAGES+=("${TEST_PACKAGES[@]}") ;;
        --fuzz) PACKAGES+=("${FUZZ_PACKAGES[@]}") ;;
        --bench) PACKAGES+=("${BENCH_PACKAGES[@]}") ;;
        --list) list_only=1 ;;
        *) printf 'install-deps.sh: unknown argument "%s" (expected --test, --fuzz, --bench and/or --list)\n' "$arg" >&2; exit 2 ;;
    esac
done
if ((list_only)); then
    printf '%s\n' "${PACKAGES[@]}"
    exit 0
fi

log() { printf '==> %s\n' "$*"; }

if [[ "${TF_SKIP_DEPS:-0}" == "1" ]]; then
    log "dependencies: skipped (TF_SKIP_DEPS=1)"
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    log "dependencies: no dpkg-query; this script knows Debian 12 only, install the packages by hand:" >&2
    printf '    %s\n' "${PACKAGES[*]}" >&2
    exit 1
fi

# One dpkg-query for all; "install ok installed" is the only state in which a package is usable.
declare -A installed=()
while read -r name status; do
    [[ "$status" == "install ok installed" ]] && installed["${name%%:*}"]=1
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for pkg in "${PACKAGES[@]}"; do
    [[ -n "${installed[$pkg]:-}" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
    log "dependencies: all ${#PACKAGES[@]} packages present"
    exit 0
fi
log "dependencies: missing ${missing[*]}"

sudo_cmd=()
if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
        log "dependencies: not root and no sudo; install these packages and re-run: ${missing[*]}" >&2
        exit 1
    fi
    sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

log "dependencies: apt-get update"
"${sudo_cmd[@]}" apt-get update -qq

# A package with no candidate would make apt-get fail with a less helpful message.
unknown=()
for pkg in "${missing[@]}"; do
    # Captured first: with pipefail, grep -q closing the pipe early would fail apt-cache.
    policy="$(apt-cache policy "$pkg" 2>/dev/null || true)"
    if [[ "$policy" != *"Candidate: "[!\(]* ]]; then
        unknown+=("$pkg")
    fi
done
if ((${#unknown[@]} > 0)); then
    log "dependencies: no installable version of ${unknown[*]} (is this Debian 12 with main enabled?)" >&2
    exit 1
fi

log "dependencies: installing ${missing[*]}"
apt_log="$(mktemp)"
trap 'rm -f "$apt_log"' EXIT
if ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    log "dependencies: apt-get install failed" >&2
    exit 1
fi
log "dependencies: done"
