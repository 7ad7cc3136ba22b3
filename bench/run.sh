#!/usr/bin/env bash
# TerraFusion SyncService benchmark: tfctl sync PostgreSQL -> PostgreSQL against the COPY pipe
# (psql \copy to stdout | psql \copy from stdin) and pgloader, on a throwaway PostgreSQL 15,
# the same full sync through tf-syncd (when it sits next to tfctl), then tfctl verify
# (checksum bisection) and verify --repair on a pair with a plain mapping, and MariaDB ->
# PostgreSQL full and hash runs against the `mariadb --batch | psql \copy` pipe (bench/mariadbstep.sh).
# Not part of ctest. See docs/performance.md for what it measures and the last results.
#
#   bench/run.sh [--rows N] [--big-rows N | --skip-big] [--pipe-runs N] [--batch-size N]
#                [--skip-pgloader] [--only-verify | --only-hash | --only-full] [--skip-mariadb | --only-mariadb]
#                [--full-rounds N] [--compare-bin DIR]
#                [--mariadb-rows N] [--pg-stats] [--perf] [--out DIR] [--keep]
#
# Binaries: $TF_BIN_DIR/tfctl, else build/release/bin/tfctl (the release preset is configured
# and built first; ninja makes that a no-op when it is up to date).
set -euo pipefail

ROWS=1000000
BIG_ROWS=5000000
SKIP_BIG=0
PIPE_RUNS=3
BATCH=5000
SKIP_PGLOADER=0
PGLOADER_HEAP_MB=4096
ONLY_VERIFY=0
ONLY_HASH=0
ONLY_FULL=0
FULL_ROUNDS=0
COMPARE_BIN=""
SKIP_MARIADB=0
ONLY_MARIADB=0
MARIADB_ROWS=""
MARIADB_PID=""
PG_STATS=0
PERF=0
PERF_ALL=0
KEEP=0
OUT=""

usage()
{
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    cat <<'EOF'
Options:
  --rows N          rows of the main table (default 1000000)
  --big-rows N      rows of the peak-RSS run (default 5000000)
  --skip-big        skip the big peak-RSS run
  --pipe-runs N     repetitions of the COPY pipe baseline; the median is used (default 3)
  --batch-size N    the pairs' batch_size (default 5000, the product default)
  --skip-pgloader   do not run pgloader
  --pgloader-heap N pgloader's SBCL heap in MB (--dynamic-space-size; default 4096)
  --only-verify     only the COPY pipe baseline and the verify/repair steps (no pgloader,
                    no sync steps of bench-hash and bench-cursor, no big run, no MariaDB)
  --only-hash       only the COPY pipe baseline and bench-hash's steps (full sync, the two
                    no-change hash runs, the 0.1% change and its hash run): no pgloader,
                    tf-syncd, cursor, chunked, verify, big or MariaDB steps
  --only-full       only the COPY pipe baseline and bench-hash's full sync (mapping + 3 rules),
                    then --full-rounds rounds (default 3 with --only-full)
  --full-rounds N   after the full sync, N rounds of: the COPY pipe, then the same full sync
                    on a new pair into an emptied target (and with --compare-bin, once with
                    each binary, their order alternating per round); medians and ratios recorded
  --compare-bin DIR a second build's bin directory (DIR/tfctl) to time against in the rounds
                    (same invocation, same data: before/after comparisons on a noisy machine);
                    with the MariaDB steps, MARIADB_ROUNDS (default 3) rounds of the pipe, then
                    --full and a no-change hash run with each binary (bench/mariadbstep.sh)
  --skip-mariadb    skip the MariaDB -> PostgreSQL steps (bench/mariadbstep.sh)
  --only-mariadb    only the MariaDB -> PostgreSQL steps (its own pipe, full and hash runs)
  --mariadb-rows N  rows of the MariaDB table (default: --rows)
  --pg-stats        load pg_stat_statements and save the top statements of each tfctl step
  --perf            run each tfctl step under `perf record` and save a flat profile
                    (for profiling only: it perturbs the timings and the peak RSS)
  --perf-all        as --perf, but record every process on the machine while the step runs
                    (the servers' share too; the .perf-threads.txt file then sorts by process)
                    PERF_CALL_GRAPH=dwarf records call graphs through code built without frame
                    pointers (tfctl, libmariadb), at the cost of much larger perf.data files
  --out DIR         where logs and results go (default bench/out/<timestamp>)
  --keep            keep the PostgreSQL cluster and tfctl data directory (printed at the end)
EOF
}

while (($#)); do
    case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --big-rows) BIG_ROWS=$2; shift 2 ;;
    --skip-big) SKIP_BIG=1; shift ;;
    --pipe-runs) PIPE_RUNS=$2; shift 2 ;;
    --batch-size) BATCH=$2; shift 2 ;;
    --skip-pgloader) SKIP_PGLOADER=1; shift ;;
    --pgloader-heap) PGLOADER_HEAP_MB=$2; shift 2 ;;
    --only-verify) ONLY_VERIFY=1; shift ;;
    --only-hash) ONLY_HASH=1; shift ;;
    --only-full) ONLY_FULL=1; shift ;;
    --full-rounds) FULL_ROUNDS=$2; shift 2 ;;
    --compare-bin) COMPARE_BIN=$2; shift 2 ;;
    --skip-mariadb) SKIP_MARIADB=1; shift ;;
    --only-mariadb) ONLY_MARIADB=1; shift ;;
    --mariadb-rows) MARIADB_ROWS=$2; shift 2 ;;
    --pg-stats) PG_STATS=1; shift ;;
    --perf) PERF=1; shift ;;
    --perf-all) PERF=1; PERF_ALL=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case ${PERF_CALL_GRAPH:-fp} in
