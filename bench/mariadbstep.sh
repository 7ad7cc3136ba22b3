# shellcheck shell=bash
# Sourced by bench/run.sh: MariaDB -> PostgreSQL (issue 18). Starts a throwaway MariaDB
# (mariadb-server-core) in $WORK/my, fills a table shaped like run.sh's (bigint key, text,
# CHAR(8), DECIMAL(14,2), INT, DOUBLE, two DATETIME(6)) with $MARIADB_ROWS rows, and measures in
# the same invocation the plain pipe
#   mariadb --batch -e 'SELECT ...' | psql -c '\copy t from stdin'
# (median of $PIPE_RUNS), then tfctl on one hash-mode pair: --full into an empty table, and two
# hash runs with nothing changed (the first right after the full run, then the steady state),
# and one hash run after 0.1% of the rows changed. Goals, those of the PostgreSQL source: full
# <= 1.5x the pipe, hash with no changes <= 0.3x. Sets MARIADB_PID (run.sh's cleanup stops it).

mariadb_steps()
{
    local rows=$MARIADB_ROWS port user_arg=() my_pipes=() pipe t0
    for tool in mariadbd mariadb-install-db mariadb; do
        command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps.sh: mariadb-server-core, mariadb-client-core)"
    done
    port=$(mariadb_free_port)
    ((EUID == 0)) && user_arg=(--user=root)
    log "MariaDB: starting a throwaway server on port $port"
    mariadb-install-db --no-defaults --datadir="$WORK/my" --auth-root-authentication-method=normal --skip-test-db \
        --innodb-log-file-size=64M "${user_arg[@]}" >"$OUT/mariadb-install.log" 2>&1 \
        || die "mariadb-install-db failed, see $OUT/mariadb-install.log"
    mariadbd --no-defaults --datadir="$WORK/my" --socket="$WORK/my.sock" --port="$port" --bind-address=127.0.0.1 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --skip-log-bin \
        --innodb-buffer-pool-size=512M --innodb-log-file-size=64M --innodb-flush-log-at-trx-commit=2 \
        --log-error="$OUT/mariadb.log" "${user_arg[@]}" &
    MARIADB_PID=$!
    my() { mariadb --no-defaults -h 127.0.0.1 -P "$port" -u root "$@"; }
    for _ in $(seq 300); do my -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
    my -e 'SELECT 1' >/dev/null || die "MariaDB did not start, see $OUT/mariadb.log"

    log "MariaDB: filling src.t with $rows rows (load $(loadavg))"
    t0=$(now)
    my -e "CREATE DATABASE src"
    my src -e "CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(60) NOT NULL, code CHAR(8) NOT NULL, city VARCHAR(40),
        note TEXT, amount DECIMAL(14,2), qty INT, score DOUBLE, created_at DATETIME(6), modified_at DATETIME(6) NOT NULL)
        ENGINE=InnoDB;
      INSERT INTO t SELECT seq, CONCAT('Owner ', seq % 977), UPPER(LPAD(HEX(seq * 2654435761 % 4294967296), 8, '0')),
        ELT(1 + seq % 4, 'Springfield', 'Shelbyville', 'Ogdenville', NULL), IF(seq % 7 = 0, CONCAT('note ', seq), NULL),
        (seq * 37 % 100000) / 100, seq % 1000, seq / 7, '2020-01-01 00:00:00' + INTERVAL seq SECOND,
        '2024-01-01 00:00:00.000001' + INTERVAL seq * 1000 MICROSECOND FROM seq_1_to_$rows;
      ANALYZE TABLE t;" >/dev/null
    log "  filled in $(since "$t0") s"
    local pg_ddl="CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL, code text NOT NULL, city text, note text,
        amount numeric(14,2), qty integer, score double precision, created_at timestamp, modified_at timestamp NOT NULL)"
    local columns="id, name, code, city, note, amount, qty, score, created_at, modified_at"
    # The same text on both sides, so the pipe's copy and tfctl's can be compared.
    local sum_sql="SELECT count(*) || ' ' || coalesce(sum(('x' || substr(md5(concat_ws('|', $columns)), 1, 15))::bit(60)::bigint), 0) FROM t"

    # --- the pipe ---------------------------------------------------------------------------------
    pq postgres -c "DROP DATABASE IF EXISTS pipem" -c "CREATE DATABASE pipem" -c "DROP DATABASE IF EXISTS dstm" -c "CREATE DATABASE dstm"
    for i in $(seq "$PIPE_RUNS"); do
        pq pipem -c "DROP TABLE IF EXISTS t" -c "$pg_ddl"
        pq pipem -c "CHECKPOINT" >/dev/null
        t0=$(now)
        my src --batch --skip-column-names -e "SELECT $columns FROM t" | pq pipem -c "\\copy t from stdin with (null 'NULL')"
        my_pipes+=("$(since "$t0")")
        log "MariaDB pipe run $i: ${my_pipes[-1]} s (load $(loadavg))"
    done
    pipe=$(printf '%s\n' "${my_pipes[@]}" | median)
    [[ $(pqv pipem -c "SELECT count(*) FROM t") == "$rows" ]] || die "the MariaDB pipe copied another number of rows"
    local pipe_sum
    pipe_sum=$(pqv pipem -c "$sum_sql")
    record "MariaDB pipe (baseline, median of $PIPE_RUNS: ${my_pipes[*]})" "$pipe" "1.000" "-" "-" "$rows rows; load $(loadavg)"
    pq postgres -c "DROP DATABASE pipem"

    # --- tfctl ------------------------------------------------------------------------------------
    local sys_my sys_pg fields
    sys_my=$(printf '{"name": "bench-mariadb", "kind": "mysql", "settings": {"host": "127.0.0.1", "port": %s, "database": "src"}, "credentials": {"user": "root"}}' \
        "$port" | tf system add - | sed -n 's/^system \([0-9]*\) .*/\1/p')
    sys_pg=$(add_system bench-dstm dstm)
    [[ -n $sys_my && -n $sys_pg ]] || die "tfctl system add failed, see $OUT/tfctl.err"
    fields=$(printf '%s\n' ${columns//,/} | jq -R . | jq -sc '{fields: [.[] | {target: ., source: .}]}')
    add_pair bench-mariadb "$sys_my" "$sys_pg" hash "" "$fields" '[]'
    pq dstm -c "$pg_ddl"
    local full h1 h2 hc h1_stats h2_stats
    TARGET_DB=dstm tf_sync mariadb-full bench-mariadb --full
    full=$WALL
    [[ $(pqv dstm -c "$sum_sql") == "$pipe_sum" ]] || die "after the MariaDB full sync dstm differs from the pipe's copy"
    record "MariaDB: tfctl full sync (plain mapping)" "$full" "$(ratio "$full" "$pipe")" "<= 1.5x" \
        "$(verdict "$(ratio "$full" "$pipe")" '<=' 1.5)" "$CPU; peak RSS $RSS_MB MB"
    TARGET_DB=dstm tf_sync mariadb-hash-nochange-1 bench-mariadb
    h1=$WALL h1_stats="$CPU; $(jq -c .totals <<<"$STATS" | tr -d '"{}')"
    TARGET_DB=dstm tf_sync mariadb-hash-nochange-2 bench-mariadb
    h2=$WALL h2_stats="$CPU; $(jq -c .totals <<<"$STATS" | tr -d '"{}')"
    record "MariaDB: hash, no changes (1st run after --full)" "$h1" "$(ratio "$h1" "$pipe")" "<= 0.3x" \
        "$(verdict "$(ratio "$h1" "$pipe")" '<=' 0.3)" "$h1_stats"
    record "MariaDB: hash, no changes (steady state)" "$h2" "$(ratio "$h2" "$pipe")" "<= 0.3x" \
        "$(verdict "$(ratio "$h2" "$pipe")" '<=' 0.3)" "$h2_stats"

    # 0.1% changed: a third each updated, deleted and inserted, keys spread over the table.
    local changes=$((rows / 1000))
    ((changes >= 3)) || changes=3
    log "MariaDB: changing $changes rows in src.t"
    my src -e "UPDATE t SET qty = qty + 1, modified_at = modified_at + INTERVAL 1 MICROSECOND
        WHERE id % $((rows / changes * 3)) = 1 LIMIT $((changes / 3));
      DELETE FROM t WHERE id % $((rows / changes * 3)) = 2 LIMIT $((changes / 3));
      INSERT INTO t (id, name, code, modified_at) SELECT $rows + seq, 'new', 'NEW', '2025-01-01' FROM seq_1_to_$((changes / 3));"
    TARGET_DB=dstm tf_sync mariadb-hash-changed bench-mariadb
    hc=$WALL
    [[ $(pqv dstm -c "SELECT count(*) FROM t") == "$(my src -N -e 'SELECT count(*) FROM t')" ]] \
        || die "after the MariaDB hash run with changes dstm has another number of rows"
    record "(info) MariaDB: hash, 0.1% changed" "$hc" "$(ratio "$hc" "$pipe")" "-" "-" \
        "$CPU; $(jq -c .totals <<<"$STATS" | tr -d '"{}')"
    kill "$MARIADB_PID" && wait "$MARIADB_PID" 2>/dev/null || true
    MARIADB_PID=""
}

mariadb_free_port()
{
    local candidate
    for _ in $(seq 50); do
        candidate=$((20000 + RANDOM % 12000))
        [[ -z $(ss -ltnH "sport = :$candidate" 2>/dev/null) ]] && { echo "$candidate"; return; }
    done
    die "no free port for MariaDB"
}
