#!/usr/bin/env bash
# MariaDB -> PostgreSQL benchmark (issue 18, part 1): tfctl sync run in full mode into an empty
# table, and in hash mode with nothing changed, against the plain pipe
#   mariadb --batch -e 'SELECT ...' | psql -c '\copy t from stdin'
# measured in the same invocation on a throwaway MariaDB and PostgreSQL 15. Goals (those of the
# PostgreSQL source): full <= 1.5x the pipe, hash with no changes <= 0.3x.
#
#   bench/mariadb.sh [--rows N] [--batch-size N] [--pipe-runs N]
# TF_BIN_DIR names the folder holding tfctl (default build/release/bin). Everything runs in a
# temporary folder that is removed at the end; ports are picked below the ephemeral range.
set -euo pipefail

ROWS=100000
BATCH=5000
PIPE_RUNS=3
while (($#)); do
    case $1 in
    --rows) ROWS=$2; shift 2 ;;
    --batch-size) BATCH=$2; shift 2 ;;
    --pipe-runs) PIPE_RUNS=$2; shift 2 ;;
    *) echo "usage: bench/mariadb.sh [--rows N] [--batch-size N] [--pipe-runs N]" >&2; exit 2 ;;
    esac
done

HERE=$(cd "$(dirname "$0")/.." && pwd)
TFCTL=${TF_BIN_DIR:-$HERE/build/release/bin}/tfctl
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
log() { echo "[$(date +%T)] $*" >&2; }
die() { log "error: $*"; exit 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for tool in "$TFCTL" mariadbd mariadb-install-db mariadb psql "$PGBIN/initdb"; do
    command -v "$tool" >/dev/null || [[ -x $tool ]] || die "$tool is missing (scripts/install-deps.sh)"
done

WORK=$(mktemp -d /tmp/tf-bench-mariadb.XXXXXX)
chmod 755 "$WORK"
MARIADB_PID=""
PG_STARTED=0
as_pg() { if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup()
{
    [[ -n $MARIADB_PID ]] && kill "$MARIADB_PID" 2>/dev/null && wait "$MARIADB_PID" 2>/dev/null || true
    ((PG_STARTED)) && as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

ephemeral_low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port()
{
    local candidate
    for _ in $(seq 1 200); do
        candidate=$((20000 + RANDOM % (ephemeral_low - 20000)))
        (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null || { echo "$candidate"; return; }
    done
}

# --- servers ----------------------------------------------------------------------------------
MY_PORT=$(free_port)
user_arg=(); ((EUID == 0)) && user_arg=(--user=root)
mariadb-install-db --no-defaults --datadir="$WORK/my" --auth-root-authentication-method=normal --skip-test-db \
    --innodb-log-file-size=32M "${user_arg[@]}" >"$WORK/install.log" 2>&1 || die "mariadb-install-db failed: $(tail -5 "$WORK/install.log")"
mariadbd --no-defaults --datadir="$WORK/my" --socket="$WORK/my.sock" --port="$MY_PORT" --bind-address=127.0.0.1 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --skip-log-bin \
    --innodb-buffer-pool-size=256M --innodb-log-file-size=32M --innodb-flush-log-at-trx-commit=2 --log-error="$WORK/my.log" "${user_arg[@]}" &
MARIADB_PID=$!
my() { mariadb --no-defaults -h 127.0.0.1 -P "$MY_PORT" -u root "$@"; }
for _ in $(seq 1 300); do my -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
my -e 'SELECT 1' >/dev/null || die "MariaDB did not start: $(tail -5 "$WORK/my.log")"

PG_PORT=$(free_port)
mkdir -p "$WORK/pg" && ((EUID == 0)) && chown postgres "$WORK/pg"
as_pg "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1 || die "initdb failed"
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK/pg -c fsync=off" start >/dev/null
PG_STARTED=1
pq() { local db=$1; shift; PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" "$@"; }
pq postgres -c "CREATE DATABASE pipe" -c "CREATE DATABASE dst"

# --- data ---------------------------------------------------------------------------------------
log "filling MariaDB with $ROWS rows (load $(loadavg))"
my -e "CREATE DATABASE src"
my src -e "CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(60) NOT NULL, code CHAR(8) NOT NULL, city VARCHAR(40),
    note TEXT, amount DECIMAL(14,2), qty INT, score DOUBLE, created_at DATETIME(6), modified_at DATETIME(6) NOT NULL)
    ENGINE=InnoDB;
  INSERT INTO t SELECT seq, CONCAT('Owner ', seq % 977), UPPER(LPAD(HEX(seq * 2654435761 % 4294967296), 8, '0')),
    ELT(1 + seq % 4, 'Springfield', 'Shelbyville', 'Ogdenville', NULL), IF(seq % 7 = 0, CONCAT('note ', seq), NULL),
    (seq * 37 % 100000) / 100, seq % 1000, seq / 7, '2020-01-01 00:00:00' + INTERVAL seq SECOND,
    '2024-01-01 00:00:00.000001' + INTERVAL seq * 1000 MICROSECOND FROM seq_1_to_$ROWS;
  ANALYZE TABLE t;" >/dev/null
PG_DDL="CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL, code text NOT NULL, city text, note text,
    amount numeric(14,2), qty integer, score double precision, created_at timestamp, modified_at timestamp NOT NULL)"
COLUMNS="id, name, code, city, note, amount, qty, score, created_at, modified_at"

# --- the pipe -----------------------------------------------------------------------------------
PIPES=()
for i in $(seq 1 "$PIPE_RUNS"); do
    pq pipe -c "DROP TABLE IF EXISTS t" -c "$PG_DDL"
    t0=$(now)
    my src --batch --skip-column-names -e "SELECT $COLUMNS FROM t" | pq pipe -c "\\copy t from stdin with (null 'NULL')"
    PIPES+=("$(since "$t0")")
    log "pipe run $i: ${PIPES[-1]} s (load $(loadavg))"
done
PIPE=$(median "${PIPES[@]}")
[[ $(pq pipe -At -c "SELECT count(*) FROM t") == "$ROWS" ]] || die "the pipe copied another number of rows"

# --- tfctl --------------------------------------------------------------------------------------
TFDATA=$WORK/tf
mkdir -p "$TFDATA"
tf() { "$TFCTL" "$@" --data-dir "$TFDATA" 2>>"$WORK/tfctl.err"; }
tf init >"$WORK/tfctl-init.log" 2>&1 || die "tfctl init failed: $(tail -5 "$WORK/tfctl-init.log")"
SRC=$(printf '{"name": "bench-mariadb", "kind": "mysql", "settings": {"host": "127.0.0.1", "port": %s, "database": "src"}, "credentials": {"user": "root"}}' \
    "$MY_PORT" | tf system add - | sed -n 's/^system \([0-9]*\) .*/\1/p')
DST=$(printf '{"name": "bench-pg", "kind": "postgres", "settings": {"url": "postgresql://127.0.0.1:%s/dst"}, "credentials": {"user": "postgres"}}' \
    "$PG_PORT" | tf system add - | sed -n 's/^system \([0-9]*\) .*/\1/p')
[[ -n $SRC && -n $DST ]] || die "tfctl system add failed: $(tail -5 "$WORK/tfctl.err")"
FIELDS=$(printf '%s\n' ${COLUMNS//,/} | awk '{ printf "%s{\"target\": \"%s\", \"source\": \"%s\"}", (NR > 1 ? ", " : ""), $1, $1 }')
for mode in full hash; do
    cat <<EOF | tf pair add - >/dev/null || die "tfctl pair add failed: $(tail -5 "$WORK/tfctl.err")"
{"name": "bench-$mode", "source_system": $SRC, "target_system": $DST, "mode": "$mode", "batch_size": $BATCH,
 "delete_policy": {"action": "propagate"},
 "entities": [{"name": "t", "source": {"entity": "t", "key": ["id"]}, "target": {"entity": "t", "key": ["id"]},
               "mapping": {"fields": [$FIELDS]}}]}
EOF
done
sync_run() # pair -> seconds
{
    local t0 out
    t0=$(now)
    out=$(tf sync run "$1") || die "tfctl sync run $1 failed: $out $(tail -5 "$WORK/tfctl.err")"
    echo "$out" | tail -1 >&2
    since "$t0"
}
pq dst -c "$PG_DDL"
FULL=$(sync_run bench-full)
[[ $(pq dst -At -c "SELECT count(*) FROM t") == "$ROWS" ]] || die "the full run copied another number of rows"
log "tfctl full: $FULL s (load $(loadavg))"
pq dst -c "TRUNCATE t"
HASH_FIRST=$(sync_run bench-hash)
HASH=$(sync_run bench-hash)
log "tfctl hash, first run: $HASH_FIRST s; with no changes: $HASH s (load $(loadavg))"

echo
echo "MariaDB -> PostgreSQL, $ROWS rows, batch size $BATCH, load $(loadavg) ($(nproc) cores)"
printf '| %-36s | %8s | %6s |\n' "step" "seconds" "ratio"
printf '|%s|%s|%s|\n' "--------------------------------------" "----------" "--------"
printf '| %-36s | %8s | %6s |\n' "pipe (median of $PIPE_RUNS: ${PIPES[*]})" "$PIPE" "1.000"
printf '| %-36s | %8s | %6s |\n' "tfctl full, into an empty table" "$FULL" "$(ratio "$FULL" "$PIPE")"
printf '| %-36s | %8s | %6s |\n' "tfctl hash, first run" "$HASH_FIRST" "$(ratio "$HASH_FIRST" "$PIPE")"
printf '| %-36s | %8s | %6s |\n' "tfctl hash, nothing changed" "$HASH" "$(ratio "$HASH" "$PIPE")"