fp | dwarf | lbr) ;;
*) echo "run.sh: PERF_CALL_GRAPH must be fp, dwarf or lbr, not '$PERF_CALL_GRAPH'" >&2; exit 2 ;;
esac
((ONLY_VERIFY)) && SKIP_PGLOADER=1 SKIP_BIG=1 SKIP_MARIADB=1
((ONLY_HASH)) && SKIP_PGLOADER=1 SKIP_BIG=1 SKIP_MARIADB=1
((ONLY_FULL)) && SKIP_PGLOADER=1 SKIP_BIG=1 SKIP_MARIADB=1
((ONLY_FULL && FULL_ROUNDS == 0)) && FULL_ROUNDS=3
((ONLY_FULL + ONLY_HASH + ONLY_VERIFY > 1)) && { echo "run.sh: --only-verify, --only-hash and --only-full exclude each other" >&2; exit 2; }
[[ -z $COMPARE_BIN || -x $COMPARE_BIN/tfctl ]] || { echo "run.sh: no tfctl in --compare-bin $COMPARE_BIN" >&2; exit 2; }
[[ $FULL_ROUNDS =~ ^[0-9]+$ ]] || { echo "run.sh: --full-rounds '$FULL_ROUNDS' is not a number" >&2; exit 2; }
((ONLY_MARIADB)) && SKIP_PGLOADER=1 SKIP_BIG=1
((ONLY_MARIADB && (SKIP_MARIADB || ONLY_HASH || ONLY_FULL))) && { echo "run.sh: --only-mariadb with --skip-mariadb, --only-verify, --only-hash or --only-full" >&2; exit 2; }
MARIADB_ROWS=${MARIADB_ROWS:-$ROWS}
for n in "$ROWS" "$BIG_ROWS" "$PIPE_RUNS" "$BATCH" "$PGLOADER_HEAP_MB" "$MARIADB_ROWS"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: '$n' is not a positive integer" >&2; exit 2; }
done

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$REPO/bench/out/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$OUT/bench.log" >&2; }
die() { log "FAILED: $*"; exit 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# --- packages -------------------------------------------------------------------------------
# The test packages (MariaDB, jq, ...) and the benchmark's own (pgloader, time, linux-perf):
# idempotent, a no-op when all are present; TF_SKIP_DEPS=1 skips it.
"$REPO/scripts/install-deps.sh" --test --bench >"$OUT/deps.log" 2>&1 || die "installing packages failed, see $OUT/deps.log"

# --- binaries ---------------------------------------------------------------------------------
if [[ -n ${TF_BIN_DIR:-} ]]; then
    TFCTL=$TF_BIN_DIR/tfctl
else
    log "building the release preset (no-op when up to date)"
    (cd "$REPO" && { [[ -f build/release/build.ninja ]] || cmake --preset release; } \
        && cmake --build --preset release -j2 --target tfctl tf-syncd) >"$OUT/build.log" 2>&1 \
        || die "build failed, see $OUT/build.log"
    TFCTL=$REPO/build/release/bin/tfctl
fi
[[ -x $TFCTL ]] || die "no tfctl at $TFCTL"
PERF_SCOPE=()
((PERF_ALL)) && PERF_SCOPE=(-a)
((PERF)) && ! command -v perf >/dev/null && die "perf is missing (scripts/install-deps.sh --bench: linux-perf)"
for tool in psql jq /usr/bin/time; do
    command -v "$tool" >/dev/null || die "$tool is required"
done
((SKIP_PGLOADER)) || command -v pgloader >/dev/null || die "pgloader is missing (scripts/install-deps.sh --bench, or --skip-pgloader)"
PGBIN=$(pg_config --bindir 2>/dev/null || true)
[[ -x $PGBIN/initdb ]] || PGBIN=/usr/lib/postgresql/15/bin
[[ -x $PGBIN/initdb ]] || die "no PostgreSQL server binaries (initdb) found"

# --- throwaway PostgreSQL ---------------------------------------------------------------------
as_pg() { if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi; }
PGROOT=$(mktemp -d /tmp/tfbench-pg.XXXXXX)
WORK=$(mktemp -d /tmp/tfbench-work.XXXXXX)
((EUID == 0)) && chown postgres: "$PGROOT"
PGDATA_DIR=$PGROOT/data
PG_STARTED=0
SYNCD_PID=""
cleanup()
{
    local rc=$?
    [[ -n ${SYNCD_PID:-} ]] && kill "$SYNCD_PID" 2>/dev/null
    [[ -n ${MARIADB_PID:-} ]] && kill "$MARIADB_PID" 2>/dev/null && wait "$MARIADB_PID" 2>/dev/null
    if ((PG_STARTED)) && ((!KEEP)); then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1 || true
    fi
    [[ -f $PGROOT/server.log ]] && cp "$PGROOT/server.log" "$OUT/postgres.log" 2>/dev/null || true
    if ((KEEP)); then
        echo "kept: cluster $PGDATA_DIR (port $PORT), tfctl data $WORK/tf" >&2
    else
        rm -rf "$PGROOT" "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=""
for _ in $(seq 50); do
    candidate=$((20000 + RANDOM % 40000))
    if [[ -z $(ss -ltnH "sport = :$candidate" 2>/dev/null) ]]; then PORT=$candidate; break; fi
done
[[ -n $PORT ]] || die "no free port found"

log "initdb in $PGDATA_DIR, port $PORT"
as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --no-locale >"$OUT/initdb.log" 2>&1 \
    || die "initdb failed, see $OUT/initdb.log"
PGOPTS="-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGROOT"
PGOPTS+=" -c fsync=off -c shared_buffers=256MB -c max_wal_size=4GB"
((PG_STATS)) && PGOPTS+=" -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGROOT/server.log" -w -o "$PGOPTS" start >/dev/null \
    || die "PostgreSQL did not start, see $PGROOT/server.log"
PG_STARTED=1
BASE_URL=postgresql://postgres@127.0.0.1:$PORT

# CPU seconds of the cluster's processes so far: the postmaster's own and its exited children's
# (each connection's backend is counted once it has ended).
server_cpu()
{
    awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13 + $14 + $15) / tck }' \
        "/proc/$(head -1 "$PGDATA_DIR/postmaster.pid")/stat"
}
pq() { local db=$1; shift; PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d "$db" "$@"; }
pqv() { local db=$1; shift; pq "$db" -At "$@"; }

TABLE_DDL="CREATE TABLE t (
    id bigint PRIMARY KEY, name text NOT NULL, code text NOT NULL, city text, note text,
    amount numeric(14,2), qty integer, score double precision, created_at timestamptz,
    modified_at timestamptz NOT NULL);
CREATE INDEX t_modified_at ON t (modified_at);"
empty_table() { pq "$1" -c "DROP TABLE IF EXISTS t" -c "$TABLE_DDL"; }

# Rows that the mapping (trim, upper, round to 2) leaves as they are, so target == source.
fill_source()
{
    local db=$1 rows=$2
    pq "$db" <<SQL
CREATE TABLE t (
    id bigint NOT NULL, name text NOT NULL, code text NOT NULL, city text, note text,
    amount numeric(14,2), qty integer, score double precision, created_at timestamptz,
    modified_at timestamptz NOT NULL);
INSERT INTO t
SELECT g, 'customer ' || g, upper(substr(md5(g::text), 1, 8)),
       (ARRAY['Seattle', 'Spokane', 'Tacoma', 'Yakima', 'Olympia'])[1 + g % 5],
       md5(g::text) || md5((g + 1)::text), round((g % 100000) / 7.0, 2), (g % 1000)::int, g / 3.0,
       timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second',
       timestamptz '2024-01-01 00:00:00+00' + (g % 997) * interval '1 minute' + g * interval '1 millisecond'
FROM generate_series(1, $rows) AS g;
ALTER TABLE t ADD PRIMARY KEY (id);
CREATE INDEX t_modified_at ON t (modified_at);
VACUUM (ANALYZE) t;
SQL
}

