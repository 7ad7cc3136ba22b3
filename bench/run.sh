#!/usr/bin/env bash
# TerraFusion SyncService benchmark: tfctl sync PostgreSQL -> PostgreSQL against the COPY pipe
# (psql \copy to stdout | psql \copy from stdin) and pgloader, on a throwaway PostgreSQL 15.
# Not part of ctest. See docs/performance.md for what it measures and the last results.
#
#   bench/run.sh [--rows N] [--big-rows N | --skip-big] [--pipe-runs N] [--batch-size N]
#                [--skip-pgloader] [--pg-stats] [--perf] [--out DIR] [--keep]
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
PG_STATS=0
PERF=0
KEEP=0
OUT=""

usage()
{
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    cat <<'EOF'
Options:
  --rows N          rows of the main table (default 1000000)
  --big-rows N      rows of the peak-RSS run (default 5000000)
  --skip-big        skip the big peak-RSS run
  --pipe-runs N     repetitions of the COPY pipe baseline; the median is used (default 3)
  --batch-size N    the pairs' batch_size (default 5000, the product default)
  --skip-pgloader   do not run pgloader
  --pg-stats        load pg_stat_statements and save the top statements of each tfctl step
  --perf            run each tfctl step under `perf record` and save a flat profile
                    (for profiling only: it perturbs the timings and the peak RSS)
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
    --pg-stats) PG_STATS=1; shift ;;
    --perf) PERF=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for n in "$ROWS" "$BIG_ROWS" "$PIPE_RUNS" "$BATCH"; do
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

# --- binaries ---------------------------------------------------------------------------------
if [[ -n ${TF_BIN_DIR:-} ]]; then
    TFCTL=$TF_BIN_DIR/tfctl
else
    log "building the release preset (no-op when up to date)"
    (cd "$REPO" && { [[ -f build/release/build.ninja ]] || cmake --preset release; } \
        && cmake --build --preset release -j2 --target tfctl) >"$OUT/build.log" 2>&1 \
        || die "build failed, see $OUT/build.log"
    TFCTL=$REPO/build/release/bin/tfctl
fi
[[ -x $TFCTL ]] || die "no tfctl at $TFCTL"
((PERF)) && ! command -v perf >/dev/null && die "perf is missing (apt-get install linux-perf)"
for tool in psql jq /usr/bin/time; do
    command -v "$tool" >/dev/null || die "$tool is required"
done
if ((!SKIP_PGLOADER)) && ! command -v pgloader >/dev/null; then
    if ((EUID == 0)); then
        log "installing pgloader"
        DEBIAN_FRONTEND=noninteractive apt-get install -y pgloader >"$OUT/apt.log" 2>&1 \
            || die "apt-get install pgloader failed, see $OUT/apt.log"
    else
        die "pgloader is missing (apt-get install pgloader, or --skip-pgloader)"
    fi
