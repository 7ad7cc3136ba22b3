#!/usr/bin/env bash
# README command 2: build, start a throwaway PostgreSQL, run every test suite, clean up.
#   scripts/test.sh                 release preset, all tests
#   scripts/test.sh --sanitize      debug preset (AddressSanitizer + UndefinedBehaviorSanitizer),
#                                   then a smoke run of every libFuzzer target (bench/fuzz/run.sh,
#                                   TF_FUZZ_SECONDS seconds each, default 5; clang preset "fuzz")
#   scripts/test.sh -R tst_config   any other arguments go to ctest
# Exits with ctest's code. The PostgreSQL folder is removed however the run ends.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# ccache: paths relative to the checkout, so a fresh clone in another folder reuses the cache.
export CCACHE_BASEDIR="$ROOT"
# Debug info (-g) makes ccache hash the working directory too; without this, clones in other
# folders never hit the cache (seen: 15 hits in 2,290 calls). Paths inside stay relative.
export CCACHE_NOHASHDIR=1
cd "$ROOT"

log() { printf '==> %s\n' "$*"; }

preset=release
ctest_args=()
for arg in "$@"; do
    case "$arg" in
        --sanitize) preset=debug ;;
        *) ctest_args+=("$arg") ;;
    esac
done

if [[ "$preset" == debug ]]; then
    bash scripts/install-deps.sh --test --fuzz
else
    bash scripts/install-deps.sh --test
fi

log "configuring (preset $preset)"
cmake --preset "$preset" >/dev/null
log "building (preset $preset)"
cmake --build --preset "$preset" -j"$(nproc)"
# Everything the build, its programs and their plugins use must come from install-deps.sh.
bash scripts/check-deps.sh --build-dir "build/$preset"

# --- throwaway PostgreSQL -------------------------------------------------------------------
pg_bin="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)"
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
    log "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin" >&2
    exit 1
fi

# initdb and postgres refuse to run as root: then the postgres system user runs them, on a
# folder it owns (under /tmp, which that user can reach whatever TMPDIR says).
run_as=()
if ((EUID == 0)); then
    pg_tmp="$(mktemp -d /tmp/tf-test-pg.XXXXXX)"
    chown postgres:postgres "$pg_tmp"
    run_as=(runuser -u postgres --)
else
    pg_tmp="$(mktemp -d "${TMPDIR:-/tmp}/tf-test-pg.XXXXXX")"
fi
pg_data="$pg_tmp/data"
pg_log="$pg_tmp/postgres.log"

pg() { (cd "$pg_tmp" && "${run_as[@]}" "$@"); }

cleaned=0
ctest_pid=""
# shellcheck disable=SC2317  # reached through the traps below
cleanup() {
    ((cleaned)) && return
    cleaned=1
    if [[ -n "$ctest_pid" ]] && kill -0 "$ctest_pid" 2>/dev/null; then
        kill -TERM "$ctest_pid" 2>/dev/null || true
        wait "$ctest_pid" 2>/dev/null || true
    fi
    if [[ -f "$pg_data/postmaster.pid" ]]; then
        pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$pg_tmp"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

pg "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$pg_tmp/initdb.log" 2>&1 || {
    cat "$pg_tmp/initdb.log" >&2
    exit 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Another process may take the port between the check and the start: try a few.
pg_port=""
for _ in 1 2 3 4 5; do
    candidate=$((20000 + RANDOM % 40000))
    port_in_use "$candidate" && continue
    log "starting throwaway PostgreSQL on port $candidate"
    if pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_log" -w -t 60 -o \
        "-p $candidate -c listen_addresses=127.0.0.1 -k $pg_tmp -c fsync=off -c wal_level=logical -c max_connections=200" \
        start >/dev/null; then
        pg_port="$candidate"
        break
    fi
done
if [[ -z "$pg_port" ]]; then
    log "PostgreSQL did not start; its log:" >&2
    cat "$pg_log" >&2 || true
    exit 1
fi
for _ in $(seq 1 100); do
    "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -U postgres && break
    sleep 0.1
done
if ! "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -U postgres; then
    log "PostgreSQL on port $pg_port is not ready; its log:" >&2
    cat "$pg_log" >&2 || true
    exit 1
fi

export TF_TEST_PG_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres"
export TF_REQUIRE_PG=1
export TF_REQUIRE_PROMTOOL=1
# tst_diskfull mounts small tmpfs file systems: as root (CI) it must run, not skip.
if [[ $EUID -eq 0 ]]; then export TF_REQUIRE_MOUNT=1; fi

# The MySQL connector's tests start their own MariaDB (mariadb-server-core): missing, they fail.
export TF_REQUIRE_MARIADB=1
# Directory sign-in's test starts its own slapd (slapd, ldap-utils): missing, it fails.
export TF_REQUIRE_SLAPD=1
# The ODBC connector's tests need QODBC, psqlODBC, SQLite ODBC and FreeTDS: missing, they fail.
export TF_REQUIRE_ODBC=1
# The ArcGIS connector's test starts Koop (tests/gis, npm ci into the build tree): missing, it fails.
export TF_REQUIRE_KOOP=1
# The OGC API connector's test runs MapServer 8 as CGI (cgi-mapserver, gdal-bin): missing, it fails.
export TF_REQUIRE_MAPSERVER=1

# --- tests ----------------------------------------------------------------------------------
log "running tests"
# In the background so that a signal reaches the traps at once instead of after ctest.
rc=0
ctest --preset "$preset" -j2 --output-on-failure "${ctest_args[@]}" &
ctest_pid=$!
wait "$ctest_pid" || rc=$?
ctest_pid=""
if ((rc == 0)); then log "all test suites passed"; else log "tests failed (ctest exit code $rc)"; fi

# --- fuzz smoke run (--sanitize only: it builds the clang preset "fuzz") ------------------------
if [[ "$preset" == debug ]]; then
    log "fuzzing every target for ${TF_FUZZ_SECONDS:-5}s (bench/fuzz/run.sh)"
    fuzz_rc=0
    bash bench/fuzz/run.sh "${TF_FUZZ_SECONDS:-5}" || fuzz_rc=$?
    if ((rc == 0 && fuzz_rc != 0)); then
        log "fuzzing found something (build/fuzz/findings/)"
        rc=1
    fi
fi

# --- packages -------------------------------------------------------------------------------
# A whole run (no ctest filter, release preset) also builds and checks the two Debian packages;
# as root it installs, upgrades and purges them for real (packaging/test-install.sh).
pkg_rc=0
if ((${#ctest_args[@]} > 0)) || [[ "$preset" != release ]]; then
    log "packages: skipped (only a whole run of the release preset checks them)"
elif ((EUID == 0)); then
    bash packaging/test-install.sh --build-dir "build/$preset" || pkg_rc=$?
else
    bash packaging/check-packages.sh --build-dir "build/$preset" || pkg_rc=$?
    log "install test: skipped, it installs and purges packages and needs root (sudo packaging/test-install.sh)"
fi
if ((rc == 0 && pkg_rc != 0)); then
    log "package checks failed"
    rc=1
fi
exit "$rc"