# An order-independent checksum of the table's rows (count and a sum of row hashes).
checksum()
{
    pqv "$1" -c "SELECT count(*) || ' ' || coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0) FROM t"
}

# Results: one line per figure (label|seconds|ratio|goal|verdict|note).
RESULTS=$OUT/results.txt
: >"$RESULTS"
record() { printf '%s|%s|%s|%s|%s|%s\n' "$@" >>"$RESULTS"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
verdict() # value op goal
{
    awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN {
        ok = (op == "<=") ? (v <= g) : (v >= g); print ok ? "met" : "NOT met" }'
}
# The summary of every recorded figure (also written to $OUT/summary.txt).
print_report()
{
    echo "load at end: $(loadavg)" >>"$OUT/machine.txt"
    {
        echo
        echo "TerraFusion sync benchmark: $ROWS rows x 10 columns, PostgreSQL -> PostgreSQL, batch_size $BATCH"
        echo "$(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM;" \
            "load $(sed -n 's/^load at start: //p' "$OUT/machine.txt") at start, $(loadavg) at end"
        echo "ratio = seconds / COPY pipe seconds ($PIPE s); the MariaDB lines: / the MariaDB pipe's seconds"
        echo
        awk -F'|' 'BEGIN { printf "%-58s %9s %14s %14s %-8s %s\n", "figure", "seconds", "ratio", "goal", "verdict", "note" }
            { printf "%-58s %9s %14s %14s %-8s %s\n", $1, $2, ($3 ~ /MB|faster|x$/) ? $3 : $3 "x", $4, $5, $6 }' "$RESULTS"
        echo
        echo "logs: $OUT"
    } | tee "$OUT/summary.txt"
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

log "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
    "load $(loadavg); PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'); rows $ROWS, batch_size $BATCH"
{
    echo "date: $(date -Is)"
    echo "command: bench/run.sh --rows $ROWS --big-rows $BIG_ROWS$( ((SKIP_BIG)) && echo ' --skip-big')$( ((SKIP_PGLOADER)) && echo ' --skip-pgloader')$( ((ONLY_VERIFY)) && echo ' --only-verify')$( ((ONLY_HASH)) && echo ' --only-hash')$( ((ONLY_FULL)) && echo ' --only-full') --full-rounds $FULL_ROUNDS$([[ -n $COMPARE_BIN ]] && echo " --compare-bin $COMPARE_BIN")$( ((SKIP_MARIADB)) && echo ' --skip-mariadb')$( ((ONLY_MARIADB)) && echo ' --only-mariadb') --mariadb-rows $MARIADB_ROWS --pipe-runs $PIPE_RUNS --batch-size $BATCH"
    echo "tfctl: $TFCTL"
    echo "git: $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null)$(cd "$REPO" && git diff --quiet 2>/dev/null || echo ' (dirty)')"
    echo "cpu: $(nproc) x $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "ram: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "postgres: $("$PGBIN/postgres" --version)"
    echo "pgloader: $(pgloader --version 2>/dev/null | head -1 || echo -)"
    echo "load at start: $(loadavg)"
} >"$OUT/machine.txt"

# --- data -------------------------------------------------------------------------------------
# (--only-mariadb: no PostgreSQL source; the MariaDB step measures its own pipe)
PIPE=-
for db in src dst dstc dstv pipe pgl; do pq postgres -c "CREATE DATABASE $db"; done
if ((!ONLY_MARIADB)); then
    log "generating $ROWS rows in src"
    t0=$(now)
    fill_source src "$ROWS"
    log "  generated in $(since "$t0") s; src.t is $(pqv src -c "SELECT pg_size_pretty(pg_total_relation_size('t'))")"
    SRC_SUM=$(checksum src)
    for db in dst dstc dstv; do empty_table "$db"; done

    # --- baseline: the COPY pipe ------------------------------------------------------------------
    copy_pipe() # src-db dst-db -> prints seconds; the CPU of both ends in $WORK/pipe.cpu
    {
        empty_table "$2"
        pq "$2" -c "CHECKPOINT" >/dev/null
        local t0 s0 s
        s0=$(server_cpu)
        t0=$(now)
        /usr/bin/time -f '%U %S' -o "$WORK/pipe.time" bash -c "$(declare -f pq); PORT=$PORT;"' pq "$1" -c "\\copy t to stdout" | pq "$2" -c "\\copy t from stdin"' _ "$1" "$2"
        s=$(since "$t0")
        awk -v s0="$s0" -v s1="$(server_cpu)" '{ printf "psql cpu %.1f s, server cpu %.1f s\n", $1 + $2, s1 - s0 }' \
            "$WORK/pipe.time" >"$WORK/pipe.cpu"
        echo "$s"
    }
    PIPES=()
    for i in $(seq "$PIPE_RUNS"); do
        s=$(copy_pipe src pipe)
        PIPES+=("$s")
        log "COPY pipe run $i: $s s, $(cat "$WORK/pipe.cpu") (load $(loadavg))"
    done
    [[ $(checksum pipe) == "$SRC_SUM" ]] || die "the COPY pipe copy differs from the source"
    PIPE=$(printf '%s\n' "${PIPES[@]}" | median)
    record "COPY pipe (baseline, median of $PIPE_RUNS: ${PIPES[*]})" "$PIPE" "1.000" "-" "-" "load $(loadavg)"
    ((FULL_ROUNDS)) || pq postgres -c "DROP DATABASE pipe"
fi

# --- pgloader ---------------------------------------------------------------------------------
PGLOADER=""
if ((!SKIP_PGLOADER)); then
    empty_table pgl
    cat >"$WORK/pgloader.load" <<EOF
LOAD DATABASE
     FROM $BASE_URL/src
     INTO $BASE_URL/pgl
WITH data only, truncate
INCLUDING ONLY TABLE NAMES MATCHING 't' IN SCHEMA 'public';
EOF
    pq pgl -c "CHECKPOINT" >/dev/null
    t0=$(now)
    # SBCL's default heap (Debian's pgloader: 1 GiB or less) runs out ("Heap exhausted") at
    # 1M rows of this table; the runtime option has to come first.
    pgloader --dynamic-space-size "$PGLOADER_HEAP_MB" "$WORK/pgloader.load" >"$OUT/pgloader.log" 2>&1 \
        || die "pgloader failed, see $OUT/pgloader.log"
    PGLOADER=$(since "$t0")
    [[ $(checksum pgl) == "$SRC_SUM" ]] || die "pgloader's copy differs from the source"
    log "pgloader: $PGLOADER s (load $(loadavg))"
    record "pgloader (same table)" "$PGLOADER" "$(ratio "$PGLOADER" "$PIPE")" "-" "-" "load $(loadavg)"
    pq postgres -c "DROP DATABASE pgl"
fi

# --- tfctl setup --------------------------------------------------------------------------------
TFDATA=$WORK/tf
mkdir -p "$TFDATA"
tf() { "$TFCTL" "$@" --data-dir "$TFDATA" 2>>"$OUT/tfctl.err"; }
# tfctl never creates a platform by itself (only `tfctl init` does).
tf init >"$OUT/tfctl-init.log" 2>&1 || die "tfctl init failed, see $OUT/tfctl-init.log"
add_system()
{
    printf '{"name": "%s", "kind": "postgres", "settings": {"url": "%s"}, "credentials": {"user": "postgres"}}' \
        "$1" "postgresql://127.0.0.1:$PORT/$2" | tf system add - | sed -n 's/^system \([0-9]*\) .*/\1/p'
}
MAPPING='{"fields": [
    {"target": "id", "source": "id"},
    {"target": "name", "source": "name", "transform": ["trim"]},
    {"target": "code", "source": "code", "transform": ["trim", "upper"]},
    {"target": "city", "source": "city", "transform": ["trim"]},
    {"target": "note", "source": "note"},
    {"target": "amount", "source": "amount", "transform": [{"fn": "round", "args": [2]}]},
    {"target": "qty", "source": "qty"},
    {"target": "score", "source": "score"},
    {"target": "created_at", "source": "created_at"},
    {"target": "modified_at", "source": "modified_at"}]}'