fi
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
cleanup()
{
    local rc=$?
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
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

log "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
    "load $(loadavg); PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'); rows $ROWS, batch_size $BATCH"
{
    echo "date: $(date -Is)"
    echo "command: bench/run.sh --rows $ROWS --big-rows $BIG_ROWS$( ((SKIP_BIG)) && echo ' --skip-big') --pipe-runs $PIPE_RUNS --batch-size $BATCH"
    echo "tfctl: $TFCTL"
    echo "git: $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null)$(cd "$REPO" && git diff --quiet 2>/dev/null || echo ' (dirty)')"
    echo "cpu: $(nproc) x $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "ram: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "postgres: $("$PGBIN/postgres" --version)"
    echo "pgloader: $(pgloader --version 2>/dev/null | head -1 || echo -)"
    echo "load at start: $(loadavg)"
} >"$OUT/machine.txt"

# --- data -------------------------------------------------------------------------------------
for db in src dst dstc pipe pgl; do pq postgres -c "CREATE DATABASE $db"; done
log "generating $ROWS rows in src"
t0=$(now)
fill_source src "$ROWS"
log "  generated in $(since "$t0") s; src.t is $(pqv src -c "SELECT pg_size_pretty(pg_total_relation_size('t'))")"
SRC_SUM=$(checksum src)
for db in dst dstc; do empty_table "$db"; done

# --- baseline: the COPY pipe ------------------------------------------------------------------
copy_pipe() # src-db dst-db -> prints seconds
{
    empty_table "$2"
    pq "$2" -c "CHECKPOINT" >/dev/null
    local t0
    t0=$(now)
    pq "$1" -c '\copy t to stdout' | pq "$2" -c '\copy t from stdin'
    since "$t0"
}
PIPES=()
for i in $(seq "$PIPE_RUNS"); do
    s=$(copy_pipe src pipe)
    PIPES+=("$s")
    log "COPY pipe run $i: $s s (load $(loadavg))"
done
[[ $(checksum pipe) == "$SRC_SUM" ]] || die "the COPY pipe copy differs from the source"
PIPE=$(printf '%s\n' "${PIPES[@]}" | median)
record "COPY pipe (baseline, median of $PIPE_RUNS: ${PIPES[*]})" "$PIPE" "1.000" "-" "-" "load $(loadavg)"
pq postgres -c "DROP DATABASE pipe"

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
    pgloader "$WORK/pgloader.load" >"$OUT/pgloader.log" 2>&1 || die "pgloader failed, see $OUT/pgloader.log"
    PGLOADER=$(since "$t0")
    [[ $(checksum pgl) == "$SRC_SUM" ]] || die "pgloader's copy differs from the source"
    log "pgloader: $PGLOADER s (load $(loadavg))"
    record "pgloader (same table)" "$PGLOADER" "$(ratio "$PGLOADER" "$PIPE")" "-" "-" "load $(loadavg)"
    pq postgres -c "DROP DATABASE pgl"
fi

# --- tfctl setup --------------------------------------------------------------------------------
TFDATA=$WORK/tf
mkdir -p "$TFDATA"
tf() { "$TFCTL" "$@" --data-dir "$TFDATA"; }
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
add_pair() # name source-id target-id mode extra-json
{
    cat <<EOF | tf pair add - >/dev/null
{"name": "$1", "source_system": $2, "target_system": $3, "mode": "$4", "batch_size": $BATCH,
 "delete_policy": {"action": "propagate"} $5,
 "entities": [{"name": "t", "source": {"entity": "t", "key": ["id"]},
               "target": {"entity": "t", "key": ["id"]},
               "mapping": $MAPPING, "validation": $RULES}]}
EOF
}
SYS_SRC=$(add_system bench-src src)
SYS_DST=$(add_system bench-dst dst)
SYS_DSTC=$(add_system bench-dstc dstc)
[[ -n $SYS_SRC && -n $SYS_DST && -n $SYS_DSTC ]] || die "tfctl system add failed"
add_pair bench-hash "$SYS_SRC" "$SYS_DST" hash ""
add_pair bench-cursor "$SYS_SRC" "$SYS_DSTC" cursor ', "cursor": {"column": "modified_at", "reconcile_every": 10000}'

# Runs tfctl sync under /usr/bin/time; sets WALL (s), RSS_MB (peak), STATS (totals JSON).
tf_sync() # step-name tfctl-args...
{
    local step=$1; shift
    local target_db=${TARGET_DB:-dst}
    # pg_stat_statements counts per server: one reset covers source and target databases.
    ((PG_STATS)) && pq "$target_db" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
        -c "SELECT pg_stat_statements_reset()" >/dev/null
    local t0 rc=0
    t0=$(now)
    local wrap=()
    ((PERF)) && wrap=(perf record -q -F 499 -o "$OUT/$step.perf.data" --)
    /usr/bin/time -v -o "$OUT/$step.time" "${wrap[@]}" "$TFCTL" sync run "$@" --json --data-dir "$TFDATA" \
        >"$OUT/$step.out" 2>"$OUT/$step.err" || rc=$?
    WALL=$(since "$t0")
    ((rc == 0)) || die "tfctl sync run $* exited $rc, see $OUT/$step.out and .err"
    RSS_MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$OUT/$step.time")
    CPU=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "tfctl cpu %.1f s", u + s }' "$OUT/$step.time")
    if ((PERF)); then
        perf report -i "$OUT/$step.perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null \
            | grep -v '^$' | head -70 >"$OUT/$step.perf.txt" || true
    fi
    STATS=$(sed -n '/^{/,$p' "$OUT/$step.out" | jq -c '{status, totals}')
    [[ $(jq -r .status <<<"$STATS") == completed ]] || die "$step: $STATS"
    if ((PG_STATS)); then
        # Statements on a per-batch temporary table get a new query id per batch: group by text.
        pq "$target_db" -c "SELECT d.datname AS db, sum(s.calls) AS calls, round(sum(s.total_exec_time)) AS ms,
                sum(s.rows) AS rows, left(regexp_replace(s.query, '\s+', ' ', 'g'), 200) AS query
            FROM pg_stat_statements AS s JOIN pg_database AS d ON d.oid = s.dbid
            GROUP BY 1, 5 ORDER BY 3 DESC LIMIT 20" >"$OUT/$step.pgstat.txt" 2>&1 || true
    fi
    log "$step: $WALL s ($CPU), peak RSS $RSS_MB MB, $(jq -c .totals <<<"$STATS") (load $(loadavg))"
}

