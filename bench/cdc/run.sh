#!/usr/bin/env bash
# Commit-to-apply latency of change data capture (issue 17): PostgreSQL's own logical
# replication (a subscription between two clusters) as the floor, and TerraFusion's `cdc`
# mode (tf-cdcbench: the CdcExecutor engine as tf-syncd runs it) beside it. Two throwaway
# PostgreSQL 15 clusters on free ports; a pgbench writer commits single-row transactions at a fixed rate into the source; the latency of a
# row is the time a trigger on the target stamps when the row is applied (clock_timestamp(),
# a trigger ENABLE ALWAYS so it fires under replication too) minus the source's commit
# timestamp (track_commit_timestamp; same host, same clock). The target's own commit
# timestamp cannot serve: a subscription commits with the origin's timestamp. "drain ms" is how
# long the target needed after the writer stopped: a rate is sustained when the writer reached
# it (>= 95 %) and the target was caught up within 2 s (the lag did not grow). "peak RSS"
# is tf-cdcbench's VmHWM. Not part of ctest. See docs/performance.md for the last results.
#
#   bench/cdc/run.sh [--rates "1000 10000"] [--seconds N] [--systems "native cdc"] [--keep]
set -euo pipefail

RATES="1000 10000"
SECONDS_PER_RATE=60
SYSTEMS="native cdc"
KEEP=0
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CDCBENCH=${TF_CDCBENCH:-$REPO/build/release/bin/tf-cdcbench}
while [ $# -gt 0 ]; do
    case "$1" in
        --rates) RATES="$2"; shift 2 ;;
        --seconds) SECONDS_PER_RATE="$2"; shift 2 ;;
        --systems) SYSTEMS="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -x "$PGBIN/pgbench" ] || { echo "pgbench not found in $PGBIN (postgresql-15)" >&2; exit 2; }
case " $SYSTEMS " in *" cdc "*)
    [ -x "$CDCBENCH" ] || { echo "$CDCBENCH not built (cmake -DTF_BUILD_BENCH=ON, target tf-cdcbench)" >&2; exit 2; } ;;
esac

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Below the kernel's ephemeral range, as tests/docs/run-doc-examples.sh picks them.
ephemeral_low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port() {
    local candidate low=10000 span=$((ephemeral_low - 10000))
    while :; do
        candidate=$((low + RANDOM % span))
        port_in_use "$candidate" || { echo "$candidate"; return; }
    done
}