RULES='[{"field": "name", "rule": "required"},
    {"field": "code", "rule": "pattern", "value": "^[0-9A-F]{8}$"},
    {"field": "qty", "rule": "min_value", "value": 0}]'
add_pair() # name source-id target-id mode extra-json [mapping-json [rules-json]]
{
    cat <<EOF | tf pair add - >/dev/null
{"name": "$1", "source_system": $2, "target_system": $3, "mode": "$4", "batch_size": $BATCH,
 "delete_policy": {"action": "propagate"} $5,
 "entities": [{"name": "t", "source": {"entity": "t", "key": ["id"]},
               "target": {"entity": "t", "key": ["id"]},
               "mapping": ${6:-$MAPPING}, "validation": ${7:-$RULES}}]}
EOF
}
SYS_SRC=$(add_system bench-src src)
SYS_DST=$(add_system bench-dst dst)
SYS_DSTC=$(add_system bench-dstc dstc)
SYS_DSTV=$(add_system bench-dstv dstv)
[[ -n $SYS_SRC && -n $SYS_DST && -n $SYS_DSTC && -n $SYS_DSTV ]] || die "tfctl system add failed, see $OUT/tfctl.err"
add_pair bench-hash "$SYS_SRC" "$SYS_DST" hash ""
add_pair bench-cursor "$SYS_SRC" "$SYS_DSTC" cursor ', "cursor": {"column": "modified_at", "reconcile_every": 10000}'
# Every column copied as it is (no transform, no rule): tfctl verify can then compare source
# and target with checksums of key ranges computed by each server (method "checksum").
PLAIN_MAPPING=$(jq -c '{fields: [.[] | {target: ., source: .}]}' \
    <<<'["id", "name", "code", "city", "note", "amount", "qty", "score", "created_at", "modified_at"]')
add_pair bench-verify "$SYS_SRC" "$SYS_DSTV" hash "" "$PLAIN_MAPPING" '[]'

# pg_stat_statements counts per server: one reset covers source and target databases.
pgstat_reset() { ((PG_STATS)) && pq "$1" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
    -c "SELECT pg_stat_statements_reset()" >/dev/null || true; }
pgstat_save() # db step
{
    ((PG_STATS)) || return 0
    # Statements on a per-batch temporary table get a new query id per batch: group by text.
    pq "$1" -c "SELECT d.datname AS db, sum(s.calls) AS calls, round(sum(s.total_exec_time)) AS ms,
            sum(s.rows) AS rows, left(regexp_replace(s.query, '\s+', ' ', 'g'), 200) AS query
        FROM pg_stat_statements AS s JOIN pg_database AS d ON d.oid = s.dbid
        GROUP BY 1, 5 ORDER BY 3 DESC LIMIT 20" >"$OUT/$2.pgstat.txt" 2>&1 || true
}
perf_save() # step
{
    ((PERF)) || return 0
    perf report -i "$OUT/$1.perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null \
        | grep -v '^$' | head -70 >"$OUT/$1.perf.txt" || true
    # Samples per thread (tid), then each thread's top functions.
    perf report -i "$OUT/$1.perf.data" --no-children --sort comm --stdio -g none 2>/dev/null \
        | grep -v '^$' | head -20 >"$OUT/$1.perf-threads.txt" || true
    perf report -i "$OUT/$1.perf.data" --no-children --sort comm,symbol --stdio -g none 2>/dev/null \
        | grep -v '^$' | head -120 >"$OUT/$1.perf-thread-symbols.txt" || true
}