# --- full sync ----------------------------------------------------------------------------------
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

# --- hash mode, no changes ------------------------------------------------------------------------
tf_sync hash-nochange-1 bench-hash
H1=$WALL H1_STATS="$CPU; $(jq -c .totals <<<"$STATS" | tr -d '"{}')"
tf_sync hash-nochange-2 bench-hash
H2=$WALL H2_STATS="$CPU; $(jq -c .totals <<<"$STATS" | tr -d '"{}')"
[[ $(checksum dst) == "$SRC_SUM" ]] || die "after the hash runs dst differs from src"
record "hash re-run, no changes (1st run after --full)" "$H1" "$(ratio "$H1" "$PIPE")" "<= 0.2x" \
    "$(verdict "$(ratio "$H1" "$PIPE")" '<=' 0.2)" "$H1_STATS"
record "hash re-run, no changes (steady state)" "$H2" "$(ratio "$H2" "$PIPE")" "<= 0.2x" \
    "$(verdict "$(ratio "$H2" "$PIPE")" '<=' 0.2)" "$H2_STATS"

# --- cursor pair: initial load and a no-change run (informational) -------------------------------
TARGET_DB=dstc tf_sync cursor-initial bench-cursor
CI=$WALL CI_RSS=$RSS_MB CI_CPU=$CPU
[[ $(checksum dstc) == "$SRC_SUM" ]] || die "after the cursor pair's first run dstc differs from src"
record "(info) cursor pair, first run (no checkpoint: reads all)" "$CI" "$(ratio "$CI" "$PIPE")" "-" "-" "$CI_CPU; peak RSS $CI_RSS MB"
TARGET_DB=dstc tf_sync cursor-nochange bench-cursor
CN=$WALL
record "(info) cursor run, no changes" "$CN" "$(ratio "$CN" "$PIPE")" "-" "-" "$(jq -c .totals <<<"$STATS" | tr -d '"{}')"

# --- 0.1% changed ---------------------------------------------------------------------------------
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

TARGET_DB=dstc tf_sync cursor-changed bench-cursor
CC=$WALL CC_STATS="$CPU; $(jq -c .totals <<<"$STATS" | tr -d '"{}')"
# Cursor mode finds deletes only when it reconciles keys (every reconcile_every runs).
missing=$(pqv dstc -c "SELECT count(*) FROM t" )
record "cursor run, 0.1% changed" "$CC" "$(ratio "$CC" "$PIPE")" "<= 0.05x" \
    "$(verdict "$(ratio "$CC" "$PIPE")" '<=' 0.05)" "$CC_STATS; deletes wait for reconciliation"
log "  dstc has $missing rows, src $(pqv src -c 'SELECT count(*) FROM t') (the $N_DEL deletes wait for reconciliation)"

record "peak RSS, full sync of $ROWS rows" "-" "$FULL_RSS MB" "<= 150 MB" "$(verdict "$FULL_RSS" '<=' 150)" ""

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
echo "load at end: $(loadavg)" >>"$OUT/machine.txt"
{
    echo
    echo "TerraFusion sync benchmark: $ROWS rows x 10 columns, PostgreSQL -> PostgreSQL, batch_size $BATCH"
    echo "$(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM;" \
        "load $(sed -n 's/^load at start: //p' "$OUT/machine.txt") at start, $(loadavg) at end"
    echo "ratio = seconds / COPY pipe seconds ($PIPE s)"
    echo
    awk -F'|' 'BEGIN { printf "%-58s %9s %14s %14s %-8s %s\n", "figure", "seconds", "ratio", "goal", "verdict", "note" }
        { printf "%-58s %9s %14s %14s %-8s %s\n", $1, $2, ($3 ~ /MB|faster/) ? $3 : $3 "x", $4, $5, $6 }' "$RESULTS"
    echo
    echo "logs: $OUT"
} | tee "$OUT/summary.txt"
