#!/usr/bin/env bash
# Commit-to-apply latency of change data capture (issue 17): PostgreSQL's own logical
# replication (a subscription between two clusters) as the floor, and TerraFusion's `cdc`
# mode beside it once it exists. Two throwaway PostgreSQL 15 clusters on free ports; a pgbench
# writer commits single-row transactions at a fixed rate into the source; the latency of a
# row is the time a trigger on the target stamps when the row is applied (clock_timestamp(),
# a trigger ENABLE ALWAYS so it fires under replication too) minus the source's commit
# timestamp (track_commit_timestamp; same host, same clock). The target's own commit
# timestamp cannot serve: a subscription commits with the origin's timestamp. Not part of ctest. See docs/performance.md for the last results.
#
#   bench/cdc/run.sh [--rates "1000 10000"] [--seconds N] [--keep]
set -euo pipefail

RATES="1000"
SECONDS_PER_RATE=60
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rates) RATES="$2"; shift 2 ;;
        --seconds) SECONDS_PER_RATE="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -x "$PGBIN/pgbench" ] || { echo "pgbench not found in $PGBIN (postgresql-15)" >&2; exit 2; }

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

cleanup() {
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
printf '%-8s %-7s %8s %8s %10s %10s %10s %10s\n' "system" "rate/s" "seconds" "rows" "p50 ms" "p99 ms" "max ms" "achieved/s"

measure_native() { # rate
    local rate=$1
    src -c "DROP TABLE IF EXISTS tick; DROP PUBLICATION IF EXISTS bench_pub;
            CREATE TABLE tick (id bigserial PRIMARY KEY, payload text);
            CREATE PUBLICATION bench_pub FOR TABLE tick;"
    dst -c "DROP SUBSCRIPTION IF EXISTS bench_sub; DROP TABLE IF EXISTS tick;
            CREATE TABLE tick (id bigint PRIMARY KEY, payload text, applied_at timestamptz);
            CREATE OR REPLACE FUNCTION stamp_apply() RETURNS trigger LANGUAGE plpgsql AS
              \$\$ BEGIN NEW.applied_at := clock_timestamp(); RETURN NEW; END \$\$;
            CREATE TRIGGER stamp_apply BEFORE INSERT ON tick FOR EACH ROW EXECUTE FUNCTION stamp_apply();
            ALTER TABLE tick ENABLE ALWAYS TRIGGER stamp_apply;"
    dst -c "CREATE SUBSCRIPTION bench_sub CONNECTION 'host=127.0.0.1 port=$SRC_PORT user=postgres dbname=postgres'
            PUBLICATION bench_pub WITH (copy_data = false);"
    # Wait until the subscription streams (its slot is active on the source).
    for _ in $(seq 1 100); do
        [ "$(src -Atc "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'bench_sub' AND active")" = 1 ] && break
        sleep 0.1
    done
    local clients=$(( rate >= 5000 ? 8 : 2 ))
    as_pg "$PGBIN/pgbench" -n -h 127.0.0.1 -p "$SRC_PORT" -U postgres -f "$work/insert.sql" \
        -c "$clients" -j 2 -R "$rate" -T "$SECONDS_PER_RATE" postgres >"$work/pgbench-$rate.log" 2>&1
    local rows
    rows=$(src -Atc "SELECT count(*) FROM tick")
    for _ in $(seq 1 600); do
        [ "$(dst -Atc "SELECT count(*) FROM tick")" = "$rows" ] && break
        sleep 0.1
    done
    # Source commit times, carried to the target to compare there.
    src -c "\\copy (SELECT id, pg_xact_commit_timestamp(xmin) FROM tick) TO '$work/src-$rate.tsv'"
    dst -c "DROP TABLE IF EXISTS src_commit; CREATE TABLE src_commit (id bigint, committed timestamptz);"
    dst -c "\\copy src_commit FROM '$work/src-$rate.tsv'"
    dst -Atc "
        WITH l AS (
            SELECT extract(epoch FROM t.applied_at - s.committed) * 1000 AS ms
            FROM tick t JOIN src_commit s USING (id))
        SELECT format('%-8s %-7s %8s %8s %10s %10s %10s %10s', 'native', $rate, $SECONDS_PER_RATE, count(*),
                      round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2),
                      round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 2),
                      round(max(ms)::numeric, 2), round(count(*)::numeric / $SECONDS_PER_RATE))
        FROM l"
    dst -c "DROP SUBSCRIPTION bench_sub;"
}

for rate in $RATES; do
    measure_native "$rate"
    printf '%-8s %-7s %s\n' "cdc" "$rate" "not measured: the cdc mode's executor is not built yet (docs/cdc.md)"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