# Runs tfctl sync under /usr/bin/time; sets WALL (s), RSS_MB (peak), STATS (totals JSON).
tf_sync() # step-name tfctl-args...
{
    local step=$1; shift
    local target_db=${TARGET_DB:-dst}
    pgstat_reset "$target_db"
    local t0 rc=0 s0
    s0=$(server_cpu)
    t0=$(now)
    local wrap=()
    ((PERF)) && wrap=(perf record -q --call-graph "${PERF_CALL_GRAPH:-fp}" -F 499 "${PERF_SCOPE[@]}" -o "$OUT/$step.perf.data" --)
    /usr/bin/time -v -o "$OUT/$step.time" "${wrap[@]}" "$TFCTL" sync run "$@" --json --data-dir "$TFDATA" \
        >"$OUT/$step.out" 2>"$OUT/$step.err" || rc=$?
    WALL=$(since "$t0")
    ((rc == 0)) || die "tfctl sync run $* exited $rc, see $OUT/$step.out and .err"
    RSS_MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$OUT/$step.time")
    # CPU over wall: above 1 when tfctl's threads (the prefetching read) work at once.
    CPU=$(awk -F': ' -v wall="$WALL" '/User time/ { u = $2 } /System time/ { s = $2 }
        END { printf "tfctl cpu %.1f s = %.2f x wall", u + s, (u + s) / (wall > 0 ? wall : 1) }' "$OUT/$step.time")
    CPU+=", $(awk -v a="$s0" -v b="$(server_cpu)" 'BEGIN { printf "server cpu %.1f s", b - a }')"
    perf_save "$step"
    STATS=$(sed -n '/^{/,$p' "$OUT/$step.out" | jq -c '{status, totals}')
    [[ $(jq -r .status <<<"$STATS") == completed ]] || die "$step: $STATS"
    pgstat_save "$target_db" "$step"
    log "$step: $WALL s ($CPU), peak RSS $RSS_MB MB, $(jq -c .totals <<<"$STATS") (load $(loadavg))"
}

# Starts tf-syncd on the bench's data directory, runs bench-syncd --full through
# POST /sync/<id>/start, stops it; records the time and its ratio to tfctl's full sync ($FULL).
syncd_full()
{
    local syncd=${TFCTL%/*}/tf-syncd
    if [[ ! -x $syncd ]]; then
        log "no tf-syncd next to tfctl: the tf-syncd vs tfctl figure is skipped"
        return 0
    fi
    pq postgres -c "CREATE DATABASE dsts"
    empty_table dsts
    local sys_dsts
    sys_dsts=$(add_system bench-dsts dsts)
    add_pair bench-syncd "$SYS_SRC" "$sys_dsts" hash ""
    local port=""
    for _ in $(seq 50); do
        local candidate=$((20000 + RANDOM % 40000))
        if [[ -z $(ss -ltnH "sport = :$candidate" 2>/dev/null) ]]; then port=$candidate; break; fi
    done
    [[ -n $port ]] || die "no free port for tf-syncd"
    local api=http://127.0.0.1:$port
    "$syncd" --port "$port" --data-dir "$TFDATA" >"$OUT/syncd-full.log" 2>&1 &
    SYNCD_PID=$!
    local ready=0
    for _ in $(seq 600); do
        curl -fs "$api/health/ready" >/dev/null 2>&1 && { ready=1; break; }
        sleep 0.1
    done
    ((ready)) || die "tf-syncd did not become ready, see $OUT/syncd-full.log"
    # tf-syncd answers only the gateway: its service token, as the gateway sends it.
    local token pair_id op_id op status t0 answer
    token=$(cat "$TFDATA/service-token") || die "no service token in $TFDATA"
    sd() { curl -fsS -H "Authorization: Bearer $token" -H "X-TF-Actor: bench" -H "X-TF-Actor-Role: admin" "$@"; }
    answer=$(sd "$api/sync-pairs?limit=100") || die "GET /sync-pairs on tf-syncd failed"
    pair_id=$(jq -r '.items[] | select(.name == "bench-syncd") | .id' <<<"$answer")
    [[ -n $pair_id ]] || die "tf-syncd does not list pair bench-syncd"
    pq dsts -c "CHECKPOINT" >/dev/null
    t0=$(now)
    answer=$(sd -X POST -H 'Content-Type: application/json' -d '{"full_resync": true}' \
        "$api/sync/$pair_id/start") || die "POST /sync/$pair_id/start failed"
    op_id=$(jq -r .id <<<"$answer")
    [[ $op_id =~ ^[0-9]+$ ]] || die "POST /sync/$pair_id/start did not queue an operation: $answer"
    # The poll costs no jq per round: jq is ~14 ms of CPU a call (curl ~6 ms), and ten of them a
    # second on 2 shared cores are CPU that tfctl's run does not pay (issue 16, docs/performance.md).
    # The operation's own "status" is the last one in its answer (keys sorted: "statistics" and
    # "log" come first); jq checks the parse once the loop ends.
    local status_re='.*"status"[[:space:]]*:[[:space:]]*"([a-z_]+)"'
    while :; do
        op=$(sd "$api/sync-operations/$op_id") || die "GET /sync-operations/$op_id failed"
        [[ $op =~ $status_re ]] || die "GET /sync-operations/$op_id answered no status: $op"
        status=${BASH_REMATCH[1]}
        [[ $status == queued || $status == running ]] || break
        sleep 0.1
    done
    [[ $(jq -r .status <<<"$op") == "$status" ]] || die "the poll read status '$status' from: $op"
    SYNCD_WALL=$(since "$t0")
    kill "$SYNCD_PID" && wait "$SYNCD_PID" 2>/dev/null || true
    SYNCD_PID=""
    jq . <<<"$op" >"$OUT/syncd-full.json"
    [[ $status == completed ]] || die "the tf-syncd full sync ended $status, see $OUT/syncd-full.json"
    [[ $(checksum dsts) == "$SRC_SUM" ]] || die "after the tf-syncd full sync dsts differs from src"
    local service
    service=$(awk -v a="$(date -d "$(jq -r .created_at <<<"$op")" +%s.%N)" \
        -v b="$(date -d "$(jq -r .finished_at <<<"$op")" +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    log "tf-syncd full sync: $SYNCD_WALL s (operation created_at -> finished_at ${service} s) (load $(loadavg))"
    record "(info) tf-syncd full sync (bench-syncd: bench-hash's pair, own target)" "$SYNCD_WALL" \
        "$(ratio "$SYNCD_WALL" "$PIPE")" "-" "-" "operation created_at -> finished_at ${service} s"
    record "tf-syncd vs tfctl, full sync of the same pair (syncd s / tfctl s)" "-" \
        "$(ratio "$SYNCD_WALL" "$FULL")x" "<= 1.05x" "$(verdict "$(ratio "$SYNCD_WALL" "$FULL")" '<=' 1.05)" \
        "tfctl $FULL s, tf-syncd $SYNCD_WALL s; load $(loadavg)"
    pq postgres -c "DROP DATABASE dsts" >/dev/null 2>&1 || true
}

# --full-rounds: the COPY pipe and the full sync (mapping + 3 rules, a new pair each time, so no
# state, into an emptied dst) in turn, with tfctl and, with --compare-bin, the other binary; the
# order of the two binaries alternates per round. Each ratio is to the median of the rounds' pipes.
full_rounds()
{
    local r bins tags i s tfctl_saved=$TFCTL
    local -a pipes=() times_a=() times_b=()
    for r in $(seq "$FULL_ROUNDS"); do
        s=$(copy_pipe src pipe)
        pipes+=("$s")
        log "round $r: COPY pipe $s s, $(cat "$WORK/pipe.cpu") (load $(loadavg))"
        bins=("$tfctl_saved") tags=(a)
        if [[ -n $COMPARE_BIN ]]; then
            if ((r % 2)); then bins=("$tfctl_saved" "$COMPARE_BIN/tfctl") tags=(a b)
            else bins=("$COMPARE_BIN/tfctl" "$tfctl_saved") tags=(b a); fi
        fi
        for i in "${!bins[@]}"; do
            TFCTL=${bins[$i]}
            empty_table dst
            add_pair "bench-full-$r-${tags[$i]}" "$SYS_SRC" "$SYS_DST" hash ""
            tf_sync "full-r$r-${tags[$i]}" "bench-full-$r-${tags[$i]}" --full
            [[ $(checksum dst) == "$SRC_SUM" ]] || die "round $r (${tags[$i]}): dst differs from src"
            if [[ ${tags[$i]} == a ]]; then times_a+=("$WALL"); else times_b+=("$WALL"); fi
            log "round $r: full sync (${tags[$i]}: $TFCTL) $WALL s = $(ratio "$WALL" "$s")x this round's pipe"
        done
    done
    TFCTL=$tfctl_saved
    local p a b
    p=$(printf '%s\n' "${pipes[@]}" | median)
    a=$(printf '%s\n' "${times_a[@]}" | median)
    record "(rounds) COPY pipe, median of $FULL_ROUNDS: ${pipes[*]}" "$p" "1.000" "-" "-" "load $(loadavg)"
    record "(rounds) full sync, $TFCTL, median: ${times_a[*]}" "$a" "$(ratio "$a" "$p")" "<= 1.3x" \
        "$(verdict "$(ratio "$a" "$p")" '<=' 1.3)" "ratio to the rounds' pipe"
    if [[ -n $COMPARE_BIN ]]; then
        b=$(printf '%s\n' "${times_b[@]}" | median)
        record "(rounds) full sync, $COMPARE_BIN/tfctl, median: ${times_b[*]}" "$b" "$(ratio "$b" "$p")" "<= 1.3x" \
            "$(verdict "$(ratio "$b" "$p")" '<=' 1.3)" "ratio to the rounds' pipe"
    fi
    pq postgres -c "DROP DATABASE pipe" >/dev/null
}

# The sync steps of bench-hash and bench-cursor (--only-verify skips them).
if ((!ONLY_VERIFY && !ONLY_MARIADB)); then
    # --- full sync ------------------------------------------------------------------------------
    tf_sync full-1 bench-hash --full
    FULL=$WALL FULL_RSS=$RSS_MB FULL_CPU=$CPU
    [[ $(checksum dst) == "$SRC_SUM" ]] || die "after the full sync dst differs from src"
    record "tfctl full sync (mapping + 3 rules)" "$FULL" "$(ratio "$FULL" "$PIPE")" "<= 1.3x" \
        "$(verdict "$(ratio "$FULL" "$PIPE")" '<=' 1.3)" "$FULL_CPU; load $(loadavg)"
    if [[ -n $PGLOADER ]]; then
        speed=$(ratio "$PGLOADER" "$FULL")
        record "tfctl full sync vs pgloader (pgloader s / tfctl s)" "-" "${speed}x faster" ">= 3x faster" \
            "$(verdict "$speed" '>=' 3)" ""
    fi

    # --- the same full sync through tf-syncd ------------------------------------------------------
    # Issue 16: tf-syncd vs tfctl on the same pair <= 1.05x. Pair bench-syncd is bench-hash with
    # its own empty target (dsts), so both runs start alike (empty table, no state). Timed from
    # POST /sync/<id>/start to the operation's end as seen by polling every 100 ms (the
    # operation's own created_at -> finished_at is in the note); tfctl's time includes its start.
    ((FULL_ROUNDS)) && full_rounds
    if ((!ONLY_FULL)); then
    ((ONLY_HASH)) || syncd_full
    # --- hash mode, no changes --------------------------------------------------------------------
    tf_sync hash-nochange-1 bench-hash
    H1=$WALL H1_STATS="$CPU; $(jq -c .totals <<<"$STATS" | tr -d '"{}')"
    tf_sync hash-nochange-2 bench-hash
    H2=$WALL H2_STATS="$CPU; $(jq -c .totals <<<"$STATS" | tr -d '"{}')"
    [[ $(checksum dst) == "$SRC_SUM" ]] || die "after the hash runs dst differs from src"
    record "hash re-run, no changes (1st run after --full)" "$H1" "$(ratio "$H1" "$PIPE")" "<= 0.2x" \
        "$(verdict "$(ratio "$H1" "$PIPE")" '<=' 0.2)" "$H1_STATS"
    record "hash re-run, no changes (steady state)" "$H2" "$(ratio "$H2" "$PIPE")" "<= 0.2x" \
        "$(verdict "$(ratio "$H2" "$PIPE")" '<=' 0.2)" "$H2_STATS"

    # --- cursor pair: initial load and a no-change run (informational) ---------------------------
    if ((!ONLY_HASH)); then
    TARGET_DB=dstc tf_sync cursor-initial bench-cursor
    CI=$WALL CI_RSS=$RSS_MB CI_CPU=$CPU
    [[ $(checksum dstc) == "$SRC_SUM" ]] || die "after the cursor pair's first run dstc differs from src"
    record "(info) cursor pair, first run (no checkpoint: loads in full)" "$CI" "$(ratio "$CI" "$PIPE")" "-" "-" "$CI_CPU; peak RSS $CI_RSS MB"
    TARGET_DB=dstc tf_sync cursor-nochange bench-cursor
    CN=$WALL
    record "(info) cursor run, no changes" "$CN" "$(ratio "$CN" "$PIPE")" "-" "-" "$(jq -c .totals <<<"$STATS" | tr -d '"{}')"
    fi

    # --- 0.1% changed -----------------------------------------------------------------------------
    CHANGES=$((ROWS / 1000))
    N_UPD=$(((CHANGES + 2) / 3)) N_DEL=$(((CHANGES + 1) / 3)) N_INS=$((CHANGES / 3))
    log "changing $CHANGES rows in src: $N_UPD updates, $N_DEL deletes, $N_INS inserts (uniformly random keys)"
    # Timestamps are written at millisecond precision: tfctl carries timestamptz through QDateTime,
    # which keeps milliseconds only (see docs/performance.md, "Findings"), and the checksum below
    # would otherwise report the truncated microseconds.
    pq src <<SQL
    BEGIN;
    CREATE TEMP TABLE picked AS
        SELECT id, row_number() OVER () AS n FROM (SELECT id FROM t ORDER BY random() LIMIT $N_UPD + $N_DEL) AS r;
    UPDATE t SET note = md5(random()::text), amount = amount + 1, qty = qty + 1, modified_at = date_trunc('milliseconds', clock_timestamp())
        WHERE id IN (SELECT id FROM picked WHERE n <= $N_UPD);
    DELETE FROM t WHERE id IN (SELECT id FROM picked WHERE n > $N_UPD);
    INSERT INTO t
    SELECT g, 'customer ' || g, upper(substr(md5(g::text), 1, 8)), 'Seattle', md5(g::text), 1.00, 1, g / 3.0,
           date_trunc('milliseconds', clock_timestamp()), date_trunc('milliseconds', clock_timestamp())
    FROM generate_series((SELECT max(id) FROM t) + 1, (SELECT max(id) FROM t) + $N_INS) AS g;
    COMMIT;
    VACUUM (ANALYZE) t;
SQL
    SRC_SUM2=$(checksum src)

    tf_sync hash-changed bench-hash
    HC=$WALL HC_STATS="$CPU; $(jq -c .totals <<<"$STATS" | tr -d '"{}')"
    [[ $(checksum dst) == "$SRC_SUM2" ]] || die "after the hash run with changes dst differs from src"
    record "hash run, 0.1% changed" "$HC" "$(ratio "$HC" "$PIPE")" "<= 0.3x" \
        "$(verdict "$(ratio "$HC" "$PIPE")" '<=' 0.3)" "$HC_STATS"

    if ((!ONLY_HASH)); then
    TARGET_DB=dstc tf_sync cursor-changed bench-cursor
    CC=$WALL CC_STATS="$CPU; $(jq -c .totals <<<"$STATS" | tr -d '"{}')"
    # Cursor mode finds deletes only when it reconciles keys (every reconcile_every runs).
    missing=$(pqv dstc -c "SELECT count(*) FROM t" )
    record "cursor run, 0.1% changed" "$CC" "$(ratio "$CC" "$PIPE")" "<= 0.05x" \
        "$(verdict "$(ratio "$CC" "$PIPE")" '<=' 0.05)" "$CC_STATS; deletes wait for reconciliation"
    log "  dstc has $missing rows, src $(pqv src -c 'SELECT count(*) FROM t') (the $N_DEL deletes wait for reconciliation)"
    fi

    fi # !ONLY_FULL
    record "peak RSS, full sync of $ROWS rows" "-" "$FULL_RSS MB" "<= 150 MB" "$(verdict "$FULL_RSS" '<=' 150)" ""
fi

# --- MariaDB -> PostgreSQL: its own pipe, full and hash runs (bench/mariadbstep.sh) ----------
if ((!SKIP_MARIADB)); then
    source "$REPO/bench/mariadbstep.sh"
    mariadb_steps
fi
if ((ONLY_MARIADB)); then
    print_report
    exit 0
fi

# --- chunked full load through tf-syncd, 1 and 2 workers (bench/chunkstep.sh) ---------------
if ((!ONLY_VERIFY && !ONLY_HASH && !ONLY_FULL)); then
    source "$REPO/bench/chunkstep.sh"
    chunk_steps
fi

if ((!ONLY_HASH && !ONLY_FULL)); then
# --- verify and repair (pair bench-verify: src -> dstv, plain mapping) -----------------------
# Runs tfctl verify under /usr/bin/time; sets WALL (s), CPU and REPORT (the run's "verify" report).
# Exit codes: 0 no differences, 3 differences found, 1 failed, 2 bad input.
tf_verify() # step-name expected-exit tfctl-verify-args...
{
    local step=$1 expect=$2; shift 2
    pgstat_reset dstv
    pq dstv -c "CHECKPOINT" >/dev/null
    local t0 rc=0 wrap=()
    ((PERF)) && wrap=(perf record -q --call-graph "${PERF_CALL_GRAPH:-fp}" -F 499 "${PERF_SCOPE[@]}" -o "$OUT/$step.perf.data" --)
    t0=$(now)
    /usr/bin/time -v -o "$OUT/$step.time" "${wrap[@]}" "$TFCTL" verify "$@" --json --data-dir "$TFDATA" \
        >"$OUT/$step.out" 2>"$OUT/$step.err" || rc=$?
    WALL=$(since "$t0")
    ((rc == expect)) || die "tfctl verify $* exited $rc (expected $expect), see $OUT/$step.out and .err"
    CPU=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "tfctl cpu %.1f s", u + s }' "$OUT/$step.time")
    perf_save "$step"
    local result
    result=$(sed -n '/^{/,$p' "$OUT/$step.out")
    [[ $(jq -r .status <<<"$result") == completed ]] || die "$step: $(jq -c '{status, error}' <<<"$result")"
    REPORT=$(jq -c .verify <<<"$result")
    pgstat_save dstv "$step"
    log "$step: $WALL s ($CPU), $(jq -c '{differences, missing, extra, different, repaired,
        differences_after_repair, method: [.entities[].method], rows_fetched: [.entities[].rows_fetched]}' \
        <<<"$REPORT") (load $(loadavg))"
}
# The report's figures the checks below look at, as one line.
verify_figures()
{
    jq -r '[.differences, .missing, .extra, .different, (.differences_after_repair // "-"),
        ([.entities[].method] | join(","))] | map(tostring) | join(" ")' <<<"$REPORT"
}
sorted_keys() { jq -r "$1 | map(tostring) | sort | join(\" \")" <<<"$REPORT"; }
verify_note() { jq -r '"method " + ([.entities[].method] | join(",")) + ", rows fetched "
    + ([.entities[].rows_fetched] | add | tostring)' <<<"$REPORT"; }

VSRC_SUM=$(checksum src)
TARGET_DB=dstv tf_sync verify-fill bench-verify --full
VF=$WALL VF_CPU=$CPU
[[ $(checksum dstv) == "$VSRC_SUM" ]] || die "after the full sync of bench-verify dstv differs from src"
record "(info) bench-verify full sync (plain mapping, fills dstv)" "$VF" "$(ratio "$VF" "$PIPE")" "-" "-" "$VF_CPU"

# The first scan of freshly written rows also sets their hint bits (and writes those pages).
tf_verify verify-first 0 bench-verify
[[ $(verify_figures) == "0 0 0 0 - checksum" ]] || die "verify-first: $(verify_figures)"
record "(info) verify identical, first scan after the load" "$WALL" "$(ratio "$WALL" "$PIPE")" "-" "-" \
    "$CPU; $(verify_note); before VACUUM"
pq dstv -c "VACUUM (ANALYZE) t"

tf_verify verify-identical 0 bench-verify
[[ $(verify_figures) == "0 0 0 0 - checksum" ]] || die "verify-identical: $(verify_figures)"
VI=$WALL
record "verify identical ($ROWS rows)" "$VI" "$(ratio "$VI" "$PIPE")" "<= 0.5x" \
    "$(verdict "$(ratio "$VI" "$PIPE")" '<=' 0.5)" "$CPU; $(verify_note)"

# 10 rows changed in the target behind the engine's back, spread over the key range (at the
# 5%, 15%, ..., 85% quantiles of the key): 8 updated (one column each, one of them by a
# single microsecond), 1 deleted, and 1 extra row inserted after the last key.
log "changing 10 rows in dstv: 8 updates, 1 delete, 1 extra insert"
pq dstv <<SQL
CREATE SCHEMA bench;
CREATE TABLE bench.picked AS
    SELECT p.id, p.n FROM unnest((SELECT percentile_disc(ARRAY[0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85])
        WITHIN GROUP (ORDER BY id) FROM t)) WITH ORDINALITY AS p (id, n);
CREATE TABLE bench.saved AS SELECT * FROM t WHERE id IN (SELECT id FROM bench.picked);
CREATE TABLE bench.extra AS SELECT max(id) + 1 AS id FROM t;
UPDATE t SET note = 'changed in the target' WHERE id = (SELECT id FROM bench.picked WHERE n = 1);
UPDATE t SET amount = amount + 0.01 WHERE id = (SELECT id FROM bench.picked WHERE n = 2);
UPDATE t SET city = NULL WHERE id = (SELECT id FROM bench.picked WHERE n = 3);
UPDATE t SET score = score * 2 WHERE id = (SELECT id FROM bench.picked WHERE n = 4);
UPDATE t SET modified_at = modified_at + interval '1 microsecond' WHERE id = (SELECT id FROM bench.picked WHERE n = 5);
UPDATE t SET name = name || ' ' WHERE id = (SELECT id FROM bench.picked WHERE n = 6);
UPDATE t SET qty = qty + 1 WHERE id = (SELECT id FROM bench.picked WHERE n = 7);
UPDATE t SET created_at = NULL WHERE id = (SELECT id FROM bench.picked WHERE n = 8);
DELETE FROM t WHERE id = (SELECT id FROM bench.picked WHERE n = 9);
INSERT INTO t SELECT id, 'extra', 'EXTRA', NULL, NULL, NULL, NULL, NULL, NULL, now() FROM bench.extra;
SQL
CHANGED=$(pqv dstv -c "SELECT string_agg(id::text, ' ' ORDER BY id::text) FROM bench.picked WHERE n <= 8")
DELETED=$(pqv dstv -c "SELECT id FROM bench.picked WHERE n = 9")
EXTRA=$(pqv dstv -c "SELECT id FROM bench.extra")
tf_verify verify-10 3 bench-verify
[[ $(verify_figures) == "10 1 1 8 - checksum" ]] || die "verify-10: $(verify_figures), expected 10 1 1 8 - checksum"
[[ $(sorted_keys '[.entities[].different_keys[].key]') == "$CHANGED" ]] \
    || die "verify-10: different keys $(sorted_keys '[.entities[].different_keys[].key]'), expected $CHANGED"
[[ $(sorted_keys '[.entities[].missing_keys[]]') == "$DELETED" ]] || die "verify-10: missing keys differ"
[[ $(sorted_keys '[.entities[].extra_keys[]]') == "$EXTRA" ]] || die "verify-10: extra keys differ"
V10=$WALL
record "verify, 10 rows changed in the target" "$V10" "$(ratio "$V10" "$PIPE")" "<= 0.5x" \
    "$(verdict "$(ratio "$V10" "$PIPE")" '<=' 0.5)" "$CPU; $(verify_note); found exactly the 10"

# Back to identical (in SQL), then 1000 differences: 600 updated, 200 deleted (keys picked
# uniformly at random) and 200 extra rows after the last key.
pq dstv <<SQL
DELETE FROM t WHERE id IN (SELECT id FROM bench.picked UNION ALL SELECT id FROM bench.extra);
INSERT INTO t SELECT * FROM bench.saved;
SQL
[[ $(checksum dstv) == "$VSRC_SUM" ]] || die "dstv does not equal src after undoing the 10 changes"
log "changing 1000 rows in dstv: 600 updates, 200 deletes, 200 extra inserts"
pq dstv <<SQL
CREATE TABLE bench.picked1000 AS
    SELECT id, row_number() OVER () AS n FROM (SELECT id FROM t ORDER BY random() LIMIT 800) AS r;
UPDATE t SET note = md5(random()::text), amount = amount + 1, qty = qty + 1 FROM bench.picked1000 AS p
    WHERE t.id = p.id AND p.n <= 300;
UPDATE t SET modified_at = modified_at + interval '1 microsecond', score = -score FROM bench.picked1000 AS p
    WHERE t.id = p.id AND p.n > 300 AND p.n <= 600;
DELETE FROM t USING bench.picked1000 AS p WHERE t.id = p.id AND p.n > 600;
INSERT INTO t
SELECT g, 'extra ' || g, 'EXTRA', 'Seattle', md5(g::text), 1.00, 1, g / 3.0, clock_timestamp(), clock_timestamp()
FROM generate_series((SELECT max(id) FROM t) + 1, (SELECT max(id) FROM t) + 200) AS g;
SQL
tf_verify repair-1000 0 bench-verify --repair
[[ $(verify_figures) == "1000 200 200 600 0 checksum" ]] \
    || die "repair-1000: $(verify_figures), expected 1000 200 200 600 0 checksum"
[[ $(checksum dstv) == "$VSRC_SUM" ]] || die "after the repair dstv differs from src"
VR=$WALL
record "repair, 1000 rows changed (verify, repair, verify)" "$VR" "$(ratio "$VR" "$PIPE")" \
    "<= 0.6x" "$(verdict "$(ratio "$VR" "$PIPE")" '<=' 0.6)" \
    "$CPU; $(verify_note); repaired $(jq -r .repaired <<<"$REPORT"), 0 after repair"

fi

# --- big run: peak RSS ----------------------------------------------------------------------------
if ((!SKIP_BIG)); then
    for db in srcbig dstbig pipebig; do pq postgres -c "CREATE DATABASE $db"; done
    log "generating $BIG_ROWS rows in srcbig"
    t0=$(now)
    fill_source srcbig "$BIG_ROWS"
    log "  generated in $(since "$t0") s"
    empty_table dstbig
    BPIPE=$(copy_pipe srcbig pipebig)
    log "COPY pipe at $BIG_ROWS rows: $BPIPE s"
    pq postgres -c "DROP DATABASE pipebig"
    SYS_SB=$(add_system bench-srcbig srcbig)
    SYS_DB=$(add_system bench-dstbig dstbig)
    add_pair bench-big "$SYS_SB" "$SYS_DB" hash ""
    TARGET_DB=dstbig tf_sync full-big bench-big --full
    [[ $(checksum dstbig) == "$(checksum srcbig)" ]] || die "after the big full sync dstbig differs from srcbig"
    record "(info) COPY pipe, $BIG_ROWS rows (1 run)" "$BPIPE" "1.000" "-" "-" ""
    record "(info) tfctl full sync, $BIG_ROWS rows" "$WALL" "$(ratio "$WALL" "$BPIPE")" "-" "-" "$CPU; load $(loadavg)"
    record "peak RSS, full sync of $BIG_ROWS rows" "-" "$RSS_MB MB" "<= 150 MB" "$(verdict "$RSS_MB" '<=' 150)" ""
fi

# --- report -----------------------------------------------------------------------------------------
print_report