work=$(mktemp -d /tmp/tf-bench-cdc.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
SRC_PORT=$(free_port)
DST_PORT=$(free_port)
while [ "$DST_PORT" = "$SRC_PORT" ]; do DST_PORT=$(free_port); done

CDC_PID=
cleanup() {
    [ -n "$CDC_PID" ] && kill "$CDC_PID" 2>/dev/null && wait "$CDC_PID" 2>/dev/null || true
    for c in src dst; do
        [ -d "$work/$c" ] && as_pg "$PGBIN/pg_ctl" -D "$work/$c" stop -m fast -w >/dev/null 2>&1 || true
    done
    if [ "$KEEP" = 0 ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT

start_cluster() { # name port extra-options
    as_pg "$PGBIN/initdb" -D "$work/$1" -A trust -U postgres --no-sync >/dev/null
    as_pg "$PGBIN/pg_ctl" -D "$work/$1" -l "$work/$1.log" -w -o \
        "-p $2 -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=on \
         -c track_commit_timestamp=on -c wal_level=logical $3" start >/dev/null
}
start_cluster src "$SRC_PORT" ""
start_cluster dst "$DST_PORT" ""
src() { PGOPTIONS='--client-min-messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$SRC_PORT" -U postgres -d postgres "$@"; }
dst() { PGOPTIONS='--client-min-messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$DST_PORT" -U postgres -d postgres "$@"; }

cat > "$work/insert.sql" <<'EOF'
INSERT INTO tick (payload) VALUES ('row');
EOF

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS="$work/results"
: > "$RESULTS"
printf '%-8s %-7s %8s %8s %9s %9s %9s %10s %9s %9s\n' "system" "rate/s" "seconds" "rows" "p50 ms" "p99 ms" \
    "max ms" "achieved/s" "drain ms" "peak MB"

now_ms() { date +%s%3N; }

target_table() { # the target table with the apply-time trigger
    dst -c "DROP TABLE IF EXISTS tick; DROP TABLE IF EXISTS tf_cdc_position;
            CREATE TABLE tick (id bigint PRIMARY KEY, payload text, applied_at timestamptz);
            CREATE OR REPLACE FUNCTION stamp_apply() RETURNS trigger LANGUAGE plpgsql AS
              \$\$ BEGIN NEW.applied_at := clock_timestamp(); RETURN NEW; END \$\$;
            CREATE TRIGGER stamp_apply BEFORE INSERT ON tick FOR EACH ROW EXECUTE FUNCTION stamp_apply();
            ALTER TABLE tick ENABLE ALWAYS TRIGGER stamp_apply;"
}

# Runs the writer at `rate`, waits until the target holds every row, prints and records the
# latencies. Arguments: system rate peak-MB-command
write_and_measure() {
    local system=$1 rate=$2
    local clients=$(( rate >= 5000 ? 8 : 2 ))
    as_pg "$PGBIN/pgbench" -n -h 127.0.0.1 -p "$SRC_PORT" -U postgres -f "$work/insert.sql" \
        -c "$clients" -j 2 -R "$rate" -T "$SECONDS_PER_RATE" postgres >"$work/pgbench-$system-$rate.log" 2>&1
    local stopped rows drained
    stopped=$(now_ms)
    rows=$(src -Atc "SELECT count(*) FROM tick")
    for _ in $(seq 1 1200); do
        [ "$(dst -Atc "SELECT count(*) FROM tick")" = "$rows" ] && break
        sleep 0.05
    done
    drained=$(( $(now_ms) - stopped ))
    [ "$(dst -Atc "SELECT count(*) FROM tick")" = "$rows" ] || drained=-1
    PEAK=-
    [ "$system" = cdc ] && PEAK=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$CDC_PID/status")
    # Source commit times, carried to the target to compare there.
    src -c "\\copy (SELECT id, pg_xact_commit_timestamp(xmin) FROM tick) TO '$work/src-$system-$rate.tsv'"
    dst -c "DROP TABLE IF EXISTS src_commit; CREATE TABLE src_commit (id bigint, committed timestamptz);"
    dst -c "\\copy src_commit FROM '$work/src-$system-$rate.tsv'"
    dst -Atc "
        WITH l AS (
            SELECT extract(epoch FROM t.applied_at - s.committed) * 1000 AS ms
            FROM tick t JOIN src_commit s USING (id))
        SELECT concat_ws(' ', '$system', $rate, $SECONDS_PER_RATE, count(*),
                      round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2),
                      round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 2),
                      round(max(ms)::numeric, 2), round(count(*)::numeric / $SECONDS_PER_RATE),
                      $drained, '$PEAK')
        FROM l" | tee -a "$RESULTS" | awk '{ printf "%-8s %-7s %8s %8s %9s %9s %9s %10s %9s %9s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
}

measure_native() { # rate
    local rate=$1
    src -c "DROP TABLE IF EXISTS tick; DROP PUBLICATION IF EXISTS bench_pub;
            CREATE TABLE tick (id bigserial PRIMARY KEY, payload text);
            CREATE PUBLICATION bench_pub FOR TABLE tick;"
    dst -c "DROP SUBSCRIPTION IF EXISTS bench_sub;"
    target_table
    dst -c "CREATE SUBSCRIPTION bench_sub CONNECTION 'host=127.0.0.1 port=$SRC_PORT user=postgres dbname=postgres'
            PUBLICATION bench_pub WITH (copy_data = false);"
    # Wait until the subscription streams: its slot's walsender in catchup or streaming ("active"
    # alone is also true while CREATE SUBSCRIPTION creates the slot, before the apply worker starts).
    for _ in $(seq 1 100); do
        [ "$(src -Atc "SELECT count(*) FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid
                       WHERE s.slot_name = 'bench_sub' AND r.state IN ('catchup', 'streaming')")" = 1 ] && break
        sleep 0.1
    done
    write_and_measure native "$rate"
    dst -c "DROP SUBSCRIPTION bench_sub;"
}

measure_cdc() { # rate
    local rate=$1
    src -c "DROP TABLE IF EXISTS tick; DROP PUBLICATION IF EXISTS tf_pair_bench_pub;
            SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'tf_pair_bench';
            CREATE TABLE tick (id bigserial PRIMARY KEY, payload text);" >/dev/null
    target_table
    rm -f "$work/control-$rate.db"
    "$CDCBENCH" "postgresql://postgres@127.0.0.1:$SRC_PORT/postgres" \
        "postgresql://postgres@127.0.0.1:$DST_PORT/postgres" tick id payload \
        --control "$work/control-$rate.db" 2>"$work/cdcbench-$rate.log" &
    CDC_PID=$!
    # Streaming once the snapshot (an empty table) is in and its position stored.
    for _ in $(seq 1 300); do
        [ "$(dst -Atc "SELECT count(*) FROM pg_tables WHERE tablename = 'tf_cdc_position'")" = 1 ] \
            && [ "$(dst -Atc "SELECT count(*) FROM tf_cdc_position")" = 1 ] && break
        kill -0 "$CDC_PID" 2>/dev/null || { echo "tf-cdcbench stopped: $(tail -3 "$work/cdcbench-$rate.log")" >&2; exit 1; }
        sleep 0.1
    done
    write_and_measure cdc "$rate"
    kill "$CDC_PID"
    wait "$CDC_PID" || { echo "tf-cdcbench failed: $(tail -3 "$work/cdcbench-$rate.log")" >&2; exit 1; }
    CDC_PID=
}

for rate in $RATES; do
    for system in $SYSTEMS; do
        "measure_$system" "$rate"
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# The goals of issue 17 beside native replication's figures of the same run.
summary() { # system -> "p50@1k p99@1k sustained peakMB"
    awk -v s="$1" '
        $1 == s && $2 == 1000 { p50 = $5; p99 = $6 }
        $1 == s && $8 >= 0.95 * $2 && $9 >= 0 && $9 <= 2000 && $2 > best { best = $2 }
        $1 == s && $10 != "-" && $10 + 0 > peak { peak = $10 + 0 }
        END { printf "%s %s %s %s\n", (p50 == "" ? "-" : p50), (p99 == "" ? "-" : p99),
                                     (best == "" ? "none" : best), (peak == "" ? "-" : peak) }' "$RESULTS"
}
read -r o50 o99 osus opeak <<<"$(summary cdc)"
read -r n50 n99 nsus _ <<<"$(summary native)"
verdict() { # value goal-test
    if [ "$1" = - ]; then echo "not measured"; elif [ "$1" = none ]; then echo "MISSED (no rate sustained)"; elif awk "BEGIN { exit !($1 $2) }"; then echo met; else echo MISSED; fi
}
echo
printf '%-30s %12s %12s %14s %s\n' "measure" "ours (cdc)" "native" "goal" ""
printf '%-30s %12s %12s %14s %s\n' "p50 latency at 1k/s (ms)" "$o50" "$n50" "<= 50" "$(verdict "$o50" '<= 50')"
printf '%-30s %12s %12s %14s %s\n' "p99 latency at 1k/s (ms)" "$o99" "$n99" "<= 250" "$(verdict "$o99" '<= 250')"
printf '%-30s %12s %12s %14s %s\n' "sustained, lag bounded (/s)" "$osus" "$nsus" ">= 10000" "$(verdict "$osus" '>= 10000')"
printf '%-30s %12s %12s %14s %s\n' "peak RSS under load (MB)" "$opeak" "n/a" "<= 150" "$(verdict "$opeak" '<= 150')"
echo "(sustained: the highest rate measured whose writer reached >= 95 % of it and whose target was"
echo " caught up within 2 s after the writer stopped; rates tried: $RATES, $SECONDS_PER_RATE s each)"
