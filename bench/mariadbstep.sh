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
# With --compare-bin DIR, rounds follow ($MARIADB_ROUNDS, default 3): each round runs the pipe,
# then tfctl and DIR/tfctl in turn (the order alternating per round), each a --full on a new pair
# into the emptied table and a hash run with nothing changed on bench-mariadb; each ratio is to
# that round's pipe, and the medians are recorded for both binaries.

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
    mariadb_pipe() # runs the pipe into pipem.t once; prints its seconds
    {
        local t0
        pq pipem -c "DROP TABLE IF EXISTS t" -c "$pg_ddl" >/dev/null
        pq pipem -c "CHECKPOINT" >/dev/null
        t0=$(now)
        my src --batch --skip-column-names -e "SELECT $columns FROM t" | pq pipem -c "\\copy t from stdin with (null 'NULL')" >/dev/null
        since "$t0"
    }
    for i in $(seq "$PIPE_RUNS"); do
        my_pipes+=("$(mariadb_pipe)")
        log "MariaDB pipe run $i: ${my_pipes[-1]} s (load $(loadavg))"
    done
    pipe=$(printf '%s\n' "${my_pipes[@]}" | median)
    [[ $(pqv pipem -c "SELECT count(*) FROM t") == "$rows" ]] || die "the MariaDB pipe copied another number of rows"
    local pipe_sum
    pipe_sum=$(pqv pipem -c "$sum_sql")
    record "MariaDB pipe (baseline, median of $PIPE_RUNS: ${my_pipes[*]})" "$pipe" "1.000" "-" "-" "$rows rows; load $(loadavg)"

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
    [[ -n $COMPARE_BIN ]] && mariadb_rounds
    pq postgres -c "DROP DATABASE pipem"

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

# --compare-bin: this tfctl (a) and $COMPARE_BIN/tfctl (b) in turn, with the pipe in each round
# (uses mariadb_steps' locals: pg_ddl, pipe_sum, sys_my, sys_pg, fields).
mariadb_rounds()
{
    local r i s bins tags tfctl_saved=$TFCTL rounds=${MARIADB_ROUNDS:-3}
    local -a pipes=() full_a=() full_b=() hash_a=() hash_b=() mcpu_a=() mcpu_b=()
    local m0
    for r in $(seq "$rounds"); do
        s=$(mariadb_pipe)
        pipes+=("$s")
        log "MariaDB round $r: pipe $s s (load $(loadavg))"
        if ((r % 2)); then bins=("$tfctl_saved" "$COMPARE_BIN/tfctl") tags=(a b)
        else bins=("$COMPARE_BIN/tfctl" "$tfctl_saved") tags=(b a); fi
        for i in "${!bins[@]}"; do
            TFCTL=${bins[$i]}
            pq dstm -c "TRUNCATE t" >/dev/null
            add_pair "bench-mariadb-$r-${tags[$i]}" "$sys_my" "$sys_pg" hash "" "$fields" '[]'
            m0=$(mariadb_cpu)
            TARGET_DB=dstm tf_sync "mariadb-full-r$r-${tags[$i]}" "bench-mariadb-$r-${tags[$i]}" --full
            m0=$(awk -v a="$m0" -v b="$(mariadb_cpu)" 'BEGIN { printf "%.2f", b - a }')
            if [[ ${tags[$i]} == a ]]; then mcpu_a+=("$m0"); else mcpu_b+=("$m0"); fi
            [[ $(pqv dstm -c "$sum_sql") == "$pipe_sum" ]] || die "MariaDB round $r (${tags[$i]}): dstm differs from the pipe's copy"
            if [[ ${tags[$i]} == a ]]; then full_a+=("$WALL"); else full_b+=("$WALL"); fi
            log "MariaDB round $r: full (${tags[$i]}: $TFCTL) $WALL s = $(ratio "$WALL" "$s")x this round's pipe; $CPU, mariadbd cpu $m0 s"
            TARGET_DB=dstm tf_sync "mariadb-hash-r$r-${tags[$i]}" "bench-mariadb-$r-${tags[$i]}"
            if [[ ${tags[$i]} == a ]]; then hash_a+=("$WALL"); else hash_b+=("$WALL"); fi
            log "MariaDB round $r: hash, no changes (${tags[$i]}) $WALL s = $(ratio "$WALL" "$s")x this round's pipe; $CPU"
        done
    done
    TFCTL=$tfctl_saved
    local p m tag
    p=$(printf '%s\n' "${pipes[@]}" | median)
    record "(MariaDB rounds) pipe, median of $rounds: ${pipes[*]}" "$p" "1.000" "-" "-" "load $(loadavg)"
    for tag in a b; do
        local -n full_t=full_$tag hash_t=hash_$tag mcpu_t=mcpu_$tag
        local bin=$tfctl_saved
        [[ $tag == b ]] && bin=$COMPARE_BIN/tfctl
        m=$(printf '%s\n' "${full_t[@]}" | median)
        record "(MariaDB rounds) full, $bin, median: ${full_t[*]}" "$m" "$(ratio "$m" "$p")" "<= 1.5x" \
            "$(verdict "$(ratio "$m" "$p")" '<=' 1.5)" "ratio to the rounds' pipe; mariadbd cpu ${mcpu_t[*]} s"
        m=$(printf '%s\n' "${hash_t[@]}" | median)
        record "(MariaDB rounds) hash, no changes, $bin, median: ${hash_t[*]}" "$m" "$(ratio "$m" "$p")" "<= 0.3x" \
            "$(verdict "$(ratio "$m" "$p")" '<=' 0.3)" "ratio to the rounds' pipe"
        unset -n full_t hash_t mcpu_t
    done
}

# CPU seconds mariadbd has used so far (user + system, all its threads).
mariadb_cpu()
{
    awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / tck }' "/proc/$MARIADB_PID/stat"
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
